"""Kohort: villages by the year they joined, indicators by months since joining; staggered comparison when data exists."""
import streamlit as st

from pipelines import catalogue
from pipelines.views import cohort
from pipelines.views.survey import plain
from ui import page
from ui.cache import data
from ui.i18n import t
from ui.widgets import chart, table

p = page.setup("page_cohort", __file__)
sel, L = p.sel, p.lang
st.caption(t("co_intro").format(area=plain(sel.area_label)))

pillar = st.radio(t("co_pillar"), catalogue.PILLAR_SHEETS, horizontal=True, key="co_pillar",
                  format_func=lambda s: t(f"pl_pillar_{catalogue.PILLAR_SHEETS.index(s) + 1}"))
codes = [c for c, i in catalogue.indicators().items() if i.sheet == pillar]
code = st.selectbox(t("co_indicator"), codes, key=f"co_code_{pillar}",
                    format_func=lambda c: f"{c} · {cohort.indicator_name(c, L)}")
model = data(cohort.model, sel, L, indicator=code, series_name=st.session_state.get("co_series"))

st.subheader(t("co_sizes"))
table(model.sizes.rename({"joined_year": t("co_joined_year"), "villages": t("co_villages")}), t("co_sizes"),
      key="co-sizes")
st.subheader(t("co_curve_head"))
if model.curve_chart is None:
    st.info(t("co_no_curve"))
else:
    chart(model.curve_chart, model.curve.rename({"joined_year": t("co_joined_year"), "months_since": t("co_months"),
                                                  "villages": t("co_villages_behind"),
                                                  "mean_value": t("co_mean_per_village")}),
          f"{code} {t('co_curve_head')}", key="co-curve")
    st.caption(t("co_curve_note"))

st.subheader(t("co_compare_head"))
if model.series.is_empty():
    st.info(t("co_no_series"))
else:
    names = model.series["series"].to_list()
    st.selectbox(t("co_series"), names, index=names.index(model.series_name), key="co_series")
    left, right = st.columns([3, 2])
    with right:
        st.markdown(f"**{t('co_assumptions')}**")
        st.markdown("\n".join(f"- {t(k)}" for k in ("dd_assume_parallel", "dd_assume_anticipation",
                                                    "dd_assume_controls", "dd_assume_stable")))
        st.caption(t("co_method"))
    with left:
        if model.comparison is None:
            st.warning(plain(model.comparison_problem), icon=":material/warning:")
        else:
            s = model.summary
            cols = st.columns(3)
            cols[0].metric(t("co_att"), s["att"], border=True)
            cols[1].metric(t("co_ci"), s["ci"], border=True)
            cols[2].metric(t("co_pretrend"), s["pretrend_p"], border=True, help=t("co_pretrend_help"))
            if model.comparison.pretrend_p is not None and model.comparison.pretrend_p < 0.05:
                st.warning(t("co_pretrend_fail"), icon=":material/warning:")
            st.caption(t("co_compare_facts").format(areas=s["areas"], years=s["years"]))
            chart(model.comparison_chart, model.comparison.event, t("co_event_title"), key="co-event")
