"""Exact per-unit indicator lines (`Fraction`s): what explain, results and documents show.

The engine ranks with vectorized binary arithmetic; every figure a person reads comes from
here, and `results` checks that both agree on every rounded total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from ..inputs.year import Source, YearInputs
from ..model.loader import target_for
from ..model.schema import Category, Group, Indicator
from ..numbers import fmt_number
from .lines import IndicatorScore, TaskLine
from .redistribution import category_factors
from .rules import Peers, RuleInput
from .ruletable import RULES

__all__ = ["ColumnPeers", "ExactGroup", "task_value"]

_ZERO = Fraction(0)


class ColumnPeers(Peers):
    """A group's values for one indicator, for rank and best look-ups, sorted once by numpy.

    Ordering on float64 is exact here: figures are decimals of at most 15 significant digits
    (the cell parser's limit), which float64 keeps distinct and in order.
    """

    __slots__ = ("_best_high", "_best_low", "_column")

    def __init__(self, column: np.ndarray, exact_of: Callable[[int], Fraction]):
        present = np.flatnonzero(~np.isnan(column))
        self._column = np.sort(column[present])  # float64, for searchsorted (not `Peers._sorted`)
        self._best_high = (
            exact_of(int(present[np.argmax(column[present])])) if len(present) else None
        )
        self._best_low = (
            exact_of(int(present[np.argmin(column[present])])) if len(present) else None
        )

    def __len__(self) -> int:
        return len(self._column)

    def count_better(self, value: Fraction, higher_is_better: bool) -> int:
        v = float(value)
        if higher_is_better:
            return int(len(self._column) - np.searchsorted(self._column, v, side="right"))
        return int(np.searchsorted(self._column, v, side="left"))

    def best(self, value: Fraction, higher_is_better: bool) -> Fraction:
        if higher_is_better:
            return value if self._best_high is None else max(self._best_high, value)
        return value if self._best_low is None else min(self._best_low, value)


@dataclass(frozen=True)
class _IndicatorRule:
    """An indicator's rule and constants for the year, as `Fraction`s (made once per group)."""

    indicator: Indicator
    target: Decimal | None
    score: Callable[[RuleInput], Fraction]
    points: Fraction
    exact_target: Fraction | None
    params: dict[str, Fraction]
    higher_is_better: bool
    needs_peers: bool
    peer_detail: Callable[[RuleInput, Fraction, str], str] | None


class _Category(NamedTuple):
    """A category of the group with its points as a `Fraction` and its indicators' rules."""

    category: Category
    points: Fraction
    rules: list[_IndicatorRule]


class _Entry(NamedTuple):
    """One indicator of one unit before scoring: its value (None: 不适用) and where it came from."""

    rule: _IndicatorRule
    value: Fraction | None
    source: Source | None
    na_reason: str
    tasks: tuple[TaskLine, ...]


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
        self._categories = [
            _Category(
                cat, Fraction(cat.points), [_indicator_rule(i, inputs.year) for i in cat.indicators]
            )
            for cat in group.categories
        ]

    def unit_lines(self, unit: str) -> tuple[list[IndicatorScore], list[str]]:
        """Every indicator line of `unit` with exact scores, and the redistribution notes."""
        entries = self._entries(unit)
        factors, notes = self._redistribute(entries)
        lines = []
        for planned, cat_entries, factor in zip(self._categories, entries, factors, strict=True):
            cat = planned.category
            for rule, value, source, na_reason, tasks in cat_entries:
                ind = rule.indicator
                effective = score = _ZERO
                detail = ""
                if value is not None:
                    rule_input = self._rule_input(rule, value)
                    raw = rule.score(rule_input)
                    effective, score = rule.points * factor, raw * factor
                    if rule.peer_detail is not None:
                        detail = rule.peer_detail(rule_input, raw, ind.measure)
                line = IndicatorScore(
                    ind, cat.id, cat.name, value, rule.target, ind.points, effective, score,
                    source, na_reason, tasks, detail,
                )  # fmt: skip
                lines.append(line)
        return lines, notes

    def unit_total(self, unit: str) -> Fraction:
        """The exact sum of `unit`'s indicator scores, as `unit_lines` gives them, made cheaply.

        For the engine's half-way totals: the same rules and redistribution, without lines.
        """
        entries = self._entries(unit)
        factors, _ = self._redistribute(entries)
        total = _ZERO
        for cat_entries, factor in zip(entries, factors, strict=True):
            raw = [
                e.rule.score(self._rule_input(e.rule, e.value))
                for e in cat_entries
                if e.value is not None
            ]
            if raw:
                total += sum(raw, _ZERO) * factor
        return total

    def exact_value(self, unit: str, ind: Indicator) -> Fraction | None:
        if ind.source == "tasks":
            return task_value(self.group, unit, self.inputs)[0]
        if ind.applies_to is not None and unit not in ind.applies_to:
            return None
        figure = self.inputs.figures.get(unit, {}).get(ind.id)
        return None if figure is None or figure.value is None else Fraction(figure.value)

    def _entries(self, unit: str) -> list[list[_Entry]]:
        """Per category, the unit's indicators with their values (none where not its own)."""
        figures = self.inputs.figures.get(unit, {})
        entries = []
        for planned in self._categories:
            cat_entries = []
            for rule in planned.rules:
                ind = rule.indicator
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
                cat_entries.append(_Entry(rule, value, source, reason, tasks))
            entries.append(cat_entries)
        return entries

    def _redistribute(self, entries: list[list[_Entry]]) -> tuple[list[Fraction], list[str]]:
        """不适用: effective points / points for each category's indicators, and the notes.

        The factors are `redistribution.category_factors`, the definition the vectorized
        pass shares; the notes name each category whose points went to the others.
        """
        applicable = [
            sum((e.rule.points for e in cat_entries if e.value is not None), _ZERO)
            for cat_entries in entries
        ]
        notes = []
        for planned, cat_entries, points in zip(self._categories, entries, applicable, strict=True):
            if points:
                continue
            cat = planned.category
            why = "所列指标均不适用" if cat_entries else "无本单位承担的指标"
            notes.append(
                f"“{cat.name}”（{fmt_number(cat.points)}分）{why}，分值按比例分配给其余类别的指标"
            )
        return category_factors(applicable, [c.points for c in self._categories]), notes

    def _rule_input(self, rule: _IndicatorRule, value: Fraction) -> RuleInput:
        return RuleInput(
            value=value,
            target=rule.exact_target,
            points=rule.points,
            params=rule.params,
            higher_is_better=rule.higher_is_better,
            peers=self._peers_of(rule.indicator) if rule.needs_peers else (),
        )

    def _peers_of(self, ind: Indicator) -> ColumnPeers:
        peers = self._peers.get(ind.id)
        if peers is None:
            column = self.values[:, self._columns[ind.id]]
            units = self.group.units

            def exact_of(row: int) -> Fraction:
                value = self.exact_value(units[row], ind)
                # ColumnPeers asks only for rows with a number in the column, and the engine
                # fills the column from the same figures and tasks: NaN exactly where None.
                assert value is not None, (units[row], ind.id)
                return value

            peers = ColumnPeers(column, exact_of)
            self._peers[ind.id] = peers
        return peers


def _indicator_rule(ind: Indicator, year: int) -> _IndicatorRule:
    target = target_for(ind, year)
    spec = RULES[ind.rule]
    return _IndicatorRule(
        indicator=ind,
        target=target,
        score=spec.exact,
        points=Fraction(ind.points),
        exact_target=None if target is None else Fraction(target),
        params={k: Fraction(v) for k, v in ind.params.items()},
        higher_is_better=ind.direction == "higher",
        needs_peers=spec.needs_peers,
        peer_detail=spec.peer_detail,
    )


def task_value(
    group: Group, unit: str, inputs: YearInputs
) -> tuple[Fraction | None, tuple[TaskLine, ...], Source | None, str]:
    """A unit's key-task indicator value (0-100), its task lines, first source, N/A reason."""
    scoring = group.task_scoring
    # Called only for `source: tasks` indicators, which the model checks refuse unless the
    # group defines task_scoring (checks.py, "tasks-undefined").
    assert scoring is not None, group.name
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
    total_weight = sum((Fraction(t.weight) for t in lines), _ZERO)
    value = sum((Fraction(t.weight) * Fraction(t.score) for t in lines), _ZERO) / total_weight
    value = value * 100 / Fraction(scoring.max_score)
    return value, tuple(lines), lines[0].source, ""
