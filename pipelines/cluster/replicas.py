"""One app replica: `python -m ui.serve run app.py` on a loopback port, on the shared store, logged to a file."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipelines import settings
from pipelines.cluster import processes


class Replica:
    """Replica index (0-based) on 127.0.0.1:port; start() may be called again after it died."""

    def __init__(self, index: int, port: int, env: dict[str, str], log: Path):
        self.index, self.port, self.env, self.log = index, port, env, log
        self.proc: subprocess.Popen | None = None
        self.held = False  # killed on purpose (Cluster.kill): not restarted until start() is called again

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.held = False
        with open(self.log, "a", encoding="utf-8") as out:
            out.write(f"== replika {self.index + 1} dimulai {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        self.proc = processes.spawn(
            [sys.executable, "-m", "ui.serve", "run", str(settings.ROOT / "app.py"), "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            self.log, env={**os.environ, **self.env, "PYTHONPATH": str(settings.ROOT)}, cwd=settings.ROOT)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def pid(self) -> int | None:
        return self.proc.pid if self.alive() else None

    def wait_healthy(self, seconds: float) -> bool:
        return processes.wait_healthy(self.url + "/_stcore/health", seconds, self.proc)

    def kill(self) -> None:
        """SIGKILL, as a crash would; held, so no restart follows."""
        self.held = True
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        self.held = True
        processes.stop(self.proc)
