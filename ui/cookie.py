"""The sign-in cookie: one-time tickets handed from a Streamlit run to the HTTP route that sets the cookie.

Streamlit talks to the browser over a websocket and cannot set an HttpOnly cookie itself. The
app is therefore served as an st.App (Streamlit 1.67's ASGI app, ui/asgi.py) with two small
same-origin routes: after a sign-in a script on the page posts a one-time ticket to
/pantau/sesi, which answers with Set-Cookie (HttpOnly, SameSite=Lax, signed session id);
/pantau/keluar expires it. The cookie is read back from the websocket handshake through
st.context.cookies. Tickets live only in this process's memory for a minute.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time

COOKIE = "pantau_sesi"
ISSUE_PATH = "/pantau/sesi"
CLEAR_PATH = "/pantau/keluar"
TICKET_SECONDS = 60

_lock = threading.Lock()
_tickets: dict[str, tuple[str, int, float]] = {}  # sha256(ticket) -> (cookie value, max age, deadline)


def ticket(cookie_value: str, max_age: int) -> str:
    """A one-time ticket that the route exchanges for Set-Cookie: cookie_value, within a minute."""
    raw = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _lock:
        for key in [k for k, (_, _, deadline) in _tickets.items() if deadline < now]:
            del _tickets[key]
        _tickets[hashlib.sha256(raw.encode()).hexdigest()] = (cookie_value, max_age, now + TICKET_SECONDS)
    return raw


def redeem(raw: str) -> tuple[str, int] | None:
    """The cookie value and max age a ticket stands for (once), or None when unknown or expired."""
    with _lock:
        found = _tickets.pop(hashlib.sha256(raw.encode()).hexdigest(), None)
    if found is None or found[2] < time.monotonic():
        return None
    return found[0], found[1]


def same_origin(origin: str | None, host: str | None, scheme: str) -> bool:
    """A cookie is only set for a request from the app's own pages (no login CSRF from other sites)."""
    return bool(origin and host) and origin in (f"{scheme}://{host}", f"http://{host}", f"https://{host}")


def frame_script(path: str, body: str = "") -> str:
    """The script's HTML: one same-origin POST to path (the ticket as body), run in the app's page."""
    import json
    return ("<script>fetch(new URL(" + json.dumps(path) + ", window.location.href), "
            "{method: 'POST', credentials: 'same-origin', body: " + json.dumps(body) + "});</script>")
