"""A Streamlit 1.67 client without a browser: the websocket protocol with Streamlit's own protobufs.

One Client is one browser tab. connect() does what the front end does before its first script run:
a GET / (through a balancer this returns HAProxy's affinity cookie), a GET /_stcore/health (Streamlit's
XSRF cookie), then the websocket /_stcore/stream with the subprotocols ["streamlit", <XSRF token>] and the tab's
cookies (the sign-in cookie pantau_sesi among them). Every later HTTP request carries the same
cookies, so it reaches the same replica.

open(url_path) asks for a page by its URL path as the front end does on a first load: a BackMsg
rerun_script whose ClientState names the path in page_name (st.navigation matches it against each
page's url_path); later the page's script hash, learnt from the navigation message, as a click on a
page link does. A run is over at the ForwardMsg script_finished: FINISHED_SUCCESSFULLY (also after
st.stop) ends it; FINISHED_EARLY_FOR_RERUN (st.rerun) means another run follows; a compile error, an
exception element in the deltas, "page not found" or a closed socket make it an error.

upload(files) is the file uploader's flow: BackMsg file_urls_request -> ForwardMsg file_urls_response
-> an HTTP PUT of each file to its upload URL (multipart, X-Xsrftoken header, same cookies) -> a rerun
with the uploader's widget state naming the files. press(label) reruns with a button's trigger.

Like the front end, a tab keeps the large messages it received (metadata.cacheable, by hash) and names
them in every rerun's ClientState.cached_message_hashes; the server then sends a ref_hash instead of
an element the tab already holds. An entry goes once it has not been used for more script runs than
the server's max_cached_message_age (from new_session), as in the front end's message cache.
"""
from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.Common_pb2 import FileUploaderState, FileURLs, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

XSRF_COOKIE = "_streamlit_xsrf"
AFFINITY_COOKIE = "PANTAU_REPLICA"
REPLICA_HEADER = "X-Pantau-Replica"
DONE = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR


class ProtocolError(RuntimeError):
    """The server answered outside the protocol (an HTTP error, no file URLs, a closed socket)."""


@dataclass
class Run:
    """One page run as the tab saw it: seconds from the BackMsg to script_finished, texts drawn, errors."""
    seconds: float
    texts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (kind, widget id)

    @property
    def ok(self) -> bool:
        return not self.errors


def _texts(element) -> tuple[str, list[str]]:
    """The element's kind and its own string fields (heading body, markdown, metric label and value...)."""
    kind = element.WhichOneof("type")
    if kind is None:
        return "", []
    inner = getattr(element, kind)
    return kind, [v for f, v in inner.ListFields() if f.type == f.TYPE_STRING and isinstance(v, str) and v]


class Client:
    """One tab on the app at base_url (the balancer or one replica), with the given cookies."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None, timeout: float = 120.0,
                 locale: str = "id-ID"):
        self.base = base_url.rstrip("/")
        self.http = requests.Session()
        host = urlsplit(self.base).hostname or ""
        for name, value in (cookies or {}).items():
            self.http.cookies.set(name, value, domain=host, path="/")
        self.timeout = timeout
        self.locale = locale
        self.ws = None
        self.session_id = ""
        self.replica = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash (from the navigation message)
        self.widget_states: dict[str, WidgetState] = {}  # what the tab would send back on a rerun
        self._query = ""
        self._path = ""
        self._ids = itertools.count(1)
        self._cache: dict[str, list] = {}  # message hash -> [ForwardMsg, script run it was last used in]
        self._runs = 0
        self.refs = 0  # messages the server sent as a ref_hash (the tab held them)
        self._seen: list[str] = []
        self._max_age = 2  # Streamlit's default global.maxCachedMessageAge; new_session says the server's

    # ------------------------------------------------------------------ connection
    def _get_root(self) -> None:
        answer = self.http.get(self.base + "/", timeout=self.timeout)
        if answer.status_code != 200:
            raise ProtocolError(f"GET / answered {answer.status_code}")
        self.replica = (answer.headers.get(REPLICA_HEADER) or self.http.cookies.get(AFFINITY_COOKIE) or "")
        # The front end asks for the health endpoint before opening the socket; it sets the XSRF cookie.
        health = self.http.get(self.base + "/_stcore/health", timeout=self.timeout)
        if health.status_code != 200:
            raise ProtocolError(f"GET /_stcore/health answered {health.status_code}")

    def _cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)

    async def connect(self) -> None:
        """GET / (affinity and XSRF cookies), then the websocket handshake with the tab's cookies."""
        await asyncio.to_thread(self._get_root)
        xsrf = self.http.cookies.get(XSRF_COOKIE)
        protocols = ["streamlit", xsrf] if xsrf else ["streamlit"]
        ws_url = "ws" + self.base[len("http"):] + "/_stcore/stream"
        self.ws = await ws_connect(ws_url, subprotocols=protocols, origin=self.base,
                                   additional_headers={"Cookie": self._cookie_header()},
                                   open_timeout=self.timeout, close_timeout=5, max_size=None,
                                   ping_interval=20, ping_timeout=self.timeout)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None
        self.http.close()

    async def _send(self, msg: BackMsg) -> None:
        if self.ws is None:
            raise ProtocolError("not connected")
        await self.ws.send(msg.SerializeToString())

    async def _receive(self, deadline: float) -> ForwardMsg:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer in time")
        data = await asyncio.wait_for(self.ws.recv(), timeout=left)
        msg = ForwardMsg()
        msg.ParseFromString(data)
        return msg

    # ------------------------------------------------------------------ script runs
    def _client_state(self, path: str, query: str, page_hash: str) -> ClientState:
        state = ClientState(query_string=query, page_script_hash=page_hash, page_name="" if page_hash else path,
                            context_info=ContextInfo(timezone="Asia/Jakarta", timezone_offset=-420,
                                                     locale=self.locale, url=f"{self.base}/{path}"))
        state.widget_states.CopyFrom(WidgetStates(widgets=list(self.widget_states.values())))
        state.cached_message_hashes.extend(self._cache)
        return state

    def _cached(self, msg: ForwardMsg) -> ForwardMsg | None:
        """msg itself (kept when cacheable), or the message a ref_hash names (None when the tab lacks it)."""
        if msg.WhichOneof("type") == "ref_hash":
            entry = self._cache.get(msg.ref_hash)
            if entry is None:
                return None
            entry[1] = self._runs
            self.refs += 1
            return entry[0]
        if msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = [msg, self._runs]
        return msg

    def _age(self) -> None:
        self._runs += 1
        for key in [k for k, (_, used) in self._cache.items() if self._runs - used > self._max_age]:
            del self._cache[key]

    async def open(self, path: str, query: str = "") -> Run:
        """Ask for the page at URL path (first by name, later by its script hash) and wait for its run."""
        if path != self._path:
            self.widget_states = {}  # a page link sends no widget of the page left behind
        self._path, self._query = path, query
        return await self._rerun(self.pages.get(path, ""))

    async def _rerun(self, page_hash: str) -> Run:
        msg = BackMsg()
        msg.rerun_script.CopyFrom(self._client_state(self._path, self._query, page_hash))
        start = time.monotonic()
        try:
            await self._send(msg)
            return await self._until_finished(start)
        except (ConnectionClosed, OSError) as exc:
            return Run(time.monotonic() - start, errors=[f"connection: {type(exc).__name__}"])
        except TimeoutError:
            seen = self._seen
            return Run(time.monotonic() - start, errors=[
                f"timeout after {self.timeout:.0f} s on /{self._path} ({len(seen)} messages; last {seen[-3:]})"])

    async def _until_finished(self, start: float) -> Run:
        run = Run(0.0)
        deadline = start + self.timeout
        self._seen = []  # message kinds of this run, for the words of a timeout
        while True:
            msg = self._cached(await self._receive(deadline))
            self._seen.append(msg.WhichOneof("type") if msg is not None else "missing ref")
            if msg is None:
                run.errors.append("a ref_hash to a message the tab does not hold")
                continue
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id
                self._max_age = msg.new_session.config.max_cached_message_age
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "page_not_found":
                run.errors.append(f"page not found: {self._path}")
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                what, texts = _texts(element)
                run.texts.extend(texts)
                if what == "exception":
                    run.errors.append(f"exception: {element.exception.type}: {element.exception.message}")
                elif what in ("button", "file_uploader"):
                    widget = getattr(element, what)
                    run.widgets[widget.label] = (what, widget.id)
            elif kind == "script_finished":
                self._age()
                if msg.script_finished == COMPILE_ERROR:
                    run.errors.append("compile error")
                if msg.script_finished != RERUN:
                    run.seconds = time.monotonic() - start
                    return run
                run.texts.clear()  # st.rerun(): what counts is what the next run draws
                run.widgets.clear()

    # ------------------------------------------------------------------ widgets
    async def press(self, label: str, run: Run) -> Run:
        """Click the button labelled label that run drew (a trigger for one rerun)."""
        kind, wid = run.widgets[label]
        if kind != "button":
            raise ProtocolError(f"{label!r} is a {kind}, not a button")
        self.widget_states[wid] = WidgetState(id=wid, trigger_value=True)
        try:
            return await self._rerun(self.pages.get(self._path, ""))
        finally:
            self.widget_states.pop(wid, None)  # a trigger is true for one run only

    def _put(self, url: str, name: str, data: bytes) -> None:
        answer = self.http.put(url, files={"file": (name, data, "application/octet-stream")},
                               headers={"X-Xsrftoken": self.http.cookies.get(XSRF_COOKIE) or ""},
                               timeout=self.timeout)
        if answer.status_code not in (200, 204):
            raise ProtocolError(f"PUT {urlsplit(url).path} answered {answer.status_code}: {answer.text[:200]}")

    async def upload(self, label: str, files: list[tuple[str, bytes]], run: Run) -> Run:
        """Put files into the file uploader labelled label that run drew, as a browser drop does."""
        kind, wid = run.widgets[label]
        if kind != "file_uploader":
            raise ProtocolError(f"{label!r} is a {kind}, not a file uploader")
        request = BackMsg()
        request_id = f"bench-{next(self._ids)}"
        request.file_urls_request.request_id = request_id
        request.file_urls_request.file_names.extend(name for name, _ in files)
        request.file_urls_request.session_id = self.session_id
        await self._send(request)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = await self._receive(deadline)
            if msg.WhichOneof("type") == "file_urls_response" and msg.file_urls_response.response_id == request_id:
                break
        answer = msg.file_urls_response
        if answer.error_msg or len(answer.file_urls) != len(files):
            raise ProtocolError(f"file_urls_response: {answer.error_msg or len(answer.file_urls)}")
        infos = []
        for (name, data), urls in zip(files, answer.file_urls):
            await asyncio.to_thread(self._put, self.base + urls.upload_url, name, data)
            infos.append(UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id,
                                          file_urls=FileURLs(file_id=urls.file_id, upload_url=urls.upload_url,
                                                             delete_url=urls.delete_url)))
        self.widget_states[wid] = WidgetState(
            id=wid, file_uploader_state_value=FileUploaderState(uploaded_file_info=infos))
        return await self._rerun(self.pages.get(self._path, ""))
