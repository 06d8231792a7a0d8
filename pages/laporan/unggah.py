"""Unggah Laporan: template download, many workbooks validated at once, diffs of re-submissions, confirmed load."""
import streamlit as st

from pipelines import formatting, settings
from pipelines.accounts import roles
from pipelines.metrics import calendar
from pipelines.views import history, review, upload
from ui.cache import data
from ui.i18n import lang, t
from ui.state import connection, demo_banner

con = connection()
demo_banner(con)
st.title(t("page_upload"))
L = lang()


def _user() -> roles.User | None:
    """The signed-in user, or None."""
    from ui.auth import current_user
    return current_user()


user = _user()
if user is None:
    st.info(t("up_login_needed"))
    st.stop()
if not roles.can_upload(user):
    st.info(t("up_view_only"), icon=":material/visibility:")
    st.stop()

villages = data(upload.villages, user)
names = dict(zip(villages["village_code"].to_list(), villages["village_name"].to_list()))
scope = roles.upload_scope(user)
st.caption(t("up_intro").format(area=t("up_all_districts") if scope is None else ", ".join(
    sorted(villages["district"].unique().to_list())) or "–", mb=settings.max_upload_bytes() // 1048576))

for line in data(review.returned_notices, user, L, t("rv_returned_notice")):
    st.warning(line, icon=":material/undo:")

# ---------------------------------------------------------------- template
st.subheader(t("up_template"))
last = calendar.latest_reportable_month(settings.today())
months = [calendar.add_months(last, -i) for i in range(24)]
labels_village = {"": t("up_template_blank")} | {c: f"{n} · {s} · {d}" for c, n, s, d in villages.select(
    "village_code", "village_name", "subdistrict", "district").iter_rows()}
cols = st.columns([3, 2, 2], vertical_alignment="bottom")
code = cols[0].selectbox(t("up_template_village"), list(labels_village), key="up_tpl_village",
                         format_func=labels_village.get)
month = cols[1].selectbox(t("up_template_month"), months, key="up_tpl_month",
                          format_func=lambda m: formatting.month(m, L))
period = month.strftime("%Y-%m") if code else None
cols[2].download_button(
    t("up_template_download"), icon=":material/download:", on_click="ignore", key="up_tpl_download",
    data=lambda: upload.template_bytes(connection(), user, code or None, period),
    file_name=f"laporan-{code}-{period}.xlsx" if code else "templat-laporan-desmigratif.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# ---------------------------------------------------------------- upload and check
st.subheader(t("up_files_head"))
st.session_state.setdefault("up_round", 0)
files = st.file_uploader(t("up_files"), type=["xlsx"], accept_multiple_files=True,
                         key=f"up_files_{st.session_state['up_round']}", help=t("up_files_help"))

done = st.session_state.get("up_summary")
if done and not files:
    counts = upload.summary(done)
    st.success(t("up_done").format(**counts), icon=":material/task_alt:")
    st.dataframe(upload.status_table(upload.Preview([upload.Item(r, upload.outcome(r)) for r in done]), names,
                                     {o: t(f"up_outcome_{o}") for o in upload.OUTCOMES})
                 .rename(lambda c: t(f"up_col_{c}")), hide_index=True, width="stretch")
    st.caption(t("up_done_note"))

if files:
    st.session_state.pop("up_summary", None)
    pairs = tuple((f.name, f.getvalue()) for f in files)
    with st.spinner(t("up_checking")):
        preview = data(upload.check, pairs, user)
    counts = preview.counts()
    cols = st.columns(4)
    for col, o in zip(cols, upload.OUTCOMES):
        col.metric(t(f"up_outcome_{o}"), formatting.number(counts[o], L))
    st.dataframe(upload.status_table(preview, names, {o: t(f"up_outcome_{o}") for o in upload.OUTCOMES})
                 .rename(lambda c: t(f"up_col_{c}")), hide_index=True, width="stretch", key="up_status")

    found = upload.findings_table(preview.results(), {"error": t("up_kind_error"), "warning": t("up_kind_warning")})
    if found.height:
        st.markdown(f"#### {t('up_findings')}")
        st.caption(t("up_findings_note"))
        st.dataframe(found.rename(lambda c: t(f"up_col_{c}")), hide_index=True, width="stretch",
                     key="up_findings_table", column_config={t("up_col_message"): st.column_config.TextColumn(
                         width="large")})
        st.download_button(t("up_findings_download"), icon=":material/table:", on_click="ignore",
                           key="up_findings_download", data=lambda: upload.error_workbook(preview.results()),
                           file_name="galat-laporan-desmigratif.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    changed = [i for i in preview.items if i.diff is not None]
    if changed:
        st.markdown(f"#### {t('up_diffs')}")
        for item in changed:
            r = item.result
            # File and village names come from the upload: escaped, so they can never become links or images.
            st.markdown(t("up_diff_head").format(file=formatting.md(r.file),
                                                 village=formatting.md(names.get(r.village_code, r.village_code)),
                                                 month=formatting.month(r.period, L), old=r.version - 1,
                                                 new=r.version))
            if item.diff.is_empty():
                st.caption(t("up_diff_none"))
            else:
                st.dataframe(history.shown(item.diff, L).select("code", "item", "a", "b")
                             .rename({"code": t("hi_col_code"), "item": t("hi_col_item"),
                                      "a": t("up_diff_old"), "b": t("up_diff_new")}),
                             hide_index=True, width="stretch", key=f"up_diff_{r.file}_{r.sha256[:8]}")

    chosen = [pairs[i] for i, item in enumerate(preview.items)
              if item.outcome in ("accepted", "accepted_with_warnings")]
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
