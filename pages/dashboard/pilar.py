"""Pilar: the four pillars' indicators, trends and area comparison, and the village x pillar scorecard."""
import streamlit as st

from pipelines import catalogue, formatting
from pipelines.views import overview, pillars
from ui import filters
from ui.cache import data
from ui.i18n import lang, t
from ui.state import connection, demo_banner
from ui.widgets import chart, table

con = connection()
demo_banner(con)
sel = filters.sidebar()
st.title(t("page_pillars"))
L = lang()
labels = {key: t(key) for key in pillars.LABELS}
# the indicator each tab charts (its picker's value from the last run), so only those series are queried
picks = tuple(st.session_state.get(f"pl_pick_{p}", pillars.HEADLINE[p]) for p in pillars.PILLARS)
model = data(pillars.page, sel.area, sel.start, sel.end, L, labels, picks)
st.caption(f"**{model.area_label}** · {model.period_label}")

# Which pillar is weakest here: the four pillars ranked by share of villages active, then reporting.
st.subheader(t("pl_summary_title"))
if model.weakest is None:
    st.info(t("pl_no_villages"))
else:
    w = model.summary.row(0, named=True)
    st.markdown(t("pl_weakest").format(
        area=model.area_label, period=model.period_label, pillar=t(f"pl_pillar_{w['pillar']}"),
        active=formatting.number(w["active"], L), villages=formatting.number(w["villages"], L),
        share=formatting.percent(w["share_active"], L), reported=formatting.number(w["reported"], L),
        month=model.latest_month))
    table(model.summary_table, t("pl_summary_title"), key="pl-summary")
    st.caption(t("pl_summary_help"))

tabs = st.tabs([t(f"pl_pillar_{p}") for p in pillars.PILLARS])
for p, tab in zip(pillars.PILLARS, tabs):
    view = model.pillars[p]
    with tab:
        st.caption(t("pl_compared_with").format(period=model.previous_label))
        cols = st.columns(3)
        for i, code in enumerate(view.codes):
            k = view.kpis[code]
            kind = catalogue.indicators()[code].kind
            help_text = (f"{code}. {t(f'pl_kind_{kind}')} "
                         f"{t('pl_reported_by').format(n=formatting.number(view.reporting[code], L))}")
            still = k.delta is not None and k.value == k.previous
            cols[i % 3].metric(pillars.indicator_name(code, L), k.text, k.delta, help=help_text, border=True,
                               delta_color="off" if still else "normal", delta_arrow="off" if still else "auto")
        code = st.selectbox(t("pl_pick_indicator"), view.codes, index=view.codes.index(view.pick),
                            format_func=lambda c: f"{c} · {pillars.indicator_name(c, L)}", key=f"pl_pick_{p}")
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('pl_trend')}**")
            chart(overview.figure(view.trend), view.trend_table, f"{view.pick} {t('pl_trend')}", key=f"pl-trend-{p}")
            if catalogue.indicators()[view.pick].kind == "stock":
                st.caption(t("pl_stock_trend_note"))
        with right:
            st.markdown(f"**{t('pl_compare')}**")
            if view.comparison is None:
                st.info(t("pl_no_children"))
            else:
                chart(overview.figure(view.comparison), view.comparison_table, f"{view.pick} {t('pl_compare')}",
                      key=f"pl-compare-{p}")

st.subheader(t("pl_scorecard"))
st.markdown(t("pl_legend").format(month=model.latest_month))
if model.scorecard.is_empty():
    st.info(t("pl_no_villages"))
else:
    table(model.scorecard, t("pl_scorecard"), key="pl-scorecard")
