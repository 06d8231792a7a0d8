"""bench/cluster.py's arithmetic and options: the ratio against the same run's baseline, upload counts, HAProxy variants."""
from __future__ import annotations

import io

from bench import cluster


def row(replicas: int, viewers: int, rate: float, p95: float, errors: int = 0) -> dict:
    return {"replicas": replicas, "viewers": viewers, "rate": rate, "p95": p95, "errors": ["x"] * errors}


def test_ratio_takes_the_best_rate_within_the_p95_limit_of_each_replica_count():
    out = io.StringIO()
    cluster.summary([row(1, 30, 3.0, 1.2), row(1, 100, 5.0, 6.0), row(3, 30, 3.0, 0.9), row(3, 100, 9.6, 1.9),
                     row(3, 300, 12.0, 2.5)], out)
    lines = out.getvalue().splitlines()
    assert lines[2] == "  at p95 <= 2 s: 3 replicas 9.60 views/s, 1 replica 3.00 views/s -> 3.20x (target >= 1.7x)"
    assert lines[3] == "  at K = 100: 3 replicas 9.60 views/s, 1 replica 5.00 views/s -> 1.92x"


def test_a_run_with_errors_does_not_count_and_no_baseline_is_said():
    out = io.StringIO()
    cluster.summary([row(1, 30, 3.0, 1.2, errors=1), row(3, 30, 3.0, 0.9)], out)
    assert out.getvalue().splitlines()[2] == ("  at p95 <= 2 s: 3 replicas 3.00 views/s, 1 replica 0.00 views/s "
                                              "-> undefined: 1 replica met it in no run (target >= 1.7x)")


def test_landed_text():
    assert cluster.landed_text({"once": 58, "lost": 0, "doubled": 0, "not_landed": 2}, 60) == \
        "58/0/0 of 60 (2 not landed, reported)"
    assert cluster.landed_text({"once": 60, "lost": 0, "doubled": 0, "not_landed": 0}, 60) == "60/0/0 of 60"


def test_quick_sets_defaults_and_options_win():
    args = cluster.parse(["--quick", "--viewers", "5"])
    assert (args.viewers, args.duration, args.uploads, args.batch, args.kill_viewers) == ([5], 40, 10, 5, 30)
    full = cluster.parse([])
    assert (full.viewers, full.replicas, full.duration, full.uploads) == ([30, 100, 300], [1, 3], 120, 30)


def test_haproxy_variants(monkeypatch):
    from pipelines.cluster import balancer
    monkeypatch.setattr(balancer, "render", balancer.render)  # undone after the test
    shipped = balancer.render(8650, [8651])
    cluster.patch_haproxy(9, True)
    changed = balancer.render(8650, [8651])
    assert "    timeout check 5s\n" in shipped and "on-marked-down shutdown-sessions" in shipped
    assert "    timeout check 9s\n" in changed and "timeout check 5s" not in changed and "shutdown-sessions" not in changed
