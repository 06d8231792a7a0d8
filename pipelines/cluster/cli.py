"""The cluster's command line: start everything, report replicas that die, stop it all on Ctrl-C or SIGTERM.

    python -m pipelines.cluster [--replicas 3] [--port 8650] [--bind 127.0.0.1] [--no-restart]
"""
from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from pipelines.cluster.cluster import Cluster, ClusterError
from pipelines.cluster.localpg import CannotStart
from pipelines.commandline import Parser


class _Stop(BaseException):
    """SIGINT or SIGTERM arrived: leave whatever is running and stop the cluster."""


def _on_signal(_signum, _frame) -> None:
    raise _Stop


def say(text: str) -> None:
    """One line of progress; a line starting with a carriage return rewrites the last one."""
    if text.startswith("\r"):
        print(text, end="", flush=True)
    else:
        print(text, flush=True)


def parser() -> Parser:
    p = Parser(prog="python -m pipelines.cluster", description=__doc__.splitlines()[0])
    p.add_argument("--replicas", type=int, default=3, help="banyaknya replika aplikasi (bawaan 3)")
    p.add_argument("--port", type=int, default=8650,
                   help="port HAProxy (bawaan 8650); replika di port+1 .. port+N")
    p.add_argument("--bind", default="127.0.0.1", help="alamat HAProxy mendengar (bawaan 127.0.0.1)")
    p.add_argument("--folder", type=Path, default=Path("data/cluster"),
                   help="folder haproxy.cfg dan log (bawaan data/cluster)")
    p.add_argument("--pg-folder", type=Path, default=Path("data/postgres"),
                   help="folder PostgreSQL lokal bila PANTAU_DATABASE_URL kosong (bawaan data/postgres)")
    p.add_argument("--restart", action="store_true", default=True,
                   help="mulai ulang replika yang mati setelah jeda singkat (bawaan)")
    p.add_argument("--no-restart", dest="restart", action="store_false", help="jangan mulai ulang replika yang mati")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not 1 <= args.replicas <= 32:
        parser().error("--replicas harus 1 sampai 32")
    if not 1 <= args.port <= 65535 - args.replicas:
        parser().error("--port di luar rentang")
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    cluster = Cluster(replicas=args.replicas, port=args.port, folder=args.folder, restart=args.restart,
                      bind=args.bind, pg_folder=args.pg_folder, say=say)
    code = 0
    try:
        cluster.start()
        say(f"== siap: buka {cluster.url} (status HAProxy: {cluster.url}/haproxy-stats); Ctrl-C menghentikan semuanya")
        while cluster.balancer_alive():
            time.sleep(0.5)
        say(f"!! HAProxy berhenti (lihat {cluster.folder / 'haproxy.log'}); klaster dihentikan")
        code = 1
    except _Stop:
        say("\n== menghentikan klaster")
    except (ClusterError, CannotStart) as exc:
        print(f"galat: {exc}", file=sys.stderr)
        code = 1
    finally:
        # A second Ctrl-C must not cut the stopping short (children would be left running).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cluster.stop()
    say("== klaster berhenti")
    return code
