"""The one write path: validate workbooks and store the accepted ones (used by the CLI and the upload page)."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines import settings, warehouse
from pipelines.accounts import audit
from pipelines.catalogue import indicators
from pipelines.ingest import originals, registry, validate
from pipelines.ingest.findings import Finding
from pipelines.ingest.sources import Plan, Source  # noqa: F401 - Source is part of this module's interface
from pipelines.ingest.validate import Batch
from pipelines.metrics import rollup
from pipelines.review import lock
from pipelines.settings import WIB

Progress = Callable[[int, int, str], None]
HIDDEN_NAME = "(nama berkas disembunyikan)"  # stands in for a file name that held a NIK
OUT_OF_SCOPE = "bukan wilayah kabupaten/kota Anda"  # part of identity's message for another district's village


@dataclass
class Result:
    """What happened to one workbook."""
    file: str
    status: str  # accepted | rejected | unchanged
    sha256: str
    village_code: str | None = None
    period: date | None = None
    version: int | None = None
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    reason: str | None = None  # why rejected, a short code for the audit log (nik, overlapping_parts, ...)

    def as_json(self) -> dict:
        return {
            "file": self.file, "status": self.status, "village_code": self.village_code,
            "period": self.period.strftime("%Y-%m") if self.period else None, "version": self.version,
            "errors": [f.as_dict() for f in self.errors], "warnings": [f.as_dict() for f in self.warnings],
        }


def now_wib() -> datetime:
    return datetime.now(WIB).replace(tzinfo=None, microsecond=0)


def load_files(con: duckdb.DuckDBPyConnection, sources: Iterable[Source | str | Path], user: str, *,
               dry_run: bool = False, progress: Progress | None = None,
               allowed_districts: set[str] | None = None, batch_size: int = 500,
               today: date | None = None) -> list[Result]:
    """Validate and (unless dry_run) store workbooks, one transaction per batch of up to batch_size."""
    return load_plan(con, Plan(sources, batch_size), user, dry_run=dry_run, progress=progress,
                     allowed_districts=allowed_districts, today=today)


def load_plan(con: duckdb.DuckDBPyConnection, plan: Plan, user: str, *, dry_run: bool = False,
              progress: Progress | None = None, allowed_districts: set[str] | None = None,
              today: date | None = None) -> list[Result]:
    """load_files for a plan made (and its first batch's reading started) before the warehouse was opened."""
    lookup = registry.lookup(con)
    today = today or settings.today()
    results: list[Result] = []
    for k in range(len(plan)):
        batch, gathered = plan.take(k)  # the pool reads batch k + 1 while this one is judged and written
        checked = validate.judge(gathered, lookup, today, allowed_districts)
        results += _load_batch(con, batch.sources, batch.named, checked, user, dry_run, today)
        if progress:
            progress(len(results), len(plan.items), batch.sources[-1].name)
    return results


def _load_batch(con, chunk: list[Source], named: list[bool], batch: Batch, user: str, dry_run: bool,
                today) -> list[Result]:
    hashes = [s.sha256() for s in chunk]
    results = [
        # A file name that held a NIK is refused under a stand-in: it is never kept, shown or logged.
        Result(HIDDEN_NAME if bad_name else s.name, "accepted" if c.accepted else "rejected", h, c.village_code,
               c.period, None, c.errors, c.warnings, None if c.accepted else _reason(c))
        for s, h, c, bad_name in zip(chunk, hashes, batch.checked, named)
    ]
    _audit_rejections(con, results, user, dry_run)
    with warehouse.WRITE_LOCK:
        # Versions are decided under the lock so two uploaders never both claim version n+1.
        current = {(code, period): (version, sha) for code, period, version, sha
                   in warehouse.rows(con, "current_versions")}
        # A locked district-month (approved, or past its lock day) takes no new version, page or CLI.
        locked = lock.refusals(con, [(r.village_code, r.period) for r in results if r.status != "rejected"
                                     and current.get((r.village_code, r.period), (0, None))[1] != r.sha256],
                               today)
        fresh: list[int] = []
        for i, r in enumerate(results):
            if r.status == "rejected":
                continue
            key = (r.village_code, r.period)
            if key in locked:
                r.status, r.warnings = "rejected", []
                r.errors = [Finding("Identitas", None, "periode", r.period.strftime("%Y-%m"), locked[key])]
                continue
            version, sha = current.get(key, (0, None))
            if sha == r.sha256:
                r.status, r.version, r.warnings = "unchanged", version, []
                continue
            r.version = version + 1
            current[key] = (r.version, r.sha256)
            fresh.append(i)
        if fresh and not dry_run:
            # The pack is on disk before the transaction commits; after a crash an orphan pack
            # is harmless, and a committed submission always has its original.
            pack = originals.write_pack(con, {hashes[i]: chunk[i].data for i in fresh if chunk[i].sheets is None})
            _write(con, chunk, results, fresh, batch, user, pack)
    return results


def _reason(checked) -> str:
    if checked.reason:
        return checked.reason
    if any(OUT_OF_SCOPE in f.message for f in checked.errors):
        return "out_of_scope"
    return "invalid"


def _audit_rejections(con, results: list[Result], user: str, dry_run: bool) -> None:
    """One audit entry per rejected workbook (who, when, SHA-256, reason), from the page and the CLI alike.

    Written also on a dry run: a refused file is a security event, not data. A file name that held
    a NIK is not recorded (None), and no finding's value is ever copied here."""
    rejected = [r for r in results if r.status == "rejected"]
    if not rejected:
        return
    at = audit.now()
    with warehouse.transaction(con) as cur:
        for r in rejected:
            audit.record(cur, user, "upload_rejected", json.dumps({
                "file": None if r.file == HIDDEN_NAME else r.file, "sha256": r.sha256, "reason": r.reason,
                "errors": len(r.errors), "dry_run": dry_run}, ensure_ascii=False), at)


def _write(con, chunk: list[Source], results: list[Result], fresh: list[int], batch: Batch, user: str,
           pack: str | None) -> None:
    """One transaction: new submissions, their rows, and the previous versions no longer current."""
    with warehouse.transaction(con) as cur:
        ids = [row[0] for row in cur.sql(f"SELECT nextval('submission_seq') FROM range({len(fresh)})").fetchall()]
        last_of_key = {(results[i].village_code, results[i].period): i for i in fresh}
        stamp = now_wib()
        staged_submissions = pl.DataFrame({
            "submission_id": ids,
            "village_code": [results[i].village_code for i in fresh],
            "period": [results[i].period for i in fresh],
            "version": [results[i].version for i in fresh],
            "is_current": [last_of_key[(results[i].village_code, results[i].period)] == i for i in fresh],
            "status": ["accepted_with_warnings" if results[i].warnings else "accepted" for i in fresh],
            "file_name": [chunk[i].name for i in fresh],
            "file_sha256": [results[i].sha256 for i in fresh],
            "uploaded_by": [user] * len(fresh),
            "uploaded_at": [chunk[i].uploaded_at or stamp for i in fresh],
            "reported_on": [batch.checked[i].reported_on for i in fresh],
            "officer": [batch.checked[i].officer or "" for i in fresh],
            "warnings": [json.dumps([w.as_dict() for w in results[i].warnings], ensure_ascii=False) for i in fresh],
        }, schema_overrides={"submission_id": pl.Int64, "period": pl.Date, "reported_on": pl.Date,
                             "uploaded_at": pl.Datetime("us")})
        ids_by_wb = pl.DataFrame({"wb": fresh, "submission_id": ids}, schema={"wb": pl.Int32, "submission_id": pl.Int64})
        codes = pl.DataFrame({"indicator_code": list(indicators())})
        # Every catalogue indicator gets a row, NULL when not reported, so "missing" is explicit.
        staged_values = ids_by_wb.join(codes, how="cross").join(
            batch.values.select("wb", "indicator_code", "value"), on=["wb", "indicator_code"], how="left"
        ).drop("wb")
        staged = {
            "values": staged_values,
            "placements": batch.placements.join(ids_by_wb, on="wb").drop("wb"),
            "returns": batch.returns.join(ids_by_wb, on="wb").drop("wb"),
            "remittances": batch.remittances.join(ids_by_wb, on="wb").drop("wb"),
        }
        # A batch of first versions only replaces nothing: retiring and deleting would scan the
        # whole tables (the bulk of a large warehouse) to touch no row.
        replacing = any(results[i].version > 1 for i in fresh)
        warehouse.stage(cur, "staged_submissions", staged_submissions)
        if replacing:
            cur.execute(warehouse.sql_text("retire_versions"))
        cur.execute("INSERT INTO submissions BY NAME SELECT * FROM staged_submissions")
        for name, frame in staged.items():
            warehouse.stage(cur, f"staged_{name}", frame)
            cur.execute(f"INSERT INTO submission_{name} BY NAME SELECT * FROM staged_{name}")
        if replacing:
            cur.execute(warehouse.sql_text("retire_current_rows"))
        cur.execute(warehouse.sql_text("refresh_current"))
        rollup.refresh(cur, replacing=replacing)  # the metric layer's village-month facts, in the same transaction
        if pack:
            kept = sorted({results[i].sha256 for i in fresh if chunk[i].sheets is None})
            warehouse.stage(cur, "staged_originals", pl.DataFrame({"file_sha256": kept, "pack": [pack] * len(kept)}))
            cur.execute("INSERT OR IGNORE INTO originals SELECT file_sha256, pack FROM staged_originals")
        cur.execute(warehouse.sql_text("bump_data_version"))
