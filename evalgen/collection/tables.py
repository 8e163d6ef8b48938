"""A returned workbook's sheets → evalgen's located tables, read by their header labels."""

from __future__ import annotations

from ..inputs.reader import header_key
from ..inputs.sheets import Sheet
from ..inputs.tables import Cell, Table
from ..inputs.values import ErrorValue, FormulaWithoutResult, normalize_text

__all__ = ["cell_text", "find_header", "sheet_table", "stray_cells"]

HEADER_SCAN_ROWS = 20


def cell_text(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    if isinstance(cell.value, (FormulaWithoutResult, ErrorValue)):
        return str(cell.value)
    return normalize_text(str(cell.value)).strip()


def find_header(sheet: Sheet, wanted: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    """(header row, header key → column) of the first row naming every one of `wanted`."""
    keys = {header_key(w) for w in wanted}
    for r in sorted(sheet.rows):
        if r > HEADER_SCAN_ROWS:
            break
        columns: dict[str, int] = {}
        for c, cell in sorted(sheet.rows[r].items()):
            columns.setdefault(header_key(cell_text(cell)), c)
        if keys <= columns.keys():
            return r, columns
    return None


def sheet_table(file: str, sheet: Sheet, header_row: int, skip: frozenset[str]) -> Table:
    """The table under `header_row`; rows holding text only in `skip` columns (序号) are empty."""
    headers = {c: cell_text(cell) for c, cell in sheet.rows[header_row].items() if cell_text(cell)}
    table = Table(file, sheet.title, header_row, headers)
    ignored = {c for c, h in headers.items() if header_key(h) in skip}
    for r in sorted(sheet.rows):
        if r <= header_row:
            continue
        cells = {c: cell for c, cell in sheet.rows[r].items() if c in headers}
        if any(cell_text(cell) for c, cell in cells.items() if c not in ignored):
            table.rows.append((r, cells))
    return table


def stray_cells(sheet: Sheet, header_row: int, columns: set[int], rows: set[int]) -> list[Cell]:
    """Cells with content below the header, outside the form's `columns` or its `rows`."""
    return [
        cell
        for r, cells in sorted(sheet.rows.items())
        if r > header_row
        for c, cell in sorted(cells.items())
        if cell_text(cell) and (c not in columns or r not in rows)
    ]
