"""The appeals register (复核登记表) → appeals, every row checked, and their overlay.

One row per appeal: 编号, 单位, 指标或事项 (an indicator by name or id, a key task 重点任务N,
or an adjustment event by item id or name), 申请内容, 提交日期, 复核结论 (维持 / 调整),
调整后数值 (a figure, a task's completion score, or 增加 / 撤销 for an event), 依据, 复核日期,
经办人. An accepted adjustment (调整) is applied as an overlay on the year's inputs in memory
(`overlay`): the input workbooks are never edited, and every overlaid figure keeps its own
source cell with the appeal's number (`Source.appeal`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from ..model.schema import Group, Indicator
from .checker import Checker
from .figures import _figure
from .records import Event, Figure, Source
from .tables import Cell, Table, header_key
from .values import ValueProblem, normalize_text, shorten

__all__ = ["APPEALS_SHEET", "Appeal", "appeal_result", "overlay", "read_appeals"]

APPEALS_SHEET = "复核登记表"
COLUMNS = (
    "编号", "单位", "指标或事项", "申请内容", "提交日期",
    "复核结论", "调整后数值", "依据", "复核日期", "经办人",
)  # fmt: skip
_REQUIRED = ("编号", "单位", "指标或事项", "复核结论")
DECISIONS = ("维持", "调整")
EVENT_ACTIONS = ("增加", "撤销")
_TASK = re.compile(r"^(?:重点)?任务(?:序号)?第?(\d+)项?$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})日?$")

Kind = Literal["indicator", "task", "event"]


@dataclass(frozen=True)
class Appeal:
    """One row of the register: what was asked, what was decided and on what basis.

    `target` is the indicator id, the task id or the adjustment item id (`kind` says which);
    `value` the figure (None: 不适用) or task score an adjustment sets, or 增加 / 撤销 for an
    event; `shown` the value as written for people.
    """

    number: str
    unit: str
    kind: Kind
    target: str
    target_name: str
    request: str
    submitted: str
    decision: str
    value: Decimal | str | None
    shown: str
    basis: str
    decided: str
    handler: str
    source: Source

    @property
    def adjusts(self) -> bool:
        return self.decision == "调整"

    def to_dict(self) -> dict:
        """The appeal as results.json and the manifest record it."""
        return {
            "number": self.number,
            "unit": self.unit,
            "kind": self.kind,
            "target": self.target,
            "target_name": self.target_name,
            "request": self.request,
            "submitted": self.submitted,
            "decision": self.decision,
            "value": self.shown,
            "basis": self.basis,
            "decided": self.decided,
            "handler": self.handler,
            "source": self.source.to_dict(),
        }


@dataclass
class _Row:
    """One register row being read: its table, row number, cells and column positions."""

    check: Checker
    table: Table
    row: int
    cells: dict[int, Cell]
    cols: dict[str, int | None]

    def cell(self, header: str) -> Cell:
        col = self.cols[header]
        if col is None:
            return Cell(None, self.row, 0)
        return self.cells.get(col) or Cell(None, self.row, col)

    def text(self, header: str, unit: str = "") -> str | None:
        return self.check.text(self.table, self.cell(header), free=True, unit=unit)

    def add(self, message: str, header: str, *, code: str, unit: str = "", **kw) -> None:
        cell = self.cell(header) if self.cols[header] is not None else None
        if cell is None:
            self.check.add(message, self.table, row=self.row, unit=unit, code=code, **kw)
        else:
            self.check.add(message, self.table, cell, unit=unit, code=code, **kw)


def read_appeals(check: Checker, tables: list[Table], figures: dict, tasks: dict, events: list):
    """The register's appeals in order; problems go to `check`.

    `figures`, `tasks` and `events` are the year's inputs as read: an appeal must name a
    figure, task or event the unit has (an event to 撤销 must have been recorded).
    """
    out: list[Appeal] = []
    seen: dict[str, int] = {}
    adjusted: dict[tuple[str, str, str], str] = {}
    for table in tables:
        if check.missing_columns(table, _REQUIRED):
            continue
        cols = {h: table.column_of(h) for h in COLUMNS}
        for row, cells in table.rows:
            read = _Row(check, table, row, cells, cols)
            appeal = _row_appeal(read, seen, figures, tasks, events)
            if appeal is None:
                continue
            key = (appeal.unit, appeal.kind, appeal.target)
            if appeal.adjusts and key in adjusted:
                read.add(
                    f"与复核编号{adjusted[key]}调整的是同一项（{appeal.target_name}），结论冲突",
                    "指标或事项",
                    unit=appeal.unit,
                    hint="同一单位同一项只能有一条“调整”结论，请合并为一行",
                    code="appeal-conflict",
                )
                continue
            if appeal.adjusts:
                adjusted[key] = appeal.number
            out.append(appeal)
    return tuple(out)


def _row_appeal(read: _Row, seen: dict[str, int], figures, tasks, events) -> Appeal | None:
    check = read.check
    check.year_ok(read.table, read.cells)
    number = _number(read, seen)
    unit = check.unit(read.table, read.cell("单位"))
    decision = _decision(read, unit or "")
    basis = read.text("依据", unit or "") or ""
    dates = [_date(read, h, unit or "") for h in ("提交日期", "复核日期")]
    if unit is None or number is None or decision is None or None in dates:
        return None
    target = _target(read, unit, figures, tasks, events)
    if target is None:
        return None
    kind, key, name, thing = target
    value, shown = None, ""
    if decision == "调整":
        if not basis:
            read.add("复核结论为“调整”，但缺少依据", "依据", unit=unit,
                     hint="请填写调整所依据的文件、核查记录或事实", code="appeal-no-basis")  # fmt: skip
        got = _value(read, unit, kind, thing, events)
        if got is None or not basis:
            return None
        value, shown = got
    if dates[0] and dates[1] and dates[1] < dates[0]:
        read.add(f"复核日期{dates[1]}早于提交日期{dates[0]}", "复核日期", unit=unit,
                 code="appeal-date-order")  # fmt: skip
        return None
    return Appeal(
        number, unit, kind, key, name, read.text("申请内容", unit) or "", dates[0] or "",
        decision, value, shown, basis, dates[1] or "", read.text("经办人", unit) or "",
        Source(read.table.file, read.table.sheet, f"第{read.row}行"),
    )  # fmt: skip


def _number(read: _Row, seen: dict[str, int]) -> str | None:
    number = read.text("编号")
    if not number:
        if number is not None:
            read.add("缺少复核编号", "编号", code="blank-cell")
        return None
    if number in seen:
        read.add(f"复核编号“{shorten(number)}”重复（首次见于第{seen[number]}行）", "编号",
                 hint="每条复核申请应有唯一的编号", code="appeal-number-twice")  # fmt: skip
        return None
    seen[number] = read.row
    return number


def _decision(read: _Row, unit: str) -> str | None:
    text = read.text("复核结论", unit)
    if text is None:
        return None
    decision = text.replace(" ", "")
    if decision not in DECISIONS:
        shown = f"“{shorten(text)}”" if text else "为空"
        read.add(f"复核结论{shown}，应为“维持”或“调整”", "复核结论", unit=unit,
                 code="appeal-decision")  # fmt: skip
        return None
    return decision


def _date(read: _Row, header: str, unit: str) -> str | None:
    """A date as 2025-02-12 ("" if blank), or None (reported) if it is not a date."""
    if read.cols[header] is None:
        return ""
    value = read.cell(header).value
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    found = _DATE_TEXT.match(normalize_text(str(value)).replace(" ", ""))
    if found:
        try:
            return dt.date(*(int(g) for g in found.groups())).isoformat()
        except ValueError:
            read.add(f"{header}“{shorten(str(value))}”不存在", header, unit=unit,
                     hint="请核对年、月、日", code="impossible-date")  # fmt: skip
            return None
    read.add(f"{header}“{shorten(str(value))}”不是日期", header, unit=unit,
             hint="请写作“2025年2月12日”或“2025-02-12”", code="date-format")  # fmt: skip
    return None


def _target(read: _Row, unit: str, figures, tasks, events):
    """(kind, id, name, the indicator / task / item) the row names, or None (reported)."""
    text = read.text("指标或事项", unit)
    if not text:
        if text is not None:
            read.add("缺少复核的指标或事项", "指标或事项", unit=unit, code="blank-cell")
        return None
    model = read.check.model
    group_key = next(k for k, g in model.groups.items() if unit in g.units)
    group = model.groups[group_key]
    found = _indicator(group, text) or _task(group, text) or _item(model, text)
    if found is None:
        read.add(f"“{shorten(text)}”不是{group.name}的指标、重点任务或加减分事项", "指标或事项",
                 unit=unit, hint="请填写指标名称、“重点任务N”或加减分事项编号",
                 code="unknown-appeal-target")  # fmt: skip
        return None
    kind, thing = found
    has = {
        "indicator": lambda: thing.id in figures.get(unit, {}),
        "task": lambda: thing.id in tasks.get(unit, {}),
        "event": lambda: True,
    }[kind]()
    if not has:
        what = "不考核该指标" if kind == "indicator" else "不是该任务的责任单位"
        read.add(f"“{unit}”{what}（{thing.name}）", "指标或事项", unit=unit,
                 code="unknown-appeal-target")  # fmt: skip
        return None
    return kind, thing.id, _name(kind, thing), thing


def _indicator(group: Group, text: str):
    wanted = header_key(text)
    for cat in group.categories:
        for ind in cat.indicators:
            if ind.source == "value" and wanted in (header_key(ind.name), ind.id):
                return "indicator", ind
    return None


def _task(group: Group, text: str):
    found = _TASK.match(normalize_text(text).replace(" ", ""))
    task = next((t for t in group.tasks if found and t.no == int(found.group(1))), None)
    return ("task", task) if task else None


def _item(model, text: str):
    key = normalize_text(text).replace(" ", "")
    for item in model.adjustments:
        if key in (item.id, item.id.upper(), normalize_text(item.name).replace(" ", "")):
            return "event", item
    return None


def _name(kind: Kind, thing) -> str:
    return f"重点任务{thing.no}（{thing.name}）" if kind == "task" else thing.name


def _value(read: _Row, unit: str, kind: Kind, thing, events: list):
    """(value, shown) an adjustment sets, or None (reported)."""
    cell = read.cell("调整后数值")
    if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
        what = "增加或撤销" if kind == "event" else "调整后数值"
        read.add(f"复核结论为“调整”，但缺少{what}", "调整后数值", unit=unit,
                 indicator=_name(kind, thing), code="appeal-no-value")  # fmt: skip
        return None
    if kind == "event":
        return _event_action(read, unit, thing, events)
    if kind == "task":
        return _task_value(read, cell, unit, thing)
    ind: Indicator = thing
    kw = {"unit": unit, "indicator": ind.name}
    figure = _figure(read.check, read.table, cell, ind, kw)
    if figure is None:
        return None
    if figure.value is None:
        return None, "不适用"
    measure = "" if ind.measure == "分" else ind.measure
    return figure.value, f"{figure.value.normalize():f}{measure}"


def _task_value(read: _Row, cell: Cell, unit: str, task):
    group = next(g for g in read.check.model.groups.values() if task in g.tasks)
    top = group.task_scoring.max_score if group.task_scoring else Decimal(100)
    try:
        parsed = cell.parsed()
    except ValueProblem as exc:
        read.check.value_problem(exc, read.table, cell, unit=unit)
        return None
    number = parsed.number
    if number is None or parsed.percent or not Decimal(0) <= number <= top:
        read.add(f"完成得分“{shorten(str(cell.value))}”应为0至{top}之间的数", "调整后数值",
                 unit=unit, indicator=f"任务{task.no}", code="out-of-range")  # fmt: skip
        return None
    return number, f"{number.normalize():f}"


def _event_action(read: _Row, unit: str, item, events: list):
    action = normalize_text(str(read.cell("调整后数值").value)).replace(" ", "")
    if action not in EVENT_ACTIONS:
        read.add(f"加减分事项的调整应填“增加”或“撤销”，实际为“{shorten(action)}”",
                 "调整后数值", unit=unit, code="appeal-event-action")  # fmt: skip
        return None
    recorded = any(e.unit == unit and e.item_id == item.id for e in events)
    if action == "撤销" and not recorded:
        read.add(f"“{unit}”没有登记“{item.name}”事项，无法撤销", "调整后数值", unit=unit,
                 code="appeal-event-missing")  # fmt: skip
        return None
    return action, action


def appeal_result(record: dict) -> str:
    """An appeal's conclusion in words, from its record (`Appeal.to_dict`): 维持原结果,
    调整为98.3%, 增加该事项, 撤销该事项."""
    if record["decision"] != "调整":
        return "维持原结果"
    if record["kind"] == "event":
        return f"{record['value']}该事项"
    return f"调整为{record['value']}"


def overlay(
    figures: dict[str, dict[str, Figure]],
    tasks: dict[str, dict[str, tuple[Decimal, Source]]],
    events: list[Event],
    appeals: tuple[Appeal, ...],
) -> tuple[dict, dict, list[Event]]:
    """The inputs with every accepted adjustment applied; the arguments are left as they were.

    A figure or task score keeps its own source cell, marked with the appeal's number; an
    added event's source is the register row; a revoked event is dropped.
    """
    figures = {unit: dict(row) for unit, row in figures.items()}
    tasks = {unit: dict(row) for unit, row in tasks.items()}
    events = list(events)
    for a in appeals:
        if not a.adjusts:
            continue
        if a.kind == "indicator":
            old = figures[a.unit][a.target]
            value = a.value if isinstance(a.value, Decimal) else None
            figures[a.unit][a.target] = Figure(value, replace(old.source, appeal=a.number))
        elif a.kind == "task":
            score, source = tasks[a.unit][a.target]
            assert isinstance(a.value, Decimal), a.number
            tasks[a.unit][a.target] = (a.value, replace(source, appeal=a.number))
        elif a.value == "撤销":
            events = [e for e in events if not (e.unit == a.unit and e.item_id == a.target)]
        else:
            source = replace(a.source, appeal=a.number)
            events.append(Event(a.unit, a.target, 1, a.basis, a.decided, source))
    return figures, tasks, events
