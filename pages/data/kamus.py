"""Kamus Indikator: every figure's definition, unit, formula, aggregation, source and coverage rule (both languages)."""
import streamlit as st

from pipelines.views import dictionary
from ui import page
from ui.i18n import t
from ui.widgets import dataframe

L = page.setup("page_dictionary", with_filters=False).lang
st.caption(t("kamus_intro"))
search = st.text_input(t("kamus_search"), key="kamus_q")
frame = dictionary.dictionary(L, search)  # read from the catalogues, cached there
dataframe(frame, height=min(38 + 35 * frame.height, 900))
st.download_button(t("kamus_download"), data=lambda: dictionary.workbook(), file_name="kamus-indikator.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/table:", on_click="ignore", key="kamus_xlsx")
