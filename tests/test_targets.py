"""Targets: the workbook's checks, versioned loads, and capaian per level and government period (exact values)."""
from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import good_identity, good_values, make_workbook, scalar

from pipelines.metrics import periods
from pipelines.targets import cli, report, store, template
from pipelines.views.selection import Selection

TUNGGANGRI, BETAK = "35.04.14.2011", "35.04.14.2016"
NAMES = {TUNGGANGRI: "Tunggangri", BETAK: "Betak"}
TODAY = date(2024, 4, 5)  # March 2024 is still open (deadline 10 April): sementara


def placements(women: int, men: int) -> list[dict]:
    return [{"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": women},
            {"negara_tujuan": "Malaysia", "sektor": "Perkebunan/Pertanian", "jenis_kelamin": "L", "jumlah": men}]


def send(ingest, village: str, period: str, reported_on: str, women: int, men: int, **values):
    vals = good_values()
    vals.update(values)
    identity = good_identity(kode_desa=village, nama_desa=NAMES[village], periode=period, tanggal_lapor=reported_on)
    [result] = ingest({f"{village}-{period}.xlsx": make_workbook(identity, vals, placements=placements(women, men))})
    assert result.status in ("accepted", "accepted_with_warnings"), result.errors


@pytest.fixture
def world(con, ingest):
    """Kalidawir, Q1 2024: Tunggangri reports every month, Betak February only (January missing, March not due)."""
    send(ingest, TUNGGANGRI, "2024-01", "2024-02-05", 4, 2, U05=2)
    send(ingest, TUNGGANGRI, "2024-02", "2024-03-05", 1, 3, U05=3)
    send(ingest, BETAK, "2024-02", "2024-03-08", 4, 2, U05=5)
    send(ingest, TUNGGANGRI, "2024-03", "2024-04-03", 4, 2, U05=8)
    return con


def load_targets(con, rows, user="admin"):
    return store.load(con, template.template_bytes(rows), "target.xlsx", user)


def capaian(con, area, period, **kw):
    out = report.report(con, area, period, today=TODAY, deadline_day=10, **kw)
    return {r["kode_indikator"]: r for r in out["rows"]}


def test_periods_months_and_labels():
    got = {c: (p.first, p.last, p.label("id"), p.label("en"), p.target_period)
           for c in ("2026", "2026-S2", "2026-T3", "2026-09", "2026-SD09") for p in [periods.parse(c)]}
    assert got == {
        "2026": (date(2026, 1, 1), date(2026, 12, 1), "Tahun 2026", "2026", "TAHUN"),
        "2026-S2": (date(2026, 7, 1), date(2026, 12, 1), "Semester II 2026", "H2 2026", "S2"),
        "2026-T3": (date(2026, 7, 1), date(2026, 9, 1), "Triwulan III 2026", "Q3 2026", "T3"),
        "2026-09": (date(2026, 9, 1), date(2026, 9, 1), "September 2026", "September 2026", "09"),
        "2026-SD09": (date(2026, 1, 1), date(2026, 9, 1), "s.d. September 2026", "Jan-Sep 2026", "TAHUN"),
    }
    for bad in ("2026-T5", "2026-13", "2026-SD13", "26", "2026-Q3"):
        with pytest.raises(ValueError):
            periods.parse(bad)


def test_quarter_flows_stocks_shares_and_coverage(world):
    result = load_targets(world, [("35.04", "placements", 2024, "T1", 20), ("35.04", "consultations", 2024, "T1", 10),
                                  ("35.04", "U05", 2024, "T1", 10), ("35.04", "women_share", 2024, "T1", "50%"),
                                  ("35.04", "completeness", 2024, "T1", 0.8), ("35.04", "returns", 2024, "T2", 5)])
    assert (result.status, result.version, result.targets) == ("accepted", 1, 6)
    rows = capaian(world, "35.04", "2024-T1")
    assert list(rows) == ["U05", "consultations", "placements", "women_share", "completeness"]  # catalogue order
    got = {k: (r["target"], r["realisasi"], round(r["capaian"], 4), r["laporan_masuk"], r["laporan_diharapkan"],
               r["sementara"], r["status"]) for k, r in rows.items()}
    assert got == {
        # flows summed over the 4 reports in (of 6 expected): 6 + 4 + 6 + 6
        "placements": (20.0, 22.0, 1.1, 4, 6, True, "tercapai"),
        "consultations": (10.0, 16.0, 1.6, 4, 6, True, "tercapai"),
        # a stock: each village's latest month (Tunggangri March 8, Betak February 5), over villages
        "U05": (10.0, 13.0, 1.3, 2, 2, True, "tercapai"),
        # a share as a ratio of the sums: women 4 + 1 + 4 + 4 = 13 of 22
        "women_share": (0.5, 13 / 22, round(13 / 22 / 0.5, 4), 4, 6, True, "tercapai"),
        # reports in / expected: 4 / 6 against 80 %
        "completeness": (0.8, 4 / 6, 0.8333, 4, 6, True, "hampir"),
    }


def test_each_level_from_village_to_national(world):
    load_targets(world, [(code, "placements", 2024, "T1", 40) for code in
                         ("NASIONAL", "35", "35.04", "35.04.14", TUNGGANGRI, BETAK)])
    got = {code: (r["realisasi"], r["capaian"], r["laporan_masuk"], r["laporan_diharapkan"])
           for code in ("NASIONAL", "35", "35.04", "35.04.14", TUNGGANGRI, BETAK)
           for r in [capaian(world, code, "2024-T1")["placements"]]}
    assert got == {
        "NASIONAL": (22.0, 0.55, 4, 12),     # four villages joined by 2024, three months each
        "35": (22.0, 0.55, 4, 9),            # Bringinan (Ponorogo) reported nothing
        "35.04": (22.0, 0.55, 4, 6),
        "35.04.14": (22.0, 0.55, 4, 6),
        TUNGGANGRI: (16.0, 0.4, 3, 3),
        BETAK: (6.0, 0.15, 1, 3),
    }
    assert report.report(world, "nasional", "2024-T1", today=TODAY)["area"] == "NASIONAL"


def test_month_semester_year_and_closed_months_are_final(world):
    load_targets(world, [("35.04", "placements", 2024, "02", 8), ("35.04", "placements", 2024, "S1", 100),
                         ("35.04", "placements", 2024, "TAHUN", 120)])
    feb = capaian(world, "35.04", "2024-02")["placements"]
    assert (feb["target"], feb["realisasi"], feb["capaian"], feb["sementara"], feb["status"]) == \
        (8.0, 10.0, 1.25, False, "tercapai")
    s1 = capaian(world, "35.04", "2024-S1")["placements"]
    assert (s1["target"], s1["realisasi"], s1["capaian"], s1["laporan_masuk"], s1["laporan_diharapkan"],
            s1["sementara"], s1["status"]) == (100.0, 22.0, 0.22, 4, 12, True, "belum")
    year = capaian(world, "35.04", "2024")["placements"]
    assert (year["target"], year["realisasi"], round(year["capaian"], 6)) == (120.0, 22.0, round(22 / 120, 6))
    assert capaian(world, "35.04", "2024-T2") == {}  # no T2 target: no row


def test_year_to_date_against_prorated_and_annual_target(world):
    load_targets(world, [("35.04", "placements", 2024, "TAHUN", 120), ("35.04", "U05", 2024, "TAHUN", 20)])
    rows = capaian(world, "35.04", "2024-SD03")
    p, u = rows["placements"], rows["U05"]
    assert (p["target"], p["realisasi"], round(p["capaian"], 4), p["target_tahunan"], round(p["capaian_tahunan"], 4),
            p["dasar_target"]) == (30.0, 22.0, 0.7333, 120.0, 0.1833, "target tahunan x 3/12")
    # a stock's annual target is a position, not pro-rated
    assert (u["target"], u["realisasi"], u["capaian"], u["target_tahunan"], u["capaian_tahunan"], u["dasar_target"]) \
        == (20.0, 13.0, 0.65, 20.0, 0.65, "target tahunan (tidak diprorata)")
    en = report.report(world, "35.04", "2024-SD03", lang="en", today=TODAY)
    assert (en["label"], en["rows"][1]["dasar_target"]) == ("Jan-Mar 2024", "annual target x 3/12")


def test_approved_only_counts_approved_district_months(world):
    load_targets(world, [("35.04", "placements", 2024, "T1", 20)])
    world.execute("INSERT INTO review_states VALUES ('35.04', DATE '2024-02-01', 'disetujui', 'peninjau', "
                  "TIMESTAMP '2024-03-20 10:00:00', '')")
    row = capaian(world, "35.04", "2024-T1", approved_only=True)["placements"]
    assert (row["realisasi"], row["capaian"], row["laporan_masuk"]) == (10.0, 0.5, 2)


def test_a_newer_load_replaces_a_target_and_keeps_history(world):
    assert load_targets(world, [("35.04", "placements", 2024, "T1", 20)]).version == 1
    again = store.load(world, template.template_bytes([("35.04", "placements", 2024, "T1", 20)]), "sama.xlsx", "admin")
    assert (again.status, again.version) == ("unchanged", 1)
    second = load_targets(world, [("35.04", "placements", 2024, "T1", 44), ("35.04", "returns", 2024, "T1", 1)])
    assert (second.status, second.version) == ("accepted", 2)
    assert capaian(world, "35.04", "2024-T1")["placements"]["capaian"] == 0.5
    assert scalar(world, "SELECT count(*) FROM target_values") == 3
    assert store.loads(world)["version"].to_list() == [2, 1]
    assert scalar(world, "SELECT string_agg(detail, ' | ' ORDER BY logged_at) FROM audit_log WHERE event = "
                         "'target_upload'") == "versi 1 · 1 target · target.xlsx | versi 2 · 2 target · target.xlsx"


def test_a_bad_file_lists_every_error_by_row_and_column_and_stores_nothing(world):
    rows = [("35.04", "placements", 2024, "T1", 20),
            ("99.99", "placements", 2024, "T1", 20),        # unknown area
            ("35.04", "penempatan", 2024, "T1", 20),        # unknown figure
            ("35.04", "returns", 2024, "T5", 20),           # impossible period
            ("35.04", "returns", 2024, "13", 20),
            ("35.04", "consultations", 2024, "T1", -3),     # negative
            ("35.04", "consultations", 2024, "T2", "banyak"),
            ("35.04", "women_share", 2024, "T1", 45),       # a share over 1
            ("35.04", "placements", 2024, "T1", 25),        # duplicate of row 2
            ("35.04", "returns", 1999, "TAHUN", None)]      # impossible year, target missing
    result = load_targets(world, rows)
    assert result.status == "rejected"
    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (3, "kode_wilayah", "99.99", "Kode wilayah tidak dikenal: NASIONAL atau kode Kemendagri dari daftar desa "
                                     "(35, 35.04, 35.04.14, 35.04.14.2011)."),
        (4, "kode_indikator", "penempatan", "Kode indikator tidak dikenal; lihat Kamus Indikator atau sheet Petunjuk."),
        (5, "periode", "T5", "Periode harus TAHUN, S1, S2, T1 sampai T4 atau bulan 01 sampai 12."),
        (6, "periode", "13", "Periode harus TAHUN, S1, S2, T1 sampai T4 atau bulan 01 sampai 12."),
        (7, "target", "-3", "Target tidak boleh negatif."),
        (8, "target", "banyak", "Target harus angka."),
        (9, "target", "45", "Indikator persen: tulis sebagai pecahan 0 sampai 1 (0,34) atau dengan tanda % (34%)."),
        (10, "kode_wilayah", "35.04", "Target yang sama (wilayah, indikator, tahun, periode) sudah ada di baris 2."),
        (11, "target", "", "Wajib diisi."),
        (11, "tahun", "1999", "Tahun harus bilangan bulat 2015 sampai 2100."),
    ]
    assert {e.sheet for e in result.errors} == {"Target"}
    assert scalar(world, "SELECT count(*) FROM target_values") == 0
    assert scalar(world, "SELECT count(*) FROM target_loads") == 0
    assert scalar(world, "SELECT detail FROM audit_log WHERE event = 'target_rejected'") == "target.xlsx · 10 galat"


def test_a_nik_rejects_the_file_without_echoing_it(world):
    result = load_targets(world, [("35.04", "placements", 2024, "T1", "3504145607890001")])
    assert [(e.row, e.value) for e in result.errors] == [(2, "(disembunyikan)")]
    assert "3504145607890001" not in json.dumps(result.as_json())


def test_cli_template_load_and_report(world, store_url, tmp_path, capsys, monkeypatch):
    db = str(store_url)
    world.close()
    monkeypatch.setenv("PANTAU_TODAY", TODAY.isoformat())
    monkeypatch.setenv("PANTAU_DEADLINE_DAY", "10")
    out = tmp_path / "target.xlsx"
    assert cli.main(["template", "--out", str(out)]) == 0
    assert cli.main(["load", "--db", db, "--json", str(out)]) == 1  # the empty template has no rows
    assert json.loads(capsys.readouterr().out)["errors"][0]["message"] == "Tidak ada baris target."
    out.write_bytes(template.template_bytes([("35.04", "placements", 2024, "T1", 20)]))
    assert cli.main(["load", "--db", db, "--json", "--user", "admin", str(out)]) == 0
    assert json.loads(capsys.readouterr().out) == {"file": "target.xlsx", "status": "accepted", "version": 1,
                                                   "targets": 1, "errors": []}
    assert cli.main(["report", "--db", db, "--area", "35.04", "--period", "2024-T1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["area"], doc["area_name"], doc["label"], doc["first_month"], doc["last_month"]) == \
        ("35.04", "Kabupaten Tulungagung", "Triwulan I 2024", "2024-01", "2024-03")
    assert [(r["kode_indikator"], r["target"], r["realisasi"], r["capaian"], r["coverage"], r["sementara"])
            for r in doc["rows"]] == [("placements", 20.0, 22.0, 1.1, 4 / 6, True)]
    assert cli.main(["report", "--db", db, "--area", "35.04", "--period", "2024-T5", "--json"]) == 2
    assert "tidak dikenal" in json.loads(capsys.readouterr().out)["error"]
    assert cli.main(["report", "--db", db, "--area", "99", "--period", "2024-T1"]) == 2


def test_a_month_range_as_government_periods():
    got = {(a, b): [p.code for p in periods.matching(date(2026, a, 1), date(2026, b, 1))]
           for a, b in ((1, 3), (7, 9), (1, 6), (7, 12), (1, 12), (9, 9), (1, 9), (2, 4), (1, 1))}
    assert got == {(1, 3): ["2026-T1", "2026-SD03"], (7, 9): ["2026-T3"], (1, 6): ["2026-S1", "2026-SD06"],
                   (7, 12): ["2026-S2"], (1, 12): ["2026"], (9, 9): ["2026-09"], (1, 9): ["2026-SD09"],
                   (2, 4): [], (1, 1): ["2026-01", "2026-SD01"]}
    assert periods.matching(date(2025, 11, 1), date(2026, 1, 1)) == []


def test_ringkasan_cards_carry_the_target_note(world):
    from pipelines import labels
    from pipelines.views import overview
    words = {k: labels.text(k, "id") for k in overview.LABELS}
    load_targets(world, [("35.04", "placements", 2024, "T1", 20), ("35.04", "consultations", 2024, "TAHUN", 64)])
    cards = overview.model(world, Selection("35.04", date(2024, 1, 1), date(2024, 3, 1)), "id", words).cards
    assert cards["placements"].note == "59,1% perempuan · Target Triwulan I 2024: 20 · capaian 110,00%"
    # no T1 target for consultations: the annual one pro-rated for s.d. Maret (64 x 3/12 = 16; realisasi 16)
    assert cards["consultations"].note == "Target s.d. Maret 2024: 16 · capaian 100,00%"
    assert cards["returns"].note is None or "Target" not in cards["returns"].note
    other = overview.model(world, Selection("35.04", date(2024, 2, 1), date(2024, 4, 1)), "id", words).cards
    assert "Target" not in (other["placements"].note or "")


def test_area_codes_as_people_type_them(world):
    from pipelines.targets.validate import area_code
    assert [area_code(c) for c in ("nasional", "3504", "350414", "3504142011", "35.1", "35.04", "35")] == [
        "NASIONAL", "35.04", "35.04.14", TUNGGANGRI, "35.10", "35.04", "35"]
    rows = [("Target per wilayah 2024", None, None, None, None),   # a title row above the header
            ("kode_wilayah", "kode_indikator", "tahun", "periode", "target"),
            (3504, "placements", 2024, 1, 5), ("nasional", "placements", 2024.0, "t1", "1.500")]
    import io

    import xlsxwriter
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet("Target")
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                ws.write(i, j, v)
    wb.close()
    result = store.load(world, buf.getvalue(), "ketik.xlsx", "admin")
    assert (result.status, result.errors) == ("accepted", [])
    assert store.current(world).select("area_code", "period", "target").rows() == [
        ("35.04", "01", 5.0), ("NASIONAL", "T1", 1500.0)]


def test_a_warehouse_without_target_tables_has_no_targets(tmp_path):
    import duckdb
    con = duckdb.connect(str(tmp_path / "lama.duckdb"))
    assert store.current(con).height == 0
    con.close()


def test_wilayah_ranking_shows_the_placements_capaian_of_children_with_a_target(world):
    from pipelines import labels
    from pipelines.views import drilldown
    words = {k: labels.text(k, "id") for k in drilldown.LABEL_KEYS}
    load_targets(world, [(TUNGGANGRI, "placements", 2024, "TAHUN", 64), (BETAK, "placements", 2024, "T1", 4)])
    m = drilldown.model(world, Selection("35.04.14", date(2024, 1, 1), date(2024, 3, 1)), "id", words)
    # Betak's own T1 target is the most specific: 6 of 4; Tunggangri has only an annual one (not used for T1)
    assert dict(zip(m.child_codes, m.children_view["% capaian penempatan, target Triwulan I 2024"])) == {
        BETAK: "150,00%", TUNGGANGRI: "–"}
    sd = drilldown.model(world, Selection("35.04.14", date(2024, 1, 1), date(2024, 2, 1)), "id", words)
    # s.d. Februari: Tunggangri's annual 64 pro-rated 2/12 = 10,67 against 10 placed
    assert dict(zip(sd.child_codes, sd.children_view["% capaian penempatan, target s.d. Februari 2024"])) == {
        TUNGGANGRI: "93,75%", BETAK: "–"}
    plain = drilldown.model(world, Selection("35.04.14", date(2024, 2, 1), date(2024, 3, 1)), "id", words)
    assert not any("capaian" in c for c in plain.children_view.columns)


def test_a_nik_in_the_file_name_is_never_stored_or_logged(world):
    result = store.load(world, template.template_bytes([("35.04", "placements", 2024, "T1", 20)]),
                        "target 3504145607890001.xlsx", "admin")
    assert (result.status, result.file) == ("rejected", "(nama berkas disembunyikan)")
    assert scalar(world, "SELECT detail FROM audit_log WHERE event = 'target_rejected'") == \
        "(nama berkas disembunyikan) · 1 galat"
    assert scalar(world, "SELECT count(*) FROM audit_log WHERE detail LIKE '%3504145607890001%'") == 0


def _pack(con, start, end, lang="id"):
    import io

    import openpyxl
    from pptx import Presentation

    from pipelines.briefing import pack

    built = pack.build(con, "35.04", start, end, lang)
    deck = Presentation(io.BytesIO(built.pptx))
    shown = [(s.kind, s.title) for s in built.slides]
    sheets = openpyxl.load_workbook(io.BytesIO(built.xlsx), read_only=True)
    return built, deck, shown, sheets


def test_the_pack_carries_a_capaian_slide_after_the_headline_figures(world, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", TODAY.isoformat())
    monkeypatch.setenv("PANTAU_DEADLINE_DAY", "10")
    load_targets(world, [("35.04", "placements", 2024, "T1", 20), ("35.04", "completeness", 2024, "T1", 0.8)])
    built, deck, shown, sheets = _pack(world, date(2024, 1, 1), date(2024, 3, 1))
    assert [k for k, _ in shown[:3]] == ["title", "kpis", "capaian"]
    assert shown[2][1] == "Capaian target · Triwulan I 2024"
    texts = [shape.text_frame.text for shape in deck.slides[2].shapes if shape.has_text_frame]
    assert "Penempatan PMI\n110,0%\nTarget 20 · realisasi 22\nTercapai · sementara" in texts
    assert "Kelengkapan\n83,3%\nTarget 80,0% · realisasi 66,7%\nHampir tercapai · sementara" in texts
    assert "SEMENTARA" in texts  # the open month marks the slide
    rows = list(sheets["Capaian"].iter_rows(values_only=True))
    assert rows[0][:6] == ("kode_wilayah", "periode", "kode_indikator", "nama", "satuan", "target")
    assert [(r[2], r[5], r[6]) for r in rows[1:]] == [("placements", 20, 22), ("completeness", 0.8, 4 / 6)]


def test_no_capaian_slide_for_a_free_range_or_without_targets(world, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", TODAY.isoformat())
    load_targets(world, [("35.04", "placements", 2024, "T1", 20)])
    _, _, shown, sheets = _pack(world, date(2024, 2, 1), date(2024, 3, 1))  # no triwulan, no s.d. (starts in Feb)
    assert "capaian" not in [k for k, _ in shown] and "Capaian" not in sheets.sheetnames
    _, _, shown, _ = _pack(world, date(2024, 1, 1), date(2024, 1, 1))  # January 2024 has no target
    assert "capaian" not in [k for k, _ in shown]
