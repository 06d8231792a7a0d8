"""The government period picker (Bulan, Triwulan, Semester, Tahun, s.d. bulan) beside the free month range."""
from __future__ import annotations

from datetime import date

import streamlit as st

from pipelines.metrics import periods
from ui.i18n import t

KEY = "f_gov"  # the chosen period code ('2026-T3'), or '' for the free range


def from_url(value: str | None) -> tuple[date, date] | None:
    """`&periode=2026-T3` on a session's first run: remembered, and its months returned for the range."""
    try:
        gov = periods.parse(value) if value else None
    except ValueError:
        gov = None
    st.session_state[KEY] = gov.code if gov else ""
    return (gov.first, gov.last) if gov else None


def current() -> str | None:
    """The chosen period while the range is still its months; else the range's most specific period, or None."""
    start, end = st.session_state.get("f_start"), st.session_state.get("f_end")
    chosen = st.session_state.get(KEY) or ""
    if chosen:
        gov = periods.parse(chosen)
        if (gov.first, gov.last) == (start, end):
            return gov.code
    found = periods.matching(start, end) if start and end else []
    return found[0].code if found else None


def picker(months: list[date], lang: str) -> None:
    """A select of every government period inside the months offered; picking one sets the range."""
    have = set(months)
    codes = [c for year in sorted({m.year for m in months}, reverse=True)
             for c in (periods.code_of(year, p) for p in periods.PARTS)
             if {periods.parse(c).first, periods.parse(c).last} <= have]
    now = current() or ""
    options = [""] + codes
    # no key: the select follows the range when the months are changed by hand
    choice = st.selectbox(t("filter_gov_period"), options, index=options.index(now) if now in options else 0,
                          format_func=lambda c: periods.parse(c).label(lang) if c else t("filter_gov_free"))
    if choice != now:
        st.session_state[KEY] = choice
        if choice:
            gov = periods.parse(choice)
            st.session_state.update(f_start=gov.first, f_end=gov.last)
