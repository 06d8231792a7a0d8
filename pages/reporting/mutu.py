"""Mutu Data: completeness, timeliness, consistency rules, outliers and scores per village; the follow-up list."""
import streamlit as st

from pipelines import formatting
from pipelines.review import followup, quality
from pipelines.views import quality as desk_view
from ui import page, widgets
from ui.cache import data
from ui.i18n import t
from ui.state import connection

p = page.setup("page_quality", __file__)
sel, L = p.sel, p.lang
d = data(desk_view.model, sel, L)
st.caption(t("mq_intro"))
if d.scope.empty:
    st.info(t("mq_outside").format(area=formatting.md(sel.area_label)), icon=":material/lock:")
    st.stop()
if d.scope_names:
    st.caption(t("mq_narrowed").format(areas=", ".join(formatting.md(n) for n in d.scope_names)))

done = st.session_state.pop("mq_done", None)
if done:
    st.success(done, icon=":material/task_alt:")

# ---------------------------------------------------------------- completeness, timeliness, consistency
st.subheader(t("mq_summary"))
widgets.table(d.shown["summary"], "mutu-kabupaten", key="mq-summary")
st.caption(t("mq_summary_note"))

# ---------------------------------------------------------------- findings
st.subheader(t("mq_findings"))
cols = st.columns(3)
cols[0].metric(t("mq_findings_all"), formatting.number(d.findings.height, L))
cols[1].metric(t("mq_findings_open"), formatting.number(d.open_findings, L))
cols[2].metric(t("mq_findings_checked"), formatting.number(d.findings.height - d.open_findings, L))
with st.expander(t("mq_rules")):
    for rule, help_text in d.rules:
        st.markdown(f"**{rule}** · {help_text}")
if d.findings.is_empty():
    st.success(t("mq_no_findings"))
else:
    only_open = st.toggle(t("mq_only_open"), value=True, key="mq_only_open")
    widgets.table(d.shown["open" if only_open else "findings"], "temuan-mutu", key="mq-findings",
                  column_config={t("mq_col_help"): st.column_config.TextColumn(width="large")})
    if d.open_findings:
        with st.form("mq_check_form"):
            st.markdown(f"#### {t('mq_check_head')}")
            fid = st.selectbox(t("mq_check_pick"), list(d.check_choices), format_func=d.check_choices.get,
                               key="mq_check_pick")
            note = st.text_input(t("mq_check_note"), key="mq_check_note", max_chars=500)
            if st.form_submit_button(t("mq_check"), icon=":material/check:"):
                try:
                    quality.mark_checked(connection(), sel.user, fid, note)
                except quality.Refused:
                    st.error(t("mq_check_refused"), icon=":material/block:")
                except ValueError:
                    st.error(t("mq_check_need_note"))
                else:
                    st.session_state["mq_done"] = t("mq_check_done")
                    st.rerun()

# ---------------------------------------------------------------- scores
st.subheader(t("mq_scores"))
st.caption(t("mq_scores_note"))
widgets.table(d.shown["scores"], "skor-mutu-desa", key="mq-scores")

# ---------------------------------------------------------------- follow-up
st.subheader(t("mq_followup").format(month=formatting.month(d.as_of, L)))
if d.followup.is_empty():
    st.success(t("mq_followup_none"))
else:
    widgets.dataframe(d.shown["followup"], key="mq_followup_table")
    if d.officers_hidden:
        st.caption(t("officers_hidden"))
    st.download_button(t("mq_followup_xlsx"), data=lambda: followup.workbook(d.followup),
                       file_name=f"tindak-lanjut-{d.as_of:%Y-%m}.xlsx", icon=":material/table:", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="mq_followup_xlsx")
    st.text_area(t("mq_followup_message"), d.message, height=200, key="mq_followup_message")
