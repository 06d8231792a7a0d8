"""Start the app: Streamlit as an st.App with the sign-in cookie routes, legacy pages/ discovery off.

    python -m ui.serve run app.py [streamlit options]

The script named after `run` is served through ui/asgi.py (an st.App with the /pantau/sesi and
/pantau/keluar routes that set and clear the HttpOnly sign-in cookie; see ui/cookie.py).
Before the server starts, Streamlit's legacy pages/ routing is turned off (a deep link opened
first would otherwise show "Page not found"; ui/internals.route_by_navigation_only). The upload limit
(server.maxUploadSize) is set from PANTAU_MAX_UPLOAD_MB, so the two always agree. The heavy
libraries load in ui/warmup.py's background thread while the server starts, so the first page
is not kept waiting for imports it does not need. Before any thread starts, glibc's malloc is
held to two arenas (ui/internals.limit_arenas, with PANTAU_FAST_PATHS on), which bounds the memory
a crowd of sessions holds.
"""
import os
import sys
from pathlib import Path

from pipelines import settings
from ui import internals, warmup

ASGI = Path(__file__).resolve().parent / "asgi.py"


def argv(args: list[str]) -> list[str]:
    """The streamlit command line: the script swapped for the ASGI wrapper, the upload limit added."""
    out = list(args)
    if len(out) >= 2 and out[0] == "run" and out[1].endswith(".py"):
        os.environ["UI_SERVE_SCRIPT"] = str(Path(out[1]).resolve())
        out[1] = str(ASGI)
    if out and out[0] == "run" and not any(a.startswith("--server.maxUploadSize") for a in out):
        out += ["--server.maxUploadSize", str(settings.max_upload_mb())]
    return out


if __name__ == "__main__":
    internals.limit_arenas()  # before any thread: see ui/internals.py
    # The heavy libraries (pandas, polars, plotly) load in one background thread while the server
    # starts and the browser loads the front end; app.py waits for them (ui/warmup.py). Started
    # after Streamlit's own imports, which touch plotly too, so no module is imported by two threads.
    warmup.start()
    internals.route_by_navigation_only()
    sys.argv = [sys.argv[0], *argv(sys.argv[1:])]
    sys.exit(internals.streamlit_main())
