"""Review of a district's month: every transition by role and district, the month lock, the CLI."""
from __future__ import annotations

import json
from datetime import date

import pytest

from pipelines import formatting
from pipelines.accounts.roles import User
from pipelines.ingest import cli as ingest_cli
from pipelines.review import cli, lock, states, transitions
from tests.conftest import good_identity, good_values, make_workbook, scalar

MARCH = date(2024, 3, 1)
TODAY = date(2024, 5, 1)
ADMIN = User("adm", "Admin", "admin")
KOORD = User("koord.ta", "Koordinator Tulungagung", "koordinator", ("35.04",))
OTHER = User("koord.po", "Koordinator Ponorogo", "koordinator", ("35.02",))
PENINJAU = User("pen", "Peninjau", "peninjau")
PENINJAU_NTB = User("pen.ntb", "Peninjau NTB", "peninjau", ("52",))
KEMNAKER = User("kem", "Staf", "kementerian")
MISSING = {"35.04.14.2016": "kantor desa tutup"}
# How to bring the 35.04 March month to each state, as admin.
PATHS = {"diterima": [], "diajukan": ["submit"], "dikembalikan": ["submit", "return"],
         "disetujui": ["submit", "approve"]}


def act(con, user, action, reason=None, missing=None, today=TODAY, district="35.04", period=MARCH):
    if reason is None:
        reason = "alasan" if action in ("return", "unlock") else ""
    return transitions.act(con, user, action, district, period, reason,
                           MISSING if missing is None else missing, today=today)


def bring(con, state):
    for action in PATHS[state]:
        act(con, ADMIN, action)


@pytest.fixture
def loaded(con, ingest):
    ingest({"a.xlsx": make_workbook()})
    return con


ALLOWED = {  # (action, state before) -> users allowed; everyone else is refused
    ("submit", "diterima"): {"adm", "koord.ta"},
    ("submit", "dikembalikan"): {"adm", "koord.ta"},
    ("approve", "diajukan"): {"adm", "pen"},
    ("return", "diajukan"): {"adm", "pen"},
    ("unlock", "disetujui"): {"adm", "pen"},
}
AFTER = {"submit": "diajukan", "approve": "disetujui", "return": "dikembalikan", "unlock": "diterima"}


@pytest.mark.parametrize("user", [ADMIN, KOORD, OTHER, PENINJAU, PENINJAU_NTB, KEMNAKER], ids=lambda u: u.username)
@pytest.mark.parametrize("action", transitions.ACTIONS)
@pytest.mark.parametrize("before", list(PATHS))
def test_every_transition_by_role_district_and_state(loaded, user, action, before):
    bring(loaded, before)
    if user.username in ALLOWED.get((action, before), set()):
        done = act(loaded, user, action)
        assert done.state == AFTER[action]
        assert states.state_of(loaded, "35.04", MARCH).state == AFTER[action]
    else:
        with pytest.raises(transitions.Refused):
            act(loaded, user, action)
        assert states.state_of(loaded, "35.04", MARCH).state == before
        assert scalar(loaded, "SELECT count(*) FROM audit_log WHERE event = 'review_refused' AND username = ?",
                      user.username) == 1


def test_refusal_messages_name_the_reason(loaded):
    with pytest.raises(transitions.Refused, match="koord.po \\(koordinator\\) tidak boleh mengajukan bulan Maret 2024 "
                                                   "Kabupaten Tulungagung"):
        act(loaded, OTHER, "submit")
    with pytest.raises(transitions.Refused, match="berstatus diterima \\(belum diajukan\\); menyetujui hanya bisa "
                                                   "dari status diajukan"):
        act(loaded, PENINJAU, "approve")
    act(loaded, KOORD, "submit")
    with pytest.raises(transitions.Refused, match="Tuliskan alasan untuk mengembalikan"):
        act(loaded, PENINJAU, "return", reason="  ")
    with pytest.raises(transitions.Refused, match="Kabupaten/kota 99.99 tidak ada"):
        act(loaded, ADMIN, "approve", district="99.99")


def test_submit_needs_a_reason_for_every_missing_village_and_stores_them(loaded):
    with pytest.raises(transitions.Refused, match="1 desa belum melapor bulan Maret 2024 dan belum diberi alasan: "
                                                   "Betak \\(35.04.14.2016\\)."):
        act(loaded, KOORD, "submit", missing={})
    act(loaded, KOORD, "submit")
    assert loaded.sql("SELECT village_code, reason FROM review_missing").fetchall() == [
        ("35.04.14.2016", "kantor desa tutup")]
    [(action, state, user, reason, detail)] = loaded.sql(
        "SELECT action, state, username, reason, detail FROM review_events").fetchall()
    assert (action, state, user, reason) == ("submit", "diajukan", "koord.ta", "")
    assert json.loads(detail) == {"missing": MISSING, "open_findings": []}


def test_a_month_not_yet_over_cannot_be_submitted(loaded):
    with pytest.raises(transitions.Refused, match="Bulan Maret 2024 belum selesai"):
        act(loaded, KOORD, "submit", today=date(2024, 3, 20))


def test_every_action_is_audited_and_keeps_its_history(loaded):
    act(loaded, KOORD, "submit")
    act(loaded, PENINJAU, "return", reason="angka L05 janggal")
    act(loaded, KOORD, "submit")
    act(loaded, PENINJAU, "approve")
    act(loaded, ADMIN, "unlock", reason="koreksi data Betak")
    assert loaded.sql("SELECT action, state, username, reason FROM review_events ORDER BY acted_at").fetchall() == [
        ("submit", "diajukan", "koord.ta", ""), ("return", "dikembalikan", "pen", "angka L05 janggal"),
        ("submit", "diajukan", "koord.ta", ""), ("approve", "disetujui", "pen", ""),
        ("unlock", "diterima", "adm", "koreksi data Betak")]
    assert loaded.sql("SELECT event, detail FROM audit_log WHERE event LIKE 'review_%' ORDER BY logged_at").fetchall()[1] \
        == ("review_return", "35.04 2024-03 -> dikembalikan; alasan: angka L05 janggal")
    assert scalar(loaded, "SELECT count(*) FROM review_states") == 0


def test_returned_and_waiting_lists(loaded):
    act(loaded, KOORD, "submit")
    assert transitions.waiting(loaded, PENINJAU) == [("35.04", "Kabupaten Tulungagung", MARCH)]
    assert transitions.waiting(loaded, PENINJAU_NTB) == []
    assert transitions.waiting(loaded, KOORD) == []
    act(loaded, PENINJAU, "return", reason="lengkapi Betak")
    [row] = transitions.returned(loaded, KOORD)
    assert (row["district_code"], row["period"], row["changed_by"], row["reason"]) == (
        "35.04", MARCH, "pen", "lengkapi Betak")
    assert transitions.returned(loaded, OTHER) == []


# ---------------------------------------------------------------- the lock in the one write path

def fixed(**values) -> bytes:
    return make_workbook(values=good_values() | values)


def test_an_approved_month_refuses_a_new_version_until_unlocked(loaded, ingest):
    act(loaded, KOORD, "submit")
    act(loaded, PENINJAU, "approve")
    at = states.state_of(loaded, "35.04", MARCH).changed_at
    [r] = ingest({"b.xlsx": fixed(L01=7)})
    assert r.status == "rejected"
    [e] = r.errors
    assert (e.sheet, e.column, e.value) == ("Identitas", "periode", "2024-03")
    assert e.message == (f"Bulan Maret 2024 Kabupaten Tulungagung sudah disetujui oleh pen pada "
                         f"{formatting.moment(at)} dan dikunci: versi baru ditolak. Minta peninjau atau admin "
                         "membuka kuncinya (dengan alasan) bila laporan perlu diperbaiki.")
    assert scalar(loaded, "SELECT count(*) FROM submissions") == 1
    # another district's month is not locked
    [other] = ingest({"c.xlsx": make_workbook(identity=good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan"))})
    assert other.status == "accepted"
    act(loaded, PENINJAU, "unlock", reason="koreksi L01")
    [again] = ingest({"b.xlsx": fixed(L01=7)})
    assert (again.status, again.version) == ("accepted", 2)
    assert states.state_of(loaded, "35.04", MARCH).state == "diterima"


def test_the_ingest_cli_exits_1_with_the_lock_in_its_json(loaded, tmp_path, capsys, store_url):
    act(loaded, ADMIN, "submit")
    act(loaded, ADMIN, "approve")
    path = tmp_path / "koreksi.xlsx"
    path.write_bytes(fixed(L01=9))
    db = str(store_url)
    loaded.close()
    assert ingest_cli.main(["--db", db, "--json", str(path)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert (doc["accepted"], doc["rejected"], doc["files"][0]["status"]) == (0, 1, "rejected")
    assert doc["files"][0]["errors"][0]["message"].startswith(
        "Bulan Maret 2024 Kabupaten Tulungagung sudah disetujui oleh adm pada ")


def test_the_automatic_lock_day(loaded, ingest, monkeypatch):
    monkeypatch.setenv("PANTAU_LOCK_DAYS", "30")
    # March 2024: deadline 10 April, locked from 10 May (30 days later)
    assert lock.deadline(MARCH) == date(2024, 4, 10)
    assert lock.auto_lock_day(MARCH) == date(2024, 5, 10)
    [r] = ingest({"b.xlsx": fixed(L01=5)}, today=date(2024, 5, 9))
    assert (r.status, r.version) == ("accepted", 2)
    [r] = ingest({"c.xlsx": fixed(L01=6)}, today=date(2024, 5, 10))
    assert r.status == "rejected"
    assert r.errors[0].message == (
        "Bulan Maret 2024 Kabupaten Tulungagung terkunci otomatis sejak 10 Mei 2024 (30 hari setelah batas lapor "
        "10 April 2024): versi baru ditolak. Minta peninjau atau admin membuka kuncinya (dengan alasan) bila "
        "laporan perlu diperbaiki.")
    # under review it does not lock itself
    act(loaded, KOORD, "submit", today=date(2024, 5, 10))
    [r] = ingest({"c.xlsx": fixed(L01=6)}, today=date(2024, 5, 10))
    assert (r.status, r.version) == ("accepted", 3)


def test_an_automatically_locked_month_can_be_unlocked(loaded, ingest, monkeypatch):
    monkeypatch.setenv("PANTAU_LOCK_DAYS", "30")
    later = date(2024, 6, 1)
    with pytest.raises(transitions.Refused):
        act(loaded, KOORD, "unlock", today=later)
    act(loaded, PENINJAU, "unlock", reason="koreksi terlambat", today=later)
    [r] = ingest({"b.xlsx": fixed(L01=5)}, today=later)
    assert (r.status, r.version) == ("accepted", 2)


def test_lock_days_zero_never_locks(loaded, ingest, monkeypatch):
    monkeypatch.setenv("PANTAU_LOCK_DAYS", "0")
    assert lock.auto_lock_day(MARCH) is None
    [r] = ingest({"b.xlsx": fixed(L01=5)}, today=date(2030, 1, 1))
    assert r.status == "accepted"


def test_approved_only_figures_with_the_contract_filter(loaded, ingest):
    ingest({"p.xlsx": make_workbook(identity=good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan"),
                                    values=good_values() | {"L01": 30})})
    act(loaded, KOORD, "submit")
    act(loaded, PENINJAU, "approve")
    approved = """SELECT sum(i.value) FROM indicator_values i JOIN villages v USING (village_code)
        WHERE i.indicator_code = 'L01' AND EXISTS (SELECT 1 FROM review_states r
        WHERE r.district_code = v.district_code AND r.period = i.period AND r.state = 'disetujui')"""
    assert scalar(loaded, "SELECT sum(value) FROM indicator_values WHERE indicator_code = 'L01'") == 32
    assert scalar(loaded, approved) == 2


# ---------------------------------------------------------------- the command line

def run(capsys, db, *args):
    code = cli.main([*args, "--db", db, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def cli_db(loaded, monkeypatch, tmp_path, store_url):
    from pipelines.accounts import users
    users.add_user(loaded, "koord.ta", "Koordinator", "koordinator", ["35.04"], "kata-sandi-panjang-1")
    users.add_user(loaded, "pen", "Peninjau", "peninjau", [], "kata-sandi-panjang-2")
    db = str(store_url)
    loaded.close()
    monkeypatch.setenv("PANTAU_TODAY", "2024-05-01")
    return db


def test_cli_exit_codes(cli_db, capsys):
    base = ["--district", "35.04", "--period", "2024-03"]
    assert run(capsys, cli_db, "approve", *base, "--user", "pen") == (1, {
        "action": "approve", "district": "35.04", "period": "2024-03", "ok": False, "state": "diterima",
        "message": "Bulan Maret 2024 Kabupaten Tulungagung berstatus diterima (belum diajukan); menyetujui hanya "
                   "bisa dari status diajukan."})
    code, doc = run(capsys, cli_db, "submit", *base, "--user", "koord.ta", "--missing", "35.04.14.2016=tutup")
    assert (code, doc["ok"], doc["state"]) == (0, True, "diajukan")
    code, doc = run(capsys, cli_db, "approve", *base, "--user", "koord.ta")
    assert (code, doc["state"]) == (1, "diajukan")
    code, doc = run(capsys, cli_db, "approve", *base, "--user", "pen")
    assert (code, doc["state"], doc["message"]) == (
        0, "disetujui", "Bulan Maret 2024 Kabupaten Tulungagung disetujui dan dikunci.")
    code, doc = run(capsys, cli_db, "unlock", *base, "--user", "nobody")
    assert (code, doc["message"]) == (1, "Akun 'nobody' tidak ada.")
    code, doc = run(capsys, cli_db, "unlock", *base, "--user", "pen", "--reason", "koreksi")
    assert (code, doc["state"]) == (0, "diterima")


@pytest.mark.parametrize("args", [["submit", "--district", "35.04", "--period", "2024-13", "--user", "pen"],
                                  ["submit", "--district", "3504", "--period", "2024-03", "--user", "pen"],
                                  ["approve", "--period", "2024-03", "--user", "pen"],
                                  ["publish", "--district", "35.04", "--period", "2024-03", "--user", "pen"]])
def test_cli_usage_errors_exit_2(cli_db, args):
    with pytest.raises(SystemExit) as exc:
        cli.main([*args, "--db", cli_db])
    assert exc.value.code == 2


def test_a_month_nobody_reported_cannot_be_submitted(loaded):
    with pytest.raises(transitions.Refused, match="Belum ada desa yang melapor bulan Februari 2024; tidak ada yang "
                                                   "dapat diajukan."):
        act(loaded, KOORD, "submit", period=date(2024, 2, 1), missing={})


def test_the_automatic_lock_follows_pantau_today_when_no_day_is_given(loaded, ingest, monkeypatch):
    # The lock and the figures share one calendar: a demo or test fixed at PANTAU_TODAY locks by that day too.
    monkeypatch.setenv("PANTAU_LOCK_DAYS", "30")
    monkeypatch.setenv("PANTAU_TODAY", "2024-05-09")
    [r] = ingest({"b.xlsx": fixed(L01=5)})
    assert (r.status, r.version) == ("accepted", 2)
    monkeypatch.setenv("PANTAU_TODAY", "2024-05-10")
    [r] = ingest({"c.xlsx": fixed(L01=6)})
    assert (r.status, r.errors[0].message[:52]) == (
        "rejected", "Bulan Maret 2024 Kabupaten Tulungagung terkunci otom")
