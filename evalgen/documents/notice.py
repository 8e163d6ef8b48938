"""The interview notices' contexts (约谈通知书): one per summoned unit, each with its slot."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from ..inputs.issuance import Issuance
from ..inputs.schedule import schedule_problems, slot_text
from ..model.schema import ScoringModel
from ..outputs.records import UnitRecord, YearRecord
from ..problems import InputError
from .context import DocFields, NoticeContext, doc_fields
from .wording import self_reference, triggered

__all__ = ["interviewee", "notice_contexts"]

PRINCIPAL, IN_CHARGE = "主要负责同志", "分管负责同志"


def interviewee(actions: Iterable[str]) -> str:
    """Whom the rules summon: the principal leader if any rule says so (or none names anyone),
    else the leader in charge (分管负责同志)."""
    said = list(actions)
    if any("主要负责" in a for a in said) or not any("分管负责" in a for a in said):
        return PRINCIPAL
    return IN_CHARGE


def _attendees(who: str) -> str:
    """The summoned leader first, then who comes with them (the one in charge with the principal)."""
    company = f"{IN_CHARGE}及相关科室负责人" if who == PRINCIPAL else "相关科室负责人"
    return f"你单位{who}、{company}" if who == PRINCIPAL else f"你单位{who}及{company}"


def interview_times(issuance: Issuance, units: list[str]) -> list[str]:
    """Each summoned unit's interview time, in notice order (group, then rank).

    From 约谈安排 (a start and slot per unit in this order, or a time per unit), else the one
    约谈时间 for all, else 另行通知. InputError, located on 约谈安排, if they do not fit.
    """
    schedule = issuance.schedule
    problems = schedule_problems(schedule, units, issuance.file, issuance.lines)
    if problems:
        raise InputError(
            f"发文信息文件 {issuance.file} 的约谈安排有{len(problems)}处问题", problems
        )
    if schedule.times:
        return [schedule.times[u] for u in units]
    if schedule.start is not None:
        step = timedelta(minutes=schedule.slot)
        return [slot_text(schedule.start + i * step, schedule.slot) for i in range(len(units))]
    return [issuance.interview_time or "另行通知"] * len(units)


def _materials_deadline(issuance: Issuance) -> str:
    we = self_reference(issuance.issuer)
    if issuance.materials_deadline:
        return f"请于{issuance.materials_deadline}前将上述材料报送{we}。"
    return f"请于约谈前将上述材料报送{we}。"


def notice_contexts(
    model: ScoringModel, results: YearRecord, issuance: Issuance
) -> list[NoticeContext]:
    """One interview notice per summoned unit, every reason with its figures, in the model's
    group order and within a group by rank (the order 约谈安排's slots follow)."""
    summoned = [u for g in results["groups"] for u in triggered(g["units"], "约谈")]
    times = interview_times(issuance, [u["unit"] for u in summoned])
    doc = doc_fields(issuance)
    return [
        _notice(model, results, issuance, doc, seq, unit, time)
        for seq, (unit, time) in enumerate(zip(summoned, times, strict=True), 1)
    ]


def _notice(
    model: ScoringModel,
    results: YearRecord,
    issuance: Issuance,
    doc: DocFields,
    seq: int,
    unit: UnitRecord,
    time: str,
) -> NoticeContext:
    summons = [t for t in unit["triggers"] if t["kind"] == "约谈"]
    who = interviewee(t["action"] for t in summons)
    number = issuance.notice_number.replace("{序号}", str(seq)) if issuance.notice_number else ""
    return {
        "doc": doc,
        "year": results["year"],
        "seq": seq,
        "number": number,
        "unit": unit["unit"],
        "file_stem": f"{unit['unit']}_约谈通知书",
        "title": "约谈通知书",
        "addressee": f"{unit['unit']}：",
        "intro": f"经{results['year']}年度{model.assessment}，你单位存在以下问题：",
        "reasons": [t["reason"] for t in summons],
        "decision": (
            f"依据{model.basis or '年度质量工作考核制度'}有关规定，经研究，"
            f"决定对你单位{who}进行约谈。现将有关事项通知如下："
        ),
        "interviewee": who,
        "time": time,
        "place": issuance.interview_place or "另行通知",
        "attendees": _attendees(who),
        "materials": list(issuance.materials),
        "materials_deadline": _materials_deadline(issuance),
        "contact": f"{issuance.contact}，电话：{issuance.phone}" if issuance.contact else "",
    }
