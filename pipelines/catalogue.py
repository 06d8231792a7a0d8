"""The indicator catalogue and reference vocabularies, loaded from reference/*.csv."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"

PILLAR_SHEETS = ("Layanan", "Usaha", "Parenting", "Koperasi")
DATA_SHEETS = ("Penempatan", "Kepulangan", "Remitansi")
REQUIRED_SHEETS = ("Identitas", *PILLAR_SHEETS, *DATA_SHEETS)
# The village-month totals the facts table keeps from the three data sheets (Penempatan, Kepulangan,
# Remitansi), beside one column per indicator; figures.csv names them as the `flow` source.
FLOWS = ("placements", "placements_women", "returns", "returns_with_problem", "remittances_idr",
         "remittance_transactions")


@dataclass(frozen=True)
class Indicator:
    code: str
    sheet: str
    pillar: int
    name_id: str
    name_en: str
    unit: str
    kind: str  # flow | stock | flag
    max_per_month: float
    over_months: str  # how a range of months is shown: sum | last | mean


@cache
def rows(name: str, folder: Path = REFERENCE) -> tuple[dict[str, str], ...]:
    """The rows of one CSV catalogue (reference/<name>, or <folder>/<name>), read once: the one reader of them all."""
    with open(folder / name, newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


@cache
def indicators() -> dict[str, Indicator]:
    """Indicator code -> definition, in catalogue order."""
    return {
        r["code"]: Indicator(
            r["code"], r["sheet"], int(r["pillar"]), r["name_id"], r["name_en"],
            r["unit"], r["kind"], float(r["max_per_month"]), r["over_months"],
        )
        for r in rows("indicators.csv")
    }


def indicators_of(sheet: str) -> list[Indicator]:
    """The indicators reported on one pillar sheet, in catalogue order."""
    return [i for i in indicators().values() if i.sheet == sheet]


@cache
def layout() -> dict[str, list[tuple[str, str, bool]]]:
    """Sheet -> [(column, type, required)] in template order."""
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for r in rows("layout.csv"):
        out.setdefault(r["sheet"], []).append((r["column"], r["type"], r["required"] == "ya"))
    return out


@cache
def identity_fields() -> list[dict[str, str]]:
    """Fields of the Identitas sheet: field, type, required, example, help."""
    return rows("identity.csv")


@cache
def vocabulary() -> dict[str, dict[str, str]]:
    """List name -> {normalised alias: canonical value} (sektor, jenis_kelamin, saluran, ya_tidak)."""
    out: dict[str, dict[str, str]] = {}
    for r in rows("vocabulary.csv"):
        out.setdefault(r["list"], {})[norm(r["alias"])] = r["value"]
    return out


def choices(list_name: str) -> list[str]:
    """Canonical values of a vocabulary list, in file order, without repeats."""
    return list(dict.fromkeys(vocabulary()[list_name].values()))


@cache
def cross_checks() -> list[dict[str, str]]:
    """Cross-checks between indicators: left, op, right, severity, message."""
    return rows("checks.csv")


@cache
def country_aliases() -> dict[str, str]:
    """Extra country names (Indonesian, colloquial) -> ISO alpha-2; the first per code is its display name."""
    return {r["alias"]: r["iso2"] for r in rows("countries.csv")}


@lru_cache(maxsize=65536)  # the same few hundred header and code texts recur in every workbook
def norm(text: object) -> str:
    """Lower-case, with ordinary and non-breaking spaces folded and trimmed."""
    return " ".join(str(text).replace("\u00a0", " ").split()).lower()


@lru_cache(maxsize=65536)
def header_key(text: object) -> str:
    """A header or field name for matching: like norm(), and 'Negara Tujuan' = 'negara_tujuan'."""
    return re.sub(r"[\s_\-]+", "_", norm(text)).strip("_")
