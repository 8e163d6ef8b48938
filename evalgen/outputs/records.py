"""The shape of results.json: one `TypedDict` per record, as `outputs.results` builds them.

Numbers are JSON numbers (`float | int`), half-up to a few decimals; `text` fields hold the
two-decimal figures the documents print. The documents read the same dict.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from ..progress.report import MilestoneRecord

__all__ = [
    "AdjustmentRecord",
    "CategoryRecord",
    "CategoryScoreRecord",
    "GroupRecord",
    "IndicatorRecord",
    "MilestoneRecord",
    "ModelRecord",
    "NotApplicableRecord",
    "TaskRecord",
    "TriggerRecord",
    "UnitRecord",
    "YearRecord",
]

Number = float | int


class ModelRecord(TypedDict, total=False):
    """The model file a run used (file and sha256 come from the run's meta)."""

    file: str
    sha256: str
    name: str
    version: str


class CategoryRecord(TypedDict):
    """A category of a group, as the model declares it."""

    id: str
    name: str
    points: Number


class CategoryScoreRecord(TypedDict):
    """A category of one unit, with the unit's exact subtotal."""

    id: str
    name: str
    points: Number
    applicable: bool
    score: Number
    score_text: str


class TaskRecord(TypedDict):
    """One key task inside the department task indicator."""

    id: str
    no: int
    name: str
    role: str
    weight: Number
    score: Number
    source: dict[str, Any]


class _IndicatorExtras(TypedDict, total=False):
    detail: str  # rank and relative rules: the peer figure that decided the score
    tasks: list[TaskRecord]  # the department task indicator: its key tasks


class IndicatorRecord(_IndicatorExtras):
    """One indicator of one unit: value, target, rule and exact score."""

    id: str
    name: str
    category: str
    measure: str
    direction: str
    value: Number | None
    target: Number | None
    rule: str
    rule_label: str
    rule_text: str
    params: dict[str, Number]
    points: Number
    effective_points: Number
    score: Number
    lost: Number
    text: dict[str, str]  # points, score, lost
    not_applicable: bool
    na_reason: str
    met: bool | None
    safety_floor: bool
    source: dict[str, Any] | None


class NotApplicableRecord(TypedDict):
    """An indicator that did not apply to the unit (不适用), and why."""

    id: str
    name: str
    points: Number
    reason: str


class AdjustmentRecord(TypedDict):
    """An applied bonus, penalty or veto event."""

    id: str
    kind: str
    kind_label: str
    name: str
    count: int
    points: Number
    basis: str
    date: str
    source: dict[str, Any]


class TriggerRecord(TypedDict):
    """A follow-up (约谈 / 整改) the unit triggered."""

    kind: str
    rule: str
    reason: str
    action: str


class UnitRecord(TypedDict):
    """One unit's result, with its exact lines."""

    unit: str
    group: str
    group_name: str
    total: Number
    base: Number
    bonus: Number
    bonus_applied: Number
    penalty: Number
    text: dict[str, str]  # base, bonus, penalty
    categories: list[CategoryScoreRecord]
    rank: int
    of: int
    previous_rank: int | None
    rank_change: int | None
    grade: str
    grade_name: str
    veto: bool
    indicators: list[IndicatorRecord]
    not_applicable: list[NotApplicableRecord]
    notes: list[str]
    adjustments: list[AdjustmentRecord]
    triggers: list[TriggerRecord]
    # Only for a unit renamed since the model's first year: its earlier names, oldest first
    # (`model.names.former_names`), e.g. for "（原…）" and for `evalgen diff`.
    former_names: NotRequired[list[str]]


class GroupRecord(TypedDict):
    """A group: its categories, grade counts and units in rank order."""

    key: str
    name: str
    unit_count: int
    categories: list[CategoryRecord]
    grade_counts: dict[str, int]
    units: list[UnitRecord]


class _YearMeta(TypedDict, total=False):
    evalgen_version: str  # from the run's meta, where given
    stage: str  # "初评" for a preliminary run (issue 14); absent for the final one
    appeals: list[dict[str, Any]]  # the appeals register's rows, where there is one


class YearRecord(_YearMeta):
    """The whole of results.json (the run's meta keys come first, as given)."""

    year: int
    previous_year: int | None
    model: ModelRecord
    rounding: str
    bonus_cap: Number
    groups: list[GroupRecord]
    # The plan's milestones at the year's end (`progress.annual`); only when the model has them.
    milestones: NotRequired[list[MilestoneRecord]]
