"""A period's progress: every followed indicator's status per unit, the task ledger and the
milestones, and its record (progress.json), which the workbook and documents are built from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from ..inputs.records import Figure
from ..model.loader import target_for
from ..model.schema import Indicator, ScoringModel
from ..numbers import fmt_number, round_half_up
from .ledger import LedgerRow, LedgerTask, build_ledger
from .milestones import MilestoneView, milestone_view, unit_value
from .period import Period
from .read import PeriodInputs
from .status import STATUSES, expected_level, follows, shortfall, status_of

__all__ = [
    "IndicatorStatus",
    "MilestoneRecord",
    "ProgressReport",
    "assess_progress",
    "milestone_record",
    "progress_record",
]


@dataclass(frozen=True)
class IndicatorStatus:
    """A unit's indicator at the period's end: value so far, the year's target, the level
    expected by now, the shortfall (fraction of it) and the status."""

    unit: str
    group: str
    indicator: Indicator
    in_year: str
    value: Decimal
    target: Decimal
    expected: Decimal  # rounded half-up to 4 places
    shortfall: Decimal | None  # rounded half-up to 4 places; None: expected 0 and missed
    status: str
    source: str


@dataclass(frozen=True)
class ProgressReport:
    period: Period
    statuses: list[IndicatorStatus]
    ledger: list[LedgerRow]
    tasks: list[LedgerTask]
    milestones: list[MilestoneView]


def assess_progress(
    model: ScoringModel,
    inputs: PeriodInputs,
    annual: dict[int, dict[str, dict[str, Figure]]],
) -> ProgressReport:
    """The period's statuses, ledger and milestones; `annual`: earlier years' figures."""
    block = model.progress
    assert block is not None
    period = inputs.period
    statuses = []
    for gkey, group in model.groups.items():
        for unit in group.units:
            figures = inputs.figures.get(unit, {})
            for ind in (i for c in group.categories for i in c.indicators):
                follow = block.indicators.get(ind.id)
                figure = figures.get(ind.id)
                if follow is None or not follows(ind, follow) or figure is None:
                    continue
                if figure.value is None:  # 不适用
                    continue
                target = target_for(ind, period.year)
                assert target is not None  # the model check requires targets
                expected = expected_level(follow, target, period)
                short = shortfall(figure.value, expected, ind.direction)
                status = status_of(short, follow.thresholds or block.thresholds)
                statuses.append(
                    IndicatorStatus(
                        unit,
                        gkey,
                        ind,
                        follow.in_year,
                        figure.value,
                        target,
                        round_half_up(expected, 4),
                        None if short is None else round_half_up(short, 4),
                        status,
                        str(figure.source),
                    )
                )
    ledger, tasks = build_ledger(model, period, inputs.tasks)
    milestones = [_milestone(m, inputs, annual) for m in block.milestones]
    return ProgressReport(period, statuses, ledger, tasks, milestones)


def _milestone(milestone, inputs: PeriodInputs, annual) -> MilestoneView:
    if milestone.source.indicator is not None:
        values = {y: unit_value(milestone, figs) for y, figs in annual.items()}
        so_far = unit_value(milestone, inputs.figures)
    else:
        values = {y: v for (mid, y), v in inputs.city.items() if mid == milestone.id}
        so_far = values.pop(inputs.period.year, None)
    known = {y: v for y, v in values.items() if v is not None}
    return milestone_view(milestone, known, so_far, inputs.period)


def _num(x: Decimal | None) -> str | None:
    return None if x is None else fmt_number(x)


def progress_record(model: ScoringModel, report: ProgressReport) -> dict:
    """progress.json: plain data (numbers as text, exactly as printed) for the outputs."""
    period = report.period
    counts = {s: sum(1 for x in report.statuses if x.status == s) for s in STATUSES}
    return {
        "period": period.code,
        "label": period.label,
        "year": period.year,
        "end": period.end,
        "assessment": model.assessment,
        "basis": model.basis,
        "counts": counts,
        "statuses": [_status_record(model, s) for s in report.statuses],
        "ledger": [r.__dict__ for r in report.ledger],
        "tasks": [
            {**{k: v for k, v in t.__dict__.items()}, "lagging": t.lagging} for t in report.tasks
        ],
        "milestones": [milestone_record(m) for m in report.milestones],
    }


def _status_record(model: ScoringModel, s: IndicatorStatus) -> dict:
    return {
        "unit": s.unit,
        "group": s.group,
        "group_name": model.groups[s.group].name,
        "group_short": model.groups[s.group].short_name or model.groups[s.group].name,
        "indicator": s.indicator.id,
        "name": s.indicator.name,
        "measure": s.indicator.measure,
        "direction": s.indicator.direction,
        "in_year": s.in_year,
        "value": _num(s.value),
        "target": _num(s.target),
        "expected": fmt_number(s.expected, 2),
        "shortfall": None if s.shortfall is None else fmt_number(s.shortfall * 100, 2),
        "status": s.status,
        "source": s.source,
    }


class MilestoneRecord(TypedDict):
    """A milestone in progress.json and results.json: numbers as text (None: none)."""

    id: str
    name: str
    measure: str
    kind: str  # reach / hold
    targets: dict[str, str | None]  # year → target
    target_note: str
    annual: dict[str, str | None]  # year → the city's value
    so_far: str | None  # this year so far (a period); None in results.json
    target_year: int | None
    target: str | None
    required: str | None  # yearly improvement still needed (reach)
    trend: str | None
    status: str
    notes: list[str]


def milestone_record(m: MilestoneView) -> MilestoneRecord:
    """A milestone as plain data (numbers as text, exactly as printed)."""
    return {
        "id": m.milestone.id,
        "name": m.milestone.name,
        "measure": m.milestone.measure,
        "kind": m.milestone.kind,
        "targets": {str(y): _num(v) for y, v in sorted(m.milestone.targets.items())},
        "target_note": m.milestone.target_note,
        "annual": {str(y): _num(v) for y, v in m.annual.items()},
        "so_far": _num(m.so_far),
        "target_year": m.target_year,
        "target": _num(m.target),
        "required": _num(m.required),
        "trend": _num(m.trend),
        "status": m.status,
        "notes": m.notes,
    }
