"""Parse numbers written the Indonesian or the English way, as whole-column polars expressions."""
from __future__ import annotations

import polars as pl

# Text forms accepted, tried in this order (after spaces, "Rp" and a trailing ",-" are dropped):
#   1.234.567 / 2.500.000,50   Indonesian thousands dots, optional decimal comma
#   1,234,567 / 1,234,567.89   English thousands commas, optional decimal point
#   2500000.5 / 3.5e15 / 12    plain numbers, as Excel's own numeric cells arrive
#   2,5                        Indonesian decimal comma without thousands
# "1.234" and "1,234" match a thousands pattern first, so an ambiguous text is read as
# one thousand two hundred thirty-four, as the contract requires for counts and rupiah.
_ID_GROUPED = r"^-?\d{1,3}(\.\d{3})+(,\d+)?$"
_EN_GROUPED = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$"
_PLAIN = r"^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_ID_DECIMAL = r"^-?\d+,\d+$"


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Trim ordinary and non-breaking spaces; empty text becomes null."""
    out = expr.str.replace_all("\u00a0", " ").str.strip_chars()
    return pl.when(out == "").then(None).otherwise(out)


def parse(expr: pl.Expr) -> pl.Expr:
    """Number from text in any accepted format; null for blank or unreadable text."""
    s = (
        expr.str.replace_all(r"[\s\u00a0]", "")
        .str.replace(r"(?i)^rp\.?", "")
        .str.replace(r",-$", "")
    )
    return (
        pl.when(s.str.contains(_ID_GROUPED))
        .then(s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(s.str.contains(_EN_GROUPED))
        .then(s.str.replace_all(",", "", literal=True))
        .when(s.str.contains(_PLAIN))
        .then(s)
        .when(s.str.contains(_ID_DECIMAL))
        .then(s.str.replace(",", ".", literal=True))
        .otherwise(None)
        .cast(pl.Float64, strict=False)
    )


def parse_number(text: str | None) -> float | None:
    """One value through the same expression the batch uses (for identity fields and tests)."""
    return pl.select(parse(pl.lit(text, dtype=pl.String))).item()
