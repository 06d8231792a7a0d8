"""Mutu Data: completeness, timeliness, consistency rules, outliers and scores per village; the follow-up list."""
import polars as pl
import streamlit as st

from pipelines import formatting, settings
from pipelines.metrics import calendar
from pipelines.review import followup, quality
from pipelines.views import quality as desk_view
from ui import auth, filters, widgets
from ui.cache import data
from ui.i18n import lang, t
from ui.state import connection, demo_banner

con = connection()
demo_banner(con)
user = auth.require(__file__)
sel = filters.sidebar()
st.title(t("page_quality"))
L = lang()
as_of = min(sel.end, calendar.latest_reportable_month(settings.today()))
d = data(desk_view.desk, user, sel.area, sel.start, sel.end, as_of, L, approved_only=sel.approved_only)
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
pct = lambda c: pl.col(c).map_elements(lambda v: formatting.percent(v, L), return_dtype=pl.String)  # noqa: E731
summary = d.summary.with_columns(pct("completeness"), pct("timeliness"), pct("on_time_share_received"),
                                  pct("consistently"))
widgets.table(summary.rename(lambda c: t(f"mq_col_{c}")), "mutu-kabupaten", key="mq-summary")
st.caption(t("mq_summary_note"))

# ---------------------------------------------------------------- findings
st.subheader(t("mq_findings"))
open_ = d.findings.filter(~pl.col("checked"))
cols = st.columns(3)
cols[0].metric(t("mq_findings_all"), formatting.number(d.findings.height, L))
cols[1].metric(t("mq_findings_open"), formatting.number(open_.height, L))
cols[2].metric(t("mq_findings_checked"), formatting.number(d.findings.height - open_.height, L))
with st.expander(t("mq_rules")):
    for r in quality.rules().values():
        st.markdown(f"**{r.rule}** · {formatting.plain(r.help_en if L == 'en' else r.help_id)}")
if d.findings.is_empty():
    st.success(t("mq_no_findings"))
else:
    only_open = st.toggle(t("mq_only_open"), value=True, key="mq_only_open")
    shown = open_ if only_open else d.findings
    widgets.table(shown.drop("finding_id").with_columns(
        pl.col("checked").replace_strict({True: t("mq_checked_mark"), False: ""}))
        .rename(lambda c: t(f"mq_col_{c}")), "temuan-mutu", key="mq-findings",
        column_config={t("mq_col_help"): st.column_config.TextColumn(width="large")})
    if open_.height:
        with st.form("mq_check_form"):
            st.markdown(f"#### {t('mq_check_head')}")
            labels = {f: f"{v} · {p} · {r} {i}" for f, v, p, r, i in open_.select(
                "finding_id", "village_name", "period", "rule", "indicator").iter_rows()}
            fid = st.selectbox(t("mq_check_pick"), list(labels), format_func=labels.get, key="mq_check_pick")
            note = st.text_input(t("mq_check_note"), key="mq_check_note", max_chars=500)
            if st.form_submit_button(t("mq_check"), icon=":material/check:"):
                try:
                    quality.mark_checked(connection(), user, fid, note)
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
widgets.table(d.scores.rename(lambda c: t(f"mq_col_{c}")), "skor-mutu-desa", key="mq-scores")

# ---------------------------------------------------------------- follow-up
st.subheader(t("mq_followup").format(month=formatting.month(as_of, L)))
if d.followup.is_empty():
    st.success(t("mq_followup_none"))
else:
    widgets.dataframe(desk_view.followup_shown(d.followup, L).rename(lambda c: t(f"mq_col_{c}")),
                      key="mq_followup_table")
    if d.officers_hidden:
        st.caption(t("officers_hidden"))
    st.download_button(t("mq_followup_xlsx"), data=lambda: followup.workbook(d.followup),
                       file_name=f"tindak-lanjut-{as_of:%Y-%m}.xlsx", icon=":material/table:", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="mq_followup_xlsx")
    st.text_area(t("mq_followup_message"), d.message, height=200, key="mq_followup_message")
