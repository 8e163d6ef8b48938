"""Results as plain JSON-safe data (results.json): what the workbook and documents read."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import overload

from ..model.names import former_names
from ..model.schema import Indicator, ScoringModel
from ..numbers import decisive_decimals, half_up_units, json_safe, round_half_up, split_points
from ..progress.annual import annual_milestones
from ..scoring.lines import IndicatorScore
from ..scoring.ruletable import RULES, describe
from ..scoring.scored import GroupResult, UnitLines, YearLines, YearResult
from .records import (
    CategoryScoreRecord,
    GroupRecord,
    IndicatorRecord,
    UnitRecord,
    YearRecord,
)

__all__ = [
    "KIND_LABELS",
    "build_results",
    "history_points",
    "number",
    "text2",
    "unit_record",
]


class _Shared:
    """One build's equal immutable values, one object each (issue 12: a national year's
    records repeat the same texts and figures unit after unit).

    Equal strings and non-zero floats go through per-build tables, so they live as long as
    the build's records (never ±0.0, whose sign would be lost, never a type change; not
    `sys.intern`, whose strings some Python versions never free);
    an indicator's JSON params are converted once and copied into each record — every
    record still gets its own dicts and lists.
    """

    def __init__(self) -> None:
        self._floats: dict[float, float] = {}
        self._texts: dict[str, str] = {}
        self._inds: dict[int, Indicator] = {}  # held, so that no id is reused in the build
        self._params: dict[int, dict] = {}
        self._rules: dict[tuple[int, type, str], str] = {}

    @overload
    def num(self, x: float | int) -> float | int: ...
    @overload
    def num(self, x: None) -> None: ...
    @overload
    def num(self, x: float | int | None) -> float | int | None: ...
    def num(self, x: float | int | None) -> float | int | None:
        if type(x) is float and x:
            return self._floats.setdefault(x, x)
        return x

    def text(self, text: str) -> str:
        """One string object for each equal text."""
        return self._texts.setdefault(text, text)

    def params(self, ind: Indicator) -> dict:
        """A fresh copy of the indicator's params as JSON numbers (shared float objects)."""
        kept = self._params.get(id(ind))
        if kept is None:
            self._inds[id(ind)] = ind
            kept = self._params[id(ind)] = {
                k: self.num(json_safe(v)) for k, v in ind.params.items()
            }
        return dict(kept)

    def rule_text(self, ind: Indicator, target: Fraction | Decimal | None) -> str:
        """`describe` for the indicator and target, worded once per build (Decimal 1.0 and
        1.00 are equal but worded apart, so the key is the target's type and text)."""
        key = (id(ind), type(target), str(target))
        text = self._rules.get(key)
        if text is None:
            self._inds[id(ind)] = ind
            higher = ind.direction == "higher"
            text = describe(ind.rule, ind.params, target, ind.measure, higher)
            text = self._rules[key] = self.text(text)
        return text


KIND_LABELS = {"bonus": "加分", "penalty": "扣分", "veto": "一票否决"}
SCORE_DECIMALS = 4


@overload
def number(x: Fraction | Decimal, decimals: int = SCORE_DECIMALS) -> float | int: ...
@overload
def number(x: None, decimals: int = SCORE_DECIMALS) -> None: ...
def number(x: Fraction | Decimal | None, decimals: int = SCORE_DECIMALS) -> float | int | None:
    """A JSON number: half-up to `decimals`, integers stay integers (None stays None)."""
    if x is None:
        return None
    units = half_up_units(x, decimals)
    whole, rest = divmod(units, 10**decimals)
    return whole if not rest else float(f"{units}E-{decimals}")


def build_results(
    model: ScoringModel,
    year: YearResult,
    lines: YearLines,
    meta: dict,
) -> YearRecord:
    """The whole year's results as a JSON-safe dict (results.json).

    `lines` is the year's exact view: each unit's lines are built for its record and not
    kept, so a national year's lines are never all in memory at once. The plan's milestones
    at the year's end (`progress.annual`, from `year.city`) are the last key, when the model
    has milestones and the city's values were kept (`pipeline.evaluate`).
    """
    shared = _Shared()
    groups = [
        _group_record(model, year.year, group, lines, shared) for group in year.groups.values()
    ]
    record: YearRecord = {
        "year": year.year,
        "previous_year": year.previous_year,
        **meta,
        "model": {**meta.get("model", {}), "name": model.name, "version": model.version},
        "rounding": f"总分四舍五入保留{model.decimals}位小数",
        "bonus_cap": json_safe(model.bonus_cap),
        "groups": groups,
    }
    milestones = None if year.city is None else annual_milestones(model, year.city, year.year)
    if milestones is not None:
        record["milestones"] = milestones
    return record


def _group_record(
    model: ScoringModel, year: int, group: GroupResult, lines: YearLines, shared: _Shared
) -> GroupRecord:
    renamed = former_names(model, year)
    return {
        "key": group.key,
        "name": group.name,
        "unit_count": len(group.units),
        "categories": [
            {"id": c.id, "name": c.name, "points": json_safe(c.points)}
            for c in model.groups[group.key].categories
        ],
        "grade_counts": _grade_counts(model, group),
        "units": [
            _with_former_names(
                unit_record(model, year, group, lines.unit_lines(r), shared=shared), renamed
            )
            for r in group.units
        ],
    }


def _with_former_names(record: UnitRecord, renamed: dict[str, list[str]]) -> UnitRecord:
    """A renamed unit's record names its earlier names (the others' records stay as they are)."""
    if record["unit"] in renamed:
        record["former_names"] = renamed[record["unit"]]
    return record


def history_points(model: ScoringModel, year: YearResult) -> dict[str, dict]:
    """An earlier year as the unit reports' trend charts need it: unit → total and rank.

    Only the ranked totals: an earlier year's exact lines are never built.
    """
    return {
        r.unit: {"total": number(r.total, model.decimals), "rank": r.rank}
        for group in year.groups.values()
        for r in group.units
    }


def _grade_counts(model: ScoringModel, group: GroupResult) -> dict[str, int]:
    return {g.code: sum(1 for r in group.units if r.grade == g.code) for g in model.grades}


def unit_record(
    model: ScoringModel,
    year: int,
    group: GroupResult,
    lines: UnitLines,
    *,
    shared: _Shared | None = None,
) -> UnitRecord:
    """One unit's result record, from its exact lines (checked against the ranked total).

    `shared`: the build's table of equal values (`build_results` passes one for all units).
    """
    if shared is None:
        shared = _Shared()
    num = shared.num
    r = lines.result
    if round_half_up(lines.exact_total, model.decimals) != r.total:
        raise RuntimeError(f"internal: exact and ranked totals differ for {r.unit}")
    base = lines.base
    return {
        "unit": r.unit,
        "group": r.group,
        "group_name": group.name,
        "total": num(number(r.total, model.decimals)),
        "base": num(number(base)),
        "bonus": num(number(r.bonus)),
        "bonus_applied": num(number(r.bonus_capped)),
        "penalty": num(number(r.penalty)),
        "text": {
            "base": shared.text(text2(base)),
            "bonus": shared.text(text2(r.bonus_capped)),
            "penalty": shared.text(text2(r.penalty)),
        },
        "categories": _category_records(model, lines, shared),
        "rank": r.rank,
        "of": len(group.units),
        "previous_rank": r.previous_rank,
        "rank_change": r.rank_change,
        "grade": r.grade,
        "grade_name": r.grade_name,
        "veto": r.veto,
        "indicators": [_indicator_record(line, shared=shared) for line in lines.indicators],
        "not_applicable": [
            {
                "id": ln.indicator.id,
                "name": ln.indicator.name,
                "points": num(json_safe(ln.points)),
                "reason": ln.na_reason,
            }
            for ln in lines.indicators
            if ln.not_applicable
        ],
        "notes": list(lines.notes),
        "adjustments": [
            {
                "id": a.item_id,
                "kind": a.kind,
                "kind_label": KIND_LABELS[a.kind],
                "name": a.name,
                "count": a.count,
                "points": num(json_safe(a.points)),
                "basis": a.basis,
                "date": a.date,
                "source": a.source.to_dict(),
            }
            for a in r.adjustments
        ],
        "triggers": [
            {"kind": t.kind, "rule": t.rule_id, "reason": t.reason, "action": t.action}
            for t in r.triggers
        ],
    }


def text2(x: Fraction | Decimal) -> str:
    """A figure as printed in the documents: 四舍五入 to two decimals of the exact value."""
    return str(round_half_up(x, 2))


def _category_records(
    model: ScoringModel, lines: UnitLines, shared: _Shared
) -> list[CategoryScoreRecord]:
    num = shared.num
    out: list[CategoryScoreRecord] = []
    for cat in model.groups[lines.result.group].categories:
        scored = [
            ln for ln in lines.indicators if ln.category_id == cat.id and not ln.not_applicable
        ]
        score = sum((ln.score for ln in scored), Fraction(0))
        out.append(
            {
                "id": cat.id,
                "name": cat.name,
                "points": num(json_safe(cat.points)),
                "applicable": bool(scored),
                "score": num(number(score)),
                "score_text": shared.text(text2(score)),
            }
        )
    return out


def _shown_value(line: IndicatorScore) -> float | int | None:
    """The value with 4 places, or as many more as its comparison with the target needs
    (98.24999 against 98.25 is not shown as 98.25)."""
    if line.value is None or line.target is None:
        return number(line.value)
    return number(line.value, decisive_decimals(line.value, line.target, SCORE_DECIMALS))


def _indicator_record(line: IndicatorScore, *, shared: _Shared | None = None) -> IndicatorRecord:
    if shared is None:
        shared = _Shared()
    ind = line.indicator
    num = shared.num
    # Points, score and lost as they add up when shown: 4 places in the figures (the
    # workbook), 2 in the texts (the documents), more where rounding would hide a loss.
    points, score, lost = split_points(line.effective_points, line.score, SCORE_DECIMALS)
    shown = split_points(line.effective_points, line.score, 2)
    record: IndicatorRecord = {
        "id": ind.id,
        "name": ind.name,
        "category": line.category,
        "measure": ind.measure,
        "direction": ind.direction,
        "value": num(_shown_value(line)),
        "target": num(json_safe(line.target)),
        "rule": ind.rule,
        "rule_label": RULES[ind.rule].label,
        "rule_text": shared.rule_text(ind, line.target),
        "params": shared.params(ind),
        "points": num(json_safe(line.points)),
        "effective_points": num(json_safe(points)),
        "score": num(json_safe(score)),
        "lost": num(json_safe(lost)),
        "text": {
            "points": shared.text(f"{shown[0]:f}"),
            "score": shared.text(f"{shown[1]:f}"),
            "lost": shared.text(f"{shown[2]:f}"),
        },
        "not_applicable": line.not_applicable,
        "na_reason": line.na_reason,
        "met": line.met,
        "safety_floor": ind.safety_floor,
        "source": line.source.to_dict() if line.source else None,
    }
    if line.detail:
        record["detail"] = shared.text(line.detail)
    if line.tasks:
        record["tasks"] = [
            {
                "id": t.task_id,
                "no": t.no,
                "name": t.name,
                "role": t.role,
                "weight": num(json_safe(t.weight)),
                "score": num(json_safe(t.score)),
                "source": t.source.to_dict(),
            }
            for t in line.tasks
        ]
    return record
