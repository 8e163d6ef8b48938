"""The in-year part of the model (跟踪督导): how each indicator is followed during the year,
the thresholds of 正常 / 滞后 / 严重滞后, the task-progress table, and the plan's milestones.

All of it sits under one optional top-level key `progress:`; a model without it loads as before
and `evalgen progress` says what is missing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "InYear",
    "Milestone",
    "MilestoneSource",
    "ProgressModel",
    "Thresholds",
]

Number = Annotated[Decimal, Field(allow_inf_nan=False)]

SCHEDULE_KEYS = ("Q1", "H1", "Q3")  # Q2 is H1; Q4 and H2 are the whole year (1)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    """Shortfall below the expected level, as a fraction of it: up to `lagging` is 正常,
    up to `serious` is 滞后, beyond is 严重滞后."""

    lagging: Number = Field(ge=0, default=Decimal("0.05"))
    serious: Number = Field(ge=0, default=Decimal("0.15"))


class InYear(_Strict):
    """How one indicator is followed in-year: `rate` against the year's target directly,
    `pro_rata` against target × elapsed fraction (or the declared `schedule`), or `none`."""

    in_year: Literal["rate", "pro_rata", "none"]
    schedule: dict[str, Number] | None = None
    thresholds: Thresholds | None = None
    note: str = ""


class MilestoneSource(_Strict):
    """Where the city's value comes from: the city table (全市指标), or the units' annual
    figures of `indicator` combined by `method`."""

    indicator: str | None = None
    method: Literal["mean", "sum", "min"] = "mean"


class Milestone(_Strict):
    """One of the plan's milestone targets (二、目标任务), for the city as a whole."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    name: str = Field(min_length=1)
    measure: str = Field(min_length=1)
    kind: Literal["reach", "hold"] = "reach"
    targets: dict[int, Number] = Field(default_factory=dict)
    target_note: str = ""
    source: MilestoneSource = Field(default_factory=MilestoneSource)


class ProgressModel(_Strict):
    """Everything `evalgen progress` needs beyond the annual model."""

    thresholds: Thresholds = Field(default_factory=Thresholds)
    indicators: dict[str, InYear] = Field(default_factory=dict)
    task_input: str = Field(default="任务进展", min_length=1)
    task_start_by: Literal["Q1", "H1", "Q3"] = "Q1"  # 未启动 at or after this point lags
    city_input: str = Field(default="全市指标", min_length=1)
    milestones: list[Milestone] = Field(default_factory=list)
