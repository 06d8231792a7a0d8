"""Desa: one village's registry facts, month grid, indicators by month, flows and submission history."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import migrations
from pipelines.accounts.roles import User
from pipelines.views import village_profile
from pipelines.views.selection import Selection
from tests.conftest import ROOT, area_picker, good_identity, good_values, make_workbook
from tests.test_reporting import DEC, FEB, JAN, NOV, B, J, T, build_warehouse

APP = str(ROOT / "app.py")
ADMIN = User("penguji", "Penguji", "admin")
LABELS = {k: k for k in village_profile.LABEL_KEYS} | {"source_note": "Sumber, data per {date}"}
ON, LATE, MISS, NOT_YET, NOT_DUE = "tepat_waktu", "terlambat", "tidak_lapor", "belum_bergabung", "belum_jatuh_tempo"


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("village"))


@pytest.fixture
def wh(fixture_db, monkeypatch):
    monkeypatch.delenv("PANTAU_DEADLINE_DAY", raising=False)
    con = migrations.connect(fixture_db, read_only=True)
    yield con
    con.close()


def profile(wh, code=T, start=NOV, end=FEB, indicator="L01", lang="id"):
    return village_profile.model(wh, Selection(code, start, end, user=ADMIN), lang, LABELS, indicator=indicator)


def test_registry_facts_with_approximate_or_exact_coordinates(wh):
    assert profile(wh).facts == [
        ("vp_code", T), ("vp_name", "Tunggangri"), ("level_subdistrict", "Kalidawir"),
        ("level_district", "Kabupaten Tulungagung"), ("level_province", "Jawa Timur"), ("joined_year", "2017"),
        ("vp_coords", "vp_lat -8,1500 · vp_lon 111,9500 (vp_approx)")]
    assert profile(wh, B).facts[-1] == ("vp_coords", "vp_lat -8,1612 · vp_lon 111,9634 (vp_exact)")
    assert profile(wh, "35.99.99.9999") is None


def test_month_grid_has_a_status_for_every_month_of_the_range(wh):
    p = profile(wh)
    # year rows x month columns; outside the range None
    assert p.grid.rows() == [
        (2023,) + (None,) * 10 + (ON, LATE),   # November on time (day 10), December late (day 11)
        (2024, ON, ON) + (None,) * 10]          # January judged on version 1 (5 Feb), not the 20 Feb correction
    assert summary(p) == {"vp_due": "4", "vp_reported": "4", "rp_completeness": "100,0%", "vp_on_time": "3",
                          "vp_late": "1", "vp_missing": "0", "vp_not_yet_due": "0"}
    assert p.summary["vp_reported"].coverage == "dari 4 laporan yang diharapkan, 4 masuk (100,0%)"
    assert p.summary["vp_reported"].delta is None and not p.provisional
    jonggol = profile(wh, J)  # joined in 2024
    assert jonggol.grid.rows() == [(2023,) + (None,) * 10 + (NOT_YET, NOT_YET), (2024, MISS, ON) + (None,) * 10]
    assert summary(jonggol)["vp_due"] == "2" and summary(jonggol)["rp_completeness"] == "50,0%"
    assert jonggol.grid_data.row(1)[:3] == (2024, "vp_status_tidak_lapor", "vp_status_tepat_waktu")


def summary(p) -> dict[str, str]:
    return {key: c.text for key, c in p.summary.items()}


@pytest.mark.parametrize("today, state, missing", [("2024-02-10", NOT_DUE, "0"), ("2024-02-11", MISS, "1")])
def test_month_grid_not_yet_due_until_the_deadline_passes(wh, monkeypatch, today, state, missing):
    # Jonggol sent nothing for January 2024: on the deadline day (10 February) it is not yet due,
    # the day after it is missing
    monkeypatch.setenv("PANTAU_TODAY", today)
    p = profile(wh, J, NOV, JAN)
    assert p.grid.rows() == [(2023,) + (None,) * 10 + (NOT_YET, NOT_YET), (2024, state) + (None,) * 11]
    assert summary(p)["vp_missing"] == missing
    assert summary(p)["vp_not_yet_due"] == ("1" if state == NOT_DUE else "0")
    assert p.provisional is (state == NOT_DUE)
    if state == NOT_DUE:  # sementara on the cards, the table's month, the chart's title and its data
        assert p.summary["vp_missing"].caption.startswith("Sementara · ")
        assert p.indicators[0].columns[-1] == "Jan 2024 (sementara)"
        assert "(sementara)" in p.indicator_fig.layout.title.text
        assert p.indicator_data.rows()[-1] == (JAN, None, "sementara")
        assert p.grid_data.row(1)[1] == "vp_status_belum_jatuh_tempo"
    else:
        assert p.indicators[0].columns[-1] == "Jan 2024"


def test_month_grid_figure_uses_the_status_colours(wh):
    fig = profile(wh, J).grid_fig
    heat = fig.data[0]
    assert list(heat.y) == ["2023", "2024"] and list(heat.x)[:3] == ["Jan", "Feb", "Mar"]
    assert list(heat.z[0][10:]) == [4, 4] and list(heat.z[1][:2]) == [3, 0] and heat.z[1][2] is None
    assert heat.customdata[1][0] == "Januari 2024: vp_status_tidak_lapor"
    legend = {t.name: t.marker.color for t in fig.data[1:]}
    assert legend == {"vp_status_tepat_waktu": "#009E73", "vp_status_terlambat": "#E69F00",
                      "vp_status_belum_jatuh_tempo": "#56B4E9", "vp_status_tidak_lapor": "#D55E00",
                      "vp_status_belum_bergabung": "#BBBBBB"}
    assert "Desa Jonggol, November 2023 – Februari 2024" in fig.layout.title.text


def test_every_indicator_by_month_with_dash_for_missing(wh):
    shown, data = profile(wh).indicators
    assert shown.columns == ["vp_indicator_code", "vp_indicator", "vp_unit", "Nov 2023", "Des 2023",
                             "Jan 2024", "Feb 2024"]
    assert shown.height == 25
    rows = {r[0]: r for r in shown.rows()}
    # blank in December = '–'; January shows version 2 (9, not 7); February reported as zero = '0'
    assert rows["L01"] == ("L01", "Konsultasi calon PMI laki-laki", "vp_unit_orang", "5", "–", "9", "0")
    assert rows["U06"][3:] == ("Rp 15,0 juta",) * 4
    assert rows["K05"][3:] == ("vp_yes",) * 4
    assert data.filter(vp_indicator_code="L01").row(0)[3:] == (5.0, None, 9.0, 0.0)
    # a month before joining has no report: '–' for every indicator, never 0
    jonggol = {r[0]: r for r in profile(wh, J).indicators[0].rows()}
    assert jonggol["L01"][3:] == ("–", "–", "–", "2")


def test_indicator_chart_leaves_gaps_and_follows_the_chosen_indicator(wh):
    p = profile(wh)
    assert p.indicator == "L01" and p.indicator_fig.data[0].type == "bar"
    assert list(p.indicator_fig.data[0].y) == [5, None, 9, 0]
    assert list(p.indicator_fig.data[0].text) == ["5", "", "9", "0"]  # a reported zero is labelled 0 ...
    gap = p.indicator_fig.data[1]  # ... and a month not reported is marked '–'
    assert list(gap.x) == ["Des 2023"] and list(gap.text) == ["–"]
    assert p.indicator_data.rows() == [(NOV, 5.0, ""), (DEC, None, ""), (JAN, 9.0, ""), (FEB, 0.0, "")]
    stock = profile(wh, indicator="K01")
    assert stock.indicator_fig.data[0].type == "scatter" and list(stock.indicator_fig.data[0].y) == [120] * 4
    assert stock.indicator_fig.layout.yaxis.title.text == "vp_unit_orang"
    assert profile(wh, indicator="X99").indicator == "L01"


def test_placements_returns_remittances_of_current_versions(wh):
    b = profile(wh).breakdowns
    # January counts version 2 (Taiwan 5 + Japan 1), not version 1 (Taiwan 10)
    assert b["placements_country_iso2"][0].rows() == [("Taiwan", "17", "70,8%"), ("Malaysia", "6", "25,0%"),
                                                      ("Jepang", "1", "4,2%")]
    assert b["placements_country_iso2"][1].rows()[0][:2] == ("Taiwan", 17)
    assert b["placements_sector"][1].rows()[0][:2] == ("Domestik", 17)
    assert [r[:2] for r in b["placements_sex"][1].rows()] == [("vp_sex_P", 17), ("vp_sex_L", 7)]
    assert b["returns_country_iso2"][0].rows() == [("Hong Kong", "12", "4")]
    assert b["remittances_country_iso2"][0].rows() == [("Taiwan", "20", "Rp 50,0 juta")]
    assert b["remittances_channel"][1].rows() == [("Bank", 20, 50_000_000.0)]
    english = village_profile.model(wh, Selection(T, NOV, FEB), "en", LABELS, indicator="L01").breakdowns
    assert english["placements_country_iso2"][0]["vp_country"].to_list() == ["Taiwan", "Malaysia", "Japan"]
    assert english["remittances_country_iso2"][0].rows() == [("Taiwan", "20", "Rp 50.0 million")]
    empty = profile(wh, J, NOV, JAN)
    assert empty.breakdowns["placements_sex"][0].is_empty() and empty.placements_fig is None


def test_submission_history_lists_every_version_and_marks_the_current(wh):
    shown, data = profile(wh).history
    assert shown.columns == ["vp_period", "vp_version", "vp_current", "vp_status", "vp_warnings", "vp_file",
                             "vp_officer", "vp_reported_on", "vp_uploaded_by", "vp_uploaded_at"]
    assert shown.rows() == [
        ("Februari 2024", 1, "✓", "vp_accepted", 0, "t-2024-02.xlsx", "Siti Aminah", "01-03-2024",
         "koordinator.ponorogo", "01-03-2024 09:00"),
        ("Januari 2024", 2, "✓", "vp_accepted_with_warnings", 1, "t-2024-01-perbaikan.xlsx", "Siti Aminah",
         "20-02-2024", "koordinator.ponorogo", "20-02-2024 14:30"),
        ("Januari 2024", 1, "", "vp_accepted", 0, "t-2024-01.xlsx", "Siti Aminah", "05-02-2024",
         "koordinator.ponorogo", "05-02-2024 09:00"),
        ("Desember 2023", 1, "✓", "vp_accepted", 0, "t-2023-12.xlsx", "Siti Aminah", "11-01-2024",
         "koordinator.ponorogo", "11-01-2024 09:00"),
        ("November 2023", 1, "✓", "vp_accepted", 0, "t-2023-11.xlsx", "Siti Aminah", "10-12-2023",
         "koordinator.ponorogo", "10-12-2023 09:00")]
    assert data["vp_current"].to_list() == [True, True, False, True, True]
    assert profile(wh, start=FEB).history[0]["vp_version"].to_list() == [1]


def test_village_choices_are_limited_to_the_area(wh):
    assert village_profile.choices(wh, "35.02.20").rows() == [
        ("35.02.20.2001", "Bringinan — Jambon, Kabupaten Ponorogo"),
        ("35.02.20.2002", "Jonggol — Jambon, Kabupaten Ponorogo"),
        ("35.02.20.2003", "Sendang — Jambon, Kabupaten Ponorogo")]
    assert village_profile.choices(wh, "")["village_code"].to_list()[-1] == B


# --- the page ----------------------------------------------------------------------------------------

@pytest.fixture
def app(fixture_db, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(fixture_db))
    monkeypatch.setenv("PANTAU_TODAY", "2024-03-15")
    monkeypatch.delenv("PANTAU_DEADLINE_DAY", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


def open_page(app: AppTest, area: str, start: date = NOV, end: date = FEB) -> AppTest:
    app.session_state["f_area"] = area
    app.session_state["f_start"], app.session_state["f_end"] = start, end
    app.run()
    app.switch_page("pages/dashboard/desa.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_page_shows_the_profile_of_the_selected_village(app):
    open_page(app, T)
    assert app.title[0].value == "Desa"
    assert app.subheader[0].value == "Desa Tunggangri · November 2023 – Februari 2024"
    assert {m.label: m.value for m in app.metric} == {
        "Bulan wajib lapor": "4", "Bulan dilaporkan": "4", "Kelengkapan": "100,0%", "Tepat waktu": "3",
        "Terlambat": "1", "Tidak lapor": "0", "Belum jatuh tempo": "0"}
    assert "dari 4 laporan yang diharapkan, 4 masuk (100,0%)" in app.metric[1].help
    facts = [m.value for m in app.markdown if m.value.startswith("**")]
    assert "**Koordinat**  \nLintang -8,1500 · Bujur 111,9500 (perkiraan)" in facts
    assert "**Kecamatan**  \nKalidawir" in facts
    indicators = app.dataframe[0].value
    assert indicators.iloc[0].tolist() == ["L01", "Konsultasi calon PMI laki-laki", "orang", "5", "–", "9", "0"]
    history = app.dataframe[-1].value
    assert history["Versi"].tolist() == [1, 2, 1, 1, 1]
    assert history["Terkini"].tolist() == ["✓", "✓", "", "✓", "✓"]
    assert history["Status"].tolist()[1] == "Diterima dengan peringatan"


def test_picking_a_village_changes_the_profile(app):
    open_page(app, "35.02.20")  # Kecamatan Jambon: no single village yet, so a picker
    assert not app.metric
    picker = app.selectbox(key="vp_pick")
    names = ("Bringinan", "Jonggol", "Sendang")
    assert picker.options == ["—"] + [f"{name} — Jambon, Kabupaten Ponorogo" for name in names]
    picker.set_value(J).run()
    assert not app.exception
    assert app.session_state["f_area"] == J
    assert app.subheader[0].value == "Desa Jonggol · November 2023 – Februari 2024"
    assert {m.label: m.value for m in app.metric} == {
        "Bulan wajib lapor": "2", "Bulan dilaporkan": "1", "Kelengkapan": "50,0%", "Tepat waktu": "1",
        "Terlambat": "0", "Tidak lapor": "1", "Belum jatuh tempo": "0"}
    # the sidebar's village picker follows the new area
    assert area_picker(app, "village").value == J


def test_choosing_another_indicator_redraws_the_chart(app):
    open_page(app, T)
    app.selectbox(key="vp_indicator").set_value("K01").run()
    assert not app.exception
    assert app.selectbox(key="vp_indicator").value == "K01"
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in app.get("plotly_chart")]
    assert any(title.startswith("<b>K01 · Anggota koperasi</b>") for title in titles)


def test_a_report_before_joining_never_counts(con, ingest):
    # Desa Baru joined in 2021: its December 2020 report is kept but is not expected and counts nowhere
    code = "52.03.01.2001"
    files = {f"{m}.xlsx": make_workbook(good_identity(kode_desa=code, nama_desa="Desa Baru", periode=m,
                                                       tanggal_lapor=d), good_values())
             for m, d in (("2020-12", "2021-01-05"), ("2021-01", "2021-02-05"))}
    assert [r.status for r in ingest(files)] == ["accepted", "accepted"]
    p = village_profile.model(con, Selection(code, date(2020, 12, 1), date(2021, 1, 1)), "id", LABELS, indicator="L01")
    assert p.grid.rows() == [(2020,) + (None,) * 11 + (NOT_YET,), (2021, ON) + (None,) * 11]
    assert summary(p) == {"vp_due": "1", "vp_reported": "1", "rp_completeness": "100,0%", "vp_on_time": "1",
                          "vp_late": "0", "vp_missing": "0", "vp_not_yet_due": "0"}
    rows = {r[0]: r for r in p.indicators[0].rows()}
    assert rows["L01"][3:] == ("–", "2")
    # only January's placements (Taiwan 4, Malaysia 2), not December 2020's as well
    assert p.breakdowns["placements_country_iso2"][0].rows() == [("Taiwan", "4", "66,7%"), ("Malaysia", "2", "33,3%")]
