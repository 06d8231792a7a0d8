"""Benchmark: the ingest CLI as users run it, against a raw fastexcel read and a pandas+openpyxl peer.

    python bench/ingest.py [--files 1000] [--peer-files 1000] [--runs 3] [--store postgres]

Each contender is timed as a whole process (start-up and imports included), on the same N valid
workbooks, once written by xlsxwriter (the template's writer) and once by openpyxl (what other
tools write):
  raw     python + fastexcel reading every sheet of every file as text (the limit);
  project python -m pipelines.ingest --json FILES, into a warehouse holding only the registry;
  peer    python + pandas.read_excel(engine="openpyxl") of every sheet, then ONE bulk insert per
          table into DuckDB (what an analyst would write).
Prints the best of --runs for each and the ratios project/raw (target <= 3x) and peer/project
(target >= 15x). The peer may run on a subset (--peer-files); its time is then scaled per file.
Also shown: the project with PANTAU_READ_WORKERS=1 (one process, no pool), and the machine's load
average around each writer's runs (the machine may be shared: ratios within one run are what count).
With --store postgres the project also loads into a throwaway PostgreSQL 15 (tests/pgserver.py, a
fresh schema per run) and the two stores are printed side by side (target: PostgreSQL <= 2x DuckDB).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.catalogue import indicators  # noqa: E402
from pipelines.ingest import template  # noqa: E402

COUNTRIES = ["Taiwan", "Hong Kong", "Malaysia", "Singapura", "Arab Saudi", "Korea Selatan"]
SECTORS = ["Domestik", "Perawat/Caregiver", "Manufaktur", "Perkebunan/Pertanian"]

RAW = """
import sys, fastexcel
from pathlib import Path
for p in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    reader = fastexcel.read_excel(p.read_bytes())
    for name in reader.sheet_names:
        reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
"""

PEER = """
import sys
from pathlib import Path
import duckdb, pandas as pd
paths = sorted(Path(sys.argv[1]).glob("*.xlsx"))[: int(sys.argv[3])]
tables = {}
for p in paths:
    for sheet, frame in pd.read_excel(p, sheet_name=None, engine="openpyxl", header=None, dtype=str).items():
        frame.columns = [f"c{i}" for i in range(frame.shape[1])]
        frame.insert(0, "file", p.name)
        tables.setdefault(sheet, []).append(frame)
con = duckdb.connect(sys.argv[2])
for sheet, frames in tables.items():
    data = pd.concat(frames, ignore_index=True)
    con.register("staged", data)
    con.execute(f'CREATE TABLE "{sheet}" AS SELECT * FROM staged')  # one bulk insert per table
    con.unregister("staged")
con.close()
"""


def cells(i: int, rng: random.Random) -> tuple[str, dict]:
    """Village code, period and the sheets of workbook i (villages x 24 months)."""
    v, m = divmod(i, 24)
    code = f"35.04.{10 + v // 900:02d}.{2001 + v % 900}"
    period = f"{2023 + m // 12}-{m % 12 + 1:02d}"
    values = {c: rng.randint(0, 50) for c in indicators()}
    values.update({"C01": 80, "C02": 40, "L08": 10, "L09": 5, "K05": "ya"})
    args = ({"kode_desa": code, "nama_desa": f"Desa {v}", "periode": period, "nama_petugas": "Petugas"},
            values,
            [{"negara_tujuan": rng.choice(COUNTRIES), "sektor": s, "jenis_kelamin": sex,
              "jumlah": rng.randint(1, 9)} for s in SECTORS[:2] for sex in "LP"],
            [{"negara_asal": "Taiwan", "jenis_kelamin": "P", "jumlah": 3, "bermasalah": 1}],
            [{"negara_asal": "Taiwan", "saluran": "Bank", "jumlah_transaksi": 4, "nilai_rp": 10_000_000}])
    return f"desa{v:04d}_bulan{m:02d}", args


def write_openpyxl(path: Path, sheets: dict[str, list[tuple]]) -> None:
    """The same cells through openpyxl, numbers as numbers."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([int(c) if c is not None and c.isdigit() and name != "Identitas" else c for c in row])
    wb.save(path)


def generate(folder: Path, files: int) -> tuple[Path, dict[str, Path]]:
    """A registry CSV and `files` different valid workbooks in two folders, one per writer."""
    rng = random.Random(7)
    villages = files // 24 + 1
    reg = folder / "desa.csv"
    lines = ["kode_desa,nama_desa,kecamatan,kabupaten,provinsi,tahun_bergabung,lintang,bujur,koordinat_tepat"]
    for v in range(villages):
        lines.append(f"35.04.{10 + v // 900:02d}.{2001 + v % 900},Desa {v},Kec {v // 900},Kabupaten Uji,"
                     f"Jawa Timur,2017,-8.1,111.9,tidak")
    reg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dirs = {"xlsxwriter": folder / "xlsxwriter", "openpyxl": folder / "openpyxl"}
    for d in dirs.values():
        d.mkdir()
    for i in range(files):
        name, args = cells(i, rng)
        template.write_workbook(dirs["xlsxwriter"] / f"{name}.xlsx", *args, decorate=False)
        write_openpyxl(dirs["openpyxl"] / f"{name}.xlsx", template.sheet_rows(*args))
    return reg, dirs


def timed(cmd: list[str], check=None, env: dict | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - start
    if done.returncode != 0 and check is None:
        raise SystemExit(f"{cmd[:4]} failed ({done.returncode}): {done.stderr[-2000:]}")
    if check:
        check(done)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--peer-files", type=int, default=None, help="the peer on the first n files (default all)")
    ap.add_argument("--runs", type=int, default=3, help="best of this many runs (the peer runs once)")
    ap.add_argument("--store", choices=["duckdb", "postgres"], default="duckdb",
                    help="postgres: also time the project into a throwaway PostgreSQL, side by side")
    args = ap.parse_args()
    server = None
    if args.store == "postgres":
        from tests import pgserver
        server = pgserver.Server()
    try:
        _run(args, server)
    finally:
        if server is not None:
            server.stop()


def _run(args, server) -> None:
    py = sys.executable
    peer_n = min(args.peer_files or args.files, args.files)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        reg, dirs = generate(folder, args.files)
        print(f"generated {args.files} workbooks per writer in {time.perf_counter() - t0:.1f} s")
        empty = folder / "registry.duckdb"
        timed([py, "-m", "pipelines.ingest", "--db", str(empty), "--registry", str(reg)])

        def all_accepted(done: subprocess.CompletedProcess) -> None:
            doc = json.loads(done.stdout)
            if doc["rejected"] or doc["accepted"] != args.files:
                first = next(f for f in doc["files"] if f["status"] == "rejected")
                raise SystemExit(f"{doc['rejected']} workbooks rejected, first: {first}")

        def project(writer: str, d: Path, run: int, env: dict | None = None) -> float:
            db = folder / f"project-{writer}-{run}-{len(env or {})}.duckdb"
            shutil.copy(empty, db)
            return timed([py, "-m", "pipelines.ingest", "--db", str(db), "--json", str(d)], check=all_accepted, env=env)

        def on_postgres(d: Path) -> float:
            url = server.schema()
            timed([py, "-m", "pipelines.ingest", "--db", url, "--registry", str(reg)])
            return timed([py, "-m", "pipelines.ingest", "--db", url, "--json", str(d)], check=all_accepted)

        rows = []
        pg_rows = []
        for writer, d in dirs.items():
            load_before = os.getloadavg()[0]
            times = {"raw": [], "project": [], "single": [], "postgres": []}
            for run in range(args.runs):  # interleaved, so a burst of load hits every contender alike
                times["raw"].append(timed([py, "-c", RAW, str(d)]))
                times["project"].append(project(writer, d, run))
                times["single"].append(project(writer, d, run, {"PANTAU_READ_WORKERS": "1"}))
                if server is not None:
                    times["postgres"].append(on_postgres(d))
            if server is not None:
                pg_rows.append((writer, min(times["project"]), min(times["postgres"])))
            raw, project_s, single = (min(times[k]) for k in ("raw", "project", "single"))
            peer = timed([py, "-c", PEER, str(d), str(folder / f"peer-{writer}.duckdb"), str(peer_n)])
            peer *= args.files / peer_n
            rows.append((writer, raw, project_s, single, peer, f"{load_before:.1f}-{os.getloadavg()[0]:.1f}"))
    print(f"{'workbooks by':<12} {'raw read':>9} {'project':>9} {'1 process':>10} {'peer':>9} {'project/raw':>12} "
          f"{'peer/project':>13} {'load avg':>9}")
    for writer, raw, project, single, peer, load in rows:
        print(f"{writer:<12} {raw:8.2f}s {project:8.2f}s {single:9.2f}s {peer:8.2f}s {project / raw:11.2f}x "
              f"{peer / project:12.1f}x {load:>9}")
    print(f"({args.files} files, whole processes, best of {args.runs}; peer on {peer_n} files"
          f"{' scaled' if peer_n < args.files else ''}; {os.cpu_count()} cores; "
          "targets: project/raw <= 3x, peer/project >= 15x)")
    if pg_rows:
        print(f"\n{'workbooks by':<12} {'DuckDB':>9} {'PostgreSQL':>11} {'PG/DuckDB':>10}")
        for writer, duck, pg in pg_rows:
            print(f"{writer:<12} {duck:8.2f}s {pg:10.2f}s {pg / duck:9.2f}x")
        print("(the same ingest CLI, whole processes, best of each; target: PostgreSQL <= 2x DuckDB)")


if __name__ == "__main__":
    main()
