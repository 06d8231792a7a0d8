"""Headline cards built from metric-layer totals: value, like-for-like change, coverage and estimate as help."""
from __future__ import annotations

from dataclasses import dataclass

from pipelines import labels
from pipelines.metrics.measure import Measure, Total


@dataclass(frozen=True)
class Card:
    """One card, display-ready: the page only renders it."""
    key: str
    title: str
    text: str                 # '11.589', 'Rp 48,5 juta', '–'
    delta: str | None         # '+66 (+91,7%)' over matched reports; None when not comparable
    still: bool               # no change: no green or red arrow
    help: str                 # what the figure is, its coverage, the comparison basis, the estimate
    caption: str | None       # short line under the card: coverage (and 'sementara')
    provisional: bool
    value: float | None = None
    note: str | None = None           # the extra line alone ('66,7% perempuan')
    coverage: str = ""                # 'dari 2.688 laporan yang diharapkan, 2.470 masuk (91,9%)'
    basis: str | None = None          # 'dibandingkan dengan ... pada 3.910 desa-bulan ...'
    change: object | None = None      # the metric layer's Change (now/before over matched reports)


def card(total: Total, lang: str = "id", title: str | None = None, note: str | None = None) -> Card:
    """A Card from a Total; `note` adds a line (e.g. '66,7% perempuan')."""
    fig = total.figure
    parts = [fig.help(lang), total.coverage.text(lang) + "."]
    delta = total.change_text(lang)
    if total.change is not None:
        parts.append(_upper(total.change.basis_text(lang)) + ".")
    if total.estimate is not None and total.estimate.value is not None and total.estimate.filled:
        parts.append(_upper(total.estimate.text(lang, fig.money)) + ".")
    caption = total.coverage.text(lang) if not total.coverage.provisional else (
        f"{_upper(labels.text('sementara', lang))} · " + labels.text(
            "cov_reports" if not fig.per_village else "cov_villages", lang,
            expected=_n(total.coverage.expected, lang), covered=_n(total.coverage.covered, lang),
            share=_pct(total.coverage.share, lang)))
    if note:
        caption = f"{note} · {caption}"
    still = delta is not None and total.change is not None and total.change.delta == 0
    return Card(fig.key, title or fig.name(lang), total.text(lang), delta, still, "  \n".join(parts), caption,
                total.provisional, total.value, note, total.coverage.text(lang),
                total.change.basis_text(lang) if total.change is not None else None, total.change)


def cards(m: Measure, keys: list[str], lang: str = "id", estimates: bool = False) -> dict[str, Card]:
    """Cards for several figures of one measure."""
    return {k: card(m.total(k, with_change=m.comparison is not None, with_estimate=estimates), lang) for k in keys}


def _n(value, lang):
    from pipelines import formatting
    return formatting.number(value, lang)


def _pct(value, lang):
    from pipelines import formatting
    return formatting.percent(value, lang)


def _upper(text: str) -> str:
    """The first letter in capitals, the rest untouched (month names stay as they are)."""
    return text[:1].upper() + text[1:]
