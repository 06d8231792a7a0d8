"""The form's vocabularies (sectors, channels, sex, indicator kinds and units, statuses) named in Indonesian or English."""
from __future__ import annotations

from functools import cache

import polars as pl

from pipelines import catalogue


@cache
def names() -> dict[tuple[str, str], dict[str, str]]:
    """{(list, value): {'id': ..., 'en': ...}} from reference/vocabulary_names.csv."""
    return {(row["list"], row["value"]): {"id": row["id"], "en": row["en"]}
            for row in catalogue.rows("vocabulary_names.csv")}


def name(kind: str, value: str | None, lang: str = "id") -> str | None:
    """The value of a vocabulary in the language ('sektor', 'Domestik', 'en' -> 'Domestic work');
    an unknown value is shown as it is (it came through validation, so it is the form's own word)."""
    if value is None:
        return None
    entry = names().get((kind, value))
    return entry[lang] if entry else value


def column(kind: str, col: str, lang: str) -> pl.Expr:
    """A polars expression naming a vocabulary column's values in the language."""
    mapping = {v: n[lang] for (k, v), n in names().items() if k == kind}
    return pl.col(col).replace_strict(mapping, default=pl.col(col), return_dtype=pl.String)
