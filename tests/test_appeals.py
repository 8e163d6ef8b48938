"""The appeals register (复核登记表): every row checked and located, accepted adjustments
overlaid on the year's inputs in memory (the input workbooks untouched).

Expected values by hand from the 2024 sample inputs (sample_inputs/2024) and the model.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_INPUTS, write_xlsx

from evalgen.cli import main
from evalgen.inputs.appeals import COLUMNS
from evalgen.inputs.year import read_year
from evalgen.model.loader import load_model
from evalgen.problems import InputError

FOOD = "食品安全评价性抽检合格率"
FH1 = ["FH-1", "宁晋县", FOOD, "抽检数据录入有误", "2025年2月12日", "调整", 98.30,
       "省市场监管局复核函", "2025-02-15", "李××"]  # fmt: skip
FH2 = ["FH-2", "南宫市", FOOD, "要求复核", "2025-02-12", "维持", None, "原数据无误",
       "2025-02-15", "李××"]  # fmt: skip


@pytest.fixture(scope="module")
def model():
    return load_model(None).model


@pytest.fixture
def year_folder(tmp_path: Path) -> Path:
    target = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, target)
    return target / "2024"


def register(folder: Path, *rows: list) -> Path:
    """Write 复核登记表.xlsx (one sheet 复核登记表, a title row, the header) into `folder`."""
    title = [["2024年度质量工作考核复核登记表"]]
    return write_xlsx(folder / "复核登记表.xlsx", {"复核登记表": [*title, list(COLUMNS), *rows]})


def problems_of(model, folder: Path) -> list:
    with pytest.raises(InputError) as caught:
        read_year(model, folder, 2024)
    return caught.value.problems


def test_an_accepted_adjustment_replaces_the_figure_and_names_the_appeal(model, year_folder):
    path = register(year_folder, FH1, FH2)
    before = path.read_bytes()
    inputs = read_year(model, year_folder, 2024)
    figure = inputs.figures["宁晋县"]["food_pass_rate"]
    # 县区指标 E14 held 97.96; the appeal sets 98.30 and keeps the cell, marked FH-1.
    assert figure.value == Decimal("98.3") and figure.number == 98.3
    assert (figure.source.file, figure.source.cell, figure.source.appeal) == (
        "县区考核数据_2024.xlsx",
        "E14",
        "FH-1",
    )
    assert "经复核调整，复核编号 FH-1" in str(figure.source)
    # 维持: 南宫市's figure as read, no appeal on it, but the appeal is listed.
    assert inputs.figures["南宫市"]["food_pass_rate"].source.appeal == ""
    assert [(a.number, a.decision, a.shown) for a in inputs.appeals] == [
        ("FH-1", "调整", "98.3%"),
        ("FH-2", "维持", ""),
    ]
    assert inputs.appeals[0].source.cell == "第3行"  # the title row, the header, then FH-1
    assert path.read_bytes() == before


def test_without_appeals_the_register_is_not_read(model, year_folder):
    register(year_folder, ["FH-1", "宁晋县", FOOD, "", "", "调整", None, "", "", ""])
    inputs = read_year(model, year_folder, 2024, appeals=False)
    assert inputs.appeals == () and inputs.figures["宁晋县"]["food_pass_rate"].value == Decimal(
        "97.96"
    )


def test_task_scores_and_events_are_overlaid(model, year_folder):
    register(
        year_folder,
        ["FH-1", "市市场监管局", "重点任务1", "", "", "调整", 95, "复核意见", "", ""],
        ["FH-2", "清河县", "B02", "", "", "调整", "撤销", "奖项被撤销", "", ""],
        ["FH-3", "宁晋县", "获河北省企业标准“领跑者”", "", "", "调整", "增加", "名单补录", "2025-02-15", ""],
    )  # fmt: skip
    inputs = read_year(model, year_folder, 2024)
    score, source = inputs.tasks["市市场监管局"]["T01"]
    assert score == 95 and (source.cell, source.appeal) == ("F4", "FH-1")  # was 92
    assert not [e for e in inputs.events if e.unit == "清河县" and e.item_id == "B02"]
    added = [e for e in inputs.events if e.unit == "宁晋县" and e.item_id == "B06"]
    assert [(e.count, e.basis, e.date, e.source.appeal) for e in added] == [
        (1, "名单补录", "2025-02-15", "FH-3")
    ]


@pytest.mark.parametrize(
    ("row", "code", "column"),
    [
        (["FH-9", "宁晋县", FOOD, "", "", "调整", None, "依据", "", ""], "appeal-no-value", "G"),
        (["FH-9", "宁晋县", FOOD, "", "", "调整", 98.3, None, "", ""], "appeal-no-basis", "H"),
        (["FH-9", "宁晋县", FOOD, "", "", "同意", 98.3, "依据", "", ""], "appeal-decision", "F"),
        (["FH-9", "宁晋", "不存在的指标", "", "", "维持", None, "", "", ""],
         "unknown-appeal-target", "C"),
        (["FH-9", "某某县", FOOD, "", "", "维持", None, "", "", ""], "unknown-unit", "B"),
        (["FH-9", "宁晋县", FOOD, "", "2025年2月30日", "维持", None, "", "", ""],
         "impossible-date", "E"),
        (["FH-9", "宁晋县", FOOD, "", "下周", "维持", None, "", "", ""], "date-format", "E"),
        (["FH-9", "宁晋县", FOOD, "", "2025-02-15", "维持", None, "", "2025-02-12", ""],
         "appeal-date-order", "I"),
        (["FH-9", "宁晋县", FOOD, "", "", "调整", 120, "依据", "", ""], "out-of-range", "G"),
        (["FH-9", "宁晋县", "B02", "", "", "调整", "撤销", "依据", "", ""],
         "appeal-event-missing", "G"),
        (["FH-9", "宁晋县", "B02", "", "", "调整", "取消", "依据", "", ""],
         "appeal-event-action", "G"),
        (["FH-1", "宁晋县", FOOD, "", "", "维持", None, "", "", ""], "appeal-number-twice", "A"),
    ],
)  # fmt: skip
def test_a_faulty_row_fails_with_its_row_and_cell_named(model, year_folder, row, code, column):
    register(year_folder, FH1, row)
    problems = problems_of(model, year_folder)
    assert [(p.code, p.file, p.sheet, p.row, p.column) for p in problems] == [
        (code, "复核登记表.xlsx", "复核登记表", 4, column)  # title, header, FH-1, the row
    ]


def test_two_adjustments_of_one_figure_conflict(model, year_folder):
    second = ["FH-2", "宁晋县", "food_pass_rate", "", "", "调整", 98.4, "另一依据", "", ""]
    problems = problems_of(model, register(year_folder, FH1, second).parent)
    assert [(p.code, p.row, p.unit) for p in problems] == [("appeal-conflict", 4, "宁晋县")]


def test_a_unit_outside_an_indicator_cannot_appeal_it(model, year_folder):
    # 市市场监管局's indicator of this name is dept_food_pass_rate (applies to it alone);
    # 市教育局 has neither indicator nor figure for it.
    row = ["FH-1", "市教育局", FOOD, "", "", "调整", 99, "依据", "", ""]
    problems = problems_of(model, register(year_folder, row).parent)
    assert [(p.code, p.row, p.column) for p in problems] == [("unknown-appeal-target", 3, "C")]


def test_the_command_line_names_the_faulty_row(year_folder):
    register(year_folder, ["FH-1", "宁晋县", FOOD, "", "", "调整", None, "依据", "", ""])
    done = CliRunner().invoke(main, ["validate", "2024", "--inputs", str(year_folder.parent)])
    assert done.exit_code == 2
    # Row 3: the title row, the header, then FH-1; G is 调整后数值.
    assert "复核登记表.xlsx › 复核登记表 › G3单元格" in done.output
    assert "复核结论为“调整”，但缺少调整后数值" in done.output
