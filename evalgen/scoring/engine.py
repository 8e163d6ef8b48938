"""Score, adjust, grade and rank every unit of every group for one year.

Two passes over the same rules. The ranking pass scores whole groups at once with numpy
(`vectorized`), fast enough for a national year. Every total that lands near a rounding
boundary is recomputed exactly, so a total is always the 四舍五入 (half-up) rounding of the
exact value. The exact lines a person reads (explain, results, documents) come from the
`YearLines` returned beside the ranked `YearResult` (one `exact.ExactGroup` per group), on
demand; `results` re-checks that both agree on every rounded total.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import chain
from operator import attrgetter, itemgetter
from typing import NamedTuple

import numpy as np

from ..inputs.year import Event, Figure, YearInputs
from ..model.loader import indicator_path, target_for
from ..model.names import model_for_year
from ..model.schema import Grade, Group, Indicator, ScoringModel
from ..numbers import round_half_up
from ..problems import ModelError, Problem
from .exact import ExactGroup, task_value
from .history import in_names_of
from .ruletable import RULES
from .scored import (
    AdjustmentLine,
    FloorMiss,
    GroupResult,
    UnitResult,
    YearLines,
    YearResult,
)
from .vectorized import effective_points, rule_vector

__all__ = ["ScoredYear", "check_year", "gc_paused", "score_year"]

_ZERO = Fraction(0)
# Binary totals closer than this to a rounding half-way point are recomputed exactly.
_NEAR_HALF = 1e-6


class ScoredYear(NamedTuple):
    """A scored year: the ranked results, and the exact view that builds any unit's lines."""

    result: YearResult
    lines: YearLines


def score_year(
    model: ScoringModel, inputs: YearInputs, previous: YearResult | None = None
) -> ScoredYear:
    """Score every group; rank changes come from `previous` where given.

    Units are scored under their names in force in the year, and found in `previous` under
    theirs (`model.names`, `history`): a renamed unit keeps its previous rank.
    """
    if previous is not None:
        previous = in_names_of(model, previous, inputs.year)
    model = model_for_year(model, inputs.year)
    check_year(model, inputs.year)
    events: dict[str, list[Event]] = {}
    for event in inputs.events:
        events.setdefault(event.unit, []).append(event)
    groups: dict[str, GroupResult] = {}
    exact: dict[str, ExactGroup] = {}
    with gc_paused():
        for gkey, group in model.groups.items():
            exact[gkey] = _exact_group(group, inputs)
            results = _score_group(model, gkey, exact[gkey], events, previous)
            groups[gkey] = GroupResult(gkey, group.name, results)
    result = YearResult(inputs.year, groups, previous.year if previous else None)
    return ScoredYear(result, YearLines(inputs.year, exact))


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (restored after).

    A national year's inputs are millions of objects; one full collection over them costs
    more than scoring them, and scoring makes no reference cycles to collect.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_year(
    model: ScoringModel, year: int, locate: Callable[[Problem], Problem] | None = None
) -> None:
    """The model covers `year` and gives every target-based indicator a target for it.

    `locate` adds the model file and line to a problem (`LoadedModel.locate`).
    """
    problems = []
    if year not in model.years:
        years = "、".join(str(y) for y in model.years)
        raise ModelError(f"考核细则“{model.name}”不适用于{year}年度（适用年度：{years}）")
    for group in model.groups.values():
        for cat in group.categories:
            for ind in cat.indicators:
                if RULES[ind.rule].needs_target and target_for(ind, year) is None:
                    problems.append(
                        Problem(
                            f"指标“{ind.name}”没有{year}年度的目标值",
                            path=f"{indicator_path(model, ind.id)}.targets",
                            hint="请在 targets 中补充该年度目标，或声明 interpolate",
                            code="no-target-for-year",
                        )
                    )
    if problems:
        located = [locate(p) for p in problems] if locate else problems
        raise ModelError(f"考核细则缺少{year}年度的目标值", located)


def _exact_group(group: Group, inputs: YearInputs) -> ExactGroup:
    """The group's value matrix (units × indicators), wrapped for exact look-ups."""
    indicators = [ind for cat in group.categories for ind in cat.indicators]
    return ExactGroup(group, inputs, _value_matrix(group, indicators, inputs))


def _score_group(
    model: ScoringModel,
    gkey: str,
    exact: ExactGroup,
    events: dict[str, list[Event]],
    previous: YearResult | None,
) -> tuple[UnitResult, ...]:
    """The group's results, ranked, in rank order (ties in the model's unit order)."""
    group = exact.group
    indicators = [ind for cat in group.categories for ind in cat.indicators]
    base, floor_missed = _base_scores(group, indicators, exact.values, exact.inputs.year)
    units = group.units
    n = len(units)
    cap = Fraction(model.bonus_cap)
    adjusted = {
        row: _adjusted(model, events[unit], cap) for row, unit in enumerate(units) if unit in events
    }
    capped, penalty, veto = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
    for row, adj in adjusted.items():
        capped[row], penalty[row], veto[row] = float(adj.capped), float(adj.penalty), adj.veto
    cents = _rounded_totals(model, exact, base + capped - penalty, adjusted)
    order = np.lexsort((np.arange(n), -cents, veto))  # best first; ties in the model's order
    ranks = _sorted_ranks(veto[order], cents[order])
    misses = _floor_misses(exact, floor_missed)
    totals = _Totals(model)
    results = []
    for row, rank, c in zip(order.tolist(), ranks.tolist(), cents[order].tolist(), strict=True):
        unit = units[row]
        adj = adjusted.get(row, _NO_ADJUSTMENTS)
        total, grade = totals.get(c, adj.veto)
        before = previous.unit(unit) if previous is not None else None
        results.append(UnitResult(
            unit, gkey, adj.lines, adj.bonus, adj.capped, adj.penalty, total, grade.code,
            grade.name, adj.veto, rank, before.rank if before else None, (), misses.get(row, ()),
        ))  # fmt: skip
    return tuple(results)


def _floor_misses(
    exact: ExactGroup, floor_missed: list[tuple[Indicator, Decimal, np.ndarray]]
) -> dict[int, tuple[FloorMiss, ...]]:
    """Row → the safety floors the unit missed, in the model's indicator order."""
    misses: dict[int, list[FloorMiss]] = {}
    units = exact.group.units
    for ind, target, rows in floor_missed:
        for row in rows.tolist():
            value = exact.exact_value(units[row], ind)
            # A missed floor is a comparison that held, and NaN (no value) compares false.
            assert value is not None, (units[row], ind.id)
            misses.setdefault(row, []).append(FloorMiss(ind, value, target))
    return {row: tuple(found) for row, found in misses.items()}


def _base_scores(
    group: Group, indicators: list[Indicator], values: np.ndarray, year: int
) -> tuple[np.ndarray, list[tuple[Indicator, Decimal, np.ndarray]]]:
    """Σ indicator scores per unit (float64), and the rows missing each safety floor."""
    category = np.array([c for c, cat in enumerate(group.categories) for _ in cat.indicators])
    points = np.array([float(ind.points) for ind in indicators])
    applicable = ~np.isnan(values)
    effective = effective_points(
        applicable, points, category, np.array([float(c.points) for c in group.categories])
    )
    base = np.zeros(len(group.units))
    floor_missed = []
    for k, ind in enumerate(indicators):
        target = target_for(ind, year)
        column = values[:, k]
        raw = rule_vector(
            RULES[ind.rule].vectorized,
            column,
            None if target is None else float(target),
            points[k],
            {name: float(v) for name, v in ind.params.items()},
            ind.direction == "higher",
        )
        base += np.where(applicable[:, k], raw * effective[:, k] / points[k], 0.0)
        if ind.safety_floor and target is not None:
            t = float(target)
            missed = column < t if ind.direction == "higher" else column > t
            floor_missed.append((ind, target, np.flatnonzero(missed & applicable[:, k])))
    return base, floor_missed


def _value_matrix(group: Group, indicators: list[Indicator], inputs: YearInputs) -> np.ndarray:
    """Units × indicators as float64; NaN where the indicator is N/A or not the unit's."""
    ids = [ind.id for ind in indicators]
    pick = (
        itemgetter(*ids) if len(ids) > 1 else lambda figures: tuple(map(figures.__getitem__, ids))
    )
    number = attrgetter("number")

    def row(figures: dict[str, Figure]):
        try:
            return map(number, pick(figures))
        except KeyError:  # a figure missing: not the unit's indicator, or a task indicator
            return (math.nan if (f := figures.get(i)) is None else f.number for i in ids)

    every = inputs.figures
    empty: dict[str, Figure] = {}
    values = np.fromiter(
        chain.from_iterable(row(every.get(unit, empty)) for unit in group.units),
        dtype=float,
        count=len(group.units) * len(ids),
    ).reshape(len(group.units), len(ids))
    for k, ind in enumerate(indicators):
        if ind.source == "tasks":
            for r, unit in enumerate(group.units):
                value = task_value(group, unit, inputs)[0]
                values[r, k] = math.nan if value is None else float(value)
    return values


@dataclass(frozen=True)
class _Adjusted:
    """A unit's adjustment lines and their exact sums."""

    lines: tuple[AdjustmentLine, ...]
    bonus: Fraction = _ZERO
    capped: Fraction = _ZERO
    penalty: Fraction = _ZERO
    veto: bool = False


_NO_ADJUSTMENTS = _Adjusted(())


def _adjusted(model: ScoringModel, events: list[Event], cap: Fraction) -> _Adjusted:
    lines = tuple(_adjustment(model, e) for e in events)
    # Decimal sums are exact here, as the points themselves (item points × count) are.
    bonus = Fraction(sum((a.points for a in lines if a.kind == "bonus"), Decimal(0)))
    penalty = Fraction(sum((a.points for a in lines if a.kind == "penalty"), Decimal(0)))
    veto = any(a.kind == "veto" for a in lines)
    return _Adjusted(lines, bonus, min(bonus, cap), penalty, veto)


def _rounded_totals(
    model: ScoringModel, exact: ExactGroup, totals: np.ndarray, adjusted: dict[int, _Adjusted]
) -> np.ndarray:
    """Half-up totals in units of the last kept decimal (cents), from binary `totals`.

    A binary total near a half-way point is decided by the exact (`Fraction`) total instead.
    """
    scaled = np.where(totals > 0.0, totals, 0.0) * (10**model.decimals)
    cents = np.floor(scaled + 0.5).astype(np.int64)
    for row in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < _NEAR_HALF).tolist():
        adj = adjusted.get(row, _NO_ADJUSTMENTS)
        base = exact.unit_total(exact.group.units[row])
        total = round_half_up(max(_ZERO, base + adj.capped - adj.penalty), model.decimals)
        cents[row] = int(total.scaleb(model.decimals))
    return cents


def _sorted_ranks(veto: np.ndarray, cents: np.ndarray) -> np.ndarray:
    """Competition ranks of units sorted best first (unvetoed by total, then vetoed)."""
    n = len(cents)
    starts = np.ones(n, dtype=bool)
    starts[1:] = (veto[1:] != veto[:-1]) | (cents[1:] != cents[:-1])
    return np.maximum.accumulate(np.where(starts, np.arange(n), 0)) + 1


class _Totals:
    """A rounded total as `Decimal` and its grade, made once per distinct total."""

    def __init__(self, model: ScoringModel):
        self.model = model
        self.veto_grade = next(g for g in model.grades if g.code == model.veto_grade)
        self._seen: dict[int, tuple[Decimal, Grade]] = {}

    def get(self, cents: int, vetoed: bool) -> tuple[Decimal, Grade]:
        seen = self._seen.get(cents)
        if seen is None:
            total = Decimal(cents).scaleb(-self.model.decimals)
            grade = next((g for g in self.model.grades if total >= g.min), self.model.grades[-1])
            seen = self._seen[cents] = (total, grade)
        return (seen[0], self.veto_grade) if vetoed else seen


def _adjustment(model: ScoringModel, event: Event) -> AdjustmentLine:
    item = model.adjustment(event.item_id)
    # The events reader keeps only events whose item is in the model's catalogue.
    assert item is not None, event.item_id
    return AdjustmentLine(
        item.id, item.kind, item.name, event.count, item.points * event.count,
        event.basis, event.date, event.source,
    )  # fmt: skip
