"""Resolve country names (Indonesian, English, ISO codes) to ISO 3166 alpha-2 with pycountry."""
from __future__ import annotations

import gettext
import re
from functools import cache

import polars as pl
import pycountry

from pipelines.catalogue import country_aliases


def key(text: str) -> str:
    """Comparison key: lower case, letters and digits only (so 'Hong-Kong' = 'hong kong')."""
    return re.sub(r"[^0-9a-z]", "", str(text).replace("\u00a0", " ").lower())


@cache
def lookup() -> dict[str, str]:
    """Every known spelling's key -> alpha-2."""
    indonesian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (c.alpha_2, c.alpha_3, c.name, getattr(c, "common_name", None),
                     getattr(c, "official_name", None), indonesian.gettext(c.name)):
            if name:
                names.setdefault(key(name), c.alpha_2)
    # The project's aliases win: they settle colloquial names such as "Korea" -> KR.
    names.update({key(alias): iso for alias, iso in country_aliases().items()})
    return names


def to_iso2(expr: pl.Expr) -> pl.Expr:
    """Alpha-2 code for a column of country texts; null where unknown."""
    table = lookup()
    keys = expr.str.to_lowercase().str.replace_all(r"[^0-9a-z]", "")
    return keys.replace_strict(list(table), list(table.values()), default=None, return_dtype=pl.String)


@cache
def name_id(iso2: str) -> str:
    """Indonesian display name of a country code: the first alias listed, else pycountry's."""
    for alias, code in country_aliases().items():
        if code == iso2 and len(alias) > 3:
            return alias
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        return iso2
    indonesian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    return indonesian.gettext(country.name)


def name(iso2: str, lang: str = "id") -> str:
    """A country's display name: Indonesian from the project's list ('Arab Saudi'), English the common ISO 3166 name."""
    if lang == "id":
        return name_id(iso2)
    country = pycountry.countries.get(alpha_2=iso2)
    return getattr(country, "common_name", None) or (country.name if country else iso2)
