"""Upload checks: dry-run preview, district scope, diffs of re-submissions, the error workbook, confirm."""
from __future__ import annotations

import io

import fastexcel
import pytest

from pipelines.accounts import roles
from pipelines.views import upload
from tests.conftest import good_identity, good_values, make_workbook, scalar

ADMIN = roles.User("admin", "Admin", "admin")
MINISTRY = roles.User("kemnaker", "Staf Kemnaker", "kementerian")
TULUNGAGUNG = roles.User("koord.tulungagung", "Koordinator Tulungagung", "koordinator", ("35.04",))
PONOROGO_FILE = make_workbook(identity=good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan"))
OTHER_DISTRICT = "Desa ini bukan wilayah kabupaten/kota Anda; laporan desa lain tidak dapat diunggah."


def test_check_is_a_dry_run_with_one_outcome_per_file(con):
    files = [("baik.xlsx", make_workbook()),
             ("peringatan.xlsx", make_workbook(identity=good_identity(periode="2024-04"),
                                               values=good_values() | {"L08": 1, "L09": 3})),
             ("salah.xlsx", make_workbook(identity=good_identity(periode="2024-05"), values=good_values() | {"C02": 50}))]
    preview = upload.check(con, files, TULUNGAGUNG)
    assert [i.outcome for i in preview.items] == ["accepted", "accepted_with_warnings", "rejected"]
    assert preview.counts() == {"accepted": 1, "accepted_with_warnings": 1, "rejected": 1, "unchanged": 0}
    assert preview.loadable() == ["baik.xlsx", "peringatan.xlsx"]
    assert scalar(con, "SELECT count(*) FROM submissions") == 0


def test_ministry_and_anonymous_users_cannot_upload(con):
    for user in (MINISTRY, None):
        with pytest.raises(upload.NotAllowed):
            upload.check(con, [("a.xlsx", make_workbook())], user)
        with pytest.raises(upload.NotAllowed):
            upload.confirm(con, [("a.xlsx", make_workbook())], user)
    assert scalar(con, "SELECT count(*) FROM submissions") == 0


def test_another_districts_village_is_rejected_with_a_clear_message(con):
    [item] = upload.check(con, [("ponorogo.xlsx", PONOROGO_FILE)], TULUNGAGUNG).items
    assert item.outcome == "rejected"
    assert [(f.sheet, f.row, f.column, f.value, f.message) for f in item.result.errors] == [
        ("Identitas", 2, "nilai", "35.02.20.2001", OTHER_DISTRICT)]
    [r] = upload.confirm(con, [("ponorogo.xlsx", PONOROGO_FILE)], TULUNGAGUNG)
    assert r.status == "rejected"
    assert scalar(con, "SELECT count(*) FROM submissions") == 0
    # an admin may load any district
    assert [r.status for r in upload.confirm(con, [("ponorogo.xlsx", PONOROGO_FILE)], ADMIN)] == ["accepted"]


def test_resubmission_shows_what_changes(con):
    upload.confirm(con, [("v1.xlsx", make_workbook(values=good_values() | {"L01": 5}))], TULUNGAGUNG)
    [item] = upload.check(con, [("v2.xlsx", make_workbook(values=good_values() | {"L01": 9}, placements=[]))],
                          TULUNGAGUNG).items
    assert (item.outcome, item.result.version) == ("accepted", 2)
    assert item.diff.select("code", "a", "b").rows() == [("L01", 5.0, 9.0), ("placements", 6.0, 0.0)]


def test_new_village_month_has_no_diff_and_identical_file_is_unchanged(con):
    data = make_workbook()
    [first] = upload.check(con, [("a.xlsx", data)], TULUNGAGUNG).items
    assert first.diff is None
    upload.confirm(con, [("a.xlsx", data)], TULUNGAGUNG)
    version = scalar(con, "SELECT value FROM warehouse_info WHERE key = 'data_version'")
    [again] = upload.check(con, [("a-lagi.xlsx", data)], TULUNGAGUNG).items
    assert (again.outcome, again.diff) == ("unchanged", None)
    assert [(r.status, r.version) for r in upload.confirm(con, [("a-lagi.xlsx", data)], TULUNGAGUNG)] == [
        ("unchanged", 1)]
    assert scalar(con, "SELECT count(*) FROM submissions") == 1
    assert scalar(con, "SELECT value FROM warehouse_info WHERE key = 'data_version'") == version


def test_size_cap_and_content_not_extension(con, monkeypatch):
    monkeypatch.setenv("PANTAU_MAX_UPLOAD_MB", "1")
    files = [("besar.xlsx", b"PK" + b"\0" * (2 * 1024 * 1024)),
             ("tabel.xlsx", b"kode_desa,nilai\n35.04.14.2011,1\n"),
             ("laporan.dat", make_workbook())]
    items = upload.check(con, files, TULUNGAGUNG).items
    assert [i.outcome for i in items] == ["rejected", "rejected", "accepted"]
    assert items[0].result.errors[0].message == "Berkas terlalu besar (2.0 MB); batasnya 1 MB."
    assert items[1].result.errors[0].message == (
        "Berkas ini bukan workbook Excel (.xlsx); isinya tidak dikenali sebagai xlsx.")


def test_error_workbook_lists_every_finding_formula_safe(con):
    files = [("salah.xlsx", make_workbook(values=good_values() | {"L01": "=1+1", "L08": 1, "L09": 3})),
             ("ponorogo.xlsx", PONOROGO_FILE)]
    book = upload.error_workbook(upload.check(con, files, TULUNGAGUNG).results())
    reader = fastexcel.read_excel(book)
    assert reader.sheet_names == ["Kesalahan", "Ringkasan", "Catatan"]
    rows = reader.load_sheet("Kesalahan", dtypes="string").to_polars()
    assert rows.columns == ["berkas", "kode_desa", "periode", "jenis", "sheet", "baris", "kolom", "isi_ditemukan",
                            "keterangan_dan_yang_diharapkan"]
    assert rows.select("berkas", "jenis", "sheet", "baris", "kolom", "isi_ditemukan").rows() == [
        ("salah.xlsx", "galat", "Layanan", "2", "nilai", "'=1+1"),
        ("salah.xlsx", "peringatan", "Layanan", "10", "nilai", "3"),
        ("ponorogo.xlsx", "galat", "Identitas", "2", "nilai", "35.02.20.2001")]
    summary = reader.load_sheet("Ringkasan", dtypes="string").to_polars()
    assert summary.select("berkas", "hasil", "galat", "peringatan").rows() == [
        ("salah.xlsx", "ditolak", "1", "1"), ("ponorogo.xlsx", "ditolak", "1", "0")]


def test_confirm_loads_only_accepted_files_with_progress_and_audit(con, monkeypatch):
    logged, steps = [], []
    monkeypatch.setattr(upload.audit, "audit", lambda con, user, event, detail: logged.append((user, event, detail)))
    files = [("baik.xlsx", make_workbook()),
             ("salah.xlsx", make_workbook(identity=good_identity(periode="2024-05"), values=good_values() | {"C02": 50}))]
    results = upload.confirm(con, files, TULUNGAGUNG, progress=lambda done, total, name: steps.append((done, total)))
    assert [r.status for r in results] == ["accepted", "rejected"]
    assert upload.summary(results) == {"loaded": 1, "unchanged": 0, "rejected": 1}
    assert con.cursor().sql("SELECT file_name, uploaded_by FROM submissions").fetchall() == [
        ("baik.xlsx", "koord.tulungagung")]
    assert scalar(con, "SELECT count(*) FROM indicator_values") == 25
    assert steps == [(2, 2)]
    assert [(u, e) for u, e, _ in logged] == [("koord.tulungagung", "upload")]
    assert '"status": "accepted"' in logged[0][2]
    # The rejected one is audited by the write path itself, with its SHA-256 and reason.
    [(user, detail)] = con.cursor().sql(
        "SELECT username, detail FROM audit_log WHERE event = 'upload_rejected'").fetchall()
    assert user == "koord.tulungagung"
    assert '"file": "salah.xlsx"' in detail and '"reason": "invalid"' in detail and '"dry_run": false' in detail


def test_villages_and_template_follow_the_scope(con):
    assert upload.villages(con, TULUNGAGUNG)["village_code"].to_list() == ["35.04.14.2011", "35.04.14.2016"]
    assert upload.villages(con, ADMIN).height == 4
    assert upload.villages(con, MINISTRY).height == 0
    book = upload.template_bytes(con, TULUNGAGUNG, "35.04.14.2011", "2024-03")
    identity = fastexcel.read_excel(book).load_sheet("Identitas", header_row=None, dtypes="string").to_polars()
    cells = {v for row in identity.rows() for v in row if v}
    assert {"35.04.14.2011", "Tunggangri", "2024-03"} <= cells
    assert fastexcel.read_excel(io.BytesIO(upload.template_bytes(con, TULUNGAGUNG)).getvalue()).sheet_names[0] == "Petunjuk"
    with pytest.raises(upload.NotAllowed):
        upload.template_bytes(con, TULUNGAGUNG, "35.02.20.2001", "2024-03")


def test_each_confirmed_upload_is_in_the_audit_log(con):
    upload.confirm(con, [("a.xlsx", make_workbook()), ("b.xlsx", PONOROGO_FILE)], TULUNGAGUNG)
    rows = con.cursor().sql("SELECT username, event, detail FROM audit_log ORDER BY logged_at").fetchall()
    # The rejection is audited by the write path while loading, before the accepted upload's entry.
    assert [(u, e) for u, e, _ in rows] == [("koord.tulungagung", "upload_rejected"), ("koord.tulungagung", "upload")]
    assert '"reason": "out_of_scope"' in rows[0][2] and '"village_code": "35.04.14.2011"' in rows[1][2]
