"""The workbook embedded in a native chart, for 右键 → 编辑数据 in Word and WPS.

One sheet, `Sheet1`, as Word lays a chart's data out: the categories down column A from A2,
each series (then each reference line) in the next column with its name in row 1. Written
directly as the smallest SpreadsheetML package Excel, WPS and openpyxl open (inline strings,
no styles), in a zip with fixed timestamps: the same chart gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

__all__ = ["cell_range", "column_letter", "workbook"]

_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # as outputs.zips (this layer may not import it)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_FIXED = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def column_letter(index: int) -> str:
    """Excel's column letters for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_range(letter: str, first: int, last: int) -> str:
    """An absolute reference to rows `first`–`last` of a column of Sheet1."""
    return f"Sheet1!${letter}${first}:${letter}${last}"


def workbook(categories: list[str], columns: list[tuple[str, list[float | None]]]) -> bytes:
    """The .xlsx bytes: categories in column A, each (name, values) column after it."""
    rows = [_row(1, ["", *(name for name, _values in columns)])]
    for r, category in enumerate(categories):
        cells: list[str | float | None] = [category, *(values[r] for _n, values in columns)]
        rows.append(_row(r + 2, cells))
    sheet = f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in (*_FIXED.items(), ("xl/worksheets/sheet1.xml", sheet)):
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, (_HEAD + text).encode("utf-8"))
    return out.getvalue()


def _row(number: int, cells: list) -> str:
    parts = []
    for c, value in enumerate(cells):
        ref = f"{column_letter(c)}{number}"
        if value is None or value == "":
            continue
        if isinstance(value, str):
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        else:
            text = repr(float(value))
            parts.append(f'<c r="{ref}"><v>{text[:-2] if text.endswith(".0") else text}</v></c>')
    return f'<row r="{number}">{"".join(parts)}</row>'
