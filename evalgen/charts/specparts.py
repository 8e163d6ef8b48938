"""The parts of a chart spec (`spec`): its types, and the helpers that make a series and a
spec; importable by every spec builder (`spec`, `progress_spec`) without a cycle."""

from __future__ import annotations

from typing import Any, TypedDict

from .sizes import PRINT_WIDTH_IN

__all__ = [
    "CHART_TYPES",
    "CROWDED",
    "Axis",
    "ChartSpec",
    "Line",
    "Series",
    "make_series",
    "make_spec",
]

# Each kind's chart type: "column" (vertical bars), "bar" (horizontal bars) or "line".
CHART_TYPES = {
    "group_totals": "column",
    "score_histogram": "column",
    "grade_distribution": "column",
    "attainment": "bar",
    "trend": "line",
    "rank_intervals": "bar",
    "progress_status": "bar",
    "milestones": "bar",
}


# More categories than this in a column chart: their names and values are turned upright.
CROWDED = 8


class Series(TypedDict):
    """One series: its name, values (None: no point), colour, per-point colours and labels."""

    name: str
    values: list[float | None]
    color: str | None  # None: not filled (an invisible offset, as in a floating bar)
    point_colors: list[str | None]
    labels: list[str | None]  # a point's own label text (一票否决); None: its value, if shown
    show_values: bool  # label every point with its value in `format`
    format: str  # the number format of values (Excel's: "0.00")


class Line(TypedDict):
    """A reference line across the plot at `value` (a grade line: A 90)."""

    name: str
    value: float
    color: str


class Axis(TypedDict):
    """The value axis: title, range, major unit and number format."""

    title: str
    min: float | None
    max: float | None
    major: float | None
    format: str


class ChartSpec(TypedDict):
    """A chart as plain data; `type` is "column", "bar" (horizontal) or "line"."""

    kind: str
    type: str
    stacked: bool
    title: str
    categories: list[str]
    series: list[Series]
    lines: list[Line]
    axis: Axis
    category_title: str
    width_in: float
    height_in: float
    legend: bool


def make_series(name: str, values: list, color: str | None, **extra: Any) -> Series:
    count = len(values)
    return {
        "name": name,
        "values": values,
        "color": color,
        "point_colors": extra.get("point_colors") or [None] * count,
        "labels": extra.get("labels") or [None] * count,
        "show_values": extra.get("show_values", False),
        "format": extra.get("format", "General"),
    }


def make_spec(kind: str, categories: list[str], series: list[Series], **extra: Any) -> ChartSpec:
    rows = len(categories)
    type_ = CHART_TYPES[kind]
    height = extra.pop("height_in", None) or (0.8 + 0.22 * rows if type_ == "bar" else 3.2)
    spec: ChartSpec = {
        "kind": kind,
        "type": type_,
        "stacked": extra.pop("stacked", False),
        "title": extra.pop("title", ""),
        "categories": categories,
        "series": series,
        "lines": extra.pop("lines", []),
        "axis": extra.pop("axis"),
        "category_title": extra.pop("category_title", ""),
        "width_in": PRINT_WIDTH_IN[kind],
        "height_in": round(max(2.4, height), 2),
        "legend": extra.pop("legend", True),
    }
    return spec
