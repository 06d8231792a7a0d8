"""Map geometry: the shipped offline base layer and a deployer's boundary file with Kemendagri codes."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines import settings

if TYPE_CHECKING:  # geopandas (with shapely, pyproj, pyogrio) loads only when a boundary file is read
    import geopandas as gpd

GEO_DIR = settings.ROOT / "geo"
LAND_FILE = GEO_DIR / "indonesia_land.geojson"
PROVINCE_LINES_FILE = GEO_DIR / "indonesia_province_lines.geojson"
BBOX = (94.0, -12.0, 142.0, 7.0)  # lon/lat box of the base layer

# Property names that commonly hold a Kemendagri (or OCHA p-code) area code, compared in lower case.
CODE_PROPERTIES = (
    "kode", "kode_wilayah", "kode_kemendagri", "kdepum", "kode_desa", "kd_desa", "kode_kec", "kd_kec",
    "kdcpum", "kode_kab", "kode_kabkota", "kode_kab_kota", "kd_kab", "kdpkab", "kode_prov", "kode_provinsi",
    "kd_prov", "kd_propinsi", "kdppum", "adm4_pcode", "adm3_pcode", "adm2_pcode", "adm1_pcode", "code",
    "area_code",
)
# Part widths of a Kemendagri code: province 2, district 2, sub-district 2, village 4 digits.
_WIDTHS = (2, 2, 2, 4)
_LEVEL_BY_PARTS = {1: "province", 2: "district", 3: "subdistrict", 4: "village"}


class BoundaryError(ValueError):
    """The boundary file cannot be used (unreadable, or no property with area codes)."""


@dataclass(frozen=True)
class Boundaries:
    path: str
    code_property: str
    level: str                  # province | district | subdistrict | village
    frame: gpd.GeoDataFrame     # columns: code, geometry (WGS 84), one row per code


# --- the shipped base layer ---------------------------------------------------------------

@cache
def land() -> dict:
    """GeoJSON of the land in the map frame; property `indonesia` tells Indonesia from its neighbours."""
    return json.loads(LAND_FILE.read_text(encoding="utf-8"))


@cache
def province_lines() -> dict:
    """GeoJSON lines of Indonesia's province boundaries (Natural Earth, simplified)."""
    return json.loads(PROVINCE_LINES_FILE.read_text(encoding="utf-8"))


# --- area codes -----------------------------------------------------------------------------

def normalise_code(value: object) -> str | None:
    """A Kemendagri code with dots ('3504' -> '35.04', 'ID3504' -> '35.04', 35.0 -> '35'); None if not one."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value or not value.is_integer():  # NaN or a fraction
            return None
        value = int(value)
    text = str(value).strip().upper()
    text = re.sub(r"^IDN?", "", text)  # OCHA p-codes: ID35, ID3504, ...
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        parts, rest = [], text
        for width in _WIDTHS:
            if not rest:
                break
            parts.append(rest[:width])
            rest = rest[width:]
        if rest or any(len(p) != w for p, w in zip(parts, _WIDTHS)):
            return None
        return ".".join(parts)
    parts = re.split(r"[.\-/ ]", text)
    if len(parts) > 4 or not all(p.isdigit() for p in parts):
        return None
    if any(len(p) != w for p, w in zip(parts, _WIDTHS)):
        return None
    return ".".join(parts)


def level_of(code: str) -> str:
    """province | district | subdistrict | village from a normalised code."""
    return _LEVEL_BY_PARTS[len(code.split("."))]


def code_property(frame, candidates: tuple[str, ...] = CODE_PROPERTIES) -> str:
    """The property holding area codes: among the known names, the one with the most detailed valid codes."""
    by_lower = {str(c).lower(): c for c in frame.columns if c != "geometry"}
    best, best_key = None, None
    for name in candidates:
        column = by_lower.get(name)
        if column is None:
            continue
        codes = [normalise_code(v) for v in frame[column]]
        valid = [c for c in codes if c]
        if not valid or len(valid) < 0.9 * len(codes):
            continue
        depth = Counter(len(c.split(".")) for c in valid).most_common(1)[0][0]
        key = (depth, len(set(valid)))
        if best_key is None or key > best_key:
            best, best_key = column, key
    if best is None:
        raise BoundaryError("no property with Kemendagri codes (looked for: " + ", ".join(candidates) + ")")
    return best


# --- a deployer's boundary file -------------------------------------------------------------

def load_boundaries(path: str | Path, tolerance: float = 0.002) -> Boundaries:
    """Read a GeoJSON/GeoPackage boundary file: codes normalised, the most common level kept, simplified."""
    file = Path(path)
    if not file.exists():
        raise BoundaryError(f"boundary file not found: {file}")
    return _load(str(file.resolve()), file.stat().st_mtime_ns, tolerance)


@lru_cache(maxsize=4)
def _load(path: str, mtime: int, tolerance: float) -> Boundaries:
    import geopandas as gpd

    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise BoundaryError(f"cannot read boundary file {path}: {exc}") from exc
    if frame.empty:
        raise BoundaryError(f"boundary file {path} holds no features")
    prop = code_property(frame)
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    frame = gpd.GeoDataFrame({"code": [normalise_code(v) for v in frame[prop]]},
                             geometry=frame.geometry.values, crs=4326)
    frame = frame[frame["code"].notna() & frame.geometry.notna()]
    depth = Counter(frame["code"].str.count(r"\.") + 1).most_common(1)[0][0]
    frame = frame[frame["code"].str.count(r"\.") + 1 == depth]
    frame = frame.dissolve(by="code", as_index=False)[["code", "geometry"]]
    if tolerance:
        frame["geometry"] = frame.geometry.simplify(tolerance, preserve_topology=True)
    return Boundaries(path, str(prop), _LEVEL_BY_PARTS[depth], frame.reset_index(drop=True))


def within(boundaries: Boundaries, area: str) -> gpd.GeoDataFrame:
    """Units of the file inside the area, or the one unit containing it when the file is coarser."""
    codes = boundaries.frame["code"]
    if not area:
        return boundaries.frame
    inside = (codes == area) | codes.str.startswith(area + ".") | codes.map(lambda c: area.startswith(c + "."))
    return boundaries.frame[inside]
