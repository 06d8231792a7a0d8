"""One village's profile: registry facts, month grid, indicators by month, flows by country, submission history."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import plotly.graph_objects as go
import polars as pl

from pipelines import areas, catalogue, charts, formatting, vocabulary, warehouse
from pipelines.accounts import roles
from pipelines.ingest import countries
from pipelines.labels import page_labels
from pipelines.labels import text as label_text
from pipelines.metrics import breakdown, calendar
from pipelines.metrics.measure import Measure, measure
from pipelines.views import table_text
from pipelines.views.cards import Card, card
from pipelines.views.overview import money_scale
from pipelines.views.reporting import month_short, period_label, source_note
from pipelines.views.selection import Selection

Con = duckdb.DuckDBPyConnection

# Labels the model looks up for its language (pipelines.labels.page_labels; a test or the pack may pass its own).
LABEL_KEYS = (
    "vp_code", "vp_name", "level_subdistrict", "level_district", "level_province", "joined_year", "vp_coords",
    "vp_lat", "vp_lon", "vp_approx", "vp_exact",
    "vp_grid_title", "vp_year", "vp_month", "vp_status_tepat_waktu", "vp_status_terlambat",
    "vp_status_tidak_lapor", "vp_status_belum_bergabung", "vp_status_outside", "vp_status_belum_jatuh_tempo",
    "sementara",
    "vp_indicator_code", "vp_indicator", "vp_unit", "vp_value", "vp_yes", "vp_no",
    "vp_unit_orang", "vp_unit_kegiatan", "vp_unit_kasus", "vp_unit_unit", "vp_unit_rupiah", "vp_unit_ya_tidak",
    "vp_country", "vp_sector", "vp_sex", "vp_channel", "vp_people", "vp_share", "vp_with_problem",
    "vp_transactions", "vp_amount", "vp_sex_L", "vp_sex_P", "vp_placements_title", "vp_remittances_title",
    "vp_period", "vp_version", "vp_file", "vp_uploaded_by", "vp_uploaded_at", "vp_reported_on", "vp_officer",
    "vp_status", "vp_warnings", "vp_current", "vp_accepted", "vp_accepted_with_warnings",
    "source_note", "vp_due", "vp_reported", "rp_completeness", "vp_on_time", "vp_late", "vp_missing",
    "vp_not_yet_due",
)
GRID_STATUSES = ("tepat_waktu", "terlambat", "belum_jatuh_tempo", "tidak_lapor", "belum_bergabung")
GRID_COLOURS = {**charts.STATUS_COLOURS, "belum_jatuh_tempo": "#56B4E9", "belum_bergabung": "#BBBBBB"}
# the reporting calendar's state of a village-month -> the grid's status key
GRID_OF_STATE = {calendar.ON_TIME: "tepat_waktu", calendar.LATE: "terlambat", calendar.NOT_DUE: "belum_jatuh_tempo",
                 calendar.MISSING: "tidak_lapor", calendar.NOT_EXPECTED: "belum_bergabung"}
# the month's reports in cards (label key -> metric-layer figure), in display order
REPORT_CARDS = {"vp_due": "reports_expected", "vp_reported": "reports_in", "rp_completeness": "completeness",
                "vp_on_time": "on_time", "vp_late": "late", "vp_missing": "not_reported",
                "vp_not_yet_due": "not_yet_due"}
MONTH_COLUMNS = tuple(f"m{i:02d}" for i in range(1, 13))
CURRENT_MARK = "✓"
Table = tuple[pl.DataFrame, pl.DataFrame]  # (shown: formatted text, data: raw values for downloads)


@dataclass
class Profile:
    """The Desa page model for one village and month range."""
    code: str
    name: str
    label: str                   # 'Desa Tunggangri'
    period_label: str
    facts: list[tuple[str, str]]  # (label, value) pairs from the registry
    summary: dict[str, Card]     # REPORT_CARDS key -> card from the metric layer (coverage, sementara)
    grid: pl.DataFrame           # year, m01..m12: status key, None outside the range
    grid_fig: go.Figure
    grid_data: pl.DataFrame      # the grid with labelled columns and statuses in words
    indicators: Table            # indicator x month ('–' for not reported)
    indicator: str               # the code charted
    indicator_fig: go.Figure
    indicator_data: pl.DataFrame
    deadline_day: int
    provisional: bool = False    # the range includes a month not past its deadline
    breakdowns: dict[str, Table] = field(default_factory=dict)
    placements_fig: go.Figure | None = None
    remittances_fig: go.Figure | None = None
    history: Table | None = None  # None: the user may not see this village's upload history


# --- the picker ----------------------------------------------------------------------------------

def choices(con: Con, area: str) -> pl.DataFrame:
    """Villages of an area for a picker: village_code, label ('Betak — Kalidawir, Kabupaten Tulungagung')."""
    frame = warehouse.query(con, "village_choices", area=(area or "").strip())
    return frame.select("village_code", label=pl.format("{} — {}, {}", "village_name", "subdistrict", "district"))


# --- registry facts ------------------------------------------------------------------------------

def facts(row: dict, lang: str, labels: dict) -> list[tuple[str, str]]:
    """Code, name, sub-district, district, province, joined year and coordinates ('perkiraan' if approximate)."""
    if row["lat"] is None or row["lon"] is None:
        coords = formatting.MISSING
    else:
        coords = (f"{labels['vp_lat']} {formatting.number(row['lat'], lang, 4)} · "
                  f"{labels['vp_lon']} {formatting.number(row['lon'], lang, 4)} "
                  f"({labels['vp_exact'] if row['coords_exact'] else labels['vp_approx']})")
    return [
        (labels["vp_code"], row["village_code"]),
        (labels["vp_name"], row["village_name"]),
        (labels["level_subdistrict"], row["subdistrict"]),
        (labels["level_district"], row["district"]),
        (labels["level_province"], row["province"]),
        (labels["joined_year"], str(row["joined_year"])),
        (labels["vp_coords"], coords),
    ]


# --- the month grid -------------------------------------------------------------------------------

def month_grid(status: pl.DataFrame, months: list[date]) -> pl.DataFrame:
    """Years x calendar months: the calendar state of each month of the range (period, state of one
    village, from the metric layer's facts); 'belum_bergabung' where the village had not joined yet
    (a report for such a month does not count), None outside the range."""
    by_month = {p: GRID_OF_STATE.get(s, s) for p, s in zip(status["period"].to_list(), status["state"].to_list())}
    wanted = set(months)
    rows = []
    for year in sorted({m.year for m in months}):
        row: dict = {"year": year}
        for i, column in enumerate(MONTH_COLUMNS, start=1):
            month = date(year, i, 1)
            row[column] = by_month.get(month, "belum_bergabung") if month in wanted else None
        rows.append(row)
    return pl.DataFrame(rows, schema={"year": pl.Int64, **{c: pl.String for c in MONTH_COLUMNS}}, orient="row")


def _month_names(lang: str) -> list[str]:
    return [formatting.short_month(date(2000, i, 1), lang) for i in range(1, 13)]


def grid_chart(grid: pl.DataFrame, title: str, subtitle: str, lang: str, labels: dict,
               source: str | None = None) -> go.Figure:
    """The month grid as coloured cells (on time / late / missing / not yet joined) with a legend."""
    names = _month_names(lang)
    words = {s: labels[f"vp_status_{s}"] for s in GRID_STATUSES}
    index = {s: i for i, s in enumerate(GRID_STATUSES)}
    years = [str(y) for y in grid["year"].to_list()]
    cells = [[row[c] for c in MONTH_COLUMNS] for row in grid.iter_rows(named=True)]
    z = [[None if s is None else index[s] for s in row] for row in cells]
    text = [[words.get(s, "") if s else "" for s in row] for row in cells]
    long_names = [[formatting.month(date(int(y), i + 1, 1), lang) for i in range(12)] for y in years]
    hover = [[f"{long_names[r][c]}: {words[s] if s else labels['vp_status_outside']}"
              for c, s in enumerate(row)] for r, row in enumerate(cells)]
    n = len(GRID_STATUSES)
    scale = []
    for i, status in enumerate(GRID_STATUSES):
        scale += [[i / n, GRID_COLOURS[status]], [(i + 1) / n, GRID_COLOURS[status]]]
    fig = go.Figure(go.Heatmap(
        z=z, x=names, y=years, text=text, texttemplate="%{text}", textfont=dict(size=12, color="#111111"),
        customdata=hover, hovertemplate="%{customdata}<extra></extra>", hoverongaps=False,
        colorscale=scale, zmin=-0.5, zmax=n - 0.5, showscale=False, xgap=3, ygap=3,
    ))
    for status in GRID_STATUSES:  # legend entries for the colours
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=words[status], hoverinfo="skip",
                                 marker=dict(size=14, symbol="square", color=GRID_COLOURS[status])))
    charts.style(fig, title, subtitle, x_title=labels["vp_month"], y_title=labels["vp_year"], lang=lang,
                 source=source)
    fig.update_xaxes(type="category", showgrid=False)
    fig.update_yaxes(type="category", autorange="reversed", rangemode="normal", showgrid=False)
    fig.update_layout(height=230 + 70 * len(years), plot_bgcolor="#FFFFFF")
    return fig


def grid_table(grid: pl.DataFrame, lang: str, labels: dict) -> pl.DataFrame:
    """The grid with the year and month names as headers and statuses in words ('' outside the range)."""
    words = {s: labels[f"vp_status_{s}"] for s in GRID_STATUSES}
    renamed = dict(zip(MONTH_COLUMNS, _month_names(lang)))
    return grid.with_columns(pl.col(c).replace_strict(words, default=None).fill_null("") for c in MONTH_COLUMNS) \
        .rename({"year": labels["vp_year"], **renamed})


# --- indicators by month ----------------------------------------------------------------------------

def _value_text(value: float | None, unit: str, lang: str, labels: dict) -> str:
    """A value as shown: numbers and rupiah in the language's format, flags as ya/tidak, None as '–'."""
    if unit == "ya/tidak" and value is not None:
        return labels["vp_yes"] if value == 1 else labels["vp_no"]
    return formatting.value(value, unit, lang)


def unit_word(unit: str, labels: dict) -> str:
    """'orang' -> 'orang' / 'people'."""
    return labels["vp_unit_" + unit.replace("/", "_")]


def month_head(month: date, lang: str, labels: dict, open_months: list[date] | tuple = ()) -> str:
    """'Nov 26', or 'Nov 26 (sementara)' for a month not past its deadline."""
    head = month_short(month, lang)
    return f"{head} ({labels['sementara']})" if month in open_months else head


def indicator_table(values: pl.DataFrame, months: list[date], lang: str, labels: dict,
                    open_months: list[date] | tuple = ()) -> Table:
    """Every catalogue indicator x month of the range; not reported (blank cell or no report) is '–'."""
    cells = {(c, p): v for c, p, v in values.select("indicator_code", "period", "value").iter_rows()}
    heads = [month_head(m, lang, labels, open_months) for m in months]
    shown, data = [], []
    for ind in catalogue.indicators().values():
        name = ind.name_id if lang == "id" else ind.name_en
        first = [ind.code, name, unit_word(ind.unit, labels)]
        raw = [cells.get((ind.code, m)) for m in months]
        shown.append(first + [_value_text(v, ind.unit, lang, labels) for v in raw])
        data.append(first + raw)
    columns = [labels["vp_indicator_code"], labels["vp_indicator"], labels["vp_unit"]] + heads
    schema_shown = {c: pl.String for c in columns}
    schema_data = {**{c: pl.String for c in columns[:3]}, **{h: pl.Float64 for h in heads}}
    return (pl.DataFrame(shown, schema=schema_shown, orient="row"),
            pl.DataFrame(data, schema=schema_data, orient="row"))


def indicator_chart(values: pl.DataFrame, code: str, months: list[date], village_label: str, period: str,
                    lang: str, labels: dict, source: str | None = None,
                    open_months: list[date] | tuple = ()) -> tuple[go.Figure, pl.DataFrame]:
    """One indicator over the months: bars for flows, a line for stocks and flags; gaps, never 0, where
    not reported. Returns the figure and its data."""
    ind = catalogue.indicators()[code]
    cells = {p: v for c, p, v in values.select("indicator_code", "period", "value").iter_rows() if c == code}
    raw = [cells.get(m) for m in months]
    x = [month_head(m, lang, labels, open_months) for m in months]
    shown = [_value_text(v, ind.unit, lang, labels) for v in raw]
    # money drawn in juta/miliar with the scale in the axis title ('Rupiah (juta)': ticks 200, not 200.000.000)
    size, word = money_scale(max((v for v in raw if v is not None), default=None), lang) \
        if ind.unit == "rupiah" else (1.0, "")
    y = [v / size if v is not None else None for v in raw]
    name = ind.name_id if lang == "id" else ind.name_en
    labels_on = [s if v is not None else "" for s, v in zip(shown, y)]
    if ind.kind == "flow":
        trace = go.Bar(x=x, y=y, marker_color=charts.PALETTE[0], customdata=shown, name=name, text=labels_on,
                       textposition="outside", cliponaxis=False,
                       hovertemplate="%{x}: %{customdata}<extra></extra>")
    else:
        trace = go.Scatter(x=x, y=y, mode="lines+markers+text", line=dict(color=charts.PALETTE[0], width=3),
                           marker=dict(size=10), customdata=shown, name=name, connectgaps=False,
                           text=labels_on, textposition="top center", cliponaxis=False,
                           hovertemplate="%{x}: %{customdata}<extra></extra>")
    fig = go.Figure(trace)
    gaps = [m for m, v in zip(x, y) if v is None]
    if gaps:  # a month not reported is marked '–' on the axis, so it never reads as a zero
        fig.add_trace(go.Scatter(x=gaps, y=[0] * len(gaps), mode="text", text=[formatting.MISSING] * len(gaps),
                                 textposition="top center", textfont=dict(size=22, color="#555555"),
                                 showlegend=False, hovertemplate="%{x}: –<extra></extra>"))
    title = f"{code} · {name}" + (f" ({labels['sementara']})" if open_months else "")
    y_title = label_text("pl_axis_rupiah", lang, scale=word) if ind.unit == "rupiah" else unit_word(ind.unit, labels)
    charts.style(fig, title, f"{village_label}, {period}", x_title=labels["vp_month"],
                 y_title=y_title, lang=lang, source=source)
    fig.update_layout(showlegend=False)
    fig.update_xaxes(type="category")
    if ind.unit == "rupiah":
        charts.full_number_ticks(fig)
    elif ind.unit != "ya/tidak":
        charts.count_ticks(fig, max((v for v in y if v is not None), default=None))
    if ind.unit == "ya/tidak":
        fig.update_yaxes(range=[-0.1, 1.1], tickvals=[0, 1], ticktext=[labels["vp_no"], labels["vp_yes"]])
    data = pl.DataFrame({labels["vp_month"]: months, labels["vp_value"]: raw,
                         labels["vp_status"]: [labels["sementara"] if m in open_months else "" for m in months]},
                        schema={labels["vp_month"]: pl.Date, labels["vp_value"]: pl.Float64,
                                labels["vp_status"]: pl.String})
    return fig, data


# --- placements, returns, remittances ---------------------------------------------------------------

def _breakdown(frame: pl.DataFrame, key: str, heads: dict, money: set[str], lang: str,
               share_of: str | None = None, labels: dict | None = None) -> Table:
    """A summed breakdown as (shown, data): key in words, counts formatted, money as 'Rp 12,5 juta'."""
    if key == "country_iso2":
        frame = frame.with_columns(table_text.written(frame, key, lambda c: countries.name(c, lang)))
    if key in ("sector", "channel"):  # the form's words, in the page's language
        frame = frame.with_columns(vocabulary.column("sektor" if key == "sector" else "saluran", key, lang))
    if key == "sex":
        frame = frame.with_columns(pl.col(key).replace_strict({"L": labels["vp_sex_L"], "P": labels["vp_sex_P"]},
                                                              default=pl.col(key)))
    if share_of:
        total = frame[share_of].sum()
        frame = frame.with_columns(share=(pl.col(share_of) / total) if total else pl.lit(None, pl.Float64))
        heads = {**heads, "share": labels["vp_share"]}
    data = frame.select(list(heads)).rename(heads)
    shown = frame.with_columns(
        table_text.written(
            frame, c,
            (lambda v: formatting.rupiah(v, lang)) if c in money else
            (lambda v: formatting.percent(v, lang)) if c == "share" else (lambda v: formatting.number(v, lang)))
        for c in heads if c != key
    ).select(list(heads)).rename(heads)
    return shown, data


def breakdowns(con: Con, m: Measure, lang: str, labels: dict) -> dict[str, Table]:
    """Placements by country/sector/sex, returns by country/sex, remittances by country/channel, over the
    village-months that count (metric layer: reports before joining never count)."""
    people = {"count": labels["vp_people"]}
    returned = {"count": labels["vp_people"], "with_problem": labels["vp_with_problem"]}
    money = {"transactions": labels["vp_transactions"], "amount_idr": labels["vp_amount"]}
    out: dict[str, Table] = {}
    for key, head in (("country_iso2", "vp_country"), ("sector", "vp_sector"), ("sex", "vp_sex")):
        out[f"placements_{key}"] = _breakdown(breakdown.by(con, m.facts, "placements", [key]),
                                              key, {key: labels[head], **people}, set(), lang, "count", labels)
    for key, head in (("country_iso2", "vp_country"), ("sex", "vp_sex")):
        out[f"returns_{key}"] = _breakdown(breakdown.by(con, m.facts, "returns", [key]),
                                           key, {key: labels[head], **returned}, set(), lang, None, labels)
    for key, head in (("country_iso2", "vp_country"), ("channel", "vp_channel")):
        out[f"remittances_{key}"] = _breakdown(breakdown.by(con, m.facts, "remittances", [key]),
                                               key, {key: labels[head], **money}, {"amount_idr"}, lang, None, labels)
    return out


def bar_chart(data: pl.DataFrame, value: str, title: str, subtitle: str, x_title: str, lang: str,
              source: str | None, money: bool = False) -> go.Figure:
    """Horizontal bars, largest on top, from the first (name) column and a value column of a breakdown."""
    names = data[data.columns[0]].to_list()
    raw = data[value].to_list()
    shown = [formatting.rupiah(v, lang) if money else formatting.number(v, lang) for v in raw]
    size, word = money_scale(max((v for v in raw if v is not None), default=None), lang) if money else (1.0, "")
    values = [v / size if v is not None else None for v in raw]
    if money:
        x_title = label_text("pl_axis_rupiah", lang, scale=word)
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h", marker_color=charts.PALETTE[0], text=shown,
                           textposition="auto", customdata=shown, hovertemplate="%{y}: %{customdata}<extra></extra>"))
    charts.style(fig, title, subtitle, x_title=x_title, lang=lang, source=source)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(rangemode="tozero")
    if money:
        charts.full_number_ticks(fig, "x")
    else:
        charts.count_ticks(fig, max((v for v in values if v is not None), default=None), "x")
    fig.update_layout(height=max(320, 200 + 36 * len(names)), showlegend=False)
    return fig


# --- submission history ------------------------------------------------------------------------------

def history(con: Con, code: str, start: date, end: date, lang: str, labels: dict) -> Table:
    """Every uploaded version for the months of the range, newest first; the current one marked."""
    frame = warehouse.query(con, "village_history", village=code, start=start, end=end)
    statuses = {"accepted": labels["vp_accepted"], "accepted_with_warnings": labels["vp_accepted_with_warnings"]}
    heads = {"period": labels["vp_period"], "version": labels["vp_version"], "is_current": labels["vp_current"],
             "status": labels["vp_status"], "warnings": labels["vp_warnings"], "file_name": labels["vp_file"],
             "officer": labels["vp_officer"], "reported_on": labels["vp_reported_on"],
             "uploaded_by": labels["vp_uploaded_by"], "uploaded_at": labels["vp_uploaded_at"]}
    shown = frame.with_columns(
        period=table_text.written(frame, "period", lambda d: formatting.month(d, lang)),
        uploaded_at=pl.col("uploaded_at").dt.strftime("%d-%m-%Y %H:%M"),
        reported_on=pl.col("reported_on").dt.strftime("%d-%m-%Y").fill_null(formatting.MISSING),
        status=pl.col("status").replace_strict(statuses, default=pl.col("status")),
        is_current=pl.when(pl.col("is_current")).then(pl.lit(CURRENT_MARK)).otherwise(pl.lit("")),
    ).select(list(heads)).rename(heads)
    data = frame.with_columns(status=pl.col("status").replace_strict(statuses, default=pl.col("status"))) \
        .select(list(heads)).rename(heads)
    return shown, data


# --- the page model ----------------------------------------------------------------------------------

def indicator_values(m: Measure) -> pl.DataFrame:
    """The village's indicator series from the metric layer: indicator_code, period, value (NULL = not reported)."""
    return m.series(list(catalogue.indicators())).select(pl.col("figure").alias("indicator_code"), "period", "value")


def model(con: Con, sel: Selection, lang: str = "id", labels: dict | None = None, *, indicator: str = "K01",
          deadline_day: int | None = None) -> Profile | None:
    """Everything the Desa page shows for the selected village and month range; None for an unknown village.

    The submission history (file names, officers, uploaders) only for a user who may see the
    village's history (roles.may_see_village); None otherwise."""
    labels = page_labels(LABEL_KEYS, lang) if labels is None else labels
    code, start, end, approved_only, user = sel.area, sel.start, sel.end, sel.approved_only, sel.user
    row = warehouse.query(con, "village_facts", village=code)
    if row.is_empty():
        return None
    row = row.to_dicts()[0]
    # the village's own months: no comparison period (before the village's first upload a year-earlier
    # period holds no reports, and its "tidak melapor" would read as a change); `compare` is accepted so
    # that every page model takes the same arguments
    m = measure(con, code, start, end, compare=None, approved_only=approved_only, deadline_day=deadline_day)
    start, end, months = m.facts.start, m.facts.end, m.facts.months
    open_months = m.facts.open_months
    if indicator not in catalogue.indicators():
        indicator = next(iter(catalogue.indicators()))
    label = areas.label(con, code, lang)
    period = period_label(start, end, lang)
    source = source_note(con, lang, labels)

    summary = {key: card(m.total(fig, with_change=False), lang, title=labels.get(key))
               for key, fig in REPORT_CARDS.items()}
    grid = month_grid(m.facts.frame.filter(pl.col("village_code") == code), months)
    subtitle = f"{label}, {period}" + (f" ({labels['sementara']})" if open_months else "")

    values = indicator_values(m)
    indicator_fig, indicator_data = indicator_chart(values, indicator, months, label, period, lang, labels, source,
                                                    open_months)
    parts = breakdowns(con, m, lang, labels)
    placements = parts["placements_country_iso2"][1]
    remittances = parts["remittances_country_iso2"][1]
    return Profile(
        code=code, name=row["village_name"], label=label, period_label=period,
        facts=facts(row, lang, labels), summary=summary,
        grid=grid, grid_fig=grid_chart(grid, labels["vp_grid_title"], subtitle, lang, labels, source),
        grid_data=grid_table(grid, lang, labels),
        indicators=indicator_table(values, months, lang, labels, open_months),
        indicator=indicator, indicator_fig=indicator_fig, indicator_data=indicator_data,
        deadline_day=m.facts.deadline_day, provisional=bool(open_months),
        breakdowns=parts,
        placements_fig=bar_chart(placements, labels["vp_people"], labels["vp_placements_title"], subtitle,
                                 labels["vp_people"], lang, source) if placements.height else None,
        remittances_fig=bar_chart(remittances, labels["vp_amount"], labels["vp_remittances_title"], subtitle,
                                  labels["vp_amount"], lang, source, money=True) if remittances.height else None,
        history=history(con, code, start, end, lang, labels) if roles.may_see_village(user, code) else None,
    )
