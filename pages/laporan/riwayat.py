"""Riwayat: every uploaded version per district and village, two versions side by side, the original files."""
import streamlit as st

from pipelines import formatting
from pipelines.views import history
from ui import page
from ui.cache import data
from ui.i18n import t
from ui.state import connection

p = page.setup("page_history", with_filters=False)  # the model shows each role its own scope (none: a notice)
L, state = p.lang, st.session_state
detail = state.get("hi_pick")
h = data(history.model, p.sel, L, district=state.get("hi_district"), village=state.get("hi_village"),
         month=state.get("hi_month"), current_only=bool(state.get("hi_current_only")), detail=detail,
         a=state.get(f"hi_a_{detail}"), b=state.get(f"hi_b_{detail}"), only_changed=bool(state.get("hi_only_changed")))
if not h.districts:
    st.info(t("hi_no_scope"), icon=":material/lock:")
    st.stop()
st.caption(t("hi_intro"))
for line in h.notices:
    st.warning(line, icon=":material/undo:")

# ---------------------------------------------------------------- filters
cols = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
cols[0].selectbox(t("hi_district"), list(h.districts), key="hi_district", format_func=h.districts.get,
                  index=list(h.districts).index(h.district))
cols[1].selectbox(t("hi_village"), list(h.villages), key="hi_village", format_func=h.villages.get,
                  index=list(h.villages).index(h.village))
ALL = t("hi_all")  # looked up now, not inside format_func (which may run outside this script)
cols[2].selectbox(t("hi_month"), h.months, key="hi_month", index=h.months.index(h.month),
                  format_func=lambda m: formatting.month(m, L) if m else ALL)
cols[3].checkbox(t("hi_current_only"), key="hi_current_only")

cols = st.columns(3)
for col, key, n in zip(cols, ("hi_versions", "hi_village_months", "hi_resubmissions"), h.counts):
    col.metric(t(key), formatting.number(n, L))
if h.table is None:
    st.info(t("hi_empty"))
    st.stop()
st.dataframe(h.table, hide_index=True, width="stretch", key="hi_table")
if h.more:
    st.caption(h.more)

# ---------------------------------------------------------------- one village-month: versions, compare, originals
st.subheader(t("hi_detail"))
if h.capped:
    st.caption(h.capped)
picked = st.selectbox(t("hi_detail_pick"), list(h.details), key="hi_pick", format_func=h.details.get,
                      index=list(h.details).index(h.detail))
st.markdown(h.state_line)
st.dataframe(h.versions, hide_index=True, width="stretch", key="hi_versions_table")

ids = list(h.version_labels)
cols = st.columns([3, 2], vertical_alignment="bottom")
sid = cols[0].selectbox(t("hi_original_pick"), ids[::-1], key=f"hi_original_{picked}", format_func=h.version_labels.get)
got = history.original(connection(), p.sel.user, sid)  # the file itself, read on demand and never cached
if got:
    cols[1].download_button(t("hi_original_download"), data=got[1], file_name=got[0], icon=":material/download:",
                            on_click="ignore", key="hi_original_download",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
else:
    cols[1].caption(t("hi_original_missing"))

if h.compare is None:
    st.caption(t("hi_single_version"))
else:
    st.markdown(f"#### {t('hi_compare')}")
    cols = st.columns(2)
    cols[0].selectbox(t("hi_version_a"), ids, index=ids.index(h.a), key=f"hi_a_{picked}", format_func=h.version_labels.get)
    cols[1].selectbox(t("hi_version_b"), ids, index=ids.index(h.b), key=f"hi_b_{picked}", format_func=h.version_labels.get)
    st.caption(t("hi_compare_note").format(n=h.changed))
    st.toggle(t("hi_only_changed"), key="hi_only_changed")
    mark = t("hi_col_changed")
    st.dataframe(h.compare.to_pandas().style.apply(
        lambda row: ["background-color: #FFF3CD" if row[mark] else "" for _ in row], axis=1),
        hide_index=True, width="stretch", height=38 + 35 * h.compare.height, key="hi_compare_table")
