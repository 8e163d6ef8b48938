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
        col, side = (int(i) for i in np.unravel_index(int(np.argmin(first)), first.shape))
        j = int(first[col, side])
        if j == _GRID:  # no single indicator flips it: the one that moves its total most
            moved = np.abs(grid.cents[:, decision.row] - nominal.cents[0, decision.row])
            findings.append(Finding(int(moved.reshape(k, -1).max(axis=1).argmax()), None, None))
            continue
        sign = 1.0 if side == 0 else -1.0
        low = 0.0 if j == 0 else float(steps[j - 1])
        brackets.append((len(findings), decision, int(col), sign, low, float(steps[j])))
        findings.append(Finding(int(col), None, int(values[col, side, j])))
    return _bisect(case, decimals, brackets, findings)


def _bisect(case, decimals, brackets, findings) -> list[Finding]:
    """Narrow every bracket (index, decision, column, sign, unflipped, flipped) at once."""
    if not brackets:
        return findings
    k = len(case.points)
    low = np.array([b[4] for b in brackets])
    high = np.array([b[5] for b in brackets])
    to = np.array([findings[b[0]].flipped_to for b in brackets])
    rows = np.arange(len(brackets))
    nominal = _score(case, decimals, np.ones((1, k)))
    base = np.array([_value(nominal, b[1])[0] for b in brackets])
    for _ in range(_STEPS):
        mid = (low + high) / 2
        factors = np.ones((len(brackets), k))
        factors[rows, [b[2] for b in brackets]] = 1 + np.array([b[3] for b in brackets]) * mid
        found = _score(case, decimals, factors)
        value = np.array([_value(found, b[1])[i] for i, b in enumerate(brackets)])
        flipped = value != base
        high = np.where(flipped, mid, high)
        low = np.where(flipped, low, mid)
        to = np.where(flipped, value, to)
    factors = np.ones((len(brackets), k))
    factors[rows, [b[2] for b in brackets]] = 1 + np.array([b[3] for b in brackets]) * high
    points = rescaled(case, factors)
    for i, b in enumerate(brackets):
        findings[b[0]] = Finding(b[2], float(points[i, b[2]]), int(to[i]))
    return findings
