"""Command line: python -m pipelines.opendata --period 2026-T3 --out DIR [--db PATH] [--all-data].

Exit status: 0 written, 2 usage error (bad period, missing warehouse)."""
from __future__ import annotations

import sys
from pathlib import Path

from pipelines import commandline, migrations, warehouse
from pipelines.opendata import package


def parser() -> commandline.Parser:
    p = commandline.Parser(prog="python -m pipelines.opendata",
                           description="Paket Satu Data: CSV panjang, XLSX dan metadata.json untuk satu periode.")
    p.add_argument("--period", required=True, help="2026, 2026-S1, 2026-T3, 2026-09 atau 2026-SD09")
    p.add_argument("--out", required=True, help="folder tujuan")
    p.add_argument("--db")
    p.add_argument("--all-data", action="store_true",
                   help="sertakan bulan-kabupaten yang belum disetujui (bawaan: hanya yang disetujui)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.db and not warehouse.is_url(args.db) and not Path(args.db).exists():
        print(f"Gudang data tidak ditemukan: {args.db}", file=sys.stderr)
        return 2
    try:
        with migrations.reading(args.db) as con:
            paths = package.build(con, args.period, args.out, approved_only=not args.all_data)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    for path in paths.values():
        print(path)
    return 0
