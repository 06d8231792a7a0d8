"""Signing in and out: the session's user, its expiry, the login form, page access by role.

A sign-in starts a server-side session (pipelines.accounts.sessions: the random id's hash, with
expiry PANTAU_SESSION_MINUTES, default 480) and hands the browser a signed HttpOnly, SameSite=Lax
cookie holding the id (ui/cookie.py, set by a route of ui/asgi.py). A reload or a new tab of the
same browser finds the cookie (st.context.cookies) and is signed in again; a fresh browser has
none. Every run checks the session (read again whenever any process wrote: warehouse.generation), so
"Keluar" (which ends every session of that user), disabling the account or resetting its password
signs it out everywhere, on every replica, on the next click.
The Streamlit session also holds st.session_state["auth_user"] (a roles.User), "auth_at" and
"auth_session" (the session id's hash).
"""
from __future__ import annotations

import importlib.util
import threading
import time
from pathlib import Path

import polars as pl
import streamlit as st

from pipelines import catalogue, formatting, settings, warehouse
from pipelines.accounts import audit, passwords, roles, sessions, signin, users
from pipelines.accounts.roles import User
from pipelines.labels import plural_key
from ui import cookie
from ui.i18n import KEY as LANG_KEY
from ui.i18n import lang, t
from ui.state import connection, demo_banner

USER_KEY = "auth_user"
AT_KEY = "auth_at"
SESSION_KEY = "auth_session"
_TICKET = "au_cookie_ticket"   # a one-time ticket the page's script exchanges for the cookie
_CHECKED = "auth_checked"      # (session digest, write generation, session expiry) of the last check
_CLEAR = "au_cookie_clear"     # the page's script should expire the cookie (after Keluar)
_OIDC_REFUSED = "au_oidc_refused"  # the e-mail an OIDC sign-in was refused for (audited once)
_told: dict[str, None] = {}     # sign-ins (session digests) already told of the months awaiting review
_TOLD_LOCK = threading.Lock()
_TOLD_MAX = 10_000

# Every page, once: file, navigation section, title, icon, URL path and who opens it (ui/pages.csv).
PAGES_CSV = Path(__file__).resolve().parent / "pages.csv"
# What the `opens` column may say: every signed-in user, nobody signed in, or a right of roles.csv.
OPENS = {"semua": lambda user: user is not None, "masuk": lambda user: user is None,
         "upload": roles.can_upload, "history": roles.can_see_history, "desk": roles.opens_desk,
         "manage_users": roles.can_manage_users}


def pages() -> tuple[dict[str, str], ...]:
    """The rows of ui/pages.csv, in menu order."""
    return catalogue.rows(PAGES_CSV.name, PAGES_CSV.parent)


LOGIN_PAGE = next(p["file"] for p in pages() if p["opens"] == "masuk")


def session_minutes() -> int:
    """How long a sign-in lasts: PANTAU_SESSION_MINUTES, default 480 (a working day)."""
    return settings.session_minutes()


def pages_for(user: User | None) -> dict[str, list[str]]:
    """The pages a user may open, as {section label key: [page file relative to the project]}, in the
    order of ui/pages.csv; nobody signed in: only the sign-in page."""
    out: dict[str, list[str]] = {}
    for p in pages():
        if OPENS[p["opens"]](user):
            out.setdefault(p["section"], []).append(p["file"])
    return out


def page_right(path: str) -> str:
    """The `opens` value of one page file (ui/pages.csv), given relative to the project or absolute (__file__)."""
    name = Path(path).resolve().relative_to(PAGES_CSV.parent.parent).as_posix() if Path(path).is_absolute() else path
    return next(p["opens"] for p in pages() if p["file"] == name)


def current_user() -> User | None:
    """The signed-in user, or None (nobody signed in, or the session expired, was ended or the account disabled).

    The account and its session are re-read after every committed write of any process (on PostgreSQL
    every replica hears it by LISTEN/NOTIFY: warehouse.generation), so a role change applies at once and
    a disabled account, a reset password or a sign-out on any replica ends this session on its next click."""
    user = st.session_state.get(USER_KEY)
    if user is None:
        return _cookie_user() or _oidc_user()
    con = connection()
    digest = st.session_state.get(SESSION_KEY)
    if digest is not None:
        # Every change to accounts or sessions (sign-out, disable, reset, role) is a committed write,
        # which moves warehouse.generation() in every process (DuckDB: the one writing process; PostgreSQL:
        # its NOTIFY). So the check is re-read only after a write, or when the session's own expiry passed.
        checked = st.session_state.get(_CHECKED)
        if checked and checked[:2] == (digest, warehouse.generation()) and audit.now() < checked[2]:
            return user
        generation = warehouse.generation()
        found = sessions.live(con, digest)
        if found is None or found[0] != user.username:
            _forget()
            st.session_state[_CLEAR] = True
            return None
    elif time.time() - float(st.session_state.get(AT_KEY, 0)) > session_minutes() * 60:
        _forget()
        signin.sign_out(con, user.username, "sesi kedaluwarsa")
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
    if digest is not None:
        st.session_state[_CHECKED] = (digest, generation, found[1])
    return fresh


def _cookie_user() -> User | None:
    """The user of this browser's sign-in cookie, when it holds a live session of an active account."""
    try:
        value = st.context.cookies.get(cookie.COOKIE)
    except Exception:  # noqa: BLE001 - no HTTP context (bare script runs, some tests)
        return None
    if not isinstance(value, str) or not value:
        return None
    con = connection()
    digest = sessions.digest_of(con, value)
    name = sessions.username(con, digest)
    found = users.account(con, name) if name else None
    if found is None or not found[1]:
        return None
    st.session_state[USER_KEY] = found[0]
    st.session_state[AT_KEY] = time.time()
    st.session_state[SESSION_KEY] = digest
    return found[0]


def _remember(user: User) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[AT_KEY] = time.time()
    value, digest = sessions.start(connection(), user.username, session_minutes())
    st.session_state[SESSION_KEY] = digest
    st.session_state[_TICKET] = cookie.ticket(connection(), value, session_minutes() * 60)


def cookie_frame() -> None:
    """The script that sets (after a sign-in) or clears (after Keluar) the cookie; once each."""
    ticket = st.session_state.pop(_TICKET, None)
    clear = st.session_state.pop(_CLEAR, None)
    if ticket or clear:
        # st.components.v1.html is deprecated (removal date 2026-06-01). The script is ours alone
        # (a path and a random ticket, JSON-quoted) and draws nothing, so it runs in the page itself
        # rather than in a frame that would need a size and an accessible name.
        st.html(cookie.frame_script(cookie.ISSUE_PATH, ticket) if ticket else cookie.frame_script(cookie.CLEAR_PATH),
                unsafe_allow_javascript=True)


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
    user, reason = signin.authenticate(con, username, password)
    if user is not None:
        _remember(user)
        return None
    if reason == "locked":
        until = signin.locked_until(con, username)
        # Stored times are WIB; the zone is named so a WITA or WIT coordinator reads it right.
        return t("au_err_locked").format(time=f"{until:%H:%M} WIB" if until else "--:--")
    if reason == "disabled":
        return t("au_err_disabled")
    return t("au_err_invalid")


def sign_out() -> None:
    """Forget the session's user (audited as logout); usable as a button's on_click."""
    user = st.session_state.get(USER_KEY)
    if user is not None:
        signin.sign_out(connection(), user.username)
    oidc = _oidc_logged_in()
    _forget()
    st.session_state[_CLEAR] = True  # the page's script expires this browser's cookie too
    if oidc:
        st.logout()


def require(page_file: str) -> User:
    """The signed-in user when their role opens this page (ui/pages.csv `opens`); else say so and stop the page."""
    user = current_user()
    if user is None:
        st.warning(t("au_need_login"), icon=":material/lock:")
        st.stop()
    right = page_right(page_file)
    if not OPENS[right](user):
        allowed = [r for r in roles.ROLES if OPENS[right](User("-", "-", r))]
        st.error(t("au_forbidden").format(roles=", ".join(role_label(r) for r in allowed)), icon=":material/block:")
        st.stop()
    return user


def forbidden_page(title_key: str):
    """A stand-in for a page the role may not open (a deep link): says so instead of redirecting silently."""
    def page() -> None:
        user = current_user()
        st.title(t(title_key))
        st.error(t("au_page_not_for_role").format(page=t(title_key), role=role_label(user.role) if user else "-"),
                 icon=":material/block:")
    page.__name__ = f"forbidden_{title_key}"
    return page


def review_notice(user: User | None) -> None:
    """Once per sign-in, tell a reviewer how many district-months wait for their approval (above the first page).

    Not once per page load: a reload or a new tab starts a new Streamlit session, signed in again by
    the same cookie (the same sign-in session), so the sign-ins already told are kept by this process."""
    if user is None:
        return
    sign_in = st.session_state.get(SESSION_KEY) or f"{user.username}@{st.session_state.get(AT_KEY, '')}"
    with _TOLD_LOCK:
        if sign_in in _told:
            return
        _told[sign_in] = None
        while len(_told) > _TOLD_MAX:  # oldest first; a session lasts a working day at most
            del _told[next(iter(_told))]
    from pipelines.review import transitions
    waiting = transitions.waiting(connection(), user)
    if waiting:
        # A box on the first page, not st.toast: Streamlit's toast is an alertdialog without an
        # accessible name (axe-core: aria-dialog-name, serious).
        st.info(t(plural_key("rv_notice", len(waiting), lang())).format(n=formatting.number(len(waiting), lang())),
                icon=":material/pending_actions:")


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
    st.caption(t("au_signed_in_as").format(name=formatting.md(user.full_name), role=role_label(user.role)))
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
        st.success(t("au_signed_in_as").format(name=formatting.md(user.full_name), role=role_label(user.role)))
        st.button(t("logout"), on_click=sign_out, icon=":material/logout:", key="au_logout_page")
        return
    with st.form("au_login"):
        username = st.text_input(t("au_username"), key="au_username", autocomplete="username", max_chars=100)
        password = st.text_input(t("au_password"), type="password", key="au_password",
                                 autocomplete="current-password", max_chars=passwords.MAX_PASSWORD)
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
                pl.col("full_name").alias(t("au_col_name"))).to_arrow(),  # arrow: the sign-in page needs no pandas
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
    user, _ = signin.external_login(connection(), email)
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
        st.error(t("au_sso_unknown").format(email=formatting.md(refused or "?")), icon=":material/error:")
        st.button(t("logout"), on_click=sign_out, key="au_sso_logout")
    else:
        st.button(t("au_sso"), on_click=st.login, icon=":material/key:", key="au_sso")
