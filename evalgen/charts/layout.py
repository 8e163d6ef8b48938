"""What every chart shares: sizes at print scale, margins measured from the labels, the title
and legend band, axes, row names, grade lines, label wrapping.

Charts are `WIDTH_IN` (152.4 mm, for the 156 mm text block of an A4 official document) or
`NARROW_IN` (121.9 mm) wide and meant to print at 100 %, where labels are 9 pt (小五) and
titles 10.5 pt (五号). Margins are measured in inches from the labels themselves (no layout
engine: it would cost a second drawing pass per chart), then rounded to whole pixels.
"""

from __future__ import annotations

from typing import Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.textpath import text_to_path
from matplotlib.transforms import ScaledTranslation

from .canvas import DPI
from .font import INK, LABEL_PT
from .labels import wrap
from .sizes import NARROW_IN, WIDTH_IN

__all__ = [
    "EDGE",
    "GAP_PT",
    "INK",
    "LABEL_PT",
    "LINE",
    "NARROW_IN",
    "PAD",
    "TITLE_H",
    "TITLE_PT",
    "VALUE_GAP_PT",
    "WIDTH_IN",
    "axes",
    "band_lines",
    "grade_handles",
    "grid",
    "head",
    "px",
    "row_height",
    "row_labels",
    "text_width",
    "top_margin",
    "wrap",
]


EDGE = "#333333"
TITLE_PT = 10.5  # 五号
LINE = LABEL_PT * 1.3 / 72  # one line of label text, inches
PAD = 0.06  # figure edge, inches
TITLE_H = 0.3
_LEGEND_H = 0.3
GAP_PT = 4  # row names to the axes
VALUE_GAP_PT = 3  # value labels to their bar or point


def px(inches: float) -> float:
    """Round a length to whole pixels, so the PNG is exactly size × DPI."""
    return round(inches * DPI) / DPI


def text_width(text: str, size: float = LABEL_PT) -> float:
    """Width in inches of the widest line of `text` in the chart font (while drawing)."""
    prop = FontProperties(size=size)
    lines = text.split("\n")
    return max(text_to_path.get_text_width_height_descent(t, prop, False)[0] for t in lines) / 72


def head(fig: Figure, title: str, handles: list) -> None:
    """The optional title, then the legend, across the top of the figure."""
    height = fig.get_figheight()
    used = PAD
    if title:
        y = 1 - (used + TITLE_H / 2) / height
        fig.text(0.5, y, title, ha="center", va="center", fontsize=TITLE_PT)
        used += TITLE_H
    fig.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 1 - used / height),
        ncols=len(handles),
        borderaxespad=0,
        borderpad=0.2,
        handlelength=1.4,
        columnspacing=1.8,
    )


def top_margin(title: str, extra: float = 0.0) -> float:
    """The height above the axes of the `head` band (title, legend), plus `extra`."""
    return PAD + (TITLE_H if title else 0.0) + _LEGEND_H + extra


def axes(fig: Figure, left: float, right: float, top: float, bottom: float) -> Axes:
    """Axes inside margins given in inches, without top and right spines."""
    width, height = fig.get_size_inches()
    box = (left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height)
    ax = fig.add_axes(box)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def row_labels(ax: Axes, labels: list[str]) -> None:
    """Row names left of the axes, first at top (plain texts: cheaper than tick labels)."""
    shift = ScaledTranslation(-GAP_PT / 72, 0, ax.figure.dpi_scale_trans)
    for y, label in enumerate(labels):
        ax.text(
            0,
            y,
            label,
            transform=ax.get_yaxis_transform() + shift,
            ha="right",
            va="center",
            multialignment="right",
            linespacing=1.1,
        )
    ax.set_yticks([])
    ax.set_ylim(len(labels) - 0.5, -0.5)


def band_lines(ax: Axes, bands: list[dict], zorder: float = 1) -> None:
    """A dashed vertical line at each band's minimum, labelled above the axes."""
    for band in bands:
        ax.axvline(
            band["min"], color="#555555", linewidth=0.7, linestyle=(0, (4, 3)), zorder=zorder
        )
        ax.annotate(
            f"{band['code']} {band['min']:g}",
            (band["min"], 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
        )


def grid(ax: Axes, axis: Literal["x", "y"]) -> None:
    """Light grid lines along `axis`, under the data."""
    ax.grid(axis=axis, color="#DDDDDD", linewidth=0.5)
    ax.set_axisbelow(True)


def grade_handles(bands: list[dict]) -> list[Patch]:
    """Legend entries for checked grade bands (`data.grade_bands`): colour, code, name."""
    return [
        Patch(facecolor=b["color"], edgecolor=EDGE, linewidth=0.4, label=f"{b['code']} {b['name']}")
        for b in bands
    ]


def row_height(labels: list[str], single: float, double: float) -> float:
    """Height of a row in inches: `single` for one-line labels, `double` for two, and so on."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return single if lines == 1 else double + (lines - 2) * (double - single)
