"""Gudang Data: what the warehouse holds (registry, months covered, reports per month)."""
import plotly.express as px
import streamlit as st

from pipelines import formatting, settings
from pipelines.status import status
from ui.i18n import lang, t
from ui.state import connection, demo_banner

con = connection()
demo_banner(con)
st.title(t("page_warehouse"))
s = status(con)
L = lang()

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
cols[3].metric(t("last_upload"), last.strftime("%d-%m-%Y") if last else formatting.MISSING,
               help=last.strftime("%d-%m-%Y %H:%M WIB") if last else None)

if s.by_month.is_empty():
    st.info(t("empty_warehouse"))
else:
    fig = px.bar(s.by_month.to_pandas(), x="period", y="villages_reported",
                 labels={"period": t("period"), "villages_reported": t("villages_reported")},
                 title=t("reports_per_month"), color_discrete_sequence=["#0072B2"])
    # Month ticks as MM/YYYY and whole-number counts read the same in either language.
    fig.update_xaxes(tickformat="%m/%Y", dtick="M1" if s.by_month.height <= 12 else "M3")
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    fig.update_layout(separators=",." if L == "id" else ".,")
    st.plotly_chart(fig, width="stretch")
st.subheader(t("villages_per_province"))
st.dataframe(
    s.by_province.rename({"province_code": "kode", "province": t("province"), "joined_year": t("joined_year"),
                          "villages": t("villages")}),
    hide_index=True, width="stretch")
st.caption(f"{t('months_covered')}: {formatting.month(s.summary['first_period'], L)} – "
           f"{formatting.month(s.summary['last_period'], L)} · {t('warehouse_file')}: {settings.db_path()} · {t('data_version')} {s.data_version}")
