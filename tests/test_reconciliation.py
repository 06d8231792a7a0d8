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
from pipelines.views.selection import Selection
from tests.conftest import REGISTRY_CSV, ROOT, displayed, good_identity, good_values, make_workbook

APP = str(ROOT / "app.py")
TODAY = "2024-07-20"
START, END = date(2024, 1, 1), date(2024, 6, 1)
VILLAGES = {"35.04.14.2011": ("Tunggangri", 2017), "35.04.14.2016": ("Betak", 2017),
            "35.02.20.2001": ("Bringinan", 2018), "52.03.01.2001": ("Desa Baru", 2021)}
MONTHS = [date(y, m, 1) for y in (2023, 2024) for m in range(1, 13) if date(y, m, 1) <= END]
# district-months a reviewer approved: the approved-only toggle (&data=disetujui) counts only these
APPROVED = {("35.04", date(2024, 2, 1)), ("35.04", date(2024, 3, 1)), ("35.04", date(2024, 5, 1)),
            ("35.02", date(2024, 1, 1)), ("35.02", date(2024, 6, 1)), ("52.03", date(2024, 6, 1))}


def _plan() -> list[dict]:
    """Every village-month written: random gaps, counts, sexes and late reports (made on the 15th, after
    the deadline on the 10th) from a fixed seed, one pre-join report."""
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
                             remit=rng.randint(1, 50) * 1_000_000, late=rng.random() < 0.2))
    # Desa Baru reports a month before it joined: kept, never counted
    rows.append(dict(code="52.03.01.2001", name="Desa Baru", month=date(2020, 12, 1), joined=False,
                     women=9, men=9, k01=999, c02=40, l01=9, l02=9, remit=9_000_000, late=False))
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
                                 tanggal_lapor=date(m.year + m.month // 12, m.month % 12 + 1,
                                                    15 if r["late"] else 4).isoformat())
        files.append(load.Source(f"{r['code']}-{m:%Y-%m}.xlsx",
                                 make_workbook(identity, values, placements=placements, remittances=remittances)))
    results = load.load_files(con, files, "penguji")
    assert [r.errors for r in results if r.status == "rejected"] == []
    # a reviewer approved some district-months (after loading: an approved month takes no new version)
    for district, month in APPROVED:
        con.execute("INSERT INTO review_states VALUES (?, ?, 'disetujui', 'peninjau', now(), NULL)", [district, month])
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
        model = overview.model(con, Selection(area, START, END), "id", {})
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
        model = reporting.model(con, Selection("", START, END), "id", labels)
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
    model = _model(db, monkeypatch, lambda con: pillars.model(con, Selection(area, START, END), "id", pack.read_labels("id")))
    want = by_hand(area)
    assert model.pillars[4].kpis["K01"].value == want["coop_members"]
    assert model.pillars[3].kpis["C02"].value == pytest.approx(want["children"])
    assert model.pillars[1].kpis["L01"].value == sum(r["l01"] for r in in_range(area))
    assert model.pillars[1].kpis["L02"].value == sum(r["l02"] for r in in_range(area))


@pytest.mark.parametrize("area", ["35", "35.04"])
def test_wilayah_model_equals_the_workbooks(db, area, monkeypatch):
    from pipelines.views import drilldown
    model = _model(db, monkeypatch, lambda con: drilldown.model(con, Selection(area, START, END), "id", pack.read_labels("id")))
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
    from pipelines.views import map_values
    frame = _model(db, monkeypatch, lambda con: map_values.village_values(con, "", START, END))
    got = dict(zip(frame["village_code"], frame["placements"]))
    for code in VILLAGES:
        rows = [r for r in in_range(code)]
        assert got[code] == (sum(r["women"] + r["men"] for r in rows) if rows else None), code


def test_desa_profile_equals_the_workbooks(db, monkeypatch):
    from pipelines.views import village_profile
    code = "35.04.14.2016"
    labels = pack.read_labels("id")
    prof = _model(db, monkeypatch, lambda con:
                  village_profile.model(con, Selection(code, START, END), "id", labels, indicator="K01"))
    rows = in_range(code)
    assert prof.summary["vp_reported"].value == len(rows)
    assert prof.summary["vp_due"].value == expected_reports(code)
    country, placed, _ = prof.breakdowns["placements_country_iso2"][1].columns
    shown = prof.breakdowns["placements_country_iso2"][1]
    assert dict(zip(shown[country], shown[placed])) == {
        "Taiwan": sum(r["women"] for r in rows), "Malaysia": sum(r["men"] for r in rows)}


# --- reporting figures with the approved-only toggle off and on: Kelengkapan, Wilayah, Mutu Data, the pack ---

def counted(r: dict, approved: bool) -> bool:
    """Whether a report counts: every report, or (approved-only) one whose district-month was approved."""
    return not approved or (r["code"][:5], r["month"]) in APPROVED


def reporting_by_hand(area: str, approved: bool, by: str = "month") -> dict:
    """Per month (or per district, over the range): joined, reported, on_time, late, missing, unapproved and
    the shares, from the plan alone. Every deadline of the range has passed on TODAY (nothing not yet due)."""
    out: dict = {}
    for code, (_, joined) in VILLAGES.items():
        if not code.startswith(area):
            continue
        for m in MONTHS:
            if not (START <= m <= END and joined <= m.year):
                continue
            key = m if by == "month" else code[:5]
            c = out.setdefault(key, dict(joined=0, reported=0, on_time=0, late=0, missing=0, unapproved=0))
            c["joined"] += 1
            [row] = [r for r in PLAN if r["code"] == code and r["month"] == m] or [None]
            if row is None:
                c["missing"] += 1
            elif not counted(row, approved):
                c["unapproved"] += 1
            else:
                c["reported"] += 1
                c["late" if row["late"] else "on_time"] += 1
    for c in out.values():
        c["completeness"] = c["reported"] / c["joined"]
        c["timeliness"] = c["on_time"] / c["joined"]
    return out


@pytest.mark.parametrize("approved", [False, True])
def test_kelengkapan_counts_equal_the_workbooks(db, approved, monkeypatch):
    model = _model(db, monkeypatch, lambda con:
                   reporting.model(con, Selection("", START, END, approved_only=approved), "id", pack.read_labels("id")))
    want = reporting_by_hand("", approved)
    got = {r["period"]: r for r in model.trend.iter_rows(named=True)}
    for month, c in want.items():
        for column in ("joined", "reported", "on_time", "late", "missing", "unapproved"):
            assert got[month][column] == c[column], (month, column)
        assert got[month]["not_due"] == 0
        assert got[month]["completeness"] == pytest.approx(c["completeness"])
        assert got[month]["on_time_share"] == pytest.approx(c["timeliness"])   # the catalogue's timeliness
    # the heatmap's districts add up to the same months
    grid = model.grid.group_by("period").agg(pl.col("reported", "unapproved").sum())
    assert {p: (r, u) for p, r, u in grid.iter_rows()} == {m: (c["reported"], c["unapproved"]) for m, c in want.items()}
    # the list of villages that did not report June is as long as June's 'Tidak melapor' (either toggle:
    # a report waiting for approval was sent)
    assert model.latest_closed == END
    assert model.not_reported.height == want[END]["missing"]
    # the download says what is in but not counted only when approved-only is on
    assert ("Belum disetujui" in model.trend_data.columns) is approved
    if approved:
        assert model.trend_data["Belum disetujui"].sum() == sum(c["unapproved"] for c in want.values()) > 0


@pytest.mark.parametrize("approved", [False, True])
@pytest.mark.parametrize("area", ["35", "35.04"])
def test_wilayah_reporting_equals_the_workbooks(db, area, approved, monkeypatch):
    from pipelines.views import drilldown
    model = _model(db, monkeypatch, lambda con:
                   drilldown.model(con, Selection(area, START, END, approved_only=approved), "id", pack.read_labels("id")))
    cards = {c.key: c for c in model.cards}
    months = reporting_by_hand(area, approved).values()
    reported, joined = sum(c["reported"] for c in months), sum(c["joined"] for c in months)
    assert cards["reports_in"].value == reported
    assert cards["completeness"].value == pytest.approx(reported / joined)
    assert cards["placements"].value == sum(r["women"] + r["men"] for r in in_range(area) if counted(r, approved))
    assert model.children["Laporan masuk"].sum() == reported


@pytest.mark.parametrize("approved", [False, True])
def test_mutu_data_summary_equals_the_workbooks(db, approved, monkeypatch):
    from pipelines.review import quality
    frame = _model(db, monkeypatch, lambda con: quality.district_summary(con, "", START, END, approved))
    want = reporting_by_hand("", approved, by="district")
    got = {r["district_code"]: r for r in frame.iter_rows(named=True)}
    assert set(got) == set(want)
    for district, c in want.items():
        row = got[district]
        assert (row["reports_expected"], row["not_yet_due"], row["reported"], row["on_time"]) == (
            c["joined"], 0, c["reported"], c["on_time"]), district
        assert row["completeness"] == pytest.approx(c["completeness"])
        assert row["timeliness"] == pytest.approx(c["timeliness"])   # on time / expected, as on Kelengkapan
        received = c["on_time"] / c["reported"] if c["reported"] else None
        assert row["on_time_share_received"] == (pytest.approx(received) if received is not None else None)
        villages = {code for code in VILLAGES if code.startswith(district)}
        sent = {r["code"] for r in in_range(district) if counted(r, approved)}
        every = {v for v in villages if all(
            any(r["code"] == v and r["month"] == m and counted(r, approved) for r in PLAN)
            for m in MONTHS if START <= m <= END and VILLAGES[v][1] <= m.year)}
        assert (row["villages_any"], row["villages_every"]) == (len(sent), len(every)), district


@pytest.mark.slow
@pytest.mark.parametrize("approved", [False, True])
def test_briefing_pack_reporting_equals_the_workbooks(db, approved, monkeypatch):
    from pptx import Presentation
    monkeypatch.setenv("PANTAU_TODAY", TODAY)
    con = migrations.connect(db)
    try:
        built = pack.build(con, "35.04", START, END, "id", approved_only=approved)
    finally:
        con.close()
    rows = [r for r in in_range("35.04") if counted(r, approved)]
    want = reporting_by_hand("35.04", approved)
    book = fastexcel.read_excel(built.xlsx)
    figures = book.load_sheet("Angka utama").to_polars()
    values = dict(zip(figures["Angka"], figures["Nilai"]))
    assert values["Laporan masuk"] == len(rows)
    assert values["Penempatan PMI"] == sum(r["women"] + r["men"] for r in rows)
    monthly = book.load_sheet("Kelengkapan per bulan").to_polars()
    by_month = {r["Bulan"]: r for r in monthly.iter_rows(named=True)}
    for month, c in want.items():
        r = by_month[f"{month:%Y-%m}"]
        assert (r["Desa bergabung"], r["Desa melapor"], r["Tepat waktu"], r["Terlambat"], r["Tidak melapor"]) == (
            c["joined"], c["reported"], c["on_time"], c["late"], c["missing"]), month
        if approved:
            assert r["Belum disetujui"] == c["unapproved"]
    # the pillar sheet's 'Desa melapor': villages with a report in the range, not reports
    pillar = book.load_sheet("Pilar 1").to_polars()
    villages = dict(zip(pillar["Kode"], pillar["Desa melapor"]))
    assert villages["L01"] == len({r["code"] for r in rows})
    # the reporting slide's notes say the same numbers for June
    june = want[END]
    notes = [s.notes_slide.notes_text_frame.text for s in Presentation(io.BytesIO(built.pptx)).slides
             if s.has_notes_slide]
    sentence = (f"Untuk Juni 2024, {june['reported']} dari {june['joined']} desa yang sudah bergabung melapor "
                f"({formatting.percent(june['completeness'])}): {june['on_time']} tepat waktu, {june['late']} terlambat, "
                f"dan {june['missing']} tidak melapor.")
    assert any(sentence in n for n in notes)


def test_briefing_pillar_sheet_counts_villages_not_reports(tmp_path, monkeypatch):
    """Five villages of one district over July-September 2026: 13 of the 15 expected reports came in, from
    all five villages. 'Desa melapor' is 5 (the header: programme villages with at least one report)."""
    from pipelines.briefing import context, slides
    from pipelines.views import pillars
    monkeypatch.setenv("PANTAU_TODAY", "2026-12-01")
    extra = {"35.04.14.2012": "Desa Satu", "35.04.14.2013": "Desa Dua", "35.04.14.2014": "Desa Tiga"}
    csv_text = REGISTRY_CSV + "".join(f"{c},{n},Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,-8.15,111.95,tidak\n"
                                      for c, n in extra.items())
    (tmp_path / "desa.csv").write_text(csv_text, encoding="utf-8")
    con = migrations.connect(tmp_path / "pantau.duckdb")
    try:
        registry.load_registry(con, tmp_path / "desa.csv")
        names = {"35.04.14.2011": "Tunggangri", "35.04.14.2016": "Betak", **extra}
        skipped = {("35.04.14.2012", "2026-08"), ("35.04.14.2014", "2026-09")}
        files = [load.Source(f"{code}-{m}.xlsx", make_workbook(good_identity(
                     kode_desa=code, nama_desa=name, periode=m, tanggal_lapor=f"{m}-28"), good_values()))
                 for code, name in names.items() for m in ("2026-07", "2026-08", "2026-09") if (code, m) not in skipped]
        assert len(files) == 13
        results = load.load_files(con, files, "penguji", today=date(2026, 12, 1))
        assert [r.status for r in results] == ["accepted"] * 13
        start, end = date(2026, 7, 1), date(2026, 9, 1)
        ctx = context.make(con, "35.04", start, end, "id", None)
        page = pillars.model(con, Selection("35.04", start, end), "id", ctx.labels)
        _, sheets = slides.pillar_slides(ctx, page)
    finally:
        con.close()
    sheet = sheets["Pilar 1"]
    got = dict(zip(sheet["Kode"], sheet["Desa melapor"]))
    assert got["L01"] == 5 and got["L02"] == 5
    assert page.pillars[1].kpis["L01"].value == 13 * good_values()["L01"]   # the value rests on 13 reports


@pytest.mark.parametrize("approved", [False, True])
def test_kelengkapan_and_mutu_pages_show_the_same(db, approved, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(db))
    monkeypatch.setenv("PANTAU_TODAY", TODAY)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["f_area"] = ""
    at.session_state["f_start"], at.session_state["f_end"] = START, END
    at.session_state["f_approved_kept"] = approved   # the sidebar's kept choice (ui/filters.KEPT), as &data=disetujui
    at.run()
    at.switch_page("pages/reporting/kelengkapan.py").run()
    assert not at.exception
    june = reporting_by_hand("", approved)[END]
    shown = {m.label: m.value for m in at.metric}
    assert (shown["Desa bergabung"], shown["Desa melapor"], shown["Kelengkapan"], shown["Tepat waktu"],
            shown["Terlambat"], shown["Tidak melapor"]) == (
        formatting.number(june["joined"]), formatting.number(june["reported"]), formatting.percent(june["completeness"]),
        formatting.number(june["on_time"]), formatting.number(june["late"]), formatting.number(june["missing"]))
    assert shown.get("Belum disetujui") == (formatting.number(june["unapproved"]) if approved else None)

    at.switch_page("pages/reporting/mutu.py").run()
    assert not at.exception
    summary = displayed(at.dataframe[0])   # what the browser shows: '1.234', '69,7%'
    want = reporting_by_hand("", approved, by="district")
    got = {r["Kode"]: r for r in summary.to_dict("records")}
    for district, c in want.items():
        row = got[district]
        assert (row["Laporan diharapkan"], row["Laporan diterima"], row["Tepat waktu"]) == (
            formatting.number(c["joined"]), formatting.number(c["reported"]), formatting.number(c["on_time"])), district
        assert row["Kelengkapan"] == formatting.percent(c["completeness"])
        assert row["Ketepatan waktu"] == formatting.percent(c["timeliness"])   # on time / expected, as on Kelengkapan


@pytest.mark.parametrize("approved", [False, True])
def test_peta_desa_pilar_and_ringkasan_with_the_toggle(db, approved, monkeypatch):
    from pipelines.views import map_values, pillars, village_profile
    labels = pack.read_labels("id")
    frame = _model(db, monkeypatch, lambda con: map_values.village_values(con, "", START, END, approved_only=approved))
    got = {r["village_code"]: r for r in frame.iter_rows(named=True)}
    for code in VILLAGES:   # Peta: each village's reports in, expected and completeness
        c = reporting_by_hand(code, approved)
        joined, reported = sum(m["joined"] for m in c.values()), sum(m["reported"] for m in c.values())
        assert (got[code]["months_joined"], got[code]["months_reported"]) == (joined, reported), code
        assert got[code]["completeness"] == pytest.approx(reported / joined), code
    code = "35.04.14.2016"   # Desa: the village's report cards
    prof = _model(db, monkeypatch, lambda con:
                  village_profile.model(con, Selection(code, START, END, approved_only=approved), "id", labels, indicator="K01"))
    months = reporting_by_hand(code, approved).values()
    for card, column in (("vp_due", "joined"), ("vp_reported", "reported"), ("vp_on_time", "on_time"),
                         ("vp_late", "late"), ("vp_missing", "missing")):
        assert prof.summary[card].value == sum(m[column] for m in months), card
    page = _model(db, monkeypatch, lambda con:
                  pillars.model(con, Selection("35", START, END, approved_only=approved), "id", labels))
    rows = [r for r in in_range("35") if counted(r, approved)]
    assert page.pillars[1].kpis["L01"].value == sum(r["l01"] for r in rows)
    assert page.pillars[1].villages["L01"] == len({r["code"] for r in rows})
    model = _model(db, monkeypatch, lambda con: overview.model(con, Selection("", START, END, approved_only=approved), "id", {}))
    assert model.cards["reported"].value == sum(1 for r in in_range("") if counted(r, approved))
