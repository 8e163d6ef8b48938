"""A scored year as pandas DataFrames, for analysts (pandas is imported only when asked).

Figures are floats of the exact values (`Fraction`, `Decimal`); results.json rounds the same
figures half-up to four decimals. Missing values (不适用, no target, no earlier rank) are NA.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from ..scoring.scored import YearLines, YearResult

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["INDICATOR_COLUMNS", "UNIT_COLUMNS", "indicators_frame", "units_frame"]

INDICATOR_COLUMNS = [
    "group",
    "unit",
    "indicator",
    "name",
    "category",
    "value",
    "target",
    "points",
    "effective_points",
    "score",
    "not_applicable",
]
UNIT_COLUMNS = [
    "group",
    "unit",
    "total",
    "grade",
    "rank",
    "previous_rank",
    "bonus",
    "bonus_applied",
    "penalty",
    "veto",
]


def indicators_frame(result: YearResult, lines: YearLines) -> pd.DataFrame:
    """One row per (unit, indicator), units in rank order within each group.

    Each unit's exact lines are built from `lines` for its rows and not kept.
    """
    import pandas as pd

    rows = [
        (
            group.key,
            r.unit,
            ln.indicator.id,
            ln.indicator.name,
            ln.category,
            _float(ln.value),
            _float(ln.target),
            float(ln.points),
            float(ln.effective_points),
            float(ln.score),
            ln.not_applicable,
        )  # fmt: skip
        for group in result.groups.values()
        for r in group.units
        for ln in lines.unit_lines(r).indicators
    ]
    frame = pd.DataFrame.from_records(rows, columns=INDICATOR_COLUMNS)
    return frame.astype({"not_applicable": bool})


def units_frame(result: YearResult) -> pd.DataFrame:
    """One row per unit, in rank order within each group."""
    import pandas as pd

    units = [r for group in result.groups.values() for r in group.units]
    return pd.DataFrame(
        {
            "group": pd.Series([r.group for r in units], dtype=object),
            "unit": pd.Series([r.unit for r in units], dtype=object),
            "total": pd.Series([float(r.total) for r in units], dtype=float),
            "grade": pd.Series([r.grade for r in units], dtype=object),
            "rank": pd.Series([r.rank for r in units], dtype="int64"),
            "previous_rank": pd.array([r.previous_rank for r in units], dtype="Int64"),
            "bonus": pd.Series([float(r.bonus) for r in units], dtype=float),
            "bonus_applied": pd.Series([float(r.bonus_capped) for r in units], dtype=float),
            "penalty": pd.Series([float(r.penalty) for r in units], dtype=float),
            "veto": pd.Series([r.veto for r in units], dtype=bool),
        },
        columns=UNIT_COLUMNS,
    )


def _float(x: Fraction | Decimal | None) -> float:
    return math.nan if x is None else float(x)
