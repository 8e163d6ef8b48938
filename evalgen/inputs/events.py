"""The adjustment table (加减分事项) → events (加分 / 扣分 / 否决), every row checked."""

from __future__ import annotations

from dataclasses import dataclass, field

from .checker import Checker
from .records import Event, Source
from .tables import Cell, Table
from .values import normalize_text, shorten

__all__ = ["read_events"]

_COLUMNS = ("单位", "事项编号", "次数", "依据", "认定日期")
_REQUIRED = ("单位", "事项编号", "依据")


@dataclass
class _EventRead:
    """The adjustment catalogue, and the counts so far per (unit, item)."""

    check: Checker
    items: dict = field(default_factory=dict)
    by_name: dict = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)


def read_events(check: Checker, tables: list[Table]) -> list[Event]:
    """The events of the adjustment tables, in order; problems go to `check`."""
    adjustments = check.model.adjustments
    read = _EventRead(
        check,
        items={a.id: a for a in adjustments},
        by_name={normalize_text(a.name): a for a in adjustments},
    )
    out: list[Event] = []
    for table in tables:
        if check.missing_columns(table, _REQUIRED):
            continue
        cols = {h: table.column_of(h) for h in _COLUMNS}
        for row, cells in table.rows:
            event = _row_event(read, table, row, cells, cols)
            if event is not None:
                out.append(event)
    return out


def _row_event(read: _EventRead, table: Table, row: int, cells: dict, cols: dict) -> Event | None:
    check = read.check
    check.year_ok(table, cells)
    unit = check.unit(table, cells.get(cols["单位"]) or Cell(None, row, cols["单位"]))
    item_cell = cells.get(cols["事项编号"]) or Cell(None, row, cols["事项编号"])
    item = _item(read, table, item_cell, unit)
    count = _count(check, table, cells.get(cols["次数"]) if cols["次数"] else None, unit)
    basis_cell = cells.get(cols["依据"]) or Cell(None, row, cols["依据"])
    basis = check.text(table, basis_cell, free=True, unit=unit or "")
    if basis == "":
        message = "缺少依据（文件名称、文号或事实）"
        check.add(message, table, basis_cell, unit=unit or "", code="blank-cell")
    if unit is None or item is None or count is None or not basis:
        return None
    total = read.counts.get((unit, item.id), 0) + count
    if item.max_count is not None and total > item.max_count:
        check.add(
            f"“{item.name}”最多计{item.max_count}次，已填{total}次",
            table,
            item_cell,
            unit=unit,
            code="too-many-times",
        )
        return None
    read.counts[unit, item.id] = total
    date_cell = cells.get(cols["认定日期"]) if cols["认定日期"] else None
    date = _date(check, table, date_cell, unit)
    if date is None:
        return None
    return Event(unit, item.id, count, basis, date, Source(table.file, table.sheet, f"第{row}行"))


def _item(read: _EventRead, table: Table, cell: Cell, unit: str | None):
    """The catalogue item named in `cell` (by id or name), or None (reported)."""
    key = read.check.text(table, cell, unit=unit or "")
    items = read.items
    item = items.get(key) or items.get(key.upper()) or read.by_name.get(key) if key else None
    if item is None and key is not None:
        known = "、".join(items)
        if key:
            message, code = f"加减分事项“{shorten(key)}”不在考核细则的事项目录中", "unknown-item"
        else:
            message, code = "缺少事项编号", "blank-cell"
        hint = f"事项编号应为：{known}"
        read.check.add(message, table, cell, unit=unit or "", hint=hint, code=code)
    return item


def _date(check: Checker, table: Table, cell: Cell | None, unit: str) -> str | None:
    if cell is None or cell.value is None:
        return ""
    if hasattr(cell.value, "strftime"):
        return cell.value.strftime("%Y-%m-%d")
    return check.text(table, cell, free=True, unit=unit)


def _count(check: Checker, table: Table, cell: Cell | None, unit) -> int | None:
    if cell is None or cell.value is None or normalize_text(str(cell.value)) == "":
        return 1
    number = check.whole_number(table, cell, unit or "")
    if number is False:
        return None
    if number is None or number < 1:
        shown = shorten(str(cell.value))
        check.add(f"次数“{shown}”应为正整数", table, cell, unit=unit or "", code="bad-count")
        return None
    return int(number)
