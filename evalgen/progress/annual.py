"""The milestones as the annual run sees them (the 通报's 节点目标 section, results.json's
`milestones`): the city's value by year, computed from each year's figures while they are
read (`milestones.city_values`), viewed once the assessed year is final."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..model.schema import ScoringModel
from .milestones import year_end_view
from .report import MilestoneRecord, milestone_record

__all__ = ["CityValues", "annual_milestones"]

# year → milestone id → the city's value that year (a few numbers per year)
CityValues = dict[int, dict[str, Decimal]]


def annual_milestones(
    model: ScoringModel, city: Mapping[int, Mapping[str, Decimal]], year: int
) -> list[MilestoneRecord] | None:
    """Every milestone's record at the end of `year`; None when the model declares none
    (no `progress:` block, or one without milestones): results.json then has no key."""
    if model.progress is None or not model.progress.milestones:
        return None
    out = []
    for milestone in model.progress.milestones:
        annual = {y: v[milestone.id] for y, v in city.items() if milestone.id in v}
        out.append(milestone_record(year_end_view(milestone, annual, year)))
    return out
