"""Scoring rules (计分规则): pure functions on exact Fractions, plus half-up rounding."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..numbers import fmt_number

__all__ = [
    "NEEDS_TARGET",
    "Peers",
    "REQUIRED_PARAMS",
    "RULES",
    "RULE_LABELS",
    "RuleInput",
    "deduct",
    "describe",
    "evaluated",
    "linear",
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


def _peers(inp: RuleInput) -> Peers:
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
    better = _peers(inp).count_better(inp.value, inp.higher_is_better)
    score = max(inp.params["floor"], inp.points - inp.params["step"] * better)
    return _clamp(score, inp.points)


def relative(inp: RuleInput) -> Fraction:
    """比较法: the group's best value gets full points, the others in proportion to it."""
    best = _peers(inp).best(inp.value, inp.higher_is_better)
    if inp.higher_is_better:
        if best <= 0:
            return _ZERO
        return _clamp(inp.points * max(_ZERO, inp.value) / best, inp.points)
    if inp.value <= best:
        return inp.points
    if best <= 0:
        return _ZERO
    return _clamp(inp.points * best / inp.value, inp.points)


RULES: dict[str, Callable[[RuleInput], Fraction]] = {
    "threshold": threshold,
    "linear": linear,
    "ratio": ratio,
    "deduct": deduct,
    "evaluated": evaluated,
    "rank": rank,
    "relative": relative,
}

RULE_LABELS: dict[str, str] = {
    "threshold": "达标制",
    "linear": "线性",
    "ratio": "比例",
    "deduct": "扣完为止",
    "evaluated": "评审打分",
    "rank": "排名赋分",
    "relative": "比较法",
}

REQUIRED_PARAMS: dict[str, frozenset[str]] = {
    "threshold": frozenset(),
    "linear": frozenset({"floor"}),
    "ratio": frozenset(),
    "deduct": frozenset({"per", "deduct"}),
    "evaluated": frozenset(),
    "rank": frozenset({"step", "floor"}),
    "relative": frozenset(),
}

NEEDS_TARGET: frozenset[str] = frozenset({"threshold", "linear", "ratio", "deduct"})


def describe(
    rule: str,
    params: Mapping[str, Fraction | Decimal],
    target: Fraction | Decimal | None,
    measure: str,
    higher_is_better: bool,
) -> str:
    """The rule as applied, as one short Chinese sentence for reports."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    if rule in NEEDS_TARGET and target is None:
        raise ValueError(f"rule {rule!r} needs a target")

    def amount(x: Fraction | Decimal) -> str:
        return fmt_number(x) + measure

    goal = "" if target is None else amount(target)
    if rule == "threshold":
        verb = "达到" if higher_is_better else "不高于"
        return f"{verb}目标值{goal}得满分，否则不得分"
    if rule == "linear":
        verb, beyond = ("达到", "低于") if higher_is_better else ("不高于", "高于")
        return f"{verb}目标值{goal}得满分，{beyond}{amount(params['floor'])}不得分，其间按线性计分"
    if rule == "ratio":
        if higher_is_better:
            return "按完成值与目标值之比计分，最高满分"
        return f"不高于目标值{goal}得满分，高于时按目标值与完成值之比计分"
    if rule == "deduct":
        per = fmt_number(params["per"]) + ("个百分点" if measure == "%" else measure)
        direction = "低于" if higher_is_better else "高于"
        return f"每{direction}目标值{per}扣{fmt_number(params['deduct'])}分，扣完为止"
    if rule == "evaluated":
        return "由考核组评审打分"
    if rule == "rank":
        return (
            f"按组内排名赋分：第1名满分，每降1名减{fmt_number(params['step'])}分，"
            f"最低{fmt_number(params['floor'])}分"
        )
    return "组内最优者得满分，其余按与最优值之比计分"


def _target(inp: RuleInput) -> Fraction:
    if inp.target is None:
        raise ValueError("this rule needs a target")
    return inp.target


def _clamp(score: Fraction, points: Fraction) -> Fraction:
    return min(points, max(_ZERO, score))
