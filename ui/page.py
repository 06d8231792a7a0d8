"""One set-up for every page: connection, demo banner, filters, title, the provisional note and labels."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import streamlit as st

from pipelines.metrics import figures
from pipelines.views.cards import Card
from ui import filters
from ui.i18n import lang, t
from ui.state import connection, demo_banner


@dataclass(frozen=True)
class Page:
    sel: filters.Selection | None
    lang: str
    labels: dict[str, str]


# Streamlit writes a metric's label and value on one line cut with "…" ("Anak PMI dibina (rata…",
# "Rp 637,9 j…" in a quarter-width card at 1400 px): let them wrap at word breaks instead.
CARD_CSS = """<style>
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: break-word;
}
[data-testid="stMetricValue"] { line-height: 1.15; }
</style>"""


def setup(title_key: str, label_keys: Iterable[str] = (), with_filters: bool = True) -> Page:
    """Draw the common top of a page and return what its model call needs."""
    con = connection()
    st.html(CARD_CSS)
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


def cards(items: list[Card], per_row: int = 4) -> None:
    """Cards in rows of per_row; a money card gets a wider column so 'Rp 4,6 miliar' stays on one line."""
    for start in range(0, len(items), per_row):
        row = items[start:start + per_row]
        widths = [1.5 if c.key in figures.catalogue() and figures.catalogue()[c.key].money else 1 for c in row]
        widths += [1] * (per_row - len(row))
        for col, c in zip(st.columns(widths), row):
            with col:
                card(c)
