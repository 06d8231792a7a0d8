"""Staggered-adoption difference-in-differences (Callaway and Sant'Anna) with not-yet-joined controls.

Estimated with the `differences` package (ATTgt, control_group="not_yet_treated", outcome regression
without covariates, analytic standard errors, 95% pointwise intervals). The pre-trend check is the
package's Wald test that every pre-joining ATT(g, t) is zero.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl

ALPHA = 0.05
ASSUMPTIONS = ("dd_assume_parallel", "dd_assume_anticipation", "dd_assume_controls", "dd_assume_stable")


@dataclass
class Comparison:
    """The overall effect, the event study, the pre-trend test and what went in."""
    att: float
    std_error: float
    ci_low: float
    ci_high: float
    event: pl.DataFrame      # relative_period, att, std_error, ci_low, ci_high
    pretrend_w: float | None
    pretrend_p: float | None
    cohorts: pl.DataFrame    # joined_year (null = never), areas
    areas: int
    years: tuple[int, int]


class NotEstimable(ValueError):
    """Too little variation in joining years or years to estimate anything."""


def _row(frame: pd.DataFrame, i=0) -> list[float]:
    return [float(x) for x in frame.iloc[i, :4].tolist()]


def estimate(frame: pl.DataFrame) -> Comparison:
    """frame: area_code, year, joined_year (null = never joined), value; one row per area-year."""
    from differences import ATTgt
    from differences.models.attgt.utility_ntl import wald_pre_test

    data = frame.drop_nulls("value").to_pandas()
    if data.empty or data["year"].nunique() < 3 or data["joined_year"].nunique() < 1:
        raise NotEstimable("Perlu minimal tiga tahun data dan wilayah yang bergabung pada tahun berbeda.")
    data["cohort"] = data["joined_year"].astype("float")
    data = data.set_index(["area_code", "year"])[["cohort", "value"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            att = ATTgt(data=data, cohort_column="cohort")
            att.fit(formula="value", control_group="not_yet_treated", alpha=ALPHA, progress_bar=False)
            simple = att.aggregate("simple", alpha=ALPHA)
            event = att.aggregate("event", alpha=ALPHA)
        except Exception as exc:  # noqa: BLE001 - the package refuses designs it cannot estimate
            raise NotEstimable(f"Perbandingan tidak dapat dihitung: {exc}") from exc
        try:
            pre = wald_pre_test(att.results(to_dataframe=False)["full_sample"])
            w, p = float(pre["W"]), float(pre["p_value"])
        except Exception:  # noqa: BLE001 - no pre-joining periods to test
            w = p = None
    a, se, lo, hi = _row(simple)
    ev = pl.DataFrame({"relative_period": [int(i) for i in event.index],
                       "att": event.iloc[:, 0].astype(float).to_list(),
                       "std_error": event.iloc[:, 1].astype(float).to_list(),
                       "ci_low": event.iloc[:, 2].astype(float).to_list(),
                       "ci_high": event.iloc[:, 3].astype(float).to_list()})
    cohorts = (frame.select("area_code", "joined_year").unique().group_by("joined_year").len("areas")
               .sort("joined_year", nulls_last=True))
    return Comparison(a, se, lo, hi, ev, None if w is None or np.isnan(w) else w,
                      None if p is None or np.isnan(p) else p, cohorts,
                      frame["area_code"].n_unique(), (int(frame["year"].min()), int(frame["year"].max())))
