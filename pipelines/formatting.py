"""Numbers, money, percentages and months in Indonesian (or English) format, via Babel."""
from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

LOCALES = {"id": "id_ID", "en": "en_GB"}
# Short scale words used in Indonesian reporting: juta (10^6), miliar (10^9), triliun (10^12).
_SCALES = {"id": [(1e12, "triliun"), (1e9, "miliar"), (1e6, "juta")],
           "en": [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")]}
MISSING = "–"  # shown for a value nobody reported: never 0


def number(value: float | None, lang: str = "id", decimals: int = 0) -> str:
    """11589 -> '11.589' (id) or '11,589' (en); None -> '–'."""
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def rupiah(value: float | None, lang: str = "id") -> str:
    """48_500_000 -> 'Rp 48,5 juta'; 2e12 -> 'Rp 2,0 triliun'; below a million in full."""
    if value is None:
        return MISSING
    for size, word in _SCALES[lang]:
        if abs(value) >= size:
            return f"Rp {number(value / size, lang, 1)} {word}"
    return f"Rp {number(value, lang)}"


def percent(share: float | None, lang: str = "id", decimals: int = 1) -> str:
    """0.873 -> '87,3%'."""
    if share is None:
        return MISSING
    return format_percent(share, format="#,##0" + ("." + "0" * decimals if decimals else "") + "%",
                          locale=LOCALES[lang])


def value(amount: float | None, unit: str = "", lang: str = "id") -> str:
    """A figure as text by its unit: 'Rp 48,5 juta' (rupiah), '87,3%' (share), else '11.589'; '–' when not reported."""
    if unit == "rupiah":
        return rupiah(amount, lang)
    if unit == "share":
        return percent(amount, lang)
    return number(amount, lang)


def month(value: date | None, lang: str = "id") -> str:
    """date(2024, 3, 1) -> 'Maret 2024'."""
    if value is None:
        return MISSING
    return format_date(value, format="LLLL yyyy", locale=LOCALES[lang])


# Abbreviated months: British English writes 'Sept' beside 'Aug', 'Oct'; plain English keeps all three letters.
SHORT_MONTH_LOCALES = {"id": "id_ID", "en": "en"}


def short_month(value: date | None, lang: str = "id", year: bool = False) -> str:
    """date(2024, 9, 1) -> 'Sep' ('Sep 2024' with year); Indonesian 'Sep', 'Agu'."""
    if value is None:
        return MISSING
    return format_date(value, format="LLL yyyy" if year else "LLL", locale=SHORT_MONTH_LOCALES[lang])


def day(value: date | None, lang: str = "id") -> str:
    """date(2024, 3, 5) -> '5 Maret 2024'; None -> '–'."""
    if value is None:
        return MISSING
    return format_date(value, format="d MMMM yyyy", locale=LOCALES[lang])


def moment(value: datetime | None, lang: str = "id") -> str:
    """datetime(2026, 12, 2, 7, 17) -> '2 Desember 2026 07.17 WIB' ('2 December 2026 07:17 WIB'); None -> '–'.

    Stored times are WIB (naive); the zone is named so a WITA or WIT reader reads it right."""
    if value is None:
        return MISSING
    return f"{day(value, lang)} {format_time(value, format='short', locale=LOCALES[lang])} WIB"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=&\"'])")


def md(text: object) -> str:
    """User-supplied text (file names, officer or village names) made inert inside Markdown.

    Every Markdown/HTML metacharacter is backslash-escaped and line breaks become spaces, so a
    name like [klik](https://...) or ![x](http://...) shows as typed: no link, no image request,
    no :material/...: icon or :red[...] colour directive."""
    flat = " ".join(str(text if text is not None else "").split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def plain(text: object) -> str:
    """The same as md() (the review pages' name for it)."""
    return md(text)
