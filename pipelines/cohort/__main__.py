"""Command line for cohort data.

    python -m pipelines.cohort import-series [--db PATH] [--user NAME] FILE.csv
    python -m pipelines.cohort compare [--db PATH] --series NAME [--json]

Exit status: 0 done, 1 the CSV was rejected (nothing written) or nothing to compare, 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines import commandline, migrations, warehouse
from pipelines.cohort import series, staggered


def parser() -> argparse.ArgumentParser:
    p = commandline.Parser(prog="python -m pipelines.cohort", description="Data kohort: impor deret tahunan eksternal.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=commandline.Parser)
    imp = sub.add_parser("import-series", help="impor CSV deret tahunan per desa atau kabupaten")
    imp.add_argument("file")
    imp.add_argument("--db")
    imp.add_argument("--user", default="cli")
    cmp_ = sub.add_parser("compare", help="perbandingan adopsi bertahap (Callaway-Sant'Anna)")
    cmp_.add_argument("--db")
    cmp_.add_argument("--series", required=True)
    cmp_.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "import-series" and not Path(args.file).is_file():
        print(f"Berkas tidak ditemukan: {args.file}", file=sys.stderr)
        return 2
    try:
        con = migrations.connect(args.db)
    except warehouse.WarehouseBusy as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        if args.command == "import-series":
            try:
                counts = series.import_series(con, Path(args.file).read_bytes(), Path(args.file).name, args.user)
            except series.SeriesError as exc:
                print("CSV ditolak, tidak ada yang ditulis:", file=sys.stderr)
                for e in exc.errors:
                    print(f"    galat: {e.describe()}", file=sys.stderr)
                return 1
            for name, n in counts.items():
                print(f"Deret {name!r} dimuat: {n} baris.")
            return 0
        frame = series.values(con, args.series)
    finally:
        con.close()
    try:
        result = staggered.estimate(frame)
    except staggered.NotEstimable as exc:
        print(exc, file=sys.stderr)
        return 1
    doc = {"series": args.series, "att": result.att, "std_error": result.std_error, "ci_low": result.ci_low,
           "ci_high": result.ci_high, "pretrend_w": result.pretrend_w, "pretrend_p": result.pretrend_p,
           "areas": result.areas, "event": result.event.to_dicts()}
    print(json.dumps(doc, ensure_ascii=False) if args.json else
          f"ATT {result.att:.3f} (IK 95% {result.ci_low:.3f} .. {result.ci_high:.3f}); "
          f"uji pra-tren W = {result.pretrend_w}, p = {result.pretrend_p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
