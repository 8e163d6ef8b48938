"""The year's records under the unit names of another year: the documents' names.

results.json and the workbook name each unit as it was called in the assessed year (the
year's inputs use those names). The documents are dated later (成文日期, usually early the
next year) and address each unit by the name it has then: a unit renamed in between is
called by its new name, its earlier names in `former_names` ("（原…）").
"""

from __future__ import annotations

from ..model.names import former_names, renamed_between
from ..model.schema import ScoringModel
from .records import UnitRecord, YearRecord

__all__ = ["History", "document_year", "in_names_of_year"]

History = dict[int, dict[str, dict]]  # year → unit → total and rank (`results.history_points`)


def document_year(date: str, assessed: int) -> int:
    """The year of a 成文日期 written "2025年2月20日" (the assessed year if it has none)."""
    return int(date[:4]) if date[:4].isdigit() else assessed


def in_names_of_year(
    model: ScoringModel, results: YearRecord, history: History, year: int
) -> tuple[YearRecord, History]:
    """`results` and `history` with every unit under its name in force in `year`; both as
    they are when no unit was renamed in between."""
    renamed = renamed_between(model, results["year"], year)
    if not renamed:
        return results, history
    earlier = former_names(model, year)

    def record(unit: UnitRecord) -> UnitRecord:
        name = renamed.get(unit["unit"])
        if name is None:
            return unit
        new = unit.copy()
        new["unit"], new["former_names"] = name, earlier.get(name, [unit["unit"]])
        return new

    groups = []
    for group in results["groups"]:
        new = group.copy()
        new["units"] = [record(u) for u in group["units"]]
        groups.append(new)
    out = results.copy()
    out["groups"] = groups
    points = {y: {renamed.get(u, u): p for u, p in past.items()} for y, past in history.items()}
    return out, points
