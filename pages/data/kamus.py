"""Kamus Indikator: every figure's definition, unit, formula, aggregation, source and coverage rule (both languages)."""
import streamlit as st

from pipelines.metrics import periods
from pipelines.views import dictionary, satudata
from ui import page
from ui.cache import data
from ui.i18n import t
from ui.state import connection
from ui.widgets import dataframe

p = page.setup("page_dictionary", with_filters=False)
L, state = p.lang, st.session_state
rows = (state.get("kamus_pick") or {}).get("selection", {}).get("rows", [])
k = data(dictionary.model, p.sel, L, search=state.get("kamus_q") or "", row=rows[0] if rows else 0)
st.caption(t("kamus_intro"))
st.text_input(t("kamus_search"), key="kamus_q")
dataframe(k.overview, height=min(38 + 35 * k.frame.height, 640), on_select="rerun", selection_mode="single-row",
          key="kamus_pick")
st.caption(t("kamus_pick_help"))
if k.detail is not None:
    st.subheader(k.detail[0], anchor=False)
    st.table(k.detail[1])
st.download_button(t("kamus_download"), data=lambda: dictionary.workbook(), file_name="kamus-indikator.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/table:", on_click="ignore", key="kamus_xlsx")

if k.may_build:
    st.divider()
    st.subheader(t("sd_head"))
    st.caption(t("sd_help"))
    years = k.years
    left, mid, right = st.columns([1, 2, 2])
    year = left.selectbox(t("cp_year"), years, key="sd_year")
    part = mid.selectbox(t("cp_period"), periods.PARTS, index=periods.PARTS.index("T1"), key="sd_part",
                         format_func=lambda x: periods.parse(periods.code_of(year, x)).label(L))
    every = right.toggle(t("sd_all_data"), key="sd_all", help=t("sd_all_data_help"))
    code = periods.code_of(year, part)
    st.download_button(t("sd_download"), data=lambda: satudata.zip_package(connection(), code, not every),
                       file_name=f"satudata-desmigratif-{code.lower()}.zip", mime="application/zip",
                       icon=":material/dataset:", on_click="ignore", key="sd_zip")
