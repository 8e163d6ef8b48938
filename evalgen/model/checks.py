"""The model's meaning (第二步): references exist, names are unique, numbers add up.

Runs after the shape check (`schema`). Each problem is a `Problem` with its path in the file
and a stable code; `loader.load_model` adds the file name and line. Rule names, parameters and
their bounds come from the rule table (`scoring.ruletable.RULES`).
"""

from __future__ import annotations

from decimal import Decimal

from ..problems import Problem
from ..scoring.conditions import CONDITIONS
from ..scoring.ruletable import RULES
from .names import NamePeriod, name_periods, unit_of_name
from .progress_checks import progress_problems
from .schema import Group, Indicator, ScoringModel

__all__ = ["indicator_problems", "meaning_problems"]


class _Found:
    """The problems found so far, and the first path of every identifier seen."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._ids: dict[str, str] = {}

    def add(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(message, path=path, code=code))

    def unique(self, kind: str, ident: str, path: str) -> None:
        """Identifiers are unique across the model (categories, indicators, tasks, …)."""
        if ident in self._ids:
            self.add(path, "duplicate-id", f"{kind}标识“{ident}”重复（已用于 {self._ids[ident]}）")
        else:
            self._ids[ident] = path


def meaning_problems(model: ScoringModel) -> list[Problem]:
    """Every meaning problem of a model whose shape is valid, in file order."""
    found = _Found()
    unit_owner: dict[str, str] = {}
    for gkey, group in model.groups.items():
        _units_and_aliases(found, model, gkey, group, unit_owner)
        _categories(found, model, gkey, group)
        _tasks(found, gkey, group)
    _renames(found, model)
    _adjustments(found, model)
    _grades(found, model)
    _followups(found, model)
    for year in model.years:
        if not 2000 <= year <= 2100:
            found.add("years", "year-out-of-range", f"年度{year}不合理")
    return found.problems + progress_problems(model)


def _units_and_aliases(
    found: _Found, model: ScoringModel, gkey: str, group: Group, unit_owner: dict[str, str]
) -> None:
    gpath = f"groups.{gkey}"
    for ui, unit in enumerate(group.units):
        if unit in unit_owner:
            path = f"{gpath}.units[{ui}]"
            found.add(path, "duplicate-unit", f"单位“{unit}”重复（已列于 {unit_owner[unit]}）")
        else:
            unit_owner[unit] = f"{gpath}.units"
    for alias, target in group.aliases.items():
        path = f"{gpath}.aliases.{alias}"
        if unit_of_name(group, target) is None:
            found.add(path, "alias-unknown-unit", f"简称“{alias}”指向的单位“{target}”不在本组")
        for other_key, other in model.groups.items():
            if alias in other.units and alias != target:
                found.add(path, "alias-is-unit-name", f"简称“{alias}”与单位名称“{alias}”重名")
            if other_key != gkey and alias in other.aliases:
                found.add(
                    path, "alias-in-two-groups", f"简称“{alias}”在分组 {other_key} 中也有定义"
                )


def _categories(found: _Found, model: ScoringModel, gkey: str, group: Group) -> None:
    gpath = f"groups.{gkey}"
    total = sum((c.points for c in group.categories), Decimal(0))
    if total != model.total_points:
        message = f"各类别分值合计{total}分，应等于总分{model.total_points}分"
        found.add(f"{gpath}.categories", "points-mismatch", message)
    years = set(model.years)
    for ci, cat in enumerate(group.categories):
        cpath = f"{gpath}.categories[{ci}]"
        found.unique("类别", cat.id, cpath)
        subtotal = sum((i.points for i in cat.indicators), Decimal(0))
        if subtotal != cat.points:
            message = f"类别“{cat.name}”下各指标分值合计{subtotal}分，与类别分值{cat.points}分不符"
            found.add(f"{cpath}.points", "points-mismatch", message)
        for ii, ind in enumerate(cat.indicators):
            path = f"{cpath}.indicators[{ii}]"
            found.problems.extend(indicator_problems(ind, path, group, years))
            found.unique("指标", ind.id, path)
            if ind.source == "tasks" and not (group.tasks and group.task_scoring):
                message = "source: tasks 需要本组定义 tasks 和 task_scoring"
                found.add(f"{path}.source", "tasks-undefined", message)


def indicator_problems(ind: Indicator, path: str, group: Group, years: set[int]) -> list[Problem]:
    """An indicator's problems: its rule and parameters (from the rule table), then the rest."""
    found = _Found()
    rule = RULES.get(ind.rule)
    if rule is None:
        known = "、".join(sorted(RULES))
        found.add(f"{path}.rule", "unknown-rule", f"计分规则“{ind.rule}”不存在（可用：{known}）")
        return found.problems
    for missing in sorted(rule.param_names - set(ind.params)):
        found.add(f"{path}.params", "missing-param", f"规则 {ind.rule} 缺少参数 {missing}")
    for extra in sorted(set(ind.params) - rule.param_names):
        found.add(f"{path}.params.{extra}", "unknown-param", f"规则 {ind.rule} 没有参数 {extra}")
    for year in ind.targets:
        if year not in years:
            message = f"目标年度{year}不在考核年度 years 中"
            found.add(f"{path}.targets.{year}", "target-year-not-assessed", message)
    if rule.needs_target and not ind.targets:
        found.add(f"{path}.targets", "missing-target", f"规则 {ind.rule} 需要年度目标值")
    if ind.safety_floor and not rule.needs_target:
        message = "底线指标需要年度目标值（不能用评审、排名或比较法计分）"
        found.add(f"{path}.safety_floor", "safety-floor-without-target", message)
    for param in rule.params:
        if param.name in ind.params:
            for message in param.problems(ind.params[param.name], ind):
                found.add(f"{path}.params.{param.name}", "param-out-of-range", message)
    _indicator_fields(found, ind, path, group, rule.value_is_score)
    return found.problems


def _indicator_fields(
    found: _Found, ind: Indicator, path: str, group: Group, value_is_score: bool
) -> None:
    """Whom the indicator applies to, and the bounds of its values."""
    if ind.applies_to is not None and not ind.applies_to:
        message = "applies_to 不能为空列表（不限单位时请删去此项）"
        found.add(f"{path}.applies_to", "empty-applies-to", message)
    if value_is_score and ind.max is not None and ind.max > ind.points:
        found.add(f"{path}.max", "max-above-points", "评审打分的上限不能超过分值")
    if ind.min is not None and ind.max is not None and ind.min > ind.max:
        found.add(f"{path}.min", "min-above-max", "下限 min 大于上限 max")
    for ui, unit in enumerate(ind.applies_to or []):
        if unit_of_name(group, unit) is None:
            message = f"单位“{unit}”不在本组考核对象名单中"
            found.add(f"{path}.applies_to[{ui}]", "unknown-unit", message)


def _tasks(found: _Found, gkey: str, group: Group) -> None:
    gpath = f"groups.{gkey}"
    numbers: set[int] = set()
    for ti, task in enumerate(group.tasks):
        tpath = f"{gpath}.tasks[{ti}]"
        found.unique("任务", task.id, tpath)
        if task.no in numbers:
            found.add(f"{tpath}.no", "duplicate-task-no", f"任务序号{task.no}重复")
        numbers.add(task.no)
        for ui, unit in enumerate(task.units):
            if unit_of_name(group, unit) is None:
                message = f"责任单位“{unit}”不在本组考核对象名单中"
                found.add(f"{tpath}.units[{ui}]", "unknown-unit", message)
        if len({unit_of_name(group, u) or u for u in task.units}) != len(task.units):
            found.add(f"{tpath}.units", "duplicate-task-unit", "责任单位重复列出")
    if group.tasks and group.task_input is None:
        message = "定义了重点任务，但缺少 task_input（任务完成情况表）"
        found.add(f"{gpath}.task_input", "missing-task-input", message)


def _renames(found: _Found, model: ScoringModel) -> None:
    """`formerly:`: listed units, one name per unit and year, no name of two units in a year."""
    periods: list[tuple[str, NamePeriod, str]] = []  # (unit, period, path): units not renamed
    renames: list[tuple[str, NamePeriod, str]] = []  # the renamed units' names, after them
    for gkey, group in model.groups.items():
        for unit, formers in group.formerly.items():
            upath = f"groups.{gkey}.formerly.{unit}"
            if unit not in group.units:
                message = f"更名单位“{unit}”不在本组考核对象名单中（应写单位现名）"
                found.add(upath, "rename-unknown-unit", message)
                continue
            untils: dict[int, int] = {}
            for fi, former in enumerate(formers):
                fpath = f"{upath}[{fi}]"
                if former.until in untils:
                    message = (
                        f"“{former.name}”与第{untils[former.until] + 1}项的使用截止年度"
                        f"同为{former.until}年，使用期重叠"
                    )
                    found.add(f"{fpath}.until", "rename-overlap", message)
                untils.setdefault(former.until, fi)
                if not 2000 <= former.until <= 2100:
                    found.add(f"{fpath}.until", "year-out-of-range", f"年度{former.until}不合理")
            renames += [(unit, p, _name_path(upath, formers, p)) for p in name_periods(group, unit)]
        periods += [(u, NamePeriod(u, None, None), f"groups.{gkey}.units")
                    for u in group.units if u not in group.formerly]  # fmt: skip
    former_names = {p.name for u, p, _ in renames if p.name != u}
    for gkey, group in model.groups.items():
        for alias in group.aliases:
            if alias in former_names:
                message = f"简称“{alias}”与某单位的曾用名重名"
                found.add(f"groups.{gkey}.aliases.{alias}", "alias-is-unit-name", message)
    _names_used_twice(found, periods + renames)  # a clash is shown at the later entry


def _name_path(upath: str, formers: list, period: NamePeriod) -> str:
    index = next((i for i, f in enumerate(formers) if f.name == period.name), None)
    return upath if index is None else f"{upath}[{index}].name"


def _names_used_twice(found: _Found, periods: list[tuple[str, NamePeriod, str]]) -> None:
    by_name: dict[str, list[tuple[str, NamePeriod, str]]] = {}
    for entry in periods:
        by_name.setdefault(entry[1].name, []).append(entry)
    for name, entries in by_name.items():
        for i, (unit, period, path) in enumerate(entries):
            clash = next(
                ((other, p) for other, p, _ in entries[:i] if other != unit and p.overlaps(period)),
                None,
            )
            if clash is not None:
                when = _period_text(_common(period, clash[1]))
                message = f"名称“{name}”{when}同时是“{clash[0]}”和“{unit}”的名称"
                found.add(path, "name-used-twice", message)


def _common(a: NamePeriod, b: NamePeriod) -> NamePeriod:
    firsts = [y for y in (a.first, b.first) if y is not None]
    lasts = [y for y in (a.last, b.last) if y is not None]
    return NamePeriod(a.name, max(firsts) if firsts else None, min(lasts) if lasts else None)


def _period_text(period: NamePeriod) -> str:
    if period.first is None and period.last is None:
        return ""
    if period.first is None:
        return f"在{period.last}年及以前"
    if period.last is None:
        return f"在{period.first}年及以后"
    return f"在{period.first}—{period.last}年"


def _adjustments(found: _Found, model: ScoringModel) -> None:
    for ai, item in enumerate(model.adjustments):
        apath = f"adjustments[{ai}]"
        found.unique("加减分事项", item.id, apath)
        if item.kind != "veto" and item.points <= 0:
            message = "加分、扣分事项的分值应大于0"
            found.add(f"{apath}.points", "adjustment-without-points", message)


def _grades(found: _Found, model: ScoringModel) -> None:
    codes = [g.code for g in model.grades]
    if len(set(codes)) != len(codes):
        found.add("grades", "duplicate-grade", "等次代码重复")
    mins = [g.min for g in model.grades]
    if any(a <= b for a, b in zip(mins, mins[1:], strict=False)):
        message = "等次应按分数线从高到低排列，分数线不能相同"
        found.add("grades", "grades-not-descending", message)
    if mins and mins[-1] > 0:
        message = "最低等次的分数线应为0，否则部分总分无等次"
        found.add(f"grades[{len(mins) - 1}].min", "lowest-grade-above-zero", message)
    if model.veto_grade not in codes:
        message = f"一票否决等次“{model.veto_grade}”不在 grades 中"
        found.add("veto_grade", "unknown-grade", message)


def _followups(found: _Found, model: ScoringModel) -> None:
    codes = {g.code for g in model.grades}
    for fi, rule in enumerate(model.followups):
        fpath = f"followups[{fi}]"
        found.unique("约谈整改规则", rule.id, fpath)
        for grade in rule.grades:
            if grade not in codes:
                found.add(f"{fpath}.grades", "unknown-grade", f"等次“{grade}”不在 grades 中")
        condition = CONDITIONS.get(rule.when)
        if condition is None:
            known = "、".join(CONDITIONS)
            message = f"约谈整改条件“{rule.when}”不存在（可用：{known}）"
            found.add(f"{fpath}.when", "unknown-condition", message)
        elif condition.needs_grades and not rule.grades:
            message = f"when: {rule.when} 需要列出触发的等次"
            found.add(f"{fpath}.grades", "missing-grades", message)
        for g in rule.groups or []:
            if g not in model.groups:
                found.add(f"{fpath}.groups", "unknown-group", f"分组“{g}”不存在")
        if condition is not None and condition.counts_from_bottom:
            for g in rule.groups or list(model.groups):
                if g in model.groups and rule.count >= len(model.groups[g].units):
                    message = f"后{rule.count}名的人数不小于分组 {g} 的单位数"
                    found.add(f"{fpath}.count", "bottom-count-too-large", message)
