"""Horizontal bars from a spec, first category at top: one bar per category and series
(clustered), or the series stacked; per-point colours; a series without colour is an
invisible offset (floating bars); each point's label after its bar's end (centred in its
segment when stacked, unless it is a text of its own); reference lines dashed across, named
above the plot. The picture's rows set its height."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..layout import (
    EDGE,
    GAP_PT,
    PAD,
    VALUE_GAP_PT,
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
from ..specparts import ChartSpec
from .common import DASHES, handles, point_text, set_value_ticks, value_ticks

__all__ = ["draw", "size"]

_BAR = 0.64  # a category's band of bars, in rows


def _labels(spec: ChartSpec) -> list[str]:
    return [wrap(c, 24) for c in spec["categories"]]


def _top(spec: ChartSpec) -> float:
    legend = bool(handles(spec)) or bool(spec["title"])
    extra = 0.2 if spec["lines"] else 0.05
    return top_margin(spec["title"], extra) if legend else PAD + extra + 0.1


def size(spec: ChartSpec) -> tuple[float, float]:
    """Width (the spec's) and height (a row per category) in inches."""
    labels = _labels(spec)
    row = row_height(labels, 0.22, 0.34)
    return spec["width_in"], px(_top(spec) + row * len(labels) + 0.5)


def _drawn(spec: ChartSpec) -> list[int]:
    """The series drawn (legend-only companions, without a value, are not)."""
    return [i for i, s in enumerate(spec["series"]) if any(v is not None for v in s["values"])]


def _ends(spec: ChartSpec) -> list[tuple[float, str]]:
    """Each label after a bar's end: (where the bar ends, the text)."""
    out = []
    ends = [0.0] * len(spec["categories"])
    for i in _drawn(spec):
        series = spec["series"][i]
        for k, value in enumerate(series["values"]):
            start = ends[k] if spec["stacked"] else 0.0
            end = start + (value or 0.0)
            if spec["stacked"]:
                ends[k] = end
            text = point_text(series, k)
            if text is not None and (not spec["stacked"] or series["labels"][k] is not None):
                out.append((end, text))
    return out


def _span(spec: ChartSpec, plot_width: float) -> tuple[float, float]:
    """The axis' end (its max, else the longest bar) and the x range, widened just enough for
    every label after its bar."""
    ends = _ends(spec)
    totals = [0.0] * len(spec["categories"])
    for i in _drawn(spec):
        for k, value in enumerate(spec["series"][i]["values"]):
            totals[k] = totals[k] + (value or 0) if spec["stacked"] else max(totals[k], value or 0)
    full = spec["axis"]["max"] or max(totals) * 1.08 + 0.5
    span = full
    for end, text in ends:
        room = (VALUE_GAP_PT + 2) / 72 + text_width(text)
        span = max(span, end / (1 - room / plot_width))
    return full, span


def draw(fig: Figure, spec: ChartSpec) -> None:
    """Draw `spec` on `fig` (of `size(spec)`)."""
    labels = _labels(spec)
    if handles(spec) or spec["title"]:
        head(fig, spec["title"], handles(spec))
    left = PAD + max(map(text_width, labels)) + GAP_PT / 72
    ax = axes(fig, left, PAD, _top(spec), 0.5)
    full, span = _span(spec, spec["width_in"] - left - PAD)
    _bars(ax, spec)
    for j, line in enumerate(spec["lines"]):
        ax.axvline(line["value"], color=line["color"], zorder=1, linewidth=0.7, linestyle=DASHES)
        ax.annotate(line["name"], (line["value"], 1), xycoords=("data", "axes fraction"),
                    xytext=(0, 2 + 11 * (j % 2)), textcoords="offset points", ha="center",
                    va="bottom")  # fmt: skip
    row_labels(ax, labels)
    low = spec["axis"]["min"] or 0.0
    ax.set_xlim(low, span)
    set_value_ticks(ax, "x", value_ticks(spec["axis"], full))
    ax.spines["bottom"].set_bounds(low, full)
    ax.set_xlabel(spec["axis"]["title"])
    grid(ax, "x")


def _bars(ax: Axes, spec: ChartSpec) -> None:
    drawn = _drawn(spec)
    count = len(spec["categories"])
    width = _BAR if spec["stacked"] else _BAR / max(1, len(drawn))
    starts = [0.0] * count
    for n, i in enumerate(drawn):
        series = spec["series"][i]
        values = [v or 0.0 for v in series["values"]]
        shift = 0.0 if spec["stacked"] else (n - (len(drawn) - 1) / 2) * width
        ys = [k + shift for k in range(count)]
        colors = [c or series["color"] for c in series["point_colors"]]
        visible = series["color"] is not None
        ax.barh(ys, values, left=starts if spec["stacked"] else 0.0, height=width,
                color=colors if visible else "none", edgecolor=EDGE if visible else "none",
                linewidth=0.4, zorder=2, label=series["name"])  # fmt: skip
        for k, value in enumerate(values):
            text = point_text(series, k)
            if text is None or series["values"][k] is None:
                continue
            _label(ax, spec, series["labels"][k] is not None, starts[k], value, ys[k], text)
        if spec["stacked"]:
            starts = [a + b for a, b in zip(starts, values, strict=True)]


def _label(ax: Axes, spec: ChartSpec, own: bool, start: float, value: float, y: float,
           text: str) -> None:  # fmt: skip
    if spec["stacked"] and not own:  # a segment's value, centred in it
        ax.text(start + value / 2, y, text, ha="center", va="center", zorder=4)
        return
    ax.annotate(
        text,
        ((start if spec["stacked"] else 0.0) + value, y),
        xytext=(VALUE_GAP_PT, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        zorder=4,
        bbox={"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none"},
    )
