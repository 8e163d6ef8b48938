"""Follow-up conditions (约谈 / 整改 `when:`), each declared once: the units it may concern,
the check that writes its reason sentences, and what a rule naming it must give.

Part of the model's vocabulary, like the rule table: the model checks read it (a `when:` must
name a condition here, with the fields it needs), and `followups.apply_followups` runs it.
Results are only looked at, through their types, never imported at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.schema import FollowUpRule, ScoringModel
from ..numbers import cn_count, fmt_decisive

if TYPE_CHECKING:
    from .scored import GroupResult, UnitResult, YearResult

__all__ = ["CONDITIONS", "Condition", "Scope", "in_bottom"]


@dataclass(frozen=True)
class Scope:
    """What a check may look at besides the unit: the model, the year, the group, history."""

    model: ScoringModel
    year: YearResult
    group: GroupResult
    history: Mapping[int, YearResult]


@dataclass(frozen=True)
class Condition:
    """A follow-up condition (`when:`): the rows it may concern, and its reason sentences.

    `candidates` is a quick necessary condition of `check`: units outside it trigger nothing.
    """

    name: str
    candidates: Callable[[FollowUpRule, GroupResult], Sequence[int]]
    check: Callable[[FollowUpRule, UnitResult, Scope], list[str]]
    needs_grades: bool = False  # the rule must list `grades:` (等次)
    counts_from_bottom: bool = False  # `count:` (后N名) must be below the group's size


def in_bottom(group: GroupResult, result: UnitResult, count: int) -> bool:
    """后N名: fewer than `count` units of the group did strictly worse (ties go together)."""
    return group.worse_than(result.rank) < count


# -- the conditions ------------------------------------------------------------------------------


def _rows(group: GroupResult, keep: Callable[[UnitResult], bool]) -> list[int]:
    return [row for row, r in enumerate(group.units) if keep(r)]


def _grade_check(rule: FollowUpRule, result: UnitResult, scope: Scope) -> list[str]:
    # A veto already summons the unit with its own reason; the forced grade adds nothing.
    vetoed_elsewhere = result.veto and any(
        f.when == "veto" and (f.groups is None or scope.group.key in f.groups)
        for f in scope.model.followups
    )
    if result.grade not in rule.grades or vetoed_elsewhere:
        return []
    why = "（一票否决）" if result.veto else ""
    return [f"考核总分{result.total}分，等次为{result.grade_name}{why}"]


def _veto_check(rule: FollowUpRule, result: UnitResult, scope: Scope) -> list[str]:
    return [
        f"发生一票否决事项“{a.name}”（依据：{a.basis}）"
        for a in result.adjustments
        if a.kind == "veto"
    ]


def _bottom_rows(rule: FollowUpRule, group: GroupResult) -> list[int]:
    """in_bottom holds from the rank of the count-th unit from the end onwards."""
    if not group.units:
        return []
    cut = group.units[max(0, len(group.units) - rule.count)].rank
    return _rows(group, lambda r: r.rank >= cut)


def _bottom_check(rule: FollowUpRule, result: UnitResult, scope: Scope) -> list[str]:
    group = scope.group
    if not in_bottom(group, result, rule.count):
        return []
    tied = "（并列）" if group.sharing(result.rank) > 1 else ""
    how = "因一票否决排在末位" if result.veto else f"考核总分{result.total}分"
    return [
        f"{scope.year.year}年度{how}，在{len(group.units)}个{group.name}中排名第{result.rank}位"
        f"{tied}，位列后{cn_count(rule.count)}名"
    ]


def _bottom_consecutive_check(rule: FollowUpRule, result: UnitResult, scope: Scope) -> list[str]:
    group, year = scope.group, scope.year.year
    if not in_bottom(group, result, rule.count):
        return []
    places = []
    for past_year in range(year - rule.years + 1, year):
        past = scope.history.get(past_year)
        past_group = past.groups.get(group.key) if past else None
        past_result = past.unit(result.unit) if past else None
        if past_group is None or past_result is None:
            return []
        if not in_bottom(past_group, past_result, rule.count):
            return []
        places.append(f"{past_year}年第{past_result.rank}位")
    places.append(f"{year}年第{result.rank}位")
    return [
        f"连续{cn_count(rule.years)}年位列{group.name}后{cn_count(rule.count)}名"
        f"（{'、'.join(places)}）"
    ]


def _safety_floor_check(rule: FollowUpRule, result: UnitResult, scope: Scope) -> list[str]:
    out = []
    for ind, value, target in result.floor_misses:
        relation = "低于" if ind.direction == "higher" else "高于"
        shown, goal = fmt_decisive(value, target, ind.decimals)  # 98.249 below 98.25
        out.append(
            f"{ind.name}为{shown}{ind.measure}，"
            f"{relation}{scope.year.year}年度目标{goal}{ind.measure}"
        )
    return out


CONDITIONS: dict[str, Condition] = {
    c.name: c
    for c in (
        Condition("grade", lambda rule, g: _rows(g, lambda r: r.grade in rule.grades), _grade_check,
                  needs_grades=True),
        Condition("veto", lambda rule, g: _rows(g, lambda r: r.veto), _veto_check),
        Condition("bottom", _bottom_rows, _bottom_check, counts_from_bottom=True),
        Condition("bottom_consecutive", _bottom_rows, _bottom_consecutive_check,
                  counts_from_bottom=True),
        Condition("safety_floor", lambda rule, g: _rows(g, lambda r: bool(r.floor_misses)),
                  _safety_floor_check),
    )
}  # fmt: skip
