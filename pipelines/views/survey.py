"""Survei page model: the study's tables (village, mean before, mean after, increase %), tests, splits, upload."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines import formatting
from pipelines.accounts import roles
from pipelines.labels import page_labels
from pipelines.survey import analysis, store
from pipelines.views.selection import Selection

MEASURE_KEYS = ("income", "harmony", "participation")
LABELS = ("sv_all_villages", "sv_col_village", "sv_col_code", "sv_col_before", "sv_col_after", "sv_col_increase",
          "sv_col_note", "sv_small", "sv_col_group", "sv_col_income_before", "sv_col_income_after",
          "sv_col_harmony_before", "sv_col_harmony_after", "sv_col_measure", "sv_measure_income",
          "sv_measure_harmony", "sv_measure_participation", "sv_sex_L", "sv_sex_P", "sv_col_time_point",
          "sv_col_items", "sv_col_alpha", "sv_col_alpha_ci", "sv_point_sesudah", "sv_point_sebelum")
# (label keys the model uses)


def plain(text: object) -> str:
    """Text from a file, form or workbook made safe for Streamlit markdown (no links, HTML or styling)."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$:])", r"\\\1", str(text))


@dataclass
class SurveyPage:
    surveys: pl.DataFrame                 # name, is_demo, respondents, version, uploaded_at
    name: str | None = None
    demo: bool = False
    result: dict | None = None
    study: dict[str, pl.DataFrame] = field(default_factory=dict)   # measure -> village table
    tests: pl.DataFrame | None = None
    reliability: dict | None = None       # time point ("sesudah" first) -> alpha, ci, items as text
    reliability_table: pl.DataFrame | None = None  # one row per time point: items, n, alpha, CI
    shares: dict[str, str] = field(default_factory=dict)
    by_sex: pl.DataFrame | None = None
    by_age: pl.DataFrame | None = None
    small: list[str] = field(default_factory=list)                  # groups with n < 10
    may_upload: bool = False              # the user may upload a survey (roles.can_upload)


def _value(x: float | None, measure: str, lang: str) -> str:
    if measure == "income":
        return formatting.number(x, lang)
    return formatting.number(x, lang, 2)


def _study_table(result: dict, measure: str, lang: str, labels: dict[str, str]) -> pl.DataFrame:
    rows = result["villages"] + [dict(result["overall"], village_code="", village_name=labels["sv_all_villages"])]
    return pl.DataFrame({
        labels["sv_col_village"]: [r["village_name"] or r["village_code"] for r in rows],
        labels["sv_col_code"]: [r["village_code"] for r in rows],
        "n": [r["n"] for r in rows],
        labels["sv_col_before"]: [_value(r[measure]["mean_before"], measure, lang) for r in rows],
        labels["sv_col_after"]: [_value(r[measure]["mean_after"], measure, lang) for r in rows],
        labels["sv_col_increase"]: [formatting.number(r[measure]["change_pct"], lang, 1) for r in rows],
        labels["sv_col_note"]: [labels["sv_small"] if r["small"] else "" for r in rows],
    })


def _p(x: float | None, lang: str) -> str:
    if x is None:
        return formatting.MISSING
    return "< 0,001" if x < 0.001 and lang == "id" else "< 0.001" if x < 0.001 else formatting.number(x, lang, 3)


def _group_table(groups: dict[str, dict], names: dict[str, str], lang: str, labels: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame({
        labels["sv_col_group"]: [names.get(k, k) for k in groups],
        "n": [g["n"] for g in groups.values()],
        labels["sv_col_income_before"]: [_value(g["income"]["mean_before"], "income", lang) for g in groups.values()],
        labels["sv_col_income_after"]: [_value(g["income"]["mean_after"], "income", lang) for g in groups.values()],
        labels["sv_col_increase"]: [formatting.number(g["income"]["change_pct"], lang, 1) for g in groups.values()],
        labels["sv_col_harmony_before"]: [_value(g["harmony"]["mean_before"], "h", lang) for g in groups.values()],
        labels["sv_col_harmony_after"]: [_value(g["harmony"]["mean_after"], "h", lang) for g in groups.values()],
        "t": [formatting.number(g["income"]["t"], lang, 2) for g in groups.values()],
        "p": [_p(g["income"]["p"], lang) for g in groups.values()],
        labels["sv_col_note"]: [labels["sv_small"] if g["small"] else "" for g in groups.values()],
    })


def model(con: duckdb.DuckDBPyConnection, sel: Selection, lang: str = "id", labels: dict[str, str] | None = None, *,
          name: str | None = None) -> SurveyPage:
    """Everything the Survei page shows for one survey (the newest real one, else the demo, by default);
    may_upload: the user may upload a survey (roles.can_upload)."""
    labels = page_labels(LABELS, lang) if labels is None else labels
    surveys = store.current(con)
    model = SurveyPage(surveys, may_upload=roles.can_upload(sel.user))
    if surveys.is_empty():
        return model
    names = surveys["name"].to_list()
    model.name = name if name in names else names[0]
    model.demo = bool(surveys.filter(pl.col("name") == model.name)["is_demo"][0])
    result = analysis.analyse(store.responses(con, model.name), model.name, model.demo)
    model.result = result
    model.study = {m: _study_table(result, m, lang, labels) for m in MEASURE_KEYS}
    o = result["overall"]
    model.tests = pl.DataFrame({
        labels["sv_col_measure"]: [labels[f"sv_measure_{m}"] for m in MEASURE_KEYS],
        "n": [o["n"]] * 3,
        "t": [formatting.number(o[m]["t"], lang, 2) for m in MEASURE_KEYS],
        "df": [o[m]["df"] for m in MEASURE_KEYS],
        "p": [_p(o[m]["p"], lang) for m in MEASURE_KEYS],
        "W (Wilcoxon)": [formatting.number(o[m]["wilcoxon_w"], lang, 1) for m in MEASURE_KEYS],
        "p (Wilcoxon)": [_p(o[m]["wilcoxon_p"], lang) for m in MEASURE_KEYS],
    })
    model.reliability = {point: {"alpha": formatting.number(a["alpha"], lang, 2),
                                 "ci": f"{formatting.number(a['ci_low'], lang, 2)} – "
                                       f"{formatting.number(a['ci_high'], lang, 2)}",
                                 "items": ", ".join(a["items"])}
                         for point, a in o["cronbach_alpha"].items()}
    model.reliability_table = pl.DataFrame({
        labels["sv_col_time_point"]: [labels[f"sv_point_{p}"] for p in model.reliability],
        labels["sv_col_items"]: [r["items"] for r in model.reliability.values()],
        "n": [o["cronbach_alpha"][p]["n"] for p in model.reliability],
        labels["sv_col_alpha"]: [r["alpha"] for r in model.reliability.values()],
        labels["sv_col_alpha_ci"]: [r["ci"] for r in model.reliability.values()],
    })
    model.shares = {"credit": formatting.percent(o["credit_access_share"], lang, 0),
                    "no_credit": formatting.percent(None if o["credit_access_share"] is None
                                                    else 1 - o["credit_access_share"], lang, 0),
                    "skills": formatting.percent(o["skills_improved_share"], lang, 0),
                    "women": formatting.percent(o["women_share"], lang, 0)}
    model.by_sex = _group_table(result["by_sex"], {"L": labels["sv_sex_L"], "P": labels["sv_sex_P"]}, lang, labels)
    model.by_age = _group_table(result["by_age"], {}, lang, labels)
    model.small = ([v["village_name"] or v["village_code"] for v in result["villages"] if v["small"]]
                   + [labels[f"sv_sex_{k}"] for k, g in result["by_sex"].items() if g["small"]]
                   + [k for k, g in result["by_age"].items() if g["small"]])
    return model


def upload(con: duckdb.DuckDBPyConnection, user: roles.User | None, name: str, file_name: str,
           data: bytes) -> store.Result:
    """A survey uploaded from the page, through the survey write path; coordinators only for their districts."""
    if not roles.can_upload(user):
        raise PermissionError("Akun ini hanya dapat melihat data.")
    return store.load(con, name, data, file_name, user.username, allowed_districts=roles.upload_scope(user))
