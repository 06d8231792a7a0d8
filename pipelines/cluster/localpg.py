"""A PostgreSQL 15 cluster kept in one folder, listening on 127.0.0.1 only (initdb once, then pg_ctl)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")  # Debian postgresql-15
TIMEOUT = 120  # seconds for initdb, for the server to accept connections and to stop
# Throwaway clusters (tests) trade durability for speed; a kept one (data/postgres) does not.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class CannotStart(RuntimeError):
    """PostgreSQL could not be started; the message says why."""


def as_postgres(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kept_port() -> int:
    """A port for a cluster kept across runs: 5433 (beside a system PostgreSQL's 5432) or the next free one
    up to 5532, never one of the kernel's ephemeral ports that outgoing connections may hold on a restart."""
    for port in range(5433, 5533):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise CannotStart("no free port between 5433 and 5532 on 127.0.0.1 for the local PostgreSQL")


class LocalPostgres:
    """One cluster under folder: data/ (PGDATA), log, port (chosen once), and the unix socket."""

    def __init__(self, folder: Path, port: int | None = None, fast: bool = False, max_connections: int = 200,
                 bin_dir: Path = BIN):
        self.bin = Path(bin_dir)
        self.folder = Path(folder).resolve()
        self.data = self.folder / "data"
        self.log = self.folder / "log"
        self.fast, self.max_connections = fast, max_connections
        self._port = port

    @property
    def port(self) -> int:
        """The port: given, else the one chosen at initdb (kept in folder/port), else a free one from 5433."""
        if self._port is None:
            saved = self.folder / "port"
            self._port = int(saved.read_text()) if saved.exists() else kept_port()
        return self._port

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> bool:
        """initdb once (trust on loopback: only local processes reach it); True when this call made it."""
        if not (self.bin / "initdb").exists():
            raise CannotStart(f"PostgreSQL 15 is not installed ({self.bin / 'initdb'} missing): run ./pantau setup, "
                              "which installs postgresql-15, or apt-get install postgresql-15")
        if self.initialised():
            return False
        self.data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.data, "postgres")
            if subprocess.run(as_postgres(["test", "-w", str(self.data)]), timeout=30).returncode != 0:
                raise CannotStart(f"the postgres user cannot reach {self.data} (a folder above it is closed to "
                                  "other users): choose another --pg-folder, or set PANTAU_DATABASE_URL")
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--no-locale", *(["--no-sync"] if self.fast else [])], "initdb")
        (self.folder / "port").write_text(str(self.port))
        return True

    def running(self) -> bool:
        done = subprocess.run(as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]),
                              capture_output=True, timeout=TIMEOUT)
        return done.returncode == 0

    def start(self) -> bool:
        """Start the server unless it runs already; True when this call started it."""
        if self.running():
            return False
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                f"-c max_connections={self.max_connections}" + (f" {FAST}" if self.fast else ""))
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.log),
                   "-w", "-t", str(TIMEOUT), "start"], "pg_ctl start")
        return True

    def create_database(self, name: str) -> str:
        """The URL of database name, created when missing."""
        import psycopg
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as raw:
            if not raw.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchall():
                raw.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                                    "-t", str(TIMEOUT), "stop"]), capture_output=True, timeout=TIMEOUT + 10)

    def _run(self, args: list[str], what: str) -> None:
        try:
            done = subprocess.run(as_postgres(args), capture_output=True, text=True, timeout=TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CannotStart(f"{what} failed: {exc}") from exc
        if done.returncode != 0:
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise CannotStart(f"{what} failed ({done.returncode}): {done.stderr.strip()} {tail}")
