"""Exact per-unit indicator lines (`Fraction`s): what explain, results and documents show.

The engine ranks with vectorized binary arithmetic; every figure a person reads comes from
here, and `results` checks that both agree on every rounded total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction

import numpy as np

from .inputs import YearInputs
from .lines import IndicatorScore, TaskLine
from .model import Group, Indicator
from .modelfile import target_for
from .rules import RULES, Peers, RuleInput, fmt_number

__all__ = ["ColumnPeers", "ExactGroup", "task_value"]


class ColumnPeers(Peers):
    """A group's values for one indicator, for rank and best look-ups, sorted once by numpy.

    Ordering on float64 is exact here: figures are decimals of at most 15 significant digits
    (the cell parser's limit), which float64 keeps distinct and in order.
    """

    __slots__ = ("_best_high", "_best_low")

    def __init__(self, column: np.ndarray, exact_of: Callable[[int], Fraction]):  # noqa: B024
        present = np.flatnonzero(~np.isnan(column))
        self._sorted = np.sort(column[present])
        self._best_high = (
            exact_of(int(present[np.argmax(column[present])])) if len(present) else None
        )
        self._best_low = (
            exact_of(int(present[np.argmin(column[present])])) if len(present) else None
        )

    def __len__(self) -> int:
        return len(self._sorted)

    def count_better(self, value: Fraction, higher_is_better: bool) -> int:
        v = float(value)
        if higher_is_better:
            return int(len(self._sorted) - np.searchsorted(self._sorted, v, side="right"))
        return int(np.searchsorted(self._sorted, v, side="left"))

    def best(self, value: Fraction, higher_is_better: bool) -> Fraction:
        if higher_is_better:
            return value if self._best_high is None else max(self._best_high, value)
        return value if self._best_low is None else min(self._best_low, value)


class ExactGroup:
    """Exact lines for any unit of one group, with the group's peers built once, on demand."""

    def __init__(self, group: Group, inputs: YearInputs, values: np.ndarray):
        self.group = group
        self.inputs = inputs
        self.values = values  # units × indicators as float64 (NaN: no value), from the engine
        self._columns = {
            ind.id: k for k, ind in enumerate(i for c in group.categories for i in c.indicators)
        }
        self._peers: dict[str, ColumnPeers] = {}
        self._constants: dict[str, tuple] = {}

    def unit_lines(self, unit: str) -> tuple[list[IndicatorScore], list[str]]:
        """Every indicator line of `unit` with exact scores, and the redistribution notes."""
        lines, notes = redistribute(self.group, self._base_lines(unit))
        return [self._scored(ln) for ln in lines], notes

    def exact_value(self, unit: str, ind: Indicator) -> Fraction | None:
        if ind.source == "tasks":
            return task_value(self.group, unit, self.inputs)[0]
        if ind.applies_to is not None and unit not in ind.applies_to:
            return None
        figure = self.inputs.figures.get(unit, {}).get(ind.id)
        return None if figure is None or figure.value is None else Fraction(figure.value)

    def _base_lines(self, unit: str) -> list[IndicatorScore]:
        figures = self.inputs.figures.get(unit, {})
        lines: list[IndicatorScore] = []
        for cat in self.group.categories:
            for ind in cat.indicators:
                target = target_for(ind, self.inputs.year)
                tasks: tuple[TaskLine, ...] = ()
                if ind.source == "tasks":
                    value, tasks, source, reason = task_value(self.group, unit, self.inputs)
                elif ind.applies_to is not None and unit not in ind.applies_to:
                    continue  # not this unit's indicator at all: no line, its points go elsewhere
                else:
                    figure = figures[ind.id]
                    value = None if figure.value is None else Fraction(figure.value)
                    source = figure.source
                    reason = "" if figure.value is not None else "单位填报不适用"
                line = IndicatorScore(
                    ind, cat.id, cat.name, value, target, ind.points, Fraction(0), Fraction(0),
                    source, reason, tasks,
                )  # fmt: skip
                lines.append(line)
        return lines

    def _peers_of(self, ind: Indicator) -> ColumnPeers:
        peers = self._peers.get(ind.id)
        if peers is None:
            column = self.values[:, self._columns[ind.id]]
            units = self.group.units
            peers = ColumnPeers(column, lambda row: self.exact_value(units[row], ind))
            self._peers[ind.id] = peers
        return peers

    def _indicator_constants(self, ind: Indicator, target) -> tuple:
        constants = self._constants.get(ind.id)
        if constants is None:
            constants = self._constants[ind.id] = (
                Fraction(ind.points),
                None if target is None else Fraction(target),
                {k: Fraction(v) for k, v in ind.params.items()},
                ind.rule in ("rank", "relative"),
            )
        return constants

    def _scored(self, ln: IndicatorScore) -> IndicatorScore:
        if ln.value is None:
            return ln
        ind = ln.indicator
        points, target, params, needs_peers = self._indicator_constants(ind, ln.target)
        rule_input = RuleInput(
            value=ln.value,
            target=target,
            points=points,
            params=params,
            higher_is_better=ind.direction == "higher",
            peers=self._peers_of(ind) if needs_peers else (),
        )
        raw = RULES[ind.rule](rule_input)
        detail = _peer_detail(ind, rule_input, raw) if needs_peers else ""
        return replace(ln, score=raw * ln.effective_points / points, detail=detail)


def task_value(group: Group, unit: str, inputs: YearInputs):
    scoring = group.task_scoring
    entered = inputs.tasks.get(unit, {})
    lines = []
    for task in group.tasks:
        if unit not in task.units or task.id not in entered:
            continue
        lead = task.units[0] == unit
        weight = scoring.lead_weight if lead else scoring.co_weight
        score, source = entered[task.id]
        lines.append(
            TaskLine(task.id, task.no, task.name, "牵头" if lead else "配合", weight, score, source)
        )
    if not lines:
        return None, (), None, "无承担的重点任务"
    total_weight = sum(Fraction(t.weight) for t in lines)
    value = sum(Fraction(t.weight) * Fraction(t.score) for t in lines) / total_weight
    value = value * 100 / Fraction(scoring.max_score)
    return value, tuple(lines), lines[0].source, ""


def redistribute(group: Group, lines: list[IndicatorScore]):
    """不适用: spread N/A points over the category's other indicators, else over the unit's."""
    effective: dict[str, Fraction] = {}
    orphaned = Fraction(0)
    notes = []
    for cat in group.categories:
        cat_lines = [ln for ln in lines if ln.category_id == cat.id]
        applicable = sum(Fraction(ln.points) for ln in cat_lines if ln.value is not None)
        if applicable == 0:
            orphaned += Fraction(cat.points)
            why = "所列指标均不适用" if cat_lines else "无本单位承担的指标"
            notes.append(
                f"“{cat.name}”（{fmt_number(cat.points)}分）{why}，分值按比例分配给其余类别的指标"
            )
            continue
        for ln in cat_lines:
            if ln.value is not None:
                effective[ln.indicator.id] = Fraction(ln.points) * Fraction(cat.points) / applicable
    remaining = sum(effective.values())
    if orphaned and remaining:
        scale = (remaining + orphaned) / remaining
        effective = {k: v * scale for k, v in effective.items()}
    lines = [
        replace(ln, effective_points=effective.get(ln.indicator.id, Fraction(0))) for ln in lines
    ]
    return lines, notes


def _peer_detail(ind: Indicator, inp: RuleInput, raw: Fraction) -> str:
    """For rules that depend on the group: the rank or best value that decided the score."""
    m = "" if ind.measure == "分" else ind.measure
    if ind.rule == "rank":
        better = inp.peers.count_better(inp.value, inp.higher_is_better)
        return f"组内第{better + 1}名（共{len(inp.peers)}个单位有数据），得{fmt_number(raw)}分"
    if ind.rule == "relative":
        best = inp.peers.best(inp.value, inp.higher_is_better)
        return f"组内最优值{fmt_number(best)}{m}，得{fmt_number(raw)}分"
    return ""
