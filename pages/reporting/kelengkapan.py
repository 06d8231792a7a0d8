"""Kelengkapan: reporting completeness and timeliness by area and month, and the villages that did not report."""
import streamlit as st

from pipelines import formatting
from pipelines.views import reporting
from ui import filters, page, widgets
from ui.cache import data
from ui.i18n import t

p = page.setup("page_completeness")
sel, L = p.sel, p.lang
m = data(reporting.model, sel, L)
latest = formatting.month(m.latest, L)
st.caption(t("rp_intro").format(day=m.deadline_day))


def _drill() -> None:
    """A unit chosen under the heatmap becomes the filter's area: the page then shows its children."""
    code = st.session_state.get("rp_drill")
    if code:
        filters.set_area(code)
        st.session_state["rp_drill"] = ""


def _list(shown, raw, name: str) -> None:
    widgets.dataframe(shown)
    widgets.downloads(raw, name)


# the latest month of the range
st.subheader(t("rp_latest").format(month=latest))
c = m.latest_counts
cols = st.columns(8 if m.approved_only else 7)
cols[0].metric(t("rp_joined"), formatting.number(c["joined"], L))
cols[1].metric(t("rp_reported"), formatting.number(c["reported"], L))
cols[2].metric(t("rp_completeness"), formatting.percent(c["completeness"], L))
cols[3].metric(t("rp_on_time"), formatting.number(c["on_time"], L))
cols[4].metric(t("rp_late"), formatting.number(c["late"], L))
cols[5].metric(t("rp_missing"), formatting.number(c["missing"], L))
cols[6].metric(t("rp_not_due"), formatting.number(c["not_due"], L))
if m.approved_only:  # in, but not counted: without it the counts would not add up to the joined villages
    cols[7].metric(t("rp_unapproved"), formatting.number(c["unapproved"], L))
if not c["joined"]:
    st.info(t("rp_no_joined"))
if c["unapproved"]:
    st.info(t("rp_unapproved_note").format(n=formatting.number(c["unapproved"], L), month=latest))
if c["not_due"]:
    st.info(t("rp_open_month").format(month=latest, deadline=formatting.day(m.latest_deadline, L),
                                      n=formatting.number(c["not_due"], L)), icon=":material/schedule:")

# units x months
widgets.chart(m.heatmap, m.heatmap_data, "kelengkapan-wilayah-bulan", key="rp-heatmap")
st.caption(t("rp_heatmap_note"))
if m.units.height and m.units["unit_code"][0] != sel.area:
    names = dict(zip(m.units["unit_code"].to_list(), m.units["unit_name"].to_list()))
    st.selectbox(t("rp_drill"), [""] + list(names), format_func=lambda code: names.get(code, "—"),
                 key="rp_drill", on_change=_drill)

# trend
widgets.chart(m.trend_fig, m.trend_data, "kelengkapan-per-bulan", key="rp-trend")

# who did not report the newest month past its deadline, and who has been silent longer
if m.latest_closed is None:
    st.info(t("rp_no_closed_month"))
    st.stop()
closed = formatting.month(m.latest_closed, L)
st.subheader(t("rp_not_reported_title").format(month=closed, area=m.area_label))
if m.not_reported.is_empty():
    st.success(t("rp_none_missing").format(month=closed))
else:
    _list(m.not_reported, m.not_reported_data, "desa-tidak-melapor")
st.subheader(t("rp_silent_title").format(month=closed))
if m.silent.is_empty():
    st.success(t("rp_none_silent"))
else:
    _list(m.silent, m.silent_data, "desa-tanpa-laporan")

# review state per district and month (issue 12)
st.subheader(t("rv_grid_title"))
_list(m.review_grid_shown, m.review_grid, "status-tinjauan")
st.caption(t("rv_grid_note"))
