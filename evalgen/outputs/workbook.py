"""考核结果_YEAR.xlsx: a sheet per group, indicator details, adjustments, follow-ups, about.

Written with XlsxWriter in constant-memory mode: each row goes to disk as it is written, so
memory does not grow with the number of units, and a national year's 100,000 detail rows
take seconds (openpyxl's write-only mode took about 5 µs per cell, three times as long).
Cells are typed explicitly: text from the inputs (a unit name such as `=1+1`) stays text,
never a formula or a link.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .records import GroupRecord, YearRecord
from .zips import FIXED_TIME

__all__ = ["Cell", "Sheet", "write_results_workbook", "write_sheets"]

_CELL_LIMIT = 32_767  # characters in one Excel cell
_TWO_DECIMALS = "0.00"  # 总分, as printed in the documents
_CHANGE = '"↑"0;"↓"0;"持平"'  # 名次变化 as the bulletin prints it, the cell still a number
# The documents' fixed date, so the same results give the same bytes.
_CREATED = dt.datetime(*FIXED_TIME, tzinfo=dt.UTC)

# A cell as `_write_sheet` writes it: text, a flag, a number, or nothing (left empty).
Cell = str | bool | int | float | None


@dataclass
class Sheet:
    """One worksheet: its title, header row, column widths, rows and number formats."""

    title: str
    headers: list[str]
    widths: Sequence[float]
    rows: Iterable[list[Cell]]
    formats: dict[int, str] = field(default_factory=dict)  # column → Excel number format
    group: bool = False  # a group's sheet, named after the group; the others have fixed names


def write_results_workbook(results: YearRecord, path: Path) -> Path:
    """Write the results workbook to `path` (see `write_sheets`)."""
    return write_sheets(_sheets(results), path)


def write_sheets(sheets: Iterable[Sheet], path: Path) -> Path:
    """Write a workbook of `sheets` to `path`: a temporary name, then rename (the run folder
    is synced to disk as a whole when it is committed). The same sheets give the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        _write(list(sheets), tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return path


def _write(sheets: list[Sheet], tmp: Path) -> None:
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    wb = xlsxwriter.Workbook(
        str(tmp),
        {
            "constant_memory": True,
            "tmpdir": str(tmp.parent),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "pattern": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        number_formats: dict[str, object] = {}  # one Excel format per number format
        taken = {spec.title.casefold() for spec in sheets if not spec.group}
        for spec in sheets:
            title = _sheet_title(spec.title, taken) if spec.group else spec.title
            _write_sheet(wb, spec, title, header, number_formats)
        wb.set_properties({"author": "evalgen", "created": _CREATED})
    finally:
        try:
            wb.close()
        except FileCreateError as exc:  # XlsxWriter wraps the OSError (a full disk, say)
            cause = exc.args[0] if exc.args else None
            raise cause if isinstance(cause, OSError) else OSError(str(exc)) from None


def _sheet_title(name: str, taken: set[str]) -> str:
    """A group's sheet name Excel accepts: no []:*?/\\, at most 31 characters, none already
    taken (a group called 说明 gets 说明2, as does the second of two groups of one name)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "_"
    title, n = base[:31], 1
    while title.casefold() in taken:
        n += 1
        title = f"{base[: 31 - len(str(n))]}{n}"
    taken.add(title.casefold())
    return title


def _write_sheet(wb, spec: Sheet, title: str, header, number_formats: dict) -> None:
    ws = wb.add_worksheet(title)
    for text in spec.formats.values():
        if text not in number_formats:
            number_formats[text] = wb.add_format({"num_format": text})
    formats = {col: number_formats[text] for col, text in spec.formats.items()}
    for i, width in enumerate(spec.widths):
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    for col, text in enumerate(spec.headers):
        ws.write_string(0, col, text, header)
    for r, row in enumerate(spec.rows, 1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                if len(value) > _CELL_LIMIT:  # Excel's limit: say so rather than cut silently
                    value = value[: _CELL_LIMIT - 1] + "…"
                ws.write_string(r, col, value)
            elif isinstance(value, bool):
                ws.write_boolean(r, col, value)
            else:
                ws.write_number(r, col, value, formats.get(col))


def _sheets(results: YearRecord) -> Iterator[Sheet]:
    groups = results["groups"]
    for group in groups:
        cats = [c["name"] for c in group["categories"]]
        headers = ["排名", "单位", "总分", "等次", *cats, "加分", "扣分", "一票否决"]
        headers += [f"{results['previous_year']}年排名" if results["previous_year"] else "上年排名"]
        headers += ["名次变化", "约谈/整改", "不适用说明"]
        widths = [6, 18, 9, 11, *[12] * len(cats), 7, 7, 9, 9, 9, 60, 40]
        formats = {2: _TWO_DECIMALS, headers.index("名次变化"): _CHANGE}
        yield Sheet(group["name"], headers, widths, _unit_rows(group), formats, group=True)
    yield Sheet(
        "指标明细",
        ["组别", "单位", "类别", "指标", "计量单位", "完成值", "目标值", "计分规则", "规则说明",
         "分值", "实际分值", "得分", "失分", "不适用原因", "数据来源"],
        [12, 18, 18, 30, 8, 10, 10, 10, 40, 7, 9, 9, 9, 16, 40],
        _indicator_rows(groups),
    )  # fmt: skip
    yield Sheet(
        "加减分及否决",
        ["组别", "单位", "类型", "事项编号", "事项", "次数", "分值", "依据", "认定日期"],
        [12, 18, 10, 9, 36, 6, 7, 50, 12],
        (
            [g["name"], u["unit"], a["kind_label"], a["id"], a["name"], a["count"], a["points"],
             a["basis"], a["date"]]
            for g in groups for u in g["units"] for a in u["adjustments"]
        ),
    )  # fmt: skip
    yield Sheet(
        "约谈及整改",
        ["组别", "单位", "排名", "总分", "类型", "原因", "处理"],
        [12, 18, 6, 9, 8, 60, 50],
        (
            [g["name"], u["unit"], u["rank"], u["total"], t["kind"], t["reason"], t["action"]]
            for g in groups for u in g["units"] for t in u["triggers"]
        ),
    )  # fmt: skip
    about: list[list[Cell]] = [
        ["考核年度", results["year"]],
        ["考核细则", f"{results['model']['name']}（{results['model']['version']}）"],
        ["总分取舍", results["rounding"]],
        ["加分上限", results["bonus_cap"]],
        ["生成工具", f"evalgen {results['evalgen_version']}"],
    ]
    yield Sheet("说明", ["项目", "内容"], [14, 80], about)


def _unit_rows(group: GroupRecord) -> Iterator[list[Cell]]:
    for u in group["units"]:
        by_cat = [c["score"] if c["applicable"] else "—" for c in u["categories"]]
        triggers = "；".join(f"{t['kind']}：{t['reason']}" for t in u["triggers"])
        notes = "；".join([f"{n['name']}：{n['reason']}" for n in u["not_applicable"]] + u["notes"])
        yield [u["rank"], u["unit"], u["total"], f"{u['grade']}（{u['grade_name']}）",
               *by_cat, u["bonus_applied"], u["penalty"],
               "是" if u["veto"] else "", u["previous_rank"], u["rank_change"], triggers, notes]  # fmt: skip


def _indicator_rows(groups: list[GroupRecord]) -> Iterator[list[Cell]]:
    for group in groups:
        for u in group["units"]:
            for i in u["indicators"]:
                src = i["source"] or {}
                where = " › ".join(
                    x for x in (src.get("file"), src.get("sheet"), src.get("cell")) if x
                )
                yield [group["name"], u["unit"], i["category"], i["name"], i["measure"],
                       "不适用" if i["not_applicable"] else i["value"], i["target"],
                       i["rule_label"], i["rule_text"], i["points"], i["effective_points"],
                       i["score"], i["lost"], i["na_reason"], where]  # fmt: skip
