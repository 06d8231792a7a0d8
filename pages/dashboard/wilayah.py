"""Wilayah: drill down province > district > sub-district > village; KPIs, pillars, ranked children, map."""
import streamlit as st

from pipelines import settings
from pipelines.views import drilldown
from pipelines.views.map_layers import selected_code
from pipelines.views.map_style import legend_html
from ui import filters, page, widgets
from ui.cache import data
from ui.i18n import t

p = page.setup("page_areas")
sel = p.sel
boundary = settings.boundary_file()
m = data(drilldown.model, sel, p.lang, boundary_path=str(boundary or ""))


def _go(code: str | None) -> None:
    """Open another unit (breadcrumb, example, child row, map pick)."""
    if code is not None and code != st.session_state.get("f_area"):
        filters.set_area(code)


def _picked_row(key: str, codes: list[str]) -> None:
    rows = (st.session_state.get(key) or {}).get("selection", {}).get("rows", [])
    if rows and rows[0] < len(codes):
        _go(codes[rows[0]])


# Breadcrumbs: each level is a button that opens it; the current unit is shown, not clickable.
with st.container(horizontal=True, vertical_alignment="center", gap="small"):
    for i, (code, label) in enumerate(m.crumbs):
        if i:
            st.markdown("›", width="content")
        if code == m.code:
            st.markdown(f"**{drilldown.md_escape(label)}**", width="content")
        else:
            st.button(label, key=f"dr_crumb_{code or 'id'}", on_click=_go, args=(code,), type="tertiary",
                      icon=":material/public:" if not code else None)
with st.container(horizontal=True, vertical_alignment="center", gap="small"):
    st.caption(t("dr_examples"), width="content")
    for code, label in m.examples:
        if code != m.code:
            st.button(label, key=f"dr_example_{code}", on_click=_go, args=(code,), icon=":material/bolt:")

st.header(m.title, anchor=False)
st.caption(f"{t(f'level_{m.level}') if m.level != 'national' else t('dr_national')} · {sel.period_label}")

page.cards(m.cards)

left, right = st.columns(2)
with left:
    st.subheader(t("dr_section_quarter"))
    st.markdown(m.quarter_text)
    st.caption(m.quarter_coverage)
    if m.quarter_destinations.height:
        widgets.dataframe(m.quarter_destinations)
        widgets.downloads(m.quarter_destinations, f"tujuan-triwulan-{m.code or 'nasional'}", key="dr-dl-quarter")
with right:
    st.subheader(t("dr_section_destinations").format(period=sel.period_label))
    if m.destinations.height:
        widgets.dataframe(m.destinations)
        st.caption(m.destinations_coverage)
        widgets.downloads(m.destinations, f"tujuan-{m.code or 'nasional'}-{sel.start:%Y%m}-{sel.end:%Y%m}",
                          key="dr-dl-destinations")
    else:
        st.info(t("dr_no_placements"))

st.subheader(t("dr_section_pillars"))
cols = st.columns(4)
for col, (name, rows) in zip(cols, m.pillars):
    with col.container(border=True):
        st.markdown(f"**{name}**")
        st.markdown("\n".join(f"- {label}: **{value}** · {cov}" for label, value, cov in rows))
with st.expander(t("dr_all_indicators")):
    widgets.table(m.indicators, f"indikator-{m.code or 'nasional'}-{sel.start:%Y%m}-{sel.end:%Y%m}",
                  key="dr-dl-indicators")

if m.child_level and m.children_view.height:
    level_name = t(f"level_{m.child_level}")
    st.subheader(t("dr_section_children").format(level=level_name, area=m.title if m.code else t("dr_national")))
    trend = t("dr_col_trend")
    table_key = f"dr_children_{m.code or 'id'}"
    widgets.dataframe(m.children_view, key=table_key, on_select=lambda: _picked_row(
        table_key, m.child_codes), selection_mode="single-row", column_config={
        trend: st.column_config.LineChartColumn(trend, y_min=0, width="medium", help=t("dr_col_trend_help")),
        t("dr_col_code"): st.column_config.TextColumn(t("dr_col_code"), width="small")})
    widgets.downloads(m.children, f"peringkat-{m.code or 'nasional'}-{sel.start:%Y%m}-{sel.end:%Y%m}",
                      key="dr-dl-children")
    names = dict(zip(m.child_codes, m.children_view[t("dr_col_name")].to_list()))
    drill_key = f"dr_drill_{m.code or 'id'}"
    st.selectbox(t("dr_drill").format(level=level_name), [""] + sorted(names, key=names.get),
                 format_func=lambda c: names.get(c, t("map_drill_none")), key=drill_key,
                 on_change=lambda: _go(st.session_state.get(drill_key)))
elif m.level == "village":
    st.info(t("dr_village_hint"))
    st.page_link("pages/dashboard/desa.py", label=t("dr_open_village"), icon=":material/home_pin:")

if m.deck is not None:
    st.subheader(t("dr_section_map").format(area=m.title))
    map_key = f"dr_map_{m.code or 'id'}"
    st.pydeck_chart(m.deck, height=460, key=map_key, selection_mode="single-object",
                    on_select=lambda: _go(selected_code(st.session_state.get(map_key))),
                    alt=f"{t('dr_section_map').format(area=m.title)}")
    st.markdown(legend_html(m.legend), unsafe_allow_html=True)
    # a village has nothing below it to click into
    st.caption(t("map_basemap_attr") if m.level == "village" else t("map_click_hint") + " · " + t("map_basemap_attr"))
