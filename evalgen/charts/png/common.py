"""What the PNG renderers share: value texts in a series' number format, the legend of a
spec, its reference lines' labels, and the value axis' range and ticks."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ...numbers import round_half_up
from ..layout import EDGE
from ..specparts import Axis, ChartSpec, Series

__all__ = ["DASHES", "handles", "point_text", "value_ticks"]

DASHES = (0, (4, 3))  # a reference line: 0.7 pt, dashed
_PLACES = re.compile(r'^0(?:\.(0+))?(?:"(.*)")?$')  # Excel's "0.00", '0.0"%"'


def value_text(value: float, number_format: str) -> str:
    """`value` in an Excel number format of the specs ("0", "0.00", '0.0"%"'), rounded half
    up; any other format (General) as the shortest form."""
    match = _PLACES.match(number_format)
    if match is None:
        return f"{value:g}"
    places = len(match.group(1) or "")
    return f"{round_half_up(Decimal(repr(value)), places):.{places}f}{match.group(2) or ''}"


def point_text(series: Series, k: int) -> str | None:
    """The label of point `k`: its own text (一票否决, a milestone's values), else its value in
    the series' format if the series shows values, else None."""
    own = series["labels"][k]
    if own is not None:
        return own
    value = series["values"][k]
    if series["show_values"] and value is not None:
        return value_text(value, series["format"])
    return None


def handles(spec: ChartSpec) -> list:
    """The legend: a series filled in one colour (a legend-only companion included); not an
    invisible offset, nor a series coloured point by point (its companions explain it)."""
    if not spec["legend"]:
        return []
    out: list = []
    for series in spec["series"]:
        color = series["color"]
        if color is None or any(c is not None for c in series["point_colors"]):
            continue
        if spec["type"] == "line":
            out.append(Line2D([], [], color=color, marker="o", markersize=4, label=series["name"]))
        else:
            out.append(Patch(facecolor=color, edgecolor=EDGE, linewidth=0.4, label=series["name"]))
    return out


def value_ticks(axis: Axis, high: float) -> list[float]:
    """Ticks of the value axis from `axis["min"]` (0 if unset) to `high`: every `major`, else
    a few whole numbers."""
    low = axis["min"] or 0.0
    if axis["major"]:
        step = axis["major"]
        first = math.ceil(low / step) * step
        return [first + i * step for i in range(int((high - first) // step) + 1)]
    locator = MaxNLocator(nbins=6, integer=axis["format"] == "0", steps=[1, 2, 5, 10])
    return [t for t in locator.tick_values(low, high) if low <= t <= high]


def set_value_ticks(ax: Axes, which: str, ticks: list[float]) -> None:
    labels = [f"{t:g}" for t in ticks]
    if which == "x":
        ax.set_xticks(ticks, labels)
    else:
        ax.set_yticks(ticks, labels)
