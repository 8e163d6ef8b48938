"""History follows the unit across a rename: another year's results under this year's names.

A year is scored under the unit names in force in it (`model.names.model_for_year`); before an
earlier year is compared with it (previous rank, consecutive-year follow-ups, the reports'
trend), its units are renamed to the names they have in the later year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..model.names import renamed_between
from ..model.schema import ScoringModel
from .scored import GroupResult, YearResult

__all__ = ["history_in_names", "in_names_of"]


def in_names_of(model: ScoringModel, result: YearResult, year: int) -> YearResult:
    """`result` (of its own year, under that year's names) with each unit under its name in
    `year`; the result itself when no unit was renamed in between."""
    renamed = renamed_between(model, result.year, year)
    if not renamed or not any(r.unit in renamed for g in result.groups.values() for r in g.units):
        return result
    groups = {
        key: GroupResult(
            g.key,
            g.name,
            tuple(replace(r, unit=renamed[r.unit]) if r.unit in renamed else r for r in g.units),
        )
        for key, g in result.groups.items()
    }
    return YearResult(result.year, groups, result.previous_year)


def history_in_names(
    model: ScoringModel, history: Mapping[int, YearResult], year: int
) -> dict[int, YearResult]:
    """Every year of `history` under the unit names in force in `year`."""
    return {y: in_names_of(model, r, year) for y, r in history.items()}
