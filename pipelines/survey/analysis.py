"""The study's figures: means before/after, % change, paired t-test, Wilcoxon, alpha per time point, shares."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pingouin
import polars as pl
from scipy import stats

from pipelines.survey.columns import time_points
from pipelines.survey.validate import FIELD

SMALL = 10  # groups with fewer respondents are shown with a warning
MEASURES = {"income": ("income_before", "income_after"), "harmony": ("harmony_before", "harmony_after"),
            "participation": ("participation_before", "participation_after")}
AGE_GROUPS = ("<30", "30-40", "41-50", ">50")
SEXES = ("L", "P")
METHOD = {"paired_test": "scipy.stats.ttest_rel (uji t berpasangan, dua sisi)",
          "robust_check": "scipy.stats.wilcoxon (uji peringkat bertanda Wilcoxon, dua sisi)",
          "reliability": "pingouin.cronbach_alpha (alfa Cronbach, IK 95%) per titik waktu: butir Likert sesudah "
                         "(utama) dan butir Likert sebelum, masing-masing satu skala",
          "change_pct": "(rerata sesudah - rerata sebelum) / rerata sebelum x 100"}


def _num(x) -> float | None:
    """A plain float, None for NaN/inf (JSON null)."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def paired(before: np.ndarray, after: np.ndarray) -> dict:
    """Means, % change of the means, paired t-test and Wilcoxon signed-rank of after vs before."""
    n = len(before)
    mb = float(np.mean(before)) if n else None
    ma = float(np.mean(after)) if n else None
    out = {"mean_before": _num(mb), "mean_after": _num(ma),
           "change_pct": _num((ma - mb) / mb * 100) if n and mb else None,
           "t": None, "df": n - 1 if n > 1 else None, "p": None, "wilcoxon_w": None, "wilcoxon_p": None}
    if n > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # constant differences give NaN, reported as null
            t = stats.ttest_rel(after, before)
            out.update(t=_num(t.statistic), p=_num(t.pvalue))
            if np.any(after - before != 0):
                w = stats.wilcoxon(after, before)
                out.update(wilcoxon_w=_num(w.statistic), wilcoxon_p=_num(w.pvalue))
    return out


def alpha(items: pd.DataFrame) -> dict:
    """Cronbach's alpha of one scale's items with its 95% confidence interval (pingouin; the CI to 3 decimals)."""
    if len(items) < 2:
        return {"alpha": None, "ci_low": None, "ci_high": None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, ci = pingouin.cronbach_alpha(data=items, ci=0.95)
    return {"alpha": _num(a), "ci_low": _num(ci[0]), "ci_high": _num(ci[1])}


def reliability(frame: pl.DataFrame) -> dict:
    """Alpha per time point ("sesudah" first, the headline; then "sebelum"): alpha is the internal
    consistency of one scale at one time, so items from before and after are never mixed."""
    out = {}
    for point, items in time_points().items():
        fields = [FIELD[c] for c in items]
        out[point] = {"items": list(items), "n": frame.height, **alpha(frame.select(fields).to_pandas())}
    return out


def group(frame: pl.DataFrame) -> dict:
    """Every figure for one group of respondents."""
    n = frame.height
    out = {"n": n, "small": n < SMALL}
    for key, (b, a) in MEASURES.items():
        out[key] = paired(frame[b].to_numpy().astype(float), frame[a].to_numpy().astype(float))
    out["cronbach_alpha"] = reliability(frame)
    out["credit_access_share"] = _num(frame["credit_access"].mean()) if n else None
    out["skills_improved_share"] = _num(frame["skills_improved"].mean()) if n else None
    out["women_share"] = _num((frame["sex"] == "P").mean()) if n else None
    return out


def analyse(frame: pl.DataFrame, survey: str, demo: bool = False) -> dict:
    """The whole analysis: overall, per village, by sex and by age group."""
    villages = []
    for code in sorted(frame["village_code"].unique().to_list()):
        part = frame.filter(pl.col("village_code") == code)
        name = part["village_name"][0] if "village_name" in part.columns else None
        villages.append({"village_code": code, "village_name": name, **group(part)})
    return {
        "survey": survey, "demo": demo, "n": frame.height, "method": METHOD,
        "overall": group(frame), "villages": villages,
        "by_sex": {s: group(frame.filter(pl.col("sex") == s)) for s in SEXES},
        "by_age": {a: group(frame.filter(pl.col("age_group") == a)) for a in AGE_GROUPS},
    }
