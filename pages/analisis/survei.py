"""Survei: the returned-migrant survey laid out like the Ponorogo study, with the method named; upload."""
import streamlit as st

from pipelines.survey import template
from pipelines.views import survey
from ui import page
from ui.cache import data
from ui.i18n import t
from ui.state import connection
from ui.widgets import table

p = page.setup("page_survey", __file__, with_filters=False)
L = p.lang
model = data(survey.model, p.sel, L, name=st.session_state.get("sv_pick"))

if model.name is None:
    st.info(t("sv_none"))
else:
    names = model.surveys["name"].to_list()
    st.selectbox(t("sv_pick"), names, index=names.index(model.name), key="sv_pick")
    if model.demo:
        st.warning(t("sv_demo"), icon=":material/science:")
    r = model.result
    st.caption(t("sv_intro").format(name=survey.plain(model.name), n=r["n"], women=model.shares["women"]))
    st.markdown(t("sv_method"))
    if model.small:
        st.warning(t("sv_small_groups").format(groups=", ".join(survey.plain(g) for g in model.small)),
                   icon=":material/warning:")
    for m in survey.MEASURE_KEYS:
        st.subheader(t(f"sv_head_{m}"))
        table(model.study[m], t(f"sv_head_{m}"), key=f"sv-{m}")
    st.subheader(t("sv_head_tests"))
    table(model.tests, t("sv_head_tests"), key="sv-tests")
    st.caption(t("sv_tests_note"))
    after = model.reliability["sesudah"]  # the headline: the after scale; both time points in the table below
    cols = st.columns(4)
    cols[0].metric(t("sv_alpha"), after["alpha"], border=True,
                   help=t("sv_alpha_help").format(ci=after["ci"], items=survey.plain(after["items"])))
    cols[1].metric(t("sv_alpha_ci"), after["ci"], border=True)
    cols[2].metric(t("sv_no_credit"), model.shares["no_credit"], border=True)
    cols[3].metric(t("sv_skills"), model.shares["skills"], border=True)
    st.subheader(t("sv_head_reliability"))
    table(model.reliability_table, t("sv_head_reliability"), key="sv-alpha")
    st.caption(t("sv_alpha_note"))
    st.subheader(t("sv_head_sex"))
    table(model.by_sex, t("sv_head_sex"), key="sv-sex")
    st.subheader(t("sv_head_age"))
    table(model.by_age, t("sv_head_age"), key="sv-age")

if model.may_upload:
    st.divider()
    st.subheader(t("sv_upload_head"))
    st.download_button(t("sv_template"), data=lambda: template.template_bytes(), file_name="templat-survei-pmi-purna.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                       icon=":material/download:", key="sv_template")
    with st.form("sv_upload", clear_on_submit=True):
        name = st.text_input(t("sv_upload_name"), max_chars=120, key="sv_upload_name")
        file = st.file_uploader(t("sv_upload_file"), type=["xlsx"], key="sv_upload_file")
        sent = st.form_submit_button(t("sv_upload_go"), type="primary", icon=":material/cloud_upload:")
    if sent and file is not None:
        result = survey.upload(connection(), p.sel.user, name, file.name, file.getvalue())
        if result.status == "rejected":
            st.error(t("sv_rejected").format(n=len(result.errors)), icon=":material/error:")
            st.dataframe([{t("up_col_sheet"): e.sheet, t("up_col_row"): e.row, t("up_col_column"): e.column,
                           t("up_col_value"): e.value, t("up_col_message"): e.message} for e in result.errors],
                         hide_index=True, width="stretch", key="sv_errors")
        elif result.status == "unchanged":
            st.info(t("sv_unchanged"))
        else:
            st.success(t("sv_loaded").format(name=survey.plain(result.name), version=result.version,
                                             n=result.respondents), icon=":material/task_alt:")
