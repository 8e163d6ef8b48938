"""Read `.xlsx` and `.csv` files into tables of located cells.

A table is found by name: an `.xlsx` sheet with that name, or a `.csv` file whose name
contains it. The header row is the first row holding the unit column (`单位`); title rows
above it are skipped. Cells keep their Excel row and column so problems can point at them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, column_letter
from .values import normalize_text

__all__ = ["Cell", "Table", "TableSet", "find_tables", "input_files"]

HEADER_SCAN_ROWS = 20
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


@dataclass(frozen=True)
class Cell:
    """A cell's value as stored, with its place in the sheet."""

    value: object
    row: int
    column: int
    percent: bool = False

    @property
    def ref(self) -> str:
        return f"{column_letter(self.column)}{self.row}"


@dataclass
class Table:
    """The rows of one sheet (or CSV file) under its header row."""

    file: str
    sheet: str
    header_row: int
    headers: dict[int, str]
    rows: list[tuple[int, dict[int, Cell]]] = field(default_factory=list)

    def column_of(self, header: str) -> int | None:
        return next((c for c, h in self.headers.items() if h == header), None)


@dataclass
class TableSet:
    """All tables found in a year folder, keyed by table name, plus reading problems."""

    tables: dict[str, list[Table]]
    problems: list[Problem]
    files: list[Path]


def input_files(folder: Path) -> list[Path]:
    """The `.xlsx`/`.csv` files of a year folder, sorted, without Office lock files."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in {".xlsx", ".csv"} and not p.name.startswith("~$")
    )


def find_tables(folder: Path, names: list[str], unit_header: str, year: int) -> TableSet:
    """Read every input file in `folder` and collect the tables called `names`."""
    tables: dict[str, list[Table]] = {n: [] for n in names}
    problems: list[Problem] = []
    files = input_files(folder)
    for path in files:
        for found in _YEAR_IN_NAME.findall(path.stem):
            if int(found) != year:
                problems.append(
                    Problem(
                        f"文件名中的年度为{found}，与考核年度{year}不符",
                        file=path.name,
                        hint=f"请确认放入了{year}年度的文件",
                    )
                )
        if path.suffix.lower() == ".csv":
            matches = [n for n in names if n in path.stem]
            if not matches:
                continue
            try:
                grid = _read_csv(path)
            except _FileProblem as exc:
                problems.append(exc.problem)
                continue
            table = _table_from_grid(path.name, "", grid, unit_header, problems)
            if table is not None:
                tables[max(matches, key=len)].append(table)
            continue
        try:
            sheets = _read_xlsx(path, names)
        except _FileProblem as exc:
            problems.append(exc.problem)
            continue
        for sheet_name, grid in sheets:
            table = _table_from_grid(path.name, sheet_name, grid, unit_header, problems)
            if table is not None:
                tables[sheet_name].append(table)
    return TableSet(tables, problems, files)


class _FileProblem(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def _read_xlsx(path: Path, names: list[str]) -> list[tuple[str, list[list[Cell]]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _FileProblem(
            Problem(
                f"无法打开该 Excel 文件（{type(exc).__name__}）",
                file=path.name,
                hint="文件可能已损坏或并非 .xlsx 格式，请在 Excel/WPS 中打开后另存为 .xlsx",
            )
        ) from None
    try:
        wanted = {normalize_text(n): n for n in names}
        out = []
        for ws in wb.worksheets:
            name = wanted.get(normalize_text(ws.title))
            if name is None:
                continue
            grid = []
            for r, row in enumerate(ws.iter_rows(), start=1):
                cells = []
                for c, cell in enumerate(row, start=1):
                    value = getattr(cell, "value", None)
                    fmt = getattr(cell, "number_format", "") or ""
                    cells.append(Cell(value, r, c, "%" in fmt))
                grid.append(cells)
            out.append((name, grid))
        return out
    finally:
        wb.close()


def _read_csv(path: Path) -> list[list[Cell]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _FileProblem(
            Problem(
                "无法识别 CSV 文件的编码",
                file=path.name,
                hint="请另存为“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV",
            )
        )
    if "\x00" in text:
        raise _FileProblem(
            Problem("该文件不是文本格式的 CSV", file=path.name, hint="请确认文件扩展名与内容一致")
        )
    grid = []
    for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        grid.append([Cell(v, r, c) for c, v in enumerate(row, start=1)])
    return grid


def _text(value: object) -> str:
    return normalize_text(str(value)) if value is not None else ""


def _table_from_grid(
    file: str, sheet: str, grid: list[list[Cell]], unit_header: str, problems: list[Problem]
) -> Table | None:
    header_index = None
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        if any(_text(c.value) in (unit_header, f"{unit_header}名称") for c in row):
            header_index = i
            break
    if header_index is None:
        problems.append(
            Problem(
                f"前{HEADER_SCAN_ROWS}行中找不到表头“{unit_header}”",
                file=file,
                sheet=sheet,
                hint=f"表头行应有一列名为“{unit_header}”",
            )
        )
        return None
    headers: dict[int, str] = {}
    for cell in grid[header_index]:
        text = _text(cell.value)
        if text == f"{unit_header}名称":
            text = unit_header
        if text:
            headers[cell.column] = text
    table = Table(file, sheet, grid[header_index][0].row if grid[header_index] else 1, headers)
    for row in grid[header_index + 1 :]:
        cells = {c.column: c for c in row if c.column in headers}
        if all(_text(c.value) == "" for c in cells.values()):
            continue
        table.rows.append((row[0].row, cells))
    return table
