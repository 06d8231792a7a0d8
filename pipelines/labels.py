"""The one label catalogue (ui/labels.csv, Indonesian and English) for the UI and the data layer's texts."""
from __future__ import annotations

from functools import cache

from pipelines.catalogue import rows as catalogue_rows
from pipelines.settings import ROOT

PATH = ROOT / "ui" / "labels.csv"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """key -> {'id': ..., 'en': ...}."""
    return {row["key"]: row for row in catalogue_rows(PATH.name, PATH.parent)}


def text(key: str, lang: str = "id", **fields) -> str:
    """The label in a language with {fields} filled in; the key itself when missing, so gaps show."""
    row = catalogue().get(key)
    out = row[lang] if row else key
    return out.format(**fields) if fields else out


def page_labels(keys, lang: str = "id") -> dict[str, str]:
    """A page model's labels in a language: {key: text} for the keys it uses (a model's default)."""
    return {key: text(key, lang) for key in keys}


def plural_key(key: str, n: float, lang: str, within=None) -> str:
    """key, or its "_one" variant where the language's plural rule (CLDR, via Babel) says n is singular
    and that variant exists (in `within`, a page's labels, when given): '1 district month is waiting';
    Indonesian has no plural forms."""
    from babel import Locale
    one = f"{key}_one"
    if one in (catalogue() if within is None else within) and Locale.parse(lang).plural_form(abs(n)) == "one":
        return one
    return key
