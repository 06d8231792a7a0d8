"""Chart style shared by every figure: colour-blind-safe palette, titles naming area and period, units."""
from __future__ import annotations

import plotly.graph_objects as go

# Okabe-Ito: distinguishable with the common colour-vision deficiencies and on projectors.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
STATUS_COLOURS = {"tepat_waktu": "#009E73", "terlambat": "#E69F00", "tidak_lapor": "#D55E00"}
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=16, color="#222222")
TEMPLATE = "plotly_white"


def style(fig: go.Figure, title: str, subtitle: str = "", x_title: str | None = None,
          y_title: str | None = None, lang: str = "id", source: str | None = None) -> go.Figure:
    """Apply the house style; title like 'Penempatan PMI per bulan' with 'Kab. X, Jan–Jun 2024' below."""
    text = f"<b>{title}</b>" + (f"<br><span style='font-size:15px'>{subtitle}</span>" if subtitle else "")
    fig.update_layout(
        # Set on every figure, not as plotly's process-wide default: importing Streamlit's plotly
        # support makes its own template the default, so the default depends on import order. Page
        # models are cached per data version, so the validation this costs is paid on cold runs only.
        template=TEMPLATE,
        title=dict(text=text, x=0.01, xanchor="left"),
        font=FONT, colorway=PALETTE,
        separators=",." if lang == "id" else ".,",
        margin=dict(l=70, r=30, t=125 if subtitle else 90, b=110 if source else 70),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        hoverlabel=dict(font_size=14),
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title, rangemode="tozero")
    if source:
        # Pinned in pixels under the plot, right-aligned: clear of two-line month ticks and the axis
        # title at any chart height, and of long category names on the left.
        fig.add_annotation(text=source, xref="paper", yref="paper", x=1, xanchor="right", y=0, yanchor="top",
                           yshift=-78, showarrow=False, font=dict(size=12, color="#555555"))
    return fig


def full_number_ticks(fig: go.Figure, axis: str = "y") -> go.Figure:
    """Value ticks written in full with the language's separators (70.000; 2,5), not '70k'."""
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(tickformat=",~f")
    return fig


def count_ticks(fig: go.Figure, largest: float | None, axis: str = "y") -> go.Figure:
    """Ticks of a count axis: whole numbers only, one per unit when the largest value is small
    (',d' alone rounds 0.5 steps and repeats '0 1 1 2 2')."""
    step = 1 if largest is not None and largest <= 8 else None
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(tickformat=",d", dtick=step, tick0=0 if step else None)
    return fig
