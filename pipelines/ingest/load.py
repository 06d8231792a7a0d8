"""The one write path: validate workbooks and store the accepted ones (used by the CLI and the upload page)."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipelines import settings, versions, warehouse
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


def load_files(con, sources: Iterable[Source | str | Path], user: str, *,
               dry_run: bool = False, progress: Progress | None = None,
               allowed_districts: set[str] | None = None, batch_size: int = 500,
               today: date | None = None) -> list[Result]:
    """Validate and (unless dry_run) store workbooks, one transaction per batch of up to batch_size."""
    return load_plan(con, Plan(sources, batch_size), user, dry_run=dry_run, progress=progress,
                     allowed_districts=allowed_districts, today=today)


def load_plan(con, plan: Plan, user: str, *, dry_run: bool = False,
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
    keys = {(r.village_code, r.period) for r in results if r.status != "rejected"}
    with _deciding(con, dry_run) as cur:
        # Versions are decided inside the writing transaction, holding each village-month's (and its
        # district-month's) lock, so two uploaders, in this process or another, never both claim version n+1.
        warehouse.lock_keys(cur, [("desa", v, p) for v, p in keys] + [("kabupaten", v[:5], p) for v, p in keys])
        current = {(code, period): (version, sha) for code, period, version, sha
                   in warehouse.rows(cur, "current_versions")}
        # A locked district-month (approved, or past its lock day) takes no new version, page or CLI.
        locked = lock.refusals(cur, [(r.village_code, r.period) for r in results if r.status != "rejected"
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
            kept = {hashes[i]: chunk[i].data for i in fresh if chunk[i].sheets is None}
            # DuckDB: the pack is on disk before the transaction commits; after a crash an orphan pack
            # is harmless, and a committed submission always has its original. PostgreSQL: the bytes
            # go into original_files in this same transaction.
            pack = originals.write_pack(con, kept)
            if cur is con:  # DuckDB: decided under the process's write lock, written in one transaction
                with warehouse.transaction(con) as tx:
                    _write(tx, chunk, results, fresh, batch, user, pack, kept)
            else:
                _write(cur, chunk, results, fresh, batch, user, pack, kept)
    return results


@contextmanager
def _deciding(con, dry_run: bool):
    """Where versions are decided: on PostgreSQL the writing transaction itself (a dry run writes
    nothing and reads outside one); on DuckDB the connection under the process's write lock."""
    if warehouse.engine(con) != "postgres":
        with warehouse.WRITE_LOCK:
            yield con
    elif dry_run:
        yield con
    else:
        with warehouse.transaction(con) as cur:
            yield cur


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


def _write(cur, chunk: list[Source], results: list[Result], fresh: list[int], batch: Batch, user: str,
           pack: str | None, kept: dict[str, bytes]) -> None:
    """Inside the writing transaction: new submissions, their rows, and the previous versions no longer current."""
    ids = [row[0] for row in warehouse.execute_sql(
        cur, "SELECT nextval('submission_seq') FROM generate_series(1, $n)", n=len(fresh))]
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
        warehouse.execute(cur, "retire_versions")
    warehouse.insert_staged(cur, "submissions", "staged_submissions", staged_submissions.columns)
    for name, frame in staged.items():
        warehouse.stage(cur, f"staged_{name}", frame)
        warehouse.insert_staged(cur, f"submission_{name}", f"staged_{name}", frame.columns)
    if replacing:
        warehouse.execute(cur, "retire_current_rows")
    warehouse.execute(cur, "refresh_current")
    rollup.refresh(cur, replacing=replacing)  # the metric layer's village-month facts, in the same transaction
    if pack:
        shas = sorted({results[i].sha256 for i in fresh if chunk[i].sheets is None})
        warehouse.stage(cur, "staged_originals", pl.DataFrame({"file_sha256": shas, "pack": [pack] * len(shas)}))
        warehouse.execute(cur, "originals_insert")
    elif kept and warehouse.engine(cur) == "postgres":
        originals.store(cur, kept)
    version = versions.bump(cur, "unggah", user)
    warehouse.execute(cur, "submissions_stamp", version=version)  # as of a version: pipelines.snapshot
