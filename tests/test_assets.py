"""ui/internals.Bundles: Streamlit's static bundles from memory, with Streamlit's own answers and headers."""
import asyncio
from pathlib import Path

import pytest
from streamlit import file_util
from streamlit.web.server.starlette.starlette_static_routes import create_streamlit_static_handler

from ui.internals import CACHE_CONTROL, Bundles, bundle_files

STATIC = Path(file_util.get_static_dir())
BUNDLE = next(p for p in sorted((STATIC / "static" / "js").glob("index.*.js")))
URL = "/" + BUNDLE.relative_to(STATIC).as_posix()


def call(app, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict, bytes]:
    """Status, headers and body of one request through an ASGI app."""
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "scheme": "http", "server": ("127.0.0.1", 80), "http_version": "1.1",
             "asgi": {"version": "3.0", "spec_version": "2.4"},  # 2.4: Starlette sends files without a disconnect watch
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


class Downstream:
    """Stands for Streamlit: records what reaches it and answers 299."""

    def __init__(self):
        self.paths = []

    async def __call__(self, scope, receive, send):
        self.paths.append(scope["path"])
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b"streamlit"})


def test_a_bundle_is_answered_with_the_headers_and_bytes_streamlit_sends():
    streamlit_static = create_streamlit_static_handler(str(STATIC), None)
    status, theirs, their_body = call(streamlit_static, URL)
    downstream = Downstream()
    ours_status, ours, body = call(Bundles(downstream, STATIC, ""), URL)
    assert (status, ours_status) == (200, 200) and downstream.paths == []
    assert body == their_body == BUNDLE.read_bytes()
    assert ours == theirs
    assert ours["cache-control"] == CACHE_CONTROL == "public, immutable, max-age=31536000"


def test_head_and_if_none_match_answer_without_the_body():
    app = Bundles(Downstream(), STATIC, "")
    _, headers, _ = call(app, URL)
    status, head_headers, body = call(app, URL, "HEAD")
    assert status == 200 and body == b"" and head_headers["content-length"] == str(BUNDLE.stat().st_size)
    status, cached, body = call(app, URL, headers={"If-None-Match": headers["etag"]})
    assert status == 304 and body == b"" and cached == {"etag": headers["etag"], "cache-control": CACHE_CONTROL}


@pytest.mark.parametrize("path, headers", [
    ("/", {}),  # index.html: no-cache, Streamlit's
    ("/static/js/not-a-bundle.js", {}),  # unknown: Streamlit's fallback
    ("/static/../static/" + URL.split("/static/", 1)[1], {}),  # never normalised onto the disk
    ("/static/js/%2e%2e/index.html", {}),
    (URL, {"Range": "bytes=0-10"}),  # ranges: Streamlit's
    ("/_stcore/health", {}),
])
def test_anything_but_a_whole_known_bundle_goes_on_to_streamlit(path, headers):
    downstream = Downstream()
    status, _, body = call(Bundles(downstream, STATIC, ""), path, headers=headers)
    assert (status, body, downstream.paths) == (299, b"streamlit", [path])


def test_only_files_under_static_static_are_known(tmp_path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "js" / "a.1.js").write_text("a")
    (tmp_path / "index.html").write_text("<html>")
    assert bundle_files(tmp_path) == {"/static/js/a.1.js": tmp_path / "static" / "js" / "a.1.js"}


def test_a_base_url_prefix_is_honoured(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "b.css").write_text("body{}")
    downstream = Downstream()
    app = Bundles(downstream, tmp_path, "pantau")
    assert call(app, "/pantau/static/b.css")[::2] == (200, b"body{}")
    assert call(app, "/static/b.css")[0] == 299 and downstream.paths == ["/static/b.css"]


def test_post_goes_on_to_streamlit():
    downstream = Downstream()
    assert call(Bundles(downstream, STATIC, ""), URL, "POST")[0] == 299
