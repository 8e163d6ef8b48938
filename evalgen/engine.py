"""Score, adjust, grade and rank every unit of every group for one year.

Two passes over the same rules. The ranking pass scores whole groups at once with numpy
(`vectorized`), fast enough for a national year. Every total that lands near a rounding
boundary is recomputed exactly, so a total is always the 四舍五入 (half-up) rounding of the
exact value. The exact lines a person reads (explain, results, documents) come from
`exact.ExactGroup`, on demand; `results` re-checks that both agree on every rounded total.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np

from .exact import ExactGroup, task_value
from .inputs import Event, Source, YearInputs
from .lines import IndicatorScore, TaskLine
from .model import Group, Indicator, ScoringModel
from .modelfile import target_for
from .problems import ModelError, Problem
from .rules import NEEDS_TARGET, round_half_up
from .vectorized import effective_points, rule_vector

__all__ = [
    "AdjustmentLine",
    "GroupResult",
    "IndicatorScore",
    "TaskLine",
    "UnitResult",
    "YearResult",
    "check_year",
    "competition_ranks",
    "score_year",
]

_ZERO = Fraction(0)
# Binary totals closer than this to a rounding half-way point are recomputed exactly.
_NEAR_HALF = 1e-6


@dataclass(frozen=True)
class AdjustmentLine:
    """An applied adjustment event."""

    item_id: str
    kind: str
    name: str
    count: int
    points: Decimal
    basis: str
    date: str
    source: Source


@dataclass
class UnitResult:
    """A unit's result: total, grade, rank, adjustments, follow-ups; exact lines on demand."""

    unit: str
    group: str
    adjustments: list[AdjustmentLine]
    bonus: Fraction
    bonus_capped: Fraction
    penalty: Fraction
    total: Decimal
    grade: str
    grade_name: str
    veto: bool
    rank: int = 0
    previous_rank: int | None = None
    triggers: list = field(default_factory=list)
    floor_misses: list[tuple[Indicator, Fraction, Decimal]] = field(default_factory=list)
    _lines: Callable[[], tuple[list[IndicatorScore], list[str]]] | None = field(
        default=None, repr=False
    )

    @property
    def rank_change(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank

    def _exact(self) -> tuple[list[IndicatorScore], list[str]]:
        cached = self.__dict__.get("_exact_cache")
        if cached is None:
            cached = self.__dict__["_exact_cache"] = self._lines()
        return cached

    @property
    def indicators(self) -> list[IndicatorScore]:
        """Every indicator line with its exact score."""
        return self._exact()[0]

    @property
    def notes(self) -> list[str]:
        """Whole categories that did not apply, and where their points went."""
        return self._exact()[1]

    @property
    def base(self) -> Fraction:
        """The exact sum of the indicator scores."""
        return sum((ln.score for ln in self.indicators), Fraction(0))

    @property
    def exact_total(self) -> Fraction:
        return max(Fraction(0), self.base + self.bonus_capped - self.penalty)


@dataclass
class GroupResult:
    """A group's units in rank order."""

    key: str
    name: str
    units: list[UnitResult]


@dataclass
class YearResult:
    """Everything scored for a year."""

    year: int
    groups: dict[str, GroupResult]
    previous_year: int | None = None

    def unit(self, name: str) -> UnitResult | None:
        index = self.__dict__.get("_index")
        if index is None:
            index = {r.unit: r for g in self.groups.values() for r in g.units}
            self.__dict__["_index"] = index
        return index.get(name)


def score_year(
    model: ScoringModel, inputs: YearInputs, previous: YearResult | None = None
) -> YearResult:
    """Score every group; rank changes come from `previous` where given."""
    check_year(model, inputs.year)
    events: dict[str, list[Event]] = {}
    for event in inputs.events:
        events.setdefault(event.unit, []).append(event)
    groups = {}
    for gkey, group in model.groups.items():
        results = _score_group(model, gkey, group, inputs, events)
        _rank(results)
        if previous is not None:
            for result in results:
                before = previous.unit(result.unit)
                result.previous_rank = before.rank if before else None
        order = {unit: i for i, unit in enumerate(group.units)}
        results.sort(key=lambda r: (r.rank, order[r.unit]))
        groups[gkey] = GroupResult(gkey, group.name, results)
    return YearResult(inputs.year, groups, previous.year if previous else None)


def competition_ranks(keys: list) -> list[int]:
    """Ranks for keys already sorted best first; equal keys share a rank (1, 2, 2, 4)."""
    ranks = []
    for i, key in enumerate(keys):
        ranks.append(ranks[-1] if i and key == keys[i - 1] else i + 1)
    return ranks


def check_year(model: ScoringModel, year: int) -> None:
    """The model covers `year` and gives every target-based indicator a target for it."""
    from .modelfile import indicator_path

    problems = []
    if year not in model.years:
        years = "、".join(str(y) for y in model.years)
        raise ModelError(f"考核细则“{model.name}”不适用于{year}年度（适用年度：{years}）")
    for group in model.groups.values():
        for cat in group.categories:
            for ind in cat.indicators:
                if ind.rule in NEEDS_TARGET and target_for(ind, year) is None:
                    problems.append(
                        Problem(
                            f"指标“{ind.name}”没有{year}年度的目标值",
                            path=f"{indicator_path(model, ind.id)}.targets",
                            hint="请在 targets 中补充该年度目标，或声明 interpolate",
                        )
                    )
    if problems:
        raise ModelError(f"考核细则缺少{year}年度的目标值", problems)


def _score_group(
    model: ScoringModel,
    gkey: str,
    group: Group,
    inputs: YearInputs,
    events: dict[str, list[Event]],
) -> list[UnitResult]:
    indicators = [ind for cat in group.categories for ind in cat.indicators]
    category = np.array([c for c, cat in enumerate(group.categories) for _ in cat.indicators])
    points = np.array([float(ind.points) for ind in indicators])
    values = _value_matrix(group, indicators, inputs)
    exact = ExactGroup(group, inputs, values)
    applicable = ~np.isnan(values)
    effective = effective_points(
        applicable, points, category, np.array([float(c.points) for c in group.categories])
    )
    base = np.zeros(len(group.units))
    floor_missed = {}
    for k, ind in enumerate(indicators):
        target = target_for(ind, inputs.year)
        column = values[:, k]
        raw = rule_vector(
            ind.rule,
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
            floor_missed[k] = (ind, target, np.flatnonzero(missed & applicable[:, k]))
    results = []
    for row, unit in enumerate(group.units):
        adjustments = [_adjustment(model, e) for e in events.get(unit, ())]
        result = _unit_result(model, gkey, unit, adjustments, float(base[row]), exact)
        results.append(result)
    for ind, target, rows in floor_missed.values():
        for row in rows:
            unit = group.units[row]
            results[row].floor_misses.append((ind, exact.exact_value(unit, ind), target))
    return results


def _value_matrix(group: Group, indicators: list[Indicator], inputs: YearInputs) -> np.ndarray:
    """Units × indicators as float64; NaN where the indicator is N/A or not the unit's."""
    nan = float("nan")
    value_ids = [ind.id for ind in indicators]
    rows = []
    for unit in group.units:
        figures = inputs.figures.get(unit, {})
        row = []
        for ind_id in value_ids:
            figure = figures.get(ind_id)
            row.append(nan if figure is None or figure.value is None else figure.value)
        rows.append(row)
    values = np.array(rows, dtype=float).reshape(len(group.units), len(indicators))
    for k, ind in enumerate(indicators):
        if ind.source == "tasks":
            for row, unit in enumerate(group.units):
                value = task_value(group, unit, inputs)[0]
                values[row, k] = nan if value is None else float(value)
    return values


def _unit_result(
    model: ScoringModel,
    gkey: str,
    unit: str,
    adjustments: list[AdjustmentLine],
    base: float,
    exact: ExactGroup,
) -> UnitResult:
    if adjustments:
        bonus = sum((Fraction(a.points) for a in adjustments if a.kind == "bonus"), _ZERO)
        penalty = sum((Fraction(a.points) for a in adjustments if a.kind == "penalty"), _ZERO)
        capped = min(bonus, Fraction(model.bonus_cap))
    else:
        bonus = penalty = capped = _ZERO
    result = UnitResult(
        unit, gkey, adjustments, bonus, capped, penalty, Decimal(0), "", "",
        any(a.kind == "veto" for a in adjustments), _lines=lambda: exact.unit_lines(unit),
    )  # fmt: skip
    scaled = (
        max(0.0, base + float(capped) - float(penalty)) if adjustments else max(0.0, base)
    ) * (10**model.decimals)
    if abs(scaled - math.floor(scaled) - 0.5) < _NEAR_HALF:
        result.total = round_half_up(result.exact_total, model.decimals)
    else:
        result.total = Decimal(math.floor(scaled + 0.5)).scaleb(-model.decimals)
        result.total = result.total.quantize(Decimal(1).scaleb(-model.decimals))
    if result.veto:
        grade = next(g for g in model.grades if g.code == model.veto_grade)
    else:
        grade = next((g for g in model.grades if result.total >= g.min), model.grades[-1])
    result.grade, result.grade_name = grade.code, grade.name
    return result


def _adjustment(model: ScoringModel, event: Event) -> AdjustmentLine:
    item = model.adjustment(event.item_id)
    return AdjustmentLine(
        item.id, item.kind, item.name, event.count, item.points * event.count,
        event.basis, event.date, event.source,
    )  # fmt: skip


def _rank(results: list[UnitResult]) -> None:
    """Rank by rounded total; vetoed units after all others (一票否决 ranks last)."""
    offset = 0
    for vetoed in (False, True):
        part = sorted((r for r in results if r.veto == vetoed), key=lambda r: -r.total)
        for result, rank in zip(part, competition_ranks([r.total for r in part]), strict=True):
            result.rank = rank + offset
        offset += len(part)
