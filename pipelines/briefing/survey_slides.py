"""Optional briefing slides: the returned-migrant survey of the area, and the staggered cohort comparison.

A survey slide appears when a current survey has respondents in the area; a cohort slide when the
warehouse holds an external yearly series (the comparison is shown only with that data).
"""
from __future__ import annotations

import duckdb
import polars as pl

from pipelines import formatting
from pipelines.cohort import curves, series, staggered
from pipelines.survey import analysis, store


def _labels(ctx) -> dict[str, str]:
    from pipelines.briefing.context import read_labels
    return {**read_labels(ctx.lang), **dict(ctx.labels)}


def _survey_slide(ctx, make, t) -> tuple[list, dict]:
    L = ctx.lang
    for name, demo in store.current(ctx.con).select("name", "is_demo").iter_rows():
        frame = store.responses(ctx.con, name).filter(pl.col("village_code").str.starts_with(ctx.area))
        if frame.is_empty():
            continue
        o = analysis.analyse(frame, name, demo)["overall"]
        inc, har, par = o["income"], o["harmony"], o["participation"]
        a, ab = o["cronbach_alpha"]["sesudah"], o["cronbach_alpha"]["sebelum"]  # one scale per time point
        ci = {k: f"{formatting.number(x['ci_low'], L, 2)} – {formatting.number(x['ci_high'], L, 2)}"
              for k, x in (("sesudah", a), ("sebelum", ab))}
        p = f"< {formatting.number(0.001, L, 3)}" if (inc["p"] or 1) < 0.001 else f"= {formatting.number(inc['p'], L, 3)}"
        cards = [
            (t["sv_col_income_before"], formatting.rupiah(inc["mean_before"], L), f"n = {o['n']}", ""),
            (t["sv_col_income_after"], formatting.rupiah(inc["mean_after"], L),
             f"{t['sv_col_increase']}: {formatting.number(inc['change_pct'], L, 1)}", ""),
            (t["bp_sv_paired_t"], formatting.number(inc["t"], L, 2), f"df = {inc['df']}, p {p}", ""),
            (t["sv_alpha"], formatting.number(a["alpha"], L, 2), f"{t['co_ci']}: {ci['sesudah']}",
             t["bp_sv_alpha_before"].format(alpha=formatting.number(ab["alpha"], L, 2), ci=ci["sebelum"])),
            (t["sv_measure_harmony"], f"{formatting.number(har['mean_before'], L, 2)} → "
                                      f"{formatting.number(har['mean_after'], L, 2)}", "", ""),
            (t["sv_measure_participation"], f"{formatting.number(par['mean_before'], L, 2)} → "
                                            f"{formatting.number(par['mean_after'], L, 2)}", "", ""),
            (t["sv_no_credit"], formatting.percent(1 - o["credit_access_share"], L, 0), "", ""),
            (t["sv_skills"], formatting.percent(o["skills_improved_share"], L, 0), "", ""),
        ]
        title = t["bp_title_survey"].format(name=name) + (" · DEMO" if demo else "")
        notes = t["bp_n_survey"].format(n=o["n"], before=formatting.rupiah(inc["mean_before"], L),
                                        after=formatting.rupiah(inc["mean_after"], L),
                                        pct=formatting.number(inc["change_pct"], L, 1))
        slide = make("survey", title, notes, cards=cards,
                     footnote=(t["sv_demo"] + " " if demo else "") + t["bp_survey_method"].format(
                         after=", ".join(a["items"]), before=", ".join(ab["items"])))
        table = pl.DataFrame([{"desa": v["village_name"] or v["village_code"], "n": v["n"],
                               "pendapatan_sebelum": v["income"]["mean_before"],
                               "pendapatan_sesudah": v["income"]["mean_after"],
                               "kenaikan_persen": v["income"]["change_pct"]}
                              for v in analysis.analyse(frame, name, demo)["villages"]])
        return [slide], {t["bp_sheet_survey"]: table}
    return [], {}


def _cohort_slide(ctx, make, t) -> tuple[list, dict]:
    held = series.names(ctx.con)
    if held.is_empty():
        return [], {}
    name = held["series"][0]
    try:
        result = staggered.estimate(series.values(ctx.con, name))
    except staggered.NotEstimable:
        return [], {}
    L = ctx.lang
    sizes = curves.sizes(ctx.con, ctx.area)
    cards = [(t["co_att"], formatting.number(result.att, L, 2), name, ""),
             (t["co_ci"], f"{formatting.number(result.ci_low, L, 2)} – {formatting.number(result.ci_high, L, 2)}", "", ""),
             (t["co_pretrend"], formatting.number(result.pretrend_p, L, 3),
              t["co_pretrend_fail"] if (result.pretrend_p or 1) < 0.05 else "", ""),
             (t["co_villages"], formatting.number(result.areas, L), f"{result.years[0]}–{result.years[1]}", "")]
    cards += [(f"{t['co_cohort']} {y}", formatting.number(n, L), t["co_villages"], "")
              for y, n in sizes.head(4).iter_rows()]
    slide = make("cohort", t["bp_title_cohort"], t["co_method"], cards=cards,
                 footnote=t["bp_cohort_assumptions"])
    return [slide], {t["bp_sheet_cohort"]: result.event}


def slides(ctx, make) -> tuple[list, dict]:
    """The optional slides (make builds one: kind, title, notes, **fields) and the tables behind them."""
    t = _labels(ctx)
    try:
        s1, sheets1 = _survey_slide(ctx, make, t)
        s2, sheets2 = _cohort_slide(ctx, make, t)
    except duckdb.CatalogException:  # a read-only warehouse made before surveys existed: no extra slides
        return [], {}
    return s1 + s2, {**sheets1, **sheets2}
