"""Capaian page model: target, realisasi, % capaian, status and coverage of an area and its child areas."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import plotly.graph_objects as go
import polars as pl

from pipelines import areas, charts, formatting, labels, settings
from pipelines.accounts import roles
from pipelines.accounts.roles import User
from pipelines.metrics import calendar, figures, periods
from pipelines.metrics.measure import format_value
from pipelines.targets import pdf, report, status, store
from pipelines.views.selection import Selection

LABEL_KEYS = ("cp_col_area", "cp_col_figure", "cp_col_target", "cp_col_actual", "cp_col_capaian", "cp_col_status",
              "cp_col_coverage", "cp_col_provisional", "cp_col_annual_target", "cp_col_annual_capaian",
              "cp_col_basis", "cp_chart_title", "cp_chart_x", "sementara")


@dataclass
class CapaianView:
    area: str
    title: str
    period_label: str
    provisional: bool
    rows: list[dict]              # report rows of the area (raw values, for downloads)
    table: pl.DataFrame           # the area's rows for display
    raw: pl.DataFrame             # the area's rows with raw values (download)
    children: pl.DataFrame        # child area x figure for display
    children_raw: pl.DataFrame
    child_codes: list[tuple[str, str]]  # (code, name) of child areas that have targets, for drill-down
    chart: go.Figure | None
    to_date: bool


def default_period(today: date | None = None) -> str:
    """'s.d.' the newest closed month: on 2026-12-01, '2026-SD10'."""
    last = calendar.latest_closed_month(today or settings.today())
    return f"{last.year}-SD{last.month:02d}"


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with a target, and the current year, newest first."""
    have = set(store.current(con)["year"].to_list())
    return sorted(have | {settings.today().year}, reverse=True)


def _cell(row: dict, key: str, lang: str) -> str:
    return format_value(figures.get(row["kode_indikator"]), row[key], lang)


def _coverage(row: dict, lang: str) -> str:
    key = "dr_cov_short_villages" if row["per_desa"] else "dr_cov_short"
    text = labels.text(key, lang, covered=formatting.number(row["laporan_masuk"], lang),
                       expected=formatting.number(row["laporan_diharapkan"], lang))
    share = row["laporan_masuk"] / row["laporan_diharapkan"] if row["laporan_diharapkan"] else None
    return f"{text} ({formatting.percent(share, lang)})"


def _display(rows: list[dict], lang: str, lab: dict, area_name: str | None = None) -> pl.DataFrame:
    out = []
    for r in rows:
        line = {} if area_name is None else {lab["cp_col_area"]: area_name}
        line.update({
            lab["cp_col_figure"]: f"{r['nama']} ({r['kode_indikator']})",
            lab["cp_col_target"]: _cell(r, "target", lang),
            lab["cp_col_actual"]: _cell(r, "realisasi", lang),
            lab["cp_col_capaian"]: formatting.percent(r["capaian"], lang, 2),
            lab["cp_col_status"]: status.of(r["capaian"]).name(lang),
            lab["cp_col_coverage"]: _coverage(r, lang),
            lab["cp_col_provisional"]: lab["sementara"] if r["sementara"] else "",
        })
        if "target_tahunan" in r:
            line.update({lab["cp_col_basis"]: r["dasar_target"],
                         lab["cp_col_annual_target"]: _cell(r, "target_tahunan", lang),
                         lab["cp_col_annual_capaian"]: formatting.percent(r["capaian_tahunan"], lang, 2)})
        out.append(line)
    return pl.DataFrame(out) if out else pl.DataFrame()


def _raw(rows: list[dict], area: str | None = None) -> pl.DataFrame:
    keep = ("kode_indikator", "target", "realisasi", "capaian", "target_tahunan", "capaian_tahunan", "coverage",
            "laporan_masuk", "laporan_diharapkan", "sementara", "status")
    out = [({"kode_wilayah": area} if area else {}) | {k: r[k] for k in keep if k in r} for r in rows]
    return pl.DataFrame(out, infer_schema_length=None) if out else pl.DataFrame()


def _chart(rows: list[dict], lang: str, lab: dict, title: str) -> go.Figure | None:
    """% capaian per figure as bars coloured by status, with the 100% line."""
    shown = [r for r in rows if r["capaian"] is not None]
    if not shown:
        return None
    names = [f"{r['nama']} ({r['kode_indikator']})" for r in shown]
    fig = go.Figure(go.Bar(
        x=[r["capaian"] for r in shown], y=names, orientation="h",
        marker_color=[status.of(r["capaian"]).colour for r in shown],
        text=[formatting.percent(r["capaian"], lang, 1) for r in shown], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.add_vline(x=1, line_dash="dash", line_color="#333")
    charts.style(fig, title, x_title=lab["cp_chart_x"], lang=lang)
    fig.update_xaxes(tickformat=".0%", range=[0, max(1.1, max(r["capaian"] for r in shown) * 1.15)])
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=140 + 44 * len(shown), showlegend=False)
    return fig


def model(con: duckdb.DuckDBPyConnection, sel: Selection, lang: str = "id", lab: dict | None = None, *,
          period: str) -> CapaianView:
    """The selected area's capaian for a government period and that of each child area with a target there."""
    lab = labels.page_labels(LABEL_KEYS, lang) if lab is None else lab
    area, approved_only = sel.area, sel.approved_only
    gov = periods.parse(period)
    top = report.report(con, area, period, lang=lang, approved_only=approved_only)
    code = "" if top["area"] == report.NATIONAL else top["area"]
    child_rows, child_raw, child_codes = [], [], []
    for sub in report.children(con, area, period, lang=lang, approved_only=approved_only):
        child_codes.append((sub["area"], sub["area_name"]))
        child_rows.append(_display(sub["rows"], lang, lab, sub["area_name"]))
        child_raw.append(_raw(sub["rows"], sub["area"]))
    title = areas.label(con, code, lang)
    return CapaianView(
        area=code, title=title, period_label=gov.label(lang), provisional=any(r["sementara"] for r in top["rows"]),
        rows=top["rows"], table=_display(top["rows"], lang, lab), raw=_raw(top["rows"]),
        children=pl.concat(child_rows, how="diagonal") if child_rows else pl.DataFrame(),
        children_raw=pl.concat(child_raw, how="diagonal_relaxed") if child_raw else pl.DataFrame(),
        child_codes=child_codes, chart=_chart(top["rows"], lang, lab, lab["cp_chart_title"]),
        to_date=gov.kind == "to_date")


def legend(lang: str) -> list[tuple[str, str, str]]:
    """(colour, name, help) of every status, from reference/capaian_status.csv."""
    return [(s.colour, s.name(lang), s.help(lang)) for s in status.statuses().values()]


def may_load(user: User | None) -> bool:
    """Whether the role publishes targets and open data (roles.csv: publish)."""
    return roles.publishes(user)


def load(con: duckdb.DuckDBPyConnection, user: User, data: bytes, file_name: str) -> store.Result:
    """The CLI's load, for the page (audited by the store)."""
    return store.load(con, data, file_name, user.username)


def errors_table(result: store.Result, lang: str) -> pl.DataFrame:
    """The errors of a rejected load by sheet, row and column (values shown as text, never interpreted)."""
    heads = [labels.text(k, lang) for k in ("cp_err_sheet", "cp_err_row", "cp_err_column", "cp_err_value",
                                            "cp_err_message")]
    return pl.DataFrame([(e.sheet, e.row, e.column, e.value, e.message) for e in result.errors],
                        schema={h: t for h, t in zip(heads, (pl.String, pl.Int64, pl.String, pl.String, pl.String))},
                        orient="row")


def report_pdf(con: duckdb.DuckDBPyConnection, area: str, period: str, lang: str, approved_only: bool = False) -> bytes:
    """The printable Laporan Capaian (A4 PDF) of the page's area and period."""
    return pdf.pdf(con, area, period, lang=lang, approved_only=approved_only)
