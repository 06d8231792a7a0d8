"""Capaian: target, realisasi, % capaian and status per figure for an area and a government period; child areas."""
import html

import streamlit as st

from pipelines.metrics import periods
from pipelines.targets import template
from pipelines.views import capaian
from ui import auth, filters, govperiod, page, widgets
from ui.cache import data
from ui.i18n import t
from ui.state import connection

# the sidebar's area, approved-only and government period (ui/govperiod.py); the page says sementara itself,
# for the government period rather than the month range
p = page.setup("page_capaian", with_filters=False)
sel = filters.sidebar()
L = p.lang

# The government period of the sidebar (&periode= in the URL); a free month range shows the default period.
code = govperiod.current() or capaian.default_period()
if govperiod.current() is None:
    st.info(t("cp_period_note").format(period=periods.parse(code).label(L)), icon=":material/date_range:")

m = data(capaian.model, sel, L, period=code)
st.header(f"{m.title} · {m.period_label}", anchor=False)
if m.provisional:
    st.warning(t("filter_provisional"), icon=":material/schedule:")
if not m.rows:
    st.info(t("cp_none"), icon=":material/flag:")
else:
    if m.chart is not None:
        widgets.chart(m.chart, m.raw, f"capaian-{m.area or 'nasional'}-{code}", key="cp-chart")
    if m.to_date:
        st.caption(t("cp_to_date_note"))
    widgets.table(m.table, f"capaian-tabel-{m.area or 'nasional'}-{code}", key="cp-table")
    st.download_button(t("pdf_download"), data=lambda: capaian.report_pdf(connection(), sel.area, code, L,
                                                                          sel.approved_only),
                       file_name=f"laporan-capaian-{m.area or 'nasional'}-{code.lower()}.pdf", mime="application/pdf",
                       icon=":material/picture_as_pdf:", on_click="ignore", key="cp_pdf")
    st.html("<div style='font-size:0.85rem'>" + " · ".join(
        f"<span style='color:{html.escape(colour)}'>■</span> <b>{html.escape(name)}</b>: {html.escape(note)}"
        for colour, name, note in capaian.legend(L)) + "</div>")
if m.children.height:
    st.subheader(t("cp_children"))
    widgets.table(m.children, f"capaian-wilayah-{m.area or 'nasional'}-{code}", key="cp-children")
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption(t("cp_drill"), width="content")
        for child, name in m.child_codes:
            st.button(name, key=f"cp_open_{child}", on_click=filters.set_area, args=(child,),
                      icon=":material/subdirectory_arrow_right:")

user = auth.current_user()
if capaian.may_load(user):
    st.divider()
    st.subheader(t("cp_load_head"))
    st.caption(t("cp_load_help"))
    st.download_button(t("cp_template"), data=lambda: template.template_bytes(), file_name="templat-target.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                       icon=":material/download:", key="cp_template")
    with st.form("cp_load", clear_on_submit=True):
        file = st.file_uploader(t("cp_load_file"), type=["xlsx"], key="cp_load_file")
        sent = st.form_submit_button(t("cp_load_go"), type="primary", icon=":material/cloud_upload:")
    if sent and file is not None:
        result = capaian.load(connection(), user, file.getvalue(), file.name)
        if result.status == "rejected":
            st.error(t("cp_rejected").format(n=len(result.errors)), icon=":material/error:")
            widgets.dataframe(capaian.errors_table(result, L), key="cp_errors")
        elif result.status == "unchanged":
            st.info(t("cp_unchanged").format(version=result.version), icon=":material/info:")
        else:
            st.success(t("cp_loaded").format(version=result.version, n=result.targets), icon=":material/check:")
