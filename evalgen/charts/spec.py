"""Every chart as one plain spec, built once from a document's chart data (no matplotlib).

A spec says what a chart shows, not how it is drawn: its kind, chart type, categories,
series (values, per-point colours and labels such as 一票否决), reference lines (the grade
lines), the value axis and the printed size. The native renderer (`charts.native`) writes it
as a Word chart; the ordering of bars here is the one the PNG path draws too
(`order_units`), so neither contradicts the ranking table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .data import band_for, grade_bands, number
from .errors import ChartError
from .progress_spec import status_spec
from .specparts import CHART_TYPES, Axis, ChartSpec, Line, Series, make_series, make_spec

__all__ = [
    "CHART_TYPES",
    "Axis",
    "ChartSpec",
    "Line",
    "Series",
    "bin_width",
    "chart_spec",
    "order_units",
]

_UNIT_COLOR = "#4A78B0"
_AVERAGE_COLOR = "#A9A9A9"
_TREND_COLOR = "#2F5D8C"
_FRAGILE_COLOR = "#B03A2E"
_LINE_COLOR = "#555555"


def chart_spec(kind: str, data: dict[str, Any]) -> ChartSpec:
    """The spec of a document's chart `{"kind": kind, "data": data}`; bad data: `ChartError`."""
    build = _BUILDERS.get(kind)
    if build is None:
        raise ChartError(f"图表数据有误：未知的图表类型“{kind}”。")
    return build(**data)


def order_units(units: list[dict], grades: list[dict]) -> list[tuple[str, float, str, str]]:
    """(name, total, colour, note) of the units in rank order if every unit has a rank, else
    best total first with vetoed units last (ties as given): the ranking table's order. The
    note is the unit's `note`, or 一票否决 for a vetoed unit; else empty."""
    rows = []
    for i, item in enumerate(units):
        name = str(item["unit"])
        total = number(item["total"], f"{name}的总分")
        color = band_for(item.get("grade"), grades, name)["color"]
        veto = bool(item.get("veto"))
        note = str(item.get("note") or ("一票否决" if veto else ""))
        rows.append((item.get("rank"), veto, i, name, total, color, note))
    if all(isinstance(r[0], int) for r in rows):
        rows.sort(key=lambda r: (r[0], r[2]))
    else:
        rows.sort(key=lambda r: (r[1], -r[4], r[2]))
    return [(name, total, color, note) for _r, _v, _i, name, total, color, note in rows]


def _grade_lines(grades: list[dict], low: float, high: float) -> list[Line]:
    return [
        {"name": f"{b['code']}等次线 {b['min']:g}", "value": b["min"], "color": _LINE_COLOR}
        for b in grades
        if low < b["min"] < high
    ]


def _group_totals(units: list[dict], bands: list[dict], title: str = "") -> ChartSpec:
    if not units:
        raise ChartError("图表数据有误：该组没有单位，无法绘制总分图。")
    grades = grade_bands(bands)
    rows = order_units(units, grades)
    top = max(100.0, *(total for _n, total, _c, _v in rows))
    series = make_series(
        "总分",
        [total for _n, total, _c, _v in rows],
        _UNIT_COLOR,
        point_colors=[color for _n, _t, color, _v in rows],
        show_values=True,
        format="0.00",
    )
    legend = [
        make_series(f"{b['code']} {b['name']}", [None] * len(rows), b["color"]) for b in grades
    ]
    return make_spec(
        "group_totals",
        # A note (一票否决) goes with the unit's name: Word and LibreOffice both show it there.
        [f"{name}（{note}）" if note else name for name, _t, _c, note in rows],
        [series, *legend],
        title=title,
        height_in=3.6,
        lines=_grade_lines(grades, 0, top + 1),
        axis={"title": "总分（分）", "min": 0, "max": math.ceil(top / 10) * 10, "major": 10,
              "format": "0"},
    )  # fmt: skip


def _grade_distribution(groups: list[dict], bands: list[dict], title: str = "") -> ChartSpec:
    if not groups:
        raise ChartError("图表数据有误：没有考核组，无法绘制等次分布图。")
    grades = grade_bands(bands)
    names, table = [], []
    for group in groups:
        name = str(group["name"])
        counts = dict(group.get("counts") or {})
        for code in counts:
            band_for(code, grades, name)
        values = [
            int(number(counts.get(b["code"], 0), f"{name}的{b['code']}等次数")) for b in grades
        ]
        names.append(f"{name}（共{sum(values)}个单位）")
        table.append(values)
    series = [
        make_series(f"{b['code']} {b['name']}", [float(v[j]) for v in table], b["color"],
                show_values=True, format="0")
        for j, b in enumerate(grades)
    ]  # fmt: skip
    return make_spec(
        "grade_distribution",
        names,
        series,
        title=title,
        axis={"title": "单位数（个）", "min": 0, "max": None, "major": None, "format": "0"},
    )


def _score_histogram(units: list[dict], bands: list[dict], title: str = "") -> ChartSpec:
    if not units:
        raise ChartError("图表数据有误：该组没有单位，无法绘制总分分布图。")
    grades = grade_bands(bands)
    totals = [number(u["total"], f"{u['unit']}的总分") for u in units]
    codes = [band_for(u.get("grade"), grades, str(u["unit"]))["code"] for u in units]
    width = bin_width(min(totals), max(totals))
    first = math.floor(min(totals) / width)
    bins = math.floor(max(totals) / width) + 1 - first
    counts = {b["code"]: [0.0] * bins for b in grades}
    for total, code in zip(totals, codes, strict=True):
        counts[code][math.floor(total / width) - first] += 1
    categories = [f"{(first + i) * width:g}–{(first + i + 1) * width:g}" for i in range(bins)]
    series = [
        make_series(f"{b['code']} {b['name']}", counts[b["code"]], b["color"])
        for b in grades
        if any(counts[b["code"]])
    ]
    return make_spec(
        "score_histogram",
        categories,
        series,
        stacked=True,
        title=title,
        height_in=3.4,  # room for up to 40 bins' names turned upright
        category_title=f"总分（分；每{width:g}分一组，左含右不含，共{len(units)}个单位）",
        axis={"title": "单位数（个）", "min": 0, "max": None, "major": None, "format": "0"},
    )


def bin_width(low: float, high: float) -> int:
    """The histogram's bin: the smallest of 1, 2, 5, 10, 20 points giving at most 40 bins."""
    for width in (1, 2, 5, 10, 20):
        if math.floor(high / width) + 1 - math.floor(low / width) <= 40:
            return width
    return 50


def _attainment(rows: list[dict], title: str = "") -> ChartSpec:
    if not rows:
        raise ChartError("图表数据有误：没有指标，无法绘制指标得分率图。")
    names, shares, averages = [], [], []
    for row in rows:
        name = str(row["name"])
        values = []
        for key, what in (("share", "得分率"), ("group_average", "组内平均得分率")):
            value = row.get(key)
            if value is not None:
                value = number(value, f"指标“{name}”的{what}")
                if not 0 <= value <= 100:
                    raise ChartError(
                        f"图表数据有误：指标“{name}”的{what}为 {value:g}，应在0～100之间。"
                    )
            values.append(value)
        names.append(name if values[0] is not None else f"{name}（不适用）")
        shares.append(values[0])
        averages.append(values[1])
    series = [
        make_series("本单位", shares, _UNIT_COLOR, show_values=True, format='0.0"%"'),
        make_series("组内平均", averages, _AVERAGE_COLOR),
    ]  # fmt: skip
    return make_spec(
        "attainment",
        names,
        series,
        title=title,
        height_in=0.8 + 0.26 * len(names),
        axis={"title": "得分率（%）", "min": 0, "max": 100, "major": 20, "format": "0"},
    )


def _trend(points: list[dict], of: int, title: str = "") -> ChartSpec:
    if not points:
        raise ChartError("图表数据有误：没有历年得分，无法绘制趋势图。")
    years = []
    for point in points:
        year = point["year"]
        if isinstance(year, bool) or not isinstance(year, int):
            raise ChartError(f"图表数据有误：年度应为整数，实际为 {year!r}。")
        rank = point.get("rank")
        if rank is not None and (not isinstance(rank, int) or not 1 <= rank <= of):
            raise ChartError(f"图表数据有误：{year}年的名次 {rank!r} 不在1～{of}之间。")
        years.append((year, number(point["total"], f"{year}年的总分"), rank))
    years.sort()
    if len({y for y, _t, _r in years}) != len(years):
        raise ChartError("图表数据有误：历年得分中有重复的年度。")
    totals = [t for _y, t, _r in years]
    low = max(0.0, math.floor((min(totals) - 10) / 10) * 10)
    series = make_series("总分", totals, _TREND_COLOR, show_values=True, format="0.00")
    return make_spec(
        "trend",
        [f"{y}年（第{r}名）" if r is not None else f"{y}年" for y, _t, r in years],
        [series],
        title=title,
        height_in=2.6,
        category_title=f"名次为在本组{of}个单位中的排名" if any(r for *_x, r in years) else "",
        axis={"title": "总分（分）", "min": low, "max": max(100.0, math.ceil(max(totals) / 10) * 10),
              "major": 10, "format": "0"},
    )  # fmt: skip


def _rank_intervals(units: list[dict], unit_count: int, title: str = "") -> ChartSpec:
    if not units:
        raise ChartError("图表数据有误：该组没有单位，无法绘制名次区间图。")
    count = number(unit_count, "单位数")
    names, lows, spans, colors = [], [], [], []
    for item in units:
        name = str(item["unit"])
        rank, median, low, high = (
            number(item[key], f"{name}的{what}")
            for key, what in (("rank", "名次"), ("rank_median", "名次中位数"),
                              ("rank_p05", "名次5%分位数"), ("rank_p95", "名次95%分位数"))
        )  # fmt: skip
        if not 1 <= low <= median <= high <= count or not 1 <= rank <= count:
            raise ChartError(
                f"图表数据有误：{name}的名次区间（{low:g}—{high:g}，中位数{median:g}，"
                f"名次{rank:g}）不在1至{count:g}之间或次序不对。"
            )
        fragile = not item["robust"]
        names.append(
            f"{name}（{low:g}—{high:g}名，中位{median:g}，正式{rank:g}"
            + ("，不稳健）" if fragile else "）")
        )
        lows.append(low - 0.5)
        spans.append(high - low + 1)
        colors.append(_FRAGILE_COLOR if fragile else _UNIT_COLOR)
    series = [
        make_series("起点", lows, None),
        make_series("名次5%—95%区间", spans, _UNIT_COLOR, point_colors=colors),
    ]
    return make_spec(
        "rank_intervals",
        names,
        series,
        stacked=True,
        legend=False,  # the rows say it all; red: a fragile decision (不稳健)
        title=title,
        axis={"title": f"名次（共{count:g}个单位，名次越小越靠前）", "min": 0,
              "max": count + 1, "major": None, "format": "0"},
    )  # fmt: skip


# The road to the milestones (the annual 通报's section and the 定期通报's 图2).
TRACK_COLORS = {"有望按期实现": "#78B59A", "存在风险": "#8A2B26"}
_TRACK_OTHER = "#A9A9A9"


def _milestones(rows: list[dict], title: str = "") -> ChartSpec:
    """A bar per milestone: its latest value as a percentage of the next target (capped at
    120), coloured by status; a line at 100."""
    if not rows:
        raise ChartError("图表数据有误：没有节点目标，无法绘制节点目标图。")
    percents = [min(120.0, number(r["percent"], f"{r['label']}的完成比例")) for r in rows]
    # Each bar is coloured by its status, labelled with its percentage (the figures are in the
    # table); coloured point by point, the bars' series has no legend entry: a legend-only
    # companion per status names its colour (as the grades do for the totals).
    series = make_series(
        "完成比例",
        percents,
        _TRACK_OTHER,
        point_colors=[TRACK_COLORS.get(str(r["status"]), _TRACK_OTHER) for r in rows],
        show_values=True,
        format='0"%"',
    )
    on_track, at_risk = (make_series(s, [None] * len(rows), c) for s, c in TRACK_COLORS.items())
    return make_spec(
        "milestones",
        [str(r["label"]) for r in rows],
        # The bars' series (no legend entry) in the middle: LibreOffice counts the legend
        # entries of horizontal bars from the other end, Word from this one; both drop it.
        [on_track, series, at_risk],
        title=title,
        height_in=0.8 + 0.3 * len(rows),
        lines=[{"name": "节点目标 100%", "value": 100.0, "color": _LINE_COLOR}],
        axis={"title": "最近一年实际值占下一节点目标的比例（%）", "min": 0, "max": 120,
              "major": 20, "format": "0"},
    )  # fmt: skip


_BUILDERS: dict[str, Callable[..., ChartSpec]] = {
    "group_totals": _group_totals,
    "score_histogram": _score_histogram,
    "grade_distribution": _grade_distribution,
    "attainment": _attainment,
    "trend": _trend,
    "rank_intervals": _rank_intervals,
    "progress_status": status_spec,
    "milestones": _milestones,
}
