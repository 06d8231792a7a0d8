"""Shared by the cluster tests: a seeded PostgreSQL schema and a block of free loopback ports."""
from __future__ import annotations

import random
import socket
from pathlib import Path

from pipelines import migrations, warehouse
from pipelines.accounts import users
from pipelines.ingest import registry
from tests.conftest import REGISTRY_CSV

COORDINATOR = "koord.tulungagung"
SIGNED_IN = "Masuk sebagai Koordinator Kabupaten Tulungagung (demo)"


def seeded_store(url: str, folder: Path) -> str:
    """The 4-village registry, flagged demo, with the demo accounts: not empty, so no demo build runs."""
    (folder / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    con = migrations.connect(url)
    try:
        registry.load_registry(con, folder / "desa.csv")
        with warehouse.transaction(con) as cur:
            warehouse.execute_sql(cur, "INSERT INTO warehouse_info (key, value) VALUES ('demo', 'ya') "
                                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        users.ensure_demo_accounts(con)
    finally:
        con.close()
    return url


def free_block(count: int) -> int:
    """A port P with P..P+count-1 all free on 127.0.0.1, below the kernel's ephemeral range (32768 up): a
    replica restarted on its port must not find it taken meanwhile by some process's outgoing connection."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20_000, 32_000 - count)
        taken = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                taken.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in taken:
                s.close()
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1 between 20000 and 32000")


def versions(url: str, village: str, period: str) -> list[tuple]:
    """(version, values, placements, returns, remittances) of each stored version of a village-month."""
    con = warehouse.connect(url)
    try:
        return warehouse.execute_sql(con, """
            SELECT s.version,
                   (SELECT count(*) FROM submission_values v WHERE v.submission_id = s.submission_id),
                   (SELECT count(*) FROM submission_placements v WHERE v.submission_id = s.submission_id),
                   (SELECT count(*) FROM submission_returns v WHERE v.submission_id = s.submission_id),
                   (SELECT count(*) FROM submission_remittances v WHERE v.submission_id = s.submission_id)
            FROM submissions s WHERE s.village_code = $village AND s.period = CAST($period AS DATE)
            ORDER BY s.version""", village=village, period=period + "-01")
    finally:
        con.close()
