"""The app as an st.App (ASGI) with the sign-in cookie routes; started by ui/serve.py.

UI_SERVE_SCRIPT names the Streamlit script to serve (default app.py in the project).
"""
import os
from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ui import cookie, internals

_SCRIPT = os.environ.get("UI_SERVE_SCRIPT") or str(Path(__file__).resolve().parent.parent / "app.py")


async def _issue(request: Request) -> Response:
    if not cookie.same_origin(request.headers.get("origin"), request.headers.get("host"), request.url.scheme):
        return Response(status_code=403)
    raw = (await request.body())[:200].decode("ascii", "replace")
    from ui.state import connection  # the process's store connection (a PostgreSQL pool or the DuckDB file)
    found = await run_in_threadpool(cookie.redeem, connection(), raw)  # a blocking query: off the event loop
    if found is None:
        return Response(status_code=403)
    value, max_age = found
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(cookie.COOKIE, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
    return response


async def _clear(request: Request) -> Response:
    if not cookie.same_origin(request.headers.get("origin"), request.headers.get("host"), request.url.scheme):
        return Response(status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(cookie.COOKIE, path="/", httponly=True, samesite="lax")
    return response


# With PANTAU_FAST_PATHS on, the front end's static files are answered before Streamlit's middleware
# (ui/internals.Bundles).
app = st.App(_SCRIPT, routes=[Route(cookie.ISSUE_PATH, _issue, methods=["POST"]),
                              Route(cookie.CLEAR_PATH, _clear, methods=["POST"])],
             middleware=internals.middleware())
