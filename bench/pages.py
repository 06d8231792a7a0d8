"""Benchmark: sign-in and each page's script run (AppTest of app.py) on the demo warehouse and on one ten times larger.

    python bench/pages.py [--runs 5] [--demo PATH] [--store postgres]

Signs in as admin (who sees every page, Riwayat, Gudang and Pengguna included) through the
sign-in form, timed, then prints per page the cold run and the median warm run (data cached per data version) in ms on
the demo warehouse (453 villages x 36 months) and on a synthetic copy with ten times the villages
(about 4,500 x 36, built by SQL from the demo: a performance fixture, not data to show), and the
10x/1x ratio of the warm runs. Targets (issue 11): every page <= 150 ms warm on the demo and
<= 250 ms at 10x. With --store postgres the demo is also copied into a throwaway PostgreSQL 15
(python -m pipelines.store copy; tests/pgserver.py) and its pages timed beside DuckDB's (issue 21
target: warm pages on PostgreSQL within 1.5x of DuckDB's).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from pipelines import migrations, settings  # noqa: E402
from pipelines.demo import build as demo  # noqa: E402

_ALL = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*/*.py"))
LOGIN = "pages/akun/masuk.py"
PAGES = [p for p in _ALL if p != LOGIN]
ADMIN, PASSWORD = "admin", "desmigratif-demo"


def demo_copy(folder: Path, source: Path | None) -> Path:
    """The demo warehouse in folder: copied from source when given and present, else built."""
    target = folder / "demo.duckdb"
    if source and source.exists():
        shutil.copy(source, target)
    else:
        print("building the demo warehouse ...", flush=True)
        demo.build(target, today=settings.today())
    return target


def ten_times(demo_db: Path, folder: Path) -> Path:
    """A copy of the demo with nine more copies of every village and its current reports."""
    big = folder / "big.duckdb"
    shutil.copy(demo_db, big)
    con = duckdb.connect(str(big))
    con.execute("""
        CREATE TEMP TABLE code_map AS
        SELECT k, v.village_code AS old_code,
               v.subdistrict_code || '.' || CAST(3000 + k * 100 + row_number() OVER (
                   PARTITION BY k, v.subdistrict_code ORDER BY v.village_code) AS VARCHAR) AS new_code
        FROM villages v, range(1, 10) t(k)
    """)
    con.execute("""
        INSERT INTO villages
        SELECT m.new_code, v.village_name || ' ' || m.k, v.subdistrict_code, v.subdistrict, v.district_code,
               v.district, v.province_code, v.province, v.joined_year, v.lat + m.k * 0.003, v.lon + m.k * 0.003,
               v.coords_exact
        FROM villages v JOIN code_map m ON m.old_code = v.village_code
    """)
    offset = con.execute("SELECT max(submission_id) FROM submissions").fetchall()[0][0]
    con.execute(f"""
        CREATE TEMP TABLE sub_map AS
        SELECT s.submission_id AS old_id, s.submission_id + m.k * {offset} AS new_id, m.new_code
        FROM submissions s JOIN code_map m ON m.old_code = s.village_code WHERE s.is_current
    """)
    con.execute("""
        INSERT INTO submissions
        SELECT x.new_id, x.new_code, s.period, s.version, s.is_current, s.status, s.file_name, s.file_sha256,
               s.uploaded_by, s.uploaded_at, s.reported_on, s.officer, s.warnings, s.data_version
        FROM submissions s JOIN sub_map x ON x.old_id = s.submission_id
    """)
    for table in ("submission_values", "submission_placements", "submission_returns", "submission_remittances"):
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] != "submission_id"]
        con.execute(f"INSERT INTO {table} (submission_id, {', '.join(cols)}) "
                    f"SELECT x.new_id, {', '.join('t.' + c for c in cols)} FROM {table} t "
                    f"JOIN sub_map x ON x.old_id = t.submission_id")
    con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('data_version', 'bench-10x')")
    con.execute("CHECKPOINT")
    con.close()
    con = migrations.connect(big)
    migrations.rebuild_current(con)  # the copies went into the versioned tables only
    con.close()
    return big


def time_pages(db: Path | str, runs: int) -> tuple[float, dict[str, tuple[float, float]]]:
    """Sign-in ms, and page -> (cold ms, median warm ms) of the page run through AppTest of app.py
    (db: a DuckDB file, or a postgresql:// URL)."""
    if str(db).startswith("postgresql://"):
        os.environ["PANTAU_DATABASE_URL"] = str(db)
    else:
        os.environ.pop("PANTAU_DATABASE_URL", None)
        os.environ["PANTAU_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.text_input(key="au_username").input(ADMIN)
    at.text_input(key="au_password").input(PASSWORD)
    start = time.perf_counter()
    at.button(key="au_submit").click().run()
    sign_in = (time.perf_counter() - start) * 1000
    if at.exception or "auth_user" not in at.session_state:
        raise SystemExit(f"sign-in failed: {at.exception}")
    out = {}
    for page in PAGES:
        start = time.perf_counter()
        at.switch_page(page).run()
        cold = (time.perf_counter() - start) * 1000
        if at.exception:
            raise SystemExit(f"{page} failed: {at.exception[0].value}")
        warm = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            warm.append((time.perf_counter() - start) * 1000)
        out[page] = (cold, statistics.median(warm))
    from ui import state
    state.release()  # let go of this warehouse before the next one is opened
    return sign_in, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--demo", type=Path, default=ROOT / "data" / "pantau.duckdb",
                    help="an existing demo warehouse to copy (built when missing)")
    ap.add_argument("--store", choices=["duckdb", "postgres"], default="duckdb",
                    help="postgres: also time the demo's pages on a throwaway PostgreSQL, side by side")
    args = ap.parse_args()
    pg = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = demo_copy(folder, args.demo)
        start = time.perf_counter()
        big = ten_times(small, folder)
        print(f"10x warehouse built by SQL in {time.perf_counter() - start:.1f} s")
        for db in (small, big):
            con = duckdb.connect(str(db), read_only=True)
            n = con.execute("SELECT (SELECT count(*) FROM villages), (SELECT count(*) FROM submissions)").fetchall()
            con.close()
            print(f"{db.name}: {n[0][0]} villages, {n[0][1]} submissions")
        login_1, one = time_pages(small, args.runs)
        login_10, ten = time_pages(big, args.runs)
        if args.store == "postgres":
            from pipelines import store
            from tests import pgserver
            server = pgserver.Server()
            try:
                url = server.schema()
                store.copy(small, url)
                pg = time_pages(url, args.runs)
            finally:
                os.environ.pop("PANTAU_DATABASE_URL", None)
                server.stop()
    print(f"{'page':<34} {'cold 1x':>9} {'warm 1x':>9} {'cold 10x':>9} {'warm 10x':>9} {'10x/1x':>7}")
    print(f"{'sign-in (admin)':<34} {login_1:9.0f} {'':>9} {login_10:9.0f}")
    for page in PAGES:
        (c1, w1), (c10, w10) = one[page], ten[page]
        print(f"{page:<34} {c1:9.0f} {w1:9.0f} {c10:9.0f} {w10:9.0f} {w10 / w1:7.2f}")
    worst = max(w for _, w in one.values())
    worst_10 = max(w for _, w in ten.values())
    print(f"slowest warm page: {worst:.0f} ms at 1x (target <= 150 ms), {worst_10:.0f} ms at 10x (target <= 250 ms)")
    if pg is not None:
        login_pg, on_pg = pg
        print(f"\n{'page (demo, 1x)':<34} {'DuckDB warm':>12} {'PostgreSQL warm':>16} {'PG/DuckDB':>10}")
        print(f"{'sign-in (admin)':<34} {login_1:12.0f} {login_pg:16.0f} {login_pg / login_1:10.2f}")
        for page in PAGES:
            print(f"{page:<34} {one[page][1]:12.0f} {on_pg[page][1]:16.0f} {on_pg[page][1] / one[page][1]:10.2f}")
        print(f"slowest ratio: {max(on_pg[p][1] / one[p][1] for p in PAGES):.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
