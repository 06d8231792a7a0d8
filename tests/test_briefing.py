"""Briefing pack: the CLI builds a 16:9 PPTX and its XLSX; slides, native charts, the map picture and
speaker-note figures checked against the data layer on a small fixture warehouse; exit codes; the static map."""
from __future__ import annotations

import contextlib
import io
import struct
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import fastexcel
import polars as pl
import pytest
from pptx import Presentation

from pipelines import formatting, migrations
from pipelines.briefing import cli
from pipelines.briefing import pack as briefing
from pipelines.ingest import load, registry
from pipelines.views import geo, map_style, map_values, overview, static_map
from pipelines.views.selection import Selection
from tests.conftest import good_identity, good_values, make_workbook
from tests.crosscheck import aggregate as metrics

AREA, START, END = "35.04", date(2024, 1, 1), date(2024, 6, 1)
FORMULA_NAME = "=SUM(A1)"
REGISTRY = f"""kode_desa,nama_desa,kecamatan,kabupaten,provinsi,tahun_bergabung,lintang,bujur,koordinat_tepat
35.04.14.2011,Tunggangri,Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,-8.15,111.95,ya
35.04.14.2016,Betak,Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,-8.16,111.96,tidak
35.04.14.2099,{FORMULA_NAME},Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,-8.17,111.97,tidak
35.02.20.2001,Bringinan,Jambon,Kabupaten Ponorogo,Jawa Timur,2018,-7.90,111.40,tidak
"""
TITLES = ["Kabupaten Tulungagung", "Angka utama", "Pilar 1: Layanan Migrasi", "Pilar 2: Usaha Produktif",
          "Pilar 3: Community Parenting", "Pilar 4: Koperasi", "Penempatan PMI", "Negara tujuan penempatan",
          "Sektor pekerjaan PMI", "Kepulangan PMI", "Remitansi menurut negara asal", "Remitansi menurut saluran",
          "Kelengkapan pelaporan", "Peta desa program", "Catatan data"]
SHEETS = ["Angka utama", "Pilar 1", "Pilar 1 tren", "Pilar 2", "Pilar 2 tren", "Pilar 3", "Pilar 3 tren", "Pilar 4",
          "Pilar 4 tren", "Penempatan per bulan", "Negara tujuan", "Sektor", "Kepulangan per bulan",
          "Kepulangan per negara", "Remitansi per negara", "Remitansi per saluran", "Kelengkapan per bulan",
          "Desa belum melapor", "Desa di peta", "Catatan"]
PREVIOUS = "Juli 2023 – Desember 2023"


def _values() -> dict:
    """Every indicator reported except C02 (children served) and U06 (turnover): nobody reports those."""
    values = good_values()
    del values["C02"], values["U06"]
    return values


def _workbook(code: str, name: str, month: str, **rows) -> load.Source:
    year, m = map(int, month.split("-"))
    reported = date(year + m // 12, m % 12 + 1, 5).isoformat()  # the 5th of the next month: on time
    identity = good_identity(kode_desa=code, nama_desa=name, periode=month, tanggal_lapor=reported)
    return load.Source(f"{code}-{month}.xlsx", make_workbook(identity=identity, values=_values(), **rows))


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory) -> Path:
    """Tunggangri reports Jan-Jun 2024, Betak Feb-Mar with its own rows, '=SUM(A1)' never; Ponorogo outside."""
    folder = tmp_path_factory.mktemp("briefing")
    (folder / "desa.csv").write_text(REGISTRY, encoding="utf-8")
    db = folder / "pantau.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, folder / "desa.csv")
    betak = dict(
        placements=[{"negara_tujuan": "Hong Kong", "sektor": "Perawat/Caregiver", "jenis_kelamin": "P", "jumlah": 5}],
        remittances=[{"negara_asal": "Malaysia", "saluran": "Kantor Pos", "jumlah_transaksi": 2,
                      "nilai_rp": 3_000_000}])
    files = ([_workbook("35.04.14.2011", "Tunggangri", f"2024-0{m}") for m in range(1, 7)]
             + [_workbook("35.04.14.2016", "Betak", f"2024-0{m}", **betak) for m in (2, 3)]
             + [_workbook("35.02.20.2001", "Bringinan", "2024-03")])
    assert all(r.status != "rejected" for r in load.load_files(con, files, "penguji"))
    con.close()
    return db


@pytest.fixture(scope="module")
def con(warehouse_file):
    connection = migrations.connect(warehouse_file, read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def built(warehouse_file, tmp_path_factory):
    """One pack for the module, built by the command line (its progress goes to stderr); no browser needed."""
    out = tmp_path_factory.mktemp("pack") / "paket.pptx"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["--area", AREA, "--from", "2024-01", "--to", "2024-06", "--out", str(out),
                              "--db", str(warehouse_file)])
    return {"code": code, "out": out, "stdout": stdout.getvalue(), "stderr": stderr.getvalue(),
            "deck": Presentation(str(out))}


def _notes(built, number: int) -> str:
    return built["deck"].slides[number - 1].notes_slide.notes_text_frame.text


def _texts(built, number: int) -> list[str]:
    slide = built["deck"].slides[number - 1]
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    texts += [cell.text for shape in slide.shapes if shape.has_table for row in shape.table.rows for cell in row.cells]
    return texts


# --- the command line -------------------------------------------------------------------------------------

def test_cli_writes_pptx_and_xlsx_with_progress(built):
    assert built["code"] == 0
    assert built["out"].exists() and built["out"].with_suffix(".xlsx").exists()
    assert built["stdout"].startswith("Selesai dalam ") and "(15 slide)" in built["stdout"]
    lines = built["stderr"].splitlines()
    assert lines[0] == "[ 1/19] mengambil data: angka utama"
    assert lines[-1] == "[19/19] menyusun Excel"
    assert len(lines) == 19


@pytest.mark.parametrize("args", [
    ["--area", "99.99", "--from", "2024-01", "--to", "2024-06"],       # unknown area
    ["--area", "35.04.1", "--from", "2024-01", "--to", "2024-06"],     # not an area code
    ["--area", AREA, "--from", "2024-13", "--to", "2024-06"],          # no such month
    ["--area", AREA, "--from", "2024/01", "--to", "2024-06"],          # not YYYY-MM
    ["--area", AREA, "--from", "2024-06", "--to", "2024-01"],          # start after end
    ["--area", AREA, "--from", "2024-01"],                             # --to missing
])
def test_cli_exit_code_2_for_bad_area_or_period(warehouse_file, tmp_path, args, capsys):
    out = tmp_path / "x.pptx"
    assert cli.main(args + ["--out", str(out), "--db", str(warehouse_file)]) == 2
    assert not out.exists()
    assert capsys.readouterr().err


def test_cli_exit_code_2_without_warehouse(tmp_path, capsys):
    args = ["--area", AREA, "--from", "2024-01", "--to", "2024-06", "--out", str(tmp_path / "x.pptx"),
            "--db", str(tmp_path / "none.duckdb")]
    assert cli.main(args) == 2
    assert "Gudang data tidak ditemukan" in capsys.readouterr().err


# --- the deck -----------------------------------------------------------------------------------------------

def test_slide_count_titles_and_size(built):
    deck = built["deck"]
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 13.333 x 7.5 in: 16:9
    assert [s.shapes.title.text for s in deck.slides] == TITLES


def test_every_chart_slide_has_one_native_chart_and_the_map_one_picture_at_the_fixed_size(built):
    for number, slide in enumerate(built["deck"].slides, start=1):
        pictures = [s for s in slide.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        charts = [s for s in slide.shapes if s.has_chart]
        if number in (1, 2, 15):
            assert pictures == [] and charts == [], number
            continue
        if number == 14:  # the map: a picture drawn by matplotlib
            [picture] = pictures
            assert charts == []
            assert (picture.left, picture.top, picture.width, picture.height) == briefing.PICTURE
            assert (picture.width, picture.height) == (8193024, 4608576)  # 8.96 x 5.04 in, 16:9
            assert picture.image.content_type == "image/png"
            assert picture.image.size == (1920, 1080)
            continue
        [chart] = charts
        assert pictures == [], number
        assert (chart.left, chart.top, chart.width) == briefing.PICTURE[:3]
        assert chart.height == briefing.PICTURE[3] - 274320  # 0.3 in left under it for the source line


def test_speaker_notes_on_every_content_slide(built):
    slides = built["deck"].slides
    assert not slides[0].has_notes_slide
    assert all(s.has_notes_slide and s.notes_slide.notes_text_frame.text for s in list(slides)[1:])


def test_key_figure_notes_equal_the_data_layer(built, con):
    model = overview.model(con, Selection(AREA, START, END), "id", {})
    kpis = {k: v.value for k, v in model.kpis.items()}
    assert kpis == {"villages": 3, "reported": 8, "placements": 46.0, "returns": 24.0, "remittances": 81_000_000.0,
                    "consultations": 32.0, "trainees": 32.0, "children": None, "coop_members": 240.0,
                    "savings": 500_000_000.0}
    lines = _notes(built, 2).splitlines()
    n = formatting.number
    cover = "Cakupan: dari 18 laporan yang diharapkan, 8 masuk (44,4%)."
    assert lines[0] == "Angka utama Kabupaten Tulungagung, Januari 2024 – Juni 2024."
    assert lines[1].startswith(f"Desa program: {n(kpis['villages'])} desa.")
    assert lines[2] == (f"Laporan masuk: {n(kpis['reported'])} laporan. Naik 8 laporan dibanding Januari 2023 – "
                        "Juni 2023, yang tercatat 0. Cakupan: dari 18 laporan yang diharapkan, 8 masuk (44,4%).")
    # nothing was reported a year earlier: no change is claimed, and the coverage is said
    assert lines[3] == (f"Penempatan PMI: {n(kpis['placements'])} orang (73,9% perempuan). Tidak dibandingkan: "
                        "tidak ada laporan yang masuk di kedua periode (ini dan Januari 2023 – Juni 2023). " + cover)
    assert lines[8] == ("Anak PMI dibina (rata-rata per bulan): tidak dilaporkan. "
                        "Cakupan: dari 18 laporan yang diharapkan, 0 masuk (0,0%).")
    assert lines[9].endswith("Cakupan: dari 3 desa program, 2 melaporkan (66,7%).")
    cards = _texts(built, 2)
    assert any(t.startswith("Anak PMI dibina (rata-rata per bulan)\n–\n") for t in cards)      # missing shows '–', never 0
    assert any(t.startswith("Penempatan PMI\n46\n73,9% perempuan") for t in cards)


def test_pillar_notes_equal_indicator_totals(built, con):
    from pipelines.metrics.measure import measure
    m = measure(con, AREA, START, END, compare=None)
    value = {code: m.total(code).value for code in ("K01", "K02", "K05", "L01", "U06")}
    assert value["K01"] == 240.0 and value["L01"] == 16.0 and value["U06"] is None and value["K05"] == 2.0
    pillar1, pillar2, pillar4 = _notes(built, 3), _notes(built, 4), _notes(built, 6)
    assert any(line.startswith(f"Konsultasi calon PMI laki-laki: {formatting.number(value['L01'])} orang.")
               for line in pillar1.splitlines())
    assert ("Omzet usaha binaan: tidak dilaporkan. Cakupan: dari 18 laporan yang diharapkan, 0 masuk (0,0%)."
            in pillar2.splitlines())  # missing is said, never 0; its coverage beside it
    assert f"Anggota koperasi: {formatting.number(value['K01'])} orang." in pillar4
    assert f"Total simpanan anggota: {formatting.rupiah(value['K02'])}." in pillar4
    assert f"Koperasi berbadan hukum: {formatting.number(value['K05'])} desa." in pillar4
    assert "Omzet usaha binaan\n–" not in _texts(built, 4)  # table cells: name and value apart
    assert [c for c in _texts(built, 4) if c == "–"] == ["–"]


def test_placement_return_and_remittance_notes_equal_the_flows(built, con):
    sexes = dict(metrics.placements_by(con, AREA, START, END, "sex").iter_rows())
    assert sexes == {"P": 34, "L": 12}
    assert _notes(built, 7).splitlines()[0] == (
        "Selama Januari 2024 – Juni 2024, 46 PMI dari desa program di Kabupaten Tulungagung berangkat bekerja ke "
        f"luar negeri: {sexes['P']} perempuan (73,9%) dan {sexes['L']} laki-laki.")
    assert _notes(built, 8).splitlines()[0] == (
        "Negara tujuan terbanyak: Taiwan 24 orang (52,2%), Malaysia 12 orang (26,1%), Hong Kong 10 orang (21,7%).")
    sectors = dict(metrics.placements_by(con, AREA, START, END, "sector").iter_rows())
    assert _notes(built, 9) == (f"Sektor pekerjaan terbanyak: Domestik {sectors['Domestik']} orang (52,2%), "
                                f"Perkebunan/Pertanian {sectors['Perkebunan/Pertanian']} orang (26,1%), "
                                f"Perawat/Caregiver {sectors['Perawat/Caregiver']} orang (21,7%).\n"
                                "Cakupan: dari 18 laporan yang diharapkan, 8 masuk (44,4%).")
    returns = metrics.returns_by(con, AREA, START, END, "sex")
    assert (returns["count"].sum(), returns["with_problem"].sum()) == (24, 8)
    assert _notes(built, 10).splitlines()[0] == (
        "Selama Januari 2024 – Juni 2024, 24 PMI pulang ke desa program di Kabupaten Tulungagung; 8 di antaranya "
        "pulang bermasalah (33,3%).")
    channels = metrics.remittances_by(con, AREA, START, END, "channel")
    amount, tx = channels["amount_idr"].sum(), channels["transactions"].sum()
    assert (amount, tx) == (81_000_000, 34)
    assert _notes(built, 11).splitlines()[0] == (
        f"Selama Januari 2024 – Juni 2024, remitansi ke desa program di Kabupaten Tulungagung tercatat "
        f"{formatting.rupiah(amount)} dalam {formatting.number(tx)} transaksi, rata-rata "
        f"{formatting.rupiah(amount / tx)} per transaksi.")
    assert _notes(built, 12) == ("Remitansi menurut saluran: Bank Rp 75,0 juta (92,6%), Kantor Pos Rp 6,0 juta (7,4%).\n"
                                 "Cakupan: dari 18 laporan yang diharapkan, 8 masuk (44,4%).")


def test_reporting_map_and_data_notes(built, con):
    june = metrics.completeness_by_month(con, AREA, END, END).row(0, named=True)
    assert (june["villages_joined"], june["villages_reported"]) == (3, 1)
    assert _notes(built, 13).splitlines()[0] == (
        "Untuk Juni 2024, 1 dari 3 desa yang sudah bergabung melapor (33,3%): 1 tepat waktu, 0 terlambat, "
        "dan 2 tidak melapor.")
    assert "Penempatan terbanyak berasal dari Desa Tunggangri, Kecamatan Kalidawir (36 orang)." in _notes(built, 14)
    notes = _notes(built, 15).splitlines()
    assert f"Desa tanpa laporan sama sekali selama Januari 2024 – Juni 2024 (1): {FORMULA_NAME}." in notes
    assert "10 dari 18 laporan desa-bulan yang diharapkan belum masuk." in notes
    assert "Indikator yang tidak dilaporkan satu desa pun: Omzet usaha binaan, Anak PMI dibina (per bulan)." in notes
    assert not any("DATA DEMO" in line for line in notes)  # not a demo warehouse


def test_xlsx_has_every_table_and_escapes_formula_like_names(built):
    data = built["out"].with_suffix(".xlsx").read_bytes()
    book = fastexcel.read_excel(data)
    assert book.sheet_names == SHEETS
    missing = book.load_sheet("Desa belum melapor").to_polars()
    assert f"'{FORMULA_NAME}" in missing["Desa"].to_list()
    villages = book.load_sheet("Desa di peta").to_polars()
    assert villages["Desa"].to_list() == ["Tunggangri", "Betak", f"'{FORMULA_NAME}"]
    assert villages["Penempatan"].to_list() == [36.0, 10.0, None]  # never reported: empty, not 0
    assert villages["Kelengkapan"].to_list() == [1.0, 0.3333, 0.0]  # a share, shown with a percent format
    figures = book.load_sheet("Angka utama").to_polars()
    assert figures["Nilai"].to_list() == [3, 8, 46, 24, 81_000_000, 32, 32, None, 240, 500_000_000]
    assert figures["Perubahan"].to_list()[:3] == [0, 8, None]  # a number, not '+8' text; no basis: empty
    placements = book.load_sheet("Penempatan per bulan").to_polars()
    assert placements["Bulan"].to_list() == [f"2024-0{m}" for m in range(1, 7)]
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_outline_lists_the_slides_of_the_pack(con):
    frame = briefing.outline(con, AREA, START, END)
    assert frame.columns == ["No.", "Slide", "Isi"]
    assert frame["Slide"].to_list() == TITLES
    english = briefing.outline(con, AREA, START, END, "en")
    assert english["Slide"].to_list()[:3] == ["Kabupaten Tulungagung", "Key figures", "Pillar 1: Migration services"]
    with pytest.raises(briefing.BriefingError):
        briefing.outline(con, "99", START, END)


# --- pieces -------------------------------------------------------------------------------------------------

def test_change_sentences_never_turn_missing_into_zero():
    ctx = briefing.Context(None, "", START, END, "id", briefing.read_labels("id"), "Nasional", "p", "q", "r",
                           "s", "t", False)
    assert briefing.change_sentence(10, 5, "pl_unit_orang", "X", ctx) == "Naik 5 orang (100,0%) dibanding X."
    assert briefing.change_sentence(5, 10, "rupiah", "X", ctx) == "Turun Rp 5 (50,0%) dibanding X."
    assert briefing.change_sentence(5, None, "pl_unit_orang", "X", ctx) == "Tidak dapat dibandingkan: X tidak dilaporkan."
    assert briefing.change_sentence(None, 5, "pl_unit_orang", "X", ctx) == ""
    assert briefing.figure_sentence("Remitansi", None, "rupiah", ctx) == "Remitansi: tidak dilaporkan."
    assert briefing.figure_sentence("Remitansi", 0.0, "rupiah", ctx) == "Remitansi: Rp 0."


def test_units_are_singular_for_one_where_the_language_says_so():
    def ctx(lang):
        return briefing.Context(None, "", START, END, lang, briefing.read_labels(lang), "Nasional", "p", "q", "r",
                                "s", "t", False)
    english, indonesian = ctx("en"), ctx("id")
    assert briefing.change_sentence(15, 14, "bp_unit_desa", "X", english) == "Up 1 village (7.1%) compared with X."
    assert briefing.change_sentence(16, 14, "bp_unit_desa", "X", english) == "Up 2 villages (14.3%) compared with X."
    assert briefing.change_sentence(14, 15, "pl_unit_orang", "X", english).startswith("Down 1 person (")
    assert briefing.change_sentence(15, 14, "bp_unit_desa", "X", indonesian) == "Naik 1 desa (7,1%) dibanding X."


def test_static_map_geometry():
    assert static_map.bounds(pl.DataFrame({"lat": [-8.0], "lon": [112.0]}), "") == geo.BBOX
    x, y, ratio = static_map.fit((111.0, -8.2, 111.1, -8.1), 960, 540)
    plot_w = 960 - static_map.MARGIN["l"] - static_map.MARGIN["r"]
    plot_h = 540 - static_map.MARGIN["t"] - static_map.MARGIN["b"]
    assert (x[1] - x[0]) / ((y[1] - y[0]) * ratio) == pytest.approx(plot_w / plot_h)
    assert static_map.scale_bar([111.0, 111.5], [-8.2, -8.0])[1] == 10
    assert static_map.marker_size(None, 50) == static_map.marker_size(0, 50) == static_map.SIZES[False][0]
    assert static_map.marker_size(50, 50) == static_map.SIZES[False][1]
    points = [(100, 100, 20, "Tunggangri"), (104, 100, 20, "Betak"), (400, 300, 10, "Bringinan")]
    placed = static_map.place_labels(points, (800, 400))
    assert [i for i, _ in placed] == [0, 1, 2]


def test_static_map_png_at_slide_size_without_a_browser(con):
    villages = map_values.village_values(con, AREA, START, END)
    png = static_map.png(villages, AREA, "Peta", "Kabupaten Tulungagung, Januari 2024 – Juni 2024", "id",
                         briefing.read_labels("id"), "Sumber: laporan bulanan desa Desmigratif, data per x",
                         *briefing.CANVAS, briefing.RENDER_SCALE)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1920, 1080)


# --- presenter's choices, tables and the map's honesty ---------------------------------------------------------

def test_english_pack_with_unticked_slides(con):
    pack = briefing.build(con, AREA, START, END, "en", include={1, 2, 9, 12, 15})
    deck = Presentation(io.BytesIO(pack.pptx))
    assert [s.shapes.title.text for s in deck.slides] == [
        "Kabupaten Tulungagung", "Key figures", "Sectors of work", "Remittances by channel", "Data notes"]
    assert [s.number for s in pack.slides] == [1, 2, 3, 4, 5]
    footer = [sh.text_frame.text for sh in deck.slides[2].shapes if sh.has_text_frame][-1]
    assert footer == "3 / 5"
    book = fastexcel.read_excel(pack.xlsx)
    assert book.sheet_names[-1] == "Notes"
    assert book.load_sheet("Sectors").to_polars().rows() == [
        ("Domestic work", 24, 24, 0, 0.5217), ("Plantations and farming", 12, 0, 12, 0.2609),
        ("Care work", 10, 10, 0, 0.2174)]
    assert book.load_sheet("Remittances by channel").to_polars().rows() == [
        ("Bank", 30, 75_000_000, 0.9259), ("Post office", 4, 6_000_000, 0.0741)]
    pillar = book.load_sheet("Pillar 1").to_polars()
    assert set(pillar["Kind"].to_list()) == {"flow (summed over months)"}
    with pytest.raises(briefing.BriefingError):
        briefing.build(con, AREA, START, END, include=set())


def test_table_cell_change_is_short():
    def kpi(value, previous, money=False):  # a figure compared by its two totals (value, previous, delta)
        return SimpleNamespace(value=value, previous=previous, delta=overview.delta_text(value, previous, money, "id"))
    kpi_ = kpi(100.0, 163.6, money=True)
    assert kpi_.delta == "-Rp 64 (-38,9%)"
    assert briefing.row_change(kpi_) == "▼ 38,9%"
    assert briefing.row_change(kpi(2.0, 0.0)) == "▲ +2"
    assert briefing.row_change(kpi(None, 3.0)) == ""


def test_static_map_greys_silent_villages_and_shows_every_point():
    villages = pl.DataFrame({
        "village_code": ["a", "b", "c"], "village_name": ["A", "B", "C"], "subdistrict": ["K"] * 3,
        "lat": [-8.0, -8.0, -8.1], "lon": [112.0, 112.0, 112.1], "coords_exact": [True] * 3,
        "months_joined": [6, 6, 6], "months_reported": [6, 0, 3], "completeness": [1.0, 0.0, 0.5],
        "placements": [10, None, 2]})
    labels = briefing.read_labels("id")
    *_, located, cuts = static_map.layout(villages, "35.04", 1024, 576)
    classes = map_style.legend(cuts, "share", "id", labels)
    assert classes[-1][1] == labels["map_not_reported"]
    grey = located.filter(pl.col("klass") == len(classes) - 1)
    assert grey["village_name"].to_list() == ["B"]
    assert (grey["lon"][0], grey["lat"][0]) != (112.0, -8.0)       # B: no report, grey, moved off A
    drawn = list(zip(located["lon"].to_list(), located["lat"].to_list()))
    assert len(drawn) == 3 and len(set(drawn)) == 3
    assert len(static_map.png(villages, "35.04", "Peta", "x", "id", labels)) > 0  # drawn without a browser
