"""A returned workbook → its identity, and its figures checked with the inputs' own checks.

A unit's figures go through `inputs.figures.read_figures` on a table built from the form's
rows, so a return gets the same codes and messages as `validate` (not-a-number, blank-cell,
out-of-range …), located to the cell the unit typed in. The form-level checks (the identity,
a changed structure, values outside the form) are added here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..inputs.checker import Checker
from ..inputs.events import read_events
from ..inputs.figures import read_figures
from ..inputs.filecheck import FileProblem, check_file
from ..inputs.records import Event, Figure
from ..inputs.sheets import Sheet
from ..inputs.tables import Cell, Table, header_key
from ..model.schema import Group
from ..problems import Problem, column_letter
from ..progress.read import TASK_STATUSES
from .content import Sheets, task_columns, unit_indicators
from .identity import ID_SHEET, Identity, parse_identity
from .locked import locked_problems
from .tables import cell_text, find_header, sheet_table, stray_cells
from .workbook import read_sheets

__all__ = ["Return", "open_return", "read_unit_return", "structure_problem"]

_PLACEHOLDER_ROW = 0  # a cell the form lacks: its problems are told as structure problems
_SYNTHETIC_CODES = {"unit-missing", "missing-column"}


@dataclass
class Return:
    """One returned workbook: where it is, whose it says it is, what was read from it."""

    path: Path
    name: str  # the path relative to the returns folder, as problems name it
    identity: Identity | None = None
    intact: bool = False
    sheets: dict[str, Sheet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)  # claimed bonus items (加分申报)
    reports: list[tuple[int, str, str, str]] = field(default_factory=list)  # task no, texts, cell

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def open_return(path: Path, name: str) -> Return:
    """Check the file, read its sheets and identity; a file problem is kept, not raised."""
    got = Return(path, name)
    try:
        check_file(path, False)
        sheets = read_sheets(path, {Sheets.GUIDE, Sheets.TEAM_CATALOGUE})
    except FileProblem as exc:
        got.problems.append(replace(exc.problem, file=name))
        return got
    except Exception as exc:  # noqa: BLE001 - a file openpyxl cannot read is that file's problem
        got.problems.append(
            Problem(f"文件无法读取（{type(exc).__name__}）", file=name, code="file-corrupt")
        )
        return got
    got.sheets = {s.title: s for s in sheets}
    hidden = got.sheets.pop(ID_SHEET, None)
    if hidden is not None:
        rows = [
            (cell_text(cells.get(1)), str(cells[2].value) if 2 in cells else "")
            for _, cells in sorted(hidden.rows.items())
        ]
        got.identity, got.intact = parse_identity(rows)
    return got


def structure_problem(message: str, ret: Return, hint: str = "", **kw) -> Problem:
    return Problem(
        message,
        file=ret.name,
        hint=hint or "请使用原表填报，勿插入、删除行列或改动工作表名称；如已改动，请重新下载填报表",
        code="form-structure-broken",
        **kw,
    )


def read_unit_return(ret: Return, check: Checker, gkey: str) -> None:
    """Read a unit's figures and claims from `ret` (its identity already checked).

    `check` is shared by all returns (its unit names are indexed once); its problems are
    this return's alone.
    """
    assert ret.identity is not None
    unit = ret.identity.unit
    group = check.model.groups[gkey]
    check.problems = []
    layout = ret.identity.layout
    sheet = _sheet(ret, layout.get("figures", {}), Sheets.FIGURE_HEADERS[1:3] + ("完成值",))
    if sheet is not None:
        _figures(ret, check, sheet, gkey, group, unit, layout["figures"])
    columns = task_columns(bool(layout.get("period")))
    if group.tasks and (tasks := layout.get("tasks")):
        sheet = _sheet(ret, tasks, columns[:2])
        if sheet is not None:
            _task_reports(ret, sheet, columns)
            names = {str(t.no): f"任务{t.no}" for t in group.tasks}
            _locked(ret, sheet, tasks, unit, names, columns[:2])
            if layout.get("period"):
                _progress_words(ret, sheet, unit)
    claims = _sheet(ret, layout["claims"], ("事项编号", "次数")) if "claims" in layout else None
    if claims is not None:
        _claims(ret, check, claims, unit)
        _locked(ret, claims, layout["claims"], unit, {}, ("事项编号", "次数"))
    ret.problems += [
        p for p in check.problems if p.code not in _SYNTHETIC_CODES and p.row != _PLACEHOLDER_ROW
    ]


def _locked(ret, sheet: Sheet, place: dict, unit: str, names: dict, headers: tuple) -> None:
    """Problems for edited locked cells; rows found by the label in the first of `headers`."""
    header_row, columns = find_header(sheet, headers)  # type: ignore[misc]
    label = columns[header_key(headers[0])]
    seen: dict[str, list[int]] = {}
    for r, cells in sheet.rows.items():
        if r > header_row:
            seen.setdefault(cell_text(cells.get(label)), []).append(r)
    rows = {key: found[0] for key, found in seen.items() if len(found) == 1}
    ret.problems += locked_problems(ret.name, sheet, place, rows, unit, names, header_row)


def _sheet(ret: Return, place: dict, headers: tuple[str, ...]) -> Sheet | None:
    """The form's sheet: by its title, else the one sheet with its headers (renamed)."""
    title = place.get("title", "")
    if title in ret.sheets and find_header(ret.sheets[title], headers):
        return ret.sheets[title]
    found = [s for s in ret.sheets.values() if find_header(s, headers)]
    if len(found) == 1:
        ret.problems.append(
            _changed(ret, found[0].title, f"工作表“{title}”已改名为“{found[0].title}”")
        )
        return found[0]
    ret.problems.append(
        structure_problem(
            f"找不到工作表“{title}”（表头应有{'、'.join(headers)}）", ret, sheet=title
        )
    )
    return None


def _changed(ret: Return, sheet: str, what: str) -> Problem:
    return Problem(
        f"{what}，已按标签读取",
        file=ret.name,
        sheet=sheet,
        hint="请核对读取的数值；下次请使用原表，勿改动表格结构",
        severity="warning",
        code="form-structure-changed",
    )


def _rows_by_label(ret, sheet: Sheet, header_row: int, column: int, place: dict) -> dict[str, int]:
    """Label → row, for the labels found once; structure problems for the others."""
    seen: dict[str, list[int]] = {}
    for r, cells in sorted(sheet.rows.items()):
        if r > header_row and (label := cell_text(cells.get(column))):
            seen.setdefault(label, []).append(r)
    rows: dict[str, int] = {}
    for key in place.get("rows", {}):
        where = seen.get(key, [])
        if len(where) == 1:
            rows[key] = where[0]
        elif len(where) > 1:
            ret.problems.append(
                structure_problem(
                    f"“{key}”出现在第{'、'.join(map(str, where))}行",
                    ret,
                    sheet=sheet.title,
                    row=where[0],
                    hint="请删除重复的行",
                )  # fmt: skip
            )
    if any(rows.get(k) != r for k, r in place.get("rows", {}).items() if k in rows):
        ret.problems.append(_changed(ret, sheet.title, "表格的行被插入、删除或移动"))
    return rows


def _figures(ret, check, sheet: Sheet, gkey: str, group: Group, unit: str, place: dict) -> None:
    header_row, columns = find_header(sheet, ("指标编号", "完成值"))  # type: ignore[misc]
    id_col, value_col = columns[header_key("指标编号")], columns[header_key("完成值")]
    rows = _rows_by_label(ret, sheet, header_row, id_col, place)
    names = {ind.id: ind.name for _, ind in unit_indicators(group, unit)}
    ret.problems += locked_problems(ret.name, sheet, place, rows, unit, names, header_row)
    headers, cells = {1: "单位"}, {1: Cell(unit, 2, 1)}
    for i, (_, ind) in enumerate(unit_indicators(group, unit)):
        headers[1000 + i] = ind.name
        if ind.id in rows:
            cells[1000 + i] = sheet.rows[rows[ind.id]].get(value_col) or Cell(
                None, rows[ind.id], value_col
            )
        else:
            cells[1000 + i] = Cell(None, _PLACEHOLDER_ROW, value_col)
            ret.problems.append(
                structure_problem(
                    f"找不到指标“{ind.name}”（{ind.id}）所在的行",
                    ret,
                    sheet=sheet.title,
                    unit=unit,
                    indicator=ind.name,
                )  # fmt: skip
            )
    table = Table(ret.name, sheet.title, header_row, headers, rows=[(header_row + 1, cells)])
    alone = group.model_copy(update={"units": [unit]})  # no other unit is "missing" here
    ret.figures = read_figures(check, gkey, alone, [table]).get(unit, {})
    _strays(ret, sheet, header_row, set(columns.values()), set(rows.values()))


def _strays(ret: Return, sheet: Sheet, header_row: int, columns: set[int], rows: set[int]) -> None:
    for cell in stray_cells(sheet, header_row, columns, rows)[:20]:
        ret.problems.append(
            Problem(
                f"在填报区域以外填写了“{cell_text(cell)[:20]}”，未读取",
                file=ret.name,
                sheet=sheet.title,
                row=cell.row,
                column=column_letter(cell.column),
                hint="请只在黄色单元格填写；如该内容是完成值，请填入对应指标的“完成值”列",
                severity="warning",
                code="value-outside-form",
            )
        )


def _task_reports(ret: Return, sheet: Sheet, names: tuple[str, str, str]) -> None:
    """(task no, first input, second input, first input's cell) per task row: 完成情况 and
    佐证材料 on a year form, 进展状态 and 进展情况 on an in-year one."""
    header_row, columns = find_header(sheet, names[:2])  # type: ignore[misc]
    table = sheet_table(ret.name, sheet, header_row, frozenset({"序号"}))
    no_col, text_col = columns[header_key(names[0])], columns[header_key(names[1])]
    proof_col = columns.get(header_key(names[2]))
    _strays(ret, sheet, header_row, set(sheet.rows[header_row]), set(sheet.rows))
    for r, cells in table.rows:
        no = cell_text(cells.get(no_col))
        if no.isdigit():
            proof = _free_text(cells.get(proof_col)) if proof_col else ""
            ref = f"{column_letter(text_col)}{r}"
            ret.reports.append((int(no), cell_text(cells.get(text_col)), proof, ref))


def _claims(ret: Return, check: Checker, sheet: Sheet, unit: str) -> None:
    header_row, columns = find_header(sheet, ("事项编号", "次数"))  # type: ignore[misc]
    table = sheet_table(ret.name, sheet, header_row, frozenset({"序号"}))
    _strays(ret, sheet, header_row, set(sheet.rows[header_row]), set(sheet.rows))
    basis = next((c for k, c in columns.items() if k.startswith("依据")), None)
    wanted = {columns[header_key("事项编号")]: "事项编号", columns[header_key("次数")]: "次数"}
    if basis is not None:
        wanted[basis] = "依据"
    claims = Table(ret.name, sheet.title, header_row, {**wanted, 999: "单位"})
    for r, cells in table.rows:
        row = {c: cell for c, cell in cells.items() if c in wanted}
        if any(cell_text(cell) for cell in row.values()):
            claims.rows.append((r, {**row, 999: Cell(unit, r, 999)}))
    if claims.rows:
        ret.events = read_events(check, [claims])


def _free_text(cell: Cell | None) -> str:
    """A sentence as the unit wrote it (full-width punctuation kept), trimmed."""
    return "" if cell is None or cell.value is None else str(cell.value).strip()


def _progress_words(ret: Return, sheet: Sheet, unit: str) -> None:
    """An in-year form's task rows: a status from the list and a sentence, each located."""
    _, columns = find_header(sheet, ("进展状态", "进展情况"))  # type: ignore[misc]
    text_col = column_letter(columns[header_key("进展情况")])
    for no, status, text, ref in ret.reports:
        col, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
        at = (ret.name, sheet.title, int(row))
        if status.replace(" ", "") not in TASK_STATUSES:
            shown = f"“{status[:20]}”不是" if status else "未选择，应为"
            message = f"进展状态{shown}“{'、'.join(TASK_STATUSES)}”之一"
            ret.problems.append(Problem(message, *at, col, unit, f"任务{no}", code="bad-progress-status",
                                        hint="请从下拉列表中选择进展状态"))  # fmt: skip
        elif not text.strip():
            message = "缺少进展情况（请用一两句话说明进展）"
            ret.problems.append(Problem(message, *at, text_col, unit, f"任务{no}", code="blank-cell"))  # fmt: skip
