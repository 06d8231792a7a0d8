"""Maps: the Peta page model, and the deck of an area (districts at national and province level, villages inside)."""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import pydeck as pdk

from pipelines import areas, formatting
from pipelines.labels import page_labels
from pipelines.metrics import figures
from pipelines.metrics.measure import Measure, measure
from pipelines.views import geo
from pipelines.views.map_layers import choropleth_geojson, deck, level_name, unit_records, village_records
from pipelines.views.map_style import BUBBLE_COLOUR, breaks, legend
from pipelines.views.map_values import METRICS, Con, bubble_level, geo_filter, located, places
from pipelines.views.map_view import spread_points, view_for
from pipelines.views.selection import Selection
from pipelines.views.village_profile import choices

LABEL_LEVELS = ("subdistrict", "village")  # villages are named on the map at these levels ...
LABEL_MAX = 40                              # ... or whenever the area has at most this many
# At these levels a village point is a few pixels from its neighbours: moved apart they made rings in the
# sea (Bali, NTB), so the map shows one circle per district there and villages from the district down.
AGGREGATED_LEVELS = ("national", "province")
# Circle radii (px, smallest to largest) of the district circles: small at national zoom, where Java's
# districts lie a few pixels apart, larger for a province.
DISTRICT_RADII = {"national": (3.0, 12.0), "province": (6.0, 24.0)}
# Label keys (ui/labels.csv) the model looks up for its language (a test or the pack may pass its own).
LABEL_KEYS = (
    "map_metric_placements", "map_metric_remittances", "map_metric_returns", "map_metric_completeness",
    "map_metric_consultations", "map_metric_trainees", "map_metric_children", "map_metric_members",
    "map_coords_approx", "map_months_reported", "map_villages_n", "map_villages_n_one", "map_not_reported", "map_col_code",
    "map_col_name", "map_col_villages", "map_col_value", "map_col_level", "level_province", "level_district",
    "level_subdistrict", "level_village", "map_all_values", "map_legend_villages",
    "map_legend_units", "map_legend_units_size", "map_legend_choropleth", "map_cov_short",
    "map_cov_short_villages", "map_col_covered", "map_col_expected", "map_col_covered_villages",
    "map_col_expected_villages", "map_total", "sementara", "map_legend_units_coloured", "map_size_value",
    "map_size_villages",
)


@dataclass
class MapModel:
    deck: pdk.Deck
    metric: str
    legend: list[tuple[str, list[tuple[str, str]]]]  # (section title, [(hex colour, text)])
    table: pl.DataFrame            # the units (or villages) drawn, ranked by the metric, headers localised
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
    aggregated: bool = False       # national or province: one circle per district, no village points
    search: dict[str, str] = field(default_factory=dict)  # the area's villages for the search picker: code -> label


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
        pl.lit(level_name(level, labels)).alias(labels.get("map_col_level", "level")),
        pl.col("villages").cast(pl.Int64).alias(labels.get("map_col_villages", "villages")),
        pl.col(f"{metric}_covered").cast(pl.Int64).alias(labels.get(f"map_col_covered{suffix}", "covered")),
        pl.col(f"{metric}_expected").cast(pl.Int64).alias(labels.get(f"map_col_expected{suffix}", "expected")),
        value.alias(header),
    )


def area_deck(m: Measure, where: pl.DataFrame, area: str, metric: str, lang: str, labels: dict,
              boundaries: geo.Boundaries | None = None, tiles: bool = False):
    """The deck of an area from the measure `m` (village places `where`), with the legend sections and what
    it drew: (deck, legend, info). Nationally and in a province one circle per district at its centre,
    coloured by its figure; in a district or below the villages and (in a district) its sub-districts.
    Every value is a metric-layer figure of its unit."""
    unit = METRICS[metric].unit
    area_level = areas.level_of(area)
    aggregated = area_level in AGGREGATED_LEVELS
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
            title = labels.get("map_legend_choropleth", "").format(level=level_name(boundaries.level, labels))
            sections.append((title, legend(area_cuts, unit, lang, labels)))
            if boundaries.level == level:
                level = None  # the choropleth already shows that level
        else:
            choropleth = None
    units = located(m, where, level) if level else None
    if aggregated:
        points = []
        bubbles = None
        if units is not None:
            unit_cuts = breaks(units[metric].to_list(), unit)
            bubbles = unit_records(units, level, metric, lang, labels, cuts=unit_cuts,
                                   radii=DISTRICT_RADII[area_level])
            size = labels.get("map_size_villages" if unit == "share" else "map_size_value", "")
            sections.insert(0, (labels.get("map_legend_units_coloured", "").format(
                level=level_name(level, labels), size=size), legend(unit_cuts, unit, lang, labels)))
    else:
        cuts = breaks(villages[metric].to_list(), unit)
        sections.insert(0, (labels.get("map_legend_villages", ""), legend(cuts, unit, lang, labels)))
        points = village_records(villages, metric, cuts, lang, labels, large=True)
        bubbles = unit_records(units, level, metric, lang, labels) if units is not None else None
        if bubbles:
            sections.append((labels.get("map_legend_units", "").format(level=level_name(level, labels)),
                             [("#%02x%02x%02x" % BUBBLE_COLOUR, labels.get("map_legend_units_size", ""))]))
    view = view_for(villages, area, choropleth)  # the shaded areas lie inside the chosen one
    points = spread_points(points, view)
    labelled = area_level in LABEL_LEVELS or (not aggregated and len(points) <= LABEL_MAX)
    # only what the layers draw goes to the browser: the name label only where names are shown
    for p in points:
        name = p.pop("plain_name")
        if labelled:
            p["label"] = name
    the_deck = deck(points, bubbles, view, metric_label, choropleth, tiles, labelled, coloured_units=aggregated)
    info = dict(level=level, units=units, by_level=by_level if choropleth else None, points=len(points),
                villages=villages, aggregated=aggregated)
    return the_deck, sections, info


def model(con: Con, sel: Selection, lang: str = "id", labels: dict | None = None, *, metric: str = "placements",
          boundary_path: str = "", tiles: bool = False) -> MapModel:
    """Everything the Peta page draws for an area, range and metric (the map shows no change: the
    selection's comparison is not used)."""
    labels = page_labels(LABEL_KEYS, lang) if labels is None else labels
    area, start, end, approved_only = sel.area, sel.start, sel.end, sel.approved_only
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
        value=formatting.value(total.value, unit=METRICS[metric].unit, lang=lang), coverage=total.coverage.text(lang))
    return MapModel(
        deck=the_deck, metric=metric, legend=sections,
        table=ranked, table_level=table_level,
        drill=drill, unit_level=level, villages=villages.height,
        villages_located=villages.filter(pl.col("lat").is_not_null()).height,
        approximate=villages.filter(~pl.col("coords_exact")).height,
        choropleth_level=boundaries.level if by_level is not None else None, boundary_error=error,
        layers=[layer.id for layer in the_deck.layers], provisional=provisional, coverage=coverage,
        aggregated=info["aggregated"],
        search=dict(choices(con, area).select("village_code", "label").iter_rows()),
    )

