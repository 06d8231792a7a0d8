"""Benchmark: workbook ingestion against a raw fastexcel read (the limit) and pandas+openpyxl (the peer).

    python bench/ingest.py [--files 1000] [--peer-files 200]

Prints files per second for each, the project's ratios to both, and the latency of loading one
workbook into a warehouse that already holds the batch. Targets (issue 2): project within 3x of the
raw read, at least 15x faster than the peer, one workbook under 150 ms.
"""
from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402
import fastexcel  # noqa: E402

from pipelines.ingest import load, registry, template
from pipelines import warehouse  # noqa: E402
from pipelines.catalogue import indicators  # noqa: E402

COUNTRIES = ["Taiwan", "Hong Kong", "Malaysia", "Singapura", "Arab Saudi", "Korea Selatan"]
SECTORS = ["Domestik", "Perawat/Caregiver", "Manufaktur", "Perkebunan/Pertanian"]


def generate(folder: Path, files: int) -> tuple[Path, list[Path]]:
    """A synthetic registry and `files` valid workbooks (villages x months), all different."""
    rng = random.Random(7)
    villages = max(1, files // 24 + 1)
    reg = folder / "desa.csv"
    lines = ["kode_desa,nama_desa,kecamatan,kabupaten,provinsi,tahun_bergabung,lintang,bujur,koordinat_tepat"]
    for v in range(villages):
        lines.append(f"35.04.{10 + v // 900:02d}.{2001 + v % 900},Desa {v},Kec {v // 900},Kabupaten Uji,"
                     f"Jawa Timur,2017,-8.1,111.9,tidak")
    reg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths = []
    for i in range(files):
        v, m = divmod(i, 24)
        code = f"35.04.{10 + v // 900:02d}.{2001 + v % 900}"
        period = f"{2023 + m // 12}-{m % 12 + 1:02d}"
        values = {c: rng.randint(0, 50) for c in indicators()}
        values.update({"C01": 80, "C02": 40, "L08": 10, "L09": 5, "K05": "ya"})
        buf = io.BytesIO()
        template.write_workbook(
            buf, {"kode_desa": code, "nama_desa": f"Desa {v}", "periode": period, "nama_petugas": "Petugas"},
            values,
            [{"negara_tujuan": rng.choice(COUNTRIES), "sektor": s, "jenis_kelamin": sex, "jumlah": rng.randint(1, 9)}
             for s in SECTORS[:2] for sex in "LP"],
            [{"negara_asal": "Taiwan", "jenis_kelamin": "P", "jumlah": 3, "bermasalah": 1}],
            [{"negara_asal": "Taiwan", "saluran": "Bank", "jumlah_transaksi": 4, "nilai_rp": 10_000_000}],
            decorate=False)
        path = folder / f"{code}_{period}.xlsx"
        path.write_bytes(buf.getvalue())
        paths.append(path)
    return reg, paths


def raw_read(paths: list[Path]) -> float:
    """The limit: fastexcel reads every sheet of every workbook, nothing else."""
    start = time.perf_counter()
    for p in paths:
        reader = fastexcel.read_excel(p.read_bytes())
        for name in reader.sheet_names:
            reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
    return time.perf_counter() - start


def peer(paths: list[Path], folder: Path) -> float:
    """The peer: pandas + openpyxl per workbook, inserted row by row into DuckDB."""
    import pandas as pd
    con = duckdb.connect(str(folder / "peer.duckdb"))
    con.execute("CREATE TABLE cells (file VARCHAR, sheet VARCHAR, rownum INTEGER, a VARCHAR, b VARCHAR, "
                "c VARCHAR, d VARCHAR)")
    start = time.perf_counter()
    for p in paths:
        for sheet, frame in pd.read_excel(p, sheet_name=None, engine="openpyxl", dtype=str).items():
            for i, row in enumerate(frame.itertuples(index=False)):
                cells = (list(row) + [None] * 4)[:4]
                con.execute("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?)", [p.name, sheet, i, *cells])
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def project(paths: list[Path], reg: Path, folder: Path) -> tuple[float, duckdb.DuckDBPyConnection]:
    """The project: the one write path, validating and storing every workbook."""
    con = warehouse.connect(folder / "project.duckdb")
    registry.load_registry(con, reg)
    start = time.perf_counter()
    results = load.load_files(con, paths, "bench")
    elapsed = time.perf_counter() - start
    rejected = [r for r in results if r.status != "accepted"]
    if rejected:
        raise SystemExit(f"{len(rejected)} workbooks not accepted, first: {rejected[0].errors[:3]}")
    return elapsed, con


def single_latency(con, paths: list[Path], runs: int = 20) -> float:
    """Median ms to validate and load one new version of one workbook into the filled warehouse."""
    times = []
    for i in range(runs):
        data = paths[i].read_bytes() + b"\0" * (i + 1)  # trailing bytes make a new checksum, same content
        start = time.perf_counter()
        [r] = load.load_files(con, [load.Source(paths[i].name, data)], "bench")
        times.append((time.perf_counter() - start) * 1000)
        assert r.status == "accepted", r.errors
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--peer-files", type=int, default=200, help="the peer is slow: measured on a subset")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        reg, paths = generate(folder, args.files)
        print(f"generated {len(paths)} workbooks in {time.perf_counter() - t0:.1f} s")
        raw = raw_read(paths)
        mine, con = project(paths, reg, folder)
        peer_paths = paths[: args.peer_files]
        slow = peer(peer_paths, folder)
        latency = single_latency(con, paths)
        con.close()
    rate = {"raw fastexcel read (limit)": len(paths) / raw,
            "pandas+openpyxl, row inserts (peer)": len(peer_paths) / slow,
            "pantau load_files (project)": len(paths) / mine}
    for name, r in rate.items():
        print(f"{name:<38} {r:10.0f} files/s")
    limit, peer_rate, own = rate.values()
    print(f"project time / raw read time: {limit / own:.2f}x   (target <= 3x)")
    print(f"project speed / peer speed:   {own / peer_rate:.1f}x  (target >= 15x)")
    print(f"one workbook validated and loaded: {latency:.1f} ms median (target < 150 ms)")


if __name__ == "__main__":
    main()
