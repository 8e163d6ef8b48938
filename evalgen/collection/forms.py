"""One fill-in workbook per unit (数据填报表), written from the model with XlsxWriter.

Every input cell has data validation and is the only unlocked cell; sheets are protected
without a password and print on A4; a very hidden sheet carries the form's identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..inputs.records import Figure
from ..model.loader import target_for
from ..model.schema import Group, ScoringModel
from ..progress.period import Period
from ..progress.read import TASK_STATUSES
from .content import (
    CLAIM_ROWS,
    Prefill,
    Sheets,
    bonus_items,
    unit_indicators,
    unit_tasks,
)
from .identity import UNIT, Identity
from .locked import locked_text
from .sheetstyle import (
    Styles,
    finish_sheet,
    fixed_properties,
    number_rule,
    text_rule,
    write_identity,
)

__all__ = ["FormSpec", "guide_lines", "runs", "write_unit_form"]


@dataclass(frozen=True)
class FormSpec:
    """What every form of a round shares."""

    model: ScoringModel
    model_sha: str
    year: int
    deadline: str
    contact: str
    period: Period | None = None  # an in-year form (`evalgen forms 2025H1`)

    @property
    def when(self) -> str:
        """The round as titles name it: 2025年度, or 2025年上半年."""
        return self.period.label if self.period else f"{self.year}年度"

    @property
    def figure_headers(self) -> tuple[str, ...]:
        return Sheets.PERIOD_FIGURE_HEADERS if self.period else Sheets.FIGURE_HEADERS

    @property
    def task_headers(self) -> tuple[str, ...]:
        return Sheets.PERIOD_TASK_HEADERS if self.period else Sheets.TASK_HEADERS


def guide_lines(spec: FormSpec, unit: str) -> list[str]:
    """The 填报说明 sheet: how to fill in, 不适用 vs blank, the deadline and the contact."""
    return [
        f"{spec.year}年度{spec.model.assessment}数据填报说明（{unit}）",
        f"考核年度：{spec.year}年。考核细则：{spec.model.name}（版本 {spec.model.version}）。",
        "一、只在黄色单元格填写，其余单元格已锁定（工作表保护无密码，请勿取消保护、插入或删除行列、改动工作表名称）。",
        "二、“完成值”直接填写数字，百分比可写 98.5；不要在数字后加单位或文字。",
        "三、空白不等于“不适用”：空白视为未填报。某项指标对本单位确不适用的，请填写“不适用”，并在备注中说明理由。",
        "四、“数据来源/佐证材料”请写明统计口径、出处或文件名称；“上年完成值”仅供参考，不需填写。",
        "五、市直部门请在“重点任务”表逐项填写完成情况；完成得分由考核组评定。",
        "六、申报加分事项的，请在“加分申报”表选择事项编号，写明次数和依据（文件名称、文号或事实）。",
        f"七、报送截止时间：{spec.deadline}。请直接报送本工作簿（可改文件名，勿另存为其他格式）。",
        f"八、联系人：{spec.contact}。",
        "本表由 evalgen 根据考核细则生成，含识别信息，用于核对报送单位和表格版本。",
    ]


def period_guide_lines(spec: FormSpec, unit: str) -> list[str]:
    """The 填报说明 sheet of an in-year form: the year's lines, adapted to progress so far."""
    assert spec.period is not None
    lines = guide_lines(spec, unit)
    label, end = spec.period.label, spec.period.end
    return [
        f"{label}{spec.model.assessment}进展数据填报说明（{unit}）",
        f"填报期次：{label}（截至{end}）。考核细则：{spec.model.name}（版本 {spec.model.version}）。",
        lines[2],
        f"二、“完成值”填写截至{end}的累计值或当期水平，直接填写数字，百分比可写 98.5；不要在数字后加单位或文字。",
        lines[4],
        "四、“数据来源/佐证材料”请写明统计口径、出处或文件名称；“预期进度（参考）”是按年度目标推算的截至期末应达到的水平，不需填写。",
        "五、承担重点任务的单位请在“重点任务”表逐项选择进展状态（未启动、推进中、已完成），并用一两句话说明进展。",
        f"六、报送截止时间：{spec.deadline}。请直接报送本工作簿（可改文件名，勿另存为其他格式）。",
        f"七、联系人：{spec.contact}。",
        lines[-1],
    ]


def write_unit_form(path: Path, spec: FormSpec, gkey: str, unit: str, prefill: Prefill) -> None:
    """Write the unit's fill-in workbook to `path` (an in-year form when `spec.period`)."""
    import xlsxwriter

    group = spec.model.groups[gkey]
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    fixed_properties(wb, spec.year)
    styles = Styles.of(wb)
    guide = period_guide_lines if spec.period else guide_lines
    _guide_sheet(wb, styles, guide(spec, unit))
    layout: dict = {"figures": _figures_sheet(wb, styles, spec, group, unit, prefill)}
    if group.tasks:
        layout["tasks"] = _tasks_sheet(wb, styles, spec, group, unit, prefill)
    if spec.period is None:
        layout["claims"] = _claims_sheet(wb, styles, spec, unit, prefill)
    else:  # in the digest: a year form cannot pass for an in-year one, nor one period another
        layout["period"] = spec.period.code
    identity = Identity(UNIT, unit, spec.year, spec.model_sha, spec.model.version, layout=layout)
    write_identity(wb, identity)
    wb.close()


def _guide_sheet(wb, styles: Styles, lines: list[str]) -> None:
    ws = wb.add_worksheet(Sheets.GUIDE)
    ws.set_column(0, 0, 76)  # within portrait A4, or LibreOffice shifts it off the page
    ws.write_string(0, 0, lines[0], styles.title)
    for r, line in enumerate(lines[1:], 2):
        ws.write_string(r, 0, line, styles.note)
        ws.set_row(r, 30)  # room for two wrapped lines (Excel does not grow rows for us)
    finish_sheet(ws, 1, landscape=False)


def _heading(ws, styles: Styles, spec: FormSpec, unit: str, title: str, width: int) -> dict:
    """Title, unit and year, and the one-line instruction, each across the table's width;
    returns the locked heading cells as written (`locked.locked_problems` compares them)."""
    last = width - 1
    when = f"填报期次：{spec.period.label}" if spec.period else f"考核年度：{spec.year}年"
    fixed = {
        "A1": f"{spec.when}{spec.model.assessment}{title}",
        "A2": f"填报单位：{unit}　　{when}",
    }
    ws.merge_range(0, 0, 0, last, fixed["A1"], styles.title)
    ws.merge_range(1, 0, 1, last, fixed["A2"], styles.note)
    ws.merge_range(2, 0, 2, last, "只在黄色单元格填写；其余单元格已锁定。", styles.note)
    ws.set_row(0, 28)
    ws.set_row(Sheets.HEADER_ROW - 1, 32)
    return fixed


def _figures_sheet(wb, styles, spec: FormSpec, group: Group, unit: str, prefill: Prefill) -> dict:
    ws = wb.add_worksheet(Sheets.FIGURES)
    headers = spec.figure_headers
    fixed = _heading(ws, styles, spec, unit, "数据填报表", len(headers))
    for col, width in enumerate((5, 20, 30, 16, 8, 10, 12, 12, 30, 20)):
        ws.set_column(col, col, width)
    header = Sheets.HEADER_ROW - 1
    ws.write_row(header, 0, headers, styles.header)
    rows: dict[str, int] = {}
    locked: dict[str, dict[str, str]] = {}
    own = prefill.figures.get(unit, {})
    before = prefill.previous.get(unit, {})
    indicators = unit_indicators(group, unit)
    for i, (category, ind) in enumerate(indicators):
        r = header + 1 + i
        target = target_for(ind, spec.year)
        ws.write_number(r, 0, i + 1, styles.number)
        ws.write_row(r, 1, (ind.id, ind.name, category, ind.measure), styles.cell)
        _write_value(ws, r, 5, target, styles.number)
        previous = _write_figure(ws, r, 6, before.get(ind.id), styles.number)
        _write_figure(ws, r, 7, own.get(ind.id), styles.input)
        ws.write_blank(r, 8, None, styles.input_text)
        ws.write_blank(r, 9, None, styles.input_text)
        rows[ind.id] = r + 1
        shown = (ind.name, category, ind.measure, _number(target), previous)
        locked[ind.id] = dict(zip("CDEFG", map(locked_text, shown), strict=True))
    # One validation per run of rows with the same bounds (the formula's reference is
    # relative to the run's first cell): far fewer to write than one per row.
    first = header + 1
    for start, end, (low, high) in runs([(i.min, i.max) for _, i in indicators], first):
        ws.data_validation(start, 7, end, 7, number_rule(f"H{start + 1}", low, high))
    if indicators:
        ws.data_validation(first, 8, first + len(indicators) - 1, 9, text_rule())
    finish_sheet(ws, Sheets.HEADER_ROW)
    return {"title": Sheets.FIGURES, "header_row": Sheets.HEADER_ROW, "rows": rows,
            "fixed": fixed, "locked": locked}  # fmt: skip


def runs(keys: list, first: int) -> list[tuple[int, int, tuple]]:
    """(first row, last row, key) of each run of equal consecutive keys, rows from `first`."""
    runs: list[tuple[int, int, tuple]] = []
    for i, key in enumerate(keys):
        if runs and runs[-1][2] == key and runs[-1][1] == first + i - 1:
            runs[-1] = (runs[-1][0], first + i, key)
        else:
            runs.append((first + i, first + i, key))
    return runs


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _write_value(ws, r: int, c: int, value: Decimal | None, fmt) -> None:
    if value is None:
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_number(r, c, float(value), fmt)


def _write_figure(ws, r: int, c: int, figure: Figure | None, fmt) -> str | float | None:
    """Write a figure (不适用 as text); returns what the cell holds."""
    if figure is not None and figure.value is None:
        ws.write_string(r, c, "不适用", fmt)
        return "不适用"
    _write_value(ws, r, c, figure.value if figure else None, fmt)
    return _number(figure.value) if figure else None


def _tasks_sheet(wb, styles, spec: FormSpec, group: Group, unit: str, prefill: Prefill) -> dict:
    ws = wb.add_worksheet(Sheets.TASKS)
    headers = spec.task_headers
    title = "重点任务进展情况" if spec.period else "重点任务完成情况"
    fixed = _heading(ws, styles, spec, unit, title, len(headers))
    for col, width in enumerate((5, 9, 36, 9, 50, 30)):
        ws.set_column(col, col, width)
    header = Sheets.HEADER_ROW - 1
    ws.write_row(header, 0, headers, styles.header)
    rows: dict[str, int] = {}
    locked: dict[str, dict[str, str]] = {}
    for i, (task, role) in enumerate(unit_tasks(group, unit)):
        r = header + 1 + i
        ws.write_number(r, 0, i + 1, styles.number)
        ws.write_number(r, 1, task.no, styles.number)
        ws.write_row(r, 2, (task.name, role), styles.cell)
        reported = prefill.reports.get((task.no, unit), (None, None))
        ws.write(r, 4, reported[0], styles.input_text)
        ws.write(r, 5, reported[1], styles.input_text)
        rows[str(task.no)] = r + 1
        locked[str(task.no)] = {"C": locked_text(task.name), "D": locked_text(role)}
    if rows:
        first, last = header + 1, header + len(rows)
        ws.data_validation(first, 4 if spec.period is None else 5, last, 5, text_rule())
        if spec.period is not None:
            ws.data_validation(first, 4, last, 4, {"validate": "list", "source": list(TASK_STATUSES),
                                                   "error_message": f"请从下拉列表中选择：{'、'.join(TASK_STATUSES)}。"})  # fmt: skip
    finish_sheet(ws, Sheets.HEADER_ROW)
    return {"title": Sheets.TASKS, "header_row": Sheets.HEADER_ROW, "rows": rows,
            "fixed": fixed, "locked": locked}  # fmt: skip


def _claims_sheet(wb, styles, spec: FormSpec, unit: str, prefill: Prefill) -> dict:
    ws = wb.add_worksheet(Sheets.CLAIMS)
    headers = Sheets.CLAIM_HEADERS
    fixed = _heading(ws, styles, spec, unit, "加分事项申报表", len(headers))
    for col, width in enumerate((5, 10, 8, 50, 2, 8, 40, 8, 10)):
        ws.set_column(col, col, width)
    header = Sheets.HEADER_ROW - 1
    ws.write_row(header, 0, headers, styles.header)
    items = bonus_items(spec.model)
    ws.write_row(header, 5, ("事项编号", "事项名称", "分值", "最多次数"), styles.header)
    for i, item in enumerate(items):
        row = (item.id, item.name, float(item.points), item.max_count or "不限")
        ws.write_row(header + 1 + i, 5, row, styles.cell)
    claimed = [e for e in prefill.events if e.unit == unit and e.item_id in {a.id for a in items}]
    catalogue = f"=$F${header + 2}:$F${header + 1 + max(len(items), 1)}"
    rows: dict[str, int] = {}
    for i in range(max(CLAIM_ROWS, len(claimed))):
        r = header + 1 + i
        ws.write_number(r, 0, i + 1, styles.number)
        event = claimed[i] if i < len(claimed) else None
        ws.write(r, 1, event.item_id if event else None, styles.input)
        ws.write(r, 2, event.count if event else None, styles.input)
        ws.write(r, 3, event.basis if event else None, styles.input_text)
        rows[str(i + 1)] = r + 1
    first, last = header + 1, header + len(rows)
    ws.data_validation(first, 1, last, 1, {"validate": "list", "source": catalogue,
                                           "error_message": "请从下拉列表中选择事项编号。"})  # fmt: skip
    ws.data_validation(first, 2, last, 2, {"validate": "integer", "criteria": "between",
                                           "minimum": 1, "maximum": 99,
                                           "error_message": "次数应为1—99的整数。"})  # fmt: skip
    ws.data_validation(first, 3, last, 3, text_rule())
    finish_sheet(ws, Sheets.HEADER_ROW)
    return {"title": Sheets.CLAIMS, "header_row": Sheets.HEADER_ROW, "rows": rows, "fixed": fixed}
