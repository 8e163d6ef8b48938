"""A unit report's (单位报告) attainment chart: its share of each indicator's points, beside
the group's average.

Units of a group share one layout (names, group averages, columns): it is drawn once on a
figure kept per layout (a few, least recently used dropped), and each unit's chart draws only
what is the unit's over those fixed pixels: its bars and its column of figures.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, TypedDict

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import PercentFormatter
from matplotlib.transforms import blended_transform_factory

from .canvas import render_reusing
from .data import number
from .font import ChartError
from .layout import (
    EDGE,
    GAP_PT,
    INK,
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

__all__ = ["attainment_chart"]

_UNIT_COLOR = "#4A78B0"


class _MarkStyle(TypedDict):
    """The group average's mark, in the legend and on the chart."""

    linestyle: Literal["none"]
    marker: str
    markeredgewidth: float
    color: str


_MARK: _MarkStyle = {"linestyle": "none", "marker": "|", "markeredgewidth": 1.8, "color": INK}
_ATTAINMENT: dict = {}  # figures kept by layout, least recently used first


class _Parts(NamedTuple):
    """What a unit's chart changes on a kept figure (`build` makes them, `update` sets them)."""

    bars: list[Rectangle]
    not_applicable: list[Text]
    own: list[Text]  # the unit's column of figures
    changing: list[Artist]  # the artists drawn over the fixed pixels, in drawing order


def attainment_chart(rows: list[dict], title: str = "") -> bytes:
    """One unit's indicators (指标得分率): its share of each indicator's points beside the group's.

    `rows`: `{"name", "share", "group_average"}`, shares in % (0–100); a share of None is drawn
    as 不适用, a group_average of None is left out. Rows keep their order, first at top.
    Units of a group share one layout (names, group averages, columns), drawn once.
    """
    if not rows:
        raise ChartError("图表数据有误：没有指标，无法绘制指标得分率图。")
    labels, shares, averages = _checked_rows(rows)
    share_texts = [f"{s:.1f}%" if s is not None else "不适用" for s in shares]
    average_texts = [f"{a:.1f}%" if a is not None else "—" for a in averages]
    row = row_height(labels, 0.22, 0.3)
    top, bottom = top_margin(title, 0.2), 0.5
    height = px(top + row * len(rows) + bottom)

    def build(fig: Figure) -> _Parts:
        _legend(fig, title)
        # Two right-aligned columns of figures at the right, headed like the legend; the
        # unit's column is as wide as its widest possible entry, so units share the layout.
        second = max(map(text_width, ["组内平均", *average_texts]))
        first = max(map(text_width, ["本单位", "100.0%", "不适用"]))
        right = PAD + second + 0.14 + first + 0.16
        left = PAD + max(map(text_width, labels)) + GAP_PT / 72
        ax = axes(fig, left, right, top, bottom)
        bars, marks, not_applicable = _bars_and_marks(ax, averages, row)
        _share_axis(ax, labels)
        own = _figure_columns(fig, ax, second, share_texts, average_texts)
        changing: list[Artist] = [*bars, ax.spines["left"], marks, *not_applicable, *own]
        for artist in changing:
            artist.set_animated(True)
        return _Parts(bars, not_applicable, own, changing)

    def update(parts: object) -> list[Artist]:
        assert isinstance(parts, _Parts)  # render_reusing hands back what `build` returned
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


def _checked_rows(rows: list[dict]) -> tuple[list[str], list[float | None], list[float | None]]:
    """Wrapped indicator names, shares and group averages (None where not given), checked."""
    labels: list[str] = []
    shares: list[float | None] = []
    averages: list[float | None] = []
    for row in rows:
        name = str(row["name"])
        labels.append(wrap(name, 20))
        for key, what, column in (
            ("share", "得分率", shares),
            ("group_average", "组内平均得分率", averages),
        ):
            value = row.get(key)
            if value is not None:
                value = number(value, f"指标“{name}”的{what}")
                if not 0 <= value <= 100:
                    raise ChartError(
                        f"图表数据有误：指标“{name}”的{what}为 {value:g}，应在0～100之间。"
                    )
            column.append(value)
    return labels, shares, averages


def _legend(fig: Figure, title: str) -> None:
    handles = [
        Patch(facecolor=_UNIT_COLOR, edgecolor=EDGE, linewidth=0.4, label="本单位"),
        Line2D([], [], markersize=10, label="组内平均", **_MARK),
    ]
    head(fig, title, handles)


def _bars_and_marks(
    ax: Axes, averages: list[float | None], row: float
) -> tuple[list[Rectangle], Line2D, list[Text]]:
    """Empty bars (the unit's, set by `update`), the group's average marks, hidden 不适用s."""
    positions = range(len(averages))
    bars = ax.barh(
        positions,
        [0] * len(averages),
        height=0.6,
        color=_UNIT_COLOR,
        edgecolor=EDGE,
        linewidth=0.4,
        zorder=2,
    ).patches
    # Drawn over the bars (the average marks, the spine they start from): redrawn each time.
    (marks,) = ax.plot(
        [a for a in averages if a is not None],
        [y for y, a in zip(positions, averages, strict=True) if a is not None],
        markersize=0.6 * row * 72 * 1.3,
        zorder=3,
        **_MARK,
    )
    not_applicable = [
        ax.text(1, y, "不适用", va="center", ha="left", color="#555555") for y in positions
    ]
    return bars, marks, not_applicable


def _share_axis(ax: Axes, labels: list[str]) -> None:
    """Indicator names at left, shares 0–100 % along the bottom."""
    row_labels(ax, labels)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlabel("得分率（得分占该指标分值的比例）")
    grid(ax, "x")


def _figure_columns(
    fig: Figure, ax: Axes, second: float, share_texts: list[str], average_texts: list[str]
) -> list[Text]:
    """The two headed columns of figures at the right; returns the unit's (first) column."""
    column = blended_transform_factory(fig.transFigure, ax.transData)
    x_second = 1 - PAD / WIDTH_IN
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
                for y, text in enumerate(texts)
            ]
        )
    return values[0]
