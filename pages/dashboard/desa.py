"""Desa: placeholder until its page is built (issue 3)."""
import streamlit as st

from ui.i18n import t

st.title(t("page_village"))
