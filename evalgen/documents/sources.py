"""附：数据来源 of a unit report: the returned file and cell behind each merged figure.

A year merged by `evalgen collect` carries, for every figure, task score and event, the cell
of the unit's returned form it was copied from (`Source.returned`, in results.json as
`source.returned`). The unit report then closes with a table naming them; a year typed in
directly has no such provenance, and the report has no such table.
"""

from __future__ import annotations

from typing import Any

from ..outputs.records import UnitRecord
from .context import SourceNote, SourceRow

__all__ = ["data_sources"]


def _row(item: str, source: dict[str, Any] | None) -> list[SourceRow]:
    back = (source or {}).get("returned")
    if not back:
        return []
    where = f"{back['sheet']} {back['cell']}" if back.get("sheet") else back["cell"]
    return [{"item": item, "file": back["file"], "cell": where}]


def data_sources(unit: UnitRecord) -> SourceNote:
    """The returned file and cell of each figure, task score and event of `unit` that has
    one, in the report's order; no rows when none was merged from a return."""
    rows: list[SourceRow] = []
    for ind in unit["indicators"]:
        if not ind["not_applicable"]:
            rows += _row(ind["name"], ind["source"])
        for task in ind.get("tasks", []):
            rows += _row(f"重点任务{task['no']}（{task['name']}）", task["source"])
    for adj in unit["adjustments"]:
        rows += _row(f"{adj['kind_label']}：{adj['name']}", adj["source"])
    files = list(dict.fromkeys(r["file"] for r in rows))
    intro = (
        f"本报告所列数据取自报送的填报表（{'、'.join(files)}），各项数据所在的工作表和单元格如下。"
        if rows
        else ""
    )
    return {"intro": intro, "rows": rows}
