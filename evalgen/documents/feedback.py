"""The unit reports' (单位报告) and interview notices' (约谈通知书) contexts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..inputs.issuance import Issuance
from ..model.schema import ScoringModel
from ..numbers import dec, fmt_number, fmt_total
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
    TaskRow,
    TrendPoint,
    UnitReportContext,
    UnitSummary,
    doc_fields,
)
from .gaps import gaps, minor_losses, praise
from .notice import notice_contexts
from .review import unit_appeals
from .sources import data_sources
from .wording import (
    DEFAULT_PLACES,
    as_self,
    change_text,
    cn_ordinal,
    indicator_places,
    self_reference,
    unit_tasks,
    value_text,
)

__all__ = ["History", "notice_contexts", "unit_contexts"]  # notices: `notice`

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
    places = indicator_places(model, group["key"])
    appeals = unit_appeals(results, unit["unit"])
    return {
        "appeals": appeals,
        "sources": data_sources(unit),
        "doc": doc,
        "year": year,
        "unit": unit["unit"],
        "group": group["name"],
        "file_stem": f"{unit['unit']}_{year}年度考核结果反馈",
        "title": f"{unit['unit']}{year}年度{model.assessment}结果反馈报告",
        "subject": f"{year}年度{model.assessment}结果反馈报告",
        "addressee": f"{unit['unit']}：",
        "opening": _opening(model, doc, year),
        "headings": _headings(bool(unit["triggers"]), bool(appeals["rows"])),
        "headline": _headline(model, results, group, unit),
        "summary": _summary(unit),
        "rows": _indicator_rows(unit, places),
        "not_applicable": _not_applicable(unit),
        "adjustments": _adjustment_rows(unit, results["bonus_cap"]),
        "tasks": _task_rows(unit),
        "praise": praise(unit, group["name"]),
        "fixes": gaps(unit, year, places),
        "minor": minor_losses(unit),
        "triggers": [
            f"{t['kind']}：{t['reason']}。{as_self(t['action'], doc['issuer'])}。"
            for t in unit["triggers"]
        ],
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


# The report's sections in order (key, heading); `_headings` numbers those present.
SECTIONS = (
    ("result", "考核结果"),
    ("details", "指标得分明细"),
    ("adjustments", "不适用指标和加减分"),
    ("gaps", "需要改进的问题"),
    ("triggers", "约谈及整改要求"),
    ("appeals", "复核情况"),
)


def _headings(has_triggers: bool, has_appeals: bool = False) -> dict[str, str]:
    """Section key → its numbered heading (一、考核结果), counting only the sections present."""
    absent = {k for k, here in (("triggers", has_triggers), ("appeals", has_appeals)) if not here}
    present = [(k, t) for k, t in SECTIONS if k not in absent]
    return {k: f"{cn_ordinal(n)}、{t}" for n, (k, t) in enumerate(present, 1)}


def _opening(model: ScoringModel, doc: DocFields, year: int) -> str:
    """The letter's first paragraph: what was assessed, on what basis, and why it is sent."""
    basis = f"{model.basis}和" if model.basis else ""
    return (
        f"根据{basis}年度质量工作考核制度，{self_reference(doc['issuer'])}组织开展了"
        f"{year}年度{model.assessment}。现将你单位考核结果反馈如下。"
    )


def _headline(
    model: ScoringModel, results: YearRecord, group: GroupRecord, unit: UnitRecord
) -> str:
    """The opening sentence: total, grade, rank in the group and its change."""
    change = ""
    if unit["previous_rank"] is not None:
        change = f"，较{results['previous_year']}年度（第{unit['previous_rank']}位）{change_text(unit['rank_change'])}"
    veto = "，一票否决" if unit["veto"] else ""
    # A unit renamed since the model's first year is told once which name its history bears.
    former = "、".join(unit.get("former_names", []))
    former = f"（原{former}）" if former else ""
    return (
        f"你单位{former}{results['year']}年度{model.assessment}总分{fmt_total(unit['total'])}分，"
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


def _indicator_rows(unit: UnitRecord, places: dict[str, int]) -> list[IndicatorRow]:
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
                "value": value_text(ind, places=places.get(ind["id"], DEFAULT_PLACES)),
                "target": value_text(ind, "target", places.get(ind["id"], DEFAULT_PLACES)),
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
