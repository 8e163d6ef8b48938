"""What goes into a unit's form: its indicators, its key tasks, the bonus items it may claim.

Shared by the writer (`forms`) and the reader (`returns`), so both agree on every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..inputs.records import Event, Figure, Source
from ..model.schema import AdjustmentItem, Group, Indicator, ScoringModel, Task
from ..scoring.ruletable import RULES

__all__ = [
    "CLAIM_ROWS",
    "Prefill",
    "Sheets",
    "bonus_items",
    "form_file_name",
    "team_indicators",
    "unit_indicators",
    "task_columns",
    "unit_tasks",
]

CLAIM_ROWS = 10


class Sheets:
    """Sheet titles and the headers each table is read back by."""

    GUIDE = "填报说明"
    FIGURES = "指标数据"
    TASKS = "重点任务"
    CLAIMS = "加分申报"
    FIGURE_HEADERS = (
        "序号", "指标编号", "指标名称", "所属类别", "计量单位", "年度目标",
        "上年完成值（参考）", "完成值", "数据来源/佐证材料", "备注",
    )  # fmt: skip
    TASK_HEADERS = ("序号", "任务序号", "任务名称", "责任类型", "完成情况", "佐证材料")
    # An in-year form (`evalgen forms 2025H1`): the expected level instead of last year's
    # value, and the task progress columns `progress.read` reads for 任务进展.
    PERIOD_FIGURE_HEADERS = (*FIGURE_HEADERS[:6], "预期进度（参考）", *FIGURE_HEADERS[7:])
    PERIOD_TASK_HEADERS = ("序号", "任务序号", "任务名称", "责任类型", "进展状态", "进展情况")
    CLAIM_HEADERS = ("序号", "事项编号", "次数", "依据（文件名称、文号或事实）")
    HEADER_ROW = 4  # Excel row of every table's header; data from the next row
    TEAM_EVALUATED = "评审打分"
    TEAM_EVALUATED_HEADERS = ("序号", "单位", "考核类别", "指标", "分值", "得分")
    TEAM_CATALOGUE = "事项目录"


@dataclass
class Prefill:
    """Figures an office already has (`--prefill`), and the previous year's for reference."""

    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)
    previous: dict[str, dict[str, Figure]] = field(default_factory=dict)
    tasks: dict[str, dict[str, tuple[Decimal, Source]]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    reports: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)  # in-year


def task_columns(period: bool) -> tuple[str, str, str]:
    """The task sheet's key column and its two input columns, as the reader finds them."""
    return ("任务序号", "进展状态", "进展情况") if period else ("任务序号", "完成情况", "佐证材料")


def form_file_name(year: int, unit: str) -> str:
    return f"{year}年度质量工作考核数据填报表_{unit}.xlsx"


def is_team_scored(ind: Indicator) -> bool:
    """评审打分: the assessment team gives the value, not the unit."""
    return RULES[ind.rule].value_is_score


def unit_indicators(group: Group, unit: str) -> list[tuple[str, Indicator]]:
    """(category name, indicator) for each figure the unit itself reports."""
    return [
        (cat.name, ind)
        for cat in group.categories
        for ind in cat.indicators
        if ind.source == "value"
        and not is_team_scored(ind)
        and (ind.applies_to is None or unit in ind.applies_to)
    ]


def team_indicators(group: Group) -> list[tuple[str, Indicator]]:
    """(category name, indicator) for each figure the assessment team gives (评审打分)."""
    return [
        (cat.name, ind)
        for cat in group.categories
        for ind in cat.indicators
        if ind.source == "value" and is_team_scored(ind)
    ]


def unit_tasks(group: Group, unit: str) -> list[tuple[Task, str]]:
    """(task, 牵头 / 配合) for each key task the unit is responsible for."""
    return [(t, "牵头" if t.units[0] == unit else "配合") for t in group.tasks if unit in t.units]


def bonus_items(model: ScoringModel) -> list[AdjustmentItem]:
    """The items a unit may claim (加分申报): the model's bonus items."""
    return [a for a in model.adjustments if a.kind == "bonus"]
