"""The area hierarchy (nasional > provinsi > kabupaten/kota > kecamatan > desa) and its names."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines import warehouse

LEVELS = ("national", "province", "district", "subdistrict", "village")
# A code's number of dot-separated parts tells its level: '' national, '35' province, ...
_LEVEL_BY_PARTS = {0: "national", 1: "province", 2: "district", 3: "subdistrict", 4: "village"}
NATIONAL_NAME = {"id": "Nasional", "en": "National"}


@dataclass(frozen=True)
class Area:
    code: str
    level: str
    name: str
    parent: str | None


def level_of(code: str) -> str:
    """'national', 'province', 'district', 'subdistrict' or 'village' from the code's shape."""
    parts = len(code.split(".")) if code else 0
    if parts not in _LEVEL_BY_PARTS:
        raise ValueError(f"not an area code: {code!r}")
    return _LEVEL_BY_PARTS[parts]


def child_level(level: str) -> str | None:
    """The level below (None under village)."""
    i = LEVELS.index(level)
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def units(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every unit (level, code, parent, name) present in the registry."""
    return warehouse.query(con, "area_units")


def lookup(con: duckdb.DuckDBPyConnection, code: str, lang: str = "id") -> Area | None:
    """The named area for a code ('' is the whole country); None when the code is unknown."""
    if not code:
        return Area("", "national", NATIONAL_NAME[lang], None)
    row = units(con).filter(pl.col("code") == code)
    if row.is_empty():
        return None
    level, code, parent, name = row.row(0)
    return Area(code, level, name, parent or "")


def children(con: duckdb.DuckDBPyConnection, code: str) -> pl.DataFrame:
    """Direct sub-units of an area (code, name), in code order."""
    below = child_level(level_of(code))
    if below is None:
        return pl.DataFrame(schema={"code": pl.String, "name": pl.String})
    return units(con).filter(pl.col("level") == below, pl.col("parent") == code).select("code", "name")


def breadcrumbs(con: duckdb.DuckDBPyConnection, code: str, lang: str = "id") -> list[Area]:
    """From the country down to the area itself."""
    parts = code.split(".") if code else []
    chain = [lookup(con, "", lang)]
    for i in range(1, len(parts) + 1):
        area = lookup(con, ".".join(parts[:i]), lang)
        if area:
            chain.append(area)
    return chain


def label(con: duckdb.DuckDBPyConnection, code: str, lang: str = "id") -> str:
    """A display name for titles: 'Kabupaten Tulungagung', 'Jawa Timur', 'Kec. Kalidawir', 'Desa Betak'."""
    area = lookup(con, code, lang)
    if area is None:
        return code
    prefix = {"subdistrict": "Kec. ", "village": "Desa "}.get(area.level, "")
    if area.level == "province" and lang == "id":
        prefix = "Provinsi "
    return prefix + area.name
