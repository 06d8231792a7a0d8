"""Schema migrations: open a warehouse and bring it to the current schema, derived tables included."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines import postgres, settings, versions, warehouse
from pipelines.metrics import rollup


def connect(path: str | Path | None = None, read_only: bool = False):
    """Open the warehouse file; a writable one is created or migrated to the current schema first."""
    con = warehouse.connect(path, read_only=read_only)
    if not read_only:
        migrate(con)
    return con


def migrate(con) -> None:
    """Create what is missing, swap old views for tables, and fill the metric layer's facts table."""
    if warehouse.engine(con) == "postgres":
        _migrate_postgres(con)
    else:
        _migrate_views(con)
        con.execute(warehouse.sql_text("schema"))
    with warehouse.transaction(con) as cur:
        warehouse.lock_keys(cur, [("pantau-migrate",)])  # PostgreSQL: processes starting at once add columns once
        warehouse.execute(cur, "quality_rule_ids")  # marks made under the rules' old ids K01-K04
        _stamp_columns(cur)
        versions.start(cur)  # the first migration with data_versions: where the rebuildable history starts
    rollup.ensure(con)  # warehouses made before the facts table existed get it filled here
    if warehouse.engine(con) == "postgres":
        postgres.forget_schema(con.url)  # `* EXCLUDE` is spelled out from the migrated tables


# Tables whose rows carry the data version of the write that made them (pipelines.snapshot reads them as of a version).
STAMPED = ("submissions", "review_events", "target_loads", "surveys", "external_series")


def _stamp_columns(cur) -> None:
    """Warehouses made before rows were stamped get the column; their rows get 0 (before version history)."""
    have = {t for (t,) in warehouse.execute_sql(
        cur, "SELECT table_name FROM information_schema.columns WHERE column_name = 'data_version' "
        "AND table_schema = current_schema()")}
    for table in STAMPED:
        if table not in have:
            warehouse.execute_sql(cur, f"ALTER TABLE {table} ADD COLUMN data_version BIGINT DEFAULT 0")


def _migrate_postgres(con) -> None:
    """The same schema.sql (transpiled), after the few functions PostgreSQL lacks; several processes may
    start at once, so the migration runs under one advisory lock."""
    with warehouse.transaction(con) as cur:
        warehouse.lock_keys(cur, [("pantau-migrate",)])
        cur.run_native(warehouse.sql_text("postgres_compat"))
        warehouse.execute(cur, "schema")
        cur.run_native(warehouse.sql_text("postgres_schema"))


def _migrate_views(con: duckdb.DuckDBPyConnection) -> None:
    """Warehouses made before the current-version tables had views of the same names: swap them."""
    views = {r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    old = views & {"indicator_values", "placements", "returns", "remittances"}
    if old:
        for name in old:
            con.execute(f"DROP VIEW {name}")
        con.execute(warehouse.sql_text("schema"))
        rebuild_current(con)


def rebuild_current(con: duckdb.DuckDBPyConnection) -> None:
    """Refill the current-version tables (and the facts table) from the versioned rows, in one transaction."""
    with warehouse.transaction(con) as cur:
        warehouse.execute(cur, "rebuild_current")
        if rollup.present(cur):  # a warehouse being migrated gets the table from migrate() just after
            rollup.rebuild(cur)


@contextmanager
def reading(path: str | Path | None = None, attempts: int = 3) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for reading only, also while another process (the running app) holds the file.

    DuckDB refuses even a read-only connection while another process writes, so a held warehouse
    is read from a private copy of the file and its WAL (the committed state when copied). A copy
    torn by a checkpoint running at that moment fails DuckDB's block checksums on opening and is
    simply taken again. A warehouse made before the facts table is read from a private copy too,
    migrated there. PostgreSQL (a postgresql:// path, or PANTAU_DATABASE_URL when none is given)
    is shared by every process: it is simply opened."""
    target = path if path is not None else (settings.database_url() or None)
    if warehouse.is_url(target):
        con = connect(str(target))
        try:
            yield con
        finally:
            con.close()
        return
    db = Path(path or settings.db_path())
    try:
        con = warehouse.connect(db, read_only=True)
    except warehouse.WarehouseBusy:
        con = None
    if con is not None and not rollup.present(con):
        con.close()
        con = None
    elif con is not None:
        try:
            yield con
        finally:
            con.close()
        return
    with tempfile.TemporaryDirectory(prefix="pantau-snapshot-") as folder:
        copy = Path(folder) / db.name
        for attempt in range(attempts):
            shutil.copyfile(db, copy)
            wal = db.with_name(db.name + ".wal")
            if wal.exists():
                shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
            try:
                con = duckdb.connect(str(copy))  # writable copy: replays the copied WAL
                rollup.ensure(con)
                break
            except duckdb.Error:
                if attempt == attempts - 1:
                    raise
        try:
            yield con
        finally:
            con.close()
