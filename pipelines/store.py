"""Move a DuckDB warehouse into an empty PostgreSQL store and verify every table's row count; migrate a store.

    python -m pipelines.store copy --to postgresql://user@host:5432/pantau [--from data/pantau.duckdb]
    python -m pipelines.store migrate [--url postgresql://...]   (an upgrade's one migration run)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines import migrations, settings, warehouse
from pipelines.ingest import originals

SEQUENCES = {"submission_seq": ("submissions", "submission_id"), "survey_seq": ("surveys", "survey_id")}


def tables(con) -> list[str]:
    """The DuckDB warehouse's base tables (views such as current_submissions are made by the schema)."""
    found = warehouse.execute_sql(con, "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                  "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
    return [name for (name,) in found]


def count(con, table: str) -> int:
    return warehouse.execute_sql(con, f'SELECT count(*) FROM "{table}"')[0][0]


def copy(source: str | Path, url: str) -> dict[str, tuple[int, int]]:
    """Copy every table (and the original workbooks' bytes) in one transaction; table -> (DuckDB rows, PostgreSQL rows)."""
    with migrations.reading(source) as src:
        dst = migrations.connect(url)
        try:
            names = tables(src)
            busy = [t for t in ("villages", "submissions", "users") if count(dst, t)]
            if busy:
                raise SystemExit(f"PostgreSQL {url.split('@')[-1]} sudah berisi data ({', '.join(busy)}); "
                                 "salin hanya ke basis data yang kosong. Tidak ada yang ditulis.")
            with warehouse.transaction(dst) as cur:
                for table in names:
                    frame = src.sql(f'SELECT * FROM "{table}"').pl()
                    warehouse.execute_sql(cur, f'DELETE FROM "{table}"')  # the facts table the migration made
                    if frame.height:
                        warehouse.stage(cur, f"staged_{table}", frame)
                        warehouse.insert_staged(cur, table, f"staged_{table}", frame.columns)
                for sequence, (table, column) in SEQUENCES.items():
                    warehouse.execute_sql(
                        cur, f"SELECT setval('{sequence}', coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)")
                kept = {sha: originals.read(src, sha)
                        for (sha,) in warehouse.execute_sql(src, "SELECT file_sha256 FROM originals")}
                kept = {sha: data for sha, data in kept.items() if data is not None}
                if kept:
                    originals.store(cur, kept)
            counts = {t: (count(src, t), count(dst, t)) for t in names}
            # every original the DuckDB warehouse indexes must arrive (a pack missing on disk shows as a difference)
            counts["original_files"] = (count(src, "originals"), count(dst, "original_files"))
        finally:
            dst.close()
    return counts


def migrate(target: str) -> str:
    """Bring a store to the current schema once (as every process does on opening it); the data version after."""
    con = migrations.connect(target)
    try:
        found = warehouse.execute_sql(con, "SELECT value FROM warehouse_info WHERE key = 'data_version'")
    finally:
        con.close()
    return found[0][0] if found else "0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.store", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cp = sub.add_parser("copy", help="salin gudang DuckDB ke PostgreSQL yang kosong, lalu periksa jumlah baris")
    cp.add_argument("--to", required=True, help="postgresql://pengguna@host:5432/basisdata")
    cp.add_argument("--from", dest="source", default=None, help="berkas DuckDB (bawaan: PANTAU_DB)")
    mg = sub.add_parser("migrate", help="bawa gudang data ke skema terbaru (sekali, saat pemutakhiran)")
    mg.add_argument("--url", default=None, help="postgresql://... atau berkas DuckDB (bawaan: PANTAU_DATABASE_URL, "
                    "lalu PANTAU_DB)")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        target = args.url or settings.store_target()
        print(f"Skema gudang data mutakhir; versi data {migrate(target)}.")
        return 0
    if not warehouse.is_url(args.to):
        parser.error("--to harus berupa URL postgresql://")
    counts = copy(args.source or settings.db_path(), args.to)
    width = max(len(t) for t in counts)
    for table, (before, after) in counts.items():
        print(f"{table:<{width}}  {before:>10}  {after:>10}  {'ok' if before == after else 'BEDA'}")
    differ = [t for t, (a, b) in counts.items() if a != b]
    if differ:
        print(f"Jumlah baris berbeda: {', '.join(differ)}", file=sys.stderr)
        return 1
    print(f"Semua {len(counts)} tabel tersalin dengan jumlah baris yang sama.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
