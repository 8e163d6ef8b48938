"""The lines of a unit's result: one per indicator, and the key tasks inside one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..inputs.year import Source
from ..model.schema import Indicator

__all__ = ["IndicatorScore", "TaskLine"]


@dataclass(frozen=True)
class TaskLine:
    """One key task's completion score inside the department task indicator."""

    task_id: str
    no: int
    name: str
    role: str
    weight: Decimal
    score: Decimal
    source: Source


@dataclass(frozen=True)
class IndicatorScore:
    """How one indicator scored for one unit."""

    indicator: Indicator
    category_id: str
    category: str
    value: Fraction | None
    target: Decimal | None
    points: Decimal
    effective_points: Fraction
    score: Fraction
    source: Source | None
    na_reason: str = ""
    tasks: tuple[TaskLine, ...] = ()
    detail: str = ""

    @property
    def not_applicable(self) -> bool:
        return self.value is None

    @property
    def met(self) -> bool | None:
        """Whether the target was met (None where the rule has no target)."""
        if self.value is None or self.target is None or self.indicator.source == "tasks":
            return None  # the task indicator's 100 is full marks, not a plan target
        if self.indicator.direction == "higher":
            return self.value >= self.target
        return self.value <= self.target
