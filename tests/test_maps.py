"""Peta: the shipped base layer, boundary files, per-village map values, the pydeck deck and the page."""
from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import geopandas as gpd
import polars as pl
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from pipelines import formatting, migrations
from pipelines.ingest import load, registry
from pipelines.metrics.measure import measure
from pipelines.views import geo, map_layers, map_style, map_values, map_view, maps
from pipelines.views.selection import Selection
from tests.conftest import REGISTRY_CSV, ROOT, displayed, good_identity, good_values, make_workbook, scalar

APP = str(ROOT / "app.py")
JAN, MAR = date(2024, 1, 1), date(2024, 3, 1)
LABELS = {"map_cov_short": "{covered}/{expected} laporan masuk", "map_col_covered": "Laporan masuk",
          "map_col_expected": "Laporan diharapkan",
          "map_total": "{name}, seluruh wilayah terpilih: {value}; {coverage}",
          "map_metric_placements": "Penempatan PMI (orang)", "map_coords_approx": "koordinat perkiraan",
          "map_months_reported": "Bulan melapor", "map_villages_n": "{n} desa program",
          "map_not_reported": "tidak melapor", "level_district": "Kabupaten/kota", "level_village": "Desa",
          "level_province": "Provinsi", "map_size_value": "nilai", "map_all_values": "semua nilai",
          "map_legend_units_coloured": "Lingkaran {level} (luas sebanding dengan {size}), warna menurut nilai:"}


def build_fixture(folder: Path) -> Path:
    """A closed warehouse: the 4-village registry (Desa Baru joining only in 2025) and four reports.

    Tunggangri (35.04.14.2011) reports Jan-Mar 2024: 6 placements a month (Taiwan 4 women, Malaysia 2 men),
    3 returns (1 with a problem), Rp 12,5 juta remittances, cooperative members 100, 110, 120 (a stock).
    Betak (35.04.14.2016) reports Feb 2024: 5 placements to Hong Kong (women), members 50, L01 left blank.
    Bringinan (Ponorogo) never reports; Desa Baru (Lombok Timur, NTB) had not joined in 2024.
    """
    (folder / "desa.csv").write_text(REGISTRY_CSV.replace(",2021,", ",2025,"), encoding="utf-8")
    db = folder / "pantau.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, folder / "desa.csv")
    files = [load.Source(f"t-{m}.xlsx", make_workbook(identity=good_identity(periode=m),
                                                      values={**good_values(), "K01": k01}))
             for m, k01 in (("2024-01", 100), ("2024-02", 110), ("2024-03", 120))]
    files.append(load.Source("b.xlsx", make_workbook(
        identity=good_identity(kode_desa="35.04.14.2016", nama_desa="Betak", periode="2024-02"),
        values={**good_values(), "K01": 50, "L01": None},
        placements=[{"negara_tujuan": "Hong Kong", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": 5}])))
    assert all(r.status == "accepted" for r in load.load_files(con, files, "penguji"))
    con.close()
    return db


@pytest.fixture(scope="module")
def map_db(tmp_path_factory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("maps"))


@pytest.fixture
def ro(map_db):
    con = migrations.connect(map_db, read_only=True)
    yield con
    con.close()


@pytest.fixture
def squares(tmp_path) -> Path:
    """Two test-made province squares: East Java coded 35 (as a number) and NTB coded '52'."""
    frame = gpd.GeoDataFrame({"KODE_PROV": [35, "52"], "NAMA": ["Jawa Timur", "NTB"]},
                             geometry=[box(111, -9, 114, -7), box(115.8, -9.1, 119.3, -8)], crs=4326)
    path = tmp_path / "batas.geojson"
    path.write_text(frame.to_json(), encoding="utf-8")
    return path


# --- base layer ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [geo.LAND_FILE, geo.PROVINCE_LINES_FILE])
def test_basemap_files_are_small_valid_geojson_inside_indonesia_box(path):
    assert path.stat().st_size < 1_000_000
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and doc["features"]
    frame = gpd.read_file(path)
    assert frame.geometry.is_valid.all() or path == geo.PROVINCE_LINES_FILE
    west, south, east, north = frame.total_bounds
    assert geo.BBOX[0] <= west and south >= geo.BBOX[1] and east <= geo.BBOX[2] and north <= geo.BBOX[3]


def test_basemap_holds_indonesia_and_province_lines():
    land = geo.land()
    indonesia = [f for f in land["features"] if f["properties"]["indonesia"]]
    assert [f["properties"]["name"] for f in indonesia] == ["Indonesia"]
    assert {f["geometry"]["type"] for f in geo.province_lines()["features"]} <= {"LineString", "MultiLineString"}
    assert len(geo.province_lines()["features"]) > 20
    readme = (ROOT / "geo" / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme and "public domain" in readme and (ROOT / "geo" / "derive_basemap.py").exists()


# --- codes and boundary files --------------------------------------------------------------------------

@pytest.mark.parametrize("raw, code", [("3504", "35.04"), ("35.04", "35.04"), ("ID3504", "35.04"), (35.0, "35"),
                                       (3504, "35.04"), ("3504142011", "35.04.14.2011"), ("350414", "35.04.14"),
                                       ("3504140", None), ("abc", None), (None, None), (float("nan"), None)])
def test_codes_are_normalised_to_kemendagri_with_dots(raw, code):
    assert geo.normalise_code(raw) == code


def test_code_property_prefers_the_most_detailed_codes():
    frame = pl.DataFrame({"KODE_PROV": ["35", "35"], "kode_kab": ["3504", "3502"], "nama": ["a", "b"]}).to_pandas()
    assert geo.code_property(frame) == "kode_kab"
    with pytest.raises(geo.BoundaryError):
        geo.code_property(pl.DataFrame({"nama": ["a"]}).to_pandas())


def test_boundary_file_loads_at_province_level(squares):
    b = geo.load_boundaries(squares)
    assert (b.level, b.code_property, sorted(b.frame["code"])) == ("province", "KODE_PROV", ["35", "52"])
    assert list(geo.within(b, "35.04")["code"]) == ["35"]  # a coarser file shows the unit containing the area
    assert list(geo.within(b, "52")["code"]) == ["52"]


# --- values ------------------------------------------------------------------------------------------------

def test_village_values_exact_and_missing_stays_missing(ro):
    v = {r["village_code"]: r for r in map_values.village_values(ro, "", JAN, MAR).iter_rows(named=True)}
    assert sorted(v) == ["35.02.20.2001", "35.04.14.2011", "35.04.14.2016"]  # Desa Baru joined 2025: no programme village
    t, b, p = v["35.04.14.2011"], v["35.04.14.2016"], v["35.02.20.2001"]
    assert (t["placements"], t["placements_women"], t["returns"], t["remittances"]) == (18, 12, 9, 37_500_000)
    assert t["members"] == 120  # a stock: the latest month, not 100 + 110 + 120
    assert (t["months_reported"], t["months_joined"], t["completeness"]) == (3, 3, 1.0)
    assert (b["placements"], b["members"], b["consultations"]) == (5, 50, None)  # L01 blank: no L01 + L02 there
    assert (p["placements"], p["members"], p["completeness"], p["months_joined"]) == (None, None, 0.0, 3)


def test_unit_figures_come_from_the_metric_layer_not_summed_villages(ro):
    m = measure(ro, "", JAN, MAR, compare=None)
    d = {r["code"]: r for r in map_values.unit_values(m, "district").iter_rows(named=True)}
    assert sorted(d) == ["35.02", "35.04"]
    t = d["35.04"]
    assert (t["placements"], t["members"], t["consultations"], t["villages"]) == (23, 170, 12, 2)
    assert (t["consultations_covered"], t["consultations_expected"]) == (3, 6)   # Betak's February lacks L01
    assert (t["completeness"], t["completeness_covered"], t["completeness_expected"]) == (4 / 6, 4, 6)
    assert (t["members_covered"], t["members_expected"]) == (2, 2)              # a stock: villages
    # C02 counts children per month: the district's average month (30, 60, 30), never a sum of months
    # (120) nor a sum of the villages' own averages (30 + 30)
    assert t["children"] == 40
    assert (d["35.02"]["placements"], d["35.02"]["completeness"]) == (None, 0.0)


def test_pre_join_report_never_counts_on_the_map(con, ingest):
    # Desa Baru joined in 2021: its December 2020 report is kept but is no programme figure (the old
    # map_village_flows.sql counted it: 12,5% where completeness said 0,0%)
    [r] = ingest({"baru.xlsx": make_workbook(identity=good_identity(
        kode_desa="52.03.01.2001", nama_desa="Desa Baru", periode="2020-12", tanggal_lapor="2021-01-05"))})
    assert r.status.startswith("accepted")
    assert scalar(con, "SELECT sum(count) FROM placements WHERE village_code = '52.03.01.2001'") == 6  # kept
    v = map_values.village_values(con, "52", date(2020, 12, 1), date(2021, 1, 1), today=date(2021, 6, 1))
    assert v.select("village_code", "placements", "months_reported", "months_joined", "completeness").rows() == [
        ("52.03.01.2001", None, 0, 1, 0.0)]
    assert map_values.village_values(con, "52", date(2020, 12, 1), date(2020, 12, 1), today=date(2021, 6, 1)).height == 0


def test_breaks_legend_and_colours():
    assert map_style.breaks([None, None], "count") == []
    cuts = map_style.breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "count")
    assert cuts == [3, 5, 7, 9]
    assert [map_style.colour_index(v, cuts, "count") for v in (1, 3, 4, 10, None)] == [0, 0, 1, 4, None]
    rows = map_style.legend(cuts, "count", "id", {"map_not_reported": "tidak melapor"})
    assert [r[1] for r in rows] == ["≤ 3", "4 – 5", "6 – 7", "8 – 9", "≥ 10", "tidak melapor"]
    assert [map_style.colour_index(v, cuts, "count") for v in (3.4, 3.6)] == [0, 1]  # the class of the shown '3', '4'


def test_count_legend_classes_are_distinct_indonesian_numbers():
    rows = map_style.legend([45, 46, 1200, 2500], "count", "id", {"map_not_reported": "tidak melapor"})
    assert [r[1] for r in rows] == ["≤ 45", "46", "47 – 1.200", "1.201 – 2.500", "≥ 2.501", "tidak melapor"]
    assert [r[1] for r in map_style.legend([45, 46, 1200, 2500], "count", "en", {})][:5] == [
        "≤ 45", "46", "47 – 1,200", "1,201 – 2,500", "≥ 2,501"]
    assert map_style.legend([0.5, 0.7, 0.85, 0.95], "share", "id", {})[0][1] == "< 50,0%"
    assert formatting.value(48_500_000, "rupiah", "id") == "Rp 48,5 juta"


def test_view_fits_the_area():
    assert map_view.view_for(pl.DataFrame({"lat": [-8.0], "lon": [112.0]}), "") == map_view.NATIONAL_VIEW
    view = map_view.view_for_bounds(111.4, -8.16, 111.96, -7.9)
    assert (view["longitude"], round(view["latitude"], 2)) == (111.68, -8.03)
    assert 3 <= view["zoom"] <= map_view.MAX_ZOOM
    assert map_view.view_for_bounds(111.0, -8.0, 111.0, -8.0)["zoom"] <= map_view.MAX_ZOOM


def test_selected_code_reads_the_map_selection():
    state = {"selection": {"indices": {"map-units": [0]}, "objects": {"map-units": [{"code": "35.04"}]}}}
    assert map_layers.selected_code(state) == "35.04"
    assert map_layers.selected_code({"selection": {"objects": {"map-choropleth": [{"properties": {"code": "52"}}]}}}) == "52"
    assert map_layers.selected_code({"selection": {"indices": {}, "objects": {}}}) is None
    assert map_layers.selected_code(None) is None


# --- the deck ------------------------------------------------------------------------------------------------

def test_district_circles_say_village_in_the_singular_for_one_in_english(ro):
    model = maps.model(ro, Selection("", JAN, MAR), "en", None, metric="placements")
    units = {d["code"]: d for d in json.loads(model.deck.to_json())["layers"][3]["data"]}
    assert units["35.04"]["extra"].startswith("2 programme villages · ")
    assert units["35.02"]["extra"].startswith("1 programme village · ")


def test_deck_is_offline_with_layers_and_indonesian_tooltip(ro):
    model = maps.model(ro, Selection("", JAN, MAR), "id", LABELS, metric="placements")
    spec = json.loads(model.deck.to_json())
    # nationally one circle per district and no village points (spread apart they made rings in the sea)
    assert [layer["id"] for layer in spec["layers"]] == ["map-sea", "map-land", "map-provinces", "map-units"]
    assert "cartocdn" not in model.deck.to_json() and "mapProvider" not in spec  # no online tiles needed
    assert "Penempatan PMI (orang): <b>{value_text}</b>" in model.deck._tooltip["html"]
    units = {d["code"]: d for d in spec["layers"][3]["data"]}
    assert (units["35.04"]["value_text"], units["35.04"]["extra"]) == ("23", "2 desa program · 4/6 laporan masuk")
    assert model.table.columns[4:] == ["Laporan masuk", "Laporan diharapkan", "Penempatan PMI (orang)"]
    assert model.table.rows() == [("35.04", "Kabupaten Tulungagung", "Kabupaten/kota", 2, 4, 6, 23.0),
                                  ("35.02", "Kabupaten Ponorogo", "Kabupaten/kota", 1, 0, 3, None)]
    assert (model.villages, model.villages_located, model.approximate, model.aggregated) == (3, 3, 3, True)
    assert model.coverage == "Penempatan PMI (orang), seluruh wilayah terpilih: 23; dari 9 laporan yang diharapkan, " \
                             "4 masuk (44,4%)"
    assert not model.provisional


def test_national_and_province_maps_show_districts_at_their_centres_with_figure_and_coverage(ro):
    for area in ("", "35"):
        model = maps.model(ro, Selection(area, JAN, MAR), "id", LABELS, metric="placements")
        spec = json.loads(model.deck.to_json())
        assert "map-villages" not in model.layers and "map-village-names" not in model.layers
        [units] = [layer["data"] for layer in spec["layers"] if layer["id"] == "map-units"]
        # the largest circle first (drawn under the smaller ones); grey: not reported; one class for one value
        assert [(d["code"], d["name"], d["kind"], d["value_text"], d["extra"], d["position"], d["fill"], d["radius"])
                for d in units] == [
            ("35.04", "Kabupaten Tulungagung", "Kabupaten/kota", "23", "2 desa program · 4/6 laporan masuk",
             [111.955, -8.155], [65, 182, 196, 210], maps.DISTRICT_RADII["national" if not area else "province"][1]),
            ("35.02", "Kabupaten Ponorogo", "Kabupaten/kota", "–", "1 desa program · 0/3 laporan masuk",
             [111.4, -7.9], [170, 170, 170, 210], maps.DISTRICT_RADII["national" if not area else "province"][0])]
        assert model.legend[0] == ("Lingkaran Kabupaten/kota (luas sebanding dengan nilai), warna menurut nilai:",
                                   [("#41b6c4", "semua nilai"), ("#aaaaaa", "tidak melapor")])
        assert model.drill == [("35.02", "Kabupaten Ponorogo"), ("35.04", "Kabupaten Tulungagung")]
        # clicking a circle drills into its district
        pick = {"selection": {"objects": {"map-units": [units[1]]}}}
        assert map_layers.selected_code(pick) == "35.02"


def test_district_map_shows_each_village_and_its_subdistricts(ro):
    model = maps.model(ro, Selection("35.04", JAN, MAR), "id", LABELS, metric="placements")
    spec = json.loads(model.deck.to_json())
    assert [layer["id"] for layer in spec["layers"]] == ["map-sea", "map-land", "map-provinces", "map-units",
                                                         "map-villages", "map-village-names"]
    villages = {d["code"]: d for d in spec["layers"][4]["data"]}
    assert sorted(villages) == ["35.04.14.2011", "35.04.14.2016"]
    t = villages["35.04.14.2011"]
    assert (t["name"], t["value_text"], t["note"], t["label"]) == (
        "Desa Tunggangri", "18", "koordinat perkiraan", "Tunggangri")
    assert t["kind"] == "Desa · Kec. Kalidawir · Kabupaten Tulungagung"
    assert villages["35.04.14.2016"]["value_text"] == "5"
    assert [(d["code"], d["value_text"]) for d in spec["layers"][3]["data"]] == [("35.04.14", "23")]
    assert not model.aggregated and (model.villages, model.villages_located) == (2, 2)
    other = json.loads(maps.model(ro, Selection("35.02", JAN, MAR), "id", LABELS, metric="placements").deck.to_json())
    [bringinan] = next(layer["data"] for layer in other["layers"] if layer["id"] == "map-villages")
    assert (bringinan["code"], bringinan["value_text"]) == ("35.02.20.2001", "–")


def test_online_tiles_only_when_asked(ro):
    spec = json.loads(maps.model(ro, Selection("", JAN, MAR), "id", LABELS, metric="placements", tiles=True).deck.to_json())
    assert spec["mapProvider"] == "carto" and "map-land" not in [layer["id"] for layer in spec["layers"]]


def test_district_view_zooms_in_and_drills_to_subdistricts(ro):
    model = maps.model(ro, Selection("35.04", JAN, MAR), "id", LABELS, metric="members")
    spec = json.loads(model.deck.to_json())
    assert spec["initialViewState"]["zoom"] > 7
    assert model.unit_level == "subdistrict" and model.drill == [("35.04.14", "Kalidawir")]
    assert model.table.rows() == [("35.04.14", "Kalidawir", "subdistrict", 2, 2, 2, 170.0)]  # 2 of 2 villages


def test_open_month_marks_the_map_sementara(ro, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2024-04-10")  # March's deadline day: March is still open
    model = maps.model(ro, Selection("35.04", MAR, MAR), "id", {**LABELS, "sementara": "sementara"}, metric="placements")
    assert model.provisional and model.table.columns[-1] == "Penempatan PMI (orang) (sementara)"
    assert model.table.rows() == [("35.04.14", "Kalidawir", "subdistrict", 2, 1, 2, 6.0)]
    assert model.coverage.endswith("Sementara: Maret 2024 belum lewat tenggat (1 laporan belum jatuh tempo)")


def test_choropleth_from_test_made_polygons(ro, squares):
    model = maps.model(ro, Selection("", JAN, MAR), "id", LABELS, metric="placements", boundary_path=str(squares))
    spec = json.loads(model.deck.to_json())
    layer = next(layer for layer in spec["layers"] if layer["id"] == "map-choropleth")
    props = {f["properties"]["code"]: f["properties"] for f in layer["data"]["features"]}
    assert (props["35"]["name"], props["35"]["value_text"]) == ("Jawa Timur", "23")
    assert props["52"]["value_text"] == "–" and props["52"]["fill"][:3] == list(map_style.MISSING_COLOUR)
    assert model.choropleth_level == "province" and "map-units" in model.layers  # district bubbles stay


def test_bad_boundary_file_reports_and_still_draws(ro, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text(gpd.GeoDataFrame({"nama": ["x"]}, geometry=[box(0, 0, 1, 1)], crs=4326).to_json())
    model = maps.model(ro, Selection("", JAN, MAR), "id", LABELS, metric="placements", boundary_path=str(bad))
    assert model.boundary_error and "map-choropleth" not in model.layers and "map-units" in model.layers


# --- the page ----------------------------------------------------------------------------------------------

@pytest.fixture
def app(map_db, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(map_db))
    monkeypatch.setenv("PANTAU_TODAY", "2024-04-15")
    monkeypatch.delenv("PANTAU_BOUNDARIES", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


def _table(at) -> list[tuple]:
    """The ranking as the browser shows it (numbers are sent as numbers, so the table sorts by value)."""
    return [tuple(r) for r in displayed(at.dataframe[0]).itertuples(index=False)]


def test_map_page_shows_district_ranking_and_drills_in(app):
    app.switch_page("pages/dashboard/peta.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Peta"
    assert app.subheader[0].value == "Penempatan PMI (orang) · Nasional · Januari 2024 – Maret 2024"
    assert _table(app)[0] == ("35.04", "Kabupaten Tulungagung", "Kabupaten/kota", "2", "4", "6", "23")
    assert _table(app)[1][-1] == "–"
    import pyarrow as pa
    sent = pa.ipc.open_stream(app.dataframe[0].proto.arrow_data.data).read_all().schema
    assert pa.types.is_integer(sent.field("Laporan masuk").type)  # a number: sorting orders 9 before 10
    assert pa.types.is_integer(sent.field("Penempatan PMI (orang)").type)  # whole counts sent as integers
    assert any("Satu lingkaran per kabupaten/kota di titik tengah desanya (3 dari 3 desa berkoordinat)" in c.value
               for c in app.caption)
    app.selectbox(key="map_drill_id").set_value("35.04").run()
    assert not app.exception
    assert "Kabupaten Tulungagung" in app.subheader[0].value
    assert any("2 dari 2 desa digambar; 2 desa memakai koordinat perkiraan" in c.value for c in app.caption)
    assert _table(app) == [("35.04.14", "Kalidawir", "Kecamatan", "2", "4", "6", "23")]
    assert app.query_params["area"] == ["35.04"] or app.query_params["area"] == "35.04"


def test_map_metric_switch_shows_stock_not_summed(app):
    app.query_params["area"] = "35.04"
    app.switch_page("pages/dashboard/peta.py").run()
    app.selectbox(key="map_metric").set_value("members").run()
    assert not app.exception
    assert _table(app) == [("35.04.14", "Kalidawir", "Kecamatan", "2", "2", "2", "170")]
    assert any("Anggota koperasi (orang), seluruh wilayah terpilih: 170; dari 2 desa program, 2 melaporkan" in c.value
               for c in app.caption)


def test_map_page_draws_choropleth_from_boundary_setting(app, squares, monkeypatch):
    monkeypatch.setenv("PANTAU_BOUNDARIES", str(squares))
    app.switch_page("pages/dashboard/peta.py").run()
    assert not app.exception
    assert any("Warna wilayah per Provinsi" in c.value for c in app.caption)


def test_fitted_view_uses_the_areas_level_and_boundary():
    villages = pl.DataFrame({"lat": [-7.90, -7.91], "lon": [111.40, 111.42]})
    district = map_view.view_for(villages, "35.02")
    assert district == map_view.view_for_bounds(111.40, -7.91, 111.42, -7.90, min_span=map_view.LEVEL_SPAN["district"])
    assert district["zoom"] > map_view.view_for_bounds(111.40, -7.91, 111.42, -7.90)["zoom"]  # not the 0.8° floor
    boundary = {"features": [{"geometry": {"type": "Polygon", "coordinates": [
        [[111.0, -8.3], [111.9, -8.3], [111.9, -7.6], [111.0, -7.6], [111.0, -8.3]]]}}]}
    assert map_view.view_for(villages, "35.02", boundary) == map_view.view_for_bounds(
        111.0, -8.3, 111.9, -7.6, min_span=map_view.LEVEL_SPAN["district"])


def test_villages_on_one_spot_are_spread_apart_on_the_deck():
    points = [{"position": [111.4, -7.9], "radius": 5}, {"position": [111.4, -7.9], "radius": 5},
              {"position": [112.5, -7.0], "radius": 5}]
    view = {"latitude": -7.5, "longitude": 112.0, "zoom": 9.0}
    out = map_view.spread_points(points, view)
    assert out[2]["position"] == [112.5, -7.0]
    assert out[0]["position"] != out[1]["position"]
    assert out[0]["position"][0] == out[1]["position"][0] == 111.4           # one above the other
    px = map_view.TILE * 2 ** 9 / 360
    lats = sorted(p["position"][1] for p in out[:2])
    assert round((lats[1] - lats[0]) * px / math.cos(math.radians(7.9))) == 12  # 2 * radius + 2 px apart
