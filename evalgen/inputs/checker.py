"""The checks every table shares: located problems, sheets found, text cells, unit names, year.

A `Checker` collects the problems of one year folder; the figures, tasks and events readers
use it to say, located to the cell, what is wrong.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Literal, TypedDict

from ..model.schema import Group, ScoringModel
from ..problems import Problem, column_letter
from .tables import Cell, Table, TableSet
from .values import ValueProblem, cell_text, normalize_text, parse_cell, shorten

__all__ = ["Checker", "suggest_unit"]


class _Place(TypedDict, total=False):
    """Where a problem is in a table, as `Problem` keywords."""

    file: str
    sheet: str
    row: int
    column: str


class Checker:
    """The problems found so far in a year's tables, and the checks that add to them."""

    def __init__(
        self,
        model: ScoringModel,
        year: int,
        found: TableSet,
        other_names: dict[str, tuple[str, str] | None] | None = None,
    ):
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
        # A unit's names of other years (`model.names.other_names`): read with a notice.
        self.other_names = {_unit_key(n): (n, u) for n, u in (other_names or {}).items()}

    def add(
        self,
        message: str,
        table: Table | None = None,
        cell: Cell | None = None,
        *,
        code: str,
        **kw,
    ) -> None:
        """Record a problem of kind `code`, located to `table` and `cell` where given."""
        where: _Place = {"file": table.file, "sheet": table.sheet} if table else {}
        if cell is not None:
            where["row"] = cell.row
            where["column"] = column_letter(cell.column)
        self.problems.append(Problem(message, **where, **kw, code=code))

    def value_problem(self, exc: ValueProblem, table: Table, cell: Cell, **kw) -> None:
        """Record a cell that could not be read (its message, hint and code)."""
        self.add(exc.message, table, cell, hint=exc.hint, code=exc.code, **kw)

    def whole_number(self, table: Table, cell: Cell, unit: str) -> int | None | Literal[False]:
        """A cell that should hold a whole number (a count, a task number): the number; None
        if it holds something else (a fraction, a percentage, 不适用, blank) — the caller says
        what was expected; False if it could not be read at all (already recorded here)."""
        try:
            parsed = parse_cell(cell.value)
        except ValueProblem as exc:
            self.value_problem(exc, table, cell, unit=unit)
            return False
        number = parsed.number  # None exactly when the cell is not a number (blank, 不适用)
        if number is None or parsed.percent or number != number.to_integral_value():
            return None
        return int(number)

    def require(self, tables: list[Table], sheet: str, folder: Path) -> None:
        """A problem naming the closest sheet if no table called `sheet` was found."""
        if tables:
            return
        file, found_sheet, hint = self.found.missing_table_hint(sheet)
        self.add(
            f"找不到工作表“{sheet}”",
            file=file or folder.name,
            sheet=found_sheet,
            hint=hint,
            code="missing-sheet",
        )

    def text(self, table: Table, cell: Cell | None, *, free: bool = False, **kw) -> str | None:
        """A text cell's content, or None (reported) for a formula without result or #N/A."""
        if cell is None:
            return ""
        try:
            return cell_text(cell.value, free=free)
        except ValueProblem as exc:
            self.value_problem(exc, table, cell, **kw)
            return None

    def unit(self, table: Table, cell: Cell, group_key: str | None = None) -> str | None:
        """The registered unit named in `cell`: of group `group_key`, or of any group."""
        raw = self.text(table, cell)
        if raw is None:
            return None
        if not raw:
            hint = _blank_unit_hint(table, cell)
            self.add("缺少单位名称", table, cell, hint=hint, code="blank-unit")
            return None
        key = _unit_key(raw)
        if key in self.other_names:
            return self._other_name(table, cell, group_key, *self.other_names[key])
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
                code="unit-in-other-group",
            )
            return None
        group = self.model.groups[group_key] if group_key else None
        hint = suggest_unit(
            self.model, raw, group.units if group else None, group.aliases if group else None
        )
        self.add(
            f"单位“{shown}”不在考核对象名单中",
            table,
            cell,
            unit=shown,
            hint=hint,
            code="unknown-unit",
        )
        return None

    def _other_name(
        self,
        table: Table,
        cell: Cell,
        group_key: str | None,
        name: str,
        owner: tuple[str, str] | None,
    ) -> str | None:
        """A unit named by its name of another year: that unit, with a notice (an error if
        two units had the name, or the unit belongs to another group)."""
        if owner is None:
            message = f"“{name}”曾是多个单位的名称，无法确定所指"
            hint = f"请使用{self.year}年度的单位名称"
            self.add(message, table, cell, unit=name, hint=hint, code="ambiguous-former-name")
            return None
        gkey, unit = owner
        if group_key not in (None, gkey):
            message = f"单位“{name}”属于{self.model.groups[gkey].name}，不应填在本表中"
            self.add(message, table, cell, unit=name, code="unit-in-other-group")
            return None
        message = f"“{name}”是该单位其他年度的名称，已按{self.year}年度名称“{unit}”读取"
        hint = "请改用本年度的单位名称"
        self.add(
            message, table, cell, unit=unit, hint=hint, severity="warning", code="former-unit-name"
        )
        return unit

    def year_ok(self, table: Table, cells: dict[int, Cell]) -> None:
        """A problem if the row's 年度 column names another year."""
        col = table.column_of("年度")
        if col is None or col not in cells:
            return
        cell = cells[col]
        text = self.text(table, cell)
        if text and text.removesuffix("年") != str(self.year):
            self.add(
                f"年度填写为“{shorten(text)}”，与考核年度{self.year}不符",
                table,
                cell,
                code="wrong-year",
            )

    def missing_columns(self, table: Table, headers: tuple[str, ...]) -> bool:
        """A problem for each of `headers` the table lacks; whether any is missing."""
        missing = [h for h in headers if table.column_of(h) is None]
        for header in missing:
            self.add(f"缺少列“{header}”", table, row=table.header_row, code="missing-column")
        return bool(missing)


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
