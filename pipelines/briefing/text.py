"""Words and numbers of the pack: amounts, change sentences, lists, vocabulary names, and clean text for XML."""
from __future__ import annotations

import re
from datetime import date

from babel import Locale

from pipelines import formatting, labels, vocabulary
from pipelines.briefing.context import Context

TOP_N = 5                  # items named in a sentence (top destinations, sectors, ...)
MAX_NAMES = 12             # village names listed in a data note before 'and n more'

# Characters XML 1.0 forbids (PPTX and XLSX are XML): C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF.
# A workbook's village name may hold one (a vertical tab from a pasted cell); Office then refuses the file.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Text safe for an XML part: each illegal control character becomes a space ('Desa\\x0bX' -> 'Desa X')."""
    return _XML_ILLEGAL.sub(" ", text) if isinstance(text, str) else text


def amount(value: float | None, unit: str, ctx: Context) -> str:
    """'297 orang', '14 desa', 'Rp 20,5 miliar'; '–' when missing."""
    if value is None:
        return formatting.MISSING
    if unit == "rupiah":
        return formatting.rupiah(value, ctx.lang)
    return f"{formatting.number(value, ctx.lang)} {unit_word(value, unit, ctx)}"


def unit_word(value: float, unit: str, ctx: Context) -> str:
    """The unit's label, singular where the language's plural rule (CLDR, via Babel) says so: '1 village'."""
    if Locale.parse(ctx.lang).plural_form(abs(value)) == "one" and f"{unit}_one" in labels.catalogue():
        return ctx.t(f"{unit}_one")
    return ctx.t(unit)


def said(text: str, value: float | None, ctx: Context) -> str:
    """A figure as spoken in a note: its text, or 'tidak dilaporkan' when nobody reported it (never 0)."""
    return ctx.t("bp_not_reported") if value is None else text


def change_sentence(value: float | None, previous: float | None, unit: str, period: str, ctx: Context) -> str:
    """'Naik 66 orang (91,7%) dibanding ...', 'Turun ...', 'Tidak berubah ...'; no comparison when a side is missing."""
    if value is None:
        return ""
    if previous is None:
        return ctx.t("bp_no_previous", period=period)
    diff = value - previous
    if diff == 0:
        return ctx.t("bp_same", period=period)
    size = amount(abs(diff), unit, ctx)
    if previous == 0:
        return ctx.t("bp_up_from_zero", amount=size, period=period)
    pct = formatting.percent(abs(diff) / abs(previous), ctx.lang)
    return ctx.t("bp_up" if diff > 0 else "bp_down", amount=size, pct=pct, period=period)


def upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def compare_period(change, ctx: Context) -> str:
    if change.start == change.end:
        return formatting.month(change.start, ctx.lang)
    return f"{formatting.month(change.start, ctx.lang)} – {formatting.month(change.end, ctx.lang)}"


def card_change(k, unit: str, ctx: Context) -> str:
    """The like-for-like change of a metric-layer card as a sentence, with its basis."""
    change = k.change
    if change is None:
        return ""
    if change.withheld:
        return upper(change.basis_text(ctx.lang)) + "."
    period = compare_period(change, ctx)
    if change.now is None or change.before is None:
        return ctx.t("bp_no_match", period=period)
    words = change_sentence(change.now, change.before, unit, period, ctx)
    if not change.like_for_like or not words.endswith("."):
        return words
    # the period is already in the sentence: only how many reports the comparison rests on
    basis = ctx.t("bp_basis_villages" if change.per_village else "bp_basis_months",
                  n=formatting.number(change.matched, ctx.lang))
    return f"{words[:-1]}, {basis}."


def coverage(k, ctx: Context) -> str:
    """'Cakupan: dari 84 laporan yang diharapkan, 80 masuk (95,2%).' for a card; '' without one."""
    # Card.coverage is 'dari N ..., M masuk (x%)' then, in a range with an open month, '. Sementara: ...';
    # the slide says 'sementara' once, so each figure keeps only its counts
    text = getattr(k, "coverage", "").split(". ")[0]
    return ctx.t("bp_coverage", coverage=text) if text else ""


def arrow(k) -> str:
    """'▲ ', '▼ ' or '= ' before a change shown on a card; nothing when there is no comparison.

    A metric-layer card compares like for like (its change's matched values), a pillar Kpi its two totals."""
    change = getattr(k, "change", None)
    now, before = (change.now, change.before) if change is not None else (k.value, getattr(k, "previous", None))
    if now is None or before is None:
        return ""
    return "▲ " if now > before else "▼ " if now < before else "= "


def row_change(k) -> str:
    """The change in a slide table cell, short enough for one line: '▼ 38,9%' ('▲ +2' against a 0);
    the amount is said in the speaker notes."""
    if k.delta is None:
        return ""
    before = k.change.before if getattr(k, "change", None) is not None else getattr(k, "previous", None)
    if before == 0 or "(" not in k.delta:
        return arrow(k) + k.delta
    return arrow(k) + k.delta.rsplit("(", 1)[1].rstrip(")").lstrip("+-")


def figure_sentence(name: str, value: float | None, unit: str, ctx: Context, note: str | None = None) -> str:
    """'Penempatan PMI: 297 orang (66,7% perempuan).' or 'Penempatan PMI: tidak dilaporkan.'"""
    text = said(amount(value, unit, ctx), value, ctx)
    return f"{name}: {text}" + (f" ({note})" if note and value is not None else "") + "."


def lines(sentences: list[str]) -> str:
    """Speaker notes: one sentence (or figure) per line, empty ones left out."""
    return "\n".join(s for s in sentences if s)


def names_list(names: list[str], ctx: Context, limit: int = MAX_NAMES) -> str:
    """'A, B, C dan 4 lainnya'."""
    shown = ", ".join(names[:limit])
    return shown + (f" {ctx.t('bp_more', n=formatting.number(len(names) - limit, ctx.lang))}"
                    if len(names) > limit else "")


def share_text(part: float | None, whole: float | None, lang: str) -> str:
    """part / whole as '34,0%'; '–' when either is missing or the whole is 0."""
    if part is None or not whole:
        return formatting.MISSING
    return formatting.percent(part / whole, lang)


def sector_name(value: str, ctx: Context) -> str:
    """The form's sector in the pack's language ('Domestik' -> 'Domestic work'; reference/vocabulary_names.csv)."""
    return vocabulary.name("sektor", value, ctx.lang)


def channel_name(value: str, ctx: Context) -> str:
    """The form's remittance channel in the pack's language."""
    return vocabulary.name("saluran", value, ctx.lang)


def file_stem(area_label: str, start: date, end: date, version: int | None = None) -> str:
    """'paparan-kabupaten-ponorogo-2026-05-2026-10', with the data version 'paparan-...-2026-10-v57': two packs
    of the same area and period built from different data never share a file name."""
    slug = re.sub(r"[^0-9a-z]+", "-", area_label.lower()).strip("-") or "nasional"
    return f"paparan-{slug}-{start:%Y-%m}-{end:%Y-%m}" + (f"-v{version}" if version is not None else "")
