"""Generate evalgen's synthetic sample inputs (示例数据): sample_inputs/2023/ and 2024/.

    python tools/make_samples.py            # write both years, then check them with the engine
    python tools/make_samples.py --no-check # write only

The figures are synthetic but plausible for Xingtai (2022 city food-sampling pass rate 98.45%,
知识产权质押融资 5.47亿元, about 2.8 invention patents per 10,000 people). Indicators, units,
tasks and adjustment items are read from the scoring model at generation time; only the
sample *scenario* (which unit gets the veto, the tie, the N/A …) is written down here, in
SCENARIOS. The 2024 data deliberately exercise every rule, an explicit 不适用, the structural
不适用 of departments without an owned indicator, the bonus cap, penalties, a veto, a tie and
every follow-up trigger; the check after writing scores both years with the real engine and
fails if any of these is no longer exercised (e.g. after the model was edited).

Output is deterministic: fixed seeds, no clock, and every .xlsx is rewritten with
`evalgen.outputs.zips.stable_zip`, so two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import shutil
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from evalgen.model.loader import load_model, target_for  # noqa: E402
from evalgen.model.names import model_for_year, renamed_between  # noqa: E402
from evalgen.model.schema import Group, Indicator, ScoringModel  # noqa: E402
from evalgen.outputs.zips import stable_zip  # noqa: E402

SEED = 20230615
OUT = ROOT / "sample_inputs"
NA = "不适用"

# -- the scenario ---------------------------------------------------------------------------------
# Levels are 0 (poor) … 1 (excellent); a unit not listed gets a stable random level in 0.35–0.80.
# Cell styles: pct_text "98.5%", fullwidth "９８．６", thousands "1,236", pct_format 0.986 as 0.0%.


@dataclass
class Scenario:
    year: int
    county_levels: dict[str, float]
    dept_levels: dict[str, float]
    na: list[tuple[str, str]]  # (unit, indicator name fragment) → 不适用
    below_floor: list[tuple[str, str, str]]  # (unit, indicator id, value) for safety floor
    tie: tuple[str, str] | None
    styles: list[tuple[str, str, str]]  # (unit, indicator id, style)
    events: list[tuple[str, str, int, str, str]]  # unit, item id, count, basis, date
    issuance: dict[str, str] = field(default_factory=dict)
    drift: float = 0.0  # shift of the unlisted units' levels: the programme improves over time


# fmt: off
SCENARIOS = [
    Scenario(
        year=2023,
        drift=-0.05,
        county_levels={
            "广宗县": 0.10, "巨鹿县": 0.16, "临城县": 0.22,      # 后三名（整改）
            "平乡县": 0.88, "清河县": 0.90, "宁晋县": 0.80,      # 平乡县2024年被一票否决，名次骤降
            "内丘县": 0.50,
        },
        dept_levels={
            "市邮政管理局": 0.25, "市民政局": 0.30, "市工商联": 0.30,   # 后三名（整改）
            "市交通运输局": 0.50, "市市场监管局": 0.85,
        },
        na=[("邢东新区", "农产品")],
        below_floor=[("内丘县", "drug_pass_rate", "98.80")],
        tie=None,
        styles=[
            ("信都区", "drug_pass_rate", "pct_text"),
            ("沙河市", "food_pass_rate", "pct_text"),
            ("巨鹿县", "complaint_closure", "fullwidth"),
            ("南和区", "random_inspection", "pct_format"),
            ("宁晋县", "ip_pledge_amount", "thousands"),
            ("市市场监管局", "dept_valid_certificates", "thousands"),
        ],
        events=[
            ("清河县", "B02", 1, "河北省人民政府关于2023年河北省政府质量奖获奖名单的通报（示例）", "2023-11-20"),
            ("宁晋县", "B04", 1, "国家标准委关于下达第十批国家级标准化示范试点项目的通知（示例）", "2023-09-12"),
            ("沙河市", "B06", 2, "河北省2023年度企业标准“领跑者”名单（示例）", "2023-12-08"),
            ("平乡县", "B05", 1, "冀市监函〔2023〕88号 省级标准化示范试点项目批复（示例）", "2023-07-03"),
            ("巨鹿县", "P06", 1, "邢质强办〔2023〕9号 关于三季度进展情况报送的通报（示例）", "2023-10-16"),
            ("临城县", "P02", 1, "邢质强办〔2023〕6号 关于一起食品安全事件的通报（示例）", "2023-08-25"),
            ("市市场监管局", "B09", 1, "冀质强办〔2023〕15号 推广质量强市建设经验做法（示例）", "2023-12-01"),
            ("市邮政管理局", "P06", 1, "邢质强办〔2023〕9号 关于三季度进展情况报送的通报（示例）", "2023-10-16"),
        ],
        issuance={
            "发文字号": "邢质强办〔2024〕1号",
            "成文日期": "2024年2月22日",
            "印发日期": "2024年2月23日",
            "约谈时间": "2024年3月6日上午9:00",
            "约谈材料报送期限": "2024年3月4日",
            "填报截止日期": "2024年1月15日",
            "约谈地点": "邢台市市场监督管理局5楼会议室",
        },
    ),
    Scenario(
        year=2024,
        county_levels={
            "广宗县": 0.02, "内丘县": 0.20,                      # 后三名（连同被否决的平乡县）
            "平乡县": 0.60,                                      # 一票否决：分数不低，仍排最后
            "巨鹿县": 0.86,                                      # 2023年倒数第二 → 2024年前列
            "临城县": 0.42, "清河县": 0.84,
            "宁晋县": 0.78,                                      # 食品抽检合格率低于目标 → 约谈
            "柏乡县": 0.75, "新河县": 0.75,                      # 并列
        },
        dept_levels={
            "市民政局": 0.22,                                    # 连续两年后三名 → 约谈
            "市邮政管理局": 0.50, "市工商联": 0.55, "市市场监管局": 0.88,
        },
        na=[("邢东新区", "农产品")],
        below_floor=[("宁晋县", "food_pass_rate", "97.96")],
        tie=("柏乡县", "新河县"),
        styles=[
            ("任泽区", "food_pass_rate", "pct_text"),
            ("南宫市", "complaint_closure", "pct_text"),
            ("临西县", "mfg_pass_rate", "pct_text"),
            ("威县", "mfg_pass_rate", "fullwidth"),
            ("隆尧县", "agri_pass_rate", "pct_format"),
            ("沙河市", "ip_pledge_amount", "thousands"),
            ("市市场监管局", "dept_quality_help_firms", "thousands"),
            ("市住房城乡建设局", "dept_green_building_share", "pct_text"),
        ],
        events=[
            # 清河县：加分合计5.5分，超过上限5分
            ("清河县", "B02", 1, "冀政字〔2024〕31号 关于2024年河北省政府质量奖的决定（示例）", "2024-11-15"),
            ("清河县", "B03", 2, "国家标准公告2024年第18号 羊绒针织品等2项国家标准发布（示例）", "2024-08-30"),
            ("清河县", "B07", 1, "国家知识产权局第578号公告 地理标志证明商标核准（示例）", "2024-06-21"),
            ("清河县", "B09", 1, "冀质强办〔2024〕20号 推广县域特色产业质量提升经验（示例）", "2024-10-12"),
            ("宁晋县", "B05", 1, "冀市监函〔2024〕102号 省级标准化示范试点项目批复（示例）", "2024-07-18"),
            ("沙河市", "B06", 1, "河北省2024年度企业标准“领跑者”名单（示例）", "2024-12-06"),
            ("南和区", "B07", 1, "国家知识产权局第590号公告 南和金米地理标志保护（示例）", "2024-09-05"),
            ("隆尧县", "B08", 1, "冀市监函〔2024〕77号 同意筹建河北省食品质量监督检测中心（隆尧）（示例）", "2024-05-28"),
            ("广宗县", "P02", 1, "邢质强办〔2024〕7号 关于一起童车产品质量问题的通报（示例）", "2024-09-10"),
            ("广宗县", "P06", 2, "邢质强办〔2024〕4号、10号 关于季度进展情况报送的通报（示例）", "2024-10-18"),
            ("临西县", "P05", 1, "邢质强办〔2024〕8号 关于消费投诉处置情况的通报（示例）", "2024-08-09"),
            ("平乡县", "V02", 1, "冀质强办〔2024〕12号通报：瞒报一起儿童自行车产品质量安全事故（示例）", "2024-11-02"),
            ("市市场监管局", "B09", 2, "冀质强办〔2024〕20号 推广质量基础设施一站式服务经验（示例）", "2024-10-12"),
            ("市市场监管局", "B04", 1, "国家标准委关于下达第十一批国家级标准化示范试点项目的通知（示例）", "2024-09-20"),
            ("市农业农村局", "B07", 1, "农业农村部公告第812号 农产品地理标志登记（示例）", "2024-07-12"),
            ("市住房城乡建设局", "P01", 1, "冀建质安函〔2024〕45号 关于一起在建工程质量问题的通报（示例）", "2024-06-14"),
            ("市交通运输局", "P06", 1, "邢质强办〔2024〕10号 关于三季度进展情况报送的通报（示例）", "2024-10-18"),
        ],
        issuance={
            "发文字号": "邢质强办〔2025〕1号",
            "成文日期": "2025年2月20日",
            "印发日期": "2025年2月21日",
            "约谈时间": "2025年3月5日上午9:00",
            "约谈材料报送期限": "2025年3月3日",
            "填报截止日期": "2025年1月15日",
            "约谈地点": "邢台市市场监督管理局3楼会议室",
        },
    ),
]
# fmt: on

# -- plausible ranges per indicator: (low, high, decimal places) at level 0 and level 1 -------------
# Keys are indicator ids; an indicator not listed here gets a range derived from its target.


def _t(target: Decimal | None, factor: float) -> float:
    return float(target) * factor if target is not None else 0.0


RANGES = {
    # 县(市、区)
    "mfg_pass_rate": lambda t: (88.5, 97.8, 1),
    "hitech_share": lambda t: (11.0, 33.0, 1),
    "rd_growth": lambda t: (-4.0, 28.0, 1),
    "new_standards": lambda t: (0, 5, 0),
    "patents_per_10k": lambda t: (1.2, 6.0, 2),
    "complaint_closure": lambda t: (88.0, 99.5, 1),
    "random_inspection": lambda t: (2.2, 4.6, 2),
    "quality_help_firms": lambda t: (15, 60, 0),
    "ip_pledge_amount": lambda t: (150, 5600, -1),  # 万元, to the nearest 10; city ≈ 5.5亿元
    "overdue_hazards": lambda t: (0, 3, 0),
    # 市直部门（全市口径）
    "dept_hitech_share": lambda t: (22.0, 27.0, 1),
    "dept_rd_growth": lambda t: (6.0, 22.0, 1),
    "dept_green_building_share": lambda t: (93.0, 99.5, 1),
    "dept_prefab_building_share": lambda t: (23.0, 31.0, 1),
    "dept_structural_quality_projects": lambda t: (16, 26, 0),
    "dept_tech_renovation_projects": lambda t: (455, 565, 0),
    "dept_new_rd_institutions": lambda t: (68, 96, 0),
    "dept_innovation_demo_firms": lambda t: (2, 5, 0),
    "dept_mfg_pass_rate": lambda t: (92.2, 95.6, 1),
    "dept_new_standards_cumulative": lambda t: (_t(t, 0.92), _t(t, 1.15), 0),
    "dept_metrology_standards_cumulative": lambda t: (_t(t, 0.9), _t(t, 1.3), 0),
    "dept_patents_per_10k": lambda t: (_t(t, 0.95), _t(t, 1.08), 2),
    "dept_complaint_closure": lambda t: (92.5, 97.5, 1),
    "dept_random_inspection": lambda t: (2.9, 4.2, 2),
    "dept_prov_metrology_standards": lambda t: (_t(t, 0.98), _t(t, 1.03), 0),
    "dept_valid_certificates": lambda t: (_t(t, 0.97), _t(t, 1.06), 0),
    "dept_quality_help_firms": lambda t: (850, 1400, 0),
}


def _range(ind: Indicator, target: Decimal | None) -> tuple[float, float, int]:
    if ind.id in RANGES:
        return RANGES[ind.id](target)
    if ind.safety_floor and target is not None:
        # Pass rates of the safety-floor indicators are above the target unless the scenario
        # says otherwise: falling below it is a summons (约谈), not ordinary variation.
        top = min(float(ind.max) if ind.max is not None else 100.0, float(target) + 1.5)
        return float(target) + 0.08, top, 2
    if ind.measure == "%":
        base = float(target) if target is not None else 90.0
        top = float(ind.max) if ind.max is not None else base * 1.1
        return base * 0.94, min(top, base * 1.06), 1
    if target is not None:
        return float(target) * 0.6, float(target) * 1.4, 0
    return 0, 10, 0


# -- generation -----------------------------------------------------------------------------------


def _clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return min(hi, max(lo, x))


def _squash(x: float) -> float:
    """0…1 with soft ends, so that strong units do not all pile up on the range's top value."""
    return 0.5 + 0.5 * math.tanh(2.4 * (x - 0.5))


def _quantize(x: float, places: int) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _bounded(value: Decimal, ind: Indicator) -> Decimal:
    high = ind.max
    if ind.rule == "evaluated":
        high = ind.points if high is None else min(high, ind.points)
    if ind.min is not None and value < ind.min:
        value = ind.min
    if high is not None and value > high:
        value = high
    return value


def _value_indicators(group: Group) -> list[tuple[str, Indicator]]:
    return [(c.id, i) for c in group.categories for i in c.indicators if i.source == "value"]


class Generator:
    """Figures for one model; persistent per-(unit, indicator) offsets make years related."""

    def __init__(self, model: ScoringModel):
        self.model = model
        rng = random.Random(SEED)
        self.base_level: dict[str, float] = {}
        self.base_noise: dict[tuple[str, str], float] = {}
        for group in model.groups.values():
            for unit in group.units:
                self.base_level[unit] = rng.uniform(0.35, 0.80)
            for _, ind in _value_indicators(group):
                for unit in group.units:
                    self.base_noise[unit, ind.id] = rng.gauss(0, 1)

    def year(self, sc: Scenario) -> dict:
        rng = random.Random(SEED + sc.year)
        levels = {}
        for group in self.model.groups.values():
            for unit in group.units:
                drift = sc.drift + rng.uniform(-0.06, 0.06)
                given = {**sc.county_levels, **sc.dept_levels}.get(unit)
                levels[unit] = given if given is not None else _clamp(self.base_level[unit] + drift)
        figures: dict[str, dict[str, dict[str, object]]] = {}
        for gkey, group in self.model.groups.items():
            figures[gkey] = {u: {} for u in group.units}
            for _, ind in _value_indicators(group):
                target = target_for(ind, sc.year)
                for unit in group.units:
                    if ind.applies_to is not None and unit not in ind.applies_to:
                        continue
                    noise = rng.gauss(0, 1)
                    figures[gkey][unit][ind.id] = self._figure(
                        ind, target, levels[unit], unit, noise
                    )
            self._scenario_figures(sc, gkey, group, figures[gkey], rng)
        tasks = self._tasks(levels, rng)
        return {"figures": figures, "tasks": tasks, "levels": levels}

    def _figure(self, ind: Indicator, target, level: float, unit: str, noise: float) -> Decimal:
        quantile = _squash(level + 0.10 * self.base_noise[unit, ind.id] + 0.07 * noise)
        if ind.rule == "evaluated":
            points = float(min(ind.points, ind.max) if ind.max is not None else ind.points)
            lo, hi, places = points * 0.52, points * 0.97, 1
        elif ind.id == "cqo_coverage" or (
            ind.rule == "threshold" and ind.measure == "%" and target is not None and target >= 100
        ):
            # 首席质量官覆盖率: most units reach full coverage; weak ones fall a little short.
            if quantile >= 0.3:
                return Decimal(100)
            lo, hi, places = 88.0, 99.0, 1
        else:
            lo, hi, places = _range(ind, target)
        if ind.direction == "lower":
            quantile = 1 - quantile
            quantile = quantile * quantile  # most units have no overdue hazards at all
        value = _quantize(lo + (hi - lo) * quantile, places)
        return _bounded(value, ind)

    def _scenario_figures(self, sc: Scenario, gkey: str, group: Group, rows, rng) -> None:
        by_id = {ind.id: ind for _, ind in _value_indicators(group)}
        for unit, fragment in sc.na:
            if unit in rows:
                ind = next(i for i in by_id.values() if fragment in i.name)
                rows[unit][ind.id] = NA
        for unit, ind_id, value in sc.below_floor:
            if unit in rows and ind_id in by_id:
                rows[unit][ind_id] = Decimal(value)
        if sc.tie and sc.tie[0] in rows:
            self._tie(sc.year, group, rows, *sc.tie, rng)

    def _tie(self, year: int, group: Group, rows, first: str, second: str, rng) -> None:
        """Two units with different figures but exactly equal scores (并列)."""
        evaluated: dict[str, list[Indicator]] = {}
        for cat_id, ind in _value_indicators(group):
            target = target_for(ind, year)
            if ind.rule == "evaluated":
                evaluated.setdefault(cat_id, []).append(ind)
            elif target is not None and ind.rule in ("threshold", "linear", "ratio", "deduct"):
                # at or beyond the target: full points whatever the rule's parameters
                places = _range(ind, target)[2]
                for unit in (first, second):
                    value = rows[unit][ind.id]
                    if ind.direction == "higher" and value < target:
                        margin = _quantize(rng.uniform(0.02, 0.06) * float(target), places)
                        rows[unit][ind.id] = max(target, _bounded(target + margin, ind))
                    elif ind.direction == "lower" and value > target:
                        rows[unit][ind.id] = target
            else:  # rank / relative: peers decide, so the two units report the same figure
                rows[second][ind.id] = rows[first][ind.id]
        # 评审打分: same total per category, spread differently over its indicators
        for inds in evaluated.values():
            for ind in inds:
                rows[second][ind.id] = rows[first][ind.id]
            if len(inds) >= 2:
                a, b = inds[0], inds[1]
                shift = Decimal("0.5")
                if rows[first][a.id] - shift >= 0 and rows[first][b.id] + shift <= _bounded(
                    Decimal(999), b
                ):
                    rows[second][a.id] = rows[first][a.id] - shift
                    rows[second][b.id] = rows[first][b.id] + shift

    def _tasks(self, levels: dict[str, float], rng) -> list[tuple[str, object, str, int, str]]:
        rows = []
        for group in self.model.groups.values():
            if not group.tasks:
                continue
            top = group.task_scoring.max_score if group.task_scoring else Decimal(100)
            for unit in group.units:
                for task in group.tasks:
                    if unit not in task.units:
                        continue
                    lead = task.units[0] == unit
                    q = _clamp(levels[unit] + rng.gauss(0, 0.12))
                    score = min(top, _quantize(float(top) * (0.58 + 0.42 * q), 0))
                    if score >= 96 and lead:
                        remark = "牵头任务全面完成，成效明显"
                    elif score < 70:
                        remark = "部分工作进度滞后"
                    else:
                        remark = ""
                    rows.append((unit, task, "牵头" if lead else "配合", score, remark))
        return rows


# -- writing the workbooks ------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_IDLE_FILL = PatternFill("solid", fgColor="EDEDED")
_TITLE_FONT = Font(name="宋体", size=14, bold=True)
_NOTE_FONT = Font(name="宋体", size=10, color="C00000")
_BODY_FONT = Font(name="宋体", size=11)
_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _header(ind: Indicator) -> str:
    return f"{ind.name}（{ind.measure}）"


def _sheet_frame(ws, title: str, note: str, headers: list[str], widths: list[int]) -> None:
    last = get_column_letter(len(headers))
    ws.append([title])
    ws.append([note])
    ws.append(headers)
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    ws["A1"].font = _TITLE_FONT
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws["A2"].font = _NOTE_FONT
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 28
    ws.row_dimensions[2].height = 48
    ws.row_dimensions[3].height = 54
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(row=3, column=col)
        cell.font = Font(name="宋体", size=10, bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "C4"


def _put(cell, value: object, style: str | None) -> None:
    """Write a figure as a person might have typed it."""
    cell.font = _BODY_FONT
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal="center")
    if value is None or value == NA:
        cell.value = value
        return
    number = Decimal(value)
    if style == "pct_text":
        cell.value = f"{number}%"
    elif style == "fullwidth":
        cell.value = str(number).translate(_FULLWIDTH)
    elif style == "thousands":
        cell.value = f"{int(number):,}"
    elif style == "pct_format":
        places = max(0, -number.as_tuple().exponent)
        cell.value = float(str(number / 100))
        cell.number_format = "0." + "0" * places + "%" if places else "0%"
    elif number == number.to_integral_value():
        cell.value = int(number)
    else:
        cell.value = float(str(number))


def _guide(wb, year: int, lines: list[str]) -> None:
    ws = wb.create_sheet("说明")
    ws.column_dimensions["A"].width = 110
    ws.append([f"{year}年度质量工作考核数据填报说明（示例数据）"])
    ws["A1"].font = _TITLE_FONT
    for line in lines:
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=ws.max_row, column=1).font = _BODY_FONT


_COMMON_GUIDE = [
    "一、本工作簿为 evalgen 示例数据：全部数字均为合成数据，非真实统计，不代表任何单位的实际工作情况，"
    "仅用于演示评分、通报和报告生成流程。",
    "二、填报方法：每个单位一行、每个指标一列；数值直接填写数字，百分比可写 98.5 或 98.5%，"
    "数量可写 1236 或 1,236，全角数字也可识别。不要在数字后加单位或文字。",
    "三、空白不等于“不适用”：空白单元格视为缺报，检查时会报错。某项指标对本单位确不适用的，"
    "请在该单元格明确填写“不适用”，其分值将按比例并入本单位同类别其他指标。",
    "四、单位名称请使用考核细则中的规范名称；表头第3行的指标名称请勿修改（括号内为计量单位）。",
    "五、填好后运行“evalgen validate 年度”检查，所有问题会定位到文件、工作表和单元格一次列出。",
]


def _save(wb: Workbook, path: Path, title: str) -> None:
    wb.properties.creator = "evalgen 示例数据生成器（tools/make_samples.py）"
    wb.properties.lastModifiedBy = "evalgen"
    wb.properties.title = title
    buf = BytesIO()
    wb.save(buf)
    path.write_bytes(stable_zip(buf.getvalue()))


def _indicator_sheet(wb, model, gkey: str, year: int, rows, styles, title: str, what: str):
    group = model.groups[gkey]
    inds = [ind for _, ind in _value_indicators(group)]
    ws = wb.active if wb.active.title == "Sheet" else wb.create_sheet()
    ws.title = group.input.sheet
    note = (
        f"填报说明：本表为evalgen示例数据（合成数据，非真实统计），仅用于演示和测试。{what}"
        "每个单位一行、每个指标一列，直接填写数字；确不适用的填写“不适用”，空白视为缺报。"
    )
    _sheet_frame(ws, title, note, ["序号", "单位", *map(_header, inds)], [6, 16] + [13] * len(inds))
    for n, unit in enumerate(group.units, start=1):
        r = n + 3
        ws.cell(row=r, column=1, value=n).border = _BORDER
        ws.cell(row=r, column=2, value=unit).border = _BORDER
        for c, ind in enumerate(inds, start=3):
            cell = ws.cell(row=r, column=c)
            if ind.applies_to is not None and unit not in ind.applies_to:
                cell.fill = _IDLE_FILL  # not this unit's indicator: left blank, ignored
                cell.border = _BORDER
                continue
            _put(cell, rows[unit].get(ind.id), styles.get((unit, ind.id)))


def write_year(model: ScoringModel, sc: Scenario, data: dict) -> list[Path]:
    folder = OUT / str(sc.year)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    styles = {(u, i): s for u, i, s in sc.styles}
    year = sc.year
    written = []
    groups = list(model.groups)
    county, dept = groups[0], groups[1] if len(groups) > 1 else None

    # 县(市、区)
    wb = Workbook()
    title = f"{year}年度{model.groups[county].name}质量工作考核数据（示例数据）"
    _indicator_sheet(wb, model, county, year, data["figures"][county], styles, title,
                     "由各县(市、区)质量强县工作领导小组办公室汇总填报，考核组评审打分项由考核组填写。")  # fmt: skip
    _guide(wb, year, [f"考核年度：{year}年。", *_COMMON_GUIDE])
    path = folder / f"县区考核数据_{year}.xlsx"
    _save(wb, path, title)
    written.append(path)

    # 市直部门
    if dept is not None:
        group = model.groups[dept]
        wb = Workbook()
        title = f"{year}年度{group.name}质量工作考核数据（示例数据）"
        _indicator_sheet(wb, model, dept, year, data["figures"][dept], styles, title,
                         "牵头指标只由所列牵头部门填写全市口径数据，灰色单元格无需填写。")  # fmt: skip
        if group.task_input:
            _task_sheet(wb, group, year, data["tasks"])
        _guide(wb, year, [
            f"考核年度：{year}年。",
            *_COMMON_GUIDE,
            "六、“部门指标”表：牵头指标只由责任部门填写（灰色单元格不填，填了也不计）；"
            "没有牵头指标的部门，该类别分值按比例并入其他类别，无需填写“不适用”。",
            "七、“重点任务”表：每个责任部门对所承担的每项任务一行，完成得分（0—100分）由考核组评定；"
            "牵头任务权重1，配合任务权重0.5（以考核细则为准）。",
        ])  # fmt: skip
        path = folder / f"市直部门考核数据_{year}.xlsx"
        _save(wb, path, title)
        written.append(path)

    # 加减分事项
    wb = Workbook()
    ws = wb.active
    ws.title = model.adjustment_input.sheet
    title = f"{year}年度质量工作考核加减分事项（示例数据）"
    note = (
        "填报说明：本表为evalgen示例数据（合成数据，非真实统计），所列事项、文号均为虚构示例。"
        "每条事项一行，事项编号见考核细则（B加分、P扣分、V一票否决），必须写明依据。"
    )
    headers = ["序号", "单位", "事项编号", "事项名称", "次数", "依据", "认定日期"]
    _sheet_frame(ws, title, note, headers, [6, 16, 10, 34, 6, 60, 12])
    for n, (unit, item_id, count, basis, date) in enumerate(sc.events, start=1):
        item = model.adjustment(item_id)
        if item is None or model.group_of(unit) is None:
            raise SystemExit(f"场景中的加减分事项 {unit} {item_id} 与考核细则不符")
        values = [n, unit, item.id, item.name, count, basis, dt.date.fromisoformat(date)]
        ws.append(values)
        for c in range(1, len(values) + 1):
            cell = ws.cell(row=ws.max_row, column=c)
            cell.border = _BORDER
            cell.font = _BODY_FONT
        ws.cell(row=ws.max_row, column=7).number_format = "yyyy-mm-dd"
    _guide(wb, year, [
        f"考核年度：{year}年。",
        "一、本工作簿为 evalgen 示例数据：事项、文号、日期均为虚构，非真实通报或认定。",
        "二、每条加分、扣分或一票否决事项一行；“事项编号”按考核细则填写（如 B02、P06、V02），"
        "“次数”不填视为1次，“依据”必须写明文件名称、文号或事实。",
        f"三、加分合计不超过{model.bonus_cap}分；扣分后总分不低于0分；"
        "一票否决的单位直接定为不合格，排在本组最后。",
        "四、认定日期填写上级或考核组认定的日期（如 2024-11-02）。",
    ])  # fmt: skip
    path = folder / f"加减分事项_{year}.xlsx"
    _save(wb, path, title)
    written.append(path)

    path = folder / "发文信息.yaml"
    path.write_bytes(_issuance(sc).encode("utf-8"))
    written.append(path)
    return written


def _task_sheet(wb, group: Group, year: int, tasks) -> None:
    ws = wb.create_sheet(group.task_input.sheet)
    title = f"{year}年度重点任务完成情况评分表（示例数据）"
    note = (
        "填报说明：本表为evalgen示例数据（合成数据，非真实评分）。每个责任单位对其承担的每项重点任务一行，"
        "完成得分（0—100分）由考核组评定；责任类型中每项任务第一个列出的单位为牵头单位。"
    )
    headers = ["序号", "单位", "任务序号", "任务名称", "责任类型", "完成得分", "备注"]
    _sheet_frame(ws, title, note, headers, [6, 20, 8, 28, 8, 10, 28])
    for n, (unit, task, role, score, remark) in enumerate(tasks, start=1):
        values = [n, unit, task.no, task.name, role, int(score), remark or None]
        ws.append(values)
        for c in range(1, len(values) + 1):
            cell = ws.cell(row=ws.max_row, column=c)
            cell.border = _BORDER
            cell.font = _BODY_FONT


def _issuance(sc: Scenario) -> str:
    info = {
        "发文机关": "邢台市质量强市战略领导小组办公室",
        "发文机关标志": "邢台市质量强市战略领导小组办公室文件",
        "发文字号": sc.issuance["发文字号"],
        "成文日期": sc.issuance["成文日期"],
        "主送": "各县（市、区）人民政府，开发区、邢东新区管委会，市直有关部门",
        "抄送": "市委办公室，市人大常委会办公室，市政府办公室，市政协办公室",
        "印发机关": "邢台市质量强市战略领导小组办公室",
        "印发日期": sc.issuance["印发日期"],
        "约谈地点": sc.issuance["约谈地点"],
        "约谈材料报送期限": sc.issuance["约谈材料报送期限"],
        "联系人": "张××",
        "联系电话": "0319-0000000",
        "整改期限": "30日",
        "约谈通知书编号": f"邢质强办约〔{sc.year + 1}〕{{序号}}号",
        "填报截止日期": sc.issuance["填报截止日期"],
    }
    comments = {
        "发文字号": f"{sc.year}年度考核结果于次年年初通报",
        "成文日期": "写成文字；evalgen 从不读取系统时钟",
        "联系人": "示例：请改为实际联系人",
        "联系电话": "示例号码，非真实电话",
        "整改期限": "列入后三名的单位提交整改方案的期限",
        "约谈通知书编号": "{序号} 由 evalgen 按约谈单位顺序填入",
        "约谈材料报送期限": "约谈单位报送约谈材料的截止日期，应在约谈之前",
        "填报截止日期": "evalgen forms 写入数据填报表“填报说明”的报送截止时间",
    }
    lines = [
        f"# {sc.year}年度质量工作考核 发文信息（示例数据）",
        "#",
        "# 本文件为 evalgen 示例数据（合成数据，非真实发文），由 tools/make_samples.py 生成。",
        "# evalgen 生成通报（GB/T 9704—2012 版式）和约谈通知书时，从本文件读取发文要素。",
        "# 正式使用时请按实际发文修改各项；文件编码为 UTF-8。",
        "",
    ]
    for key, value in info.items():
        line = f'{key}: "{value}"'
        if key in comments:
            line += f"  # {comments[key]}"
        lines.append(line)
    return "\n".join(lines + _schedule_lines(sc)) + "\n"


def _schedule_lines(sc: Scenario) -> list[str]:
    """约谈安排: a start and a slot per unit (the other form: one time per unit)."""
    return [
        "",
        "# 约谈安排：各约谈单位依次约谈，顺序同约谈通知书编号（先县区、后市直部门，组内按名次）；",
        '# 也可逐个单位写明时间，如“宁晋县: "2025年3月5日上午9:00"”。所有单位同一时间的，',
        "# 可改为只填“约谈时间”。",
        "约谈安排:",
        f'  开始时间: "{sc.issuance["约谈时间"]}"',
        "  每单位时长: 30  # 分钟",
    ]


# -- check with the real engine -------------------------------------------------------------------


def check(model: ScoringModel, model_path: Path | None = None) -> list[str]:
    """Score both years with the engine; return the features that are NOT exercised."""
    from evalgen.pipeline import evaluate
    from evalgen.scoring.ruletable import RULES

    ev = evaluate(SCENARIOS[-1].year, OUT, model_path)
    res, prev = ev.result, ev.history.get(SCENARIOS[0].year)
    missing = []
    units = [u for g in res.groups.values() for u in g.units]
    exact = [ev.lines.unit_lines(u) for u in units]  # a sample-sized year: all lines at once
    used = {ln.indicator.rule for e in exact for ln in e.indicators if ln.value is not None}
    missing += [f"规则 {r} 未被使用" for r in RULES if r not in used]
    reasons = {ln.na_reason for e in exact for ln in e.indicators if ln.not_applicable}
    if "单位填报不适用" not in reasons:
        missing.append("单位填报“不适用”")
    if not any(e.notes for e in exact):
        missing.append("结构性不适用（无牵头指标的部门）")
    if not any(u.bonus > u.bonus_capped for u in units):
        missing.append("加分超过上限")
    if not any(u.penalty > 0 for u in units):
        missing.append("扣分")
    if not any(u.veto for u in units):
        missing.append("一票否决")
    ties = [
        (a.unit, b.unit, a.total)
        for g in res.groups.values()
        for i, a in enumerate(g.units)
        for b in g.units[i + 1 :]
        if a.total == b.total and not a.veto and not b.veto
    ]
    if not ties:
        missing.append("并列名次")
    when = {f.id: f.when for f in model.followups}
    fired = {(when[t.rule_id], u.veto) for u in units for t in u.triggers}
    if ("grade", False) not in fired:
        missing.append("未被否决而因等次触发约谈的单位")
    for kind in ("veto", "bottom", "bottom_consecutive"):
        if (kind, False) not in fired and (kind, True) not in fired:
            missing.append(f"触发条件 {kind}")
    from evalgen.scoring.conditions import in_bottom

    floor_units = [
        u for g in res.groups.values() for u in g.units
        if any(when[t.rule_id] == "safety_floor" for t in u.triggers) and not in_bottom(g, u, 3)
    ]  # fmt: skip
    if not floor_units:
        missing.append("非后三名单位的底线指标约谈")
    if prev is None or not any(
        u.rank_change is not None and abs(u.rank_change) >= 5 for u in units
    ):
        missing.append("名次明显变化")
    _summary(res, prev, ties)
    return missing


def _summary(res, prev, ties) -> None:
    for year in (prev, res):
        if year is None:
            continue
        print(f"\n== {year.year}年度 ==")
        for g in year.groups.values():
            print(f"  {g.name}:")
            for u in g.units:
                change = "" if u.rank_change is None else f" ({u.rank_change:+d})"
                flags = []
                if u.veto:
                    flags.append("否决")
                if u.bonus > u.bonus_capped:
                    flags.append(f"加分{float(u.bonus):g}→{float(u.bonus_capped):g}")
                elif u.bonus:
                    flags.append(f"加{float(u.bonus):g}")
                if u.penalty:
                    flags.append(f"扣{float(u.penalty):g}")
                trig = ",".join(t.rule_id for t in u.triggers)
                print(
                    f"    {u.rank:>2} {u.unit:<10} {u.total:>6} {u.grade}{change} {' '.join(flags)} {trig}"
                )
    print("\n并列：", "；".join(f"{a}、{b} {t}" for a, b, t in ties) or "无")


def _accidental_ties(model: ScoringModel, sc: Scenario) -> list[tuple[str, str]]:
    """Pairs of units that tie by chance (the scenario's deliberate tie excepted)."""
    from evalgen.inputs.year import read_year
    from evalgen.scoring.engine import score_year

    result = score_year(model, read_year(model, OUT / str(sc.year), sc.year)).result
    ties = []
    for group in result.groups.values():
        for i, a in enumerate(group.units):
            for b in group.units[i + 1 :]:
                if a.total == b.total and {a.unit, b.unit} != set(sc.tie or ()):
                    ties.append((group.key, b.unit))
    return ties


def _nudge(model: ScoringModel, data: dict, gkey: str, unit: str) -> None:
    """Take 0.1 off the unit's last assessment-team score (评审打分) to break a chance tie."""
    row = data["figures"][gkey][unit]
    for _, ind in reversed(_value_indicators(model.groups[gkey])):
        value = row.get(ind.id)
        if ind.rule == "evaluated" and isinstance(value, Decimal) and value >= Decimal("0.1"):
            row[ind.id] = value - Decimal("0.1")
            return


def _in_names_of(model: ScoringModel, data: dict, year: int, other_year: int) -> dict:
    """A year's generated data (under the names of `year`) under the names of `other_year`."""
    renamed = renamed_between(model, year, other_year)

    def name(unit: str) -> str:
        return renamed.get(unit, unit)

    return {
        "figures": {
            gkey: {name(u): row for u, row in rows.items()}
            for gkey, rows in data["figures"].items()
        },
        "tasks": [(name(unit), *rest) for unit, *rest in data["tasks"]],
        "levels": {name(u): level for u, level in data["levels"].items()},
    }


def generate(model: ScoringModel) -> None:
    """Write every scenario year; chance ties are broken so that only the deliberate one stays.

    Figures are drawn under the units' latest names (a rename changes no figure) and written
    under the names in force in each year (`evalgen.model.names`).
    """
    latest = max(model.years)
    gen = Generator(model_for_year(model, latest))
    for sc in SCENARIOS:
        data = _in_names_of(model, gen.year(sc), latest, sc.year)
        view = model_for_year(model, sc.year)
        for _ in range(50):
            written = write_year(view, sc, data)
            ties = _accidental_ties(model, sc)
            if not ties:
                break
            for gkey, unit in ties:
                _nudge(view, data, gkey, unit)
        for path in written:
            print(f"已生成 {path.relative_to(ROOT)}")


def write_period(model: ScoringModel, code: str = "2025H1") -> None:
    """The in-year sample folder (sample_inputs/2025H1/) for `evalgen progress`."""
    from period_samples import write_period_folder

    for path in write_period_folder(model, code, OUT, sys.modules[__name__]):
        print(f"已生成 {path.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description="生成 evalgen 示例数据（sample_inputs/2023、2024）"
    )
    parser.add_argument("--model", type=Path, default=None, help="考核细则文件，默认内置模型")
    parser.add_argument("--no-check", action="store_true", help="只生成，不用评分引擎检查")
    args = parser.parse_args()
    model = load_model(args.model).model
    generate(model)
    write_period(model)
    if args.no_check:
        return 0
    missing = check(model, args.model)
    if missing:
        print("\n示例数据未覆盖：" + "；".join(missing), file=sys.stderr)
        return 1
    print("\n示例数据覆盖全部规则、不适用、加分上限、扣分、一票否决、并列和各项约谈/整改触发条件。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
