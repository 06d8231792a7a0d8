"""Government reporting periods (tahun, semester, triwulan, bulan, s.d. bulan): code -> months and label."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipelines import formatting
from pipelines.metrics import calendar

KINDS = ("year", "semester", "quarter", "month", "to_date")
# The periode column of a target workbook: which government period a target is set for.
TARGET_PERIODS = ("TAHUN", "S1", "S2", "T1", "T2", "T3", "T4", *(f"{m:02d}" for m in range(1, 13)))
# Every period of a year a picker offers, in the order a ministry reads them ('TAHUN' is the year itself).
PARTS = ("TAHUN", "S1", "S2", "T1", "T2", "T3", "T4", *(f"SD{m:02d}" for m in range(1, 13)),
         *(f"{m:02d}" for m in range(1, 13)))
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_CODE = re.compile(r"^(\d{4})(?:-(S[12]|T[1-4]|SD(?:0[1-9]|1[0-2])|0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    """One government period: its code ('2026-T3'), kind, year and first and last month."""
    code: str
    kind: str
    year: int
    first: date
    last: date

    @property
    def months(self) -> list[date]:
        return calendar.months_between(self.first, self.last)

    @property
    def target_period(self) -> str:
        """The periode whose target it is compared with ('TAHUN' for a year and for s.d.)."""
        return "TAHUN" if self.kind in ("year", "to_date") else self.code.split("-")[1]

    def label(self, lang: str = "id") -> str:
        """'Triwulan III 2026' / 'Q3 2026', 's.d. September 2026' / 'Jan-Sep 2026'."""
        n = int(self.code[6]) if self.kind in ("semester", "quarter") else 0  # '2026-T3' -> 3
        if self.kind == "year":
            return f"Tahun {self.year}" if lang == "id" else str(self.year)
        if self.kind == "semester":
            return f"Semester {ROMAN[n]} {self.year}" if lang == "id" else f"H{n} {self.year}"
        if self.kind == "quarter":
            return f"Triwulan {ROMAN[n]} {self.year}" if lang == "id" else f"Q{n} {self.year}"
        if self.kind == "month":
            return formatting.month(self.first, lang)
        if lang == "id":
            return f"s.d. {formatting.month(self.last, lang)}"
        return f"{formatting.short_month(self.first, 'en')}-{formatting.short_month(self.last, 'en')} {self.year}"


def parse(code: str) -> Period:
    """'2026', '2026-S1', '2026-T3', '2026-09', '2026-SD09' -> Period; ValueError (Indonesian) otherwise."""
    text = (code or "").strip().upper()
    match = _CODE.match(text)
    if not match:
        raise ValueError(f"Periode {code!r} tidak dikenal: tulis 2026, 2026-S1, 2026-T3, 2026-09 atau 2026-SD09.")
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        return Period(text, "year", year, date(year, 1, 1), date(year, 12, 1))
    if part.startswith("SD"):
        return Period(text, "to_date", year, date(year, 1, 1), date(year, int(part[2:]), 1))
    if part[0] == "S":
        n = int(part[1])
        return Period(text, "semester", year, date(year, 6 * n - 5, 1), date(year, 6 * n, 1))
    if part[0] == "T":
        n = int(part[1])
        return Period(text, "quarter", year, date(year, 3 * n - 2, 1), date(year, 3 * n, 1))
    return Period(text, "month", year, date(year, int(part), 1), date(year, int(part), 1))


def of_target(year: int, periode: str) -> Period:
    """The Period a target row ('TAHUN', 'S1', 'T3', '09') stands for."""
    return parse(str(year) if periode == "TAHUN" else f"{year}-{periode}")


def matching(first: date, last: date) -> list[Period]:
    """The government periods a month range is, most specific first: Jan-Mar 2026 -> [2026-T1, 2026-SD03]."""
    if first.year != last.year or first > last:
        return []
    year, a, b = first.year, first.month, last.month
    out = []
    if a == b:
        out.append(parse(f"{year}-{a:02d}"))
    if b - a == 2 and a % 3 == 1:
        out.append(parse(f"{year}-T{b // 3}"))
    if b - a == 5 and a in (1, 7):
        out.append(parse(f"{year}-S{b // 6}"))
    if (a, b) == (1, 12):
        out.append(parse(str(year)))
    elif a == 1:
        out.append(parse(f"{year}-SD{b:02d}"))
    return out


def code_of(year: int, part: str) -> str:
    """(2026, 'TAHUN') -> '2026', (2026, 'T3') -> '2026-T3'."""
    return str(year) if part == "TAHUN" else f"{year}-{part}"
