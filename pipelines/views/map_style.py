"""Map colours, class breaks, legends, circle sizes and value texts."""
from __future__ import annotations

import math
from html import escape

from pipelines import formatting

# ColorBrewer YlGnBu, 5 classes: colour-blind safe and readable on a projector; grey = not reported.
SCALE = [(199, 233, 180), (127, 205, 187), (65, 182, 196), (44, 127, 184), (37, 52, 148)]
MISSING_COLOUR = (170, 170, 170)
BUBBLE_COLOUR = (230, 159, 0)  # Okabe-Ito orange: totals per unit, apart from the village scale
SHARE_BREAKS = (0.5, 0.7, 0.85, 0.95)  # completeness: < 50 %, 50-70, 70-85, 85-95, >= 95 %
LAND_COLOUR, NEIGHBOUR_COLOUR, SEA_COLOUR = (222, 222, 218), (241, 241, 238), (226, 236, 244)


def _nice(value: float, unit: str) -> float:
    """A break rounded for a legend: whole numbers, money to two significant digits."""
    if unit == "share":
        return value
    if unit == "rupiah" and value > 0:
        digits = 10 ** max(int(math.floor(math.log10(value))) - 1, 0)
        return round(value / digits) * digits
    return float(round(value))


def breaks(values: list[float | None], unit: str) -> list[float]:
    """Class breaks (up to 4, giving up to 5 classes): fixed for shares, quantiles otherwise."""
    if unit == "share":
        return list(SHARE_BREAKS)
    known = sorted(v for v in values if v is not None)
    if not known:
        return []
    cuts = []
    for q in (0.2, 0.4, 0.6, 0.8):
        cut = _nice(known[min(int(q * len(known)), len(known) - 1)], unit)
        if cut < known[-1] and (not cuts or cut > cuts[-1]):
            cuts.append(cut)
    return cuts


def colour_index(value: float | None, cuts: list[float], unit: str) -> int | None:
    """Class of a value (0 = lowest); None when not reported."""
    if value is None:
        return None
    if unit == "count":  # the class of the whole number the tooltip shows (45,4 is '45', so '≤ 45')
        value = round(value)
    for i, cut in enumerate(cuts):
        if (value < cut) if unit == "share" else (value <= cut):
            return i
    return len(cuts)


def _scale(cuts: list[float]) -> list[tuple[int, int, int]]:
    """As many colours as classes, spread over the full scale."""
    n = len(cuts) + 1
    if n == 1:
        return [SCALE[2]]
    return [SCALE[round(i * (len(SCALE) - 1) / (n - 1))] for i in range(n)]


def legend(cuts: list[float], unit: str, lang: str, labels: dict) -> list[tuple[str, str]]:
    """(hex colour, range text) per class, then grey for 'not reported'."""
    rows = []
    for i, colour in enumerate(_scale(cuts)):
        if not cuts:
            label = labels.get("map_all_values", "")
        elif i == 0:
            label = ("< " if unit == "share" else "≤ ") + formatting.value(cuts[0], unit, lang)
        elif unit == "count":
            # whole-number classes written without a shared end ('≤ 45', '46', '47 – 60', '≥ 61'):
            # '45 – 46' beside '≤ 45' read as overlapping
            low = formatting.value(cuts[i - 1] + 1, unit, lang)
            if i == len(cuts):
                label = f"≥ {low}"
            elif cuts[i - 1] + 1 == cuts[i]:
                label = low
            else:
                label = f"{low} – {formatting.value(cuts[i], unit, lang)}"
        elif i == len(cuts):
            label = ("≥ " if unit == "share" else "> ") + formatting.value(cuts[-1], unit, lang)
        else:
            label = f"{formatting.value(cuts[i - 1], unit, lang)} – {formatting.value(cuts[i], unit, lang)}"
        rows.append(("#%02x%02x%02x" % colour, label))
    rows.append(("#%02x%02x%02x" % MISSING_COLOUR, labels.get("map_not_reported", "")))
    return rows


def fill(value: float | None, cuts: list[float], unit: str, alpha: int) -> list[int]:
    index = colour_index(value, cuts, unit)
    colour = MISSING_COLOUR if index is None else _scale(cuts)[index]
    return [*colour, alpha]


def radius(value: float | None, top: float, low: float, high: float) -> float:
    if value is None or not top or value <= 0:
        return low
    return round(low + (high - low) * math.sqrt(min(value / top, 1.0)), 2)



def legend_html(sections: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """The legend as small HTML (colour swatches with their texts), one line per section."""
    lines = []
    for title, rows in sections:
        swatches = " ".join(
            f"<span style='white-space:nowrap;margin-right:0.9em'><span style='display:inline-block;width:0.9em;"
            f"height:0.9em;border-radius:50%;background:{colour};border:1px solid #555;vertical-align:-0.1em'>"
            f"</span> {escape(text)}</span>" for colour, text in rows)
        lines.append(f"<div style='margin:0.15em 0'><b>{escape(title)}</b>&nbsp; {swatches}</div>")
    return "".join(lines)
