"""The annual 通报's section on the road to the plan's milestones (节点目标推进情况), from
results.json's `milestones` (`progress.annual`): which are on track, which at risk with the
yearly improvement still needed, a chart (kind `milestones`) and a table.

Every sentence is a function of the records; the arithmetic (city values, required
improvement, trend, status) is `progress.milestones`', here only printed.
"""

from __future__ import annotations

from ..outputs.records import MilestoneRecord, YearRecord
from .context_milestones import MilestoneRow, MilestonesChart, MilestoneSection
from .progress import milestone_bars
from .wording import join

__all__ = ["milestone_charts", "milestone_section"]

_ON_TRACK, _AT_RISK, _NO_DATA, _NO_TARGET = "有望按期实现", "存在风险", "暂无数据", "无数值目标"
NOTE = (
    "注：全市实际值由各单位年度考核数据按考核细则规定的方法汇总（平均、合计或取最低值）"
    "或取全市指标表，四舍五入保留两位小数；每年需提高＝（下一节点目标－最近一年实际值）÷相隔年数；"
    "保持类目标每年均应达到当年目标。"
)


def milestone_charts(results: YearRecord) -> dict[str, MilestonesChart]:
    """The section's chart (`charts.milestones`), when a milestone has a value and a target."""
    bars = milestone_bars(results.get("milestones") or [])
    return {"milestones": {"kind": "milestones", "data": {"rows": bars}}} if bars else {}


def milestone_section(
    results: YearRecord, basis: str, figure: int, table: int
) -> MilestoneSection | None:
    """The section, or None when the results carry no milestones (a model without them).

    `figure`, `table`: the chart's and the table's numbers in the 通报 (图N, 表N).
    """
    milestones = results.get("milestones") or []
    if not milestones:
        return None
    charted = bool(milestone_charts(results))
    return {
        "paragraphs": _paragraphs(milestones, basis, figure if charted else None, table),
        "lines": [_at_risk(m) for m in milestones if m["status"] == _AT_RISK],
        "closing": (
            "对存在风险的目标，相关牵头部门要对照节点要求倒排工期、加力推进，确保按期实现。"
            if any(m["status"] == _AT_RISK for m in milestones)
            else "各牵头部门要保持工作力度，确保各项节点目标按期实现。"
        ),
        "chart": "milestones" if charted else "",
        "figure": f"图{figure}　质量强市建设节点目标推进情况",
        "table": f"表{table}　质量强市建设节点目标推进情况",
        "rows": [_row(m) for m in milestones],
        "note": NOTE,
    }


def _paragraphs(
    milestones: list[MilestoneRecord], basis: str, figure: int | None, table: int
) -> list[str]:
    """制造业…等7项目标有望按期实现；…按期实现存在风险；…暂无全市年度数据，未作研判。"""
    years = sorted({y for m in milestones for y in m["annual"]})
    head = f"对照{basis or '质量强市建设行动方案'}确定的{len(milestones)}项节点目标，"
    if not years:
        return [head + "目前尚无全市年度实际值，暂未作研判。"]
    see = f"见图{figure}、表{table}" if figure is not None else f"见表{table}"
    clauses = []
    for status, word in _STATUS_WORDS.items():
        names = [m["name"] for m in milestones if m["status"] == status]
        if names:
            many = f"等{len(names)}项目标" if len(names) > 1 else ""
            clauses.append(f"{join(names)}{many}{word}")
    out = [head + f"根据{'、'.join(years)}年全市实际值测算（{see}），{'；'.join(clauses)}。"]
    if any(m["status"] == _AT_RISK for m in milestones):
        out.append("存在风险的目标具体情况如下：")
    return out


_STATUS_WORDS = {
    _ON_TRACK: "有望按期实现",
    _AT_RISK: "按期实现存在风险",
    _NO_DATA: "暂无全市年度数据，未作研判",
    _NO_TARGET: "已无后续数值目标",
}


def _step(m: MilestoneRecord) -> str:
    """The unit of a yearly change: 个百分点 for a rate, else the measure (项)."""
    return "个百分点" if m["measure"] == "%" else m["measure"]


def _at_risk(m: MilestoneRecord) -> str:
    """制造业产品质量合格率2024年为91%，距2025年94%的节点目标每年需提高3个百分点，而
    2023—2024年年均仅提高0.5个百分点，按期实现存在风险。 (hold: 2024年低于当年目标，
    2025年须保持在98%以上)"""
    last = max(m["annual"])
    first, unit = min(m["annual"]), m["measure"]
    text = f"{m['name']}{last}年为{m['annual'][last]}{unit}"
    goal = f"{m['target_year']}年{m['target']}{unit}"
    if m["kind"] == "hold":
        missed = "，".join(m["notes"])
        keep = f"{m['target_year']}年须保持在{m['target']}{unit}以上"
        return f"{text}，{missed}，{keep}，按期实现存在风险。"
    text += f"，距{goal}的节点目标每年需提高{m['required']}{_step(m)}"
    trend = m["trend"]
    if trend is None:
        text += "，目前仅有一年数据，难以判断提升趋势"
    elif trend.startswith("-"):
        text += f"，而{first}—{last}年年均下降{trend[1:]}{_step(m)}"
    else:
        text += f"，而{first}—{last}年年均仅提高{trend}{_step(m)}"
    return text + "，按期实现存在风险。"


def _row(m: MilestoneRecord) -> MilestoneRow:
    unit = m["measure"]
    need = "—"
    if m["target"] is None:
        target = "—"
    else:
        target = f"{m['target_year']}年{m['target']}{unit}"
        if m["kind"] == "hold":
            need = f"保持{m['target']}{unit}以上"
        elif m["required"] is not None:
            need = "已达到" if m["required"] == "0" else f"{m['required']}{_step(m)}"
    history = "；".join(f"{y}年{v}{unit}" for y, v in sorted(m["annual"].items()))
    return {
        "name": m["name"],
        "history": history or "—",
        "target": target,
        "need": need,
        "status": m["status"],
    }
