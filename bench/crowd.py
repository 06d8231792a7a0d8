"""The crowd's material in the store: sign-in cookies, coordinators' workbooks, and what their uploads left.

Sessions are made with the project's own pipelines.accounts.sessions (the same signed cookie value a
sign-in hands the browser); workbooks with the project's template writer (pipelines.ingest.template)
for real villages of the coordinator's district and months that already hold a current report, so
each accepted upload becomes a new version. Every workbook names a unique officer, so its SHA-256
is unique and the submissions table says how often it landed.
"""
from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass

from pipelines import warehouse
from pipelines.accounts import sessions, users
from pipelines.catalogue import indicators
from pipelines.ingest import template

COOKIE = "pantau_sesi"  # ui/cookie.COOKIE (not imported: that would load the UI layer)
MINISTRY = "kemnaker"
COORDINATORS = {"koord.tulungagung": "35.04", "koord.ponorogo": "35.02"}


@dataclass(frozen=True)
class Workbook:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sign_ins(url: str, username: str, count: int, minutes: int = 240) -> list[dict[str, str]]:
    """count fresh sessions of username (demo accounts created when missing): one cookie jar each."""
    con = warehouse.connect(url)
    try:
        users.ensure_demo_accounts(con)
        return [{COOKIE: sessions.start(con, username, minutes)[0]} for _ in range(count)]
    finally:
        con.close()


def _slots(url: str, district: str, count: int) -> list[tuple[str, str, str]]:
    """(village code, village name, YYYY-MM) of current reports of the district's villages from 2024 to
    March 2026 (months no reviewer has approved in the demo: an approved month refuses uploads)."""
    import psycopg
    with psycopg.connect(url, connect_timeout=10) as con:
        rows = con.execute(
            "SELECT s.village_code, v.village_name, to_char(s.period, 'YYYY-MM') FROM submissions s "
            "JOIN villages v USING (village_code) WHERE s.is_current AND v.district_code = %s "
            "AND s.period BETWEEN DATE '2024-01-01' AND DATE '2026-03-01' "
            "ORDER BY s.period, s.village_code LIMIT %s", (district, count)).fetchall()
    if len(rows) < count:
        raise RuntimeError(f"district {district} has only {len(rows)} current reports in 2024-01..2026-03, {count} wanted")
    return rows


def workbooks(url: str, district: str, count: int, tag: str) -> list[Workbook]:
    """count re-submissions (new values, a unique officer) for the district's villages."""
    rng = random.Random(f"{tag}-{district}")
    out = []
    for i, (code, name, period) in enumerate(_slots(url, district, count)):
        values = {c: rng.randint(0, 30) for c in indicators()}
        values.update({"C01": 80, "C02": 40, "L08": 10, "L09": 5, "K05": "ya"})
        buffer = io.BytesIO()
        template.write_workbook(buffer, {"kode_desa": code, "nama_desa": name, "periode": period,
                                         "nama_petugas": f"Petugas Bench {tag} {i}"}, values,
                                [{"negara_tujuan": "Taiwan", "sektor": "Manufaktur", "jenis_kelamin": "L",
                                  "jumlah": rng.randint(1, 5)}], [], [], decorate=False)
        out.append(Workbook(f"laporan-{code}-{period}.xlsx", buffer.getvalue()))
    return out


def landed(url: str, books: list[Workbook], confirmed: set[str]) -> dict[str, int]:
    """Of the workbooks: landed once; lost (the page said loaded, the store has none); doubled (more than
    one version); not landed (the coordinator saw an error, and the store has none: reported, not lost)."""
    import psycopg
    shas = [b.sha256 for b in books]
    with psycopg.connect(url, connect_timeout=10) as con:
        found = dict(con.execute("SELECT file_sha256, count(*) FROM submissions WHERE file_sha256 = ANY(%s) "
                                 "GROUP BY 1", (shas,)).fetchall())
    times = {s: found.get(s, 0) for s in shas}
    return {"once": sum(1 for n in times.values() if n == 1),
            "lost": sum(1 for s, n in times.items() if n == 0 and s in confirmed),
            "doubled": sum(1 for n in times.values() if n > 1),
            "not_landed": sum(1 for s, n in times.items() if n == 0 and s not in confirmed)}
