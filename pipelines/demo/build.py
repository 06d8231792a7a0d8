"""Build the demo warehouse: demo registry plus 36 months of generated workbooks loaded through the ingestion path.

    python -m pipelines.demo [--db PATH] [--months 36] [--force]

Every monthly figure made here is GENERATED DEMO DATA, not a real statistic. The shapes
follow the programme's few published figures (shared/domain.md); every other number is a
demo assumption and is labelled as such where it is set. The workbooks are written with
the real template writer and loaded with the real ingestion path (validation included),
so the demo exercises exactly what a district coordinator's upload does.

The same inputs (registry, months, today) give the same workbook contents: every random
draw comes from random.Random seeded with a fixed string plus the village code (and the
month), never from the clock or the process.
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from pipelines import settings
from pipelines.demo.assumptions import report_months
from pipelines.demo.villages import Village, Workbook, plan, read_villages, subset
from pipelines.demo.workbooks import generate_task

REGISTRY_CSV = settings.ROOT / "data" / "demo" / "villages.csv"
CHUNK = 500     # workbooks per load_files call, so progress moves in visible steps
FILE_BATCH = 400  # xlsx reports per load_files call: above the reading pool's threshold (readers.POOL_MIN_FILES)
WORKERS = 2     # the target machine has 2 cores
USER = "demo"

Progress = Callable[[int, int, str], None]


def tasks(villages: list[Village], months: list[date], today: date) -> tuple[list[tuple], int]:
    """Village groups of about CHUNK planned workbooks each, and the planned total."""
    out, group, size, total = [], [], 0, 0
    for v in villages:
        n = len(plan(v, months, today))
        group.append(v)
        size += n
        total += n
        # The first group is small so that loading starts while the pool warms up.
        if size >= (CHUNK // 4 if not out else CHUNK):
            out.append((group, months, today))
            group, size = [], 0
    if group:
        out.append((group, months, today))
    return out, total


class NotADemoWarehouse(RuntimeError):
    """The target file holds real data; the demo builder will not touch it."""


def prepare_target(db: Path, replace: bool) -> None:
    """Refuse to overwrite real data; remove an old demo warehouse when asked to."""
    if not db.exists():
        return
    import duckdb

    from pipelines import migrations, warehouse

    try:
        con = migrations.connect(db, read_only=True)
        try:
            demo = warehouse.is_demo(con)
            used = con.execute("SELECT (SELECT count(*) FROM villages) + (SELECT count(*) FROM submissions)"
                               ).fetchall()[0][0]
            kept = kept_files(con)
        finally:
            con.close()
    except duckdb.Error as exc:  # not a Pantau warehouse at all: leave it alone
        raise NotADemoWarehouse(f"{db} bukan gudang data demo Pantau; tidak ditimpa ({exc}).") from exc
    if used and not demo:
        raise NotADemoWarehouse(f"{db} berisi data sungguhan (bukan demo); tidak ditimpa.")
    if used and not replace:
        raise FileExistsError(f"{db} sudah berisi gudang data demo; pakai --force untuk membangun ulang.")
    folder = settings.files_dir(db)
    for name in kept:
        (folder / name).unlink(missing_ok=True)
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)


def kept_files(con) -> list[str]:
    """Paths, relative to the files folder, of the original workbooks this warehouse kept."""
    # The files folder is shared by every warehouse in the same directory, so only the
    # files this demo warehouse itself recorded are removed with it: the packs listed in
    # its originals table, or (older layout) one file per checksum.
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "originals" in tables:
        return [r[0] for r in con.execute("SELECT DISTINCT pack FROM originals").fetchall()]
    return [f"{sha[:2]}/{sha}.xlsx" for (sha,) in
            con.execute("SELECT DISTINCT file_sha256 FROM submissions").fetchall()]


def start_pool(workers: int):
    """The generator's process pool (None when workers <= 0), started before the registry is loaded
    so that the workers' imports overlap with it."""
    if workers <= 0:
        return None
    # spawn, not fork: the app calling this runs threads (Streamlit, DuckDB), and forking a
    # threaded process can deadlock the child.
    from pipelines.ingest.readers import plain_main

    ctx = multiprocessing.get_context("spawn")
    with plain_main():
        pool = ctx.Pool(workers)
        pool.apply_async(int)  # the workers start (and import) while __main__ is hidden
    return pool


def generated(work: list[tuple], pool):
    """Yield (workbooks, seconds) per task, from the pool when there is one."""
    if pool is None:
        for t in work:
            yield generate_task(t)
        return
    with pool:
        yield from pool.imap(generate_task, work)


def mark_demo(con, built: bool) -> None:
    """Record in warehouse_info that this is demo data (and, at the end, when it was built)."""
    from pipelines import warehouse

    with warehouse.WRITE_LOCK:
        con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('demo', 'ya')")
        if built:
            con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('demo_built_at', ?)",
                        [datetime.now().isoformat(timespec="seconds")])


def build(db_path: str | Path, *, months: int = 36, today: date | None = None,
          progress: Progress | None = None, villages: int | None = None,
          workers: int = WORKERS, replace: bool = False,
          registry_csv: str | Path = REGISTRY_CSV) -> dict:
    """Create the demo warehouse at db_path; returns a summary with counts and timings."""
    from pipelines import migrations
    from pipelines.ingest import load, readers, registry

    t0 = time.perf_counter()
    today = today or date.today()
    db = Path(db_path)
    prepare_target(db, replace)
    report = progress or (lambda done, total, message: None)
    report(0, 1, "Menyiapkan gudang data demo")
    pool = start_pool(workers)
    con = migrations.connect(db)
    try:
        # Flagged first: a build cut short is still recognisably demo data (and may be
        # replaced); demo_built_at, written last, says the build finished.
        mark_demo(con, built=False)
        registry.load_registry(con, registry_csv)
        all_villages = read_villages(Path(registry_csv))
        chosen = subset(all_villages, villages)
        window = report_months(months, today)
        work, total = tasks(chosen, window, today)
        t_plan = time.perf_counter()
        status: Counter = Counter()
        rejections: list[str] = []
        gen_seconds = wait_seconds = load_seconds = load_cpu = 0.0
        done = 0
        report(0, total, f"Membuat {total} laporan demo untuk {len(chosen)} desa")
        stream = generated(work, pool)
        files: list[Workbook] = []  # xlsx reports held back until there are enough for the reading pool

        def load_books(books: list[Workbook]) -> None:
            nonlocal done, load_seconds, load_cpu
            t, c = time.perf_counter(), time.process_time()
            sources = [load.Source(b.name, b.data, b.uploaded_at, b.sheets) for b in books]
            results = load.load_files(con, sources, user=USER, progress=None, today=today,
                                      batch_size=max(len(sources), 1))
            for b, result in zip(books, results):
                status[result.status] += 1
                if result.status == "rejected" and len(rejections) < 5:
                    rejections.append(f"{b.name}: " + "; ".join(e.describe() for e in result.errors))
            load_seconds += time.perf_counter() - t
            load_cpu += time.process_time() - c
            done += len(books)
            report(done, total, f"{done} dari {total} laporan demo dimuat")

        def load_files_batch(books: list[Workbook]) -> None:
            # The reading pool may start a worker during this load: under Streamlit __main__ is
            # app.py, which a spawned worker would re-run (and start a build of its own).
            with readers.plain_main():
                load_books(books)

        while True:
            t = time.perf_counter()
            item = next(stream, None)
            wait_seconds += time.perf_counter() - t
            if item is None:
                break
            books, seconds = item
            gen_seconds += seconds
            files += [b for b in books if b.sheets is None]
            # Each village-month comes once, so the order of loading changes no version. The files
            # go in batches large enough for the ingest's reading pool (both cores), the cells at once.
            load_books([b for b in books if b.sheets is not None])
            if len(files) >= FILE_BATCH:
                load_files_batch(files)
                files = []
        if files:
            load_files_batch(files)
        demo_reviews(con, window, today)
        from pipelines.demo.survey import load_demo  # the generated Jambon survey (issue 13)
        load_demo(con)
        mark_demo(con, built=True)
        con.execute("CHECKPOINT")
    finally:
        con.close()
        if pool is not None:
            pool.terminate()  # finished by now; after an error, the workers are not left behind
    possible = sum(1 for v in chosen for m in window if m.year >= v.joined_year)
    summary = {
        "db": str(db), "villages": len(chosen),
        "first_period": f"{window[0]:%Y-%m}", "last_period": f"{window[-1]:%Y-%m}",
        "workbooks": done, "village_months": possible,
        "missing_share": round(1 - done / possible, 3) if possible else 0.0,
        "accepted": status["accepted"], "unchanged": status["unchanged"],
        "rejected": status["rejected"], "rejections": rejections,
        "seconds_total": round(time.perf_counter() - t0, 2),
        "seconds_setup": round(t_plan - t0, 2),
        "seconds_generate_cpu_workers": round(gen_seconds, 2),
        "seconds_waiting_for_generation": round(wait_seconds, 2),
        "seconds_load": round(load_seconds, 2),
        "seconds_load_cpu": round(load_cpu, 2),
    }
    report(total, total, "Gudang data demo siap")
    return summary


def demo_reviews(con, window: list[date], today: date) -> None:
    """A few review states for the walkthrough: three of Tulungagung's months approved and the month
    before last waiting for the reviewer; one of Ponorogo's months returned with a reason."""
    from pipelines import warehouse
    from pipelines.accounts.roles import User
    from pipelines.review import transitions
    koord = {"35.04": User("koord.tulungagung", "Koordinator", "koordinator", ("35.04",)),
             "35.02": User("koord.ponorogo", "Koordinator", "koordinator", ("35.02",))}
    reviewer = User("peninjau", "Peninjau", "peninjau")
    known = set(warehouse.query(con, "review_districts")["district_code"].to_list())

    def submit(district: str, period: date) -> None:
        villages = warehouse.query(con, "review_district_month", district=district, period=period)
        missing = {c: "petugas desa sedang cuti (demo)" for c, r in
                   villages.select("village_code", "reported").iter_rows() if not r}
        transitions.act(con, koord[district], "submit", district, period, "", missing, today=today)

    # The newest month is still being reported (its deadline is in the current month): left alone.
    # A small build (a subset of villages) may lack reports for a month: that step is then skipped.
    steps = []
    if "35.04" in known and len(window) >= 5:
        for period in window[-5:-2]:
            steps.append([("submit", "35.04", period, ""), ("approve", "35.04", period, "")])
        steps.append([("submit", "35.04", window[-2], "")])
    if "35.02" in known and len(window) >= 3:
        steps.append([("submit", "35.02", window[-3], ""),
                      ("return", "35.02", window[-3],
                       "Jumlah rujukan LTSA (L05) beberapa desa melebihi konsultasi; mohon dicek (demo).")])
    for step in steps:
        try:
            for action, district, period, reason in step:
                if action == "submit":
                    submit(district, period)
                else:
                    transitions.act(con, reviewer, action, district, period, reason, today=today)
        except transitions.Refused:
            continue


# --------------------------------------------------------------------------- command line


def build_postgres(url: str, **options) -> dict:
    """The demo into an empty PostgreSQL store: built as a DuckDB file in a temporary folder (the one
    build), then moved by `pipelines.store.copy`, which checks every table's row count."""
    import tempfile

    from pipelines import store

    with tempfile.TemporaryDirectory(prefix="pantau-demo-") as folder:
        db = Path(folder) / "demo.duckdb"
        summary = build(db, **options)
        counts = store.copy(db, url)
    differ = sorted(t for t, (a, b) in counts.items() if a != b)
    if differ:
        raise RuntimeError(f"salinan ke PostgreSQL berbeda jumlah barisnya: {', '.join(differ)}")
    return summary | {"db": url.split("@")[-1].split("?")[0]}  # never print a password of the URL


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.demo",
                                     description="Bangun gudang data demo Pantau Desmigratif.")
    parser.add_argument("--db", default=None,
                        help="berkas gudang data atau URL postgresql:// (bawaan: PANTAU_DATABASE_URL, PANTAU_DB "
                             "atau data/pantau.duckdb)")
    parser.add_argument("--months", type=int, default=36, help="banyaknya bulan (bawaan 36)")
    parser.add_argument("--force", action="store_true",
                        help="bangun ulang bila berkas sudah berisi gudang data demo")
    args = parser.parse_args(argv)
    db = args.db or settings.database_url() or settings.db_path()

    def show(done: int, total: int, message: str) -> None:
        """One progress line, rewritten in place."""
        print(f"\r[{done:>6}/{total}] {message}".ljust(70), end="", flush=True)

    from pipelines.warehouse import WarehouseBusy, is_url

    try:
        if is_url(str(db)):  # an empty PostgreSQL store only (--force does not empty one)
            summary = build_postgres(str(db), months=args.months, progress=show)
        else:
            summary = build(Path(db), months=args.months, progress=show, replace=args.force)
    except (NotADemoWarehouse, FileExistsError, WarehouseBusy) as exc:
        print(f"galat: {exc}", file=sys.stderr)
        return 2
    print()
    for key, value in summary.items():
        print(f"  {key}: {value}")
    return 1 if summary["rejected"] else 0


if __name__ == "__main__":
    # Run from the importable module, not from __main__: pool workers unpickle the tasks and
    # their classes by module name, and they never see this script's __main__.
    from pipelines.demo import build as _module
    sys.exit(_module.main())
