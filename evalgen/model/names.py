"""Units renamed over the years (单位更名): the name in force in a year, and a year's view.

A group lists each unit under its latest name (`units:`); `formerly:` gives the names the
unit had before, each with the last assessment year it was in force:

    formerly:
      中国人民银行邢台市分行:
        - {name: 人行邢台市中心支行, until: 2023}

A year is read, scored and written under the names in force that year (`model_for_year`);
history follows the unit, not the name (`renamed_between`, `scoring.history`). The model
checks make sure no name belongs to two units in one year.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .schema import Category, Group, ScoringModel

__all__ = [
    "NamePeriod",
    "former_names",
    "full_model",
    "model_for_year",
    "name_in_force",
    "name_periods",
    "other_names",
    "renamed_between",
    "unit_of_name",
]


class NamePeriod(NamedTuple):
    """A name and the assessment years it was in force (None: open-ended)."""

    name: str
    first: int | None
    last: int | None

    def covers(self, year: int) -> bool:
        return (self.first is None or self.first <= year) and (
            self.last is None or year <= self.last
        )

    def overlaps(self, other: NamePeriod) -> bool:
        return (self.first is None or other.last is None or self.first <= other.last) and (
            other.first is None or self.last is None or other.first <= self.last
        )


def name_periods(group: Group, unit: str) -> list[NamePeriod]:
    """The unit's names, earliest first: each former name up to its `until`, then `unit`."""
    periods = []
    first = None
    for former in sorted(group.formerly.get(unit, []), key=lambda f: f.until):
        periods.append(NamePeriod(former.name, first, former.until))
        first = former.until + 1
    periods.append(NamePeriod(unit, first, None))
    return periods


def name_in_force(group: Group, unit: str, year: int) -> str:
    """The name of `unit` (as listed in `units:`) in force in `year`."""
    if unit not in group.formerly:
        return unit
    return next(p.name for p in name_periods(group, unit) if p.covers(year))


def unit_of_name(group: Group, name: str) -> str | None:
    """The unit (as listed in `units:`) that `name` denotes in the model file: its listed name,
    else the unit that ever had that name, if exactly one did."""
    if name in group.units:
        return name
    owners = [u for u, formers in group.formerly.items() if any(f.name == name for f in formers)]
    return owners[0] if len(owners) == 1 and owners[0] in group.units else None


def full_model(model: ScoringModel) -> ScoringModel:
    """The whole model a year's view was made from (the model itself if it is not a view)."""
    return model._full or model


def model_for_year(model: ScoringModel, year: int) -> ScoringModel:
    """The model as `year` reads it: every unit under its name in force that year.

    Units, task units, `applies_to` and alias targets are renamed; the unit's names of other
    years become aliases (for lookups such as `explain`); `formerly` is left out. A model
    without renames is returned as it is.
    """
    full = full_model(model)
    if not any(g.formerly for g in full.groups.values()):
        return full
    in_force = {name_in_force(g, u, year) for g in full.groups.values() for u in g.units}
    groups = {key: _group_for_year(group, year, in_force) for key, group in full.groups.items()}
    view = full.model_copy(update={"groups": groups})
    view._full = full
    return view


def _group_for_year(group: Group, year: int, in_force: set[str]) -> Group:
    """The group under the names in force in `year` (`in_force`: those of every group)."""
    if not group.formerly:
        return group

    def renamed(name: str) -> str:
        unit = unit_of_name(group, name)
        return name if unit is None else name_in_force(group, unit, year)

    aliases = {alias: renamed(target) for alias, target in group.aliases.items()}
    for unit in group.formerly:
        for period in name_periods(group, unit):
            if period.name not in in_force and unit_of_name(group, period.name) == unit:
                aliases.setdefault(period.name, renamed(unit))
    categories = [_category_for_year(cat, renamed) for cat in group.categories]
    tasks = [t.model_copy(update={"units": [renamed(u) for u in t.units]}) for t in group.tasks]
    return group.model_copy(
        update={
            "units": [renamed(u) for u in group.units],
            "aliases": aliases,
            "formerly": {},
            "categories": categories,
            "tasks": tasks,
        }
    )


def _category_for_year(category: Category, renamed: Callable[[str], str]) -> Category:
    if all(ind.applies_to is None for ind in category.indicators):
        return category
    indicators = [
        ind
        if ind.applies_to is None
        else ind.model_copy(update={"applies_to": [renamed(u) for u in ind.applies_to]})
        for ind in category.indicators
    ]
    return category.model_copy(update={"indicators": indicators})


def renamed_between(model: ScoringModel, year: int, other_year: int) -> dict[str, str]:
    """name in `year` → name in `other_year`, for the units whose names differ."""
    full = full_model(model)
    return {
        name_in_force(g, u, year): name_in_force(g, u, other_year)
        for g in full.groups.values()
        for u in g.formerly
        if name_in_force(g, u, year) != name_in_force(g, u, other_year)
    }


def other_names(model: ScoringModel, year: int) -> dict[str, tuple[str, str] | None]:
    """Names the units had in other years than `year`, and not in force for any unit in it:
    name → (group key, the unit's name in `year`); None for a name two units had."""
    full = full_model(model)
    in_force = {name_in_force(g, u, year) for g in full.groups.values() for u in g.units}
    found: dict[str, tuple[str, str] | None] = {}
    for key, group in full.groups.items():
        for unit in group.formerly:
            now = name_in_force(group, unit, year)
            for period in name_periods(group, unit):
                if period.name in in_force:
                    continue
                seen = found.get(period.name, (key, now))
                found[period.name] = (key, now) if seen == (key, now) else None
    return found


def former_names(model: ScoringModel, year: int) -> dict[str, list[str]]:
    """name in `year` → the other names the unit had in the model's earlier years, in order
    (only for units renamed since the model's first year)."""
    full = full_model(model)
    found: dict[str, list[str]] = {}
    for past in sorted(y for y in full.years if y < year):
        for name, before in renamed_between(full, year, past).items():
            if before not in found.setdefault(name, []):
                found[name].append(before)
    return found
