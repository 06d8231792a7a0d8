"""A batch is read and validated as one: each workbook gets exactly the findings it gets alone."""
from __future__ import annotations

import pytest
from conftest import good_identity, make_workbook, scalar
from test_safety import ELSEWHERE, NIK, values

from pipelines.ingest import workbook
from pipelines.ingest.findings import HIDDEN

NOT_A_NUMBER = "Bukan angka yang dikenali. Contoh yang benar: 1234, 1.234.567, Rp 2.500.000 atau 2.500.000,50."


def month(m: int, **kw) -> bytes:
    return make_workbook(identity=good_identity(periode=f"2024-{m:02d}"), **kw)


def test_an_error_in_file_7_of_10_names_file_7s_sheet_row_and_column(ingest, con):
    files = {f"laporan-{m:02d}.xlsx": month(m) for m in range(1, 11)}
    files["laporan-07.xlsx"] = month(7, values=values(L01="dua belas"))
    results = ingest(files)
    assert [r.status for r in results] == ["accepted"] * 6 + ["rejected"] + ["accepted"] * 3
    assert [(f.sheet, f.row, f.column, f.value, f.message) for f in results[6].errors] == [
        ("Layanan", 2, "nilai", "dua belas", NOT_A_NUMBER)]
    assert (results[6].file, results[6].reason) == ("laporan-07.xlsx", "invalid")
    assert all(r.errors == [] for i, r in enumerate(results) if i != 6)
    assert scalar(con, "SELECT count(*) FROM submissions") == 9
    assert scalar(con, "SELECT count(*) FROM submissions WHERE period = DATE '2024-07-01'") == 0


def test_the_same_workbook_gets_the_same_findings_alone_and_in_a_batch(ingest):
    bad = month(3, values=values(L01="-4", L02="x"), placements=[
        {"negara_tujuan": "Atlantis", "sektor": "Domestik", "jenis_kelamin": "Q", "jumlah": 2}])
    [alone] = ingest({"x.xlsx": bad}, dry_run=True)
    batch = ingest({f"b{m}.xlsx": month(m) for m in (1, 2)} | {"x.xlsx": bad} | {"b4.xlsx": month(4)},
                   dry_run=True)
    assert [r.status for r in batch] == ["accepted", "accepted", "rejected", "accepted"]
    assert batch[2].errors == alone.errors and len(alone.errors) == 4
    assert [(f.sheet, f.row, f.column) for f in alone.errors] == [
        ("Layanan", 2, "nilai"), ("Layanan", 3, "nilai"), ("Penempatan", 2, "jenis_kelamin"),
        ("Penempatan", 2, "negara_tujuan")]


def test_a_nik_in_one_file_of_a_batch_rejects_only_that_file(ingest, con):
    files = {f"laporan-{m:02d}.xlsx": month(m) for m in range(1, 11)}
    files["laporan-04.xlsx"] = month(4, values=values(L01=NIK))
    files["laporan-09.xlsx"] = ELSEWHERE["header_footer"][0]()  # March; every other part as in the others
    results = ingest(files)
    assert [(r.status, r.reason) for r in results] == (
        [("accepted", None)] * 3 + [("rejected", "nik")] + [("accepted", None)] * 4 + [("rejected", "nik")]
        + [("accepted", None)])
    assert [(f.sheet, f.row, f.value) for f in results[3].errors if "NIK" in f.message] == [("Layanan", 2, HIDDEN)]
    assert [(f.sheet, f.row, f.value) for f in results[8].errors] == [("Layanan", None, HIDDEN)]
    assert scalar(con, "SELECT count(*) FROM submissions") == 8
    assert scalar(con, "SELECT count(*) FROM audit_log WHERE event = 'upload_rejected'") == 2


@pytest.mark.parametrize("order, group_bytes", [(1, workbook.GROUP_BYTES), (-1, workbook.GROUP_BYTES), (1, 1)])
def test_read_batch_is_read_of_every_file(order, group_bytes, monkeypatch):
    """Hostile, broken and good files together: the batch gives what each file gives alone, in order,
    also when the inflated parts are held for one file at a time (group_bytes 1)."""
    datas = [month(1), b"bukan excel", month(2)[:500], month(3, values=values(L01=NIK))]
    datas += [build() for build, _, _ in ELSEWHERE.values()] + [month(4)]
    datas = datas[::order]
    alone = [workbook.read(d) for d in datas]
    monkeypatch.setattr(workbook, "GROUP_BYTES", group_bytes)
    assert workbook.read_batch(datas) == alone
    assert [b.reason for b in workbook.read_batch(datas)][::order] == (
        [None, "not_xlsx", "corrupt", "nik"] + ["nik"] * len(ELSEWHERE) + [None])


def test_a_comment_part_is_scanned_even_when_its_bytes_equal_a_cleared_part():
    """A NIK that only appears once comments are cut out (digits on both sides) is still found in a
    comment part, though a non-comment part with the same bytes passes the quick pass."""
    import io
    import zipfile

    xml = (b'<comments><x>35041456<comment ref="B2"><t>catatan</t></comment>07890001</x></comments>')
    src = zipfile.ZipFile(io.BytesIO(month(1)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for name in src.namelist():
            out.writestr(name, src.read(name))
        out.writestr("xl/other.xml", xml)
        out.writestr("xl/comments9.xml", xml)
    [book] = workbook.read_batch([buf.getvalue()])
    assert book.reason == "nik"
    assert [(f.sheet, f.row, f.column, f.value) for f in book.errors] == [(None, None, None, HIDDEN)]


def test_a_cli_run_imports_no_pyarrow_or_numpy(tmp_path, registry_csv):
    """What a run does not need it does not import: the write path hands DuckDB Arrow streams, not
    pyarrow, and a batch too small for the reading pool leaves multiprocessing alone."""
    import json
    import subprocess
    import sys

    from conftest import ROOT

    for m in (1, 2):
        (tmp_path / f"laporan-{m}.xlsx").write_bytes(month(m))
    code = ("import sys, json; from pipelines.ingest import cli; rc = cli.main(sys.argv[1:]); "
            "print(json.dumps([rc, sorted(m for m in ('pyarrow', 'numpy', 'pandas', 'multiprocessing') if m in sys.modules)]))")
    done = subprocess.run([sys.executable, "-c", code, "--db", str(tmp_path / "w.duckdb"), "--registry",
                           str(registry_csv), str(tmp_path / "laporan-1.xlsx"), str(tmp_path / "laporan-2.xlsx")],
                          capture_output=True, text=True, cwd=ROOT)
    assert json.loads(done.stdout.splitlines()[-1]) == [0, []], done.stderr[-2000:]
