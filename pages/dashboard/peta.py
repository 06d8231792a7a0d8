"""Peta: programme villages and district totals on an offline map of Indonesia, by a chosen metric."""
import streamlit as st

from pipelines import settings
from pipelines.views import maps
from pipelines.views.map_layers import selected_code
from pipelines.views.map_style import legend_html
from pipelines.views.map_values import METRICS
from ui import filters, page, widgets
from ui.cache import data
from ui.i18n import t

p = page.setup("page_map")
sel = p.sel


def _go(code: str | None) -> None:
    """Drill into a unit picked on the map or in the list."""
    if code and code != st.session_state.get("f_area"):
        filters.set_area(code)


top = st.columns([3, 3, 2], vertical_alignment="bottom")
metric = top[0].selectbox(t("map_metric"), list(METRICS), format_func=lambda k: t(f"map_metric_{k}"),
                          key="map_metric")
tiles = top[2].toggle(t("map_tiles"), value=False, help=t("map_tiles_help"), key="map_tiles")
boundary = settings.boundary_file()
model = data(maps.model, sel, p.lang, metric=metric, boundary_path=str(boundary or ""), tiles=tiles)

if model.drill:
    names = dict(model.drill)
    drill_key = f"map_drill_{sel.area or 'id'}"
    top[1].selectbox(t("map_drill"), [""] + list(names), format_func=lambda c: names.get(c, t("map_drill_none")),
                     key=drill_key, help=t("map_drill_help"),
                     on_change=lambda: _go(st.session_state.get(drill_key)))

if model.search:
    search_key = f"map_search_{sel.area or 'id'}"
    st.selectbox(t("map_search"), list(model.search), index=None, format_func=model.search.get, key=search_key,
                 placeholder=t("map_search_placeholder"), help=t("map_search_help"),
                 on_change=lambda: _go(st.session_state.get(search_key)))

title = f"{t(f'map_metric_{metric}')} · {sel.area_label} · {sel.period_label}"
st.subheader(f"{title} ({t('sementara')})" if model.provisional else title, anchor=False)
if model.boundary_error:
    st.warning(t("map_boundary_error").format(error=model.boundary_error))
deck_key = f"map_deck_{sel.area or 'id'}_{metric}_{int(tiles)}"
st.pydeck_chart(model.deck, height=560, key=deck_key, selection_mode="single-object",
                on_select=lambda: _go(selected_code(st.session_state.get(deck_key))),
                alt=f"{t('page_map')}: {t(f'map_metric_{metric}')}, {sel.area_label}, {sel.period_label}")
st.markdown(legend_html(model.legend), unsafe_allow_html=True)
st.caption(model.coverage)
st.caption(t(f"map_explain_{metric}"))
notes = [t("map_click_hint"),
         t("map_aggregated_note").format(total=model.villages, located=model.villages_located) if model.aggregated
         else t("map_coords_note").format(located=model.villages_located, total=model.villages,
                                          approx=model.approximate)]
if model.choropleth_level:
    notes.append(t("map_choropleth_note").format(level=t(f"level_{model.choropleth_level}"),
                                                 file=boundary.name if boundary else ""))
notes.append(t("map_basemap_attr"))
st.caption(" · ".join(notes))

st.subheader(t("map_table_title").format(level=t(f"level_{model.table_level}"), area=sel.area_label), anchor=False)
widgets.dataframe(model.table)  # numbers kept numbers: the table sorts by value
widgets.downloads(model.table, f"peta-{metric}-{sel.area or 'nasional'}-{sel.start:%Y%m}-{sel.end:%Y%m}")
