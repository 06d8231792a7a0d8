"""Paket Paparan: one click builds the briefing pack (PPTX with charts, map and speaker notes, and its XLSX)."""
import polars as pl
import streamlit as st

from pipelines import formatting
from pipelines.briefing import pack as briefing
from pipelines.briefing import page as pack_view
from pipelines.metrics import calendar
from ui import filters, page
from ui.cache import data, data_version
from ui.i18n import LANGS, t
from ui.state import connection

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUICK_MONTHS = (3, 6, 12)


def _quick_period(months: int) -> None:
    """The last `months` months up to the newest complete month; the sidebar pickers show it on this rerun."""
    end = filters.default_range()[1]
    st.session_state.update(f_start=calendar.add_months(end, 1 - months), f_end=end)


p = page.setup("page_briefing")
sel, L = p.sel, p.lang
m = data(pack_view.model, sel, L)
st.caption(t("bp_intro"))

newest = filters.default_range()[1]
st.markdown(f"**{t('bp_quick_period').format(month=formatting.month(newest, L))}**")
for col, months in zip(st.columns([1] * len(QUICK_MONTHS) + [3]), QUICK_MONTHS):
    col.button(t("bp_last_months").format(n=months), key=f"bp_last_{months}", on_click=_quick_period,
               args=(months,), width="stretch")

st.markdown(t("bp_selected").format(area=sel.area_label, period=sel.period_label))
# The pack counts the data the sidebar counts (&data=disetujui: approved district-months only); its title slide says which.
st.caption(t("bp_data_approved" if sel.approved_only else "bp_data_all"))
# The pack may be in the other language (partners at a Rakor): its labels then come from ui/labels.csv.
pack_lang = st.radio(t("bp_pack_lang"), list(LANGS), format_func=LANGS.get, horizontal=True, key="bp_lang",
                     index=list(LANGS).index(L))
pack_labels = m.labels if pack_lang == L else briefing.read_labels(pack_lang)
outline = m.outline
# Newest first: the current data; an older version rebuilds exactly the figures of then (pipelines.snapshot).
version = st.selectbox(t("bp_version_pick"), list(m.versions), format_func=m.versions.get, key="bp_version",
                       help=t("bp_version_help")) if m.versions else pack_view.NEWEST

st.subheader(t("bp_slides"))
include_col = t("bp_col_include")
# only the outline's own columns are read-only (insert_column works in place: on a clone, and after the list)
read_only = list(outline.columns)
chosen = st.data_editor(
    outline.clone().insert_column(0, pl.Series(include_col, [True] * outline.height)), hide_index=True,
    width="stretch", height=(outline.height + 1) * 35 + 3, key="bp_outline", disabled=read_only,
    column_config={include_col: st.column_config.CheckboxColumn(width="small"),
                   t("bp_col_no"): st.column_config.NumberColumn(width="small")})
st.caption(t("bp_include_hint"))
include = {n for n, keep in zip(chosen[t("bp_col_no")], chosen[include_col]) if keep}
# A built pack belongs to its area, period, language, slides and data version; any change asks for a new build.
wanted = (sel.area, sel.start, sel.end, pack_lang, tuple(sorted(include)), sel.approved_only, sel.compare,
          data_version(), version)
if not include:
    st.warning(t("bp_cli_bad_slides_page"), icon=":material/warning:")
elif st.button(t("bp_build"), type="primary", icon=":material/slideshow:", key="bp_build"):
    bar = st.progress(0.0, text=t("bp_building"))

    def _progress(done: int, total: int, message: str) -> None:
        bar.progress(done / total, text=f"{t('bp_building')} · {done}/{total} · {message}")

    # Built on the click, not cached: the progress bar follows each step.
    try:
        st.session_state["bp_pack"] = (wanted, briefing.build_as_of(
            connection(), sel.area, sel.start, sel.end, pack_lang, pack_labels, _progress, include,
            approved_only=sel.approved_only, compare=sel.compare, version=None if version == pack_view.NEWEST else version))
    except Exception as exc:  # a pack that cannot be built says why instead of a traceback
        st.error(t("bp_failed").format(error=exc), icon=":material/error:")
    bar.empty()

stored = st.session_state.get("bp_pack")
if stored and stored[0] == wanted:
    pack = stored[1]
    st.success(t("bp_ready").format(seconds=formatting.number(pack.seconds, L, 1), n=len(pack.slides)),
               icon=":material/check_circle:")
    st.caption(t("bp_version_used").format(version=pack.version, when=pack.version_at,
                                           today=formatting.day(pack.today, L)))
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(t("bp_download_pptx"), pack.pptx, file_name=f"{pack.file_stem}.pptx", mime=PPTX_MIME,
                         type="primary", icon=":material/slideshow:", on_click="ignore", key="bp_pptx",
                         width="stretch")
    right.download_button(t("bp_download_xlsx"), pack.xlsx, file_name=f"{pack.file_stem}.xlsx", mime=XLSX_MIME,
                          icon=":material/table:", on_click="ignore", key="bp_xlsx", width="stretch")

st.caption(t("bp_notes_hint"))
