"""Map views: the zoom and centre that fit an area, and village points moved apart where they would hide each other."""
from __future__ import annotations

import math

import polars as pl

from pipelines import areas
from pipelines.views import overlap

MIN_SPAN, MAX_ZOOM = 0.8, 13.0  # a zoomed view still shows its surroundings (coast, province lines)
# The smallest box (degrees) a fitted view shows, by the area's level: a district's villages fill the map
# (MIN_SPAN left Ponorogo's 14 villages in 100 px), a village still shows its neighbours.
LEVEL_SPAN = {"province": 0.8, "district": 0.08, "subdistrict": 0.04, "village": 0.03}
TILE = 512             # px of deck.gl's whole world at zoom 0
MAP_SIZE = (820, 560)  # px the Peta page's map has at 1400 px (height 560); a narrower fit never cuts the area
NATIONAL_VIEW = dict(latitude=-2.6, longitude=118.0, zoom=3.7)


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

