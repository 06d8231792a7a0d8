"""deploy/: the HAProxy, systemd and environment files are valid for the tools that read them, and work."""
from __future__ import annotations

import http.client
import http.server
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipelines import settings
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
TIMEOUT = 30  # seconds for any one tool run
HAPROXY = "/usr/sbin/haproxy"


def _tool(path: str, package: str) -> str:
    """A program the deployment relies on; the test fails saying how to install it when it is missing."""
    found = shutil.which(path) or (path if Path(path).exists() else None)
    if not found:
        pytest.fail(f"{path} is missing: apt-get install {package}", pytrace=False)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """A throwaway self-signed certificate and key in one PEM file, as HAProxy's `crt` wants."""
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run([_tool("openssl", "openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", folder / "key.pem", "-out", folder / "cert.pem"],
                   check=True, capture_output=True, timeout=TIMEOUT)
    pem = folder / "pantau.pem"
    pem.write_bytes((folder / "cert.pem").read_bytes() + (folder / "key.pem").read_bytes())
    return pem


def test_haproxy_accepts_the_production_config(certificate, tmp_path):
    config = tmp_path / "haproxy.cfg"
    config.write_text((DEPLOY / "haproxy.cfg").read_text().replace("/etc/pantau/tls/pantau.pem", str(certificate))
                      .replace("/opt/pantau/pipelines/", f"{DEPLOY.parent}/pipelines/"))
    done = subprocess.run([_tool(HAPROXY, "haproxy"), "-c", "-f", config], capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert (done.returncode, done.stdout, done.stderr) == (0, "Configuration file is valid\n", "")


class _Replica(http.server.ThreadingHTTPServer):
    """Stands in for one app replica: answers its name and the headers it was sent."""

    def __init__(self, name: str):
        self.name = name

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(handler):  # noqa: N805 (the server is `self` of the closure)
                body = f"{name} proto={handler.headers.get('X-Forwarded-Proto')} " \
                       f"cookie={handler.headers.get('Cookie')}".encode()
                handler.send_response(200)
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                handler.wfile.write(body)

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def handle_error(self, request, client_address):
        pass  # HAProxy's health checks hang up without reading the answer: not an error here

    @property
    def port(self) -> int:
        return self.server_address[1]

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


@contextmanager
def _balancer(certificate: Path, ports: list[int]):
    """deploy/haproxy.cfg on loopback: free ports for :80 and :443, the replicas on `ports` as r1, r2...
    (the config's other server lines dropped), in the foreground (no chroot, user switch or admin socket:
    those need the installed package's folders)."""
    http_port, https_port = _free_port(), _free_port()
    text = (DEPLOY / "haproxy.cfg").read_text().replace("/opt/pantau/pipelines/", f"{DEPLOY.parent}/pipelines/")
    text = re.sub(r"^\s*(chroot|stats socket|user|group|daemon|log /dev/log)\b.*$", "", text, flags=re.M)
    text = text.replace("bind :80\n", f"bind 127.0.0.1:{http_port}\n")
    text = text.replace("bind :443 ssl crt /etc/pantau/tls/pantau.pem",
                        f"bind 127.0.0.1:{https_port} ssl crt {certificate}")
    for i in range(1, 4):
        line = f"    server r{i} 127.0.0.1:{8650 + i} cookie r{i}\n"
        assert line in text
        text = text.replace(line, f"    server r{i} 127.0.0.1:{ports[i - 1]} cookie r{i}\n" if i <= len(ports) else "")
    config = certificate.parent / f"haproxy-{https_port}.cfg"
    config.write_text(text)
    process = subprocess.Popen([_tool(HAPROXY, "haproxy"), "-db", "-f", config], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"haproxy did not start: {process.stderr.read().decode()}") from None
                time.sleep(0.05)
        yield http_port, https_port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _get(port: int, path: str = "/", cookie: str | None = None, tls: bool = True) -> http.client.HTTPResponse:
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        con = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    else:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    con.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = con.getresponse()
    response.body = response.read().decode()
    con.close()
    return response


def test_the_balancer_redirects_to_https_and_keeps_a_viewer_on_one_replica(certificate):
    replicas = [_Replica(f"r{i}") for i in (1, 2, 3)]
    try:
        with _balancer(certificate, [r.port for r in replicas]) as (http_port, https_port):
            plain = _get(http_port, "/Peta?wilayah=35", tls=False)
            assert (plain.status, plain.getheader("Location")) == (301, f"https://127.0.0.1:{http_port}/Peta?wilayah=35")

            first = _get(https_port)
            assert first.status == 200
            assert first.getheader("Strict-Transport-Security") == "max-age=31536000"
            name = first.body.split()[0]
            # the affinity cookie: secure, not readable by scripts; the replica never sees it (indirect)
            assert first.getheader("Set-Cookie") == f"PANTAU_REPLICA={name}; path=/; HttpOnly; Secure; SameSite=Lax"
            assert first.body == f"{name} proto=https cookie=None"
            assert first.getheader("X-Pantau-Replica") == name
            for _ in range(3):
                again = _get(https_port, cookie=f"PANTAU_REPLICA={name}; other=1")
                assert (again.body, again.getheader("Set-Cookie")) == (f"{name} proto=https cookie=other=1", None)

            # the replica goes away: the same viewer is sent to another one, which the new cookie names
            [gone] = [r for r in replicas if r.name == name]
            gone.stop()
            moved = _get(https_port, cookie=f"PANTAU_REPLICA={name}")
            other = moved.body.split()[0]
            assert moved.status == 200
            assert other in {"r1", "r2", "r3"} - {name}
            assert moved.getheader("Set-Cookie") == f"PANTAU_REPLICA={other}; path=/; HttpOnly; Secure; SameSite=Lax"
    finally:
        for replica in replicas:
            if replica.socket.fileno() != -1:
                replica.stop()


def _unit_command(port: int) -> list[str]:
    """The replica's command line exactly as pantau@PORT.service runs it, with this checkout's interpreter."""
    [command] = _keys("pantau@.service")["ExecStart"]
    return command.replace("/opt/pantau/.venv/bin/python", sys.executable).replace("%i", str(port)).split()


def test_a_replica_started_as_the_unit_does_serves_through_the_balancer(certificate, pg_server, tmp_path):
    from websockets.sync.client import connect

    from tests.test_deploy_backup import _database
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "STREAMLIT_"))},
           "PANTAU_DATABASE_URL": _database(pg_server, "deploy_replica"),
           "STREAMLIT_SERVER_COOKIE_SECRET": "rahasia-uji-saja", "PYTHONDONTWRITEBYTECODE": "1"}
    log = tmp_path / "replica.log"
    with open(log, "wb") as out:
        replica = subprocess.Popen(_unit_command(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        with _balancer(certificate, [port]) as (_, https_port):
            deadline = time.monotonic() + 90
            while True:  # the replica imports Streamlit first; HAProxy answers 503 until its check passes
                health = _get(https_port, "/_stcore/health")
                if health.status == 200 or replica.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert (health.status, health.body) == (200, "ok"), log.read_text(errors="replace")[-2000:]
            [cookie] = [c.split(";")[0] for c in health.headers.get_all("Set-Cookie") if c.startswith("PANTAU_")]
            assert cookie == "PANTAU_REPLICA=r1"
            # the page's websocket through TLS, the affinity cookie and the tunnel
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            with connect(f"wss://127.0.0.1:{https_port}/_stcore/stream", ssl=context, open_timeout=10,
                         close_timeout=5, origin=f"https://127.0.0.1:{https_port}",
                         additional_headers={"Cookie": cookie}) as ws:
                assert ws.response.status_code == 101
                assert ws.response.headers["X-Pantau-Replica"] == "r1"
    finally:
        replica.terminate()
        try:
            replica.wait(timeout=20)
        except subprocess.TimeoutExpired:
            replica.kill()
            replica.wait(timeout=10)


UNIT_FILES = ["pantau@.service", "pantau.target", "pantau-backup.service", "pantau-backup.timer"]


def test_systemd_accepts_the_units(tmp_path):
    # The units name /opt/pantau; verify checks that ExecStart's program exists, so a copy points at this
    # checkout's interpreter and scripts instead. Nothing else changes.
    for name in UNIT_FILES:
        text = (DEPLOY / "systemd" / name).read_text()
        text = text.replace("/opt/pantau/.venv/bin/python", sys.executable).replace("/opt/pantau/deploy", str(DEPLOY))
        (tmp_path / name).write_text(text)
    done = subprocess.run([_tool("systemd-analyze", "systemd"), "verify", "pantau@8651.service", "pantau.target",
                           "pantau-backup.service", "pantau-backup.timer"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def _keys(name: str) -> dict[str, list[str]]:
    """A unit file's settings, key -> values in order (systemd allows a key more than once)."""
    out: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key, []).append(value)
    return out


def test_the_units_run_one_replica_per_port_and_a_daily_backup():
    replica = _keys("pantau@.service")
    assert replica["ExecStart"] == ["/opt/pantau/.venv/bin/python -m ui.serve run app.py --server.port %i "
                                    "--server.address 127.0.0.1 --server.headless true"]
    assert (replica["User"], replica["WorkingDirectory"], replica["EnvironmentFile"], replica["Restart"]) == (
        ["pantau"], ["/opt/pantau"], ["/etc/pantau/pantau.env"], ["on-failure"])
    assert (replica["NoNewPrivileges"], replica["ProtectSystem"], replica["PrivateTmp"]) == (["yes"], ["strict"], ["yes"])
    assert _keys("pantau.target")["Wants"] == ["pantau@8651.service pantau@8652.service pantau@8653.service"]
    ports = re.findall(r"^\s*server r\d 127\.0\.0\.1:(\d+) ", (DEPLOY / "haproxy.cfg").read_text(), flags=re.M)
    assert ports == ["8651", "8652", "8653"]  # the balancer's servers are the target's replicas
    timer = _keys("pantau-backup.timer")
    assert (timer["OnCalendar"], timer["Persistent"], timer["RandomizedDelaySec"]) == (
        ["*-*-* 01:30:00"], ["true"], ["30min"])
    assert _keys("pantau-backup.service")["ExecStart"] == [
        "/opt/pantau/deploy/backup.sh --dir /var/backups/pantau --keep-days 14 --lock-wait 600"]


def _env_example() -> dict[str, str]:
    pairs = [line.split("=", 1) for line in (DEPLOY / "pantau.env.example").read_text().splitlines()
             if line and not line.startswith("#")]
    return dict(pairs)


def test_the_env_example_names_only_real_settings_and_holds_no_secret(monkeypatch):
    from streamlit import config
    example = _env_example()
    assert list(example) == [
        "PANTAU_DATABASE_URL", "PGPASSWORD", "STREAMLIT_SERVER_COOKIE_SECRET", "STREAMLIT_BROWSER_GATHER_USAGE_STATS",
        "PANTAU_DEADLINE_DAY", "PANTAU_LOCK_DAYS", "PANTAU_SESSION_MINUTES", "PANTAU_PASSWORD_HASH",
        "PANTAU_MAX_UPLOAD_MB", "PANTAU_MAX_UNPACKED_MB", "PANTAU_READ_WORKERS", "PANTAU_BOUNDARIES",
        "PANTAU_RENDER_SECONDS", "PANTAU_FAST_PATHS"]
    streamlit_names = {option.env_var for option in config._config_options_template.values()}
    for name in example:
        if name.startswith("PANTAU_"):
            assert name in settings.catalogue(), name
        elif name.startswith("STREAMLIT_"):
            assert name in streamlit_names, name
        else:
            assert name == "PGPASSWORD"  # libpq's own
    # secrets are filled in on the machine, never here; the URL carries no password
    assert (example["PGPASSWORD"], example["STREAMLIT_SERVER_COOKIE_SECRET"]) == ("", "")
    url = urlsplit(example["PANTAU_DATABASE_URL"])
    assert (url.scheme, url.username, url.password, url.hostname, url.port, url.path) == (
        "postgresql", "pantau", None, "db.pantau.internal", 5432, "/pantau")
    # every value is one the app accepts, and means what the comments say
    for name, value in example.items():
        monkeypatch.setenv(name, value)
    assert (settings.session_minutes(), settings.password_hash_cost(), settings.max_upload_mb(),
            settings.read_workers(), settings.fast_paths(), settings.boundary_file(), settings.lock_days()) == (
        480, (19456, 2, 1), 20, 1, True, None, 0)
    assert settings.database_url() == example["PANTAU_DATABASE_URL"]


def test_the_upgrade_backs_up_stops_migrates_once_then_starts():
    done = subprocess.run([str(DEPLOY / "upgrade.sh"), "--dry-run", "--ref", "v22"], capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "+ systemctl start pantau-backup.service",
        "+ systemctl stop pantau.target",
        "+ git -C /opt/pantau fetch --tags origin",
        "+ git -C /opt/pantau checkout --detach v22",
        "+ /opt/pantau/.venv/bin/uv pip install --quiet --compile-bytecode --python /opt/pantau/.venv/bin/python "
        "-r /opt/pantau/requirements.txt",
        "+ /opt/pantau/.venv/bin/python -m compileall -q /opt/pantau/app.py /opt/pantau/pipelines /opt/pantau/ui "
        "/opt/pantau/pages",
        "+ systemd-run --quiet --wait --pipe --collect --uid=pantau --gid=pantau "
        "--property=EnvironmentFile=/etc/pantau/pantau.env --property=WorkingDirectory=/opt/pantau "
        "/opt/pantau/.venv/bin/python -m pipelines.store migrate",
        "+ systemctl start pantau.target",
        "+ curl -fsS --max-time 2 http://127.0.0.1:PORT/_stcore/health  (every replica of pantau.target, up to 120 s)",
    ]
    # the other app machines of a multi-machine upgrade: no second backup, no second migration
    done = subprocess.run([str(DEPLOY / "upgrade.sh"), "--dry-run", "--no-backup", "--no-migrate"],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert [line.split()[1] for line in done.stdout.splitlines()] == [
        "systemctl", "/opt/pantau/.venv/bin/uv", "/opt/pantau/.venv/bin/python", "systemctl", "curl"]
