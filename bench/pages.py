"""Benchmark: each page's script run (AppTest) on the demo warehouse and on one ten times larger.

    python bench/pages.py [--runs 5] [--demo PATH]

Prints, per page, the cold run and the median warm run (data cached per data version) in ms on
the demo warehouse (453 villages x 36 months) and on a synthetic copy with ten times the villages
(about 4,500 x 36, built by SQL from the demo: a performance fixture, not data to show), and the
10x/1x ratio of the warm runs. Targets (issue 3): every page under 250 ms warm on the demo;
ten times the data costs at most 2x the time.
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

from pipelines.demo import build as demo
from pipelines import warehouse  # noqa: E402

PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*/*.py"))


def demo_copy(folder: Path, source: Path | None) -> Path:
    """The demo warehouse in folder: copied from source when given and present, else built."""
    target = folder / "demo.duckdb"
    if source and source.exists():
        shutil.copy(source, target)
    else:
        print("building the demo warehouse ...", flush=True)
        demo.build(target)
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
               s.uploaded_by, s.uploaded_at, s.reported_on, s.officer, s.warnings
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
    con = warehouse.connect(big)
    warehouse.rebuild_current(con)  # the copies went into the versioned tables only
    con.close()
    return big


def time_pages(db: Path, runs: int) -> dict[str, tuple[float, float]]:
    """page -> (cold ms, median warm ms) of the page script run through AppTest."""
    os.environ["PANTAU_DB"] = str(db)
    out = {}
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
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
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--demo", type=Path, default=ROOT / "data" / "pantau.duckdb",
                    help="an existing demo warehouse to copy (built when missing)")
    args = ap.parse_args()
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
        one = time_pages(small, args.runs)
        ten = time_pages(big, args.runs)
    print(f"{'page':<34} {'cold 1x':>9} {'warm 1x':>9} {'cold 10x':>9} {'warm 10x':>9} {'10x/1x':>7}")
    for page in PAGES:
        (c1, w1), (c10, w10) = one[page], ten[page]
        print(f"{page:<34} {c1:9.0f} {w1:9.0f} {c10:9.0f} {w10:9.0f} {w10 / w1:7.2f}")
    worst = max(w for _, w in one.values())
    ratio = max(ten[p][1] / one[p][1] for p in PAGES)
    print(f"slowest warm page on the demo: {worst:.0f} ms (target < 250 ms); "
          f"largest 10x/1x ratio: {ratio:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
