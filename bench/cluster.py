"""Benchmark: a crowd of ministry viewers and two uploading coordinators on 1 and on 3 replicas behind HAProxy.

    python bench/cluster.py [--quick] [--viewers 30,100,300] [--replicas 1,3] [--duration 120]
                            [--interval 10] [--uploads 30] [--kill-viewers 100] [--big-upload 150]

No browser: each viewer is one websocket speaking Streamlit's protocol (bench/streamlit_client.py),
signed in by a session cookie made in the store (one ministry account, K sessions). For each replica
count a cluster is started with pipelines.cluster.Cluster on a PostgreSQL of its own (a throwaway one
in a temporary folder, demo data), every replica is warmed (each page run once), then for each K:
K viewers each open a page about every --interval s (jittered) along Ringkasan > Peta > Wilayah >
Pilar > Kelengkapan for --duration s while koord.tulungagung and koord.ponorogo each upload --uploads
workbooks in batches through Unggah Laporan's own uploader. Printed per run:
  p50/p95 page time  BackMsg rerun_script -> ForwardMsg script_finished, as the viewer saw it;
  views, views/s     page runs that finished without an error;
  errors             views with an exception element, page not found, a timeout or a closed socket;
  CPU-s/view         per replica: utime+stime from /proc/<pid>/stat over the run / views it served
                     (uploads included: they run on the coordinators' replicas);
  PG-s/view          the PostgreSQL's CPU over the run (postmaster's children) / all views served;
  peak MB            per replica: VmHWM from /proc/<pid>/status (the process's high-water mark so far);
  uploads            workbooks found in the store once / not at all (lost) / more than once (doubled).
Then "warm view CPU": one viewer alone walks the pages on a warmed replica (no crowd, no uploads).
The replica kill (3 replicas): --kill-viewers viewers run while replica r3 is SIGKILLed mid-run;
printed: failed views, reconnect times (failure -> next good view through the balancer), uploads.
--big-upload N: one coordinator uploads N workbooks in one batch on one replica; its VmHWM.
The ratio line compares 3 replicas with 1 in the same run (see RATIO below). Beside each run: the
machine's 1-minute load average, and "bench", the cores this client itself used (it shares the
machine with the replicas); on a shared machine the ratios are what count.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import actors, crowd  # noqa: E402
from bench.streamlit_client import Client  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
P95_LIMIT = 2.0
HUNG_AFTER = 30  # seconds a replica may leave its own health check unanswered before it counts as hung
RATIO = (f"views/s served by 3 replicas / by 1 at the same p95: for each replica count, the highest views/s of "
         f"the runs whose p95 <= {P95_LIMIT:g} s (a run over the limit does not count); and, as a second "
         "measure, views/s at the largest K, 3 / 1.")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (all its threads) from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def store_cpu_seconds(url: str) -> float:
    """CPU-s of the PostgreSQL serving url: its postmaster's reaped children (cutime + cstime) plus
    every live child (backends, writers); the queries of cold page runs are spent there."""
    import psycopg
    with psycopg.connect(url, connect_timeout=10) as con:
        data_dir = con.execute("SHOW data_directory").fetchone()[0]
    master = int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    for child in Path("/proc").glob("[0-9]*"):
        try:
            stat = (child / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == master:
            total += int(stat[11]) + int(stat[12])
    return total / TICK


def status_mb(pid: int, key: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load() -> str:
    """The 1-minute load average (the machine is shared)."""
    return Path("/proc/loadavg").read_text().split()[0]


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


class Bench:
    """One store, clusters started on it in turn, the runs' rows."""

    def __init__(self, args, url: str, folder: Path):
        self.args, self.url, self.folder = args, url, folder
        self.rows: list[dict] = []
        self.tag = f"{int(time.time())}"
        self.batch_no = 0

    def pids(self, cluster) -> dict[str, int]:
        from pipelines.cluster.balancer import server_name
        return {server_name(r.index): r.pid() for r in cluster.replicas if r.pid() is not None}

    async def warm(self, cluster) -> None:
        """Each page run once on every replica (directly), and Unggah Laporan for a coordinator."""
        viewer = crowd.sign_ins(self.url, crowd.MINISTRY, 1)[0]
        koord = crowd.sign_ins(self.url, "koord.tulungagung", 1)[0]
        for base in cluster.replica_urls:
            for cookies, pages in ((viewer, actors.WALK), (koord, ["unggah"])):
                client = Client(base, cookies, timeout=180)
                try:
                    await client.connect()
                    for path in pages:
                        run = await client.open(path)
                        if run.errors:
                            print(f"  warm-up {base}/{path}: {run.errors[0]}", flush=True)
                finally:
                    await client.close()

    async def warm_view_cpu(self, cluster, rounds: int = 3) -> dict:
        """One viewer alone on replica r1 (warm): CPU-s per view and the page times."""
        pid = self.pids(cluster)["r1"]
        client = Client(cluster.replica_urls[0], crowd.sign_ins(self.url, crowd.MINISTRY, 1)[0], timeout=180)
        times, errors = [], 0
        try:
            await client.connect()
            await client.open(actors.WALK[0])
            before = cpu_seconds(pid)
            for _ in range(rounds):
                for path in actors.WALK[1:] + actors.WALK[:1]:
                    run = await client.open(path)
                    times.append(run.seconds)
                    errors += bool(run.errors)
            cpu = cpu_seconds(pid) - before
        finally:
            await client.close()
        return {"views": len(times), "cpu_per_view": cpu / max(len(times), 1), "p50": statistics.median(times),
                "errors": errors}

    def batches(self, district: str) -> list[list[crowd.Workbook]]:
        self.batch_no += 1
        books = crowd.workbooks(self.url, district, self.args.uploads, f"{self.tag}-{self.batch_no}")
        size = self.args.batch
        return [books[i:i + size] for i in range(0, len(books), size)]

    async def crowd_run(self, cluster, viewers: int, kill: int | None = None) -> dict:
        """K viewers for --duration s, both coordinators uploading; replica `kill` SIGKILLed halfway."""
        a = self.args
        cookies = crowd.sign_ins(self.url, crowd.MINISTRY, viewers)
        coords = {user: self.batches(district) for user, district in crowd.COORDINATORS.items()}
        books = [b for batches in coords.values() for batch in batches for b in batch]
        record, rng = actors.Record(), random.Random(viewers)
        pids = self.pids(cluster)
        cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}
        own0 = sum(os.times()[:2])  # the bench's own CPU: it shares the machine with the replicas
        store0 = store_cpu_seconds(self.url)
        t0 = time.monotonic()
        stop = t0 + a.duration
        gap = max(1.0, (a.duration * 0.6) / max(len(next(iter(coords.values()))), 1))
        tasks = [actors.viewer(cluster.url, c, t0 + rng.uniform(0, a.interval), stop, a.interval, record,
                               random.Random(i), timeout=a.timeout) for i, c in enumerate(cookies)]
        tasks += [actors.coordinator(cluster.url, crowd.sign_ins(self.url, user, 1)[0], batches,
                                     t0 + a.interval / 2 + n * gap / 2, gap, record)
                  for n, (user, batches) in enumerate(coords.items())]
        watch = asyncio.create_task(self.watch_hangs(cluster, float("inf"), record))  # cancelled at the end
        killer = None
        if kill is not None:
            async def kill_later() -> None:
                await asyncio.sleep(a.duration / 2)
                await asyncio.to_thread(cluster.kill, kill)
                print(f"  killed replica r{kill + 1} at {time.monotonic() - t0:.0f} s", flush=True)
            killer = asyncio.create_task(kill_later())
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=a.duration + 3 * a.timeout + 600)
        if killer is not None:
            await killer
        watch.cancel()
        wall = time.monotonic() - t0
        for index in record.hung:  # a dumped replica is started again for the next run
            if self.args.dump_hung:
                await asyncio.to_thread(cluster.start_replica, index)
        own = (sum(os.times()[:2]) - own0) / wall
        store = store_cpu_seconds(self.url) - store0
        served: dict[str, int] = {}
        for v in record.views:
            if not v.errors:
                served[v.replica] = served.get(v.replica, 0) + 1
        cpu, peak = {}, {}
        for name, pid in pids.items():
            try:
                cpu[name] = cpu_seconds(pid) - cpu0[name]
                peak[name] = status_mb(pid)
            except FileNotFoundError:  # the killed replica
                cpu[name], peak[name] = float("nan"), float("nan")
        good = [v.seconds for v in record.views if not v.errors]
        return {"replicas": len(cluster.replicas), "viewers": viewers, "wall": wall, "load": load(),
                "views": len(good), "rate": len(good) / wall, "p50": quantile(good, 0.5),
                "p95": quantile(good, 0.95), "errors": [e for v in record.views for e in v.errors],
                "served": served, "cpu": cpu, "peak": peak, "landed": crowd.landed(self.url, books, record.confirmed),
                "batches": record.batches, "reconnects": record.reconnects, "books": len(books), "killed": kill,
                "own": own, "store": store, "hung": record.hung}

    async def watch_hangs(self, cluster, until: float, record) -> None:
        """Every 5 s, each replica's own /_stcore/health (5 s limit); one silent for HUNG_AFTER s is hung:
        with --dump-hung it gets SIGABRT, and PYTHONFAULTHANDLER (set by main) writes every thread's
        stack into its log before it dies."""
        import signal
        import urllib.request
        silent: dict[int, float] = {}
        while time.monotonic() < until:
            await asyncio.sleep(5)
            for r in cluster.replicas:
                pid = r.pid()
                if pid is None or r.index in record.hung:
                    continue
                try:
                    await asyncio.to_thread(urllib.request.urlopen, r.url + "/_stcore/health", timeout=5)
                    silent.pop(r.index, None)
                except OSError:
                    first = silent.setdefault(r.index, time.monotonic())
                    if time.monotonic() - first >= HUNG_AFTER:
                        record.hung[r.index] = f"r{r.index + 1} silent for {HUNG_AFTER} s"
                        print(f"  replica r{r.index + 1} (pid {pid}) has not answered its health check for "
                              f"{HUNG_AFTER} s", flush=True)
                        if self.args.dump_hung:
                            os.kill(pid, signal.SIGABRT)
                            record.hung[r.index] += f"; thread stacks in {r.log}"

    async def big_upload(self, cluster, count: int) -> dict:
        """One coordinator, count workbooks in one batch, on replica r1 directly."""
        if "r1" not in self.pids(cluster):  # dumped or killed by an earlier run
            await asyncio.to_thread(cluster.start_replica, 0)
        pid = self.pids(cluster)["r1"]
        books = crowd.workbooks(self.url, "35.04", count, f"{self.tag}-big")
        before = status_mb(pid, "VmRSS")
        record = actors.Record()
        await actors.coordinator(cluster.replica_urls[0], crowd.sign_ins(self.url, "koord.tulungagung", 1)[0],
                                 [books], time.monotonic(), 0, record, timeout=max(600.0, 4.0 * count))
        return {"count": count, "rss_before": before, "hwm": status_mb(pid), "batches": record.batches,
                "landed": crowd.landed(self.url, books, record.confirmed), "load": load()}


def fmt_map(values: dict[str, float], spec: str) -> str:
    return " ".join(f"{k}:{format(v, spec)}" for k, v in sorted(values.items())) or "-"


def report_row(r: dict) -> str:
    per_view = {n: r["cpu"][n] / r["served"][n] for n in r["cpu"] if r["served"].get(n)}
    landed = r["landed"]
    return (f"{r['replicas']:>2} {r['viewers']:>4} {r['wall']:>5.0f} {r['views']:>6} {r['rate']:>6.2f} "
            f"{r['p50']:>5.2f} {r['p95']:>6.2f} {len(r['errors']):>5}  {fmt_map(per_view, '.3f'):<26} "
            f"{fmt_map(r['peak'], '.0f'):<22} {landed_text(landed, r['books']):<20}"
            f"{r['store'] / max(r['views'], 1):>6.3f}  {r['load']:>5} {r['own']:.2f}")


HEADER = (" R    K  wall  views  views/s  p50    p95 errs  CPU-s/view per replica     peak MB (VmHWM)        "
          "uploads (of all)     PG-s/view  load  bench")


def landed_text(landed: dict, total: int) -> str:
    """once/lost/doubled of all, and how many were reported not landed (an error the coordinator saw)."""
    text = f"{landed['once']}/{landed['lost']}/{landed['doubled']} of {total}"
    return text + (f" ({landed['not_landed']} not landed, reported)" if landed["not_landed"] else "")


def summary(rows: list[dict], out) -> None:
    """The ratio of 3 replicas to 1, in this run."""
    by = {}
    for r in rows:
        by.setdefault(r["replicas"], []).append(r)
    if 1 not in by or 3 not in by:
        return
    best = {n: max((r["rate"] for r in rs if r["p95"] <= P95_LIMIT and not r["errors"]), default=0.0)
            for n, rs in by.items()}
    print(f"\nRatio ({RATIO})", file=out)
    ratio = f"{best[3] / best[1]:.2f}x" if best[1] else "undefined: 1 replica met it in no run"
    print(f"  at p95 <= {P95_LIMIT:g} s: 3 replicas {best[3]:.2f} views/s, 1 replica {best[1]:.2f} views/s "
          f"-> {ratio} (target >= 1.7x)", file=out)
    top = max(r["viewers"] for r in by[1])
    at = {n: next((r["rate"] for r in rs if r["viewers"] == top), None) for n, rs in by.items()}
    if at[1] and at[3]:
        print(f"  at K = {top}: 3 replicas {at[3]:.2f} views/s, 1 replica {at[1]:.2f} views/s "
              f"-> {at[3] / at[1]:.2f}x", file=out)


def show_errors(r: dict) -> None:
    for text in r.get("hung", {}).values():
        print(f"      HUNG: {text}")
    counts: dict[str, int] = {}
    for e in r["errors"]:
        counts[e[:120]] = counts.get(e[:120], 0) + 1
    for e, n in sorted(counts.items(), key=lambda x: -x[1])[:5]:
        print(f"      {n} x {e}")
    for b in r["batches"]:
        if not b["ok"]:
            print(f"      upload batch {b['batch']} attempt {b['attempt']}: {b['error']}")


def patch_haproxy(check_timeout: float, keep_sessions: bool) -> None:
    """Bench-only: render HAProxy's configuration with another `timeout check` (the shipped one waits 5 s;
    without it a health check times out after `inter`, 1 s) and/or without `on-marked-down shutdown-sessions`
    (which drops every websocket of a replica whose check timed out), to measure what those settings cost."""
    from pipelines.cluster import balancer
    shipped = balancer.render

    def render(*args, **kwargs) -> str:
        text = shipped(*args, **kwargs)
        if check_timeout:
            text = re.sub(r"^(\s*)timeout check \S+$", rf"\g<1>timeout check {check_timeout:g}s", text, count=1,
                          flags=re.M)
        if keep_sessions:
            text = text.replace(" on-marked-down shutdown-sessions", "")
        return text

    balancer.render = render


async def main_async(args, url: str, folder: Path) -> None:
    from pipelines.cluster import Cluster
    if args.check_timeout or args.keep_sessions:
        patch_haproxy(args.check_timeout, args.keep_sessions)
    bench = Bench(args, url, folder)
    rows, warm, kill, big = [], {}, None, None
    for n in args.replicas:
        print(f"== {n} replica(s): starting (load {load()})", flush=True)
        with Cluster(replicas=n, port=args.port, database_url=url, folder=folder / f"cluster-{n}",
                     restart=False, say=lambda s: None) as cluster:
            await bench.warm(cluster)
            if n == args.replicas[0]:
                warm = await bench.warm_view_cpu(cluster)
                print(f"   warm view: {warm['cpu_per_view']:.3f} CPU-s per view, p50 {warm['p50']:.2f} s "
                      f"({warm['views']} views, {warm['errors']} errors, load {load()})", flush=True)
            for k in args.viewers:
                print(f"   K = {k} for {args.duration:.0f} s (load {load()})", flush=True)
                row = await bench.crowd_run(cluster, k)
                rows.append(row)
                print("   " + report_row(row), flush=True)
                show_errors(row)
            if n >= 3 and args.kill_viewers:
                print(f"   replica kill: K = {args.kill_viewers} (load {load()})", flush=True)
                kill = await bench.crowd_run(cluster, args.kill_viewers, kill=n - 1)
                show_errors(kill)
            if args.big_upload and n == args.replicas[0]:
                print(f"   big upload: {args.big_upload} workbooks in one batch (load {load()})", flush=True)
                big = await bench.big_upload(cluster, args.big_upload)
    print_report(args, rows, warm, kill, big)


def print_report(args, rows, warm, kill, big, out=sys.stdout) -> None:
    print(f"\nCrowd benchmark: viewers open a page every ~{args.interval:g} s for {args.duration:g} s; "
          f"2 coordinators upload {args.uploads} workbooks each in batches of {args.batch}; "
          f"{os.cpu_count()} CPUs; HAProxy "
          + haproxy_text(args), file=out)
    print(HEADER, file=out)
    for r in rows:
        print(report_row(r), file=out)
    if warm:
        print(f"\nWarm view CPU (one viewer alone on a warmed replica): {warm['cpu_per_view']:.3f} CPU-s per view "
              f"(target <= 0.1), p50 {warm['p50']:.2f} s over {warm['views']} views", file=out)
    summary(rows, out)
    if kill:
        lost = kill["errors"]
        rec = kill["reconnects"]
        failed = sum(1 for b in kill["batches"] if not b["ok"])
        print(f"\nReplica kill (r{kill['killed'] + 1} of {kill['replicas']} SIGKILLed halfway, K = {kill['viewers']}): "
              f"{len(lost)} failed views, {len(rec)} viewers reconnected, reconnect p50 "
              f"{quantile(rec, 0.5):.1f} s, max {max(rec, default=float('nan')):.1f} s; views served "
              f"{kill['views']} ({kill['rate']:.2f}/s), p95 {kill['p95']:.2f} s; uploads once/lost/doubled "
              f"{landed_text(kill['landed'], kill['books'])} "
              f"(failed batch attempts: {failed}); load {kill['load']}",
              file=out)
    if big:
        ok = [b for b in big["batches"] if b["ok"]]
        took = f"{ok[0]['seconds']:.0f} s, {ok[0]['loaded']} loaded" if ok else big["batches"][-1].get("error")
        print(f"\nBig upload: {big['count']} workbooks in one batch on one replica: VmHWM {big['hwm']:.0f} MB "
              f"(RSS before {big['rss_before']:.0f} MB; target <= 500 MB); {took}; landed once/lost/doubled "
              f"{landed_text(big['landed'], big['count'])}; load {big['load']}",
              file=out)


def haproxy_text(args) -> str:
    changes = ([f"`timeout check {args.check_timeout:g}s` added"] if args.check_timeout else []) + (
        ["`on-marked-down shutdown-sessions` removed"] if args.keep_sessions else [])
    return "configuration as shipped" if not changes else " and ".join(changes) + " (bench options)"


def parse(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ints = lambda s: [int(x) for x in s.split(",") if x]  # noqa: E731
    ap.add_argument("--quick", action="store_true",
                    help="a short run: K = 10,30 on 1 and 3 replicas for 40 s, uploads of 10, kill with 30 viewers")
    ap.add_argument("--viewers", type=ints, default=None, help="K values, comma-separated (default 30,100,300)")
    ap.add_argument("--replicas", type=ints, default=[1, 3], help="replica counts, comma-separated")
    ap.add_argument("--duration", type=float, default=None, help="seconds each crowd runs (default 120)")
    ap.add_argument("--interval", type=float, default=10, help="seconds between a viewer's page views (jittered)")
    ap.add_argument("--uploads", type=int, default=None, help="workbooks each coordinator uploads per run (default 30)")
    ap.add_argument("--batch", type=int, default=None, help="workbooks per upload batch (default 10)")
    ap.add_argument("--kill-viewers", type=int, default=None, help="K of the replica-kill run (default 100; 0: none)")
    ap.add_argument("--big-upload", type=int, default=0, help="also upload this many workbooks in one batch")
    ap.add_argument("--timeout", type=float, default=60, help="seconds a view may take before it is an error")
    ap.add_argument("--port", type=int, default=8760, help="HAProxy's port; replicas on port+1..")
    ap.add_argument("--database-url", default=None,
                    help="a PostgreSQL store to use (default: a throwaway one in a temporary folder, demo data)")
    ap.add_argument("--check-timeout", type=float, default=0,
                    help="bench-only: add `timeout check N s` to HAProxy's configuration (default: as shipped)")
    ap.add_argument("--keep-sessions", action="store_true",
                    help="bench-only: drop `on-marked-down shutdown-sessions` from HAProxy's configuration")
    ap.add_argument("--dump-hung", action="store_true",
                    help="SIGABRT a replica silent for 30 s: with PYTHONFAULTHANDLER its log gets every thread's stack")
    ap.add_argument("--folder", type=Path, default=None,
                    help="keep the clusters' logs and HAProxy configuration here (default: a temporary folder)")
    args = ap.parse_args(argv)
    # --quick changes the defaults only: an option given on the command line wins.
    defaults = ({"viewers": [10, 30], "duration": 40, "uploads": 10, "batch": 5, "kill_viewers": 30} if args.quick
                else {"viewers": [30, 100, 300], "duration": 120, "uploads": 30, "batch": 10, "kill_viewers": 100})
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def main(argv=None) -> None:
    args = parse(argv)
    if args.dump_hung:
        os.environ["PYTHONFAULTHANDLER"] = "1"  # inherited by the replicas the cluster starts
    from pipelines.cluster import localpg
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        folder = Path(tmp)
        logs = args.folder.resolve() if args.folder else folder
        logs.mkdir(parents=True, exist_ok=True)
        pg = None
        url = args.database_url
        if url is None:
            if os.geteuid() == 0:
                import shutil
                shutil.chown(folder, "postgres")
            pg = localpg.LocalPostgres(folder / "postgres", port=localpg.free_port())
            pg.init()
            pg.start()
            url = pg.create_database("pantau")
        try:
            asyncio.run(main_async(args, url, logs))
        finally:
            if pg is not None:
                pg.stop("fast")


if __name__ == "__main__":
    main()
