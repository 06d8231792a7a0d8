"""Command line: review actions on a district's month.

    python -m pipelines.review submit|approve|return|unlock --district 35.04 --period 2026-10 --user NAME
        [--reason TEXT] [--missing VILLAGE=REASON ...] [--db PATH] [--json]

Exit status: 0 done, 1 refused (wrong state, role or district, reason missing), 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date

from pipelines import commandline, migrations, warehouse
from pipelines.accounts import users
from pipelines.review import transitions


def parser() -> argparse.ArgumentParser:
    p = commandline.Parser(prog="python -m pipelines.review",
                description="Ajukan, setujui, kembalikan atau buka kunci laporan bulan sebuah kabupaten/kota.")
    p.add_argument("action", choices=transitions.ACTIONS)
    p.add_argument("--district", required=True, help="kode kabupaten/kota, mis. 35.04")
    p.add_argument("--period", required=True, help="bulan laporan YYYY-MM, mis. 2026-10")
    p.add_argument("--user", required=True, help="nama pengguna yang bertindak")
    p.add_argument("--reason", default="", help="alasan (wajib untuk return dan unlock)")
    p.add_argument("--missing", action="append", default=[], metavar="KODE_DESA=ALASAN",
                   help="desa yang belum melapor dan alasannya (submit)")
    p.add_argument("--db", help="berkas gudang data DuckDB (bawaan: PANTAU_DB atau data/pantau.duckdb)")
    p.add_argument("--json", action="store_true", help="cetak satu dokumen JSON di stdout")
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.period):
        p.error(f"--period {args.period!r} harus YYYY-MM, mis. 2026-10")
    if not re.fullmatch(r"\d{2}\.\d{2}", args.district):
        p.error(f"--district {args.district!r} harus kode kabupaten/kota, mis. 35.04")
    missing = {}
    for item in args.missing:
        code, sep, why = item.partition("=")
        if not sep:
            p.error(f"--missing {item!r} harus KODE_DESA=ALASAN")
        missing[code.strip()] = why
    period = date.fromisoformat(args.period + "-01")
    try:
        con = migrations.connect(args.db)
    except warehouse.WarehouseBusy as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        user = users.get_user(con, args.user)
        try:
            if user is None:
                raise transitions.Refused(f"Akun {args.user!r} tidak ada.")
            done = transitions.act(con, user, args.action, args.district, period, args.reason, missing)
            ok, state, text = True, done.state, done.message
        except transitions.Refused as exc:
            from pipelines.review import states
            ok, state, text = False, states.state_of(con, args.district, period).state, str(exc)
    finally:
        con.close()
    if args.json:
        json.dump({"action": args.action, "district": args.district, "period": args.period, "ok": ok,
                   "state": state, "message": text}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(text if ok else f"Ditolak: {text}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1
