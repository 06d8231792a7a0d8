"""Pengguna (admins only): accounts with role, districts and status; add, change, disable, reset; the audit log."""
import streamlit as st

from pipelines.accounts import roles, users
from pipelines.views import accounts
from ui import page
from ui.i18n import t
from ui.state import connection
from ui.widgets import table

p = page.setup("page_users", __file__, with_filters=False)
admin, con = p.sel.user, connection()
st.caption(t("au_users_intro"))
flash = st.session_state.pop("au_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")

# Not cached: small tables that must show each change at once. The audit filters (widgets
# further down) are read from the session first, so one call fetches exactly what is shown.
view = accounts.model(con, p.sel, p.lang, audit_event=st.session_state.get("au_audit_event"),
                      audit_user=st.session_state.get("au_audit_user"),
                      audit_limit=st.session_state.get("au_audit_limit", 200))
names = list(view.users)
by_name = view.users
codes = list(view.districts)
district_label = view.districts.get
role_label = view.roles.get


def act(done: str, clear: tuple[str, ...], fn, *args) -> None:
    """Run one account change; on success show done after a rerun (fresh tables), else the refusal."""
    try:
        fn(con, *args)
    except users.UserError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    for key in clear:  # never keep typed passwords in the session
        st.session_state.pop(key, None)
    st.session_state["au_flash"] = done
    st.rerun()


st.dataframe(view.users_shown, hide_index=True, width="stretch", key="au_users_table")

add_tab, role_tab, active_tab, reset_tab = st.tabs([t("au_tab_add"), t("au_tab_role"), t("au_tab_active"),
                                                     t("au_tab_reset")])
with add_tab:
    with st.form("au_add_form"):
        username = st.text_input(t("au_username"), key="au_add_username", max_chars=100)
        full_name = st.text_input(t("au_full_name"), key="au_add_name", max_chars=200)
        role = st.selectbox(t("au_role"), roles.ROLES, index=roles.ROLES.index("koordinator"),
                            format_func=role_label, key="au_add_role")
        districts = st.multiselect(t("au_districts"), codes, format_func=district_label, key="au_add_districts",
                                   help=t("au_districts_help"), placeholder=t("au_districts_placeholder"))
        first = st.text_input(t("au_password"), type="password", key="au_add_password",
                              autocomplete="new-password", help=t("au_password_help"))
        second = st.text_input(t("au_password_repeat"), type="password", key="au_add_password2",
                               autocomplete="new-password")
        if st.form_submit_button(t("au_add_submit"), type="primary", key="au_add_submit"):
            if first != second:
                st.error(t("au_password_mismatch"))
            else:
                act(t("au_done_added").format(username=users.normalise(username)),
                    ("au_add_username", "au_add_name", "au_add_districts", "au_add_password", "au_add_password2"),
                    users.add_user, username, full_name, role, districts, first, False, admin.username)

with role_tab:
    who = st.selectbox(t("au_pick_user"), names, key="au_role_user")
    if who:
        row = by_name[who]
        # Keys per user, so the fields start from that user's current role and districts.
        new_role = st.selectbox(t("au_role"), roles.ROLES, index=roles.ROLES.index(row["role"]),
                                format_func=role_label, key=f"au_role_role_{who}")
        new_districts = st.multiselect(t("au_districts"), codes, format_func=district_label,
                                       default=[c for c in row["districts"] if c in view.districts],
                                       key=f"au_role_districts_{who}", help=t("au_districts_help"),
                                       placeholder=t("au_districts_placeholder"),
                                       disabled=new_role != "koordinator")
        if st.button(t("au_role_submit"), type="primary", key="au_role_submit"):
            act(t("au_done_role").format(username=who), (f"au_role_role_{who}", f"au_role_districts_{who}"),
                users.set_role, admin.username, who, new_role, new_districts)

with active_tab:
    who = st.selectbox(t("au_pick_user"), names, key="au_active_user")
    if who:
        if by_name[who]["active"]:
            st.write(t("au_is_active").format(username=who))
            if st.button(t("au_disable"), key="au_disable"):
                act(t("au_done_disabled").format(username=who), (), users.disable, admin.username, who)
        else:
            st.write(t("au_is_inactive").format(username=who))
            if st.button(t("au_enable"), key="au_enable"):
                act(t("au_done_enabled").format(username=who), (), users.enable, admin.username, who)

with reset_tab:
    with st.form("au_reset_form"):
        who = st.selectbox(t("au_pick_user"), names, key="au_reset_user")
        first = st.text_input(t("au_password"), type="password", key="au_reset_password",
                              autocomplete="new-password", help=t("au_password_help"))
        second = st.text_input(t("au_password_repeat"), type="password", key="au_reset_password2",
                               autocomplete="new-password")
        if st.form_submit_button(t("au_reset_submit"), type="primary", key="au_reset_submit") and who:
            if first != second:
                st.error(t("au_password_mismatch"))
            else:
                act(t("au_done_reset").format(username=who), ("au_reset_password", "au_reset_password2"),
                    users.reset_password, admin.username, who, first)

st.subheader(t("au_audit_title"))
cols = st.columns(3)
cols[0].selectbox(t("au_audit_event"), list(view.events), format_func=view.events.get, key="au_audit_event")
cols[1].selectbox(t("au_audit_user"), [None, *names], format_func=lambda n: t("au_all") if n is None else n,
                  key="au_audit_user")
cols[2].selectbox(t("au_audit_limit"), [200, 1000, 5000], key="au_audit_limit")
if view.audit.is_empty():
    st.info(t("au_audit_empty"))
else:
    table(view.audit, "log-audit", key="au_audit_table")
