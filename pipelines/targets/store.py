"""Store a checked target workbook as a new version (one transaction, audited); read the current targets."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines import areas, versions, warehouse
from pipelines.accounts import audit
from pipelines.ingest import nik
from pipelines.ingest.findings import HIDDEN, Finding
from pipelines.ingest.load import HIDDEN_NAME
from pipelines.targets import validate


@dataclass
class Result:
    """What happened to one target file: accepted (a new version), unchanged or rejected."""
    file: str
    status: str
    version: int | None = None
    targets: int = 0
    errors: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"file": self.file, "status": self.status, "version": self.version, "targets": self.targets,
                "errors": [e.as_dict() for e in self.errors]}


def load(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, user: str, *,
         dry_run: bool = False) -> Result:
    """Check and (unless dry_run or rejected) store the targets; every outcome but a dry run is audited.

    A file name holding a NIK-like number rejects the file, and the name is never echoed, stored or logged."""
    if nik.found(file_name):
        file_name = HIDDEN_NAME
        checked = validate.Checked(None, [Finding(None, None, None, HIDDEN, validate.NIK_MESSAGE)])
    else:
        checked = validate.check(data, set(areas.units(con)["code"].to_list()))
    if checked.errors:
        if not dry_run:
            # the file name may be hostile text: it is only stored, never interpreted; no cell value is logged
            audit.audit(con, user, "target_rejected", f"{file_name} · {len(checked.errors)} galat")
        return Result(file_name, "rejected", errors=checked.errors)
    rows = checked.rows
    sha = hashlib.sha256(data).hexdigest()
    same = hashlib.sha256(rows.sort(rows.columns).write_csv().encode()).hexdigest()
    with warehouse.WRITE_LOCK:
        loads = warehouse.query(con, "target_loads")
        if not loads.is_empty() and loads["rows_sha256"][0] == same:
            return Result(file_name, "unchanged", int(loads["version"][0]), rows.height)
        if dry_run:
            return Result(file_name, "accepted", (int(loads["version"][0]) if not loads.is_empty() else 0) + 1,
                          rows.height)
        with warehouse.transaction(con) as cur:
            [(version,)] = warehouse.execute_sql(cur, "SELECT nextval('target_load_seq')")
            stamp = versions.bump(cur, "target", user)  # the load carries its data version (pipelines.snapshot)
            warehouse.execute_sql(cur, "INSERT INTO target_loads (load_id, file_name, file_sha256, rows_sha256, "
                                  "uploaded_by, uploaded_at, targets, data_version) "
                                  "VALUES ($v, $file, $sha, $same, $user, $at, $n, $stamp)",
                                  v=version, file=file_name, sha=sha, same=same, user=user, at=audit.now(),
                                  n=rows.height, stamp=stamp)
            staged = rows.with_columns(pl.lit(version, pl.Int64).alias("load_id"))
            warehouse.stage(cur, "staged_targets", staged)
            warehouse.insert_staged(cur, "target_values", "staged_targets", staged.columns)
            audit.record(cur, user, "target_upload", f"versi {version} · {rows.height} target · {file_name}")
    return Result(file_name, "accepted", int(version), rows.height)


def current(con: duckdb.DuckDBPyConnection, area: str | None = None, year: int | None = None) -> pl.DataFrame:
    """The current targets (area_code, indicator_code, year, period, target, load_id), optionally of one area/year.

    A warehouse opened read-only that was made before targets existed has no target table: no targets then."""
    if not warehouse.rows(con, "target_table_present")[0][0]:
        return pl.DataFrame(schema={"area_code": pl.String, "indicator_code": pl.String, "year": pl.Int32,
                                    "period": pl.String, "target": pl.Float64, "load_id": pl.Int64})
    return warehouse.query(con, "target_current", area=area, year=year)


def loads(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every target load, newest first (version, file_name, file_sha256, rows_sha256, uploaded_by, uploaded_at, targets)."""
    return warehouse.query(con, "target_loads")
