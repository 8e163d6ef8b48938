"""A large group's totals as a histogram, for the bulletin (通报).

A city's group of 20 units reads best as one bar per unit (`totals.group_totals_chart`).
A province's or a country's group of hundreds or thousands does not: a bar per unit would
be a chart tens of pages tall (3,000 units: a 120,000-pixel canvas, 1.2 GB to draw) that no
one can read. Such a group is drawn as the number of units per score band instead, in the
grade colours, at a fixed size; the ranking table in the attachment still lists every unit.
Which groups are drawn so is decided by `bulletin.BARS_UP_TO`.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .canvas import render
from .data import band_for, grade_bands, number
from .font import ChartError
from .layout import EDGE, PAD, WIDTH_IN, axes, band_lines, grade_handles, grid, head, px, top_margin

__all__ = ["bin_width", "histogram", "score_histogram_chart"]

_MAX_BINS = 40
_HEIGHT_IN = 3.4


def bin_width(low: float, high: float) -> int:
    """The smallest of 1, 2, 5, 10, 20 points whose bins (closed on the left, the last one
    holding `high`) cover [low, high] in at most 40; 50 beyond."""
    for width in (1, 2, 5, 10, 20):
        if math.floor(high / width) + 1 - math.floor(low / width) <= _MAX_BINS:
            return width
    return 50


def histogram(units: list[dict], grades: list[dict]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Bin edges, and for each grade band in order the number of its units in each bin."""
    totals = np.array([number(u["total"], f"{u['unit']}的总分") for u in units])
    codes = np.array([band_for(u.get("grade"), grades, str(u["unit"]))["code"] for u in units])
    width = bin_width(float(totals.min()), float(totals.max()))
    first = math.floor(totals.min() / width) * width
    last = (math.floor(totals.max() / width) + 1) * width
    edges = np.arange(first, last + width / 2, width, dtype=float)
    # Left-closed bins, the last one too (np.histogram closes its last bin on the right).
    index = np.floor((totals - first) / width).astype(int)
    stacks = [
        np.bincount(index[codes == band["code"]], minlength=len(edges) - 1) for band in grades
    ]
    return edges, stacks


def score_histogram_chart(units: list[dict], bands: list[dict], title: str = "") -> bytes:
    """How many units scored in each band of `bin_width` points, stacked by grade (等次).

    `units`: `{"unit", "total", "grade"}`; `bands`: `{"code", "name", "min"}`, best first; a
    dashed line marks each non-zero minimum. A bin holds totals from its left edge up to,
    not including, its right edge.
    """
    if not units:
        raise ChartError("图表数据有误：该组没有单位，无法绘制总分分布图。")
    grades = grade_bands(bands)
    edges, stacks = histogram(units, grades)
    width = int(edges[1] - edges[0])
    first, last = float(edges[0]), float(edges[-1])
    top, bottom, left = top_margin(title), 0.5, 0.62

    def draw(fig: Figure) -> None:
        head(fig, title, grade_handles(grades))
        ax = axes(fig, left, PAD + 0.1, top + 0.2, bottom)
        stacked = np.zeros(len(edges) - 1)
        for band, counts in zip(grades, stacks, strict=True):
            if counts.any():
                ax.bar(
                    edges[:-1],
                    counts,
                    width=width * 0.9,
                    bottom=stacked,
                    align="edge",
                    color=band["color"],
                    edgecolor=EDGE,
                    linewidth=0.4,
                    zorder=2,
                )
            stacked += counts
        band_lines(ax, [b for b in grades if first < b["min"] < last], zorder=3)
        ax.set_xlim(first, last)
        ax.set_ylim(0, max(1.0, float(stacked.max())) * 1.08)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        grid(ax, "y")
        ax.set_xlabel(f"总分（分；每{width}分一组，共{len(units)}个单位）")
        ax.set_ylabel("单位数（个）")

    return render(draw, WIDTH_IN, px(_HEIGHT_IN))
