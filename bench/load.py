"""Benchmark: K real browser sessions (Playwright, Debian Chromium) through a fixed walk while a coordinator uploads.

    python bench/load.py [--sessions 20] [--rounds 2] [--demo PATH] [--deadline 900]

Serves the app on a copy of the demo warehouse on a loopback port (127.0.0.1 only), then runs
K ministry sessions at once, each signing in and walking Ringkasan > Peta > Wilayah > Pilar >
Kelengkapan --rounds times through the navigation, while a coordinator session uploads and loads
30 workbooks on Unggah Laporan. Prints the server's CPU-seconds per page view (utime + stime
of the server process from /proc, over the whole run, the upload included), p50/p95 page times,
errors, and the server's RSS before and at its peak. Everything stops at --deadline seconds.
Targets (issue 11): <= 0.2 CPU-s per page view and peak RSS <= 500 MB with 20 sessions.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines import settings  # noqa: E402
from pipelines.catalogue import indicators  # noqa: E402
from pipelines.ingest import template  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--use-gl=angle", "--use-angle=swiftshader",
         "--enable-unsafe-swiftshader"]
WALK = ["Ringkasan", "Peta", "Wilayah", "Pilar", "Kelengkapan"]  # navigation link = page heading
PASSWORD = "desmigratif-demo"
TICK = os.sysconf("SC_CLK_TCK")
TULUNGAGUNG = [("35.04.14.2011", "Tunggangri"), ("35.04.14.2016", "Betak"), ("35.04.14.2017", "Pagersari")]


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (its threads included) from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int, key: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workbooks(folder: Path, count: int = 30) -> list[Path]:
    """count valid re-submissions for the Tulungagung model villages (each becomes a new version)."""
    rng = random.Random(11)
    out = []
    for i in range(count):
        code, name = TULUNGAGUNG[i % len(TULUNGAGUNG)]
        period = f"2025-{1 + i // len(TULUNGAGUNG):02d}"  # months no reviewer has locked in the demo
        values = {c: rng.randint(0, 30) for c in indicators()}
        values.update({"C01": 80, "C02": 40, "L08": 10, "L09": 5, "K05": "ya"})
        path = folder / f"laporan-{name.lower()}-{period}.xlsx"
        template.write_workbook(path, {"kode_desa": code, "nama_desa": name, "periode": period,
                                       "nama_petugas": "Petugas Uji"}, values,
                                [{"negara_tujuan": "Taiwan", "sektor": "Manufaktur", "jenis_kelamin": "L",
                                  "jumlah": rng.randint(1, 5)}], [], [], decorate=False)
        out.append(path)
    return out


async def ready(page, heading: str, timeout_ms: int) -> None:
    """The page's heading is shown and the script run has finished: Streamlit's running indicator
    (stStatusWidget) is gone, not a fixed sleep."""
    await page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=timeout_ms)
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout_ms, polling=200)


async def sign_in(page, url: str, user: str, timeout_ms: int) -> None:
    await page.goto(url + "/", timeout=timeout_ms)
    await page.get_by_label("Nama pengguna").fill(user, timeout=timeout_ms)
    await page.get_by_label("Kata sandi").fill(PASSWORD)
    await page.get_by_role("button", name="Masuk").click(timeout=timeout_ms)
    await ready(page, "Ringkasan", timeout_ms)


async def viewer(browser, url: str, rounds: int, times: list, errors: list, stop: float) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(120_000)  # no 30 s Playwright default anywhere: the deadline bounds the run
    try:
        start = time.perf_counter()
        await sign_in(page, url, "kemnaker", 120_000)
        times.append(("sign-in", time.perf_counter() - start))
        for _ in range(rounds):
            for link in WALK[1:] + WALK[:1]:
                if time.time() > stop:
                    return
                start = time.perf_counter()
                await page.get_by_test_id("stSidebar").get_by_role("link", name=link, exact=True).click(
                    timeout=120_000)
                await ready(page, link, 120_000)
                times.append((link, time.perf_counter() - start))
                if await page.locator("[data-testid='stException']").count():
                    errors.append(f"{link}: {await page.locator('[data-testid=stException]').first.inner_text()}")
    except Exception as exc:  # noqa: BLE001 - a benchmark reports failures, it does not stop on them
        errors.append(f"viewer: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()


async def uploader(browser, url: str, files: list[Path], report: dict, errors: list) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1100})
    page = await context.new_page()
    page.set_default_timeout(120_000)  # no 30 s Playwright default anywhere: the deadline bounds the run
    try:
        await sign_in(page, url, "koord.tulungagung", 120_000)
        await page.get_by_test_id("stSidebar").get_by_role("link", name="Unggah Laporan", exact=True).click(
            timeout=120_000)
        await page.get_by_role("heading", name="Unggah Laporan").first.wait_for(timeout=120_000)
        start = time.perf_counter()
        await page.locator("input[type='file']").set_input_files([str(f) for f in files], timeout=300_000)
        # every file is checked first; a month already approved (locked) is refused, so count what is offered
        button = page.get_by_role("button", name=re.compile(r"^Muat \d+ berkas yang diterima$"))
        await button.wait_for(timeout=300_000)
        report["offered"] = int(re.search(r"\d+", await button.inner_text()).group())
        await button.click(timeout=300_000)
        done = page.get_by_text(re.compile(r"^Selesai: \d+ laporan dimuat"))
        await done.wait_for(timeout=300_000)
        report["loaded"] = int(re.search(r"\d+", await done.inner_text()).group())
        report["upload_s"] = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001
        errors.append(f"upload: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()


async def crowd(url: str, sessions: int, rounds: int, files: list[Path], deadline: float) -> dict:
    from playwright.async_api import async_playwright

    times: list[tuple[str, float]] = []
    errors: list[str] = []
    report: dict = {}
    stop = time.time() + deadline
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        jobs = [viewer(browser, url, rounds, times, errors, stop) for _ in range(sessions)]
        jobs.append(uploader(browser, url, files, report, errors))
        try:
            await asyncio.wait_for(asyncio.gather(*jobs), timeout=deadline)
        except asyncio.TimeoutError:
            errors.append(f"deadline of {deadline:.0f} s reached")
        await browser.close()
    return {"times": times, "errors": errors, **report}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2, help="times each session walks the five pages")
    ap.add_argument("--demo", type=Path, default=ROOT / "data" / "pantau.duckdb",
                    help="a demo warehouse to copy (built when missing)")
    ap.add_argument("--deadline", type=float, default=900, help="seconds before everything stops")
    args = ap.parse_args()
    today = os.environ.get("PANTAU_TODAY", "2026-12-01")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "pantau.duckdb"
        if args.demo.exists():
            shutil.copy(args.demo, db)
        else:
            from pipelines.demo import build as demo
            os.environ["PANTAU_TODAY"] = today
            demo.build(db, today=settings.today())
        files = workbooks(folder)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "ui.serve", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**os.environ, "PANTAU_DB": str(db), "PANTAU_TODAY": today, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        peak = [0.0]
        done = threading.Event()
        try:
            limit = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                    break
                except OSError:
                    if time.time() > limit:
                        raise SystemExit("the server did not start")
                    time.sleep(0.3)
            rss_start = rss_mb(server.pid)

            def sample() -> None:
                while not done.wait(0.5):
                    peak[0] = max(peak[0], rss_mb(server.pid))

            threading.Thread(target=sample, daemon=True).start()
            cpu0, t0 = cpu_seconds(server.pid), time.perf_counter()
            result = asyncio.run(crowd(url, args.sessions, args.rounds, files, args.deadline))
            cpu, wall = cpu_seconds(server.pid) - cpu0, time.perf_counter() - t0
            peak[0] = max(peak[0], rss_mb(server.pid, "VmHWM"))
        finally:
            done.set()
            server.terminate()
            server.wait(timeout=20)
    views = [s for name, s in result["times"] if name != "sign-in"]
    signins = [s for name, s in result["times"] if name == "sign-in"]
    counted = len(views) + len(signins)
    q = statistics.quantiles(views, n=20) if len(views) >= 2 else [float("nan")] * 19
    print(f"{args.sessions} sessions x {args.rounds} walks of {len(WALK)} pages + 1 coordinator uploading "
          f"{len(files)} workbooks; {wall:.0f} s")
    print(f"page views: {len(views)} (+ {len(signins)} sign-ins); errors: {len(result['errors'])}")
    for e in result["errors"][:10]:
        print(f"  {e}")
    print(f"page time p50 {statistics.median(views) if views else float('nan'):.2f} s, p95 {q[18]:.2f} s; "
          f"sign-in p50 {statistics.median(signins) if signins else float('nan'):.2f} s")
    print(f"upload of {len(files)} workbooks: {result.get('offered', 0)} accepted by the check, "
          f"{result.get('loaded', 0)} loaded, {result.get('upload_s', float('nan')):.1f} s")
    print(f"server CPU: {cpu:.1f} s = {cpu / max(counted, 1):.3f} CPU-s per page view (target <= 0.2)")
    print(f"server RSS: {rss_start:.0f} MB at start, peak {peak[0]:.0f} MB (target <= 500 MB)")


if __name__ == "__main__":
    main()
