"""The sign-in cookie: one-time tickets handed from a Streamlit run to the HTTP route that sets the cookie.

Streamlit talks to the browser over a websocket and cannot set an HttpOnly cookie itself. The
app is therefore served as an st.App (Streamlit 1.67's ASGI app, ui/asgi.py) with two small
same-origin routes: after a sign-in a script on the page posts a one-time ticket to
/pantau/sesi, which answers with Set-Cookie (HttpOnly, SameSite=Lax, signed session id);
/pantau/keluar expires it. The cookie is read back from the websocket handshake through
st.context.cookies. Tickets live a minute in the store (pipelines/accounts/tickets.py), so any app
process behind a load balancer redeems them.
"""
from __future__ import annotations

from pipelines.accounts import tickets

COOKIE = "pantau_sesi"
ISSUE_PATH = "/pantau/sesi"
CLEAR_PATH = "/pantau/keluar"


def ticket(con, cookie_value: str, max_age: int) -> str:
    """A one-time ticket that the route exchanges for Set-Cookie: cookie_value, within a minute (kept in the store)."""
    return tickets.issue(con, cookie_value, max_age)


def redeem(con, raw: str) -> tuple[str, int] | None:
    """The cookie value and max age a ticket stands for (once), or None when unknown or expired."""
    return tickets.redeem(con, raw)


def same_origin(origin: str | None, host: str | None, scheme: str) -> bool:
    """A cookie is only set for a request from the app's own pages (no login CSRF from other sites)."""
    return bool(origin and host) and origin in (f"{scheme}://{host}", f"http://{host}", f"https://{host}")


def frame_script(path: str, body: str = "") -> str:
    """The script's HTML: one same-origin POST to path (the ticket as body), run in the app's page."""
    import json
    return ("<script>fetch(new URL(" + json.dumps(path) + ", window.location.href), "
            "{method: 'POST', credentials: 'same-origin', body: " + json.dumps(body) + "});</script>")
