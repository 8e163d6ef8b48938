"""The scoring rules over whole columns (numpy float64), for speed at national scale.

Each function mirrors its exact twin in `rules.py` branch for branch, with the same
signature over a column: values (NaN: no value), target, points, parameters, direction.
`ruletable.RULES` pairs the twins and `tests/test_differential.py` holds them together.
Totals computed here are rounded only where the binary result is safely away from a
rounding boundary; the engine recomputes the rest exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .redistribution import category_factors

__all__ = [
    "ColumnRule",
    "deduct",
    "effective_points",
    "evaluated",
    "linear",
    "rank",
    "ratio",
    "relative",
    "rule_vector",
    "threshold",
]

# (values, target, points, params, higher_is_better) → scores on the indicator's own points
ColumnRule = Callable[[np.ndarray, float | None, float, dict[str, float], bool], np.ndarray]


def _clamp(x: np.ndarray, points: float) -> np.ndarray:
    return np.clip(x, 0.0, points)


def rule_vector(
    rule: ColumnRule,
    v: np.ndarray,
    target: float | None,
    points: float,
    params: dict[str, float],
    higher: bool,
) -> np.ndarray:
    """Scores on the indicator's own points for a column of values (NaN stays NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = rule(v, target, points, params, higher)
    return np.where(np.isnan(v), np.nan, out)


def threshold(v, t, p, params, higher):
    met = v >= t if higher else v <= t
    return np.where(met, p, 0.0)


def linear(v, t, p, params, higher):
    f = params["floor"]
    if higher:
        inside = _clamp(p * (v - f) / (t - f), p)
        return np.where(v >= t, p, np.where(v <= f, 0.0, inside))
    inside = _clamp(p * (f - v) / (f - t), p)
    return np.where(v <= t, p, np.where(v >= f, 0.0, inside))


def ratio(v, t, p, params, higher):
    if higher:
        return np.where(v <= 0, 0.0, np.where(v >= t, p, _clamp(p * v / t, p)))
    if t <= 0:
        return np.where(v <= t, p, 0.0)
    return np.where(v <= t, p, _clamp(p * t / v, p))


def deduct(v, t, p, params, higher):
    gap = t - v if higher else v - t
    return _clamp(p - params["deduct"] * np.maximum(gap, 0.0) / params["per"], p)


def evaluated(v, t, p, params, higher):
    return _clamp(v, p)


def rank(v, t, p, params, higher):
    present = np.sort(v[~np.isnan(v)])
    if higher:
        better = len(present) - np.searchsorted(present, v, side="right")
    else:
        better = np.searchsorted(present, v, side="left")
    return _clamp(np.maximum(params["floor"], p - params["step"] * better), p)


def relative(v, t, p, params, higher):
    present = v[~np.isnan(v)]
    if not len(present):
        return np.full_like(v, np.nan)
    if higher:
        best = np.maximum(present.max(), v)
        return np.where(best <= 0, 0.0, _clamp(p * np.maximum(v, 0.0) / best, p))
    best = np.minimum(present.min(), v)
    return np.where(v <= best, p, np.where(best <= 0, 0.0, _clamp(p * best / v, p)))


def effective_points(
    applicable: np.ndarray, points: np.ndarray, category: np.ndarray, category_points: np.ndarray
) -> np.ndarray:
    """不适用: points per unit and indicator after redistribution (`category_factors`).

    `applicable` (N, K) bool; `points` (K,); `category` (K,) category index of each indicator;
    `category_points` (C,).
    """
    weights = applicable * points
    held = [weights[:, category == c].sum(axis=1) for c in range(len(category_points))]
    factors = np.column_stack(category_factors(held, category_points.tolist()))
    return weights * factors[:, category]
