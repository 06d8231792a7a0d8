"""Store a validated survey as a new version of its named dataset, audited, in one transaction."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines import versions, warehouse
from pipelines.accounts import audit
from pipelines.ingest.findings import Finding
from pipelines.survey import validate


@dataclass
class Result:
    """What happened to one survey file: accepted (new version), unchanged or rejected."""
    name: str
    file: str
    status: str
    version: int | None = None
    respondents: int = 0
    errors: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"survey": self.name, "file": self.file, "status": self.status, "version": self.version,
                "respondents": self.respondents, "errors": [e.as_dict() for e in self.errors]}


def load(con: duckdb.DuckDBPyConnection, name: str, data: bytes, file_name: str, user: str, *,
         demo: bool = False, dry_run: bool = False, allowed_districts: set[str] | None = None) -> Result:
    """Validate and (unless dry_run or rejected) store the survey; every outcome is audited."""
    name = " ".join(name.split())
    if not name:
        return Result(name, file_name, "rejected", errors=[Finding(None, None, None, None,
                                                                   "Nama survei wajib diisi.")])
    villages = {c for c in warehouse.query(con, "survey_villages")["village_code"].to_list()
                if allowed_districts is None or c[:5] in allowed_districts}  # a coordinator: own districts only
    checked = validate.check(data, villages)
    sha = hashlib.sha256(data).hexdigest()
    if checked.errors:
        if not dry_run:
            # The file name may be hostile text but is only stored, never interpreted; no cell value is logged.
            audit.audit(con, user, "survey_rejected",
                        f"{name} · {file_name} · {len(checked.errors)} galat")
        return Result(name, file_name, "rejected", errors=checked.errors)
    rows = checked.rows
    with warehouse.WRITE_LOCK:
        version, current_sha = warehouse.query(con, "survey_next_version", survey=name).row(0)
        if current_sha == sha:
            return Result(name, file_name, "unchanged", version - 1, rows.height)
        if dry_run:
            return Result(name, file_name, "accepted", version, rows.height)
        with warehouse.transaction(con) as cur:
            [(survey_id,)] = warehouse.execute_sql(cur, "SELECT nextval('survey_seq')")
            warehouse.execute(cur, "survey_retire", survey=name)
            stamp = versions.bump(cur, "survei", user)  # the survey version carries its data version
            warehouse.execute(cur, "survey_insert", id=survey_id, name=name, version=version, demo=demo,
                              file_name=file_name, sha=sha, user=user, at=audit.now(), respondents=rows.height,
                              stamp=stamp)
            staged = rows.with_columns(pl.lit(survey_id, dtype=pl.Int64).alias("survey_id"))
            warehouse.stage(cur, "staged_survey", staged)
            warehouse.insert_staged(cur, "survey_responses", "staged_survey", staged.columns)
            audit.record(cur, user, "survey_upload", f"{name} · versi {version} · {rows.height} responden · {file_name}")
    return Result(name, file_name, "accepted", version, rows.height)


def current(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The current version of every survey (demo surveys last)."""
    return warehouse.query(con, "survey_current")


def responses(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    """The respondents of the current version of a survey, with village names."""
    return warehouse.query(con, "survey_responses", survey=name)
