"""The locked cells of a form (names, targets, headings): recorded when written, compared
when returned.

Sheet protection without a password stops slips, not people: a unit may unprotect a sheet
and overwrite a target or an indicator's name. The form records what it wrote in its locked
cells in the identity's layout (`fixed`: heading cells by reference; `locked`: per row key,
the row's locked columns), so the digest covers them, and `collect` names every locked cell
whose content differs, with what the form wrote and what came back.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..inputs.sheets import Sheet
from ..problems import Problem, column_letter
from .tables import cell_text

__all__ = ["locked_problems", "locked_text"]

_MAX_REPORTED = 20


def locked_text(value: object) -> str:
    """A locked cell's content as compared: numbers by value (98 == 98.0), text trimmed."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        try:
            return f"{Decimal(str(value)).normalize():f}"
        except InvalidOperation:
            return str(value)
    return str(value).strip()


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _split(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters) :]), _column(letters)


def locked_problems(
    file: str,
    sheet: Sheet,
    place: dict,
    rows: dict[str, int],
    unit: str,
    names: dict[str, str],
    header_row: int,
) -> list[Problem]:
    """A problem per locked cell of `sheet` whose content is not what the form wrote.

    `place` is the sheet's layout entry, `rows` the row each key was found in (by label),
    `names` the indicator or task named by each key (for the problem's `indicator`),
    `header_row` where the header was found: the heading cells are compared only when it
    has not moved (rows inserted above it are a structure problem, told elsewhere).
    """
    changed: list[tuple[int, int, str, str]] = []
    if header_row == place.get("header_row"):
        for ref, wrote in sorted(place.get("fixed", {}).items()):
            r, c = _split(ref)
            changed.append((r, c, wrote, ""))
    for key, columns in place.get("locked", {}).items():
        if key in rows:
            changed += [(rows[key], _column(col), wrote, key) for col, wrote in columns.items()]
    problems = []
    for r, c, wrote, key in changed:
        cell = sheet.rows.get(r, {}).get(c)
        now = locked_text(cell.value) if cell is not None else ""
        if now == wrote or cell_text(cell) == wrote:
            continue
        ref = f"{column_letter(c)}{r}"
        problems.append(
            Problem(
                f"锁定单元格{ref}被改动：原为“{wrote[:30]}”，现为“{now[:30]}”",
                file=file,
                sheet=sheet.title,
                row=r,
                column=column_letter(c),
                unit=unit,
                indicator=names.get(key, ""),
                hint="锁定单元格（指标名称、目标值、表头等）由考核细则生成，请勿取消保护后改动；"
                "请恢复原内容或重新下载填报表",
                code="locked-cell-changed",
            )
        )
    return problems[:_MAX_REPORTED]
