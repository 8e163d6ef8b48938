"""In-year following (evalgen progress): periods, the pro-rata rule, the thresholds, the
ledger roll-up and the milestone arithmetic, each computed by hand; reading a period folder."""

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import SAMPLE_INPUTS
from openpyxl import load_workbook

from evalgen.model.loader import load_model
from evalgen.model.names import model_for_year
from evalgen.model.progress_schema import InYear, Milestone, Thresholds
from evalgen.problems import InputError
from evalgen.progress.ledger import build_ledger, roll_up
from evalgen.progress.milestones import AT_RISK, NO_DATA, ON_TRACK, combine, milestone_view
from evalgen.progress.period import parse_period
from evalgen.progress.read import TaskReport, read_period
from evalgen.progress.status import expected_level, shortfall, status_of

MODEL = model_for_year(load_model().model, 2025)  # names in force in 2025, as `progress` reads
H1 = parse_period("2025H1")
TH = Thresholds(lagging=Decimal("0.05"), serious=Decimal("0.15"))


# -- periods --------------------------------------------------------------------------------


def test_periods_and_their_elapsed_fraction():
    assert (H1.year, H1.elapsed, H1.label, H1.end) == (
        2025,
        Fraction(1, 2),
        "2025年上半年",
        "6月30日",
    )
    q3 = parse_period("2025q3")
    assert (q3.elapsed, q3.schedule_key, q3.label) == (Fraction(3, 4), "Q3", "2025年前三季度")
    assert parse_period("2025Q2").schedule_key == "H1"  # Q2 ends where H1 does
    assert parse_period("2025H2").schedule_key is None  # the whole year


@pytest.mark.parametrize("text", ["2025H3", "2025Q5", "2025", "H1", "2025-H1"])
def test_a_bad_period_is_a_located_chinese_error(text):
    with pytest.raises(InputError) as err:
        parse_period(text)
    assert [p.code for p in err.value.problems] == ["bad-period"]
    assert "2025H1" in (err.value.problems[0].hint or "")


def test_a_period_outside_the_models_years():
    with pytest.raises(InputError) as err:
        parse_period("2030H1", [2023, 2024])
    assert err.value.problems[0].code == "bad-period"


# -- the expected level: rate, pro rata, schedule -------------------------------------------


def test_a_rate_is_compared_with_the_years_target_directly():
    assert expected_level(InYear(in_year="rate"), Decimal("94"), H1) == 94


def test_pro_rata_is_target_times_elapsed_fraction():
    follow = InYear(in_year="pro_rata")
    assert expected_level(follow, Decimal(30), H1) == 15  # 30 × 1/2
    assert expected_level(follow, Decimal(30), parse_period("2025Q3")) == Fraction(45, 2)  # 30×3/4
    assert expected_level(follow, Decimal(3), parse_period("2025Q1")) == Fraction(3, 4)  # 3×1/4


def test_a_declared_schedule_replaces_the_elapsed_fraction():
    follow = InYear(in_year="pro_rata", schedule={"H1": Decimal("0.4"), "Q3": Decimal("0.7")})
    assert expected_level(follow, Decimal(500), H1) == 200  # 500 × 0.4
    assert expected_level(follow, Decimal(500), parse_period("2025Q3")) == 350  # 500 × 0.7
    # Q1 not declared: back to the elapsed fraction, 500 × 1/4 = 125
    assert expected_level(follow, Decimal(500), parse_period("2025Q1")) == 125


# -- shortfall and status --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("15", "正常"),  # on the expected level
        ("16", "正常"),  # ahead
        ("14.25", "正常"),  # (15 − 14.25)/15 = 0.05: the 正常 line is inclusive
        ("14.24", "滞后"),  # 0.76/15 = 0.0507
        ("13", "滞后"),  # 2/15 = 0.1333
        ("12.75", "滞后"),  # 2.25/15 = 0.15: the 滞后 line is inclusive
        ("12.74", "严重滞后"),  # 2.26/15 = 0.1507
    ],
)
def test_thresholds_on_a_pro_rata_count(value, status):
    expected = Fraction(15)  # target 30 at H1
    assert status_of(shortfall(Decimal(value), expected, "higher"), TH) == status


def test_shortfall_as_a_fraction_and_lower_is_better():
    assert shortfall(Decimal(13), Fraction(15), "higher") == Fraction(2, 15)
    # lower is better: 2.2 against 2 is 0.2/2 = 0.1 behind
    assert shortfall(Decimal("2.2"), Fraction(2), "lower") == Fraction(1, 10)
    # an expected level of 0 missed has no fraction: always the worst status
    assert shortfall(Decimal(1), Fraction(0), "lower") is None
    assert status_of(None, TH) == "严重滞后"


def test_a_rates_own_stricter_thresholds():
    strict = Thresholds(lagging=Decimal("0.005"), serious=Decimal("0.02"))
    # target 98.5: 98.1 is 0.4/98.5 = 0.00406 behind → 正常; 97.2 is 1.3/98.5 = 0.0132 → 滞后;
    # 96.5 is 2/98.5 = 0.0203 → 严重滞后
    assert status_of(shortfall(Decimal("98.1"), Fraction("98.5"), "higher"), strict) == "正常"
    assert status_of(shortfall(Decimal("97.2"), Fraction("98.5"), "higher"), strict) == "滞后"
    assert status_of(shortfall(Decimal("96.5"), Fraction("98.5"), "higher"), strict) == "严重滞后"


# -- the ledger -----------------------------------------------------------------------------


def test_roll_up_of_a_tasks_units():
    assert roll_up(["已完成", "已完成"]) == "已完成"
    assert roll_up(["未启动", "未启动"]) == "未启动"
    assert roll_up(["已完成", "未启动"]) == "推进中"
    assert roll_up(["推进中"]) == "推进中"


def _reports(overrides: dict) -> dict:
    src = type("S", (), {"__str__": lambda self: "表 › A1"})()
    return {
        (t.no, u): TaskReport(overrides.get((t.no, u), "推进中"), "说明", src)
        for t in MODEL.groups["department"].tasks
        for u in t.units
    }


def test_ledger_rows_roles_and_lagging_tasks():
    # task 3: 市市场监管局 (lead) 已完成, 市财政局 未启动 → roll-up 推进中, lagging (财政局)
    # task 1: only 市市场监管局, 已完成 → 已完成
    reports = _reports(
        {(3, "市市场监管局"): "已完成", (3, "市财政局"): "未启动", (1, "市市场监管局"): "已完成"}
    )
    rows, tasks = build_ledger(MODEL, H1, reports)
    assert len(rows) == sum(len(t.units) for t in MODEL.groups["department"].tasks)
    three = [r for r in rows if r.no == 3]
    assert [(r.unit, r.role, r.lagging) for r in three] == [
        ("市市场监管局", "牵头", False),
        ("市财政局", "配合", True),
    ]
    by_no = {t.no: t for t in tasks}
    assert (by_no[3].status, by_no[3].lagging_units, by_no[3].lead) == (
        "推进中",
        ["市财政局"],
        "市市场监管局",
    )
    assert by_no[3].counts == {"已完成": 1, "推进中": 0, "未启动": 1}
    assert (by_no[1].status, by_no[1].lagging) == ("已完成", False)
    assert [t.no for t in tasks if t.lagging] == [3]


def test_not_started_lags_only_from_the_declared_point():
    assert MODEL.progress is not None
    late = MODEL.model_copy(
        update={"progress": MODEL.progress.model_copy(update={"task_start_by": "Q3"})}
    )
    _, tasks = build_ledger(late, H1, _reports({(3, "市财政局"): "未启动"}))
    assert not any(t.lagging for t in tasks)  # H1 is before Q3


# -- milestones -----------------------------------------------------------------------------


def _ms(kind="reach", targets=None) -> Milestone:
    return Milestone(id="m", name="标准", measure="项", kind=kind, targets=targets or {})


STANDARDS = {2023: Decimal(32), 2025: Decimal(85), 2027: Decimal(140)}


def test_required_yearly_improvement_and_on_track():
    # 2024: 65, next milestone 85 in 2025: (85 − 65)/(2025 − 2024) = 20 a year;
    # trend (65 − 36)/(2024 − 2023) = 29 ≥ 20 → on track
    view = milestone_view(_ms(targets=STANDARDS), {2023: Decimal(36), 2024: Decimal(65)}, None, H1)
    assert (view.target_year, view.target, view.required, view.trend) == (2025, 85, 20, 29)
    assert view.status == ON_TRACK


def test_at_risk_when_the_trend_is_below_the_required_improvement():
    # (85 − 50)/1 = 35 needed, trend (50 − 36)/1 = 14 → at risk
    view = milestone_view(_ms(targets=STANDARDS), {2023: Decimal(36), 2024: Decimal(50)}, None, H1)
    assert (view.required, view.trend, view.status) == (35, 14, AT_RISK)


def test_the_next_milestone_two_years_ahead():
    # period 2026Q1: next 140 in 2027; latest 2025: 90 → (140 − 90)/(2027 − 2025) = 25;
    # trend (90 − 65)/(2025 − 2024) = 25 = required → on track
    annual = {2024: Decimal(65), 2025: Decimal(90)}
    view = milestone_view(_ms(targets=STANDARDS), annual, None, parse_period("2026Q1"))
    assert (view.target_year, view.required, view.trend, view.status) == (2027, 25, 25, ON_TRACK)
    # (140 − 91)/2 = 24.5, kept to 2 places
    annual = {2024: Decimal(65), 2025: Decimal(91)}
    assert milestone_view(
        _ms(targets=STANDARDS), annual, None, parse_period("2026Q1")
    ).required == Decimal("24.50")


def test_one_years_value_below_target_is_at_risk_and_none_is_no_data():
    view = milestone_view(_ms(targets=STANDARDS), {2024: Decimal(60)}, None, H1)
    assert (view.required, view.trend, view.status) == (25, None, AT_RISK)
    assert milestone_view(_ms(targets=STANDARDS), {}, None, H1).status == NO_DATA
    # already there: nothing more needed
    view = milestone_view(_ms(targets=STANDARDS), {2024: Decimal(86)}, None, H1)
    assert (view.required, view.status) == (0, ON_TRACK)


def test_hold_milestones_compare_each_year_with_its_target():
    ms = _ms("hold", {2023: Decimal(98), 2027: Decimal(99)})
    # 2024 held at 98 (the 2023 target): 97.9 < 98 → at risk
    assert (
        milestone_view(ms, {2023: Decimal("98.5"), 2024: Decimal("97.9")}, None, H1).status
        == AT_RISK
    )
    # 98.2 ≥ 98, so far 98.0 ≥ 98 → on track
    assert milestone_view(ms, {2024: Decimal("98.2")}, Decimal(98), H1).status == ON_TRACK
    # the value so far this year below the target → at risk
    assert milestone_view(ms, {2024: Decimal("98.2")}, Decimal("97.99"), H1).status == AT_RISK


def test_combining_the_units_values():
    values = [Decimal("93.1"), Decimal("94.2"), Decimal(95)]
    assert combine(values, "mean") == Decimal("94.10")  # 282.3 / 3
    assert combine(values, "sum") == Decimal("282.30")
    assert combine(values, "min") == Decimal("93.10")
    assert combine([Decimal(1), Decimal(1), Decimal(2)], "mean") == Decimal("1.33")  # 4/3
    assert combine([Decimal("0.005"), Decimal("0.010")], "mean") == Decimal(
        "0.01"
    )  # 0.0075 half up
    assert combine([], "mean") is None


# -- reading a period folder -----------------------------------------------------------------


@pytest.fixture
def period_copy(tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "2025H1"
    shutil.copytree(SAMPLE_INPUTS / "2025H1", target)
    return target


def _edit(folder: Path, sheet: str, cells: dict[str, object]) -> None:
    path = folder / "市直部门进展数据_2025H1.xlsx"
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)


def test_the_sample_period_reads_with_every_status():
    inputs = read_period(MODEL, SAMPLE_INPUTS / "2025H1", H1)
    statuses = {r.status for r in inputs.tasks.values()}
    assert statuses == {"未启动", "推进中", "已完成"}
    assert inputs.figures["新河县"]["quality_help_firms"].value == 12
    assert inputs.city["ms_rd_growth", 2024] == Decimal("13.9")


def test_bad_task_rows_are_located(period_copy):
    # row 4 is the first task row: F is 进展状态, C 任务序号, B 单位
    _edit(period_copy, "任务进展", {"F4": "快完成了", "C5": 99, "B6": "市财政局"})
    with pytest.raises(InputError) as err:
        read_period(MODEL, period_copy, H1)
    found = {(p.code, p.sheet, p.row, p.column) for p in err.value.problems}
    assert ("bad-progress-status", "任务进展", 4, "F") in found
    assert ("unknown-task", "任务进展", 5, "C") in found
    assert ("not-responsible-unit", "任务进展", 6, "C") in found
    # the rows refused leave their (task, unit) pairs unreported
    assert any(p.code == "progress-task-missing" for p in err.value.problems)


def test_a_missing_progress_sheet_and_a_bad_city_value(period_copy):
    path = period_copy / "市直部门进展数据_2025H1.xlsx"
    wb = load_workbook(path)
    del wb["任务进展"]
    wb.save(path)
    city = period_copy / "全市指标_2025H1.xlsx"
    wb = load_workbook(city)
    wb["全市指标"]["C4"] = "较快增长"
    wb["全市指标"]["C5"] = "不适用"
    wb["全市指标"]["A6"] = "襄都区"
    wb.save(city)
    with pytest.raises(InputError) as err:
        read_period(MODEL, period_copy, H1)
    found = {(p.code, p.sheet, p.row, p.column) for p in err.value.problems}
    assert ("missing-sheet", "", None, "") in found
    assert ("not-a-number", "全市指标", 4, "C") in found
    assert ("city-value", "全市指标", 5, "C") in found  # a city figure cannot be 不适用
    assert ("city-value", "全市指标", 6, "A") in found  # the city table holds the city only


def test_a_missing_period_folder(tmp_path):
    with pytest.raises(InputError) as err:
        read_period(MODEL, tmp_path / "2025H1", H1)
    assert err.value.code == "missing-period-folder"


def test_a_model_without_the_progress_block_is_told(tmp_path):
    from conftest import MINI_MODEL

    from evalgen.problems import ModelError

    with pytest.raises(ModelError) as err:
        read_period(load_model(MINI_MODEL).model, tmp_path, H1)
    assert err.value.code == "no-progress-model"
