"""Unggah Laporan: template download, many workbooks validated at once, diffs of re-submissions, confirmed load."""
import streamlit as st

from pipelines import formatting
from pipelines.views import upload
from ui import page, uploads
from ui.cache import data
from ui.i18n import t
from ui.state import connection

p = page.setup("page_upload", with_filters=False)  # the model tells who may upload (others: a notice)
L, user = p.lang, p.sel.user
st.session_state.setdefault("up_round", 0)
files, lost = uploads.held(f"up_files_{st.session_state['up_round']}")
pairs = tuple((f.name, f.getvalue()) for f in files)
if pairs:
    with st.spinner(t("up_checking")):
        u = data(upload.model, p.sel, L, files=pairs)
else:
    u = data(upload.model, p.sel, L)
if user is None:
    st.info(t("up_login_needed"))
    st.stop()
if not u.may_upload:
    st.info(t("up_view_only"), icon=":material/visibility:")
    st.stop()
st.caption(u.intro)
for line in u.notices:
    st.warning(line, icon=":material/undo:")

# ---------------------------------------------------------------- template
st.subheader(t("up_template"))
cols = st.columns([3, 2, 2], vertical_alignment="bottom")
code = cols[0].selectbox(t("up_template_village"), list(u.templates), key="up_tpl_village", format_func=u.templates.get)
month = cols[1].selectbox(t("up_template_month"), u.months, key="up_tpl_month",
                          format_func=lambda m: formatting.month(m, L))
period = month.strftime("%Y-%m") if code else None
cols[2].download_button(
    t("up_template_download"), icon=":material/download:", on_click="ignore", key="up_tpl_download",
    data=lambda: upload.template_bytes(connection(), user, code or None, period),
    file_name=f"laporan-{code}-{period}.xlsx" if code else "templat-laporan-desmigratif.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# ---------------------------------------------------------------- upload and check
st.subheader(t("up_files_head"))
files = st.file_uploader(t("up_files"), type=["xlsx"], accept_multiple_files=True,
                         key=f"up_files_{st.session_state['up_round']}", help=t("up_files_help"))
if lost:  # the replica that held them died: say so, and how to learn what landed
    st.warning(t("up_files_lost").format(n=formatting.number(lost, L)), icon=":material/sync_problem:")

done = st.session_state.get("up_summary")
if done and not files:
    st.success(t("up_done").format(**upload.summary(done)), icon=":material/task_alt:")
    st.dataframe(upload.done_table(done, u.names, L), hide_index=True, width="stretch")
    st.caption(t("up_done_note"))

if files:
    st.session_state.pop("up_summary", None)
    preview = u.preview
    counts = preview.counts()
    cols = st.columns(4)
    for col, o in zip(cols, upload.OUTCOMES):
        col.metric(t(f"up_outcome_{o}"), formatting.number(counts[o], L))
    st.dataframe(u.status, hide_index=True, width="stretch", key="up_status")

    if u.findings.height:
        st.markdown(f"#### {t('up_findings')}")
        st.caption(t("up_findings_note"))
        st.dataframe(u.findings, hide_index=True, width="stretch",
                     key="up_findings_table", column_config={t("up_col_message"): st.column_config.TextColumn(
                         width="large")})
        st.download_button(t("up_findings_download"), icon=":material/table:", on_click="ignore",
                           key="up_findings_download", data=lambda: upload.error_workbook(preview.results()),
                           file_name="galat-laporan-desmigratif.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    if u.diffs:
        st.markdown(f"#### {t('up_diffs')}")
        for heading, changes, key in u.diffs:
            st.markdown(heading)
            if changes is None:
                st.caption(t("up_diff_none"))
            else:
                st.dataframe(changes, hide_index=True, width="stretch", key=key)

    chosen = [pairs[i] for i in u.loadable]
    if not chosen:
        st.info(t("up_nothing_to_load"))
    elif st.button(t("up_confirm").format(n=len(chosen)), type="primary", key="up_confirm",
                   icon=":material/cloud_upload:"):
        bar = st.progress(0.0, text=t("up_loading"))
        results = upload.confirm(connection(), list(chosen), user, progress=lambda n, total, name: bar.progress(
            min(n / max(total, 1), 1.0), text=f"{t('up_loading')} {n}/{total}"))
        st.session_state["up_summary"] = results
        st.session_state["up_round"] += 1  # a fresh, empty uploader for the next batch
        st.rerun()
