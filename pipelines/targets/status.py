"""Status of a capaian by the thresholds kept as data in reference/capaian_status.csv (colour, names, help)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pipelines import catalogue

NO_DATA = "tanpa_data"


@dataclass(frozen=True)
class Status:
    status: str
    min_capaian: float | None
    colour: str
    name_id: str
    name_en: str
    help_id: str
    help_en: str

    def name(self, lang: str = "id") -> str:
        return self.name_en if lang == "en" else self.name_id

    def help(self, lang: str = "id") -> str:
        return self.help_en if lang == "en" else self.help_id


@cache
def statuses() -> dict[str, Status]:
    """status -> Status, highest threshold first; the row without a threshold is 'no data'."""
    rows = [Status(**{**r, "min_capaian": float(r["min_capaian"]) if r["min_capaian"] else None})
            for r in catalogue.rows("capaian_status.csv")]
    return {s.status: s for s in sorted(rows, key=lambda s: -1 if s.min_capaian is None else -s.min_capaian)
            if s.min_capaian is not None} | {s.status: s for s in rows if s.min_capaian is None}


def of(capaian: float | None) -> Status:
    """The status of a capaian ratio (None: no data)."""
    if capaian is not None:
        for s in statuses().values():
            if s.min_capaian is not None and capaian >= s.min_capaian:
                return s
    return statuses()[NO_DATA]
