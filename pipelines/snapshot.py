"""A warehouse as of an earlier data version: an in-memory DuckDB copy the pack builder reads unchanged.

Every write transaction takes a data version and stamps the rows it makes with it (pipelines.versions), and
nothing the figures read is ever deleted: a new version of a village-month retires the older one, a review
action appends an event, a target or survey load adds a version, a series re-import keeps what it replaced.
So the state as of version V is: per village-month, the highest submission version stamped <= V; per
district-month, the state after its last review event <= V (none: diterima); the target loads and survey
versions stamped <= V; the series rows imported by V and not replaced by then. The village registry is not
versioned (a registry load changes it for every version).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import duckdb

from pipelines import migrations, settings, versions, warehouse

# snapshot table <- the SQL file that reads its rows as of $version from the store (either engine)
TABLES = {
    "villages": "asof_villages",
    "submissions": "asof_submissions",
    "submission_values": "asof_submission_values",
    "submission_placements": "asof_submission_placements",
    "submission_returns": "asof_submission_returns",
    "submission_remittances": "asof_submission_remittances",
    "review_events": "asof_review_events",
    "review_states": "asof_review_states",
    "target_loads": "asof_target_loads",
    "target_values": "asof_target_values",
    "surveys": "asof_surveys",
    "survey_responses": "asof_survey_responses",
    "external_series": "asof_external_series",
    "data_versions": "asof_data_versions",
    "warehouse_info": "asof_warehouse_info",
}


class VersionError(ValueError):
    """A data version a pack cannot be rebuilt as of; `what` is 'future', 'unknown' or 'unrecorded' (a warehouse
    not yet migrated to data versions); the message is Indonesian."""

    def __init__(self, what: str, message: str):
        super().__init__(message)
        self.what = what


def check(con, version: int) -> datetime:
    """When data version `version` was made; VersionError for one newer than the warehouse's or not recorded."""
    now = versions.current(con)
    if version > now:
        raise VersionError("future", f"Versi data {version} belum ada: versi data gudang ini sekarang {now}. "
                                     "Tidak ada paket yang dibuat.")
    made = versions.made_at(con, version)
    if made is None:
        first = versions.first(con)
        if first is None:
            raise VersionError("unrecorded", "Gudang ini belum mencatat riwayat versi data. Tidak ada paket yang "
                                             "dibuat.")
        raise VersionError("unknown", f"Versi data {version} tidak tercatat: riwayat versi gudang ini dimulai pada "
                                      f"versi {first}. Tidak ada paket yang dibuat.")
    return made


@contextmanager
def opened(con, version: int) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse of `con` (DuckDB or PostgreSQL) as of data version `version`, in memory; closed on exit.
    check() the version first."""
    mem = take(con, version)
    try:
        yield mem
    finally:
        mem.close()


def take(con, version: int) -> duckdb.DuckDBPyConnection:
    """The in-memory snapshot as of `version` (the caller closes it): the same schema via the migrations, the
    rows as of then, the current-version tables and the facts table rebuilt from them."""
    mem = duckdb.connect(":memory:")
    migrations.migrate(mem)
    frames = {table: warehouse.query(con, name, **({"version": version} if "$version" in warehouse.sql_text(name)
                                                  else {})) for table, name in TABLES.items()}
    with warehouse.transaction(mem) as cur:
        for table, frame in frames.items():
            warehouse.execute_sql(cur, f"DELETE FROM {table}")  # what the migration made (its first version row)
            if frame.height:
                warehouse.stage(cur, f"staged_{table}", frame)
                warehouse.insert_staged(cur, table, f"staged_{table}", frame.columns)
        warehouse.execute_sql(cur, "INSERT INTO warehouse_info VALUES ('data_version', $v)", v=str(version))
        warehouse.execute(cur, "snapshot_current")
    migrations.rebuild_current(mem)
    return mem


def reference_day(made: datetime) -> date:
    """The today() an as-of rebuild uses unless told: PANTAU_TODAY when set (a fixed calendar), else the day
    the version was made (WIB): due months and 'sementara' as they stood then."""
    fixed = settings.value("PANTAU_TODAY")
    return date.fromisoformat(fixed) if fixed else made.date()
