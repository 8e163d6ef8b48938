"""Score, adjust, grade and rank every unit of every group for one year.

Indicator scores stay exact `Fraction`s; only the total is rounded, half up (四舍五入).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from .inputs import Event, Source, YearInputs
from .model import Group, Indicator, ScoringModel
from .modelfile import target_for
from .problems import ModelError, Problem
from .rules import NEEDS_TARGET, RULES, Peers, RuleInput, fmt_number, round_half_up

__all__ = [
    "AdjustmentLine",
    "GroupResult",
    "IndicatorScore",
    "TaskLine",
    "UnitResult",
    "YearResult",
    "competition_ranks",
    "score_year",
]


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


@dataclass(frozen=True)
class AdjustmentLine:
    """An applied adjustment event."""

    item_id: str
    kind: str
    name: str
    count: int
    points: Decimal
    basis: str
    date: str
    source: Source


@dataclass
class UnitResult:
    """A unit's result: scores, adjustments, total, grade, rank, follow-ups."""

    unit: str
    group: str
    indicators: list[IndicatorScore]
    adjustments: list[AdjustmentLine]
    base: Fraction
    bonus: Fraction
    bonus_capped: Fraction
    penalty: Fraction
    total: Decimal
    grade: str
    grade_name: str
    veto: bool
    rank: int = 0
    previous_rank: int | None = None
    triggers: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rank_change(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass
class GroupResult:
    """A group's units in rank order."""

    key: str
    name: str
    units: list[UnitResult]


@dataclass
class YearResult:
    """Everything scored for a year."""

    year: int
    groups: dict[str, GroupResult]
    previous_year: int | None = None

    def unit(self, name: str) -> UnitResult | None:
        index = self.__dict__.get("_index")
        if index is None:
            index = {r.unit: r for g in self.groups.values() for r in g.units}
            self.__dict__["_index"] = index
        return index.get(name)


def score_year(
    model: ScoringModel, inputs: YearInputs, previous: YearResult | None = None
) -> YearResult:
    """Score every group; rank changes come from `previous` where given."""
    _check_targets(model, inputs.year)
    events: dict[str, list[Event]] = {}
    for event in inputs.events:
        events.setdefault(event.unit, []).append(event)
    groups = {}
    for gkey, group in model.groups.items():
        results = [
            _score_unit(model, gkey, group, unit, inputs, events.get(unit, []))
            for unit in group.units
        ]
        _fill_peer_rules(model, group, results, inputs.year)
        for result in results:
            _finish_total(model, result)
        _rank(results)
        if previous is not None:
            for result in results:
                before = previous.unit(result.unit)
                result.previous_rank = before.rank if before else None
        order = {unit: i for i, unit in enumerate(group.units)}
        results.sort(key=lambda r: (r.rank, order[r.unit]))
        groups[gkey] = GroupResult(gkey, group.name, results)
    return YearResult(inputs.year, groups, previous.year if previous else None)


def competition_ranks(keys: list) -> list[int]:
    """Ranks for keys already sorted best first; equal keys share a rank (1, 2, 2, 4)."""
    ranks = []
    for i, key in enumerate(keys):
        ranks.append(ranks[-1] if i and key == keys[i - 1] else i + 1)
    return ranks


def _check_targets(model: ScoringModel, year: int) -> None:
    from .modelfile import indicator_path

    problems = []
    if year not in model.years:
        years = "、".join(str(y) for y in model.years)
        raise ModelError(f"考核细则“{model.name}”不适用于{year}年度（适用年度：{years}）")
    for group in model.groups.values():
        for cat in group.categories:
            for ind in cat.indicators:
                if ind.rule in NEEDS_TARGET and target_for(ind, year) is None:
                    problems.append(
                        Problem(
                            f"指标“{ind.name}”没有{year}年度的目标值",
                            path=f"{indicator_path(model, ind.id)}.targets",
                            hint="请在 targets 中补充该年度目标，或声明 interpolate",
                        )
                    )
    if problems:
        raise ModelError(f"考核细则缺少{year}年度的目标值", problems)


def _score_unit(
    model: ScoringModel,
    gkey: str,
    group: Group,
    unit: str,
    inputs: YearInputs,
    events: list[Event],
) -> UnitResult:
    figures = inputs.figures.get(unit, {})
    lines: list[IndicatorScore] = []
    for cat in group.categories:
        for ind in cat.indicators:
            target = target_for(ind, inputs.year)
            tasks: tuple[TaskLine, ...] = ()
            if ind.source == "tasks":
                value, tasks, source, reason = _task_value(group, unit, inputs)
            elif ind.applies_to is not None and unit not in ind.applies_to:
                continue  # not this unit's indicator at all: no line, its points go elsewhere
            else:
                figure = figures[ind.id]
                value = None if figure.value is None else Fraction(figure.value)
                source, reason = figure.source, "" if figure.value is not None else "单位填报不适用"
            line = IndicatorScore(
                ind, cat.id, cat.name, value, target, ind.points, Fraction(0), Fraction(0),
                source, reason, tasks,
            )  # fmt: skip
            lines.append(line)
    lines, notes = _redistribute(group, lines)
    adjustments = [_adjustment(model, e) for e in events]
    return UnitResult(
        unit, gkey, lines, adjustments, Fraction(0), Fraction(0), Fraction(0), Fraction(0),
        Decimal(0), "", "", any(a.kind == "veto" for a in adjustments), notes=notes,
    )  # fmt: skip


def _task_value(group: Group, unit: str, inputs: YearInputs):
    scoring = group.task_scoring
    entered = inputs.tasks.get(unit, {})
    lines = []
    for task in group.tasks:
        if unit not in task.units or task.id not in entered:
            continue
        lead = task.units[0] == unit
        weight = scoring.lead_weight if lead else scoring.co_weight
        score, source = entered[task.id]
        lines.append(
            TaskLine(task.id, task.no, task.name, "牵头" if lead else "配合", weight, score, source)
        )
    if not lines:
        return None, (), None, "无承担的重点任务"
    total_weight = sum(Fraction(t.weight) for t in lines)
    value = sum(Fraction(t.weight) * Fraction(t.score) for t in lines) / total_weight
    value = value * 100 / Fraction(scoring.max_score)
    return value, tuple(lines), lines[0].source, ""


def _redistribute(group: Group, lines: list[IndicatorScore]):
    """不适用: spread N/A points over the category's other indicators, else over the unit's."""
    from dataclasses import replace

    effective: dict[str, Fraction] = {}
    orphaned = Fraction(0)
    notes = []
    for cat in group.categories:
        cat_lines = [ln for ln in lines if ln.category_id == cat.id]
        applicable = sum(Fraction(ln.points) for ln in cat_lines if ln.value is not None)
        if applicable == 0:
            orphaned += Fraction(cat.points)
            why = "所列指标均不适用" if cat_lines else "无本单位承担的指标"
            notes.append(
                f"“{cat.name}”（{fmt_number(cat.points)}分）{why}，分值按比例分配给其余类别的指标"
            )
            continue
        for ln in cat_lines:
            if ln.value is not None:
                effective[ln.indicator.id] = Fraction(ln.points) * Fraction(cat.points) / applicable
    remaining = sum(effective.values())
    if orphaned and remaining:
        scale = (remaining + orphaned) / remaining
        effective = {k: v * scale for k, v in effective.items()}
    lines = [
        replace(ln, effective_points=effective.get(ln.indicator.id, Fraction(0))) for ln in lines
    ]
    return lines, notes


def _fill_peer_rules(model: ScoringModel, group: Group, results: list[UnitResult], year: int):
    """Apply each rule; rank and relative need the whole group's values (peers)."""
    from dataclasses import replace

    positions = [{ln.indicator.id: i for i, ln in enumerate(r.indicators)} for r in results]
    for cat in group.categories:
        for ind in cat.indicators:
            here = [
                (result, pos[ind.id])
                for result, pos in zip(results, positions, strict=True)
                if ind.id in pos and result.indicators[pos[ind.id]].value is not None
            ]
            if not here:
                continue
            peers = Peers(r.indicators[i].value for r, i in here)
            points = Fraction(ind.points)
            params = {k: Fraction(v) for k, v in ind.params.items()}
            higher = ind.direction == "higher"
            for result, i in here:
                ln = result.indicators[i]
                rule_input = RuleInput(
                    value=ln.value,
                    target=None if ln.target is None else Fraction(ln.target),
                    points=points,
                    params=params,
                    higher_is_better=higher,
                    peers=peers,
                )
                raw = RULES[ind.rule](rule_input)
                score = raw * ln.effective_points / points
                detail = _peer_detail(ind, rule_input, raw)
                result.indicators[i] = replace(ln, score=score, detail=detail)


def _peer_detail(ind: Indicator, inp: RuleInput, raw: Fraction) -> str:
    """For rules that depend on the group: the rank or best value that decided the score."""
    m = "" if ind.measure == "分" else ind.measure
    if ind.rule == "rank":
        better = inp.peers.count_better(inp.value, inp.higher_is_better)
        return f"组内第{better + 1}名（共{len(inp.peers)}个单位有数据），得{fmt_number(raw)}分"
    if ind.rule == "relative":
        best = inp.peers.best(inp.value, inp.higher_is_better)
        return f"组内最优值{fmt_number(best)}{m}，得{fmt_number(raw)}分"
    return ""


def _adjustment(model: ScoringModel, event: Event) -> AdjustmentLine:
    item = model.adjustment(event.item_id)
    return AdjustmentLine(
        item.id, item.kind, item.name, event.count, item.points * event.count,
        event.basis, event.date, event.source,
    )  # fmt: skip


def _finish_total(model: ScoringModel, result: UnitResult) -> None:
    result.base = sum((ln.score for ln in result.indicators), Fraction(0))
    result.bonus = sum(
        (Fraction(a.points) for a in result.adjustments if a.kind == "bonus"), Fraction(0)
    )
    result.bonus_capped = min(result.bonus, Fraction(model.bonus_cap))
    result.penalty = sum(
        (Fraction(a.points) for a in result.adjustments if a.kind == "penalty"), Fraction(0)
    )
    exact = max(Fraction(0), result.base + result.bonus_capped - result.penalty)
    result.total = round_half_up(exact, model.decimals)
    if result.veto:
        grade = next(g for g in model.grades if g.code == model.veto_grade)
    else:
        grade = next((g for g in model.grades if result.total >= g.min), model.grades[-1])
    result.grade, result.grade_name = grade.code, grade.name


def _rank(results: list[UnitResult]) -> None:
    """Rank by rounded total; vetoed units after all others (一票否决 ranks last)."""
    offset = 0
    for vetoed in (False, True):
        part = sorted((r for r in results if r.veto == vetoed), key=lambda r: -r.total)
        for result, rank in zip(part, competition_ranks([r.total for r in part]), strict=True):
            result.rank = rank + offset
        offset += len(part)
