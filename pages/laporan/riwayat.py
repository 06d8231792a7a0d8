"""Riwayat: every uploaded version per district and village, two versions side by side, the original files."""
from datetime import date

import streamlit as st

from pipelines import formatting
from pipelines.accounts import roles
from pipelines.views import history, review
from ui.cache import data
from ui.i18n import lang, t
from ui.state import connection, demo_banner

con = connection()
demo_banner(con)
st.title(t("page_history"))
L = lang()
STATUS = {"accepted": t("up_outcome_accepted"), "accepted_with_warnings": t("up_outcome_accepted_with_warnings")}


def _user() -> roles.User | None:
    """The signed-in user, or None."""
    from ui.auth import current_user
    return current_user()


def _headers(frame):
    return frame.rename(lambda c: t(f"hi_col_{c}"))


user = _user()
if user is None:
    st.info(t("up_login_needed"))
    st.stop()
districts = data(history.districts, user)
if districts.is_empty():
    st.info(t("hi_no_scope"), icon=":material/lock:")
    st.stop()
st.caption(t("hi_intro"))
for line in data(review.returned_notices, user, L, t("rv_returned_notice")):
    st.warning(line, icon=":material/undo:")

# ---------------------------------------------------------------- filters
ALL = t("hi_all")  # labels are looked up now, not inside format_func (which may run outside this script)
dnames = dict(zip(districts["district_code"].to_list(), districts["district"].to_list()))
cols = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
district = cols[0].selectbox(t("hi_district"), ([""] if len(dnames) > 1 else []) + list(dnames), key="hi_district",
                             format_func=lambda c: dnames.get(c, ALL))
villages = data(history.villages, user)
vnames = {c: f"{n} · {s}" for c, n, s, d in
          villages.select("village_code", "village_name", "subdistrict", "district_code").iter_rows()
          if not district or d == district}
village = cols[1].selectbox(t("hi_village"), [""] + list(vnames), key="hi_village",
                            format_func=lambda c: vnames.get(c, ALL))
months = data(history.months, user, district, village)
month = cols[2].selectbox(t("hi_month"), [None] + months, key="hi_month",
                          format_func=lambda m: formatting.month(m, L) if m else ALL)
current_only = cols[3].checkbox(t("hi_current_only"), key="hi_current_only")

frame = data(history.submissions, user, district, village, month, current_only)
cols = st.columns(3)
cols[0].metric(t("hi_versions"), formatting.number(frame.height, L))
cols[1].metric(t("hi_village_months"), formatting.number(frame.filter(frame["is_current"]).height, L))
cols[2].metric(t("hi_resubmissions"), formatting.number(frame.filter(frame["version"] > 1).height, L))
if frame.is_empty():
    st.info(t("hi_empty"))
    st.stop()
st.dataframe(_headers(history.table(frame.head(history.SHOWN_ROWS), L, STATUS)), hide_index=True, width="stretch",
             key="hi_table")
if frame.height > history.SHOWN_ROWS:
    st.caption(t("hi_shown_newest").format(shown=formatting.number(history.SHOWN_ROWS, L),
                                           total=formatting.number(frame.height, L)))

# ---------------------------------------------------------------- one village-month: versions, compare, originals
st.subheader(t("hi_detail"))
choices = history.village_months(frame)
keys = [f"{c}|{p.isoformat()}" for c, p in choices.select("village_code", "period").iter_rows()]
text = {k: t("hi_detail_option").format(village=n, month=formatting.month(p, L), n=v)
        for k, (n, p, v) in zip(keys, choices.select("village_name", "period", "versions").iter_rows())}
if len(choices) < frame.n_unique(["village_code", "period"]):
    st.caption(t("hi_detail_capped").format(n=len(choices)))
picked = st.selectbox(t("hi_detail_pick"), keys, key="hi_pick", format_func=text.get)
code, iso = picked.split("|")
period = date.fromisoformat(iso)
vers = data(history.versions, code, period)
rstate = data(review.state_of_village_month, code, period)
st.markdown(t("rv_state_line").format(icon=review.STATE_ICONS[rstate.state], state=t(f"rv_state_{rstate.state}"),
                                      by=formatting.plain(rstate.changed_by or "–"),
                                      at=review.transitions.at_text(rstate.changed_at, L) or "–"))
st.dataframe(_headers(history.table(vers, L, STATUS)), hide_index=True, width="stretch", key="hi_versions_table")

ids = vers["submission_id"].to_list()
label = {sid: t("hi_version_label").format(v=v, file=f) for sid, v, f in
         vers.select("submission_id", "version", "file_name").iter_rows()}
cols = st.columns([3, 2], vertical_alignment="bottom")
sid = cols[0].selectbox(t("hi_original_pick"), ids[::-1], key=f"hi_original_{picked}", format_func=label.get)
got = history.original(con, user, sid)
if got:
    cols[1].download_button(t("hi_original_download"), data=got[1], file_name=got[0], icon=":material/download:",
                            on_click="ignore", key="hi_original_download",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
else:
    cols[1].caption(t("hi_original_missing"))

if len(ids) < 2:
    st.caption(t("hi_single_version"))
else:
    st.markdown(f"#### {t('hi_compare')}")
    cols = st.columns(2)
    a = cols[0].selectbox(t("hi_version_a"), ids, index=len(ids) - 2, key=f"hi_a_{picked}", format_func=label.get)
    b = cols[1].selectbox(t("hi_version_b"), ids, index=len(ids) - 1, key=f"hi_b_{picked}", format_func=label.get)
    table = history.shown(data(history.compare, a, b, L), L)
    n_changed = table["changed"].sum()
    st.caption(t("hi_compare_note").format(n=n_changed))
    only = st.toggle(t("hi_only_changed"), key="hi_only_changed")
    if only:
        table = table.filter(table["changed"])
    shown = table.select(
        "code", "item", "unit", "a", "b",
        table["changed"].replace_strict({True: t("hi_changed_mark"), False: ""}).alias("changed"))
    number = dict(zip(ids, vers["version"].to_list()))
    va, vb = number[a], number[b]
    shown = shown.rename({"code": t("hi_col_code"), "item": t("hi_col_item"), "unit": t("hi_col_unit"),
                          "a": t("hi_col_a").format(v=va), "b": t("hi_col_b").format(v=vb),
                          "changed": t("hi_col_changed")})
    mark = t("hi_col_changed")
    st.dataframe(shown.to_pandas().style.apply(
        lambda row: ["background-color: #FFF3CD" if row[mark] else "" for _ in row], axis=1),
        hide_index=True, width="stretch", height=38 + 35 * shown.height, key="hi_compare_table")
