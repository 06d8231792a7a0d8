"""Kamus Indikator page model: the dictionary of pipelines/kamus.py (also used by the Satu Data package)."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines.kamus import COLUMNS, detail, dictionary, flow_sources, overview, workbook
from pipelines.views import capaian, satudata
from pipelines.views.selection import Selection

__all__ = ["COLUMNS", "detail", "dictionary", "flow_sources", "overview", "workbook", "model", "Kamus"]


@dataclass
class Kamus:
    frame: pl.DataFrame                          # the figures found, every field (headers in lang)
    overview: pl.DataFrame                       # the compact list shown
    detail: tuple[str, pl.DataFrame] | None      # the picked figure's title and every field
    may_build: bool                              # the user may download the Satu Data package
    years: list[int]                             # years one may pick for it


def model(con: duckdb.DuckDBPyConnection, sel: Selection, lang: str = "id", *, search: str = "",
          row: int = 0) -> Kamus:
    """The figures matching search, the one in row shown in full, and the Satu Data choices for the user."""
    frame = dictionary(lang, search)
    may = satudata.may_build(sel.user)
    return Kamus(frame, overview(frame, lang), detail(frame, row, lang), may, capaian.years(con) if may else [])
