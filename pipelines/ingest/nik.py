"""Recognising a NIK (national ID number) in any text: 16 digits, bare or grouped as people write them, plausible."""
from __future__ import annotations

import re
from functools import cache

from pipelines import catalogue
from pipelines.ingest.findings import HIDDEN

# A NIK is PPKKCC DDMMYY SSSS: province, regency/city, sub-district, birth date (women: day + 40),
# serial. Checking the first twelve digits keeps aggregate numbers (rupiah totals, counts) from
# being refused while every real NIK, also one Excel rounded to 15 significant digits (serial
# 0000), is still caught. False positives remain possible and are listed in tests/test_nik.py.
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# A run of digits, optionally grouped by single spaces, dots, commas or dashes, optionally in
# scientific notation (Excel writes 3.5041456078900001E+15 for a large number).
_TOKEN = re.compile(r"\d(?:[ .,\-]?\d)*(?:[eE][+-]?\d{1,3})?")
_SEP = re.compile(r"[ .,\-]")
# How people group a NIK's 16 digits when they do not write it bare: 4-4-4-4 (as on the card's
# number line), 6-6-4 (region, birth date, serial) and 2-2-2-6-4 (province, regency, sub-district,
# birth date, serial). Any other grouping of 16 digits is some other number.
NIK_GROUPINGS = ((4, 4, 4, 4), (6, 6, 4), (2, 2, 2, 6, 4))


@cache
def provinces() -> frozenset[str]:
    """Two-digit Kemendagri province codes (reference/provinces.csv), old and new Papua codes included."""
    return frozenset(r["kode"] for r in catalogue.rows("provinces.csv"))


def plausible(digits: str) -> bool:
    """Whether 16 digits read as a NIK: a real province, non-zero regency and sub-district, a valid date."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    day, month = int(digits[6:8]), int(digits[8:10])
    if day > 40:
        day -= 40
    return (digits[:2] in provinces() and digits[2:4] != "00" and digits[4:6] != "00"
            and 1 <= month <= 12 and 1 <= day <= _DAYS[month])


def _token_is_nik(token: str) -> bool:
    if "e" in token.lower():
        mantissa, _, exponent = token.lower().partition("e")
        if len(_SEP.findall(mantissa)) <= 1:
            try:
                value = float(mantissa.replace(",", ".")) * 10 ** int(exponent)
            except (ValueError, OverflowError):
                return False
            return 1e15 <= value < 1e16 and plausible(f"{round(value):d}")
        token = mantissa
    groups = _SEP.split(token)
    seps = _SEP.findall(token)
    if len(seps) == 1 and seps[0] in ".,":
        groups = groups[:1]  # one decimal point: only the whole part can be an ID number
    lengths = [len(g) for g in groups]
    # A NIK is written bare (16 digits) or grouped the way people write it, each group joined by one
    # and the same separator: 3504 1456 0789 0001, 350414 560789 0001, 35.04.14.560789.0001. A
    # village code followed by a year, month, date or version (3504142011-2024-03,
    # 35.04.14.2011.2024.03) groups its digits otherwise and is never a NIK, however plausible
    # its sixteen digits would read as a birth date.
    for i, length in enumerate(lengths):
        if length == 16 and plausible(groups[i]):
            return True
        for shape in NIK_GROUPINGS:
            j = i + len(shape)
            if (tuple(lengths[i:j]) == shape and len(set(seps[i:j - 1])) == 1
                    and plausible("".join(groups[i:j]))):
                return True
    return False


def _hits(text: str):
    for m in _TOKEN.finditer(text):
        token = m.group()
        if (len(token) >= 16 or "e" in token or "E" in token) and _token_is_nik(token):
            yield m


def spans(text: str | None) -> list[tuple[int, int]]:
    """Where NIK-like numbers sit in text (start, end) -- never their value."""
    return [m.span() for m in _hits(text)] if text else []


def found(text: str | None) -> bool:
    """True when the text holds a NIK-like number anywhere."""
    return bool(text) and next(_hits(text), None) is not None


def hide(text: str) -> str:
    """The text with every NIK-like number replaced by the hidden marker."""
    out, last = [], 0
    for m in _hits(text):
        out += [text[last:m.start()], HIDDEN]
        last = m.end()
    return "".join(out) + text[last:]
