"""The bulletin's (通报) group charts: each unit's total as a bar, and grades per group."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..numbers import fmt_total
from .canvas import render
from .data import band_for, grade_bands, number
from .font import ChartError
from .layout import (
    EDGE,
    GAP_PT,
    LINE,
    NARROW_IN,
    PAD,
    VALUE_GAP_PT,
    WIDTH_IN,
    axes,
    band_lines,
    grade_handles,
    grid,
    head,
    px,
    row_height,
    row_labels,
    text_width,
    top_margin,
    wrap,
)
from .spec import order_units

__all__ = ["grade_distribution_chart", "group_totals_chart"]


def group_totals_chart(units: list[dict], bands: list[dict], title: str = "") -> bytes:
    """Totals of a group's units as horizontal bars, best at top, coloured by grade (等次).

    `units`: `{"unit", "total", "grade"}`, optionally `"rank"` (then ordered by rank, as in
    the ranking table), `"veto"` (一票否决: without ranks the unit still goes last, and is
    labelled 一票否决) and `"note"` (shown after the value, e.g. 一票否决). `bands`:
    `{"code", "name", "min"}`; a dashed line marks each non-zero minimum.
    """
    if not units:
        raise ChartError("图表数据有误：该组没有单位，无法绘制总分图。")
    grades = grade_bands(bands)
    labels, totals, colors, values = _total_rows(units, grades)
    full = max(100.0, *totals)
    row = row_height(labels, 0.205, 0.34)
    top, bottom = top_margin(title, 0.2), 0.5
    height = px(top + row * len(labels) + bottom)

    def draw(fig: Figure) -> None:
        head(fig, title, grade_handles(grades))
        left = PAD + max(map(text_width, labels)) + GAP_PT / 72
        ax = axes(fig, left, PAD, top, bottom)
        span = _span(full, totals, values, WIDTH_IN - left - PAD)
        _total_bars(ax, totals, colors, values)
        band_lines(ax, [b for b in grades if b["min"] > 0])
        row_labels(ax, labels)
        ax.set_xlim(0, span)
        ax.set_xticks(range(0, int(full) + 1, 10))
        ax.spines["bottom"].set_bounds(0, full)
        ax.set_xlabel("总分（分）")

    return render(draw, WIDTH_IN, height)


def _total_rows(units: list[dict], grades: list[dict]) -> tuple[list, list, list, list]:
    """Labels, totals, colours and value texts of the units, in the spec's order (`order_units`:
    the ranking table's), names wrapped for the row labels."""
    rows = order_units(units, grades)
    labels = [wrap(name, 24) for name, _t, _c, _n in rows]
    totals = [total for _n, total, _c, _note in rows]
    colors = [color for _n, _t, color, _note in rows]
    values = [f"{fmt_total(t)}（{note}）" if note else fmt_total(t) for _n, t, _c, note in rows]
    return labels, totals, colors, values


def _span(full: float, totals: list[float], values: list[str], plot_width: float) -> float:
    """The x range: `full`, widened just enough for every value label right of its bar."""
    span = full
    for total, value in zip(totals, values, strict=True):
        room = (VALUE_GAP_PT + 2) / 72 + text_width(value)
        span = max(span, total / (1 - room / plot_width))
    return span


def _total_bars(ax: Axes, totals: list[float], colors: list[str], values: list[str]) -> None:
    """One bar per unit, first at top, with its value on a white ground after the bar."""
    positions = range(len(totals))
    ax.barh(positions, totals, height=0.64, color=colors, edgecolor=EDGE, linewidth=0.4, zorder=2)
    for y, total, value in zip(positions, totals, values, strict=True):
        ax.annotate(
            value,
            (total, y),
            xytext=(VALUE_GAP_PT, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            zorder=4,
            bbox={"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none"},
        )


def grade_distribution_chart(groups: list[dict], bands: list[dict], title: str = "") -> bytes:
    """Number of units per grade (等次分布) in each group, as grouped bars with counts.

    `groups`: `{"name": "县(市、区)", "counts": {"A": 5, "B": 8, ...}}`; a missing grade is 0.
    """
    if not groups:
        raise ChartError("图表数据有误：没有考核组，无法绘制等次分布图。")
    grades = grade_bands(bands)
    table = [_grade_counts(group, grades) for group in groups]
    peak = max(1, *(max(values) for _name, values in table))
    top, bottom = top_margin(title, 0.05), PAD + 0.45
    height = px(top + 2.1 + bottom)
    bar = 0.8 / len(grades)

    def draw(fig: Figure) -> None:
        head(fig, title, grade_handles(grades))
        ticks = MaxNLocator(nbins=5, integer=True, steps=[1, 2, 5, 10]).tick_values(0, peak)
        ticks = [t for t in ticks if 0 <= t <= peak * 1.2]
        left = PAD + LINE + max(text_width(f"{t:g}") for t in ticks) + 0.12
        ax = axes(fig, left, PAD, top, bottom)
        for j, band in enumerate(grades):
            xs = [i + (j - (len(grades) - 1) / 2) * bar for i in range(len(table))]
            heights = [values[j] for _name, values in table]
            bars = ax.bar(
                xs, heights, width=bar * 0.88, color=band["color"], edgecolor=EDGE, linewidth=0.4
            )
            ax.bar_label(bars, labels=[str(h) for h in heights], padding=2)
        ax.set_xticks(
            list(range(len(table))),
            [f"{name}\n（共{sum(values)}个单位）" for name, values in table],
        )
        ax.tick_params(axis="x", length=0, pad=5)
        ax.set_xlim(-0.5, len(table) - 0.5)
        ax.set_ylim(0, peak * 1.2)
        ax.set_yticks(ticks)
        ax.set_ylabel("单位数（个）", labelpad=4)
        grid(ax, "y")

    return render(draw, NARROW_IN, height)


def _grade_counts(group: dict, grades: list[dict]) -> tuple[str, list[int]]:
    """A group's name and its number of units in each grade band, in the bands' order."""
    name = str(group["name"])
    counts = dict(group.get("counts") or {})
    for code in counts:
        band_for(code, grades, name)
    values = [int(number(counts.get(b["code"], 0), f"{name}的{b['code']}等次数")) for b in grades]
    return name, values
