"""Reporting discipline of an area: completeness and timeliness by unit and month, trend, silent villages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import plotly.graph_objects as go
import polars as pl

from pipelines import areas, charts, formatting, warehouse
from pipelines.labels import page_labels
from pipelines.labels import text as label_text
from pipelines.metrics import calendar, discipline
from pipelines.metrics import facts as facts_mod
from pipelines.metrics.facts import UNIT_COLUMNS, Facts
from pipelines.views import review, table_text
from pipelines.views.selection import Selection

Con = duckdb.DuckDBPyConnection

# Labels the model looks up for its language (pipelines.labels.page_labels; a test or the pack may pass its own).
LABEL_KEYS = (
    "rp_joined", "rp_reported", "rp_completeness", "rp_on_time", "rp_late", "rp_missing",
    "rp_on_time_share", "rp_heatmap_title", "rp_colorbar", "rp_month", "rp_area", "rp_area_code",
    "rp_trend_title", "rp_trend_axis", "rp_village_code", "rp_village", "rp_subdistrict",
    "rp_district", "rp_last_report", "rp_months_silent", "rp_no_joined", "rp_not_due", "sementara",
    "level_province", "level_district", "level_subdistrict", "level_village", "source_note", "rp_unapproved",
)
# The heatmap's rows: the area's child units, districts for the whole country.
ROW_LEVEL = {"national": "district", "province": "district", "district": "subdistrict",
             "subdistrict": "village", "village": "village"}
# A unit's code is a fixed-width prefix of the village code (35 . 04 . 14 . 2011).
CODE_WIDTH = {"province": 2, "district": 5, "subdistrict": 8, "village": 13}
# Share of joined villages reporting: vermillion (none) through yellow to blue (all); safe for
# the common colour-vision deficiencies and readable on a projector.
SHARE_SCALE = [[0.0, "#D55E00"], [0.5, "#F0E442"], [1.0, "#0072B2"]]
MAX_CELL_TEXT = 700  # above this many cells the percentages inside the cells become unreadable


@dataclass
class Completeness:
    """The Kelengkapan page model."""
    area_label: str
    period_label: str
    latest: date
    latest_closed: date | None   # the newest month of the range past its deadline (lists are about it)
    provisional: bool            # the range includes an open month
    latest_deadline: date        # the deadline of the range's last month
    row_level: str
    deadline_day: int
    approved_only: bool          # only approved district-months count: 'unapproved' reports are in but not counted
    latest_counts: dict          # the range's last month: joined, on_time, late, missing, reported, unapproved, shares
    grid: pl.DataFrame           # unit_code, unit_name, period, joined, on_time, late, missing, reported, unapproved,
                                 # completeness, on_time_share (shares NULL where no village had joined)
    units: pl.DataFrame          # unit_code, unit_name: the heatmap's rows, for drilling down
    per_village: pl.DataFrame    # village_code and the range's counts and shares of each village
    heatmap: go.Figure
    heatmap_data: pl.DataFrame   # the grid with labelled columns, for downloads
    trend: pl.DataFrame          # period, joined, on_time, late, missing, reported, completeness, on_time_share
    trend_fig: go.Figure
    trend_data: pl.DataFrame
    not_reported: pl.DataFrame   # joined villages without a report for the range's last month (shown)
    not_reported_data: pl.DataFrame
    silent: pl.DataFrame         # villages silent for two months or more up to the range's end (shown)
    silent_data: pl.DataFrame
    review_grid: pl.DataFrame | None = None  # review state per district and month (review.state_grid), raw
    review_grid_shown: pl.DataFrame | None = None


# --- small shared helpers ---------------------------------------------------------------------

def month_short(value: date, lang: str = "id") -> str:
    """date(2024, 8, 1) -> 'Agu 2024' (id) / 'Aug 2024' (en): compact axis and column labels."""
    return formatting.short_month(value, lang, year=True)


def month_ticks(months: list[date], names: list[str], lang: str = "id") -> tuple[list[str], list[str]]:
    """Category ticks for a month axis: (the categories shown, their text) with at most 12 ticks,
    'Nov<br>2025' on the first shown month and each January, 'Des' otherwise."""
    step = max(1, -(-len(months) // 12))
    values, texts, year = [], [], None
    for i, (m, name) in enumerate(zip(months, names)):
        if i % step:
            continue
        text = formatting.short_month(m, lang) + ("*" if name.endswith("*") else "")
        if m.year != year:
            text += f"<br>{m.year}"
            year = m.year
        values.append(name)
        texts.append(text)
    if step == 1 and len(texts) > 1 and "<br>" in texts[1]:  # 'Des 2025' beside 'Jan 2026' would read '20252026'
        texts[0] = texts[0].split("<br>")[0]
    return values, texts


def long_date(value: date | datetime | None, lang: str = "id") -> str:
    """date(2024, 3, 5) -> '5 Maret 2024'; None -> '–'."""
    return formatting.day(value, lang)


def data_as_of(con: Con) -> datetime | None:
    """When the newest report was uploaded (None for an empty warehouse)."""
    return warehouse.query(con, "reporting_data_as_of")["last_upload"][0]


def source_note(con: Con, lang: str, labels: dict) -> str:
    """'Sumber: laporan bulanan desa Desmigratif, data per 5 Maret 2024' for chart footnotes."""
    return labels["source_note"].format(date=long_date(data_as_of(con), lang))


def period_label(start: date, end: date, lang: str) -> str:
    """'Januari 2024 – Maret 2024', as the filters write it."""
    return f"{formatting.month(start, lang)} – {formatting.month(end, lang)}"


# --- figures from the reporting status ----------------------------------------------------------

def row_level(area: str) -> str:
    """The level of the heatmap rows for an area: its children (districts at national level)."""
    return ROW_LEVEL[areas.level_of(area)]


COLUMNS = ("joined", "on_time", "late", "missing", "not_due", "reported", "unapproved")


def _shares(frame: pl.DataFrame) -> pl.DataFrame:
    """Counts filled with 0 where nobody had joined (the metric layer has no row there); shares stay NULL."""
    return frame.with_columns(pl.col(COLUMNS).fill_null(0).cast(pl.Int64))


def _counts(facts: Facts, by: list[str]) -> pl.DataFrame:
    """The metric layer's reporting counts and shares (figures.csv) per group: COLUMNS, completeness,
    on_time_share (the catalogue's timeliness: on time / expected)."""
    return discipline.counts(facts, by).select(*by, *COLUMNS, "completeness",
                                               pl.col("timeliness").alias("on_time_share"))


def trend(facts: Facts) -> pl.DataFrame:
    """Per month of the range: counts and shares over every joined village of the area."""
    frame = pl.DataFrame({"period": facts.months}, schema={"period": pl.Date})
    return _shares(frame.join(_counts(facts, ["period"]), on="period", how="left")).sort("period")


def unit_grid(facts: Facts, units: pl.DataFrame, level: str) -> pl.DataFrame:
    """Every unit (unit_code, unit_name) x month with the counts of its joined villages and shares."""
    code = UNIT_COLUMNS[level][0]
    counts = _counts(facts, [code, "period"]).rename({code: "unit_code"})
    cells = units.join(pl.DataFrame({"period": facts.months}, schema={"period": pl.Date}), how="cross")
    return _shares(cells.join(counts, on=["unit_code", "period"], how="left")).sort("unit_code", "period")


def _row_units(con: Con, area: str, level: str) -> pl.DataFrame:
    """The heatmap rows: units of `level` inside the area (the village itself for a village)."""
    units = areas.units(con).filter(pl.col("level") == level)
    if area:
        units = units.filter((pl.col("code") == area) | pl.col("code").str.starts_with(area + "."))
    return units.select(unit_code="code", unit_name="name").sort("unit_code")


def _unique_names(units: pl.DataFrame) -> list[str]:
    """Row labels; a name shared by two units gets its code so plotly keeps both rows."""
    names = units["unit_name"].to_list()
    return [f"{n} ({c})" if names.count(n) > 1 else n for n, c in zip(names, units["unit_code"].to_list())]


def heatmap_chart(grid: pl.DataFrame, units: pl.DataFrame, months: list[date], level: str,
                  area_label: str, period: str, lang: str, labels: dict, source: str | None = None) -> go.Figure:
    """Units x months, coloured by the share of joined villages reporting; hover with the three counts."""
    opened = set(grid.filter(pl.col("not_due") > 0)["period"].to_list()) if "not_due" in grid.columns else set()
    x = [month_short(m, lang) + ("*" if m in opened else "") for m in months]
    y = _unique_names(units)
    width = len(months)
    rows = grid.sort("unit_code", "period")
    if "unapproved" not in rows.columns:  # a grid made without approved-only counts (every report counts)
        rows = rows.with_columns(unapproved=pl.lit(0, pl.Int64))
    # a cell with villages not yet due is not coloured as a share: its low share would read as silence
    share = [None if nd else v for v, nd in zip(rows["completeness"].to_list(), rows["not_due"].to_list())]
    z = [[None if v is None else round(v * 100, 1) for v in share[i * width:(i + 1) * width]] for i in range(len(y))]
    pending = [f"{r}/{j}" if nd else "" for r, j, nd in zip(rows["reported"], rows["joined"], rows["not_due"])]
    counts = rows.select("on_time", "late", "missing", "joined", "not_due", "unapproved").rows()
    custom = [counts[i * width:(i + 1) * width] for i in range(len(y))]
    show_text = len(y) * width <= MAX_CELL_TEXT
    text = None
    if show_text:
        text = [[(formatting.percent(v / 100, lang, 0) if v is not None else pending[i * width + c])
                 for c, v in enumerate(row)] for i, row in enumerate(z)]
    hover = (f"<b>%{{y}}</b> · %{{x}}<br>{labels['rp_completeness']}: %{{z:.0f}}%<br>"
             f"{labels['rp_on_time']}: %{{customdata[0]}}<br>{labels['rp_late']}: %{{customdata[1]}}<br>"
             f"{labels['rp_missing']}: %{{customdata[2]}}<br>{labels['rp_not_due']}: %{{customdata[4]}}<br>"
             + (f"{labels['rp_unapproved']}: %{{customdata[5]}}<br>" if rows["unapproved"].sum() else "")
             + f"{labels['rp_joined']}: %{{customdata[3]}}<extra></extra>")
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, customdata=custom, zmin=0, zmax=100, colorscale=SHARE_SCALE, xgap=2, ygap=2,
        text=text, texttemplate="%{text}" if show_text else None, textfont=dict(size=13),
        hovertemplate=hover, hoverongaps=False,
        colorbar=dict(title=dict(text=labels["rp_colorbar"]), ticksuffix="%", thickness=14),
    ))
    unit_word = labels[f"level_{level}"].lower()
    charts.style(fig, labels["rp_heatmap_title"].format(unit=unit_word), f"{area_label}, {period}",
                 x_title=labels["rp_month"], y_title=labels[f"level_{level}"], lang=lang, source=source)
    # first unit on top; a fixed range, since the helper trace below would otherwise pad it
    fig.update_yaxes(autorange=False, range=[len(y) - 0.5, -0.5], rangemode="normal", type="category",
                     showgrid=False)
    # 'Nov' with its year under the first month and each January, every 2nd/3rd month on long ranges:
    # twelve 'Nov 2025' labels side by side overlap at 1400 px
    tickvals, ticktext = month_ticks(months, x, lang)
    fig.update_xaxes(type="category", showgrid=False, tickvals=tickvals, ticktext=ticktext, tickangle=0)
    if len(y) > 15:  # a tall chart: repeat the months above the rows
        fig.update_layout(xaxis2=dict(overlaying="x", side="top", type="category", matches="x",
                                      showgrid=False, tickangle=0, tickvals=tickvals, ticktext=ticktext,
                                      tickfont=dict(size=12, color="#555555")),
                          margin=dict(t=165))
        fig.add_trace(go.Scatter(x=x, y=[y[0]] * len(x), xaxis="x2", mode="markers", opacity=0,
                                 hoverinfo="skip", showlegend=False))
    # the colour legend's title above its bar (beside it, '% melapor' ran into '100%' and off the edge)
    fig.update_traces(selector=dict(type="heatmap"),
                      colorbar=dict(lenmode="pixels", len=260, y=1, yanchor="top", xpad=12,
                                    ticklabelposition="outside bottom",
                                    title=dict(side="top", font=dict(size=14))))
    fig.update_layout(height=max(360, 200 + (24 if len(y) > 15 else 34) * len(y)), margin=dict(l=10))
    return fig


def trend_chart(frame: pl.DataFrame, area_label: str, period: str, lang: str, labels: dict,
                source: str | None = None) -> go.Figure:
    """Completeness % and on-time % per month (both over joined villages); gaps where none had joined."""
    x = [month_short(m, lang) for m in frame["period"].to_list()]
    # months with villages not yet due are left out of the lines (a fall there would be no fall) and noted
    opened = frame["not_due"].to_list() if "not_due" in frame.columns else [0] * frame.height
    frame = frame.with_columns(pl.when(pl.Series(opened) > 0).then(None).otherwise(pl.col(c)).alias(c)
                               for c in ("completeness", "on_time_share"))
    fig = go.Figure()
    for xi, n in zip(x, opened):
        if n:
            fig.add_annotation(x=xi, y=50, text=labels["sementara"], showarrow=False, textangle=-90,
                               font=dict(color="#7a4b00", size=13))
    lines = (("completeness", labels["rp_completeness"], charts.PALETTE[0], "solid"),
             ("on_time_share", labels["rp_on_time_share"], charts.STATUS_COLOURS["tepat_waktu"], "dash"))
    for column, name, colour, dash in lines:
        y = [None if v is None else round(v * 100, 1) for v in frame[column].to_list()]
        fig.add_trace(go.Scatter(
            x=x, y=y, name=name, mode="lines+markers", line=dict(color=colour, width=3, dash=dash),
            marker=dict(size=9), customdata=frame.select("reported", "on_time", "joined").rows(),
            hovertemplate=(f"%{{x}}<br>{name}: %{{y:.1f}}%<br>{labels['rp_reported']}: %{{customdata[0]}}"
                           f"<br>{labels['rp_on_time']}: %{{customdata[1]}}<br>{labels['rp_joined']}: "
                           f"%{{customdata[2]}}<extra></extra>"),
        ))
    charts.style(fig, labels["rp_trend_title"], f"{area_label}, {period}", x_title=labels["rp_month"],
                 y_title=labels["rp_trend_axis"], lang=lang, source=source)
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    fig.update_xaxes(type="category")
    return fig


# --- village lists -------------------------------------------------------------------------------

def missing_villages(con: Con, area: str, as_of: date | None) -> pl.DataFrame:
    """Joined villages with no report for `as_of` (silent_villages.sql, one month or more):
    village_code, village_name, subdistrict, district, last_period, months_silent."""
    if as_of is None:  # no month of the range has passed its deadline: nobody is missing yet
        as_of = date(1900, 1, 1)
    frame = warehouse.query(con, "silent_villages", area=(area or "").strip(), as_of=as_of, min_months=1)
    names = areas.units(con).filter(pl.col("level") == "subdistrict").select(sub="code", subdistrict="name")
    return (frame.with_columns(sub=pl.col("village_code").str.slice(0, CODE_WIDTH["subdistrict"]))
            .join(names, on="sub", how="left")
            .select("village_code", "village_name", "subdistrict", "district", "last_period", "months_silent"))


def _village_list(frame: pl.DataFrame, lang: str, labels: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(shown, download) versions of a village list: months in words and '–' for never, or raw."""
    heads = {"village_code": labels["rp_village_code"], "village_name": labels["rp_village"],
             "subdistrict": labels["rp_subdistrict"], "district": labels["rp_district"],
             "last_period": labels["rp_last_report"], "months_silent": labels["rp_months_silent"]}
    shown = frame.with_columns(last_period=table_text.written(
        frame, "last_period", lambda d: formatting.month(d, lang)).fill_null(formatting.MISSING))
    return shown.rename(heads), frame.rename(heads)


# --- the page model ------------------------------------------------------------------------------

def model(con: Con, sel: Selection, lang: str = "id", labels: dict | None = None, *,
          deadline_day: int | None = None) -> Completeness:
    """Everything the Kelengkapan page shows for an area and month range (the reporting calendar)."""
    labels = page_labels(LABEL_KEYS, lang) if labels is None else labels
    area, start, end, approved_only = (sel.area or "").strip(), sel.start, sel.end, sel.approved_only
    # approved-only (the sidebar's &data=disetujui) is read with the facts: no count below can forget it
    facts = facts_mod.load(con, area, start, end, deadline_day=deadline_day, approved_only=approved_only)
    start, end, day = facts.start, facts.end, facts.deadline_day
    months = facts.months
    closed = calendar.latest_closed_month(facts.today, day)
    latest_closed = min(end, closed) if closed >= start else None
    level = row_level(area)
    units = _row_units(con, area, level)
    grid = unit_grid(facts, units, level)
    monthly = trend(facts)
    area_label, period = areas.label(con, area, lang), period_label(start, end, lang)
    source = source_note(con, lang, labels)

    data_heads = {"unit_code": labels["rp_area_code"], "unit_name": labels["rp_area"], "period": labels["rp_month"],
                  "joined": labels["rp_joined"], "on_time": labels["rp_on_time"], "late": labels["rp_late"],
                  "missing": labels["rp_missing"], "not_due": labels["rp_not_due"], "reported": labels["rp_reported"],
                  "completeness": labels["rp_completeness"], "on_time_share": labels["rp_on_time_share"],
                  "unapproved": labels["rp_unapproved"]}
    # the downloads say how many reports are in but not counted only when approved-only is on (else always 0)
    shown = [c for c in data_heads if c in grid.columns and (approved_only or c != "unapproved")]
    missing = missing_villages(con, area, latest_closed)
    silent = missing.filter(pl.col("months_silent") >= 2)
    not_reported_shown, not_reported_data = _village_list(missing, lang, labels)
    silent_shown, silent_data = _village_list(silent, lang, labels)
    review_grid = review.state_grid(con, area, start, end, {s: label_text(f"rv_state_{s}", lang)
                                                            for s in review.STATE_ICONS}, lang)
    return Completeness(
        area_label=area_label, period_label=period, latest=end, latest_closed=latest_closed,
        provisional=facts.provisional, latest_deadline=calendar.deadline(end, day), row_level=level,
        deadline_day=day, approved_only=bool(approved_only),
        latest_counts=monthly.filter(pl.col("period") == end).to_dicts()[0],
        grid=grid, units=units, per_village=_counts(facts, ["village_code"]),
        heatmap=heatmap_chart(grid, units, months, level, area_label, period, lang, labels, source),
        heatmap_data=grid.select(shown).rename({c: data_heads[c] for c in shown}),
        trend=monthly, trend_fig=trend_chart(monthly, area_label, period, lang, labels, source),
        trend_data=monthly.select(c for c in shown if c in monthly.columns).rename(
            {c: data_heads[c] for c in shown if c in monthly.columns}),
        not_reported=not_reported_shown, not_reported_data=not_reported_data,
        silent=silent_shown, silent_data=silent_data,
        review_grid=review_grid, review_grid_shown=review_grid.rename({"district": label_text("rv_col_district", lang)}),
    )
