"""Sidebar filters (area and period range) kept across pages and in the URL query parameters."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from pipelines import areas, formatting, settings
from pipelines.metrics import aggregate as metrics
from pipelines.views import status
from ui.cache import data
from ui.i18n import lang, t
from ui.state import connection


@dataclass(frozen=True)
class Selection:
    area: str          # '' national, else a Kemendagri code prefix
    start: date        # first month, inclusive
    end: date          # last month, inclusive
    area_label: str    # 'Kabupaten Tulungagung'
    period_label: str  # 'Mei 2024 – Okt 2024'


def _month_options() -> list[date]:
    """Months a user may pick: from the first reported month to the latest complete month."""
    span = data(status.period_span)
    last = metrics.latest_complete_month(settings.today())
    first = span[0] or metrics.add_months(last, -35)
    return metrics.months_between(first, max(last, span[1] or last))


def default_range() -> tuple[date, date]:
    """The last 12 complete months; ends at the newest data month when the data stop earlier."""
    end = metrics.latest_complete_month(settings.today())
    newest = data(status.period_span)[1]
    if newest and newest < end:
        end = newest
    return metrics.add_months(end, -11), end


def _init_state() -> None:
    """First run of a session: take area and period from the URL, else the defaults."""
    if "f_area" in st.session_state:
        return
    qp = st.query_params
    start, end = default_range()
    try:
        start = metrics.month_start(qp["from"]) if "from" in qp else start
        end = metrics.month_start(qp["to"]) if "to" in qp else end
    except ValueError:
        pass
    area = qp.get("area", "")
    if area and areas.lookup(connection(), area) is None:
        area = ""
    st.session_state.update(f_area=area, f_start=start, f_end=end)


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
        start = st.session_state["f_start"]
        end = st.session_state["f_end"]
        start = start if start in months else months[max(0, len(months) - 12)]
        end = end if end in months else months[-1]
        # One above the other: side by side, 'Oktober 2026' does not fit the sidebar.
        new_start = st.selectbox(t("filter_from"), months, index=months.index(start), format_func=lambda d: formatting.month(d, L))
        new_end = st.selectbox(t("filter_to"), months, index=months.index(end), format_func=lambda d: formatting.month(d, L))
        if new_start > new_end:
            new_start, new_end = new_end, new_start
        st.session_state.update(f_start=new_start, f_end=new_end)
        st.markdown(f"**{t('filter_area')}**")
        _area_pickers(con, L)
    sel = current()
    st.query_params.update({"area": sel.area, "from": sel.start.strftime("%Y-%m"), "to": sel.end.strftime("%Y-%m")})
    if L != "id":
        st.query_params["lang"] = L
    elif "lang" in st.query_params:
        del st.query_params["lang"]
    return sel


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
                            format_func=lambda c, n=names: n.get(c, t("all")), key=f"f_pick_{level}_{parent}_{st.session_state.get('f_gen', 0)}")
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
    return Selection(area, start, end, areas.label(connection(), area, L),
                     f"{formatting.month(start, L)} – {formatting.month(end, L)}")
