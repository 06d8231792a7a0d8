"""Read the Identitas sheet: village code, period, officer and report date."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.catalogue import header_key, identity_fields, norm
from pipelines.ingest.findings import Finding

SHEET = "Identitas"
_MONTHS_ID = {
    "januari": 1, "februari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_MY = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_NAMED = re.compile(r"^([a-z]+)\s+(\d{4})$")
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class Village:
    """What validation needs from the registry about one village."""
    name: str
    joined_year: int
    district_code: str


@dataclass
class Identity:
    village_code: str | None = None
    period: date | None = None
    officer: str | None = None
    reported_on: date | None = None
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)


def village_code(text: str | None) -> str | None:
    """Kemendagri code with dots from '35.04.14.2011', '3504142011' or a number; None if malformed."""
    if text is None:
        return None
    t = text.replace("\u00a0", " ").strip()
    if re.fullmatch(r"\d+\.0+", t):
        t = t.split(".")[0]  # a number cell such as 3504142011.0
    digits = re.sub(r"[\s.]", "", t)
    if not re.fullmatch(r"\d{10}", digits):
        return None
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def to_date(text: str | None) -> date | None:
    """A date from ISO text, Excel's rendering of a date cell, d/m/yyyy, or an Excel serial number."""
    if not text:
        return None
    t = text.strip()
    try:
        if m := _ISO.match(t):
            return date(int(m[1]), int(m[2]), int(m[3] or 1))
        if m := _DMY.match(t):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if re.fullmatch(r"\d{5}(\.0+)?", t) and 36526 <= float(t) <= 73050:  # years 2000-2099
            return _EXCEL_EPOCH + timedelta(days=int(float(t)))
    except ValueError:
        return None
    return None


def to_period(text: str | None) -> date | None:
    """First day of the month named by 'YYYY-MM', an Excel date, 'MM/YYYY' or 'Maret 2024'."""
    if not text:
        return None
    t = norm(text)
    if m := _MY.match(t):
        month, year = int(m[1]), int(m[2])
    elif (m := _NAMED.match(t)) and m[1] in _MONTHS_ID:
        month, year = _MONTHS_ID[m[1]], int(m[2])
    else:
        day = to_date(t)
        return day.replace(day=1) if day else None
    return date(year, month, 1) if 1 <= month <= 12 else None


Given = dict[str, tuple[int, "str | None"]]  # Identitas field key -> (Excel row, value as typed, spaces tidied)


def read_identity(rows: list[tuple], header: int, cols: dict[str, int], registry: dict[str, Village],
                  today: date, allowed_districts: set[str] | None) -> Identity:
    """Check the Identitas fields against the registry and the calendar."""
    return check_identity(given_fields(rows, header, cols), registry, today, allowed_districts)


def given_fields(rows: list[tuple], header: int, cols: dict[str, int]) -> Given:
    """The Identitas rows below the header, by field key (the first row of a key counts)."""
    given: Given = {}
    for i in range(header + 1, len(rows)):
        row = rows[i]
        key = row[cols["isian"]]
        if key is None or not key.strip():
            continue
        value = row[cols["nilai"]] if cols["nilai"] < len(row) else None
        value = " ".join(value.replace("\u00a0", " ").split()) if value else None
        given.setdefault(header_key(key), (i + 1, value or None))
    return given


def check_identity(given: Given, registry: dict[str, Village], today: date,
                   allowed_districts: set[str] | None) -> Identity:
    """The identity fields checked against the registry, the user's districts and the calendar."""
    out = Identity()

    def err(name: str, value: str | None, message: str) -> None:
        out.errors.append(Finding(SHEET, given.get(name, (None,))[0], "nilai", value, message))

    for f in identity_fields():
        if f["required"] == "ya" and given.get(f["field"], (0, None))[1] is None and f["field"] != "nama_desa":
            out.errors.append(Finding(SHEET, given.get(f["field"], (None,))[0], "nilai", None,
                                      f"Isian {f['field']} wajib diisi ({f['help']}, mis. {f['example']})."))

    raw_code = given.get("kode_desa", (0, None))[1]
    code = village_code(raw_code)
    village = registry.get(code) if code else None
    if raw_code is not None and code is None:
        err("kode_desa", raw_code, "Kode desa harus 10 digit kode Kemendagri, mis. 35.04.14.2011 atau 3504142011.")
    elif code and village is None:
        err("kode_desa", raw_code, "Kode desa tidak ada di daftar desa Desmigratif.")
    elif village and allowed_districts is not None and village.district_code not in allowed_districts:
        err("kode_desa", raw_code, "Desa ini bukan wilayah kabupaten/kota Anda; laporan desa lain tidak dapat diunggah.")
    else:
        out.village_code = code

    name = given.get("nama_desa", (0, None))[1]
    if village and (name is None or norm(name) != norm(village.name)):
        out.warnings.append(Finding(SHEET, given.get("nama_desa", (None,))[0], "nilai", name,
                                    f"Nama desa tidak sama dengan daftar desa ({village.name})."))

    raw_period = given.get("periode", (0, None))[1]
    period = to_period(raw_period)
    if raw_period is not None and period is None:
        err("periode", raw_period, "Periode harus bulan laporan dalam format TTTT-BB, mis. 2024-03, atau tanggal Excel.")
    elif period and period > today.replace(day=1):
        err("periode", raw_period, "Periode tidak boleh di masa depan.")
    elif period:
        out.period = period
        if village and period.year < village.joined_year:
            out.warnings.append(Finding(SHEET, given["periode"][0], "nilai", raw_period,
                                        f"Periode sebelum desa bergabung dengan program ({village.joined_year})."))

    out.officer = given.get("nama_petugas", (0, None))[1]

    raw_day = given.get("tanggal_lapor", (0, None))[1]
    day = to_date(raw_day)
    if raw_day is not None and day is None:
        out.warnings.append(Finding(SHEET, given["tanggal_lapor"][0], "nilai", raw_day,
                                    "Tanggal lapor tidak terbaca (format TTTT-BB-HH); diabaikan."))
    elif day and day > today:
        out.warnings.append(Finding(SHEET, given["tanggal_lapor"][0], "nilai", raw_day,
                                    "Tanggal lapor di masa depan; diabaikan."))
    elif day and period and day < period:
        out.warnings.append(Finding(SHEET, given["tanggal_lapor"][0], "nilai", raw_day,
                                    "Tanggal lapor sebelum periode laporan; diabaikan."))
    else:
        out.reported_on = day
    return out
