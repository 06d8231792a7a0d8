"""Capaian of an area and government period: target, realisasi (from the metric layer), capaian, coverage."""
from __future__ import annotations

from datetime import date

import duckdb

from pipelines import areas
from pipelines.metrics import figures, periods
from pipelines.metrics.measure import Total, measure
from pipelines.targets import status, store
from pipelines.targets.template import NATIONAL

# Figures whose total grows month by month: an annual target is pro-rated for 's.d.' only for these.
ACCUMULATING = ("sum", "count")


def area_code(code: str) -> str:
    """The stored form of an area code: 'NASIONAL' for the whole country ('' or 'nasional' too)."""
    text = (code or "").strip()
    return NATIONAL if text.upper() in ("", NATIONAL) else text


def _ratio(value: float | None, target: float | None) -> float | None:
    return value / target if value is not None and target else None


def to_date_target(figure: figures.Figure, annual: float, period: periods.Period) -> float:
    """The annual target for an 's.d.' period: pro-rated by month for figures summed over months, else as it is."""
    if period.kind == "to_date" and figure.over_months in ACCUMULATING:
        return annual * len(period.months) / 12
    return annual


def row(total: Total, target: float, period: periods.Period, lang: str = "id") -> dict:
    """One figure's capaian; for 's.d.' against the annual target pro-rated by month and the annual target."""
    figure = total.figure
    cov = total.coverage
    out = {"kode_indikator": figure.key, "nama": figure.name(lang), "satuan": figure.unit,
           "target": target, "realisasi": total.value, "capaian": _ratio(total.value, target),
           "coverage": cov.share, "laporan_masuk": cov.covered, "laporan_diharapkan": cov.expected,
           "per_desa": cov.per_village, "sementara": total.provisional}
    if period.kind == "to_date":
        months = len(period.months)
        prorated = figure.over_months in ACCUMULATING
        share = to_date_target(figure, target, period)
        out.update(target=share, capaian=_ratio(total.value, share), target_tahunan=target,
                   capaian_tahunan=_ratio(total.value, target),
                   dasar_target=(f"target tahunan x {months}/12" if prorated else "target tahunan (tidak diprorata)")
                   if lang == "id" else (f"annual target x {months}/12" if prorated else "annual target (not pro-rated)"))
    out["status"] = status.of(out["capaian"]).status
    return out


def report(con: duckdb.DuckDBPyConnection, area: str, period: str, *, lang: str = "id", today: date | None = None,
           approved_only: bool = False, deadline_day: int | None = None) -> dict:
    """Every figure with a target for the area and period, in catalogue order; ValueError for a bad area or period."""
    gov = periods.parse(period)
    code = area_code(area)
    prefix = "" if code == NATIONAL else code
    found = areas.lookup(con, prefix, lang)
    if found is None:
        raise ValueError(f"Kode wilayah {area!r} tidak dikenal.")
    targets = store.current(con, area=code, year=gov.year)
    targets = targets.filter(targets["period"] == gov.target_period)
    wanted = {k: t for k, t in zip(targets["indicator_code"], targets["target"])}
    keys = [k for k in figures.catalogue() if k in wanted]
    m = measure(con, prefix, gov.first, gov.last, compare=None, today=today, approved_only=approved_only,
                deadline_day=deadline_day) if keys else None
    return {"area": code, "area_name": found.name, "period": gov.code, "label": gov.label(lang),
            "first_month": gov.first.strftime("%Y-%m"), "last_month": gov.last.strftime("%Y-%m"),
            "approved_only": bool(approved_only),
            "rows": [row(m.total(k, with_change=False), float(wanted[k]), gov, lang) for k in keys]}


def children(con: duckdb.DuckDBPyConnection, area: str, period: str, *, lang: str = "id", today: date | None = None,
             approved_only: bool = False, deadline_day: int | None = None) -> list[dict]:
    """The report of each direct child area that has a target for the period, in code order."""
    gov = periods.parse(period)
    code = area_code(area)
    prefix = "" if code == NATIONAL else code
    if areas.child_level(areas.level_of(prefix)) is None:
        return []
    targets = store.current(con, year=gov.year)
    with_targets = set(targets.filter(targets["period"] == gov.target_period)["area_code"].to_list())
    out = []
    for kid in areas.children(con, prefix)["code"].to_list():
        if kid in with_targets:
            out.append(report(con, kid, period, lang=lang, today=today, approved_only=approved_only,
                              deadline_day=deadline_day))
    return out
