"""公示 (a 初评 run's document): the proposed results of both groups, made public for objections.

`publicity_context` builds the context from results.json and the issuance file, whose 公示
fields (公示期, 公示日期, 异议受理方式, 异议受理地址, 联系人, 联系电话) a 初评 requires
(`require_publicity`, located problems); `write_publicity` renders `publicity.docx` with the
same checked renderer as the other documents. Its types are declared here (the shared
`context` module is for `score`'s final documents).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TypedDict

from ..inputs.issuance import ISSUANCE_FILE, Issuance
from ..model.schema import ScoringModel
from ..numbers import fmt_total
from ..outputs.records import GroupRecord, YearRecord
from ..problems import InputError, Problem
from ..resources import DEFAULT_TEMPLATES
from .pdf import check_pdf_fonts, convert_to_pdf
from .render import load_templates, render_document, safe_filename
from .signature import signature_pads
from .wording import cn_ordinal

__all__ = [
    "PUBLICITY_TEMPLATE",
    "PublicityContext",
    "publicity_context",
    "publicity_template",
    "require_publicity",
    "write_publicity",
]

PUBLICITY_TEMPLATE = {"publicity": "publicity.docx"}
# Issuance field → its key in 发文信息.yaml: what the 公示 cannot do without.
_NEEDED = {
    "publicity_period": "公示期",
    "publicity_date": "公示日期",
    "objection_how": "异议受理方式",
    "objection_where": "异议受理地址",
    "contact": "联系人",
    "phone": "联系电话",
}


class PublicityRow(TypedDict):
    rank: str
    unit: str
    total: str
    grade: str


class PublicityGroup(TypedDict):
    heading: str
    caption: str
    rows: list[PublicityRow]


class Signature(TypedDict):
    issuer: str
    date: str
    seal: bool  # 署名 and 成文日期 per GB/T 9704 7.3.5 (documents/signature.py)
    sign_pad: str
    date_pad: str


class PublicityContext(TypedDict):
    """关于YEAR年度…考核结果的公示."""

    doc: Signature
    year: int
    title: str
    file_stem: str
    intro: str
    groups: list[PublicityGroup]
    objection: list[str]
    note: str


def require_publicity(issuance: Issuance, file: str = ISSUANCE_FILE) -> None:
    """A located error naming every 公示 field the issuance file lacks."""
    missing = [key for field, key in _NEEDED.items() if not getattr(issuance, field)]
    if missing:
        problems = [
            Problem(
                f"初评公示需要“{key}”",
                file=file,
                hint=f"请在发文信息文件中填写 {key}: …（示例见 README“公示、复核和终评”）",
                code="publicity-key-missing",
            )
            for key in missing
        ]
        raise InputError(f"发文信息文件 {file} 缺少公示所需的{len(missing)}项", problems)


def publicity_context(
    model: ScoringModel, results: YearRecord, issuance: Issuance, file: str = ISSUANCE_FILE
) -> PublicityContext:
    """The 公示: who was assessed, the proposed totals, grades and ranks, how to object.

    The issuance file (named `file` in problems) must have the 公示's fields.
    """
    require_publicity(issuance, file)
    year, groups = results["year"], results["groups"]
    counts = "和".join(f"{g['unit_count']}个{g['name']}" for g in groups)
    basis = f"根据{model.basis}，" if model.basis else ""
    title = f"关于{year}年度{model.assessment}结果的公示"
    return {
        "doc": _signature(issuance.issuer, issuance.publicity_date, issuance.seal),
        "year": year,
        "title": title,
        "file_stem": title,
        "intro": (
            f"{basis}{issuance.issuer}组织开展了{year}年度{model.assessment}，对{counts}进行了"
            f"考核评分，拟定了考核结果。现将拟定结果予以公示，公示期为{issuance.publicity_period}。"
        ),
        "groups": [_group(g, i) for i, g in enumerate(groups, 1)],
        "objection": [
            f"公示期间，对拟定结果有异议的，请{issuance.objection_how}"
            f"，向{issuance.issuer}提出，并说明异议的事项、理由和依据，附相关证明材料。",
            f"受理地址：{issuance.objection_where}。",
            f"联系人：{issuance.contact}；联系电话：{issuance.phone}。",
            "对提出的异议，将逐项登记、核实并书面答复；公示期满无异议或异议不成立的，"
            "以拟定结果为最终结果，随考核结果通报一并印发。",
        ],
        "note": "总分四舍五入保留两位小数；总分相同的名次并列"
        + (
            "；一票否决的单位排在本组最后。"
            if any(u["veto"] for g in groups for u in g["units"])
            else "。"
        ),  # fmt: skip
    }


def _group(group: GroupRecord, index: int) -> PublicityGroup:
    return {
        "heading": f"（{cn_ordinal(index)}）{group['name']}（{group['unit_count']}个）",
        "caption": f"表{index}　{group['name']}拟定考核结果",
        "rows": [
            {
                "rank": str(u["rank"]),
                "unit": u["unit"],
                "total": fmt_total(u["total"]),
                "grade": f"{u['grade_name']}（一票否决）" if u["veto"] else u["grade_name"],
            }
            for u in group["units"]
        ],
    }


def write_publicity(
    context: PublicityContext, folder: Path, templates: Path | None = None, *, pdf: bool = False
) -> list[Problem]:
    """Render the 公示 into `folder` (a run's staging folder), with its PDF if asked; the
    PDF fonts' notices."""
    template = load_templates(templates, {"publicity": context}, PUBLICITY_TEMPLATE)
    data = render_document(template["publicity"], context, {})
    path = folder / f"{safe_filename(context['file_stem'])}.docx"
    path.write_bytes(data)
    return check_pdf_fonts(convert_to_pdf([path]), folder) if pdf else []


def publicity_template(templates: Path | None) -> dict[str, str]:
    """The 公示's template and its hash, as a manifest records templates."""
    name = PUBLICITY_TEMPLATE["publicity"]
    return {
        name: hashlib.sha256((Path(templates or DEFAULT_TEMPLATES) / name).read_bytes()).hexdigest()
    }


def _signature(issuer: str, date: str, seal: bool) -> Signature:
    sign_pad, date_pad = signature_pads(issuer, date, seal)
    return {
        "issuer": issuer,
        "date": date,
        "seal": seal,
        "sign_pad": sign_pad,
        "date_pad": date_pad,
    }
