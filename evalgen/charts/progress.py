"""The 定期通报's charts (evalgen progress): how many units are 正常 / 滞后 / 严重滞后 on each
indicator followed in-year, and how far the city is along the road to each milestone.

Plain data in (lists of dicts of numbers and text), PNG out, as every chart module here.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from .canvas import render
from .data import number
from .font import ChartError
from .layout import (
    EDGE,
    GAP_PT,
    PAD,
    VALUE_GAP_PT,
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

__all__ = ["STATUS_COLORS", "milestone_chart", "status_chart"]

STATUS_COLORS = {"正常": "#78B59A", "滞后": "#EAC66E", "严重滞后": "#8A2B26"}
TRACK_COLORS = {"有望按期实现": "#78B59A", "存在风险": "#8A2B26"}
_OTHER = "#A9A9A9"


def status_chart(rows: list[dict], title: str = "") -> bytes:
    """One stacked bar per indicator: the number of units 正常, 滞后 and 严重滞后.

    `rows`: `{"label": str, "正常": n, "滞后": n, "严重滞后": n}`, drawn first at top."""
    if not rows:
        raise ChartError("图表数据有误：没有年内跟踪的指标，无法绘制进度图。")
    labels = [wrap(str(r["label"]), 28) for r in rows]
    counts = {
        s: [number(r.get(s, 0), f"{r['label']}的{s}单位数") for r in rows] for s in STATUS_COLORS
    }
    totals = [sum(c[i] for c in counts.values()) for i in range(len(rows))]
    row = row_height(labels, 0.24, 0.38)
    top, bottom = top_margin(title, 0.1), 0.5
    height = px(top + row * len(labels) + bottom)

    def draw(fig: Figure) -> None:
        handles = [
            Patch(facecolor=c, edgecolor=EDGE, linewidth=0.4, label=s)
            for s, c in STATUS_COLORS.items()
        ]
        head(fig, title, handles)
        left = PAD + max(map(text_width, labels)) + GAP_PT / 72
        ax = axes(fig, left, PAD + 0.2, top, bottom)
        start = [0.0] * len(rows)
        for status, color in STATUS_COLORS.items():
            values = counts[status]
            ax.barh(
                range(len(rows)),
                values,
                left=start,
                height=0.6,
                color=color,
                edgecolor=EDGE,
                linewidth=0.4,
                zorder=2,
            )
            start = [a + b for a, b in zip(start, values, strict=True)]
        for y, total in enumerate(totals):
            ax.annotate(
                f"{total:g}",
                (total, y),
                xytext=(VALUE_GAP_PT, 0),
                textcoords="offset points",
                va="center",
            )
        row_labels(ax, labels)
        grid(ax, "x")
        ax.set_xlim(0, max(totals) * 1.08 + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("单位数（个）")

    return render(draw, WIDTH_IN, height)


def milestone_chart(rows: list[dict], title: str = "") -> bytes:
    """One bar per milestone: the latest value as a percentage of the next target (capped at
    120 for the drawing), coloured by on track / at risk, with the values written after it.

    `rows`: `{"label", "percent": number, "status": str, "text": str}`."""
    if not rows:
        raise ChartError("图表数据有误：没有节点目标，无法绘制节点目标图。")
    labels = [wrap(str(r["label"]), 24) for r in rows]
    percents = [min(120.0, number(r["percent"], f"{r['label']}的完成比例")) for r in rows]
    colors = [TRACK_COLORS.get(str(r["status"]), _OTHER) for r in rows]
    texts = [str(r["text"]) for r in rows]
    row = row_height(labels, 0.26, 0.4)
    top, bottom = top_margin(title, 0.1), 0.5
    height = px(top + row * len(labels) + bottom)

    def draw(fig: Figure) -> None:
        handles = [
            Patch(facecolor=c, edgecolor=EDGE, linewidth=0.4, label=s)
            for s, c in TRACK_COLORS.items()
        ]
        head(fig, title, handles)
        left = PAD + max(map(text_width, labels)) + GAP_PT / 72
        right = PAD + max(map(text_width, texts)) + VALUE_GAP_PT / 72
        ax = axes(fig, left, right, top, bottom)
        ax.barh(
            range(len(rows)),
            percents,
            height=0.6,
            color=colors,
            edgecolor=EDGE,
            linewidth=0.4,
            zorder=2,
        )
        for y, (p, text) in enumerate(zip(percents, texts, strict=True)):
            ax.annotate(
                text, (p, y), xytext=(VALUE_GAP_PT, 0), textcoords="offset points", va="center"
            )
        ax.axvline(100, color="#555555", linewidth=0.7, linestyle=(0, (4, 3)), zorder=1)
        row_labels(ax, labels)
        grid(ax, "x")
        ax.set_xlim(0, 120)
        ax.set_xlabel("最近一年实际值占下一节点目标的比例（%）")

    return render(draw, WIDTH_IN, height)
