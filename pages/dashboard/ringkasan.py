"""Ringkasan: headline figures for the chosen area and period, their like-for-like change, monthly trends, destinations."""
import streamlit as st

from pipelines.views import overview
from ui import page
from ui.cache import data
from ui.i18n import t
from ui.widgets import chart, table

p = page.setup("page_overview")
model = data(overview.model, p.sel, p.lang)

st.caption(f"**{model.area_label}** · {model.period_label} · {t('ov_compared_with')}: {model.previous_label}")

# Four to a row, money and the longest label in a wider column, so 'Rp 231,7 miliar' stays readable on a
# projector: programme and migration, then remittances and services, then the cooperative balances.
ROWS = ((("villages", "reported", "placements", "returns"), [1, 1.6, 1, 1]),
        (("remittances", "consultations", "trainees", "children"), [1.6, 1, 1, 1]),
        (("coop_members", "savings"), [1, 1.6, 1, 1]))
for keys, widths in ROWS:
    for col, key in zip(st.columns(widths), keys):
        with col:
            page.card(model.cards[key])
st.caption(t("ov_missing_note"))

st.subheader(t("ov_trends"))
left, right = st.columns(2)
with left:
    chart(model.charts["placements"], model.monthly_table, t("ov_fig_placements"),
          key="ov-placements")
with right:
    chart(model.charts["remittances"], model.monthly_table, t("ov_fig_remittances"),
          key="ov-remittances")

st.subheader(t("ov_destinations"))
if model.destinations.is_empty():
    st.info(t("ov_no_placements"))
else:
    left, right = st.columns(2)
    with left:
        chart(model.charts["destinations"], model.destinations, t("ov_fig_destinations"),
              key="ov-destinations")
    with right:
        table(model.destinations, t("ov_destinations"), key="ov-destinations-table")
