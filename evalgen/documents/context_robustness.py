"""稳定性分析.docx's context (`documents.robustness`), declared as `TypedDict`s."""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = [
    "FragileRow",
    "IntervalChart",
    "IntervalData",
    "IntervalUnit",
    "RobustnessContext",
    "RobustnessGroup",
]


class IntervalUnit(TypedDict):
    """A unit's row of the rank-interval chart."""

    unit: str
    rank: int
    rank_median: int
    rank_p05: int
    rank_p95: int
    robust: bool


class IntervalData(TypedDict):
    units: list[IntervalUnit]
    unit_count: int


class IntervalChart(TypedDict):
    """A group's rank intervals (COINr's uncertainty plot)."""

    kind: Literal["rank_intervals"]
    data: IntervalData


class RobustnessGroup(TypedDict):
    """A group's part of 稳定性分析: heading, a sentence on its intervals, its chart's name."""

    name: str
    heading: str  # （一）县（市、区）
    text: str
    chart: str  # a key of RobustnessContext.charts


class FragileRow(TypedDict):
    """A fragile decision, every cell printed."""

    unit: str
    decision: str  # 等次 / 整改 / 约谈
    nominal: str  # B / 列入整改 / 不列入约谈
    p_nominal: str  # 71.3%
    indicator: str
    points: str
    flip_points: str  # 4.2 or —
    sentence: str  # without the final 。


class RobustnessContext(TypedDict):
    """稳定性分析.docx: the office's internal reading of how firm each decision is."""

    year: int
    marking: str  # 内部资料
    title: str
    summary: list[str]
    chart_note: str
    groups: list[RobustnessGroup]
    fragile_intro: str
    fragile: list[FragileRow]
    table_note: str
    notes: list[str]
    charts: dict[str, IntervalChart]
