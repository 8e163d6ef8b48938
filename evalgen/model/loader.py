"""Load a scoring model file: YAML with line numbers, shape first, then meaning.

Every problem names its path in the file (`groups.county.categories[0].indicators[3].points`)
and its line, and all are reported together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..numbers import round_half_up
from ..problems import ModelError, Problem
from ..resources import DEFAULT_MODEL
from ..scoring.rules import NEEDS_TARGET, REQUIRED_PARAMS, RULES
from ..yamlfile import nearest_line, yaml_load
from .schema import Indicator, ScoringModel

__all__ = [
    "LoadedModel",
    "indicator_path",
    "load_model",
    "target_for",
]


@dataclass(frozen=True)
class LoadedModel:
    """A validated model with where it came from (for the manifest and messages)."""

    model: ScoringModel
    path: Path
    sha256: str


def load_model(path: Path | str | None = None) -> LoadedModel:
    """Read and validate a model file; raise ModelError listing every problem."""
    path = Path(path) if path else DEFAULT_MODEL
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"找不到考核细则文件：{path}") from None
    except OSError as exc:
        raise ModelError(f"无法读取考核细则文件 {path}：{exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ModelError(
            f"考核细则文件 {name} 不是 UTF-8 编码的文本",
            [Problem("文件编码不是 UTF-8", file=name, hint="请用文本编辑器另存为 UTF-8 编码")],
        ) from None
    try:
        data, lines = yaml_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        detail = exc.problem or str(exc)
        raise ModelError(
            f"考核细则文件 {name} 的 YAML 格式有误",
            [
                Problem(
                    f"{where}：{detail}",
                    file=name,
                    hint="请检查该处的缩进、冒号和引号是否成对",
                )
            ],
        ) from None
    if not isinstance(data, dict):
        raise ModelError(f"考核细则文件 {name} 应为键值结构（YAML 映射）")
    try:
        model = ScoringModel.model_validate(data)
    except ValidationError as exc:
        problems = [_shape_problem(err, name, lines) for err in exc.errors()]
        raise ModelError(
            f"考核细则文件 {name} 的结构有误（共{len(problems)}处）", problems
        ) from None
    problems = [
        Problem(msg, file=name, path=p, line=nearest_line(lines, p))
        for p, msg in _meaning_problems(model)
    ]
    if problems:
        raise ModelError(f"考核细则文件 {name} 的内容有误（共{len(problems)}处）", problems)
    return LoadedModel(model, path, hashlib.sha256(raw).hexdigest())


def indicator_path(model: ScoringModel, indicator_id: str) -> str:
    """The path of an indicator in the model file."""
    for gkey, group in model.groups.items():
        for ci, cat in enumerate(group.categories):
            for ii, ind in enumerate(cat.indicators):
                if ind.id == indicator_id:
                    return f"groups.{gkey}.categories[{ci}].indicators[{ii}]"
    return ""


def target_for(indicator: Indicator, year: int) -> Decimal | None:
    """The target applied in `year`: explicit, or by the declared interpolation."""
    targets = indicator.targets
    if year in targets:
        return targets[year]
    if indicator.interpolate == "none" or not targets:
        return None
    before = [y for y in targets if y < year]
    after = [y for y in targets if y > year]
    if not before:
        return None
    y0 = max(before)
    if indicator.interpolate == "hold" or not after:
        return targets[y0]
    y1 = min(after)
    t0, t1 = Fraction(targets[y0]), Fraction(targets[y1])
    value = t0 + (t1 - t0) * Fraction(year - y0, y1 - y0)
    rounded = round_half_up(value, 4)
    return (
        rounded.quantize(Decimal(1))
        if rounded == rounded.to_integral_value()
        else rounded.normalize()
    )


def _format_loc(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


_SHAPE_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的项（可能拼写有误）",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than_equal": "应不大于{le}",
    "string_too_short": "不能为空",
    "too_short": "至少应有{min_length}项",
    "string_pattern_mismatch": "标识只能由英文字母、数字和下划线组成，并以字母开头",
    "literal_error": "取值应为 {expected} 之一",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "finite_number": "应为有限数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为键值结构",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "model_type": "应为键值结构",
}


def _shape_problem(err: dict, file: str, lines: dict[str, int]) -> Problem:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    path = _format_loc(loc)
    template = _SHAPE_MESSAGES.get(err["type"])
    ctx = err.get("ctx") or {}
    try:
        message = template.format(**ctx) if template else err["msg"]
    except (KeyError, IndexError):
        message = err["msg"]
    return Problem(message, file=file, path=path, line=nearest_line(lines, path))


def _meaning_problems(model: ScoringModel) -> list[tuple[str, str]]:
    """Every meaning problem as (path, Chinese message)."""
    out: list[tuple[str, str]] = []
    seen_ids: dict[str, str] = {}

    def unique(kind: str, ident: str, path: str) -> None:
        if ident in seen_ids:
            out.append((path, f"{kind}标识“{ident}”重复（已用于 {seen_ids[ident]}）"))
        else:
            seen_ids[ident] = path

    unit_owner: dict[str, str] = {}
    years = set(model.years)
    for gkey, group in model.groups.items():
        gpath = f"groups.{gkey}"
        for ui, unit in enumerate(group.units):
            if unit in unit_owner:
                out.append(
                    (f"{gpath}.units[{ui}]", f"单位“{unit}”重复（已列于 {unit_owner[unit]}）")
                )
            else:
                unit_owner[unit] = f"{gpath}.units"
        for alias, target in group.aliases.items():
            if target not in group.units:
                out.append(
                    (f"{gpath}.aliases.{alias}", f"简称“{alias}”指向的单位“{target}”不在本组")
                )
            for other_key, other in model.groups.items():
                if alias in other.units and alias != target:
                    out.append(
                        (f"{gpath}.aliases.{alias}", f"简称“{alias}”与单位名称“{alias}”重名")
                    )
                if other_key != gkey and alias in other.aliases:
                    out.append(
                        (f"{gpath}.aliases.{alias}", f"简称“{alias}”在分组 {other_key} 中也有定义")
                    )
        total = sum((c.points for c in group.categories), Decimal(0))
        if total != model.total_points:
            out.append(
                (
                    f"{gpath}.categories",
                    f"各类别分值合计{total}分，应等于总分{model.total_points}分",
                )
            )
        has_tasks = bool(group.tasks)
        for ci, cat in enumerate(group.categories):
            cpath = f"{gpath}.categories[{ci}]"
            unique("类别", cat.id, cpath)
            subtotal = sum((i.points for i in cat.indicators), Decimal(0))
            if subtotal != cat.points:
                out.append(
                    (
                        f"{cpath}.points",
                        f"类别“{cat.name}”下各指标分值合计{subtotal}分，与类别分值{cat.points}分不符",
                    )
                )
            for ii, ind in enumerate(cat.indicators):
                out.extend(_indicator_problems(ind, f"{cpath}.indicators[{ii}]", group, years))
                unique("指标", ind.id, f"{cpath}.indicators[{ii}]")
                if ind.source == "tasks" and not (has_tasks and group.task_scoring):
                    out.append(
                        (
                            f"{cpath}.indicators[{ii}].source",
                            "source: tasks 需要本组定义 tasks 和 task_scoring",
                        )
                    )
        numbers: set[int] = set()
        for ti, task in enumerate(group.tasks):
            tpath = f"{gpath}.tasks[{ti}]"
            unique("任务", task.id, tpath)
            if task.no in numbers:
                out.append((f"{tpath}.no", f"任务序号{task.no}重复"))
            numbers.add(task.no)
            for ui, unit in enumerate(task.units):
                if unit not in group.units:
                    out.append((f"{tpath}.units[{ui}]", f"责任单位“{unit}”不在本组考核对象名单中"))
            if len(set(task.units)) != len(task.units):
                out.append((f"{tpath}.units", "责任单位重复列出"))
        if has_tasks and group.task_input is None:
            out.append(
                (f"{gpath}.task_input", "定义了重点任务，但缺少 task_input（任务完成情况表）")
            )
    for ai, item in enumerate(model.adjustments):
        apath = f"adjustments[{ai}]"
        unique("加减分事项", item.id, apath)
        if item.kind != "veto" and item.points <= 0:
            out.append((f"{apath}.points", "加分、扣分事项的分值应大于0"))
    codes = [g.code for g in model.grades]
    if len(set(codes)) != len(codes):
        out.append(("grades", "等次代码重复"))
    mins = [g.min for g in model.grades]
    if any(a <= b for a, b in zip(mins, mins[1:], strict=False)):
        out.append(("grades", "等次应按分数线从高到低排列，分数线不能相同"))
    if mins and mins[-1] > 0:
        out.append((f"grades[{len(mins) - 1}].min", "最低等次的分数线应为0，否则部分总分无等次"))
    if model.veto_grade not in codes:
        out.append(("veto_grade", f"一票否决等次“{model.veto_grade}”不在 grades 中"))
    for fi, rule in enumerate(model.followups):
        fpath = f"followups[{fi}]"
        unique("约谈整改规则", rule.id, fpath)
        for grade in rule.grades:
            if grade not in codes:
                out.append((f"{fpath}.grades", f"等次“{grade}”不在 grades 中"))
        if rule.when == "grade" and not rule.grades:
            out.append((f"{fpath}.grades", "when: grade 需要列出触发的等次"))
        for g in rule.groups or []:
            if g not in model.groups:
                out.append((f"{fpath}.groups", f"分组“{g}”不存在"))
        if rule.when in ("bottom", "bottom_consecutive"):
            for g in rule.groups or list(model.groups):
                if g in model.groups and rule.count >= len(model.groups[g].units):
                    out.append((f"{fpath}.count", f"后{rule.count}名的人数不小于分组 {g} 的单位数"))
    for year in model.years:
        if not 2000 <= year <= 2100:
            out.append(("years", f"年度{year}不合理"))
    return out


def _indicator_problems(ind: Indicator, path: str, group, years: set[int]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if ind.rule not in RULES:
        known = "、".join(sorted(RULES))
        out.append((f"{path}.rule", f"计分规则“{ind.rule}”不存在（可用：{known}）"))
        return out
    required = REQUIRED_PARAMS[ind.rule]
    for missing in sorted(required - set(ind.params)):
        out.append((f"{path}.params", f"规则 {ind.rule} 缺少参数 {missing}"))
    for extra in sorted(set(ind.params) - required):
        out.append((f"{path}.params.{extra}", f"规则 {ind.rule} 没有参数 {extra}"))
    for year in ind.targets:
        if year not in years:
            out.append((f"{path}.targets.{year}", f"目标年度{year}不在考核年度 years 中"))
    if ind.rule in NEEDS_TARGET and not ind.targets:
        out.append((f"{path}.targets", f"规则 {ind.rule} 需要年度目标值"))
    if ind.safety_floor and ind.rule not in NEEDS_TARGET:
        out.append(
            (f"{path}.safety_floor", "底线指标需要年度目标值（不能用评审、排名或比较法计分）")
        )
    if ind.rule == "linear" and "floor" in ind.params:
        floor = ind.params["floor"]
        for year, target in ind.targets.items():
            bad = floor >= target if ind.direction == "higher" else floor <= target
            if bad:
                side = "低于" if ind.direction == "higher" else "高于"
                out.append((f"{path}.params.floor", f"零分线{floor}应{side}{year}年目标值{target}"))
    if ind.rule == "deduct" and ind.params.get("per", 1) <= 0:
        out.append((f"{path}.params.per", "per 应大于0"))
    if ind.rule == "deduct" and ind.params.get("deduct", 0) < 0:
        out.append((f"{path}.params.deduct", "deduct 不能为负数"))
    if ind.rule == "rank":
        if ind.params.get("step", 0) < 0:
            out.append((f"{path}.params.step", "step 不能为负数"))
        if not 0 <= ind.params.get("floor", 0) <= ind.points:
            out.append((f"{path}.params.floor", f"floor 应在0至该指标分值{ind.points}之间"))
    if ind.applies_to is not None and not ind.applies_to:
        out.append((f"{path}.applies_to", "applies_to 不能为空列表（不限单位时请删去此项）"))
    if ind.rule == "evaluated":
        if ind.max is not None and ind.max > ind.points:
            out.append((f"{path}.max", "评审打分的上限不能超过分值"))
    if ind.min is not None and ind.max is not None and ind.min > ind.max:
        out.append((f"{path}.min", "下限 min 大于上限 max"))
    for ui, unit in enumerate(ind.applies_to or []):
        if unit not in group.units:
            out.append((f"{path}.applies_to[{ui}]", f"单位“{unit}”不在本组考核对象名单中"))
    return out
