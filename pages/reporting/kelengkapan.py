"""Kelengkapan: reporting completeness and timeliness by area and month, and the villages that did not report."""
import streamlit as st

from pipelines import formatting
from pipelines.views import reporting
from pipelines.views import review as review_view
from ui import filters, widgets
from ui.cache import data
from ui.i18n import lang, t
from ui.state import connection, demo_banner

con = connection()
demo_banner(con)
sel = filters.sidebar()
st.title(t("page_completeness"))
L = lang()

labels = {k: t(k) for k in reporting.LABEL_KEYS}
m = data(reporting.completeness, sel.area, sel.start, sel.end, L, labels)
latest = formatting.month(m.latest, L)
st.caption(t("rp_intro").format(day=m.deadline_day))


def _drill() -> None:
    """A unit chosen under the heatmap becomes the filter's area: the page then shows its children."""
    code = st.session_state.get("rp_drill")
    if code:
        filters.set_area(code)
        st.session_state["rp_drill"] = ""


def _list(shown, raw, name: str) -> None:
    st.dataframe(shown, hide_index=True, width="stretch")
    widgets.downloads(raw, name)


# the latest month of the range
st.subheader(t("rp_latest").format(month=latest))
c = m.latest_counts
cols = st.columns(6)
cols[0].metric(t("rp_joined"), formatting.number(c["joined"], L))
cols[1].metric(t("rp_reported"), formatting.number(c["reported"], L))
cols[2].metric(t("rp_completeness"), formatting.percent(c["completeness"], L))
cols[3].metric(t("rp_on_time"), formatting.number(c["on_time"], L))
cols[4].metric(t("rp_late"), formatting.number(c["late"], L))
cols[5].metric(t("rp_missing"), formatting.number(c["missing"], L))
if not c["joined"]:
    st.info(t("rp_no_joined"))

# units x months
widgets.chart(m.heatmap, m.heatmap_data, "kelengkapan-wilayah-bulan", key="rp-heatmap")
st.caption(t("rp_heatmap_note"))
if m.units.height and m.units["unit_code"][0] != sel.area:
    names = dict(zip(m.units["unit_code"].to_list(), m.units["unit_name"].to_list()))
    st.selectbox(t("rp_drill"), [""] + list(names), format_func=lambda code: names.get(code, "—"),
                 key="rp_drill", on_change=_drill)

# trend
widgets.chart(m.trend_fig, m.trend_data, "kelengkapan-per-bulan", key="rp-trend")

# who did not report the last month, and who has been silent longer
st.subheader(t("rp_not_reported_title").format(month=latest, area=m.area_label))
if m.not_reported.is_empty():
    st.success(t("rp_none_missing").format(month=latest))
else:
    _list(m.not_reported, m.not_reported_data, "desa-tidak-melapor")
st.subheader(t("rp_silent_title").format(month=latest))
if m.silent.is_empty():
    st.success(t("rp_none_silent"))
else:
    _list(m.silent, m.silent_data, "desa-tanpa-laporan")

# review state per district and month (issue 12)
st.subheader(t("rv_grid_title"))
grid = data(review_view.state_grid, sel.area, sel.start, sel.end, {s: t(f"rv_state_{s}") for s in review_view.STATE_ICONS})
_list(grid.rename({"district": t("rv_col_district")}), grid, "status-tinjauan")
st.caption(t("rv_grid_note"))
