"""Scoring rules (计分规则): pure functions on exact Fractions.

What each rule is called, its parameters and how it is described live in `ruletable.RULES`;
the numpy twins of these functions are in `vectorized`.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "Peers",
    "RuleInput",
    "deduct",
    "evaluated",
    "linear",
    "peers_of",
    "rank",
    "ratio",
    "relative",
    "threshold",
]

_ZERO = Fraction(0)


class Peers:
    """A group's values for one indicator, sorted once, so rank and best are cheap to ask."""

    __slots__ = ("_sorted",)

    def __init__(self, values) -> None:
        # Sort on the binary value first (fast), the exact value only breaks its ties.
        self._sorted = sorted(values, key=_fast_key)

    def __len__(self) -> int:
        return len(self._sorted)

    def __iter__(self):
        return iter(self._sorted)

    def count_better(self, value: Fraction, higher_is_better: bool) -> int:
        """How many peers are strictly better than `value`."""
        if higher_is_better:
            return len(self._sorted) - bisect.bisect_right(self._sorted, value)
        return bisect.bisect_left(self._sorted, value)

    def best(self, value: Fraction, higher_is_better: bool) -> Fraction:
        """The best of the peers and `value`."""
        if not self._sorted:
            return value
        if higher_is_better:
            return max(self._sorted[-1], value)
        return min(self._sorted[0], value)


def _fast_key(value: Fraction) -> tuple[float, Fraction]:
    return (float(value), value)


def peers_of(inp: RuleInput) -> Peers:
    """The input's peers as `Peers` (sorted once), however they were given."""
    return inp.peers if isinstance(inp.peers, Peers) else Peers(inp.peers)


@dataclass(frozen=True)
class RuleInput:
    """What a rule sees for one unit and indicator.

    ``peers`` holds the values of every unit in the group that has a value for the indicator,
    this unit included; only ``rank`` and ``relative`` use it.
    """

    value: Fraction
    target: Fraction | None
    points: Fraction
    params: Mapping[str, Fraction]
    higher_is_better: bool
    peers: tuple[Fraction, ...] | Peers


def threshold(inp: RuleInput) -> Fraction:
    """达标制: full points when the target is met, else 0."""
    target = _target(inp)
    met = inp.value >= target if inp.higher_is_better else inp.value <= target
    return inp.points if met else _ZERO


def linear(inp: RuleInput) -> Fraction:
    """线性: full points at the target, 0 at or beyond ``floor``, linear in between."""
    target, floor = _target(inp), inp.params["floor"]
    if inp.higher_is_better:
        if inp.value >= target:
            return inp.points
        if inp.value <= floor:
            return _ZERO
        return _clamp(inp.points * (inp.value - floor) / (target - floor), inp.points)
    if inp.value <= target:
        return inp.points
    if inp.value >= floor:
        return _ZERO
    return _clamp(inp.points * (floor - inp.value) / (floor - target), inp.points)


def ratio(inp: RuleInput) -> Fraction:
    """比例: points × min(1, value/target), or target/value when lower is better."""
    target = _target(inp)
    if inp.higher_is_better:
        if inp.value <= 0:
            return _ZERO
        if inp.value >= target:
            return inp.points
        return _clamp(inp.points * inp.value / target, inp.points)
    if inp.value <= target:
        return inp.points
    if target <= 0:
        return _ZERO
    return _clamp(inp.points * target / inp.value, inp.points)


def deduct(inp: RuleInput) -> Fraction:
    """扣完为止: ``deduct`` points per ``per`` of shortfall, in proportion, never below 0."""
    target = _target(inp)
    gap = target - inp.value if inp.higher_is_better else inp.value - target
    shortfall = max(_ZERO, gap)
    return _clamp(inp.points - inp.params["deduct"] * shortfall / inp.params["per"], inp.points)


def evaluated(inp: RuleInput) -> Fraction:
    """评审打分: the value is the assessment team's score, kept within [0, points]."""
    return _clamp(inp.value, inp.points)


def rank(inp: RuleInput) -> Fraction:
    """排名赋分: first gets full points, then ``step`` less per place, never below ``floor``."""
    better = peers_of(inp).count_better(inp.value, inp.higher_is_better)
    score = max(inp.params["floor"], inp.points - inp.params["step"] * better)
    return _clamp(score, inp.points)


def relative(inp: RuleInput) -> Fraction:
    """比较法: the group's best value gets full points, the others in proportion to it."""
    best = peers_of(inp).best(inp.value, inp.higher_is_better)
    if inp.higher_is_better:
        if best <= 0:
            return _ZERO
        return _clamp(inp.points * max(_ZERO, inp.value) / best, inp.points)
    if inp.value <= best:
        return inp.points
    if best <= 0:
        return _ZERO
    return _clamp(inp.points * best / inp.value, inp.points)


def _target(inp: RuleInput) -> Fraction:
    if inp.target is None:
        raise ValueError("this rule needs a target")
    return inp.target


def _clamp(score: Fraction, points: Fraction) -> Fraction:
    return min(points, max(_ZERO, score))
