"""Charts for the bulletin (通报) and the unit reports, as PNG bytes from plain JSON-safe data.

Charts are drawn with matplotlib's object-oriented API on an Agg canvas (no pyplot, so nothing
accumulates between charts), with matplotlib's default settings plus ours (the caller's
settings neither reach a chart nor change), at a fixed width and dpi, in an SIL OFL
Simplified Chinese font loaded by file (`chartfont`): the same data gives the same bytes, in
any process and after any other charts (`chartcanvas`). A unit report's charts are drawn on a
figure kept per layout (a few, least recently used dropped) and draw only what is the unit's
over the fixed pixels: the attainment chart its bars and figures over the group's indicators,
the trend chart its line, totals and ranks over a scale that units share. Charts are `WIDTH_IN` (152.4 mm, for the 156 mm text block of an A4 official document)
or `NARROW_IN` (121.9 mm) wide and meant to print at 100 %, where labels are 9 pt (小五) and
titles 10.5 pt (五号); the PNG (RGB, written here) carries its dpi, so Word shows it at that
size. Heights grow with the rows.
"""

from __future__ import annotations

import functools
import math
import unicodedata

from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.textpath import text_to_path
from matplotlib.ticker import MaxNLocator, PercentFormatter
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from ..numbers import fmt_total
from .canvas import DPI, render, render_reusing
from .font import FONT_ENV, INK, LABEL_PT, ChartError, chart_font, find_font

__all__ = [
    "ChartError",
    "DPI",
    "FONT_ENV",
    "NARROW_IN",
    "WIDTH_IN",
    "attainment_chart",
    "chart_font",
    "find_font",
    "grade_distribution_chart",
    "group_totals_chart",
    "trend_chart",
]

WIDTH_IN = 6.0  # group totals, attainment: 152.4 mm
NARROW_IN = 4.8  # grade distribution, trend: 121.9 mm

# Muted, and apart in greyscale too (luminance ≈ 160, 112, 199, 71 of 255).
_GRADE_COLORS = {"A": "#78B59A", "B": "#4A78B0", "C": "#EAC66E", "D": "#8A2B26"}
_OTHER = "#A9A9A9"
_EDGE = "#333333"
_INK = INK
_UNIT_COLOR = "#4A78B0"
_LINE_COLOR = "#2F5D8C"

_LABEL_PT = LABEL_PT  # 小五
_TITLE_PT = 10.5  # 五号
_LINE = _LABEL_PT * 1.3 / 72  # one line of label text, inches
_PAD = 0.06  # figure edge, inches
_TITLE_H = 0.3
_LEGEND_H = 0.3
_GAP_PT = 4  # row names to the axes
_VALUE_GAP_PT = 3  # value labels to their bar or point
_NO_LINE_START = set("，。、；：！？）》」』】’”％%·")
_NO_LINE_END = set("（《「『【‘“")
_ATTAINMENT: dict = {}  # figures kept by layout, least recently used first
_TREND: dict = {}

# -------------------------------------------------------------------------------- layout
# Margins are measured in inches from the labels themselves (no layout engine: it would
# cost a second drawing pass per chart).


def _px(inches: float) -> float:
    """Round a length to whole pixels, so the PNG is exactly size × DPI."""
    return round(inches * DPI) / DPI


def _text_width(text: str, size: float = _LABEL_PT) -> float:
    """Width in inches of the widest line of `text` in the chart font (while drawing)."""
    prop = FontProperties(size=size)
    lines = text.split("\n")
    return max(text_to_path.get_text_width_height_descent(t, prop, False)[0] for t in lines) / 72


def _head(fig: Figure, title: str, handles: list) -> None:
    """The optional title, then the legend, across the top of the figure."""
    height = fig.get_figheight()
    used = _PAD
    if title:
        y = 1 - (used + _TITLE_H / 2) / height
        fig.text(0.5, y, title, ha="center", va="center", fontsize=_TITLE_PT)
        used += _TITLE_H
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


def _top(title: str, extra: float = 0.0) -> float:
    return _PAD + (_TITLE_H if title else 0.0) + _LEGEND_H + extra


def _axes(fig: Figure, left: float, right: float, top: float, bottom: float):
    width, height = fig.get_size_inches()
    box = (left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height)
    ax = fig.add_axes(box)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def _row_labels(ax, labels: list[str]) -> None:
    """Row names left of the axes, first at top (plain texts: cheaper than tick labels)."""
    shift = ScaledTranslation(-_GAP_PT / 72, 0, ax.figure.dpi_scale_trans)
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


def _band_lines(ax, bands: list[dict], zorder: float = 1) -> None:
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


def _grid(ax, axis: str) -> None:
    ax.grid(axis=axis, color="#DDDDDD", linewidth=0.5)
    ax.set_axisbelow(True)


# ---------------------------------------------------------------------------------- data


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ChartError(f"图表数据有误：{what}应为数值，实际为 {value!r}。")
    return float(value)


def _bands(bands: list[dict]) -> list[dict]:
    """Grade bands as given (best first), each with its colour."""
    if not bands:
        raise ChartError("图表数据有误：未给出等次划分（bands）。")
    result = []
    for i, band in enumerate(bands):
        code = str(band["code"])
        # A–D by code; bands a model names otherwise take the same colours by position.
        by_position = list(_GRADE_COLORS.values())[i] if i < len(_GRADE_COLORS) else _OTHER
        color = _GRADE_COLORS.get(code.upper(), by_position)
        minimum = _number(band.get("min", 0), f"等次 {code} 的下限")
        result.append(
            {"code": code, "name": str(band.get("name", "")), "min": minimum, "color": color}
        )
    return result


def _band_for(code: object, bands: list[dict], who: str) -> dict:
    for band in bands:
        if band["code"] == code:
            return band
    known = "、".join(b["code"] for b in bands)
    raise ChartError(f"图表数据有误：{who}的等次 {code!r} 不在等次划分（{known}）中。")


def _grade_handles(bands: list[dict]) -> list[Patch]:
    return [
        Patch(
            facecolor=b["color"], edgecolor=_EDGE, linewidth=0.4, label=f"{b['code']} {b['name']}"
        )
        for b in bands
    ]


def _cells(text: str) -> int:
    """Display width in half-width cells (a Chinese character is 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@functools.lru_cache(maxsize=4096)  # a group's indicator names, again for each unit
def _wrap(text: str, cells: int) -> str:
    """Break a label into balanced lines of about `cells`, keeping punctuation off line starts."""
    total = _cells(text)
    if total <= cells:
        return text
    # Balanced lines; one cell of slack so an odd target still fits whole characters.
    target = math.ceil(total / math.ceil(total / cells)) + 1
    lines, line = [], ""
    for char in text:
        if line and _cells(line + char) > target and char not in _NO_LINE_START:
            if line[-1] in _NO_LINE_END:
                lines.append(line[:-1])
                line = line[-1]
            else:
                lines.append(line)
                line = ""
        line += char
    lines.append(line)
    return "\n".join(lines)


def _row_height(labels: list[str], single: float, double: float) -> float:
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return single if lines == 1 else double + (lines - 2) * (double - single)


# -------------------------------------------------------------------------------- charts


def group_totals_chart(units: list[dict], bands: list[dict], title: str = "") -> bytes:
    """Totals of a group's units as horizontal bars, best at top, coloured by grade (等次).

    `units`: `{"unit", "total", "grade"}`, optionally `"rank"` (then ordered by rank, so a
    vetoed unit is last as in the ranking table) and `"note"` (shown after the value, e.g.
    一票否决). `bands`: `{"code", "name", "min"}`; a dashed line marks each non-zero minimum.
    """
    if not units:
        raise ChartError("图表数据有误：该组没有单位，无法绘制总分图。")
    grades = _bands(bands)
    rows = []
    for i, item in enumerate(units):
        name = str(item["unit"])
        total = _number(item["total"], f"{name}的总分")
        color = _band_for(item.get("grade"), grades, name)["color"]
        note = str(item.get("note") or "")
        value = f"{fmt_total(total)}（{note}）" if note else fmt_total(total)
        rows.append((item.get("rank"), i, _wrap(name, 24), total, color, value))
    if all(isinstance(r[0], int) for r in rows):
        rows.sort(key=lambda r: (r[0], r[1]))
    else:
        rows.sort(key=lambda r: (-r[3], r[1]))
    _rank, _order, labels, totals, colors, values = (
        list(column) for column in zip(*rows, strict=True)
    )
    full = max(100.0, *totals)
    row = _row_height(labels, 0.205, 0.34)
    top, bottom = _top(title, 0.2), 0.5
    height = _px(top + row * len(rows) + bottom)

    def draw(fig: Figure) -> None:
        _head(fig, title, _grade_handles(grades))
        left = _PAD + max(map(_text_width, labels)) + _GAP_PT / 72
        ax = _axes(fig, left, _PAD, top, bottom)
        # Widen the x range just enough for every value label to the right of its bar.
        plot_width = WIDTH_IN - left - _PAD
        span = full
        for total, value in zip(totals, values, strict=True):
            room = (_VALUE_GAP_PT + 2) / 72 + _text_width(value)
            span = max(span, total / (1 - room / plot_width))
        positions = range(len(rows))
        ax.barh(
            positions, totals, height=0.64, color=colors, edgecolor=_EDGE, linewidth=0.4, zorder=2
        )
        for y, total, value in zip(positions, totals, values, strict=True):
            ax.annotate(
                value,
                (total, y),
                xytext=(_VALUE_GAP_PT, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                zorder=4,
                bbox={"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none"},
            )
        _band_lines(ax, [b for b in grades if b["min"] > 0])
        _row_labels(ax, labels)
        ax.set_xlim(0, span)
        ax.set_xticks(range(0, int(full) + 1, 10))
        ax.spines["bottom"].set_bounds(0, full)
        ax.set_xlabel("总分（分）")

    return render(draw, WIDTH_IN, height)


def grade_distribution_chart(groups: list[dict], bands: list[dict], title: str = "") -> bytes:
    """Number of units per grade (等次分布) in each group, as grouped bars with counts.

    `groups`: `{"name": "县(市、区)", "counts": {"A": 5, "B": 8, ...}}`; a missing grade is 0.
    """
    if not groups:
        raise ChartError("图表数据有误：没有考核组，无法绘制等次分布图。")
    grades = _bands(bands)
    table = []
    for group in groups:
        name = str(group["name"])
        counts = dict(group.get("counts") or {})
        for code in counts:
            _band_for(code, grades, name)
        values = [
            int(_number(counts.get(b["code"], 0), f"{name}的{b['code']}等次数")) for b in grades
        ]
        table.append((name, values))
    peak = max(1, *(max(values) for _name, values in table))
    top, bottom = _top(title, 0.05), _PAD + 0.45
    height = _px(top + 2.1 + bottom)
    bar = 0.8 / len(grades)

    def draw(fig: Figure) -> None:
        _head(fig, title, _grade_handles(grades))
        ticks = MaxNLocator(nbins=5, integer=True, steps=[1, 2, 5, 10]).tick_values(0, peak)
        ticks = [t for t in ticks if 0 <= t <= peak * 1.2]
        left = _PAD + _LINE + max(_text_width(f"{t:g}") for t in ticks) + 0.12
        ax = _axes(fig, left, _PAD, top, bottom)
        for j, band in enumerate(grades):
            xs = [i + (j - (len(grades) - 1) / 2) * bar for i in range(len(table))]
            heights = [values[j] for _name, values in table]
            bars = ax.bar(
                xs, heights, width=bar * 0.88, color=band["color"], edgecolor=_EDGE, linewidth=0.4
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
        _grid(ax, "y")

    return render(draw, NARROW_IN, height)


def attainment_chart(rows: list[dict], title: str = "") -> bytes:
    """One unit's indicators (指标得分率): its share of each indicator's points beside the group's.

    `rows`: `{"name", "share", "group_average"}`, shares in % (0–100); a share of None is drawn
    as 不适用, a group_average of None is left out. Rows keep their order, first at top.
    Units of a group share one layout (names, group averages, columns), drawn once.
    """
    if not rows:
        raise ChartError("图表数据有误：没有指标，无法绘制指标得分率图。")
    labels, shares, averages = [], [], []
    for row in rows:
        name = str(row["name"])
        labels.append(_wrap(name, 20))
        for key, what, column in (
            ("share", "得分率", shares),
            ("group_average", "组内平均得分率", averages),
        ):
            value = row.get(key)
            if value is not None:
                value = _number(value, f"指标“{name}”的{what}")
                if not 0 <= value <= 100:
                    raise ChartError(
                        f"图表数据有误：指标“{name}”的{what}为 {value:g}，应在0～100之间。"
                    )
            column.append(value)
    share_texts = [f"{s:.1f}%" if s is not None else "不适用" for s in shares]
    average_texts = [f"{a:.1f}%" if a is not None else "—" for a in averages]
    row = _row_height(labels, 0.22, 0.3)
    top, bottom = _top(title, 0.2), 0.5
    height = _px(top + row * len(rows) + bottom)
    mark = {"linestyle": "none", "marker": "|", "markeredgewidth": 1.8, "color": _INK}

    def build(fig: Figure) -> tuple:
        handles = [
            Patch(facecolor=_UNIT_COLOR, edgecolor=_EDGE, linewidth=0.4, label="本单位"),
            Line2D([], [], markersize=10, label="组内平均", **mark),
        ]
        _head(fig, title, handles)
        # Two right-aligned columns of figures at the right, headed like the legend; the
        # unit's column is as wide as its widest possible entry, so units share the layout.
        second = max(map(_text_width, ["组内平均", *average_texts]))
        first = max(map(_text_width, ["本单位", "100.0%", "不适用"]))
        right = _PAD + second + 0.14 + first + 0.16
        left = _PAD + max(map(_text_width, labels)) + _GAP_PT / 72
        ax = _axes(fig, left, right, top, bottom)
        positions = range(len(rows))
        bars = ax.barh(
            positions,
            [0] * len(rows),
            height=0.6,
            color=_UNIT_COLOR,
            edgecolor=_EDGE,
            linewidth=0.4,
            zorder=2,
        ).patches
        # Drawn over the bars (the average marks, the spine they start from): redrawn each time.
        (marks,) = ax.plot(
            [a for a in averages if a is not None],
            [y for y, a in zip(positions, averages, strict=True) if a is not None],
            markersize=0.6 * row * 72 * 1.3,
            zorder=3,
            **mark,
        )
        not_applicable = [
            ax.text(1, y, "不适用", va="center", ha="left", color="#555555") for y in positions
        ]
        _row_labels(ax, labels)
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.set_xlabel("得分率（得分占该指标分值的比例）")
        _grid(ax, "x")

        column = blended_transform_factory(fig.transFigure, ax.transData)
        x_second = 1 - _PAD / WIDTH_IN
        x_first = x_second - (second + 0.14) / WIDTH_IN
        values = []
        for x, header, texts in (
            (x_first, "本单位", share_texts),
            (x_second, "组内平均", average_texts),
        ):
            ax.annotate(
                header,
                (x, -0.5),
                xycoords=column,
                xytext=(0, 3),
                textcoords="offset points",
                ha="right",
                va="bottom",
                color="#555555",
            )
            values.append(
                [
                    ax.text(x, y, text, transform=column, va="center", ha="right")
                    for y, text in zip(positions, texts, strict=True)
                ]
            )
        own = values[0]
        changing = [*bars, ax.spines["left"], marks, *not_applicable, *own]
        for artist in changing:
            artist.set_animated(True)
        return bars, not_applicable, own, changing

    def update(parts: tuple) -> list[Artist]:
        bars, not_applicable, own, changing = parts
        for bar, na, text, share, share_text in zip(
            bars, not_applicable, own, shares, share_texts, strict=True
        ):
            bar.set_visible(share is not None)
            bar.set_width(share or 0)
            na.set_visible(share is None)
            text.set_text(share_text)
        return changing  # in the order a full drawing takes: by zorder, then as added

    key = ("attainment", title, tuple(labels), tuple(averages))
    return render_reusing(_ATTAINMENT, key, (WIDTH_IN, height), build, update)


def trend_chart(points: list[dict], of: int, title: str = "") -> bytes:
    """A unit's total over the years (历年总分) with its rank in its group of `of` units.

    `points`: `{"year", "total", "rank"}` (rank may be None); 1 to 5 years, any order.
    """
    if not points:
        raise ChartError("图表数据有误：没有历年得分，无法绘制趋势图。")
    years = []
    for point in points:
        year = point["year"]
        if isinstance(year, bool) or not isinstance(year, int):
            raise ChartError(f"图表数据有误：年度应为整数，实际为 {year!r}。")
        total = _number(point["total"], f"{year}年的总分")
        rank = point.get("rank")
        if rank is not None and (not isinstance(rank, int) or not 1 <= rank <= of):
            raise ChartError(f"图表数据有误：{year}年的名次 {rank!r} 不在1～{of}之间。")
        years.append((year, total, rank))
    years.sort()
    if len({y for y, _t, _r in years}) != len(years):
        raise ChartError("图表数据有误：历年得分中有重复的年度。")
    xs = [y for y, _t, _r in years]
    totals = [t for _y, t, _r in years]
    ranked = any(r is not None for _y, _t, r in years)
    xlabel = f"名次为在本组{of}个单位中的排名" if ranked else ""
    top = _PAD + (_TITLE_H if title else 0.0) + 0.08
    bottom = _PAD + (0.34 if ranked else 0.17) + 0.08 + (_LINE + 0.04 if ranked else 0.0)
    height = _px(2.3 + (_TITLE_H if title else 0.0))
    # y range: from a round number below the lowest total; room above the highest for its label
    low = max(0.0, math.floor((min(totals) - 10) / 10) * 10)
    share = (_VALUE_GAP_PT * 2 + _LABEL_PT + 2) / 72 / (height - top - bottom)
    high = max(100.0, (max(totals) - low * share) / (1 - share))
    step = 10 if high - low > 30 else 5
    last = max(100.0, *totals)  # no tick above the scale: the headroom is for labels only
    ticks = list(range(int(math.ceil(low / step) * step), int(min(high, last)) + 1, step))

    labels = [f"{y}年\n第{r}名" if r is not None else f"{y}年" for y, _t, r in years]

    def build(fig: Figure) -> tuple:
        if title:
            y = 1 - (_PAD + _TITLE_H / 2) / height
            fig.text(0.5, y, title, ha="center", va="center", fontsize=_TITLE_PT)
        left = _PAD + _LINE + _text_width(str(ticks[-1])) + 0.12  # the most digits
        ax = _axes(fig, left, _PAD + 0.1, top, bottom)
        (line,) = ax.plot(
            [], [], color=_LINE_COLOR, linewidth=1.6, marker="o", markersize=5, zorder=3
        )
        values = [
            ax.annotate(
                "",
                (0, 0),
                xytext=(0, _VALUE_GAP_PT * 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
            )
            for _x in xs
        ]
        ax.tick_params(axis="x", length=0, pad=4)
        ax.set_xlabel(xlabel, labelpad=4, color="#555555")
        ax.set_ylabel("总分（分）", labelpad=4)
        _grid(ax, "y")
        pad = 0.5 if len(xs) > 1 else 1.0
        ax.set_xlim(xs[0] - pad, xs[-1] + pad)
        ax.set_ylim(low, high)
        ax.set_yticks(ticks)
        # The x axis (names of the years with the ranks, its label) is drawn each time.
        changing = [ax.xaxis, line, *values]
        for artist in changing:
            artist.set_animated(True)
        return ax, line, values, changing

    def update(parts: tuple) -> list[Artist]:
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
