"""`python -m pipelines.cluster` as a process: it starts, serves through HAProxy, and a Ctrl-C (SIGINT) stops every child."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from pipelines.cluster import preparation
from tests.clusterkit import free_block, seeded_store
from tests.conftest import ROOT


def children(pid: int) -> set[int]:
    """Every live descendant of pid (from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_every_child(pg_server, tmp_path):
    url = seeded_store(pg_server.schema(), tmp_path)
    port = free_block(3)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cluster", "--replicas", "2", "--port", str(port),
         "--folder", str(tmp_path / "run")],
        cwd=ROOT, env={**os.environ, "PANTAU_DATABASE_URL": url, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        said, deadline = [], time.monotonic() + 120
        while not any(line.startswith("== siap") for line in said):
            assert proc.poll() is None and time.monotonic() < deadline, "".join(said)
            try:
                said.append(lines.get(timeout=1))
            except queue.Empty:
                pass
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as answer:
            assert answer.status == 200
        started = children(proc.pid)
        assert len(started) == 3  # two replicas and HAProxy
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        assert [pid for pid in started if alive(pid)] == []
        assert preparation.cookie_secret(url) not in "".join(said)  # never printed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_a_local_postgresql_the_cluster_started_is_stopped_with_it(tmp_path, monkeypatch):
    """With PANTAU_DATABASE_URL unset the cluster runs on the PostgreSQL kept in pg_folder: started by it,
    stopped by it (here one seeded beforehand, so no demo build runs)."""
    import shutil
    import tempfile

    from pipelines.cluster import Cluster
    from pipelines.cluster.localpg import LocalPostgres
    monkeypatch.delenv("PANTAU_DATABASE_URL", raising=False)
    folder = Path(tempfile.mkdtemp(prefix="pantau-cluster-pg-"))  # the postgres user must reach it (not tmp_path)
    pg = LocalPostgres(folder)
    try:
        pg.init()
        pg.start()
        seeded_store(pg.create_database("pantau"), tmp_path)
        pg.stop()
        with Cluster(replicas=1, port=free_block(2), folder=tmp_path / "run", pg_folder=folder) as c:
            assert (c.database_url, pg.running()) == (pg.url("pantau"), True)
            with urllib.request.urlopen(c.url + "/_stcore/health", timeout=10) as answer:
                assert answer.status == 200
        assert pg.running() is False
    finally:
        pg.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
