"""The Wilayah page model: one area's KPIs, pillar summary, ranked child units with trends, and its map."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl
import pydeck as pdk

from pipelines import areas, catalogue, formatting, vocabulary
from pipelines.ingest import countries
from pipelines.labels import page_labels, plural_key
from pipelines.metrics import breakdown, calendar, figures, periods
from pipelines.metrics.measure import format_value, measure
from pipelines.targets import notes as target_notes
from pipelines.views import geo, maps, overview
from pipelines.views.cards import Card, card
from pipelines.views.map_values import places, unit_values
from pipelines.views.selection import Selection

Con = duckdb.DuckDBPyConnection

# Headline cards (label key -> metric-layer figure), in display order; composites such as
# consultations (L01 + L02) are defined once, in reference/figures.csv.
CARDS = {
    "dr_kpi_villages": "villages_joined", "dr_kpi_reported": "reports_in", "dr_kpi_placements": "placements",
    "dr_kpi_returns": "returns", "dr_kpi_remittances": "remittances", "dr_kpi_completeness": "completeness",
    "dr_kpi_consultations": "consultations", "dr_kpi_trainees": "trainees", "dr_kpi_children": "C02",
    "dr_kpi_members": "K01", "dr_kpi_savings": "K02",
}
# The headline figures of each pillar (reference/figures.csv keys).
PILLAR_HEADLINES: dict[int, list[str]] = {
    1: ["consultations", "L04", "L05", "L07"],
    2: ["trainees", "U04", "U05", "U06"],
    3: ["C02", "C01", "C03"],
    4: ["K01", "K02", "K04", "K05"],
}
# The ranked children's columns (column label suffix -> figure).
CHILD_COLUMNS = {"villages": "villages_joined", "placements": "placements", "women": "women_share",
                 "returns": "returns", "remittances": "remittances", "completeness": "completeness",
                 "consultations": "consultations", "trainees": "trainees"}
EXAMPLES = ("35.04", "35.02")  # Kabupaten Tulungagung and Kabupaten Ponorogo: the programme's own examples
LABEL_KEYS = maps.LABEL_KEYS + tuple(CARDS) + (
    "dr_note_women", "dr_note_problem", "dr_note_completeness", "dr_note_children_latest",
    "dr_pillar_1", "dr_pillar_2", "dr_pillar_3", "dr_pillar_4",
    "dr_quarter", "dr_quarter_text", "dr_quarter_none", "dr_col_rank", "dr_col_code", "dr_col_name", "dr_col_villages",
    "dr_col_placements", "dr_col_women", "dr_col_returns", "dr_col_remittances", "dr_col_completeness",
    "dr_col_consultations", "dr_col_trainees", "dr_col_trend", "dr_col_country", "dr_col_share",
    "dr_col_pillar", "dr_col_indicator", "dr_col_unit", "dr_col_kind", "dr_col_value", "dr_col_covered",
    "dr_col_expected", "dr_col_coverage", "dr_flag_villages", "dr_flag_villages_one", "dr_cov_short",
    "dr_cov_short_villages", "dr_kind_sum",
    "dr_kind_last", "dr_kind_mean", "dr_kind_flag", "sementara", "vp_yes", "vp_no", "dr_col_capaian",
)


@dataclass
class DrillModel:
    code: str
    level: str
    title: str
    crumbs: list[tuple[str, str]]           # (code, label) from the whole country down to the area
    examples: list[tuple[str, str]]         # (code, label) of the one-click examples present in the registry
    cards: list[Card]                       # headline cards: value, like-for-like change, coverage
    provisional: bool                       # an open month is in the range
    quarter_label: str
    quarter_total: float | None             # placements of the last complete quarter (same figure as its table)
    quarter_text: str                       # the quarter sentence, from that figure
    quarter_coverage: str                   # what the quarter's figure rests on
    quarter_destinations: pl.DataFrame      # country, placements, share (the last complete quarter)
    destinations: pl.DataFrame              # country, placements, share (the selected period)
    destinations_coverage: str              # what the period's placements rest on
    pillars: list[tuple[str, list[tuple[str, str, str]]]]  # (pillar name, [(figure, value text, coverage)])
    indicators: pl.DataFrame                # every catalogue indicator over the period, with coverage
    child_level: str | None
    children: pl.DataFrame                  # ranked child units, raw values (downloads)
    children_view: pl.DataFrame             # the same as shown: numbers kept numbers (they sort by value), a trend list
    child_codes: list[str]                  # codes in the order of children_view
    deck: pdk.Deck | None
    legend: list


# --- small helpers ----------------------------------------------------------------------------------

def last_quarter(end: date) -> tuple[date, date]:
    """The last complete calendar quarter ending in or before the month `end`."""
    last = calendar.month_start(end)
    last = calendar.add_months(last, -(last.month % 3))
    return calendar.add_months(last, -2), last


def _label(labels: dict, key: str, **fields) -> str:
    text = labels.get(key, key)
    return text.format(**fields) if fields else text


def _value_text(key: str, value: float | None, lang: str, labels: dict, covered: int | None = None,
                level: str = "") -> str:
    """A figure's value as text; a yes/no indicator as the number of villages saying yes ('ya'/'tidak' for
    one village); '–' when no village reported it (never '0 desa')."""
    fig = figures.get(key)
    if fig.over_months == "flag":
        if value is None or covered == 0:
            return formatting.MISSING
        if level == "village":
            return _label(labels, "vp_yes" if value else "vp_no")
        return _label(labels, plural_key("dr_flag_villages", value, lang, labels), n=formatting.number(value, lang))
    return format_value(fig, value, lang)


def _coverage_short(key: str, covered: int, expected: int, lang: str, labels: dict) -> str:
    """'4/6 laporan' ('1/2 desa' for stocks and flags)."""
    name = "dr_cov_short_villages" if figures.get(key).per_village else "dr_cov_short"
    return _label(labels, name, covered=formatting.number(covered, lang), expected=formatting.number(expected, lang))


# --- parts of the model --------------------------------------------------------------------------------

def kpis(m, end: date, lang: str, labels: dict, level: str = "") -> list[Card]:
    """The headline cards of the area: metric-layer totals with like-for-like change and coverage
    (no 'Desa program 1' card for a single village)."""
    totals = {key: m.total(fig, with_change=m.comparison is not None) for key, fig in CARDS.items()
              if not (level == "village" and key == "dr_kpi_villages")}
    women = m.total("women_share", with_change=False)
    problems = m.total("returns_with_problem", with_change=False)
    notes = {
        "dr_kpi_reported": _label(labels, "dr_note_completeness", share=formatting.percent(
            totals["dr_kpi_completeness"].value, lang)),
        "dr_kpi_placements": _label(labels, "dr_note_women", share=formatting.percent(women.value, lang))
        if women.value is not None else None,
        "dr_kpi_returns": _label(labels, "dr_note_problem", n=formatting.number(problems.value, lang))
        if problems.value is not None else None,
    }
    if totals["dr_kpi_children"].value is not None:
        # a per-month count of people: shown as the average per month, with the latest month beside it
        notes["dr_kpi_children"] = overview.latest_month_note(m, "C02", "dr_note_children_latest", lang, labels)
    return [card(total, lang, title=_label(labels, key), note=notes.get(key)) for key, total in totals.items()]


def pillar_summary(m, lang: str, labels: dict, level: str = "") -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Per pillar its headline figures over the period: (name, value text, coverage)."""
    keys = [k for ks in PILLAR_HEADLINES.values() for k in ks]
    rows = {r["figure"]: r for r in figures.table(m.facts, keys).iter_rows(named=True)}
    out = []
    for pillar, group in PILLAR_HEADLINES.items():
        out.append((_label(labels, f"dr_pillar_{pillar}"), [
            (figures.get(k).name(lang), _value_text(k, rows[k]["value"], lang, labels, rows[k]["covered"], level),
             _coverage_short(k, rows[k]["covered"], rows[k]["expected"], lang, labels)) for k in group]))
    return out


def indicator_table(m, lang: str, labels: dict) -> pl.DataFrame:
    """Every catalogue indicator over the period: pillar, code, name, unit, how it adds up, value, coverage."""
    defs = catalogue.indicators()
    frame = figures.table(m.facts, list(defs))
    rows = []
    for r in frame.iter_rows(named=True):
        code = r["figure"]
        fig = figures.get(code)
        rows.append((_label(labels, f"dr_pillar_{defs[code].pillar}"), code, fig.name(lang),
                     vocabulary.name("satuan", fig.unit, lang),
                     _label(labels, f"dr_kind_{fig.over_months}"), r["value"], r["covered"], r["expected"]))
    names = [_label(labels, k) for k in ("dr_col_pillar", "dr_col_code", "dr_col_indicator", "dr_col_unit",
                                         "dr_col_kind", "dr_col_value", "dr_col_covered", "dr_col_expected")]
    types = [pl.String] * 5 + [pl.Float64, pl.Int64, pl.Int64]
    return pl.DataFrame(rows, schema=dict(zip(names, types)), orient="row")


def destinations(placed: pl.DataFrame, lang: str, labels: dict) -> pl.DataFrame:
    """Placements per destination country (breakdown of counted village-months), largest first, with shares."""
    total = placed["count"].sum() if placed.height else 0
    country, count, share = (_label(labels, k) for k in ("dr_col_country", "dr_col_placements", "dr_col_share"))
    return pl.DataFrame({
        country: [countries.name(c, lang) for c in placed["country_iso2"].to_list()],
        count: placed["count"].cast(pl.Int64).to_list(),
        share: [c / total if total else None for c in placed["count"].to_list()],
    }, schema={country: pl.String, count: pl.Int64, share: pl.Float64})


def child_tables(m, level: str, lang: str, labels: dict) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Child units ranked by placements (not reported last): raw table, display table, codes in order."""
    units = unit_values(m, level, CHILD_COLUMNS)
    series = (m.series(["placements"], level=level).sort("area_code", "period")
              .group_by("area_code", maintain_order=True).agg(pl.col("value").alias("trend"))
              .rename({"area_code": "code"}))
    units = (units.join(series, on="code", how="left")
             .sort([pl.col("placements").is_null(), pl.col("placements"), pl.col("name")],
                   descending=[False, True, False], nulls_last=True)
             .with_row_index("rank", offset=1))
    col = lambda k: _label(labels, f"dr_col_{k}")  # noqa: E731
    sementara = f" ({_label(labels, 'sementara')})" if m.facts.provisional else ""
    raw = units.select(
        pl.col("rank").cast(pl.Int64).alias(col("rank")), pl.col("code").alias(col("code")),
        pl.col("name").alias(col("name")), pl.col("villages").cast(pl.Int64).alias(col("villages")),
        pl.col("months_reported").alias(col("covered")), pl.col("months_joined").alias(col("expected")),
        pl.col("placements").alias(col("placements") + sementara), pl.col("women").alias(col("women")),
        pl.col("returns").alias(col("returns")), pl.col("remittances").alias(col("remittances")),
        pl.col("completeness").alias(col("completeness")), pl.col("consultations").alias(col("consultations")),
        pl.col("trainees").alias(col("trainees")))
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    # Numbers stay numbers (ui.widgets writes them in the page's language), so the ranking sorts by value.
    view = pl.DataFrame({
        col("rank"): units["rank"].cast(pl.Int64),
        col("name"): units["name"],
        col("villages"): units["villages"].cast(pl.Int64),
        col("coverage"): [f"{n(a)} / {n(b)}" for a, b in zip(units["months_reported"], units["months_joined"])],
        col("placements") + sementara: units["placements"],
        # Sparklines cannot draw gaps: months without a report are skipped (never drawn as 0).
        col("trend"): [[int(x) for x in (t or []) if x is not None] or None for t in units["trend"].to_list()],
        col("women"): units["women"],
        col("returns"): units["returns"],
        col("remittances"): units["remittances"],
        col("completeness"): units["completeness"],
        col("consultations"): units["consultations"],
        col("code"): units["code"],
    }, schema_overrides={col("trend"): pl.List(pl.Int64)})
    return raw, view, units["code"].to_list()


def _with_capaian(con: Con, raw: pl.DataFrame, view: pl.DataFrame, codes: list[str], start: date, end: date,
                  lang: str, labels: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Child units with a placements target for the range (as a government period) get a '% capaian' column."""
    head = _label(labels, "dr_col_placements")  # followed by ' (sementara)' in an open range
    placements = raw[next(c for c in raw.columns if c.startswith(head))].to_list()
    found = target_notes.ranking_capaian(con, dict(zip(codes, placements)), "placements", start, end)
    if found is None:
        return raw, view
    code, by_area = found
    head = _label(labels, "dr_col_capaian", period=periods.parse(code).label(lang))
    values = [by_area.get(c) for c in codes]
    return (raw.with_columns(pl.Series(head, values, dtype=pl.Float64)),
            view.with_columns(pl.Series(head, [formatting.percent(v, lang, 2) for v in values], dtype=pl.String)))


def quarter_label(q_start: date, q_end: date, lang: str, labels: dict) -> str:
    return _label(labels, "dr_quarter",
                  q=("I", "II", "III", "IV")[(q_end.month - 1) // 3] if lang == "id" else (q_end.month - 1) // 3 + 1,
                  year=q_end.year, months=f"{formatting.month(q_start, lang)} – {formatting.month(q_end, lang)}")


# --- the page model ------------------------------------------------------------------------------------

def model(con: Con, sel: Selection, lang: str = "id", labels: dict | None = None, *,
          boundary_path: str = "") -> DrillModel:
    """Everything the Wilayah page shows for one area and period, every figure from the metric layer."""
    labels = page_labels(LABEL_KEYS, lang) if labels is None else labels
    area, start, end, compare, approved_only = (sel.area or "").strip(), sel.start, sel.end, sel.compare, sel.approved_only
    unit = areas.lookup(con, area, lang)
    if unit is None:
        raise ValueError(f"unknown area code {area!r}")
    m = measure(con, area, start, end, compare=compare, approved_only=approved_only)
    start, end = m.facts.start, m.facts.end
    title = areas.label(con, area, lang)
    sementara = f" ({_label(labels, 'sementara')})"

    # Last quarter: the sentence and the table come from the same facts (counted village-months).
    q_start, q_end = last_quarter(end)
    qm = measure(con, area, q_start, q_end, compare=None, approved_only=approved_only)
    q_total = qm.total("placements", with_change=False)
    q_label = quarter_label(q_start, q_end, lang, labels) + (sementara if qm.facts.provisional else "")
    q_dest = destinations(breakdown.by(con, qm.facts, "placements", ["country_iso2"]), lang, labels)
    q_text = _label(labels, "dr_quarter_text" if q_total.value is not None else "dr_quarter_none",
                    area=md_escape(title), n=q_total.text(lang), quarter=q_label)

    child_level = areas.child_level(unit.level)
    if child_level and m.facts.expected.height:
        raw, view, codes = child_tables(m, child_level, lang, labels)
        raw, view = _with_capaian(con, raw, view, codes, start, end, lang, labels)
    else:
        raw, view, codes = pl.DataFrame(), pl.DataFrame(), []

    boundaries = None
    if boundary_path:
        try:
            boundaries = geo.load_boundaries(boundary_path)
        except geo.BoundaryError:
            boundaries = None  # the Peta page reports the problem
    the_deck, legend = (None, [])
    if m.facts.expected.height:
        the_deck, legend, _ = maps.area_deck(m, places(con, m), area, "placements", lang, labels, boundaries)

    dest = destinations(breakdown.by(con, m.facts, "placements", ["country_iso2"]), lang, labels)
    placements = m.total("placements", with_change=False)
    examples = [(c, areas.label(con, c, lang)) for c in EXAMPLES if areas.lookup(con, c, lang) is not None]
    return DrillModel(
        code=area, level=unit.level, title=title,
        crumbs=[(a.code, areas.label(con, a.code, lang)) for a in areas.breadcrumbs(con, area, lang)],
        examples=examples, cards=kpis(m, end, lang, labels, unit.level), provisional=m.facts.provisional,
        quarter_label=q_label, quarter_total=q_total.value, quarter_text=q_text,
        quarter_coverage=_upper(q_total.coverage.text(lang)),
        quarter_destinations=q_dest, destinations=dest,
        destinations_coverage=_upper(placements.coverage.text(lang)),
        pillars=pillar_summary(m, lang, labels, unit.level),
        indicators=indicator_table(m, lang, labels),
        child_level=child_level, children=raw, children_view=view, child_codes=codes,
        deck=the_deck, legend=legend,
    )


def md_escape(text: str) -> str:
    """Registry names rendered in markdown: every markdown and HTML character taken literally."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]
