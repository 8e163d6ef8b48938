"""The 通报's 节点目标 section (`documents.milestones`): its context, declared as `TypedDict`s."""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = ["MilestoneBar", "MilestoneRow", "MilestoneSection", "MilestonesChart", "MilestonesData"]


class MilestoneBar(TypedDict):
    """A milestone's bar: its latest value as a percentage of the next target."""

    label: str
    percent: float
    status: str
    text: str  # 2024年93.91%，目标94%


class MilestonesData(TypedDict):
    rows: list[MilestoneBar]


class MilestonesChart(TypedDict):
    """The milestones' bars (the 定期通报's chart kind)."""

    kind: Literal["milestones"]
    data: MilestonesData


class MilestoneRow(TypedDict):
    """A row of the milestones' table, every cell printed."""

    name: str
    history: str  # 2023年93.65%；2024年93.91%
    target: str  # 2025年94%
    need: str  # 0.09个百分点 / 已达到 / 保持98%以上 / —
    status: str


class MilestoneSection(TypedDict):
    """节点目标推进情况: sentences, the at-risk items, the chart (or "") and the table."""

    paragraphs: list[str]
    lines: list[str]  # one sentence per milestone at risk
    closing: str
    chart: str  # a key of BulletinContext.charts, or "" (nothing to chart)
    figure: str  # 图4　…
    table: str  # 表3　…
    rows: list[MilestoneRow]
    note: str
