"""`python -m pipelines.briefing`: the briefing pack of an area and period from the command line."""
from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from pipelines import formatting, migrations, settings, snapshot, versions, warehouse
from pipelines.briefing.context import BriefingError, read_labels
from pipelines.briefing.pack import build_as_of
from pipelines.briefing.slides import KINDS
from pipelines.views import overview


def main(argv: list[str] | None = None) -> int:
    """`python -m pipelines.briefing --area 35.04 --from 2024-01 --to 2024-06 --out FILE.pptx`; exit 0, or 2."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.briefing",
                                     description="Paket paparan (PPTX + XLSX) satu wilayah dan periode.")
    parser.add_argument("--area", required=True, help="kode Kemendagri (35, 35.04, ...) atau 'nasional'")
    parser.add_argument("--from", dest="start", required=True, help="bulan pertama, YYYY-MM")
    parser.add_argument("--to", dest="end", required=True, help="bulan terakhir, YYYY-MM")
    parser.add_argument("--out", required=True, help="berkas PPTX yang ditulis")
    parser.add_argument("--xlsx", help="berkas XLSX tabel (bawaan: di samping PPTX, akhiran .xlsx)")
    parser.add_argument("--db", help="gudang data (bawaan: PANTAU_DB atau data/pantau.duckdb)")
    parser.add_argument("--lang", choices=("id", "en"), default="id")
    parser.add_argument("--skip", default="", help="nomor slide yang dilewati, mis. 4,5 (lihat urutan di halaman)")
    parser.add_argument("--banding", choices=("yoy", "prev"), default="yoy",
                        help="perubahan dibanding periode yang sama tahun lalu (yoy) atau periode sebelumnya "
                             "(prev), seperti &banding=prev")
    parser.add_argument("--approved-only", action="store_true",
                        help="hanya bulan kabupaten yang sudah disetujui peninjau (seperti &data=disetujui)")
    parser.add_argument("--as-of", dest="as_of",
                        help="susun ulang angka persis seperti pada versi data ini (nomor di slide judul dan catatan "
                             "XLSX setiap paket); unggahan, persetujuan dan buka kunci sesudahnya tidak dihitung. "
                             "Bawaan: versi sekarang")
    parser.add_argument("--today",
                        help="tanggal acuan YYYY-MM-DD (bulan jatuh tempo, tanda 'sementara'). Bawaan: hari ini; "
                             "dengan --as-of: PANTAU_TODAY bila diisi, selain itu hari versi data itu dibuat. "
                             "Catatan XLSX setiap paket menyebut perintah lengkapnya")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    labels = read_labels(args.lang)
    say = lambda key, **f: overview.label(labels, key, **f)  # noqa: E731
    area = "" if args.area.strip().lower() in ("", "nasional", "national") else args.area.strip()
    if not re.fullmatch(r"\d{4}-\d{2}", args.start.strip()) or not re.fullmatch(r"\d{4}-\d{2}", args.end.strip()):
        print(say("bp_cli_bad_period", error=f"{args.start} .. {args.end}"), file=sys.stderr)
        return 2
    try:
        skip = {int(n) for n in args.skip.replace(" ", "").split(",") if n}
    except ValueError:
        skip = None
    if skip is None or not skip <= set(range(1, len(KINDS) + 1)) or len(skip) == len(KINDS):
        print(say("bp_cli_bad_slides", error=args.skip, n=len(KINDS)), file=sys.stderr)
        return 2
    try:
        as_of = int(args.as_of) if args.as_of is not None else None
    except ValueError:
        print(say("bp_cli_bad_as_of_number", error=args.as_of), file=sys.stderr)
        return 2
    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        print(say("bp_cli_bad_today", error=args.today), file=sys.stderr)
        return 2
    db = args.db or settings.store_target()  # a DuckDB file, or PostgreSQL's URL (PANTAU_DATABASE_URL or --db)
    if not warehouse.is_url(db) and not Path(db).exists():
        print(say("bp_cli_no_db", path=db), file=sys.stderr)
        return 2
    # warehouse.reading works while the app holds the file (it reads a private snapshot then).
    with migrations.reading(db) as con:
        def report(done: int, total: int, message: str) -> None:
            print(f"[{done:>2}/{total}] {message}", file=sys.stderr, flush=True)
        try:
            pack = build_as_of(con, area, args.start, args.end, args.lang, labels, report,
                               set(range(1, len(KINDS) + 1)) - skip, approved_only=args.approved_only,
                               compare=args.banding, version=as_of, today=today)
        except BriefingError as exc:
            print(say(f"bp_cli_bad_{exc.what}", area=args.area, error=exc), file=sys.stderr)
            return 2
        except snapshot.VersionError as exc:
            print(say(f"bp_cli_bad_as_of_{exc.what}", version=as_of, now=versions.current(con),
                      first=versions.first(con)), file=sys.stderr)
            return 2
    out = Path(args.out)
    xlsx = Path(args.xlsx) if args.xlsx else out.with_suffix(".xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    xlsx.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pack.pptx)
    xlsx.write_bytes(pack.xlsx)
    print(say("bp_cli_done", seconds=formatting.number(pack.seconds, args.lang, 1), pptx=out, n=len(pack.slides),
              xlsx=xlsx))
    return 0
