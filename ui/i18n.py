"""Every UI label in Indonesian and English, from ui/labels.csv; Indonesian is the default."""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import streamlit as st

LANGS = {"id": "Bahasa Indonesia", "en": "English"}


@cache
def _labels() -> dict[str, dict[str, str]]:
    with open(Path(__file__).with_name("labels.csv"), encoding="utf-8", newline="") as fh:
        return {row["key"]: row for row in csv.DictReader(fh)}


KEY = "lang_choice"  # the sidebar radio's key: its value is the language for the whole session


def lang() -> str:
    """The chosen language code: the sidebar choice, first taken from the URL (?lang=en)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get("lang") if st.query_params.get("lang") in LANGS else "id"
    return st.session_state[KEY]


def t(key: str) -> str:
    """The label for key in the chosen language (the key itself when missing, so gaps show)."""
    row = _labels().get(key)
    return row[lang()] if row else key
