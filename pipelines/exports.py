"""Tables as CSV and XLSX downloads (safe against formula injection), charts as PNG/SVG via kaleido."""
from __future__ import annotations

import asyncio
import io
import os
import queue
import shutil
import threading
from functools import cache

import plotly.graph_objects as go
import polars as pl
import xlsxwriter

from pipelines import catalogue, labels, settings

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Renders at the same time (each its own Chromium): two on the 2-core server; more wait their turn, bounded.
_RENDER_SLOTS = threading.BoundedSemaphore(2)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome")
SLIDE = {"width": 1600, "height": 900}  # 16:9, the default size of every exported chart
SHARE_DIGITS = 4            # a share 0.7397 is 74,0 %: more digits are noise
PERCENT_FORMAT = "0.0%"     # Excel shows a share stored as 0.7397 as 74.0% (74,0% in an Indonesian Excel)


@cache
def share_headers() -> frozenset[str]:
    """Column headers (in both languages) that hold a share as a fraction 0..1: reference/share_columns.csv."""
    keys = {row["label_key"] for row in catalogue.rows("share_columns.csv")}
    return frozenset(row[lang] for key, row in labels.catalogue().items() if key in keys for lang in ("id", "en"))


def share_columns(frame: pl.DataFrame) -> list[str]:
    """The frame's numeric columns that are shares (fractions), by their header."""
    return [c for c, t in frame.schema.items() if t.is_numeric() and c in share_headers()]


def tidy_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """Counts written as counts: a float column holding only whole numbers becomes an integer column
    (826, not 826.0); shares are rounded to 4 digits (0.7397). Missing values stay missing."""
    shares = set(share_columns(frame))
    fix = []
    for c, t in frame.schema.items():
        if c in shares:
            fix.append(pl.col(c).cast(pl.Float64).round(SHARE_DIGITS))
        elif t.is_float():
            values = frame[c].drop_nulls().drop_nans() if frame.height else frame[c]
            if values.len() == 0 or bool((values == values.round(0)).all()) and values.abs().max() < 2**53:
                fix.append(pl.col(c).cast(pl.Int64, strict=False))
    return frame.with_columns(fix) if fix else frame


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
    """Plain CSV for other programs: UTF-8, comma-separated, decimal point; counts as integers."""
    return safe_frame(tidy_numbers(frame)).write_csv().encode("utf-8")


def to_csv_excel_id(frame: pl.DataFrame) -> bytes:
    """CSV as an Excel set to Indonesian opens it by double-click: semicolons, decimal comma, UTF-8 BOM."""
    return b"\xef\xbb\xbf" + safe_frame(tidy_numbers(frame)).write_csv(
        separator=";", decimal_comma=True).encode("utf-8")


def to_xlsx(sheets: dict[str, pl.DataFrame], notes: list[str] | None = None, notes_sheet: str = "Catatan") -> bytes:
    """One sheet per table, header bold and frozen; text written as text, never as formulas; notes last."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "default_date_format": "yyyy-mm-dd",
                                   "strings_to_urls": False, "remove_timezone": True})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    percent = wb.add_format({"num_format": PERCENT_FORMAT})
    for name, frame in sheets.items():
        ws = wb.add_worksheet(name[:31])
        frame = safe_frame(tidy_numbers(frame))
        shares = set(share_columns(frame))
        for col, header in enumerate(frame.columns):
            ws.write_string(0, col, header, bold)
            width = max([len(header)] + [len(str(v)) for v in frame[header].head(200).to_list()])
            ws.set_column(col, col, min(max(width + 2, 8), 60))
        formats = [percent if header in shares else None for header in frame.columns]
        for r, row in enumerate(frame.iter_rows(), start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value, formats[c])
        ws.freeze_panes(1, 0)
    if notes:
        ws = wb.add_worksheet(notes_sheet[:31])
        for r, line in enumerate(notes):
            ws.write_string(r, 0, escape_cell(line))
        ws.set_column(0, 0, 120)
    wb.close()
    return buf.getvalue()


class ImageUnavailable(RuntimeError):
    """A chart image that could not be made; reason 'no_browser', 'timeout', 'busy' or 'failed'
    (ui/labels.csv 'download_png_<reason>' says it in the page's language)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def render_seconds() -> float:
    """The longest wait for one chart image (PANTAU_RENDER_SECONDS)."""
    return float(settings.value("PANTAU_RENDER_SECONDS"))


def browser() -> str | None:
    """The Chromium a render would start, as kaleido looks for it (BROWSER_PATH, else the usual names on PATH,
    else Debian's /usr/bin/chromium); None when there is none. Starts and imports nothing: pages ask on every run."""
    named = os.environ.get("BROWSER_PATH")
    found = [named] if named else [shutil.which(n) for n in BROWSER_NAMES] + ["/usr/bin/chromium"]
    return next((p for p in found if p and os.path.isfile(p) and os.access(p, os.X_OK)), None)


def _render(fig: go.Figure, opts: dict, seconds: float) -> bytes:
    # Its own Chromium and event loop, within the wait: a hung render is cancelled and its browser closed,
    # where kaleido's shared sync server, once its thread died, left every caller waiting for ever.
    import kaleido
    return asyncio.run(asyncio.wait_for(kaleido.calc_fig(fig, opts=opts), seconds))


def chart_image(fig: go.Figure, fmt: str = "png", width: int = SLIDE["width"],
                height: int = SLIDE["height"], scale: float = 1.0) -> bytes:
    """The figure rendered server-side (Debian Chromium through kaleido) as PNG or SVG bytes, within
    render_seconds(); ImageUnavailable when there is no browser, the wait runs out, or two renders
    already hold the server that long. A render that hangs holds nobody else."""
    if fmt not in ("png", "svg"):
        raise ValueError("fmt must be png or svg")
    if browser() is None:
        raise ImageUnavailable("no_browser")
    seconds = render_seconds()
    if not _RENDER_SLOTS.acquire(timeout=seconds):
        raise ImageUnavailable("busy")
    released = threading.Lock()

    def release() -> None:  # once: by the render when it ends, or by the caller who stops waiting
        if released.acquire(blocking=False):
            _RENDER_SLOTS.release()

    result: queue.Queue = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            result.put(_render(fig, {"format": fmt, "width": width, "height": height, "scale": scale}, seconds))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            result.put(exc)
        finally:
            release()

    threading.Thread(target=run, name="chart-image", daemon=True).start()
    try:
        out = result.get(timeout=seconds + 1)  # the render's own limit first; this one if even that hangs
    except queue.Empty:
        release()
        raise ImageUnavailable("timeout", f"no image after {seconds:g} s") from None
    if isinstance(out, (asyncio.TimeoutError, TimeoutError)):
        raise ImageUnavailable("timeout", f"no image after {seconds:g} s") from out
    if type(out).__name__ == "ChromeNotFoundError":
        raise ImageUnavailable("no_browser", str(out)) from out
    if isinstance(out, BaseException):
        raise ImageUnavailable("failed", str(out)) from out
    return out
