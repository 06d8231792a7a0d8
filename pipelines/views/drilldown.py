"""The Wilayah page model: one area's KPIs, pillar summary, ranked child units with trends, and its map."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl
import pycountry
import pydeck as pdk

from pipelines import areas, catalogue, formatting, vocabulary, warehouse
from pipelines.ingest import countries
from pipelines.views import geo, maps
from pipelines.metrics import aggregate as metrics

Con = duckdb.DuckDBPyConnection

# The headline indicators of each pillar; a tuple sums catalogue codes (consultations = men + women).
PILLAR_HEADLINES: dict[int, list[tuple[str, ...]]] = {
    1: [("L01", "L02"), ("L04",), ("L05",), ("L07",)],
    2: [("U02", "U03"), ("U04",), ("U05",), ("U06",)],
    3: [("C02",), ("C01",), ("C03",)],
    4: [("K01",), ("K02",), ("K04",), ("K05",)],
}
EXAMPLES = ("35.04", "35.02")  # Kabupaten Tulungagung and Kabupaten Ponorogo: the programme's own examples
LABEL_KEYS = maps.LABEL_KEYS + (
    "dr_kpi_villages", "dr_kpi_reported", "dr_kpi_placements", "dr_kpi_returns", "dr_kpi_remittances",
    "dr_kpi_completeness", "dr_kpi_consultations", "dr_kpi_trainees", "dr_kpi_children", "dr_kpi_members",
    "dr_kpi_savings", "dr_note_women", "dr_note_problem", "dr_note_reported", "dr_note_completeness",
    "dr_note_members", "dr_pillar_1", "dr_pillar_2", "dr_pillar_3", "dr_pillar_4", "dr_consultations",
    "dr_quarter", "dr_col_rank", "dr_col_code", "dr_col_name", "dr_col_villages", "dr_col_placements",
    "dr_col_women", "dr_col_returns", "dr_col_remittances", "dr_col_completeness", "dr_col_consultations",
    "dr_col_trainees", "dr_col_trend", "dr_col_country", "dr_col_share", "dr_col_pillar", "dr_col_indicator",
    "dr_col_unit", "dr_col_kind", "dr_col_value", "dr_col_reporting", "dr_flag_villages",
)


@dataclass(frozen=True)
class Kpi:
    key: str            # label key
    value: float | None
    text: str
    note: str = ""


@dataclass
class DrillModel:
    code: str
    level: str
    title: str
    crumbs: list[tuple[str, str]]           # (code, label) from the whole country down to the area
    examples: list[tuple[str, str]]         # (code, label) of the one-click examples present in the registry
    kpis: list[Kpi]
    quarter_label: str
    quarter_total: float | None
    quarter_destinations: pl.DataFrame      # country, placements, share (the last complete quarter)
    destinations: pl.DataFrame              # country, placements, share (the selected period)
    quarter_destinations_view: pl.DataFrame  # the same as formatted text
    destinations_view: pl.DataFrame
    pillars: list[tuple[str, list[tuple[str, str]]]]  # (pillar name, [(indicator, value text)])
    indicators: pl.DataFrame                # every catalogue indicator over the period
    child_level: str | None
    children: pl.DataFrame                  # ranked child units, raw values (downloads)
    children_view: pl.DataFrame             # the same with formatted text and a trend list column
    child_codes: list[str]                  # codes in the order of children_view
    deck: pdk.Deck | None
    legend: list


# --- small helpers ----------------------------------------------------------------------------------

def last_quarter(end: date) -> tuple[date, date]:
    """The last complete calendar quarter ending in or before the month `end`."""
    last = metrics.month_start(end)
    last = metrics.add_months(last, -(last.month % 3))
    return metrics.add_months(last, -2), last


def country_name(iso2: str, lang: str) -> str:
    """Country display name: Indonesian from the project's list, English from ISO 3166."""
    if lang == "id":
        return countries.name_id(iso2)
    country = pycountry.countries.get(alpha_2=iso2)
    return getattr(country, "common_name", None) or (country.name if country else iso2)


def _sum(frame: pl.DataFrame, column: str) -> float | None:
    """Sum of a column that stays None when nobody reported."""
    values = frame[column].drop_nulls()
    return float(values.sum()) if len(values) else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _value_text(value: float | None, unit: str, lang: str, labels: dict) -> str:
    if unit == "rupiah":
        return formatting.rupiah(value, lang)
    if unit == "ya/tidak":
        return labels.get("dr_flag_villages", "{n}").format(n=formatting.number(value, lang)) \
            if value is not None else formatting.MISSING
    return formatting.number(value, lang)


# --- parts of the model --------------------------------------------------------------------------------

def kpis(villages: pl.DataFrame, totals: dict[str, float | None], latest: pl.DataFrame,
         over_range: pl.DataFrame, end: date, lang: str, labels: dict) -> list[Kpi]:
    """The headline figures of the area; None ('–') where nobody reported."""
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    placements, women = _sum(villages, "placements"), _sum(villages, "placements_women")
    returns, problems = _sum(villages, "returns"), _sum(villages, "returns_with_problem")
    remit = _sum(villages, "remittances")
    joined_latest = int(latest["villages_joined"].sum()) if latest.height else 0
    reported_latest = int(latest["villages_reported"].sum()) if latest.height else 0
    completeness = _ratio(float(over_range["villages_reported"].sum()), float(over_range["villages_joined"].sum()))
    share_latest = _ratio(float(reported_latest), float(joined_latest))

    def pair(*codes: str) -> float | None:
        known = [totals.get(c) for c in codes if totals.get(c) is not None]
        return float(sum(known)) if known else None

    consult, trainees = pair("L01", "L02"), pair("U02", "U03")
    women_share = _ratio(women, placements)
    return [
        Kpi("dr_kpi_villages", float(villages.height), n(villages.height)),
        Kpi("dr_kpi_reported", float(reported_latest) if joined_latest else None,
            f"{n(reported_latest)} / {n(joined_latest)}" if joined_latest else formatting.MISSING,
            labels.get("dr_note_reported", "").format(month=formatting.month(end, lang),
                                                      share=formatting.percent(share_latest, lang))),
        Kpi("dr_kpi_placements", placements, n(placements),
            labels.get("dr_note_women", "").format(share=formatting.percent(women_share, lang))
            if women_share is not None else ""),
        Kpi("dr_kpi_returns", returns, n(returns),
            labels.get("dr_note_problem", "").format(n=n(problems)) if problems is not None else ""),
        Kpi("dr_kpi_remittances", remit, formatting.rupiah(remit, lang)),
        Kpi("dr_kpi_completeness", completeness, formatting.percent(completeness, lang),
            labels.get("dr_note_completeness", "")),
        Kpi("dr_kpi_consultations", consult, n(consult)),
        Kpi("dr_kpi_trainees", trainees, n(trainees)),
        Kpi("dr_kpi_children", totals.get("C02"), n(totals.get("C02"))),
        Kpi("dr_kpi_members", totals.get("K01"), n(totals.get("K01")), labels.get("dr_note_members", "")),
        Kpi("dr_kpi_savings", totals.get("K02"), formatting.rupiah(totals.get("K02"), lang),
            labels.get("dr_note_members", "")),
    ]


def pillar_summary(totals: dict[str, float | None], lang: str, labels: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per pillar its headline indicators with their values over the period."""
    defs = catalogue.indicators()
    out = []
    for pillar, groups in PILLAR_HEADLINES.items():
        rows = []
        for codes in groups:
            known = [totals.get(c) for c in codes if totals.get(c) is not None]
            value = float(sum(known)) if known else None
            first = defs[codes[0]]
            name = labels.get("dr_consultations", "") if codes == ("L01", "L02") else \
                labels.get("map_metric_trainees", "") if codes == ("U02", "U03") else \
                (first.name_id if lang == "id" else first.name_en)
            rows.append((name, _value_text(value, first.unit, lang, labels)))
        out.append((labels.get(f"dr_pillar_{pillar}", str(pillar)), rows))
    return out


def indicator_table(frame: pl.DataFrame, lang: str, labels: dict) -> pl.DataFrame:
    """Every catalogue indicator over the period: pillar, code, name, unit, kind, value, villages reporting."""
    defs = catalogue.indicators()
    rows = [(labels.get(f"dr_pillar_{defs[c].pillar}", ""), c, defs[c].name_id if lang == "id" else defs[c].name_en,
             vocabulary.name("satuan", defs[c].unit, lang), vocabulary.name("jenis", k, lang), v, r)
            for c, k, v, r in frame.select("indicator_code", "kind", "value", "villages_reporting").iter_rows()]
    names = [labels.get(k, k) for k in ("dr_col_pillar", "dr_col_code", "dr_col_indicator", "dr_col_unit",
                                        "dr_col_kind", "dr_col_value", "dr_col_reporting")]
    return pl.DataFrame(rows, schema={names[0]: pl.String, names[1]: pl.String, names[2]: pl.String,
                                      names[3]: pl.String, names[4]: pl.String, names[5]: pl.Float64,
                                      names[6]: pl.Int64}, orient="row")


def destinations(frame: pl.DataFrame, lang: str, labels: dict) -> pl.DataFrame:
    """Placements per destination country, largest first, with each country's share."""
    total = frame["count"].sum() if frame.height else 0
    return pl.DataFrame({
        labels.get("dr_col_country", "country"): [country_name(c, lang) for c in frame["country_iso2"].to_list()],
        labels.get("dr_col_placements", "placements"): frame["count"].cast(pl.Int64).to_list(),
        labels.get("dr_col_share", "share"): [c / total if total else None for c in frame["count"].to_list()],
    }, schema={labels.get("dr_col_country", "country"): pl.String,
               labels.get("dr_col_placements", "placements"): pl.Int64,
               labels.get("dr_col_share", "share"): pl.Float64})


def destinations_view(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """A destinations table with its numbers as text in the chosen language's format."""
    country, count, share = frame.columns
    return pl.DataFrame({
        country: frame[country].to_list(),
        count: [formatting.number(v, lang) for v in frame[count].to_list()],
        share: [formatting.percent(v, lang) for v in frame[share].to_list()],
    }, schema={country: pl.String, count: pl.String, share: pl.String})


def child_tables(villages: pl.DataFrame, trend: pl.DataFrame, level: str, lang: str,
                 labels: dict) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Child units ranked by placements (not reported last): raw table, display table, codes in order."""
    units = maps.aggregate(villages, level)
    series = (trend.sort("area_code", "period").group_by("area_code", maintain_order=True)
              .agg(pl.col("count").alias("trend")).rename({"area_code": "code"}))
    units = (units.join(series, on="code", how="left")
             .with_columns(women_share=pl.when(pl.col("placements") > 0)
                           .then(pl.col("placements_women") / pl.col("placements")).otherwise(None))
             .sort([pl.col("placements").is_null(), pl.col("placements"), pl.col("name")],
                   descending=[False, True, False], nulls_last=True)
             .with_row_index("rank", offset=1))
    col = lambda k: labels.get(f"dr_col_{k}", k)  # noqa: E731
    raw = units.select(
        pl.col("rank").cast(pl.Int64).alias(col("rank")), pl.col("code").alias(col("code")),
        pl.col("name").alias(col("name")), pl.col("villages").cast(pl.Int64).alias(col("villages")),
        pl.col("placements").alias(col("placements")), pl.col("women_share").alias(col("women")),
        pl.col("returns").alias(col("returns")), pl.col("remittances").alias(col("remittances")),
        pl.col("completeness").alias(col("completeness")), pl.col("consultations").alias(col("consultations")),
        pl.col("trainees").alias(col("trainees")))
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    view = pl.DataFrame({
        col("rank"): units["rank"].cast(pl.Int64).to_list(),
        col("name"): units["name"].to_list(),
        col("villages"): [n(v) for v in units["villages"].to_list()],
        col("placements"): [n(v) for v in units["placements"].to_list()],
        # Sparklines cannot draw gaps: months without a report are skipped (never drawn as 0).
        col("trend"): [[int(x) for x in (t or []) if x is not None] or None for t in units["trend"].to_list()],
        col("women"): [formatting.percent(v, lang) for v in units["women_share"].to_list()],
        col("returns"): [n(v) for v in units["returns"].to_list()],
        col("remittances"): [formatting.rupiah(v, lang) for v in units["remittances"].to_list()],
        col("completeness"): [formatting.percent(v, lang) for v in units["completeness"].to_list()],
        col("consultations"): [n(v) for v in units["consultations"].to_list()],
        col("code"): units["code"].to_list(),
    }, schema_overrides={col("trend"): pl.List(pl.Int64)})
    return raw, view, units["code"].to_list()


# --- the page model ------------------------------------------------------------------------------------

def drill_model(con: Con, area: str, start: date, end: date, lang: str, labels: dict,
                boundary_path: str = "") -> DrillModel:
    """Everything the Wilayah page shows for one area and period."""
    params = metrics._range(area, start, end)
    area, start, end = params["area"], params["start"], params["end"]
    unit = areas.lookup(con, area, lang)
    if unit is None:
        raise ValueError(f"unknown area code {area!r}")
    villages = maps.village_values(con, area, start, end)
    totals_frame = metrics.indicator_totals(con, area, start, end)
    totals = dict(totals_frame.select("indicator_code", "value").iter_rows())
    completeness = metrics.completeness_by_month(con, area, start, end)
    latest = completeness.filter(pl.col("period") == end)

    q_start, q_end = last_quarter(end)
    q_reported = metrics.completeness_by_month(con, area, q_start, q_end)["villages_reported"].sum()
    q_frame = metrics.placements_by(con, area, q_start, q_end, "country_iso2")
    q_total = float(q_frame["count"].sum()) if q_reported else None
    quarter = labels.get("dr_quarter", "{q} {year}").format(
        q=("I", "II", "III", "IV")[(q_end.month - 1) // 3] if lang == "id" else (q_end.month - 1) // 3 + 1,
        year=q_end.year,
        months=f"{formatting.month(q_start, lang)} – {formatting.month(q_end, lang)}")

    child_level = areas.child_level(unit.level)
    if child_level and not villages.is_empty():
        trend = warehouse.query(con, "drill_placements_by_unit_month", level=child_level, **params)
        raw, view, codes = child_tables(villages, trend, child_level, lang, labels)
    else:
        raw, view, codes = pl.DataFrame(), pl.DataFrame(), []

    boundaries = None
    if boundary_path:
        try:
            boundaries = geo.load_boundaries(boundary_path)
        except geo.BoundaryError:
            boundaries = None  # the Peta page reports the problem
    the_deck, legend = (None, [])
    if villages.height:
        the_deck, legend, _ = maps.area_deck(villages, area, "placements", lang, labels, boundaries)

    q_dest = destinations(q_frame, lang, labels)
    dest = destinations(metrics.placements_by(con, area, start, end, "country_iso2"), lang, labels)
    examples = [(c, areas.label(con, c, lang)) for c in EXAMPLES if areas.lookup(con, c, lang) is not None]
    return DrillModel(
        code=area, level=unit.level, title=areas.label(con, area, lang),
        crumbs=[(a.code, areas.label(con, a.code, lang)) for a in areas.breadcrumbs(con, area, lang)],
        examples=examples,
        kpis=kpis(villages, totals, latest, completeness, end, lang, labels),
        quarter_label=quarter, quarter_total=q_total,
        quarter_destinations=q_dest, destinations=dest,
        quarter_destinations_view=destinations_view(q_dest, lang), destinations_view=destinations_view(dest, lang),
        pillars=pillar_summary(totals, lang, labels),
        indicators=indicator_table(totals_frame, lang, labels),
        child_level=child_level, children=raw, children_view=view, child_codes=codes,
        deck=the_deck, legend=legend,
    )
