"""Pilar: the four pillars' indicators, trends and area comparison, and the village x pillar scorecard."""
import streamlit as st

from pipelines import catalogue
from pipelines.views import pillars
from ui import page
from ui.cache import data
from ui.i18n import t
from ui.widgets import chart, table

p = page.setup("page_pillars")
sel, L = p.sel, p.lang
# the indicator each tab charts (its picker's value from the last run), so only those series are queried
picks = tuple(st.session_state.get(f"pl_pick_{n}", pillars.HEADLINE[n]) for n in pillars.PILLARS)
model = data(pillars.model, sel, L, picks=picks)
st.caption(f"**{model.area_label}** · {model.period_label}")

# Which pillar is weakest here: ranked by the share of reporting villages active, then by reports filled in.
st.subheader(t("pl_summary_title"))
if model.weakest is None:
    st.info(t("pl_no_villages"))
else:
    st.markdown(model.weakest_text)
    table(model.summary_table, t("pl_summary_title"), key="pl-summary")
    st.caption(t("pl_summary_help_cov"))

tabs = st.tabs([t(f"pl_pillar_{n}") for n in pillars.PILLARS])
for n, tab in zip(pillars.PILLARS, tabs):
    view = model.pillars[n]
    with tab:
        if model.previous_label:
            st.caption(t("pl_compared_with").format(period=model.previous_label))
        cols = st.columns(3)
        for i, code in enumerate(view.codes):
            with cols[i % 3]:
                page.card(view.kpis[code])
        code = st.selectbox(t("pl_pick_indicator"), view.codes, index=view.codes.index(view.pick),
                            format_func=lambda c: f"{c} · {pillars.indicator_name(c, L)}", key=f"pl_pick_{n}")
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('pl_trend')}**")
            chart(view.trend, view.trend_table, f"{view.pick} {t('pl_trend')}", key=f"pl-trend-{n}")
            if catalogue.indicators()[view.pick].kind == "stock":
                st.caption(t("pl_stock_trend_note"))
        with right:
            st.markdown(f"**{t('pl_compare')}**")
            if view.comparison is None:
                st.info(t("pl_no_children"))
            else:
                chart(view.comparison, view.comparison_table, f"{view.pick} {t('pl_compare')}",
                      key=f"pl-compare-{n}")
        if model.provisional:
            st.caption(t("pl_provisional_note"))

st.subheader(t("pl_scorecard"))
st.markdown(t("pl_legend").format(month=model.latest_month))
st.caption(t("pl_legend_due"))
if model.scorecard.is_empty():
    st.info(t("pl_no_villages"))
else:
    table(model.scorecard, t("pl_scorecard"), key="pl-scorecard")
