"""Kamus Indikator page model: the dictionary of pipelines/kamus.py (also used by the Satu Data package)."""
from pipelines.kamus import COLUMNS, detail, dictionary, flow_sources, overview, workbook

__all__ = ["COLUMNS", "detail", "dictionary", "flow_sources", "overview", "workbook"]
