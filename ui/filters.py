"""Sidebar filters (area and period range) kept across pages and in the URL query parameters."""
from __future__ import annotations

from datetime import date

import streamlit as st

from pipelines import areas, formatting, settings
from pipelines.metrics import calendar
from pipelines.views import status
from pipelines.views.selection import Selection
from ui import govperiod
from ui.cache import data
from ui.i18n import lang, t
from ui.state import connection

# Comparison bases the user can choose; labels in ui/labels.csv. A year earlier is the default:
# the monthly series are seasonal.
COMPARE = {"yoy": "filter_compare_yoy", "prev": "filter_compare_prev"}


def _month_options() -> list[date]:
    """Months a user may pick: from the first reported month to last month (open months included)."""
    span = data(status.period_span)
    last = calendar.latest_reportable_month(settings.today())
    first = span[0] or calendar.add_months(last, -35)
    return calendar.months_between(first, max(last, span[1] or last))


def _fit(start: date, end: date, months: list[date]) -> tuple[date, date]:
    """The range's ends as months a user may pick: a start before the first is the first, another start
    outside them begins the last 12; an end outside them is the last; in order."""
    if start not in months:
        start = months[0] if start < months[0] else months[max(0, len(months) - 12)]
    end = end if end in months else months[-1]
    return (start, end) if start <= end else (end, start)


def default_range() -> tuple[date, date]:
    """The last 12 closed months (deadline passed); ends at the newest data month when the data stop earlier."""
    start, end = calendar.default_range(settings.today())
    newest = data(status.period_span)[1]
    if newest and newest < end:
        end = newest
    return calendar.add_months(end, -11), end


def _init_state() -> None:
    """First run of a session: take area and period from the URL, else the defaults."""
    if "f_area" in st.session_state:
        return
    qp = st.query_params
    start, end = default_range()
    try:
        start = calendar.month_start(qp["from"]) if "from" in qp else start
        end = calendar.month_start(qp["to"]) if "to" in qp else end
    except ValueError:
        pass
    start, end = govperiod.from_url(qp.get("periode")) or (start, end)  # &periode=2026-T3 wins over from/to
    start, end = _fit(start, end, _month_options())  # the links drawn before the sidebar carry these
    area = qp.get("area", "")
    if area and areas.lookup(connection(), area) is None:
        area = ""
    compare = qp.get("banding") if qp.get("banding") in COMPARE else "yoy"
    st.session_state.update(f_area=area, f_start=start, f_end=end, f_compare_kept=compare,
                            f_approved_kept=qp.get("data") == "disetujui")


# The comparison and approved-only widgets (by key) and their defaults; each choice lives under
# "<key>_kept", which no widget owns, so it outlives a page switch.
KEPT = {"f_compare": "yoy", "f_approved": False}


def _kept(key: str):
    return st.session_state.get(f"{key}_kept", KEPT[key])


def _keep(key: str) -> None:
    st.session_state[f"{key}_kept"] = st.session_state[key]


def set_area(code: str) -> None:
    """Select an area (used by drill-down links and buttons)."""
    st.session_state["f_area"] = code
    # New widget keys make the browser draw fresh pickers; deleting the old keys is not enough,
    # as the browser would send the stale choice back on the next interaction.
    st.session_state["f_gen"] = st.session_state.get("f_gen", 0) + 1


def sidebar() -> Selection:
    """Draw the filters in the sidebar and return the selection; writes it to the URL."""
    _init_state()
    con = connection()
    L = lang()
    months = _month_options()
    with st.sidebar:
        st.markdown(f"**{t('filter_period')}**")
        start, end = _fit(st.session_state["f_start"], st.session_state["f_end"], months)
        # One above the other: side by side, 'Oktober 2026' does not fit the sidebar.
        new_start = st.selectbox(t("filter_from"), months, index=months.index(start),
                                 format_func=lambda d: formatting.month(d, L))
        new_end = st.selectbox(t("filter_to"), months, index=months.index(end), format_func=lambda d: formatting.month(d, L))
        if new_start > new_end:
            new_start, new_end = new_end, new_start
        st.session_state.update(f_start=new_start, f_end=new_end)
        govperiod.picker(months, L)  # after the months: picking a period sets them on the next run (a callback)
        if calendar.open_months(new_start, new_end, settings.today()):
            st.caption(t("filter_provisional"))
        st.markdown(f"**{t('filter_area')}**")
        _area_pickers(con, L)
        # Each page draws these widgets itself, and Streamlit drops a page's widget values on a page
        # switch (Pilar then compared with a year earlier and counted every report): the choice is
        # kept under its own key and handed to the widget before it is drawn.
        for key in KEPT:
            st.session_state[key] = _kept(key)
        st.radio(t("filter_compare"), list(COMPARE), format_func=lambda k: t(COMPARE[k]), key="f_compare",
                 help=t("filter_compare_help"), on_change=_keep, args=("f_compare",))
        st.toggle(t("filter_approved"), key="f_approved", help=t("filter_approved_help"),
                  on_change=_keep, args=("f_approved",))
    sel = current()
    keep_in_url()
    return sel


def link_params() -> dict[str, str]:
    """The URL query parameters that carry every sidebar choice (area, period, comparison, approved-only, language)."""
    _init_state()
    state = st.session_state
    params = {"area": state["f_area"], "from": state["f_start"].strftime("%Y-%m"), "to": state["f_end"].strftime("%Y-%m")}
    if _kept("f_compare") != "yoy":
        params["banding"] = _kept("f_compare")
    if _kept("f_approved"):
        params["data"] = "disetujui"
    if lang() != "id":
        params["lang"] = lang()
    gov = govperiod.chosen()  # a government period picked (ui/govperiod.py) while the range is still its months
    if gov:
        params["periode"] = gov
    return params


URL_KEYS = ("area", "from", "to", "banding", "data", "lang", "periode")


def keep_in_url() -> None:
    """Write the choices to the URL (defaults left out), so a reload or a copied address opens the same view."""
    wanted = link_params()
    for key in URL_KEYS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def _area_pickers(con, L: str) -> None:
    """Cascading selects: province, then district, sub-district, village; each may stay 'all'."""
    area = st.session_state["f_area"]
    parts = area.split(".") if area else []
    units = data(areas.units)
    parent = ""
    chosen = ""
    for depth, level in enumerate(("province", "district", "subdistrict", "village")):
        options = units.filter(units["level"] == level, units["parent"] == parent)
        if options.is_empty():
            break
        codes = [""] + options["code"].to_list()
        names = dict(zip(options["code"].to_list(), options["name"].to_list()))
        current = ".".join(parts[: depth + 1]) if len(parts) > depth else ""
        pick = st.selectbox(t(f"level_{level}"), codes, index=codes.index(current) if current in codes else 0,
                            format_func=lambda c, n=names: n.get(c, t("all")),
                            key=f"f_pick_{level}_{parent}_{st.session_state.get('f_gen', 0)}")
        if not pick:
            break
        chosen = pick
        parent = pick
    st.session_state["f_area"] = chosen


def current() -> Selection:
    """The selection as it stands (defaults when the sidebar has not run yet, e.g. in tests)."""
    _init_state()
    L = lang()
    area = st.session_state["f_area"]
    start, end = st.session_state["f_start"], st.session_state["f_end"]
    return Selection(area, start, end, _kept("f_compare"), bool(_kept("f_approved")),
                     area_label=areas.label(connection(), area, L),
                     period_label=f"{formatting.month(start, L)} – {formatting.month(end, L)}")
