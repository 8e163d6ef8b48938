"""The 定期通报 (关于2025年上半年质量强市建设工作进展情况的通报) and the 督办单, from the
period's record (progress.json). Every sentence is a function of the record.

Templates `progress.docx` and `supervision.docx` are kept apart from `render.TEMPLATE_FILES`
(as 稳定性分析 is), so `score` neither needs nor checks them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..inputs.issuance import Issuance
from .context import doc_fields
from .context_milestones import MilestoneBar
from .render import load_templates, render_document, safe_filename
from .wording import cn_ordinal, join

__all__ = [
    "PROGRESS_TEMPLATES",
    "milestone_bars",
    "progress_context",
    "supervision_contexts",
    "write_progress_documents",
]

PROGRESS_TEMPLATES = {"progress": "progress.docx", "supervision": "supervision.docx"}
Record = Mapping[str, Any]
_WAY = {"rate": "按全年目标", "pro_rata": "按时序进度"}


def _lagging(record: Record) -> list[dict]:
    return [s for s in record["statuses"] if s["status"] != "正常"]


def _item_sentence(s: Mapping[str, Any], end: str) -> str:
    """新增工业企业研发机构数截至6月30日为32家，按时序进度应达到40家（全年目标80家），差距20%，严重滞后"""
    m = "" if s["measure"] in ("分",) else s["measure"]
    if s["in_year"] == "rate":
        due = f"低于全年目标{s['target']}{m}"
    else:
        due = f"按时序进度应达到{s['expected']}{m}（全年目标{s['target']}{m}）"
    gap = "" if s["shortfall"] is None else f"，差距{s['shortfall']}%"
    return f"{s['name']}截至{end}为{s['value']}{m}，{due}{gap}，{s['status']}"


def progress_context(record: Record, issuance: Issuance) -> dict[str, Any]:
    """The 定期通报's context: picture, lagging units and tasks, milestones, requirements."""
    label, end = record["label"], record["end"]
    lagging = _lagging(record)
    groups: list[dict] = []
    for key in dict.fromkeys(s["group"] for s in record["statuses"]):
        rows = [s for s in lagging if s["group"] == key]
        name = next(s["group_name"] for s in record["statuses"] if s["group"] == key)
        groups.append(_group_section(name, rows, end, len(groups) + 1))
    tasks = [t for t in record["tasks"] if t["lagging"]]
    return {
        "doc": doc_fields(issuance),
        "title": f"关于{label}质量强市建设工作进展情况的通报",
        "intro": (
            f"为加强对{record['basis'] or '质量强市建设行动方案'}目标任务落实情况的跟踪督导，"
            f"按照健全定期分析评估、定期通报机制的要求，{issuance.issuer}对{label}"
            "各县（市、区）、市直有关部门质量强市建设工作进展情况进行了调度分析。现将有关情况通报如下："
        ),
        "overview": _overview(record),
        "groups": groups,
        "tasks_text": _tasks_text(record, tasks),
        "lagging_tasks": [_task_line(t) for t in tasks],
        "task_rows": [_task_row(t) for t in record["tasks"]],
        "milestone_text": _milestone_text(record),
        "milestones": [_milestone_row(m, record["year"]) for m in record["milestones"]],
        "requirements": _requirements(record, issuance, bool(lagging or tasks)),
        "charts": {
            "status": {"kind": "progress_status", "data": {"rows": _status_rows(record)}},
            "milestones": {
                "kind": "milestones",
                "data": {"rows": milestone_bars(record["milestones"])},
            },
        },
    }


def _overview(record: Record) -> list[str]:
    counts = record["counts"]
    total = sum(counts.values())
    units = len({s["unit"] for s in record["statuses"]})
    indicators = len({s["indicator"] for s in record["statuses"]})
    ledger = record["ledger"]
    by = {k: sum(1 for r in ledger if r["status"] == k) for k in ("已完成", "推进中", "未启动")}
    tasks_lag = sum(1 for t in record["tasks"] if t["lagging"])
    first = (
        f"从年内跟踪的{indicators}项指标看，截至{record['end']}，{units}个单位共{total}个指标项中，"
        f"进度正常的{counts['正常']}项，滞后的{counts['滞后']}项，严重滞后的{counts['严重滞后']}项"
        "（比率类指标按全年目标、数量类指标按时序进度衡量，见图1）。"
    )
    second = (
        f"从{len(record['tasks'])}项重点任务看，各责任单位共报送任务进展{len(ledger)}条，"
        f"其中已完成{by['已完成']}条、推进中{by['推进中']}条、未启动{by['未启动']}条；"
        + (
            f"有{tasks_lag}项任务存在责任单位尚未启动的情况。"
            if tasks_lag
            else "各项任务均已启动。"
        )
    )
    return [first, second]


def _group_section(name: str, rows: list[dict], end: str, n: int) -> dict:
    units = list(dict.fromkeys(r["unit"] for r in rows))
    serious = list(dict.fromkeys(r["unit"] for r in rows if r["status"] == "严重滞后"))
    if rows:
        text = f"{name}中，{join(units)}等{len(units)}个单位有指标进度滞后"
        text += f"，其中{join(serious)}有指标严重滞后。" if serious else "。"
    else:
        text = f"{name}各项指标进度均正常。"
    return {
        "heading": f"（{cn_ordinal(n)}）{name}",
        "text": text,
        "lines": [f"{r['unit']}：{_item_sentence(r, end)}。" for r in rows],
    }


def _tasks_text(record: Record, tasks: list[Mapping[str, Any]]) -> str:
    done = sum(1 for t in record["tasks"] if t["status"] == "已完成")
    going = sum(1 for t in record["tasks"] if t["status"] == "推进中")
    text = f"按牵头单位汇总，{len(record['tasks'])}项重点任务中已全部完成的{done}项，正在推进的{going}项"
    if tasks:
        return text + f"；以下{len(tasks)}项任务有责任单位尚未启动，进度滞后："
    return text + "，各项任务均已启动。"


def _task_line(t: Mapping[str, Any]) -> str:
    return (
        f"第{t['no']}项“{t['name']}”（牵头单位：{t['lead']}）：{join(t['lagging_units'])}尚未启动"
    )


def _task_row(t: Mapping[str, Any]) -> dict:
    c = t["counts"]
    return {
        "no": str(t["no"]),
        "name": t["name"],
        "lead": t["lead"],
        "status": t["status"] + ("（滞后）" if t["lagging"] else ""),
        "counts": f"{c['已完成']}/{c['推进中']}/{c['未启动']}",
    }


def _milestone_text(record: Record) -> str:
    risky = [m["name"] for m in record["milestones"] if m["status"] == "存在风险"]
    n = len(record["milestones"])
    text = f"对照行动方案确定的{n}项节点目标，按各年度实际测算（见图2、表2），"
    if risky:
        return text + f"{join(risky)}等{len(risky)}项目标按期实现存在风险，需加力推进。"
    return text + "各项目标均有望按期实现。"


def _milestone_row(m: Mapping[str, Any], year: int) -> dict:
    unit = m["measure"]
    years = sorted(m["annual"])
    need = "—"
    if m["kind"] == "hold":
        need = f"保持{m['target']}{unit}以上" if m["target"] else "—"
    elif m["required"] is not None:
        need = f"{m['required']}{unit}/年"
    target = f"{m['target_year']}年{m['target']}{unit}" if m["target"] else "—"
    return {
        "name": m["name"],
        "history": "；".join(f"{y}年{m['annual'][y]}" for y in years) or "—",
        "so_far": "—" if m["so_far"] is None else str(m["so_far"]),
        "target": target,
        "need": need,
        "status": m["status"],
        "note": m["target_note"],
    }


def _status_rows(record: Record, few: int = 3) -> list[dict]:
    """A bar per indicator of each group; indicators reported by fewer than `few` units (a
    department's own indicators) pooled into one bar per group, so the chart stays short."""
    units: dict[tuple[str, str], int] = {}
    for s in record["statuses"]:
        units[s["group"], s["indicator"]] = units.get((s["group"], s["indicator"]), 0) + 1
    rows: dict[str, dict] = {}
    for s in record["statuses"]:
        pooled = units[s["group"], s["indicator"]] < few
        short = s["group_short"]
        label = f"{short}牵头指标（合计）" if pooled else f"{s['name']}（{short}）"
        row = rows.setdefault(label, {"label": label, "正常": 0, "滞后": 0, "严重滞后": 0})
        row[s["status"]] += 1
    return list(rows.values())


def milestone_bars(milestones: Sequence[Mapping[str, Any]]) -> list[MilestoneBar]:
    """The `milestones` chart's bars: each milestone's latest value against its next target
    (the 定期通报's and the annual 通报's)."""
    from decimal import Decimal

    bars: list[MilestoneBar] = []
    for m in milestones:
        if not m["annual"] or not m["target"]:
            continue
        year = max(m["annual"])
        value, target = Decimal(m["annual"][year]), Decimal(m["target"])
        percent = float(value / target * 100) if target else 0.0
        text = f"{year}年{m['annual'][year]}{m['measure']}，目标{m['target']}{m['measure']}"
        bars.append({"label": m["name"], "percent": percent, "status": m["status"], "text": text})
    return bars


def _requirements(record: Record, issuance: Issuance, lagging: bool) -> list[dict]:
    deadline = issuance.deadline or "15日"
    return [
        {
            "title": "压实工作责任",
            "text": "各县（市、区）、各有关部门要对照年度目标任务，逐项梳理进展，"
            "确保全年目标任务按期完成。",
        },
        {
            "title": "加快滞后事项推进",
            "text": (
                f"对进度滞后的指标和任务，{issuance.issuer}随本通报印发督办单，"
                f"相关单位要认真分析原因，制定追赶措施，于{deadline}内书面报告整改情况。"
                if lagging
                else "各单位要保持工作力度，防止出现进度滞后。"
            ),
        },
        {
            "title": "聚焦节点目标",
            "text": f"要围绕{record['year']}年节点目标，加强统计监测和工作调度，"
            "对存在风险的目标提前谋划、精准发力。",
        },
        {
            "title": "按时报送进展",
            "text": "各单位要按要求按时报送季度、半年工作进展和台账，数据要真实准确，"
            "进展情况将作为年度质量工作考核的重要参考。",
        },
    ]


def supervision_contexts(record: Record, issuance: Issuance) -> list[dict[str, Any]]:
    """One 督办单 per unit with lagging items (indicators or tasks), in the record's order."""
    end = record["end"]
    items: dict[str, list[str]] = {}
    for s in _lagging(record):
        items.setdefault(s["unit"], []).append(_item_sentence(s, end) + "。")
    for row in record["ledger"]:
        if row["lagging"]:
            items.setdefault(row["unit"], []).append(
                f"第{row['no']}项重点任务“{row['task']}”（{row['role']}）截至{end}尚未启动。"
            )
    deadline = issuance.deadline or "15日"
    out = []
    for n, (unit, lines) in enumerate(items.items(), start=1):
        out.append(
            {
                "doc": doc_fields(issuance),
                "unit": unit,
                "title": "质量强市建设工作督办单",
                "number": f"督办〔{record['year']}〕{record['period'][4:]}-{n:02d}号",
                "intro": f"{record['label']}质量强市建设工作进展调度情况",
                "items": lines,
                "demand": (
                    "请高度重视，认真分析滞后原因，制定切实可行的追赶措施，"
                    f"并将整改措施和进展情况书面报送{issuance.issuer}。"
                ),
                "deadline": f"本督办单印发之日起{deadline}内",
                "contact": "　".join(
                    x
                    for x in (
                        f"联系人：{issuance.contact}" if issuance.contact else "",
                        f"联系电话：{issuance.phone}" if issuance.phone else "",
                    )
                    if x
                ),
            }
        )
    return out


def write_progress_documents(
    record: Record,
    issuance: Issuance,
    folder: Path,
    templates: Path | None = None,
    charts: str = "native",
) -> list[Path]:
    """Render the 定期通报 and every 督办单 into `folder` (charts drawn here; `charts`:
    "native" Word charts in the look of charts.docx, or "png" pictures)."""
    from .chart_templates import load_chart_styles
    from .pool import chart_functions

    context = progress_context(record, issuance)
    units = supervision_contexts(record, issuance)
    samples = {"progress": context} | ({"supervision": units[0]} if units else {})
    loaded = load_templates(templates, samples, PROGRESS_TEMPLATES)
    kinds = {spec["kind"] for spec in context["charts"].values()}
    styles = load_chart_styles(templates, kinds) if charts == "native" else None
    draw = chart_functions(charts, styles)
    pictures = {
        name: draw[spec["kind"]](**spec["data"]) for name, spec in context["charts"].items()
    }
    written = [
        _write(
            folder / f"定期通报_{record['period']}.docx",
            render_document(loaded["progress"], context, pictures),
        )
    ]
    for unit in units:
        data = render_document(loaded["supervision"], unit, {})
        written.append(
            _write(folder / "督办单" / f"督办单_{safe_filename(unit['unit'])}.docx", data)
        )
    return written


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
