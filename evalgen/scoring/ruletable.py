"""The scoring rules (计分规则), each declared once: the table the rest of evalgen reads.

A rule's entry gives its name and Chinese label, its parameters and the values they may take,
whether it needs a year's target or the group's values (peers), its exact function
(`rules`, on Fractions), its vectorized twin (`vectorized`, on float64 columns) and the
sentence that describes it in reports. Adding a rule is one entry here, its two functions
and their tests (`tests/test_rules.py`, `tests/test_differential.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal, NamedTuple

from ..model.schema import Indicator
from ..numbers import fmt_number
from . import rules, vectorized
from .rules import RuleInput, peers_of
from .vectorized import ColumnRule

__all__ = ["RULES", "Bound", "Param", "Rule", "Wording", "describe"]

Bound = Literal["positive", "non_negative", "within_points", "beyond_targets"]
"""The values a parameter may take: > 0; ≥ 0; from 0 to the indicator's points; on the
losing side of every target (below each when higher is better, above each when lower)."""


@dataclass(frozen=True)
class Param:
    """A rule parameter (every parameter a rule declares is required) and its bound."""

    name: str
    bound: Bound

    def problems(self, value: Decimal, ind: Indicator) -> list[str]:
        """What is wrong with `value` as this parameter of `ind`, in Chinese (empty: nothing)."""
        if self.bound == "positive":
            return [] if value > 0 else [f"{self.name} 应大于0"]
        if self.bound == "non_negative":
            return [] if value >= 0 else [f"{self.name} 不能为负数"]
        if self.bound == "within_points":
            ok = 0 <= value <= ind.points
            return [] if ok else [f"{self.name} 应在0至该指标分值{ind.points}之间"]
        higher = ind.direction == "higher"
        side = "低于" if higher else "高于"
        return [
            f"零分线{value}应{side}{year}年目标值{target}"
            for year, target in ind.targets.items()
            if (value >= target if higher else value <= target)
        ]


class Wording(NamedTuple):
    """What a rule's sentence is made of: parameters, target, measure and direction."""

    params: Mapping[str, Fraction | Decimal]
    target: Fraction | Decimal | None
    measure: str
    higher: bool

    def amount(self, x: Fraction | Decimal) -> str:
        return fmt_number(x) + self.measure

    @property
    def goal(self) -> str:
        return "" if self.target is None else self.amount(self.target)

    def param(self, name: str) -> str:
        return fmt_number(self.params[name])


@dataclass(frozen=True)
class Rule:
    """One scoring rule: everything evalgen knows about it, in one place."""

    name: str
    label: str  # Chinese, as reports show it
    exact: Callable[[RuleInput], Fraction]
    vectorized: ColumnRule
    sentence: Callable[[Wording], str]  # the rule as applied, for reports
    params: tuple[Param, ...] = ()
    needs_target: bool = False
    value_is_score: bool = False  # the value is itself the score (so `max` ≤ points)
    # The score depends on the other units' values (rank, relative): both paths are given the
    # group's column, and `peer_detail` says what decided the score (rank, best value).
    needs_peers: bool = False
    peer_detail: Callable[[RuleInput, Fraction, str], str] | None = None

    def __post_init__(self) -> None:
        if self.needs_peers != (self.peer_detail is not None):
            raise ValueError(
                f"rule {self.name}: a rule needs peers exactly when it has peer_detail"
            )

    @property
    def param_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.params)

    def describe(
        self,
        params: Mapping[str, Fraction | Decimal],
        target: Fraction | Decimal | None,
        measure: str,
        higher_is_better: bool,
    ) -> str:
        """The rule as applied, as one short Chinese sentence for reports."""
        if self.needs_target and target is None:
            raise ValueError(f"rule {self.name!r} needs a target")
        return self.sentence(Wording(params, target, measure, higher_is_better))


def describe(
    rule: str,
    params: Mapping[str, Fraction | Decimal],
    target: Fraction | Decimal | None,
    measure: str,
    higher_is_better: bool,
) -> str:
    """`RULES[rule].describe(…)`, refusing an unknown rule with ValueError."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    return RULES[rule].describe(params, target, measure, higher_is_better)


# -- the sentences ----------------------------------------------------------------------------


def _threshold_text(w: Wording) -> str:
    verb = "达到" if w.higher else "不高于"
    return f"{verb}目标值{w.goal}得满分，否则不得分"


def _linear_text(w: Wording) -> str:
    verb, beyond = ("达到", "低于") if w.higher else ("不高于", "高于")
    floor = w.amount(w.params["floor"])
    return f"{verb}目标值{w.goal}得满分，{beyond}{floor}不得分，其间按线性计分"


def _ratio_text(w: Wording) -> str:
    if w.higher:
        return "按完成值与目标值之比计分，最高满分"
    return f"不高于目标值{w.goal}得满分，高于时按目标值与完成值之比计分"


def _deduct_text(w: Wording) -> str:
    per = w.param("per") + ("个百分点" if w.measure == "%" else w.measure)
    direction = "低于" if w.higher else "高于"
    return f"每{direction}目标值{per}扣{w.param('deduct')}分，扣完为止"


def _rank_text(w: Wording) -> str:
    return f"按组内排名赋分：第1名满分，每降1名减{w.param('step')}分，最低{w.param('floor')}分"


# -- what decided a score against the group -------------------------------------------------


def _rank_detail(inp: RuleInput, raw: Fraction, measure: str) -> str:
    peers = peers_of(inp)
    better = peers.count_better(inp.value, inp.higher_is_better)
    return f"组内第{better + 1}名（共{len(peers)}个单位有数据），得{fmt_number(raw)}分"


def _relative_detail(inp: RuleInput, raw: Fraction, measure: str) -> str:
    best = peers_of(inp).best(inp.value, inp.higher_is_better)
    shown = "" if measure == "分" else measure
    return f"组内最优值{fmt_number(best)}{shown}，得{fmt_number(raw)}分"


# -- the table --------------------------------------------------------------------------------

RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "threshold", "达标制", rules.threshold, vectorized.threshold, _threshold_text,
            needs_target=True,
        ),
        Rule(
            "linear", "线性", rules.linear, vectorized.linear, _linear_text,
            params=(Param("floor", "beyond_targets"),), needs_target=True,
        ),
        Rule("ratio", "比例", rules.ratio, vectorized.ratio, _ratio_text, needs_target=True),
        Rule(
            "deduct", "扣完为止", rules.deduct, vectorized.deduct, _deduct_text,
            params=(Param("per", "positive"), Param("deduct", "non_negative")), needs_target=True,
        ),
        Rule(
            "evaluated", "评审打分", rules.evaluated, vectorized.evaluated,
            lambda w: "由考核组评审打分", value_is_score=True,
        ),
        Rule(
            "rank", "排名赋分", rules.rank, vectorized.rank, _rank_text,
            params=(Param("step", "non_negative"), Param("floor", "within_points")),
            needs_peers=True, peer_detail=_rank_detail,
        ),
        Rule(
            "relative", "比较法", rules.relative, vectorized.relative,
            lambda w: "组内最优者得满分，其余按与最优值之比计分",
            needs_peers=True, peer_detail=_relative_detail,
        ),
    )
}  # fmt: skip
