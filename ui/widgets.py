"""Charts and tables with their downloads (CSV, XLSX, PNG), the same on every page."""
from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl
import pyarrow as pa
import streamlit as st

from pipelines import exports, formatting, settings
from pipelines.views import table_text
from ui.i18n import lang, t


def _slug(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", name).strip("-").lower() or "data"


def downloads(frame: pl.DataFrame, name: str, fig: go.Figure | None = None, key: str | None = None) -> None:
    """CSV and XLSX of the data behind a view, and the chart as PNG when there is one."""
    slug = _slug(name)
    key = key or slug
    # One row of buttons as wide as their labels (fixed columns cut them to "U.."), wrapping when narrow.
    row = st.container(horizontal=True, gap="small")
    row.download_button(t("download_csv"), data=lambda: exports.to_csv(frame), file_name=f"{slug}.csv",
                        mime="text/csv", key=f"csv-{key}", icon=":material/download:", on_click="ignore",
                        help=t("download_csv_help"))
    row.download_button(t("download_csv_excel"), data=lambda: exports.to_csv_excel_id(frame),
                        file_name=f"{slug}-excel.csv", mime="text/csv", key=f"csvid-{key}",
                        icon=":material/download:", on_click="ignore", help=t("download_csv_excel_help"))
    row.download_button(t("download_xlsx"), data=lambda: exports.to_xlsx({name[:31] or "data": frame}),
                        file_name=f"{slug}.xlsx", key=f"xlsx-{key}", icon=":material/table:",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        on_click="ignore")
    if fig is not None:
        _png(row, fig, slug, key)


def _fingerprint(fig: go.Figure) -> int:
    return hash(fig.to_json())


def _make_png(fig: go.Figure, key: str) -> None:
    """Render the chart (bounded: exports.chart_image) and keep the bytes, or why there are none."""
    try:
        made: bytes | str = exports.chart_image(fig, "png")
    except exports.ImageUnavailable as exc:
        made = exc.reason
    st.session_state[f"png-made-{key}"] = (_fingerprint(fig), made)


def _png(row, fig: go.Figure, slug: str, key: str) -> None:
    """The chart as PNG: made on a click (a server-side Chromium render takes a moment and is bounded),
    then downloaded. Without Chromium, or when the render does not finish in time, the page says so in
    its language instead of waiting."""
    if exports.browser() is None:
        row.caption(t("download_png_no_browser"))
        return
    made = st.session_state.get(f"png-made-{key}")
    if made is not None and made[0] != _fingerprint(fig):  # another chart since (filters changed)
        made = None
    if made is not None and isinstance(made[1], bytes):
        row.download_button(t("download_png"), data=made[1], file_name=f"{slug}.png", mime="image/png",
                            key=f"png-{key}", icon=":material/image:", on_click="ignore")
        return
    row.button(t("download_png_make"), key=f"png-make-{key}", icon=":material/image:", on_click=_make_png,
               args=(fig, key))
    if made is not None:
        st.warning(t(f"download_png_{made[1]}").format(seconds=formatting.number(exports.render_seconds(), lang())),
                   icon=":material/warning:")


def chart(fig: go.Figure, frame: pl.DataFrame, name: str, key: str | None = None) -> None:
    """A plotly chart with its data and image downloads underneath."""
    st.plotly_chart(fig, width="stretch", key=f"chart-{key or _slug(name)}")
    downloads(frame, name, fig, key)


def _arrow(frame: pl.DataFrame) -> pa.Table:
    """The frame as Arrow with plain strings: st.dataframe serialises Arrow as is, where a polars
    frame goes through pandas first (the larger part of a table's cost on every run)."""
    table = frame.to_arrow()
    if any(pa.types.is_large_string(f.type) for f in table.schema):
        table = table.cast(pa.schema([f.with_type(pa.string()) if pa.types.is_large_string(f.type) else f
                                      for f in table.schema]))
    return table


def dataframe(frame: pl.DataFrame, **kwargs) -> None:
    """st.dataframe with every number written in the page's language ('2.881', '69,7%'), right-aligned,
    and kept a number, so that sorting a column orders it by value (9 before 10, not after)."""
    import pandas as pd
    L = lang()
    frame = exports.tidy_numbers(frame)
    given = kwargs.pop("column_config", None) or {}
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("placeholder", formatting.MISSING)  # a value nobody reported: '–', never 0 or 'None'
    writers = table_text.writers(frame, L)
    if writers and frame.height * frame.width > pd.get_option("styler.render.max_elements"):
        # Beyond what pandas Styler renders: every number as text, as before (sorted as text).
        right = {c: st.column_config.TextColumn(c, alignment="right") for c in table_text.right_aligned(frame)}
        st.dataframe(_arrow(table_text.shown(frame, L)), column_config={**right, **given}, **kwargs)
        return
    config = {c: st.column_config.TextColumn(c, alignment="right") for c in table_text.right_aligned(frame)
              if not frame.schema[c].is_numeric()}
    config.update({c: st.column_config.NumberColumn(c, format=table_text.INTEGER_FORMAT[L])
                   for c in table_text.integer_columns(frame)})
    config.update(given)
    # Shares and fractions need a decimal comma, which no column format writes: pandas Styler sends
    # their text beside the numbers. A table of whole numbers goes as Arrow, without pandas.
    data = frame.to_pandas().style.format(writers, na_rep=formatting.MISSING) if writers else _arrow(frame)
    st.dataframe(data, column_config=config, **kwargs)


def table(frame: pl.DataFrame, name: str, key: str | None = None, **kwargs) -> None:
    """A table (numbers formatted for the page's language) with its CSV/XLSX downloads of the raw values.

    At most settings.table_rows() rows are drawn, in the frame's own order, and the caption says so; the
    downloads hold every row. Thousands of rows cost a warm run hundreds of ms (pandas Styler) and no one
    reads them on screen."""
    rows = settings.table_rows()
    dataframe(frame.head(rows), **kwargs)
    if frame.height > rows:
        L = lang()
        st.caption(t("table_cut").format(shown=formatting.number(rows, L), total=formatting.number(frame.height, L)))
    downloads(frame, name, None, key)
