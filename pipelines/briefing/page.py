"""The Paket Paparan page model, kept with the pack (built from the views' models): the slides the pack holds
and the data versions it can be built as of."""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines import formatting, versions
from pipelines.briefing import pack
from pipelines.labels import page_labels
from pipelines.views.selection import Selection

NEWEST = -1  # the picker's first choice: whatever version is current when the pack is built
VERSION_LABELS = ("bp_version_option", "bp_version_newest", *(f"dv_what_{k}" for k in versions.KINDS))


@dataclass
class Paket:
    outline: pl.DataFrame   # no., slide title, content (headers in lang)
    labels: dict[str, str]  # the pack's labels in lang (the build takes them)
    versions: dict[int, str]  # data version -> its picker text: NEWEST (the current one) first, then older ones
    current: int            # the warehouse's data version now


def model(con, sel: Selection, lang: str = "id") -> Paket:
    """The slides a pack of the selected area and range holds, and the data versions to build it as of, in lang."""
    labels = page_labels(pack.LABEL_KEYS + VERSION_LABELS, lang)
    return Paket(pack.outline(con, sel.area, sel.start, sel.end, lang, labels), labels,
                 choices(con, lang, labels), versions.current(con))


def choices(con, lang: str, labels: dict[str, str]) -> dict[int, str]:
    """'versi 57 · 6 Desember 2026 14.03 WIB · unggah laporan' per recorded version, newest first; the current
    one is NEWEST ('(terbaru)'), so a picker left on it keeps building from the newest data after new writes."""
    now = versions.current(con)
    out = {}
    for version, made_at, _, what in versions.listed(con).iter_rows():
        key = "bp_version_newest" if version == now else "bp_version_option"
        out[NEWEST if version == now else int(version)] = labels[key].format(
            version=version, when=formatting.moment(made_at, lang), what=labels.get(f"dv_what_{what}", what))
    return out
