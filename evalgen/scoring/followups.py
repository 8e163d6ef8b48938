"""Follow-up rules (约谈 / 整改): who must report and rectify, who is summoned, and why."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from ..model.schema import FollowUpRule, ScoringModel
from ..numbers import cn_count, fmt_number
from .engine import GroupResult, UnitResult, YearResult, gc_paused

__all__ = ["FollowUp", "apply_followups", "cn_count", "in_bottom"]


@dataclass(frozen=True)
class FollowUp:
    """One trigger for one unit, with the reason sentence and the figures behind it."""

    rule_id: str
    kind: str
    reason: str
    action: str


def in_bottom(group: GroupResult, result: UnitResult, count: int) -> bool:
    """后N名: fewer than `count` units of the group did strictly worse (ties go together)."""
    ranks = _sorted_ranks(group)
    worse = len(ranks) - bisect.bisect_right(ranks, result.rank)
    return worse < count


def apply_followups(model: ScoringModel, year: YearResult, history: dict[int, YearResult]) -> None:
    """Attach every triggered follow-up to its unit, in the model's rule order."""
    with gc_paused():
        for gkey, group in year.groups.items():
            rules = [rule for rule in model.followups if rule.groups is None or gkey in rule.groups]
            # Most units trigger nothing: check in full only those some rule may apply to.
            candidates = set().union(*(_candidates(rule, group) for rule in rules))
            for row, result in enumerate(group.units):
                if row in candidates:
                    result.triggers = [
                        trigger
                        for rule in rules
                        for trigger in _check(rule, model, year, group, result, history)
                    ]
                elif result.triggers:
                    result.triggers = []


def _candidates(rule: FollowUpRule, group: GroupResult) -> Iterable[int]:
    """Rows of the units `rule` may trigger for: a quick necessary condition of `_check`."""
    units = group.units
    if rule.when == "grade":
        return [row for row, r in enumerate(units) if r.grade in rule.grades]
    if rule.when == "veto":
        return [row for row, r in enumerate(units) if r.veto]
    if rule.when in ("bottom", "bottom_consecutive"):
        # in_bottom holds from the rank of the count-th unit from the end onwards
        ranks = _sorted_ranks(group)
        if not ranks:
            return []
        cut = ranks[max(0, len(ranks) - rule.count)]
        return [row for row, r in enumerate(units) if r.rank >= cut]
    if rule.when == "safety_floor":
        return [row for row, r in enumerate(units) if r.floor_misses]
    return range(len(units))


def _sorted_ranks(group: GroupResult) -> list[int]:
    ranks = group.__dict__.get("_sorted_ranks")
    if ranks is None:
        ranks = group.__dict__["_sorted_ranks"] = sorted(r.rank for r in group.units)
    return ranks


def _sharing_rank(group: GroupResult, rank: int) -> int:
    """How many units of the group hold `rank`."""
    ranks = _sorted_ranks(group)
    return bisect.bisect_right(ranks, rank) - bisect.bisect_left(ranks, rank)


def _check(
    rule: FollowUpRule,
    model: ScoringModel,
    year: YearResult,
    group: GroupResult,
    result: UnitResult,
    history: dict[int, YearResult],
) -> list[FollowUp]:
    def make(reason: str) -> FollowUp:
        return FollowUp(rule.id, rule.kind, reason, rule.action)

    n = len(group.units)
    if rule.when == "grade":
        # A veto already summons the unit with its own reason; the forced grade adds nothing.
        vetoed_elsewhere = result.veto and any(
            f.when == "veto" and (f.groups is None or group.key in f.groups)
            for f in model.followups
        )
        if result.grade in rule.grades and not vetoed_elsewhere:
            why = "（一票否决）" if result.veto else ""
            return [make(f"考核总分{result.total}分，等次为{result.grade_name}{why}")]
        return []
    if rule.when == "veto":
        return [
            make(f"发生一票否决事项“{a.name}”（依据：{a.basis}）")
            for a in result.adjustments
            if a.kind == "veto"
        ]
    if rule.when == "bottom":
        if not in_bottom(group, result, rule.count):
            return []
        tied = "（并列）" if _sharing_rank(group, result.rank) > 1 else ""
        how = "因一票否决排在末位" if result.veto else f"考核总分{result.total}分"
        return [
            make(
                f"{year.year}年度{how}，在{n}个{group.name}中排名第{result.rank}位{tied}，"
                f"位列后{cn_count(rule.count)}名"
            )
        ]
    if rule.when == "bottom_consecutive":
        if not in_bottom(group, result, rule.count):
            return []
        places = []
        for past_year in range(year.year - rule.years + 1, year.year):
            past = history.get(past_year)
            past_group = past.groups.get(group.key) if past else None
            past_result = past.unit(result.unit) if past else None
            if past_group is None or past_result is None:
                return []
            if not in_bottom(past_group, past_result, rule.count):
                return []
            places.append(f"{past_year}年第{past_result.rank}位")
        places.append(f"{year.year}年第{result.rank}位")
        return [
            make(
                f"连续{cn_count(rule.years)}年位列{group.name}后{cn_count(rule.count)}名"
                f"（{'、'.join(places)}）"
            )
        ]
    if rule.when == "safety_floor":
        out = []
        for ind, value, target in result.floor_misses:
            relation = "低于" if ind.direction == "higher" else "高于"
            out.append(
                make(
                    f"{ind.name}为{fmt_number(value, 2)}{ind.measure}，"
                    f"{relation}{year.year}年度目标{fmt_number(target, 2)}{ind.measure}"
                )
            )
        return out
    raise ValueError(f"unknown follow-up condition {rule.when}")
