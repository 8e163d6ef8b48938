"""A group's key-task table (重点任务) → each unit's completion score per task."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..model.schema import Group
from .checker import Checker
from .records import Source
from .tables import Cell, Table
from .values import ValueProblem, shorten

__all__ = ["read_tasks"]

_COLUMNS = ("单位", "任务序号", "完成得分")


@dataclass
class _TaskRead:
    """What reading a group's task tables needs and has found so far."""

    check: Checker
    group: Group
    gkey: str
    max_score: Decimal
    by_no: dict = field(default_factory=dict)
    seen: dict[tuple[str, int], int] = field(default_factory=dict)  # (unit, task no) → row
    out: dict[str, dict[str, tuple]] = field(default_factory=dict)


def read_tasks(check: Checker, group: Group, tables: list[Table]) -> dict[str, dict[str, tuple]]:
    """Unit → task id → (score, source); problems go to `check`."""
    read = _TaskRead(
        check,
        group,
        gkey=next(k for k, g in check.model.groups.items() if g is group),
        max_score=group.task_scoring.max_score if group.task_scoring else Decimal(100),
        by_no={t.no: t for t in group.tasks},
    )
    for table in tables:
        if check.missing_columns(table, _COLUMNS):
            continue
        columns = {h: table.column_of(h) for h in _COLUMNS}
        for row, cells in table.rows:
            _row_task(read, table, row, cells, columns)
    if tables and all(t.column_of("任务序号") for t in tables):
        _missing_tasks(read, tables[0])
    return read.out


def _row_task(read: _TaskRead, table: Table, row: int, cells: dict, columns: dict) -> None:
    check = read.check
    check.year_ok(table, cells)
    unit_cell = cells.get(columns["单位"]) or Cell(None, row, columns["单位"])
    unit = check.unit(table, unit_cell, read.gkey)
    no_cell = cells.get(columns["任务序号"]) or Cell(None, row, columns["任务序号"])
    task_no = _task_no(check, table, no_cell, read.by_no, unit)
    if unit is None or task_no is None:
        return
    task = read.by_no[task_no]
    if unit not in task.units:
        check.add(
            f"“{unit}”不是第{task_no}项任务（{task.name}）的责任单位",
            table,
            no_cell,
            unit=unit,
            hint="请核对任务序号",
            code="not-responsible-unit",
        )
        return
    if (unit, task_no) in read.seen:
        check.add(
            f"第{task_no}项任务重复填报（首次见于第{read.seen[unit, task_no]}行）",
            table,
            no_cell,
            unit=unit,
            code="task-twice",
        )
        return
    read.seen[unit, task_no] = row
    score_cell = cells.get(columns["完成得分"]) or Cell(None, row, columns["完成得分"])
    score = _task_score(check, table, score_cell, unit, task, read.max_score)
    if score is not None:
        source = Source(table.file, table.sheet, score_cell.ref)
        read.out.setdefault(unit, {})[task.id] = (score, source)


def _missing_tasks(read: _TaskRead, table: Table) -> None:
    for task in read.group.tasks:
        for unit in task.units:
            if (unit, task.no) not in read.seen:
                read.check.add(
                    f"缺少第{task.no}项任务（{task.name}）的完成得分",
                    table,
                    unit=unit,
                    hint="请补充该单位该任务的一行",
                    code="task-missing",
                )


def _task_no(check: Checker, table: Table, cell: Cell, by_no: dict, unit) -> int | None:
    number = check.whole_number(table, cell, unit or "")
    if number is False:
        return None
    if number is None or number not in by_no:
        check.add(
            f"任务序号“{shorten(str(cell.value)) if cell.value is not None else ''}”不存在",
            table,
            cell,
            unit=unit or "",
            hint=f"任务序号应为1至{len(by_no)}的整数",
            code="unknown-task",
        )
        return None
    return int(number)


def _task_score(check: Checker, table: Table, cell: Cell, unit, task, max_score) -> Decimal | None:
    kw = {"unit": unit, "indicator": f"任务{task.no}"}
    try:
        parsed = cell.parsed()
    except ValueProblem as exc:
        check.value_problem(exc, table, cell, **kw)
        return None
    if parsed.number is None:  # not a number: 不适用 or blank
        code = "not-applicable-here" if parsed.kind == "na" else "blank-cell"
        check.add("缺少完成得分（重点任务不能填“不适用”）", table, cell, code=code, **kw)
        return None
    if parsed.percent:
        hint = "请去掉“%”"
        check.add(
            "完成得分是分数，不应填写百分数",
            table,
            cell,
            hint=hint,
            code="unexpected-percent",
            **kw,
        )
        return None
    if not Decimal(0) <= parsed.number <= max_score:
        shown = shorten(str(parsed.number))
        message = f"完成得分{shown}应在0至{max_score}之间"
        check.add(message, table, cell, code="out-of-range", **kw)
        return None
    return parsed.number
