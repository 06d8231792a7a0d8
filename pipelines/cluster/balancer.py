"""HAProxy in front of the replicas: its configuration rendered from haproxy.cfg.tmpl, checked, then run in the foreground."""
from __future__ import annotations

import subprocess
from pathlib import Path
from string import Template

from pipelines.cluster import processes

HAPROXY = "/usr/sbin/haproxy"
TEMPLATE = Path(__file__).resolve().parent / "haproxy.cfg.tmpl"
ERRORS = Path(__file__).resolve().parent / "errors"  # HAProxy's 502/503/504 answers: reload in 3 s


class BadConfig(RuntimeError):
    """haproxy -c refused the rendered configuration; the message carries its words."""


def server_name(index: int) -> str:
    """Replica index (0-based) -> its HAProxy server name and cookie value: r1, r2, ..."""
    return f"r{index + 1}"


def render(port: int, replica_ports: list[int], bind: str = "127.0.0.1") -> str:
    """The configuration text: the frontend on bind:port, one server per replica port."""
    servers = "\n".join(f"    server {server_name(i)} 127.0.0.1:{p} cookie {server_name(i)}"
                        for i, p in enumerate(replica_ports))
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(bind=bind, port=port, servers=servers,
                                                                         errors=ERRORS)


def write(path: Path, text: str) -> Path:
    """Write the configuration and have haproxy -c check it; BadConfig with haproxy's words when refused."""
    path.write_text(text, encoding="utf-8")
    check(path)
    return path


def check(path: Path) -> None:
    done = subprocess.run([HAPROXY, "-c", "-q", "-f", str(path)], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise BadConfig(f"haproxy -c {path}: {(done.stderr or done.stdout).strip()}")


def start(config: Path, log: Path) -> subprocess.Popen:
    """haproxy in the foreground (-db) as a child, logging to log."""
    return processes.spawn([HAPROXY, "-db", "-f", str(config)], log)
