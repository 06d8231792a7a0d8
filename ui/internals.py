"""Every use of Streamlit's and glibc's private parts, each kept for a measured gain, behind PANTAU_FAST_PATHS.

No other module imports streamlit.runtime or streamlit.web, or reaches into a library's private
names. PANTAU_FAST_PATHS=0 (pipelines/reference/settings.csv) leaves the plain public APIs: the
server then serves Streamlit's bundles itself and glibc keeps its default arenas. What a page
shows is the same either way (tests/test_internals.py runs every page both ways). One use is not
a speed-up and stays on: route_by_navigation_only, without which deep links break.
What went (issue 20): plotly's private `_validate` for the house template (plotly's public default
template is as cheap), a figure cache keyed by id() with an attribute on plotly figures and a
BaseFigure subclass skipping its __init__ (about 1 ms a chart; page models now keep the built figures).
"""
from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path

import streamlit as st
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.responses import FileResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import file_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli
from streamlit.web.server.starlette.starlette_server_config import STATIC_ASSET_CACHE_MAX_AGE_SECONDS

from pipelines import settings

CACHE_CONTROL = f"public, immutable, max-age={STATIC_ASSET_CACHE_MAX_AGE_SECONDS}"
ARENAS = 2
_M_ARENA_MAX = -8  # from glibc's malloc.h


def enabled() -> bool:
    """PANTAU_FAST_PATHS: True (default) uses the measured fast paths below, False the public APIs only."""
    return settings.fast_paths()


# --- the server's start ------------------------------------------------------------------------

def route_by_navigation_only() -> None:
    """Streamlit decides once per process, from the mere presence of a pages/ folder, to route the first
    request by its old file-based scheme; a deep link (/wilayah?...) opened first then shows "Page not
    found". The client's layout keeps pages/, and no public option turns that scheme off, so the flag
    st.navigation itself sets is set before the server starts. Not a speed-up: on in either mode."""
    PagesManager.uses_pages_directory = False


def streamlit_main() -> int:
    """The `streamlit` command line (sys.argv as it stands), as `python -m streamlit` runs it."""
    return cli.main()


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process; False when off, not glibc, or MALLOC_ARENA_MAX is set.

    glibc gives every thread that meets contention its own arena, up to eight per core, and a
    thread's freed memory stays in its arena. Twenty sessions running their page scripts at once
    (a Rakor) then held about 300 MB more than the same work in two arenas (bench/load.py: peak RSS
    711 MB against 438 MB at K=20), for no measurable CPU. Call before the server starts any thread;
    off, MALLOC_ARENA_MAX in the environment (glibc's public knob) does the same.
    """
    if not enabled() or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process already runs on
    except (OSError, AttributeError):  # musl and others have no mallopt arena knob
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return mallopt(_M_ARENA_MAX, arenas) == 1


# --- Streamlit's front-end bundles from memory ---------------------------------------------------

def middleware() -> list[Middleware]:
    """The ASGI middleware for st.App: Bundles when on, none when off (Streamlit serves its files)."""
    return [Middleware(Bundles)] if enabled() else []


def bundle_files(static_dir: str | Path) -> dict[str, Path]:
    """URL path below the mount ("/static/js/index.x.js") -> file, for every file under static/static/.

    Only these exact paths are served, so a request path is never joined onto the file system.
    """
    root = Path(static_dir) / "static"
    out = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            out["/" + path.relative_to(Path(static_dir)).as_posix()] = path
    return out


class Bundles:
    """Streamlit's content-hashed bundles (its static/static/ folder) answered from bytes read once.

    Every new browser fetches about 120 bundles (4,5 MB). Streamlit's own static route streams each
    from disk through a thread-pool hop per 64 KB chunk and its whole middleware stack: about 0,26
    CPU-s of the server per first visit, more than a page view (README, Benchmarks). This sits
    outside that stack and answers GET/HEAD for those files with the headers Streamlit sends.
    Anything else (index.html, ranges, unknown paths) goes on to Streamlit unchanged.
    """

    def __init__(self, app: ASGIApp, static_dir: str | Path | None = None, base_url: str | None = None) -> None:
        self.app = app
        self._files = bundle_files(static_dir or file_util.get_static_dir())
        self._base = base_url
        self._loaded: dict[str, tuple[list[tuple[bytes, bytes]], bytes, bytes]] = {}
        self._lock = threading.Lock()

    def _prefix(self) -> str:
        if self._base is None:  # read once the server's config is loaded (not at import)
            self._base = (st.get_option("server.baseUrlPath") or "").strip("/")
        return f"/{self._base}" if self._base else ""

    def _entry(self, path: Path) -> tuple[list[tuple[bytes, bytes]], bytes, bytes]:
        """(raw headers, ETag, body) of a file, built once with Starlette's own header rules."""
        key = str(path)
        found = self._loaded.get(key)
        if found is None:
            with self._lock:
                found = self._loaded.get(key)
                if found is None:
                    template = FileResponse(path, stat_result=os.stat(path))
                    headers = [(k, v) for k, v in template.raw_headers if k != b"cache-control"]
                    headers.append((b"cache-control", CACHE_CONTROL.encode()))
                    etag = dict(headers).get(b"etag", b"")
                    found = self._loaded[key] = (headers, etag, path.read_bytes())
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            prefix = self._prefix()
            path = scope["path"]
            file = self._files.get(path[len(prefix):]) if path.startswith(prefix + "/static/") else None
            if file is not None:
                request = Headers(scope=scope)
                if "range" not in request:  # partial requests keep Streamlit's handling
                    headers, etag, body = self._entry(file)
                    if etag and etag in request.get("if-none-match", "").encode():
                        await send({"type": "http.response.start", "status": 304,
                                    "headers": [h for h in headers if h[0] in (b"etag", b"cache-control")]})
                        await send({"type": "http.response.body", "body": b""})
                        return
                    await send({"type": "http.response.start", "status": 200, "headers": headers})
                    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
                    return
        await self.app(scope, receive, send)
