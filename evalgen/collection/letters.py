"""退回意见: for a unit whose return has problems, a short workbook listing each with its cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..problems import Problem

__all__ = ["letter_name", "write_letter"]

_HEADERS = ("序号", "文件", "工作表", "单元格", "指标", "问题", "修改建议")


def letter_name(unit: str, year: int | str) -> str:
    return f"退回意见_{year}_{unit}.xlsx"


def write_letter(
    path: Path, unit: str, year: int, problems: list[Problem], contact: str, when: str = ""
) -> None:
    """The unit's 退回意见: what to fix, where, and then to send the corrected form again.
    `when`: the round in words when not the year's (2025年上半年)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties({"author": "evalgen collect", "created": dt.datetime(year, 1, 1)})
    title = wb.add_format({"font_name": "黑体", "font_size": 16, "align": "center"})
    head = wb.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2", "text_wrap": True})
    text = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    ws = wb.add_worksheet("退回意见")
    ws.merge_range(
        0, 0, 0, len(_HEADERS) - 1, f"{when or f'{year}年度'}质量工作考核数据填报退回意见", title
    )
    errors = sum(1 for p in problems if p.severity == "error")
    ws.write_string(1, 0, f"{unit}：你单位报送的填报表有{errors}处问题需要修改"
                          f"{f'、{len(problems) - errors}处提示请核对' if len(problems) > errors else ''}，"
                          "请在原表中逐项修改后重新报送。")  # fmt: skip
    ws.write_string(2, 0, f"联系人：{contact}" if contact else "")
    ws.write_row(3, 0, _HEADERS, head)
    for i, p in enumerate(problems, 1):
        cell = f"{p.column}{p.row}" if p.column and p.row else (f"第{p.row}行" if p.row else "")
        kind = "" if p.severity == "error" else "（提示）"
        row = (i, p.file, p.sheet, cell, p.indicator, kind + p.message, p.hint)
        ws.write_row(3 + i, 0, row, text)
    for col, width in enumerate((5, 30, 10, 8, 24, 40, 40)):
        ws.set_column(col, col, width)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    wb.close()
