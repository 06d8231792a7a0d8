"""Loading semantics: what lands in the tables, versions, duplicates, dry runs, district scope."""
from __future__ import annotations

import json
import zipfile
from datetime import date

from pipelines import migrations, warehouse
from pipelines.ingest import load, originals, registry
from tests.conftest import good_identity, good_values, make_workbook, scalar


def test_accepted_workbook_fills_every_table(ingest, con):
    [r] = ingest({"tunggangri-2024-03.xlsx": make_workbook()})
    assert (r.status, r.village_code, r.period, r.version) == ("accepted", "35.04.14.2011", date(2024, 3, 1), 1)
    assert scalar(con, "SELECT count(*) FROM indicator_values") == 25
    assert scalar(con, "SELECT value FROM indicator_values WHERE indicator_code = 'C01'") == 40.0
    assert scalar(con, "SELECT value FROM indicator_values WHERE indicator_code = 'K05'") == 1.0
    assert con.cursor().sql("SELECT country_iso2, sector, sex, count FROM placements ORDER BY count").fetchall() == [
        ("MY", "Perkebunan/Pertanian", "L", 2), ("TW", "Domestik", "P", 4)]
    assert con.cursor().sql("SELECT * FROM returns").fetchall() == [
        ("35.04.14.2011", date(2024, 3, 1), "HK", "P", 3, 1)]
    assert con.cursor().sql("SELECT country_iso2, channel, transactions, amount_idr FROM remittances").fetchall() == [
        ("TW", "Bank", 5, 12_500_000.0)]


def test_submission_row_records_who_when_and_what(ingest, con):
    ingest({"a.xlsx": make_workbook()})
    row = con.cursor().sql(
        "SELECT village_code, period, version, is_current, status, file_name, uploaded_by, reported_on, officer, "
        "warnings, length(file_sha256) FROM submissions").fetchall()
    assert row == [("35.04.14.2011", date(2024, 3, 1), 1, True, "accepted", "a.xlsx", "penguji",
                    date(2024, 4, 5), "Siti Aminah", "[]", 64)]


def test_blank_is_null_and_zero_is_zero(ingest, con):
    values = good_values() | {"L03": None, "L04": 0}
    ingest({"a.xlsx": make_workbook(values=values)})
    got = dict(con.cursor().sql(
        "SELECT indicator_code, value FROM indicator_values WHERE indicator_code IN ('L03', 'L04')").fetchall())
    assert got == {"L03": None, "L04": 0.0}


def test_warnings_are_kept_with_the_submission(ingest, con):
    [r] = ingest({"a.xlsx": make_workbook(values=good_values() | {"L08": 1, "L09": 3})})
    assert r.status == "accepted" and [w.column for w in r.warnings] == ["nilai"]
    status, warnings = con.cursor().sql("SELECT status, warnings FROM submissions").fetchall()[0]
    assert status == "accepted_with_warnings"
    assert json.loads(warnings)[0]["sheet"] == "Layanan"


def test_resubmission_becomes_new_current_version(ingest, con):
    ingest({"v1.xlsx": make_workbook()})
    [r] = ingest({"v2.xlsx": make_workbook(values=good_values() | {"L01": 9})})
    assert (r.status, r.version) == ("accepted", 2)
    assert con.cursor().sql("SELECT version, is_current, file_name FROM submissions ORDER BY version").fetchall() == [
        (1, False, "v1.xlsx"), (2, True, "v2.xlsx")]
    # The public views show only the current version; the old rows stay in the base tables.
    assert scalar(con, "SELECT value FROM indicator_values WHERE indicator_code = 'L01'") == 9.0
    assert scalar(con, "SELECT count(*) FROM indicator_values") == 25
    assert scalar(con, "SELECT count(*) FROM submission_values") == 50
    assert scalar(con, "SELECT count(*) FROM placements") == 2


def test_identical_file_changes_nothing(ingest, con):
    data = make_workbook()
    ingest({"a.xlsx": data})
    version_before = scalar(con, "SELECT value FROM warehouse_info WHERE key = 'data_version'")
    [r] = ingest({"a-copy.xlsx": data})
    assert (r.status, r.version) == ("unchanged", 1)
    assert scalar(con, "SELECT count(*) FROM submissions") == 1
    assert scalar(con, "SELECT value FROM warehouse_info WHERE key = 'data_version'") == version_before


def test_two_versions_in_one_batch_keep_only_the_last_current(ingest, con):
    results = ingest({"first.xlsx": make_workbook(), "second.xlsx": make_workbook(values=good_values() | {"L01": 7})})
    assert [(r.status, r.version) for r in results] == [("accepted", 1), ("accepted", 2)]
    assert con.cursor().sql("SELECT file_name FROM submissions WHERE is_current").fetchall() == [("second.xlsx",)]


def test_rejected_workbook_writes_nothing_and_others_still_load(ingest, con):
    bad = make_workbook(identity=good_identity(kode_desa="35.04.14.2016", nama_desa="Betak"),
                        values=good_values() | {"C02": 99})
    results = ingest({"good.xlsx": make_workbook(), "bad.xlsx": bad})
    assert [r.status for r in results] == ["accepted", "rejected"]
    assert con.cursor().sql("SELECT DISTINCT village_code FROM submissions").fetchall() == [("35.04.14.2011",)]
    assert scalar(con, "SELECT count(*) FROM submission_values") == 25


def test_dry_run_reports_but_writes_nothing(ingest, con):
    [r] = ingest({"a.xlsx": make_workbook()}, dry_run=True)
    assert (r.status, r.version) == ("accepted", 1)
    assert scalar(con, "SELECT count(*) FROM submissions") == 0


def test_original_file_is_kept_content_addressed(ingest, con, tmp_path, store):
    data = make_workbook()
    [r] = ingest({"a.xlsx": data})
    if store == "duckdb":
        [pack] = list((tmp_path / "files").glob("pack-*.zip"))
        with zipfile.ZipFile(pack) as zf:
            assert zf.namelist() == [f"{r.sha256}.xlsx"]
    else:  # PostgreSQL keeps the bytes themselves, once per checksum, and no file beside anything
        ingest({"again.xlsx": data})
        assert scalar(con, "SELECT count(*) FROM original_files") == 1
        assert not (tmp_path / "files").exists()
    assert originals.read(con, r.sha256) == data
    assert originals.read(con, "0" * 64) is None


def test_coordinator_cannot_load_another_districts_village(ingest, con):
    other = make_workbook(identity=good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan"))
    results = ingest({"own.xlsx": make_workbook(), "other.xlsx": other}, allowed_districts={"35.04"})
    assert [r.status for r in results] == ["accepted", "rejected"]
    assert "bukan wilayah" in results[1].errors[0].message
    assert scalar(con, "SELECT count(*) FROM submissions") == 1


def test_result_json_shape(ingest):
    [r] = ingest({"a.xlsx": make_workbook(values=good_values() | {"L01": -1})})
    assert r.as_json() == {
        "file": "a.xlsx", "status": "rejected", "village_code": "35.04.14.2011", "period": "2024-03",
        "version": None, "warnings": [],
        "errors": [{"sheet": "Layanan", "row": 2, "column": "nilai", "value": "-1",
                    "message": "Nilai tidak boleh negatif."}],
    }


def test_second_writer_process_gets_a_clear_message(con, tmp_path, store):
    import subprocess
    import sys
    target = str(tmp_path / 'pantau.duckdb') if store == "duckdb" else con.url
    code = ("from pipelines import migrations, warehouse\n"
            f"print(warehouse.info(migrations.connect({target!r})))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=warehouse.SQL_DIR.parent.parent, timeout=120)
    if store == "duckdb":
        assert proc.returncode != 0
        assert "sedang dipakai proses lain" in proc.stderr
    else:  # PostgreSQL is shared: a second process opens and migrates the same store
        assert (proc.returncode, proc.stdout) == (0, "{}\n")


def test_current_tables_match_a_rebuild_from_versions(ingest, con):
    ingest({"v1.xlsx": make_workbook(), "b.xlsx": make_workbook(identity=good_identity(
        kode_desa="35.04.14.2016", nama_desa="Betak"))})
    ingest({"v2.xlsx": make_workbook(values=good_values() | {"L01": 9}, placements=[])})
    tables = ("indicator_values", "placements", "returns", "remittances")
    before = {t: sorted(con.cursor().sql(f"SELECT * FROM {t}").fetchall(), key=str) for t in tables}
    migrations.rebuild_current(con)
    after = {t: sorted(con.cursor().sql(f"SELECT * FROM {t}").fetchall(), key=str) for t in tables}
    assert before == after
    assert scalar(con, "SELECT count(*) FROM placements") == 2  # Betak's two rows; v2 has none


def test_old_warehouse_with_views_is_migrated(tmp_path, registry_csv):
    db = tmp_path / "old.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, registry_csv)
    load.load_files(con, [load.Source("a.xlsx", make_workbook())], "penguji")
    con.execute("DROP TABLE placements")
    con.execute("CREATE VIEW placements AS SELECT s.village_code, s.period, p.country_iso2, p.sector, p.sex, "
                "p.count FROM submission_placements p JOIN submissions s USING (submission_id) WHERE s.is_current")
    con.close()
    con = migrations.connect(db)
    assert con.cursor().sql("SELECT table_type FROM information_schema.tables WHERE table_name = 'placements'"
                            ).fetchall() == [("BASE TABLE",)]
    assert scalar(con, "SELECT sum(count) FROM placements") == 6
    con.close()


def test_a_large_batch_is_read_by_the_pool_with_the_same_results(monkeypatch):
    """Reading on the process pool gives exactly what reading in this process gives."""
    from pipelines.ingest import readers

    datas = [make_workbook(identity=good_identity(periode=f"2024-{m:02d}")) for m in range(1, 7)]
    datas.append(b"not a workbook")
    monkeypatch.setenv("PANTAU_READ_WORKERS", "1")
    alone = readers.read_many(datas)
    monkeypatch.setenv("PANTAU_READ_WORKERS", "2")
    monkeypatch.setattr(readers, "POOL_MIN_FILES", 2)
    monkeypatch.setattr(readers, "CHUNK_FILES", 3)  # several tasks per worker
    pooled = readers.read_many(datas)
    assert pooled == alone
    assert readers._pool is not None
    assert [len(b.errors) for b in pooled] == [0] * 6 + [1]
    assert pooled[0].sheets["Identitas"][3] == ("periode", "2024-01")


def _mixed_sources() -> list[load.Source]:
    """Good and bad workbooks, a file name holding a NIK, bytes that are no xlsx, and a generated report."""
    from pipelines.ingest import template

    good = [load.Source(f"desa-2024-{m:02d}.xlsx", make_workbook(identity=good_identity(periode=f"2024-{m:02d}")))
            for m in range(1, 6)]
    bad = load.Source("salah.xlsx", make_workbook(identity=good_identity(periode="2023-01"),
                                                  values=good_values() | {"L02": "banyak"}))
    named = load.Source("3504141203870001.xlsx", make_workbook(identity=good_identity(periode="2023-02")))
    junk = load.Source("bukan.xlsx", b"not a workbook")
    identity = {k: v for k, v in good_identity(periode="2023-03").items()}
    sheets = template.sheet_rows(identity, good_values(), [], [], [])
    generated = load.Source("demo-2023-03.xlsx", b"", None, sheets)
    return [good[0], bad, good[1], named, junk, good[2], generated, good[3], good[4]]


def _outcome(results: list[load.Result]) -> list[tuple]:
    return [(r.file, r.status, r.sha256, r.village_code, r.period, r.version, r.reason,
             json.dumps(r.as_json(), sort_keys=True)) for r in results]


def test_a_pooled_load_judges_exactly_as_one_process(monkeypatch, tmp_path, registry_csv):
    """The reader processes gather, this one judges: the results (verdicts, findings, versions, reasons)
    and the stored rows are the same as when everything runs here, whatever the chunking."""
    from pipelines.ingest import readers

    sources = _mixed_sources()  # made once: a workbook's bytes carry the second it was written

    def run(workers: str, name: str):
        monkeypatch.setenv("PANTAU_READ_WORKERS", workers)
        con = migrations.connect(tmp_path / f"{name}.duckdb")
        registry.load_registry(con, registry_csv)
        results = load.load_files(con, sources, "penguji", batch_size=4)
        stored = con.cursor().sql("SELECT s.file_name, v.indicator_code, v.value FROM submission_values v "
                                  "JOIN submissions s USING (submission_id) ORDER BY ALL").fetchall()
        con.close()
        return _outcome(results), stored

    alone = run("1", "alone")
    monkeypatch.setattr(readers, "POOL_MIN_FILES", 2)
    monkeypatch.setattr(readers, "CHUNK_FILES", 1)  # one file per task: several tasks per batch and worker
    pooled = run("2", "pooled")
    assert readers._pool is not None
    assert pooled == alone
    statuses = [(file, status, reason) for file, status, _, _, _, _, reason, _ in alone[0]]
    assert statuses == [
        ("desa-2024-01.xlsx", "accepted", None), ("salah.xlsx", "rejected", "invalid"),
        ("desa-2024-02.xlsx", "accepted", None), ("(nama berkas disembunyikan)", "rejected", "nik_file_name"),
        ("bukan.xlsx", "rejected", "not_xlsx"), ("desa-2024-03.xlsx", "accepted", None),
        ("demo-2023-03.xlsx", "accepted", None), ("desa-2024-04.xlsx", "accepted", None),
        ("desa-2024-05.xlsx", "accepted", None)]
    assert len(alone[1]) == 6 * 25  # six accepted workbooks, a row for every catalogue indicator


def test_only_a_reader_process_skips_the_teardown(monkeypatch):
    """The fast exit (os._exit at the end) is registered in pool workers, never in a caller's process."""
    from pipelines.ingest import readers

    registered = []
    monkeypatch.setattr(readers.atexit, "register", registered.append)
    readers._import_reader()
    assert registered == []
