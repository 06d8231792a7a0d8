"""Several app processes (replicas) on one store for the tests: started together, healthy within a limit, always stopped."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 90  # every replica answers /_stcore/health within this, or the test fails saying which did not


class NotHealthy(RuntimeError):
    """A replica exited or did not answer its health check in time; the message holds its log's tail."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 1.0) -> bool:
    """True when the replica answers /_stcore/health with 200."""
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=timeout) as answer:
            return answer.status == 200
    except OSError:
        return False


@contextmanager
def replicas(count: int, env: dict[str, str], app: Path | str = ROOT / "app.py",
             start_seconds: float = START_SECONDS) -> Iterator[list[str]]:
    """`count` processes of `python -m ui.serve run app` on free loopback ports with env added to this one's;
    yields their URLs once all are healthy; terminates (then kills) every one of them on leaving, even on failure."""
    logs = Path(tempfile.mkdtemp(prefix="pantau-replicas-"))
    procs: list[tuple[subprocess.Popen, Path]] = []
    try:
        urls = []
        for n in range(count):
            port = free_port()
            log = logs / f"replica-{n + 1}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "ui.serve", "run", str(app), "--server.port", str(port),
                     "--server.address", "127.0.0.1", "--server.headless", "true"],
                    cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env}, stdout=out,
                    stderr=subprocess.STDOUT)
            procs.append((proc, log))
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + start_seconds
        for url, (proc, log) in zip(urls, procs):
            while not healthy(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(errors="replace")[-3000:]
                    raise NotHealthy(f"replica {url} {'exited' if proc.poll() is not None else 'not healthy'} "
                                     f"within {start_seconds:.0f} s; its log ends:\n{tail}")
                time.sleep(0.3)
        yield urls
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for _, log in procs:
            log.unlink(missing_ok=True)
        logs.rmdir()
