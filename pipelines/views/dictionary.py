"""Kamus Indikator page model: the dictionary of pipelines/kamus.py (also used by the Satu Data package)."""
from pipelines.kamus import COLUMNS, dictionary, flow_sources, workbook

__all__ = ["COLUMNS", "dictionary", "flow_sources", "workbook"]
