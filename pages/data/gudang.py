"""Gudang Data: what the warehouse holds (registry, months covered, reports per month)."""
import streamlit as st

from pipelines import formatting, settings
from pipelines.views import status
from ui import page
from ui.cache import data
from ui.i18n import t
from ui.widgets import chart, table

p = page.setup("page_warehouse", with_filters=False)
L = p.lang
s = data(status.model, p.sel, L)

cols = st.columns(4)
cols[0].metric(t("villages"), formatting.number(s.summary["villages"], L))
cols[1].metric(t("districts"), formatting.number(s.summary["districts"], L))
cols[2].metric(t("provinces"), formatting.number(s.summary["provinces"], L))
cols[3].metric(t("village_months"), formatting.number(s.summary["village_months"], L))
cols = st.columns(4)
cols[0].metric(t("all_versions"), formatting.number(s.summary["submissions_all_versions"], L))
cols[1].metric(t("resubmissions"), formatting.number(s.summary["resubmissions"], L))
cols[2].metric(t("months_covered"), formatting.number(s.by_month.height, L),
               help=f"{formatting.month(s.summary['first_period'], L)} – {formatting.month(s.summary['last_period'], L)}")
last = s.summary["last_upload"]
cols[3].metric(t("last_upload"), formatting.day(last, L) if last else formatting.MISSING,
               help=f"{formatting.day(last, L)} {last:%H:%M} WIB" if last else None)

if s.chart is None:
    st.info(t("empty_warehouse"))
else:
    chart(s.chart, s.by_month, t("reports_per_month"))
st.subheader(t("villages_per_province"))
table(s.by_province_shown, t("villages_per_province"))
st.caption(f"{t('months_covered')}: {formatting.month(s.summary['first_period'], L)} – "
           f"{formatting.month(s.summary['last_period'], L)} · {t('warehouse_file')}: {settings.db_path()} · "
           f"{t('data_version')} {s.data_version}")
