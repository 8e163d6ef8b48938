"""Results as plain JSON-safe data, and the line-by-line explanation of a unit's score."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from fractions import Fraction

from ..model.schema import ScoringModel
from ..numbers import fmt_number, half_up_units, json_safe, round_half_up
from ..scoring.engine import GroupResult, IndicatorScore, UnitResult, YearResult
from ..scoring.ruletable import RULES, describe

__all__ = ["build_results", "explain_unit", "history_points", "number", "text2", "unit_record"]

_KIND_LABELS = {"bonus": "加分", "penalty": "扣分", "veto": "一票否决"}
SCORE_DECIMALS = 4


def number(x: Fraction | Decimal | None, decimals: int = SCORE_DECIMALS) -> float | int | None:
    """A JSON number: half-up to `decimals`, integers stay integers."""
    if x is None:
        return None
    units = half_up_units(x, decimals)
    whole, rest = divmod(units, 10**decimals)
    return whole if not rest else float(f"{units}E-{decimals}")


def build_results(model: ScoringModel, year: YearResult, meta: dict) -> dict:
    """The whole year's results as a JSON-safe dict (results.json)."""
    groups = []
    for group in year.groups.values():
        groups.append(
            {
                "key": group.key,
                "name": group.name,
                "unit_count": len(group.units),
                "categories": [
                    {"id": c.id, "name": c.name, "points": json_safe(c.points)}
                    for c in model.groups[group.key].categories
                ],
                "grade_counts": _grade_counts(model, group),
                "units": [_record_once(model, year.year, group, r) for r in group.units],
            }
        )
    return {
        "year": year.year,
        "previous_year": year.previous_year,
        **meta,
        "model": {**meta.get("model", {}), "name": model.name, "version": model.version},
        "rounding": f"总分四舍五入保留{model.decimals}位小数",
        "bonus_cap": json_safe(model.bonus_cap),
        "groups": groups,
    }


def history_points(model: ScoringModel, year: YearResult) -> dict[str, dict]:
    """An earlier year as the unit reports' trend charts need it: unit → total and rank.

    Only the ranked totals: an earlier year's exact lines are never built.
    """
    return {
        r.unit: {"total": number(r.total, model.decimals), "rank": r.rank}
        for group in year.groups.values()
        for r in group.units
    }


def _record_once(model: ScoringModel, year: int, group: GroupResult, r: UnitResult) -> dict:
    """A unit's record; its exact lines are not kept once they are in the record, so a
    national year's lines are never all in memory at once."""
    record = unit_record(model, year, group, r)
    r.forget_lines()
    return record


def _grade_counts(model: ScoringModel, group: GroupResult) -> dict[str, int]:
    return {g.code: sum(1 for r in group.units if r.grade == g.code) for g in model.grades}


def unit_record(model: ScoringModel, year: int, group: GroupResult, r: UnitResult) -> dict:
    """One unit's result record (with its exact lines, checked against the ranked total)."""
    if round_half_up(r.exact_total, model.decimals) != r.total:
        raise RuntimeError(f"internal: exact and ranked totals differ for {r.unit}")
    base = r.base
    return {
        "unit": r.unit,
        "group": r.group,
        "group_name": group.name,
        "total": number(r.total, model.decimals),
        "base": number(base),
        "bonus": number(r.bonus),
        "bonus_applied": number(r.bonus_capped),
        "penalty": number(r.penalty),
        "text": {
            "base": text2(base),
            "bonus": text2(r.bonus_capped),
            "penalty": text2(r.penalty),
        },
        "categories": _category_records(model, r),
        "rank": r.rank,
        "of": len(group.units),
        "previous_rank": r.previous_rank,
        "rank_change": r.rank_change,
        "grade": r.grade,
        "grade_name": r.grade_name,
        "veto": r.veto,
        "indicators": [_indicator_record(line) for line in r.indicators],
        "not_applicable": [
            {
                "id": ln.indicator.id,
                "name": ln.indicator.name,
                "points": json_safe(ln.points),
                "reason": ln.na_reason,
            }
            for ln in r.indicators
            if ln.not_applicable
        ],
        "notes": r.notes,
        "adjustments": [
            {
                "id": a.item_id,
                "kind": a.kind,
                "kind_label": _KIND_LABELS[a.kind],
                "name": a.name,
                "count": a.count,
                "points": json_safe(a.points),
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


def _category_records(model: ScoringModel, r: UnitResult) -> list[dict]:
    out = []
    for cat in model.groups[r.group].categories:
        lines = [ln for ln in r.indicators if ln.category_id == cat.id and not ln.not_applicable]
        score = sum((ln.score for ln in lines), Fraction(0))
        out.append(
            {
                "id": cat.id,
                "name": cat.name,
                "points": json_safe(cat.points),
                "applicable": bool(lines),
                "score": number(score),
                "score_text": text2(score),
            }
        )
    return out


def _indicator_record(line: IndicatorScore) -> dict:
    ind = line.indicator
    params = {k: json_safe(v) for k, v in ind.params.items()}
    record = {
        "id": ind.id,
        "name": ind.name,
        "category": line.category,
        "measure": ind.measure,
        "direction": ind.direction,
        "value": number(line.value),
        "target": json_safe(line.target),
        "rule": ind.rule,
        "rule_label": RULES[ind.rule].label,
        "rule_text": describe(
            ind.rule, ind.params, line.target, ind.measure, ind.direction == "higher"
        ),
        "params": params,
        "points": json_safe(line.points),
        "effective_points": number(line.effective_points),
        "score": number(line.score),
        "lost": number(line.effective_points - line.score),
        "text": {
            "points": text2(line.effective_points),
            "score": text2(line.score),
            "lost": text2(line.effective_points - line.score),
        },
        "not_applicable": line.not_applicable,
        "na_reason": line.na_reason,
        "met": line.met,
        "safety_floor": ind.safety_floor,
        "source": line.source.to_dict() if line.source else None,
    }
    if line.detail:
        record["detail"] = line.detail
    if line.tasks:
        record["tasks"] = [
            {
                "id": t.task_id,
                "no": t.no,
                "name": t.name,
                "role": t.role,
                "weight": json_safe(t.weight),
                "score": json_safe(t.score),
                "source": t.source.to_dict(),
            }
            for t in line.tasks
        ]
    return record


# -- explain ----------------------------------------------------------------------------------


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


def explain_unit(model: ScoringModel, year: YearResult, unit: str) -> str:
    """Every point of a unit's score, with the source cell of every figure."""
    result = year.unit(unit)
    group = year.groups[result.group]
    out = [
        f"{result.unit} {year.year}年度质量工作考核得分说明（{group.name}，共{len(group.units)}个单位）",
        "",
    ]
    change = ""
    if result.previous_rank is not None:
        delta = result.rank_change
        moved = "持平" if delta == 0 else (f"上升{delta}位" if delta > 0 else f"下降{-delta}位")
        change = f"（{year.previous_year}年第{result.previous_rank}位，{moved}）"
    veto = "，一票否决" if result.veto else ""
    out.append(
        f"总分 {result.total} 分，等次 {result.grade}（{result.grade_name}{veto}），排名第{result.rank}位{change}"
    )
    exact = result.exact_total
    cap = (
        f"（加分合计{fmt_number(result.bonus)}分，上限{fmt_number(model.bonus_cap)}分）"
        if result.bonus > result.bonus_capped
        else ""
    )
    out.append(
        f"计算：指标得分 {fmt_number(result.base)} + 加分 {fmt_number(result.bonus_capped)}{cap}"
        f" − 扣分 {fmt_number(result.penalty)} = {fmt_number(exact)}，四舍五入保留{model.decimals}位小数得 {result.total}"
    )
    for cat in model.groups[result.group].categories:
        lines = [ln for ln in result.indicators if ln.category_id == cat.id]
        subtotal = sum((ln.score for ln in lines), Fraction(0))
        out += ["", f"【{cat.name}】分值{fmt_number(cat.points)}分，得分{fmt_number(subtotal)}分"]
        rows = [["指标", "完成值", "目标值", "计分规则", "分值", "得分", "数据来源"]]
        for ln in lines:
            ind = ln.indicator
            m = "" if ind.measure == "分" else ind.measure
            value = "不适用" if ln.value is None else f"{fmt_number(ln.value)}{m}"
            target = "—" if ln.target is None else f"{fmt_number(ln.target)}{m}"
            points = fmt_number(ln.effective_points)
            if ln.effective_points != ln.points:
                points = f"{fmt_number(ln.points)}→{points}"
            source = (
                str(ln.source)
                if ln.source and not ln.tasks
                else ("见下方任务明细" if ln.tasks else "—")
            )
            rows.append(
                [
                    ind.name,
                    value,
                    target,
                    RULES[ind.rule].label,
                    points,
                    fmt_number(ln.score),
                    source,
                ]
            )
        out += _table(rows)
        for ln in lines:
            if ln.value is not None:
                rule = describe(ln.indicator.rule, ln.indicator.params, ln.target, ln.indicator.measure,
                                ln.indicator.direction == "higher")  # fmt: skip
                detail = f"；{ln.detail}" if ln.detail else ""
                out.append(f"    · {ln.indicator.name}：{rule}{detail}")
            for t in ln.tasks:
                out.append(
                    f"    · 任务{t.no} {t.name}（{t.role}，权重{fmt_number(t.weight)}）完成得分"
                    f"{fmt_number(t.score)}，来源 {t.source}"
                )
            if ln.tasks:
                out.append(f"      加权平均完成得分 {fmt_number(ln.value)}")
    na = [ln for ln in result.indicators if ln.not_applicable]
    if na or result.notes:
        out += ["", "【不适用指标】"]
        out += [f"  {note}" for note in result.notes]
        for ln in na:
            out.append(
                f"  {ln.indicator.name}（{fmt_number(ln.points)}分）：{ln.na_reason}，"
                "分值按比例分配给同类别其他指标（同类别均不适用的，分配给其余全部指标）"
            )
    out += ["", "【加减分及一票否决】"]
    if not result.adjustments:
        out.append("  无")
    for a in result.adjustments:
        pts = "" if a.kind == "veto" else f" {fmt_number(a.points)}分"
        times = f"×{a.count}" if a.count > 1 else ""
        out.append(
            f"  {_KIND_LABELS[a.kind]}：{a.name}{times}{pts}；依据：{a.basis}；来源 {a.source}"
        )
    out += ["", "【约谈及整改】"]
    if not result.triggers:
        out.append("  无")
    for t in result.triggers:
        out.append(f"  {t.kind}：{t.reason}。{t.action}")
    return "\n".join(out)
