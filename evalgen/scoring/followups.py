"""Follow-up rules (约谈 / 整改): who must report and rectify, who is summoned, and why.

Each condition a rule can name in `when:` is declared once, in `conditions.CONDITIONS`; this
module runs the model's rules over a scored year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..model.names import model_for_year
from ..model.schema import ScoringModel
from .conditions import CONDITIONS, Scope
from .engine import gc_paused
from .history import history_in_names
from .scored import GroupResult, YearResult

__all__ = ["FollowUp", "apply_followups"]


@dataclass(frozen=True)
class FollowUp:
    """One trigger for one unit, with the reason sentence and the figures behind it."""

    rule_id: str
    kind: str
    reason: str
    action: str


def apply_followups(
    model: ScoringModel, year: YearResult, history: Mapping[int, YearResult]
) -> YearResult:
    """The year with every triggered follow-up on its unit, in the model's rule order.

    Triggers found before are replaced; `year` itself is left as it was. Earlier years are
    matched to this one by unit, across renames (`history.history_in_names`).
    """
    history = history_in_names(model, history, year.year)
    model = model_for_year(model, year.year)
    with gc_paused():
        groups = {
            gkey: _group_followups(Scope(model, year, group, history))
            for gkey, group in year.groups.items()
        }
    return YearResult(year.year, groups, year.previous_year)


def _group_followups(scope: Scope) -> GroupResult:
    group = scope.group
    rules = [r for r in scope.model.followups if r.groups is None or group.key in r.groups]
    # Most units trigger nothing: check in full only those some rule may apply to.
    candidates = set().union(*(CONDITIONS[r.when].candidates(r, group) for r in rules))
    units = []
    for row, result in enumerate(group.units):
        triggers: tuple[FollowUp, ...] = ()
        if row in candidates:
            triggers = tuple(
                FollowUp(rule.id, rule.kind, reason, rule.action)
                for rule in rules
                for reason in CONDITIONS[rule.when].check(rule, result, scope)
            )
        units.append(result if triggers == result.triggers else replace(result, triggers=triggers))
    return GroupResult(group.key, group.name, tuple(units))
