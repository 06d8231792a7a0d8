"""`pipelines.cluster` on loopback: HAProxy's config and affinity, one cookie secret, the ingest CLI with a replica down."""
from __future__ import annotations

import http.client
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.catalogue import indicators
from pipelines.cluster import Cluster, balancer, preparation
from tests.clusterkit import free_block, seeded_store, versions
from tests.conftest import ROOT, good_identity, make_workbook


@pytest.fixture(scope="module")
def cluster(pg_server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    url = seeded_store(pg_server.schema(), folder)
    with Cluster(replicas=2, port=free_block(3), database_url=url, folder=folder / "run") as c:
        yield c


def get(c: Cluster, path: str, cookie: str | None = None) -> http.client.HTTPResponse:
    """One GET through the balancer (a new connection each time, as separate browsers would make)."""
    conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=10)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    answer = conn.getresponse()
    answer.read()
    conn.close()
    return answer


def test_generated_config_passes_haproxy_check(cluster):
    done = subprocess.run([balancer.HAPROXY, "-c", "-f", str(cluster.config)], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    text = cluster.config.read_text()
    assert "cookie PANTAU_REPLICA insert indirect nocache" in text
    assert f"server r2 127.0.0.1:{cluster.port + 2} cookie r2" in text


def test_config_names_one_server_per_replica_on_the_chosen_address():
    text = balancer.render(8650, [8651, 8652, 8653], bind="0.0.0.0")
    assert "    bind 0.0.0.0:8650\n" in text
    assert [line.strip() for line in text.splitlines() if line.strip().startswith("server ")] == [
        "server r1 127.0.0.1:8651 cookie r1", "server r2 127.0.0.1:8652 cookie r2",
        "server r3 127.0.0.1:8653 cookie r3"]


def test_first_response_sets_the_replica_cookie_and_it_holds(cluster):
    first = get(cluster, "/_stcore/health")
    assert first.status == 200
    [cookie] = [v for k, v in first.getheaders() if k.lower() == "set-cookie" and v.startswith("PANTAU_REPLICA=")]
    replica = first.getheader("X-Pantau-Replica")
    assert cookie.split(";")[0] == f"PANTAU_REPLICA={replica}"
    assert "HttpOnly" in cookie
    seen = [get(cluster, "/_stcore/health", f"PANTAU_REPLICA={replica}").getheader("X-Pantau-Replica")
            for _ in range(6)]
    assert seen == [replica] * 6


def test_both_replicas_get_traffic_without_the_cookie(cluster):
    seen = [get(cluster, "/_stcore/health").getheader("X-Pantau-Replica") for _ in range(4)]
    assert sorted(seen) == ["r1", "r1", "r2", "r2"]  # round robin


def test_every_replica_runs_with_the_stores_cookie_secret(cluster):
    """Streamlit's server.cookieSecret (STREAMLIT_SERVER_COOKIE_SECRET) is the store's one, in both processes."""
    secret = preparation.cookie_secret(cluster.database_url)
    assert (len(secret), preparation.cookie_secret(cluster.database_url)) == (64, secret)  # made once, kept
    pids = cluster.replica_pids()
    assert len(pids) == 2
    for pid in pids:
        env = dict(item.split("=", 1) for item in
                   Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0") if "=" in item)
        assert env["STREAMLIT_SERVER_COOKIE_SECRET"] == secret
        assert env["PANTAU_DATABASE_URL"] == cluster.database_url
    assert secret not in "".join(p.read_text() for p in cluster.folder.glob("*.log"))  # never logged


def ingest(c: Cluster, book: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.ingest", "--user", "cli", str(book)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PANTAU_DATABASE_URL": c.database_url, "PYTHONPATH": str(ROOT)})


def test_ingest_cli_loads_while_a_replica_is_down(cluster, tmp_path):
    book = tmp_path / "betak-2024-02.xlsx"
    book.write_bytes(make_workbook(good_identity(kode_desa="35.04.14.2016", nama_desa="Betak", periode="2024-02")))
    cluster.kill(1)
    try:
        assert len(cluster.replica_pids()) == 1
        assert get(cluster, "/_stcore/health").status == 200  # HAProxy answers from the one left
        done = ingest(cluster, book)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        cluster.start_replica(1)
    assert versions(cluster.database_url, "35.04.14.2016", "2024-02") == [(1, len(indicators()), 2, 1, 1)]
    assert len(cluster.replica_pids()) == 2
    again = ingest(cluster, book)  # the same bytes sent again once the replica is back: no second version
    assert (again.returncode, "1 tidak berubah" in again.stdout) == (0, True), again.stdout
    assert versions(cluster.database_url, "35.04.14.2016", "2024-02") == [(1, len(indicators()), 2, 1, 1)]


def test_uploader_files_whose_bytes_stayed_on_a_dead_replica_are_counted_apart(monkeypatch):
    """A browser that reconnects to another replica sends its uploader's file ids again; that process never
    received their bytes and Streamlit gives DeletedFile for them (ui/uploads.py; the Unggah page says so)."""
    from types import SimpleNamespace

    from streamlit.runtime.uploaded_file_manager import DeletedFile

    from ui import uploads
    here = SimpleNamespace(name="a.xlsx", getvalue=lambda: b"x")
    monkeypatch.setattr(uploads, "st", SimpleNamespace(session_state={"up_files_0": [DeletedFile("f1"), here]}))
    assert uploads.held("up_files_0") == ([here], 1)
    assert uploads.held("up_files_1") == ([], 0)
