"""A period folder (`sample_inputs/2025H1/`) → the figures so far, the task progress reports
and the city table, with the year folder's table machinery and checks.

The indicator tables are the year's (`县区指标`, `部门指标`) holding only the indicators followed
in-year (and the milestones' sources); the task progress table (`任务进展`) is long:
单位, 任务序号, 进展状态 (未启动 / 推进中 / 已完成), 进展情况; the city table (`全市指标`) has a
row per year (单位 全市, 年度) and a column per milestone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from ..inputs.checker import Checker
from ..inputs.figures import read_figures
from ..inputs.provenance import Returned, with_returned
from ..inputs.reader import find_tables, input_files
from ..inputs.records import Figure, Source
from ..inputs.tables import Cell, Table, header_key
from ..inputs.values import ValueProblem, shorten
from ..model.schema import Group, ScoringModel
from ..problems import InputError, ModelError, Problem
from .period import Period
from .status import follows

__all__ = ["TASK_STATUSES", "PeriodInputs", "TaskReport", "read_city_year", "read_period"]

TASK_STATUSES = ("未启动", "推进中", "已完成")
_TASK_COLUMNS = ("单位", "任务序号", "进展状态", "进展情况")
_CITY_NAMES = ("全市", "邢台市", "市级")


@dataclass(frozen=True)
class TaskReport:
    """What a responsible unit reported on a task: a status and a sentence."""

    status: str
    text: str
    source: Source


@dataclass
class PeriodInputs:
    """Everything read from a period folder, checked."""

    period: Period
    folder: Path
    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)
    tasks: dict[tuple[int, str], TaskReport] = field(default_factory=dict)
    city: dict[tuple[str, int], Decimal] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


def period_group(model: ScoringModel, group: Group) -> Group | None:
    """The group with only the indicators read in-year, and only the units they apply to."""
    block = model.progress
    assert block is not None
    sources = {m.source.indicator for m in block.milestones}
    categories = []
    for cat in group.categories:
        kept = [
            i
            for i in cat.indicators
            if follows(i, block.indicators.get(i.id)) or (i.id in sources and i.source == "value")
        ]
        if kept:
            categories.append(cat.model_copy(update={"indicators": kept}))
    if not categories:
        return None
    indicators = [i for c in categories for i in c.indicators]
    units = [
        u
        for u in group.units
        if any(i.applies_to in (None, []) or u in i.applies_to for i in indicators)
    ]
    return group.model_copy(update={"categories": categories, "units": units})


def read_period(model: ScoringModel, folder: Path, period: Period) -> PeriodInputs:
    """Read and check a period folder; raise InputError listing every problem."""
    block = model.progress
    if block is None:
        raise ModelError(
            "考核细则没有年内跟踪部分（progress），无法生成进展通报",
            code="no-progress-model",
        )
    if not folder.is_dir():
        raise InputError(
            f"找不到{period.label}的数据文件夹：{folder}", code="missing-period-folder"
        )
    groups = {k: period_group(model, g) for k, g in model.groups.items()}
    names = [g.input.sheet for g in groups.values() if g is not None]
    names += [block.task_input, block.city_input]
    found = find_tables(folder, names, "单位", period.year)
    check = Checker(model, period.year, found)
    result = PeriodInputs(period, folder, files=found.files)
    for gkey, group in groups.items():
        if group is None:
            continue
        tables = found.tables[group.input.sheet]
        check.require(tables, group.input.sheet, folder)
        result.figures.update(read_figures(check, gkey, group, tables))
    task_tables = found.tables[block.task_input]
    check.require(task_tables, block.task_input, folder)
    result.tasks = _read_task_reports(check, model, task_tables)
    result.city = _read_city(check, model, found.tables[block.city_input])
    errors = [p for p in check.problems if p.severity == "error"]
    if errors:
        raise InputError(f"{period.label}数据有{len(errors)}处问题，请逐一修改后重新运行", errors)
    returned = Returned(folder)  # a period merged by `evalgen collect`: name the returned cells
    if returned:
        result.figures = with_returned(folder, result.figures, {}, [])[0]
        result.tasks = {
            k: replace(r, source=returned.source(r.source)) for k, r in result.tasks.items()
        }
    return result


def read_city_year(
    model: ScoringModel, folder: Path, year: int, warnings: list[Problem] | None = None
) -> dict[str, Decimal]:
    """A year folder's optional city table (全市指标): the city's value in `year` of each
    milestone not aggregated from the units (its row for `year`; other rows are not used).

    Read only when a file is named after the table, so a year without one costs nothing.
    The table's own notices (a hidden sheet, row or column) are added to `warnings`; the
    folder's other files have been told about by `read_year`.
    """
    block = model.progress
    if block is None or not any(block.city_input in p.stem for p in input_files(folder)):
        return {}
    found = find_tables(folder, [block.city_input], "单位", year)
    check = Checker(model, year, found)
    city = _read_city(check, model, found.tables[block.city_input])
    if warnings is not None:
        warnings += [
            p for p in check.problems if p.severity != "error" and p.sheet == block.city_input
        ]
    errors = [p for p in check.problems if p.severity == "error"]
    if errors:
        raise InputError(f"{year}年度全市指标表有{len(errors)}处问题，请逐一修改后重新运行", errors)
    from_table = {m.id for m in block.milestones if m.source.indicator is None}
    return {mid: v for (mid, y), v in city.items() if y == year and mid in from_table}


def _read_task_reports(
    check: Checker, model: ScoringModel, tables: list[Table]
) -> dict[tuple[int, str], TaskReport]:
    tasks = {t.no: (gkey, t) for gkey, g in model.groups.items() for t in g.tasks}
    out: dict[tuple[int, str], TaskReport] = {}
    seen: dict[tuple[int, str], int] = {}
    for table in tables:
        if check.missing_columns(table, _TASK_COLUMNS):
            continue
        cols = {h: table.column_of(h) for h in _TASK_COLUMNS}
        for row, cells in table.rows:
            at = {h: cells.get(c) or Cell(None, row, c) for h, c in cols.items() if c is not None}
            key = _task_row_key(check, table, at, tasks, seen)
            if key is None:
                continue
            seen[key] = row
            report = _task_report(check, table, at, key)
            if report is not None:
                out[key] = report
    if tables and all(t.column_of("任务序号") for t in tables):
        _missing_reports(check, tables[0], tasks, seen)
    return out


def _task_row_key(check: Checker, table: Table, at: dict, tasks: dict, seen: dict):
    unit = check.unit(table, at["单位"])
    number = check.whole_number(table, at["任务序号"], unit or "")
    if unit is None or number is False:
        return None
    if number is None or number not in tasks:
        shown = shorten(str(at["任务序号"].value)) if at["任务序号"].value is not None else ""
        check.add(
            f"任务序号“{shown}”不存在",
            table,
            at["任务序号"],
            unit=unit,
            hint=f"任务序号应为1至{len(tasks)}的整数",
            code="unknown-task",
        )
        return None
    task = tasks[number][1]
    if unit not in task.units:
        check.add(
            f"“{unit}”不是第{number}项任务（{task.name}）的责任单位",
            table,
            at["任务序号"],
            unit=unit,
            hint="请核对任务序号",
            code="not-responsible-unit",
        )
        return None
    if (number, unit) in seen:
        check.add(
            f"第{number}项任务重复填报（首次见于第{seen[number, unit]}行）",
            table,
            at["任务序号"],
            unit=unit,
            code="task-twice",
        )
        return None
    return (number, unit)


def _task_report(check: Checker, table: Table, at: dict, key: tuple[int, str]) -> TaskReport | None:
    number, unit = key
    kw = {"unit": unit, "indicator": f"任务{number}"}
    status = check.text(table, at["进展状态"], unit=unit, indicator=kw["indicator"])
    text = check.text(table, at["进展情况"], free=True, unit=unit, indicator=kw["indicator"])
    if status is None or text is None:
        return None
    status = status.replace(" ", "")
    if status not in TASK_STATUSES:
        check.add(
            f"进展状态“{shorten(status)}”不是“未启动、推进中、已完成”之一",
            table,
            at["进展状态"],
            hint="请从“未启动、推进中、已完成”中选填一项",
            code="bad-progress-status",
            **kw,
        )
        return None
    if not text.strip():
        check.add(
            "缺少进展情况（请用一两句话说明进展）",
            table,
            at["进展情况"],
            code="blank-cell",
            **kw,
        )
        return None
    return TaskReport(status, text.strip(), Source(table.file, table.sheet, at["进展状态"].ref))


def _missing_reports(check: Checker, table: Table, tasks: dict, seen: dict) -> None:
    for number in sorted(tasks):
        task = tasks[number][1]
        for unit in task.units:
            if (number, unit) not in seen:
                check.add(
                    f"缺少第{number}项任务（{task.name}）的进展",
                    table,
                    unit=unit,
                    hint="请补充该单位该任务的一行",
                    code="progress-task-missing",
                )


def _read_city(
    check: Checker, model: ScoringModel, tables: list[Table]
) -> dict[tuple[str, int], Decimal]:
    """(milestone id, year) → the city's value, from the optional city table."""
    block = model.progress
    assert block is not None
    out: dict[tuple[str, int], Decimal] = {}
    by_header = {header_key(m.name): m for m in block.milestones} | {
        m.id: m for m in block.milestones
    }
    for table in tables:
        if check.missing_columns(table, ("单位", "年度")):
            continue
        columns = {
            c: by_header[header_key(h)]
            for c, h in table.headers.items()
            if header_key(h) in by_header
        }
        unit_col, year_col = table.column_of("单位"), table.column_of("年度")
        for row, cells in table.rows:
            year = _city_row_year(check, table, row, cells, unit_col, year_col)
            if year is None:
                continue
            for col, milestone in columns.items():
                cell = cells.get(col) or Cell(None, row, col)
                value = _city_value(check, table, cell, milestone.name)
                if value is not None:
                    out[milestone.id, year] = value
    return out


def _city_row_year(
    check: Checker, table: Table, row: int, cells: dict, unit_col, year_col
) -> int | None:
    unit_cell = cells.get(unit_col) or Cell(None, row, unit_col)
    name = check.text(table, unit_cell)
    if name is not None and name.replace(" ", "") not in _CITY_NAMES:
        check.add(
            f"全市指标表的单位应为“全市”，不是“{shorten(name)}”",
            table,
            unit_cell,
            code="city-value",
        )
        return None
    year_cell = cells.get(year_col) or Cell(None, row, year_col)
    year = check.whole_number(table, year_cell, "全市")
    if year is None or year is False or not 2000 <= year <= 2100:
        if year is not False:
            check.add("年度应为四位数年份，如 2024", table, year_cell, code="city-value")
        return None
    return year


def _city_value(check: Checker, table: Table, cell: Cell, name: str) -> Decimal | None:
    """A number, or None for a blank cell (no figure that year); anything else is reported."""
    try:
        parsed = cell.parsed(percent_scales=True)
    except ValueProblem as exc:
        check.value_problem(exc, table, cell, indicator=name)
        return None
    if parsed.kind == "blank":
        return None
    if parsed.number is None:
        check.add(f"“{name}”应填写数值或留空", table, cell, indicator=name, code="city-value")
    return parsed.number
