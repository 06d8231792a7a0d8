"""The crowd's people as asyncio tasks: ministry viewers walking the dashboard, coordinators uploading batches.

A viewer opens a page about every `interval` seconds (each wait drawn from 0.7..1.3 x interval),
along WALK, through the balancer, on its own websocket, and records every view: when, on which
replica, how long, which errors. A view that fails on a closed or silent socket (a killed replica) is
followed by a reconnect (a new GET / and websocket through the balancer, carrying the old affinity
cookie, as a browser's reconnect does); the time from the failure to the next good view is recorded.

A coordinator opens Unggah Laporan, drops a batch of workbooks on the uploader, and presses the load
button; a batch that fails (error or closed socket) is uploaded again once, after a reconnect, as a
person would, so the store must not count any workbook twice (an identical re-upload is "unchanged").
"""
from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field

from websockets.exceptions import WebSocketException

from bench.crowd import Workbook
from bench.streamlit_client import Client, ProtocolError, Run

WALK = ["", "peta", "wilayah", "pilar", "kelengkapan"]  # Ringkasan is the default page, at "/"
UPLOADER = "Pilih satu atau banyak berkas laporan (.xlsx)"
LOAD_BUTTON = re.compile(r"^Muat (\d+) berkas yang diterima$")
DONE = re.compile(r"^Selesai: (\d+) laporan dimuat, (\d+) tidak berubah, (\d+) ditolak\.$")


@dataclass
class View:
    at: float          # monotonic start
    replica: str
    path: str
    seconds: float
    errors: list[str]


@dataclass
class Record:
    """What every actor saw during one run."""
    views: list[View] = field(default_factory=list)
    reconnects: list[float] = field(default_factory=list)  # seconds from a failed view to the next good one
    batches: list[dict] = field(default_factory=list)      # per upload batch: outcome and timing
    confirmed: set[str] = field(default_factory=set)       # SHA-256 of workbooks the page said were loaded
    hung: dict[int, str] = field(default_factory=dict)     # replica index -> what the watch saw


def _connection_failure(run: Run) -> bool:
    return any(e.startswith(("connection:", "timeout")) for e in run.errors)


async def _connected(url: str, cookies: dict[str, str], timeout: float) -> Client:
    client = Client(url, cookies, timeout=timeout)
    await client.connect()
    return client


async def viewer(url: str, cookies: dict[str, str], start: float, stop: float, interval: float,
                 record: Record, rng: random.Random, timeout: float = 60.0) -> None:
    """One ministry official from start to stop (monotonic seconds), cycling WALK from a random page."""
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    step = rng.randrange(len(WALK))
    client: Client | None = None
    failed_at: float | None = None
    try:
        while time.monotonic() < stop:
            began = time.monotonic()
            path = WALK[step % len(WALK)]
            replica = client.replica if client else "?"
            try:
                if client is None:
                    client = await _connected(url, cookies, timeout)
                    replica = client.replica
                run = await client.open(path)
            except (ProtocolError, OSError, TimeoutError, WebSocketException) as exc:
                run = Run(time.monotonic() - began, errors=[f"connection: {type(exc).__name__}: {exc}"[:200]])
            record.views.append(View(began, replica, path, run.seconds, run.errors))
            if _connection_failure(run):
                # As the front end does: reconnect (through the balancer) and ask for the page again.
                failed_at = failed_at or began
                if client is not None:
                    cookies = {c.name: c.value for c in client.http.cookies}  # the affinity cookie goes along
                    await client.close()
                    client = None
                await asyncio.sleep(min(1.0, interval))
                continue
            if failed_at is not None and not run.errors:
                record.reconnects.append(time.monotonic() - failed_at)
                failed_at = None
            step += 1
            await asyncio.sleep(max(0.0, began + interval * rng.uniform(0.7, 1.3) - time.monotonic()))
    finally:
        if client is not None:
            await client.close()


async def _upload_once(client: Client, books: list[Workbook]) -> dict:
    page = await client.open("unggah")
    if page.errors:
        return {"ok": False, "error": page.errors[0]}
    checked = await client.upload(UPLOADER, [(b.name, b.data) for b in books], page)
    button = next((label for label in checked.widgets if LOAD_BUTTON.match(label)), None)
    if checked.errors or button is None:
        return {"ok": False, "error": (checked.errors or ["no load button"])[0]}
    loaded = await client.press(button, checked)
    summary = next((DONE.match(t) for t in loaded.texts if DONE.match(t)), None)
    if loaded.errors or summary is None:
        return {"ok": False, "error": (loaded.errors or ["no summary"])[0]}
    return {"ok": True, "offered": int(LOAD_BUTTON.match(button).group(1)), "loaded": int(summary.group(1)),
            "unchanged": int(summary.group(2)), "rejected": int(summary.group(3))}


async def coordinator(url: str, cookies: dict[str, str], batches: list[list[Workbook]], start: float,
                      gap: float, record: Record, timeout: float = 300.0) -> None:
    """Upload each batch (gap seconds apart); a failed batch is retried once on a fresh connection."""
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    for n, books in enumerate(batches):
        outcome: dict = {}
        for attempt in (1, 2):
            began = time.monotonic()
            client = None
            try:
                client = await _connected(url, cookies, timeout)
                outcome = await _upload_once(client, books)
                outcome["replica"] = client.replica
            except (ProtocolError, OSError, TimeoutError, KeyError, WebSocketException) as exc:
                outcome = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
            finally:
                if client is not None:
                    cookies = {c.name: c.value for c in client.http.cookies}
                    await client.close()
            outcome.update(batch=n, attempt=attempt, files=len(books), seconds=time.monotonic() - began)
            record.batches.append(dict(outcome))
            if outcome["ok"]:
                record.confirmed.update(b.sha256 for b in books)
                break
        await asyncio.sleep(gap)
