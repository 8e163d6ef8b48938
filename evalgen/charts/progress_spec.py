"""The 定期通报's status chart (evalgen progress) as a spec: how many units are 正常 / 滞后 /
严重滞后 on each indicator followed in-year. (Its milestones chart, shared with the annual
通报, is `spec`'s `milestones`.)"""

from __future__ import annotations

from .data import number
from .errors import ChartError
from .specparts import ChartSpec, make_series, make_spec

__all__ = ["STATUS_COLORS", "status_spec"]

STATUS_COLORS = {"正常": "#78B59A", "滞后": "#EAC66E", "严重滞后": "#8A2B26"}


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
