"""The scoring model (考核细则): its shape, and the year-specific view the scorer uses.

The model file is YAML. `evalgen.model.loader.load_model` parses it, checks its shape with the
pydantic classes below, then its meaning, and reports every problem with its path and line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .progress_schema import ProgressModel

__all__ = [
    "AdjustmentItem",
    "Category",
    "FollowUpRule",
    "FormerName",
    "Grade",
    "Group",
    "Indicator",
    "InputTable",
    "ScoringModel",
    "Task",
    "TaskScoring",
]

Number = Annotated[Decimal, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Strict):
    """One indicator (考核指标) of a category."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    name: str = Field(min_length=1)
    measure: str = Field(min_length=1, description="unit of measure: %, 项, 件, 亿元, 分 …")
    direction: Literal["higher", "lower"] = "higher"
    points: Number = Field(gt=0)
    rule: str
    params: dict[str, Number] = Field(default_factory=dict)
    targets: dict[int, Number] = Field(default_factory=dict)
    interpolate: Literal["none", "linear", "hold"] = "none"
    target_note: str = ""
    min: Number | None = None
    max: Number | None = None
    safety_floor: bool = False
    applies_to: list[str] | None = None
    source: Literal["value", "tasks"] = "value"
    note: str = ""
    # Places its value and target are printed with, everywhere (tables, text, reasons); more
    # only where a value and its target would otherwise look equal (98.249% against 98.25%).
    decimals: int = Field(default=2, ge=0, le=6)


class Category(_Strict):
    """A category (考核类别) of indicators, e.g. 质量目标完成情况."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    name: str = Field(min_length=1)
    points: Number = Field(gt=0)
    indicators: list[Indicator] = Field(min_length=1)


class Task(_Strict):
    """One of the plan's key tasks (重点任务); the first unit named leads (牵头)."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    no: int = Field(ge=1)
    name: str = Field(min_length=1)
    section: str = ""
    units: list[str] = Field(min_length=1)


class TaskScoring(_Strict):
    """How task completion scores combine: lead and co-responsible weights."""

    lead_weight: Number = Field(gt=0)
    co_weight: Number = Field(gt=0)
    max_score: Number = Field(gt=0, default=Decimal(100))


class InputTable(_Strict):
    """Where a table is read from: a sheet of that name, or a CSV file whose name holds it."""

    sheet: str = Field(min_length=1)


class FormerName(_Strict):
    """A name a unit was called by up to and including the assessment year `until` (曾用名)."""

    name: str = Field(min_length=1)
    until: int


class Group(_Strict):
    """A group of assessed units (考核对象类别), scored and ranked within itself.

    `units` lists each unit by its latest name; `formerly` gives a unit's earlier names and
    the last year each was in force (`model.names` reads a year under the names then in force).
    """

    name: str = Field(min_length=1)
    short_name: str = ""
    units: list[str] = Field(min_length=1)
    aliases: dict[str, str] = Field(default_factory=dict)
    formerly: dict[str, list[FormerName]] = Field(default_factory=dict)
    input: InputTable
    categories: list[Category] = Field(min_length=1)
    tasks: list[Task] = Field(default_factory=list)
    task_scoring: TaskScoring | None = None
    task_input: InputTable | None = None


class AdjustmentItem(_Strict):
    """An adjustment item (加分 / 扣分 / 一票否决) with its basis."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    kind: Literal["bonus", "penalty", "veto"]
    name: str = Field(min_length=1)
    points: Number = Field(ge=0, default=Decimal(0))
    max_count: int | None = Field(default=None, ge=1)
    basis: str = Field(min_length=1)


class Grade(_Strict):
    """A grade band: totals at or above `min` (and below the next band) get this grade."""

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    min: Number


class FollowUpRule(_Strict):
    """A follow-up rule (约谈 / 整改 trigger)."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    kind: Literal["约谈", "整改"]
    when: str = Field(min_length=1)  # a condition of `scoring.conditions.CONDITIONS`
    grades: list[str] = Field(default_factory=list)
    count: int = Field(default=3, ge=1)
    years: int = Field(default=2, ge=2)
    groups: list[str] | None = None
    action: str = Field(min_length=1)


class ScoringModel(_Strict):
    """The whole scoring model (考核细则)."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    note: str = ""
    assessment: str = Field(default="质量工作考核", min_length=1)
    basis: str = ""
    years: list[int] = Field(min_length=1)
    total_points: Number = Field(gt=0)
    decimals: int = Field(default=2, ge=0, le=6)
    bonus_cap: Number = Field(ge=0)
    groups: dict[str, Group] = Field(min_length=1)
    adjustments: list[AdjustmentItem] = Field(default_factory=list)
    adjustment_input: InputTable
    grades: list[Grade] = Field(min_length=1)
    veto_grade: str
    followups: list[FollowUpRule] = Field(default_factory=list)
    progress: ProgressModel | None = None  # in-year following (evalgen progress)
    # The whole model a year's view (`model.names.model_for_year`) was made from; None here.
    _full: ScoringModel | None = PrivateAttr(default=None)

    def group_of(self, unit: str) -> str | None:
        for key, group in self.groups.items():
            if unit in group.units:
                return key
        return None

    def resolve_unit(self, raw: str) -> str | None:
        """A unit's full name from its full name or a registered short form, in any group."""
        for group in self.groups.values():
            name = group.aliases.get(raw, raw)
            if name in group.units:
                return name
        return None

    def all_aliases(self) -> dict[str, str]:
        return {a: u for g in self.groups.values() for a, u in g.aliases.items()}

    def adjustment(self, item_id: str) -> AdjustmentItem | None:
        return next((a for a in self.adjustments if a.id == item_id), None)
