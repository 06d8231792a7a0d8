"""The Paket Paparan page model, kept with the pack (built from the views' models): the slides the pack holds."""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.briefing import pack
from pipelines.labels import page_labels
from pipelines.views.selection import Selection


@dataclass
class Paket:
    outline: pl.DataFrame   # no., slide title, content (headers in lang)
    labels: dict[str, str]  # the pack's labels in lang (the build takes them)


def model(con, sel: Selection, lang: str = "id") -> Paket:
    """The slides a pack of the selected area and range holds, in lang."""
    labels = page_labels(pack.LABEL_KEYS, lang)
    return Paket(pack.outline(con, sel.area, sel.start, sel.end, lang, labels), labels)
