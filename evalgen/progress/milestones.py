"""The road to the plan's milestones (二、目标任务): the city's value by year, the yearly
improvement still needed to reach the next milestone, and whether it is on track.

`reach` (到节点年份达到): next = the first numeric target in or after the period's year; from the
latest annual value a (year y) the required yearly improvement is (T − a) / (Y − y). On track
when a ≥ T already, or when the yearly trend so far, (a − first) / (y − first year), is at least
the required improvement; with a single year's value and a < T the trend is unknown: at risk.
`hold` (每年保持): on track when the latest annual value reaches that year's target and the
value so far this year (if any) reaches this year's.
Values are rounded half-up to 2 places when combined; the arithmetic is on those values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ..inputs.records import Figure
from ..model.progress_schema import Milestone
from ..numbers import round_half_up
from .period import Period

__all__ = [
    "AT_RISK",
    "NO_DATA",
    "NO_TARGET",
    "ON_TRACK",
    "MilestoneView",
    "city_values",
    "combine",
    "milestone_view",
    "year_end_view",
]

ON_TRACK, AT_RISK, NO_DATA, NO_TARGET = "有望按期实现", "存在风险", "暂无数据", "无数值目标"


@dataclass(frozen=True)
class MilestoneView:
    """One milestone for the city: values by year, the next target and what it takes."""

    milestone: Milestone
    annual: dict[int, Decimal]
    so_far: Decimal | None
    target_year: int | None
    target: Decimal | None
    required: Decimal | None  # yearly improvement still needed (reach)
    trend: Decimal | None  # yearly change so far (reach, two years or more)
    status: str
    notes: list[str] = field(default_factory=list)


def combine(values: list[Decimal], method: str) -> Decimal | None:
    """The units' values combined by the declared method (mean, sum, min), to 2 places."""
    if not values:
        return None
    if method == "sum":
        exact = sum((Fraction(v) for v in values), Fraction(0))
    elif method == "min":
        exact = Fraction(min(values))
    else:
        exact = sum((Fraction(v) for v in values), Fraction(0)) / len(values)
    return round_half_up(exact, 2)


def unit_value(milestone: Milestone, figures: dict[str, dict[str, Figure]]) -> Decimal | None:
    """The milestone's source indicator over the units that report it, combined."""
    ind = milestone.source.indicator
    values = [f[ind].value for f in figures.values() if ind in f and f[ind].value is not None]
    return combine([v for v in values if v is not None], milestone.source.method)


def city_values(
    milestones: list[Milestone], figures: dict[str, dict[str, Figure]]
) -> dict[str, Decimal]:
    """A year's city value of every milestone taken from the units' figures (`unit_value`),
    by milestone id; a milestone from the city table, or that no unit reports, is left out.

    A few numbers per year: what an annual run keeps of each year's inputs for the milestones.
    """
    out = {}
    for milestone in milestones:
        if milestone.source.indicator is not None:
            value = unit_value(milestone, figures)
            if value is not None:
                out[milestone.id] = value
    return out


def year_end_view(milestone: Milestone, annual: dict[int, Decimal], year: int) -> MilestoneView:
    """The view once `year`'s figures are final (the annual 通报): values up to and including
    `year`, the next milestone after it — the view from the first quarter of the next year,
    with nothing reported in that year yet."""
    known = {y: v for y, v in annual.items() if y <= year}
    return milestone_view(milestone, known, None, Period(year + 1, "Q", 1))


def milestone_view(
    milestone: Milestone, annual: dict[int, Decimal], so_far: Decimal | None, period: Period
) -> MilestoneView:
    """The view of one milestone at `period` from its annual values and the value so far."""
    annual = {y: v for y, v in sorted(annual.items()) if y < period.year}
    if milestone.kind == "hold":
        return _hold(milestone, annual, so_far, period)
    ahead = sorted(y for y in milestone.targets if y >= period.year)
    if not ahead:
        return MilestoneView(milestone, annual, so_far, None, None, None, None, NO_TARGET)
    year = ahead[0]
    target = milestone.targets[year]
    if not annual:
        return MilestoneView(milestone, annual, so_far, year, target, None, None, NO_DATA)
    last_year, last = max(annual.items())
    first_year, first = min(annual.items())
    required = max(Fraction(0), (Fraction(target) - Fraction(last)) / (year - last_year))
    trend = None
    if last_year > first_year:
        trend = (Fraction(last) - Fraction(first)) / (last_year - first_year)
    on_track = last >= target or (trend is not None and trend >= required)
    return MilestoneView(
        milestone,
        annual,
        so_far,
        year,
        target,
        round_half_up(required, 2),
        None if trend is None else round_half_up(trend, 2),
        ON_TRACK if on_track else AT_RISK,
    )


def held_target(milestone: Milestone, year: int) -> Decimal | None:
    """The target in force in `year`: the latest milestone at or before it (else the first)."""
    years = sorted(milestone.targets)
    if not years:
        return None
    before = [y for y in years if y <= year]
    return milestone.targets[before[-1] if before else years[0]]


def _hold(
    milestone: Milestone, annual: dict[int, Decimal], so_far: Decimal | None, period: Period
) -> MilestoneView:
    target = held_target(milestone, period.year)
    if target is None:
        return MilestoneView(milestone, annual, so_far, None, None, None, None, NO_TARGET)
    if not annual and so_far is None:
        return MilestoneView(milestone, annual, so_far, period.year, target, None, None, NO_DATA)
    missed = [y for y, v in annual.items() if v < (held_target(milestone, y) or v)]
    if so_far is not None and so_far < target:
        missed.append(period.year)
    notes = [f"{y}年低于当年目标" for y in missed]
    recent = max(annual) if annual else None
    at_risk = (so_far is not None and so_far < target) or (recent is not None and recent in missed)
    status = AT_RISK if at_risk else ON_TRACK
    return MilestoneView(milestone, annual, so_far, period.year, target, None, None, status, notes)
