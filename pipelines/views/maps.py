"""Maps: per-village values of the map metrics, unit bubbles, choropleths and the pydeck decks that draw them."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl
import pydeck as pdk

from pipelines import areas, formatting, warehouse
from pipelines.metrics import figures
from pipelines.metrics.facts import UNIT_COLUMNS
from pipelines.metrics.measure import Measure, measure
from pipelines.views import geo, overlap

Con = duckdb.DuckDBPyConnection


@dataclass(frozen=True)
class Metric:
    key: str
    figure: str               # the metric-layer figure it shows (reference/figures.csv)

    @property
    def unit(self) -> str:
        """count | rupiah | share, from the figure catalogue."""
        fig = figures.get(self.figure)
        return "rupiah" if fig.money else "share" if fig.share else "count"


# The map metrics: each one figure of the metric layer (composites are defined there, once).
METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("placements", "placements"),
    Metric("remittances", "remittances"),
    Metric("returns", "returns"),
    Metric("completeness", "completeness"),
    Metric("consultations", "consultations"),
    Metric("trainees", "trainees"),
    Metric("children", "C02"),
    Metric("members", "K01"),
)}
# Every column of the map data (metrics, tooltips, the briefing's static map) -> its figure.
COLUMNS = {**{m.key: m.figure for m in METRICS.values()},
           "placements_women": "placements_women", "returns_with_problem": "returns_with_problem",
           "villages": "villages_joined", "months_reported": "reports_in", "months_joined": "reports_expected"}
# ColorBrewer YlGnBu, 5 classes: colour-blind safe and readable on a projector; grey = not reported.
SCALE = [(199, 233, 180), (127, 205, 187), (65, 182, 196), (44, 127, 184), (37, 52, 148)]
MISSING_COLOUR = (170, 170, 170)
BUBBLE_COLOUR = (230, 159, 0)  # Okabe-Ito orange: totals per unit, apart from the village scale
SHARE_BREAKS = (0.5, 0.7, 0.85, 0.95)  # completeness: < 50 %, 50-70, 70-85, 85-95, >= 95 %
LAND_COLOUR, NEIGHBOUR_COLOUR, SEA_COLOUR = (222, 222, 218), (241, 241, 238), (226, 236, 244)
MIN_SPAN, MAX_ZOOM = 0.8, 13.0  # a zoomed view still shows its surroundings (coast, province lines)
# The smallest box (degrees) a fitted view shows, by the area's level: a district's villages fill the map
# (MIN_SPAN left Ponorogo's 14 villages in 100 px), a village still shows its neighbours.
LEVEL_SPAN = {"province": 0.8, "district": 0.08, "subdistrict": 0.04, "village": 0.03}
TILE = 512             # px of deck.gl's whole world at zoom 0
MAP_SIZE = (820, 560)  # px the Peta page's map has at 1400 px (height 560); a narrower fit never cuts the area
LABEL_LEVELS = ("subdistrict", "village")  # villages are named on the map at these levels ...
LABEL_MAX = 40                              # ... or whenever the area has at most this many
NATIONAL_VIEW = dict(latitude=-2.6, longitude=118.0, zoom=3.7)
# Label keys (ui/labels.csv) a page passes in as {key: text} so that this module stays free of streamlit.
LABEL_KEYS = (
    "map_metric_placements", "map_metric_remittances", "map_metric_returns", "map_metric_completeness",
    "map_metric_consultations", "map_metric_trainees", "map_metric_children", "map_metric_members",
    "map_coords_approx", "map_months_reported", "map_villages_n", "map_not_reported", "map_col_code",
    "map_col_name", "map_col_villages", "map_col_value", "map_col_level", "level_province", "level_district",
    "level_subdistrict", "level_village", "map_all_values", "map_legend_villages",
    "map_legend_units", "map_legend_units_size", "map_legend_choropleth", "map_cov_short",
    "map_cov_short_villages", "map_col_covered", "map_col_expected", "map_col_covered_villages",
    "map_col_expected_villages", "map_total", "sementara",
)


# --- data ---------------------------------------------------------------------------------

def _reporting(key: str) -> bool:
    """A figure about reporting itself: its coverage is the reports in of the reports expected."""
    fig = figures.get(key)
    return fig.source == "calendar" or (fig.over_months == "ratio"
                                        and figures.get(fig.inputs.split("/")[1]).source == "calendar")


def unit_values(m: Measure, level: str, columns: dict[str, str] | None = None) -> pl.DataFrame:
    """Per programme unit of `level` (villages joined by the range end): code, name, and for each column
    its figure's value, <column>_covered and <column>_expected (NULL value = nothing reported)."""
    columns = dict(columns or COLUMNS)
    columns.setdefault("months_reported", "reports_in")
    columns.setdefault("months_joined", "reports_expected")
    long = m.by_unit(list(dict.fromkeys(columns.values())), level)
    out = long.select(pl.col("area_code").alias("code"), pl.col("area_name").alias("name")).unique("code")
    for column, key in columns.items():
        part = long.filter(pl.col("figure") == key).select(
            pl.col("area_code").alias("code"), pl.col("value").alias(column),
            pl.col("covered").alias(f"{column}_covered"), pl.col("expected").alias(f"{column}_expected"))
        out = out.join(part, on="code", how="left")
    # reporting figures rest on the reports in, of all expected (as Measure.total)
    out = out.with_columns(pl.col("months_reported", "months_joined").fill_null(0).cast(pl.Int64))
    out = out.with_columns([e for c, k in columns.items() if _reporting(k)
                            for e in (pl.col("months_reported").alias(f"{c}_covered"),
                                      pl.col("months_joined").alias(f"{c}_expected"))])
    return out.sort("code")


def places(con: Con, m: Measure) -> pl.DataFrame:
    """The programme villages of the measure with their units and coordinates."""
    units = (m.facts.expected.select("village_code", "village_name", "subdistrict_code", "subdistrict",
                                     "district_code", "district", "province_code", "province", "joined_year")
             .unique("village_code"))
    where = warehouse.query(con, "village_places", area=m.facts.area)
    return units.join(where, on="village_code", how="left").sort("village_code")


def located(m: Measure, where: pl.DataFrame, level: str, columns: dict[str, str] | None = None) -> pl.DataFrame:
    """unit_values with the unit's place: villages keep theirs (and their units), others the mean of their villages."""
    values = unit_values(m, level, columns)
    if level == "village":
        return (where.join(values.drop("name"), left_on="village_code", right_on="code", how="inner")
                .with_columns(pl.col("village_code").alias("code"), pl.col("village_name").alias("name")))
    code = UNIT_COLUMNS[level][0]
    centre = where.group_by(code).agg(pl.col("lat").mean(), pl.col("lon").mean()).rename({code: "code"})
    return values.join(centre, on="code", how="left").sort("code")


def village_values(con: Con, area: str, start: date, end: date, *, approved_only: bool = False,
                   today: date | None = None) -> pl.DataFrame:
    """Every programme village of the area with its place and each map column over the range (NULL = not reported)."""
    m = measure(con, area, start, end, compare=None, approved_only=approved_only, today=today)
    return located(m, places(con, m), "village")


def bubble_level(area_level: str) -> str | None:
    """The unit drawn as bubbles: districts down to a province, sub-districts inside a district."""
    return {"national": "district", "province": "district", "district": "subdistrict"}.get(area_level)


# --- colours, sizes, text -------------------------------------------------------------------

def format_value(value: float | None, unit: str, lang: str) -> str:
    """A metric value as text: '11.589', 'Rp 48,5 juta', '87,3%'; '–' when not reported."""
    if value is None:
        return formatting.MISSING
    if unit == "rupiah":
        return formatting.rupiah(value, lang)
    if unit == "share":
        return formatting.percent(value, lang)
    return formatting.number(value, lang)


def _nice(value: float, unit: str) -> float:
    """A break rounded for a legend: whole numbers, money to two significant digits."""
    if unit == "share":
        return value
    if unit == "rupiah" and value > 0:
        digits = 10 ** max(int(math.floor(math.log10(value))) - 1, 0)
        return round(value / digits) * digits
    return float(round(value))


def breaks(values: list[float | None], unit: str) -> list[float]:
    """Class breaks (up to 4, giving up to 5 classes): fixed for shares, quantiles otherwise."""
    if unit == "share":
        return list(SHARE_BREAKS)
    known = sorted(v for v in values if v is not None)
    if not known:
        return []
    cuts = []
    for q in (0.2, 0.4, 0.6, 0.8):
        cut = _nice(known[min(int(q * len(known)), len(known) - 1)], unit)
        if cut < known[-1] and (not cuts or cut > cuts[-1]):
            cuts.append(cut)
    return cuts


def colour_index(value: float | None, cuts: list[float], unit: str) -> int | None:
    """Class of a value (0 = lowest); None when not reported."""
    if value is None:
        return None
    for i, cut in enumerate(cuts):
        if (value < cut) if unit == "share" else (value <= cut):
            return i
    return len(cuts)


def _scale(cuts: list[float]) -> list[tuple[int, int, int]]:
    """As many colours as classes, spread over the full scale."""
    n = len(cuts) + 1
    if n == 1:
        return [SCALE[2]]
    return [SCALE[round(i * (len(SCALE) - 1) / (n - 1))] for i in range(n)]


def legend(cuts: list[float], unit: str, lang: str, labels: dict) -> list[tuple[str, str]]:
    """(hex colour, range text) per class, then grey for 'not reported'."""
    rows = []
    for i, colour in enumerate(_scale(cuts)):
        if not cuts:
            label = labels.get("map_all_values", "")
        elif i == 0:
            label = ("< " if unit == "share" else "≤ ") + format_value(cuts[0], unit, lang)
        elif i == len(cuts):
            label = ("≥ " if unit == "share" else "> ") + format_value(cuts[-1], unit, lang)
        else:
            label = f"{format_value(cuts[i - 1], unit, lang)} – {format_value(cuts[i], unit, lang)}"
        rows.append(("#%02x%02x%02x" % colour, label))
    rows.append(("#%02x%02x%02x" % MISSING_COLOUR, labels.get("map_not_reported", "")))
    return rows


def _fill(value: float | None, cuts: list[float], unit: str, alpha: int) -> list[int]:
    index = colour_index(value, cuts, unit)
    colour = MISSING_COLOUR if index is None else _scale(cuts)[index]
    return [*colour, alpha]


def _radius(value: float | None, top: float, low: float, high: float) -> float:
    if value is None or not top or value <= 0:
        return low
    return round(low + (high - low) * math.sqrt(min(value / top, 1.0)), 2)


# --- records for the layers -------------------------------------------------------------------

def _level_name(level: str, labels: dict) -> str:
    return labels.get(f"level_{level}", level)


def village_records(villages: pl.DataFrame, metric: str, cuts: list[float], lang: str,
                    labels: dict, large: bool = False) -> list[dict]:
    """One dict per village with coordinates: position, fill, radius and the tooltip texts."""
    unit = METRICS[metric].unit
    rows = villages.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    values = rows[metric].to_list()
    top = max((v for v in values if v is not None), default=0)
    low, high = (5, 14) if large else (2.5, 7)
    out = []
    for r in rows.iter_rows(named=True):
        value = r[metric]
        out.append({
            "code": r["village_code"], "name": f"Desa {r['village_name']}" if lang == "id" else r["village_name"],
            "plain_name": r["village_name"],
            "kind": f"{_level_name('village', labels)} · Kec. {r['subdistrict']} · {r['district']}",
            "value_text": format_value(value, unit, lang),
            "extra": f"{labels.get('map_months_reported', '')}: {r['months_reported']}/{r['months_joined']}",
            "note": "" if r["coords_exact"] else labels.get("map_coords_approx", ""),
            "position": [round(r["lon"], 5), round(r["lat"], 5)],
            "fill": _fill(value, cuts, unit, 235),
            "radius": (low + high) / 2 if unit == "share" else _radius(value, top, low, high),
        })
    return out


def coverage_text(row: dict, metric: str, lang: str, labels: dict) -> str:
    """'4/6 laporan masuk' ('1/2 desa melapor' for stocks): what the unit's value rests on."""
    key = "map_cov_short_villages" if figures.get(METRICS[metric].figure).per_village else "map_cov_short"
    return labels.get(key, "{covered}/{expected}").format(
        covered=formatting.number(row.get(f"{metric}_covered") or 0, lang),
        expected=formatting.number(row.get(f"{metric}_expected") or 0, lang))


def unit_records(units: pl.DataFrame, level: str, metric: str, lang: str, labels: dict) -> list[dict]:
    """One dict per aggregated unit (a bubble whose area follows the unit's total) with coordinates."""
    unit = METRICS[metric].unit
    rows = units.filter(pl.col("lat").is_not_null())
    size_by = "villages" if unit == "share" else metric
    top = max((v for v in rows[size_by].to_list() if v is not None), default=0)
    prefix = "Kec. " if level == "subdistrict" else ""
    return [{
        "code": r["code"], "name": prefix + r["name"], "kind": _level_name(level, labels),
        "value_text": format_value(r[metric], unit, lang),
        "extra": labels.get("map_villages_n", "{n}").format(n=formatting.number(r["villages"], lang))
        + " · " + coverage_text(r, metric, lang, labels),
        "note": "",
        "position": [round(r["lon"], 5), round(r["lat"], 5)],
        "fill": [*BUBBLE_COLOUR, 50 if r[metric] is None else 80],
        "radius": _radius(r[size_by], top, 6, 24),
    } for r in rows.iter_rows(named=True)]


def choropleth_geojson(boundaries: geo.Boundaries, area: str, units: pl.DataFrame, metric: str,
                       cuts: list[float], lang: str, labels: dict) -> dict:
    """GeoJSON of the boundary units inside the area, coloured by the metric at the file's level."""
    unit = METRICS[metric].unit
    shapes = geo.within(boundaries, area)
    by_code = {r["code"]: r for r in units.iter_rows(named=True)}
    features = []
    for code, geometry in zip(shapes["code"], shapes.geometry):
        row = by_code.get(code)
        value = row[metric] if row else None
        features.append({"type": "Feature", "geometry": geometry.__geo_interface__, "properties": {
            "code": code, "name": row["name"] if row else code, "kind": _level_name(boundaries.level, labels),
            "value_text": format_value(value, unit, lang),
            "extra": labels.get("map_villages_n", "{n}").format(n=formatting.number(row["villages"], lang))
            + " · " + coverage_text(row, metric, lang, labels) if row else "",
            "note": "", "fill": _fill(value, cuts, unit, 170) if row else [*MISSING_COLOUR, 60],
        }})
    return {"type": "FeatureCollection", "features": features}


# --- view ----------------------------------------------------------------------------------------

def view_for_bounds(min_lon: float, min_lat: float, max_lon: float, max_lat: float,
                    width: int = MAP_SIZE[0], height: int = MAP_SIZE[1], padding: float = 0.15,
                    min_span: float = MIN_SPAN) -> dict:
    """latitude, longitude, zoom that fit the box in a width x height map (Web Mercator)."""
    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    lon_span = max(max_lon - min_lon, min_span) * (1 + 2 * padding)
    y_span = max(abs(merc(max_lat) - merc(min_lat)), math.radians(min_span)) * (1 + 2 * padding)
    # deck.gl's world is TILE px wide at zoom 0 (512, not the 256 of web tiles: that zoomed in twice too far
    # and cut Jawa Timur at the edges).
    zoom_x = math.log2(width * 360 / (TILE * lon_span))
    zoom_y = math.log2(height * 2 * math.pi / (TILE * y_span))
    centre_y = (merc(max_lat) + merc(min_lat)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return dict(latitude=round(centre_lat, 4), longitude=round((min_lon + max_lon) / 2, 4),
                zoom=round(max(3.0, min(min(zoom_x, zoom_y), MAX_ZOOM)), 2))


def _geojson_box(collection: dict | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a GeoJSON FeatureCollection's coordinates, or None."""
    xs, ys = [], []

    def walk(c) -> None:
        if c and isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for part in c or []:
                walk(part)
    for f in (collection or {}).get("features", []):
        walk((f.get("geometry") or {}).get("coordinates"))
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def view_for(villages: pl.DataFrame, area: str, boundary: dict | None = None) -> dict:
    """The view of the whole country, or one fitted to the villages of the area and to its boundary
    (the area's own features of a PANTAU_BOUNDARIES file), whichever reaches further."""
    if not area:
        return dict(NATIONAL_VIEW)
    located = villages.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    boxes = [] if located.is_empty() else [
        (located["lon"].min(), located["lat"].min(), located["lon"].max(), located["lat"].max())]
    own = _geojson_box(boundary)
    if own:
        boxes.append(own)
    if not boxes:
        return dict(NATIONAL_VIEW)
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return view_for_bounds(west, south, east, north, min_span=LEVEL_SPAN.get(areas.level_of(area), MIN_SPAN))


def spread_points(points: list[dict], view: dict) -> list[dict]:
    """Village points that would cover each other at the view's zoom moved apart onto a small ring
    (pipelines.views.overlap), so every village can be seen, hovered and clicked."""
    if len(points) < 2:
        return points
    scale = TILE * 2 ** view["zoom"] / 360  # px per degree of longitude (Web Mercator)

    def merc(lat: float) -> float:
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))
    xy = [(p["position"][0] * scale, -merc(p["position"][1]) * scale) for p in points]
    gap = 2 * max(p["radius"] for p in points) + 2
    moved = overlap.spread(xy, gap)
    out = []
    for p, (x, y) in zip(points, moved):
        lat = math.degrees(2 * math.atan(math.exp(math.radians(-y / scale))) - math.pi / 2)
        out.append({**p, "position": [round(x / scale, 6), round(lat, 6)]})
    return out


# --- deck ------------------------------------------------------------------------------------------

def _base_layers() -> list[pdk.Layer]:
    """Sea, land (Indonesia darker than its neighbours) and province lines: drawn with no internet."""
    land = geo.land()
    coloured = {"type": "FeatureCollection", "features": [
        {**f, "properties": {**f["properties"],
                             "fill": [*(LAND_COLOUR if f["properties"].get("indonesia") else NEIGHBOUR_COLOUR), 255]}}
        for f in land["features"]]}
    west, south, east, north = geo.BBOX
    sea = [[west - 30, south - 20], [east + 30, south - 20], [east + 30, north + 20], [west - 30, north + 20]]
    return [
        pdk.Layer("PolygonLayer", id="map-sea", data=[{"polygon": sea}], get_polygon="polygon",
                  get_fill_color=[*SEA_COLOUR, 255], stroked=False, pickable=False),
        pdk.Layer("GeoJsonLayer", id="map-land", data=coloured, get_fill_color="properties.fill", filled=True,
                  stroked=True, get_line_color=[160, 160, 155, 255], line_width_min_pixels=0.6, pickable=False),
        pdk.Layer("GeoJsonLayer", id="map-provinces", data=geo.province_lines(), filled=False, stroked=True,
                  get_line_color=[135, 135, 135, 255], line_width_min_pixels=1, pickable=False),
    ]


def tooltip(metric_label: str) -> dict:
    """The Indonesian (or English) tooltip of every pickable layer."""
    return {"html": "<b>{name}</b><br/><span style='color:#555'>{kind}</span><br/>"
                    f"{metric_label}: <b>{{value_text}}</b><br/>{{extra}}<br/><i>{{note}}</i>",
            "style": {"backgroundColor": "white", "color": "#222", "fontSize": "13px",
                      "border": "1px solid #999", "padding": "6px"}}


class StaticDeck(pdk.Deck):
    """A Deck whose JSON is computed once, compact: cached page runs skip pydeck's slow indented dump."""

    def freeze(self) -> "StaticDeck":
        self._frozen = json.dumps(json.loads(super().to_json()), separators=(",", ":"), ensure_ascii=False)
        return self

    def to_json(self) -> str:
        return getattr(self, "_frozen", None) or super().to_json()


def deck(villages: list[dict], units: list[dict] | None, view: dict, metric_label: str,
         choropleth: dict | None = None, tiles: bool = False, labelled: bool = False) -> pdk.Deck:
    """The pydeck map: offline base layer, optional choropleth, unit bubbles, village points on top."""
    layers = [] if tiles else _base_layers()
    if choropleth and choropleth["features"]:
        layers.append(pdk.Layer("GeoJsonLayer", id="map-choropleth", data=choropleth, get_fill_color="properties.fill",
                                filled=True, stroked=True, get_line_color=[255, 255, 255, 255],
                                line_width_min_pixels=1, pickable=True))
    if units:
        layers.append(pdk.Layer("ScatterplotLayer", id="map-units", data=units, get_position="position",
                                get_fill_color="fill", get_radius="radius", radius_units="'pixels'",
                                stroked=True, get_line_color=[*BUBBLE_COLOUR, 255], line_width_min_pixels=1.5,
                                pickable=True))
    layers.append(pdk.Layer("ScatterplotLayer", id="map-villages", data=villages, get_position="position",
                            get_fill_color="fill", get_radius="radius", radius_units="'pixels'", stroked=True,
                            get_line_color=[60, 60, 60, 230], line_width_min_pixels=0.8, pickable=True))
    if labelled:
        layers.append(pdk.Layer("TextLayer", id="map-village-names", data=villages, get_position="position",
                                get_text="label", get_size=13, size_units="'pixels'", get_color=[34, 34, 34, 255],
                                get_pixel_offset=[0, -14], get_text_anchor="'middle'",
                                get_alignment_baseline="'bottom'", background=True,
                                get_background_color=[255, 255, 255, 200], background_padding=[2, 1],
                                font_family="'Source Sans Pro, Arial, sans-serif'"))
    options = dict(map_provider="carto", map_style="light") if tiles else dict(map_provider=None)
    return StaticDeck(layers=layers, initial_view_state=pdk.ViewState(**view, pitch=0, bearing=0),
                      tooltip=tooltip(metric_label), **options).freeze()


def selected_code(state) -> str | None:
    """The area code of the object picked on the map (st.pydeck_chart selection state), if any."""
    try:
        objects = state["selection"]["objects"]
    except (KeyError, TypeError):
        return None
    for layer in ("map-units", "map-choropleth", "map-villages"):
        for obj in objects.get(layer, []) or []:
            code = obj.get("code") or (obj.get("properties") or {}).get("code")
            if code:
                return code
    return None


# --- the Peta page model ----------------------------------------------------------------------------

@dataclass
class MapModel:
    deck: pdk.Deck
    metric: str
    legend: list[tuple[str, list[tuple[str, str]]]]  # (section title, [(hex colour, text)])
    table: pl.DataFrame            # the units (or villages) drawn, ranked by the metric, headers localised
    table_view: pl.DataFrame       # the same with the metric as formatted text
    table_level: str               # the level of the table's units
    drill: list[tuple[str, str]]   # (code, name) of the units one may drill into
    unit_level: str | None
    villages: int
    villages_located: int
    approximate: int               # villages whose coordinates are approximate
    choropleth_level: str | None = None
    boundary_error: str | None = None
    layers: list[str] = field(default_factory=list)
    provisional: bool = False      # an open month is in the range: the figures are sementara
    coverage: str = ""             # the area total of the metric and what it rests on (footnote)


def _ranked_table(units: pl.DataFrame, level: str, metric: str, labels: dict, provisional: bool) -> pl.DataFrame:
    """Units ranked by the metric (not reported last), with raw values and coverage for downloads."""
    value = pl.col(metric)
    per_village = figures.get(METRICS[metric].figure).per_village
    suffix = "_villages" if per_village else ""
    header = labels.get(f"map_metric_{metric}", metric)
    if provisional:
        header = f"{header} ({labels.get('sementara', 'sementara')})"
    ranked = units.sort([value.is_null(), value, "code"], descending=[False, True, False], nulls_last=True)
    return ranked.select(
        pl.col("code").alias(labels.get("map_col_code", "code")),
        pl.col("name").alias(labels.get("map_col_name", "name")),
        pl.lit(_level_name(level, labels)).alias(labels.get("map_col_level", "level")),
        pl.col("villages").cast(pl.Int64).alias(labels.get("map_col_villages", "villages")),
        pl.col(f"{metric}_covered").cast(pl.Int64).alias(labels.get(f"map_col_covered{suffix}", "covered")),
        pl.col(f"{metric}_expected").cast(pl.Int64).alias(labels.get(f"map_col_expected{suffix}", "expected")),
        value.alias(header),
    )


def _table_view(ranked: pl.DataFrame, metric: str, lang: str) -> pl.DataFrame:
    """The ranked table with counts and the metric as text in the chosen language's format."""
    unit = METRICS[metric].unit
    counts, value = ranked.columns[3:6], ranked.columns[6]
    return ranked.with_columns(
        *[pl.Series(c, [formatting.number(v, lang) for v in ranked[c].to_list()], pl.String) for c in counts],
        pl.Series(value, [format_value(v, unit, lang) for v in ranked[value].to_list()], pl.String))


def legend_html(sections: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """The legend as small HTML (colour swatches with their texts), one line per section."""
    from html import escape
    lines = []
    for title, rows in sections:
        swatches = " ".join(
            f"<span style='white-space:nowrap;margin-right:0.9em'><span style='display:inline-block;width:0.9em;"
            f"height:0.9em;border-radius:50%;background:{colour};border:1px solid #555;vertical-align:-0.1em'>"
            f"</span> {escape(text)}</span>" for colour, text in rows)
        lines.append(f"<div style='margin:0.15em 0'><b>{escape(title)}</b>&nbsp; {swatches}</div>")
    return "".join(lines)


def area_deck(m: Measure, where: pl.DataFrame, area: str, metric: str, lang: str, labels: dict,
              boundaries: geo.Boundaries | None = None, tiles: bool = False):
    """The deck of an area's programme villages from the measure `m` (places `where`), with the legend
    sections and what it drew: (deck, legend, info). Every value is a metric-layer figure of its unit."""
    unit = METRICS[metric].unit
    area_level = areas.level_of(area)
    level = bubble_level(area_level)
    metric_label = labels.get(f"map_metric_{metric}", metric)
    villages = located(m, where, "village")
    sections = []
    choropleth, by_level = None, None
    if boundaries is not None:
        by_level = located(m, where, boundaries.level)
        area_cuts = breaks(by_level[metric].to_list(), unit)
        choropleth = choropleth_geojson(boundaries, area, by_level, metric, area_cuts, lang, labels)
        if choropleth["features"]:
            title = labels.get("map_legend_choropleth", "").format(level=_level_name(boundaries.level, labels))
            sections.append((title, legend(area_cuts, unit, lang, labels)))
            if boundaries.level == level:
                level = None  # the choropleth already shows that level
        else:
            choropleth = None
    cuts = breaks(villages[metric].to_list(), unit)
    sections.insert(0, (labels.get("map_legend_villages", ""), legend(cuts, unit, lang, labels)))
    units = located(m, where, level) if level else None
    points = village_records(villages, metric, cuts, lang, labels,
                             large=area_level in ("district", "subdistrict", "village"))
    bubbles = unit_records(units, level, metric, lang, labels) if units is not None else None
    if bubbles:
        sections.append((labels.get("map_legend_units", "").format(level=_level_name(level, labels)),
                         [("#%02x%02x%02x" % BUBBLE_COLOUR, labels.get("map_legend_units_size", ""))]))
    view = view_for(villages, area, choropleth)  # the shaded areas lie inside the chosen one
    points = spread_points(points, view)
    labelled = area_level in LABEL_LEVELS or (bool(area) and len(points) <= LABEL_MAX)
    # only what the layers draw goes to the browser: the name label only where names are shown
    for p in points:
        name = p.pop("plain_name")
        if labelled:
            p["label"] = name
    the_deck = deck(points, bubbles, view, metric_label, choropleth, tiles, labelled)
    info = dict(level=level, units=units, by_level=by_level if choropleth else None, points=len(points),
                villages=villages)
    return the_deck, sections, info


def map_model(con: Con, area: str, start: date, end: date, metric: str, lang: str, labels: dict,
              boundary_path: str = "", tiles: bool = False, *, compare: str = "yoy",
              approved_only: bool = False) -> MapModel:
    """Everything the Peta page draws for an area, range and metric (the map shows no change: `compare`
    is accepted like every page model's and not used)."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    m = measure(con, area, start, end, compare=None, approved_only=approved_only)
    where = places(con, m)
    boundaries, error = None, None
    if boundary_path:
        try:
            boundaries = geo.load_boundaries(boundary_path)
        except geo.BoundaryError as exc:
            error = str(exc)
    the_deck, sections, info = area_deck(m, where, area, metric, lang, labels, boundaries, tiles)
    level, units, by_level, villages = info["level"], info["units"], info["by_level"], info["villages"]
    if units is not None:
        table, table_level = units, level
    elif by_level is not None:
        table, table_level = geo_filter(by_level, area), boundaries.level
    else:
        table, table_level = villages, "village"
    drill = [] if table_level == "village" and not area else [
        (r["code"], r["name"]) for r in table.sort("name").iter_rows(named=True) if r["code"] != area]
    provisional = m.facts.provisional
    ranked = _ranked_table(table, table_level, metric, labels, provisional)
    total = m.total(METRICS[metric].figure, with_change=False)
    coverage = labels.get("map_total", "{value}: {coverage}").format(
        name=labels.get(f"map_metric_{metric}", metric),
        value=format_value(total.value, unit=METRICS[metric].unit, lang=lang), coverage=total.coverage.text(lang))
    return MapModel(
        deck=the_deck, metric=metric, legend=sections,
        table=ranked, table_view=_table_view(ranked, metric, lang), table_level=table_level,
        drill=drill, unit_level=level, villages=villages.height, villages_located=info["points"],
        approximate=villages.filter(~pl.col("coords_exact")).height,
        choropleth_level=boundaries.level if by_level is not None else None, boundary_error=error,
        layers=[layer.id for layer in the_deck.layers], provisional=provisional, coverage=coverage,
    )


def geo_filter(units: pl.DataFrame, area: str) -> pl.DataFrame:
    """Units inside the area (all units for the whole country)."""
    if not area:
        return units
    return units.filter((pl.col("code") == area) | pl.col("code").str.starts_with(area + "."))
