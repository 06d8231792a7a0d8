"""A static map of an area for slides: the offline base layer and the programme villages, drawn by plotly."""
from __future__ import annotations

import math
from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from pipelines import charts, formatting
from pipelines.views import geo, maps, overlap

# The Peta page's base-map colours (pipelines.views.maps), so the slide looks like the page.
SEA, LAND, NEIGHBOUR = ("#%02x%02x%02x" % c for c in (maps.SEA_COLOUR, maps.LAND_COLOUR, maps.NEIGHBOUR_COLOUR))
COAST, PROVINCE_LINE, POINT_LINE = "#A0A09B", "#878787", "#3C3C3C"
MARGIN = dict(l=20, r=20, t=105, b=62)  # title and subtitle above; size key, credit and source below
PADDING = 0.12            # share of the villages' extent added on each side
MIN_SPAN = 0.12           # degrees (about 13 km): a district's villages spread over the slide, names readable
LABEL_LIMIT = 30          # at most this many villages are named (most placements first, where the name fits)
LABEL_FONT = 14
SIZES = {False: (10, 36), True: (6, 20)}  # marker diameter in px (few points, many points): none .. most placements
MANY_POINTS = 60
LEGEND_BOX = (190, 175)   # px the legend covers in the plot's top right corner (kept free of names)
NICE_KM = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
KM_PER_DEGREE = 111.32


# --- geometry ---------------------------------------------------------------------------------

def _rings(geometry: dict) -> list[list[list[float]]]:
    """The outer rings of a Polygon or MultiPolygon (holes are too small to matter at these scales)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def _paths(geometry: dict) -> list[list[list[float]]]:
    """The vertex lists of a LineString or MultiLineString."""
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return list(geometry["coordinates"])
    return []


def _xy(parts: list[list[list[float]]]) -> tuple[list, list]:
    """One trace's x and y for many parts, separated by None (plotly draws and fills each part apart)."""
    xs: list = []
    ys: list = []
    for part in parts:
        xs += [p[0] for p in part] + [None]
        ys += [p[1] for p in part] + [None]
    return xs, ys


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


# --- the figure --------------------------------------------------------------------------------

def _base_traces() -> list[go.Scatter]:
    """Neighbours, Indonesia's land and its province lines from the shipped Natural Earth files."""
    traces = []
    for indonesia, colour in ((False, NEIGHBOUR), (True, LAND)):
        rings = [r for f in geo.land()["features"] if bool(f["properties"].get("indonesia")) == indonesia
                 for r in _rings(f["geometry"])]
        xs, ys = _xy(rings)
        traces.append(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour,
                                 line=dict(color=COAST, width=0.8), hoverinfo="skip", showlegend=False))
    xs, ys = _xy([p for f in geo.province_lines()["features"] for p in _paths(f["geometry"])])
    traces.append(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=PROVINCE_LINE, width=1.2, dash="dot"),
                             hoverinfo="skip", showlegend=False))
    return traces


def figure(villages: pl.DataFrame, area: str, title: str, subtitle: str, lang: str,
           labels: Mapping[str, str], source: str | None = None, width: int = 1024,
           height: int = 576) -> go.Figure:
    """The area's villages on the offline base map: colour = reporting completeness over the period
    (the Peta page's classes), size = placements; the villages with most placements named where they fit.

    villages: maps.village_values (village_name, lat, lon, completeness, placements).
    labels: 'bp_map_legend', 'bp_map_size', 'bp_map_scale', 'map_not_reported', 'map_basemap_attr'.
    """
    x_range, y_range, ratio = fit(bounds(villages, area), width, height)
    fig = go.Figure(_base_traces())
    located = villages.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    many = located.height > MANY_POINTS
    cuts = maps.breaks([], "share")
    classes = maps.legend(cuts, "share", lang, {"map_not_reported": labels.get("map_not_reported", "")})
    top = max((v for v in located["placements"].to_list() if v is not None), default=0)
    missing = len(classes) - 1
    # A village that sent no report in the period is 'not reported' (grey, as the legend says), not '< 50%'.
    silent = [joined is not None and joined > 0 and not reported for joined, reported in
              zip(located["months_joined"].to_list(), located["months_reported"].to_list())] \
        if "months_reported" in located.columns else [False] * located.height
    located = located.with_columns(
        klass=pl.Series([missing if v is None or quiet else maps.colour_index(v, cuts, "share")
                         for v, quiet in zip(located["completeness"].to_list(), silent)], dtype=pl.Int64),
        size=pl.Series([marker_size(v, top, many) for v in located["placements"].to_list()], dtype=pl.Float64))
    located = _spread(located, x_range, y_range, width, height)
    # One trace per completeness class, so the legend explains the colours; 'not reported' last.
    for index, (colour, text) in enumerate(classes):
        rows = located.filter(pl.col("klass") == index)
        fig.add_trace(go.Scatter(
            x=rows["lon"].to_list() or [None], y=rows["lat"].to_list() or [None], mode="markers", name=text,
            marker=dict(color=colour, size=rows["size"].to_list() or 10, line=dict(color=POINT_LINE, width=1.2),
                        opacity=0.95)))
    charts.style(fig, title, subtitle, lang=lang, source=source)
    fig.update_layout(
        width=width, height=height, margin=MARGIN, plot_bgcolor=SEA, showlegend=True,
        legend=dict(orientation="v", x=0.995, xanchor="right", y=0.99, yanchor="top", itemsizing="constant",
                    bgcolor="rgba(255,255,255,0.88)", bordercolor="#999999", borderwidth=1,
                    title=dict(text=labels.get("bp_map_legend", "")), font=dict(size=14)),
    )
    fig.update_xaxes(range=x_range, visible=False, constrain="domain")
    fig.update_yaxes(range=y_range, visible=False, scaleanchor="x", scaleratio=ratio, constrain="domain",
                     rangemode="normal")
    if area:
        _name_villages(fig, located, x_range, y_range, width, height)
    # a scale bar bottom left; the size key and the base map's credit under the map
    length, km = scale_bar(x_range, y_range)
    x0 = x_range[0] + 0.03 * (x_range[1] - x_range[0])
    y0 = y_range[0] + 0.05 * (y_range[1] - y_range[0])
    fig.add_shape(type="line", x0=x0, x1=x0 + length, y0=y0, y1=y0, line=dict(color="#222222", width=4))
    fig.add_annotation(x=x0 + length / 2, y=y0, yshift=14, showarrow=False, font=dict(size=14),
                       text=labels.get("bp_map_scale", "{km} km").format(km=formatting.number(km, lang)))
    notes = [labels.get("bp_map_size", "").format(n=formatting.number(top, lang)), labels.get("map_basemap_attr", "")]
    fig.add_annotation(text=" · ".join(n for n in notes if n), xref="paper", yref="paper", x=0, xanchor="left",
                       y=0, yanchor="top", yshift=-6, showarrow=False, font=dict(size=13, color="#555555"))
    if source:  # charts.style pins the source for charts with axis titles; a map has none
        fig.update_annotations(selector=dict(text=source), yshift=-32, font_size=13)
    return fig


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
            "right": ("left", "middle", 1, 0), "left": ("right", "middle", -1, 0)}


def _name_villages(fig: go.Figure, located: pl.DataFrame, x_range: list[float], y_range: list[float],
                   width: int, height: int) -> None:
    """Village names beside their points, most placements first, only where they fit."""
    plot_w, plot_h = width - MARGIN["l"] - MARGIN["r"], height - MARGIN["t"] - MARGIN["b"]
    ranked = located.sort([pl.col("placements").fill_null(-1), "village_name"], descending=[True, False])
    points = [((r["lon"] - x_range[0]) / (x_range[1] - x_range[0]) * plot_w,
               (y_range[1] - r["lat"]) / (y_range[1] - y_range[0]) * plot_h, r["size"], r["village_name"])
              for r in ranked.iter_rows(named=True)]
    chosen = place_labels(points, (plot_w, plot_h))[:LABEL_LIMIT]
    rows = ranked.rows(named=True)
    for i, where in chosen:
        xanchor, yanchor, dx, dy = _ANCHORS[where]
        shift = rows[i]["size"] / 2 + 2
        fig.add_annotation(x=rows[i]["lon"], y=rows[i]["lat"], text=rows[i]["village_name"], showarrow=False,
                           xanchor=xanchor, yanchor=yanchor, xshift=dx * shift, yshift=dy * shift,
                           font=dict(size=LABEL_FONT, color="#222222"), bgcolor="rgba(255,255,255,0.65)",
                           borderpad=1)
