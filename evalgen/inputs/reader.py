"""Read `.xlsx` and `.csv` files into tables of located cells.

A table is found by name: an `.xlsx` sheet with that name, or a `.csv` file whose name
contains it. The header row is the first row holding the unit column (`单位`); title rows
above it are skipped, and a header that spans two rows through merged cells is read as one.
Cells keep their Excel row and column so problems can point at them.

Files are checked before they are parsed: size, what they really are (whatever the
extension says), and for `.xlsx` the unpacked size of every zip member and of merged ranges,
so that a damaged, disguised or hostile file is refused with a message instead of exhausting
memory.

What is read, and said: hidden rows, columns and sheets are read like visible ones (hiding is
not deleting, and a unit's figures must not vanish unseen), each with a warning; a formula
saved without its result becomes `FormulaWithoutResult`, an error such as `#DIV/0!` an
`ErrorValue`, so the checks can say so instead of "missing"; rows holding nothing but such
formulas (template rows below the table) count as empty, with a warning.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, column_letter
from .values import ErrorValue, FormulaWithoutResult, clean_text, normalize_text

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_INPUT_BYTES",
    "MAX_SHEET_CELLS",
    "MAX_UNCOMPRESSED_BYTES",
    "Cell",
    "Table",
    "TableSet",
    "find_tables",
    "header_key",
    "input_files",
]

HEADER_SCAN_ROWS = 20
MAX_INPUT_BYTES = 50 * 1024 * 1024  # a year's sheets are ~100 KB; refuse anything this large
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # an .xlsx unpacked; a 3,000-unit sheet is ~3 MB
MAX_COMPRESSION_RATIO = 100  # sheet XML packs ~10:1; a zip bomb packs ~1000:1
RATIO_CHECK_BYTES = 1024 * 1024  # small members may pack well without harm
MAX_ZIP_MEMBERS = 10_000
MAX_SHEET_CELLS = 2_000_000  # used range (rows × columns) of a sheet that is read

_SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm"}
_UNSUPPORTED_SUFFIXES = {".xls", ".et", ".ods", ".numbers", ".wps"}
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_BRACKET_SUFFIX = re.compile(r"[（(][^（）()]*[）)]$")
_QUOTED_IN_FORMAT = re.compile(r'"[^"]*"|\\.')
_SHEET_MEMBER = re.compile(r"xl/worksheets/[^/]+\.xml")
_MERGE_REF = re.compile(
    rb'<(?:\w+:)?mergeCell\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"'
)
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_BOMB = "可能是恶意构造的“压缩炸弹”，已拒绝读取"
_BOMB_HINT = "请在 Excel/WPS 中打开确认内容后另存为新的 .xlsx，再重新运行"
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


@dataclass(frozen=True)
class Cell:
    """A cell's value as stored, with its place in the sheet.

    `merged_into` names the top-left cell of the merged range this (blank) cell belongs to.
    """

    value: object
    row: int
    column: int
    percent: bool = False
    merged_into: str = ""

    @property
    def ref(self) -> str:
        return f"{column_letter(self.column)}{self.row}"


@dataclass
class Table:
    """The rows of one sheet (or CSV file) under its header row (or rows)."""

    file: str
    sheet: str
    header_row: int
    headers: dict[int, str]
    rows: list[tuple[int, dict[int, Cell]]] = field(default_factory=list)
    header_rows: int = 1
    formula_only_rows: list[int] = field(default_factory=list)

    def column_of(self, header: str) -> int | None:
        """The column headed `header`, ignoring spaces and a trailing unit such as （分）."""
        return self._columns.get(header_key(header))

    @functools.cached_property
    def _columns(self) -> dict[str, int]:
        """Header key → column, the first column of a key winning (asked once per row)."""
        columns: dict[str, int] = {}
        for col, text in self.headers.items():
            columns.setdefault(header_key(text), col)
        return columns


@dataclass
class TableSet:
    """All tables found in a year folder, keyed by table name, plus reading problems."""

    tables: dict[str, list[Table]]
    problems: list[Problem]
    files: list[Path]
    sheet_titles: dict[str, list[str]] = field(default_factory=dict)

    def missing_table_hint(self, name: str) -> tuple[str, str, str]:
        """For a table that was not found: (file, sheet, hint) naming the closest sheet."""
        taken = {normalize_text(n) for n in self.tables}
        titles = [
            (f, t)
            for f, ts in self.sheet_titles.items()
            for t in ts
            if normalize_text(t) not in taken
        ]
        listing = "；".join(
            f"{f}：{'、'.join(ts) or '（无工作表）'}" for f, ts in self.sheet_titles.items()
        )
        wanted = header_key(name)
        close = [ft for ft in titles if wanted in header_key(ft[1])] or [
            ft
            for t in difflib.get_close_matches(name, [t for _, t in titles], n=1, cutoff=0.5)
            for ft in titles
            if ft[1] == t
        ]
        hint = f"请把工作表命名为“{name}”，或提供文件名含“{name}”的 CSV"
        if close:
            file, sheet = close[0]
            return file, sheet, f"最接近的是“{sheet}”，{hint}。现有工作表：{listing}"
        return "", "", f"{hint}。现有工作表：{listing}" if listing else hint


def header_key(text: str) -> str:
    """A header compared loosely: NFKC, no spaces, no trailing unit in brackets."""
    return _BRACKET_SUFFIX.sub("", normalize_text(text).replace(" ", ""))


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
    for path in sorted(folder.iterdir()):
        if (
            path.suffix.lower() in _UNSUPPORTED_SUFFIXES
            and path.is_file()
            and not path.name.startswith(("~$", "._"))
        ):
            problems.append(
                Problem(
                    f"不支持 {path.suffix} 格式，该文件未读取",
                    file=path.name,
                    hint="如其中有考核数据，请在 Excel/WPS 中打开后“另存为”Excel 工作簿（.xlsx）",
                    severity="warning",
                )
            )
    for path in found.files:
        for year_text in _YEAR_IN_NAME.findall(path.stem):
            if int(year_text) != year:
                problems.append(
                    Problem(
                        f"文件名中的年度为{year_text}，与考核年度{year}不符",
                        file=path.name,
                        hint=f"请确认放入了{year}年度的文件",
                    )
                )
        is_csv = path.suffix.lower() == ".csv"
        matches = [n for n in names if n in path.stem] if is_csv else names
        if not matches:
            continue
        try:
            has_formulas = _check_file(path, is_csv)
            if is_csv:
                sheets = [_read_csv(path, max(matches, key=len))]
            else:
                sheets = _read_xlsx(path, names, found.sheet_titles, has_formulas)
        except _FileProblem as exc:
            problems.append(exc.problem)
            continue
        for sheet in sheets:
            table = _table_from_sheet(path.name, sheet, unit_header, problems)
            if table is not None:
                found.tables[sheet.name].append(table)
    return found


class _FileProblem(Exception):
    def __init__(self, message: str, file: str, hint: str = "", sheet: str = ""):
        super().__init__(message)
        self.problem = Problem(message, file=file, sheet=sheet, hint=hint)


@dataclass
class _Sheet:
    """One sheet as read: non-empty cells by row, and what the reader noticed about it."""

    name: str  # the table name it was found under
    title: str  # the sheet name as written ("" for CSV)
    rows: dict[int, dict[int, Cell]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)


# -- checking a file before parsing it ------------------------------------------------------


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} 字节"


def _check_file(path: Path, is_csv: bool) -> bool:
    """Refuse, before parsing, a file that is empty, too large, or not what its name says.

    Returns whether an .xlsx holds formulas (so their results must be checked).
    """
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _FileProblem(
            f"无法读取该文件：{exc.strerror}", name, "请检查文件是否被占用或有读取权限"
        ) from None
    if size == 0:
        raise _FileProblem(
            "文件是空的（0 字节）", name, "文件可能没有保存或复制完整，请重新获取该文件"
        )
    if size > MAX_INPUT_BYTES:
        raise _FileProblem(
            f"文件大小为{_size_text(size)}，超过上限{_size_text(MAX_INPUT_BYTES)}，未读取",
            name,
            "考核数据文件通常不超过 1 MB；请删除无关的工作表、图片后另存，或拆分为多个文件",
        )
    if head.startswith(_OLE2_MAGIC):
        raise _FileProblem(
            "无法打开：该文件实际是旧版 Excel（.xls）格式，或设置了打开密码",
            name,
            "请在 Excel/WPS 中打开（如有密码请先取消）后“另存为”Excel 工作簿（.xlsx）",
        )
    is_zip = head.startswith(_ZIP_MAGIC)
    if is_csv and is_zip:
        raise _FileProblem(
            "该文件实际是 Excel 工作簿（.xlsx），扩展名却是 .csv",
            name,
            f"请把文件扩展名改为 .xlsx（{path.stem}.xlsx）",
        )
    if is_csv:
        return False
    if not is_zip:
        text_like = b"\x00" not in head
        raise _FileProblem(
            "无法打开：该文件不是 Excel 工作簿（.xlsx）"
            + ("，看起来是文本（CSV）文件" if text_like else ""),
            name,
            f"如为 CSV，请把扩展名改为 .csv（{path.stem}.csv）；否则请在 Excel/WPS 中打开后另存为 .xlsx"
            if text_like
            else "文件可能已损坏，请在 Excel/WPS 中打开后另存为 .xlsx",
        )
    return _check_zip(path)


def _check_zip(path: Path) -> bool:
    """Refuse a damaged zip, a zip that is not a workbook, or a zip bomb — before openpyxl.

    `zipfile` never yields more than a member's declared `file_size`, so the declared sizes
    bound what can be unpacked. Merged ranges are measured too: openpyxl makes an object for
    every cell of a merge, and a merge over whole columns would exhaust memory.
    Returns whether any sheet holds a formula.
    """
    name = path.name
    damaged = (
        "无法打开：文件已损坏或不完整",
        name,
        "文件可能没有保存、复制或下载完整；请在 Excel/WPS 中打开后另存为 .xlsx，或重新获取该文件",
    )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_members(name, members)
            has_formulas = False
            for member in members:
                if not _SHEET_MEMBER.fullmatch(member.filename):
                    continue
                xml = archive.read(member)
                has_formulas = has_formulas or _FORMULA_TAG.search(xml) is not None
                _check_merges(name, member.filename, xml)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError):
        # RuntimeError: an encrypted member; NotImplementedError (a subclass): its compression
        raise _FileProblem(*damaged) from None
    return has_formulas


def _check_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    names = {m.filename for m in members}
    if not any(n.startswith("xl/") for n in names):
        what = "Word 文档" if any(n.startswith("word/") for n in names) else "压缩包"
        raise _FileProblem(
            f"无法打开：该文件是{what}，不是 Excel 工作簿", name, "请放入 Excel 工作簿（.xlsx）文件"
        )
    if len(members) > MAX_ZIP_MEMBERS:
        raise _FileProblem(f"该文件包含{len(members)}个部件，{_BOMB}", name, _BOMB_HINT)
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _FileProblem(
            f"该文件解压后达{_size_text(total)}（上限{_size_text(MAX_UNCOMPRESSED_BYTES)}），{_BOMB}",
            name,
            _BOMB_HINT,
        )
    for m in members:
        ratio_limit = MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
        if m.file_size > RATIO_CHECK_BYTES and m.file_size > ratio_limit:
            raise _FileProblem(
                f"该文件中的部件 {m.filename} 由{_size_text(m.compress_size)}解压后达"
                f"{_size_text(m.file_size)}，压缩比异常，{_BOMB}",
                name,
                _BOMB_HINT,
            )


def _check_merges(name: str, member: str, xml: bytes) -> None:
    area = 0
    for c1, r1, c2, r2 in _MERGE_REF.findall(xml):
        cols = abs(_column_index(c2 or c1) - _column_index(c1)) + 1
        area += cols * (abs(int(r2 or r1) - int(r1)) + 1)
    if area > MAX_SHEET_CELLS:
        raise _FileProblem(
            f"工作表中的合并单元格共约{area // 10000}万个单元格（{member}），过大",
            name,
            "请取消整行、整列的合并单元格后保存，再重新运行",
        )


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index


# -- reading -------------------------------------------------------------------------------


def _read_xlsx(
    path: Path, names: list[str], titles: dict[str, list[str]], has_formulas: bool
) -> list[_Sheet]:
    from openpyxl import load_workbook

    wanted = {normalize_text(n): n for n in names}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's English notes about unsupported features
        try:
            # Full (not read-only) mode: merged ranges, hidden rows and error types are needed.
            book = load_workbook(path, data_only=True)
            sheets = [ws for ws in book.worksheets if normalize_text(ws.title) in wanted]
            for ws in sheets:
                _check_used_range(path.name, ws)
            formulas = _formula_cells(path, sheets) if has_formulas else {}
        except _FileProblem:
            raise
        except Exception:  # noqa: BLE001 - openpyxl raises many types on a damaged file
            raise _FileProblem(
                "无法打开：文件已损坏，或含有不安全的内容",
                path.name,
                "请在 Excel/WPS 中打开该文件后另存为 .xlsx，或重新获取该文件",
            ) from None
    titles[path.name] = list(book.sheetnames)
    return [
        _sheet_from_worksheet(wanted[normalize_text(ws.title)], ws, formulas.get(ws.title, {}))
        for ws in sheets
    ]


def _check_used_range(file: str, ws) -> None:
    rows, columns = ws.max_row, ws.max_column
    if rows * columns > MAX_SHEET_CELLS:
        raise _FileProblem(
            f"工作表的已用区域为 A1:{column_letter(columns)}{rows}，过大（约{rows * columns // 10000}万个单元格）",
            file,
            "请删除表格下方和右侧多余的行、列（含只设置了格式的空白单元格）后保存",
            sheet=ws.title,
        )


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


def _sheet_from_worksheet(name: str, ws, formulas: dict[tuple[int, int], str]) -> _Sheet:
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
            percent = _percent_format(cell.number_format) if value is not None else False
            rows.setdefault(r, {})[c] = Cell(value, r, c, percent, covered.get((r, c), ""))
    hidden_columns = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min and dim.max:
            hidden_columns.update(range(dim.min, dim.max + 1))
    return _Sheet(
        name,
        ws.title,
        rows,
        merges,
        hidden=ws.sheet_state != "visible",
        hidden_rows={r for r, dim in ws.row_dimensions.items() if dim.hidden},
        hidden_columns=hidden_columns,
    )


def _read_csv(path: Path, name: str) -> _Sheet:
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
        raise _FileProblem(
            "无法识别 CSV 文件的编码",
            path.name,
            "请另存为“CSV UTF-8（逗号分隔）”或 GBK 编码的 CSV",
        )
    if "\x00" in text:
        raise _FileProblem("该文件不是文本格式的 CSV", path.name, "请确认文件扩展名与内容一致")
    rows: dict[int, dict[int, Cell]] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for r, row in enumerate(reader, start=1):
            cells = {c: Cell(v, r, c) for c, v in enumerate(row, start=1) if v != ""}
            if cells:
                rows[r] = cells
    except csv.Error as exc:
        raise _FileProblem(
            f"CSV 文件第{reader.line_num}行格式有误（{exc}）",
            path.name,
            "请检查该行的引号是否成对、单元格内容是否过长",
        ) from None
    return _Sheet(name, "", rows)


# -- finding the table in a sheet ------------------------------------------------------------


def _text(value: object) -> str:
    if value is None or isinstance(value, (FormulaWithoutResult, ErrorValue)):
        return ""
    return normalize_text(str(value))


def _table_from_sheet(
    file: str, sheet: _Sheet, unit_header: str, problems: list[Problem]
) -> Table | None:
    where = {"file": file, "sheet": sheet.title}
    if sheet.hidden:
        problems.append(
            Problem(
                "该工作表是隐藏的，已照常读取",
                **where,
                hint="如其中数据不应参与考核，请删除该工作表",
                severity="warning",
            )
        )
    if not any(_text(c.value) for cells in sheet.rows.values() for c in cells.values()):
        problems.append(
            Problem(
                "文件是空的" if not sheet.title else "工作表是空的",
                **where,
                hint=f"请填写数据（表头行应有“{unit_header}”一列）",
            )
        )
        return None
    unit_keys = {unit_header, f"{unit_header}名称"}
    header_row = next(
        (
            r
            for r in sorted(sheet.rows)
            if r <= HEADER_SCAN_ROWS
            and any(header_key(_text(c.value)) in unit_keys for c in sheet.rows[r].values())
        ),
        None,
    )
    if header_row is None:
        problems.append(
            Problem(
                f"前{HEADER_SCAN_ROWS}行中找不到表头“{unit_header}”",
                **where,
                hint=f"表头行应有一列名为“{unit_header}”",
            )
        )
        return None
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
    table = Table(file, sheet.title, header_row, headers, header_rows=last - header_row + 1)
    hidden = []
    for r in sorted(sheet.rows):
        if r <= last:
            continue
        cells = {c: cell for c, cell in sheet.rows[r].items() if c in headers}
        if not any(_text(cell.value) for cell in cells.values()):
            if any(isinstance(cell.value, FormulaWithoutResult) for cell in cells.values()):
                table.formula_only_rows.append(r)
            continue
        if r in sheet.hidden_rows:
            hidden.append(r)
        table.rows.append((r, cells))
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
            )
        )
    return table


def _note_hidden(problems: list[Problem], where: dict, items: list[int], kind: str, name) -> None:
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
        )
    )


def _row_span(rows: list[int]) -> str:
    return str(rows[0]) if len(rows) == 1 else f"{rows[0]}—{rows[-1]}"
