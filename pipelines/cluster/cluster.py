"""The cluster on one machine: the store (given or a local PostgreSQL), N replicas, HAProxy in front; a context manager."""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from pipelines import settings
from pipelines.cluster import balancer, localpg, preparation, processes
from pipelines.cluster.replicas import Replica

START_SECONDS = 180  # a replica's first start imports the app and warms its caches; 2 cores shared
RESTART_PAUSE = 2.0  # seconds between a replica's death and its restart (as systemd's RestartSec)


class ClusterError(RuntimeError):
    """The cluster could not start; the message says why."""


def _project(path: Path) -> Path:
    # Relative folders are the project's (data/cluster), like PANTAU_DB's default.
    path = Path(path)
    return path if path.is_absolute() else settings.ROOT / path


class Cluster:
    """`with Cluster(replicas=3, port=8650) as c:` starts the store, the replicas and HAProxy, and stops them."""

    def __init__(self, replicas: int = 3, port: int = 8650, database_url: str | None = None,
                 folder: Path = Path("data/cluster"), restart: bool = True, bind: str = "127.0.0.1",
                 pg_folder: Path = Path("data/postgres"), say: Callable[[str], None] | None = None):
        if replicas < 1:
            raise ValueError("replicas must be at least 1")
        self.port, self.bind, self.restart = port, bind, restart
        self.folder, self.pg_folder = _project(folder), _project(pg_folder)
        self.database_url = database_url or settings.database_url() or None
        self.say = say or (lambda _text: None)
        self.replicas = [Replica(i, port + 1 + i, {}, self.folder / f"replica-{i + 1}.log") for i in range(replicas)]
        self.haproxy = None
        self.config = self.folder / "haproxy.cfg"
        self._pg: localpg.LocalPostgres | None = None  # set only when this cluster started it
        self._closing = threading.Event()
        self._watch: threading.Thread | None = None
        self._lock = threading.Lock()  # the watcher and kill()/start_replica() never start one replica twice

    # --- what tests and the bench read ------------------------------------------------------------
    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in ("0.0.0.0", "::", "*") else self.bind
        return f"http://{host}:{self.port}"

    @property
    def replica_urls(self) -> list[str]:
        return [r.url for r in self.replicas]

    def replica_pids(self) -> list[int]:
        """The running replicas' process ids (a killed one is missing until it runs again)."""
        return [pid for pid in (r.pid() for r in self.replicas) if pid is not None]

    def kill(self, i: int) -> None:
        """SIGKILL replica i (0-based), as a crash; it is not restarted until start_replica(i)."""
        with self._lock:
            self.replicas[i].kill()

    def start_replica(self, i: int, wait: bool = True) -> None:
        """Start replica i again (and wait until it answers its health check). Call it from a thread that
        lives as long as the replica should: a child gets SIGTERM when the thread that started it ends."""
        with self._lock:
            if not self.replicas[i].alive():
                self.replicas[i].start()
        if wait and not self.replicas[i].wait_healthy(START_SECONDS):
            raise ClusterError(f"replika {i + 1} tidak menjawab /_stcore/health (lihat {self.replicas[i].log})")

    # --- lifecycle --------------------------------------------------------------------------------
    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """Store, demo data when empty, cookie secret, replicas (waited for), HAProxy (waited for)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        busy = [p for p in [self.port] + [r.port for r in self.replicas] if processes.port_busy(p)]
        if busy:
            raise ClusterError(f"port {', '.join(map(str, busy))} sudah dipakai proses lain; pilih --port lain")
        if self.database_url is None:
            self.database_url = self._local_postgres()
        self.say("== memeriksa basis data")
        if preparation.is_empty(self.database_url):
            self.say("== basis data kosong: membangun data demo (sekali saja, beberapa menit)")
            preparation.fill_demo(self.database_url, progress=self._progress)
            self.say("")
        env = {"PANTAU_DATABASE_URL": self.database_url,
               "STREAMLIT_SERVER_COOKIE_SECRET": preparation.cookie_secret(self.database_url)}
        for replica in self.replicas:
            replica.env = env
        balancer.write(self.config, balancer.render(self.port, [r.port for r in self.replicas], self.bind))
        self.say(f"== memulai {len(self.replicas)} replika (port {self.replicas[0].port}-{self.replicas[-1].port}; "
                 f"log di {self.folder})")
        for replica in self.replicas:
            replica.start()
        for replica in self.replicas:
            if not replica.wait_healthy(START_SECONDS):
                raise ClusterError(f"replika {replica.index + 1} tidak menjawab /_stcore/health dalam "
                                   f"{START_SECONDS} dtk (lihat {replica.log})")
        self.say(f"== memulai HAProxy di {self.url} (konfigurasi {self.config})")
        self.haproxy = balancer.start(self.config, self.folder / "haproxy.log")
        if not processes.wait_healthy(self.url + "/_stcore/health", 30, self.haproxy):
            raise ClusterError(f"HAProxy tidak menjawab di {self.url} (lihat {self.folder / 'haproxy.log'})")
        if self.restart:
            self._watch = threading.Thread(target=self._watcher, name="pantau-cluster-watch", daemon=True)
            self._watch.start()

    def stop(self) -> None:
        """Stop what this cluster started: HAProxy first (no new traffic), the replicas, its own PostgreSQL."""
        self._closing.set()
        if self._watch is not None:
            self._watch.join(timeout=5)
        processes.stop(self.haproxy)
        for replica in self.replicas:
            replica.stop()
        if self._pg is not None:
            self.say("== menghentikan PostgreSQL lokal")
            self._pg.stop()
            self._pg = None

    def balancer_alive(self) -> bool:
        return self.haproxy is not None and self.haproxy.poll() is None

    # --- internals --------------------------------------------------------------------------------
    def _local_postgres(self) -> str:
        pg = localpg.LocalPostgres(self.pg_folder)
        if pg.init():
            self.say(f"== PostgreSQL lokal dibuat di {self.pg_folder}")
        if pg.start():
            self._pg = pg  # started by this run: stopped by it
            self.say(f"== PostgreSQL lokal berjalan di 127.0.0.1:{pg.port}")
        else:
            self.say(f"== PostgreSQL lokal sudah berjalan di 127.0.0.1:{pg.port} (dibiarkan berjalan)")
        return pg.create_database("pantau")

    def _progress(self, done: int, total: int, message: str) -> None:
        self.say(f"\r   [{done:>6}/{total}] {message}".ljust(72))

    def _watcher(self) -> None:
        # A replica that dies is reported and started again after a pause, as a systemd unit would;
        # HAProxy's health check puts it back in rotation once it answers.
        while not self._closing.wait(0.5):
            for replica in self.replicas:
                with self._lock:
                    dead = replica.proc is not None and not replica.alive() and not replica.held
                    code = replica.proc.returncode if dead else None
                if not dead:
                    continue
                self.say(f"!! replika {replica.index + 1} berhenti (kode {code}); dimulai ulang "
                         f"dalam {RESTART_PAUSE:g} dtk")
                if self._closing.wait(RESTART_PAUSE):
                    return
                with self._lock:
                    if not replica.alive() and not replica.held:
                        replica.start()

