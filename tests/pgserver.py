"""A throwaway PostgreSQL 15 on 127.0.0.1 for the tests: started once per session, one schema per test."""
from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

from pipelines.cluster.localpg import BIN, CannotStart, LocalPostgres, free_port

__all__ = ["CannotStart", "Server"]


class Server:
    """One running cluster; schema() gives a fresh, empty schema's URL."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="pantau-pg-"))
        self.pg = LocalPostgres(self.folder, port=free_port(), fast=True,
                                bin_dir=Path(os.environ.get("PANTAU_PG_BIN", BIN)))
        try:
            self.pg.init()
            self.pg.start()
        except CannotStart:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self.port = self.pg.port
        self.base = self.pg.url()
        self._count = itertools.count(1)

    def schema(self) -> str:
        """A new empty schema; the URL makes it every connection's search_path."""
        import psycopg
        name = f"t{next(self._count)}"
        with psycopg.connect(self.base, autocommit=True, connect_timeout=10) as raw:
            raw.execute(f"CREATE SCHEMA {name}")
        return f"{self.base}?options={quote(f'-c search_path={name}')}"

    def stop(self) -> None:
        self.pg.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
