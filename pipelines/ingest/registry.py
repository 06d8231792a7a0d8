"""Load or update the village registry from its CSV (kode_desa, nama_desa, ... koordinat_tepat)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipelines import warehouse
from pipelines.catalogue import norm
from pipelines.ingest.findings import Finding
from pipelines.ingest.identity import Village, village_code

COLUMNS = ["kode_desa", "nama_desa", "kecamatan", "kabupaten", "provinsi", "tahun_bergabung",
           "lintang", "bujur", "koordinat_tepat"]
FIRST_YEAR = 2016  # the programme's pilot year


class RegistryError(ValueError):
    """The registry CSV has problems; nothing was written."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f.describe() for f in findings))


def read_registry(path: str | Path) -> pl.DataFrame:
    """Parse and check the CSV; returns rows shaped like the villages table or raises RegistryError."""
    name = Path(path).name
    try:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, OSError) as exc:
        raise RegistryError([Finding(name, None, None, None, f"Berkas daftar desa tidak terbaca: {exc}")]) from exc
    raw = raw.rename({c: norm(c) for c in raw.columns})
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise RegistryError([Finding(name, 1, ", ".join(missing), None,
                                     "Kolom wajib tidak ada. Judul yang diharapkan: " + ",".join(COLUMNS))])
    problems: list[Finding] = []
    rows = []
    seen: set[str] = set()
    this_year = date.today().year
    for i, r in enumerate(raw.select(COLUMNS).iter_rows(named=True), start=2):
        r = {k: (" ".join(v.replace("\u00a0", " ").split()) if v else None) for k, v in r.items()}

        def bad(column: str, message: str) -> None:
            problems.append(Finding(name, i, column, r[column], message))

        code = village_code(r["kode_desa"])
        if code is None:
            bad("kode_desa", "Kode desa harus 10 digit kode Kemendagri, mis. 35.04.14.2011.")
        elif code in seen:
            bad("kode_desa", "Kode desa muncul lebih dari sekali.")
        seen.add(code or "")
        for column in ("nama_desa", "kecamatan", "kabupaten", "provinsi"):
            if not r[column]:
                bad(column, "Wajib diisi.")
        year = r["tahun_bergabung"]
        if not (year and year.isdigit() and FIRST_YEAR <= int(year) <= this_year):
            bad("tahun_bergabung", f"Tahun bergabung harus tahun {FIRST_YEAR}-{this_year}.")
        lat, lon = _coordinate(r["lintang"], -90, 90), _coordinate(r["bujur"], -180, 180)
        if r["lintang"] and lat is None:
            bad("lintang", "Lintang harus angka desimal antara -90 dan 90 (mis. -8.1234).")
        if r["bujur"] and lon is None:
            bad("bujur", "Bujur harus angka desimal antara -180 dan 180 (mis. 111.9012).")
        exact = norm(r["koordinat_tepat"] or "tidak")
        if exact not in ("ya", "tidak"):
            bad("koordinat_tepat", "Isi ya atau tidak.")
        if code:
            rows.append({
                "village_code": code, "village_name": r["nama_desa"] or "",
                "subdistrict_code": code[:8], "subdistrict": r["kecamatan"] or "",
                "district_code": code[:5], "district": r["kabupaten"] or "",
                "province_code": code[:2], "province": r["provinsi"] or "",
                "joined_year": int(year) if year and year.isdigit() else 0,
                "lat": lat, "lon": lon, "coords_exact": exact == "ya",
            })
    if problems:
        raise RegistryError(problems)
    return pl.DataFrame(rows, schema={
        "village_code": pl.String, "village_name": pl.String, "subdistrict_code": pl.String,
        "subdistrict": pl.String, "district_code": pl.String, "district": pl.String,
        "province_code": pl.String, "province": pl.String, "joined_year": pl.Int32,
        "lat": pl.Float64, "lon": pl.Float64, "coords_exact": pl.Boolean,
    })


def _coordinate(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text.replace(",", ".")) if text else None
    except ValueError:
        return None
    return value if value is not None and low <= value <= high else None


def load_registry(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Insert or update every village of the CSV in one transaction; returns how many rows."""
    staged_villages = read_registry(path)
    with warehouse.transaction(con) as cur:
        warehouse.stage(cur, "staged_villages", staged_villages)
        warehouse.execute(cur, "registry_upsert")
    return staged_villages.height


def lookup(con: duckdb.DuckDBPyConnection) -> dict[str, Village]:
    """Village code -> facts validation needs."""
    return {code: Village(name, year, district) for code, name, year, district in warehouse.rows(con, "village_lookup")}
