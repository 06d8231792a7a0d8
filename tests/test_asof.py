"""Packs reproducible "as of" a data version (issue 22, point 4), on both stores: build, change data, rebuild."""
from __future__ import annotations

import io
import threading
import time
from datetime import date

import openpyxl
import pytest
from pptx import Presentation

from pipelines import formatting, migrations, snapshot, versions, warehouse
from pipelines.accounts.roles import User
from pipelines.briefing import cli, pack
from pipelines.review import transitions
from tests.conftest import good_identity, make_workbook

ADMIN = User("adm", "Admin", "admin")
NAMES = {"35.04.14.2011": "Tunggangri", "35.04.14.2016": "Betak"}
RANGE = ("35.04", "2024-01", "2024-03")
QUICK = {1, 2}  # the title and key-figures slides
SKIP = "3,4,5,6,7,8,9,10,11,12,13,14,15"  # the same on the command line


@pytest.fixture(params=["duckdb", "postgres"])
def store(request) -> str:
    """This module runs on both stores (a local override of conftest's BOTH_STORES switch)."""
    return request.param


@pytest.fixture(autouse=True)
def _calendar(monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2024-05-01")
    monkeypatch.setenv("PANTAU_LOCK_DAYS", "0")


def report(village: str, month: int, placed: int = 4) -> bytes:
    """One village-month's workbook: `placed` women to Taiwan plus 2 men to Malaysia."""
    identity = good_identity(kode_desa=village, nama_desa=NAMES[village], periode=f"2024-{month:02d}",
                             tanggal_lapor=f"2024-{month + 1:02d}-05")
    return make_workbook(identity, placements=[
        {"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": placed},
        {"negara_tujuan": "Malaysia", "sektor": "Perkebunan/Pertanian", "jenis_kelamin": "L", "jumlah": 2}])


def act(con, action: str, month: int, reason: str = "") -> None:
    transitions.act(con, ADMIN, action, "35.04", date(2024, month, 1), reason, {}, today=date(2024, 5, 1))


def xlsx_tables(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def pptx_content(data: bytes) -> list[list]:
    """Per slide: every text (shapes, table cells, notes) and every chart's categories and series values."""
    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        items: list = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                items.append(shape.text_frame.text)
            if shape.has_table:
                items.append([cell.text for row in shape.table.rows for cell in row.cells])
            if shape.has_chart:
                for plot in shape.chart.plots:
                    items.append(list(plot.categories))
                    items.extend((s.name, list(s.values)) for s in plot.series)
        items.append(slide.notes_slide.notes_text_frame.text)
        out.append(items)
    return out


def paragraphs(items: list) -> list[str]:
    return [line for item in items if isinstance(item, str) for line in item.split("\n")]


def kpi(tables: dict, name: str):
    """A key figure's value in the XLSX key-figures sheet."""
    [value] = [row[1] for row in tables["Angka utama"] if row[0] == name]
    return value


def test_a_pack_rebuilt_as_of_its_version_is_the_same_after_uploads_approvals_and_unlocks(con, ingest, tmp_path,
                                                                                             store_url):
    ingest({f"{v}-{m}.xlsx": report(v, m) for v in NAMES for m in (1, 2, 3)
            if (v, m) != ("35.04.14.2016", 2)})
    act(con, "submit", 1)
    act(con, "approve", 1)
    first = pack.build_as_of(con, *RANGE)
    # the other packs skip the map and charts (slow to draw); their XLSX holds every table all the same
    approved = pack.build_as_of(con, *RANGE, approved_only=True, include=QUICK)
    v1 = first.version
    assert (v1, approved.version) == (versions.current(con), v1) == (3, 3)

    ingest({"ganti.xlsx": report("35.04.14.2011", 2, placed=8)})   # a new version of a village-month
    ingest({"baru.xlsx": report("35.04.14.2016", 2)})              # a new village-month
    act(con, "unlock", 1, "salah ketik")                              # an unlock, then a re-upload
    assert [r.status for r in ingest({"ulang.xlsx": report("35.04.14.2016", 1, placed=1)})] == ["accepted"]
    act(con, "submit", 2)
    act(con, "approve", 2)                                            # an approval
    assert versions.current(con) == 9

    again = pack.build_as_of(con, *RANGE, version=v1)  # (the approved-only pack: by the command line below)
    assert xlsx_tables(again.xlsx) == xlsx_tables(first.xlsx)
    assert pptx_content(again.pptx) == pptx_content(first.pptx)
    assert (again.version, again.today, again.file_stem) == (v1, date(2024, 5, 1),
                                                             "paparan-kabupaten-tulungagung-2024-01-2024-03-v3")
    # the rebuild at the current version counts what changed: 30 placements became 30 + 4 + 6 - 3
    now, now_approved = (pack.build_as_of(con, *RANGE, approved_only=only, include=QUICK) for only in (False, True))
    assert (kpi(xlsx_tables(first.xlsx), "Penempatan PMI"), kpi(xlsx_tables(now.xlsx), "Penempatan PMI")) == (30, 37)
    # approved only: January (2 x 6) then, February (10 + 6) now
    assert (kpi(xlsx_tables(approved.xlsx), "Penempatan PMI"),
            kpi(xlsx_tables(now_approved.xlsx), "Penempatan PMI")) == (12, 16)

    # the command line rebuilds the same files from the store, whichever engine
    con.close()
    out = tmp_path / "lagi.pptx"
    assert cli.main(["--area", "35.04", "--from", "2024-01", "--to", "2024-03", "--as-of", str(v1), "--today",
                     "2024-05-01", "--db", str(store_url), "--out", str(out), "--approved-only",
                     "--skip", SKIP]) == 0
    assert xlsx_tables(out.with_suffix(".xlsx").read_bytes()) == xlsx_tables(approved.xlsx)
    assert pptx_content(out.read_bytes()) == pptx_content(approved.pptx)


def test_title_slide_and_xlsx_name_the_version(con, ingest):
    ingest({"a.xlsx": report("35.04.14.2011", 1)})
    made = versions.made_at(con, 1)
    built = pack.build_as_of(con, *RANGE, include=QUICK)
    line = f"Data versi 1 · per {formatting.moment(made, 'id')}"
    assert line in paragraphs(pptx_content(built.pptx)[0])
    notes = [row[0] for row in xlsx_tables(built.xlsx)["Catatan"]]
    assert notes[1:3] == [line, "Angka yang sama dapat disusun ulang kapan saja: python -m pipelines.briefing "
                                "--area 35.04 --from 2024-01 --to 2024-03 --as-of 1 --today 2024-05-01 "
                                f"--skip {SKIP} --out paket.pptx"]
    english = pack.build_as_of(con, *RANGE, lang="en", include=QUICK)
    assert f"Data version 1 · as of {formatting.moment(made, 'en')}" in paragraphs(pptx_content(english.pptx)[0])


def test_an_old_warehouse_is_migrated_and_unknown_or_future_versions_are_refused(con, ingest, store_url, tmp_path,
                                                                                  capsys):
    ingest({"a.xlsx": report("35.04.14.2011", 1)})
    with warehouse.transaction(con) as cur:  # the warehouse as made before data versions were stamped
        warehouse.execute_sql(cur, "DROP VIEW current_submissions")  # PostgreSQL's view holds the column
        for table in migrations.STAMPED:
            warehouse.execute_sql(cur, f"ALTER TABLE {table} DROP COLUMN data_version")
        warehouse.execute_sql(cur, "DROP TABLE data_versions")
        warehouse.execute_sql(cur, "UPDATE warehouse_info SET value = '5' WHERE key = 'data_version'")
    with pytest.raises(snapshot.VersionError, match="^Gudang ini belum mencatat riwayat versi data. Tidak ada paket"):
        snapshot.check(con, 5)
    migrations.migrate(con)
    assert warehouse.execute_sql(con, "SELECT count(*), max(data_version) FROM submissions") == [(1, 0)]
    assert versions.listed(con).select("version", "what").rows() == [(5, "awal")]
    with pytest.raises(snapshot.VersionError, match="Versi data 4 tidak tercatat"):
        snapshot.check(con, 4)
    con.close()
    base = ["--area", "35.04", "--from", "2024-01", "--to", "2024-03", "--db", str(store_url),
            "--out", str(tmp_path / "p.pptx"), "--skip", SKIP]
    capsys.readouterr()
    assert cli.main([*base, "--as-of", "4"]) == 2
    assert capsys.readouterr().err.strip() == ("Versi data 4 tidak tercatat: riwayat versi gudang ini dimulai pada "
                                               "versi 5. Tidak ada paket yang dibuat.")
    assert cli.main([*base, "--as-of", "6"]) == 2
    assert capsys.readouterr().err.strip() == ("Versi data 6 belum ada: versi data gudang ini sekarang 5. "
                                               "Tidak ada paket yang dibuat.")
    assert cli.main([*base, "--as-of", "lima"]) == 2
    assert capsys.readouterr().err.strip() == "Versi data tidak sah: lima. Tulis nomor versi seperti 57."
    assert cli.main([*base, "--as-of", "5"]) == 0
    assert (tmp_path / "p.pptx").stat().st_size > 0 and (tmp_path / "p.xlsx").stat().st_size > 0


def test_two_postgresql_writers_at_once_take_distinct_versions_in_commit_order(pg_server):
    """The second writer's bump waits for the first's commit and takes the next number (never the same one)."""
    con = migrations.connect(pg_server.schema())
    try:
        bumped, taken = threading.Event(), {}

        def first() -> None:
            with warehouse.transaction(con) as cur:
                taken["first"] = versions.bump(cur, "unggah", "a")
                bumped.set()
                time.sleep(0.5)  # the second writer is waiting on the row lock meanwhile

        thread = threading.Thread(target=first)
        thread.start()
        assert bumped.wait(timeout=30)
        with warehouse.transaction(con) as cur:
            taken["second"] = versions.bump(cur, "tinjauan", "b")
        thread.join(timeout=30)
        assert taken == {"first": 1, "second": 2}
        assert versions.listed(con).select("version", "made_by", "what").rows() == [
            (2, "b", "tinjauan"), (1, "a", "unggah"), (0, "sistem", "awal")]
    finally:
        con.close()


def test_a_write_landing_during_a_build_gives_the_pack_of_the_version_it_started_on(con, ingest):
    ingest({"a.xlsx": report("35.04.14.2011", 1)})
    quiet = pack.build_as_of(con, *RANGE, include=QUICK)
    landed = []

    def write_once(done: int, total: int, message: str) -> None:
        if not landed:  # after the build's first step: a new village-month arrives
            landed.append(ingest({"b.xlsx": report("35.04.14.2016", 1)})[0].status)

    raced = pack.build_as_of(con, *RANGE, include=QUICK, progress=write_once)
    assert (landed, versions.current(con), raced.version) == (["accepted"], 2, 1)
    assert xlsx_tables(raced.xlsx) == xlsx_tables(quiet.xlsx)
    assert kpi(xlsx_tables(pack.build_as_of(con, *RANGE, include=QUICK).xlsx), "Penempatan PMI") == 12
