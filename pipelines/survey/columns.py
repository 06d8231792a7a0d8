"""The survey sheet's columns and their rules, from reference/survey_columns.csv."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pipelines import catalogue

SHEET = "Responden"
LIKERT = ("harmonis", "partisipasi")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str               # village | code | choice | number | likert
    choices: tuple[str, ...]
    low: float | None
    high: float | None
    help_id: str
    help_en: str
    time_point: str         # sebelum | sesudah for the Likert items (one scale per time point), else ""


@cache
def columns() -> dict[str, Column]:
    """Column name -> rule, in sheet order."""
    return {r["column"]: Column(r["column"], r["kind"], tuple(c for c in r["choices"].split("|") if c),
                                float(r["min"]) if r["min"] else None,
                                float(r["max"]) if r["max"] else None, r["help_id"], r["help_en"],
                                r["time_point"])
            for r in catalogue.rows("survey_columns.csv")}


@cache
def time_points() -> dict[str, tuple[str, ...]]:
    """The Likert scale of each time point, "sesudah" (the headline) first: time point -> its items' columns."""
    points = {"sesudah": (), "sebelum": ()}
    for c in columns().values():
        if c.kind == "likert":
            points[c.time_point] += (c.name,)
    return points
