"""Masuk: the sign-in form (on the demo warehouse also the demo accounts)."""
import streamlit as st

from ui.auth import login_form
from ui.i18n import t

st.title(t("page_login"))
login_form()
