"""The government period picker (Bulan, Triwulan, Semester, Tahun, s.d. bulan) beside the free month range."""
from __future__ import annotations

from datetime import date

import streamlit as st

from pipelines.metrics import periods
from ui.i18n import t

KEY = "f_gov"          # the period code a user chose ('2026-T3', also from &periode=), or '' for the free range
WIDGET = "f_gov_pick"  # the select's own key, set from the range before it is drawn


def from_url(value: str | None) -> tuple[date, date] | None:
    """`&periode=2026-T3` on a session's first run: remembered, and its months returned for the range."""
    try:
        gov = periods.parse(value) if value else None
    except ValueError:
        gov = None
    st.session_state[KEY] = gov.code if gov else ""
    return (gov.first, gov.last) if gov else None


def chosen() -> str | None:
    """The period a user chose, while the range is still its months (the URL carries only this one)."""
    code = st.session_state.get(KEY) or ""
    if not code:
        return None
    gov = periods.parse(code)
    return gov.code if (gov.first, gov.last) == (st.session_state.get("f_start"), st.session_state.get("f_end")) \
        else None


def current() -> str | None:
    """The chosen period, else the range's most specific government period (Jan-Mar: Triwulan I), else None."""
    start, end = st.session_state.get("f_start"), st.session_state.get("f_end")
    found = periods.matching(start, end) if start and end else []
    return chosen() or (found[0].code if found else None)


def _picked() -> None:
    choice = st.session_state.get(WIDGET) or ""
    st.session_state[KEY] = choice
    if choice:
        gov = periods.parse(choice)
        st.session_state.update(f_start=gov.first, f_end=gov.last)


def picker(months: list[date], lang: str) -> None:
    """A select of every government period inside the months offered; picking one sets the range."""
    have = set(months)
    codes = [c for year in sorted({m.year for m in months}, reverse=True)
             for c in (periods.code_of(year, p) for p in periods.PARTS)
             if {periods.parse(c).first, periods.parse(c).last} <= have]
    options = [""] + codes
    now = current() or ""
    st.session_state[WIDGET] = now if now in options else ""  # follows the range when months are changed by hand
    st.selectbox(t("filter_gov_period"), options, key=WIDGET, on_change=_picked,
                 format_func=lambda c: periods.parse(c).label(lang) if c else t("filter_gov_free"))
