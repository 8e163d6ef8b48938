"""台账_PERIOD.xlsx: the 27-task ledger (one row per task and responsible unit), each task's
roll-up, every followed indicator's status per unit, and the milestones.

Built from the period's record (progress.json, see `evalgen progress`) and written by
`outputs.workbook.write_sheets`, so the same record gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from .workbook import Cell, Sheet, write_sheets

__all__ = ["write_ledger_workbook"]

Record = Mapping[str, Any]


def write_ledger_workbook(record: Record, path: Path) -> Path:
    """Write the ledger workbook of `record` to `path`."""
    return write_sheets(_sheets(record), path)


def _n(text: str | None) -> Cell:
    """A number the record keeps as printed text, as a number in the sheet."""
    return None if text is None else float(Decimal(text))


def _sheets(record: Record) -> Iterator[Sheet]:
    roll = {t["no"]: t for t in record["tasks"]}
    yield Sheet(
        "任务台账",
        ["任务序号", "任务名称", "责任单位", "责任类型", "进展状态", "进展情况", "是否滞后", "任务汇总进展", "数据来源"],
        [8, 26, 20, 8, 9, 60, 8, 12, 36],
        (
            [r["no"], r["task"], r["unit"], r["role"], r["status"], r["text"],
             "滞后" if r["lagging"] else "", roll[r["no"]]["status"], r["source"]]
            for r in record["ledger"]
        ),
    )  # fmt: skip
    yield Sheet(
        "任务汇总",
        ["任务序号", "任务名称", "牵头单位", "汇总进展", "已完成单位数", "推进中单位数", "未启动单位数", "未启动的单位"],
        [8, 26, 20, 10, 12, 12, 12, 40],
        (
            [t["no"], t["name"], t["lead"], t["status"], t["counts"]["已完成"],
             t["counts"]["推进中"], t["counts"]["未启动"], "、".join(t["lagging_units"])]
            for t in record["tasks"]
        ),
    )  # fmt: skip
    yield Sheet(
        "指标进度",
        ["单位", "类别", "指标", "计量单位", "跟踪方式", "截至期末", "全年目标", "应达到", "差距（%）", "状态", "数据来源"],
        [20, 12, 30, 8, 10, 10, 10, 10, 10, 10, 36],
        (
            [s["unit"], s["group_name"], s["name"], s["measure"],
             "按全年目标" if s["in_year"] == "rate" else "按时序进度",
             _n(s["value"]), _n(s["target"]), _n(s["expected"]), _n(s["shortfall"]), s["status"], s["source"]]
            for s in record["statuses"]
        ),
        {5: "0.0#", 6: "0.0#", 7: "0.0#", 8: "0.00"},
    )  # fmt: skip
    yield from _milestone_and_about(record)


def _milestone_and_about(record: Record) -> Iterator[Sheet]:
    years = sorted({y for m in record["milestones"] for y in m["annual"]})
    yield Sheet(
        "节点目标",
        ["指标", "计量单位", *(f"{y}年" for y in years), "本期", "下一节点年份", "节点目标",
         "每年需提高", "以往年均变化", "研判", "目标依据"],
        [30, 8, *[9] * len(years), 9, 10, 9, 10, 10, 12, 60],
        (
            [m["name"], m["measure"], *(_n(m["annual"].get(y)) for y in years), _n(m["so_far"]),
             m["target_year"], _n(m["target"]), _n(m["required"]), _n(m["trend"]), m["status"],
             m["target_note"]]
            for m in record["milestones"]
        ),
    )  # fmt: skip
    yield Sheet(
        "说明",
        ["项目", "内容"],
        [14, 100],
        [
            ["期次", record["label"]],
            ["任务台账", "每项重点任务、每个责任单位一行；每项任务第一个责任单位为牵头单位"],
            ["是否滞后", "责任单位报送“未启动”的，列为滞后"],
            ["任务汇总进展", "全部责任单位已完成为“已完成”，均未启动为“未启动”，其余为“推进中”"],
            ["指标进度", "比率类指标按全年目标衡量，数量类指标按“全年目标×时间进度”（或考核细则写明的进度安排）衡量；"
             "差距为低于应达到水平的部分占应达到水平的百分比，按考核细则的滞后界限判定状态"],
            ["节点目标", "每年需提高＝（下一节点目标－最近一年实际值）÷相隔年数；以往年均变化不低于每年需提高的，"
             "研判为有望按期实现"],
        ],
    )  # fmt: skip
