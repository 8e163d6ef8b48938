"""A unit report's (单位报告) trend chart: its total over the years, with its rank each year.

Units of a group with the same years on the same scale share one figure, kept per layout (a
few, least recently used dropped); each unit's chart draws only its line, its totals and the
years with its ranks over those fixed pixels.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation

from ..numbers import fmt_total
from .canvas import render_reusing
from .data import number
from .font import ChartError
from .layout import (
    LABEL_PT,
    LINE,
    NARROW_IN,
    PAD,
    TITLE_H,
    TITLE_PT,
    VALUE_GAP_PT,
    axes,
    grid,
    px,
    text_width,
)

__all__ = ["trend_chart"]

_LINE_COLOR = "#2F5D8C"
_TREND: dict = {}  # figures kept by layout, least recently used first


class _Parts(NamedTuple):
    """What a unit's chart changes on a kept figure (`build` makes them, `update` sets them)."""

    ax: Axes
    line: Line2D
    values: list[Annotation]
    changing: list[Artist]  # the artists drawn over the fixed pixels, in drawing order


def trend_chart(points: list[dict], of: int, title: str = "") -> bytes:
    """A unit's total over the years (历年总分) with its rank in its group of `of` units.

    `points`: `{"year", "total", "rank"}` (rank may be None); 1 to 5 years, any order.
    """
    if not points:
        raise ChartError("图表数据有误：没有历年得分，无法绘制趋势图。")
    years = _checked_points(points, of)
    xs = [y for y, _t, _r in years]
    totals = [t for _y, t, _r in years]
    ranked = any(r is not None for _y, _t, r in years)
    xlabel = f"名次为在本组{of}个单位中的排名" if ranked else ""
    top = PAD + (TITLE_H if title else 0.0) + 0.08
    bottom = PAD + (0.34 if ranked else 0.17) + 0.08 + (LINE + 0.04 if ranked else 0.0)
    height = px(2.3 + (TITLE_H if title else 0.0))
    low, high, ticks = _scale(totals, height - top - bottom)
    labels = [f"{y}年\n第{r}名" if r is not None else f"{y}年" for y, _t, r in years]

    def build(fig: Figure) -> _Parts:
        if title:
            y = 1 - (PAD + TITLE_H / 2) / height
            fig.text(0.5, y, title, ha="center", va="center", fontsize=TITLE_PT)
        left = PAD + LINE + text_width(str(ticks[-1])) + 0.12  # the most digits
        ax = axes(fig, left, PAD + 0.1, top, bottom)
        line, values = _line_and_values(ax, len(xs))
        _scale_axes(ax, xlabel, (xs[0], xs[-1]), (low, high), ticks)
        # The x axis (names of the years with the ranks, its label) is drawn each time.
        changing: list[Artist] = [ax.xaxis, line, *values]
        for artist in changing:
            artist.set_animated(True)
        return _Parts(ax, line, values, changing)

    def update(parts: object) -> list[Artist]:
        assert isinstance(parts, _Parts)  # render_reusing hands back what `build` returned
        ax, line, values, changing = parts
        line.set_data(xs, totals)
        for value, x, total in zip(values, xs, totals, strict=True):
            value.xy = (x, total)
            value.set_text(fmt_total(total))
        ax.set_xticks(xs, labels)
        return changing  # in the order a full drawing takes: by zorder, then as added

    # Units of a group with the same years on the same scale share the fixed pixels.
    key = ("trend", title, xlabel, tuple(xs), low, high, tuple(ticks))
    return render_reusing(_TREND, key, (NARROW_IN, height), build, update)


def _checked_points(points: list[dict], of: int) -> list[tuple[int, float, int | None]]:
    """(year, total, rank) of each point, checked, in year order; a year twice is an error."""
    years = []
    for point in points:
        year = point["year"]
        if isinstance(year, bool) or not isinstance(year, int):
            raise ChartError(f"图表数据有误：年度应为整数，实际为 {year!r}。")
        total = number(point["total"], f"{year}年的总分")
        rank = point.get("rank")
        if rank is not None and (not isinstance(rank, int) or not 1 <= rank <= of):
            raise ChartError(f"图表数据有误：{year}年的名次 {rank!r} 不在1～{of}之间。")
        years.append((year, total, rank))
    years.sort()
    if len({y for y, _t, _r in years}) != len(years):
        raise ChartError("图表数据有误：历年得分中有重复的年度。")
    return years


def _scale(totals: list[float], plot_height: float) -> tuple[float, float, list[int]]:
    """The y range and ticks, for an axes `plot_height` inches tall.

    From a round number below the lowest total, with room above the highest for its label;
    no tick above the scale (100, or the highest total): the headroom is for labels only.
    """
    low = max(0.0, math.floor((min(totals) - 10) / 10) * 10)
    share = (VALUE_GAP_PT * 2 + LABEL_PT + 2) / 72 / plot_height
    high = max(100.0, (max(totals) - low * share) / (1 - share))
    step = 10 if high - low > 30 else 5
    last = max(100.0, *totals)
    ticks = list(range(int(math.ceil(low / step) * step), int(min(high, last)) + 1, step))
    return low, high, ticks


def _line_and_values(ax: Axes, count: int) -> tuple[Line2D, list[Annotation]]:
    """An empty line and `count` empty value labels above its points, set by `update`."""
    (line,) = ax.plot([], [], color=_LINE_COLOR, linewidth=1.6, marker="o", markersize=5, zorder=3)
    values = [
        ax.annotate(
            "",
            (0, 0),
            xytext=(0, VALUE_GAP_PT * 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
        )
        for _ in range(count)
    ]
    return line, values


def _scale_axes(
    ax: Axes, xlabel: str, years: tuple[int, int], limits: tuple[float, float], ticks: list[int]
) -> None:
    """Axis labels, grid, the years' range (`years`: first, last) and the totals' scale."""
    ax.tick_params(axis="x", length=0, pad=4)
    ax.set_xlabel(xlabel, labelpad=4, color="#555555")
    ax.set_ylabel("总分（分）", labelpad=4)
    grid(ax, "y")
    first, last = years
    pad = 0.5 if last > first else 1.0
    ax.set_xlim(first - pad, last + pad)
    ax.set_ylim(*limits)
    ax.set_yticks(ticks)
