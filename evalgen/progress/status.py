"""Where an indicator should be at a point of the year, and how far behind a value is.

Exact arithmetic (`Fraction`) throughout; the shortfall is a fraction of the expected level.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ..model.progress_schema import InYear, Thresholds
from ..model.schema import Indicator
from .period import Period

__all__ = ["NORMAL", "SERIOUS", "STATUSES", "LAGGING", "expected_level", "shortfall", "status_of"]

NORMAL, LAGGING, SERIOUS = "正常", "滞后", "严重滞后"
STATUSES = (NORMAL, LAGGING, SERIOUS)


def expected_level(follow: InYear, target: Decimal, period: Period) -> Fraction:
    """The level expected at the period's end: the target itself for a rate; for a count,
    target × the declared schedule's fraction, or × the elapsed fraction of the year."""
    if follow.in_year == "rate":
        return Fraction(target)
    key = period.schedule_key
    if key is not None and follow.schedule and key in follow.schedule:
        return Fraction(target) * Fraction(follow.schedule[key])
    return Fraction(target) * period.elapsed


def shortfall(value: Decimal, expected: Fraction, direction: str) -> Fraction | None:
    """How far `value` is behind `expected`, as a fraction of it (0 when on or ahead).

    None when the expected level is 0 and the value misses it (no fraction of 0: the gap is
    then always the worst status)."""
    gap = expected - Fraction(value) if direction == "higher" else Fraction(value) - expected
    if gap <= 0:
        return Fraction(0)
    if expected == 0:
        return None
    return gap / abs(expected)


def status_of(short: Fraction | None, thresholds: Thresholds) -> str:
    """正常 up to `lagging`, 滞后 up to `serious`, 严重滞后 beyond (or with no fraction)."""
    if short is None:
        return SERIOUS
    if short <= Fraction(thresholds.lagging):
        return NORMAL
    if short <= Fraction(thresholds.serious):
        return LAGGING
    return SERIOUS


def follows(indicator: Indicator, follow: InYear | None) -> bool:
    """Whether the indicator is followed in-year (declared, and not `none`)."""
    return follow is not None and follow.in_year != "none" and indicator.source == "value"
