"""Command line: validate monthly workbooks and load them into the warehouse.

    python -m pipelines.ingest [--db PATH] [--registry CSV] [--user NAME] [--dry-run] [--json] FILE_OR_DIR...

Exit status: 0 every workbook accepted (or unchanged), 1 any rejected, 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines import commandline

if TYPE_CHECKING:
    from pipelines.ingest import load

# The write path (duckdb, polars, fastexcel) is imported inside main(), after the arguments
# are parsed, so `--help` and usage errors answer at once.


def parser() -> argparse.ArgumentParser:
    p = commandline.Parser(prog="python -m pipelines.ingest",
                description="Periksa dan muat laporan bulanan desa Desmigratif (.xlsx) ke gudang data.")
    p.add_argument("paths", nargs="*", metavar="FILE_OR_DIR", help="berkas .xlsx atau folder berisi .xlsx")
    p.add_argument("--db", help="berkas gudang data DuckDB (bawaan: PANTAU_DB atau data/pantau.duckdb)")
    p.add_argument("--registry", help="CSV daftar desa untuk dimuat/diperbarui lebih dulu")
    p.add_argument("--user", default="cli", help="nama pengunggah yang dicatat (bawaan: cli)")
    p.add_argument("--dry-run", action="store_true", help="hanya periksa; tidak menulis apa pun")
    p.add_argument("--json", action="store_true", help="cetak satu dokumen JSON di stdout")
    return p


def expand(paths: list[str]) -> list[Path]:
    """Files as given, and every .xlsx inside given folders (recursively, sorted)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".xlsx"
                          and not p.name.startswith("~$"))
        else:
            out.append(path)
    return out


def _progress_bar(enabled: bool):
    if not enabled:
        return None

    def show(done: int, total: int, name: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} berkas")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return show


def _summary(results: list[load.Result]) -> str:
    lines = []
    labels = {"accepted": "DITERIMA", "rejected": "DITOLAK", "unchanged": "TIDAK BERUBAH"}
    for r in results:
        head = f"{labels[r.status]:<13} {r.file}"
        if r.village_code:
            head += f"  desa {r.village_code}"
        if r.period:
            head += f" periode {r.period:%Y-%m}"
        if r.version and r.status == "accepted":
            head += f" versi {r.version}"
        lines.append(head)
        lines += [f"    galat: {f.describe()}" for f in r.errors]
        lines += [f"    peringatan: {f.describe()}" for f in r.warnings]
    counts = {s: sum(r.status == s for r in results) for s in labels}
    lines.append(f"Ringkasan: {counts['accepted']} diterima, {counts['unchanged']} tidak berubah, "
                 f"{counts['rejected']} ditolak, dari {len(results)} berkas.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not args.paths and not args.registry:
        parser().error("sebutkan berkas/folder laporan atau --registry")
    files = expand(args.paths)
    unreadable = [str(p) for p in files if not p.is_file()]
    if unreadable:
        print("Berkas tidak ditemukan: " + ", ".join(unreadable), file=sys.stderr)
        return 2
    from pipelines.ingest import readers, sources

    # A large run's reader processes start first, and get the first batch of files at once: they
    # import and read while this process imports the write path and opens the warehouse.
    readers.warm_up(len(files))
    plan = sources.Plan(files)
    from pipelines import migrations, warehouse
    from pipelines.ingest import load, registry

    try:
        con = migrations.connect(args.db)
    except warehouse.WarehouseBusy as exc:
        print(exc, file=sys.stderr)
        if args.json:  # still exactly one document: nothing was checked or written
            json.dump({"files": [], "accepted": 0, "rejected": 0, "error": str(exc)}, sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        return 2
    try:
        if args.registry:
            try:
                count = registry.load_registry(con, args.registry)
            except registry.RegistryError as exc:
                print(f"Daftar desa ditolak, tidak ada yang ditulis:\n{exc}", file=sys.stderr)
                return 2
            if not args.json:
                print(f"Daftar desa dimuat: {count} desa.", file=sys.stderr)
        results = load.load_plan(con, plan, args.user, dry_run=args.dry_run,
                                 progress=_progress_bar(not args.json and len(files) > 20 and sys.stderr.isatty()))
    finally:
        con.close()
    accepted = sum(r.status != "rejected" for r in results)
    rejected = len(results) - accepted
    if args.json:
        # Every file path as given, so a caller can match results to its inputs.
        # (A path whose file name held a NIK is replaced by the stand-in: it is never echoed.)
        document = {"files": [dict(r.as_json(), file=r.file if r.file == load.HIDDEN_NAME else str(p))
                              for r, p in zip(results, files)],
                    "accepted": accepted, "rejected": rejected}
        # dumps, not dump: dump() encodes in pure Python, chunk by chunk (30 ms for 1,000 files)
        sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    elif results:
        print(_summary(results))
        if args.dry_run:
            print("(uji coba: tidak ada yang ditulis)")
    return 1 if rejected else 0


if __name__ == "__main__":
    sys.exit(main())
