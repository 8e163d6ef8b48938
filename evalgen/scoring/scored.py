"""What scoring gives: frozen results per unit, group and year, and the year's exact view.

A `YearResult` holds totals, grades, ranks, adjustments and follow-ups: small, and all an
earlier year is kept for. The exact indicator lines a person reads come from the `YearLines`
that `score_year` returns beside it: it builds a unit's `UnitLines` when asked and keeps
none, so a national year's lines are never all in memory. It holds the year's inputs; whoever
holds it decides how long they live.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from ..inputs.year import Source
from ..model.schema import Indicator
from .exact import ExactGroup
from .lines import IndicatorScore

if TYPE_CHECKING:
    from .followups import FollowUp

__all__ = [
    "AdjustmentLine",
    "FloorMiss",
    "GroupResult",
    "UnitLines",
    "UnitResult",
    "YearLines",
    "YearResult",
]

_ZERO = Fraction(0)
_RANK = attrgetter("rank")


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


class FloorMiss(NamedTuple):
    """底线指标: a safety-floor indicator whose value fell short of the year's target."""

    indicator: Indicator
    value: Fraction
    target: Decimal


@dataclass(frozen=True, slots=True)
class UnitResult:
    """A unit's result: total, grade, rank, adjustments, follow-ups (exact lines: `YearLines`)."""

    unit: str
    group: str
    adjustments: tuple[AdjustmentLine, ...]
    bonus: Fraction
    bonus_capped: Fraction
    penalty: Fraction
    total: Decimal
    grade: str
    grade_name: str
    veto: bool
    rank: int
    previous_rank: int | None = None
    triggers: tuple[FollowUp, ...] = ()
    floor_misses: tuple[FloorMiss, ...] = ()

    @property
    def rank_change(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass(frozen=True)
class GroupResult:
    """A group's units in rank order (ties in the model's unit order)."""

    key: str
    name: str
    units: tuple[UnitResult, ...]

    def worse_than(self, rank: int) -> int:
        """How many units of the group rank strictly below `rank`."""
        return len(self.units) - bisect.bisect_right(self.units, rank, key=_RANK)

    def sharing(self, rank: int) -> int:
        """How many units of the group hold `rank`."""
        return bisect.bisect_right(self.units, rank, key=_RANK) - bisect.bisect_left(
            self.units, rank, key=_RANK
        )


@dataclass(frozen=True)
class YearResult:
    """Everything ranked for a year: each group's results, found by unit name too."""

    year: int
    groups: Mapping[str, GroupResult]
    previous_year: int | None = None
    # The city's value of each milestone (`progress.annual`), by year up to this one, as
    # `pipeline.evaluate` keeps it from each year's inputs; None where not computed.
    city: Mapping[int, Mapping[str, Decimal]] | None = field(default=None, compare=False)
    _by_unit: Mapping[str, UnitResult] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_unit = {r.unit: r for g in self.groups.values() for r in g.units}
        object.__setattr__(self, "_by_unit", by_unit)  # derived once, as the year is made

    def unit(self, name: str) -> UnitResult | None:
        return self._by_unit.get(name)


@dataclass(frozen=True)
class UnitLines:
    """A unit's exact indicator lines, beside its result; made by `YearLines.unit_lines`."""

    result: UnitResult
    indicators: tuple[IndicatorScore, ...]
    notes: tuple[str, ...]  # whole categories that did not apply, and where their points went
    base: Fraction  # the exact sum of the indicator scores

    @property
    def exact_total(self) -> Fraction:
        r = self.result
        return max(_ZERO, self.base + r.bonus_capped - r.penalty)


@dataclass(frozen=True)
class YearLines:
    """The exact view of a scored year: any unit's lines, built on demand and never kept."""

    year: int
    groups: Mapping[str, ExactGroup]

    def unit_lines(self, result: UnitResult) -> UnitLines:
        indicators, notes = self.groups[result.group].unit_lines(result.unit)
        base = sum((ln.score for ln in indicators), _ZERO)
        return UnitLines(result, tuple(indicators), tuple(notes), base)
