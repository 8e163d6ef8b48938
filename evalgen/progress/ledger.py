"""The 27-task ledger (台账): every task × responsible unit with what it reported, the lead
unit's roll-up, and which rows and tasks lag.

A row lags when its unit reports 未启动 at or after the model's `task_start_by` point (by
default the first quarter: the plan began in 2023, so every task should be under way).
A task's roll-up: 已完成 when every unit has finished, 未启动 when none has started,
推进中 otherwise; a task lags when any of its rows lags.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..model.schema import ScoringModel
from .period import Period
from .read import TaskReport

__all__ = ["LedgerRow", "LedgerTask", "build_ledger", "roll_up"]


@dataclass(frozen=True)
class LedgerRow:
    """One task and one responsible unit: 牵头 or 配合, and what it reported."""

    no: int
    task: str
    unit: str
    role: str  # 牵头 / 配合
    status: str
    text: str
    lagging: bool
    source: str


@dataclass(frozen=True)
class LedgerTask:
    """A task's roll-up, as the lead unit answers for it."""

    no: int
    name: str
    section: str
    lead: str
    status: str
    counts: dict[str, int]  # status → number of units
    lagging_units: list[str]

    @property
    def lagging(self) -> bool:
        return bool(self.lagging_units)


def roll_up(statuses: list[str]) -> str:
    """已完成 if all finished, 未启动 if none started, else 推进中."""
    if statuses and all(s == "已完成" for s in statuses):
        return "已完成"
    if all(s == "未启动" for s in statuses):
        return "未启动"
    return "推进中"


def build_ledger(
    model: ScoringModel, period: Period, reports: dict[tuple[int, str], TaskReport]
) -> tuple[list[LedgerRow], list[LedgerTask]]:
    """The ledger's rows (task order, lead first) and each task's roll-up."""
    block = model.progress
    assert block is not None
    start_lags = period.elapsed >= _elapsed_of(block.task_start_by)
    rows: list[LedgerRow] = []
    tasks: list[LedgerTask] = []
    for task in sorted((t for g in model.groups.values() for t in g.tasks), key=lambda t: t.no):
        mine = []
        for i, unit in enumerate(task.units):
            report = reports[task.no, unit]
            lagging = start_lags and report.status == "未启动"
            mine.append(
                LedgerRow(
                    task.no,
                    task.name,
                    unit,
                    "牵头" if i == 0 else "配合",
                    report.status,
                    report.text,
                    lagging,
                    str(report.source),
                )
            )
        rows += mine
        statuses = [r.status for r in mine]
        counts = {s: statuses.count(s) for s in ("已完成", "推进中", "未启动")}
        lagging_units = [r.unit for r in mine if r.lagging]
        tasks.append(
            LedgerTask(
                task.no,
                task.name,
                task.section,
                task.units[0],
                roll_up(statuses),
                counts,
                lagging_units,
            )
        )
    return rows, tasks


def _elapsed_of(key: str) -> Fraction:
    return {"Q1": Fraction(1, 4), "H1": Fraction(1, 2), "Q3": Fraction(3, 4)}[key]
