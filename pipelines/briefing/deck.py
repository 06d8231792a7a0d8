"""Writing the PPTX: 16:9 slides with one native chart (or the map's picture) each, a side panel, footer and notes."""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from pipelines import charts, settings
from pipelines.briefing import native
from pipelines.briefing.context import Context
from pipelines.briefing.slides import Slide, data_choice
from pipelines.briefing.text import clean
from pipelines.views import reporting

# --- slide geometry (EMU; 914400 per inch) -------------------------------------------------------
SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)          # 13.333 x 7.5 in: 16:9
PICTURE = (Inches(0.45), Inches(1.3), Emu(8193024), Emu(4608576))  # left, top, 8.96 x 5.04 in (16:9)
CHART = PICTURE[:3] + (PICTURE[3] - Inches(0.3),)                   # a native chart, its source line under it
PANEL = (Inches(9.61), Inches(1.3), Inches(3.27), Emu(4608576))    # right of the picture
TITLE_BOX = (Inches(0.45), Inches(0.3), Inches(10.2), Inches(0.8))  # leaves room for the 'sementara' tag
BADGE = (Inches(10.78), Inches(0.45), Inches(2.1), Inches(0.5))     # top right: 'SEMENTARA'
FOOTER_TOP = Inches(6.95)
INK, MUTED, ACCENT, DEMO = "222222", "555555", charts.PALETTE[0][1:], charts.PALETTE[3][1:]
CARD_FILL, ROW_FILL, BADGE_FILL, BADGE_INK = "EEF4FA", "F4F6F8", "FFF1D6", "7A4B00"
FONT_NAME = "Arial"        # on every computer (LibreOffice: the metric-compatible Liberation Sans); as the charts


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _run(paragraph, text: str, size: float, colour: str, bold: bool = False):
    run = paragraph.add_run()
    run.text = clean(text)  # workbook text may hold XML-illegal control characters
    run.font.name, run.font.size, run.font.bold, run.font.color.rgb = FONT_NAME, Pt(size), bold, _rgb(colour)
    return run


def _paragraph(frame, text: str, size: float, colour: str = INK, bold: bool = False, first: bool = False,
               align=PP_ALIGN.LEFT, space_after: float = 0):
    p = frame.paragraphs[0] if first else frame.add_paragraph()
    p.alignment = align
    p.space_after = Pt(space_after)
    _run(p, text, size, colour, bold)
    return p


def _textbox(slide, box, lines: list[tuple[str, float, str, bool]], align=PP_ALIGN.LEFT,
             anchor=MSO_ANCHOR.TOP, space_after: float = 0):
    """A text box of (text, size pt, colour, bold) paragraphs."""
    shape = slide.shapes.add_textbox(*box)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for i, (text, size, colour, bold) in enumerate(lines):
        _paragraph(frame, text, size, colour, bold, first=i == 0, align=align, space_after=space_after)
    return shape


def _set_title(slide, text: str, box=TITLE_BOX, size: float = 30) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = box
    frame = title.text_frame
    frame.clear()
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    p = frame.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    _run(p, text, size if len(text) <= 48 else 24, INK, bold=True)  # a long survey name stays on the slide


def _rectangle(slide, box, colour: str, rounded: bool = False):
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE, *box)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    shape.line.fill.background()
    style = shape._element.find(qn("p:style"))  # the theme style adds a shadow and white text
    if style is not None:
        shape._element.remove(style)
    if rounded:
        shape.adjustments[0] = 0.06
    return shape


def _badge(slide, ctx: Context) -> None:
    """'SEMENTARA' at the top right of a slide whose figures include a month not past its deadline."""
    box = _rectangle(slide, BADGE, BADGE_FILL, rounded=True)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = frame.margin_right = Inches(0.08)
    _paragraph(frame, ctx.t("sementara").upper(), 14, BADGE_INK, bold=True, first=True, align=PP_ALIGN.CENTER)


def _footer(slide, ctx: Context, number: int, total: int) -> None:
    left = f"{ctx.t('app_title')} · {ctx.area_label} · {ctx.period}"
    box = (Inches(0.45), FOOTER_TOP, Inches(10.5), Inches(0.35))
    shape = _textbox(slide, box, [(left, 11, MUTED, False)])
    if ctx.demo:
        _run(shape.text_frame.paragraphs[0], f"  ·  {ctx.t('bp_footer_demo')}", 11, DEMO, bold=True)
    _textbox(slide, (Inches(11.4), FOOTER_TOP, Inches(1.48), Inches(0.35)), [(f"{number} / {total}", 11, MUTED, False)],
             align=PP_ALIGN.RIGHT)


def _write_title_slide(prs, ctx: Context) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    _rectangle(slide, (0, 0, Inches(0.3), SLIDE_H), ACCENT)
    _textbox(slide, (Inches(0.9), Inches(1.1), Inches(11.5), Inches(0.6)), [(ctx.t("bp_meeting"), 22, ACCENT, True)])
    _set_title(slide, ctx.area_label, (Inches(0.9), Inches(1.75), Inches(11.9), Inches(1.5)), size=48)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (Inches(0.9), Inches(3.3), Inches(11.5),
                                                                    Inches(2.2))
    frame = subtitle.text_frame
    frame.clear()
    frame.word_wrap = True
    _paragraph(frame, ctx.t("bp_pack_period", period=ctx.period), 26, INK, first=True)
    _paragraph(frame, ctx.t("bp_prepared", date=reporting.long_date(settings.today(), ctx.lang), as_of=ctx.as_of),
               18, MUTED)
    _paragraph(frame, ctx.version_line(), 16, MUTED)  # the figures can be rebuilt as of this version (--as-of)
    # which data the figures count, and whether they can still grow: said before any figure is shown
    choice = data_choice(ctx)
    _paragraph(frame, choice, 18 if len(choice) <= 100 else 16, INK if ctx.approved_only else MUTED,
               bold=ctx.approved_only)
    if ctx.provisional:
        _paragraph(frame, ctx.t("bp_provisional"), 16, BADGE_INK, bold=True)
    if ctx.demo:
        box = _rectangle(slide, (Inches(0.9), Inches(5.6), Inches(11.5), Inches(0.7)), "FBE9E1", rounded=True)
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        _paragraph(frame, ctx.t("bp_demo_short"), 18, DEMO, bold=True, first=True)
    _textbox(slide, (Inches(0.9), Inches(6.6), Inches(11.5), Inches(0.4)),
             [(f"{ctx.t('app_title')} · {ctx.t('bp_title_notes')}: {ctx.t('bp_note_missing_sign')}", 12, MUTED,
               False)])


def _write_cards(slide, s: Slide) -> None:
    gap, row_gap = Inches(0.2), Inches(0.12)
    width = int((Inches(12.43) - 3 * gap) / 4)
    height = Inches(1.75)
    top = Inches(1.3)
    for i, (label, value, note, change) in enumerate(s.cards):
        row, col = divmod(i, 4)
        box = (Inches(0.45) + col * (width + gap), top + row * (height + row_gap), width, height)
        card = _rectangle(slide, box, CARD_FILL, rounded=True)
        frame = card.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Inches(0.15)
        frame.margin_top = Inches(0.08)
        _paragraph(frame, label, 13, MUTED, first=True)
        _paragraph(frame, value, 30 if len(value) <= 8 else 22, ACCENT, bold=True)
        _paragraph(frame, note or " ", 12, INK)
        _paragraph(frame, change, 12, MUTED)
    _textbox(slide, (Inches(0.45) + 2 * (width + gap), top + 2 * (height + row_gap), 2 * width + gap,
                     height), [(s.footnote, 13, MUTED, False)], anchor=MSO_ANCHOR.BOTTOM)


def _write_callouts(slide, items: list[tuple[str, str]]) -> None:
    shape = slide.shapes.add_textbox(*PANEL)
    frame = shape.text_frame
    frame.word_wrap = True
    for i, (value, caption) in enumerate(items):
        _paragraph(frame, value, 26 if len(value) <= 16 else 20, ACCENT, bold=True, first=i == 0)
        _paragraph(frame, caption, 13, MUTED, space_after=14)


def _write_rows(slide, rows: list[tuple[str, str, str]], footnote: str = "") -> None:
    """The pillar table beside the chart: indicator | value over its short change, one row each; under it
    what the changes compare with."""
    left, top, width, height = PANEL
    row_h = min(Inches(0.56), int(height / max(len(rows), 1)))
    shape = slide.shapes.add_table(len(rows), 2, left, top, width, row_h * len(rows))
    table = shape.table
    table.first_row = table.horz_banding = False
    table.columns[0].width = Inches(1.75)
    table.columns[1].width = width - Inches(1.75)
    for r, (name, value, change) in enumerate(rows):
        table.rows[r].height = row_h
        # a long English indicator name takes three lines at 11 pt: 10 pt keeps the row its height
        for c, lines in enumerate(([(name, 11 if len(name) <= 36 else 10, INK, False)],
                                   [(value, 13, ACCENT, True)] + ([(change, 10, MUTED, False)] if change else []))):
            cell = table.cell(r, c)
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(ROW_FILL if r % 2 == 0 else "FFFFFF")
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame = cell.text_frame
            frame.word_wrap = True
            for i, (text, size, colour, bold) in enumerate(lines):
                _paragraph(frame, text, size, colour, bold, first=i == 0)
    if footnote:  # under the panel, level with the chart's bottom edge, above the footer
        _textbox(slide, (left, top + height + Inches(0.02), width, Inches(0.55)), [(footnote, 9, MUTED, False)])


def _write_chart(slide, chart: native.ChartSpec, ctx: Context) -> None:
    """The native chart in the picture's place, the source note under it, and across an empty chart
    what it lacks ('tidak dilaporkan', or 0)."""
    native.add(slide, chart, CHART)
    left, top, width, height = CHART
    _textbox(slide, (left, top + height, width, PICTURE[3] - height), [(ctx.source, 10, MUTED, False)],
             align=PP_ALIGN.RIGHT)
    if chart.empty:
        _textbox(slide, (left + int(width * 0.2), top + int(height * 0.4), int(width * 0.6), Inches(0.7)),
                 [(chart.empty, 22, MUTED, False)], align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE)


def _write_bullets(slide, bullets: list[str]) -> None:
    size = 16 if sum(len(b) for b in bullets) < 1400 else 13
    box = (Inches(0.45), Inches(1.3), Inches(12.43), Inches(5.5))
    shape = _textbox(slide, box, [(f"•  {b}", size, INK, False) for b in bullets], space_after=8)
    shape.text_frame.paragraphs[0].space_after = Pt(8)


def write(slides: list[Slide], ctx: Context) -> bytes:
    """The deck: 16:9, one picture per chart slide at PICTURE size, speaker notes on every content slide."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    props = prs.core_properties
    props.title = clean(f"{ctx.t('bp_meeting')}: {ctx.area_label}, {ctx.period}")
    props.author = props.last_modified_by = ctx.t("app_title")
    props.subject = clean(ctx.t("bp_pack_period", period=ctx.period))
    total = len(slides)
    for number, s in enumerate(slides, start=1):
        if s.kind == "title":
            _write_title_slide(prs, ctx)
            continue
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        _set_title(slide, s.title)
        _rectangle(slide, (Inches(0.45), Inches(1.08), Inches(1.2), Inches(0.06)), ACCENT)
        if s.provisional:
            _badge(slide, ctx)
        if s.png is not None:
            slide.shapes.add_picture(io.BytesIO(s.png), *PICTURE)
        if s.chart is not None:
            _write_chart(slide, s.chart, ctx)
        if s.cards:
            _write_cards(slide, s)
        if s.rows:
            _write_rows(slide, s.rows, s.footnote)
        if s.callouts:
            _write_callouts(slide, s.callouts)
        if s.bullets:
            _write_bullets(slide, s.bullets)
        _footer(slide, ctx, number, total)
        notes = s.notes
        if s.provisional and s.kind not in ("kpis", "notes"):  # those two already say it in their notes
            notes = f"{ctx.t('bp_provisional')}\n{notes}"
        slide.notes_slide.notes_text_frame.text = clean(notes)  # a paragraph per sentence in the presenter view
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
