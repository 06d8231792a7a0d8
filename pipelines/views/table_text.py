"""Tables as shown on a page: every number written in the page's language (2.881 / 2,881), shares as %."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import polars as pl

from pipelines import exports, formatting

# Headers holding a year or a code-like number, which are never grouped ('2025', not '2.025').
_PLAIN_WORDS = ("tahun", "year", "kode", "code", "versi", "version", "id")


def _plain(header: str) -> bool:
    words = header.lower().replace("(", " ").replace(")", " ").split()
    return any(w in _PLAIN_WORDS for w in words)


# Text that is a number already written out: '2.881', '-4,5%', 'Rp 48,5 juta', '12 / 14', '–'.
_NUMBER_TEXT = re.compile(r"^(–|[-+]?(Rp )?[\d.,]+( (juta|miliar|triliun|million|billion|trillion))?%?( / [\d.,]+)?)$")


def right_aligned(frame: pl.DataFrame) -> list[str]:
    """Columns to right-align on screen: numbers, and text columns holding only written-out numbers."""
    out = numeric_columns(frame)
    for c, t in frame.schema.items():
        if t == pl.String and not _plain(c):
            values = frame[c].drop_nulls()
            if values.len() and values.str.contains(_NUMBER_TEXT.pattern).all() and (values != "–").any():
                out.append(c)
    return out


def numeric_columns(frame: pl.DataFrame) -> list[str]:
    """The columns shown() writes as formatted numbers (right-aligned on the page)."""
    return [c for c, t in frame.schema.items() if t.is_numeric() and not _plain(c)]


def shown(frame: pl.DataFrame, lang: str = "id") -> pl.DataFrame:
    """The frame with its numeric columns as text: counts '6.102', fractions '1,5', shares (by header,
    reference/share_columns.csv) '69,7%'; missing values '–', never 0. Years and codes stay as they are."""
    frame = exports.tidy_numbers(frame)
    shares = set(exports.share_columns(frame))
    out = []
    for c in numeric_columns(frame):
        t = frame.schema[c]
        if c in shares:
            fn = partial(formatting.percent, lang=lang)
        elif t.is_integer():
            fn = partial(formatting.number, lang=lang)
        else:
            fn = partial(formatting.number, lang=lang, decimals=1)
        # Each distinct value is written once (Babel per cell cost most of a large table's run).
        values = frame[c].drop_nulls().unique().to_list()
        text = {v: fn(v) for v in values}
        out.append(pl.col(c).replace_strict(text, default=None, return_dtype=pl.String)
                   .fill_null(formatting.MISSING))
    return frame.with_columns(out) if out else frame


# Whole numbers are drawn by the browser's table (st.column_config.NumberColumn) from a printf format:
# Streamlit's sprintf-js takes the character after an apostrophe flag as the thousands separator,
# so "%'.,d" writes 1234567 as '1.234.567' (Indonesian), "%,d" as '1,234,567'.
INTEGER_FORMAT = {"id": "%'.,d", "en": "%,d"}


def integer_columns(frame: pl.DataFrame) -> list[str]:
    """Numeric columns holding whole counts (not shares): sent as numbers with INTEGER_FORMAT."""
    frame = exports.tidy_numbers(frame)
    shares = set(exports.share_columns(frame))
    return [c for c in numeric_columns(frame) if frame.schema[c].is_integer() and c not in shares]


def writers(frame: pl.DataFrame, lang: str = "id") -> dict:
    """Column -> the function writing its values, for the numeric columns a printf format cannot write
    in Indonesian (a decimal comma): shares '69,7%' and fractions '1,5'. The values stay numbers, so
    the table sorts them by value (pandas Styler display values)."""
    frame = exports.tidy_numbers(frame)
    shares = set(exports.share_columns(frame))
    out = {}
    for c in numeric_columns(frame):
        if c in shares:
            fn = partial(formatting.percent, lang=lang)
        elif not frame.schema[c].is_integer():
            fn = partial(formatting.number, lang=lang, decimals=1)
        else:
            continue
        # Each distinct value is written once, the writer only looks it up: Babel per cell is what
        # made a large table's warm run slow (Mutu Data's findings, thousands of rows, 360 ms warm).
        text = {v: fn(v) for v in frame[c].drop_nulls().unique().to_list()}
        out[c] = lambda v, text=text, fn=fn: text[v] if v in text else fn(v)
    return out


def written(frame: pl.DataFrame, column: str, fn: Callable[[Any], Any], dtype: pl.DataType = pl.String) -> pl.Expr:
    """The column's values written by fn (nulls stay null), each distinct value once, in Python.

    Never a polars UDF (map_elements): a UDF runs on polars' thread pool and needs the GIL, and under a
    crowd another session's thread holds the GIL while it waits for that pool (to_pandas, to_numpy):
    the whole replica deadlocks (pola-rs/polars#26821, #27396; seen by bench/cluster.py)."""
    text = {v: fn(v) for v in frame[column].drop_nulls().unique().to_list()}
    return pl.col(column).replace_strict(text, default=None, return_dtype=dtype)
