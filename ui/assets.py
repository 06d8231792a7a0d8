"""Streamlit's hashed front-end bundles served from memory, so a crowd's first visits cost a lookup per file.

Every new browser fetches about 120 bundles (4,5 MB). Streamlit's own static route streams each
from disk through a thread-pool hop per 64 KB chunk and its whole middleware stack: about 0,26
CPU-s of the server per first visit, more than a page view. This ASGI middleware sits outside
that stack and answers GET/HEAD for the files under Streamlit's `static/static/` folder (the
content-hashed, "immutable" ones) from bytes read once, with the same headers Streamlit sends.
Anything else (index.html, ranges, unknown paths) goes on to Streamlit unchanged.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config, file_util
from streamlit.web.server.starlette.starlette_server_config import STATIC_ASSET_CACHE_MAX_AGE_SECONDS

CACHE_CONTROL = f"public, immutable, max-age={STATIC_ASSET_CACHE_MAX_AGE_SECONDS}"


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
    """The ASGI middleware: known bundle paths from memory, everything else to `app`."""

    def __init__(self, app: ASGIApp, static_dir: str | Path | None = None, base_url: str | None = None) -> None:
        self.app = app
        self._files = bundle_files(static_dir or file_util.get_static_dir())
        self._base = base_url
        self._loaded: dict[str, tuple[list[tuple[bytes, bytes]], bytes, bytes]] = {}
        self._lock = threading.Lock()

    def _prefix(self) -> str:
        if self._base is None:  # read once the server's config is loaded (not at import)
            self._base = (config.get_option("server.baseUrlPath") or "").strip("/")
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
