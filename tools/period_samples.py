"""The in-year sample (示例数据) for `evalgen progress`: sample_inputs/2025H1/.

Called by `tools/make_samples.py` (`write_period`). Deterministic and hand-designed rather than
drawn: each followed indicator's value is set from the status the scenario wants
(正常 / 滞后 / 严重滞后) and checked against the model's own rule before it is written, and
every task status (未启动 / 推进中 / 已完成) appears. All figures are synthetic.
"""

from __future__ import annotations

import shutil
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook

from evalgen.model.loader import target_for
from evalgen.model.names import model_for_year
from evalgen.model.schema import ScoringModel
from evalgen.progress.period import Period, parse_period
from evalgen.progress.read import period_group
from evalgen.progress.status import expected_level, shortfall, status_of

__all__ = ["write_period_folder"]

# (unit, indicator id) → the status wanted; every other cell is 正常.
WANTED = {
    ("宁晋县", "mfg_pass_rate"): "滞后",
    ("新河县", "mfg_pass_rate"): "严重滞后",
    ("巨鹿县", "food_pass_rate"): "滞后",
    ("新河县", "quality_help_firms"): "严重滞后",
    ("临城县", "quality_help_firms"): "滞后",
    ("柏乡县", "random_inspection"): "滞后",
    ("威县", "rd_growth"): "严重滞后",
    ("广宗县", "complaint_closure"): "滞后",
    ("市工业和信息化局", "dept_new_rd_institutions"): "严重滞后",
    ("市住房城乡建设局", "dept_structural_quality_projects"): "滞后",
    ("市科技局", "dept_rd_growth"): "滞后",
}
# (task no, unit) → 未启动; a third of the other rows 已完成, the rest 推进中.
NOT_STARTED = {(9, "市行政审批局"), (14, "市邮政管理局"), (16, "市民政局"), (19, "市委宣传部")}
CITY = {"全社会研发经费投入增长": {2023: "15.8", 2024: "13.9", 2025: "14.2"}}


def _value(kind: str, expected: Fraction, want: str, th, i: int, percent: bool) -> Decimal:
    """A value of the wanted status: on target (+ a little), in the middle of the 滞后 band,
    or past the 严重滞后 line; rates to 1 decimal place, counts whole."""
    lag, serious = Fraction(th.lagging), Fraction(th.serious)
    factor = {
        "正常": 1 + Fraction(i % 3, 100),
        "滞后": 1 - (lag + serious) / 2,
        "严重滞后": 1 - serious - Fraction(5, 100),
    }[want]
    exact = expected * factor
    places = Decimal("0.1") if percent else Decimal(1)
    if want == "正常":
        value = Decimal(exact.numerator) / Decimal(exact.denominator)
        value = value.quantize(places, rounding="ROUND_CEILING")
        return min(value, Decimal(100)) if percent else value
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(places, ROUND_FLOOR)


def period_figures(model: ScoringModel, period: Period) -> dict[str, dict[str, dict]]:
    """Group → unit → indicator id → value, each checked to have its wanted status."""
    block = model.progress
    assert block is not None
    out: dict[str, dict[str, dict]] = {}
    for gkey, full in model.groups.items():
        group = period_group(model, full)
        if group is None:
            continue
        rows: dict[str, dict] = {}
        for i, unit in enumerate(group.units):
            row = {}
            for ind in (x for c in group.categories for x in c.indicators):
                if ind.applies_to is not None and unit not in ind.applies_to:
                    continue
                row[ind.id] = _figure(model, ind, unit, i, period)
            rows[unit] = row
        out[gkey] = rows
    return out


def _figure(model: ScoringModel, ind, unit: str, i: int, period: Period) -> Decimal:
    block = model.progress
    assert block is not None
    target = target_for(ind, period.year)
    assert target is not None
    follow = block.indicators.get(ind.id)
    if follow is None or follow.in_year == "none":  # a milestone's source: a level so far
        return (target * Decimal("0.9")).quantize(Decimal(1), ROUND_FLOOR)
    want = WANTED.get((unit, ind.id), "正常")
    th = follow.thresholds or block.thresholds
    expected = expected_level(follow, target, period)
    if ind.direction == "lower":
        return Decimal(0)  # the targets of lower-is-better indicators are 0: meet them
    value = _value(follow.in_year, expected, want, th, i, ind.measure == "%")
    got = status_of(shortfall(value, expected, ind.direction), th)
    if got != want:
        raise SystemExit(f"示例数据 {unit} {ind.name} 应为{want}，按规则为{got}（{value}）")
    return value


def task_rows(model: ScoringModel) -> list[tuple]:
    """(unit, task no, task name, role, status, sentence) for every task and unit."""
    rows = []
    n = 0
    for group in model.groups.values():
        for task in group.tasks:
            for k, unit in enumerate(task.units):
                n += 1
                if (task.no, unit) in NOT_STARTED:
                    status = "未启动"
                    text = "受机构职能调整影响，相关工作尚未启动，已列入三季度工作计划。"
                elif n % 3 == 0:
                    status = "已完成"
                    text = f"{task.name}年度工作已全部完成，正在总结经验做法、形成长效机制。"
                else:
                    status = "推进中"
                    share = 40 + (n * 7) % 35
                    text = f"已制定{task.name}年度工作方案，按计划推进，完成年度任务约{share}%。"
                rows.append((unit, task.no, task.name, "牵头" if k == 0 else "配合", status, text))
    return rows


def write_period_folder(model: ScoringModel, code: str, out: Path, ms) -> list[Path]:
    """Write the period folder (figures, task progress, city table, 发文信息.yaml);
    `ms` is tools/make_samples.py, whose sheet helpers the year folders use too."""
    period = parse_period(code)
    model = model_for_year(model, period.year)  # units under their names in force that year
    folder = out / period.code
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    data = period_figures(model, period)
    written = []
    for gkey, rows in data.items():
        group = period_group(model, model.groups[gkey])
        assert group is not None
        wb = Workbook()
        title = f"{period.label}{group.name}质量工作进展数据（示例数据）"
        _indicator_sheet(ms, wb, group, rows, title, period)
        if model.groups[gkey].tasks and model.progress is not None:
            _task_sheet(ms, wb, model.progress.task_input, period, task_rows(model))
        _guide(ms, wb, period)
        name = "县区" if gkey == "county" else "市直部门"
        path = folder / f"{name}进展数据_{period.code}.xlsx"
        ms._save(wb, path, title)
        written.append(path)
    path = folder / f"全市指标_{period.code}.xlsx"
    _city_book(ms, model, period, path)
    written.append(path)
    path = folder / "发文信息.yaml"
    path.write_bytes(_issuance(period).encode("utf-8"))
    written.append(path)
    return written


def _indicator_sheet(ms, wb, group, rows, title: str, period: Period) -> None:
    inds = [i for c in group.categories for i in c.indicators]
    ws = wb.active
    ws.title = group.input.sheet
    note = (
        "填报说明：本表为evalgen示例数据（合成数据，非真实统计），仅用于演示和测试。"
        f"数量类指标填报截至{period.end}的累计数，比率类指标填报当期实际值；灰色单元格无需填写。"
    )
    headers = ["序号", "单位", *map(ms._header, inds)]
    ms._sheet_frame(ws, title, note, headers, [6, 16] + [13] * len(inds))
    for n, unit in enumerate(group.units, start=1):
        r = n + 3
        ws.cell(row=r, column=1, value=n).border = ms._BORDER
        ws.cell(row=r, column=2, value=unit).border = ms._BORDER
        for c, ind in enumerate(inds, start=3):
            cell = ws.cell(row=r, column=c)
            if ind.id not in rows[unit]:
                cell.fill = ms._IDLE_FILL
                cell.border = ms._BORDER
                continue
            ms._put(cell, rows[unit][ind.id], None)


def _task_sheet(ms, wb, sheet: str, period: Period, rows: list[tuple]) -> None:
    ws = wb.create_sheet(sheet)
    title = f"{period.label}重点任务进展情况（示例数据）"
    note = (
        "填报说明：本表为evalgen示例数据（合成数据，非真实情况）。每个责任单位对其承担的每项重点任务一行，"
        "进展状态从“未启动、推进中、已完成”中选填，进展情况用一两句话说明。"
    )
    headers = ["序号", "单位", "任务序号", "任务名称", "责任类型", "进展状态", "进展情况"]
    ms._sheet_frame(ws, title, note, headers, [6, 20, 8, 28, 8, 10, 60])
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
        for c in range(1, 8):
            cell = ws.cell(row=ws.max_row, column=c)
            cell.border = ms._BORDER
            cell.font = ms._BODY_FONT


def _city_book(ms, model: ScoringModel, period: Period, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert model.progress is not None
    ws.title = model.progress.city_input
    title = "全市质量强市主要指标（示例数据）"
    note = (
        "填报说明：本表为evalgen示例数据（合成数据，非真实统计）。全市口径、不能由各单位数据汇总的指标"
        "（如全社会研发经费投入增长）在此填报，每年一行；当年填报截至期末的数值。"
    )
    names = list(CITY)
    ms._sheet_frame(ws, title, note, ["单位", "年度", *names], [10, 8] + [18] * len(names))
    years = sorted({y for v in CITY.values() for y in v})
    for year in years:
        ws.append(["全市", year, *(Decimal(CITY[n][year]) for n in names)])
        for c in range(1, 3 + len(names)):
            ws.cell(row=ws.max_row, column=c).border = ms._BORDER
    for row in ws.iter_rows(min_row=4, min_col=3):
        for cell in row:
            cell.value = float(cell.value)
    ms._save(wb, path, title)


def _guide(ms, wb, period: Period) -> None:
    ws = wb.create_sheet("说明")
    ws.column_dimensions["A"].width = 110
    ws.append([f"{period.label}质量强市建设工作进展数据填报说明（示例数据）"])
    ws["A1"].font = ms._TITLE_FONT
    for line in (
        "一、本工作簿为 evalgen 示例数据：全部数字和文字均为合成数据，非真实统计，不代表任何单位的实际工作情况。",
        "二、表格格式与年度考核数据表相同（每个单位一行、每个指标一列），只列年内跟踪的指标。",
        "三、数量类指标填报截至期末的累计数，比率类指标填报当期实际值；空白视为缺报，不适用的填写“不适用”。",
        f"四、填好后运行“evalgen progress {period.code}”生成定期通报、任务台账和督办单。",
    ):
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).font = ms._BODY_FONT


def _issuance(period: Period) -> str:
    return "\n".join(
        [
            f"# {period.label}质量强市建设工作进展 发文信息（示例数据）",
            "#",
            "# 本文件为 evalgen 示例数据（合成数据，非真实发文），由 tools/make_samples.py 生成。",
            "# evalgen 生成定期通报和督办单时，从本文件读取发文要素。",
            "",
            '发文机关: "邢台市质量强市战略领导小组办公室"',
            '发文机关标志: "邢台市质量强市战略领导小组办公室文件"',
            f'发文字号: "邢质强办〔{period.year}〕12号"',
            f'成文日期: "{period.year}年7月15日"  # 写成文字；evalgen 从不读取系统时钟',
            '主送: "各县（市、区）人民政府，开发区、邢东新区管委会，市直有关部门"',
            '抄送: "市委办公室，市人大常委会办公室，市政府办公室，市政协办公室"',
            '印发机关: "邢台市质量强市战略领导小组办公室"',
            f'印发日期: "{period.year}年7月16日"',
            '联系人: "张××"  # 示例：请改为实际联系人',
            '联系电话: "0319-0000000"  # 示例号码，非真实电话',
            '整改期限: "15日"  # 督办单：收到后书面报告整改情况的期限',
            "",
        ]
    )
