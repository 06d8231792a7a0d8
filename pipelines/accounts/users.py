"""Accounts: adding, changing, disabling and listing them, the demo accounts, and their command line.

    python -m pipelines.accounts.users [--db PATH] add USERNAME --name "Nama Lengkap" --role koordinator \\
        --district 35.04 [--district 35.02] [--password-stdin]
    python -m pipelines.accounts.users [--db PATH] list
    python -m pipelines.accounts.users [--db PATH] disable USERNAME
    python -m pipelines.accounts.users [--db PATH] enable USERNAME
    python -m pipelines.accounts.users [--db PATH] reset USERNAME [--password-stdin]

Without --password-stdin the password is asked twice without echo (getpass); it is never an argument.
Exit status: 0 done, 1 refused (weak password, name taken, unknown user, last admin, ...),
2 usage error, including a warehouse held by another process: the running app keeps the file
open, so stop it first (or manage accounts on its Pengguna page); nothing is written then.
Every change is written to the audit log with the actor 'cli'.
"""
from __future__ import annotations

import argparse
import getpass
import re
import sys
from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines import areas, commandline, migrations, warehouse
from pipelines.accounts import audit, sessions
from pipelines.accounts.passwords import DEMO_PASSWORD, hash_password, password_problem, verify
from pipelines.accounts.roles import ROLES, User

SYSTEM_ACTORS = ("cli", "system")  # actors that are not accounts: the command line, the demo build

# (username, full name, role, districts). Published on the login page in demo mode only; outside
# demo mode the app refuses to start while any of them is active (see startup_problem).
DEMO_ACCOUNTS = (
    ("admin", "Admin (demo)", "admin", ()),
    ("kemnaker", "Staf Kemnaker (demo)", "kementerian", ()),
    ("koord.tulungagung", "Koordinator Kabupaten Tulungagung (demo)", "koordinator", ("35.04",)),
    ("koord.ponorogo", "Koordinator Kabupaten Ponorogo (demo)", "koordinator", ("35.02",)),
    ("koord.lomboktimur", "Koordinator Kabupaten Lombok Timur (demo)", "koordinator", ("52.03",)),
    ("peninjau", "Peninjau Kemnaker (demo)", "peninjau", ()),
)

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@+-]{1,99}")
_DISTRICT = re.compile(r"(\d{2})\.?(\d{2})")


class UserError(ValueError):
    """A request about an account was refused; the message (Indonesian) says why. Nothing was written."""


# ---------------------------------------------------------------- checks

def normalise(username: str) -> str:
    """Usernames are compared trimmed and in lower case."""
    return (username or "").strip().lower()[:100]


def _check_username(username: str) -> str:
    name = normalise(username)
    if not _USERNAME.fullmatch(name):
        raise UserError("Nama pengguna harus 2-100 karakter: huruf kecil, angka, titik, garis bawah, "
                        "tanda hubung, + atau @ (boleh alamat e-mail), diawali huruf atau angka.")
    return name


def _check_districts(con: duckdb.DuckDBPyConnection, role: str, districts) -> tuple[str, ...]:
    if role not in ROLES:
        raise UserError(f"Peran tidak dikenal: {role!r}. Pilih salah satu: {', '.join(ROLES)}.")
    if role == "peninjau":
        return _check_provinces(con, districts)
    if role != "koordinator":
        return ()  # admins and ministry staff are not bound to districts
    codes: list[str] = []
    for raw in districts or ():
        match = _DISTRICT.fullmatch(str(raw).strip())
        if not match:
            raise UserError(f"Kode kabupaten/kota {raw!r} tidak sah; contoh: 35.04.")
        code = f"{match[1]}.{match[2]}"
        if code not in codes:
            codes.append(code)
    if not codes:
        raise UserError("Koordinator harus punya minimal satu kabupaten/kota (mis. 35.04).")
    known = set(district_choices(con)["code"].to_list())
    unknown = [c for c in codes if known and c not in known]
    if unknown:
        raise UserError(f"Kabupaten/kota {', '.join(unknown)} tidak ada di daftar desa.")
    return tuple(sorted(codes))


def _check_provinces(con: duckdb.DuckDBPyConnection, provinces) -> tuple[str, ...]:
    """A reviewer's province codes (35); none means every province. A district code given (by the
    Pengguna page's district picker) stands for its province."""
    codes = sorted({str(raw).strip()[:2] if re.fullmatch(r"\d{2}\.\d{2}", str(raw).strip()) else str(raw).strip()
                    for raw in provinces or () if str(raw).strip()})
    bad = [c for c in codes if not re.fullmatch(r"\d{2}", c)]
    if bad:
        raise UserError(f"Kode provinsi {', '.join(bad)} tidak sah; contoh: 35.")
    known = {c[:2] for c in district_choices(con)["code"].to_list()}
    unknown = [c for c in codes if known and c not in known]
    if unknown:
        raise UserError(f"Provinsi {', '.join(unknown)} tidak ada di daftar desa.")
    return tuple(codes)


def _check_actor(con: duckdb.DuckDBPyConnection, actor: str) -> None:
    if actor in SYSTEM_ACTORS:
        return
    user = get_user(con, actor)
    if user is None or user.role != "admin":
        raise UserError("Hanya admin yang dapat mengelola pengguna.")


def _existing(con: duckdb.DuckDBPyConnection, username: str) -> dict:
    row = account_row(con, normalise(username))
    if row is None:
        raise UserError(f"Pengguna {normalise(username)!r} tidak ada.")
    return row


def _keeps_an_admin(con: duckdb.DuckDBPyConnection, username: str) -> None:
    """Refuse to demote or disable the last active admin."""
    admins = list_users(con).filter(pl.col("active"), pl.col("role") == "admin")["username"].to_list()
    if admins == [username]:
        raise UserError("Harus tetap ada minimal satu admin aktif.")


# ---------------------------------------------------------------- reads

def account_row(con: duckdb.DuckDBPyConnection, username: str) -> dict | None:
    rows = warehouse.query(con, "user_account", username=username).to_dicts()
    return rows[0] if rows else None


def user_of(row: dict) -> User:
    return User(row["username"], row["full_name"], row["role"], tuple(row["districts"] or ()))


def get_user(con: duckdb.DuckDBPyConnection, username: str) -> User | None:
    """The active account of that name as a User, else None."""
    row = account_row(con, normalise(username))
    return user_of(row) if row and row["active"] else None


def account(con: duckdb.DuckDBPyConnection, username: str) -> tuple[User, bool] | None:
    """The account as it is now (user, active), or None when there is no account of that name."""
    row = account_row(con, normalise(username))
    return (user_of(row), bool(row["active"])) if row else None


def list_users(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every account (username, full_name, role, districts, active, is_demo, failed_logins, locked_until,
    created_at, password_changed_at); never the password hashes."""
    return warehouse.query(con, "user_list")


def district_choices(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The registry's districts (code, name) a coordinator can be given."""
    return areas.units(con).filter(pl.col("level") == "district").select("code", "name")


@dataclass
class AdminView:
    """What the user-management page shows: accounts, the filtered audit log, its event kinds, districts."""
    users: pl.DataFrame
    audit: pl.DataFrame
    events: list[str]
    districts: pl.DataFrame


def admin_view(con: duckdb.DuckDBPyConnection, event: str | None = None, username: str | None = None,
               limit: int = 200) -> AdminView:
    return AdminView(list_users(con), audit.audit_log(con, limit, event, username), audit.events(con),
                     district_choices(con))


@dataclass
class LoginFacts:
    """What the login page shows: whether this is the demo warehouse, its active demo accounts, any accounts."""
    demo: bool
    demo_accounts: pl.DataFrame  # username, full_name, role, districts
    has_accounts: bool


def login_facts(con: duckdb.DuckDBPyConnection) -> LoginFacts:
    everyone = list_users(con)
    demo = warehouse.is_demo(con)
    shown = everyone.filter(pl.col("is_demo"), pl.col("active")) if demo else everyone.clear()
    return LoginFacts(demo, shown.select("username", "full_name", "role", "districts"),
                      bool(everyone.filter(pl.col("active")).height))


# ---------------------------------------------------------------- writes

def run_sql(cur, name: str, **params) -> list[tuple]:
    return warehouse.execute(cur, name, **params)


def add_user(con: duckdb.DuckDBPyConnection, username: str, full_name: str, role: str, districts,
             password: str, is_demo: bool = False, actor: str = "cli") -> User:
    """Create an active account; audited as user_added by actor. Raises UserError when refused."""
    _check_actor(con, actor)
    name = _check_username(username)
    full_name = " ".join((full_name or "").split())
    if not full_name or len(full_name) > 200:
        raise UserError("Nama lengkap wajib diisi (paling banyak 200 karakter).")
    codes = _check_districts(con, role, districts)
    problem = password_problem(password, name, is_demo)
    if problem:
        raise UserError(problem)
    if account_row(con, name) is not None:
        raise UserError(f"Nama pengguna {name!r} sudah dipakai.")
    hashed = hash_password(password)
    at = audit.now()
    try:
        with warehouse.transaction(con) as cur:
            run_sql(cur, "user_insert", username=name, full_name=full_name, role=role, districts=list(codes),
                 password_hash=hashed, is_demo=is_demo, at=at)
            audit.record(cur, actor, "user_added",
                         f"pengguna {name}: {full_name}; peran {role}; kabupaten/kota {_codes(codes)}"
                         + ("; akun demo" if is_demo else ""), at)
    except duckdb.ConstraintException as exc:
        raise UserError(f"Nama pengguna {name!r} sudah dipakai.") from exc
    return User(name, full_name, role, codes)


def _codes(codes) -> str:
    return ", ".join(codes) if codes else "-"


def set_role(con: duckdb.DuckDBPyConnection, admin_username: str, username: str, role: str, districts) -> User:
    """Change an account's role and districts; audited as role_changed by the admin."""
    _check_actor(con, admin_username)
    row = _existing(con, username)
    codes = _check_districts(con, role, districts)
    if row["role"] == "admin" and role != "admin" and row["active"]:
        _keeps_an_admin(con, row["username"])
    with warehouse.transaction(con) as cur:
        run_sql(cur, "user_set_role", username=row["username"], role=role, districts=list(codes))
        audit.record(cur, admin_username, "role_changed",
                     f"pengguna {row['username']}: {row['role']} [{_codes(row['districts'])}] -> "
                     f"{role} [{_codes(codes)}]")
    return User(row["username"], row["full_name"], role, codes)


def _set_active(con, actor: str, username: str, active: bool) -> None:
    _check_actor(con, actor)
    row = _existing(con, username)
    if not active:
        if row["username"] == normalise(actor):
            raise UserError("Anda tidak dapat menonaktifkan akun Anda sendiri.")
        if row["role"] == "admin" and row["active"]:
            _keeps_an_admin(con, row["username"])
    with warehouse.transaction(con) as cur:
        run_sql(cur, "user_set_active", username=row["username"], active=active)
        if not active:
            sessions.revoke(cur, row["username"])  # signed out in every browser at once
        audit.record(cur, actor, "user_enabled" if active else "user_disabled", f"pengguna {row['username']}")


def disable(con: duckdb.DuckDBPyConnection, actor: str, username: str) -> None:
    """Disable an account (it can no longer sign in; its history stays); audited as user_disabled."""
    _set_active(con, actor, username, False)


def enable(con: duckdb.DuckDBPyConnection, actor: str, username: str) -> None:
    """Enable a disabled account again; audited as user_enabled."""
    _set_active(con, actor, username, True)


def reset_password(con: duckdb.DuckDBPyConnection, actor: str, username: str, new_password: str) -> None:
    """Set a new password (and lift any lockout); audited as password_reset."""
    _check_actor(con, actor)
    row = _existing(con, username)
    problem = password_problem(new_password, row["username"], row["is_demo"])
    if problem:
        raise UserError(problem)
    hashed = hash_password(new_password)
    at = audit.now()
    with warehouse.transaction(con) as cur:
        run_sql(cur, "user_set_password", username=row["username"], password_hash=hashed, at=at)
        sessions.revoke(cur, row["username"], at)  # a reset password ends the sessions it opened
        audit.record(cur, actor, "password_reset", f"pengguna {row['username']}", at)


# ---------------------------------------------------------------- demo mode and start-up safety

def ensure_demo_accounts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create the missing demo accounts (for the demo warehouse only); returns the names created.

    Lombok Timur's coordinator gets another NTB district when 52.03 is not in the registry; a
    coordinator whose district the registry lacks otherwise is left out."""
    districts = set(district_choices(con)["code"].to_list())
    ntb = sorted(d for d in districts if d.startswith("52."))
    created = []
    for username, full_name, role, codes in DEMO_ACCOUNTS:
        if account_row(con, username) is not None:
            continue
        if codes and districts and codes[0] not in districts:
            if codes != ("52.03",) or not ntb:
                continue  # a registry without that district: no coordinator for it
            codes = (ntb[0],)
            full_name = f"Koordinator {codes[0]} NTB (demo)"
        add_user(con, username, full_name, role, codes, DEMO_PASSWORD, is_demo=True, actor="system")
        created.append(username)
    return created


def startup_problem(con: duckdb.DuckDBPyConnection, demo: bool) -> str | None:
    """Outside demo mode, why the app must not start (an active demo account, or an active account
    whose password is still the published demo password), in Indonesian; None when all is well.

    Verifies one argon2 hash per active account: call it once per process, not on every page run."""
    if demo:
        return None
    rows = warehouse.query(con, "user_password_hashes").rows()
    demo_accounts = [name for name, _, is_demo in rows if is_demo]
    if demo_accounts:
        return ("Pantau tidak dijalankan: akun demo masih aktif (" + ", ".join(demo_accounts) + "), padahal "
                "gudang data ini bukan gudang demo dan kata sandi akun demo diketahui umum. Hentikan aplikasi, "
                "buat akun admin Anda sendiri bila belum ada (`python -m pipelines.accounts.users add NAMA --name ... "
                "--role admin`), nonaktifkan akun demo dengan `python -m pipelines.accounts.users disable NAMA`, "
                "lalu jalankan lagi.")
    weak = [name for name, password_hash, _ in rows if verify(password_hash, DEMO_PASSWORD)]
    if weak:
        return ("Pantau tidak dijalankan: akun " + ", ".join(weak) + " masih memakai kata sandi bawaan (demo). "
                "Hentikan aplikasi, ganti kata sandinya dengan `python -m pipelines.accounts.users reset NAMA`, "
                "lalu jalankan lagi.")
    return None


# ---------------------------------------------------------------- command line

def parser() -> argparse.ArgumentParser:
    db = commandline.Parser(add_help=False)
    db.add_argument("--db", default=argparse.SUPPRESS,
                    help="berkas gudang data DuckDB (bawaan: PANTAU_DB atau data/pantau.duckdb)")
    p = commandline.Parser(prog="python -m pipelines.accounts.users", parents=[db],
                description="Kelola akun Pantau Desmigratif. Aplikasi yang sedang berjalan memegang berkas gudang "
                            "data: hentikan dulu (atau pakai halaman Pengguna di aplikasi).")
    sub = p.add_subparsers(dest="command", required=True, metavar="{add,list,disable,enable,reset}",
                           parser_class=commandline.Parser)
    add = sub.add_parser("add", parents=[db], help="tambah akun")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="nama lengkap")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--district", action="append", default=[], help="kode kabupaten/kota (koordinator), mis. 35.04")
    add.add_argument("--province", action="append", default=[],
                     help="kode provinsi (peninjau; tanpa ini semua provinsi), mis. 35")
    add.add_argument("--password-stdin", action="store_true", help="baca kata sandi dari satu baris stdin")
    sub.add_parser("list", parents=[db], help="daftar akun")
    for command, text in (("disable", "nonaktifkan akun"), ("enable", "aktifkan lagi akun")):
        sub.add_parser(command, parents=[db], help=text).add_argument("username")
    reset = sub.add_parser("reset", parents=[db], help="atur ulang kata sandi")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="baca kata sandi dari satu baris stdin")
    return p


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("Tidak ada terminal untuk menanyakan kata sandi; pakai --password-stdin.")
    first = getpass.getpass("Kata sandi baru: ")
    if getpass.getpass("Ulangi kata sandi: ") != first:
        raise UserError("Kedua kata sandi tidak sama.")
    return first


def _table(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "(belum ada akun)"
    header = ("NAMA PENGGUNA", "NAMA", "PERAN", "KABUPATEN/KOTA", "STATUS")
    rows = [header] + [
        (r["username"], r["full_name"], r["role"], _codes(r["districts"]),
         ("aktif" if r["active"] else "nonaktif") + (", demo" if r["is_demo"] else "")
         + (f", terkunci sampai {r['locked_until']:%Y-%m-%d %H:%M} WIB" if r["locked_until"]
            and r["locked_until"] > audit.now() else ""))
        for r in frame.iter_rows(named=True)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        con = migrations.connect(getattr(args, "db", None))
    except warehouse.WarehouseBusy as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        if args.command == "list":
            print(_table(list_users(con)))
        elif args.command == "add":
            user = add_user(con, args.username, args.name, args.role,
                            args.province if args.role == "peninjau" else args.district,
                            _read_password(args.password_stdin))
            print(f"Akun {user.username} ({user.role}) ditambahkan.")
        elif args.command in ("disable", "enable"):
            (disable if args.command == "disable" else enable)(con, "cli", args.username)
            print(f"Akun {normalise(args.username)} "
                  f"{'dinonaktifkan' if args.command == 'disable' else 'diaktifkan'}.")
        elif args.command == "reset":
            _existing(con, args.username)  # say so before asking for a password
            reset_password(con, "cli", args.username, _read_password(args.password_stdin))
            print(f"Kata sandi {normalise(args.username)} diatur ulang.")
    except UserError as exc:
        print(f"Ditolak: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
