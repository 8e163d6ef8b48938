"""The 定期通报's charts (evalgen progress) as specs: how many units are 正常 / 滞后 / 严重滞后
on each indicator followed in-year, and how far the city is along the road to each milestone.
"""

from __future__ import annotations

from .data import number
from .errors import ChartError
from .specparts import ChartSpec, make_series, make_spec

__all__ = ["STATUS_COLORS", "TRACK_COLORS", "milestones_spec", "status_spec"]

STATUS_COLORS = {"正常": "#78B59A", "滞后": "#EAC66E", "严重滞后": "#8A2B26"}
TRACK_COLORS = {"有望按期实现": "#78B59A", "存在风险": "#8A2B26"}
_OTHER = "#A9A9A9"
_LINE_COLOR = "#555555"
_CAP = 120.0  # a milestone's bar stops here (far ahead of its target)


def status_spec(rows: list[dict], title: str = "") -> ChartSpec:
    """One stacked bar per indicator, first at top: the number of units 正常, 滞后, 严重滞后
    (a status no unit has is left blank, so its segment has no "0" label).

    `rows`: `{"label": str, "正常": n, "滞后": n, "严重滞后": n}`."""
    if not rows:
        raise ChartError("图表数据有误：没有年内跟踪的指标，无法绘制进度图。")
    counts = {
        status: [number(r.get(status, 0), f"{r['label']}的{status}单位数") for r in rows]
        for status in STATUS_COLORS
    }
    series = [
        make_series(status, [v or None for v in counts[status]], color, show_values=True,
                    format="0")
        for status, color in STATUS_COLORS.items()
    ]  # fmt: skip
    return make_spec(
        "progress_status",
        [str(r["label"]) for r in rows],
        series,
        stacked=True,
        title=title,
        height_in=0.8 + 0.26 * len(rows),
        axis={"title": "单位数（个）", "min": 0, "max": None, "major": None, "format": "0"},
    )


def milestones_spec(rows: list[dict], title: str = "") -> ChartSpec:
    """One bar per milestone, first at top: the latest value as a percentage of the next
    target (at most 120), in the series of its track (有望按期实现, 存在风险, else 其他: its
    colour), labelled with its own text ("2024年…，目标…"); a dashed line at 100 (the target).

    `rows`: `{"label", "percent": number, "status": str, "text": str}`."""
    if not rows:
        raise ChartError("图表数据有误：没有节点目标，无法绘制节点目标图。")
    percents = [min(_CAP, number(r["percent"], f"{r['label']}的完成比例")) for r in rows]
    tracks = [str(r["status"]) if str(r["status"]) in TRACK_COLORS else "其他" for r in rows]
    colors = TRACK_COLORS | {"其他": _OTHER}
    # One series per track, each row's bar in its own: stacked, a row's single bar fills its
    # place and the legend names the colours (no legend entries to delete, which Word and
    # LibreOffice count differently on horizontal bars).
    series = [
        make_series(
            track,
            [p if t == track else None for p, t in zip(percents, tracks, strict=True)],
            color,
            labels=[
                str(r["text"]) if t == track else None for r, t in zip(rows, tracks, strict=True)
            ],
            format='0"%"',
        )
        for track, color in colors.items()
        if track in tracks or track in TRACK_COLORS
    ]
    return make_spec(
        "milestones",
        [str(r["label"]) for r in rows],
        series,
        stacked=True,
        title=title,
        height_in=0.8 + 0.3 * len(rows),
        lines=[{"name": "下一节点目标 100%", "value": 100.0, "color": _LINE_COLOR}],
        axis={"title": "最近一年实际值占下一节点目标的比例（%）", "min": 0, "max": _CAP,
              "major": 20, "format": "0"},
    )  # fmt: skip
