"""One set-up for every page: connection, demo banner, filters, title, the provisional note and labels."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import streamlit as st

from pipelines.views.cards import Card
from ui import filters
from ui.i18n import lang, t
from ui.state import connection, demo_banner


@dataclass(frozen=True)
class Page:
    sel: filters.Selection | None
    lang: str
    labels: dict[str, str]


def setup(title_key: str, label_keys: Iterable[str] = (), with_filters: bool = True) -> Page:
    """Draw the common top of a page and return what its model call needs."""
    con = connection()
    demo_banner(con)
    sel = filters.sidebar() if with_filters else None
    st.title(t(title_key))
    if sel is not None and sel.provisional:
        st.warning(t("filter_provisional"), icon=":material/schedule:")
    return Page(sel, lang(), {key: t(key) for key in label_keys})


def card(c: Card) -> None:
    """A headline card: the value, its like-for-like change, coverage in the help and a caption."""
    st.metric(c.title, c.text, c.delta, help=c.help, border=True,
              delta_color="off" if c.still else "normal", delta_arrow="off" if c.still else "auto")
    if c.caption:
        st.caption(c.caption)
