"""The demo registry CSV and the demo warehouse builder."""
from __future__ import annotations

import csv
import random
import re
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines import catalogue
from pipelines.demo import assumptions, demo_registry, villages, workbooks
from pipelines.demo import build as demo

ROOT = Path(__file__).resolve().parent.parent

REGISTRY = ROOT / "data" / "demo" / "villages.csv"
IDN_AREA_DATA = ROOT / "node_modules" / "idn-area-data" / "data"  # npm ci (./pantau test), pinned in package.json
TODAY = date(2026, 11, 23)


def registry_rows() -> list[dict[str, str]]:
    """The committed demo registry."""
    with open(REGISTRY, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_registry_header_and_size():
    with open(REGISTRY, encoding="utf-8") as fh:
        assert fh.readline().strip() == ("kode_desa,nama_desa,kecamatan,kabupaten,provinsi,"
                                         "tahun_bergabung,lintang,bujur,koordinat_tepat")
    rows = registry_rows()
    assert len(rows) == 453
    assert len({r["kode_desa"] for r in rows}) == 453


def test_registry_codes_are_kemendagri_format():
    for r in registry_rows():
        assert re.fullmatch(r"\d{2}\.\d{2}\.\d{2}\.\d{4}", r["kode_desa"]), r["kode_desa"]


def test_registry_cohorts_and_ntb():
    rows = registry_rows()
    years = Counter(int(r["tahun_bergabung"]) for r in rows)
    assert years[2016] == 2
    assert years[2017] == 120
    assert sum(n for y, n in years.items() if y <= 2019) == 402
    assert years[2021] == 51
    assert set(years) == {2016, 2017, 2018, 2019, 2021}
    assert sum(r["kode_desa"].startswith("52.") for r in rows) == 24
    assert {r["provinsi"] for r in rows if r["kode_desa"].startswith("52.")} == {"Nusa Tenggara Barat"}


def test_registry_named_villages():
    rows = {r["kode_desa"]: r for r in registry_rows()}
    for code, name in [("35.04.14.2011", "Tunggangri"), ("35.04.14.2016", "Betak"),
                       ("35.04.14.2017", "Pagersari")]:
        assert rows[code]["nama_desa"] == name
        assert rows[code]["kecamatan"] == "Kalidawir"
        assert rows[code]["kabupaten"] == "Kabupaten Tulungagung"
        assert rows[code]["provinsi"] == "Jawa Timur"
        assert int(rows[code]["tahun_bergabung"]) <= 2017
    jambon = [r for c, r in rows.items() if c.startswith("35.02.20.")]
    assert len(jambon) == 5
    assert {r["kecamatan"] for r in jambon} == {"Jambon"}
    assert {r["kabupaten"] for r in jambon} == {"Kabupaten Ponorogo"}
    assert rows["53.01.18.1001"]["nama_desa"] == "Buraen"
    assert rows["53.01.18.1001"]["kabupaten"] == "Kabupaten Kupang"
    assert rows["53.01.18.1001"]["provinsi"] == "Nusa Tenggara Timur"


def test_registry_coordinates_approximate_and_in_indonesia():
    for r in registry_rows():
        lat, lon = float(r["lintang"]), float(r["bujur"])
        assert -11 <= lat <= 6 and 95 <= lon <= 141, r["kode_desa"]
        assert r["koordinat_tepat"] == "tidak"
        demo_registry.check_point(r["kode_desa"], lat, lon)  # within ~12 km of its district centre


def test_registry_regenerates_identically(tmp_path):
    out = tmp_path / "villages.csv"
    demo_registry.main(["--source", str(IDN_AREA_DATA), "--out", str(out)])
    assert out.read_bytes() == REGISTRY.read_bytes()


def test_registry_names_match_source():
    area = demo_registry.read_area(IDN_AREA_DATA)
    for r in registry_rows():
        code = r["kode_desa"]
        assert area.villages[code] == r["nama_desa"]
        assert area.districts[code[:8]] == r["kecamatan"]
        assert area.regencies[code[:5]] == r["kabupaten"]
        assert area.provinces[code[:2]] == r["provinsi"]


def test_report_months_window():
    months = assumptions.report_months(36, TODAY)
    assert months[0] == date(2023, 11, 1)
    assert months[-1] == date(2026, 10, 1)
    assert len(months) == 36


def test_generated_values_respect_ceilings_and_c02():
    ceilings = {k: i.max_per_month for k, i in catalogue.indicators().items()}
    months = assumptions.report_months(12, TODAY)
    for v in villages.subset(villages.read_villages(REGISTRY), 15):
        p = villages.profile(v, months)
        s = villages.initial_stocks(v, p, months[0], len(months))
        for i, period in enumerate(months):
            rng = random.Random(f"test|{v.code}|{period}")
            values = workbooks.pillar_values(rng, v, p, s, i, 3)
            for code, value in values.items():
                assert value is None or 0 <= value <= ceilings[code], (code, value)
            if values["C02"] is not None:
                assert values["C01"] is not None and values["C02"] <= values["C01"]


def test_small_build_is_deterministic_and_all_accepted(tmp_path):
    calls = []
    first = demo.build(tmp_path / "a" / "w.duckdb", months=3, today=TODAY, villages=12, workers=0,
                       progress=lambda done, total, message: calls.append((done, total)))
    second = demo.build(tmp_path / "b" / "w.duckdb", months=3, today=TODAY, villages=12, workers=2)
    for summary in (first, second):
        assert summary["rejected"] == 0, summary["rejections"]
        assert summary["unchanged"] == 0
        assert summary["accepted"] == summary["workbooks"] > 0
        assert summary["villages"] == 12
    assert first["workbooks"] == second["workbooks"]
    assert calls[-1][0] == calls[-1][1] == first["workbooks"]

    query = "SELECT village_code, period, indicator_code, value FROM indicator_values ORDER BY ALL"
    tables = {}
    for name in ("a", "b"):
        con = duckdb.connect(str(tmp_path / name / "w.duckdb"), read_only=True)
        try:
            tables[name] = con.sql(query).fetchall()
            info = dict(con.sql("SELECT key, value FROM warehouse_info").fetchall())
            assert info["demo"] == "ya"
            assert "demo_built_at" in info
            assert con.sql("SELECT count(*) FROM current_submissions").fetchall()[0][0] == first["workbooks"]
            assert con.sql("SELECT count(*) FROM villages").fetchall()[0][0] == 453
            assert con.sql("SELECT count(*) FROM submissions WHERE status LIKE 'accepted%'"
                           ).fetchall()[0][0] == first["workbooks"]
        finally:
            con.close()
    assert tables["a"] == tables["b"]
    assert len(tables["a"]) == first["workbooks"] * len(catalogue.indicators())


def test_build_refuses_real_warehouse_and_replaces_demo_only_when_asked(tmp_path):
    from pipelines import migrations

    real = tmp_path / "real" / "w.duckdb"
    con = migrations.connect(real)
    con.execute("INSERT INTO warehouse_info VALUES ('data_version', '1')")
    con.execute("""INSERT INTO villages VALUES ('35.04.14.2011', 'Tunggangri', '35.04.14', 'Kalidawir',
                   '35.04', 'Kabupaten Tulungagung', '35', 'Jawa Timur', 2016, NULL, NULL, false)""")
    con.close()
    with pytest.raises(demo.NotADemoWarehouse):
        demo.build(real, months=1, today=TODAY, villages=2, workers=0, replace=True)

    target = tmp_path / "demo" / "w.duckdb"
    demo.build(target, months=1, today=TODAY, villages=2, workers=0)
    with pytest.raises(FileExistsError):
        demo.build(target, months=1, today=TODAY, villages=2, workers=0)
    demo.build(target, months=2, today=TODAY, villages=6, workers=0, replace=True)
    again = demo.build(target, months=2, today=TODAY, villages=6, workers=0, replace=True)
    assert again["rejected"] == 0
    # The replaced demo's kept originals are gone; only the new build's remain.
    con = duckdb.connect(str(target), read_only=True)
    try:
        kept = set(demo.kept_files(con))
    finally:
        con.close()
    files = target.parent / "files"
    assert kept
    assert {str(p.relative_to(files)) for p in files.rglob("*") if p.is_file()} == kept


def test_formatting_quirks_load_to_the_same_figures(tmp_path, monkeypatch):
    """Messy-but-valid files (text numbers, English countries, ...) give the same data as clean ones."""
    queries = [
        "SELECT village_code, period, indicator_code, value FROM indicator_values ORDER BY ALL",
        "SELECT village_code, period, country_iso2, sector, sex, count FROM placements ORDER BY ALL",
        "SELECT village_code, period, country_iso2, sex, count, with_problem FROM returns ORDER BY ALL",
        "SELECT village_code, period, country_iso2, channel, transactions, amount_idr FROM remittances "
        "ORDER BY ALL",
        "SELECT village_code, period, reported_on, uploaded_at, officer FROM submissions ORDER BY ALL",
    ]
    results = {}
    for share in (0.0, 1.0):
        monkeypatch.setattr(assumptions, "QUIRK_SHARE", share)
        db = tmp_path / str(share) / "w.duckdb"
        summary = demo.build(db, months=3, today=TODAY, villages=10, workers=0)
        assert summary["rejected"] == 0, summary["rejections"]
        con = duckdb.connect(str(db), read_only=True)
        try:
            results[share] = [con.sql(q).fetchall() for q in queries]
        finally:
            con.close()
    assert results[0.0] == results[1.0]
    assert all(results[0.0])


def test_generated_cells_are_what_the_reader_returns_from_the_written_file(monkeypatch):
    """The demo's text-cell reports equal the xlsx written and read back, quirks included."""

    from pipelines.ingest import template, workbook

    pairs = []
    write = template.write_workbook

    def both(target, *args, decorate=True):
        write(target, *args, decorate=decorate)
        pairs.append((workbook.read(target.getvalue()), template.sheet_rows(*args)))

    monkeypatch.setattr(template, "write_workbook", both)
    monkeypatch.setattr(assumptions, "FILE_SHARE", 1.0)
    months = assumptions.report_months(4, TODAY)
    for share in (0.0, 1.0):
        monkeypatch.setattr(assumptions, "QUIRK_SHARE", share)
        for v in villages.subset(villages.read_villages(REGISTRY), 8):
            workbooks.village_workbooks(v, months, TODAY)
    assert len(pairs) > 40
    for read_back, cells in pairs:
        assert read_back.errors == []
        assert read_back.sheets == cells


def test_build_keeps_a_sample_of_real_files(tmp_path):
    """Messy, Tulungagung and each village's newest reports are kept as original files; the rest are cells."""
    from pipelines.ingest import originals

    db = tmp_path / "w.duckdb"
    summary = demo.build(db, months=3, today=TODAY, villages=20, workers=0)
    con = duckdb.connect(str(db))
    try:
        rows = con.sql("""SELECT s.village_code, s.period, s.file_sha256, o.pack IS NOT NULL AS kept
                          FROM submissions s LEFT JOIN originals o USING (file_sha256)""").fetchall()
        newest = dict(con.sql("SELECT village_code, max(period) FROM submissions GROUP BY 1").fetchall())
        assert len(rows) == summary["workbooks"]
        for code, period, sha, kept in rows:
            if period == newest[code]:
                assert kept, (code, period)
            if kept:
                assert originals.read(con, sha)[:2] == b"PK"
        assert 0 < sum(kept for *_, kept in rows) < len(rows)
    finally:
        con.close()
