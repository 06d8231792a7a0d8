"""Pantau Desmigratif: sets up the page, makes sure a warehouse exists, and routes to the pages."""
from pathlib import Path

import streamlit as st

from ui.i18n import KEY, LANGS, lang, t
from ui.state import ensure_warehouse

HERE = Path(__file__).resolve().parent
# Pages live in sub-folders of pages/ (one per navigation section): Streamlit's old automatic
# pages/*.py discovery would otherwise take over a fresh server process before this script runs.

st.set_page_config(page_title="Pantau Desmigratif", page_icon="🏘️", layout="wide")
ensure_warehouse()

with st.sidebar:
    lang()  # settles the initial language before the widget reads it
    st.markdown(f"**{t('app_title')}**  \n{t('app_subtitle')}")
    st.radio(t("language"), list(LANGS), format_func=LANGS.get, horizontal=True, key=KEY)

pages = {
    t("section_data"): [
        st.Page(HERE / "pages" / "data" / "gudang.py", title=t("page_warehouse"), icon="🗄️", url_path="gudang",
                default=True),
    ],
}
st.navigation(pages).run()
