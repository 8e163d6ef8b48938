"""The status table `collect` prints: every unit received, missing or with problems."""

from __future__ import annotations

import unicodedata

from .collector import Collection

__all__ = ["status_table"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[c]) for r in rows) for c in range(len(rows[0]))]
    return [
        "  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def status_table(c: Collection) -> list[str]:
    """The table, then the 催报 list, the problems per unit, the files not read, the letters."""
    rows = [["单位", "类别", "状态", "问题", "文件"]]
    for s in c.statuses:
        notes = f"{s.errors}处" if s.errors else ("无" if s.files else "")
        warnings = len(s.problems) - s.errors
        if warnings:
            notes += f"（提示{warnings}）"
        rows.append([s.unit, s.group, s.status, notes, "、".join(s.files)])
    lines = [f"{c.when or f'{c.year}年度'}填报表汇总：{len(c.statuses)}份应报，"
             f"{sum(1 for s in c.statuses if s.files)}份已收到，{len(c.incomplete)}份未完成"]  # fmt: skip
    lines += _table(rows)
    missing = [s.unit for s in c.statuses if not s.files]
    lines.append(f"催报名单（{len(missing)}个）：{'、'.join(missing) if missing else '无'}")
    for s in c.statuses:
        if s.problems:
            lines.append(f"{s.unit}：")
            lines += [f"  {p.render()}" for p in s.problems]
    if c.others:
        lines.append("未读取的文件：")
        lines += [f"  {p.render()}" for p in c.others]
    lines.append(f"汇总数据：{c.folder}")
    lines += [f"  {name}" for name in c.letters]
    return lines
