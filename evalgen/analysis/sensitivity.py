"""One-at-a-time sensitivity: the indicator whose points a decision hangs on, and where it flips.

Each indicator's points are moved alone (the others nominal, its category keeping its points)
over a grid within ±`weights`; the first grid point where a decision differs from the nominal
one brackets the flip, and bisection narrows it. Every step scores the whole group, as 整改
depends on the other units' totals too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenarios import GroupCase, Outcomes, outcomes, raw_totals, rescaled

__all__ = ["Decision", "Finding", "sensitivity"]

_GRID = 8  # grid points on each side of the nominal points
_STEPS = 14  # bisection steps: the bracket shrinks to weights / (8 · 2^14)


@dataclass(frozen=True)
class Decision:
    """A unit's decision: `kind` is grade, rectify (整改) or summon (约谈)."""

    row: int
    kind: str


@dataclass(frozen=True)
class Finding:
    """The indicator (column) a decision is most sensitive to, and its flip if within range.

    `flip_points` is the indicator's points (after its category is rescaled) at the flip;
    `flipped_to` the decision's value there (a grade index, or a bool).
    """

    column: int
    flip_points: float | None
    flipped_to: int | None


def _value(found: Outcomes, decision: Decision) -> np.ndarray:
    array = {"grade": found.grade, "rectify": found.rectify, "summon": found.summon}
    return array[decision.kind][:, decision.row].astype(np.int64)


def _score(case: GroupCase, decimals: int, factors: np.ndarray) -> Outcomes:
    return outcomes(case, decimals, raw_totals(case, rescaled(case, factors), None))


def sensitivity(
    case: GroupCase, decimals: int, weights: float, decisions: list[Decision]
) -> list[Finding]:
    """A finding for each decision (weights > 0; all decisions of one group)."""
    if not decisions:
        return []
    k = len(case.points)
    steps = weights * np.arange(1, _GRID + 1) / _GRID  # (G,)
    factors = np.ones((k, 2, _GRID, k))
    for col in range(k):
        factors[col, 0, :, col] = 1 + steps
        factors[col, 1, :, col] = 1 - steps
    grid = _score(case, decimals, factors.reshape(-1, k))
    nominal = _score(case, decimals, np.ones((1, k)))
    brackets, findings = [], []
    for decision in decisions:
        base = _value(nominal, decision)[0]
        values = _value(grid, decision).reshape(k, 2, _GRID)
        flipped = values != base
        first = np.where(flipped.any(axis=2), flipped.argmax(axis=2), _GRID)  # (K, 2)
        j = int(first.min())
        if j == _GRID:  # no single indicator flips it: the one that moves its total most
            moved = np.abs(grid.cents[:, decision.row] - nominal.cents[0, decision.row])
            findings.append(Finding(int(moved.reshape(k, -1).max(axis=1).argmax()), None, None))
            continue
        low = 0.0 if j == 0 else float(steps[j - 1])
        for col, side in zip(*np.nonzero(first == j), strict=True):  # ties: bisect each
            sign = 1.0 if side == 0 else -1.0
            flip = int(values[col, side, j])
            brackets.append((len(findings), decision, int(col), sign, low, float(steps[j]), flip))
        findings.append(Finding(-1, None, None))
    return _bisect(case, decimals, brackets, findings)


def _bisect(case, decimals, brackets, findings) -> list[Finding]:
    """Narrow every bracket (finding, decision, column, sign, unflipped, flipped, value) at
    once; each decision keeps the column that flips it with the smallest change."""
    if not brackets:
        return findings
    k = len(case.points)
    low = np.array([b[4] for b in brackets])
    high = np.array([b[5] for b in brackets])
    to = np.array([b[6] for b in brackets])
    rows = np.arange(len(brackets))
    cols = [b[2] for b in brackets]
    signs = np.array([b[3] for b in brackets])
    nominal = _score(case, decimals, np.ones((1, k)))
    base = np.array([_value(nominal, b[1])[0] for b in brackets])
    for _ in range(_STEPS):
        mid = (low + high) / 2
        factors = np.ones((len(brackets), k))
        factors[rows, cols] = 1 + signs * mid
        found = _score(case, decimals, factors)
        value = np.array([_value(found, b[1])[i] for i, b in enumerate(brackets)])
        flipped = value != base
        high = np.where(flipped, mid, high)
        low = np.where(flipped, low, mid)
        to = np.where(flipped, value, to)
    factors = np.ones((len(brackets), k))
    factors[rows, cols] = 1 + signs * high
    points = rescaled(case, factors)
    best: dict[int, int] = {}
    for i, b in enumerate(brackets):  # the first of equal changes: the model's order
        if b[0] not in best or high[i] < high[best[b[0]]]:
            best[b[0]] = i
    for index, i in best.items():
        findings[index] = Finding(cols[i], float(points[i, cols[i]]), int(to[i]))
    return findings
