"""A throwaway PostgreSQL 15 on 127.0.0.1 for the tests: started once per session, one schema per test."""
from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

BIN = Path(os.environ.get("PANTAU_PG_BIN", "/usr/lib/postgresql/15/bin"))
TIMEOUT = 120  # seconds for initdb and for the server to accept connections


class CannotStart(RuntimeError):
    """PostgreSQL could not be started; the message says why."""


def _as_postgres(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: run them as the `postgres` user then.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One running cluster; schema() gives a fresh, empty schema's URL."""

    def __init__(self):
        if not (BIN / "initdb").exists():
            raise CannotStart(f"PostgreSQL 15 is not installed ({BIN / 'initdb'} missing): run ./pantau test, "
                              "which installs postgresql-15, or apt-get install postgresql-15")
        self.folder = Path(tempfile.mkdtemp(prefix="pantau-pg-"))
        self.data = self.folder / "data"
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.data, "postgres")
        self.port = _free_port()
        self._run([str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--no-locale", "--no-sync"], "initdb")
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.folder / "log"),
                   "-w", "-t", str(TIMEOUT), "start"], "pg_ctl start")
        self.base = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._count = itertools.count(1)

    def _run(self, args: list[str], what: str) -> None:
        try:
            done = subprocess.run(_as_postgres(args), capture_output=True, text=True, timeout=TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CannotStart(f"{what} failed: {exc}") from exc
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise CannotStart(f"{what} failed ({done.returncode}): {done.stderr.strip()} {tail}")

    def schema(self) -> str:
        """A new empty schema; the URL makes it every connection's search_path."""
        import psycopg
        name = f"t{next(self._count)}"
        with psycopg.connect(self.base, autocommit=True, connect_timeout=10) as raw:
            raw.execute(f"CREATE SCHEMA {name}")
        return f"{self.base}?options={quote(f'-c search_path={name}')}"

    def stop(self) -> None:
        subprocess.run(_as_postgres([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=TIMEOUT)
        shutil.rmtree(self.folder, ignore_errors=True)
