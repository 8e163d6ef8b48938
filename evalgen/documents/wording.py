"""Shared wording for the documents: how figures, rank changes and lists are printed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from ..model.schema import ScoringModel
from ..numbers import dec, fmt_decisive, fmt_number, json_safe
from ..outputs.records import IndicatorRecord, TaskRecord, UnitRecord
from .context import Band

__all__ = [
    "LOW_TASK_SCORE",
    "bands",
    "change_text",
    "cn_ordinal",
    "grade_names",
    "join",
    "missed_word",
    "triggered",
    "unit_tasks",
    "value_text",
]

_CN_NUM = "〇一二三四五六七八九十"
LOW_TASK_SCORE = 80  # a key task scored below this is named as lagging behind


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


def value_text(ind: IndicatorRecord, key: Literal["value", "target"] = "value") -> str:
    """The value or the target as printed: up to 4 places, more where value and target would
    otherwise look equal or compare the other way (完成值98.249%，目标98.25%)."""
    value = ind[key]
    if value is None:
        return "不适用" if key == "value" and ind["not_applicable"] else "—"
    measure = "" if ind["measure"] == "分" else ind["measure"]
    if ind["value"] is None or ind["target"] is None:
        return f"{fmt_number(dec(value))}{measure}"
    pair = fmt_decisive(dec(ind["value"]), dec(ind["target"]), 4)
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
