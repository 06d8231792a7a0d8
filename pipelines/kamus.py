"""The indicator dictionary (Kamus Indikator): every figure's definition, unit, formula, aggregation, source, coverage rule."""
from __future__ import annotations

from functools import cache

import polars as pl

from pipelines import catalogue, exports, labels, vocabulary
from pipelines.metrics import figures
from pipelines.metrics.figures import Figure

COLUMNS = ("kamus_col_code", "kamus_col_name", "kamus_col_definition", "kamus_col_unit", "kamus_col_formula",
           "kamus_col_villages", "kamus_col_months", "kamus_col_source", "kamus_col_coverage")
CALENDAR_INPUTS = ("desa_program", "reported", "expected")


@cache
def flow_sources() -> dict[str, dict[str, str]]:
    """flow -> {sheet, column, condition} from reference/flow_sources.csv."""
    return {r["flow"]: r for r in catalogue.rows("flow_sources.csv")}


def _formula(f: Figure, lang: str) -> str:
    if f.source == "indicator":
        return labels.text("kamus_formula_indicator", lang, code=f.key)
    if f.source == "flow":
        src = flow_sources()[f.inputs]
        where = f" ({src['condition']})" if src["condition"] else ""
        return f"Σ {src['column']}{where}"
    if f.source == "calendar":
        if f.inputs in CALENDAR_INPUTS:
            return labels.text(f"kamus_formula_{f.inputs}", lang)
        return labels.text("kamus_formula_states", lang, states=f.inputs.replace("+", " + "))
    return f.inputs.replace("+", " + ").replace("/", " / ")  # composite, ratio: other figures' keys


def _source(f: Figure, lang: str) -> str:
    if f.source == "flow":
        src = flow_sources()[f.inputs]
        return f"{src['sheet']} · {src['column']}"
    if f.source == "calendar":
        return labels.text("kamus_source_calendar", lang)
    if f.source == "ratio":
        return labels.text("kamus_source_ratio", lang, parts=", ".join(f.inputs.split("/")))
    value = next(name for name, kind, _ in catalogue.layout()[catalogue.indicators()[f.parts[0]].sheet]
                 if kind == "value")
    return "; ".join(f"{catalogue.indicators()[p].sheet} · {value} ({labels.text('kamus_row_code', lang)} {p})"
                     for p in f.parts)


def _coverage(f: Figure, lang: str) -> str:
    den = f.inputs.split("/")[1] if f.over_months == "ratio" else None
    if f.source == "calendar" or (den and figures.get(den).source == "calendar"):
        return labels.text("kamus_cov_calendar", lang)
    if f.per_village:
        return labels.text("kamus_cov_villages", lang)
    return labels.text("kamus_cov_reports", lang)


def _villages(f: Figure, lang: str) -> str:
    if f.over_months in ("flag", "villages", "ratio"):
        return labels.text(f"kamus_villages_{f.over_months}", lang)
    return labels.text("kamus_villages_sum", lang)


def dictionary(lang: str = "id", search: str = "") -> pl.DataFrame:
    """One row per figure of reference/figures.csv, in file order, with display headers in the language;
    with a search text only the figures whose code or name contains it (case-insensitive)."""
    needle = (search or "").strip().lower()
    rows = [(f.key, f.name(lang), f.definition(lang), vocabulary.name("satuan", f.unit, lang), _formula(f, lang),
             _villages(f, lang), labels.text(f"kamus_months_{f.over_months}", lang), _source(f, lang),
             _coverage(f, lang)) for f in figures.catalogue().values()
            if needle in f.key.lower() or needle in f.name(lang).lower()]
    return pl.DataFrame(rows, schema=[labels.text(c, lang) for c in COLUMNS], orient="row")


def workbook() -> bytes:
    """The dictionary as XLSX: one sheet in Indonesian, one in English."""
    return exports.to_xlsx({labels.text("page_dictionary", "id"): dictionary("id"),
                            labels.text("page_dictionary", "en"): dictionary("en")})


OVERVIEW = ("kamus_col_code", "kamus_col_name", "kamus_col_unit", "kamus_col_months")


def overview(frame: pl.DataFrame, lang: str = "id") -> pl.DataFrame:
    """The dictionary's short columns (code, name, unit, over months) for the page's list."""
    return frame.select([labels.text(c, lang) for c in OVERVIEW])


def detail(frame: pl.DataFrame, index: int, lang: str = "id") -> tuple[str, pl.DataFrame] | None:
    """(title, field/value table) of one row of the dictionary; None when the row is not there."""
    if not 0 <= index < frame.height:
        return None
    row = frame.row(index)
    return f"{row[1]} ({row[0]})", pl.DataFrame({labels.text("kamus_field", lang): frame.columns[2:],
                                                 labels.text("kamus_value", lang): list(row[2:])})
