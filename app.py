"""Pantau Desmigratif: sets up the page, makes sure a warehouse exists, and routes to the pages."""
from pathlib import Path

import streamlit as st

from ui.i18n import KEY, LANGS, lang, t
from ui.state import ensure_warehouse

HERE = Path(__file__).resolve().parent
# Pages live in sub-folders of pages/ (one per navigation section): Streamlit's old automatic
# pages/*.py discovery would otherwise take over a fresh server process before this script runs.

st.set_page_config(page_title="Pantau Desmigratif", page_icon=":material/home_work:", layout="wide")
ensure_warehouse()

with st.sidebar:
    lang()  # settles the initial language before the widget reads it
    st.markdown(f"**{t('app_title')}**  \n{t('app_subtitle')}")
    st.radio(t("language"), list(LANGS), format_func=LANGS.get, horizontal=True, key=KEY)

PAGES = HERE / "pages"
pages = {
    t("section_dashboard"): [
        st.Page(PAGES / "dashboard" / "ringkasan.py", title=t("page_overview"), icon=":material/dashboard:", url_path="ringkasan",
                default=True),
        st.Page(PAGES / "dashboard" / "pilar.py", title=t("page_pillars"), icon=":material/account_balance:", url_path="pilar"),
        st.Page(PAGES / "dashboard" / "peta.py", title=t("page_map"), icon=":material/map:", url_path="peta"),
        st.Page(PAGES / "dashboard" / "wilayah.py", title=t("page_areas"), icon=":material/account_tree:", url_path="wilayah"),
        st.Page(PAGES / "dashboard" / "desa.py", title=t("page_village"), icon=":material/home_work:", url_path="desa"),
    ],
    t("section_reporting"): [
        st.Page(PAGES / "reporting" / "kelengkapan.py", title=t("page_completeness"), icon=":material/fact_check:",
                url_path="kelengkapan"),
    ],
    t("section_data"): [
        st.Page(PAGES / "data" / "gudang.py", title=t("page_warehouse"), icon=":material/database:", url_path="gudang"),
    ],
}
st.navigation(pages).run()
