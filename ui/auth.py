"""Signing in and out: the session's user, its expiry, the login form, page access by role.

The session holds st.session_state["auth_user"] (a roles.User) and st.session_state["auth_at"]
(time.time() at sign-in); a session lasts PANTAU_SESSION_MINUTES (default 480) from sign-in.
"""
from __future__ import annotations

import importlib.util
import os
import time

import polars as pl
import streamlit as st

from pipelines import settings
from pipelines.accounts import roles, users
from pipelines.accounts.roles import User
from ui.i18n import KEY as LANG_KEY
from ui.i18n import t
from ui.state import connection, demo_banner

USER_KEY = "auth_user"
AT_KEY = "auth_at"
_OIDC_REFUSED = "au_oidc_refused"  # the e-mail an OIDC sign-in was refused for (audited once)

LOGIN_PAGE = "pages/akun/masuk.py"
USERS_PAGE = "pages/akun/pengguna.py"
UPLOAD_PAGES = ["pages/laporan/unggah.py", "pages/laporan/riwayat.py"]
DASHBOARD_PAGES = ["pages/dashboard/ringkasan.py", "pages/dashboard/pilar.py", "pages/dashboard/peta.py",
                   "pages/dashboard/wilayah.py", "pages/dashboard/desa.py"]
REPORTING_PAGES = ["pages/reporting/kelengkapan.py"]
PRESENTING_PAGES = ["pages/presentasi/paket.py"]
DATA_PAGES = ["pages/data/gudang.py"]


def session_minutes() -> int:
    """How long a sign-in lasts: PANTAU_SESSION_MINUTES, default 480 (a working day)."""
    return settings.session_minutes()


def pages_for(user: User | None) -> dict[str, list[str]]:
    """The pages a user may open, as {section label key: [page file relative to the project]}.

    Nobody signed in: only the login page. Everyone signed in: the dashboard, reporting, presenting
    and data pages; admins and coordinators also Unggah Laporan and Riwayat; admins also Pengguna."""
    if user is None:
        return {"section_account": [LOGIN_PAGE]}
    pages = {"section_dashboard": list(DASHBOARD_PAGES), "section_reporting": list(REPORTING_PAGES)}
    if roles.can_upload(user):
        pages["section_reports"] = list(UPLOAD_PAGES)
    pages["section_presenting"] = list(PRESENTING_PAGES)
    pages["section_data"] = list(DATA_PAGES)
    if roles.can_manage_users(user):
        pages["section_account"] = [USERS_PAGE]
    return pages


def current_user() -> User | None:
    """The signed-in user, or None (nobody signed in, or the session expired or the account was disabled).

    The account is re-read on every run, so a role change applies at once and a disabled account
    is signed out on its next click."""
    user = st.session_state.get(USER_KEY)
    if user is None:
        return _oidc_user()
    con = connection()
    if time.time() - float(st.session_state.get(AT_KEY, 0)) > session_minutes() * 60:
        _forget()
        users.sign_out(con, user.username, "sesi kedaluwarsa")
        return None
    account = users.account(con, user.username)
    if account is None:
        return user  # no such account row (accounts are never deleted): a session set up by a test
    fresh, active = account
    if not active:
        _forget()
        return None
    if fresh != user:
        st.session_state[USER_KEY] = fresh
    return fresh


def _remember(user: User) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[AT_KEY] = time.time()


def _forget() -> None:
    """Drop everything the session held except its language, so the next person starts clean."""
    for key in list(st.session_state):
        if key != LANG_KEY:
            del st.session_state[key]


def sign_in(username: str, password: str) -> str | None:
    """Check the credentials and remember the user; returns the message to show when refused."""
    if not (username or "").strip() or not password:
        return t("au_err_empty")
    con = connection()
    user, reason = users.authenticate(con, username, password)
    if user is not None:
        _remember(user)
        return None
    if reason == "locked":
        until = users.locked_until(con, username)
        return t("au_err_locked").format(time=until.strftime("%H:%M") if until else "--:--")
    if reason == "disabled":
        return t("au_err_disabled")
    return t("au_err_invalid")


def sign_out() -> None:
    """Forget the session's user (audited as logout); usable as a button's on_click."""
    user = st.session_state.get(USER_KEY)
    if user is not None:
        users.sign_out(connection(), user.username)
    oidc = _oidc_logged_in()
    _forget()
    if oidc:
        st.logout()


def require(*allowed: str) -> User:
    """The signed-in user when their role is one of allowed (any role when none given); else stop the page."""
    user = current_user()
    if user is None:
        st.warning(t("au_need_login"), icon=":material/lock:")
        st.stop()
    if allowed and user.role not in allowed:
        st.error(t("au_forbidden").format(roles=", ".join(role_label(r) for r in allowed)), icon=":material/block:")
        st.stop()
    return user


def role_label(role: str) -> str:
    return t(f"au_role_{role}")


def role_labels() -> dict[str, str]:
    """Role -> its label in the chosen language (for polars replace, which must not call t() itself)."""
    return {role: role_label(role) for role in roles.ROLES}


def account_box() -> None:
    """Who is signed in and the sign-out button (for the sidebar)."""
    user = current_user()
    if user is None:
        return
    st.caption(t("au_signed_in_as").format(name=user.full_name, role=role_label(user.role)))
    st.button(t("logout"), on_click=sign_out, icon=":material/logout:", key="au_logout")


def login_page() -> None:
    """The sign-in page: its title and the form (also answers any page's address when signed out)."""
    st.title(t("page_login"))
    login_form()


def login_form() -> None:
    """The sign-in form; on the demo warehouse also the demo accounts and their password (never otherwise)."""
    con = connection()
    demo_banner(con)
    facts = users.login_facts(con)
    user = current_user()
    if user is not None:
        st.success(t("au_signed_in_as").format(name=user.full_name, role=role_label(user.role)))
        st.button(t("logout"), on_click=sign_out, icon=":material/logout:", key="au_logout_page")
        return
    with st.form("au_login"):
        username = st.text_input(t("au_username"), key="au_username", autocomplete="username", max_chars=100)
        password = st.text_input(t("au_password"), type="password", key="au_password",
                                 autocomplete="current-password", max_chars=users.MAX_PASSWORD)
        submitted = st.form_submit_button(t("page_login"), type="primary", key="au_submit",
                                          icon=":material/login:")
    if submitted:
        message = sign_in(username, password)
        if message is None:
            st.rerun()
        st.error(message, icon=":material/error:")
    _oidc_controls()
    if not facts.has_accounts:
        st.info(t("au_no_accounts"), icon=":material/info:")
    if facts.demo and not facts.demo_accounts.is_empty():
        st.subheader(t("au_demo_title"))
        st.markdown(t("au_demo_intro").format(password=users.DEMO_PASSWORD))
        st.dataframe(
            facts.demo_accounts.select(
                pl.col("username").alias(t("au_col_username")),
                pl.col("role").replace_strict(role_labels(), default=pl.col("role")).alias(t("au_col_role")),
                pl.col("districts").list.join(", ").alias(t("au_col_districts")),
                pl.col("full_name").alias(t("au_col_name"))),
            hide_index=True, width="stretch")


# ---------------------------------------------------------------- optional OIDC (st.login)

def oidc_configured() -> bool:
    """True when secrets.toml has an [auth] section and Authlib (which st.login needs) is installed."""
    if importlib.util.find_spec("authlib") is None:
        return False
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_logged_in() -> bool:
    if not oidc_configured():
        return False
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def _oidc_user() -> User | None:
    """Someone the identity provider signed in, mapped by e-mail to an active account here."""
    if not _oidc_logged_in():
        return None
    email = str(st.user.get("email") or "")
    if st.session_state.get(_OIDC_REFUSED) == email:
        return None
    user, _ = users.external_login(connection(), email)
    if user is None:
        st.session_state[_OIDC_REFUSED] = email
        return None
    _remember(user)
    return user


def _oidc_controls() -> None:
    if not oidc_configured():
        return
    refused = st.session_state.get(_OIDC_REFUSED)
    if refused is not None and _oidc_logged_in():
        st.error(t("au_sso_unknown").format(email=refused or "?"), icon=":material/error:")
        st.button(t("logout"), on_click=sign_out, key="au_sso_logout")
    else:
        st.button(t("au_sso"), on_click=st.login, icon=":material/key:", key="au_sso")
