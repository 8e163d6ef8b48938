"""稳定性分析: is each decision (grade, 整改, 约谈) robust to small changes of the weights?

A Monte Carlo analysis over the scenarios of `scenarios`: each indicator's points × U(1−w,
1+w) (each category keeping its points), each evaluated (评审打分) value ± U(−e, +e) clipped
to [0, points], optionally each grade line ± U(−t, +t). Runs are drawn from one seeded
generator, in chunks (memory does not grow with the runs), so the same arguments give the
same report. Each decision that is the nominal one in fewer than 95 % of the runs is fragile;
`sensitivity` names the indicator it hangs on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from ..model.names import model_for_year
from ..model.schema import ScoringModel
from ..scoring.history import history_in_names
from ..scoring.scored import UnitResult, YearLines, YearResult
from .scenarios import GroupCase, group_case, outcomes, raw_totals, rescaled
from .sensitivity import Decision, Finding, sensitivity

__all__ = [
    "ROBUST_SHARE",
    "Fragile",
    "GroupRobustness",
    "RobustnessReport",
    "Settings",
    "UnitRobustness",
    "analyse",
]

ROBUST_SHARE = 0.95  # a decision is robust when it is the nominal one in this share of runs
_CELLS_PER_CHUNK = 400_000  # runs × units scored at once


@dataclass(frozen=True)
class Settings:
    """The analysis' parameters, as given."""

    runs: int = 1000
    weights: float = 0.10
    evaluated: float = 0.5
    thresholds: float = 0.0
    seed: int = 1


@dataclass(frozen=True)
class Fragile:
    """A decision kept in fewer than 95 % of runs, and the indicator it is most sensitive to."""

    decision: str  # grade, rectify (整改) or summon (约谈)
    nominal: str | bool
    kept: int  # runs in which it is the nominal one
    indicator: str
    indicator_name: str
    points: Decimal
    flip_points: float | None
    flipped_to: str | bool | None


@dataclass(frozen=True)
class UnitRobustness:
    """One unit: its nominal result, its rank interval and how often each decision held."""

    result: UnitResult
    rank_median: int
    rank_p05: int
    rank_p95: int
    grades: tuple[tuple[str, int], ...]  # every grade of the model → runs
    rectify: int  # runs with 整改
    summon: int  # runs with 约谈
    fragile: tuple[Fragile, ...]


@dataclass(frozen=True)
class GroupRobustness:
    key: str
    name: str
    units: tuple[UnitRobustness, ...]  # in nominal rank order


@dataclass(frozen=True)
class RobustnessReport:
    year: int
    model_name: str
    model_version: str
    settings: Settings
    groups: tuple[GroupRobustness, ...]


def analyse(
    model: ScoringModel,
    nominal: YearResult,
    lines: YearLines,
    history: Mapping[int, YearResult],
    settings: Settings,
) -> RobustnessReport:
    """The robustness of every unit's decisions in the scored year `nominal`.

    `history` is matched to the year by unit, across renames (as `apply_followups` does).
    """
    history = history_in_names(model, history, nominal.year)
    model = model_for_year(model, nominal.year)
    rng = np.random.default_rng(settings.seed)
    groups = []
    for key, group in nominal.groups.items():
        case = group_case(model, lines.groups[key], group, nominal, history)
        groups.append(GroupRobustness(key, group.name, _group(model, case, group, settings, rng)))
    return RobustnessReport(nominal.year, model.name, model.version, settings, tuple(groups))


@dataclass
class _Tally:
    """What the runs of one group add up to, per unit row."""

    ranks: np.ndarray  # (runs, N)
    grades: np.ndarray  # (N, G) counts
    rectify: np.ndarray  # (N,)
    summon: np.ndarray


def _runs(model: ScoringModel, case: GroupCase, s: Settings, rng: np.random.Generator) -> _Tally:
    n, k, e = len(case.units), len(case.points), len(case.evaluated)
    tally = _Tally(
        np.zeros((s.runs, n), dtype=np.int32),
        np.zeros((n, len(model.grades)), dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
    )
    chunk = max(1, min(s.runs, _CELLS_PER_CHUNK // n))
    scale = 10**model.decimals
    for start in range(0, s.runs, chunk):
        size = min(chunk, s.runs - start)
        factors = rng.uniform(1 - s.weights, 1 + s.weights, (size, k)) if s.weights else None
        shift = rng.uniform(-s.evaluated, s.evaluated, (size, n, e)) if s.evaluated and e else None
        mins = None
        if s.thresholds:
            moved = rng.uniform(-s.thresholds, s.thresholds, (size, len(model.grades)))
            mins = case.grade_mins + moved * scale
        points = rescaled(case, np.ones((1, k)) if factors is None else factors)
        totals = raw_totals(case, np.broadcast_to(points, (size, k)), shift)
        found = outcomes(case, model.decimals, totals, mins)
        tally.ranks[start : start + size] = found.rank
        for g in range(len(model.grades)):
            tally.grades[:, g] += (found.grade == g).sum(axis=0)
        tally.rectify += found.rectify.sum(axis=0)
        tally.summon += found.summon.sum(axis=0)
    return tally


def _nearest_rank(ordered: np.ndarray, q: float) -> np.ndarray:
    """The q-th percentile by the nearest-rank method, per column of sorted runs."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _group(
    model: ScoringModel, case: GroupCase, group, s: Settings, rng: np.random.Generator
) -> tuple[UnitRobustness, ...]:
    tally = _runs(model, case, s, rng)
    ordered = np.sort(tally.ranks, axis=0)
    quantiles = [_nearest_rank(ordered, q).tolist() for q in (0.5, 0.05, 0.95)]
    row = {unit: r for r, unit in enumerate(case.units)}
    codes = [g.code for g in model.grades]
    kept: dict[tuple[int, str], int] = {}
    for result in group.units:
        r = row[result.unit]
        rectify, summon = _nominal_followups(result)
        kept[r, "grade"] = int(tally.grades[r, codes.index(result.grade)])
        kept[r, "rectify"] = int(tally.rectify[r] if rectify else s.runs - tally.rectify[r])
        kept[r, "summon"] = int(tally.summon[r] if summon else s.runs - tally.summon[r])
    weak = [Decision(r, d) for (r, d), runs in kept.items() if runs < ROBUST_SHARE * s.runs]
    found = dict(zip(weak, _findings(model, case, s, weak), strict=True))
    units = []
    for result in group.units:
        r = row[result.unit]
        fragile = tuple(
            _fragile(model, case, result, d, kept[d.row, d.kind], found[d])
            for d in weak
            if d.row == r
        )
        units.append(UnitRobustness(
            result, quantiles[0][r], quantiles[1][r], quantiles[2][r],
            tuple(zip(codes, tally.grades[r].tolist(), strict=True)),
            int(tally.rectify[r]), int(tally.summon[r]), fragile,
        ))  # fmt: skip
    return tuple(units)


def _findings(
    model: ScoringModel, case: GroupCase, s: Settings, weak: list[Decision]
) -> list[Finding | None]:
    if not s.weights:
        return [None] * len(weak)
    return list(sensitivity(case, model.decimals, s.weights, weak))


def _nominal_followups(result: UnitResult) -> tuple[bool, bool]:
    kinds = {t.kind for t in result.triggers}
    return "整改" in kinds, "约谈" in kinds


def _fragile(
    model: ScoringModel,
    case: GroupCase,
    result: UnitResult,
    decision: Decision,
    kept: int,
    finding: Finding | None,
) -> Fragile:
    group = model.groups[case.key]
    indicators = [ind for cat in group.categories for ind in cat.indicators]
    codes = [g.code for g in model.grades]
    rectify, summon = _nominal_followups(result)
    nominal: str | bool = (
        result.grade
        if decision.kind == "grade"
        else rectify
        if decision.kind == "rectify"
        else summon
    )
    if finding is None:  # no weights moved: the evaluated scores decide
        return Fragile(decision.kind, nominal, kept, "", "", Decimal(0), None, None)
    ind = indicators[finding.column]
    to: str | bool | None = None
    if finding.flipped_to is not None:
        to = codes[finding.flipped_to] if decision.kind == "grade" else bool(finding.flipped_to)
    return Fragile(
        decision.kind, nominal, kept, ind.id, ind.name, ind.points, finding.flip_points, to
    )
