"""A group's outcomes under many scenarios at once: totals, grades, ranks, 整改 and 约谈.

A scenario gives every indicator its points (each category keeping its points), moves the
evaluated (评审打分) values and the grade lines; everything else — the rules' results on
their own points, N/A redistribution (`redistribution.category_factors`), the bonus cap,
penalties, veto and the follow-up rules — stays as `score` has it. An indicator keeps the
share of its points that its rule gave it; only its points change. Outcomes are numpy
arrays of shape (scenarios, units), in the model's unit order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ..model.loader import target_for
from ..model.schema import FollowUpRule, ScoringModel
from ..scoring.conditions import in_bottom
from ..scoring.exact import ExactGroup
from ..scoring.redistribution import category_factors
from ..scoring.ruletable import RULES
from ..scoring.scored import GroupResult, YearResult
from ..scoring.vectorized import rule_vector

__all__ = ["GroupCase", "Outcomes", "group_case", "outcomes"]

# Totals this close to the nominal binary total are the nominal (exactly rounded) total.
_SAME = 1e-9


@dataclass(frozen=True)
class GroupCase:
    """What every scenario of one group shares: the nominal figures, by unit row."""

    key: str
    units: list[str]
    points: np.ndarray  # (K,) the model's points
    category: np.ndarray  # (K,) category index of each indicator
    category_points: np.ndarray  # (C,)
    applicable: np.ndarray  # (N, K) bool
    share: np.ndarray  # (N, K) the rule's score ÷ points; 0 where N/A
    evaluated: np.ndarray  # (E,) indicator columns scored by `evaluated`
    eval_values: np.ndarray  # (N, E) their values (0 where N/A)
    adjust: np.ndarray  # (N,) capped bonus − penalty
    veto: np.ndarray  # (N,) bool
    nominal_float: np.ndarray  # (N,) the nominal binary total, by this module's arithmetic
    nominal_cents: np.ndarray  # (N,) the nominal rounded total × 10^decimals
    grade_codes: tuple[str, ...]  # in the model's order
    grade_mins: np.ndarray  # (G,) grade lines × 10^decimals, in the model's order
    veto_grade: int
    rectify_rules: tuple[FollowUpRule, ...]
    summon_rules: tuple[FollowUpRule, ...]
    past_bottom: Mapping[str, np.ndarray]  # rule id → (N,) bool: bottom in the earlier years
    floor_missed: np.ndarray  # (N,) bool
    vetoed_elsewhere: bool  # a veto rule summons this group's vetoed units itself


@dataclass(frozen=True)
class Outcomes:
    """Each scenario's outcome for each unit (scenarios × units)."""

    cents: np.ndarray
    grade: np.ndarray  # index into model.grades
    rank: np.ndarray
    rectify: np.ndarray
    summon: np.ndarray


def group_case(
    model: ScoringModel,
    exact: ExactGroup,
    nominal: GroupResult,
    year: YearResult,
    history: Mapping[int, YearResult],
) -> GroupCase:
    """The nominal figures of one group, as the scenarios need them."""
    group = exact.group
    indicators = [ind for cat in group.categories for ind in cat.indicators]
    category = np.array([c for c, cat in enumerate(group.categories) for _ in cat.indicators])
    points = np.array([float(ind.points) for ind in indicators])
    values = exact.values
    applicable = ~np.isnan(values)
    share = np.zeros(values.shape)
    for k, ind in enumerate(indicators):
        target = target_for(ind, year.year)
        raw = rule_vector(
            RULES[ind.rule].vectorized,
            values[:, k],
            None if target is None else float(target),
            points[k],
            {name: float(v) for name, v in ind.params.items()},
            ind.direction == "higher",
        )
        share[:, k] = np.where(applicable[:, k], raw / points[k], 0.0)
    evaluated = np.array([k for k, ind in enumerate(indicators) if ind.rule == "evaluated"], int)
    row = {unit: r for r, unit in enumerate(group.units)}
    results = sorted(nominal.units, key=lambda r: row[r.unit])
    scale = 10**model.decimals
    rules = [r for r in model.followups if r.groups is None or nominal.key in r.groups]
    case = GroupCase(
        key=nominal.key,
        units=list(group.units),
        points=points,
        category=category,
        category_points=np.array([float(c.points) for c in group.categories]),
        applicable=applicable,
        share=share,
        evaluated=evaluated,
        eval_values=np.nan_to_num(values[:, evaluated]),
        adjust=np.array([float(r.bonus_capped - r.penalty) for r in results]),
        veto=np.array([r.veto for r in results], dtype=bool),
        nominal_float=np.zeros(len(results)),
        nominal_cents=np.array([int(r.total.scaleb(model.decimals)) for r in results]),
        grade_codes=tuple(g.code for g in model.grades),
        grade_mins=np.array([float(g.min) * scale for g in model.grades]),
        veto_grade=[g.code for g in model.grades].index(model.veto_grade),
        rectify_rules=tuple(r for r in rules if r.kind == "整改"),
        summon_rules=tuple(r for r in rules if r.kind == "约谈"),
        past_bottom={r.id: _past_bottom(r, nominal, results, year, history) for r in rules},
        floor_missed=np.array([bool(r.floor_misses) for r in results], dtype=bool),
        vetoed_elsewhere=any(r.when == "veto" for r in rules),
    )
    nominal_points = rescaled(case, np.ones((1, len(points))))
    case.nominal_float[:] = raw_totals(case, nominal_points, None)[0]
    return case


def _past_bottom(
    rule: FollowUpRule,
    group: GroupResult,
    results: list,
    year: YearResult,
    history: Mapping[int, YearResult],
) -> np.ndarray:
    """连续N年: whether each unit was in the bottom `count` in each of the earlier years."""
    if rule.when != "bottom_consecutive":
        return np.ones(len(results), dtype=bool)
    out = []
    for result in results:
        ok = True
        for past_year in range(year.year - rule.years + 1, year.year):
            past = history.get(past_year)
            past_group = past.groups.get(group.key) if past else None
            past_result = past.unit(result.unit) if past else None
            if past_group is None or past_result is None:
                ok = False
            elif not in_bottom(past_group, past_result, rule.count):
                ok = False
        out.append(ok)
    return np.array(out, dtype=bool)


def rescaled(case: GroupCase, factors: np.ndarray) -> np.ndarray:
    """Points (S, K): the model's points × `factors`, rescaled so each category keeps its own."""
    raw = case.points * factors
    total = np.zeros((len(factors), len(case.category_points)))
    for c in range(len(case.category_points)):
        total[:, c] = raw[:, case.category == c].sum(axis=1)
    return raw * (case.category_points / total)[:, case.category]


def raw_totals(case: GroupCase, points: np.ndarray, shift: np.ndarray | None) -> np.ndarray:
    """Binary totals (S, N) before rounding: Σ share × effective points + adjustments.

    `shift` (S, N, E) moves the evaluated values (clipped to [0, points]).
    """
    held, earned = [], []
    for c in range(len(case.category_points)):
        cols = np.flatnonzero(case.category == c)
        pts = points[:, cols].T  # (Kc, S)
        held.append(case.applicable[:, cols] @ pts)  # (N, S)
        earned.append((case.share[:, cols] * case.applicable[:, cols]) @ pts)
    if shift is not None and len(case.evaluated):
        moved = _moved_shares(case, shift)  # (S, N, E)
        delta = (moved - case.share[:, case.evaluated]) * case.applicable[:, case.evaluated]
        for e, k in enumerate(case.evaluated.tolist()):
            earned[case.category[k]] += (delta[:, :, e] * points[:, k][:, None]).T
    factors = category_factors(held, case.category_points.tolist())
    base = sum(f * e for f, e in zip(factors, earned, strict=True))
    return np.asarray(base).T + case.adjust


def _moved_shares(case: GroupCase, shift: np.ndarray) -> np.ndarray:
    p = case.points[case.evaluated]
    return np.clip(case.eval_values + shift, 0.0, p) / p


def outcomes(
    case: GroupCase, decimals: int, totals: np.ndarray, grade_mins: np.ndarray | None = None
) -> Outcomes:
    """Round, grade, rank and follow up scenario totals (S, N); `grade_mins` (S, G) moved."""
    scaled = np.maximum(totals, 0.0) * 10**decimals
    cents = np.floor(scaled + 0.5).astype(np.int64)
    same = np.abs(totals - case.nominal_float) < _SAME
    cents = np.where(same, case.nominal_cents, cents)
    mins = case.grade_mins[None, :] if grade_mins is None else grade_mins
    passed = cents[:, :, None] >= mins[:, None, :]
    passed[:, :, -1] = True  # below every line: the last grade
    grade = np.argmax(passed, axis=2)
    grade = np.where(case.veto, case.veto_grade, grade)
    worse, rank = _ranks(np.where(case.veto, cents, cents + int(cents.max(initial=0)) + 1))
    fired = _fired(case, grade, worse)
    return Outcomes(cents, grade, rank, fired(case.rectify_rules), fired(case.summon_rules))


def _fired(
    case: GroupCase, grade: np.ndarray, worse: np.ndarray
) -> Callable[[tuple[FollowUpRule, ...]], np.ndarray]:
    """Whether any of a kind's rules fires, per scenario and unit (as `apply_followups`)."""

    def one(rule: FollowUpRule) -> np.ndarray:
        return CONDITION_VECTORS[rule.when](rule, case, grade, worse)

    def fired(rules: tuple[FollowUpRule, ...]) -> np.ndarray:
        out = np.zeros(grade.shape, dtype=bool)
        for rule in rules:
            out |= one(rule)
        return out

    return fired


def _ranks(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: how many units have a strictly lower key, and the competition rank (1 best)."""
    s, n = key.shape
    offset = (np.arange(s, dtype=np.int64) * (int(key.max(initial=0)) + 1))[:, None]
    flat = (key + offset).ravel()
    ordered = np.sort(flat)
    start = np.arange(s, dtype=np.int64)[:, None] * n
    worse = np.searchsorted(ordered, flat, side="left").reshape(s, n) - start
    upto = np.searchsorted(ordered, flat, side="right").reshape(s, n) - start
    return worse, n - upto + 1


def _grade_fires(rule, case, grade, worse):
    # A veto already summons the unit with its own reason (`conditions._grade_check`).
    hit = np.array([code in rule.grades for code in case.grade_codes])[grade]
    return hit & ~(case.veto & case.vetoed_elsewhere)


def _bottom_fires(rule, case, grade, worse):
    return (worse < rule.count) & case.past_bottom[rule.id]


CONDITION_VECTORS: dict[str, Callable[..., np.ndarray]] = {
    "grade": _grade_fires,
    "veto": lambda rule, case, grade, worse: np.broadcast_to(case.veto, grade.shape),
    "bottom": _bottom_fires,
    "bottom_consecutive": _bottom_fires,
    "safety_floor": lambda rule, case, grade, worse: np.broadcast_to(
        case.floor_missed, grade.shape
    ),
}
"""Each follow-up condition of `conditions.CONDITIONS`, over scenarios × units."""
