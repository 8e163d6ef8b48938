"""The unit reports' (单位报告) and interview notices' (约谈通知书) contexts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from ..inputs.issuance import Issuance
from ..model.schema import ScoringModel
from ..numbers import dec, fmt_decisive, fmt_number, fmt_places, fmt_total
from ..outputs.records import (
    AdjustmentRecord,
    GroupRecord,
    IndicatorRecord,
    UnitRecord,
    YearRecord,
)
from .context import (
    AdjustmentRow,
    AttainmentRow,
    DocFields,
    IndicatorRow,
    NoticeContext,
    TaskRow,
    TrendPoint,
    UnitReportContext,
    UnitSummary,
    doc_fields,
)
from .review import unit_appeals
from .wording import LOW_TASK_SCORE, change_text, missed_word, triggered, unit_tasks, value_text

__all__ = ["History", "notice_contexts", "unit_contexts"]

# Each earlier year → unit → its "total" and "rank" (`outputs.results.history_points`).
History = Mapping[int, Mapping[str, Mapping[str, Any]]]


def unit_contexts(
    model: ScoringModel,
    results: YearRecord,
    history: History,
    issuance: Issuance,
) -> Iterator[UnitReportContext]:
    """One feedback report context per unit, built as it is asked for.

    `history` maps each earlier year to its units' totals and ranks (`history_points`).
    """
    doc = doc_fields(issuance)
    for group in results["groups"]:
        averages = _group_averages(group)
        for unit in group["units"]:
            yield _unit_context(model, results, history, doc, group, unit, averages)


def _share(ind: IndicatorRecord) -> float | None:
    if ind["not_applicable"] or not ind["effective_points"]:
        return None
    return ind["score"] / ind["effective_points"] * 100


def _group_averages(group: GroupRecord) -> dict[str, float]:
    sums: dict[str, list[float]] = {}
    for u in group["units"]:
        for i in u["indicators"]:
            share = _share(i)
            if share is not None:
                sums.setdefault(i["id"], []).append(share)
    return {k: sum(v) / len(v) for k, v in sums.items()}


def _unit_context(
    model: ScoringModel,
    results: YearRecord,
    history: History,
    doc: DocFields,
    group: GroupRecord,
    unit: UnitRecord,
    averages: dict[str, float],
) -> UnitReportContext:
    """One unit's report: headline, summary and tables, what to fix, its two charts."""
    year = results["year"]
    return {
        "appeals": unit_appeals(results, unit["unit"]),
        "doc": doc,
        "year": year,
        "unit": unit["unit"],
        "group": group["name"],
        "file_stem": f"{unit['unit']}_{year}年度考核结果反馈",
        "title": f"{unit['unit']}{year}年度{model.assessment}结果反馈报告",
        "subject": f"{year}年度{model.assessment}结果反馈报告",
        "headline": _headline(model, results, group, unit),
        "summary": _summary(unit),
        "rows": _indicator_rows(unit),
        "not_applicable": _not_applicable(unit),
        "adjustments": _adjustment_rows(unit, results["bonus_cap"]),
        "tasks": _task_rows(unit),
        "fixes": _fixes(unit),
        "triggers": [f"{t['kind']}：{t['reason']}。{t['action']}。" for t in unit["triggers"]],
        "charts": {
            "attainment": {
                "kind": "attainment",
                "data": {"rows": _attainment_rows(unit, averages)},
            },
            "trend": {
                "kind": "trend",
                "data": {"points": _trend_points(unit, history, year), "of": unit["of"]},
            },
        },
    }


def _headline(
    model: ScoringModel, results: YearRecord, group: GroupRecord, unit: UnitRecord
) -> str:
    """The opening sentence: total, grade, rank in the group and its change."""
    change = ""
    if unit["previous_rank"] is not None:
        change = f"，较{results['previous_year']}年度（第{unit['previous_rank']}位）{change_text(unit['rank_change'])}"
    veto = "，一票否决" if unit["veto"] else ""
    return (
        f"你单位{results['year']}年度{model.assessment}总分{fmt_total(unit['total'])}分，"
        f"等次为{unit['grade']}（{unit['grade_name']}{veto}），"
        f"在{unit['of']}个{group['name']}中排名第{unit['rank']}位{change}。"
    )


def _summary(unit: UnitRecord) -> UnitSummary:
    return {
        "total": fmt_total(unit["total"]),
        "grade": f"{unit['grade']}（{unit['grade_name']}）",
        "rank": f"{unit['rank']}/{unit['of']}",
        "change": change_text(unit["rank_change"]),
        "base": unit["text"]["base"],
        "bonus": unit["text"]["bonus"],
        "penalty": unit["text"]["penalty"],
    }


def _indicator_rows(unit: UnitRecord) -> list[IndicatorRow]:
    """The indicator table, the category named on its first indicator only."""
    rows: list[IndicatorRow] = []
    last_category: str | None = None
    for ind in unit["indicators"]:
        first = ind["category"] != last_category
        last_category = ind["category"]
        rows.append(
            {
                "category": ind["category"] if first else "",
                "name": ind["name"],
                "value": value_text(ind),
                "target": value_text(ind, "target"),
                "rule": ind["rule_label"],
                "points": ind["text"]["points"] if not ind["not_applicable"] else "—",
                "score": ind["text"]["score"] if not ind["not_applicable"] else "—",
                "lost": ind["text"]["lost"] if ind["lost"] else "",
            }
        )
    return rows


def _not_applicable(unit: UnitRecord) -> list[str]:
    """不适用 indicators and where their points went, then the unit's other notes."""
    return [
        f"{n['name']}（{fmt_number(dec(n['points']))}分）{n['reason']}，分值已按比例分配给同类别其他指标。"
        for n in unit["not_applicable"]
    ] + [f"{note}。" for note in unit["notes"]]


def _adjustment_rows(unit: UnitRecord, bonus_cap: object) -> list[AdjustmentRow]:
    """Bonuses, penalties and vetoes, then a note if the bonuses passed `bonus_cap`."""
    rows: list[AdjustmentRow] = [
        {
            "kind": a["kind_label"],
            "name": a["name"] + (f"（{a['count']}次）" if a["count"] > 1 else ""),
            "points": _signed_points(a),
            "basis": a["basis"],
        }
        for a in unit["adjustments"]
    ]
    if unit["bonus"] > unit["bonus_applied"]:
        rows.append(
            {
                "kind": "说明",
                "name": "加分超过上限",
                "points": f"计{fmt_number(dec(unit['bonus_applied']))}",
                "basis": f"加分合计{fmt_number(dec(unit['bonus']))}分，按上限{bonus_cap}分计入",
            }
        )
    return rows


def _signed_points(adjustment: AdjustmentRecord) -> str:
    """+5 for a bonus, −2 for a penalty, nothing for a veto (it has no points)."""
    if adjustment["kind"] == "veto":
        return ""
    sign = "+" if adjustment["kind"] == "bonus" else "−"
    return sign + fmt_number(dec(adjustment["points"]))


def _attainment_rows(unit: UnitRecord, averages: dict[str, float]) -> list[AttainmentRow]:
    """Each indicator's share of its points and the group's average share, in %."""
    return [_attainment_row(i, averages) for i in unit["indicators"]]


def _attainment_row(ind: IndicatorRecord, averages: dict[str, float]) -> AttainmentRow:
    share = _share(ind)
    return {
        "name": ind["name"],
        "share": None if share is None else round(share, 2),
        "group_average": round(averages[ind["id"]], 2) if ind["id"] in averages else None,
    }


def _trend_points(unit: UnitRecord, history: History, year: int) -> list[TrendPoint]:
    """The unit's total and rank in each earlier year it was assessed, then in `year`."""
    name = unit["unit"]
    earlier: list[TrendPoint] = [
        {"year": y, "total": past[name]["total"], "rank": past[name]["rank"]}
        for y, past in sorted(history.items())
        if name in past
    ]
    return earlier + [{"year": year, "total": unit["total"], "rank": unit["rank"]}]


def _task_rows(unit: UnitRecord) -> list[TaskRow]:
    return [
        {
            "no": str(t["no"]),
            "name": t["name"],
            "role": t["role"],
            "score": fmt_number(dec(t["score"])),
        }
        for t in unit_tasks(unit)
    ]


def _lost(ind: IndicatorRecord) -> str:
    """Points lost in prose, as the table prints them, without trailing zeros (失分1.45分,
    失分30分, 失分0.005分)."""
    return fmt_places(Decimal(ind["text"]["lost"]))


def _task_average(ind: IndicatorRecord) -> str:
    """The weighted task score in prose: two places, more where it would print as its full
    marks while points were lost (99.999 is not 100)."""
    value, target = dec(ind["value"]), ind["target"]
    return fmt_number(value, 2) if target is None else fmt_decisive(value, dec(target), 2)[0]


def _fixes(unit: UnitRecord) -> list[str]:
    """What the unit must fix: vetoes and penalties first, then every point lost, largest first."""
    out = [
        f"{adj['name']}（{adj['kind_label']}）：{adj['basis']}。"
        for adj in unit["adjustments"]
        if adj["kind"] in ("veto", "penalty")
    ]
    losing = sorted((i for i in unit["indicators"] if i["lost"]), key=lambda i: -i["lost"])
    for ind in losing:
        if ind.get("tasks"):
            value = _task_average(ind)
            out.append(f"{ind['name']}：加权平均完成得分{value}分，失分{_lost(ind)}分。")
        elif ind["met"] is False:
            out.append(
                f"{ind['name']}：完成值{value_text(ind)}，{missed_word(ind)}年度目标"
                f"{value_text(ind, 'target')}，失分{_lost(ind)}分。"
            )
        else:
            out.append(f"{ind['name']}：失分{_lost(ind)}分（{ind['rule_text']}）。")
    for task in unit_tasks(unit):
        if task["score"] < LOW_TASK_SCORE:
            out.append(
                f"重点任务{task['no']}“{task['name']}”（{task['role']}）完成得分"
                f"{fmt_number(dec(task['score']))}分，需加快推进。"
            )
    return out or ["各项指标均已达到要求，请继续保持。"]


# -- interview notices (约谈通知书) -------------------------------------------------------------


def _interviewee(actions: Iterable[str]) -> str:
    """Whom the rules summon: the principal leader if any rule says so, else the one in charge."""
    said = list(actions)
    if any("主要负责" in a for a in said) or not any("分管负责" in a for a in said):
        return "主要负责同志"
    return "分管负责同志"


def notice_contexts(
    model: ScoringModel, results: YearRecord, issuance: Issuance
) -> list[NoticeContext]:
    """One interview notice per summoned unit, every reason with its figures."""
    out: list[NoticeContext] = []
    summoned = [u for g in results["groups"] for u in triggered(g["units"], "约谈")]
    doc = doc_fields(issuance)
    for seq, unit in enumerate(summoned, 1):
        summons = [t for t in unit["triggers"] if t["kind"] == "约谈"]
        reasons = [t["reason"] for t in summons]
        who = _interviewee(t["action"] for t in summons)
        number = (
            issuance.notice_number.replace("{序号}", str(seq)) if issuance.notice_number else ""
        )
        out.append(
            {
                "doc": doc,
                "year": results["year"],
                "seq": seq,
                "number": number,
                "unit": unit["unit"],
                "file_stem": f"{unit['unit']}_约谈通知书",
                "title": "约谈通知书",
                "addressee": f"{unit['unit']}{who}：",
                "intro": f"经{results['year']}年度{model.assessment}，你单位存在以下问题：",
                "reasons": reasons,
                "decision": (
                    f"依据{model.basis or '年度质量工作考核制度'}有关规定，经研究，"
                    f"决定对你单位{who}进行约谈。现将有关事项通知如下："
                ),
                "time": issuance.interview_time or "另行通知",
                "place": issuance.interview_place or "另行通知",
                "attendees": "你单位主要负责同志、分管负责同志及相关科室负责人",
                "materials": list(issuance.materials),
                "contact": f"{issuance.contact}，电话：{issuance.phone}"
                if issuance.contact
                else "",
            }
        )
    return out
