"""The clean returns and the team's workbook → a year folder in evalgen's input format.

`汇总数据_YEAR.xlsx` holds the model's tables (the groups' indicator sheets, 重点任务,
加减分事项) plus, for the office, the units' bonus claims and task reports; `数据来源.json`
names, for every merged cell, the returned file and cell it was copied from; `汇总状态.json`
lists the units still incomplete, and `inputs.provenance` refuses to score such a year.
The folder is replaced all or nothing: built beside the old one, then swapped in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..inputs.issuance import ISSUANCE_FILE
from ..inputs.provenance import SOURCES_FILE, STATE_FILE
from ..inputs.records import Event, Figure, Source
from ..model.schema import ScoringModel
from ..problems import OutputError, column_letter
from .teamsheet import EVENT_HEADERS, TASK_HEADERS

__all__ = [
    "Merged",
    "check_target",
    "merged_file_name",
    "swap_in",
    "write_merged",
    "write_period_merged",
]


def merged_file_name(year: int | str) -> str:
    return f"汇总数据_{year}.xlsx"


@dataclass
class Merged:
    """What goes into the merged year folder."""

    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)
    tasks: dict[str, dict[str, tuple[Decimal, Source]]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    claims: list[Event] = field(default_factory=list)
    reports: list[tuple[str, int, str, str, Source]] = field(default_factory=list)
    state: dict = field(default_factory=dict)


class _Writer:
    """Rows written to one sheet, each merged cell's source remembered."""

    def __init__(self, wb, title: str, headers, sources: dict, note: str):
        self.ws = wb.add_worksheet(title)
        self.ws.write_string(0, 0, note)
        self.ws.write_row(1, 0, headers)
        self.row = 2
        self.sources = sources.setdefault(title, {})

    def write(self, values: list, returned: dict[int, Source | None]) -> None:
        for c, value in enumerate(values):
            if isinstance(value, Decimal):
                self.ws.write_number(self.row, c, float(value))
            elif value is not None:
                self.ws.write(self.row, c, value)
            if (source := returned.get(c)) is not None:
                self.sources[f"{column_letter(c + 1)}{self.row + 1}"] = source.to_dict()
        self.row += 1


def write_merged(folder: Path, model: ScoringModel, year: int, merged: Merged) -> None:
    """Write the merged tables, the provenance and the state into `folder` (new, empty)."""
    import xlsxwriter

    sources: dict[str, dict] = {}
    wb = xlsxwriter.Workbook(str(folder / merged_file_name(year)), {"in_memory": True})
    wb.set_properties({"author": "evalgen collect", "created": dt.datetime(year, 1, 1)})
    note = f"{year}年度考核数据汇总（由 evalgen collect 根据各单位报送的填报表生成，请勿手工修改）"
    _figures(wb, model, merged, sources, note)
    _tasks(wb, model, merged, sources, note)
    out = _Writer(wb, model.adjustment_input.sheet, list(EVENT_HEADERS[1:]), sources, note)
    for e in merged.events:
        item = model.adjustment(e.item_id)
        out.write(
            [e.unit, e.item_id, item.name if item else "", e.count, e.basis, e.date], {1: e.source}
        )
    out = _Writer(wb, "加分申报汇总", ["申报单位", "事项编号", "事项名称", "次数", "依据", "来源"], sources,
                  "各单位的加分申报（供考核组认定，不直接计分；认定后填入考核组评分表“加减分事项”）")  # fmt: skip
    for e in merged.claims:
        item = model.adjustment(e.item_id)
        out.write(
            [e.unit, e.item_id, item.name if item else "", e.count, e.basis, str(e.source)], {}
        )
    out = _Writer(wb, "任务完成情况汇总", ["单位", "任务序号", "完成情况", "佐证材料", "来源"], sources,
                  "各部门填报的重点任务完成情况（供考核组评分参考，不直接计分）")  # fmt: skip
    for unit, no, text, proof, source in merged.reports:
        out.write([unit, no, text, proof, str(source)], {})
    wb.close()
    _write_json(folder / SOURCES_FILE, {merged_file_name(year): sources})
    _write_json(folder / STATE_FILE, merged.state)


def write_period_merged(folder: Path, model: ScoringModel, period: str, merged: Merged) -> None:
    """An in-year merge, as `progress.read.read_period` reads a period folder: the groups'
    indicator sheets (the in-year view `model` keeps) and the task progress table."""
    import xlsxwriter

    assert model.progress is not None
    sources: dict[str, dict] = {}
    wb = xlsxwriter.Workbook(str(folder / merged_file_name(period)), {"in_memory": True})
    wb.set_properties({"author": "evalgen collect", "created": dt.datetime(int(period[:4]), 1, 1)})
    note = f"{period}进展数据汇总（由 evalgen collect 根据各单位报送的填报表生成，请勿手工修改）"
    _figures(wb, model, merged, sources, note)
    out = _Writer(wb, model.progress.task_input, ["单位", "任务序号", "进展状态", "进展情况"],
                  sources, note)  # fmt: skip
    for unit, no, status, text, source in merged.reports:
        out.write([unit, no, status, text], {2: source})
    wb.close()
    _write_json(folder / SOURCES_FILE, {merged_file_name(period): sources})
    _write_json(folder / STATE_FILE, merged.state)


def _figures(wb, model: ScoringModel, merged: Merged, sources: dict, note: str) -> None:
    """A sheet per group: a row per unit merged, a column per indicator the unit reports."""
    for group in model.groups.values():
        indicators = [i for c in group.categories for i in c.indicators if i.source == "value"]
        out = _Writer(wb, group.input.sheet, ["单位", *(i.name for i in indicators)], sources, note)
        for unit in group.units:
            if unit in merged.figures:
                figures = merged.figures[unit]
                values = [unit, *(_value(figures.get(i.id)) for i in indicators)]
                returned: dict[int, Source | None] = {
                    c: figures[i.id].source for c, i in enumerate(indicators, 1) if i.id in figures
                }
                out.write(values, returned)


def _tasks(wb, model: ScoringModel, merged: Merged, sources: dict, note: str) -> None:
    for title in sorted({g.task_input.sheet for g in model.groups.values() if g.task_input}):
        out = _Writer(wb, title, list(TASK_HEADERS[1:]), sources, note)
        for group in model.groups.values():
            if group.task_input is None or group.task_input.sheet != title:
                continue
            for task in group.tasks:
                for unit in task.units:
                    scored = merged.tasks.get(unit, {}).get(task.id)
                    if scored is not None:
                        role = "牵头" if unit == task.units[0] else "配合"
                        out.write([unit, task.no, task.name, role, scored[0]], {4: scored[1]})


def _value(figure: Figure | None) -> Decimal | str | None:
    if figure is None:
        return None
    return "不适用" if figure.value is None else figure.value


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")


def check_target(target: Path) -> None:
    """Refuse a `target` that exists but is not a folder `collect` made: never replace it."""
    if target.exists() and not (target / STATE_FILE).is_file():
        raise OutputError(
            f"{target} 已存在，且不是 evalgen collect 生成的汇总文件夹；为免覆盖，未写入",
            code="merge-target-not-merge",
        )


def swap_in(staging: Path, target: Path, issuance: Path | None, keep: str = "") -> None:
    """Replace `target` (a folder `collect` made, or nothing) by `staging` in one rename.

    The issuance file is carried over, and the office's own `keep` files (a glob: the city
    table 全市指标 of a period folder, which no unit returns)."""
    check_target(target)
    carried = issuance if issuance is not None else target / ISSUANCE_FILE
    if carried.is_file():
        shutil.copyfile(carried, staging / ISSUANCE_FILE)
    for own in sorted(target.glob(keep)) if keep and target.is_dir() else []:
        if own.is_file() and not (staging / own.name).exists():
            shutil.copyfile(own, staging / own.name)
    old = target.with_name(f".{target.name}.collect-old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.rename(target, old)
    os.rename(staging, target)
    if old.exists():
        shutil.rmtree(old)
