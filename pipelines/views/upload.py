"""Coordinator uploads: a dry-run preview with diffs, the error workbook for the village, and the confirmed load."""
from __future__ import annotations

import io
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from pipelines import exports, formatting, settings, warehouse
from pipelines.accounts import audit, roles
from pipelines.catalogue import indicators
from pipelines.formatting import MISSING
from pipelines.ingest import load, registry, template, workbook
from pipelines.ingest.validate import validate
from pipelines.labels import text as label_text
from pipelines.metrics import calendar
from pipelines.views import history, review
from pipelines.views.selection import Selection

Con = duckdb.DuckDBPyConnection
Files = Sequence[tuple[str, bytes]]
OUTCOMES = ("accepted", "accepted_with_warnings", "rejected", "unchanged")
BATCH = 10  # workbooks per transaction on confirm, so the progress bar moves in visible steps
WORKBOOK_HEADERS = {"file": "berkas", "village_code": "kode_desa", "period": "periode", "kind": "jenis",
                    "sheet": "sheet", "row": "baris", "column": "kolom", "value": "isi_ditemukan",
                    "message": "keterangan_dan_yang_diharapkan"}
log = logging.getLogger(__name__)



class NotAllowed(PermissionError):
    """The user may not upload (ministry staff, or nobody signed in)."""


@dataclass
class Item:
    """One uploaded workbook in the preview: the dry-run result, its outcome, and for a re-submission the diff."""
    result: load.Result
    outcome: str                       # one of OUTCOMES
    diff: pl.DataFrame | None = None   # changed rows against the current version (history.side_by_side)


@dataclass
class Preview:
    """The dry run of a set of uploaded workbooks, in upload order."""
    items: list[Item]

    def counts(self) -> dict[str, int]:
        return {o: sum(i.outcome == o for i in self.items) for o in OUTCOMES}

    def loadable(self) -> list[str]:
        """File names that Confirm would load (accepted, with or without warnings)."""
        return [i.result.file for i in self.items if i.outcome in ("accepted", "accepted_with_warnings")]

    def results(self) -> list[load.Result]:
        return [i.result for i in self.items]


def _require_uploader(con: Con, user: roles.User | None) -> None:
    if not roles.can_upload(user):
        # a refused write is audited like a refused file (upload_rejected)
        audit.audit(con, user.username if user else "?", "upload_rejected",
                    json.dumps({"reason": "role", "role": user.role if user else None}))
        raise NotAllowed("Akun ini hanya dapat melihat data; unggah laporan dilakukan oleh koordinator kabupaten/kota.")


def outcome(result: load.Result) -> str:
    """accepted | accepted_with_warnings | rejected | unchanged."""
    if result.status == "accepted" and result.warnings:
        return "accepted_with_warnings"
    return result.status


def _through_write_path(con: Con, files: Files, user: roles.User, **kwargs) -> list[load.Result]:
    """load.load_files over every file: the size cap, zip guard and NIK scan run there, before any parser."""
    return load.load_files(con, [load.Source(n, d) for n, d in files], user.username,
                           allowed_districts=roles.upload_scope(user), **kwargs)


def check(con: Con, files: Files, user: roles.User | None, today: date | None = None) -> Preview:
    """Dry-run every workbook within the user's districts; diff each accepted re-submission with the current version."""
    _require_uploader(con, user)
    scope = roles.upload_scope(user)
    items = [Item(r, outcome(r)) for r in _through_write_path(con, files, user, dry_run=True, today=today)]
    resubmitted = [i for i, item in enumerate(items)
                   if item.outcome in ("accepted", "accepted_with_warnings") and (item.result.version or 0) > 1]
    if resubmitted:
        news = _snapshots(con, [files[i][1] for i in resubmitted], scope, today)
        for i, new in zip(resubmitted, news):
            r = items[i].result
            current = history.versions(con, r.village_code, r.period).filter(pl.col("is_current"))
            if current.height:
                old = history.snapshot(con, current["submission_id"][0])
                items[i].diff = history.side_by_side(old, new).filter(pl.col("changed"))
    return Preview(items)


def _snapshots(con: Con, datas: list[bytes], scope: set[str] | None, today: date | None) -> list[history.Snapshot]:
    """What each (already accepted) workbook would store, read again for the diff only; nothing is written."""
    batch = validate([workbook.read(d) for d in datas], registry.lookup(con), today or settings.today(), scope)
    out = []
    for wb in range(len(datas)):
        mine = {name: frame.filter(pl.col("wb") == wb)
                for name, frame in (("values", batch.values), ("placements", batch.placements),
                                    ("returns", batch.returns), ("remittances", batch.remittances))}
        values = dict(mine["values"].select("indicator_code", "value").iter_rows())
        out.append(history.Snapshot(
            {code: values.get(code) for code in indicators()},
            {"placements": float(mine["placements"]["count"].sum()),
             "returns": float(mine["returns"]["count"].sum()),
             "returns_problem": float(mine["returns"]["with_problem"].sum()),
             "remittance_transactions": float(mine["remittances"]["transactions"].sum()),
             "remittance_idr": float(mine["remittances"]["amount_idr"].sum())}))
    return out


def findings(results: Sequence[load.Result]) -> pl.DataFrame:
    """Every error and warning: file, village_code, period, kind, sheet, row, column, value, message."""
    rows = [
        (r.file, r.village_code, r.period.strftime("%Y-%m") if r.period else None, kind,
         f.sheet, f.row, f.column, f.value, f.message)
        for r in results
        for kind, found in (("error", r.errors), ("warning", r.warnings))
        for f in found
    ]
    return pl.DataFrame(rows, schema={"file": pl.String, "village_code": pl.String, "period": pl.String,
                                      "kind": pl.String, "sheet": pl.String, "row": pl.Int64, "column": pl.String,
                                      "value": pl.String, "message": pl.String}, orient="row")


def findings_table(results: Sequence[load.Result], kinds: dict[str, str]) -> pl.DataFrame:
    """The findings for the screen: every column as text (blank where a finding has no row or cell), kinds labelled."""
    return findings(results).with_columns(pl.all().cast(pl.String).fill_null("")).with_columns(
        pl.col("kind").replace_strict(kinds))


def error_workbook(results: Sequence[load.Result]) -> bytes:
    """The error list as an XLSX to send back to the village (headers in Indonesian, no cell runs as a formula)."""
    frame = findings(results).with_columns(
        pl.col("kind").replace_strict({"error": "galat", "warning": "peringatan"}))
    summary = pl.DataFrame(
        [(r.file, r.village_code, r.period.strftime("%Y-%m") if r.period else None,
          {"accepted": "diterima", "accepted_with_warnings": "diterima dengan peringatan", "rejected": "ditolak",
           "unchanged": "tidak berubah"}[outcome(r)], len(r.errors), len(r.warnings)) for r in results],
        schema={"berkas": pl.String, "kode_desa": pl.String, "periode": pl.String, "hasil": pl.String,
                "galat": pl.Int64, "peringatan": pl.Int64}, orient="row")
    notes = ["Daftar galat dan peringatan hasil pemeriksaan laporan bulanan Desmigratif.",
             "Galat membuat laporan ditolak: perbaiki sel yang disebut (sheet, baris, kolom), lalu kirim ulang.",
             "Peringatan tidak menghalangi laporan, tetapi mohon diperiksa.",
             "Nilai yang tampak seperti NIK tidak pernah ditampilkan: hapus data pribadi dari laporan."]
    return exports.to_xlsx({"Kesalahan": frame.rename(WORKBOOK_HEADERS), "Ringkasan": summary}, notes)


def confirm(con: Con, files: Files, user: roles.User | None, progress: load.Progress | None = None,
            today: date | None = None) -> list[load.Result]:
    """Load the workbooks through the one write path (rejected ones write nothing, identical ones stay unchanged)."""
    _require_uploader(con, user)
    results = _through_write_path(con, files, user, progress=progress, batch_size=BATCH, today=today)
    for r in results:
        _log_upload(con, user, r)
    return results


def _log_upload(con: Con, user: roles.User, r: load.Result) -> None:
    """One audit line per workbook; the load has committed by now, so a failing audit only gets logged."""
    if r.status == "rejected":
        return  # rejections are audited by the write path itself (upload_rejected)
    detail = json.dumps({"file": r.file, "status": r.status, "village_code": r.village_code,
                         "period": r.period.strftime("%Y-%m") if r.period else None, "version": r.version,
                         "sha256": r.sha256, "errors": len(r.errors), "warnings": len(r.warnings)},
                        ensure_ascii=False)
    try:
        with warehouse.WRITE_LOCK:
            audit.audit(con, user.username, "upload", detail)
    except Exception:  # noqa: BLE001 - the upload itself succeeded; never report it as failed
        log.exception("audit of upload %s failed", r.file)


def villages(con: Con, user: roles.User | None) -> pl.DataFrame:
    """Villages the user may upload for: village_code, village_name, subdistrict, district_code, district."""
    scope = roles.upload_scope(user)
    return warehouse.query(con, "upload_villages", all=scope is None, districts=sorted(scope or ()))


def template_bytes(con: Con, user: roles.User | None, village_code: str | None = None,
                   period: str | None = None) -> bytes:
    """The template, blank or prefilled for a village in the user's scope and a month 'YYYY-MM'."""
    village = None
    if village_code:
        found = villages(con, user).filter(pl.col("village_code") == village_code)
        if found.is_empty():
            raise NotAllowed(f"Desa {village_code} bukan wilayah Anda.")
        village = {"village_code": village_code, "village_name": found["village_name"][0]}
    buf = io.BytesIO()
    template.write_template(buf, village=village, period=period)
    return buf.getvalue()


def status_table(preview: Preview, names: dict[str, str], labels: dict[str, str]) -> pl.DataFrame:
    """One row per uploaded workbook: file, village, period, outcome (labelled), version, errors, warnings."""
    rows = []
    for item in preview.items:
        r = item.result
        rows.append((r.file, r.village_code or MISSING, names.get(r.village_code or "", MISSING),
                     r.period.strftime("%Y-%m") if r.period else MISSING, labels[item.outcome],
                     str(r.version) if r.version and item.outcome != "rejected" else MISSING,
                     len(r.errors), len(r.warnings)))
    return pl.DataFrame(rows, schema={"file": pl.String, "village_code": pl.String, "village_name": pl.String,
                                      "period": pl.String, "outcome": pl.String, "version": pl.String,
                                      "errors": pl.Int64, "warnings": pl.Int64}, orient="row")


def done_table(results: Sequence[load.Result], names: dict[str, str], lang: str) -> pl.DataFrame:
    """The load just confirmed, one row per workbook, headers in lang."""
    labels = {o: label_text(f"up_outcome_{o}", lang) for o in OUTCOMES}
    return status_table(Preview([Item(r, outcome(r)) for r in results]), names, labels).rename(
        lambda c: label_text(f"up_col_{c}", lang))


def summary(results: Sequence[load.Result]) -> dict[str, int]:
    """How many workbooks of a confirmed load were loaded, unchanged or rejected."""
    return {"loaded": sum(r.status == "accepted" for r in results),
            "unchanged": sum(r.status == "unchanged" for r in results),
            "rejected": sum(r.status == "rejected" for r in results)}


# --- the Unggah page model ---------------------------------------------------------------------

@dataclass
class Unggah:
    """What the Unggah page shows: the template pickers, the dry run of the chosen files, the last load's summary."""
    may_upload: bool                              # roles.can_upload: others get a notice and nothing else
    intro: str = ""
    notices: list[str] = field(default_factory=list)   # months returned to the user's districts (escaped)
    templates: dict[str, str] = field(default_factory=dict)  # '' (blank template) first, then village -> label
    months: list[date] = field(default_factory=list)         # template months, newest first
    preview: Preview | None = None
    status: pl.DataFrame | None = None            # status_table with headers in lang
    findings: pl.DataFrame | None = None          # errors and warnings, headers in lang
    diffs: list[tuple[str, pl.DataFrame | None, str]] = field(default_factory=list)  # heading (escaped), changes, key
    loadable: tuple[int, ...] = ()                # positions of the files Confirm would load
    names: dict[str, str] = field(default_factory=dict)     # village code -> name, the user's villages


def model(con: Con, sel: Selection, lang: str = "id", *, files: Files = ()) -> Unggah:
    """The Unggah page for the signed-in user: files (name, bytes) are checked through the write path's dry run."""
    user = sel.user
    if not roles.can_upload(user):
        return Unggah(False)
    rows = villages(con, user)
    names = dict(zip(rows["village_code"].to_list(), rows["village_name"].to_list()))
    scope = roles.upload_scope(user)
    last = calendar.latest_reportable_month(settings.today())
    outcome_labels = {o: label_text(f"up_outcome_{o}", lang) for o in OUTCOMES}
    head = lambda f: f.rename(lambda c: label_text(f"up_col_{c}", lang))  # noqa: E731
    out = Unggah(
        True, label_text("up_intro", lang, area=label_text("up_all_districts", lang) if scope is None else ", ".join(
            sorted(rows["district"].unique().to_list())) or "–", mb=settings.max_upload_bytes() // 1048576),
        review.returned_notices(con, user, lang, label_text("rv_returned_notice", lang)),
        {"": label_text("up_template_blank", lang)} | {c: f"{n} · {s} · {d}" for c, n, s, d in rows.select(
            "village_code", "village_name", "subdistrict", "district").iter_rows()},
        [calendar.add_months(last, -i) for i in range(24)])
    out.names = names
    if not files:
        return out
    preview = out.preview = check(con, files, user)
    out.status = head(status_table(preview, names, outcome_labels))
    out.findings = head(findings_table(preview.results(), {"error": label_text("up_kind_error", lang),
                                                            "warning": label_text("up_kind_warning", lang)}))
    for item in preview.items:
        if item.diff is None:
            continue
        r = item.result
        # file and village names come from the upload: escaped, so they can never become links or images
        heading = label_text("up_diff_head", lang, file=formatting.md(r.file),
                             village=formatting.md(names.get(r.village_code, r.village_code)),
                             month=formatting.month(r.period, lang), old=r.version - 1, new=r.version)
        table = None if item.diff.is_empty() else history.shown(item.diff, lang).select("code", "item", "a", "b").rename(
            {"code": label_text("hi_col_code", lang), "item": label_text("hi_col_item", lang),
             "a": label_text("up_diff_old", lang), "b": label_text("up_diff_new", lang)})
        out.diffs.append((heading, table, f"up_diff_{r.file}_{r.sha256[:8]}"))
    out.loadable = tuple(i for i, item in enumerate(preview.items) if item.outcome in ("accepted", "accepted_with_warnings"))
    return out
