"""A static map of an area for slides, drawn by matplotlib over the geopandas base layer: a PNG, no browser."""
from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from functools import cache

import polars as pl

from pipelines import formatting
from pipelines.views import geo, map_style, overlap

# The Peta page's base-map colours (pipelines.views.maps), so the slide looks like the page.
SEA, LAND, NEIGHBOUR = ("#%02x%02x%02x" % c for c in (map_style.SEA_COLOUR, map_style.LAND_COLOUR, map_style.NEIGHBOUR_COLOUR))
COAST, PROVINCE_LINE, POINT_LINE = "#A0A09B", "#878787", "#3C3C3C"
MARGIN = dict(l=20, r=20, t=105, b=62)  # title and subtitle above; size key, credit and source below
PADDING = 0.12            # share of the villages' extent added on each side
MIN_SPAN = 0.12           # degrees (about 13 km): a district's villages spread over the slide, names readable
LABEL_LIMIT = 30          # at most this many villages are named (most placements first, where the name fits)
LABEL_FONT = 14
TEXT_PT = 0.9             # points per CSS px of text: the map's words as large as the slide's chart texts
SIZES = {False: (10, 36), True: (6, 20)}  # marker diameter in px (few points, many points): none .. most placements
MANY_POINTS = 60
LEGEND_BOX = (190, 175)   # px the legend covers in the plot's top right corner (kept free of names)
NICE_KM = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
KM_PER_DEGREE = 111.32


# --- geometry ---------------------------------------------------------------------------------

def bounds(villages: pl.DataFrame, area: str) -> tuple[float, float, float, float]:
    """(west, south, east, north): the whole base map for the country, else the area's located villages
    with a margin and at least MIN_SPAN degrees across."""
    located = villages.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    if not area or located.is_empty():
        return geo.BBOX
    west, east = located["lon"].min(), located["lon"].max()
    south, north = located["lat"].min(), located["lat"].max()
    span_x = max(east - west, MIN_SPAN) * (1 + 2 * PADDING)
    span_y = max(north - south, MIN_SPAN) * (1 + 2 * PADDING)
    cx, cy = (west + east) / 2, (south + north) / 2
    return cx - span_x / 2, cy - span_y / 2, cx + span_x / 2, cy + span_y / 2


def fit(box: tuple[float, float, float, float], width: int, height: int) -> tuple[list[float], list[float], float]:
    """Axis ranges that show the box in the plot area without distortion, and the y scale ratio.

    A degree of latitude is drawn 1/cos(latitude) times as long as a degree of longitude (equirectangular
    at the centre), and the box is widened or heightened to the plot area's proportions.
    """
    west, south, east, north = box
    ratio = 1 / math.cos(math.radians((south + north) / 2))
    plot_w = width - MARGIN["l"] - MARGIN["r"]
    plot_h = height - MARGIN["t"] - MARGIN["b"]
    dx, dy = east - west, north - south
    if dx / (dy * ratio) < plot_w / plot_h:
        dx = dy * ratio * plot_w / plot_h
    else:
        dy = dx * plot_h / (plot_w * ratio)
    cx, cy = (west + east) / 2, (south + north) / 2
    return [cx - dx / 2, cx + dx / 2], [cy - dy / 2, cy + dy / 2], ratio


def scale_bar(x_range: list[float], y_range: list[float]) -> tuple[float, int]:
    """(length in degrees of longitude, length in km) of a round-numbered bar about a fifth of the width."""
    km_per_degree = KM_PER_DEGREE * math.cos(math.radians(sum(y_range) / 2))
    target = (x_range[1] - x_range[0]) * km_per_degree / 5
    km = max([n for n in NICE_KM if n <= target] or [NICE_KM[0]])
    return km / km_per_degree, km


def marker_size(value: float | None, top: float, many: bool = False) -> float:
    """Marker diameter: area proportional to the value; the smallest size for none or not reported."""
    low, high = SIZES[many]
    if value is None or not top or value <= 0:
        return low
    return round(low + (high - low) * math.sqrt(min(value / top, 1.0)), 1)


def place_labels(points: list[tuple[float, float, float, str]], size: tuple[float, float],
                 font: int = LABEL_FONT) -> list[tuple[int, str]]:
    """Greedy, collision-free label positions in pixels.

    points: (x px, y px from the top, marker diameter, name) in priority order; size: the plot area.
    Returns (point index, 'top'|'bottom'|'right'|'left') for each point whose name fits somewhere
    without covering another name, a marker, the legend or the scale bar.
    """
    width, height = size
    text_h = font * 1.25
    taken = [(x - d / 2, y - d / 2, x + d / 2, y + d / 2) for x, y, d, _ in points]
    taken.append((width - LEGEND_BOX[0], 0, width, LEGEND_BOX[1]))
    taken.append((0, height * 0.95 - 40, width * 0.03 + width / 4 + 20, height))

    def free(box: tuple[float, float, float, float], own: int) -> bool:
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
            return False
        return not any(i != own and box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                       for i, b in enumerate(taken))

    placed = []
    for i, (x, y, d, name) in enumerate(points):
        w, r = 0.55 * font * len(name) + 4, d / 2 + 2
        boxes = {"top": (x - w / 2, y - r - text_h, x + w / 2, y - r),
                 "bottom": (x - w / 2, y + r, x + w / 2, y + r + text_h),
                 "right": (x + r, y - text_h / 2, x + r + w, y + text_h / 2),
                 "left": (x - r - w, y - text_h / 2, x - r, y + text_h / 2)}
        for where, box in boxes.items():
            if free(box, i):
                taken.append(box)
                placed.append((i, where))
                break
    return placed


# --- the points ----------------------------------------------------------------------------------

def layout(villages: pl.DataFrame, area: str, width: int, height: int) -> tuple[list[float], list[float], float,
                                                                                   pl.DataFrame, list]:
    """(x range, y range, y ratio, located villages with klass, size and their drawn lon/lat, legend classes).

    Colour = reporting completeness over the period (the Peta page's classes), size = placements; a
    village that sent no report in the period is 'not reported' (the last class), not '< 50%'.
    """
    x_range, y_range, ratio = fit(bounds(villages, area), width, height)
    located = villages.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    many = located.height > MANY_POINTS
    cuts = map_style.breaks([], "share")
    top = max((v for v in located["placements"].to_list() if v is not None), default=0)
    missing = len(cuts) + 1
    silent = [joined is not None and joined > 0 and not reported for joined, reported in
              zip(located["months_joined"].to_list(), located["months_reported"].to_list())] \
        if "months_reported" in located.columns else [False] * located.height
    located = located.with_columns(
        klass=pl.Series([missing if v is None or quiet else map_style.colour_index(v, cuts, "share")
                         for v, quiet in zip(located["completeness"].to_list(), silent)], dtype=pl.Int64),
        size=pl.Series([marker_size(v, top, many) for v in located["placements"].to_list()], dtype=pl.Float64))
    return x_range, y_range, ratio, _spread(located, x_range, y_range, width, height), cuts


@cache
def _base() -> tuple:
    """Neighbours, Indonesia's land and its province lines as GeoDataFrames (read once)."""
    import geopandas as gpd
    land = gpd.GeoDataFrame.from_features(geo.land()["features"], crs="EPSG:4326")
    indonesia = land["indonesia"].fillna(False).astype(bool)
    lines = gpd.GeoDataFrame.from_features(geo.province_lines()["features"], crs="EPSG:4326")
    return land[~indonesia], land[indonesia], lines


def png(villages: pl.DataFrame, area: str, title: str, subtitle: str, lang: str, labels: Mapping[str, str],
        source: str | None = None, width: int = 1024, height: int = 576, scale: float = 2) -> bytes:
    """The area's villages on the offline base map as PNG bytes (width x height CSS px times scale):
    colour = completeness classes with their legend, size = placements, the villages with most placements
    named where they fit, a scale bar, the size key, the base map's credit and the source under it.

    villages: map_values.village_values (village_name, lat, lon, completeness, placements, months_*).
    labels: 'bp_map_legend', 'bp_map_size', 'bp_map_scale', 'map_not_reported', 'map_basemap_attr'.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    x_range, y_range, ratio, located, cuts = layout(villages, area, width, height)
    classes = map_style.legend(cuts, "share", lang, {"map_not_reported": labels.get("map_not_reported", "")})
    fig = Figure(figsize=(width / 100, height / 100), dpi=100 * scale)  # 1 CSS px = 0,72 pt
    FigureCanvasAgg(fig)
    pt = 0.72
    ax = fig.add_axes((MARGIN["l"] / width, MARGIN["b"] / height, 1 - (MARGIN["l"] + MARGIN["r"]) / width,
                       1 - (MARGIN["t"] + MARGIN["b"]) / height))
    ax.set_facecolor(SEA)
    neighbours, land, lines = _base()
    neighbours.plot(ax=ax, color=NEIGHBOUR, edgecolor=COAST, linewidth=0.8 * pt)
    land.plot(ax=ax, color=LAND, edgecolor=COAST, linewidth=0.8 * pt)
    lines.plot(ax=ax, color=PROVINCE_LINE, linewidth=1.2 * pt, linestyle=(0, (2, 2)))
    ax.set_xlim(*x_range)
    ax.set_ylim(*y_range)
    ax.set_aspect(ratio)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")   # geopandas names the axes after the CRS ('Geodetic longitude')
    ax.set_ylabel("")
    for side in ax.spines.values():
        side.set_visible(False)
    handles = []
    for index, (colour, text) in enumerate(classes):
        rows = located.filter(pl.col("klass") == index)
        if rows.height:
            ax.scatter(rows["lon"].to_list(), rows["lat"].to_list(), s=[(d * pt) ** 2 for d in rows["size"]],
                       c=colour, edgecolors=POINT_LINE, linewidths=1.2 * pt, alpha=0.95, zorder=3)
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=10 * pt, markerfacecolor=colour,
                              markeredgecolor=POINT_LINE, label=text))
    legend = ax.legend(handles=handles, title=labels.get("bp_map_legend", ""), loc="upper right", fontsize=14 * TEXT_PT,
                       title_fontsize=14 * TEXT_PT, framealpha=0.88, edgecolor="#999999", fancybox=False)
    legend.set_zorder(5)
    if area:
        _name_villages(ax, located, x_range, y_range, width, height, pt)
    length, km = scale_bar(x_range, y_range)
    x0 = x_range[0] + 0.03 * (x_range[1] - x_range[0])
    y0 = y_range[0] + 0.05 * (y_range[1] - y_range[0])
    ax.plot([x0, x0 + length], [y0, y0], color="#222222", linewidth=4 * pt, solid_capstyle="butt", zorder=4)
    ax.annotate(labels.get("bp_map_scale", "{km} km").format(km=formatting.number(km, lang)), (x0 + length / 2, y0),
                xytext=(0, 6), textcoords="offset points", ha="center", va="bottom", fontsize=14 * TEXT_PT, zorder=4)
    words = dict(parse_math=False, color="#222222", va="top")  # names are text, never mathtext
    left = MARGIN["l"] / width
    fig.text(left, 1 - 22 / height, title, fontsize=18 * TEXT_PT, fontweight="bold", **words)
    fig.text(left, 1 - 52 / height, subtitle, fontsize=15 * TEXT_PT, **words)
    top = max((v for v in located["placements"].to_list() if v is not None), default=0)
    notes = [labels.get("bp_map_size", "").format(n=formatting.number(top, lang)), labels.get("map_basemap_attr", "")]
    small = {**words, "color": "#555555", "fontsize": 13 * TEXT_PT}
    fig.text(left, (MARGIN["b"] - 8) / height, " · ".join(n for n in notes if n), **small)
    if source:
        fig.text(1 - MARGIN["r"] / width, (MARGIN["b"] - 34) / height, source, ha="right", **small)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100 * scale)
    return out.getvalue()


def _spread(located: pl.DataFrame, x_range: list[float], y_range: list[float], width: int,
            height: int) -> pl.DataFrame:
    """Villages drawn on top of one another moved apart in screen space, so every point counted
    'on the map' can be seen (lon/lat then hold the drawn position, not the registry's)."""
    if located.height < 2:
        return located
    plot_w, plot_h = width - MARGIN["l"] - MARGIN["r"], height - MARGIN["t"] - MARGIN["b"]
    sx, sy = plot_w / (x_range[1] - x_range[0]), plot_h / (y_range[1] - y_range[0])
    points = [((lon - x_range[0]) * sx, (y_range[1] - lat) * sy)
              for lon, lat in zip(located["lon"].to_list(), located["lat"].to_list())]
    moved = overlap.spread(points, max(located["size"].max() * 0.8, 8))
    return located.with_columns(lon=pl.Series([x_range[0] + x / sx for x, _ in moved], dtype=pl.Float64),
                                lat=pl.Series([y_range[1] - y / sy for _, y in moved], dtype=pl.Float64))


_ANCHORS = {"top": ("center", "bottom", 0, 1), "bottom": ("center", "top", 0, -1),
            "right": ("left", "center", 1, 0), "left": ("right", "center", -1, 0)}


def _name_villages(ax, located: pl.DataFrame, x_range: list[float], y_range: list[float], width: int, height: int,
                   pt: float) -> None:
    """Village names beside their points, most placements first, only where they fit."""
    plot_w, plot_h = width - MARGIN["l"] - MARGIN["r"], height - MARGIN["t"] - MARGIN["b"]
    ranked = located.sort([pl.col("placements").fill_null(-1), "village_name"], descending=[True, False])
    points = [((r["lon"] - x_range[0]) / (x_range[1] - x_range[0]) * plot_w,
               (y_range[1] - r["lat"]) / (y_range[1] - y_range[0]) * plot_h, r["size"], r["village_name"])
              for r in ranked.iter_rows(named=True)]
    chosen = place_labels(points, (plot_w, plot_h), round(LABEL_FONT * TEXT_PT / 0.72))[:LABEL_LIMIT]
    rows = ranked.rows(named=True)
    for i, where in chosen:
        ha, va, dx, dy = _ANCHORS[where]
        shift = (rows[i]["size"] / 2 + 2) * pt
        # a name is text, never markup (matplotlib would read $...$ as mathtext)
        name = re.sub(r"[\x00-\x1f\x7f]", " ", rows[i]["village_name"])  # a pasted cell's control characters
        ax.annotate(name, (rows[i]["lon"], rows[i]["lat"]), parse_math=False,
                    xytext=(dx * shift, dy * shift), textcoords="offset points", ha=ha, va=va,
                    fontsize=LABEL_FONT * TEXT_PT, color="#222222", zorder=4,
                    bbox=dict(boxstyle="square,pad=0.1", facecolor="white", alpha=0.65, edgecolor="none"))
