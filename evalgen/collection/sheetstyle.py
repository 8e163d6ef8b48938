"""What every form sheet shares: cell formats, protection, A4 print setup, data validation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .identity import ID_SHEET, Identity, identity_rows

__all__ = ["Styles", "finish_sheet", "number_rule", "text_rule", "write_identity"]

TEXT_LIMIT = 500


@dataclass
class Styles:
    """The formats of one workbook (XlsxWriter formats belong to their workbook)."""

    title: object
    note: object
    header: object
    cell: object
    number: object
    input: object
    input_text: object

    @classmethod
    def of(cls, wb) -> Styles:
        base = {"font_name": "宋体", "font_size": 11, "border": 1, "valign": "vcenter"}
        grey = {"bg_color": "#F2F2F2"}
        fill = {"bg_color": "#FFF2CC", "locked": False}
        return cls(
            title=wb.add_format({"font_name": "黑体", "font_size": 16, "align": "center"}),
            note=wb.add_format(
                {"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top"}
            ),
            header=wb.add_format(
                {**base, **grey, "bold": True, "align": "center", "text_wrap": True}
            ),
            cell=wb.add_format({**base, "text_wrap": True}),
            number=wb.add_format({**base, "align": "right"}),
            input=wb.add_format({**base, **fill}),
            input_text=wb.add_format({**base, **fill, "text_wrap": True}),
        )


def finish_sheet(ws, header_row: int, landscape: bool = True) -> None:
    """Protect (no password: locked against slips, not against people) and print on A4."""
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row - 1)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.freeze_panes(header_row, 0)


def number_rule(ref: str, low: Decimal | None, high: Decimal | None, na: bool = True) -> dict:
    """Data validation: a number within [low, high], or the text 不适用 (when `na`)."""
    checks = [f"ISNUMBER({ref})"]
    if low is not None:
        checks.append(f"{ref}>={low.normalize():f}")
    if high is not None:
        checks.append(f"{ref}<={high.normalize():f}")
    formula = f"AND({','.join(checks)})"
    if na:
        formula = f'OR({ref}="不适用",{formula})'
    span = _span(low, high)
    allowed = f"数字{span}" + ("，或“不适用”" if na else "")
    return {
        "validate": "custom",
        "value": f"={formula}",
        "input_title": "填写说明",
        "input_message": f"请填写{allowed}。空白表示未填报，不等于“不适用”。",
        "error_title": "填写有误",
        "error_message": f"只能填写{allowed}。",
        "ignore_blank": True,
    }


def text_rule() -> dict:
    """Data validation for a free-text input cell: at most `TEXT_LIMIT` characters."""
    return {
        "validate": "length",
        "criteria": "<=",
        "value": TEXT_LIMIT,
        "error_title": "内容过长",
        "error_message": f"请不超过{TEXT_LIMIT}字；详细材料请作为附件另行报送。",
    }


def write_identity(wb, identity: Identity) -> None:
    """The hidden identity sheet (very hidden: not listed under 取消隐藏), protected."""
    ws = wb.add_worksheet(ID_SHEET)
    for r, (key, value) in enumerate(identity_rows(identity)):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    ws.protect()
    ws.very_hidden()


def fixed_properties(wb, year: int) -> None:
    """Document properties that never come from the clock: same inputs, same bytes."""
    wb.set_properties({"author": "evalgen", "created": dt.datetime(year, 1, 1)})


def _span(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return f"（{low.normalize():f}—{high.normalize():f}）"
    if low is not None:
        return f"（不小于{low.normalize():f}）"
    if high is not None:
        return f"（不大于{high.normalize():f}）"
    return ""
