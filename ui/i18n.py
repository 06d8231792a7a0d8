"""Every UI label in Indonesian and English, from ui/labels.csv; Indonesian is the default."""
from __future__ import annotations

import streamlit as st

from pipelines import labels

LANGS = {"id": "Bahasa Indonesia", "en": "English"}


KEY = "lang_choice"  # the sidebar radio's key: its value is the language for the whole session


def lang() -> str:
    """The chosen language code: the sidebar choice, first taken from the URL (?lang=en)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get("lang") if st.query_params.get("lang") in LANGS else "id"
    return st.session_state[KEY]


def t(key: str) -> str:
    """The label for key in the chosen language (the key itself when missing, so gaps show)."""
    return labels.text(key, lang())
