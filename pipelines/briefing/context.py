"""The context one pack shares: the checked area and period, its labels, data choice and the common texts."""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pipelines import areas, formatting, versions, warehouse
from pipelines import labels as label_catalogue
from pipelines.metrics import calendar
from pipelines.metrics.measure import BASES
from pipelines.views import overview, reporting


class BriefingError(ValueError):
    """The area or period cannot make a pack; `what` is 'area', 'period' or 'slides'."""

    def __init__(self, what: str, message: str):
        super().__init__(message)
        self.what = what


@dataclass
class Context:
    con: object
    area: str
    start: date
    end: date
    lang: str
    labels: Mapping[str, str]
    area_label: str
    period: str
    previous: str
    previous_end: str
    source: str
    as_of: str
    demo: bool
    provisional: bool = False   # the range includes a month whose deadline has not passed
    approved_only: bool = False  # only district-months a reviewer approved are counted
    nothing_approved: bool = False  # approved only, and no report of the range is in an approved month
    compare: str = "yoy"        # what every change compares with: yoy (a year earlier) | prev (just before)
    version: int = 0            # the data version the figures are read from (pipelines.versions)
    version_at: str = ""        # when that version was made: '6 Desember 2026 14.03 WIB'

    def version_line(self) -> str:
        """'Data versi 57 · per 6 Desember 2026 14.03 WIB': on the title slide and in the XLSX notes."""
        return self.t("bp_data_version", version=self.version, when=self.version_at)

    def t(self, key: str, **fields) -> str:
        """The label in the pack's language; one the caller did not pass comes from ui/labels.csv."""
        if key not in self.labels:
            return overview.label(_all_labels(self.lang), key, **fields)
        return overview.label(self.labels, key, **fields)

    @property
    def args(self) -> tuple:
        return (self.con, self.area, self.start, self.end)


@functools.cache
def _all_labels(lang: str) -> dict[str, str]:
    return read_labels(lang)


def read_labels(lang: str = "id") -> dict[str, str]:
    """Every label of ui/labels.csv in one language (the command line has no Streamlit session)."""
    return {key: row[lang] for key, row in label_catalogue.catalogue().items()}


def make(con, area: str, start, end, lang: str, labels: Mapping[str, str] | None,
         approved_only: bool = False, compare: str = "yoy") -> Context:
    """Checked inputs and the texts every slide shares; BriefingError for an unknown area or a bad range
    (or a comparison other than 'yoy' and 'prev')."""
    labels = labels if labels is not None else read_labels(lang)
    area = (area or "").strip()
    try:
        start, end = calendar.month_start(start), calendar.month_start(end)
    except (ValueError, AttributeError) as exc:
        raise BriefingError("period", str(exc)) from exc
    if start > end:
        raise BriefingError("period", f"{start:%Y-%m} is after {end:%Y-%m}")
    try:
        known = areas.lookup(con, area, lang)
    except ValueError:
        known = None
    if known is None:
        raise BriefingError("area", f"unknown area {area!r}")
    if compare not in BASES:
        raise BriefingError("compare", f"unknown comparison {compare!r}")
    prev_start, prev_end = calendar.comparison_range(start, end, compare)
    as_of = reporting.long_date(reporting.data_as_of(con), lang)
    version = versions.current(con)
    return Context(con, area, start, end, lang, labels, areas.label(con, area, lang),
                   overview.period_label(start, end, lang), overview.period_label(prev_start, prev_end, lang),
                   formatting.month(prev_end, lang), overview.label(labels, "source_note", date=as_of),
                   as_of, warehouse.is_demo(con), approved_only=bool(approved_only), compare=compare,
                   version=version, version_at=formatting.moment(versions.made_at(con, version), lang))
