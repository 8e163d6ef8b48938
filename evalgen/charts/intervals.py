"""稳定性分析's rank-interval chart (COINr's uncertainty plot): for each unit of a group, the
5 %–95 % range of its rank over the simulation runs, its median rank and its nominal rank.

Units are rows in nominal rank order, first at top; a unit with a fragile decision is drawn
in red on a pale band, so the eye finds the decisions to look at before signing.
"""

from __future__ import annotations

from typing import NamedTuple

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from .canvas import render
from .data import number
from .font import ChartError
from .layout import (
    EDGE,
    GAP_PT,
    PAD,
    WIDTH_IN,
    axes,
    grid,
    head,
    px,
    row_height,
    row_labels,
    text_width,
    top_margin,
    wrap,
)

__all__ = [
    "FRAGILE_BAND",
    "FRAGILE_COLOR",
    "ROBUST_COLOR",
    "IntervalRow",
    "interval_rows",
    "rank_interval_chart",
]

ROBUST_COLOR = "#4A78B0"
FRAGILE_COLOR = "#B03A2E"
FRAGILE_BAND = "#F7E1DC"
_NOMINAL = "#222222"


class IntervalRow(NamedTuple):
    """One unit's row: its label, nominal rank, median and 5 %/95 % ranks, and fragility."""

    label: str
    rank: float
    median: float
    low: float
    high: float
    fragile: bool


def rank_interval_chart(units: list[dict], unit_count: int, title: str = "") -> bytes:
    """Rank intervals of a group's units (名次区间), one row per unit in the order given.

    `units`: `{"unit", "rank", "rank_median", "rank_p05", "rank_p95", "robust"}`, in nominal
    rank order; `unit_count`: the group's size (the x axis runs from 1 to it).
    """
    rows = interval_rows(units, unit_count)
    labels = [row.label for row in rows]
    row = row_height(labels, 0.205, 0.34)
    top, bottom = top_margin(title, 0.1), 0.5
    height = px(top + row * len(rows) + bottom)

    def draw(fig: Figure) -> None:
        head(fig, title, _handles())
        left = PAD + max(map(text_width, labels)) + GAP_PT / 72
        ax = axes(fig, left, PAD + 0.1, top, bottom)
        _draw_rows(ax, rows)
        row_labels(ax, labels)
        for text, item in zip(ax.texts, rows, strict=True):
            if item.fragile:
                text.set_color(FRAGILE_COLOR)
        ax.set_xlim(0.5, unit_count + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True, min_n_ticks=3))
        ax.set_xticks([t for t in ax.get_xticks() if 1 <= t <= unit_count] or [1])
        ax.set_xlabel(f"名次（共{unit_count}个单位，名次越小越靠前）")
        grid(ax, "x")

    return render(draw, WIDTH_IN, height)


def interval_rows(units: list[dict], unit_count: int) -> list[IntervalRow]:
    """The checked rows of the chart, in the order given; a rank outside 1..`unit_count` or a
    median outside its interval is a `ChartError`."""
    if not units:
        raise ChartError("图表数据有误：该组没有单位，无法绘制名次区间图。")
    count = number(unit_count, "单位数")
    rows = []
    for item in units:
        name = str(item["unit"])
        rank, median, low, high = (
            number(item[key], f"{name}的{what}")
            for key, what in (
                ("rank", "名次"),
                ("rank_median", "名次中位数"),
                ("rank_p05", "名次5%分位数"),
                ("rank_p95", "名次95%分位数"),
            )
        )
        if not 1 <= low <= median <= high <= count or not 1 <= rank <= count:
            raise ChartError(
                f"图表数据有误：{name}的名次区间（{low:g}—{high:g}，中位数{median:g}，"
                f"名次{rank:g}）不在1至{count:g}之间或次序不对。"
            )
        rows.append(IntervalRow(wrap(name, 24), rank, median, low, high, not item["robust"]))
    return rows


def _draw_rows(ax: Axes, rows: list[IntervalRow]) -> None:
    """Per row: a pale band if fragile, the 5–95 % line, the median dot, the nominal mark."""
    for y, item in enumerate(rows):
        color = FRAGILE_COLOR if item.fragile else ROBUST_COLOR
        if item.fragile:
            ax.axhspan(y - 0.5, y + 0.5, color=FRAGILE_BAND, linewidth=0, zorder=0)
        # A one-rank interval still shows as a short stroke around its rank.
        low, high = (
            (item.low - 0.18, item.high + 0.18)
            if item.low == item.high
            else (
                item.low,
                item.high,
            )
        )
        ax.plot([low, high], [y, y], color=color, linewidth=2.2, solid_capstyle="butt", zorder=2)
        ax.plot(item.median, y, "o", color=color, markersize=4.5, zorder=3)
        ax.plot(item.rank, y, "|", color=_NOMINAL, markersize=9, markeredgewidth=1.2, zorder=4)


def _handles() -> list:
    """The legend: interval, median, nominal rank, and the fragile highlight."""
    return [
        Line2D([], [], color=ROBUST_COLOR, linewidth=2.2, label="名次5%—95%区间"),
        Line2D([], [], color=ROBUST_COLOR, marker="o", linestyle="", markersize=4.5,
               label="名次中位数"),
        Line2D([], [], color=_NOMINAL, marker="|", linestyle="", markersize=9,
               markeredgewidth=1.2, label="正式名次"),
        Patch(facecolor=FRAGILE_BAND, edgecolor=EDGE, linewidth=0.4, label="有不稳健的决定"),
    ]  # fmt: skip
