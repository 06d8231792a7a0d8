"""Submission history: every version of every village-month in a user's scope, and two versions side by side."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from pipelines import formatting, warehouse
from pipelines.accounts import roles
from pipelines.catalogue import indicators
from pipelines.ingest import originals
from pipelines.labels import text as label_text
from pipelines.views import review
from pipelines.views.selection import Selection

Con = duckdb.DuckDBPyConnection

# The breakdown sheets summed to one figure each, in the order shown: key -> (sheet, unit, Indonesian, English).
TOTALS = {
    "placements": ("Penempatan", "orang", "Penempatan, jumlah orang", "Placements, people"),
    "returns": ("Kepulangan", "orang", "Kepulangan, jumlah orang", "Returns, people"),
    "returns_problem": ("Kepulangan", "orang", "Kepulangan bermasalah, orang", "Returns with a problem, people"),
    "remittance_transactions": ("Remitansi", "transaksi", "Remitansi, jumlah transaksi", "Remittances, transactions"),
    "remittance_idr": ("Remitansi", "rupiah", "Remitansi, nilai", "Remittances, amount"),
}
COMPARE_SCHEMA = {"section": pl.String, "code": pl.String, "item": pl.String, "unit": pl.String,
                  "a": pl.Float64, "b": pl.Float64, "changed": pl.Boolean}


@dataclass
class Snapshot:
    """What one version reported: every catalogue indicator (None = not reported) and the breakdown totals."""
    values: dict[str, float | None] = field(default_factory=dict)
    totals: dict[str, float] = field(default_factory=dict)


def _scope_params(user: roles.User | None) -> dict:
    # One rule for all upload history (roles.history_scope): coordinators their districts, admins all.
    scope = roles.history_scope(user)
    return {"all": scope is None, "districts": sorted(scope or ())}


def villages(con: Con, user: roles.User | None) -> pl.DataFrame:
    """Villages whose history the user may see: village_code, village_name, subdistrict, district_code, district."""
    return warehouse.query(con, "upload_villages", **_scope_params(user))


def districts(con: Con, user: roles.User | None) -> pl.DataFrame:
    """The districts whose history the user may see: district_code, district, villages."""
    return warehouse.query(con, "history_districts", **_scope_params(user))


def submissions(con: Con, user: roles.User | None, district: str = "", village: str = "",
                period: date | None = None, current_only: bool = False) -> pl.DataFrame:
    """Every version in the user's scope (optionally one district, village or month), newest first."""
    frame = warehouse.query(con, "history_submissions", **_scope_params(user), district=district,
                            village=village, period=period)
    return frame.filter(pl.col("is_current")) if current_only else frame


def months(con: Con, user: roles.User | None, district: str = "", village: str = "") -> list[date]:
    """Months with at least one upload in the user's scope (optionally one district or village), newest first."""
    return warehouse.query(con, "history_months", **_scope_params(user), district=district,
                           village=village)["period"].to_list()


SHOWN_ROWS = 1_000  # versions listed at once; a browser table of 100,000 rows costs seconds per rerun


def village_months(frame: pl.DataFrame, limit: int = 500) -> pl.DataFrame:
    """Distinct village-months of a submissions frame, newest first, at most limit (village_code, village_name,
    period, versions)."""
    return frame.unique(["village_code", "period"], keep="first", maintain_order=True).select(
        "village_code", "village_name", "period", "versions").head(limit)


def table(frame: pl.DataFrame, lang: str = "id", labels: dict[str, str] | None = None) -> pl.DataFrame:
    """A submissions or versions frame for reading: month names, WIB timestamps, current as a mark, status labelled."""
    labels = labels or {}
    out = frame.with_columns(
        pl.col("uploaded_at").dt.strftime("%d-%m-%Y %H:%M"),
        pl.when(pl.col("is_current")).then(pl.lit("✓")).otherwise(pl.lit("")).alias("is_current"),
        pl.col("status").replace(labels),
    )
    if "period" in out.columns:
        # One name per distinct month, not per row: a national list holds 100,000+ versions.
        names = {d: formatting.month(d, lang) for d in out["period"].unique().to_list()}
        out = out.with_columns(pl.col("period").replace_strict(names, return_dtype=pl.String))
    out = out.drop([c for c in ("submission_id", "district_code", "versions") if c in out.columns])
    return out.select(pl.exclude("file_sha256"), "file_sha256")  # the long checksum last, the rest stays in view


def versions(con: Con, village: str, period: date) -> pl.DataFrame:
    """All versions of one village-month, oldest first, with who, when, file and checksum."""
    return warehouse.query(con, "history_versions", village=village, period=period)


def snapshot(con: Con, submission_id: int) -> Snapshot:
    """The indicator values and breakdown totals one stored version reported."""
    values = dict(warehouse.query(con, "history_submission_values", id=submission_id).iter_rows())
    totals = warehouse.query(con, "history_submission_totals", id=submission_id).row(0, named=True)
    return Snapshot({code: values.get(code) for code in indicators()},
                    {k: float(v) for k, v in totals.items()})


def side_by_side(a: Snapshot, b: Snapshot, lang: str = "id") -> pl.DataFrame:
    """Every indicator, then every breakdown total, with a's and b's value and whether they differ."""
    rows = []
    for code, ind in indicators().items():
        rows.append(("indikator", code, ind.name_id if lang == "id" else ind.name_en, ind.unit,
                     a.values.get(code), b.values.get(code)))
    for key, (_, unit, name_id, name_en) in TOTALS.items():
        rows.append(("rincian", key, name_id if lang == "id" else name_en, unit, a.totals.get(key),
                     b.totals.get(key)))
    frame = pl.DataFrame(rows, schema={k: COMPARE_SCHEMA[k] for k in ("section", "code", "item", "unit", "a", "b")},
                         orient="row")
    # ne_missing: a value reported in one version and blank in the other is a change too.
    return frame.with_columns(changed=pl.col("a").ne_missing(pl.col("b")))


def compare(con: Con, submission_a: int, submission_b: int, lang: str = "id") -> pl.DataFrame:
    """Two stored versions side by side: section, code, item, unit, a, b, changed."""
    return side_by_side(snapshot(con, submission_a), snapshot(con, submission_b), lang)


def shown(frame: pl.DataFrame, lang: str = "id") -> pl.DataFrame:
    """A comparison (or diff) for reading in lang: names, a and b as text ('–' not reported, ya/tidak, digits)."""
    def text(value: float | None, unit: str) -> str:
        if value is None:
            return formatting.MISSING
        if unit == "ya/tidak":
            return {"id": ("tidak", "ya"), "en": ("no", "yes")}[lang][int(value != 0)]
        return formatting.number(value, lang, 0 if float(value).is_integer() else 2)

    sheets = {key: sheet for key, (sheet, *_) in TOTALS.items()}
    names = {code: ind.name_id if lang == "id" else ind.name_en for code, ind in indicators().items()} | {
        key: name_id if lang == "id" else name_en for key, (_, _, name_id, name_en) in TOTALS.items()}
    # The texts are made here in Python, not by a map_elements UDF: polars runs a UDF on its thread pool,
    # which then needs the GIL, and a replica deadlocked (bench/cluster.py, two coordinators at once) when
    # another thread held the GIL waiting for that pool (st.dataframe's to_pandas).
    units = frame["unit"].to_list()
    texts = [pl.Series(c, [text(v, u) for v, u in zip(frame[c].to_list(), units)], dtype=pl.String)
             for c in ("a", "b")]
    return frame.with_columns(
        pl.col("code").replace_strict(names, default=pl.col("item")).alias("item")).with_columns(
        *texts,
        # A breakdown total is labelled by its sheet: its internal key means nothing to a reader.
        pl.col("code").replace(sheets),
    )


def submission(con: Con, submission_id: int) -> dict | None:
    """One submission's village_code, period, version, file_name and file_sha256."""
    rows = warehouse.query(con, "history_submission", id=submission_id).rows(named=True)
    return rows[0] if rows else None


def original(con: Con, user: roles.User | None, submission_id: int) -> tuple[str, bytes] | None:
    """The file name and original bytes of a version the user may see; None otherwise or when not kept."""
    row = submission(con, submission_id)
    if row is None or user is None or not roles.may_see_village(user, row["village_code"]):
        return None
    data = originals.read(con, row["file_sha256"])
    return (row["file_name"], data) if data is not None else None


# --- the Riwayat page model ------------------------------------------------------------------------

@dataclass
class Riwayat:
    """What the Riwayat page shows for the user's picks (each pick outside the choices falls back to the first)."""
    districts: dict[str, str]                     # code -> name; '' (all) first when there are several
    notices: list[str] = field(default_factory=list)   # months returned to the user's districts (escaped)
    district: str = ""
    villages: dict[str, str] = field(default_factory=dict)  # '' (all) first, then code -> 'name · sub-district'
    village: str = ""
    months: list[date | None] = field(default_factory=list)  # None (all) first
    month: date | None = None
    counts: tuple[int, int, int] = (0, 0, 0)     # versions, village-months, re-submissions
    table: pl.DataFrame | None = None            # the newest SHOWN_ROWS versions, headers in lang
    more: str | None = None                      # 'the newest n of m are shown'
    details: dict[str, str] = field(default_factory=dict)  # 'village|YYYY-MM-DD' -> 'Betak, Juli 2024 (2 versi)'
    capped: str | None = None
    detail: str | None = None                    # the village-month shown below
    state_line: str = ""
    versions: pl.DataFrame | None = None         # its versions, headers in lang
    version_labels: dict[int, str] = field(default_factory=dict)  # submission_id -> 'Versi 2 · file.xlsx', oldest first
    a: int | None = None                         # the two versions compared
    b: int | None = None
    changed: int = 0
    compare: pl.DataFrame | None = None          # code, item, unit, a, b, changed as text, headers in lang


def _pick(value, options: list, default_index: int = 0):
    return value if value in options else (options[default_index] if options else None)


def model(con: Con, sel: Selection, lang: str = "id", *, district: str | None = None, village: str | None = None,
          month: date | None = None, current_only: bool = False, detail: str | None = None, a: int | None = None,
          b: int | None = None, only_changed: bool = False) -> Riwayat:
    """Every version in the user's scope (roles.history_scope), filtered by the picks; one village-month's
    versions and two of them side by side."""

    user = sel.user
    frame = districts(con, user)
    names = dict(zip(frame["district_code"].to_list(), frame["district"].to_list()))
    out = Riwayat(({"": label_text("hi_all", lang)} if len(names) > 1 else {}) | names)
    if not names:
        return out
    out.notices = review.returned_notices(con, user, lang, label_text("rv_returned_notice", lang))
    out.district = _pick(district, list(out.districts))
    rows = villages(con, user).filter(pl.lit(not out.district) | (pl.col("district_code") == out.district))
    out.villages = {"": label_text("hi_all", lang)} | {c: f"{n} · {s}" for c, n, s in rows.select(
        "village_code", "village_name", "subdistrict").iter_rows()}
    out.village = _pick(village, list(out.villages))
    out.months = [None] + months(con, user, out.district, out.village)
    out.month = _pick(month, out.months)
    found = submissions(con, user, out.district, out.village, out.month, current_only)
    out.counts = (found.height, found.filter(found["is_current"]).height, found.filter(found["version"] > 1).height)
    if found.is_empty():
        return out
    status = {s: label_text(f"up_outcome_{s}", lang) for s in ("accepted", "accepted_with_warnings")}
    head = lambda f: f.rename(lambda c: label_text(f"hi_col_{c}", lang))  # noqa: E731
    out.table = head(table(found.head(SHOWN_ROWS), lang, status))
    if found.height > SHOWN_ROWS:
        out.more = label_text("hi_shown_newest", lang, shown=formatting.number(SHOWN_ROWS, lang),
                              total=formatting.number(found.height, lang))
    choices = village_months(found)
    out.details = {f"{c}|{p.isoformat()}": label_text("hi_detail_option", lang, village=n, month=formatting.month(p, lang),
                                                      n=v)
                   for c, n, p, v in choices.select("village_code", "village_name", "period", "versions").iter_rows()}
    if len(choices) < found.n_unique(["village_code", "period"]):
        out.capped = label_text("hi_detail_capped", lang, n=len(choices))
    out.detail = _pick(detail, list(out.details))
    code, iso = out.detail.split("|")
    period = date.fromisoformat(iso)
    vers = versions(con, code, period)
    state = review.state_of_village_month(con, code, period)
    out.state_line = label_text("rv_state_line", lang, icon=review.STATE_ICONS[state.state],
                                state=label_text(f"rv_state_{state.state}", lang),
                                by=formatting.plain(state.changed_by or "–"),
                                at=review.transitions.at_text(state.changed_at, lang) or "–")
    out.versions = head(table(vers, lang, status))
    out.version_labels = {sid: label_text("hi_version_label", lang, v=v, file=f) for sid, v, f in
                          vers.select("submission_id", "version", "file_name").iter_rows()}
    ids = list(out.version_labels)
    if len(ids) < 2:
        return out
    out.a, out.b = _pick(a, ids, len(ids) - 2), _pick(b, ids, len(ids) - 1)
    both = shown(compare(con, out.a, out.b, lang), lang)
    out.changed = int(both["changed"].sum())
    if only_changed:
        both = both.filter(both["changed"])
    number = dict(zip(ids, vers["version"].to_list()))
    out.compare = both.select(
        "code", "item", "unit", "a", "b",
        both["changed"].replace_strict({True: label_text("hi_changed_mark", lang), False: ""}).alias("changed")).rename(
        {"code": label_text("hi_col_code", lang), "item": label_text("hi_col_item", lang),
         "unit": label_text("hi_col_unit", lang), "a": label_text("hi_col_a", lang, v=number[out.a]),
         "b": label_text("hi_col_b", lang, v=number[out.b]), "changed": label_text("hi_col_changed", lang)})
    return out
