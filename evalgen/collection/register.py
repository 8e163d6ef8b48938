"""An empty appeals register (复核登记表.xlsx), written by `evalgen forms` beside the forms.

Its header is the one `inputs.appeals` reads (`COLUMNS`), so the office fills it in during
the 公示 and puts it into the year folder unchanged. Data validation guides the typing
(units and 维持 / 调整 from drop-downs, dates as dates); a 说明 sheet explains each column and
holds the units the drop-down lists. The register is the office's own working file: it is
not protected, so rows can be added beyond the validated ones.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..inputs.appeals import APPEALS_SHEET, COLUMNS, DECISIONS, EVENT_ACTIONS
from ..model.schema import ScoringModel
from .sheetstyle import Styles, fixed_properties, text_rule

__all__ = ["REGISTER_FILE", "REGISTER_ROWS", "write_appeals_register"]

REGISTER_FILE = f"{APPEALS_SHEET}.xlsx"
REGISTER_ROWS = 100  # rows with data validation below the header
GUIDE_SHEET = "说明"
_HEADER_ROW = 3  # 1-based: title, note, header
_WIDTHS = (12, 16, 24, 30, 14, 10, 12, 30, 14, 10)
_DATE_FORMAT = 'yyyy"年"m"月"d"日"'


def register_guide(year: int, actions: tuple[str, ...] = EVENT_ACTIONS) -> list[str]:
    """The 说明 sheet's lines: one per column that needs explaining."""
    return [
        f"{year}年度复核登记表填写说明",
        "一、每条异议（复核申请）填写一行；本表放入年度数据文件夹，终评时 evalgen 读取本表。",
        "二、编号：每条唯一，如“FH-01”。单位：从下拉列表选择。",
        "三、指标或事项：填写指标名称、“重点任务N”（如“重点任务3”）或加减分事项编号（如“B01”）。",
        "四、提交日期、复核日期：日期格式，如 2025-02-12；复核日期不得早于提交日期。",
        f"五、复核结论：从下拉列表选择“{'”或“'.join(DECISIONS)}”。“维持”不改变结果，也会列出。",
        "六、复核结论为“调整”的，必须填写调整后数值和依据：指标填调整后的完成值（可填“不适用”），"
        f"重点任务填完成得分，加减分事项填“{'”或“'.join(actions)}”。",
        "七、同一单位的同一项只能有一条“调整”；各单位报送的数据文件不作修改，调整只作用于计算。",
    ]


def write_appeals_register(folder: Path, model: ScoringModel, year: int) -> Path:
    """Write the empty register into `folder`; `model` is the year's view (its unit names)."""
    import xlsxwriter

    path = folder / REGISTER_FILE
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    fixed_properties(wb, year)
    styles = Styles.of(wb)
    date = wb.add_format(
        {"font_name": "宋体", "font_size": 11, "border": 1, "num_format": _DATE_FORMAT}
    )
    ws = wb.add_worksheet(APPEALS_SHEET)
    guide = wb.add_worksheet(GUIDE_SHEET)
    units = [u for group in model.groups.values() for u in group.units]
    _register_sheet(ws, styles, date, model, year, len(units))
    _guide_sheet(guide, styles, year, units)
    wb.close()
    return path


def _register_sheet(ws, styles: Styles, date, model: ScoringModel, year: int, units: int) -> None:
    last = len(COLUMNS) - 1
    ws.merge_range(0, 0, 0, last, f"{year}年度{model.assessment}复核登记表", styles.title)
    note = f"每条异议一行；复核结论为“调整”的须填写调整后数值和依据。详见“{GUIDE_SHEET}”工作表。"
    ws.merge_range(1, 0, 1, last, note, styles.note)
    ws.set_row(0, 28)
    ws.set_row(1, 30)
    for c, width in enumerate(_WIDTHS):
        ws.set_column(c, c, width)
    header = _HEADER_ROW - 1
    ws.write_row(header, 0, COLUMNS, styles.header)
    first, end = header + 1, header + REGISTER_ROWS
    for r in range(first, end + 1):
        for c, name in enumerate(COLUMNS):
            ws.write_blank(r, c, None, date if name.endswith("日期") else styles.input_text)
    col = {name: COLUMNS.index(name) for name in COLUMNS}
    first_unit = _units_at(year)
    ws.data_validation(first, col["单位"], end, col["单位"], {
        "validate": "list", "source": f"='{GUIDE_SHEET}'!$A${first_unit + 1}:$A${first_unit + units}",
        "error_title": "单位有误", "error_message": "请从下拉列表中选择单位。",
    })  # fmt: skip
    ws.data_validation(first, col["复核结论"], end, col["复核结论"], {
        "validate": "list", "source": list(DECISIONS),
        "error_title": "复核结论有误", "error_message": "复核结论只能是“维持”或“调整”。",
    })  # fmt: skip
    for name in ("提交日期", "复核日期"):
        ws.data_validation(first, col[name], end, col[name], {
            "validate": "date", "criteria": "between",
            "minimum": dt.date(year, 1, 1), "maximum": dt.date(year + 2, 12, 31),
            "input_title": "填写日期", "input_message": "如 2025-02-12",
            "error_title": "日期有误", "error_message": f"请填写{year}年至{year + 2}年间的日期。",
        })  # fmt: skip
    for name in ("编号", "指标或事项", "申请内容", "调整后数值", "依据", "经办人"):
        ws.data_validation(first, col[name], end, col[name], text_rule())
    _print_setup(ws, landscape=True)
    ws.repeat_rows(header)
    ws.freeze_panes(_HEADER_ROW, 0)


def _units_at(year: int) -> int:
    """The 0-based row of the 说明 sheet where the unit list (the drop-down's source) begins:
    below the guide's lines, a blank row and the list's heading."""
    return len(register_guide(year)) + 2


def _guide_sheet(ws, styles: Styles, year: int, units: list[str]) -> None:
    ws.set_column(0, 0, 76)
    lines = register_guide(year)
    ws.write_string(0, 0, lines[0], styles.title)
    for r, line in enumerate(lines[1:], 1):
        ws.write_string(r, 0, line, styles.note)
        ws.set_row(r, 30)
    first = _units_at(year)
    ws.write_string(first - 1, 0, "考核单位（“单位”列下拉列表的内容）", styles.header)
    for r, unit in enumerate(units, first):
        ws.write_string(r, 0, unit, styles.cell)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    _print_setup(ws, landscape=False)


def _print_setup(ws, landscape: bool) -> None:
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
