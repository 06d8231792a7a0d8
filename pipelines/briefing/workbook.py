"""Writing the XLSX: one sheet per table behind the slides, plus the data notes."""
from __future__ import annotations

import re

import polars as pl

from pipelines import exports
from pipelines.briefing.text import clean


def _sheet_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Months as 'YYYY-MM' text (spreadsheets show bare dates as serial numbers); text XML-safe."""
    return frame.with_columns(
        *(pl.col(c).dt.strftime("%Y-%m") for c, t in frame.schema.items() if t == pl.Date),
        *(pl.col(c).str.replace_all(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]", " ")
          for c, t in frame.schema.items() if t == pl.String)).rename(
        {c: clean(c) for c in frame.columns if clean(c) != c})


def write(sheets: dict[str, pl.DataFrame], notes: list[str], notes_sheet: str = "Catatan") -> bytes:
    """One sheet per table behind the slides, plus the data notes (formula-safe, via exports.to_xlsx)."""
    named, used = {}, set()
    for name, frame in sheets.items():
        base = re.sub(r"[\[\]:*?/\\]", "-", clean(name))[:31]
        unique, i = base, 2
        while unique.lower() in used:
            unique = f"{base[:28]} {i}"
            i += 1
        used.add(unique.lower())
        named[unique] = _sheet_frame(frame)
    return exports.to_xlsx(named, [clean(n) for n in notes], clean(notes_sheet))
