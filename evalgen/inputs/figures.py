"""A group's indicator tables → each unit's figures, every cell checked and located."""

from __future__ import annotations

import statistics
from decimal import Decimal

from ..model.loader import target_for
from ..model.schema import Group, Indicator
from ..scoring.ruletable import RULES
from .checker import Checker
from .records import Figure, Source
from .tables import Cell, Table, header_key
from .values import CellValue, ValueProblem, shorten

__all__ = ["read_figures"]

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


def read_figures(
    check: Checker, gkey: str, group: Group, tables: list[Table]
) -> dict[str, dict[str, Figure]]:
    """Unit → indicator id → figure, from the group's tables; problems go to `check`."""
    indicators = [i for c in group.categories for i in c.indicators if i.source == "value"]
    scored_by_tasks = any(i.source == "tasks" for c in group.categories for i in c.indicators)
    out: dict[str, dict[str, Figure]] = {}
    first_seen: dict[str, str] = {}
    for table in tables:
        columns = _indicator_columns(check, table, indicators)
        # The reader finds a table by its 单位 header, but a header merged over two rows
        # takes the lower row's text, which can replace it.
        unit_col = table.column_of("单位")
        if unit_col is None:
            check.missing_columns(table, ("单位",))
            continue
        for row, cells in table.rows:
            unit_cell, unit = _row_unit(check, gkey, table, row, cells, unit_col, first_seen)
            if unit is None:
                continue
            out[unit] = _row_figures(check, table, row, cells, unit, columns, indicators)
            figures = out[unit].values()
            if figures and not scored_by_tasks and all(f.value is None for f in figures):
                check.add(
                    "该单位所有指标均填报“不适用”，无法评分",
                    table,
                    unit_cell,
                    unit=unit,
                    hint="请核对：至少应有一项指标填报数值",
                    code="all-not-applicable",
                )
    _missing_units(check, group, tables, out)
    for ind in indicators:
        if ind.measure == "%" and (ind.min is None or ind.min >= 0):
            _implausible_percents(check, ind, out)
    return out


def _implausible_percents(
    check: Checker, ind: Indicator, out: dict[str, dict[str, Figure]]
) -> None:
    """A notice (提示) for a rate written as a fraction: 0.985 where 98.5 was meant.

    A notice, not an error: 0.5% can be a true rate, and the person who knows says so by
    leaving it. Flagged: 0 < value < 1, below a tenth of the year's target (or, without one,
    of the median of the other units' figures), and value × 100 within the indicator's bounds.
    A measure that may be negative (a growth, min < 0) is not checked: 0.7% growth is common.
    """
    values = {u: f[ind.id].value for u, f in out.items() if ind.id in f}
    numbers = {u: v for u, v in values.items() if v is not None}
    target = target_for(ind, check.year)
    for unit, value in numbers.items():
        if not 0 < value < 1 or (ind.max is not None and value * 100 > ind.max):
            continue
        others = [v for u, v in numbers.items() if u != unit]
        if target is not None:
            reference, basis = target, f"{check.year}年度目标"
        elif len(others) >= 2:
            reference, basis = statistics.median(others), "其他单位填报值的中位数"
        else:
            continue
        if 10 * value < reference:
            meant = f"{(value * 100).normalize():f}"
            check.add(
                f"填写为{value}%，不到{basis}{reference.normalize():f}%的十分之一，"
                f"疑似把{meant}%写成了小数{value}",
                **_place(out[unit][ind.id].source),
                unit=unit,
                indicator=ind.name,
                hint=f"是否应填写{meant}？如是，请改填{meant}；如数值无误，可忽略本提示",
                severity="warning",
                code="implausible-percent",
            )


def _place(source: Source) -> dict:
    """File, sheet, row and column of a figure's cell, as `Checker.add` keywords."""
    letters = source.cell.rstrip("0123456789")
    return {
        "file": source.file,
        "sheet": source.sheet,
        "row": int(source.cell[len(letters) :]),
        "column": letters,
    }


def _row_unit(
    check: Checker,
    gkey: str,
    table: Table,
    row: int,
    cells: dict[int, Cell],
    unit_col: int,
    first_seen: dict[str, str],
) -> tuple[Cell, str | None]:
    """The row's unit cell and unit, or None (reported) if unknown or already seen."""
    check.year_ok(table, cells)
    unit_cell = cells.get(unit_col) or Cell(None, row, unit_col)
    unit = check.unit(table, unit_cell, gkey)
    if unit is None:
        return unit_cell, None
    if unit in first_seen:
        check.add(
            f"单位“{unit}”重复填报（首次见于 {first_seen[unit]}）",
            table,
            unit_cell,
            unit=unit,
            hint="请删除重复行，只保留一行",
            code="unit-twice",
        )
        return unit_cell, None
    first_seen[unit] = f"{table.file} {table.sheet} 第{row}行".replace("  ", " ")
    return unit_cell, unit


def _missing_units(
    check: Checker, group: Group, tables: list[Table], out: dict[str, dict[str, Figure]]
) -> None:
    formula_rows = next((t for t in tables if t.formula_only_rows), None)
    for unit in group.units:
        if tables and unit not in out:
            hint = "请补充该单位的一行数据"
            if formula_rows:
                hint += (
                    f"；{formula_rows.file}中第{formula_rows.formula_only_rows[0]}行等只有没有"
                    "计算结果的公式，请在 Excel/WPS 中打开并保存后重试"
                )
            check.add(
                f"缺少单位“{unit}”的数据行", tables[0], unit=unit, hint=hint, code="unit-missing"
            )


def _indicator_columns(check: Checker, table: Table, indicators: list[Indicator]) -> dict[str, int]:
    """Indicator id → column; unknown, repeated and missing columns are reported."""
    by_header = {}
    for ind in indicators:
        by_header[header_key(ind.name)] = ind
        by_header[ind.id] = ind
    columns: dict[str, int] = {}
    for col, header in table.headers.items():
        named = by_header.get(header_key(header)) or by_header.get(header.replace(" ", ""))
        here = Cell(None, table.header_row, col)
        if named is None:
            if header_key(header) not in _KNOWN_HEADER_KEYS:
                check.add(
                    f"不认识的列“{shorten(header)}”，已忽略",
                    table,
                    here,
                    severity="warning",
                    code="unknown-column",
                )
            continue
        if named.id in columns:
            check.add(f"指标“{named.name}”的列重复", table, here, code="duplicate-column")
            continue
        columns[named.id] = col
    for ind in indicators:
        if ind.id not in columns:
            check.add(
                f"缺少指标列“{ind.name}”",
                table,
                row=table.header_row,
                indicator=ind.name,
                hint=f"请在第{table.header_row}行表头中增加“{ind.name}”一列",
                code="missing-column",
            )
    return columns


def _row_figures(
    check: Checker,
    table: Table,
    row: int,
    cells: dict[int, Cell],
    unit: str,
    columns: dict[str, int],
    indicators: list[Indicator],
) -> dict[str, Figure]:
    by_id = {i.id: i for i in indicators}
    figures: dict[str, Figure] = {}
    for ind_id, col in columns.items():
        ind = by_id[ind_id]
        if ind.applies_to is not None and unit not in ind.applies_to:
            continue
        cell = cells.get(col) or Cell(None, row, col)
        figure = _figure(check, table, cell, ind, {"unit": unit, "indicator": ind.name})
        if figure is not None:
            figures[ind_id] = figure
    return figures


def _figure(check: Checker, table: Table, cell: Cell, ind: Indicator, kw: dict) -> Figure | None:
    """The cell's figure for `ind` (value None for 不适用), or None if refused (reported)."""
    try:
        parsed = cell.parsed(percent_scales=ind.measure == "%")
    except ValueProblem as exc:
        check.value_problem(exc, table, cell, **kw)
        return None
    if parsed.kind == "blank":
        hint, code = "请填写数值；确不适用的，请填写“不适用”", "blank-cell"
        if cell.merged_into:
            hint = f"该单元格与{cell.merged_into}合并，合并单元格的内容只算在{cell.merged_into}；请取消合并，逐格填写"
            code = "merged-cell"
        check.add("缺少数据（空白不等于“不适用”）", table, cell, hint=hint, code=code, **kw)
    elif parsed.percent and ind.measure != "%":
        check.add(
            f"填写了百分数，但该指标的计量单位是“{ind.measure}”",
            table,
            cell,
            hint="请去掉“%”，只填写数字",
            code="unexpected-percent",
            **kw,
        )
    elif parsed.kind == "na":
        return Figure(None, Source(table.file, table.sheet, cell.ref))
    elif _in_range(check, parsed, ind, table, cell, kw):
        return Figure(parsed.number, Source(table.file, table.sheet, cell.ref))
    return None


def _in_range(
    check: Checker, parsed: CellValue, ind: Indicator, table: Table, cell: Cell, kw: dict
) -> bool:
    value = parsed.number
    # `_figure` asks only about numbers: blank and 不适用 cells are handled before.
    assert value is not None, cell.ref
    low, high = ind.min, ind.max
    value_is_score = RULES[ind.rule].value_is_score
    if value_is_score:  # 评审打分: the value is the score, within [0, points]
        low = Decimal(0) if low is None else low
        high = ind.points if high is None else min(high, ind.points)
    measure = "" if ind.measure == "分" else ind.measure
    shown = shorten(str(value))
    if low is not None and value < low:
        message = f"数值{shown}{measure}低于允许的下限{low}{measure}"
        check.add(message, table, cell, code="out-of-range", **kw)
        return False
    if high is not None and value > high:
        what = f"该项分值{ind.points}分" if value_is_score else f"上限{high}{measure}"
        check.add(f"数值{shown}{ind.measure}超过{what}", table, cell, code="out-of-range", **kw)
        return False
    return True
