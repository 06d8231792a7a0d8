"""deploy/postgresql/: PostgreSQL 15 accepts pantau.conf, starts with it and pg_hba.conf, and lets in only whom it should."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests.conftest import ROOT

CONF = ROOT / "deploy" / "postgresql"
BIN = Path(os.environ.get("PANTAU_PG_BIN", "/usr/lib/postgresql/15/bin"))  # as tests/pgserver.py
TIMEOUT = 60  # seconds for initdb, a start, a stop


def _as_postgres(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _own(*paths: Path) -> None:
    if os.geteuid() == 0:  # postgres refuses to run as root: it runs as `postgres` then
        for path in paths:
            shutil.chown(path, "postgres")


def _run(args: list, what: str) -> None:
    done = subprocess.run(_as_postgres([str(a) for a in args]), capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, f"{what}: {done.stdout} {done.stderr}"


def test_postgresql_reads_every_setting():
    # `postgres -C` reads the configuration (failing on any unknown name or bad value) without starting;
    # it only wants a folder that looks like a data directory, owned by the user it runs as.
    with tempfile.TemporaryDirectory(prefix="pantau-pgconf-") as folder:
        data = Path(folder) / "data"
        data.mkdir(mode=0o700)
        (data / "PG_VERSION").write_text("15\n")
        (data / "postgresql.conf").write_text(f"include '{CONF / 'pantau.conf'}'\n")
        _own(data.parent, data, *data.iterdir())
        wanted = {"max_connections": "150", "shared_buffers": "131072", "work_mem": "16384",
                  "statement_timeout": "300000", "idle_in_transaction_session_timeout": "300000",
                  "log_min_duration_statement": "1000", "ssl": "on", "password_encryption": "scram-sha-256",
                  "listen_addresses": "localhost,10.0.0.4"}
        got = {}
        for name in wanted:
            done = subprocess.run(_as_postgres([str(BIN / "postgres"), "-D", str(data), "-C", name]),
                                  capture_output=True, text=True, timeout=TIMEOUT)
            assert done.returncode == 0, done.stderr
            got[name] = done.stdout.strip()
        assert got == wanted


@contextmanager
def _server() -> Iterator[tuple[int, psycopg.Connection, Path]]:
    """A fresh cluster started with pantau.conf (loopback, a free port and a throwaway certificate in place of
    the machine's), the role pantau and its database; yields the port, a superuser connection, the data folder."""
    folder = Path(tempfile.mkdtemp(prefix="pantau-pghba-"))
    data = folder / "data"
    _own(folder)
    try:
        _run([BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
             "initdb")
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(f"include '{CONF / 'pantau.conf'}'\n")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=localhost", "-keyout", folder / "server.key", "-out", folder / "server.crt"],
                       check=True, capture_output=True, timeout=TIMEOUT)
        os.chmod(folder / "server.key", 0o600)
        _own(folder / "server.key", folder / "server.crt")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        opts = (f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off "
                f"-c ssl_cert_file={folder / 'server.crt'} -c ssl_key_file={folder / 'server.key'}")
        started = subprocess.run(_as_postgres([str(a) for a in (BIN / "pg_ctl", "-D", data, "-o", opts, "-l",
                                                                 folder / "log", "-w", "-t", TIMEOUT, "start")]),
                                 capture_output=True, text=True, timeout=TIMEOUT + 10)
        log = folder / "log"
        assert started.returncode == 0, f"pg_ctl start: {started.stderr} {log.read_text() if log.exists() else ''}"
        try:
            with psycopg.connect(host=str(folder), port=port, user="postgres", dbname="postgres", autocommit=True,
                                 connect_timeout=10) as admin:
                admin.execute("CREATE ROLE pantau LOGIN PASSWORD 'rahasia-uji'")
                admin.execute("CREATE DATABASE pantau OWNER pantau")
                yield port, admin, data
        finally:
            subprocess.run(_as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                           capture_output=True, timeout=TIMEOUT)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _refused(**kwargs) -> str:
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(host="127.0.0.1", connect_timeout=10, **kwargs).close()
    return str(refused.value)


def test_the_store_starts_with_the_settings_and_admits_only_the_app_role():
    with _server() as (port, admin, data):
        shutil.copyfile(CONF / "pg_hba.conf", data / "pg_hba.conf")
        # the view parses the file on disk as it stands: every line valid
        rules = admin.execute("SELECT type, database, user_name, address, auth_method, error "
                              "FROM pg_hba_file_rules ORDER BY line_number").fetchall()
        assert rules == [
            ("local", ["all"], ["postgres"], None, "peer", None),
            ("local", ["pantau"], ["pantau"], None, "scram-sha-256", None),
            ("host", ["pantau"], ["pantau"], "127.0.0.1", "scram-sha-256", None),
            ("hostssl", ["pantau"], ["pantau"], "10.0.0.0", "scram-sha-256", None),
            ("host", ["all"], ["all"], "0.0.0.0", "reject", None),
            ("host", ["all"], ["all"], "::", "reject", None),
        ]
        admin.execute("SELECT pg_reload_conf()")
        # the app's role, with its password, over TLS
        with psycopg.connect(host="127.0.0.1", port=port, user="pantau", password="rahasia-uji", dbname="pantau",
                             sslmode="require", connect_timeout=10) as app:
            assert app.execute("SELECT current_user, ssl, current_setting('statement_timeout') "
                               "FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchall() == [("pantau", True, "5min")]
        assert 'password authentication failed for user "pantau"' in _refused(
            port=port, user="pantau", password="salah", dbname="pantau")
        assert 'pg_hba.conf rejects connection for host "127.0.0.1", user "pantau", database "postgres"' in _refused(
            port=port, user="pantau", password="rahasia-uji", dbname="postgres")
        assert 'pg_hba.conf rejects connection for host "127.0.0.1", user "postgres", database "postgres"' in _refused(
            port=port, user="postgres", dbname="postgres")
