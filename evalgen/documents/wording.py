"""Shared wording for the documents: how figures, rank changes and lists are printed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from ..model.schema import ScoringModel
from ..numbers import dec, fmt_decisive, fmt_number, json_safe
from ..outputs.records import IndicatorRecord, TaskRecord, UnitRecord
from .context import Band

__all__ = [
    "DEFAULT_PLACES",
    "as_self",
    "LOW_TASK_SCORE",
    "bands",
    "change_text",
    "figure",
    "indicator_places",
    "cn_ordinal",
    "grade_names",
    "join",
    "missed_word",
    "self_reference",
    "triggered",
    "unit_tasks",
    "value_text",
]

_CN_NUM = "〇一二三四五六七八九十"
LOW_TASK_SCORE = 80  # a key task scored below this is named as lagging behind
DEFAULT_PLACES = 2  # as `model.schema.Indicator.decimals`


def change_text(change: int | None, short: bool = False) -> str:
    """名次变化: 上升2位 / 下降1位 / 持平 / — (no previous year)."""
    if change is None:
        return "—"
    if change == 0:
        return "持平"
    if short:
        return f"↑{change}" if change > 0 else f"↓{-change}"
    return f"上升{change}位" if change > 0 else f"下降{-change}位"


def cn_ordinal(n: int) -> str:
    if n <= 10:
        return _CN_NUM[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUM[tens]) + "十" + (_CN_NUM[ones] if ones else "")


def join(names: Iterable[str]) -> str:
    return "、".join(names)


def indicator_places(model: ScoringModel, group_key: str) -> dict[str, int]:
    """A group's indicator ids → the places their figures are printed with (`decimals`)."""
    group = model.groups[group_key]
    return {i.id: i.decimals for c in group.categories for i in c.indicators}


def figure(value: object, places: int = DEFAULT_PLACES) -> str:
    """A figure alone, as every document prints it: half up to `places`, no trailing zeros."""
    return fmt_number(dec(value), places)


def value_text(
    ind: IndicatorRecord, key: Literal["value", "target"] = "value", places: int = DEFAULT_PLACES
) -> str:
    """The value or the target as printed: to the indicator's `places` (the model's
    `decimals`), more where value and target would otherwise look equal or compare the other
    way (完成值98.249%，目标98.25%) — as the reasons of a follow-up print them."""
    value = ind[key]
    if value is None:
        return "不适用" if key == "value" and ind["not_applicable"] else "—"
    measure = "" if ind["measure"] == "分" else ind["measure"]
    if ind["value"] is None or ind["target"] is None:
        return f"{figure(value, places)}{measure}"
    pair = fmt_decisive(dec(ind["value"]), dec(ind["target"]), places)
    return f"{pair[0] if key == 'value' else pair[1]}{measure}"


def grade_names(model: ScoringModel) -> dict[str, str]:
    return {g.code: g.name for g in model.grades}


def bands(model: ScoringModel) -> list[Band]:
    return [{"code": g.code, "name": g.name, "min": json_safe(g.min)} for g in model.grades]


def triggered(units: Iterable[UnitRecord], kind: str) -> list[UnitRecord]:
    return [u for u in units if any(t["kind"] == kind for t in u["triggers"])]


def unit_tasks(unit: UnitRecord) -> list[TaskRecord]:
    """The key tasks behind a unit's task indicators, in order."""
    return [t for i in unit["indicators"] for t in i.get("tasks", [])]


def missed_word(ind: IndicatorRecord) -> str:
    """A missed target: 未达到 it (higher is better) or 高于 it (lower is better)."""
    return "未达到" if ind["direction"] == "higher" else "高于"


# The issuer's name ends → how its own documents refer to it after naming it once (我办).
_SELF = (("办公室", "我办"), ("办", "我办"), ("委员会", "我委"), ("委", "我委"), ("局", "我局"),
         ("厅", "我厅"), ("部", "我部"), ("院", "我院"), ("人民政府", "我府"))  # fmt: skip


def self_reference(issuer: str) -> str:
    """我办 for an office (…办公室), 我局 for a bureau, …; 我单位 when the name says nothing."""
    return next((ref for end, ref in _SELF if issuer.endswith(end)), "我单位")


def as_self(text: str, issuer: str) -> str:
    """`text` (a model's follow-up action) with the issuer, in full or without its place name
    (市质量强市…办公室 for 邢台市质量强市…办公室), replaced by its self-reference (我办)."""
    names = [issuer]
    if "市" in issuer[:-1]:
        names.append(issuer[issuer.index("市") :])
    for name in names:
        text = text.replace(name, self_reference(issuer))
    return text
