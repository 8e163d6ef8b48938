"""Tables of located cells, as the reader finds them in `.xlsx` sheets and `.csv` files.

Cells keep their Excel row and column so problems can point at them.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, column_letter
from .values import CellValue, normalize_text, parse_cell

__all__ = ["Cell", "Table", "TableSet", "header_key"]

_BRACKET_SUFFIX = re.compile(r"[（(][^（）()]*[）)]$")


@dataclass(frozen=True)
class Cell:
    """A cell's value as stored, with its place in the sheet and how it is shown.

    `percent`: a percent number format (0.0%) shows the value × 100. `decimals`: the decimals
    the number format shows a numeric value with (None: General or not fixed by the format).
    `merged_into` names the top-left cell of the merged range this (blank) cell belongs to.
    """

    value: object
    row: int
    column: int
    percent: bool = False
    merged_into: str = ""
    decimals: int | None = None

    def parsed(self, *, percent_scales: bool = False) -> CellValue:
        """The value as shown (按显示值读取); ``percent_scales``: read 98.5% as 98.5, not 0.985."""
        decimals = self.decimals
        if decimals is not None and self.percent and not percent_scales:
            decimals += 2  # the stored fraction, to the precision its percentage is shown
        return parse_cell(
            self.value, percent_format=self.percent and percent_scales, decimals=decimals
        )

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
