"""The two stores give the same answers; on PostgreSQL, concurrent uploads from several processes stay correct."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import polars as pl
import pytest

from pipelines import postgres, warehouse
from tests.conftest import ROOT, good_identity, good_values, make_workbook, scalar

VILLAGES = {"35.04.14.2011": "Tunggangri", "35.04.14.2016": "Betak", "35.02.20.2001": "Bringinan",
            "52.03.01.2001": "Desa Baru"}


@pytest.fixture
def pg_con(pg_server, registry_csv):
    """PostgreSQL only (what DuckDB does instead is tested elsewhere): a fresh schema with the small registry."""
    from pipelines import migrations
    from pipelines.ingest import registry
    connection = migrations.connect(pg_server.schema())
    registry.load_registry(connection, registry_csv)
    yield connection
    connection.close()


def test_frames_have_the_same_dtypes_and_values_on_both_stores(con, ingest):
    ingest({"a.xlsx": make_workbook()})
    history = warehouse.query(con, "history_submissions", all=True, districts=[], district="", village="",
                              period=None).drop("uploaded_at", "submission_id")
    assert history.schema == pl.Schema({
        "district_code": pl.String, "district": pl.String, "village_code": pl.String, "village_name": pl.String,
        "period": pl.Date, "version": pl.Int32, "versions": pl.Int32, "is_current": pl.Boolean,
        "status": pl.String, "file_name": pl.String, "file_sha256": pl.String, "uploaded_by": pl.String,
        "officer": pl.String, "warnings": pl.Int32})
    assert history.drop("file_sha256").row(0) == (
        "35.04", "Kabupaten Tulungagung", "35.04.14.2011", "Tunggangri", date(2024, 3, 1), 1, 1, True,
        "accepted", "a.xlsx", "penguji", "Siti Aminah", 0)
    places = warehouse.query(con, "placement_rows", area="35.04", start=date(2024, 1, 1), end=date(2024, 12, 1))
    assert places.sort("country_iso2").rows() == [
        ("35.04.14.2011", date(2024, 3, 1), "MY", "Perkebunan/Pertanian", "L", 2),
        ("35.04.14.2011", date(2024, 3, 1), "TW", "Domestik", "P", 4)]
    assert places.schema["count"] == pl.Int32


def test_one_sql_source_is_transpiled_once():
    text = warehouse.sql_text("bump_data_version")
    first = postgres.to_postgres(text)
    assert postgres.to_postgres(text) is first  # cached: every later run reuses the PostgreSQL text
    assert "ON CONFLICT (key) DO UPDATE" in first[0].replace("CONFLICT(", "CONFLICT (")


def _workbooks(changed: bool) -> dict[str, bytes]:
    """20 village-months (4 villages x 5 months); changed=True: five of them with other values."""
    out = {}
    for n, (code, name) in enumerate(VILLAGES.items()):
        for month in range(1, 6):
            values = good_values()
            if changed and n == 0:
                values = values | {"L01": 40 + month}
            identity = good_identity(kode_desa=code, nama_desa=name, periode=f"2024-{month:02d}",
                                     tanggal_lapor=f"2024-{month + 1:02d}-05")
            if changed and n != 0:
                continue
            out[f"{code}-{month}.xlsx"] = make_workbook(identity=identity, values=values)
    return out


UPLOADER = """
import json, sys
from pipelines.ingest import cli
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_five_processes_uploading_at_once(pg_con, tmp_path):
    # PostgreSQL only: DuckDB has one writer process by design, a second one gets the clear message (test_load)
    con = pg_con
    same, changed = _workbooks(False), _workbooks(True)
    assert (len(same), len(changed)) == (20, 5)
    folders = []
    for k, files in enumerate([same, same, same, changed, changed]):
        folder = tmp_path / f"p{k}"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        folders.append(folder)
    env = os.environ | {"PANTAU_READ_WORKERS": "1", "PANTAU_TODAY": "2024-12-01"}
    procs = [subprocess.Popen([sys.executable, "-c", UPLOADER, "--db", con.url, "--user", f"u{k}", "--json", str(f)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k, f in enumerate(folders)]
    answers = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        answers.append(json.loads(out))
    assert [(a["accepted"], a["rejected"], len(a["files"])) for a in answers] == [(20, 0, 20)] * 3 + [(5, 0, 5)] * 2
    assert not any("sibuk" in json.dumps(a) or "dipakai proses lain" in json.dumps(a) for a in answers)
    rows = con.sql("SELECT village_code, period, version, is_current, file_sha256 FROM submissions "
                   "ORDER BY village_code, period, version").fetchall()
    by_month: dict[tuple, list] = {}
    for code, period, version, current, sha in rows:
        by_month.setdefault((code, period), []).append((version, current, sha))
    assert len(by_month) == 20
    for key, versions in by_month.items():
        assert [v for v, _, _ in versions] == list(range(1, len(versions) + 1)), key  # no gap, no repeat
        assert [c for _, c, _ in versions] == [False] * (len(versions) - 1) + [True], key  # one current, the last
        shas = [s for _, _, s in versions]
        assert all(a != b for a, b in zip(shas, shas[1:])), key  # identical bytes re-sent made no version
    unchanged = [k for k in by_month if k[0] != "35.04.14.2011"]
    assert [len(by_month[k]) for k in unchanged] == [1] * 15
    # every version of the changed months is either the original or the changed bytes
    assert {len(set(s for _, _, s in by_month[k])) for k in by_month if k[0] == "35.04.14.2011"} == {2}
    new_versions = [f for a in answers for f in a["files"] if f["status"] == "accepted"]
    assert len(new_versions) == len(rows)  # every version a process reported is stored, and no other
    assert scalar(con, "SELECT count(*) FROM village_month_facts") == 20
    assert scalar(con, "SELECT count(*) FROM original_files") == 25


def test_copy_moves_a_duckdb_warehouse_into_postgresql(tmp_path, registry_csv, pg_server, capsys):
    from pipelines import migrations, store
    from pipelines.ingest import load, originals, registry
    db = tmp_path / "pantau.duckdb"
    duck = migrations.connect(db)
    registry.load_registry(duck, registry_csv)
    data = make_workbook()
    [first] = load.load_files(duck, [load.Source("a.xlsx", data)], "penguji")
    load.load_files(duck, [load.Source("b.xlsx", make_workbook(values=good_values() | {"L01": 7}))], "penguji")
    before = warehouse.query(duck, "history_submissions", all=True, districts=[], district="", village="", period=None)
    duck.close()
    url = pg_server.schema()
    assert store.main(["copy", "--to", url, "--from", str(db)]) == 0
    out = capsys.readouterr().out
    assert [line.split() for line in out.splitlines() if line.startswith(("submissions ", "villages ", "original_files "))] \
        == [["submissions", "2", "2", "ok"], ["villages", "4", "4", "ok"], ["original_files", "2", "2", "ok"]]
    pg = migrations.connect(url)
    after = warehouse.query(pg, "history_submissions", all=True, districts=[], district="", village="", period=None)
    assert after.equals(before)
    assert originals.read(pg, first.sha256) == data
    [third] = load.load_files(pg, [load.Source("c.xlsx", make_workbook(values=good_values() | {"L01": 8}))], "penguji")
    assert third.version == 3
    assert scalar(pg, "SELECT max(submission_id) FROM submissions") == 3  # the sequence moved along
    pg.close()


def test_copy_refuses_a_store_that_holds_data(tmp_path, registry_csv, pg_server):
    from pipelines import migrations, store
    from pipelines.ingest import registry
    db = tmp_path / "pantau.duckdb"
    migrations.connect(db).close()
    url = pg_server.schema()
    pg = migrations.connect(url)
    registry.load_registry(pg, registry_csv)
    pg.close()
    with pytest.raises(SystemExit, match="sudah berisi data \\(villages\\)"):
        store.main(["copy", "--to", url, "--from", str(db)])


@pytest.fixture(scope="module")
def pg_app_store(pg_server, tmp_path_factory) -> str:
    """A PostgreSQL store with the 4-village registry and three months of Tunggangri (like test_app's file)."""
    from pipelines import migrations
    from pipelines.accounts import users
    from pipelines.ingest import load, registry
    from tests.conftest import REGISTRY_CSV
    url = pg_server.schema()
    con = migrations.connect(url)
    csv = tmp_path_factory.mktemp("pg-app") / "desa.csv"
    csv.write_text(REGISTRY_CSV, encoding="utf-8")
    registry.load_registry(con, csv)
    files = [load.Source(f"t-{m}.xlsx", make_workbook(identity=good_identity(periode=m))) for m in
             ("2024-01", "2024-02", "2024-03")]
    assert [r.status for r in load.load_files(con, files, "penguji")] == ["accepted"] * 3
    users.add_user(con, "penguji", "Penguji", "admin", [], "kata-sandi-panjang-1")
    con.close()
    return url


@pytest.mark.parametrize("page", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*/*.py")
                                        if p.name != "masuk.py"))
def test_every_page_runs_on_postgresql(pg_app_store, page, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from ui.state import release
    monkeypatch.setenv("PANTAU_DATABASE_URL", pg_app_store)
    monkeypatch.setenv("PANTAU_DB", str(tmp_path / "tidak-dipakai.duckdb"))
    release()
    try:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        app.run()
        app.switch_page(page)
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        assert not (tmp_path / "tidak-dipakai.duckdb").exists()  # the DuckDB file was never opened
    finally:
        release()


def test_no_postgresql_is_a_failure_that_says_why(monkeypatch, tmp_path):
    from tests import pgserver
    monkeypatch.setattr(pgserver, "BIN", tmp_path / "tidak-ada")
    with pytest.raises(pgserver.CannotStart, match="PostgreSQL 15 is not installed .*tidak-ada/initdb missing"):
        pgserver.Server()


def _ingest_cli(target: str, registry_csv, folder) -> dict:
    done = subprocess.run([sys.executable, "-m", "pipelines.ingest", "--db", target, "--registry", str(registry_csv),
                           "--json", str(folder)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=os.environ | {"PANTAU_READ_WORKERS": "1"})
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _dump(con) -> dict[str, list]:
    """Every stored fact that does not depend on the clock or the id sequence, sorted."""
    out = {}
    for table, cols in {"submissions": "village_code, period, version, is_current, status, file_name, file_sha256, "
                                       "officer, warnings, reported_on",
                        "indicator_values": "*", "placements": "*", "returns": "*", "remittances": "*",
                        "village_month_facts": "*", "villages": "*"}.items():
        out[table] = sorted(con.sql(f"SELECT {cols} FROM {table}").fetchall(), key=repr)
    return out


def test_the_ingest_cli_gives_the_same_answers_on_both_stores(tmp_path, registry_csv, pg_server):
    from pipelines import migrations
    folder = tmp_path / "laporan"
    folder.mkdir()
    march = make_workbook()
    corpus = {
        "a-maret.xlsx": march,
        "b-maret-lagi.xlsx": march,  # the same bytes again: unchanged
        "c-maret-koreksi.xlsx": make_workbook(values=good_values() | {"L01": 9}, placements=[]),
        "d-negatif.xlsx": make_workbook(values=good_values() | {"L01": -1}),
        "e-desa-asing.xlsx": make_workbook(identity=good_identity(kode_desa="35.04.14.9999")),
        "f-bringinan.xlsx": make_workbook(identity=good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan",
                                                                 periode="2024-04", tanggal_lapor="2024-05-20")),
        "g-rusak.xlsx": b"bukan berkas excel",
    }
    for name, data in corpus.items():
        (folder / name).write_bytes(data)
    duck = str(tmp_path / "pantau.duckdb")
    url = pg_server.schema()
    on_duck, on_pg = _ingest_cli(duck, registry_csv, folder), _ingest_cli(url, registry_csv, folder)
    assert on_pg == on_duck
    assert [(f["status"], f["version"]) for f in on_duck["files"]] == [
        ("accepted", 1), ("unchanged", 1), ("accepted", 2), ("rejected", None), ("rejected", None),
        ("accepted", 1), ("rejected", None)]
    duck_con, pg_con = migrations.connect(duck), migrations.connect(url)
    try:
        assert _dump(pg_con) == _dump(duck_con)
    finally:
        duck_con.close()
        pg_con.close()


def test_the_demo_builds_into_postgresql(pg_server):
    from pipelines import migrations
    from pipelines.demo import build as demo
    url = pg_server.schema()
    summary = demo.build_postgres(url, months=2, today=date(2026, 11, 23), villages=4, workers=0)
    assert summary["rejected"] == 0 and summary["accepted"] == summary["workbooks"] > 0
    assert "search_path" not in summary["db"] and summary["db"].startswith("127.0.0.1:")
    con = migrations.connect(url)
    try:
        assert warehouse.is_demo(con)
        assert scalar(con, "SELECT count(*) FROM submissions") == summary["accepted"]
        assert scalar(con, "SELECT count(DISTINCT village_code) FROM submissions") == summary["villages"] == 4
    finally:
        con.close()


def test_the_template_cli_prefills_from_postgresql(pg_con):
    from pipelines.ingest import template
    target = pg_con.url  # the DuckDB file case is tests/test_template.py's
    assert template.lookup_village("3504142011", target) == {"village_code": "35.04.14.2011",
                                                              "village_name": "Tunggangri"}
    with pytest.raises(template.UsageError, match="35.04.14.9999 tidak ada"):
        template.lookup_village("35.04.14.9999", target)


def test_copy_says_so_when_an_original_is_missing_on_disk(tmp_path, registry_csv, pg_server, capsys):
    import shutil

    from pipelines import migrations, store
    from pipelines.ingest import load, registry
    db = tmp_path / "pantau.duckdb"
    duck = migrations.connect(db)
    registry.load_registry(duck, registry_csv)
    load.load_files(duck, [load.Source("a.xlsx", make_workbook())], "penguji")
    duck.close()
    shutil.rmtree(tmp_path / "files")
    assert store.main(["copy", "--to", pg_server.schema(), "--from", str(db)]) == 1
    assert [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("original_files")] \
        == [["original_files", "1", "0", "BEDA"]]
