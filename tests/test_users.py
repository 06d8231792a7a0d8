"""Accounts: argon2 hashes, sign-in with lockout, audit trail, demo accounts, start-up check, command line."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from pipelines import migrations, settings
from pipelines.accounts import audit, passwords, signin, users
from pipelines.accounts.roles import User
from pipelines.ingest import registry
from tests.conftest import ROOT, scalar

pytestmark = pytest.mark.real_auth

T0 = datetime(2024, 5, 1, 9, 0)
PASSWORD = "rahasia-sekali"
BUDI = User("budi", "Budi Santoso", "koordinator", ("35.04",))


@pytest.fixture
def budi(con):
    users.add_user(con, "Budi", "Budi  Santoso", "koordinator", ["3504"], PASSWORD)
    return con


def events(con, since: datetime | None = None) -> list[tuple[str, str, str]]:
    """(username, event, detail) oldest first."""
    log = audit.audit_log(con, 1000)
    if since is not None:
        log = log.filter(log["logged_at"] >= since)
    return list(reversed(log.select("username", "event", "detail").rows()))


def test_password_stored_only_as_argon2id_hash(budi):
    stored = scalar(budi, "SELECT password_hash FROM users WHERE username = 'budi'")
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert passwords.verify(stored, PASSWORD) is True
    assert "password_hash" not in users.list_users(budi).columns
    assert users.list_users(budi).select("username", "full_name", "role", "districts", "active", "is_demo").rows() \
        == [("budi", "Budi Santoso", "koordinator", ["35.04"], True, False)]


def test_authenticate_ok_and_invalid(budi):
    assert signin.authenticate(budi, " BUDI ", PASSWORD, now=T0) == (BUDI, "ok")
    assert signin.authenticate(budi, "budi", "salah-salah-salah", now=T0) == (None, "invalid")
    assert signin.authenticate(budi, "tidak.ada", PASSWORD, now=T0) == (None, "invalid")  # same answer


def test_locked_after_five_failures_and_unlocked_after_15_minutes(budi):
    outcomes = [signin.authenticate(budi, "budi", "salah-salah-salah", now=T0 + timedelta(minutes=i))[1]
                for i in range(5)]
    assert outcomes == ["invalid", "invalid", "invalid", "invalid", "locked"]
    until = T0 + timedelta(minutes=4 + 15)
    assert signin.locked_until(budi, "budi", now=T0 + timedelta(minutes=5)) == until
    assert signin.authenticate(budi, "budi", PASSWORD, now=until - timedelta(seconds=1)) == (None, "locked")
    assert signin.authenticate(budi, "budi", PASSWORD, now=until + timedelta(seconds=1)) == (BUDI, "ok")
    assert scalar(budi, "SELECT failed_logins FROM users WHERE username = 'budi'") == 0


def test_unknown_names_lock_exactly_like_real_ones(budi):
    outcomes = [signin.authenticate(budi, "siapa", "salah-salah-salah", now=T0 + timedelta(minutes=i))[1]
                for i in range(6)]
    assert outcomes == ["invalid", "invalid", "invalid", "invalid", "locked", "locked"]
    assert signin.locked_until(budi, "siapa", now=T0 + timedelta(minutes=6)) == T0 + timedelta(minutes=19)
    assert signin.authenticate(budi, "siapa", "salah-salah-salah", now=T0 + timedelta(minutes=20)) == (None, "invalid")


def test_disabled_account_refused_only_with_the_right_password(budi):
    users.disable(budi, "cli", "budi")
    assert signin.authenticate(budi, "budi", PASSWORD, now=T0) == (None, "disabled")
    assert signin.authenticate(budi, "budi", "salah-salah-salah", now=T0) == (None, "invalid")
    assert users.get_user(budi, "budi") is None
    users.enable(budi, "cli", "budi")
    assert signin.authenticate(budi, "budi", PASSWORD, now=T0) == (BUDI, "ok")


def test_every_event_is_audited(budi):
    start = audit.now()
    users.add_user(budi, "admin2", "Admin Dua", "admin", [], "admin-dua-rahasia")
    signin.authenticate(budi, "budi", PASSWORD, now=start + timedelta(seconds=1))
    for i in range(5):
        signin.authenticate(budi, "budi", "salah-salah-salah", now=start + timedelta(seconds=2 + i))
    signin.authenticate(budi, "budi", PASSWORD, now=start + timedelta(seconds=8))
    users.set_role(budi, "admin2", "budi", "koordinator", ["35.04", "35.02"])
    users.reset_password(budi, "admin2", "budi", "kata-sandi-baru")
    users.disable(budi, "admin2", "budi")
    signin.authenticate(budi, "budi", "kata-sandi-baru", now=start + timedelta(seconds=1))
    signin.sign_out(budi, "budi")
    locked = f"5 kali gagal; terkunci sampai {start + timedelta(seconds=6, minutes=15):%Y-%m-%d %H:%M} WIB"
    assert sorted(events(budi, since=start)) == sorted([
        ("cli", "user_added", "pengguna admin2: Admin Dua; peran admin; kabupaten/kota -"),
        ("budi", "login", "kata sandi"),
        *[("budi", "login_failed", "kata sandi salah")] * 4,
        ("budi", "locked", locked),
        ("budi", "login_failed", "akun masih terkunci"),
        ("admin2", "role_changed", "pengguna budi: koordinator [35.04] -> koordinator [35.02, 35.04]"),
        ("admin2", "password_reset", "pengguna budi"),
        ("admin2", "user_disabled", "pengguna budi"),
        ("budi", "login_failed", "akun dinonaktifkan"),
        ("budi", "logout", ""),
    ])
    assert audit.audit_log(budi, 10, event="role_changed", username="admin2").height == 1


def test_password_policy_and_refusals(budi):
    with pytest.raises(users.UserError, match="minimal 10 karakter"):
        users.add_user(budi, "siti", "Siti", "kementerian", [], "pendek")
    with pytest.raises(users.UserError, match="Kata sandi demo"):
        users.add_user(budi, "siti", "Siti", "kementerian", [], users.DEMO_PASSWORD)
    with pytest.raises(users.UserError, match="sudah dipakai"):
        users.add_user(budi, "BUDI", "Budi Lagi", "kementerian", [], "rahasia-lain-sekali")
    with pytest.raises(users.UserError, match="minimal satu kabupaten"):
        users.add_user(budi, "siti", "Siti", "koordinator", [], "rahasia-lain-sekali")
    with pytest.raises(users.UserError, match="99.99 tidak ada"):
        users.add_user(budi, "siti", "Siti", "koordinator", ["99.99"], "rahasia-lain-sekali")
    with pytest.raises(users.UserError, match="Hanya admin"):
        users.set_role(budi, "budi", "budi", "admin", [])
    assert users.list_users(budi)["username"].to_list() == ["budi"]  # nothing written


def test_last_admin_stays(budi):
    users.add_user(budi, "admin", "Admin", "admin", [], "admin-rahasia-1")
    with pytest.raises(users.UserError, match="minimal satu admin aktif"):
        users.set_role(budi, "cli", "admin", "kementerian", [])
    with pytest.raises(users.UserError, match="minimal satu admin aktif"):
        users.disable(budi, "cli", "admin")
    with pytest.raises(users.UserError, match="akun Anda sendiri"):
        users.disable(budi, "admin", "admin")


def test_rehash_after_parameters_change(budi):
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    assert passwords.check_rehash(weak, PASSWORD) is not None
    assert passwords.check_rehash(passwords.hash_password(PASSWORD), PASSWORD) is None
    budi.execute("UPDATE users SET password_hash = ? WHERE username = 'budi'", [weak])
    assert signin.authenticate(budi, "budi", PASSWORD, now=T0)[1] == "ok"
    stored = scalar(budi, "SELECT password_hash FROM users WHERE username = 'budi'")
    assert stored != weak and passwords.check_rehash(stored, PASSWORD) is None


def test_demo_accounts_and_startup_problem(con):
    assert users.ensure_demo_accounts(con) == [a[0] for a in users.DEMO_ACCOUNTS]
    assert users.ensure_demo_accounts(con) == []
    assert users.list_users(con).filter("is_demo").select("username", "role", "districts").rows() == [
        ("admin", "admin", []), ("kemnaker", "kementerian", []), ("koord.lomboktimur", "koordinator", ["52.03"]),
        ("koord.ponorogo", "koordinator", ["35.02"]), ("koord.tulungagung", "koordinator", ["35.04"]),
        ("peninjau", "peninjau", [])]
    assert signin.authenticate(con, "koord.tulungagung", users.DEMO_PASSWORD, now=T0)[1] == "ok"
    assert users.startup_problem(con, demo=True) is None
    problem = users.startup_problem(con, demo=False)
    assert problem.startswith("Pantau tidak dijalankan: akun demo masih aktif (admin, kemnaker, koord.lomboktimur, "
                              "koord.ponorogo, koord.tulungagung, peninjau)")
    users.add_user(con, "pusat", "Admin Pusat", "admin", [], "admin-pusat-rahasia")
    for name, *_ in users.DEMO_ACCOUNTS:
        users.disable(con, "cli", name)
    assert users.startup_problem(con, demo=False) is None
    # An ordinary account that still has the published demo password also blocks the start.
    con.execute("UPDATE users SET is_demo = false, active = true WHERE username = 'kemnaker'")
    assert users.startup_problem(con, demo=False) == (
        "Pantau tidak dijalankan: akun kemnaker masih memakai kata sandi bawaan (demo). Hentikan aplikasi, ganti "
        "kata sandinya dengan `python -m pipelines.accounts.users reset NAMA`, lalu jalankan lagi.")


def test_demo_coordinator_of_another_ntb_district_when_52_03_is_missing(tmp_path):
    csv = tmp_path / "desa.csv"
    csv.write_text("kode_desa,nama_desa,kecamatan,kabupaten,provinsi,tahun_bergabung,lintang,bujur,koordinat_tepat\n"
                   "52.01.01.2001,Desa Satu,Gerung,Kabupaten Lombok Barat,Nusa Tenggara Barat,2019,,,tidak\n",
                   encoding="utf-8")
    con = migrations.connect(tmp_path / "w.duckdb")
    registry.load_registry(con, csv)
    assert users.ensure_demo_accounts(con) == ["admin", "kemnaker", "koord.lomboktimur", "peninjau"]
    assert users.get_user(con, "koord.lomboktimur").districts == ("52.01",)
    con.close()


# ---------------------------------------------------------------- command line

def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.accounts.users", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=os.environ.copy(), timeout=120)


@pytest.fixture
def db(tmp_path, registry_csv) -> str:
    path = tmp_path / "cli.duckdb"
    con = migrations.connect(path)
    registry.load_registry(con, registry_csv)
    con.close()
    return str(path)


def test_cli_add_list_disable_reset(db):
    add = cli("--db", db, "add", "Budi", "--name", "Budi Santoso", "--role", "koordinator", "--district", "35.04",
              "--district", "35.02", "--password-stdin", stdin=PASSWORD + "\n")
    assert (add.returncode, add.stdout) == (0, "Akun budi (koordinator) ditambahkan.\n")
    again = cli("--db", db, "add", "budi", "--name", "B", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert (again.returncode, again.stderr) == (1, "Ditolak: Nama pengguna 'budi' sudah dipakai.\n")
    weak = cli("add", "siti", "--db", db, "--name", "Siti", "--role", "kementerian", "--password-stdin", stdin="x")
    assert (weak.returncode, weak.stderr) == (1, "Ditolak: Kata sandi minimal 10 karakter.\n")
    listing = cli("--db", db, "list")
    assert (listing.returncode, listing.stdout) == (0, (
        "NAMA PENGGUNA  NAMA          PERAN        KABUPATEN/KOTA  STATUS\n"
        "budi           Budi Santoso  koordinator  35.02, 35.04    aktif\n"))
    assert cli("--db", db, "reset", "budi", "--password-stdin", stdin="baru-dan-panjang\n").returncode == 0
    assert cli("--db", db, "disable", "budi").stdout == "Akun budi dinonaktifkan.\n"
    assert cli("--db", db, "disable", "tidak.ada").returncode == 1
    assert cli("--db", db, "list").stdout.splitlines()[1].endswith("nonaktif")
    con = migrations.connect(db)
    try:
        assert [(u, e) for u, e, _ in events(con)] == [("cli", "user_added"), ("cli", "password_reset"),
                                                        ("cli", "user_disabled")]
        users.enable(con, "cli", "budi")
        assert signin.authenticate(con, "budi", "baru-dan-panjang")[1] == "ok"
    finally:
        con.close()


def test_cli_usage_errors_exit_2(db):
    assert cli("--db", db, "add", "budi", "--name", "Budi").returncode == 2  # no --role
    assert cli("--db", db, "promote", "budi").returncode == 2
    no_terminal = cli("--db", db, "add", "budi", "--name", "Budi", "--role", "admin")  # stdin is not a terminal
    assert (no_terminal.returncode, no_terminal.stderr) == (
        1, "Ditolak: Tidak ada terminal untuk menanyakan kata sandi; pakai --password-stdin.\n")


def test_cli_busy_while_another_process_holds_the_warehouse(db):
    holder = migrations.connect(db)  # like the running app
    try:
        busy = cli("--db", db, "add", "budi", "--name", "Budi", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    finally:
        holder.close()
    assert busy.returncode == 2
    assert "sedang dipakai proses lain" in busy.stderr and "Tidak ada data yang ditulis" in busy.stderr
    assert cli("--db", db, "list").stdout == "(belum ada akun)\n"


def test_oidc_sign_in_maps_the_email_to_a_username(budi):
    users.add_user(budi, "Siti@Kemnaker.go.id", "Siti", "kementerian", [], "rahasia-lain-sekali")
    assert signin.external_login(budi, "siti@kemnaker.go.id", now=T0) == (
        User("siti@kemnaker.go.id", "Siti", "kementerian"), "ok")
    assert signin.external_login(budi, "orang@lain.id", now=T0) == (None, "invalid")
    assert events(budi, since=T0)[:2] == [("siti@kemnaker.go.id", "login", "OIDC"),
                                          ("orang@lain.id", "login_failed", "OIDC: nama pengguna tidak dikenal")]


def test_reviewers_get_provinces_not_districts(con):
    user = users.add_user(con, "pen.jatim", "Peninjau Jatim", "peninjau", ["35"], "kata-sandi-panjang-9")
    assert user.districts == ("35",)
    assert users.add_user(con, "pen.all", "Peninjau", "peninjau", [], "kata-sandi-panjang-9").districts == ()
    assert users.add_user(con, "pen.ta", "Peninjau", "peninjau", ["35.04"], "kata-sandi-panjang-9").districts == ("35",)
    with pytest.raises(users.UserError, match="Kode provinsi jatim tidak sah"):
        users.add_user(con, "pen.bad", "Peninjau", "peninjau", ["jatim"], "kata-sandi-panjang-9")
    with pytest.raises(users.UserError, match="Provinsi 99 tidak ada di daftar desa"):
        users.add_user(con, "pen.bad", "Peninjau", "peninjau", ["99"], "kata-sandi-panjang-9")


def test_users_cli_adds_a_reviewer_for_provinces(con, tmp_path, monkeypatch, capsys, store_url):
    import io
    con.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("kata-sandi-panjang-9\n"))
    assert users.main(["--db", str(store_url), "add", "pen.ntb", "--name", "Peninjau NTB",
                       "--role", "peninjau", "--province", "52", "--password-stdin"]) == 0
    assert capsys.readouterr().out == "Akun pen.ntb (peninjau) ditambahkan.\n"
    again = migrations.connect(store_url)
    assert users.get_user(again, "pen.ntb").districts == ("52",)
    again.close()


def test_new_hashes_take_the_declared_cost(monkeypatch):
    assert settings.password_hash_cost() == (19456, 2, 1)  # the default, OWASP's argon2id baseline
    assert "$m=19456,t=2,p=1$" in passwords.hash_password(PASSWORD)
    monkeypatch.setenv("PANTAU_PASSWORD_HASH", "65536,3,4")
    assert settings.password_hash_cost() == (65536, 3, 4)
    for bad in ("19456,2", "lots", "1024,2,1", "19456,0,1", "19456,2,9"):
        monkeypatch.setenv("PANTAU_PASSWORD_HASH", bad)
        with pytest.raises(ValueError, match="PANTAU_PASSWORD_HASH"):
            settings.password_hash_cost()


def test_a_hash_of_the_earlier_default_cost_is_renewed_at_sign_in(budi):
    earlier = PasswordHasher().hash(PASSWORD)  # argon2-cffi's default, 64 MiB x 3 x 4, used before
    budi.execute("UPDATE users SET password_hash = ? WHERE username = 'budi'", [earlier])
    assert signin.authenticate(budi, "budi", PASSWORD, now=T0)[1] == "ok"
    assert "$m=19456,t=2,p=1$" in scalar(budi, "SELECT password_hash FROM users WHERE username = 'budi'")
