"""Child processes of a cluster: started in their own session, logged to a file, stopped with a time limit."""
from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

# util-linux's setpriv gives the child SIGTERM when the process that started it dies, even by SIGKILL,
# so a killed `./pantau cluster` (or test run) leaves no replica or balancer behind.
SETPRIV = shutil.which("setpriv")


def spawn(args: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen:
    """Start args with stdout and stderr appended to log, in a session of its own (a Ctrl-C in the
    terminal reaches only the cluster, which then stops its children in order)."""
    if SETPRIV:
        args = [SETPRIV, "--pdeathsig", "TERM", "--", *args]
    with open(log, "ab") as out:
        return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=cwd, start_new_session=True)


def stop(proc: subprocess.Popen | None, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL after timeout seconds; always reaped."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def healthy(url: str, timeout: float = 1) -> bool:
    """url answers 200 within timeout seconds."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status == 200
    except OSError:
        return False


def wait_healthy(url: str, seconds: float, proc: subprocess.Popen | None = None) -> bool:
    """Poll url until it answers 200; False after seconds, or at once when proc has died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if healthy(url):
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.3)
    return False


def port_busy(port: int, host: str = "127.0.0.1") -> bool:
    """Something listens on host:port already."""
    import socket
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0
