"""The line-by-line explanation of a unit's score (`evalgen explain`), as plain text."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from fractions import Fraction

from ..inputs.appeals import Appeal, appeal_result
from ..model.schema import Category, ScoringModel
from ..numbers import fmt_decisive, fmt_number, fmt_places, split_points
from ..scoring.lines import IndicatorScore
from ..scoring.ruletable import RULES, describe
from ..scoring.scored import AdjustmentLine, UnitLines, YearLines, YearResult
from .results import KIND_LABELS

__all__ = ["explain_unit"]

_HEADER = ["指标", "完成值", "目标值", "计分规则", "分值", "得分", "数据来源"]


def explain_unit(
    model: ScoringModel,
    year: YearResult,
    lines: YearLines,
    unit: str,
    appeals: Sequence[Appeal] = (),
) -> str:
    """Every point of a unit's score, with the source cell of every figure.

    `lines` is the year's exact view (from `score_year`, beside `year`); `appeals` the
    unit's rows of the appeals register (复核登记表), listed in a section of their own.
    """
    result = year.unit(unit)
    if result is None:
        raise KeyError(unit)
    exact = lines.unit_lines(result)
    out = _summary(model, year, exact)
    for cat in model.groups[result.group].categories:
        out += _category(cat, [ln for ln in exact.indicators if ln.category_id == cat.id])
    out += _not_applicable(exact)
    out += _adjustments(result.adjustments)
    out += ["", "【约谈及整改】"]
    if not result.triggers:
        out.append("  无")
    for t in result.triggers:
        out.append(f"  {t.kind}：{t.reason}。{t.action}")
    return "\n".join(out + _appeals(appeals))


def _appeals(appeals: Sequence[Appeal]) -> list[str]:
    """【复核情况】: each appeal with its conclusion, basis, date and who handled it."""
    if not appeals:
        return []
    out = ["", "【复核情况】"]
    for a in appeals:
        when = f"，复核日期{a.decided}" if a.decided else ""
        who = f"，经办人{a.handler}" if a.handler else ""
        asked = f"申请：{a.request}；" if a.request else ""
        out.append(
            f"  复核编号 {a.number} {a.target_name}：{appeal_result(a.to_dict())}"
            f"（{asked}依据：{a.basis or '—'}{when}{who}；来源 {a.source}）"
        )
    return out


def _summary(model: ScoringModel, year: YearResult, exact: UnitLines) -> list[str]:
    """The title, the total with grade and rank, and how the total is made."""
    result = exact.result
    group = year.groups[result.group]
    change = ""
    delta = result.rank_change  # None exactly when there is no previous rank
    if delta is not None:
        moved = "持平" if delta == 0 else (f"上升{delta}位" if delta > 0 else f"下降{-delta}位")
        change = f"（{year.previous_year}年第{result.previous_rank}位，{moved}）"
    veto = "，一票否决" if result.veto else ""
    cap = (
        f"（加分合计{fmt_number(result.bonus)}分，上限{fmt_number(model.bonus_cap)}分）"
        if result.bonus > result.bonus_capped
        else ""
    )
    return [
        f"{result.unit} {year.year}年度质量工作考核得分说明（{group.name}，共{len(group.units)}个单位）",
        "",
        f"总分 {result.total} 分，等次 {result.grade}（{result.grade_name}{veto}），"
        f"排名第{result.rank}位{change}",
        f"计算：指标得分 {fmt_number(exact.base)} + 加分 {fmt_number(result.bonus_capped)}{cap}"
        f" − 扣分 {fmt_number(result.penalty)} = {fmt_number(exact.exact_total)}，"
        f"四舍五入保留{model.decimals}位小数得 {result.total}",
    ]


def _category(cat: Category, lines: list[IndicatorScore]) -> list[str]:
    """A category's table of indicators, then how each indicator was scored."""
    subtotal = sum((ln.score for ln in lines), Fraction(0))
    out = ["", f"【{cat.name}】分值{fmt_number(cat.points)}分，得分{fmt_number(subtotal)}分"]
    out += _table([_HEADER, *(_row(ln) for ln in lines)])
    for ln in lines:
        ind = ln.indicator
        if ln.value is not None:
            rule = describe(ind.rule, ind.params, ln.target, ind.measure, ind.direction == "higher")
            detail = f"；{ln.detail}" if ln.detail else ""
            out.append(f"    · {ind.name}：{rule}{detail}")
        for t in ln.tasks:
            out.append(
                f"    · 任务{t.no} {t.name}（{t.role}，权重{fmt_number(t.weight)}）完成得分"
                f"{fmt_number(t.score)}，来源 {t.source}"
            )
        if ln.tasks:
            # Task lines always come with their weighted average (`exact.task_value`).
            assert ln.value is not None, ind.id
            out.append(f"      加权平均完成得分 {fmt_number(ln.value)}")
    return out


def _row(ln: IndicatorScore) -> list[str]:
    ind = ln.indicator
    m = "" if ind.measure == "分" else ind.measure
    value = "不适用" if ln.value is None else f"{fmt_number(ln.value)}{m}"
    target = "—" if ln.target is None else f"{fmt_number(ln.target)}{m}"
    if ln.value is not None and ln.target is not None:
        shown, goal = fmt_decisive(ln.value, ln.target, 4)  # never 98.25% against 98.25%
        value, target = f"{shown}{m}", f"{goal}{m}"
    # A score that is not full marks never prints as the points (4.99995 of 5 is not 5).
    points, score = (fmt_places(x) for x in split_points(ln.effective_points, ln.score, 4)[:2])
    if ln.effective_points != ln.points:
        points = f"{fmt_number(ln.points)}→{points}"
    source = (
        str(ln.source) if ln.source and not ln.tasks else ("见下方任务明细" if ln.tasks else "—")
    )
    return [ind.name, value, target, RULES[ind.rule].label, points, score, source]


def _not_applicable(exact: UnitLines) -> list[str]:
    na = [ln for ln in exact.indicators if ln.not_applicable]
    if not na and not exact.notes:
        return []
    out = ["", "【不适用指标】"]
    out += [f"  {note}" for note in exact.notes]
    for ln in na:
        out.append(
            f"  {ln.indicator.name}（{fmt_number(ln.points)}分）：{ln.na_reason}，"
            "分值按比例分配给同类别其他指标（同类别均不适用的，分配给其余全部指标）"
        )
    return out


def _adjustments(adjustments: tuple[AdjustmentLine, ...]) -> list[str]:
    out = ["", "【加减分及一票否决】"]
    if not adjustments:
        out.append("  无")
    for a in adjustments:
        pts = "" if a.kind == "veto" else f" {fmt_number(a.points)}分"
        times = f"×{a.count}" if a.count > 1 else ""
        out.append(
            f"  {KIND_LABELS[a.kind]}：{a.name}{times}{pts}；依据：{a.basis}；来源 {a.source}"
        )
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
