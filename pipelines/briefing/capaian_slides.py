"""The optional capaian slide: target, realisasi and % capaian when the pack's range is a government period with targets."""
from __future__ import annotations

import polars as pl

from pipelines import formatting
from pipelines.metrics import figures, periods
from pipelines.metrics.measure import format_value
from pipelines.targets import report, status

CARDS_PER_SLIDE = 8  # two rows of four cards; the footnote takes the third row's right half


def _card(r: dict, lang: str, t) -> tuple[str, str, str, str]:
    figure = figures.get(r["kode_indikator"])
    note = t("bp_capaian_card_note", target=format_value(figure, r["target"], lang),
             actual=format_value(figure, r["realisasi"], lang))
    state = status.of(r["capaian"]).name(lang) + (f" · {t('sementara')}" if r["sementara"] else "")
    return r["nama"], formatting.percent(r["capaian"], lang, 1), note, state


def _sheet(doc: dict) -> pl.DataFrame:
    keep = ("kode_indikator", "nama", "satuan", "target", "realisasi", "capaian", "status", "target_tahunan",
            "capaian_tahunan", "dasar_target", "laporan_masuk", "laporan_diharapkan", "coverage", "sementara")
    rows = [{"kode_wilayah": doc["area"], "periode": doc["period"]} | {k: r.get(k) for k in keep}
            for r in doc["rows"]]
    return pl.DataFrame(rows, infer_schema_length=None)


def slides(ctx, make) -> tuple[list, dict]:
    """The capaian slide(s) and XLSX sheet, or nothing when the range is no government period or has no target.

    The range must be a period the targets are set for (a month, triwulan, semester, year or s.d. a
    month); the most specific one with targets is shown. Realisasi comes from the metric layer, with
    the pack's approved-only choice."""
    for period in periods.matching(ctx.start, ctx.end):
        doc = report.report(ctx.con, ctx.area, period.code, lang=ctx.lang, approved_only=ctx.approved_only)
        if not doc["rows"]:
            continue
        cards = [_card(r, ctx.lang, ctx.t) for r in doc["rows"]]
        basis = doc["rows"][0].get("dasar_target")
        footnote = ctx.t("bp_capaian_footnote") + (f" {ctx.t('cp_col_basis')}: {basis}." if basis else "")
        title = ctx.t("bp_title_capaian", period=doc["label"])
        notes = " ".join(ctx.t("bp_n_capaian", name=name, capaian=value, note=note, status=state)
                         for name, value, note, state in cards)
        out = [make("capaian", title if i == 0 else f"{title} ({i // CARDS_PER_SLIDE + 1})", notes,
                    cards=cards[i:i + CARDS_PER_SLIDE], footnote=footnote, provisional=any(r["sementara"] for r in doc["rows"]))
               for i in range(0, len(cards), CARDS_PER_SLIDE)]
        return out, {ctx.t("bp_sheet_capaian"): _sheet(doc)}
    return [], {}
