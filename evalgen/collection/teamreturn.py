"""The assessment team's returned workbook → 评审打分 figures, task scores and events, read
with the inputs' own readers (the task and event sheets are evalgen's input tables)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..inputs.checker import Checker
from ..inputs.events import read_events
from ..inputs.figures import read_figures
from ..inputs.records import Event, Figure, Source
from ..inputs.tables import Cell, Table, TableSet, header_key
from ..inputs.tasks import read_tasks
from ..model.schema import ScoringModel
from .content import Sheets, team_indicators
from .returns import Return, structure_problem
from .tables import cell_text, find_header, sheet_table

__all__ = ["TeamData", "read_team_return"]

_NUMBERING = frozenset({"序号"})


@dataclass
class TeamData:
    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)
    tasks: dict[str, dict[str, tuple[Decimal, Source]]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)


def read_team_return(ret: Return, model: ScoringModel, year: int) -> TeamData:
    """The team's figures, task scores and events; problems go to `ret.problems`."""
    check = Checker(model, year, TableSet({}, [], []))
    data = TeamData()
    sheet = _table(ret, Sheets.TEAM_EVALUATED, ("单位", "指标", "得分"))
    if sheet is not None:
        _evaluated(ret, check, model, sheet, data)
    for group in model.groups.values():
        if group.task_input is not None:
            table = _table(ret, group.task_input.sheet, ("单位", "任务序号", "完成得分"))
            if table is not None:
                data.tasks.update(read_tasks(check, group, [table]))
    table = _table(ret, model.adjustment_input.sheet, ("单位", "事项编号", "依据"))
    if table is not None:
        data.events = read_events(check, [table])
    ret.problems += check.problems
    return data


def _table(ret: Return, title: str, headers: tuple[str, ...]) -> Table | None:
    sheets = [ret.sheets[title]] if title in ret.sheets else list(ret.sheets.values())
    for sheet in sheets:
        found = find_header(sheet, headers)
        if found is not None:
            return sheet_table(ret.name, sheet, found[0], _NUMBERING)
    ret.problems.append(structure_problem(f"找不到工作表“{title}”", ret, sheet=title))
    return None


def _evaluated(ret: Return, check: Checker, model: ScoringModel, table: Table, data: TeamData):
    unit_col, ind_col, score_col = (table.column_of(h) or 0 for h in ("单位", "指标", "得分"))
    by_unit: dict[str, dict[str, Cell]] = {}
    group_of = {u: k for k, g in model.groups.items() for u in g.units}
    written = {
        n: u
        for g in model.groups.values()
        for n, u in ({u: u for u in g.units} | g.aliases).items()
    }
    names = {
        k: {header_key(i.name): i for _, i in team_indicators(g)} for k, g in model.groups.items()
    }
    for r, cells in table.rows:
        unit = written.get(cell_text(cells.get(unit_col)))
        gkey = group_of.get(unit) if unit else None
        ind = names[gkey].get(header_key(cell_text(cells.get(ind_col)))) if gkey else None
        if unit is None or ind is None:
            ret.problems.append(
                structure_problem(
                    "不认识该行的单位或指标",
                    ret,
                    sheet=table.sheet,
                    row=r,
                    hint="请使用原表，勿改动单位和指标名称",
                )  # fmt: skip
            )
            continue
        by_unit.setdefault(unit, {})[ind.id] = cells.get(score_col) or Cell(None, r, score_col)
    _synthetic(ret, check, model, table, by_unit, data, score_col)


def _synthetic(ret, check, model, table: Table, by_unit: dict, data: TeamData, score_col: int):
    """Each group's evaluated scores as a wide table (unit × indicator), read as `validate` does."""
    for gkey, group in model.groups.items():
        indicators = [i for _, i in team_indicators(group)]
        if not indicators:
            continue
        headers = {1: "单位"} | {1000 + i: ind.name for i, ind in enumerate(indicators)}
        synthetic = Table(ret.name, table.sheet, table.header_row, headers)
        for unit in group.units:
            scored = by_unit.get(unit, {})
            row = {1: Cell(unit, table.header_row, 2)}
            for i, ind in enumerate(indicators):
                if ind.id in scored:
                    row[1000 + i] = scored[ind.id]
                else:
                    row[1000 + i] = Cell(None, 0, score_col)
                    ret.problems.append(
                        structure_problem(
                            f"缺少单位“{unit}”指标“{ind.name}”的评分行",
                            ret,
                            sheet=table.sheet,
                            unit=unit,
                            indicator=ind.name,
                        )  # fmt: skip
                    )
            synthetic.rows.append((table.header_row + 1, row))
        data.figures.update(read_figures(check, gkey, group, [synthetic]))
    synthetic_only = {"missing-column", "unit-missing"}  # the table was built here, by labels
    check.problems[:] = [p for p in check.problems if p.row != 0 and p.code not in synthetic_only]
