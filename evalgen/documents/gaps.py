"""需要改进的问题 of a unit's report, written as the office writes it.

Praise where due first (first place, every target met, a better rank), then the main gaps,
grouped and each with its figures: 一票否决 and 扣分 events, targets not met (value against
target), indicators of a category that lost at least `TRIVIAL_LOSS` points, the key tasks;
losses below `TRIVIAL_LOSS` points are summed up in one closing sentence.
"""

from __future__ import annotations

from decimal import Decimal

from ..numbers import dec, fmt_decisive, fmt_number, fmt_places
from ..outputs.records import IndicatorRecord, UnitRecord
from .context import Gap
from .wording import DEFAULT_PLACES, LOW_TASK_SCORE, join, missed_word, value_text

__all__ = ["TRIVIAL_LOSS", "gaps", "minor_losses", "praise"]

TRIVIAL_LOSS = Decimal(1)  # points: an indicator losing less is summarised, not listed
_NAMED = 3  # indicators or tasks named before 等
_LISTED = 4  # a category with more losing indicators is summed up, its largest losses named


def _lost(ind: IndicatorRecord) -> Decimal:
    """Points lost as the indicator table prints them (so prose and table agree)."""
    return Decimal(ind["text"]["lost"])


def _pts(text: str) -> str:
    """A printed score or points in prose, without trailing zeros (5.80 → 5.8, 7.00 → 7)."""
    return fmt_places(Decimal(text))


def praise(unit: UnitRecord, group: str) -> list[str]:
    """What the unit did well, as one sentence: first place, every target met, a better rank
    (not for a unit summoned or told to rectify), full marks; none for a vetoed unit."""
    if unit["veto"]:
        return []
    parts = []
    if unit["rank"] == 1:
        parts.append(f"总分位列{unit['of']}个{group}第一")
    targets = [i for i in unit["indicators"] if i["met"] is not None]
    if targets and all(i["met"] for i in targets):
        parts.append(f"设有年度目标的{len(targets)}项指标全部达标")
    if unit["rank_change"] and unit["rank_change"] > 0 and not unit["triggers"]:
        parts.append(f"名次较上年上升{unit['rank_change']}位")
    if not any(i["lost"] for i in unit["indicators"]):
        parts.append("各项指标均得满分")
    if not parts:
        return []
    close = "，成绩突出" if unit["rank"] == 1 else ""
    return [f"你单位{'，'.join(parts)}{close}。"]


def _listed(ind: IndicatorRecord) -> bool:
    """Whether a lost indicator is a main gap (named with its figures), not a trivial loss."""
    if ind["met"] is False:
        return True
    if ind.get("tasks"):
        return _lost(ind) >= TRIVIAL_LOSS or any(t["score"] < LOW_TASK_SCORE for t in ind["tasks"])
    return _lost(ind) >= TRIVIAL_LOSS


def gaps(unit: UnitRecord, year: int, places: dict[str, int]) -> list[Gap]:
    """The main gaps, grouped, largest kind first; [] when there are none."""
    out: list[Gap] = [_events(unit, kind) for kind in ("veto", "penalty")]
    lost = sorted(
        (i for i in unit["indicators"] if i["lost"] and _listed(i)), key=lambda i: -_lost(i)
    )
    out.append(_missed([i for i in lost if i["met"] is False], year, places))
    rest = [i for i in lost if i["met"] is not False and not i.get("tasks")]
    for category in dict.fromkeys(i["category"] for i in unit["indicators"]):  # model order
        losing = [i for i in rest if i["category"] == category]
        if losing:
            out.append(_category(category, losing))
    out.append(_tasks([i for i in lost if i["met"] is not False and i.get("tasks")], places))
    return [g for g in out if g["text"]]


def _events(unit: UnitRecord, kind: str) -> Gap:
    events = [a for a in unit["adjustments"] if a["kind"] == kind]
    if kind == "veto":
        text = "；".join(f"发生“{a['name']}”（依据：{a['basis']}）" for a in events)
        grade = f"，考核等次直接评为{unit['grade_name']}，排名列本组最后。"
        return {"title": "一票否决事项", "text": text + grade if events else ""}
    text = "；".join(
        f"“{a['name']}”扣{fmt_number(dec(a['points']))}分（依据：{a['basis']}）" for a in events
    )
    return {"title": "扣分事项", "text": text + "。" if events else ""}


def _missed(missed: list[IndicatorRecord], year: int, places: dict[str, int]) -> Gap:
    """Targets not met: each value against its target, and the points it cost."""
    items = []
    for ind in missed:
        n = places.get(ind["id"], DEFAULT_PLACES)
        items.append(
            f"{ind['name']}{value_text(ind, places=n)}，{missed_word(ind)}目标"
            f"{value_text(ind, 'target', places=n)}，失分{fmt_places(_lost(ind))}分"
        )
    head = f"{len(missed)}项指标未达到{year}年度目标：" if len(missed) > 1 else ""
    return {"title": "年度目标未完成", "text": head + "；".join(items) + "。" if items else ""}


def _category(category: str, inds: list[IndicatorRecord]) -> Gap:
    """A category's indicators that lost at least `TRIVIAL_LOSS` points, score against points."""
    items = [
        f"{i['name']}得{_pts(i['text']['score'])}分（分值{_pts(i['text']['points'])}分）"
        for i in inds
    ]
    if len(items) > _LISTED:  # the sum, and the largest losses by name
        total = fmt_places(sum((_lost(i) for i in inds), Decimal(0)))
        largest = "、".join(items[:_NAMED])
        text = f"{len(items)}项指标合计失分{total}分，失分最多的是{largest}。"
        return {"title": f"{category}失分较多", "text": text}
    return {"title": f"{category}失分较多", "text": "；".join(items) + "。"}


def _tasks(inds: list[IndicatorRecord], places: dict[str, int]) -> Gap:
    """The key-task indicators: their weighted scores and the tasks lagging behind."""
    lagging = any(t["score"] < LOW_TASK_SCORE for i in inds for t in i["tasks"])
    title = "重点任务推进不够有力" if lagging else "重点任务完成有差距"
    return {
        "title": title,
        "text": "；".join(_tasks_sentence(i, places.get(i["id"], DEFAULT_PLACES)) for i in inds)
        + "。"
        if inds
        else "",
    }


def _tasks_sentence(ind: IndicatorRecord, places: int = DEFAULT_PLACES) -> str:
    """The weighted task score (more places where it would print as full marks) and the
    tasks scored below `LOW_TASK_SCORE`."""
    value, target = dec(ind["value"]), ind["target"]  # as the indicator table prints it:
    average = (
        fmt_number(value, places) if target is None else fmt_decisive(value, dec(target), places)[0]
    )
    text = (
        f"承担的{len(ind['tasks'])}项重点任务加权平均完成得分{average}分，"
        f"失分{fmt_places(_lost(ind))}分"
    )
    low = sorted((t for t in ind["tasks"] if t["score"] < LOW_TASK_SCORE), key=lambda t: t["score"])
    if low:
        named = join(
            f"“{t['name']}”（{t['role']}，完成得分{fmt_number(dec(t['score']))}分）"
            for t in low[:_NAMED]
        )
        etc = f"等{len(low)}项任务" if len(low) > _NAMED else ""
        text += f"，其中{named}{etc}推进滞后，需加快推进"
    return text


def minor_losses(unit: UnitRecord) -> str:
    """Losses below `TRIVIAL_LOSS` points each, in one sentence ("" if none)."""
    minor = sorted(
        (i for i in unit["indicators"] if i["lost"] and not _listed(i)), key=lambda i: -_lost(i)
    )
    if not minor:
        return ""
    if len(minor) == 1:
        return f"{minor[0]['name']}失分{fmt_places(_lost(minor[0]))}分，差距较小。"
    total = sum((_lost(i) for i in minor), Decimal(0))
    names = join(i["name"] for i in minor[:_NAMED])
    etc = "等" if len(minor) > _NAMED else ""
    return (
        f"{names}{etc}{len(minor)}项指标各失分不足{fmt_number(TRIVIAL_LOSS)}分，"
        f"合计失分{fmt_places(total)}分，仍有提升空间。"
    )
