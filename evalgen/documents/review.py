"""复核 in the documents: a unit report's 复核情况 rows, and 复核情况说明.docx (from a diff).

The unit report lists the unit's appeals (results.json `appeals`, 维持 ones included) with
their 结论 and 依据; 复核情况说明 (for the office's files) lists every appeal of the newer run
and every change between the two runs with its cause. Types are declared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypedDict

from ..inputs.appeals import appeal_result
from ..outputs.diff import RunDiff
from .render import load_templates, render_document

__all__ = [
    "REVIEW_TEMPLATE",
    "AppealRow",
    "AppealSection",
    "ReviewContext",
    "review_context",
    "unit_appeals",
]

REVIEW_TEMPLATE = {"review": "review.docx"}


class AppealRow(TypedDict):
    number: str
    unit: str
    item: str
    request: str
    result: str
    basis: str


class AppealSection(TypedDict):
    """A unit report's 复核情况: the sentence, then the unit's appeals."""

    intro: str
    rows: list[AppealRow]


class ChangeRow(TypedDict):
    unit: str
    kind: str
    item: str
    before: str
    after: str
    cause: str


class ReviewContext(TypedDict):
    """关于YEAR年度考核结果复核情况的说明."""

    year: int
    title: str
    intro: list[str]
    appeals: list[AppealRow]
    changes_intro: str
    changes: list[ChangeRow]
    notes: list[str]


def _row(record: Mapping[str, Any]) -> AppealRow:
    return {
        "number": record["number"],
        "unit": record["unit"],
        "item": record["target_name"],
        "request": record["request"] or "—",
        "result": appeal_result(dict(record)),
        "basis": record["basis"] or "—",
    }


def unit_appeals(results: Mapping[str, Any], unit: str) -> AppealSection:
    """A unit report's 复核情况: the unit's appeals as rows, and the sentence before them."""
    rows = [_row(r) for r in results.get("appeals", ()) if r["unit"] == unit]
    if not rows:
        return {"intro": "", "rows": []}
    adjusted = sum(1 for r in rows if r["result"] != "维持原结果")
    intro = (
        f"考核结果公示期间，本单位提出复核申请{len(rows)}项，经复核，"
        + (f"调整{adjusted}项，" if adjusted else "")
        + (f"维持原结果{len(rows) - adjusted}项。" if len(rows) > adjusted else "")
    ).rstrip("，")
    intro = intro if intro.endswith("。") else intro + "。"
    return {"intro": intro + "本报告所列结果已包含复核结论。", "rows": rows}


def review_context(diff: RunDiff) -> ReviewContext:
    """复核情况说明: the appeals of run `b`, every change from `a` to `b`, the two runs."""
    appeals = [_row(r) for r in diff.appeals]
    adjusted = sum(1 for r in appeals if r["result"] != "维持原结果")
    units = len({c.unit for c in diff.changes})
    count = f"共登记复核申请{len(appeals)}项，其中调整{adjusted}项、维持原结果{len(appeals) - adjusted}项。"
    return {
        "year": diff.year,
        "title": f"关于{diff.year}年度考核结果复核情况的说明",
        "intro": [
            f"{diff.year}年度考核结果公示期间，对各单位提出的异议逐项登记、核实和复核，"
            + (count if appeals else "未登记复核申请。"),
            "复核调整只作用于考核结果的计算，各单位报送的原始数据文件未作改动；"
            "每项调整后的数据均注明复核编号，可追溯至复核登记表。",
        ],
        "appeals": appeals,
        "changes_intro": (
            f"与{_stage(diff.stages[0])}结果相比，{_stage(diff.stages[1])}结果有{len(diff.changes)}处"
            f"变化，涉及{units}个单位，逐项列示如下。"
            if diff.changes
            else f"与{_stage(diff.stages[0])}结果相比，{_stage(diff.stages[1])}结果无变化。"
        ),
        "changes": [
            {
                "unit": c.unit,
                "kind": c.kind,
                "item": c.item or "—",
                "before": c.before,
                "after": c.after,
                "cause": c.cause,
            }
            for c in diff.changes
        ],  # fmt: skip
        "notes": [
            f"原结果：{diff.a.name}（{_stage(diff.stages[0])}）；新结果：{diff.b.name}"
            f"（{_stage(diff.stages[1])}）。",
            *[f"两次运行的差异：{s}。" for s in diff.sources],
            "“原因”栏据两次运行记录（manifest.json）中的文件哈希和复核登记表判定。",
        ],
    }


def _stage(stage: str) -> str:
    return "初评" if stage == "初评" else "终评"


def write_review(diff: RunDiff, path: Path, templates: Path | None = None) -> Path:
    """Render 复核情况说明.docx for `diff` to `path` (a whole file or none)."""
    context = review_context(diff)
    template = load_templates(templates, {"review": context}, REVIEW_TEMPLATE)
    data = render_document(template["review"], context, {})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
