"""Tables as CSV and XLSX downloads (safe against formula injection), charts as PNG/SVG via kaleido."""
from __future__ import annotations

import io
import threading

import plotly.graph_objects as go
import polars as pl
import xlsxwriter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_KALEIDO_LOCK = threading.Lock()
_kaleido_started = False
SLIDE = {"width": 1600, "height": 900}  # 16:9, the default size of every exported chart


def escape_cell(value: object) -> object:
    """Text starting with = + - @ (or a tab/CR) gets a leading apostrophe so no spreadsheet runs it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text column escaped."""
    texts = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in texts
    )


def to_csv(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM so Excel opens Indonesian names correctly."""
    return b"\xef\xbb\xbf" + safe_frame(frame).write_csv().encode("utf-8")


def to_xlsx(sheets: dict[str, pl.DataFrame], notes: list[str] | None = None) -> bytes:
    """One sheet per table, header bold and frozen; text written as text, never as formulas."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "default_date_format": "yyyy-mm-dd",
                                   "strings_to_urls": False, "remove_timezone": True})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    for name, frame in sheets.items():
        ws = wb.add_worksheet(name[:31])
        frame = safe_frame(frame)
        for col, header in enumerate(frame.columns):
            ws.write_string(0, col, header, bold)
            width = max([len(header)] + [len(str(v)) for v in frame[header].head(200).to_list()])
            ws.set_column(col, col, min(max(width + 2, 8), 60))
        for r, row in enumerate(frame.iter_rows(), start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)
        ws.freeze_panes(1, 0)
    if notes:
        ws = wb.add_worksheet("Catatan")
        for r, line in enumerate(notes):
            ws.write_string(r, 0, escape_cell(line))
        ws.set_column(0, 0, 120)
    wb.close()
    return buf.getvalue()


def _ensure_kaleido() -> None:
    # One headless Chromium per process, reused: starting one costs seconds.
    global _kaleido_started
    if not _kaleido_started:
        import kaleido
        kaleido.start_sync_server(silence_warnings=True)
        _kaleido_started = True


def figure_image(fig: go.Figure, fmt: str = "png", width: int = SLIDE["width"],
                 height: int = SLIDE["height"], scale: float = 1.0) -> bytes:
    """The figure rendered server-side (Debian Chromium through kaleido) as PNG or SVG bytes."""
    if fmt not in ("png", "svg"):
        raise ValueError("fmt must be png or svg")
    import kaleido
    with _KALEIDO_LOCK:
        _ensure_kaleido()
        return kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width, "height": height, "scale": scale})
