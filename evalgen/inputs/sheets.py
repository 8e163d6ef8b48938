"""Parse an `.xlsx` or `.csv` file (already checked) into sheets of located cells.

Hidden rows, columns and sheets are recorded, not skipped; a formula saved without its result
becomes `FormulaWithoutResult` and an error such as `#DIV/0!` an `ErrorValue`, so the checks
can say so instead of "missing".
"""

from __future__ import annotations

import csv
import functools
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import column_letter
from .filecheck import FileProblem, check_used_range
from .tables import Cell
from .values import ErrorValue, FormulaWithoutResult, normalize_text

__all__ = ["Sheet", "read_csv", "read_xlsx", "shown_decimals"]

COVER_WORDS = ("说明", "封面", "首页", "须知")
COVER_ROWS = 30
COVER_COLUMNS = 10
_QUOTED_IN_FORMAT = re.compile(r'"[^"]*"|\\.')
# Literal text, escapes, padding (_x) and fill (*x) in a number format: none of them digits.
_LITERALS_IN_FORMAT = re.compile(r'"[^"]*"|\\.|[_*].')
_BRACKETED = re.compile(r"\[[^\]]*\]")
# A digit placeholder followed by commas that no placeholder follows scales by 1000 each.
_THOUSANDS_SCALING = re.compile(r"[0#?],+(?![0#?,])")
_EXCEL_ERRORS = {
    "#DIV/0!",
    "#N/A",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#REF!",
    "#VALUE!",
    "#GETTING_DATA",
}


@dataclass
class Sheet:
    """One sheet as read: non-empty cells by row, and what the reader noticed about it."""

    name: str  # the table name it was found under
    title: str  # the sheet name as written ("" for CSV)
    rows: dict[int, dict[int, Cell]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    cover: bool = False  # a 说明 / cover sheet: not a table, read only for its statements


def read_xlsx(
    path: Path, names: list[str], titles: dict[str, list[str]], has_formulas: bool
) -> list[Sheet]:
    """The sheets of a workbook named in `names`, then its cover sheets (说明, 封面 …).

    Every sheet title goes into `titles`. A cover sheet is read only as far as its first
    rows (`COVER_ROWS`), for what it says about the workbook (its assessment year).
    """
    from openpyxl import load_workbook

    wanted = {normalize_text(n): n for n in names}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's English notes about unsupported features
        try:
            # Full (not read-only) mode: merged ranges, hidden rows and error types are needed.
            book = load_workbook(path, data_only=True)
            sheets = [ws for ws in book.worksheets if normalize_text(ws.title) in wanted]
            for ws in sheets:
                check_used_range(path.name, ws)
            formulas = _formula_cells(path, sheets) if has_formulas else {}
        except FileProblem:
            raise
        except Exception:  # noqa: BLE001 - openpyxl raises many types on a damaged file
            raise FileProblem(
                "无法打开：文件已损坏，或含有不安全的内容",
                path.name,
                "请在 Excel/WPS 中打开该文件后另存为 .xlsx，或重新获取该文件",
                code="file-corrupt",
            ) from None
    titles[path.name] = list(book.sheetnames)
    return [
        _sheet_from_worksheet(wanted[normalize_text(ws.title)], ws, formulas.get(ws.title, {}))
        for ws in sheets
    ] + [_cover_sheet(ws) for ws in book.worksheets if is_cover_title(ws.title, wanted)]


def is_cover_title(title: str, wanted: dict[str, str] | None = None) -> bool:
    """Whether a sheet called `title` is a 说明 / cover sheet (and not a table's sheet)."""
    key = normalize_text(title)
    return key not in (wanted or {}) and any(word in key for word in COVER_WORDS)


def _cover_sheet(ws) -> Sheet:
    """The text cells of a cover sheet's first rows."""
    rows: dict[int, dict[int, Cell]] = {}
    for row in ws.iter_rows(min_row=1, max_row=COVER_ROWS, max_col=COVER_COLUMNS):
        for cell in row:
            if isinstance(cell.value, str):
                rows.setdefault(cell.row, {})[cell.column] = Cell(cell.value, cell.row, cell.column)
    return Sheet("", ws.title, rows, hidden=ws.sheet_state != "visible", cover=True)


def _formula_cells(path: Path, sheets: list) -> dict[str, dict[tuple[int, int], str]]:
    """Formula text by (row, column) for the wanted sheets (a second, read-only pass)."""
    from openpyxl import load_workbook

    bounds = {ws.title: (ws.max_row, ws.max_column) for ws in sheets}
    book = load_workbook(path, read_only=True, data_only=False)
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for ws in book.worksheets:
            if ws.title not in bounds:
                continue
            max_row, max_col = bounds[ws.title]
            found = out.setdefault(ws.title, {})
            for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        found[cell.row, cell.column] = str(getattr(cell.value, "text", cell.value))
    finally:
        book.close()
    return out


def _percent_format(number_format: str) -> bool:
    # 0.0% scales by 100; 0.0"%" and 0.0\% only show a percent sign after the number.
    return "%" in _QUOTED_IN_FORMAT.sub("", number_format or "")


def shown_decimals(number_format: str, value: object) -> int | None:
    """How many decimals `number_format` shows `value` with (0.00% → 2, #,##0 → 0).

    None where the format does not fix them: General, text, dates, scientific, fractions,
    conditions, scaling by thousands. A percent format counts the decimals of the percentage.
    """
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return _decimals_of(number_format or "", value < 0)


@functools.lru_cache(maxsize=256)
def _decimals_of(number_format: str, negative: bool) -> int | None:
    bare = _LITERALS_IN_FORMAT.sub("", number_format)
    if re.search(r"\[[<>=]", bare):  # [>=100]0;0.00: the section shown depends on the value
        return None
    sections = bare.split(";")
    section = sections[1] if negative and len(sections) > 1 else sections[0]
    section = _BRACKETED.sub("", section)  # colours, locales: [Red], [$-804], [DBNum1]
    if (
        not re.search(r"[0#?]", section)
        or re.search(r"(?i)general|e[+-]|[/@ymdhs]", section)
        or _THOUSANDS_SCALING.search(section)
        or section.count("%") > 1
    ):
        return None
    _, point, decimals = section.partition(".")
    return len(re.findall(r"[0#?]", decimals)) if point else 0


def _sheet_from_worksheet(name: str, ws, formulas: dict[tuple[int, int], str]) -> Sheet:
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    covered = {
        (r, c): f"{column_letter(c1)}{r1}"
        for r1, c1, r2, c2 in merges
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if (r, c) != (r1, c1)
    }
    rows: dict[int, dict[int, Cell]] = {}
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
        for cell in row:
            r, c = cell.row, cell.column
            value = cell.value
            if value is None and (r, c) in formulas:
                value = FormulaWithoutResult(formulas[r, c])
            elif cell.data_type == "e" and str(value) in _EXCEL_ERRORS:
                value = ErrorValue(str(value))
            if value is None and (r, c) not in covered:
                continue
            fmt = cell.number_format if value is not None else ""
            rows.setdefault(r, {})[c] = Cell(
                value,
                r,
                c,
                _percent_format(fmt),
                covered.get((r, c), ""),
                decimals=shown_decimals(fmt, value),
            )
    hidden_columns: set[int] = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min and dim.max:
            hidden_columns.update(range(dim.min, dim.max + 1))
    return Sheet(
        name,
        ws.title,
        rows,
        merges,
        hidden=ws.sheet_state != "visible",
        hidden_rows={r for r, dim in ws.row_dimensions.items() if dim.hidden},
        hidden_columns=hidden_columns,
    )


def read_csv(path: Path, name: str) -> Sheet:
    """A CSV file as one sheet (UTF-8, UTF-16 or GB18030, whichever decodes it)."""
    text = _decode_csv(path)
    rows: dict[int, dict[int, Cell]] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for r, row in enumerate(reader, start=1):
            cells = {c: Cell(v, r, c) for c, v in enumerate(row, start=1) if v != ""}
            if cells:
                rows[r] = cells
    except csv.Error as exc:
        raise FileProblem(
            f"CSV 文件第{reader.line_num}行格式有误（{exc}）",
            path.name,
            "请检查该行的引号是否成对、单元格内容是否过长",
            code="csv-syntax",
        ) from None
    return Sheet(name, "", rows)


def _decode_csv(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileProblem(
            "无法识别 CSV 文件的编码",
            path.name,
            "请另存为“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV",
            code="csv-encoding",
        )
    if "\x00" in text:
        raise FileProblem(
            "该文件不是文本格式的 CSV",
            path.name,
            "请确认文件扩展名与内容一致",
            code="wrong-file-type",
        )
    return text
