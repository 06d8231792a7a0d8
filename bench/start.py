"""Benchmark: a fresh clone to the first page in a browser, with and without an existing venv, and a later start.

    python bench/start.py [--venv PATH] [--fresh] [--deadline 900]

Clones this repository's HEAD into a temporary folder and runs `./pantau start` there on a
loopback port (127.0.0.1), timing from the command to what headless Debian Chromium shows:
  first page   anything the app draws (the demo-build progress page on a first start);
  sign-in      the sign-in form, i.e. the demo warehouse is built and the app is usable;
then stops the app and starts it again (a later start: the warehouse is there).
With a venv: the clone's .venv is a symlink to --venv (default: the venv running this script),
used only when its requirements stamp equals the clone's requirements.txt, so `./pantau` never
installs into it. --fresh also times a clone without any venv and with empty download caches
(creates one and installs every pinned package from the package index: heavy on the network).
Targets (issue 11): first page <= 10 s with a venv, <= 90 s fresh; a later start <= 5 s.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clone(target: Path) -> None:
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target)], check=True)


def start(folder: Path, browser, deadline: float, **extra: str) -> dict[str, float]:
    """Seconds from `./pantau start` to the first page drawn and to the sign-in form; the app is stopped after."""
    port = free_port()
    env = {**os.environ, "PANTAU_TODAY": os.environ.get("PANTAU_TODAY", "2026-12-01"), **extra}
    env.pop("PANTAU_DB", None)  # the clone's own data/pantau.duckdb
    t0 = time.perf_counter()
    proc = subprocess.Popen(["./pantau", "start", "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    out: dict[str, float] = {}
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        url = f"http://127.0.0.1:{port}/"
        while "first_page" not in out:
            if time.perf_counter() - t0 > deadline:
                raise SystemExit(f"nothing shown within {deadline:.0f} s")
            try:
                page.goto(url, timeout=5_000)
                # Streamlit's shell loads first; the app has drawn something once an element exists.
                page.locator("[data-testid='stMain'] [data-testid='stElementContainer']").first.wait_for(
                    timeout=int(max(1, deadline - (time.perf_counter() - t0)) * 1000))
                out["first_page"] = time.perf_counter() - t0
            except Exception:  # noqa: BLE001 - the server is not up yet
                time.sleep(0.2)
        page.get_by_role("heading", name="Masuk").wait_for(
            timeout=int(max(1, deadline - (time.perf_counter() - t0)) * 1000))
        out["sign_in"] = time.perf_counter() - t0
    finally:
        page.close()
        os.killpg(proc.pid, signal.SIGTERM)  # ./pantau execs python; its session holds nothing else
        proc.wait(timeout=30)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venv", type=Path, default=Path(sys.prefix))
    ap.add_argument("--fresh", action="store_true", help="also time a clone with no venv (installs everything)")
    ap.add_argument("--deadline", type=float, default=900)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    want = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest() + " bytecode"  # as ./pantau writes it
    stamp = args.venv / ".requirements.sha256"
    if not stamp.exists() or stamp.read_text().strip() != want:
        raise SystemExit(f"{args.venv} was not set up from this requirements.txt; refusing to let ./pantau touch it")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        cases = [("with venv", True)] + ([("fresh, no venv", False)] if args.fresh else [])
        for label, with_venv in cases:
            folder = Path(tmp) / label.replace(" ", "_").replace(",", "")
            t0 = time.perf_counter()
            clone(folder)
            cloned = time.perf_counter() - t0
            # A fresh machine has no download caches either: uv and pip get an empty one / none.
            extra = {} if with_venv else {"UV_CACHE_DIR": str(Path(tmp) / "uv-cache"), "PIP_NO_CACHE_DIR": "1"}
            if with_venv:
                (folder / ".venv").symlink_to(args.venv.resolve())
            first = start(folder, browser, args.deadline, **extra)
            print(f"{label}: first start {first}", flush=True)
            later = start(folder, browser, args.deadline)
            print(f"{label}: later start {later}", flush=True)
            rows.append((label, cloned, first, later))
        browser.close()
    print(f"{'clone':<16} {'git clone':>9} {'first page':>11} {'sign-in':>9} {'later: first page':>18} {'sign-in':>9}")
    for label, cloned, first, later in rows:
        print(f"{label:<16} {cloned:8.1f}s {first['first_page']:10.1f}s {first['sign_in']:8.1f}s "
              f"{later['first_page']:17.1f}s {later['sign_in']:8.1f}s")
    print("(seconds from ./pantau start; targets: first page <= 10 s with a venv, <= 90 s fresh; later <= 5 s)")


if __name__ == "__main__":
    main()
