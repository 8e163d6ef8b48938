"""The assessment team's workbook (考核组评分表): 评审打分 for every unit and evaluated
indicator, key-task completion scores, and the confirmed adjustment events (加减分 and 否决).

The task and event sheets are evalgen's own input tables (same sheet names and headers as
the year folder's), so they are read back with the inputs' own readers.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ..inputs.records import Event
from ..model.schema import ScoringModel
from .content import Prefill, Sheets, team_indicators
from .forms import FormSpec, runs
from .identity import TEAM, Identity
from .sheetstyle import (
    Styles,
    finish_sheet,
    fixed_properties,
    number_rule,
    text_rule,
    write_identity,
)

__all__ = ["EVENT_HEADERS", "TASK_HEADERS", "team_file_name", "write_team_workbook"]

TASK_HEADERS = ("序号", "单位", "任务序号", "任务名称", "责任类型", "完成得分", "备注")
EVENT_HEADERS = ("序号", "单位", "事项编号", "事项名称", "次数", "依据", "认定日期")
BLANK_EVENT_ROWS = 50
TEAM_UNIT = "考核组"


def team_file_name(year: int) -> str:
    return f"{year}年度质量工作考核组评分表.xlsx"


def write_team_workbook(path: Path, spec: FormSpec, prefill: Prefill) -> None:
    """Write the team's workbook to `path`, prefilled where `prefill` has the figures."""
    import xlsxwriter

    model = spec.model
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    fixed_properties(wb, spec.year)
    styles = Styles.of(wb)
    _guide(wb, styles, spec)
    _evaluated_sheet(wb, styles, spec, prefill)
    task_sheets = sorted({g.task_input.sheet for g in model.groups.values() if g.task_input})
    for title in task_sheets:
        _task_sheet(wb, styles, spec, title, prefill)
    _event_sheet(wb, styles, spec, prefill.events)
    _catalogue(wb, styles, model)
    layout = {"sheets": [Sheets.TEAM_EVALUATED, *task_sheets, model.adjustment_input.sheet]}
    write_identity(
        wb, Identity(TEAM, TEAM_UNIT, spec.year, spec.model_sha, model.version, layout=layout)
    )
    wb.close()


def _guide(wb, styles: Styles, spec: FormSpec) -> None:
    ws = wb.add_worksheet(Sheets.GUIDE)
    ws.set_column(0, 0, 76)  # within portrait A4, or LibreOffice shifts it off the page
    lines = [
        f"{spec.year}年度{spec.model.assessment}考核组评分表",
        f"考核年度：{spec.year}年。考核细则：{spec.model.name}（版本 {spec.model.version}）。",
        "一、“评审打分”：按评分要点逐单位逐项打分，0 ≤ 得分 ≤ 分值。",
        "二、“重点任务”：对每个责任单位承担的每项任务评定完成得分（0—100）。",
        "三、“加减分事项”：经认定的加分、扣分和一票否决事项，每条一行，写明依据；各单位的加分申报见汇总后的“加分申报汇总”。",
        "四、只在黄色单元格填写；本表含识别信息，请直接报送本工作簿。",
    ]
    ws.write_string(0, 0, lines[0], styles.title)
    for r, line in enumerate(lines[1:], 2):
        ws.write_string(r, 0, line, styles.note)
        ws.set_row(r, 30)  # room for two wrapped lines (Excel does not grow rows for us)
    finish_sheet(ws, 1, landscape=False)


def _table_sheet(wb, styles: Styles, spec: FormSpec, title: str, headers, widths):
    ws = wb.add_worksheet(title)
    ws.merge_range(0, 0, 0, len(headers) - 1, f"{spec.year}年度{title}（考核组填写）", styles.title)
    ws.merge_range(1, 0, 1, len(headers) - 1, f"考核年度：{spec.year}年", styles.note)
    ws.merge_range(2, 0, 2, len(headers) - 1, "只在黄色单元格填写；其余单元格已锁定。", styles.note)
    ws.set_row(0, 28)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.write_row(Sheets.HEADER_ROW - 1, 0, headers, styles.header)
    return ws


def _evaluated_sheet(wb, styles: Styles, spec: FormSpec, prefill: Prefill) -> None:
    headers = Sheets.TEAM_EVALUATED_HEADERS
    ws = _table_sheet(wb, styles, spec, Sheets.TEAM_EVALUATED, headers, (6, 18, 18, 30, 8, 10))
    r = Sheets.HEADER_ROW
    bounds: list[tuple] = []
    for group in spec.model.groups.values():
        indicators = team_indicators(group)
        for unit in group.units if indicators else []:
            for category, ind in indicators:
                figure = prefill.figures.get(unit, {}).get(ind.id)
                ws.write_number(r, 0, r - Sheets.HEADER_ROW + 1, styles.number)
                ws.write_row(r, 1, (unit, category, ind.name, float(ind.points)), styles.cell)
                if figure is not None and figure.value is not None:
                    ws.write_number(r, 5, float(figure.value), styles.input)
                else:
                    ws.write(r, 5, "不适用" if figure else None, styles.input)
                high = ind.points if ind.max is None else min(ind.max, ind.points)
                bounds.append((ind.min or Decimal(0), high))
                r += 1
    for start, end, (low, high) in runs(bounds, Sheets.HEADER_ROW):
        ws.data_validation(start, 5, end, 5, number_rule(f"F{start + 1}", low, high))
    finish_sheet(ws, Sheets.HEADER_ROW)


def _task_sheet(wb, styles: Styles, spec: FormSpec, title: str, prefill: Prefill) -> None:
    ws = _table_sheet(wb, styles, spec, title, TASK_HEADERS, (6, 18, 9, 36, 9, 10, 30))
    r = Sheets.HEADER_ROW
    for group in spec.model.groups.values():
        if group.task_input is None or group.task_input.sheet != title:
            continue
        top = group.task_scoring.max_score if group.task_scoring else Decimal(100)
        start = r
        for task in group.tasks:
            for unit in task.units:
                role = "牵头" if unit == task.units[0] else "配合"
                ws.write_number(r, 0, r - Sheets.HEADER_ROW + 1, styles.number)
                ws.write_row(r, 1, (unit, task.no, task.name, role), styles.cell)
                score = prefill.tasks.get(unit, {}).get(task.id)
                ws.write(r, 5, float(score[0]) if score else None, styles.input)
                ws.write_blank(r, 6, None, styles.input_text)
                r += 1
        if r > start:  # one validation for the group's rows: the same bounds throughout
            ws.data_validation(
                start, 5, r - 1, 5, number_rule(f"F{start + 1}", Decimal(0), top, na=False)
            )
            ws.data_validation(start, 6, r - 1, 6, text_rule())
    finish_sheet(ws, Sheets.HEADER_ROW)


def _event_sheet(wb, styles: Styles, spec: FormSpec, events: list[Event]) -> None:
    model = spec.model
    title = model.adjustment_input.sheet
    ws = _table_sheet(wb, styles, spec, title, EVENT_HEADERS, (6, 18, 10, 30, 6, 50, 14))
    units = sum(len(g.units) for g in model.groups.values())
    unit_list = f"={Sheets.TEAM_CATALOGUE}!$G$2:$G${units + 1}"
    item_list = f"={Sheets.TEAM_CATALOGUE}!$A$2:$A${len(model.adjustments) + 1}"
    for i in range(len(events) + BLANK_EVENT_ROWS):
        r = Sheets.HEADER_ROW + i
        event = events[i] if i < len(events) else None
        item = model.adjustment(event.item_id) if event else None
        ws.write_number(r, 0, i + 1, styles.number)
        values = (event.unit, event.item_id, item.name if item else "", event.count,
                  event.basis, event.date) if event else (None,) * 6  # fmt: skip
        for c, value in enumerate(values, 1):
            ws.write(r, c, value, styles.input_text if c in (3, 5) else styles.input)
    first, last = Sheets.HEADER_ROW, Sheets.HEADER_ROW + len(events) + BLANK_EVENT_ROWS - 1
    ws.data_validation(first, 1, last, 1, {"validate": "list", "source": unit_list})
    ws.data_validation(first, 2, last, 2, {"validate": "list", "source": item_list})
    ws.data_validation(first, 4, last, 4, {"validate": "integer", "criteria": "between",
                                           "minimum": 1, "maximum": 99})  # fmt: skip
    ws.data_validation(first, 3, last, 3, text_rule())
    ws.data_validation(first, 5, last, 6, text_rule())
    finish_sheet(ws, Sheets.HEADER_ROW)


def _catalogue(wb, styles: Styles, model: ScoringModel) -> None:
    ws = wb.add_worksheet(Sheets.TEAM_CATALOGUE)
    kinds = {"bonus": "加分", "penalty": "扣分", "veto": "一票否决"}
    ws.write_row(0, 0, ("事项编号", "类别", "事项名称", "分值", "最多次数"), styles.header)
    for r, item in enumerate(model.adjustments, 1):
        row = (item.id, kinds[item.kind], item.name, float(item.points), item.max_count or "不限")
        ws.write_row(r, 0, row, styles.cell)
    ws.write_string(0, 6, "单位", styles.header)
    units = [u for g in model.groups.values() for u in g.units]
    for r, unit in enumerate(units, 1):
        ws.write_string(r, 6, unit, styles.cell)
    ws.set_column(2, 2, 40)
    ws.set_column(6, 6, 24)
    finish_sheet(ws, 1)
