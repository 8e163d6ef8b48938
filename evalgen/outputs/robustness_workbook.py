"""稳定性分析_YEAR.xlsx: each unit's rank interval and decision probabilities, the fragile
decisions, and what the figures mean.

Built from the robustness record (`robustness.json`, see `evalgen robustness`); written by
`outputs.workbook.write_sheets`, so the same record gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..numbers import fmt_number
from .workbook import Cell, Sheet, write_sheets

__all__ = ["DECISION_NAMES", "nominal_text", "settings_lines", "write_robustness_workbook"]

DECISION_NAMES = {"grade": "等次", "rectify": "整改", "summon": "约谈"}
_PERCENT = "0.0%"
_POINTS = "0.0#"

Record = Mapping[str, Any]


def write_robustness_workbook(record: Record, path: Path) -> Path:
    """Write the robustness workbook of `record` to `path`."""
    return write_sheets(_sheets(record), path)


def nominal_text(fragile: Mapping[str, Any]) -> str:
    """The nominal outcome of a fragile decision as people say it: B, 列入整改, 不列入约谈."""
    nominal = fragile["nominal"]
    if fragile["decision"] == "grade":
        return str(nominal)
    name = DECISION_NAMES.get(fragile["decision"], str(fragile["decision"]))
    return f"列入{name}" if nominal else f"不列入{name}"


def settings_lines(settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What was varied, in plain Chinese: (item, text) pairs for the 说明 sheet and the document."""
    weights = f"{_num(settings['weights'], 100)}%"
    lines = [
        ("模拟次数", f"{settings['runs']}次"),
        (
            "指标分值",
            f"每项指标的分值在±{weights}范围内随机变动，同一类别内按比例调整，类别总分值不变"
            if settings["weights"]
            else "各指标分值不变",
        ),
        (
            "评审打分",
            f"评审打分类指标的得分在±{_num(settings['evaluated'])}分范围内随机变动，"
            "不超出该指标的分值范围"
            if settings["evaluated"]
            else "评审打分类指标的得分不变",
        ),
        (
            "等次分数线",
            f"各等次分数线在±{_num(settings['thresholds'])}分范围内随机变动"
            if settings.get("thresholds")
            else "各等次分数线不变",
        ),
        ("随机种子", f"{settings['seed']}（相同设置重新运行，结果完全相同）"),
    ]
    return lines


def _num(value: float, scale: int = 1) -> str:
    """A JSON number as printed: 0.1 × 100 is 10, never 10.000000000000002."""
    return fmt_number(Decimal(str(value)) * scale)


def _grades(record: Record) -> list[str]:
    """The model's grades in the order the record gives them (best first)."""
    for group in record["groups"]:
        for unit in group["units"]:
            return list(unit["p_grade"])
    return []


def _sheets(record: Record) -> Iterator[Sheet]:
    grades = _grades(record)
    headers = ["单位", "名次", "总分", "等次", "名次中位数", "名次5%", "名次95%"]
    headers += [f"等次{g}概率" for g in grades] + ["整改概率", "约谈概率", "是否稳健"]
    percent = range(7, 9 + len(grades))
    formats = {2: "0.00", **{col: _PERCENT for col in percent}}
    widths = [20, 6, 8, 6, 10, 8, 8, *[10] * len(grades), 9, 9, 9]
    for group in record["groups"]:
        rows = (_unit_row(unit, grades) for unit in group["units"])
        yield Sheet(group["name"], headers, widths, rows, formats, group=True)
    yield Sheet(
        "不稳健的决定",
        ["单位", "决定", "名义结果", "保持概率", "最敏感指标", "分值", "翻转分值", "说明"],
        [20, 7, 12, 9, 30, 7, 9, 90],
        _fragile_rows(record),
        {3: _PERCENT, 5: _POINTS, 6: _POINTS},
    )
    yield Sheet("说明", ["项目", "内容"], [14, 100], _about_rows(record))


def _unit_row(unit: Mapping[str, Any], grades: list[str]) -> list[Cell]:
    return [
        unit["unit"], unit["rank"], unit["total"], unit["grade"],
        unit["rank_median"], unit["rank_p05"], unit["rank_p95"],
        *(unit["p_grade"].get(g, 0.0) for g in grades),
        unit["p_rectify"], unit["p_summon"], "是" if unit["robust"] else "否",
    ]  # fmt: skip


def _fragile_rows(record: Record) -> Iterator[list[Cell]]:
    for group in record["groups"]:
        for unit in group["units"]:
            for f in unit["fragile"]:
                flip = f["flip_points"]
                yield [
                    unit["unit"], DECISION_NAMES.get(f["decision"], f["decision"]),
                    nominal_text(f), f["p_nominal"], f["indicator_name"], f["points"],
                    "范围内不改变" if flip is None else flip, f["sentence"],
                ]  # fmt: skip


def _about_rows(record: Record) -> list[list[Cell]]:
    summary = record["summary"]
    model = record["model"]
    rows: list[list[Cell]] = [
        ["考核年度", record["year"]],
        ["考核细则", f"{model['name']}（{model['version']}）"],
        ["用途", "内部资料，供考核办公室研判使用，不对外公开"],
    ]
    rows += [[item, text] for item, text in settings_lines(record["settings"])]
    rows += [
        ["分析结果", f"共{summary['units']}个单位，其中{summary['robust']}个单位的全部决定稳健；"
                     f"不稳健的决定{summary['fragile_decisions']}项"],
        ["名次中位数", "全部模拟中该单位名次的中间值"],
        ["名次5%、名次95%", "90%的模拟中，该单位的名次落在这两个名次之间（含）"],
        ["等次概率", "该单位在全部模拟中评为各等次的比例"],
        ["整改概率、约谈概率", "该单位在全部模拟中被列入整改、约谈的比例"],
        ["是否稳健", "等次、整改、约谈三项决定都在至少95%的模拟中与正式结果相同，为“是”"],
        ["最敏感指标", "逐项调整各指标分值时，最容易改变该决定的指标"],
        ["翻转分值", "该指标的分值调到这个值时，决定开始改变；“范围内不改变”表示在所设变动范围内"
                     "单独调整该指标不会改变决定"],
        ["名义结果", "按考核细则正式计算的结果"],
    ]  # fmt: skip
    return rows
