"""The printable "Laporan Capaian" (A4 PDF): capaian table, a matplotlib chart and child areas, via WeasyPrint."""
from __future__ import annotations

import base64
import concurrent.futures
import html
import io
from datetime import date

import duckdb

from pipelines import formatting, labels, settings, warehouse
from pipelines.metrics import figures, periods
from pipelines.metrics.measure import format_value
from pipelines.targets import report, status

RENDER_SECONDS = 120  # nothing waits without a limit: a PDF not made by then is an error
CSS = """
@page { size: A4; margin: 18mm 15mm 20mm 15mm;
        @bottom-left { content: element(footer); }
        @bottom-right { content: "{page_word} " counter(page) " / " counter(pages); font-family: "DejaVu Sans", sans-serif;
                        font-size: 7.5pt; color: #555; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #111; }
.footer { position: running(footer); font-size: 7.5pt; color: #555; }
h1 { font-size: 16pt; margin: 0 0 2mm 0; color: #0b3d66; }
h2 { font-size: 11.5pt; margin: 6mm 0 2mm 0; color: #0b3d66; }
.sub { font-size: 10.5pt; margin: 0 0 1mm 0; }
.meta { color: #444; font-size: 8.5pt; margin: 0 0 3mm 0; }
.warn { border-left: 3pt solid #b35900; background: #fff4e5; padding: 2mm 3mm; margin: 2mm 0; }
table { border-collapse: collapse; width: 100%; margin-top: 2mm; font-size: 7.6pt; }
th { background: #dde9f5; text-align: left; font-weight: bold; }
th, td { border: 0.5pt solid #9aa; padding: 1.2mm 1.5mm; vertical-align: top; }
td.n { text-align: right; }
td.nw { white-space: nowrap; }
tr { page-break-inside: avoid; }
.dot { display: inline-block; width: 2.6mm; height: 2.6mm; border-radius: 50%; margin-right: 1mm; }
img.chart { width: 100%; margin-top: 2mm; }
.notes { font-size: 8pt; color: #333; }
.notes li { margin-bottom: 1mm; }
"""


def _chart_png(rows: list[dict], lang: str) -> bytes | None:
    """% capaian per figure as horizontal bars coloured by status, with the 100% line (matplotlib, no browser)."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter
    shown = [r for r in rows if r["capaian"] is not None]
    if not shown:
        return None
    names = [f"{r['nama']} ({r['kode_indikator']})" for r in shown][::-1]
    values = [r["capaian"] for r in shown][::-1]
    colours = [status.of(v).colour for v in values]
    fig, ax = plt.subplots(figsize=(7.2, 0.9 + 0.42 * len(shown)), dpi=200)
    try:
        bars = ax.barh(names, values, color=colours)
        ax.axvline(1.0, color="#333", linestyle="--", linewidth=1)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: formatting.percent(x, lang, 0)))
        ax.set_xlim(0, max(1.15, max(values) * 1.18))
        for bar, v in zip(bars, values):
            ax.text(bar.get_width() + 0.01, bar.get_y() + bar.get_height() / 2, formatting.percent(v, lang, 1),
                    va="center", fontsize=8)
        ax.set_xlabel(labels.text("cp_chart_x", lang), fontsize=8)
        ax.tick_params(labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)


def _e(text: object) -> str:
    return html.escape(str(text if text is not None else ""))


def _rows_html(rows: list[dict], lang: str, by_area: bool = False) -> str:
    to_date = any("target_tahunan" in r for r in rows)
    heads = (["cp_col_area"] if by_area else []) + [
        "cp_col_figure", "cp_col_target", "cp_col_actual", "cp_col_capaian", "cp_col_status"] + (
        ["cp_col_annual_target", "cp_col_annual_capaian"] if to_date else []) + ["cp_col_coverage"]
    out = ["<tr>" + "".join(f"<th>{_e(labels.text(h, lang))}</th>" for h in heads) + "</tr>"]
    for r in rows:
        f = figures.get(r["kode_indikator"])
        s = status.of(r["capaian"])
        share = r["laporan_masuk"] / r["laporan_diharapkan"] if r["laporan_diharapkan"] else None
        cov_key = "dr_cov_short_villages" if r["per_desa"] else "dr_cov_short"
        cov = labels.text(cov_key, lang, covered=formatting.number(r["laporan_masuk"], lang),
                          expected=formatting.number(r["laporan_diharapkan"], lang))
        mark = f" ({labels.text('sementara', lang)})" if r["sementara"] else ""
        cells = ([f"<td>{_e(r['_area'])}</td>"] if by_area else []) + [
            f"<td>{_e(r['nama'])} <span style='color:#666'>({_e(r['kode_indikator'])})</span></td>",
            f"<td class='n'>{_e(format_value(f, r['target'], lang))}</td>",
            f"<td class='n'>{_e(format_value(f, r['realisasi'], lang))}{_e(mark)}</td>",
            f"<td class='n'><b>{_e(formatting.percent(r['capaian'], lang, 2))}</b></td>",
            f"<td><span class='dot' style='background:{_e(s.colour)}'></span>{_e(s.name(lang))}</td>"]
        if to_date:
            cells += [f"<td class='n'>{_e(format_value(f, r.get('target_tahunan'), lang))}</td>",
                      f"<td class='n'>{_e(formatting.percent(r.get('capaian_tahunan'), lang, 2))}</td>"]
        cells.append(f"<td class='n'>{_e(cov)} ({_e(formatting.percent(share, lang))})</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>" + "".join(out) + "</table>"


def html_document(con: duckdb.DuckDBPyConnection, area: str, period: str, *, lang: str = "id",
                  approved_only: bool = False, today: date | None = None) -> str:
    """The report as one HTML document (every text escaped; the chart embedded, nothing fetched)."""
    top = report.report(con, area, period, lang=lang, today=today, approved_only=approved_only)
    kids = report.children(con, area, period, lang=lang, today=today, approved_only=approved_only)
    made = formatting.day(today or settings.today(), lang)
    title = labels.text("pdf_title", lang)
    provisional = any(r["sementara"] for r in top["rows"] + [r for k in kids for r in k["rows"]])
    parts = [f"<h1>{_e(title)}</h1>",
             f"<p class='sub'><b>{_e(top['area_name'])}</b> · {_e(top['label'])}</p>",
             f"<p class='meta'>{_e(labels.text('pdf_made', lang, day=made))} · "
             f"{_e(labels.text('pdf_approved' if approved_only else 'pdf_all_data', lang))}"
             + (f" · <b>{_e(labels.text('pdf_demo', lang))}</b>" if warehouse.is_demo(con) else "") + "</p>"]
    if provisional:
        parts.append(f"<div class='warn'>{_e(labels.text('pdf_provisional', lang))}</div>")
    if not top["rows"]:
        parts.append(f"<p>{_e(labels.text('cp_none', lang))}</p>")
    else:
        counts = {}
        for r in top["rows"]:
            counts[status.of(r["capaian"]).name(lang)] = counts.get(status.of(r["capaian"]).name(lang), 0) + 1
        parts.append(f"<p>{_e(labels.text('pdf_summary', lang, n=len(top['rows'])))} "
                     + "; ".join(f"{_e(k)}: {v}" for k, v in counts.items()) + ".</p>")
        png = _chart_png(top["rows"], lang)
        if png:
            parts.append(f"<h2>{_e(labels.text('cp_chart_title', lang))}</h2>"
                         f"<img class='chart' src='data:image/png;base64,{base64.b64encode(png).decode()}'>")
        parts.append(f"<h2>{_e(labels.text('pdf_table', lang))}</h2>" + _rows_html(top["rows"], lang))
    if kids:
        parts.append(f"<h2>{_e(labels.text('cp_children', lang))}</h2>" + _rows_html(
            [r | {"_area": k["area_name"]} for k in kids for r in k["rows"]], lang, by_area=True))
    notes = [labels.text(k, lang) for k in ("pdf_note_capaian", "pdf_note_coverage", "pdf_note_provisional")]
    if periods.parse(period).kind == "to_date":
        notes.append(labels.text("cp_to_date_note", lang))
    notes.append(labels.text("pdf_note_status", lang, statuses=" ".join(
        f"{s.name(lang)}: {s.help(lang)}" for s in status.statuses().values())))
    parts.append(f"<h2>{_e(labels.text('pdf_notes', lang))}</h2><ul class='notes'>"
                 + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    footer = f"{title} · {top['area_name']} · {top['label']}"
    css = CSS.replace("{page_word}", labels.text("pdf_page", lang))
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{_e(title)}</title>"
            f"<style>{css}</style></head><body><div class='footer'>{_e(footer)}</div>{''.join(parts)}</body></html>")


def render(document: str) -> bytes:
    """HTML -> PDF bytes with WeasyPrint, waiting at most RENDER_SECONDS."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    def work() -> bytes:
        # nothing is fetched but the embedded data: URIs (no network, no local file)
        fetcher = URLFetcher(timeout=10, allowed_protocols={"data"}, fail_on_errors=True)
        return HTML(string=document, url_fetcher=fetcher).write_pdf()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(work).result(timeout=RENDER_SECONDS)
    finally:
        pool.shutdown(wait=False)


def pdf(con: duckdb.DuckDBPyConnection, area: str, period: str, *, lang: str = "id", approved_only: bool = False,
        today: date | None = None) -> bytes:
    """The Laporan Capaian of an area and government period as A4 PDF bytes."""
    return render(html_document(con, area, period, lang=lang, approved_only=approved_only, today=today))
