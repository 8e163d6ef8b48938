"""稳定性分析.docx: the office's internal reading of the robustness record (not for publication).

`robustness_context` builds a plain context from the record (every sentence a function of the
data); `write_robustness_document` draws a rank-interval chart per group and renders the
template `robustness.docx` with the same checked renderer as the other documents. The
template is kept apart from `render.TEMPLATE_FILES`, so `score` neither needs nor checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model.schema import ScoringModel
from ..numbers import fmt_number, round_half_up
from ..outputs.robustness_workbook import DECISION_NAMES, nominal_text, settings_lines
from .bulletin import BARS_UP_TO
from .context_robustness import FragileRow, IntervalChart, RobustnessContext, RobustnessGroup
from .render import load_templates, render_document
from .wording import cn_ordinal

__all__ = ["ROBUSTNESS_TEMPLATE", "robustness_context", "write_robustness_document"]

ROBUSTNESS_TEMPLATE = {"robustness": "robustness.docx"}
MARKING = "内部资料　不得公开"

Record = Mapping[str, Any]


def _percent(p: float) -> str:
    """A probability as the table prints it, always one place (61.0%, 89.7%, 100.0%)."""
    return f"{round_half_up(Decimal(str(p)) * 100, 1)}%"


def _points(x: float | None) -> str:
    return "—" if x is None else fmt_number(Decimal(str(x)))


def robustness_context(record: Record, model: ScoringModel) -> RobustnessContext:
    """The document's context: summary, a section and chart per group, the fragile decisions."""
    names = {g.code: f"{g.code}（{g.name}）" for g in model.grades}
    fragile = [
        _fragile_row(unit, f, names) for g in record["groups"] for unit in g["units"]
        for f in unit["fragile"]
    ]  # fmt: skip
    groups: list[RobustnessGroup] = []
    charts: dict[str, IntervalChart] = {}
    for i, group in enumerate(record["groups"]):
        chart = f"intervals_{group['key']}"
        groups.append(
            {
                "name": group["name"],
                "heading": f"（{cn_ordinal(i + 1)}）{group['name']}",
                "text": group_sentence(group) + _chart_scope(group),
                "chart": chart,
            }
        )
        charts[chart] = _chart(group)
    summary = record["summary"]
    return {
        "year": record["year"],
        "marking": MARKING,
        "title": f"关于{record['year']}年度考核结果稳定性的分析",
        "summary": summary_paragraphs(record),
        "chart_note": "下图每行一个单位，按正式名次排列：横线为该单位在90%的模拟中名次所在的"
        "区间（5%至95%），圆点为名次中位数，竖线为正式名次；红色标出有不稳健决定的单位。",
        "groups": groups,
        "fragile_intro": (
            f"以下{summary['fragile_decisions']}项决定在不足95%的模拟中与正式结果相同，"
            "签发前宜复核有关指标的数据和分值："
            if fragile
            else "全部单位的等次、整改和约谈决定均稳健，无需特别复核。"
        ),
        "fragile": fragile,
        "table_note": "注：保持概率为与正式结果相同的模拟所占比例；翻转分值为单独调整该指标"
        "分值时决定开始改变的分值，“—”表示在所设范围内单独调整不会改变决定。",
        "notes": _notes(record),
        "charts": charts,
    }


def summary_paragraphs(record: Record) -> list[str]:
    """What was done and what it found, in plain words."""
    settings, summary = record["settings"], record["summary"]
    varied = "；".join(text for _item, text in settings_lines(settings)[1:4])
    fragile_units = sum(1 for g in record["groups"] for u in g["units"] if not u["robust"])
    first = (
        f"为检验{record['year']}年度考核结果是否受分值设定的细微影响，按《{record['model']['name']}》"
        f"对全部{summary['units']}个单位的考核结果进行了{settings['runs']}次随机模拟。"
        f"每次模拟中，{varied}。计分规则、不适用指标的分值调剂、加分上限、扣分和一票否决"
        "均与正式计算相同。"
    )
    if fragile_units:
        second = (
            f"结果显示，{summary['units']}个单位中有{summary['robust']}个单位的等次、整改和约谈"
            f"决定在95%以上的模拟中与正式结果相同，是稳健的；另有{fragile_units}个单位的"
            f"{summary['fragile_decisions']}项决定不够稳健，主要是总分接近等次分数线或与相邻"
            "名次的单位分差很小，具体见第三部分。"
        )
    else:
        second = (
            f"结果显示，全部{summary['units']}个单位的等次、整改和约谈决定都在95%以上的模拟中"
            "与正式结果相同，考核结果是稳健的。"
        )
    return [first, second]


def group_sentence(group: Mapping[str, Any]) -> str:
    """A group's robust count and its widest rank interval."""
    units = group["units"]
    robust = sum(1 for u in units if u["robust"])
    widest = max(units, key=lambda u: u["rank_p95"] - u["rank_p05"])  # first of the widest
    text = f"{group['name']}{len(units)}个单位中，{robust}个单位的全部决定稳健。"
    if widest["rank_p95"] == widest["rank_p05"]:
        return text + "各单位的名次在全部模拟中基本不变。"
    return (
        text + f"名次区间最宽的是{widest['unit']}（第{widest['rank_p05']}至第"
        f"{widest['rank_p95']}名，正式名次第{widest['rank']}名）。"
    )


def _fragile_row(unit: Mapping[str, Any], f: Mapping[str, Any], names: dict) -> FragileRow:
    nominal = nominal_text(f)
    return {
        "unit": unit["unit"],
        "decision": DECISION_NAMES.get(f["decision"], str(f["decision"])),
        "nominal": names.get(nominal, nominal) if f["decision"] == "grade" else nominal,
        "p_nominal": _percent(f["p_nominal"]),
        "indicator": f["indicator_name"],
        "points": _points(f["points"]),
        "flip_points": _points(f["flip_points"]),
        "sentence": str(f["sentence"]).rstrip("。"),
    }


def _chart_scope(group: Mapping[str, Any]) -> str:
    shown = len(_charted(group))
    if shown == len(group["units"]):
        return ""
    return (
        f"单位较多，下图只列出其中{shown}个单位（优先列出有不稳健决定的单位），全部单位见工作簿。"
    )


def _charted(group: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The units a group's chart shows: all of them, or past `BARS_UP_TO` (a chart's height
    must not grow with a national year's units) the first units with a fragile decision, in
    rank order — the first units where none is fragile; the workbook has every unit."""
    units = group["units"]
    if len(units) <= BARS_UP_TO:
        return units
    fragile = [u for u in units if not u["robust"]]
    return (fragile or units)[:BARS_UP_TO]


def _chart(group: Mapping[str, Any]) -> IntervalChart:
    keys = ("unit", "rank", "rank_median", "rank_p05", "rank_p95", "robust")
    return {
        "kind": "rank_intervals",
        "data": {
            "units": [{k: u[k] for k in keys} for u in _charted(group)],  # type: ignore[misc]
            "unit_count": group["unit_count"],
        },
    }


def _notes(record: Record) -> list[str]:
    settings = record["settings"]
    return [
        "本材料为内部资料，供考核办公室研判考核结果时参考，不对外公开，不作为考核结果的组成部分。",
        f"模拟次数{settings['runs']}次，随机种子为{settings['seed']}；相同设置重新运行，结果完全相同。",
        "“稳健”指等次、整改、约谈三项决定都在至少95%的模拟中与正式结果相同。",
        "各单位的详细数据（名次区间、各等次概率、整改和约谈概率）见稳定性分析工作簿。",
    ]


def write_robustness_document(
    record: Record,
    model: ScoringModel,
    path: Path,
    templates: Path | None = None,
    charts: str = "native",
) -> Path:
    """Render 稳定性分析.docx for `record` to `path` (charts drawn here, one per group;
    `charts`: "native" Word charts or "png" pictures)."""
    from .chart_templates import load_chart_styles
    from .pool import chart_functions

    context = robustness_context(record, model)
    template = load_templates(templates, {"robustness": context}, ROBUSTNESS_TEMPLATE)
    kinds = {spec["kind"] for spec in context["charts"].values()}
    styles = load_chart_styles(templates, kinds) if charts == "native" else None
    draw = chart_functions(charts, styles)
    pictures = {
        name: draw[spec["kind"]](**spec["data"]) for name, spec in context["charts"].items()
    }
    data = render_document(template["robustness"], context, pictures)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
