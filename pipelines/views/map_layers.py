"""Map layers: village points, unit bubbles and choropleth records, the offline base layer and the pydeck deck."""
from __future__ import annotations

import json

import polars as pl
import pydeck as pdk

from pipelines import formatting
from pipelines.labels import plural_key
from pipelines.metrics import figures
from pipelines.views import geo
from pipelines.views.map_style import (
    BUBBLE_COLOUR,
    LAND_COLOUR,
    MISSING_COLOUR,
    NEIGHBOUR_COLOUR,
    SEA_COLOUR,
    fill,
    radius,
)
from pipelines.views.map_values import METRICS


def level_name(level: str, labels: dict) -> str:
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
            "kind": f"{level_name('village', labels)} · Kec. {r['subdistrict']} · {r['district']}",
            "value_text": formatting.value(value, unit, lang),
            "extra": f"{labels.get('map_months_reported', '')}: {r['months_reported']}/{r['months_joined']}",
            "note": "" if r["coords_exact"] else labels.get("map_coords_approx", ""),
            "position": [round(r["lon"], 5), round(r["lat"], 5)],
            "fill": fill(value, cuts, unit, 235),
            "radius": (low + high) / 2 if unit == "share" else radius(value, top, low, high),
        })
    return out


def coverage_text(row: dict, metric: str, lang: str, labels: dict) -> str:
    """'4/6 laporan masuk' ('1/2 desa melapor' for stocks): what the unit's value rests on."""
    key = "map_cov_short_villages" if figures.get(METRICS[metric].figure).per_village else "map_cov_short"
    return labels.get(key, "{covered}/{expected}").format(
        covered=formatting.number(row.get(f"{metric}_covered") or 0, lang),
        expected=formatting.number(row.get(f"{metric}_expected") or 0, lang))


def unit_records(units: pl.DataFrame, level: str, metric: str, lang: str, labels: dict,
                 cuts: list[float] | None = None, radii: tuple[float, float] = (6, 24)) -> list[dict]:
    """One dict per aggregated unit with coordinates: a circle at its centre whose area follows the unit's
    total (its villages for a share), orange, or coloured by the value's class when `cuts` is given;
    the largest first, so smaller circles lie on top and stay clickable."""
    unit = METRICS[metric].unit
    rows = units.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    size_by = "villages" if unit == "share" else metric
    top = max((v for v in rows[size_by].to_list() if v is not None), default=0)
    prefix = "Kec. " if level == "subdistrict" else ""
    out = [{
        "code": r["code"], "name": prefix + r["name"], "kind": level_name(level, labels),
        "value_text": formatting.value(r[metric], unit, lang),
        "extra": _villages_n(r["villages"], lang, labels)
        + " · " + coverage_text(r, metric, lang, labels),
        "note": "",
        "position": [round(r["lon"], 5), round(r["lat"], 5)],
        "fill": ([*BUBBLE_COLOUR, 50 if r[metric] is None else 80] if cuts is None
                 else fill(r[metric], cuts, unit, 210)),
        "radius": radius(r[size_by], top, *radii),
    } for r in rows.iter_rows(named=True)]
    return sorted(out, key=lambda d: -d["radius"]) if cuts is not None else out


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
            "code": code, "name": row["name"] if row else code, "kind": level_name(boundaries.level, labels),
            "value_text": formatting.value(value, unit, lang),
            "extra": _villages_n(row["villages"], lang, labels)
            + " · " + coverage_text(row, metric, lang, labels) if row else "",
            "note": "", "fill": fill(value, cuts, unit, 170) if row else [*MISSING_COLOUR, 60],
        }})
    return {"type": "FeatureCollection", "features": features}



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
         choropleth: dict | None = None, tiles: bool = False, labelled: bool = False,
         coloured_units: bool = False) -> pdk.Deck:
    """The pydeck map: offline base layer, optional choropleth, unit circles (orange totals, or coloured by
    value with a dark edge), village points on top when there are any."""
    layers = [] if tiles else _base_layers()
    if choropleth and choropleth["features"]:
        layers.append(pdk.Layer("GeoJsonLayer", id="map-choropleth", data=choropleth, get_fill_color="properties.fill",
                                filled=True, stroked=True, get_line_color=[255, 255, 255, 255],
                                line_width_min_pixels=1, pickable=True))
    if units:
        layers.append(pdk.Layer("ScatterplotLayer", id="map-units", data=units, get_position="position",
                                get_fill_color="fill", get_radius="radius", radius_units="'pixels'",
                                stroked=True, get_line_color=[60, 60, 60, 230] if coloured_units
                                else [*BUBBLE_COLOUR, 255], line_width_min_pixels=1 if coloured_units else 1.5,
                                pickable=True))
    if villages:
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


def _villages_n(n: int, lang: str, labels: dict) -> str:
    """'2 programme villages', '1 programme village' (the language's plural rule, via Babel)."""
    key = plural_key("map_villages_n", n, lang, within=labels)
    return labels.get(key, "{n}").format(n=formatting.number(n, lang))
