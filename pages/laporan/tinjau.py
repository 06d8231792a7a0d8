"""Tinjau: a district's month submitted by its coordinator, approved or returned with a reason by a reviewer, unlocked."""
import streamlit as st

from pipelines import formatting
from pipelines.review import transitions
from pipelines.views import review
from ui import page, widgets
from ui.cache import data
from ui.i18n import t
from ui.state import connection

p = page.setup("page_review", __file__, with_filters=False)
L = p.lang
tj = data(review.model, p.sel, L, district=st.session_state.get("rv_district"), month=st.session_state.get("rv_month"))
if not tj.districts:
    st.info(t("rv_no_scope"), icon=":material/lock:")
    st.stop()
st.caption(t("rv_intro"))

done = st.session_state.pop("rv_done", None)
if done:
    st.success(done, icon=":material/task_alt:")  # built from registry names, never from typed text
if tj.waiting:
    st.info(tj.waiting, icon=":material/pending_actions:")

cols = st.columns([3, 2])
district = cols[0].selectbox(t("rv_district"), list(tj.districts), format_func=tj.districts.get, key="rv_district",
                             index=list(tj.districts).index(tj.district))
month = cols[1].selectbox(t("rv_month"), tj.months, format_func=lambda m: formatting.month(m, L), key="rv_month",
                          index=tj.months.index(tj.month))

m = tj.review
s = m.state
st.subheader(f"{review.STATE_ICONS[s.state]} {tj.state_label}")
if s.changed_by:
    st.markdown(t("rv_changed").format(by=formatting.plain(s.changed_by), at=transitions.at_text(s.changed_at, L)))
if s.reason:
    st.markdown(t("rv_reason_shown").format(reason=formatting.plain(s.reason)))
if m.lock_message:
    st.warning(m.lock_message, icon=":material/lock:")

cols = st.columns(3)
cols[0].metric(t("rv_joined"), formatting.number(m.villages.height, L))
cols[1].metric(t("rv_reported"), formatting.number(tj.reported, L))
cols[2].metric(t("rv_open_findings"), formatting.number(len(m.open_findings), L))
if m.open_findings:
    st.caption(t("rv_open_findings_note"))
widgets.dataframe(tj.villages, key="rv_villages")
if m.officers_hidden:
    st.caption(t("officers_hidden"))


def _act(action: str, reason: str = "", missing: dict | None = None) -> None:
    try:
        result = transitions.act(connection(), p.sel.user, action, tj.district, tj.month, reason, missing)
    except transitions.Refused as exc:
        st.error(str(exc), icon=":material/block:")
        return
    st.session_state["rv_done"] = result.message
    st.rerun()


if not m.actions:
    st.caption(t("rv_no_action"))
if "submit" in m.actions:
    with st.form("rv_submit_form"):
        st.markdown(f"#### {t('rv_submit_head')}")
        absent = m.villages.filter(~m.villages["reported"])
        reasons = {}
        if absent.height:
            st.caption(t("rv_missing_note"))
        for code, name in absent.select("village_code", "village_name").iter_rows():
            reasons[code] = st.text_input(t("rv_missing_reason").format(village=f"{name} ({code})"),
                                          value=m.missing_reasons.get(code, ""), key=f"rv_missing_{code}",
                                          max_chars=300)
        note = st.text_input(t("rv_note"), key="rv_note", max_chars=500)
        if st.form_submit_button(t("rv_submit"), type="primary", icon=":material/send:"):
            _act("submit", note, reasons)
if "approve" in m.actions or "return" in m.actions:
    st.markdown(f"#### {t('rv_decide_head')}")
    reason = st.text_area(t("rv_return_reason"), key="rv_return_reason", max_chars=1000)
    cols = st.columns(2)
    if cols[0].button(t("rv_approve"), type="primary", key="rv_approve", icon=":material/verified:"):
        _act("approve")
    if cols[1].button(t("rv_return"), key="rv_return", icon=":material/undo:"):
        _act("return", reason)
if "unlock" in m.actions:
    st.markdown(f"#### {t('rv_unlock_head')}")
    why = st.text_input(t("rv_unlock_reason"), key="rv_unlock_reason", max_chars=500)
    if st.button(t("rv_unlock"), key="rv_unlock", icon=":material/lock_open:"):
        _act("unlock", why)

st.markdown(f"#### {t('rv_history')}")
if m.events.is_empty():
    st.caption(t("rv_history_none"))
else:
    st.dataframe(tj.events, hide_index=True, width="stretch", key="rv_events")
