"""Bad input files, made in the test from a good copy of the sample inputs.

Every helper edits a file in place (in a test's temporary folder), so no bad file is committed.
Cells are found by what they hold (a unit's row, a header's column), never by fixed addresses,
so the helpers keep working when the sample inputs are regenerated.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

COUNTY_BOOK = "县区考核数据_2024.xlsx"
COUNTY_SHEET = "县区指标"
DEPARTMENT_BOOK = "市直部门考核数据_2024.xlsx"
EVENTS_BOOK = "加减分事项_2024.xlsx"
EVENTS_SHEET = "加减分事项"
FOOD = "食品安全评价性抽检合格率"
STANDARDS = "新增主导或参与制修订标准"


def book(inputs: Path, name: str, year: int = 2024) -> Path:
    return inputs / str(year) / name


def edit(path: Path, change: Callable) -> Path:
    """Open a workbook, let `change(wb)` edit it, save it in place."""
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def header_row(ws) -> int:
    """The row holding the 单位 header (title rows above it are skipped)."""
    for row in ws.iter_rows(max_row=20):
        if any(c.value == "单位" for c in row):
            return row[0].row
    raise AssertionError(f"no 单位 header in {ws.title}")


def column_of(ws, header: str) -> int:
    """The column whose header starts with `header`."""
    for cell in ws[header_row(ws)]:
        if isinstance(cell.value, str) and cell.value.startswith(header):
            return cell.column
    raise AssertionError(f"no column {header} in {ws.title}")


def row_of(ws, unit: str) -> int:
    unit_col = column_of(ws, "单位")
    for row in ws.iter_rows(min_row=header_row(ws) + 1):
        if row[unit_col - 1].value == unit:
            return row[0].row
    raise AssertionError(f"no row for {unit} in {ws.title}")


def ref(ws, unit: str, header: str) -> str:
    """The cell address (C14) of `unit`'s figure under `header`."""
    return f"{get_column_letter(column_of(ws, header))}{row_of(ws, unit)}"


def set_figure(
    inputs: Path, unit: str, header: str, value, number_format: str | None = None
) -> str:
    """Put `value` in a county figure cell; returns its address."""
    where = {}

    def change(wb):
        ws = wb[COUNTY_SHEET]
        where["ref"] = ref(ws, unit, header)
        ws[where["ref"]].value = value
        if number_format:
            ws[where["ref"]].number_format = number_format

    edit(book(inputs, COUNTY_BOOK), change)
    return where["ref"]


def sheet_member(path: Path, sheet: str) -> str:
    """The zip member of a sheet in a workbook saved by openpyxl (sheets are numbered in order)."""
    names = load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one member of a zip file, keeping the others as they are."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info, change(data) if info.filename == member else data)


def put_formula(path: Path, sheet: str, address: str, formula: str, cached=None, error=False):
    """A formula cell, with a cached result (as Excel/WPS save it) or without (as some tools do).

    openpyxl saves formulas without results; a result is put into the XML afterwards.
    """
    edit(path, lambda wb: wb[sheet].__setitem__(address, formula))
    if cached is None:
        return

    def add_cached(xml: bytes) -> bytes:
        cell = re.compile(
            rb'<c r="' + address.encode() + rb'"([^>]*)>(<f>.*?</f>)(<v>.*?</v>)?</c>'
        )
        kind = b' t="e"' if error else (b' t="str"' if isinstance(cached, str) else b"")
        value = str(cached).encode()
        start = b'<c r="' + address.encode() + b'"' + kind + b">"
        new, count = cell.subn(lambda m: start + m.group(2) + b"<v>" + value + b"</v></c>", xml)
        assert count == 1, xml[:500]
        return new

    rewrite_member(path, sheet_member(path, sheet), add_cached)


def add_member(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)


def zip_bomb(path: Path, megabytes: int = 20) -> None:
    """Add a member of zeros: a few KB packed, `megabytes` unpacked (ratio ≈ 1000)."""
    add_member(path, "xl/media/image1.bin", bytes(megabytes * 1024 * 1024))


def truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def corrupt_member(path: Path, member: str) -> None:
    """Flip bytes inside a member's packed data; the zip directory stays intact."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + info.compress_size // 3, start + info.compress_size // 3 + 16):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def old_xls(path: Path) -> None:
    """An OLE2 compound file header, as a .xls (or a password-protected .xlsx) starts."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def sheet_rows(path: Path, sheet: str) -> list[list]:
    ws = load_workbook(path)[sheet]
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


def csv_bytes(rows: list[list], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def sheet_to_csv(xlsx: Path, sheet: str, target: Path, encoding: str) -> Path:
    """Replace a workbook by a CSV of one of its sheets (dates written as text)."""
    rows = [
        [v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v for v in row]
        for row in sheet_rows(xlsx, sheet)
    ]
    target.write_bytes(csv_bytes(rows, encoding))
    xlsx.unlink()
    return target


def replace_text(path: Path, sheet: str, old: str, new: str) -> str:
    """Replace `old` by `new` in every text cell of a sheet; the address of the first changed."""
    changed: list[str] = []

    def change(wb):
        for row in wb[sheet].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and old in cell.value:
                    cell.value = cell.value.replace(old, new)
                    changed.append(cell.coordinate)

    edit(path, change)
    assert changed, f"no “{old}” in {sheet}"
    return changed[0]
