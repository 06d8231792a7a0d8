"""Reconciliation: figures computed by hand from the workbooks this test writes equal what the pages,
the exports and the briefing pack show (the metric layer is the one home of every figure)."""
from __future__ import annotations

import io
import random
from datetime import date
from pathlib import Path

import fastexcel
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pipelines import exports, formatting, migrations
from pipelines.briefing import pack
from pipelines.ingest import load, registry
from pipelines.views import overview, reporting
from tests.conftest import REGISTRY_CSV, ROOT, good_identity, good_values, make_workbook

APP = str(ROOT / "app.py")
TODAY = "2024-07-20"
START, END = date(2024, 1, 1), date(2024, 6, 1)
VILLAGES = {"35.04.14.2011": ("Tunggangri", 2017), "35.04.14.2016": ("Betak", 2017),
            "35.02.20.2001": ("Bringinan", 2018), "52.03.01.2001": ("Desa Baru", 2021)}
MONTHS = [date(y, m, 1) for y in (2023, 2024) for m in range(1, 13) if date(y, m, 1) <= END]


def _plan() -> list[dict]:
    """Every village-month written: random gaps, counts and sexes from a fixed seed, one pre-join report."""
    rng = random.Random("rekonsiliasi")
    rows = []
    for code, (name, joined) in VILLAGES.items():
        for month in MONTHS:
            if rng.random() < 0.25:
                continue   # not reported
            n_women, n_men = rng.randint(0, 6), rng.randint(0, 4)
            rows.append(dict(code=code, name=name, month=month, joined=joined <= month.year,
                             women=n_women, men=n_men, k01=rng.randint(50, 400), c02=rng.randint(5, 40),
                             l01=rng.randint(0, 9), l02=rng.randint(0, 9),
                             remit=rng.randint(1, 50) * 1_000_000))
    # Desa Baru reports a month before it joined: kept, never counted
    rows.append(dict(code="52.03.01.2001", name="Desa Baru", month=date(2020, 12, 1), joined=False,
                     women=9, men=9, k01=999, c02=40, l01=9, l02=9, remit=9_000_000))
    return rows


PLAN = _plan()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rekon")
    (folder / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    path = folder / "pantau.duckdb"
    con = migrations.connect(path)
    registry.load_registry(con, folder / "desa.csv")
    files = []
    for r in PLAN:
        m = r["month"]
        values = good_values()
        values.update(K01=r["k01"], C01=max(r["c02"], 40), C02=r["c02"], L01=r["l01"], L02=r["l02"])
        placements = [p for p in (
            {"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": r["women"]},
            {"negara_tujuan": "Malaysia", "sektor": "Manufaktur", "jenis_kelamin": "L", "jumlah": r["men"]})
            if p["jumlah"] > 0]
        remittances = [{"negara_asal": "Taiwan", "saluran": "Bank", "jumlah_transaksi": 10, "nilai_rp": r["remit"]}]
        identity = good_identity(kode_desa=r["code"], nama_desa=r["name"], periode=f"{m:%Y-%m}",
                                 tanggal_lapor=date(m.year + m.month // 12, m.month % 12 + 1, 4).isoformat())
        files.append(load.Source(f"{r['code']}-{m:%Y-%m}.xlsx",
                                 make_workbook(identity, values, placements=placements, remittances=remittances)))
    results = load.load_files(con, files, "penguji")
    assert [r.errors for r in results if r.status == "rejected"] == []
    con.close()
    return path


# --- by hand ----------------------------------------------------------------------------------------

def in_range(area: str, first: date = START, last: date = END) -> list[dict]:
    return [r for r in PLAN if r["joined"] and first <= r["month"] <= last and r["code"].startswith(area)]


def expected_reports(area: str) -> int:
    return sum(1 for code, (_, joined) in VILLAGES.items() if code.startswith(area)
               for m in MONTHS if START <= m <= END and joined <= m.year)


def by_hand(area: str) -> dict:
    rows = in_range(area)
    latest = {}
    for r in sorted(rows, key=lambda r: r["month"]):
        latest[r["code"]] = r["k01"]
    per_month: dict[date, int] = {}
    for r in rows:
        per_month[r["month"]] = per_month.get(r["month"], 0) + r["c02"]
    # like for like against the same months a year earlier: village-months reported in both
    before = {(r["code"], r["month"].month): r for r in in_range(area, date(2023, 1, 1), date(2023, 6, 1))}
    matched = [(r, before[(r["code"], r["month"].month)]) for r in rows if (r["code"], r["month"].month) in before]
    return {
        "placements": sum(r["women"] + r["men"] for r in rows),
        "women": sum(r["women"] for r in rows),
        "remittances": sum(r["remit"] for r in rows),
        "consultations": sum(r["l01"] + r["l02"] for r in rows),
        "coop_members": sum(latest.values()),
        "children": sum(per_month.values()) / len(per_month),
        "reported": len(rows), "expected": expected_reports(area),
        "placements_change": (sum(a["women"] + a["men"] for a, _ in matched)
                              - sum(b["women"] + b["men"] for _, b in matched)),
        "matched": len(matched),
    }


# --- against the model, the page, the exports and the pack ----------------------------------------------

@pytest.mark.parametrize("area", ["", "35", "35.04"])
def test_ringkasan_model_equals_the_workbooks(db, area, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", TODAY)
    con = migrations.connect(db)
    try:
        model = overview.summary(con, area, START, END, "id")
    finally:
        con.close()
    want = by_hand(area)
    cards = model.cards
    assert cards["placements"].value == want["placements"]
    assert cards["remittances"].value == want["remittances"]
    assert cards["consultations"].value == want["consultations"]
    assert cards["coop_members"].value == want["coop_members"]
    assert cards["children"].value == pytest.approx(want["children"])
    assert cards["reported"].value == want["reported"]
    assert cards["placements"].change.delta == want["placements_change"]
    assert cards["placements"].change.matched == want["matched"]
    assert cards["placements"].coverage == (f"dari {formatting.number(want['expected'])} laporan yang diharapkan, "
                                            f"{formatting.number(want['reported'])} masuk "
                                            f"({formatting.percent(want['reported'] / want['expected'])})")
    # the chart download carries the same monthly numbers
    csv = pl.read_csv(io.BytesIO(exports.to_csv(model.monthly_table)[3:]))
    assert csv["ov_col_placements"].sum() == want["placements"]
    assert csv["ov_women"].sum() == want["women"]


def test_kelengkapan_equals_the_workbooks(db, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", TODAY)
    con = migrations.connect(db)
    labels = pack.read_labels("id")
    try:
        model = reporting.completeness(con, "", START, END, "id", labels)
    finally:
        con.close()
    assert model.trend["reported"].sum() == by_hand("")["reported"]
    assert model.trend["joined"].sum() == expected_reports("")
    june = [r for r in in_range("") if r["month"] == END]
    assert model.latest_counts["reported"] == len(june)
    assert model.latest_counts["not_due"] == 0


def test_ringkasan_page_shows_the_same(db, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(db))
    monkeypatch.setenv("PANTAU_TODAY", TODAY)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["f_area"] = ""
    at.session_state["f_start"], at.session_state["f_end"] = START, END
    at.run()
    at.switch_page("pages/dashboard/ringkasan.py").run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    want = by_hand("")
    assert shown["Penempatan PMI"] == formatting.number(want["placements"])
    assert shown["Anggota koperasi"] == formatting.number(want["coop_members"])
    assert shown["Remitansi"] == formatting.rupiah(want["remittances"])


@pytest.mark.slow
def test_briefing_pack_tables_show_the_same(db, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", TODAY)
    con = migrations.connect(db)
    try:
        built = pack.build(con, "35.04", START, END, "id")
    finally:
        con.close()
    book = fastexcel.read_excel(built.xlsx)
    figures = book.load_sheet("Angka utama").to_polars()
    values = dict(zip(figures["Angka"], figures["Nilai"]))
    want = by_hand("35.04")
    assert values["Penempatan PMI"] == want["placements"]
    assert values["Anggota koperasi"] == want["coop_members"]
    assert values["Laporan masuk"] == want["reported"]
    assert values["Anak PMI dibina (rata-rata per bulan)"] == pytest.approx(want["children"])


# --- the other pages: Pilar, Wilayah, Peta, Desa ---------------------------------------------------------

def _model(db, monkeypatch, build):
    monkeypatch.setenv("PANTAU_TODAY", TODAY)
    con = migrations.connect(db)
    try:
        return build(con)
    finally:
        con.close()


@pytest.mark.parametrize("area", ["", "35.04"])
def test_pilar_model_equals_the_workbooks(db, area, monkeypatch):
    from pipelines.views import pillars
    model = _model(db, monkeypatch, lambda con: pillars.page(con, area, START, END, "id", pack.read_labels("id")))
    want = by_hand(area)
    assert model.pillars[4].kpis["K01"].value == want["coop_members"]
    assert model.pillars[3].kpis["C02"].value == pytest.approx(want["children"])
    assert model.pillars[1].kpis["L01"].value == sum(r["l01"] for r in in_range(area))
    assert model.pillars[1].kpis["L02"].value == sum(r["l02"] for r in in_range(area))


@pytest.mark.parametrize("area", ["35", "35.04"])
def test_wilayah_model_equals_the_workbooks(db, area, monkeypatch):
    from pipelines.views import drilldown
    model = _model(db, monkeypatch, lambda con: drilldown.drill_model(con, area, START, END, "id",
                                                                        pack.read_labels("id")))
    want = by_hand(area)
    cards = {c.key: c for c in model.cards}
    assert cards["placements"].value == want["placements"]
    assert cards["remittances"].value == want["remittances"]
    assert cards["consultations"].value == want["consultations"]
    assert cards["reports_in"].value == want["reported"]
    assert cards["K01"].value == want["coop_members"]
    assert cards["C02"].value == pytest.approx(want["children"])
    # the destinations table shares out the same placements: Taiwan holds the women, Malaysia the men
    country, placed, _ = model.destinations.columns
    dest = dict(zip(model.destinations[country], model.destinations[placed]))
    assert dest == {"Taiwan": want["women"], "Malaysia": want["placements"] - want["women"]}
    # the child units add up to the area
    assert model.children["Penempatan"].sum() == want["placements"]
    assert model.children["Laporan masuk"].sum() == want["reported"]


def test_peta_village_values_equal_the_workbooks(db, monkeypatch):
    from pipelines.views import maps
    frame = _model(db, monkeypatch, lambda con: maps.village_values(con, "", START, END))
    got = dict(zip(frame["village_code"], frame["placements"]))
    for code in VILLAGES:
        rows = [r for r in in_range(code)]
        assert got[code] == (sum(r["women"] + r["men"] for r in rows) if rows else None), code


def test_desa_profile_equals_the_workbooks(db, monkeypatch):
    from pipelines.views import village_profile
    code = "35.04.14.2016"
    labels = pack.read_labels("id")
    prof = _model(db, monkeypatch, lambda con: village_profile.profile(con, code, START, END, "K01", "id", labels))
    rows = in_range(code)
    assert prof.summary["vp_reported"].value == len(rows)
    assert prof.summary["vp_due"].value == expected_reports(code)
    country, placed, _ = prof.breakdowns["placements_country_iso2"][1].columns
    shown = prof.breakdowns["placements_country_iso2"][1]
    assert dict(zip(shown[country], shown[placed])) == {
        "Taiwan": sum(r["women"] for r in rows), "Malaysia": sum(r["men"] for r in rows)}
