"""不适用 (N/A): where the points of indicators that do not apply go. One definition, two uses.

A category's points go to its applicable indicators in proportion to their points; a
category with no applicable indicator gives its points to the other categories, in
proportion to theirs. `category_factors` says this once; it runs on exact `Fraction`s for
one unit (`exact.ExactGroup`) and on float64 columns for a whole group at once
(`vectorized.effective_points`), so both paths share the arithmetic, not only the idea.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any, overload

import numpy as np

__all__ = ["category_factors"]


@overload
def category_factors(
    applicable: Sequence[Fraction], category_points: Sequence[Fraction]
) -> list[Fraction]: ...
@overload
def category_factors(
    applicable: Sequence[np.ndarray], category_points: Sequence[float]
) -> list[np.ndarray]: ...


# One body for both signatures above: the same operators on `Fraction`s (one unit) and on
# float64 columns (one value per unit), so the arithmetic is typed by the overloads.
def category_factors(applicable: Sequence[Any], category_points: Sequence[Any]) -> list[Any]:
    """Effective points ÷ points for the indicators of each category.

    `applicable[c]` is the sum of the points of the unit's applicable indicators in
    category c (0 when none applies); `category_points[c]` is the category's points.
    An indicator's effective points are its points × its category's factor.
    """
    held = [a > 0 for a in applicable]
    kept = sum(p * h for p, h in zip(category_points, held, strict=True))
    # Where nothing applies at all every factor is 0, so any non-zero divisor will do;
    # `x + (x == 0)` keeps the same expression exact on Fractions and whole on columns.
    scale = sum(category_points) / (kept + (kept == 0))
    return [
        p * h / (a + (a == 0)) * scale
        for p, h, a in zip(category_points, held, applicable, strict=True)
    ]
