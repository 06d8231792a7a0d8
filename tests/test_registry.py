"""The village registry CSV: loading, derived area codes, row/column findings, and upserts."""
from __future__ import annotations

import pytest
from conftest import REGISTRY_CSV, scalar

from pipelines.ingest import registry

HEADER = REGISTRY_CSV.splitlines()[0]
TUNGGANGRI = "35.04.14.2011,Tunggangri,Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,-8.15,111.95,tidak"


def villages(con) -> list[tuple]:
    return con.cursor().sql("SELECT * FROM villages ORDER BY village_code").fetchall()


@pytest.fixture
def write_csv(tmp_path):
    def write(*lines: str, header: str = HEADER):
        path = tmp_path / "desa_baru.csv"
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return path
    return write


def test_good_csv_loads_every_village(con):
    assert scalar(con, "SELECT count(*) FROM villages") == 4
    row = con.cursor().sql("SELECT * FROM villages WHERE village_code = '35.04.14.2011'").fetchall()
    assert row == [("35.04.14.2011", "Tunggangri", "35.04.14", "Kalidawir", "35.04", "Kabupaten Tulungagung",
                     "35", "Jawa Timur", 2017, -8.15, 111.95, False)]
    assert scalar(con, "SELECT coords_exact FROM villages WHERE village_code = '52.03.01.2001'") is True


def test_code_without_dots_and_spaces_normalised(write_csv):
    frame = registry.read_registry(write_csv(
        " 3504142011 , Tunggangri ,Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,\"-8,15\",111.95,YA"))
    assert frame.row(0) == ("35.04.14.2011", "Tunggangri", "35.04.14", "Kalidawir", "35.04",
                            "Kabupaten Tulungagung", "35", "Jawa Timur", 2017, -8.15, 111.95, True)


def test_missing_coordinates_are_null(write_csv):
    frame = registry.read_registry(write_csv(
        "35.04.14.2011,Tunggangri,Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,,,"))
    assert frame.select("lat", "lon", "coords_exact").row(0) == (None, None, False)


def findings_of(path) -> list[tuple]:
    with pytest.raises(registry.RegistryError) as caught:
        registry.read_registry(path)
    return [(f.row, f.column, f.value) for f in caught.value.findings]


@pytest.mark.parametrize("line, column, value", [
    ("35.04.14.201,Betak,Kalidawir,Kab,Jawa Timur,2017,-8.1,111.9,tidak", "kode_desa", "35.04.14.201"),
    ("35.04.14.20AB,Betak,Kalidawir,Kab,Jawa Timur,2017,-8.1,111.9,tidak", "kode_desa", "35.04.14.20AB"),
    ("35.04.14.2016,Betak,Kalidawir,Kab,Jawa Timur,2015,-8.1,111.9,tidak", "tahun_bergabung", "2015"),
    ("35.04.14.2016,Betak,Kalidawir,Kab,Jawa Timur,2099,-8.1,111.9,tidak", "tahun_bergabung", "2099"),
    ("35.04.14.2016,Betak,Kalidawir,Kab,Jawa Timur,dua ribu,-8.1,111.9,tidak", "tahun_bergabung", "dua ribu"),
    ("35.04.14.2016,Betak,Kalidawir,Kab,Jawa Timur,2017,-95,111.9,tidak", "lintang", "-95"),
    ("35.04.14.2016,Betak,Kalidawir,Kab,Jawa Timur,2017,-8.1,timur,tidak", "bujur", "timur"),
    ("35.04.14.2016,Betak,Kalidawir,Kab,Jawa Timur,2017,-8.1,111.9,mungkin", "koordinat_tepat", "mungkin"),
    ("35.04.14.2016,,Kalidawir,Kab,Jawa Timur,2017,-8.1,111.9,tidak", "nama_desa", None),
])
def test_bad_value_names_row_and_column(write_csv, line, column, value):
    assert findings_of(write_csv(TUNGGANGRI, line)) == [(3, column, value)]


def test_duplicate_code_names_the_second_row(write_csv):
    path = write_csv(TUNGGANGRI, "35.04.14.2016,Betak,Kalidawir,Kab,Jawa Timur,2017,,,",
                     "3504142011,Tunggangri Lagi,Kalidawir,Kab,Jawa Timur,2018,,,")
    assert findings_of(path) == [(4, "kode_desa", "3504142011")]


def test_missing_column_names_it(write_csv):
    path = write_csv("35.04.14.2011,Tunggangri,Kalidawir,Jawa Timur,2017,-8.15,111.95,tidak",
                     header=HEADER.replace("kabupaten,", ""))
    assert findings_of(path) == [(1, "kabupaten", None)]


def test_every_problem_reported_at_once(write_csv):
    path = write_csv("35.04.14.201,A,B,C,D,2017,,,", TUNGGANGRI, "35.04.14.2016,A,B,C,D,1999,,,")
    assert findings_of(path) == [(2, "kode_desa", "35.04.14.201"), (4, "tahun_bergabung", "1999")]


@pytest.mark.parametrize("lines, header", [
    (("35.04.14.201,A,B,C,D,2017,,,",), HEADER),
    ((TUNGGANGRI.replace("2017", "2015"),), HEADER),
    ((TUNGGANGRI, TUNGGANGRI), HEADER),
    ((TUNGGANGRI,), HEADER.replace(",koordinat_tepat", "")),
])
def test_bad_csv_writes_nothing(con, write_csv, lines, header):
    before = villages(con)
    good_new = "33.01.01.2001,Bolang,Dayeuhluhur,Kabupaten Cilacap,Jawa Tengah,2019,,,tidak"
    path = write_csv(good_new, *lines, header=header)
    with pytest.raises(registry.RegistryError):
        registry.load_registry(con, path)
    assert villages(con) == before


def test_reload_updates_and_adds(con, write_csv):
    path = write_csv(TUNGGANGRI.replace("Tunggangri", "Tunggangri Baru").replace("2017", "2019")
                     .replace(",tidak", ",ya"),
                     "33.01.01.2001,Bolang,Dayeuhluhur,Kabupaten Cilacap,Jawa Tengah,2019,-7.3,108.7,tidak")
    assert registry.load_registry(con, path) == 2
    assert scalar(con, "SELECT count(*) FROM villages") == 5
    assert con.cursor().sql("SELECT village_name, joined_year, coords_exact FROM villages "
                            "WHERE village_code = '35.04.14.2011'").fetchall() == [("Tunggangri Baru", 2019, True)]
    assert scalar(con, "SELECT district_code FROM villages WHERE village_code = '33.01.01.2001'") == "33.01"
    assert registry.lookup(con)["35.04.14.2011"] == registry.Village("Tunggangri Baru", 2019, "35.04")


def test_unreadable_file_is_registry_error(tmp_path):
    with pytest.raises(registry.RegistryError) as caught:
        registry.read_registry(tmp_path / "tidak_ada.csv")
    assert "tidak terbaca" in caught.value.findings[0].message
