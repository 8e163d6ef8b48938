"""Checks on an input file before it is parsed: size, what it really is, zip bombs.

A file is judged by its bytes, whatever its extension says; for `.xlsx` the unpacked size of
every zip member and of merged ranges is measured first, so that a damaged, disguised or
hostile file is refused with a located Chinese message instead of exhausting memory.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from ..problems import Problem, column_letter

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_INPUT_BYTES",
    "MAX_SHEET_CELLS",
    "MAX_UNCOMPRESSED_BYTES",
    "FileProblem",
    "check_file",
    "check_used_range",
]

MAX_INPUT_BYTES = 50 * 1024 * 1024  # a year's sheets are ~100 KB; refuse anything this large
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # an .xlsx unpacked; a 3,000-unit sheet is ~3 MB
MAX_COMPRESSION_RATIO = 100  # sheet XML packs ~10:1; a zip bomb packs ~1000:1
RATIO_CHECK_BYTES = 1024 * 1024  # small members may pack well without harm
MAX_ZIP_MEMBERS = 10_000
MAX_SHEET_CELLS = 2_000_000  # used range (rows × columns) of a sheet that is read

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SHEET_MEMBER = re.compile(r"xl/worksheets/[^/]+\.xml")
_MERGE_REF = re.compile(
    rb'<(?:\w+:)?mergeCell\s+ref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"'
)
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_BOMB = "可能是恶意构造的“压缩炸弹”，已拒绝读取"
_BOMB_HINT = "请在 Excel/WPS 中打开确认内容后另存为新的 .xlsx，再重新运行"
_DAMAGED = "无法打开：文件已损坏或不完整"
_DAMAGED_HINT = (
    "文件可能没有保存、复制或下载完整；请在 Excel/WPS 中打开后另存为 .xlsx，或重新获取该文件"
)


class FileProblem(Exception):
    """A whole file refused; `problem` locates it (file, and sheet where known)."""

    def __init__(self, message: str, file: str, hint: str = "", sheet: str = "", *, code: str):
        super().__init__(message)
        self.problem = Problem(message, file=file, sheet=sheet, hint=hint, code=code)


def size_text(size: int) -> str:
    """A file size as people read it: 512 字节, 39.1 KB, 50.0 MB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} 字节"


def check_file(path: Path, is_csv: bool) -> bool:
    """Refuse, before parsing, a file that is empty, too large, or not what its name says.

    Returns whether an .xlsx holds formulas (so their results must be checked).
    """
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise FileProblem(
            f"无法读取该文件：{exc.strerror}",
            name,
            "请检查文件是否被占用或有读取权限",
            code="file-unreadable",
        ) from None
    _check_size(name, size)
    if head.startswith(_OLE2_MAGIC):
        raise FileProblem(
            "无法打开：该文件实际是旧版 Excel（.xls）格式，或设置了打开密码",
            name,
            "请在 Excel/WPS 中打开（如有密码请先取消）后“另存为”Excel 工作簿（.xlsx）",
            code="wrong-file-type",
        )
    is_zip = head.startswith(_ZIP_MAGIC)
    if is_csv and is_zip:
        raise FileProblem(
            "该文件实际是 Excel 工作簿（.xlsx），扩展名却是 .csv",
            name,
            f"请把文件扩展名改为 .xlsx（{path.stem}.xlsx）",
            code="wrong-file-type",
        )
    if is_csv:
        return False
    if not is_zip:
        _refuse_not_a_workbook(path, text_like=b"\x00" not in head)
    return _check_zip(path)


def _check_size(name: str, size: int) -> None:
    if size == 0:
        raise FileProblem(
            "文件是空的（0 字节）",
            name,
            "文件可能没有保存或复制完整，请重新获取该文件",
            code="file-empty",
        )
    if size > MAX_INPUT_BYTES:
        raise FileProblem(
            f"文件大小为{size_text(size)}，超过上限{size_text(MAX_INPUT_BYTES)}，未读取",
            name,
            "考核数据文件通常不超过 1 MB；请删除无关的工作表、图片后另存，或拆分为多个文件",
            code="file-too-large",
        )


def _refuse_not_a_workbook(path: Path, text_like: bool) -> None:
    raise FileProblem(
        "无法打开：该文件不是 Excel 工作簿（.xlsx）"
        + ("，看起来是文本（CSV）文件" if text_like else ""),
        path.name,
        f"如为 CSV，请把扩展名改为 .csv（{path.stem}.csv）；否则请在 Excel/WPS 中打开后另存为 .xlsx"
        if text_like
        else "文件可能已损坏，请在 Excel/WPS 中打开后另存为 .xlsx",
        code="wrong-file-type",
    )


def _check_zip(path: Path) -> bool:
    """Refuse a damaged zip, a zip that is not a workbook, or a zip bomb — before openpyxl.

    `zipfile` never yields more than a member's declared `file_size`, so the declared sizes
    bound what can be unpacked. Merged ranges are measured too: openpyxl makes an object for
    every cell of a merge, and a merge over whole columns would exhaust memory.
    Returns whether any sheet holds a formula.
    """
    name = path.name
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
        raise FileProblem(_DAMAGED, name, _DAMAGED_HINT, code="file-corrupt") from None
    return has_formulas


def _check_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    names = {m.filename for m in members}
    if not any(n.startswith("xl/") for n in names):
        what = "Word 文档" if any(n.startswith("word/") for n in names) else "压缩包"
        raise FileProblem(
            f"无法打开：该文件是{what}，不是 Excel 工作簿",
            name,
            "请放入 Excel 工作簿（.xlsx）文件",
            code="wrong-file-type",
        )
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileProblem(
            f"该文件包含{len(members)}个部件，{_BOMB}", name, _BOMB_HINT, code="zip-bomb"
        )
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileProblem(
            f"该文件解压后达{size_text(total)}（上限{size_text(MAX_UNCOMPRESSED_BYTES)}），{_BOMB}",
            name,
            _BOMB_HINT,
            code="zip-bomb",
        )
    for m in members:
        ratio_limit = MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
        if m.file_size > RATIO_CHECK_BYTES and m.file_size > ratio_limit:
            raise FileProblem(
                f"该文件中的部件 {m.filename} 由{size_text(m.compress_size)}解压后达"
                f"{size_text(m.file_size)}，压缩比异常，{_BOMB}",
                name,
                _BOMB_HINT,
                code="zip-bomb",
            )


def _check_merges(name: str, member: str, xml: bytes) -> None:
    area = 0
    for c1, r1, c2, r2 in _MERGE_REF.findall(xml):
        cols = abs(_column_index(c2 or c1) - _column_index(c1)) + 1
        area += cols * (abs(int(r2 or r1) - int(r1)) + 1)
    if area > MAX_SHEET_CELLS:
        raise FileProblem(
            f"工作表中的合并单元格共约{area // 10000}万个单元格（{member}），过大",
            name,
            "请取消整行、整列的合并单元格后保存，再重新运行",
            code="merged-range-too-large",
        )


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index


def check_used_range(file: str, ws) -> None:
    """Refuse a sheet whose used range is too large to read (a stray cell far below)."""
    rows, columns = ws.max_row, ws.max_column
    if rows * columns > MAX_SHEET_CELLS:
        raise FileProblem(
            f"工作表的已用区域为 A1:{column_letter(columns)}{rows}，过大（约{rows * columns // 10000}万个单元格）",
            file,
            "请删除表格下方和右侧多余的行、列（含只设置了格式的空白单元格）后保存",
            sheet=ws.title,
            code="sheet-too-large",
        )
