"""Command line for surveys.

    python -m pipelines.survey template --out FILE
    python -m pipelines.survey load --db PATH --name "Evaluasi Ponorogo 2024" [--user NAME] [--dry-run] [--json] FILE
    python -m pipelines.survey analyse --db PATH --survey NAME [--json]

Exit status: 0 done, 1 the file was rejected (or the survey is unknown), 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines import commandline, formatting, migrations, warehouse
from pipelines.survey import analysis, store, template


def parser() -> argparse.ArgumentParser:
    p = commandline.Parser(prog="python -m pipelines.survey", description="Survei PMI purna: templat, muat, analisis.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=commandline.Parser)
    t = sub.add_parser("template", help="tulis templat survei kosong (.xlsx)")
    t.add_argument("--out", required=True)
    ld = sub.add_parser("load", help="periksa dan muat satu berkas survei")
    ld.add_argument("file")
    ld.add_argument("--db")
    ld.add_argument("--name", required=True, help='nama survei, misalnya "Evaluasi Ponorogo 2024"')
    ld.add_argument("--user", default="cli")
    ld.add_argument("--dry-run", action="store_true")
    ld.add_argument("--json", action="store_true")
    an = sub.add_parser("analyse", help="analisis versi terkini sebuah survei")
    an.add_argument("--db")
    an.add_argument("--survey", required=True)
    an.add_argument("--json", action="store_true")
    return p


def _connect(db, read_only=False):
    try:
        return migrations.connect(db, read_only=read_only)
    except warehouse.WarehouseBusy as exc:
        print(exc, file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "template":
        template.write(args.out)
        print(f"Templat survei ditulis: {args.out}", file=sys.stderr)
        return 0
    if args.command == "load":
        path = Path(args.file)
        if not path.is_file():
            print(f"Berkas tidak ditemukan: {path}", file=sys.stderr)
            return 2
        con = _connect(args.db)
        if con is None:
            return 2
        try:
            result = store.load(con, args.name, path.read_bytes(), path.name, args.user, dry_run=args.dry_run)
        finally:
            con.close()
        if args.json:
            print(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            labels = {"accepted": "DITERIMA", "rejected": "DITOLAK", "unchanged": "TIDAK BERUBAH"}
            print(f"{labels[result.status]} {path.name}: survei {result.name!r}"
                  + (f" versi {result.version}, {result.respondents} responden" if result.version else ""))
            for e in result.errors:
                print(f"    galat: {e.describe()}")
        return 1 if result.status == "rejected" else 0
    db = Path(args.db) if args.db and not warehouse.is_url(args.db) else None  # a PostgreSQL URL is no file
    if db is not None and not db.exists():
        print(f"Gudang data tidak ditemukan: {db}", file=sys.stderr)
        return 2
    con = _connect(args.db)
    if con is None:
        return 2
    try:
        surveys = store.current(con)
        match = surveys.filter(surveys["name"] == args.survey)
        if match.is_empty():
            print(f"Survei {args.survey!r} tidak ada. Survei yang ada: "
                  + (", ".join(surveys["name"].to_list()) or "(belum ada)"), file=sys.stderr)
            return 1
        result = analysis.analyse(store.responses(con, args.survey), args.survey, bool(match["is_demo"][0]))
    finally:
        con.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, allow_nan=False))
    else:
        o = result["overall"]
        num = lambda x, d=0: formatting.number(x, "id", d)  # noqa: E731 - missing shows as '–', never 0
        print(f"Survei {args.survey} (n = {result['n']})" + (" [DATA DEMO]" if result["demo"] else ""))
        for v in result["villages"] + [{"village_code": "semua", "village_name": "", **o}]:
            i = v["income"]
            print(f"  {v['village_code']} {v.get('village_name') or ''}: n={v['n']} pendapatan "
                  f"{num(i['mean_before'])} -> {num(i['mean_after'])} ({num(i['change_pct'], 1)}%)"
                  + ("  (n < 10)" if v["small"] else ""))
        print(f"  uji t berpasangan: t = {num(o['income']['t'], 2)}, df = {o['income']['df']}, "
              f"p = {num(o['income']['p'], 4)}")
        for point, a in o["cronbach_alpha"].items():  # one scale per time point; "sesudah" is the headline
            print(f"  alfa Cronbach {point} ({', '.join(a['items'])}): {num(a['alpha'], 2)}, "
                  f"IK 95% {num(a['ci_low'], 2)} – {num(a['ci_high'], 2)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
