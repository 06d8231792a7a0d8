"""The Pilar page model: each pillar's KPIs, trends and area comparison, and the village x pillar scorecard."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
import polars as pl

from pipelines import areas, catalogue, charts, formatting
from pipelines.labels import page_labels, plural_key
from pipelines.labels import text as labels_text
from pipelines.metrics import calendar, figures, outliers
from pipelines.metrics.measure import Measure, measure
from pipelines.views.cards import Card, card
from pipelines.views.overview import label, mark_missing, mark_provisional, money_scale, month_axis, period_label, source_note
from pipelines.views.selection import Selection

PILLARS = (1, 2, 3, 4)
HEADLINE = {1: "L01", 2: "U02", 3: "C02", 4: "K01"}  # the indicator a tab's charts open with
YES, NO, WARN, DUE = "✓", "–", "⚠", "…"  # DUE: latest month not yet due, no report yet

LABELS = (
    "pl_pillar_1", "pl_pillar_2", "pl_pillar_3", "pl_pillar_4", "pl_short_1", "pl_short_2", "pl_short_3",
    "pl_short_4", "pl_unit_orang", "pl_unit_kegiatan", "pl_unit_kasus", "pl_unit_unit", "pl_flag_villages",
    "pl_unit_orang_one", "pl_unit_kegiatan_one", "pl_unit_kasus_one", "pl_unit_unit_one", "pl_flag_villages_one",
    "pl_axis_villages", "pl_axis_month", "pl_axis_rupiah", "pl_fig_trend", "pl_fig_compare",
    "pl_level_province", "pl_level_district", "pl_level_subdistrict", "pl_level_village",
    "pl_col_area", "pl_col_value", "pl_col_villages_reporting", "pl_col_pillar", "pl_col_villages",
    "pl_col_reported", "pl_col_share_reported", "pl_col_active", "pl_col_share_active", "pl_col_outliers",
    "pl_col_rank", "pl_col_code", "pl_col_village", "pl_col_subdistrict", "pl_col_outlier_codes",
    "pl_sc_reported", "pl_sc_active", "pl_sc_outlier", "pl_col_month", "pl_hover_villages", "ov_no_report",
    "source_note", "sementara", "ov_note_children_latest", "pl_col_covered", "pl_col_expected", "pl_col_status",
    "pl_col_reporting", "pl_col_due", "pl_col_pillar_reports", "pl_col_share_pillar_reports", "pl_weakest_cov",
)


@dataclass
class PillarView:
    number: int
    codes: list[str]
    kpis: dict[str, Card]        # indicator code -> card (value, like-for-like change, coverage, sementara)
    villages: dict[str, int]     # indicator code -> villages with at least one report of it in the range
    pick: str                    # the indicator the charts show
    trend: go.Figure             # built once; the page cache shares it (pages only draw it)
    trend_table: pl.DataFrame
    comparison: go.Figure | None  # None when the area is a single village
    comparison_table: pl.DataFrame


@dataclass
class PillarPage:
    area: str
    area_label: str
    period_label: str
    previous_label: str          # the comparison period ('' without one)
    latest_month: str
    provisional: bool            # the range includes a month not past its deadline
    child_level: str | None      # the level compared (None for a single village)
    pillars: dict[int, PillarView]
    # pillar, villages, reporting, due, reported, share_reported, active, share_active, outliers, rank
    summary: pl.DataFrame
    summary_table: pl.DataFrame  # the same for display
    weakest: int | None
    weakest_text: str            # the sentence naming the weakest pillar ('' when no village)
    scorecard: pl.DataFrame      # display table: village x pillar markers


# --- formatting ---------------------------------------------------------------------------------

def indicator_text(value: float | None, unit: str, lang: str, labels: Mapping[str, str] | None) -> str:
    """'130 orang', 'Rp 287,5 juta', flags as '3 desa'; missing as '–'."""
    if value is None or unit == "rupiah":
        return formatting.value(value, unit, lang)
    if unit == "ya/tidak":
        return label(labels, plural_key("pl_flag_villages", value, lang, labels), n=formatting.number(value, lang))
    return f"{formatting.number(value, lang)} {label(labels, plural_key(f'pl_unit_{unit}', value, lang, labels))}"


def axis_title(unit: str, lang: str, labels: Mapping[str, str] | None, scale: str = "") -> str:
    """The value axis of an indicator: 'Orang', 'Rupiah (juta)', 'Desa'."""
    if unit == "rupiah":
        return label(labels, "pl_axis_rupiah", scale=scale)
    if unit == "ya/tidak":
        return label(labels, "pl_axis_villages")
    word = label(labels, f"pl_unit_{unit}")
    return word[:1].upper() + word[1:]


def trend_title(code: str, lang: str, labels: Mapping[str, str] | None) -> str:
    """'Konsultasi calon PMI per bulan'; a name already saying "(per bulan)" (C02) is not said twice."""
    name = indicator_name(code, lang)
    return name if name.endswith(("per bulan)", "per month)")) else label(labels, "pl_fig_trend", indicator=name)


def indicator_name(code: str, lang: str) -> str:
    """The catalogue name in the chosen language."""
    ind = catalogue.indicators()[code]
    return ind.name_en if lang == "en" else ind.name_id


# --- scorecard and pillar summary -------------------------------------------------------------------

def village_values(m: Measure, codes: list[str]) -> pl.DataFrame:
    """Reported indicator values per village-month from the metric layer (expected village-months only:
    a report for a month before the village joined never counts): village_code, indicator_code, period, value."""
    series = m.series(codes, level="village")
    return (series.filter(pl.col("value").is_not_null())
            .select(pl.col("area_code").alias("village_code"), pl.col("figure").alias("indicator_code"),
                    "period", "value"))


def programme_villages(m: Measure) -> pl.DataFrame:
    """Desa program: villages joined by the last month of the range, with that month's calendar state."""
    return (m.facts.expected.filter(pl.col("period") == m.facts.end)
            .select("village_code", "village_name", "subdistrict", "state").sort("village_code"))


def scorecard(villages: pl.DataFrame, values: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Per village x pillar: reported (any value in the latest month), due (the latest month's deadline has
    passed or it was reported), active (any value > 0 in the range), outlier (True/False; None when no
    indicator could be judged) and outlier_codes. villages: village_code, village_name, subdistrict, state."""
    pillar_of = pl.DataFrame({"indicator_code": list(catalogue.indicators()),
                              "pillar": [i.pillar for i in catalogue.indicators().values()]})
    values = values.join(pillar_of, on="indicator_code")
    keys = ["village_code", "pillar"]
    reported = values.filter(pl.col("period") == end).select(keys).unique().with_columns(reported=pl.lit(True))
    active = (values.filter(pl.col("period").is_between(start, end), pl.col("value") > 0)
              .select(keys).unique().with_columns(active=pl.lit(True)))
    # the metric layer's one outlier rule (as on Mutu Data): the latest month against the previous ones
    judged = (outliers.judge(values, end, end).join(pillar_of, on="indicator_code")
              .filter(pl.col("outlier").is_not_null())
              .group_by(keys).agg(outlier=pl.col("outlier").any(),
                                  outlier_codes=pl.col("indicator_code").filter(pl.col("outlier")).sort()))
    grid = villages.select("village_code", "village_name", "subdistrict",
                           due=pl.col("state") != calendar.NOT_DUE).join(
        pl.DataFrame({"pillar": list(PILLARS)}), how="cross")
    return (grid.join(reported, on=keys, how="left").join(active, on=keys, how="left")
            .join(judged, on=keys, how="left")
            .with_columns(pl.col("reported", "active").fill_null(False))
            .with_columns(due=pl.col("due") | pl.col("reported"))
            .sort(keys))


def pillar_reports(m: Measure, values: pl.DataFrame) -> pl.DataFrame:
    """Per pillar, over the range: due (expected village-months whose deadline has passed or that were
    reported) and reported (those with an entry for any of the pillar's indicators)."""
    due = int(m.total("reports_due", with_change=False).value or 0)  # the metric layer's reports due
    pillar_of = pl.DataFrame({"indicator_code": list(catalogue.indicators()),
                              "pillar": [i.pillar for i in catalogue.indicators().values()]})
    inside = values.filter(pl.col("period").is_between(m.facts.start, m.facts.end)).join(pillar_of, on="indicator_code")
    per = inside.select("pillar", "village_code", "period").unique().group_by("pillar").agg(reported=pl.len())
    return (pl.DataFrame({"pillar": list(PILLARS)}).join(per, on="pillar", how="left")
            .with_columns(pl.col("reported").fill_null(0).cast(pl.Int64), due=pl.lit(due, pl.Int64)))


def pillar_summary(card: pl.DataFrame, reports: pl.DataFrame | None = None, reporting: int | None = None) -> pl.DataFrame:
    """Per pillar, weakest first (rank 1): the share of reporting villages active in the pillar, then the
    share of due reports that filled the pillar in. Coverage-aware: villages that sent nothing and months
    not yet due weigh on no pillar.

    card: the scorecard; reports: pillar_reports (due, reported village-months); reporting: villages with
    at least one counted report in the range (default: the scorecard's villages)."""
    n = card["village_code"].n_unique()
    reporting = n if reporting is None else int(reporting)
    if reports is None:  # the latest month only, from the scorecard
        reports = card.group_by("pillar").agg(reported=pl.col("reported").sum().cast(pl.Int64),
                                              due=pl.col("due").sum().cast(pl.Int64))
    out = (pl.DataFrame({"pillar": list(PILLARS)})
           .join(card.group_by("pillar").agg(active=pl.col("active").sum(),
                                             outliers=pl.col("outlier").fill_null(False).sum()),
                 on="pillar", how="left")
           .join(reports.select("pillar", "due", "reported"), on="pillar", how="left")
           .with_columns(pl.col("reported", "active", "outliers", "due").fill_null(0).cast(pl.Int64),
                         villages=pl.lit(n, pl.Int64), reporting=pl.lit(reporting, pl.Int64))
           .with_columns(share_reported=pl.when(pl.col("due") > 0).then(pl.col("reported") / pl.col("due")),
                         share_active=pl.when(pl.col("reporting") > 0).then(pl.col("active") / pl.col("reporting")))
           .sort(["share_active", "share_reported", "pillar"], nulls_last=True))
    return out.with_columns(rank=pl.int_range(1, out.height + 1, dtype=pl.Int64)).select(
        "pillar", "villages", "reporting", "due", "reported", "share_reported", "active", "share_active",
        "outliers", "rank")


def summary_table(summary: pl.DataFrame, lang: str, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """The pillar summary with display headers and percentages."""
    return pl.DataFrame({
        label(labels, "pl_col_rank"): summary["rank"],
        label(labels, "pl_col_pillar"): [label(labels, f"pl_pillar_{p}") for p in summary["pillar"]],
        label(labels, "pl_col_villages"): summary["villages"],
        label(labels, "pl_col_reporting"): summary["reporting"],
        label(labels, "pl_col_active"): summary["active"],
        label(labels, "pl_col_share_active"): [formatting.percent(s, lang) for s in summary["share_active"]],
        label(labels, "pl_col_due"): summary["due"],
        label(labels, "pl_col_pillar_reports"): summary["reported"],
        label(labels, "pl_col_share_pillar_reports"): [formatting.percent(s, lang) for s in summary["share_reported"]],
        label(labels, "pl_col_outliers"): summary["outliers"],
    })


def scorecard_table(card: pl.DataFrame, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """One row per village; per pillar three marker columns (✓ yes, – no, … not yet due, ⚠ outlier,
    '' not judged)."""
    def mark(flag: pl.Expr) -> pl.Expr:
        return pl.when(flag).then(pl.lit(YES)).otherwise(pl.lit(NO))

    columns = [pl.col("village_code").alias(label(labels, "pl_col_code")),
               pl.col("village_name").alias(label(labels, "pl_col_village")),
               pl.col("subdistrict").alias(label(labels, "pl_col_subdistrict"))]
    wide = card.select("village_code", "village_name", "subdistrict").unique(maintain_order=True)
    for p in PILLARS:
        one = card.filter(pl.col("pillar") == p).select(
            "village_code",
            pl.when(pl.col("due").not_()).then(pl.lit(DUE)).otherwise(mark(pl.col("reported"))).alias(f"r{p}"),
            mark(pl.col("active")).alias(f"a{p}"),
            pl.when(pl.col("outlier")).then(pl.lit(WARN)).when(pl.col("outlier").not_()).then(pl.lit(NO))
            .otherwise(pl.lit("")).alias(f"o{p}"),
            pl.col("outlier_codes").fill_null([]).alias(f"c{p}"))
        wide = wide.join(one, on="village_code", how="left")
        short = label(labels, f"pl_short_{p}")
        columns += [pl.col(f"r{p}").alias(f"{short} · {label(labels, 'pl_sc_reported')}"),
                    pl.col(f"a{p}").alias(f"{short} · {label(labels, 'pl_sc_active')}"),
                    pl.col(f"o{p}").alias(f"{short} · {label(labels, 'pl_sc_outlier')}")]
    codes = pl.concat_list([pl.col(f"c{p}") for p in PILLARS]).list.join(", ")
    return wide.select(*columns, codes.alias(label(labels, "pl_col_outlier_codes")))


# --- figures ----------------------------------------------------------------------------------------

def coverage_text(covered: int, expected: int, stock: bool, lang: str) -> str:
    """'dari 12 laporan yang diharapkan, 10 masuk (83,3%)' (villages for balances and flags)."""
    return labels_text("cov_villages" if stock else "cov_reports", lang, expected=formatting.number(expected, lang),
                       covered=formatting.number(covered, lang),
                       share=formatting.percent(covered / expected if expected else None, lang))


def _provisional_title(title: str, provisional: bool, labels: Mapping[str, str] | None) -> str:
    return f"{title} ({label(labels, 'sementara')})" if provisional else title


def trend_chart(monthly: pl.DataFrame, code: str, subtitle: str, lang: str, labels: Mapping[str, str] | None,
                source: str | None = None) -> go.Figure:
    """One figure per month (Measure.series: period, value, covered, expected, provisional): flows and flags
    as bars, stocks (month-end balances) as a line; the hover says what each month rests on."""
    ind = catalogue.indicators()[code]
    rows = monthly.filter(pl.col("figure") == code).sort("period")
    periods = rows["period"].to_list()
    values = rows["value"].to_list()
    size, word = money_scale(max((v for v in values if v is not None), default=None), lang) \
        if ind.unit == "rupiah" else (1.0, "")
    shown = [v / size if v is not None else None for v in values]
    per_village = ind.kind != "flow"
    hover = [[formatting.month(p, lang), indicator_text(v, ind.unit, lang, labels),
              coverage_text(c, e, per_village, lang) + (f" ({label(labels, 'sementara')})" if o else "")]
             for p, v, c, e, o in zip(periods, values, rows["covered"], rows["expected"], rows["provisional"])]
    colour = charts.PALETTE[ind.pillar - 1]
    if ind.kind == "stock":
        trace = go.Scatter(x=periods, y=shown, mode="lines+markers", line=dict(color=colour, width=3),
                           marker=dict(size=9), connectgaps=False)
    else:
        trace = go.Bar(x=periods, y=shown, marker_color=colour)
    trace.update(name=indicator_name(code, lang), customdata=hover,
                 hovertemplate="%{customdata[0]}: %{customdata[1]}<br>%{customdata[2]}<extra></extra>")
    fig = go.Figure(trace)
    month_axis(fig, periods, lang)
    mark_missing(fig, periods, [v is None for v in values], labels)
    mark_provisional(fig, rows, labels)
    title = _provisional_title(trend_title(code, lang, labels), any(rows["provisional"]), labels)
    fig = charts.style(fig, title, subtitle, label(labels, "pl_axis_month"),
                       axis_title(ind.unit, lang, labels, word), lang, source)
    charts.full_number_ticks(fig)
    return fig


def comparison_chart(by_area: pl.DataFrame, code: str, level: str, subtitle: str, lang: str,
                     labels: Mapping[str, str] | None, source: str | None = None,
                     provisional: bool = False) -> go.Figure:
    """One figure per child unit (Measure.by_unit) as ranked horizontal bars, largest on top; units without
    reports left out; the hover says what each bar rests on."""
    ind = catalogue.indicators()[code]
    rows = (by_area.filter(pl.col("figure") == code, pl.col("value").is_not_null())
            .sort(["value", "area_name"], descending=[False, True]))  # plotly draws the first bar at the bottom
    values = rows["value"].to_list()
    size, word = money_scale(max(values, default=None), lang) if ind.unit == "rupiah" else (1.0, "")
    per_village = ind.kind != "flow"
    fig = go.Figure(go.Bar(
        y=rows["area_name"].to_list(), x=[v / size for v in values], orientation="h",
        marker_color=charts.PALETTE[ind.pillar - 1],
        customdata=[[indicator_text(v, ind.unit, lang, labels), coverage_text(c, e, per_village, lang)]
                    for v, c, e in zip(values, rows["covered"], rows["expected"])],
        hovertemplate="%{y}: %{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    fig.update_layout(height=max(400, 200 + 30 * rows.height), showlegend=False)
    fig.update_yaxes(type="category")
    title = _provisional_title(label(labels, "pl_fig_compare", indicator=indicator_name(code, lang),
                                     level=label(labels, f"pl_level_{level}")), provisional, labels)
    fig = charts.style(fig, title, subtitle, axis_title(ind.unit, lang, labels, word), None, lang, source)
    fig.update_xaxes(rangemode="tozero")
    charts.full_number_ticks(fig, "x")
    return fig


def comparison_table(by_area: pl.DataFrame, code: str, labels: Mapping[str, str] | None,
                     provisional: bool = False) -> pl.DataFrame:
    """The ranked units for one figure with covered / expected (missing values last, empty, never 0)."""
    return (by_area.filter(pl.col("figure") == code)
            .sort(["value", "area_name"], descending=[True, False], nulls_last=True)
            .select(pl.col("area_code").alias(label(labels, "pl_col_code")),
                    pl.col("area_name").alias(label(labels, "pl_col_area")),
                    pl.col("value").alias(label(labels, "pl_col_value")),
                    pl.col("covered").alias(label(labels, "pl_col_covered")),
                    pl.col("expected").alias(label(labels, "pl_col_expected")),
                    pl.lit(label(labels, "sementara") if provisional else "").alias(label(labels, "pl_col_status"))))


def trend_table(monthly: pl.DataFrame, code: str, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """One figure's monthly series with covered / expected and the sementara mark, for download."""
    return (monthly.filter(pl.col("figure") == code).sort("period")
            .select(pl.col("period").alias(label(labels, "pl_col_month")),
                    pl.col("value").alias(label(labels, "pl_col_value")),
                    pl.col("covered").alias(label(labels, "pl_col_covered")),
                    pl.col("expected").alias(label(labels, "pl_col_expected")),
                    pl.when(pl.col("provisional")).then(pl.lit(label(labels, "sementara"))).otherwise(pl.lit(""))
                    .alias(label(labels, "pl_col_status"))))


# --- the page model -------------------------------------------------------------------------------

def _kpi(m: Measure, code: str, lang: str, labels: Mapping[str, str] | None) -> Card:
    """An indicator's card; a per-month count of people (C02) also says its latest month."""
    total = m.total(code, with_change=m.comparison is not None)
    note = None
    if total.figure.over_months == "mean" and total.value is not None:
        latest = m.series([code]).filter(pl.col("period") == m.facts.end)["value"]
        note = label(labels, "ov_note_children_latest", month=formatting.month(m.facts.end, lang),
                     n=formatting.number(latest[0] if len(latest) else None, lang))
    return card(total, lang, note=note)


def model(con, sel: Selection, lang: str = "id", labels: Mapping[str, str] | None = None,
          picks: tuple[str, ...] | None = None) -> PillarPage:
    """Everything the Pilar page shows for an area and month range; picks = the charted indicator per pillar.
    Every figure comes from the metric layer (measure): coverage beside totals, like-for-like change."""
    labels = page_labels(LABELS, lang) if labels is None else labels
    area, start, end, compare, approved_only = (sel.area or "").strip(), sel.start, sel.end, sel.compare, sel.approved_only
    m = measure(con, area, start, end, compare=compare, approved_only=approved_only)
    start, end = m.facts.start, m.facts.end
    provisional = m.facts.provisional
    child = areas.child_level(areas.level_of(area))
    area_label = areas.label(con, area, lang)
    subtitle = f"{area_label}, {period_label(start, end, lang)}"
    source = source_note(con, labels, lang)
    codes_all = list(catalogue.indicators())
    chosen = {p: next((c for c in picks or () if c in codes_all and catalogue.indicators()[c].pillar == p),
                      HEADLINE[p]) for p in PILLARS}
    monthly = m.series(list(chosen.values()))
    by_area = m.by_unit(list(chosen.values()), child) if child else None

    views: dict[int, PillarView] = {}
    for p in PILLARS:
        codes = [i.code for i in catalogue.indicators().values() if i.pillar == p]
        pick = chosen[p]
        if by_area is None:
            comparison = None
            compared = pl.DataFrame(schema={"area_code": pl.String, "area_name": pl.String, "figure": pl.String,
                                            "value": pl.Float64, "covered": pl.Int64, "expected": pl.Int64})
        else:
            compared = by_area.filter(pl.col("figure") == pick)
            comparison = comparison_chart(compared, pick, child, subtitle, lang, labels, source,
                                          provisional)
        kpis = {c: _kpi(m, c, lang, labels) for c in codes}
        views[p] = PillarView(
            p, codes, kpis, {c: figures.villages(m.facts, c) for c in codes}, pick,
            trend_chart(monthly, pick, subtitle, lang, labels, source), trend_table(monthly, pick, labels),
            comparison, comparison_table(compared, pick, labels, provisional))

    # the scorecard judges the latest month against the village's own previous months (outliers.csv)
    first = min(start, outliers.history_start(end))
    history = m if first == start else measure(con, area, first, end, compare=None, approved_only=approved_only)
    values = village_values(history, codes_all)
    villages = programme_villages(m)
    sc = scorecard(villages, values, start, end)
    reporting = int(m.total("villages_reporting", with_change=False).value or 0)
    summary = pillar_summary(sc, pillar_reports(m, values), reporting)
    weakest, weakest_text = None, ""
    if villages.height:
        w = summary.row(0, named=True)
        weakest = w["pillar"]
        weakest_text = label(labels, "pl_weakest_cov", area=area_label, period=period_label(start, end, lang),
                             pillar=label(labels, f"pl_pillar_{weakest}"),
                             active=formatting.number(w["active"], lang),
                             reporting=formatting.number(w["reporting"], lang),
                             share=formatting.percent(w["share_active"], lang),
                             reported=formatting.number(w["reported"], lang),
                             due=formatting.number(w["due"], lang),
                             coverage=formatting.percent(w["share_reported"], lang))
    previous = period_label(m.comparison.start, m.comparison.end, lang) if m.comparison else ""
    return PillarPage(
        area=area, area_label=area_label, period_label=period_label(start, end, lang),
        previous_label=previous, latest_month=formatting.month(end, lang), provisional=provisional,
        child_level=child, pillars=views, summary=summary, summary_table=summary_table(summary, lang, labels),
        weakest=weakest, weakest_text=weakest_text, scorecard=scorecard_table(sc, labels))
