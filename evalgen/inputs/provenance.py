"""A year folder merged by `evalgen collect`: its completeness and each figure's provenance.

`汇总状态.json` lists the units still incomplete (no return, or a return with problems): such
a year is refused, naming them. `数据来源.json` maps each merged cell to the returned form's
file and cell, which becomes the figure's `Source.returned` (shown by `explain` and reports).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ..problems import InputError, Problem
from .records import Source

__all__ = ["SOURCES_FILE", "STATE_FILE", "check_complete", "with_returned"]

STATE_FILE = "汇总状态.json"
SOURCES_FILE = "数据来源.json"


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{path.name} 无法读取（{type(exc).__name__}），请重新运行 evalgen collect",
            code="incomplete-year",
        ) from None
    return data if isinstance(data, dict) else {}


def check_complete(folder: Path, year: int) -> None:
    """Refuse a merged year whose state lists incomplete units (nothing to do otherwise)."""
    path = folder / STATE_FILE
    if not path.is_file():
        return
    incomplete = _load(path).get("incomplete", [])
    if not incomplete:
        return
    problems = [
        Problem(
            f"“{item.get('unit', '')}”{item.get('status', '未完成')}",
            file=STATE_FILE,
            unit=str(item.get("unit", "")),
            hint="收齐并改正后重新运行 evalgen collect",
            code="incomplete-year",
        )
        for item in incomplete
    ]
    names = "、".join(str(item.get("unit", "")) for item in incomplete)
    raise InputError(
        f"{year}年度汇总数据不完整，{len(incomplete)}个单位未报送或报送有误：{names}；不能评分",
        problems,
        code="incomplete-year",
    )


class Returned:
    """Merged cell → the returned form's cell it came from."""

    def __init__(self, folder: Path):
        path = folder / SOURCES_FILE
        self.map = _load(path) if path.is_file() else {}

    def __bool__(self) -> bool:
        return bool(self.map)

    def source(self, source: Source) -> Source:
        found = self.map.get(source.file, {}).get(source.sheet, {}).get(source.cell)
        if not isinstance(found, dict):
            return source
        back = Source(
            str(found.get("file", "")), str(found.get("sheet", "")), str(found.get("cell", ""))
        )
        return replace(source, returned=back)


def with_returned(
    folder: Path, figures: dict, tasks: dict, events: list
) -> tuple[dict, dict, list]:
    """The figures, task scores and events with `Source.returned` set from the provenance."""
    returned = Returned(folder)
    if not returned:
        return figures, tasks, events
    figures = {
        u: {i: replace(f, source=returned.source(f.source)) for i, f in fs.items()}
        for u, fs in figures.items()
    }
    tasks = {
        u: {t: (s, returned.source(src)) for t, (s, src) in ts.items()} for u, ts in tasks.items()
    }
    events = [replace(e, source=returned.source(e.source)) for e in events]
    return figures, tasks, events
