"""Satu Data package: long CSV, XLSX twin and metadata.json; approved data only unless asked; no personal data."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
from conftest import good_identity, good_values, make_workbook

from pipelines.opendata import cli, package
from pipelines.opendata.table import COLUMNS, long_table

TUNGGANGRI, BETAK = "35.04.14.2011", "35.04.14.2016"
TODAY = date(2024, 12, 1)


def world(con, ingest):
    """Tunggangri reports July to September 2024 (6 placements, U05 = 2 each month), Betak September only."""
    for village, name, months in ((TUNGGANGRI, "Tunggangri", ("07", "08", "09")), (BETAK, "Betak", ("09",))):
        for m in months:
            identity = good_identity(kode_desa=village, nama_desa=name, periode=f"2024-{m}",
                                     tanggal_lapor=f"2024-{int(m) + 1:02d}-05")
            [r] = ingest({f"{village}-{m}.xlsx": make_workbook(identity, good_values())})
            assert r.status == "accepted", r.errors
    # Tulungagung's July and August approved; September not yet
    for month in ("2024-07-01", "2024-08-01"):
        con.execute("INSERT INTO review_states VALUES ('35.04', ?, 'disetujui', 'peninjau', "
                    "TIMESTAMP '2024-10-20 10:00:00', '')", [month])


def pick(frame, area, key):
    [row] = frame.filter((frame["kode_wilayah"] == area) & (frame["kode_indikator"] == key)).rows(named=True)
    return {k: row[k] for k in ("nilai", "cakupan", "laporan_masuk", "laporan_diharapkan", "status_data")}


def test_long_table_every_level_approved_only_by_default(con, ingest):
    world(con, ingest)
    frame, provisional = long_table(con, "2024-T3", today=TODAY)
    assert provisional is False
    assert frame.columns == list(COLUMNS)
    assert frame.filter(frame["kode_indikator"] == "placements")["kode_wilayah"].to_list() == [
        "NASIONAL", "35", "52", "35.02", "35.04", "52.03", "35.02.20", "35.04.14", "52.03.01",
        "35.02.20.2001", TUNGGANGRI, BETAK, "52.03.01.2001"]
    # approved months only: Tunggangri's July and August (September's reports are not approved yet)
    assert pick(frame, "35.04", "placements") == {"nilai": 12.0, "cakupan": 0.3333, "laporan_masuk": 2,
                                                 "laporan_diharapkan": 6, "status_data": "final"}
    assert pick(frame, "NASIONAL", "placements") == {"nilai": 12.0, "cakupan": 0.1667, "laporan_masuk": 2,
                                                    "laporan_diharapkan": 12, "status_data": "final"}
    assert pick(frame, "35.04", "U05")["nilai"] == 2.0
    assert pick(frame, "35.04", "completeness") == {"nilai": 2 / 6, "cakupan": 0.3333, "laporan_masuk": 2,
                                                   "laporan_diharapkan": 6, "status_data": "final"}
    every, _ = long_table(con, "2024-T3", approved_only=False, today=TODAY)
    assert pick(every, "35.04", "placements") == {"nilai": 24.0, "cakupan": 0.6667, "laporan_masuk": 4,
                                                 "laporan_diharapkan": 6, "status_data": "final"}
    assert pick(every, BETAK, "placements")["nilai"] == 6.0
    assert pick(every, "52", "placements")["nilai"] is None  # nobody reported: missing, never 0
    assert pick(every, "52", "completeness")["nilai"] == 0.0


def test_open_month_makes_the_package_provisional(con, ingest):
    world(con, ingest)
    frame, provisional = long_table(con, "2024-SD09", approved_only=False, today=date(2024, 10, 10))
    assert provisional is True
    assert set(frame["status_data"]) == {"sementara"}
    assert set(frame["nama_periode"]) == {"s.d. September 2024"}


def test_files_as_a_user_opens_them(con, ingest, tmp_path):
    world(con, ingest)
    paths = package.build(con, "2024-T3", tmp_path / "paket", approved_only=False, today=TODAY)
    assert sorted(p.name for p in (tmp_path / "paket").iterdir()) == [
        "desmigratif-2024-t3.csv", "desmigratif-2024-t3.xlsx", "metadata.json"]
    text = paths["csv"].read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    [row] = [r for r in rows if r["kode_wilayah"] == "35.04" and r["kode_indikator"] == "placements"]
    assert row == {"kode_wilayah": "35.04", "nama_wilayah": "Kabupaten Tulungagung", "tingkat_wilayah": "kabupaten/kota",
                   "periode": "2024-T3", "nama_periode": "Triwulan III 2024", "kode_indikator": "placements",
                   "nama_indikator": "Penempatan PMI", "nilai": "24.0", "satuan": "orang", "cakupan": "0.6667",
                   "laporan_masuk": "4", "laporan_diharapkan": "6", "status_data": "final"}
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb.sheetnames == ["Data", "Variabel", "Metadata"]
    assert wb["Data"].max_row == len(rows) + 1
    meta = json.loads(paths["metadata"].read_text(encoding="utf-8"))
    assert (meta["judul"], meta["frekuensi_penyajian"], meta["status_data"], meta["periode"]) == (
        "Data Pemantauan Program Desa Migran Produktif (Desmigratif), Triwulan III 2024", "Triwulanan", "final",
        {"kode": "2024-T3", "nama": "Triwulan III 2024", "bulan_awal": "2024-07", "bulan_akhir": "2024-09"})
    assert meta["kode_referensi"]["wilayah"].startswith("Kode wilayah Kemendagri (Kepmendagri No. 300.2.2-2138")
    assert meta["tingkat_penyajian"] == ["nasional", "provinsi", "kabupaten/kota", "kecamatan", "desa"]
    placements = next(v for v in meta["variabel"] if v["kode"] == "placements")
    assert (placements["satuan"], placements["rumus"], placements["sumber"]) == ("orang", "Σ jumlah",
                                                                                 "Penempatan · jumlah")
    assert [c["nama"] for c in meta["kolom"]] == list(COLUMNS)
    assert meta["baris"] == len(rows)
    # no personal data anywhere: the officer's name and the uploader are in no file
    for path in paths.values():
        raw = path.read_bytes()
        blob = raw.decode("utf-8") if path.suffix != ".xlsx" else "".join(
            str(c.value) for ws in openpyxl.load_workbook(path) for r in ws.iter_rows() for c in r)
        assert "Siti Aminah" not in blob and "penguji" not in blob


def test_cli(con, store_url, ingest, tmp_path, capsys, monkeypatch):
    world(con, ingest)
    db = str(store_url)
    con.close()
    monkeypatch.setenv("PANTAU_TODAY", TODAY.isoformat())
    assert cli.main(["--db", db, "--period", "2024-T3", "--out", str(tmp_path / "o")]) == 0
    assert capsys.readouterr().out.splitlines() == [str(tmp_path / "o" / n) for n in (
        "desmigratif-2024-t3.csv", "desmigratif-2024-t3.xlsx", "metadata.json")]
    assert json.loads((tmp_path / "o" / "metadata.json").read_text())["data"] == \
        "hanya bulan-kabupaten yang disetujui peninjau"
    assert cli.main(["--db", db, "--period", "2024-Q3", "--out", str(tmp_path / "x")]) == 2
    assert cli.main(["--db", str(tmp_path / "none.duckdb"), "--period", "2024-T3", "--out", str(tmp_path / "x")]) == 2


def test_the_admin_button_zips_the_same_three_files(con, ingest):
    import zipfile

    from pipelines.accounts.roles import User
    from pipelines.views import satudata
    world(con, ingest)
    data = satudata.zip_package(con, "2024-T3")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(names) == ["desmigratif-2024-t3.csv", "desmigratif-2024-t3.xlsx", "metadata.json"]
    meta = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("metadata.json"))
    assert meta["data"] == "hanya bulan-kabupaten yang disetujui peninjau"
    assert [satudata.may_build(User("a", "A", r)) for r in ("admin", "kementerian", "koordinator")] == [True, False,
                                                                                                       False]
