"""A returned workbook's sheets, read fast into located cells.

Returns are evalgen's own forms: small, no merged ranges to unfold, no hidden rows that
matter. `read_sheets` parses the few XML parts it needs itself (sheets, shared strings,
number formats, cells), several times faster than openpyxl, which `collect` must do 3,000
times in a minute; any workbook it does not understand is read by openpyxl's read-only
mode instead (`read_sheets_openpyxl`), and a test holds the two to the same cells. Cells are
the inputs' own `Cell`s (value, place, percent format, decimals shown), so the same value
rules apply.
"""

from __future__ import annotations

import posixpath
import re
import warnings
import zipfile
from pathlib import Path
from xml.etree.ElementTree import fromstring, iterparse

from ..inputs.sheets import Sheet, shown_decimals
from ..inputs.tables import Cell
from ..inputs.values import ErrorValue

__all__ = ["read_sheets", "read_sheets_openpyxl"]

_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"}
_REF = re.compile(r"([A-Z]+)(\d+)")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def read_sheets(path: Path, skip: set[str]) -> list[Sheet]:
    """Every sheet of the workbook whose title is not in `skip`, with its cells."""
    try:
        with zipfile.ZipFile(path) as z:
            return _Book(z).sheets(skip)
    except (KeyError, ValueError, SyntaxError, IndexError, zipfile.BadZipFile):
        return read_sheets_openpyxl(path, skip)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _percent(fmt: str) -> bool:
    return "%" in re.sub(r'"[^"]*"|\\.', "", fmt)


class _Book:
    def __init__(self, z: zipfile.ZipFile):
        self.z = z
        names = set(z.namelist())
        self.strings = self._strings() if "xl/sharedStrings.xml" in names else []
        self.formats = self._formats() if "xl/styles.xml" in names else []

    def sheets(self, skip: set[str]) -> list[Sheet]:
        book = fromstring(self.z.read("xl/workbook.xml"))
        rels = fromstring(self.z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        out = []
        for el in book.iter():
            if _local(el.tag) != "sheet" or el.get("name") in skip:
                continue
            target = targets[el.get(_REL)]
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            hidden = el.get("state", "visible") != "visible"
            out.append(self._sheet(str(el.get("name")), posixpath.normpath(part), hidden))
        return out

    def _strings(self) -> list[str]:
        strings = []
        for el in fromstring(self.z.read("xl/sharedStrings.xml")):
            if _local(el.tag) == "si":
                strings.append("".join(_texts(el)))
        return strings

    def _formats(self) -> list[str]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS

        styles = fromstring(self.z.read("xl/styles.xml"))
        custom = {
            int(el.get("numFmtId", "0")): el.get("formatCode", "")
            for el in styles.iter()
            if _local(el.tag) == "numFmt"
        }
        xfs: list = next((list(el) for el in styles if _local(el.tag) == "cellXfs"), [])
        ids = [int(xf.get("numFmtId", "0")) for xf in xfs]
        return [custom.get(i) or BUILTIN_FORMATS.get(i, "General") for i in ids]

    def _sheet(self, title: str, part: str, hidden: bool) -> Sheet:
        rows: dict[int, dict[int, Cell]] = {}
        with self.z.open(part) as stream:
            for _, el in iterparse(stream):
                if _local(el.tag) == "c":
                    cell = self._cell(el)
                    if cell is not None:
                        rows.setdefault(cell.row, {})[cell.column] = cell
                    el.clear()
        return Sheet(title, title, rows, hidden=hidden)

    def _cell(self, el) -> Cell | None:
        kind = el.get("t", "n")
        text = next((child.text for child in el if _local(child.tag) == "v"), None)
        value: object
        if kind == "inlineStr":
            value = "".join(t for child in el if _local(child.tag) == "is" for t in _texts(child))
        elif text is None:
            return None
        elif kind == "s":
            value = self.strings[int(text)]
        elif kind in ("str", "d"):
            value = text
        elif kind == "b":
            value = text == "1"
        elif kind == "e":
            value = ErrorValue(text) if text in _ERRORS else text
        else:
            value = float(text) if any(ch in text for ch in ".eE") else int(text)
        letters, digits = _REF.fullmatch(el.get("r", "")).groups()  # type: ignore[union-attr]
        fmt = self.formats[int(el.get("s", "0"))] if self.formats else "General"
        if isinstance(value, (int, float)) and not isinstance(value, bool) and _is_date(fmt):
            from openpyxl.utils.datetime import from_excel

            value = from_excel(value)
        column = 0
        for ch in letters:
            column = column * 26 + ord(ch) - 64
        decimals = shown_decimals(fmt, value)
        return Cell(value, int(digits), column, _percent(fmt), decimals=decimals)


def _texts(el) -> list[str]:
    """The text runs of a string item, without phonetic guides (rPh)."""
    out = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            out.append(child.text or "")
        elif name == "r":
            out += [t.text or "" for t in child if _local(t.tag) == "t"]
    return out


def _is_date(fmt: str) -> bool:
    from openpyxl.styles.numbers import is_date_format

    return is_date_format(fmt)


def read_sheets_openpyxl(path: Path, skip: set[str]) -> list[Sheet]:
    """The same, by openpyxl's read-only mode: for workbooks the fast reader does not know."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return [_openpyxl_sheet(ws) for ws in book.worksheets if ws.title not in skip]
        finally:
            book.close()


def _openpyxl_sheet(ws) -> Sheet:
    rows: dict[int, dict[int, Cell]] = {}
    for row in ws.iter_rows():
        for cell in row:
            value = getattr(cell, "value", None)
            if value is None:
                continue
            if cell.data_type == "e" and str(value) in _ERRORS:
                value = ErrorValue(str(value))
            fmt = cell.number_format or "General"
            decimals = shown_decimals(fmt, value)
            rows.setdefault(cell.row, {})[cell.column] = Cell(
                value, cell.row, cell.column, _percent(fmt), decimals=decimals
            )
    return Sheet(ws.title, ws.title, rows, hidden=ws.sheet_state != "visible")
