"""A year folder → validated inputs: figures, task completion scores and adjustment events.

Every problem in every file is collected, located to the cell, and raised once. The tables
are read by `figures`, `tasks` and `events`, which share the checks of `checker`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..model.names import model_for_year, other_names
from ..model.schema import ScoringModel
from ..problems import InputError, Problem
from .appeals import APPEALS_SHEET, Appeal, overlay, read_appeals
from .checker import Checker, suggest_unit
from .events import read_events
from .figures import read_figures
from .provenance import check_complete, with_returned
from .reader import find_tables
from .records import Event, Figure, Source
from .tasks import read_tasks

__all__ = ["Event", "Figure", "Source", "YearInputs", "read_year", "suggest_unit"]


@dataclass
class YearInputs:
    """Everything read for one year, already checked."""

    year: int
    folder: Path
    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)
    tasks: dict[str, dict[str, tuple[Decimal, Source]]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # The appeals register's rows (复核登记表, issue 14), 维持 ones included; the accepted
    # adjustments are already applied to figures, tasks and events. `register`: its files.
    appeals: tuple[Appeal, ...] = ()
    register: list[Path] = field(default_factory=list)


def read_year(model: ScoringModel, folder: Path, year: int, *, appeals: bool = True) -> YearInputs:
    """Read and check a year folder; raise InputError listing every problem.

    The year is read under the unit names in force in it (`model.names`); a unit's name of
    another year is read as that unit with a notice. With `appeals` (the final stage), the
    appeals register (复核登记表) is read too and its accepted adjustments overlaid; without
    (初评), it is not read. The error also carries the notices (提示) found, as `notices`.
    """
    names_elsewhere = other_names(model, year)
    model = model_for_year(model, year)
    if not folder.is_dir():
        raise InputError(f"找不到{year}年度的数据文件夹：{folder}", code="missing-folder")
    check_complete(folder, year)  # a year merged by `evalgen collect` with units missing
    names = [g.input.sheet for g in model.groups.values()]
    names += [g.task_input.sheet for g in model.groups.values() if g.task_input]
    names.append(model.adjustment_input.sheet)
    if appeals:
        names.append(APPEALS_SHEET)
    found = find_tables(folder, names, "单位", year)
    check = Checker(model, year, found, names_elsewhere)
    result = YearInputs(year, folder, files=found.files)
    for gkey, group in model.groups.items():
        tables = found.tables[group.input.sheet]
        check.require(tables, group.input.sheet, folder)
        result.figures.update(read_figures(check, gkey, group, tables))
        if group.task_input:
            tables = found.tables[group.task_input.sheet]
            check.require(tables, group.task_input.sheet, folder)
            result.tasks.update(read_tasks(check, group, tables))
    result.events = read_events(check, found.tables[model.adjustment_input.sheet])
    if appeals and found.tables[APPEALS_SHEET]:
        _apply_appeals(check, result, found.tables[APPEALS_SHEET])
    errors = [p for p in check.problems if p.severity == "error"]
    result.warnings = [p for p in check.problems if p.severity != "error"]
    if not errors:  # merged by `evalgen collect`: each figure names the returned cell
        result.figures, result.tasks, result.events = with_returned(
            folder, result.figures, result.tasks, result.events
        )
    if errors:
        raise InputError(
            f"{year}年度数据有{len(errors)}处问题，请逐一修改后重新运行",
            errors,
            notices=result.warnings,
        )
    return result


def _apply_appeals(check: Checker, result: YearInputs, tables: list) -> None:
    """Read the register into `result.appeals` and overlay its accepted adjustments (only
    when the year has no other problem: an overlay on refused inputs would mislead)."""
    result.appeals = read_appeals(check, tables, result.figures, result.tasks, result.events)
    result.register = sorted({result.folder / t.file for t in tables})
    if not any(p.severity == "error" for p in check.problems):
        result.figures, result.tasks, result.events = overlay(
            result.figures, result.tasks, result.events, result.appeals
        )
