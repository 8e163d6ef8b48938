"""A year folder → validated inputs: figures, task completion scores and adjustment events.

Every problem in every file is collected, located to the cell, and raised once.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..model.schema import Group, Indicator, ScoringModel
from ..problems import InputError, Problem, column_letter
from .reader import Cell, Table, TableSet, find_tables, header_key
from .values import CellValue, ValueProblem, cell_text, normalize_text, parse_cell, shorten

__all__ = ["Event", "Figure", "Source", "YearInputs", "read_year", "suggest_unit"]

_KNOWN_EXTRA = {
    "序号",
    "年度",
    "备注",
    "填报人",
    "联系电话",
    "说明",
    "所属类别",
    "任务名称",
    "事项名称",
}
_KNOWN_HEADER_KEYS = frozenset(header_key(h) for h in _KNOWN_EXTRA | {"单位"})


@dataclass(frozen=True)
class Source:
    """Where a figure came from: file, sheet and cell as Excel shows them."""

    file: str
    sheet: str
    cell: str

    def __str__(self) -> str:
        sheet = f" › {self.sheet}" if self.sheet else ""
        return f"{self.file}{sheet} › {self.cell}"

    def to_dict(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "cell": self.cell}


@dataclass(frozen=True)
class Figure:
    """A unit's figure for an indicator; `value` None means 不适用 (N/A).

    `number` is `value` as float64 (NaN for N/A), kept from the start so the ranking pass
    builds its matrix without converting a `Decimal` per cell.
    """

    value: Decimal | None
    source: Source
    number: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "number", math.nan if self.value is None else float(self.value))


@dataclass(frozen=True)
class Event:
    """An adjustment event (加分 / 扣分 / 否决) recorded for a unit."""

    unit: str
    item_id: str
    count: int
    basis: str
    date: str
    source: Source


@dataclass
class YearInputs:
    """Everything read for one year, already checked."""

    year: int
    folder: Path
    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)
    tasks: dict[str, dict[str, tuple[Decimal, Source]]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def read_year(model: ScoringModel, folder: Path, year: int) -> YearInputs:
    """Read and check a year folder; raise InputError listing every problem."""
    if not folder.is_dir():
        raise InputError(f"找不到{year}年度的数据文件夹：{folder}")
    names = [g.input.sheet for g in model.groups.values()]
    names += [g.task_input.sheet for g in model.groups.values() if g.task_input]
    names.append(model.adjustment_input.sheet)
    found = find_tables(folder, names, "单位", year)
    checker = _Checker(model, year, found)
    result = YearInputs(year, folder, files=found.files)
    for gkey, group in model.groups.items():
        tables = found.tables[group.input.sheet]
        checker.require(tables, group.input.sheet, folder)
        result.figures.update(checker.figures(gkey, group, tables))
        if group.task_input:
            tables = found.tables[group.task_input.sheet]
            checker.require(tables, group.task_input.sheet, folder)
            result.tasks.update(checker.tasks(group, tables))
    result.events = checker.events(found.tables[model.adjustment_input.sheet])
    errors = [p for p in checker.problems if p.severity == "error"]
    result.warnings = [p for p in checker.problems if p.severity != "error"]
    if errors:
        raise InputError(f"{year}年度数据有{len(errors)}处问题，请逐一修改后重新运行", errors)
    return result


class _Checker:
    def __init__(self, model: ScoringModel, year: int, found: TableSet):
        self.model = model
        self.year = year
        self.found = found
        self.problems = found.problems
        # Unit names compared as people write them: NFKC (full-width brackets and spaces),
        # no spaces at all, registered short forms (宁晋 → 宁晋县).
        self.unit_keys = {
            gkey: {_unit_key(n): u for u, n in _names_of(group)}
            for gkey, group in model.groups.items()
        }

    def add(self, message: str, table: Table | None = None, cell: Cell | None = None, **kw) -> None:
        where = {"file": table.file, "sheet": table.sheet} if table else {}
        if cell is not None:
            where.update(row=cell.row, column=column_letter(cell.column))
        self.problems.append(Problem(message, **where, **kw))

    def require(self, tables: list[Table], sheet: str, folder: Path) -> None:
        if tables:
            return
        file, found_sheet, hint = self.found.missing_table_hint(sheet)
        self.add(f"找不到工作表“{sheet}”", file=file or folder.name, sheet=found_sheet, hint=hint)

    def text(self, table: Table, cell: Cell | None, *, free: bool = False, **kw) -> str | None:
        """A text cell's content, or None (reported) for a formula without result or #N/A."""
        if cell is None:
            return ""
        try:
            return cell_text(cell.value, free=free)
        except ValueProblem as exc:
            self.add(exc.message, table, cell, hint=exc.hint, **kw)
            return None

    # -- units -------------------------------------------------------------------------

    def unit(self, table: Table, cell: Cell, group_key: str | None = None) -> str | None:
        """The registered unit named in `cell`: of group `group_key`, or of any group."""
        raw = self.text(table, cell)
        if raw is None:
            return None
        if not raw:
            self.add("缺少单位名称", table, cell, hint=_blank_unit_hint(table, cell))
            return None
        key = _unit_key(raw)
        owner = next((k for k, keys in self.unit_keys.items() if key in keys), None)
        if owner is not None and group_key in (None, owner):
            return self.unit_keys[owner][key]
        shown = shorten(raw)
        if owner is not None:
            self.add(
                f"单位“{shown}”属于{self.model.groups[owner].name}，不应填在本表中",
                table,
                cell,
                unit=shown,
            )
            return None
        group = self.model.groups[group_key] if group_key else None
        hint = suggest_unit(
            self.model, raw, group.units if group else None, group.aliases if group else None
        )
        self.add(f"单位“{shown}”不在考核对象名单中", table, cell, unit=shown, hint=hint)
        return None

    def year_ok(self, table: Table, cells: dict[int, Cell]) -> None:
        col = table.column_of("年度")
        if col is None or col not in cells:
            return
        cell = cells[col]
        text = self.text(table, cell)
        if text and text.removesuffix("年") != str(self.year):
            self.add(f"年度填写为“{shorten(text)}”，与考核年度{self.year}不符", table, cell)

    # -- group indicator tables ------------------------------------------------------------

    def figures(self, gkey: str, group: Group, tables: list[Table]) -> dict[str, dict[str, Figure]]:
        indicators = [i for c in group.categories for i in c.indicators if i.source == "value"]
        by_id = {i.id: i for i in indicators}
        scored_by_tasks = any(i.source == "tasks" for c in group.categories for i in c.indicators)
        out: dict[str, dict[str, Figure]] = {}
        first_seen: dict[str, str] = {}
        for table in tables:
            columns = self._indicator_columns(table, indicators)
            unit_col = table.column_of("单位")
            for row, cells in table.rows:
                self.year_ok(table, cells)
                unit_cell = cells.get(unit_col) or Cell(None, row, unit_col)
                unit = self.unit(table, unit_cell, gkey)
                if unit is None:
                    continue
                here = f"{table.file} {table.sheet} 第{row}行".replace("  ", " ")
                if unit in first_seen:
                    self.add(
                        f"单位“{unit}”重复填报（首次见于 {first_seen[unit]}）",
                        table,
                        unit_cell,
                        unit=unit,
                        hint="请删除重复行，只保留一行",
                    )
                    continue
                first_seen[unit] = here
                out[unit] = self._row_figures(table, row, cells, unit, columns, by_id)
                figures = out[unit].values()
                if figures and not scored_by_tasks and all(f.value is None for f in figures):
                    self.add(
                        "该单位所有指标均填报“不适用”，无法评分",
                        table,
                        unit_cell,
                        unit=unit,
                        hint="请核对：至少应有一项指标填报数值",
                    )
        formula_rows = next((t for t in tables if t.formula_only_rows), None)
        for unit in group.units:
            if tables and unit not in out:
                hint = "请补充该单位的一行数据"
                if formula_rows:
                    hint += (
                        f"；{formula_rows.file}中第{formula_rows.formula_only_rows[0]}行等只有没有"
                        "计算结果的公式，请在 Excel/WPS 中打开并保存后重试"
                    )
                self.add(f"缺少单位“{unit}”的数据行", tables[0], unit=unit, hint=hint)
        return out

    def _indicator_columns(self, table: Table, indicators: list[Indicator]) -> dict[str, int]:
        by_header = {}
        for ind in indicators:
            by_header[header_key(ind.name)] = ind
            by_header[ind.id] = ind
        columns: dict[str, int] = {}
        for col, header in table.headers.items():
            ind = by_header.get(header_key(header)) or by_header.get(header.replace(" ", ""))
            if ind is None:
                if header_key(header) not in _KNOWN_HEADER_KEYS:
                    self.add(
                        f"不认识的列“{shorten(header)}”，已忽略",
                        table,
                        Cell(None, table.header_row, col),
                        severity="warning",
                    )
                continue
            if ind.id in columns:
                self.add(f"指标“{ind.name}”的列重复", table, Cell(None, table.header_row, col))
                continue
            columns[ind.id] = col
        for ind in indicators:
            if ind.id not in columns:
                self.add(
                    f"缺少指标列“{ind.name}”",
                    table,
                    row=table.header_row,
                    indicator=ind.name,
                    hint=f"请在第{table.header_row}行表头中增加“{ind.name}”一列",
                )
        return columns

    def _row_figures(
        self,
        table: Table,
        row: int,
        cells: dict[int, Cell],
        unit: str,
        columns: dict[str, int],
        by_id: dict[str, Indicator],
    ) -> dict[str, Figure]:
        figures: dict[str, Figure] = {}
        for ind_id, col in columns.items():
            ind = by_id[ind_id]
            cell = cells.get(col) or Cell(None, row, col)
            if ind.applies_to is not None and unit not in ind.applies_to:
                continue
            kw = {"unit": unit, "indicator": ind.name}
            try:
                parsed = parse_cell(cell.value, percent_format=cell.percent and ind.measure == "%")
            except ValueProblem as exc:
                self.add(exc.message, table, cell, hint=exc.hint, **kw)
                continue
            source = Source(table.file, table.sheet, cell.ref)
            if parsed.kind == "blank":
                hint = "请填写数值；确不适用的，请填写“不适用”"
                if cell.merged_into:
                    hint = f"该单元格与{cell.merged_into}合并，合并单元格的内容只算在{cell.merged_into}；请取消合并，逐格填写"
                self.add("缺少数据（空白不等于“不适用”）", table, cell, hint=hint, **kw)
            elif parsed.percent and ind.measure != "%":
                self.add(
                    f"填写了百分数，但该指标的计量单位是“{ind.measure}”",
                    table,
                    cell,
                    hint="请去掉“%”，只填写数字",
                    **kw,
                )
            elif parsed.kind == "na":
                figures[ind_id] = Figure(None, source)
            elif self._in_range(parsed, ind, table, cell, kw):
                figures[ind_id] = Figure(parsed.number, source)
        return figures

    def _in_range(self, parsed: CellValue, ind: Indicator, table, cell, kw) -> bool:
        value = parsed.number
        low, high = ind.min, ind.max
        if ind.rule == "evaluated":
            low = Decimal(0) if low is None else low
            high = ind.points if high is None else min(high, ind.points)
        measure = "" if ind.measure == "分" else ind.measure
        shown = shorten(str(value))
        if low is not None and value < low:
            self.add(f"数值{shown}{measure}低于允许的下限{low}{measure}", table, cell, **kw)
            return False
        if high is not None and value > high:
            what = f"该项分值{ind.points}分" if ind.rule == "evaluated" else f"上限{high}{measure}"
            self.add(f"数值{shown}{ind.measure}超过{what}", table, cell, **kw)
            return False
        return True

    # -- task completion table -------------------------------------------------------------

    def tasks(self, group: Group, tables: list[Table]) -> dict[str, dict[str, tuple]]:
        by_no = {t.no: t for t in group.tasks}
        out: dict[str, dict[str, tuple]] = {}
        seen: dict[tuple[str, int], int] = {}
        max_score = group.task_scoring.max_score if group.task_scoring else Decimal(100)
        gkey = next(k for k, g in self.model.groups.items() if g is group)
        for table in tables:
            need = {"单位": None, "任务序号": None, "完成得分": None}
            for header in need:
                need[header] = table.column_of(header)
                if need[header] is None:
                    self.add(f"缺少列“{header}”", table, row=table.header_row)
            if None in need.values():
                continue
            for row, cells in table.rows:
                self.year_ok(table, cells)
                unit_cell = cells.get(need["单位"]) or Cell(None, row, need["单位"])
                unit = self.unit(table, unit_cell, gkey)
                no_cell = cells.get(need["任务序号"]) or Cell(None, row, need["任务序号"])
                task_no = self._task_no(table, no_cell, by_no, unit)
                if unit is None or task_no is None:
                    continue
                task = by_no[task_no]
                if unit not in task.units:
                    self.add(
                        f"“{unit}”不是第{task_no}项任务（{task.name}）的责任单位",
                        table,
                        no_cell,
                        unit=unit,
                        hint="请核对任务序号",
                    )
                    continue
                if (unit, task_no) in seen:
                    self.add(
                        f"第{task_no}项任务重复填报（首次见于第{seen[unit, task_no]}行）",
                        table,
                        no_cell,
                        unit=unit,
                    )
                    continue
                seen[unit, task_no] = row
                score_cell = cells.get(need["完成得分"]) or Cell(None, row, need["完成得分"])
                score = self._task_score(table, score_cell, unit, task, max_score)
                if score is not None:
                    source = Source(table.file, table.sheet, score_cell.ref)
                    out.setdefault(unit, {})[task.id] = (score, source)
        if tables and all(t.column_of("任务序号") for t in tables):
            for task in group.tasks:
                for unit in task.units:
                    if (unit, task.no) not in seen:
                        self.add(
                            f"缺少第{task.no}项任务（{task.name}）的完成得分",
                            tables[0],
                            unit=unit,
                            hint="请补充该单位该任务的一行",
                        )
        return out

    def _task_no(self, table, cell: Cell, by_no, unit) -> int | None:
        try:
            parsed = parse_cell(cell.value)
        except ValueProblem as exc:
            self.add(exc.message, table, cell, unit=unit or "", hint=exc.hint)
            return None
        number = parsed.number
        if (
            parsed.kind != "number"
            or parsed.percent
            or number != number.to_integral_value()
            or number not in by_no
        ):
            self.add(
                f"任务序号“{shorten(str(cell.value)) if cell.value is not None else ''}”不存在",
                table,
                cell,
                unit=unit or "",
                hint=f"任务序号应为1至{len(by_no)}的整数",
            )
            return None
        return int(number)

    def _task_score(self, table, cell: Cell, unit, task, max_score) -> Decimal | None:
        kw = {"unit": unit, "indicator": f"任务{task.no}"}
        try:
            parsed = parse_cell(cell.value)
        except ValueProblem as exc:
            self.add(exc.message, table, cell, hint=exc.hint, **kw)
            return None
        if parsed.kind != "number":
            self.add("缺少完成得分（重点任务不能填“不适用”）", table, cell, **kw)
            return None
        if parsed.percent:
            self.add("完成得分是分数，不应填写百分数", table, cell, hint="请去掉“%”", **kw)
            return None
        if not Decimal(0) <= parsed.number <= max_score:
            shown = shorten(str(parsed.number))
            self.add(f"完成得分{shown}应在0至{max_score}之间", table, cell, **kw)
            return None
        return parsed.number

    # -- adjustment events ----------------------------------------------------------------

    def events(self, tables: list[Table]) -> list[Event]:
        items = {a.id: a for a in self.model.adjustments}
        by_name = {normalize_text(a.name): a for a in self.model.adjustments}
        out: list[Event] = []
        counts: dict[tuple[str, str], int] = {}
        for table in tables:
            cols = {h: table.column_of(h) for h in ("单位", "事项编号", "次数", "依据", "认定日期")}
            for header in ("单位", "事项编号", "依据"):
                if cols[header] is None:
                    self.add(f"缺少列“{header}”", table, row=table.header_row)
            if None in (cols["单位"], cols["事项编号"], cols["依据"]):
                continue
            for row, cells in table.rows:
                self.year_ok(table, cells)
                unit = self.unit(table, cells.get(cols["单位"]) or Cell(None, row, cols["单位"]))
                item_cell = cells.get(cols["事项编号"]) or Cell(None, row, cols["事项编号"])
                key = self.text(table, item_cell, unit=unit or "")
                item = items.get(key) or items.get(key.upper()) or by_name.get(key) if key else None
                if item is None and key is not None:
                    known = "、".join(items)
                    message = (
                        f"加减分事项“{shorten(key)}”不在考核细则的事项目录中"
                        if key
                        else "缺少事项编号"
                    )
                    self.add(
                        message, table, item_cell, unit=unit or "", hint=f"事项编号应为：{known}"
                    )
                count = self._count(table, cells.get(cols["次数"]) if cols["次数"] else None, unit)
                basis_cell = cells.get(cols["依据"]) or Cell(None, row, cols["依据"])
                basis = self.text(table, basis_cell, free=True, unit=unit or "")
                if basis == "":
                    self.add("缺少依据（文件名称、文号或事实）", table, basis_cell, unit=unit or "")
                if unit is None or item is None or count is None or not basis:
                    continue
                total = counts.get((unit, item.id), 0) + count
                if item.max_count is not None and total > item.max_count:
                    self.add(
                        f"“{item.name}”最多计{item.max_count}次，已填{total}次",
                        table,
                        item_cell,
                        unit=unit,
                    )
                    continue
                counts[unit, item.id] = total
                date_cell = cells.get(cols["认定日期"]) if cols["认定日期"] else None
                date = self._date(table, date_cell, unit)
                if date is None:
                    continue
                source = Source(table.file, table.sheet, f"第{row}行")
                out.append(Event(unit, item.id, count, basis, date, source))
        return out

    def _date(self, table: Table, cell: Cell | None, unit: str) -> str | None:
        if cell is None or cell.value is None:
            return ""
        if hasattr(cell.value, "strftime"):
            return cell.value.strftime("%Y-%m-%d")
        return self.text(table, cell, free=True, unit=unit)

    def _count(self, table: Table, cell: Cell | None, unit) -> int | None:
        if cell is None or cell.value is None or normalize_text(str(cell.value)) == "":
            return 1
        try:
            parsed = parse_cell(cell.value)
        except ValueProblem as exc:
            self.add(exc.message, table, cell, unit=unit or "", hint=exc.hint)
            return None
        number = parsed.number
        if (
            parsed.kind != "number"
            or parsed.percent
            or number < 1
            or number != number.to_integral_value()
        ):
            shown = shorten(str(cell.value))
            self.add(f"次数“{shown}”应为正整数", table, cell, unit=unit or "")
            return None
        return int(number)


def suggest_unit(model: ScoringModel, raw: str, units=None, aliases=None) -> str:
    """A hint naming the closest registered unit (宁晋 → 宁晋县), from one group or all."""
    if units is None:
        units = [u for g in model.groups.values() for u in g.units]
    units = list(units)
    aliases = aliases if aliases is not None else model.all_aliases()
    raw = normalize_text(raw)[:100]  # a pasted paragraph is compared by its start
    written = [(u, u) for u in units] + [(u, a) for a, u in aliases.items() if u in units]
    contains = [
        u for u, w in sorted(written, key=lambda x: -len(x[1])) if raw and (raw in w or w in raw)
    ]
    close = contains or difflib.get_close_matches(raw, units + list(aliases), n=1, cutoff=0.4)
    if not close:
        return "请使用考核细则中的单位全称"
    return f"是否应为“{aliases.get(close[0], close[0])}”？请使用单位全称"


def _unit_key(name: str) -> str:
    return normalize_text(name).replace(" ", "")


def _names_of(group: Group) -> list[tuple[str, str]]:
    """(full name, written form) for every unit and registered short form of a group."""
    return [(u, u) for u in group.units] + [(u, a) for a, u in group.aliases.items()]


def _blank_unit_hint(table: Table, cell: Cell) -> str:
    if cell.merged_into:
        return f"该单元格与{cell.merged_into}合并；请取消合并，每行填写单位全称"
    if cell.row == table.header_row + table.header_rows:
        return (
            f"请填写单位全称；如第{cell.row}行是表头的一部分，请把表头合并为一行，"
            "或将“单位”单元格与下一行上下合并"
        )
    return "请填写单位全称"
