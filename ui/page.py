"""One set-up for every page: sign-in check, connection, demo banner, filters, title and the provisional note."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import streamlit as st

from pipelines.metrics import figures
from pipelines.views.cards import Card
from pipelines.views.selection import Selection
from ui import auth, filters
from ui.i18n import lang, t
from ui.state import connection, demo_banner


@dataclass(frozen=True)
class Page:
    sel: Selection  # what every page model takes: model(con, sel, lang, **picks)
    lang: str


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


def setup(title_key: str, page_file: str | None = None, with_filters: bool = True) -> Page:
    """Draw the common top of a page and return what its model call needs.

    page_file (a workflow page's __file__): only a role whose right opens it (ui/pages.csv) gets past here;
    without the sidebar filters the selection holds the user and the defaults."""
    user = auth.require(page_file) if page_file else auth.current_user()
    con = connection()
    st.html(CARD_CSS)
    demo_banner(con)
    sel = dataclasses.replace(filters.sidebar(), user=user) if with_filters else Selection(user=user)
    st.title(t(title_key))
    if sel.provisional:
        st.warning(t("filter_provisional"), icon=":material/schedule:")
    return Page(sel, lang())


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
