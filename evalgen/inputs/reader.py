"""Read `.xlsx` and `.csv` files into tables of located cells.

A table is found by name: an `.xlsx` sheet with that name, or a `.csv` file whose name
contains it. The header row is the first row holding the unit column (`单位`); title rows
above it are skipped, and a header that spans two rows through merged cells is read as one.
Cells keep their Excel row and column so problems can point at them.

Files are checked before they are parsed (`filecheck`), then parsed into sheets (`sheets`).

What is read, and said: hidden rows, columns and sheets are read like visible ones (hiding is
not deleting, and a unit's figures must not vanish unseen), each with a warning; a formula
saved without its result becomes `FormulaWithoutResult`, an error such as `#DIV/0!` an
`ErrorValue`, so the checks can say so instead of "missing"; rows holding nothing but such
formulas (template rows below the table) count as empty, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from ..problems import Problem, column_letter
from .filecheck import FileProblem, check_file
from .sheets import COVER_ROWS, Sheet, read_csv, read_xlsx
from .tables import Cell, Table, TableSet, header_key
from .values import ErrorValue, FormulaWithoutResult, clean_text, normalize_text, shorten

__all__ = ["Cell", "Table", "TableSet", "find_tables", "header_key", "input_files"]

HEADER_SCAN_ROWS = 20
_SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm"}
_UNSUPPORTED_SUFFIXES = {".xls", ".et", ".ods", ".numbers", ".wps"}
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
# What a workbook says of its own year. Only clear statements count: "考核年度：2023年"
# anywhere above the header (or on a cover sheet), and in the title row "2023年度…" or, in a
# title about the 考核, "2023年…" (not a date such as 2025年1月). A range (2023—2027年) names
# no single year and is removed first; a title naming two years says nothing.
_YEAR_RANGE = re.compile(r"20\d\d\s*(?:年度?)?\s*[-—–~至到]+\s*20\d\d")
_ASSESSMENT_YEAR = re.compile(r"考核年度\s*(?:[:]|为|是)?\s*(20\d\d)(?!\d)")
_TITLE_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年度")
_TITLE_YEAR_LOOSE = re.compile(r"(?<!\d)(20\d\d)\s*年(?!度)(?!\s*[\d一二三四五六七八九十〇]+\s*月)")


class _SheetPlace(TypedDict):
    """A sheet's place, as `Problem` keywords (the row and column are added per problem)."""

    file: str
    sheet: str


def input_files(folder: Path) -> list[Path]:
    """The `.xlsx`/`.csv` files of a year folder, sorted, without lock and macOS `._` files."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in _SPREADSHEET_SUFFIXES | {".csv"}
        and not p.name.startswith(("~$", "._"))
    )


def find_tables(folder: Path, names: list[str], unit_header: str, year: int) -> TableSet:
    """Read every input file in `folder` and collect the tables called `names`."""
    found = TableSet({n: [] for n in names}, [], input_files(folder))
    problems = found.problems
    problems += _unsupported_files(folder)
    for path in found.files:
        problems += _year_in_name(path, year)
        is_csv = path.suffix.lower() == ".csv"
        matches = [n for n in names if n in path.stem] if is_csv else names
        if not matches:
            continue
        try:
            has_formulas = check_file(path, is_csv)
            if is_csv:
                sheets = [read_csv(path, max(matches, key=len))]
            else:
                sheets = read_xlsx(path, names, found.sheet_titles, has_formulas)
        except FileProblem as exc:
            problems.append(exc.problem)
            continue
        for sheet in sheets:
            if sheet.cover:
                problems += _stated_year(path.name, sheet, COVER_ROWS + 1, year)
                continue
            table = _table_from_sheet(path.name, sheet, unit_header, year, problems)
            if table is not None:
                found.tables[sheet.name].append(table)
    return found


def _unsupported_files(folder: Path) -> list[Problem]:
    """A notice for every spreadsheet in a format that is not read (.xls, .ods …)."""
    return [
        Problem(
            f"不支持 {path.suffix} 格式，该文件未读取",
            file=path.name,
            hint="如其中有考核数据，请在 Excel/WPS 中打开后“另存为”Excel 工作簿（.xlsx）",
            severity="warning",
            code="unsupported-file",
        )
        for path in sorted(folder.iterdir())
        if path.suffix.lower() in _UNSUPPORTED_SUFFIXES
        and path.is_file()
        and not path.name.startswith(("~$", "._"))
    ]


def _year_in_name(path: Path, year: int) -> list[Problem]:
    return [
        Problem(
            f"文件名中的年度为{year_text}，与考核年度{year}不符",
            file=path.name,
            hint=f"请确认放入了{year}年度的文件",
            code="wrong-year-in-file-name",
        )
        for year_text in _YEAR_IN_NAME.findall(path.stem)
        if int(year_text) != year
    ]


def _stated_year(file: str, sheet: Sheet, above: int, year: int) -> list[Problem]:
    """Errors for the rows above row `above` that state another assessment year.

    The rows are a table's title rows (above its header) or a cover sheet's first rows.
    """
    rows = [
        sheet.rows[r]
        for r in sorted(sheet.rows)
        if r < above and any(_text(c.value) for c in sheet.rows[r].values())
    ]
    stated = [
        (cell, years.pop())
        for cells in rows
        for cell in cells.values()
        if len(years := set(_ASSESSMENT_YEAR.findall(_year_text(cell)))) == 1
    ]
    if rows:  # the title: the first row with text
        titled = [(c, _title_years(_year_text(c))) for c in rows[0].values()]
        years = {y for _, ys in titled for y in ys}
        if len(years) == 1:
            stated.append((next(c for c, ys in titled if ys), years.pop()))
    wrong: dict[tuple[int, int], tuple[Cell, int]] = {}
    for cell, stated_year in stated:
        if int(stated_year) != year:
            wrong.setdefault((cell.row, cell.column), (cell, int(stated_year)))
    return [_wrong_year_in_title(file, sheet.title, c, y, year) for c, y in wrong.values()]


def _year_text(cell: Cell) -> str:
    return _YEAR_RANGE.sub(" ", _text(cell.value))


def _title_years(text: str) -> set[str]:
    loose = _TITLE_YEAR_LOOSE.findall(text) if "考核" in text else []
    return set(_TITLE_YEAR.findall(text) + loose)


def _wrong_year_in_title(file: str, sheet: str, cell: Cell, stated: int, year: int) -> Problem:
    return Problem(
        f"“{shorten(str(cell.value))}”写明是{stated}年度，与考核年度{year}不符",
        file=file,
        sheet=sheet,
        row=cell.row,
        column=column_letter(cell.column),
        hint=(
            f"该文件可能是{stated}年度的表格，请换用{year}年度的文件；"
            f"如其中确是{year}年度的数据，请把标题或说明中的年度改为{year}"
        ),
        code="wrong-year-in-title",
    )


# -- finding the table in a sheet ------------------------------------------------------------


def _text(value: object) -> str:
    if value is None or isinstance(value, (FormulaWithoutResult, ErrorValue)):
        return ""
    return normalize_text(str(value))


def _table_from_sheet(
    file: str, sheet: Sheet, unit_header: str, year: int, problems: list[Problem]
) -> Table | None:
    where: _SheetPlace = {"file": file, "sheet": sheet.title}
    if sheet.hidden:
        problems.append(
            Problem(
                "该工作表是隐藏的，已照常读取",
                **where,
                hint="如其中数据不应参与考核，请删除该工作表",
                severity="warning",
                code="hidden-sheet",
            )
        )
    if not any(_text(c.value) for cells in sheet.rows.values() for c in cells.values()):
        problems.append(
            Problem(
                "文件是空的" if not sheet.title else "工作表是空的",
                **where,
                hint=f"请填写数据（表头行应有“{unit_header}”一列）",
                code="empty-sheet",
            )
        )
        return None
    unit_keys = {unit_header, f"{unit_header}名称"}
    header_row = _header_row(sheet, unit_keys)
    if header_row is None:
        problems.append(
            Problem(
                f"前{HEADER_SCAN_ROWS}行中找不到表头“{unit_header}”",
                **where,
                hint=f"表头行应有一列名为“{unit_header}”",
                code="missing-header",
            )
        )
        return None
    problems += _stated_year(file, sheet, header_row, year)
    table = _header(file, sheet, header_row, unit_header, unit_keys)
    hidden = _fill_rows(table, sheet)
    _note_rows(problems, where, table, sheet, hidden)
    return table


def _header_row(sheet: Sheet, unit_keys: set[str]) -> int | None:
    """The first row (within the first rows) holding the unit column's header."""
    return next(
        (
            r
            for r in sorted(sheet.rows)
            if r <= HEADER_SCAN_ROWS
            and any(header_key(_text(c.value)) in unit_keys for c in sheet.rows[r].values())
        ),
        None,
    )


def _header(file: str, sheet: Sheet, header_row: int, unit_header: str, unit_keys) -> Table:
    """An empty table with the headers of `header_row` and the rows merged below it."""
    # A header whose cells are merged downwards spans those rows; the lowest text names a
    # column (a group heading such as 评审打分 above 组织领导 / 宣传培训 gives way to them).
    last = max([r2 for r1, _, r2, _ in sheet.merges if r1 == header_row] + [header_row])
    last = min(last, header_row + 3)
    headers: dict[int, str] = {}
    for r in range(header_row, last + 1):
        for c, cell in sheet.rows.get(r, {}).items():
            if _text(cell.value):  # kept as written (full-width brackets) for messages
                text = clean_text(str(cell.value))
                headers[c] = unit_header if header_key(text) in unit_keys else text
    return Table(file, sheet.title, header_row, headers, header_rows=last - header_row + 1)


def _fill_rows(table: Table, sheet: Sheet) -> list[int]:
    """Add the sheet's data rows below the header to `table`; returns the hidden ones."""
    last = table.header_row + table.header_rows - 1
    hidden = []
    for r in sorted(sheet.rows):
        if r <= last:
            continue
        cells = {c: cell for c, cell in sheet.rows[r].items() if c in table.headers}
        if not any(_text(cell.value) for cell in cells.values()):
            if any(isinstance(cell.value, FormulaWithoutResult) for cell in cells.values()):
                table.formula_only_rows.append(r)
            continue
        if r in sheet.hidden_rows:
            hidden.append(r)
        table.rows.append((r, cells))
    return hidden


def _note_rows(
    problems: list[Problem], where: _SheetPlace, table: Table, sheet: Sheet, hidden: list[int]
) -> None:
    """Notices for hidden rows and columns and for rows of formulas without results."""
    headers = table.headers
    _note_hidden(problems, where, hidden, "行", lambda r: f"第{r}行")
    columns = sorted(c for c in headers if c in sheet.hidden_columns)
    _note_hidden(problems, where, columns, "列", lambda c: f"{column_letter(c)}列（{headers[c]}）")
    if table.formula_only_rows:
        rows = table.formula_only_rows
        problems.append(
            Problem(
                f"第{_row_span(rows)}行只有没有计算结果的公式，已视为空行",
                **where,
                row=rows[0],
                hint="如这些行应有数据，请在 Excel/WPS 中打开并保存后重试",
                severity="warning",
                code="formula-only-rows",
            )
        )


def _note_hidden(
    problems: list[Problem], where: _SheetPlace, items: list[int], kind: str, name: Callable
) -> None:
    if not items:
        return
    shown = "、".join(name(i) for i in items[:10]) + (
        f"等{len(items)}{kind}" if len(items) > 10 else ""
    )
    problems.append(
        Problem(
            f"{shown}是隐藏的{kind}，已照常读取",
            **where,
            row=items[0] if kind == "行" else None,
            column=column_letter(items[0]) if kind == "列" else "",
            hint=f"隐藏的{kind}同样参与考核；如其中数据不应参与，请删除该{kind}",
            severity="warning",
            code="hidden-row" if kind == "行" else "hidden-column",
        )
    )


def _row_span(rows: list[int]) -> str:
    return str(rows[0]) if len(rows) == 1 else f"{rows[0]}—{rows[-1]}"
