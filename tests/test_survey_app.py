"""AppTest of the Survei and Kohort pages on a warehouse with the demo Jambon survey."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import migrations
from pipelines.accounts.roles import User
from pipelines.cohort import series
from pipelines.demo import survey as demo_survey
from pipelines.ingest import registry
from pipelines.survey import template
from tests.conftest import ROOT, displayed
from tests.test_cohort import planted

SURVEY = str(ROOT / "pages" / "analisis" / "survei.py")
COHORT = str(ROOT / "pages" / "analisis" / "kohort.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JAMBON_CSV = """kode_desa,nama_desa,kecamatan,kabupaten,provinsi,tahun_bergabung,lintang,bujur,koordinat_tepat
35.02.20.2001,Jonggol,Jambon,Kabupaten Ponorogo,Jawa Timur,2017,-7.92,111.42,tidak
35.02.20.2003,Sendang,Jambon,Kabupaten Ponorogo,Jawa Timur,2017,-7.91,111.43,tidak
35.02.20.2007,Bulu Lor,Jambon,Kabupaten Ponorogo,Jawa Timur,2017,-7.91,111.42,tidak
35.02.20.2012,Srandil,Jambon,Kabupaten Ponorogo,Jawa Timur,2018,-7.92,111.42,tidak
35.02.20.2013,Sidoharjo,Jambon,Kabupaten Ponorogo,Jawa Timur,2018,-7.91,111.42,tidak
"""


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    (tmp_path / "desa.csv").write_text(JAMBON_CSV, encoding="utf-8")
    path = tmp_path / "pantau.duckdb"
    con = migrations.connect(path)
    registry.load_registry(con, tmp_path / "desa.csv")
    assert demo_survey.load_demo(con).status == "accepted"
    con.close()
    monkeypatch.setenv("PANTAU_DB", str(path))
    return path


def test_survey_page_shows_the_study_layout_marked_as_demo(db):
    at = AppTest.from_file(SURVEY, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Survei"
    assert any(w.value.startswith("SURVEI DEMO") for w in at.warning)
    income = displayed(at.dataframe[0])
    assert income.columns.tolist() == ["Desa", "Kode desa", "n", "Rerata sebelum", "Rerata sesudah", "Kenaikan (%)",
                                       "Catatan"]
    assert income["Desa"].tolist() == ["Jonggol", "Sendang", "Bulu Lor", "Srandil", "Sidoharjo", "Semua desa"]
    assert income.iloc[-1].tolist() == ["Semua desa", "", "140", "2.110.714", "3.561.429", "68,7", ""]
    harmony = displayed(at.dataframe[1])
    assert harmony.iloc[-1][["Rerata sebelum", "Rerata sesudah"]].tolist() == ["3,14", "4,54"]
    tests = displayed(at.dataframe[3])
    assert tests["df"].tolist() == ["139", "139", "139"]
    assert "scipy.stats.ttest_rel" in at.markdown[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sulit mendapat modal"] == "50%" and metrics["Keterampilan usaha meningkat"] == "80%"
    # alpha per time point, each with its CI and items; the after scale is the headline metric
    alpha = displayed(at.dataframe[4])
    assert alpha.columns.tolist() == ["Titik waktu", "Butir", "n", "Alfa Cronbach", "IK 95%"]
    assert alpha.values.tolist() == [
        ["Sesudah program", "harmonis_sesudah, partisipasi_sesudah", "140", "0,58", "0,41 – 0,70"],
        ["Sebelum program", "harmonis_sebelum, partisipasi_sebelum", "140", "0,66", "0,53 – 0,76"]]
    assert (metrics["Alfa Cronbach sesudah"], metrics["IK 95% alfa sesudah"]) == ("0,58", "0,41 – 0,70")
    assert at.dataframe[5].value["Kelompok"].tolist() == ["Laki-laki", "Perempuan"]


def test_survey_page_in_english(db):
    at = AppTest.from_file(SURVEY, default_timeout=60)
    at.session_state["lang_choice"] = "en"
    at.run()
    assert at.dataframe[0].value.columns.tolist()[:5] == ["Village", "Village code", "n", "Mean before", "Mean after"]
    assert displayed(at.dataframe[0]).iloc[-1]["Increase (%)"] == "68.7"
    assert displayed(at.dataframe[4]).values.tolist()[0] == [
        "After the programme", "harmonis_sesudah, partisipasi_sesudah", "140", "0.58", "0.41 – 0.70"]
    small = [w.value for w in at.warning if w.value.startswith("Groups with fewer")]
    assert small == []  # the demo's smallest group (age >50) has 14 respondents


def test_upload_from_the_page_rejects_with_every_error_then_loads(db):
    at = AppTest.from_file(SURVEY, default_timeout=60).run()
    rows = demo_survey.rows()[:3]
    rows[1]["jenis_kelamin"] = "Z"
    at.text_input(key="sv_upload_name").set_value("Survei Halaman")
    at.file_uploader(key="sv_upload_file").set_value([("buruk.xlsx", template.template_bytes(rows), XLSX)])
    at.button[-1].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error[0].value.startswith("Survei ditolak (1 galat)")
    errors = at.dataframe[-1].value
    assert errors.values.tolist()[0][:3] == ["Responden", 3, "jenis_kelamin"]
    rows[1]["jenis_kelamin"] = "P"
    at.text_input(key="sv_upload_name").set_value("Survei Halaman")
    at.file_uploader(key="sv_upload_file").set_value([("baik.xlsx", template.template_bytes(rows), XLSX)])
    at.button[-1].click().run()
    assert at.success[0].value == "Survei Survei Halaman dimuat sebagai versi 1 (3 responden)."


def test_ministry_sees_no_upload(db, monkeypatch):
    from ui import auth
    monkeypatch.setattr(auth, "current_user", lambda: User("kemnaker", "Kemnaker", "kementerian"))
    at = AppTest.from_file(SURVEY, default_timeout=60).run()
    assert not at.exception
    assert len(at.get("file_uploader")) == 0


def test_cohort_page_without_and_with_an_external_series(db):
    at = AppTest.from_file(COHORT, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert displayed(at.dataframe[0]).values.tolist() == [[2017, "3"], [2018, "2"]]
    assert any(i.value.startswith("Perbandingan ini hanya tampil") for i in at.info)
    from ui.state import connection
    frame = planted()
    csv = frame.with_columns(seri=__import__("polars").lit("Uji"), nilai=frame["value"].round(2)).select(
        "seri", kode_wilayah="area_code", tahun="year", nilai="nilai", tahun_bergabung="joined_year").write_csv()
    series.import_series(connection(), csv.encode(), "uji.csv", "penguji")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Tren paralel" in at.markdown[-1].value or any("Tren paralel" in m.value for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    low, high = (float(x.replace(",", ".")) for x in metrics["IK 95%"].split(" – "))
    assert low < 40 < high
