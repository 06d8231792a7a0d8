"""The briefing pack ("Paket Paparan"): a 16:9 PPTX of an area and period with charts, map and notes, plus its XLSX.

The jobs live in small modules: context (area, period, labels), text (sentences and numbers), figures
(the pack's own charts), native (charts as native PowerPoint charts), slides (each slide's content),
tables (the sheets), deck (PPTX), workbook (XLSX), cli (`python -m pipelines.briefing`, which imports
this module). This module builds a pack from them.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from pipelines import settings, snapshot, versions
from pipelines.briefing import capaian_slides, deck, native, survey_slides, workbook
from pipelines.briefing import slides as content
from pipelines.briefing.charts import CANVAS, RENDER_SCALE
from pipelines.briefing.context import BriefingError, Context, make, read_labels  # noqa: F401
from pipelines.briefing.deck import PICTURE  # noqa: F401
from pipelines.briefing.slides import KINDS as SLIDE_KINDS
from pipelines.briefing.slides import KPI_ROWS, Slide
from pipelines.briefing.text import change_sentence, figure_sentence, file_stem, row_change  # noqa: F401
from pipelines.metrics import breakdown
from pipelines.metrics import facts as facts_mod
from pipelines.views import map_values, overview, pillars, reporting
from pipelines.views.selection import Selection

Progress = Callable[[int, int, str], None]

OWN_LABELS = (
    "bp_build", "bp_building", "bp_ready", "bp_download_pptx", "bp_download_xlsx", "bp_slides", "bp_col_no",
    "bp_col_slide", "bp_col_content", "bp_content_title", "bp_content_kpis", "bp_content_chart", "bp_content_map",
    "bp_content_notes", "bp_step_data", "bp_step_chart", "bp_step_pptx", "bp_step_xlsx", "bp_what_overview",
    "bp_what_pillars", "bp_what_flows", "bp_what_reporting", "bp_what_map", "bp_title_kpis", "bp_title_pillar",
    "bp_title_placements", "bp_title_destinations", "bp_title_sectors", "bp_title_returns",
    "bp_title_remit_countries", "bp_title_remit_channels", "bp_title_reporting", "bp_title_map", "bp_title_notes",
    "bp_meeting", "bp_pack_period", "bp_prepared", "bp_demo_short", "bp_footer_demo", "bp_vs", "bp_no_comparison",
    "bp_unit_desa", "bp_unit_laporan", "bp_up", "bp_down", "bp_up_from_zero", "bp_same", "bp_no_previous",
    "bp_not_reported", "bp_unchanged", "bp_no_match", "bp_coverage", "bp_vs_like", "bp_data_all",
    "bp_data_approved", "bp_no_approved", "bp_basis_months", "bp_basis_villages",
    "bp_n_kpis_intro", "bp_n_pillar_intro", "bp_n_pillar_compare", "bp_n_pillar_active", "bp_n_pillar_weakest",
    "bp_n_chart",
    "bp_n_placements", "bp_n_placements_missing", "bp_n_peak", "bp_n_months_missing", "bp_n_destinations",
    "bp_n_destinations_count", "bp_n_sectors", "bp_n_no_placements", "bp_item_people", "bp_item_money",
    "bp_n_returns", "bp_n_returns_missing", "bp_n_return_countries", "bp_n_remit", "bp_n_remit_missing",
    "bp_n_remit_countries", "bp_n_channels", "bp_n_reporting", "bp_n_reporting_none", "bp_n_reporting_avg", "bp_n_reporting_open",
    "bp_n_reporting_unapproved", "bp_note_unapproved",
    "bp_n_map", "bp_n_map_top", "bp_n_map_approx", "bp_n_map_silent", "bp_cap_placements", "bp_cap_women",
    "bp_cap_men", "bp_cap_peak", "bp_cap_countries", "bp_cap_people_share", "bp_cap_money_share", "bp_cap_returns",
    "bp_cap_problem", "bp_cap_top_origin", "bp_cap_remittances", "bp_cap_transactions", "bp_cap_average",
    "bp_cap_completeness", "bp_cap_average_completeness", "bp_cap_located", "bp_cap_approx", "bp_cap_silent",
    "bp_cap_top_village", "bp_fig_sectors", "bp_fig_returns", "bp_fig_remit_countries", "bp_fig_remit_channels",
    "bp_fig_map", "bp_returned_ok", "bp_returned_problem", "bp_map_legend", "bp_map_size", "bp_map_scale",
    "bp_note_silent",
    "bp_note_all_reported", "bp_note_missing_reports", "bp_note_missing_last", "bp_note_months_empty",
    "bp_note_indicators", "bp_note_missing_sign", "bp_note_rules", "bp_note_source", "bp_note_approx",
    "bp_n_notes_intro", "bp_more", "bp_sheet_kpis", "bp_sheet_pillar", "bp_sheet_pillar_trend",
    "bp_sheet_placements", "bp_sheet_destinations", "bp_sheet_sectors", "bp_sheet_returns",
    "bp_sheet_return_countries", "bp_sheet_remit_countries", "bp_sheet_remit_channels", "bp_sheet_reporting",
    "bp_sheet_not_reported", "bp_sheet_map", "bp_sheet_notes", "bp_provisional", "sementara", "filter_provisional",
    "bp_col_figure", "bp_col_value", "bp_col_previous", "bp_col_change", "bp_col_matched_now", "bp_col_coverage",
    "bp_col_note", "bp_col_code", "bp_col_indicator", "bp_col_unit", "bp_col_kind", "bp_col_sector",
    "bp_col_channel", "bp_col_amount", "bp_col_share", "bp_col_share_women", "bp_col_share_problem",
    "bp_col_village_code", "bp_col_village", "bp_col_subdistrict", "bp_col_lat", "bp_col_lon", "bp_col_exact",
    "bp_col_months_joined", "bp_col_months_reported", "bp_col_completeness", "bp_yes", "bp_no",
    "bp_data_version", "bp_rebuild",
)
# Every label the pack uses: its own and those of the page models it reuses. A page passes
# {key: t(key)}; the command line reads ui/labels.csv (read_labels).
LABEL_KEYS = tuple(dict.fromkeys(
    OWN_LABELS + overview.LABELS + pillars.LABELS + reporting.LABEL_KEYS
    + tuple(f"ov_kpi_{k}" for row in KPI_ROWS for k in row)
    + ("ov_compared_with", "ov_col_transactions", "ov_col_with_problem", "map_not_reported", "map_basemap_attr",
       "demo_note", "app_title", "source_note")))


@dataclass(frozen=True)
class SlideInfo:
    number: int
    kind: str
    title: str
    pictures: int
    charts: int = 0


@dataclass
class Pack:
    """A built briefing pack: the files' bytes and what they hold."""
    pptx: bytes
    xlsx: bytes
    slides: list[SlideInfo]
    sheets: list[str]
    seconds: float
    file_stem: str            # 'paparan-kabupaten-ponorogo-2026-05-2026-10-v57'
    approved_only: bool = False
    version: int = 0          # the data version it was built from
    today: date | None = None  # the reference date it was built with (due months, 'sementara')
    version_at: str = ""      # when that version was made, in the pack's language


def outline(con, area: str, start, end, lang: str = "id", labels: Mapping[str, str] | None = None) -> pl.DataFrame:
    """The slides a pack will hold (no., slide title, content), cheap enough for every page run."""
    ctx = make(con, area, start, end, lang, labels)
    kinds = {"title": "bp_content_title", "kpis": "bp_content_kpis", "map": "bp_content_map",
             "notes": "bp_content_notes"}
    return pl.DataFrame({
        ctx.t("bp_col_no"): list(range(1, len(SLIDE_KINDS) + 1)),
        ctx.t("bp_col_slide"): content.titles(ctx),
        ctx.t("bp_col_content"): [ctx.t(kinds.get(k, "bp_content_chart")) for k in SLIDE_KINDS],
    })


def build(con, area: str, start, end, lang: str = "id", labels: Mapping[str, str] | None = None,
          progress: Progress | None = None, include: set[int] | None = None, approved_only: bool = False,
          compare: str = "yoy") -> Pack:
    """The briefing pack of an area ('' national, else a Kemendagri code) and month range.

    progress(done, total, message) is called after every step. include: the outline's slide numbers
    to keep (None: all); the XLSX keeps every table. approved_only: count only district-months a
    reviewer approved (the sidebar's '&data=disetujui'); the title slide says which data it counts.
    compare: what every change compares with, as the sidebar's '&banding=' ('yoy' the same months a
    year earlier, 'prev' the period just before).
    Raises BriefingError for an unknown area, a range whose start is after its end, an unknown
    comparison ('compare') or no slide left ('slides').
    """
    if include is not None and not set(include) & set(range(1, len(SLIDE_KINDS) + 1)):
        raise BriefingError("slides", "no slide chosen")
    began = time.perf_counter()
    ctx = make(con, area, start, end, lang, labels, approved_only, compare)
    kept = [i for i in range(1, len(SLIDE_KINDS) + 1) if include is None or i in include]
    steps = 5 + sum(1 for i in kept if SLIDE_KINDS[i - 1] not in ("title", "kpis", "notes")) + 2
    done = 0

    def step(message: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, steps, message)

    only = dict(approved_only=ctx.approved_only)
    # the pages' own models, on the pack's selection and in its language (the pack's labels)
    sel = Selection(ctx.area, ctx.start, ctx.end, ctx.compare, ctx.approved_only)
    ov = overview.model(con, sel, lang, ctx.labels)
    ctx.provisional = bool(ov.provisional)
    ctx.nothing_approved = ctx.approved_only and not ov.kpis["reported"].value  # every figure would be '–'
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_overview")))
    page = pillars.model(con, sel, lang, ctx.labels)
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_pillars")))
    # the data-sheet breakdowns rest on the same counted village-months as every other figure
    facts = facts_mod.load(*ctx.args, **only)
    placed = breakdown.by(con, facts, "placements", ["period", "country_iso2", "sector", "sex"])
    returns_by_month = breakdown.by(con, facts, "returns", ["period"])
    returns_by_country = breakdown.by(con, facts, "returns", ["country_iso2"])
    remit_by_country = breakdown.by(con, facts, "remittances", ["country_iso2"])
    remit_by_channel = breakdown.by(con, facts, "remittances", ["channel"])
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_flows")))
    rp = reporting.model(con, sel, lang, ctx.labels)
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_reporting")))
    villages = map_values.village_values(*ctx.args, **only)
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_map")))

    kpi_slide, kpi_table = content.kpi_slide(ctx, ov)
    pillar_slides, pillar_sheets = content.pillar_slides(ctx, page)
    placement_slides, placement_sheets = content.placement_slides(ctx, ov, placed)
    return_slide, return_sheets = content.return_slide(ctx, ov, returns_by_month, returns_by_country)
    remit_slides, remit_sheets = content.remittance_slides(ctx, ov, remit_by_country, remit_by_channel)
    reporting_slide, reporting_sheets = content.reporting_slide(ctx, rp)
    map_slide, map_sheets = content.map_slide(ctx, villages, ov.kpis["placements"], (*CANVAS, RENDER_SCALE))
    notes_slide = content.notes_slide(ctx, page, rp, villages)
    slides = ([content.title_slide(ctx), kpi_slide] + pillar_slides + placement_slides + [return_slide]
              + remit_slides + [reporting_slide, map_slide, notes_slide])
    slides = [s for i, s in enumerate(slides, start=1) if i in kept]
    extra_slides, extra_sheets = survey_slides.slides(ctx, Slide)  # optional survey and cohort slides
    # the area's capaian, when the range is a government period with targets: after the headline figures
    capaian, capaian_sheets = capaian_slides.slides(ctx, Slide)
    after = next((i + 1 for i, s in enumerate(slides) if s.kind == "kpis"), min(1, len(slides)))
    slides[after:after] = capaian
    at = len(slides) - 1 if slides[-1].kind == "notes" else len(slides)  # before the notes, else last
    slides[at:at] = extra_slides

    # Charts become native PowerPoint charts and the map a matplotlib picture: no browser anywhere.
    marks = {"sementara": ctx.t("sementara")}
    for s in slides:
        if s.figure is not None:
            s.chart = native.spec(s.figure, ctx.lang, marks)
            step(ctx.t("bp_step_chart", what=s.title))
        elif s.draw is not None:
            s.png = s.draw()
            step(ctx.t("bp_step_chart", what=s.title))

    pptx = deck.write(slides, ctx)
    step(ctx.t("bp_step_pptx"))
    sheets = {ctx.t("bp_sheet_kpis"): kpi_table, **pillar_sheets, **placement_sheets, **return_sheets,
              **remit_sheets, **reporting_sheets, **map_sheets, **capaian_sheets, **extra_sheets}
    xlsx = workbook.write(sheets, [ctx.t("bp_title_notes") + f": {ctx.area_label}, {ctx.period}", ctx.version_line(),
                                   ctx.t("bp_rebuild", command=rebuild_command(ctx, kept))]
                          + notes_slide.bullets, ctx.t("bp_sheet_notes"))
    step(ctx.t("bp_step_xlsx"))
    infos = [SlideInfo(i, s.kind, s.title, int(s.png is not None), int(s.chart is not None))
             for i, s in enumerate(slides, start=1)]
    return Pack(pptx, xlsx, infos, list(sheets), time.perf_counter() - began,
                file_stem(ctx.area_label, ctx.start, ctx.end, ctx.version), ctx.approved_only, ctx.version,
                settings.today(), ctx.version_at)


def rebuild_command(ctx: Context, kept: list[int]) -> str:
    """The command that rebuilds this pack's figures later, whatever was written since (named in the XLSX notes)."""
    parts = ["python -m pipelines.briefing", f"--area {ctx.area or 'nasional'}", f"--from {ctx.start:%Y-%m}",
             f"--to {ctx.end:%Y-%m}", f"--as-of {ctx.version}", f"--today {settings.today():%Y-%m-%d}"]
    if ctx.lang != "id":
        parts.append(f"--lang {ctx.lang}")
    if ctx.compare != "yoy":
        parts.append(f"--banding {ctx.compare}")
    if ctx.approved_only:
        parts.append("--approved-only")
    skipped = [n for n in range(1, len(SLIDE_KINDS) + 1) if n not in kept]
    if skipped:
        parts.append("--skip " + ",".join(map(str, skipped)))
    return " ".join(parts) + " --out paket.pptx"


def build_as_of(con, area: str, start, end, lang: str = "id", labels: Mapping[str, str] | None = None,
                progress: Progress | None = None, include: set[int] | None = None, approved_only: bool = False,
                compare: str = "yoy", version: int | None = None, today: date | None = None) -> Pack:
    """build() as of data version `version` (None: the current one), with today() pinned to `today`.

    An earlier version is rebuilt from an in-memory snapshot of the warehouse as it stood then
    (pipelines.snapshot), with today() = `today`, by default snapshot.reference_day (PANTAU_TODAY when
    set, else the day that version was made). The current version is built on `con` itself; when a
    write lands during the build the figures may mix two versions, so it is built again from the
    snapshot of the version it started on. Raises snapshot.VersionError for a future or unknown version."""
    if version is None:
        before = versions.current(con)
        day = today or settings.today()
        with settings.pinned_today(day):
            pack = build(con, area, start, end, lang, labels, progress, include, approved_only, compare)
        if versions.current(con) == before:
            return pack
        version, today = before, day
    made = snapshot.check(con, version)
    with snapshot.opened(con, version) as past, settings.pinned_today(today or snapshot.reference_day(made)):
        return build(past, area, start, end, lang, labels, progress, include, approved_only, compare)
