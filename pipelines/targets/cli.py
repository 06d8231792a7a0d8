"""Command line for targets.

    python -m pipelines.targets template --out FILE
    python -m pipelines.targets load [--db PATH] [--user NAME] [--dry-run] [--json] FILE
    python -m pipelines.targets report [--db PATH] --area CODE --period P [--lang en] [--approved-only] [--json]
    python -m pipelines.targets pdf [--db PATH] --area CODE --period P --out FILE.pdf [--lang en] [--approved-only]

P is 2026, 2026-S1, 2026-T3, 2026-09 or 2026-SD09 (January to September). Exit status: 0 done, 1 the file was
rejected, 2 usage error (unknown area or period, missing file, warehouse busy).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines import commandline, formatting, migrations, warehouse
from pipelines.targets import pdf, report, store, template


def parser() -> argparse.ArgumentParser:
    p = commandline.Parser(prog="python -m pipelines.targets", description="Target dan capaian: templat, muat, laporan.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=commandline.Parser)
    t = sub.add_parser("template", help="tulis templat target kosong (.xlsx)")
    t.add_argument("--out", required=True)
    ld = sub.add_parser("load", help="periksa dan muat satu berkas target")
    ld.add_argument("file")
    ld.add_argument("--db")
    ld.add_argument("--user", default="cli")
    ld.add_argument("--dry-run", action="store_true")
    ld.add_argument("--json", action="store_true")
    rp = sub.add_parser("report", help="target, realisasi dan capaian sebuah wilayah dan periode")
    rp.add_argument("--db")
    rp.add_argument("--area", required=True, help="NASIONAL, 35, 35.04, 35.04.14 atau 35.04.14.2011")
    rp.add_argument("--period", required=True, help="2026, 2026-S1, 2026-T3, 2026-09 atau 2026-SD09")
    rp.add_argument("--lang", choices=("id", "en"), default="id")
    rp.add_argument("--approved-only", action="store_true", help="hanya data bulan-kabupaten yang disetujui")
    rp.add_argument("--json", action="store_true")
    pd = sub.add_parser("pdf", help="Laporan Capaian (A4 PDF) sebuah wilayah dan periode")
    pd.add_argument("--db")
    pd.add_argument("--area", required=True)
    pd.add_argument("--period", required=True)
    pd.add_argument("--out", required=True)
    pd.add_argument("--lang", choices=("id", "en"), default="id")
    pd.add_argument("--approved-only", action="store_true")
    return p


def _fail(message: str, as_json: bool, **extra) -> int:
    if as_json:
        print(json.dumps({**extra, "error": message}, ensure_ascii=False))
    print(message, file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "template":
        template.write(args.out)
        print(f"Templat target ditulis: {args.out}", file=sys.stderr)
        return 0
    if args.command == "load":
        return _load(args)
    if args.command == "pdf":
        return _pdf(args)
    return _report(args)


def _pdf(args) -> int:
    if args.db and not warehouse.is_url(args.db) and not Path(args.db).exists():
        return _fail(f"Gudang data tidak ditemukan: {args.db}", False)
    try:
        with migrations.reading(args.db) as con:
            data = pdf.pdf(con, args.area, args.period, lang=args.lang, approved_only=args.approved_only)
    except ValueError as exc:
        return _fail(str(exc), False)
    Path(args.out).write_bytes(data)
    print(f"Laporan Capaian ditulis: {args.out}", file=sys.stderr)
    return 0


def _load(args) -> int:
    path = Path(args.file)
    empty = {"file": path.name, "status": "rejected", "version": None, "targets": 0, "errors": []}
    if not path.is_file():
        return _fail(f"Berkas tidak ditemukan: {path}", args.json, **empty)
    try:
        con = migrations.connect(args.db)
    except warehouse.WarehouseBusy as exc:
        return _fail(str(exc), args.json, **empty)
    try:
        result = store.load(con, path.read_bytes(), path.name, args.user, dry_run=args.dry_run)
    finally:
        con.close()
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        words = {"accepted": "DITERIMA", "rejected": "DITOLAK", "unchanged": "TIDAK BERUBAH"}
        print(f"{words[result.status]} {path.name}" + (f": versi {result.version}, {result.targets} target"
                                                      if result.version else ""))
        for e in result.errors:
            print(f"    galat: {e.describe()}")
    return 1 if result.status == "rejected" else 0


def _report(args) -> int:
    db = Path(args.db) if args.db and not warehouse.is_url(args.db) else None  # a PostgreSQL URL is no file
    if db is not None and not db.exists():
        return _fail(f"Gudang data tidak ditemukan: {db}", args.json)
    try:
        with migrations.reading(args.db) as con:
            out = report.report(con, args.area, args.period, lang=args.lang, approved_only=args.approved_only)
    except ValueError as exc:
        return _fail(str(exc), args.json)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, allow_nan=False))
        return 0
    lang = args.lang
    print(f"{out['area_name']} · {out['label']}" + (" (hanya data disetujui)" if out["approved_only"] else ""))
    for r in out["rows"]:
        print(f"  {r['kode_indikator']}: target {formatting.number(r['target'], lang, 2)}, realisasi "
              f"{formatting.number(r['realisasi'], lang, 2)}, capaian {formatting.percent(r['capaian'], lang, 2)}, "
              f"laporan {r['laporan_masuk']}/{r['laporan_diharapkan']}" + (" SEMENTARA" if r["sementara"] else ""))
    if not out["rows"]:
        print("  (belum ada target untuk wilayah dan periode ini)")
    return 0
