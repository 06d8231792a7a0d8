"""The slides' content: one function per topic gathers a slide (title, figure, side panel, speaker notes)
and the tables behind it from the page models; nothing here sums a figure itself."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from pipelines import catalogue, formatting, vocabulary
from pipelines.briefing import tables
from pipelines.briefing.charts import empty_text, mark_empty, money_bars, returns_chart, sectors_chart
from pipelines.briefing.context import Context
from pipelines.briefing.native import ChartSpec
from pipelines.briefing.text import (
    TOP_N,
    arrow,
    card_change,
    channel_name,
    coverage,
    figure_sentence,
    lines,
    names_list,
    row_change,
    said,
    sector_name,
    share_text,
)
from pipelines.ingest import countries as country_names
from pipelines.views import overview, pillars, reporting, static_map

# Headline figures in the Ringkasan order (rows of the key-figures slide) and their unit in sentences.
KPI_ROWS = (("villages", "reported", "placements", "returns"),
            ("remittances", "consultations", "trainees", "children"),
            ("coop_members", "savings"))
KPI_UNITS = {"villages": "bp_unit_desa", "reported": "bp_unit_laporan", "remittances": "rupiah", "savings": "rupiah"}
KINDS = ("title", "kpis", "pillar", "pillar", "pillar", "pillar", "placements", "destinations", "sectors",
         "returns", "remit_countries", "remit_channels", "reporting", "map", "notes")


@dataclass
class Slide:
    kind: str
    title: str
    notes: str = ""
    figure: go.Figure | None = None   # its data become a native PowerPoint chart (native.spec)
    png: bytes | None = None          # a picture (the map), drawn by `draw` when the slide is kept
    draw: Callable[[], bytes] | None = None
    chart: ChartSpec | None = None    # the figure's data as the native chart shows them
    callouts: list[tuple[str, str]] = field(default_factory=list)    # (big value, caption)
    rows: list[tuple[str, str, str]] = field(default_factory=list)   # pillar table: name, value, change
    cards: list[tuple[str, str, str, str]] = field(default_factory=list)  # label, value, note, change
    bullets: list[str] = field(default_factory=list)
    footnote: str = ""
    provisional: bool = False   # its figures include a month not past its deadline: marked 'sementara'


def titles(ctx: Context) -> list[str]:
    """The slide titles in order (the same for every area and period: one slide per topic)."""
    return ([ctx.area_label, ctx.t("bp_title_kpis")]
            + [ctx.t("bp_title_pillar", n=p, name=ctx.t(f"pl_pillar_{p}")) for p in pillars.PILLARS]
            + [ctx.t(f"bp_title_{k}") for k in KINDS[6:]])


def title_slide(ctx: Context) -> Slide:
    return Slide("title", ctx.area_label)


def card_delta(k, ctx: Context) -> str:
    """The change line of a key-figure card: '▲ +27 (+11,4%)', '= tidak berubah', or 'tidak dibandingkan'."""
    if k.delta is None:
        return ctx.t("bp_no_comparison")
    if arrow(k) == "= ":
        return "= " + ctx.t("bp_unchanged")
    return arrow(k) + k.delta


def kpi_slide(ctx: Context, ov: overview.Summary) -> tuple[Slide, pl.DataFrame]:
    """The headline cards; notes say each figure's coverage and the like-for-like basis of its change."""
    cards, sentences, rows = [], [ctx.t("bp_n_kpis_intro", area=ctx.area_label, period=ctx.period)], []
    if ov.provisional:
        sentences.append(ctx.t("filter_provisional"))
    for key in [k for row in KPI_ROWS for k in row]:
        k = ov.kpis[key]
        name = k.title
        unit = KPI_UNITS.get(key, "pl_unit_orang")
        change = k.change
        now, before = (change.now, change.before) if change is not None else (None, None)
        # no report then (or none approved): '+18' on a card would read as growth; the notes say it in words
        shown = dataclasses.replace(k, delta=None) if key == "reported" and before == 0 else k
        note = k.note if k.note and formatting.MISSING not in k.note else None  # 'Oktober 2026: – anak' says nothing
        cards.append((name, k.text, note or "", card_delta(shown, ctx)))
        sentence = figure_sentence(name, k.value, unit, ctx, note)
        words = card_change(k, unit, ctx) if k.value is not None else ""
        sentences.append(" ".join(p for p in (sentence, words, coverage(k, ctx)) if p))
        delta = None if now is None or before is None else now - before
        rows.append((name, k.value, now, before, delta, k.coverage, note))  # numbers stay numbers
    table = tables.figures(rows, {ctx.t("bp_col_figure"): pl.String, ctx.t("bp_col_value"): pl.Float64,
                                  ctx.t("bp_col_matched_now"): pl.Float64, ctx.t("bp_col_previous"): pl.Float64,
                                  ctx.t("bp_col_change"): pl.Float64, ctx.t("bp_col_coverage"): pl.String,
                                  ctx.t("bp_col_note"): pl.String})
    footnote = ctx.t("bp_no_approved") if ctx.nothing_approved else ctx.t("bp_vs_like", period=ov.previous_label)
    if ctx.approved_only:
        sentences.insert(1, data_choice(ctx))
    slide = Slide("kpis", ctx.t("bp_title_kpis"), lines(sentences), cards=cards, footnote=footnote,
                  provisional=ov.provisional)
    return slide, table


def _matched(k) -> tuple[float | None, float | None]:
    """A pillar card's like-for-like pair (now, before over matched reports); (None, None) without one."""
    return (k.change.now, k.change.before) if k.change is not None else (None, None)


def pillar_slides(ctx: Context, page: pillars.PillarPage) -> tuple[list[Slide], dict[str, pl.DataFrame]]:
    slides, sheets = [], {}
    summary = {r["pillar"]: r for r in page.summary.iter_rows(named=True)}
    for p in pillars.PILLARS:
        view = page.pillars[p]
        name = ctx.t(f"pl_pillar_{p}")
        sentences = [ctx.t("bp_n_pillar_intro", n=p, name=name, area=ctx.area_label, period=ctx.period)]
        if page.previous_label:  # also under the slide's table: what the arrows compare with
            sentences.append(ctx.t("bp_n_pillar_compare", period=page.previous_label))
        rows, table = [], []
        for code in view.codes:
            ind = catalogue.indicators()[code]
            k = view.kpis[code]
            unit = "rupiah" if ind.unit == "rupiah" else f"pl_unit_{ind.unit}"
            label = pillars.indicator_name(code, ctx.lang)
            rows.append((label, k.text, row_change(k)))
            if ind.unit == "ya/tidak":  # a flag counts villages
                text = said(pillars.indicator_text(k.value, ind.unit, ctx.lang, ctx.labels), k.value, ctx)
                sentence = f"{label}: {text}."
                unit = "bp_unit_desa"
            else:
                sentence = figure_sentence(label, k.value, unit, ctx)
            # like for like: the change over the reports (villages, for balances) in both periods
            words = card_change(k, unit, ctx) if k.value is not None else ""
            sentences.append(" ".join(s for s in (sentence, words, coverage(k, ctx)) if s))
            table.append((code, label, vocabulary.name("satuan", ind.unit, ctx.lang),
                          vocabulary.name("jenis", ind.kind, ctx.lang), k.value, _matched(k)[1], view.villages[code]))
        row = summary.get(p)
        if row and row["reporting"]:
            sentences.append(ctx.t("bp_n_pillar_active", active=formatting.number(row["active"], ctx.lang),
                                   reporting=formatting.number(row["reporting"], ctx.lang),
                                   share=formatting.percent(row["share_active"], ctx.lang),
                                   reported=formatting.number(row["reported"], ctx.lang),
                                   due=formatting.number(row["due"], ctx.lang),
                                   coverage=formatting.percent(row["share_reported"], ctx.lang)))
            shares = [r["share_active"] for r in summary.values() if r["share_active"] is not None]
            if (page.weakest == p and row["share_active"] is not None and shares
                    and row["share_active"] < max(shares)):
                sentences.append(ctx.t("bp_n_pillar_weakest"))
        fig = view.trend
        if view.kpis[view.pick].value is None:
            mark_empty(fig, ctx.t("bp_not_reported"))
        sentences.append(ctx.t("bp_n_chart", title=pillars.trend_title(
            view.pick, ctx.lang, {"pl_fig_trend": ctx.t("pl_fig_trend")})))
        compared = ctx.t("bp_n_pillar_compare", period=page.previous_label) if page.previous_label else ""
        slides.append(Slide("pillar", ctx.t("bp_title_pillar", n=p, name=name), lines(sentences), fig,
                            rows=rows, provisional=page.provisional, footnote=compared))
        sheets[ctx.t("bp_sheet_pillar", n=p)] = tables.figures(table, {
            ctx.t("bp_col_code"): pl.String, ctx.t("bp_col_indicator"): pl.String, ctx.t("bp_col_unit"): pl.String,
            ctx.t("bp_col_kind"): pl.String, ctx.t("bp_col_value"): pl.Float64, ctx.t("bp_col_previous"): pl.Float64,
            ctx.t("pl_col_villages_reporting"): pl.Int64})
        sheets[ctx.t("bp_sheet_pillar_trend", n=p)] = view.trend_table
    return slides, sheets


def _months_without_reports(ov: overview.Summary, ctx: Context) -> list[str]:
    return [formatting.month(r["period"], ctx.lang) for r in ov.monthly.iter_rows(named=True)
            if r["placements"] is None]


def placement_slides(ctx: Context, ov: overview.Summary, placed: pl.DataFrame) -> tuple[list[Slide], dict]:
    lang, k = ctx.lang, ov.kpis["placements"]
    total = k.value
    women = None if total is None else float(ov.monthly["women"].sum())
    men = None if total is None else float(ov.monthly["men"].sum())
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    missing_months = _months_without_reports(ov, ctx)
    covered = coverage(k, ctx)

    # per month, women and men
    reported = ov.monthly.filter(pl.col("placements").is_not_null())
    peak = reported.sort(["placements", "period"], descending=[True, False]).head(1) if total else reported.head(0)
    if total is None:
        sentences = [ctx.t("bp_n_placements_missing", period=ctx.period)]
    else:
        sentences = [ctx.t("bp_n_placements", period=ctx.period, n=n(total), area=ctx.area_label, women=n(women),
                           share=share_text(women, total, lang), men=n(men))]
        sentences.append(card_change(k, "pl_unit_orang", ctx))
    sentences.append(covered)
    if peak.height:
        sentences.append(ctx.t("bp_n_peak", month=formatting.month(peak["period"][0], lang),
                               n=n(peak["placements"][0])))
    if missing_months:
        sentences.append(ctx.t("bp_n_months_missing", months=", ".join(missing_months)))
    callouts = [(k.text, ctx.t("bp_cap_placements")),
                (formatting.number(women, lang), ctx.t("bp_cap_women", share=share_text(women, total, lang))),
                (formatting.number(men, lang), ctx.t("bp_cap_men", share=share_text(men, total, lang)))]
    if peak.height:
        callouts.append((formatting.month(peak["period"][0], lang),
                         ctx.t("bp_cap_peak", n=n(peak["placements"][0]))))
    monthly_slide = Slide("placements", ctx.t("bp_title_placements"), lines(sentences),
                          ov.charts["placements"], callouts=callouts, provisional=ov.provisional)

    # destinations
    countries = (placed.group_by("country_iso2")
                 .agg(placements=pl.col("count").sum(), women=pl.col("count").filter(pl.col("sex") == "P").sum())
                 .sort(["placements", "country_iso2"], descending=[True, False]))
    names = [country_names.name(c, lang) for c in countries["country_iso2"]]
    items = [ctx.t("bp_item_people", name=nm, n=n(v), share=share_text(v, total, lang))
             for nm, v in zip(names[:TOP_N], countries["placements"].to_list())]
    if total is None:
        sentences = [ctx.t("bp_n_placements_missing", period=ctx.period)]
    elif not items:
        sentences = [ctx.t("bp_n_no_placements")]
    else:
        sentences = [ctx.t("bp_n_destinations", list=", ".join(items)),
                     ctx.t("bp_n_destinations_count", n=n(countries.height))]
    callouts = [(n(countries.height) if total is not None else formatting.MISSING, ctx.t("bp_cap_countries"))]
    callouts += [(nm, ctx.t("bp_cap_people_share", n=n(v), share=share_text(v, total, lang)))
                 for nm, v in zip(names[:3], countries["placements"].to_list())]
    fig = ov.charts["destinations"]
    if not countries.height:
        mark_empty(fig, empty_text(total, ctx))
    destination_slide = Slide("destinations", ctx.t("bp_title_destinations"), lines(sentences + [covered]), fig,
                              callouts=callouts, provisional=ov.provisional)

    # sectors
    sectors = (placed.group_by("sector")
               .agg(placements=pl.col("count").sum(), women=pl.col("count").filter(pl.col("sex") == "P").sum(),
                    men=pl.col("count").filter(pl.col("sex") == "L").sum())
               .sort(["placements", "sector"], descending=[True, False]))
    sector_names = [sector_name(s, ctx) for s in sectors["sector"]]
    items = [ctx.t("bp_item_people", name=nm, n=n(v), share=share_text(v, total, lang))
             for nm, v in zip(sector_names[:TOP_N], sectors["placements"].to_list())]
    if total is None:
        sentences = [ctx.t("bp_n_placements_missing", period=ctx.period)]
    elif not items:
        sentences = [ctx.t("bp_n_no_placements")]
    else:
        sentences = [ctx.t("bp_n_sectors", list=", ".join(items))]
    callouts = [(nm, ctx.t("bp_cap_people_share", n=n(v), share=share_text(v, total, lang)))
                for nm, v in zip(sector_names[:4], sectors["placements"].to_list())]
    sector_slide = Slide("sectors", ctx.t("bp_title_sectors"), lines(sentences + [covered]),
                         sectors_chart(sectors, total, ctx),
                         callouts=callouts or [(formatting.MISSING, ctx.t("bp_cap_placements"))],
                         provisional=ov.provisional)

    placements, women_col = ctx.t("ov_col_placements"), ctx.t("ov_women")
    sheets = {
        ctx.t("bp_sheet_placements"): ov.monthly_table,
        ctx.t("bp_sheet_destinations"): tables.ranked(
            (ctx.t("ov_col_country"), names), {placements: countries["placements"], women_col: countries["women"]},
            total, placements, ctx.t("bp_col_share"), within=(ctx.t("bp_col_share_women"), women_col, placements)),
        ctx.t("bp_sheet_sectors"): tables.ranked(
            (ctx.t("bp_col_sector"), sector_names), {placements: sectors["placements"], women_col: sectors["women"],
                                                     ctx.t("ov_men"): sectors["men"]},
            total, placements, ctx.t("bp_col_share")),
    }
    return [monthly_slide, destination_slide, sector_slide], sheets


def return_slide(ctx: Context, ov: overview.Summary, by_month: pl.DataFrame,
                 by_country: pl.DataFrame) -> tuple[Slide, dict]:
    lang, k = ctx.lang, ov.kpis["returns"]
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    total = k.value
    by_country = by_country.sort(["count", "country_iso2"], descending=[True, False])  # most returns first
    monthly = (ov.monthly.select("period", "returns", "provisional")
               .join(by_month.select("period", "with_problem"), on="period", how="left")
               .with_columns(with_problem=pl.when(pl.col("returns").is_not_null())
                             .then(pl.col("with_problem").fill_null(0)).cast(pl.Int64))
               .with_columns(without_problem=pl.col("returns") - pl.col("with_problem")))
    problem = None if total is None else float(monthly["with_problem"].sum())
    names = [country_names.name(c, lang) for c in by_country["country_iso2"]]
    if total is None:
        sentences = [ctx.t("bp_n_returns_missing", period=ctx.period)]
    else:
        sentences = [ctx.t("bp_n_returns", period=ctx.period, n=n(total), area=ctx.area_label, problem=n(problem),
                           share=share_text(problem, total, lang)),
                     card_change(k, "pl_unit_orang", ctx), coverage(k, ctx)]
        if names:
            sentences.append(ctx.t("bp_n_return_countries", list=", ".join(
                ctx.t("bp_item_people", name=nm, n=n(v), share=share_text(v, total, lang))
                for nm, v in zip(names[:TOP_N], by_country["count"].to_list()))))
    callouts = [(k.text, ctx.t("bp_cap_returns")),
                (formatting.number(problem, lang), ctx.t("bp_cap_problem", share=share_text(problem, total, lang)))]
    if names:
        callouts.append((names[0], ctx.t("bp_cap_top_origin", n=n(by_country["count"][0]))))
    slide = Slide("returns", ctx.t("bp_title_returns"), lines(sentences),
                  returns_chart(monthly, ctx), callouts=callouts, provisional=ov.provisional)
    returns, problem_col = ctx.t("ov_col_returns"), ctx.t("ov_col_with_problem")
    sheets = {
        ctx.t("bp_sheet_returns"): monthly.select(
            pl.col("period").alias(ctx.t("ov_col_month")), pl.col("returns").alias(returns),
            pl.col("with_problem").alias(problem_col)),
        ctx.t("bp_sheet_return_countries"): tables.ranked(
            (ctx.t("ov_col_country"), names), {returns: by_country["count"], problem_col: by_country["with_problem"]},
            within=(ctx.t("bp_col_share_problem"), problem_col, returns)),
    }
    return slide, sheets


def remittance_slides(ctx: Context, ov: overview.Summary, by_country: pl.DataFrame,
                      by_channel: pl.DataFrame) -> tuple[list[Slide], dict]:
    lang, k = ctx.lang, ov.kpis["remittances"]
    total = k.value
    by_country = by_country.sort(["amount_idr", "country_iso2"], descending=[True, False])
    by_channel = by_channel.sort(["amount_idr", "channel"], descending=[True, False])
    tx = None if total is None else float(by_channel["transactions"].sum())
    average = total / tx if total is not None and tx else None
    countries = [country_names.name(c, lang) for c in by_country["country_iso2"]]
    channels = [channel_name(c, ctx) for c in by_channel["channel"]]
    covered = coverage(k, ctx)

    def items(names: list[str], frame: pl.DataFrame, limit: int) -> list[str]:
        return [ctx.t("bp_item_money", name=nm, amount=formatting.rupiah(v, lang), share=share_text(v, total, lang))
                for nm, v in zip(names[:limit], frame["amount_idr"].to_list())]

    summary = ctx.t("bp_n_remit", period=ctx.period, area=ctx.area_label, amount=formatting.rupiah(total, lang),
                    tx=formatting.number(tx, lang), avg=formatting.rupiah(average, lang))
    if total is None:
        first = [ctx.t("bp_n_remit_missing", period=ctx.period)]
    else:
        first = [summary, card_change(k, "rupiah", ctx), covered]
        if countries:
            first.append(ctx.t("bp_n_remit_countries", list=", ".join(items(countries, by_country, TOP_N))))
    callouts = [(k.text, ctx.t("bp_cap_remittances")), (formatting.number(tx, lang), ctx.t("bp_cap_transactions")),
                (formatting.rupiah(average, lang), ctx.t("bp_cap_average"))]
    if countries:
        callouts.append((countries[0], ctx.t("bp_cap_money_share", amount=formatting.rupiah(
            by_country["amount_idr"][0], lang), share=share_text(by_country["amount_idr"][0], total, lang))))
    top = by_country.head(overview.TOP_DESTINATIONS)
    country_slide = Slide("remit_countries", ctx.t("bp_title_remit_countries"), lines(first),
                          money_bars(top, countries[:top.height], ctx.t("bp_fig_remit_countries"), total, ctx),
                          callouts=callouts, provisional=ov.provisional)
    if total is None:
        second = [ctx.t("bp_n_remit_missing", period=ctx.period)]
    else:
        second = [ctx.t("bp_n_channels", list=", ".join(items(channels, by_channel, len(channels))))
                  if channels else summary, covered]
    callouts = [(nm, ctx.t("bp_cap_money_share", amount=formatting.rupiah(v, lang), share=share_text(v, total, lang)))
                for nm, v in zip(channels[:4], by_channel["amount_idr"].to_list())]
    channel_slide = Slide("remit_channels", ctx.t("bp_title_remit_channels"), lines(second),
                          money_bars(by_channel, channels, ctx.t("bp_fig_remit_channels"), total, ctx),
                          callouts=callouts or [(formatting.MISSING, ctx.t("bp_cap_remittances"))],
                          provisional=ov.provisional)

    def table(names: list[str], frame: pl.DataFrame, head: str) -> pl.DataFrame:
        amount = ctx.t("bp_col_amount")
        return tables.ranked((head, names), {ctx.t("ov_col_transactions"): frame["transactions"],
                                             amount: frame["amount_idr"]}, total, amount, ctx.t("bp_col_share"))

    sheets = {ctx.t("bp_sheet_remit_countries"): table(countries, by_country, ctx.t("ov_col_country")),
              ctx.t("bp_sheet_remit_channels"): table(channels, by_channel, ctx.t("bp_col_channel"))}
    return [country_slide, channel_slide], sheets


def reporting_slide(ctx: Context, rp: reporting.Completeness) -> tuple[Slide, dict]:
    """Completeness of the last month whose deadline has passed (an open month is said apart: its
    not-yet-due reports are not missing), and the average over the closed months."""
    lang = ctx.lang
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    trend = rp.trend if "not_due" in rp.trend.columns else rp.trend.with_columns(not_due=pl.lit(0))
    closed = trend.filter(pl.col("not_due") == 0)
    c = closed.tail(1).to_dicts()[0] if closed.height else rp.latest_counts
    month = formatting.month(c.get("period", rp.latest), lang)
    due = closed.filter(pl.col("joined") > 0)
    average = due["completeness"].mean() if due.height else None
    if c["joined"]:
        sentences = [ctx.t("bp_n_reporting", month=month, reported=n(c["reported"]), joined=n(c["joined"]),
                           share=formatting.percent(c["completeness"], lang), on_time=n(c["on_time"]),
                           late=n(c["late"]), missing=n(c["missing"]))]
    else:
        sentences = [ctx.t("bp_n_reporting_none", month=month)]
    if c.get("unapproved"):  # approved-only: in but not counted, so the counts add up to the joined villages
        sentences.append(ctx.t("bp_n_reporting_unapproved", n=n(c["unapproved"])))
    for r in trend.filter(pl.col("not_due") > 0).iter_rows(named=True):
        sentences.append(ctx.t("bp_n_reporting_open", month=formatting.month(r["period"], lang),
                               reported=n(r["reported"]), joined=n(r["joined"]), not_due=n(r["not_due"])))
    sentences.append(ctx.t("bp_n_reporting_avg", period=ctx.period, share=formatting.percent(average, lang),
                           day=rp.deadline_day))
    callouts = [(formatting.percent(c["completeness"], lang),
                 ctx.t("bp_cap_completeness", month=month, reported=n(c["reported"]), joined=n(c["joined"]))),
                (n(c["on_time"]), ctx.t("rp_on_time")), (n(c["late"]), ctx.t("rp_late")),
                (n(c["missing"]), ctx.t("rp_missing")),
                (formatting.percent(average, lang), ctx.t("bp_cap_average_completeness"))]
    slide = Slide("reporting", ctx.t("bp_title_reporting"), lines(sentences), rp.trend_fig, callouts=callouts,
                  provisional=ctx.provisional)
    sheets = {ctx.t("bp_sheet_reporting"): rp.trend_data, ctx.t("bp_sheet_not_reported"): rp.not_reported_data}
    return slide, sheets


def map_slide(ctx: Context, villages: pl.DataFrame, placements, canvas: tuple[int, int, float]) -> tuple[Slide, dict]:
    """The static map; `placements` is the key-figure card whose coverage the point sizes share."""
    lang = ctx.lang
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    located = villages.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    approx = villages.filter(~pl.col("coords_exact")).height
    silent = villages.filter((pl.col("months_joined") > 0) & (pl.col("months_reported") == 0)).height
    top = villages.filter(pl.col("placements") > 0).sort(["placements", "village_code"], descending=[True, False])
    sentences = [ctx.t("bp_n_map", located=n(located.height), total=n(villages.height)), coverage(placements, ctx)]
    if top.height:
        sentences.append(ctx.t("bp_n_map_top", name=top["village_name"][0], subdistrict=top["subdistrict"][0],
                               n=n(top["placements"][0])))
    if silent:
        sentences.append(ctx.t("bp_n_map_silent", n=n(silent)))
    if approx:
        sentences.append(ctx.t("bp_n_map_approx", n=n(approx)))
    callouts = [(n(located.height), ctx.t("bp_cap_located", n=n(villages.height))),
                (n(silent), ctx.t("bp_cap_silent")), (n(approx), ctx.t("bp_cap_approx"))]
    if top.height:
        callouts.insert(1, (top["village_name"][0], ctx.t("bp_cap_top_village", n=n(top["placements"][0]))))
    labels = {k: ctx.t(k) for k in ("bp_map_legend", "bp_map_size", "bp_map_scale", "map_not_reported",
                                     "map_basemap_attr")}
    slide = Slide("map", ctx.t("bp_title_map"), lines(sentences), callouts=callouts, provisional=ctx.provisional,
                  draw=lambda: static_map.png(villages, ctx.area, ctx.t("bp_fig_map"),
                                              f"{ctx.area_label}, {ctx.period}", lang, labels, ctx.source, *canvas))
    yes, no = ctx.t("bp_yes"), ctx.t("bp_no")
    sheet = villages.select(
        pl.col("village_code").alias(ctx.t("bp_col_village_code")),
        pl.col("village_name").alias(ctx.t("bp_col_village")),
        pl.col("subdistrict").alias(ctx.t("bp_col_subdistrict")),
        pl.col("lat").alias(ctx.t("bp_col_lat")), pl.col("lon").alias(ctx.t("bp_col_lon")),
        pl.when(pl.col("coords_exact")).then(pl.lit(yes)).otherwise(pl.lit(no)).alias(ctx.t("bp_col_exact")),
        pl.col("months_joined").alias(ctx.t("bp_col_months_joined")),
        pl.col("months_reported").alias(ctx.t("bp_col_months_reported")),
        pl.col("completeness").alias(ctx.t("bp_col_completeness")),
        pl.col("placements").alias(ctx.t("ov_col_placements")),
    )
    return slide, {ctx.t("bp_sheet_map"): sheet}


def data_choice(ctx: Context) -> str:
    """'Data: semua laporan yang diterima ...' or 'Data: hanya bulan kabupaten yang sudah disetujui peninjau.'
    (with why every figure is missing when no month of the range is approved)."""
    if ctx.nothing_approved:
        return f"{ctx.t('bp_data_approved')} {ctx.t('bp_no_approved')}"
    return ctx.t("bp_data_approved" if ctx.approved_only else "bp_data_all")


def notes_slide(ctx: Context, page: pillars.PillarPage, rp: reporting.Completeness,
                villages: pl.DataFrame) -> Slide:
    lang = ctx.lang
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    bullets = []
    # approved-only: a village whose reports all wait for approval is not silent (Kelengkapan's per-village counts)
    sent = rp.per_village.filter(pl.col("unapproved") > 0)["village_code"].to_list()
    silent = villages.filter((pl.col("months_joined") > 0) & (pl.col("months_reported") == 0),
                             ~pl.col("village_code").is_in(sent))
    if silent.height:
        bullets.append(ctx.t("bp_note_silent", period=ctx.period, n=n(silent.height),
                             names=names_list(silent["village_name"].to_list(), ctx)))
    elif villages.filter(pl.col("months_joined") > 0).height:
        bullets.append(ctx.t("bp_note_all_reported", period=ctx.period))
    # the metric layer's counts (Kelengkapan's): not reported after the deadline, and in but not approved
    expected, missing, unapproved = (int(rp.trend[c].sum() or 0) for c in ("joined", "missing", "unapproved"))
    if missing:
        bullets.append(ctx.t("bp_note_missing_reports", missing=n(missing), expected=n(expected)))
    if unapproved:
        bullets.append(ctx.t("bp_note_unapproved", n=n(unapproved)))
    if rp.not_reported.height:
        bullets.append(ctx.t("bp_note_missing_last", month=formatting.month(rp.latest, lang),
                             n=n(rp.not_reported.height),
                             names=names_list(rp.not_reported[ctx.t("rp_village")].to_list(), ctx)))
    empty = [formatting.month(r["period"], lang) for r in rp.trend.iter_rows(named=True)
             if r["joined"] and not r["reported"] and not r.get("unapproved")]
    if empty:
        bullets.append(ctx.t("bp_note_months_empty", months=", ".join(empty)))
    unreported = [pillars.indicator_name(code, lang) for view in page.pillars.values() for code in view.codes
                  if view.kpis[code].value is None]
    if unreported:
        bullets.append(ctx.t("bp_note_indicators", names=names_list(unreported, ctx, 30)))
    approx = villages.filter(~pl.col("coords_exact")).height
    if approx:
        bullets.append(ctx.t("bp_note_approx", n=n(approx)))
    bullets.insert(0, data_choice(ctx))
    if ctx.provisional:  # the range includes a month whose deadline has not passed
        bullets.insert(0, ctx.t("bp_provisional"))
    bullets += [ctx.t("bp_note_missing_sign"), ctx.t("bp_note_rules"), ctx.t("map_basemap_attr") + "."]
    if ctx.demo:
        bullets.append(ctx.t("demo_note"))
    bullets.append(ctx.t("bp_note_source", date=ctx.as_of))
    notes = lines([ctx.t("bp_n_notes_intro", area=ctx.area_label, period=ctx.period)] + bullets)
    return Slide("notes", ctx.t("bp_title_notes"), notes, bullets=bullets, provisional=ctx.provisional)
