"""Inputs as they really arrive: every bad file gives a located Chinese message and exit code.

Each test damages a copy of the sample inputs (or the tiny model's year) with a helper from
`badfiles.py`, runs the command line, and checks the exit code and where the message points:
file › sheet › cell as Excel shows it (unit / indicator).
"""

import datetime as dt
import json
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from decimal import Decimal

import openpyxl
import pytest
from badfiles import (
    COUNTY_BOOK,
    COUNTY_SHEET,
    DEPARTMENT_BOOK,
    EVENTS_BOOK,
    EVENTS_SHEET,
    FOOD,
    STANDARDS,
    add_member,
    book,
    column_of,
    corrupt_member,
    csv_bytes,
    edit,
    header_row,
    old_xls,
    put_formula,
    ref,
    replace_text,
    rewrite_member,
    row_of,
    set_figure,
    sheet_member,
    sheet_rows,
    sheet_to_csv,
    truncate,
    zip_bomb,
)
from click.testing import CliRunner
from conftest import COUNTY_HEADER, COUNTY_ROWS, MINI_MODEL, SAMPLE_INPUTS, mini_year, write_xlsx
from openpyxl import Workbook

from evalgen.cli import main
from evalgen.inputs import filecheck
from evalgen.inputs.year import read_year
from evalgen.model.loader import load_model
from evalgen.problems import InputError

COUNTY_AT = f"{COUNTY_BOOK} › {COUNTY_SHEET} › "
MINI_TEXT = MINI_MODEL.read_text(encoding="utf-8")
ISSUANCE = SAMPLE_INPUTS / "2024" / "发文信息.yaml"


def mini(tmp_path, **kwargs):
    """The tiny model's valid year, with an issuance file (`validate` checks it too)."""
    folder = mini_year(tmp_path, **kwargs)
    shutil.copy(ISSUANCE, folder / "2024" / ISSUANCE.name)
    return folder


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output + result.stderr
    return result


def validate(inputs, *extra):
    return cli("validate", 2024, "--inputs", inputs, *extra)


def refused(inputs, *extra) -> str:
    """Validate and expect exit 2 (data problems); the problem listing."""
    result = validate(inputs, *extra)
    assert result.exit_code == 2, result.output + result.stderr
    return result.stderr


def accepted(inputs, *extra) -> str:
    result = validate(inputs, *extra)
    assert result.exit_code == 0, result.stderr
    return result.output


def records(inputs, *extra, exit_code: int = 2) -> list[dict]:
    """Validate with `--json`: the problems and notices as parsed records."""
    result = validate(inputs, *extra, "--json")
    assert result.exit_code == exit_code, result.output + result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def one(found: list[dict], code: str) -> dict:
    """The only record of kind `code`."""
    matching = [r for r in found if r["code"] == code]
    assert len(matching) == 1, found
    return matching[0]


def where(record: dict) -> tuple:
    return (record["file"], record["sheet"], record["cell"], record["unit"], record["indicator"])


def figures(inputs, model=None):
    return read_year(load_model(model).model, inputs / "2024", 2024).figures


def food_at(ref_: str, unit: str = "宁晋县") -> str:
    return f"{COUNTY_AT}{ref_}单元格（{unit} / {FOOD}）："


# -- sheets and their layout ----------------------------------------------------------------


def test_title_rows_above_the_header(tmp_path):
    rows = [
        ["2024年度考核数据（示例）"],
        ["填报单位：测试（盖章）"],
        [],
        ["说明：每个单位一行"],
        [],
    ]
    folder = mini(tmp_path)
    write_xlsx(
        folder / "2024" / "县区数据_2024.xlsx", {"测试指标": rows + [COUNTY_HEADER] + COUNTY_ROWS}
    )
    accepted(folder, "--model", MINI_MODEL)
    assert figures(folder, MINI_MODEL)["甲县"]["pass_rate"].source.cell == "C7"


def _two_row_header(folder, merged: bool):
    path = folder / "2024" / "县区数据_2024.xlsx"
    top = ["序号", "单位", "抽检合格率（%）", "投入增长（%）", "评审打分", None]
    sub = [None, None, None, None, "组织领导（分）", "宣传培训（分）"]
    write_xlsx(path, {"测试指标": [["2024年度测试数据"], top, sub] + COUNTY_ROWS})

    def merge(wb):
        ws = wb["测试指标"]
        ws.merge_cells("E2:F2")
        if merged:
            for col in "ABCD":
                ws.merge_cells(f"{col}2:{col}3")

    edit(path, merge)


def test_two_row_header_with_merged_cells_is_read_as_one(tmp_path):
    folder = mini(tmp_path)
    _two_row_header(folder, merged=True)
    accepted(folder, "--model", MINI_MODEL)
    got = figures(folder, MINI_MODEL)
    assert got["甲县"]["pass_rate"].source.cell == "C4"
    assert got["戊县"]["e2"].source.cell == "F8"
    assert got["戊县"]["e2"].value == 20


def test_two_row_header_without_merged_cells_is_explained(tmp_path):
    folder = mini(tmp_path)
    _two_row_header(folder, merged=False)
    err = refused(folder, "--model", MINI_MODEL)
    assert "县区数据_2024.xlsx › 测试指标 › B3单元格：缺少单位名称。" in err
    assert "如第3行是表头的一部分，请把表头合并为一行" in err
    assert "县区数据_2024.xlsx › 测试指标 › 第2行（组织领导）：缺少指标列“组织领导”" in err
    found = records(folder, "--model", MINI_MODEL)
    blank = one(found, "blank-unit")
    assert (blank["file"], blank["sheet"], blank["cell"], blank["row"], blank["column"]) == (
        "县区数据_2024.xlsx",
        "测试指标",
        "B3",
        3,
        "B",
    )
    missing = [r for r in found if r["code"] == "missing-column"]
    assert {(r["row"], r["cell"], r["indicator"]) for r in missing} == {
        (2, None, "组织领导"),
        (2, None, "宣传培训"),
    }


def test_unit_header_lost_to_a_merged_heading_is_a_missing_column(tmp_path):
    # C2:C3 merged makes rows 2-3 one header, whose lower row's text wins: B3 甲县 takes the
    # place of 单位. That is a missing 单位 column, said so, where it was an internal error.
    folder = mini(tmp_path)
    path = folder / "2024" / "县区数据_2024.xlsx"
    write_xlsx(path, {"测试指标": [["2024年度测试数据"], COUNTY_HEADER] + COUNTY_ROWS})
    edit(path, lambda wb: wb["测试指标"].merge_cells("C2:C3"))
    err = refused(folder, "--model", MINI_MODEL)
    assert "县区数据_2024.xlsx › 测试指标 › 第2行：缺少列“单位”" in err
    found = records(folder, "--model", MINI_MODEL)
    lost = [r for r in found if r["code"] == "missing-column" and r["indicator"] is None]
    assert [(r["file"], r["sheet"], r["row"], r["cell"]) for r in lost] == [
        ("县区数据_2024.xlsx", "测试指标", 2, None)
    ]


@pytest.mark.slow
def test_hidden_data_row_is_read_with_a_notice(sample_copy):
    def hide(wb):
        ws = wb[COUNTY_SHEET]
        ws.row_dimensions[row_of(ws, "宁晋县")].hidden = True

    edit(book(sample_copy, COUNTY_BOOK), hide)
    row = row_of(openpyxl.load_workbook(book(sample_copy, COUNTY_BOOK))[COUNTY_SHEET], "宁晋县")
    out = accepted(sample_copy)
    assert f"提示：{COUNTY_AT}第{row}行：第{row}行是隐藏的行，已照常读取。" in out
    assert "宁晋县" in figures(sample_copy)
    notice = one(records(sample_copy, exit_code=0), "hidden-row")
    assert (notice["file"], notice["sheet"], notice["row"], notice["cell"]) == (
        COUNTY_BOOK,
        COUNTY_SHEET,
        row,
        None,
    )
    assert notice["severity"] == "warning"


@pytest.mark.slow
def test_hidden_sheet_is_read_with_a_notice(sample_copy):
    edit(
        book(sample_copy, DEPARTMENT_BOOK),
        lambda wb: setattr(wb["重点任务"], "sheet_state", "hidden"),
    )
    out = accepted(sample_copy)
    assert f"提示：{DEPARTMENT_BOOK} › 重点任务：该工作表是隐藏的，已照常读取。" in out
    notice = one(records(sample_copy, exit_code=0), "hidden-sheet")
    assert (notice["file"], notice["sheet"], notice["severity"]) == (
        DEPARTMENT_BOOK,
        "重点任务",
        "warning",
    )


@pytest.mark.parametrize(
    ("new_name", "closest"),
    [("县区指标（2024年）", "县区指标（2024年）"), ("县区指表", "县区指表"), ("Sheet1", None)],
)
@pytest.mark.slow
def test_renamed_sheet_names_the_sheets_there_are(sample_copy, new_name, closest):
    edit(book(sample_copy, COUNTY_BOOK), lambda wb: setattr(wb[COUNTY_SHEET], "title", new_name))
    err = refused(sample_copy)
    if closest:
        assert f"{COUNTY_BOOK} › {closest}：找不到工作表“县区指标”。最接近的是“{closest}”" in err
    else:
        assert "2024：找不到工作表“县区指标”。请把工作表命名为“县区指标”" in err
    assert f"{COUNTY_BOOK}：{new_name}、说明" in err  # the sheets the workbook does have
    missing = one(records(sample_copy), "missing-sheet")
    if closest:
        assert (missing["file"], missing["sheet"]) == (COUNTY_BOOK, closest)
    else:
        assert (missing["file"], missing["sheet"]) == ("2024", None)


@pytest.mark.slow
def test_missing_sheet(sample_copy):
    edit(book(sample_copy, COUNTY_BOOK), lambda wb: wb.remove(wb[COUNTY_SHEET]))
    err = refused(sample_copy)
    assert "找不到工作表“县区指标”" in err and f"{COUNTY_BOOK}：说明；" in err
    assert [r["code"] for r in records(sample_copy)] == ["missing-sheet"]


@pytest.mark.slow
def test_empty_workbook(sample_copy):
    Workbook().save(book(sample_copy, COUNTY_BOOK))
    err = refused(sample_copy)
    assert "找不到工作表“县区指标”" in err and f"{COUNTY_BOOK}：Sheet" in err
    assert [r["code"] for r in records(sample_copy)] == ["missing-sheet"]


@pytest.mark.slow
def test_empty_sheet(sample_copy):
    wb = Workbook()
    wb.active.title = COUNTY_SHEET
    wb.save(book(sample_copy, COUNTY_BOOK))
    assert f"{COUNTY_BOOK} › {COUNTY_SHEET}：工作表是空的。" in refused(sample_copy)
    empty = one(records(sample_copy), "empty-sheet")
    assert (empty["file"], empty["sheet"], empty["cell"]) == (COUNTY_BOOK, COUNTY_SHEET, None)


@pytest.mark.slow
def test_empty_file(sample_copy):
    book(sample_copy, COUNTY_BOOK).write_bytes(b"")
    assert f"{COUNTY_BOOK}：文件是空的（0 字节）。" in refused(sample_copy)
    assert (one(records(sample_copy), "file-empty")["file"]) == COUNTY_BOOK


@pytest.mark.slow
def test_header_written_with_spaces_and_line_breaks(sample_copy):
    def respell(wb):
        ws = wb[COUNTY_SHEET]
        ws.cell(header_row(ws), column_of(ws, FOOD)).value = "食品安全评价性\n抽检合格率\n（%）"
        ws.cell(header_row(ws), column_of(ws, "单位")).value = "单 位"

    edit(book(sample_copy, COUNTY_BOOK), respell)
    accepted(sample_copy)


# -- formulas --------------------------------------------------------------------------------


@pytest.mark.slow
def test_formula_with_cached_value_reads_the_value(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    address = ref(openpyxl.load_workbook(path)[COUNTY_SHEET], "宁晋县", FOOD)
    put_formula(path, COUNTY_SHEET, address, "=98+0.51", cached=98.51)
    accepted(sample_copy)
    assert figures(sample_copy)["宁晋县"]["food_pass_rate"].value == Decimal("98.51")


@pytest.mark.slow
def test_formula_without_result_asks_to_open_and_save(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    address = ref(openpyxl.load_workbook(path)[COUNTY_SHEET], "宁晋县", FOOD)
    put_formula(path, COUNTY_SHEET, address, "=98+0.51")
    err = refused(sample_copy)
    assert food_at(address) + "公式没有计算结果，请在 Excel/WPS 中打开并保存后重试。" in err
    assert "缺少数据" not in err
    found = records(sample_copy)
    assert where(one(found, "formula-without-result")) == (
        COUNTY_BOOK,
        COUNTY_SHEET,
        address,
        "宁晋县",
        FOOD,
    )
    assert "blank-cell" not in [r["code"] for r in found]


@pytest.mark.slow
def test_formula_showing_an_error_value(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    address = ref(openpyxl.load_workbook(path)[COUNTY_SHEET], "宁晋县", FOOD)
    put_formula(path, COUNTY_SHEET, address, "=1/0", cached="#DIV/0!", error=True)
    assert food_at(address) + "单元格显示错误值“#DIV/0!”，不是数字" in refused(sample_copy)
    assert where(one(records(sample_copy), "formula-error")) == (
        COUNTY_BOOK,
        COUNTY_SHEET,
        address,
        "宁晋县",
        FOOD,
    )


@pytest.mark.slow
def test_formula_without_result_in_the_unit_column(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    ws = openpyxl.load_workbook(path)[COUNTY_SHEET]
    address = f"B{row_of(ws, '宁晋县')}"
    put_formula(path, COUNTY_SHEET, address, '="宁晋"&"县"')
    assert f"{COUNTY_AT}{address}单元格：公式没有计算结果" in refused(sample_copy)
    assert one(records(sample_copy), "formula-without-result")["cell"] == address


@pytest.mark.slow
def test_rows_of_formulas_below_the_table_are_blank(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    ws = openpyxl.load_workbook(path)[COUNTY_SHEET]
    below = ws.max_row + 1
    put_formula(path, COUNTY_SHEET, f"A{below}", f'=IF(B{below}="","",ROW()-3)')
    out = accepted(sample_copy)
    assert f"{COUNTY_AT}第{below}行：第{below}行只有没有计算结果的公式，已视为空行" in out
    notice = one(records(sample_copy, exit_code=0), "formula-only-rows")
    assert (notice["sheet"], notice["row"], notice["severity"]) == (COUNTY_SHEET, below, "warning")


# -- values as typed, through the whole loader -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        ("98.5", None, "98.5"),  # a number stored as text
        ("98.5%", None, "98.5"),
        ("９８．５", None, "98.5"),
        ("\u300098.5 ", None, "98.5"),
        ("98\u200b.5", None, "98.5"),
        (0.985, "0.0%", "98.5"),  # a percent-formatted cell is read as shown
        (98.5, '0.0"%"', "98.5"),  # a literal % sign after the number does not scale it
    ],
)
@pytest.mark.slow
def test_numbers_as_people_type_them(sample_copy, value, number_format, expected):
    set_figure(sample_copy, "宁晋县", FOOD, value, number_format)
    accepted(sample_copy)
    assert figures(sample_copy)["宁晋县"]["food_pass_rate"].value == Decimal(expected)


@pytest.mark.slow
def test_thousands_separators_in_a_count(sample_copy):
    set_figure(sample_copy, "宁晋县", "质量帮扶服务企业数", "1,280")
    accepted(sample_copy)
    assert figures(sample_copy)["宁晋县"]["quality_help_firms"].value == 1280


# -- figures as the unit saw them (issue 10) ---------------------------------------------------

HIGH_TECH = "高新技术产业增加值占规上工业增加值比重"


@pytest.mark.slow
def test_a_percent_cell_is_scored_as_displayed(sample_copy):
    from evalgen import evaluate

    # 0.98249 formatted 0.00% shows 98.25%, exactly 南和区's 2024 target (98 → 98.5, linear).
    set_figure(sample_copy, "南和区", FOOD, 0.98249, "0.00%")
    set_figure(sample_copy, "南和区", HIGH_TECH, 0.2395, "0.0%")  # shows 24.0%, the target
    evaluation = evaluate(2024, sample_copy)
    food = evaluation.inputs.figures["南和区"]["food_pass_rate"].value
    high_tech = evaluation.inputs.figures["南和区"]["hitech_share"].value
    assert (str(food), str(high_tech)) == ("98.25", "24.0")
    result = evaluation.result.unit("南和区")
    assert result is not None
    assert [m.indicator.id for m in result.floor_misses] == []  # not summoned (约谈)
    lines = evaluation.lines.unit_lines(result)
    line = next(i for i in lines.indicators if i.indicator.id == "hitech_share")
    assert line.score == line.effective_points  # 24.0 / 24: no point lost


def test_a_formula_score_is_read_as_shown(tmp_path):
    from evalgen import evaluate

    folder = mini(tmp_path)
    path = folder / "2024" / "县区数据_2024.xlsx"
    edit(path, lambda wb: wb["测试指标"].__setitem__("E4", 16))  # 甲县 组织领导
    # 甲县 宣传培训 =0.4+1.295+2.3 shows 3.995; the binary result is 3.9949999999999997.
    put_formula(path, "测试指标", "F4", "=0.4+1.295+2.3", cached=0.4 + 1.295 + 2.3)
    evaluation = evaluate(2024, folder, MINI_MODEL)
    assert str(evaluation.inputs.figures["甲县"]["e2"].value) == "3.995"
    result = evaluation.result.unit("甲县")
    assert result is not None
    # 30 (合格率 95 ≥ 91) + 30 (增长 10 / 10) + 16 + 3.995 = 79.995 → 80.00, grade B
    assert (str(result.total), result.grade) == ("80.00", "B")


@pytest.mark.slow
def test_a_rate_written_as_a_fraction_is_flagged(sample_copy):
    address = set_figure(sample_copy, "宁晋县", FOOD, 0.985)
    found = records(sample_copy, exit_code=0)  # a notice: the run goes on
    notice = one(found, "implausible-percent")
    assert where(notice) == (COUNTY_BOOK, COUNTY_SHEET, address, "宁晋县", FOOD)
    assert notice["severity"] == "warning"
    assert notice["message"] == (
        "填写为0.985%，不到2024年度目标98.25%的十分之一，疑似把98.5%写成了小数0.985"
    )
    assert notice["hint"].startswith("是否应填写98.5？")
    assert f"提示：{COUNTY_AT}{address}单元格（宁晋县 / {FOOD}）：填写为0.985%" in accepted(
        sample_copy
    )


@pytest.mark.parametrize(
    ("row", "value", "flagged"),
    [
        (0, 0.95, True),  # 甲县: target 91 (90 → 92)
        (0, 0.5, True),
        (0, 0, False),  # zero is zero in any notation
        (0, 1, False),
        (0, 9.5, False),  # low, but 950% is no rate: not a fraction slip
    ],
)
def test_which_rates_are_flagged(tmp_path, row, value, flagged):
    folder = mini(tmp_path, county_rows=_county_with(row, 2, value))
    found = records(folder, "--model", MINI_MODEL, exit_code=0)
    assert [r["cell"] for r in found if r["code"] == "implausible-percent"] == (
        [f"C{row + 4}"] if flagged else []
    )


def test_a_rate_without_target_is_compared_with_the_other_units(tmp_path):
    old = "rule: ratio\n            targets: {2023: 10}\n            interpolate: hold"
    assert old in MINI_TEXT
    model = tmp_path / "model.yaml"
    model.write_text(MINI_TEXT.replace(old, "rule: relative"), encoding="utf-8")
    # 投入增长 without a target: 乙县 不适用; the others 0.08, 5, 8, 20 → 甲县 below 6.5 / 10
    folder = mini(tmp_path, county_rows=_county_with(0, 3, 0.08))
    found = records(folder, "--model", model, exit_code=0)
    notice = one(found, "implausible-percent")
    assert (notice["cell"], notice["unit"]) == ("D4", "甲县")
    assert "其他单位填报值的中位数8%" in notice["message"]


@pytest.mark.slow
def test_a_small_growth_rate_is_not_flagged():
    # 2023's 襄都区 writes 0.7 for 全社会研发经费投入增长 (target 15): a growth may be tiny.
    result = cli("validate", 2023, "--inputs", SAMPLE_INPUTS, "--json")
    assert result.exit_code == 0
    assert "implausible-percent" not in result.stdout


def _county_with(row: int, column: int, value):
    rows = [list(r) for r in COUNTY_ROWS]
    rows[row][column] = value
    return rows


@pytest.mark.parametrize(
    ("value", "header", "message", "code"),
    [
        ("—", FOOD, "“—”不是数字，也不是“不适用”", "not-a-number"),
        ("/", FOOD, "“/”不是数字，也不是“不适用”", "not-a-number"),
        ("无", FOOD, "“无”不是数字，也不是“不适用”", "not-a-number"),
        ("NaN", FOOD, "“NaN”不是数字", "not-a-number"),
        ("inf", FOOD, "“inf”不是数字", "not-a-number"),
        ("-Infinity", FOOD, "“-Infinity”不是数字", "not-a-number"),
        (dt.datetime(2024, 5, 1), FOOD, "“2024-05-01”是日期，不是数字", "date-not-number"),
        (True, FOOD, "“TRUE”是逻辑值，不是数字", "not-a-number"),
        ("98,5", FOOD, "“98,5”不是数字", "not-a-number"),
        (100.5, FOOD, "数值100.5%超过上限100%", "out-of-range"),
        ("101%", FOOD, "数值101%超过上限100%", "out-of-range"),
        (-1, STANDARDS, "数值-1项低于允许的下限0项", "out-of-range"),
        ("5%", STANDARDS, "填写了百分数，但该指标的计量单位是“项”", "unexpected-percent"),
        ("3项", STANDARDS, "“3项”不是数字。请只填写数字，不要带单位或文字", "not-a-number"),
    ],
)
@pytest.mark.slow
def test_values_that_are_refused(sample_copy, value, header, message, code):
    address = set_figure(sample_copy, "宁晋县", header, value)
    err = refused(sample_copy)
    assert f"{COUNTY_AT}{address}单元格（宁晋县 / {header}）：{message}" in err
    assert err.splitlines()[0].startswith("2024年度数据有1处问题")  # one problem listed
    assert err.count("单元格（") == 1
    found = records(sample_copy)
    assert [r["code"] for r in found if r["severity"] == "error"] == [code]
    assert where(one(found, code))[:3] == (COUNTY_BOOK, COUNTY_SHEET, address)
    assert one(found, code)["unit"] == "宁晋县" and one(found, code)["indicator"] == header


@pytest.mark.slow
def test_negative_count_of_events(sample_copy):
    def change(wb):
        ws = wb[EVENTS_SHEET]
        ws.cell(header_row(ws) + 1, column_of(ws, "次数")).value = -1

    edit(book(sample_copy, EVENTS_BOOK), change)
    row = header_row(openpyxl.load_workbook(book(sample_copy, EVENTS_BOOK))[EVENTS_SHEET]) + 1
    assert f"{EVENTS_BOOK} › {EVENTS_SHEET} › E{row}单元格（清河县）：次数“-1”应为正整数" in (
        refused(sample_copy)
    )
    assert where(one(records(sample_copy), "bad-count")) == (
        EVENTS_BOOK,
        EVENTS_SHEET,
        f"E{row}",
        "清河县",
        None,
    )


@pytest.mark.slow
def test_merged_data_cells_say_where_the_value_went(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    ws = openpyxl.load_workbook(path)[COUNTY_SHEET]
    top, below = ref(ws, "宁晋县", FOOD), ref(ws, "巨鹿县", FOOD)
    edit(path, lambda wb: wb[COUNTY_SHEET].merge_cells(f"{top}:{below}"))
    err = refused(sample_copy)
    assert f"{COUNTY_AT}{below}单元格（巨鹿县 / {FOOD}）：缺少数据" in err
    assert f"该单元格与{top}合并" in err
    merged = one(records(sample_copy), "merged-cell")
    assert where(merged) == (COUNTY_BOOK, COUNTY_SHEET, below, "巨鹿县", FOOD)
    assert top in merged["hint"]


# -- unit names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "宁晋",  # a registered short form
        "宁晋县 ",
        "\u3000宁晋县\u3000",
        "宁 晋 县",
        "宁\u200b晋县",  # zero-width space
        "\u202e宁晋县\u202c",  # bidirectional override, which could disguise a name
        "宁晋县\n",
    ],
)
@pytest.mark.slow
def test_unit_names_as_people_write_them(sample_copy, written):
    def change(wb):
        ws = wb[COUNTY_SHEET]
        ws.cell(row_of(ws, "宁晋县"), column_of(ws, "单位")).value = written

    edit(book(sample_copy, COUNTY_BOOK), change)
    accepted(sample_copy)
    assert len(figures(sample_copy)) == 20 + 24


@pytest.mark.parametrize(
    ("in_model", "in_data"), [("戊县（新区）", "戊县(新区)"), ("戊县(新区)", "戊县 （新区）")]
)
def test_full_width_and_half_width_brackets(tmp_path, in_model, in_data):
    model = tmp_path / "model.yaml"
    model.write_text(MINI_TEXT.replace("戊县", in_model), encoding="utf-8")
    rows = [list(r) for r in COUNTY_ROWS]
    rows[4][1] = in_data
    folder = mini(tmp_path, county_rows=rows, events=[[in_data, "B1", 2, "测试文件"]])
    accepted(folder, "--model", model)
    assert in_model in figures(folder, model)


@pytest.mark.slow
def test_unit_missing(sample_copy):
    def drop(wb):
        ws = wb[COUNTY_SHEET]
        ws.delete_rows(row_of(ws, "宁晋县"))

    edit(book(sample_copy, COUNTY_BOOK), drop)
    err = refused(sample_copy)
    assert f"{COUNTY_BOOK} › {COUNTY_SHEET}（宁晋县）：缺少单位“宁晋县”的数据行" in err
    missing = one(records(sample_copy), "unit-missing")
    assert where(missing) == (COUNTY_BOOK, COUNTY_SHEET, None, "宁晋县", None)
    assert missing["row"] is None


@pytest.mark.slow
def test_unit_twice(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    ws = openpyxl.load_workbook(path)[COUNTY_SHEET]
    first, again = row_of(ws, "宁晋县"), row_of(ws, "巨鹿县")
    edit(path, lambda wb: wb[COUNTY_SHEET].__setitem__(f"B{again}", "宁晋"))
    err = refused(sample_copy)
    assert f"{COUNTY_AT}B{again}单元格（宁晋县）：单位“宁晋县”重复填报" in err
    assert f"首次见于 {COUNTY_BOOK} {COUNTY_SHEET} 第{first}行" in err
    assert "缺少单位“巨鹿县”的数据行" in err
    found = records(sample_copy)
    assert where(one(found, "unit-twice")) == (
        COUNTY_BOOK,
        COUNTY_SHEET,
        f"B{again}",
        "宁晋县",
        None,
    )
    assert one(found, "unit-missing")["unit"] == "巨鹿县"


@pytest.mark.slow
def test_unknown_unit_in_events_suggests_the_closest(sample_copy):
    def change(wb):
        ws = wb[EVENTS_SHEET]
        ws.cell(header_row(ws) + 1, column_of(ws, "单位")).value = "清和县"

    edit(book(sample_copy, EVENTS_BOOK), change)
    row = header_row(openpyxl.load_workbook(book(sample_copy, EVENTS_BOOK))[EVENTS_SHEET]) + 1
    err = refused(sample_copy)
    assert (
        f"{EVENTS_BOOK} › {EVENTS_SHEET} › B{row}单元格（清和县）：单位“清和县”不在考核对象名单中"
        in err
    )
    assert "是否应为“清河县”" in err
    unknown = one(records(sample_copy), "unknown-unit")
    assert where(unknown) == (EVENTS_BOOK, EVENTS_SHEET, f"B{row}", "清和县", None)
    assert "清河县" in unknown["hint"]


@pytest.mark.slow
def test_department_in_the_county_sheet(sample_copy):
    def change(wb):
        ws = wb[COUNTY_SHEET]
        ws.cell(row_of(ws, "宁晋县"), column_of(ws, "单位")).value = "市科技局"

    edit(book(sample_copy, COUNTY_BOOK), change)
    assert "单位“市科技局”属于市直部门，不应填在本表中" in refused(sample_copy)
    wrong = one(records(sample_copy), "unit-in-other-group")
    assert (wrong["sheet"], wrong["column"], wrong["unit"]) == (COUNTY_SHEET, "B", "市科技局")


# -- columns ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_indicator_column_missing(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    ws = openpyxl.load_workbook(path)[COUNTY_SHEET]
    head = header_row(ws)
    edit(path, lambda wb: wb[COUNTY_SHEET].delete_cols(column_of(wb[COUNTY_SHEET], FOOD)))
    err = refused(sample_copy)
    assert f"{COUNTY_AT}第{head}行（{FOOD}）：缺少指标列“{FOOD}”" in err
    missing = one(records(sample_copy), "missing-column")
    assert where(missing) == (COUNTY_BOOK, COUNTY_SHEET, None, None, FOOD)
    assert missing["row"] == head


@pytest.mark.slow
def test_unknown_extra_column_is_a_notice(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)

    def add(wb):
        ws = wb[COUNTY_SHEET]
        col = ws.max_column + 1
        ws.cell(header_row(ws), col).value = "备用指标（%）"
        ws.cell(row_of(ws, "宁晋县"), col).value = 12

    edit(path, add)
    ws = openpyxl.load_workbook(path)[COUNTY_SHEET]
    out = accepted(sample_copy)
    address = f"{openpyxl.utils.get_column_letter(ws.max_column)}{header_row(ws)}"
    assert f"提示：{COUNTY_AT}{address}单元格：不认识的列“备用指标（%）”，已忽略" in out
    notice = one(records(sample_copy, exit_code=0), "unknown-column")
    assert where(notice) == (COUNTY_BOOK, COUNTY_SHEET, address, None, None)
    assert notice["severity"] == "warning"


@pytest.mark.slow
def test_columns_in_another_order(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    before = figures(sample_copy)["宁晋县"]

    def swap(wb):
        ws = wb[COUNTY_SHEET]
        a, b = column_of(ws, FOOD), column_of(ws, STANDARDS)
        for row in ws.iter_rows(min_row=header_row(ws)):
            row[a - 1].value, row[b - 1].value = row[b - 1].value, row[a - 1].value

    edit(path, swap)
    accepted(sample_copy)
    after = figures(sample_copy)["宁晋县"]
    assert {k: f.value for k, f in after.items()} == {k: f.value for k, f in before.items()}
    assert after["food_pass_rate"].source.cell[0] == before["new_standards"].source.cell[0]


@pytest.mark.slow
def test_indicator_column_twice(sample_copy):
    def add(wb):
        ws = wb[COUNTY_SHEET]
        ws.cell(header_row(ws), ws.max_column + 1).value = FOOD

    edit(book(sample_copy, COUNTY_BOOK), add)
    assert f"指标“{FOOD}”的列重复" in refused(sample_copy)
    ws = openpyxl.load_workbook(book(sample_copy, COUNTY_BOOK))[COUNTY_SHEET]
    twice = one(records(sample_copy), "duplicate-column")
    address = f"{openpyxl.utils.get_column_letter(ws.max_column)}{header_row(ws)}"
    assert where(twice) == (COUNTY_BOOK, COUNTY_SHEET, address, None, None)


# -- files -----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8", "utf-16"])
def test_events_as_csv_in_each_encoding(sample_copy, encoding):
    count = len(read_year(load_model().model, sample_copy / "2024", 2024).events)
    target = sample_copy / "2024" / "加减分事项_2024.csv"
    sheet_to_csv(book(sample_copy, EVENTS_BOOK), EVENTS_SHEET, target, encoding)
    accepted(sample_copy)
    events = read_year(load_model().model, sample_copy / "2024", 2024).events
    assert len(events) == count
    assert events[0].source.file == "加减分事项_2024.csv"


@pytest.mark.slow
def test_csv_in_an_unknown_encoding(sample_copy):
    book(sample_copy, EVENTS_BOOK).unlink()
    (sample_copy / "2024" / "加减分事项_2024.csv").write_bytes(b"\x80\xff\x80\xff,1\n")
    assert "加减分事项_2024.csv：无法识别 CSV 文件的编码。" in refused(sample_copy)
    assert one(records(sample_copy), "csv-encoding")["file"] == "加减分事项_2024.csv"


@pytest.mark.slow
def test_csv_renamed_to_xlsx(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    path.write_bytes(csv_bytes(sheet_rows(path, COUNTY_SHEET), "utf-8-sig"))
    err = refused(sample_copy)
    assert (
        f"{COUNTY_BOOK}：无法打开：该文件不是 Excel 工作簿（.xlsx），看起来是文本（CSV）文件" in err
    )
    assert "请把扩展名改为 .csv" in err
    assert one(records(sample_copy), "wrong-file-type")["file"] == COUNTY_BOOK


@pytest.mark.slow
def test_xlsx_renamed_to_csv(sample_copy):
    path = book(sample_copy, EVENTS_BOOK)
    path.rename(path.with_suffix(".csv"))
    err = refused(sample_copy)
    assert "加减分事项_2024.csv：该文件实际是 Excel 工作簿（.xlsx），扩展名却是 .csv" in err
    assert one(records(sample_copy), "wrong-file-type")["file"] == "加减分事项_2024.csv"


@pytest.mark.slow
def test_old_xls_saved_as_xlsx(sample_copy):
    old_xls(book(sample_copy, COUNTY_BOOK))
    err = refused(sample_copy)
    assert f"{COUNTY_BOOK}：无法打开：该文件实际是旧版 Excel（.xls）格式，或设置了打开密码" in err
    assert one(records(sample_copy), "wrong-file-type")["file"] == COUNTY_BOOK


@pytest.mark.slow
def test_a_stray_xls_file_is_a_notice(sample_copy):
    old_xls(sample_copy / "2024" / "县区考核数据_旧.xls")
    assert "提示：县区考核数据_旧.xls：不支持 .xls 格式，该文件未读取" in accepted(sample_copy)
    notice = one(records(sample_copy, exit_code=0), "unsupported-file")
    assert (notice["file"], notice["severity"]) == ("县区考核数据_旧.xls", "warning")


@pytest.mark.slow
def test_macos_resource_fork_files_are_ignored(sample_copy):
    (sample_copy / "2024" / f"._{COUNTY_BOOK}").write_bytes(b"\x00\x05\x16\x07" + bytes(100))
    accepted(sample_copy)


@pytest.mark.slow
def test_word_document_renamed_to_xlsx(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    path.unlink()
    add_member(path, "word/document.xml", b"<w:document/>")
    assert f"{COUNTY_BOOK}：无法打开：该文件是Word 文档，不是 Excel 工作簿" in refused(sample_copy)
    assert one(records(sample_copy), "wrong-file-type")["file"] == COUNTY_BOOK


@pytest.mark.slow
def test_truncated_xlsx(sample_copy):
    truncate(book(sample_copy, COUNTY_BOOK))
    assert f"{COUNTY_BOOK}：无法打开：文件已损坏或不完整。" in refused(sample_copy)
    assert one(records(sample_copy), "file-corrupt")["file"] == COUNTY_BOOK


@pytest.mark.slow
def test_corrupted_xlsx(sample_copy):
    path = book(sample_copy, COUNTY_BOOK)
    corrupt_member(path, sheet_member(path, COUNTY_SHEET))
    assert f"{COUNTY_BOOK}：无法打开：文件已损坏" in refused(sample_copy)
    assert one(records(sample_copy), "file-corrupt")["file"] == COUNTY_BOOK


@pytest.fixture
def opened(monkeypatch):
    """The files openpyxl was asked to open (so a refusal can be shown to come first)."""
    paths = []
    real = openpyxl.load_workbook

    def spy(filename, *args, **kwargs):
        paths.append(getattr(filename, "name", str(filename)))
        return real(filename, *args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    return paths


@pytest.mark.slow
def test_zip_bomb_is_refused_before_it_is_unpacked(sample_copy, opened):
    zip_bomb(book(sample_copy, COUNTY_BOOK), megabytes=20)
    err = refused(sample_copy)
    assert f"{COUNTY_BOOK}：该文件中的部件 xl/media/image1.bin 由" in err
    assert "压缩比异常，可能是恶意构造的“压缩炸弹”，已拒绝读取" in err
    assert not any(p.endswith(COUNTY_BOOK) for p in opened)
    assert one(records(sample_copy), "zip-bomb")["file"] == COUNTY_BOOK


@pytest.mark.slow
def test_unpacked_size_limit(sample_copy, monkeypatch, opened):
    monkeypatch.setattr(filecheck, "MAX_UNCOMPRESSED_BYTES", 40_000)
    add_member(book(sample_copy, COUNTY_BOOK), "xl/media/image1.png", bytes(range(256)) * 200)
    err = refused(sample_copy)
    assert f"{COUNTY_BOOK}：该文件解压后达" in err and "（上限39.1 KB）" in err
    assert not any(p.endswith(COUNTY_BOOK) for p in opened)
    assert COUNTY_BOOK in [r["file"] for r in records(sample_copy) if r["code"] == "zip-bomb"]


@pytest.mark.slow
def test_whole_column_merge_is_refused(sample_copy, opened):
    path = book(sample_copy, COUNTY_BOOK)

    def merge_columns(xml: bytes) -> bytes:
        return xml.replace(
            b'<mergeCells count="2">', b'<mergeCells count="3"><mergeCell ref="W1:X1048576"/>'
        )

    rewrite_member(path, sheet_member(path, COUNTY_SHEET), merge_columns)
    err = refused(sample_copy)
    assert f"{COUNTY_BOOK}：工作表中的合并单元格共约209万个单元格" in err
    assert not any(p.endswith(COUNTY_BOOK) for p in opened)
    assert one(records(sample_copy), "merged-range-too-large")["file"] == COUNTY_BOOK


@pytest.mark.slow
def test_xml_entity_expansion_is_refused(sample_copy):
    """A "billion laughs" sheet: nested entities that would expand to gigabytes."""
    path = book(sample_copy, COUNTY_BOOK)
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )

    def laugh(xml: bytes) -> bytes:
        xml = xml.replace(b"<sheetData>", b'<sheetData><row r="99"><c r="A99" t="inlineStr">'
                          b"<is><t>&a9;</t></is></c></row>", 1)  # fmt: skip
        declaration, rest = xml.split(b"?>", 1) if xml.startswith(b"<?xml") else (b"", xml)
        doctype = f"<!DOCTYPE worksheet [{entities}]>".encode()
        return (declaration + b"?>" if declaration else b"") + doctype + rest

    rewrite_member(path, sheet_member(path, COUNTY_SHEET), laugh)
    assert f"{COUNTY_BOOK}：无法打开：文件已损坏，或含有不安全的内容" in refused(sample_copy)
    assert one(records(sample_copy), "file-corrupt")["file"] == COUNTY_BOOK


@pytest.mark.slow
def test_stray_cell_far_below_the_table(sample_copy):
    edit(book(sample_copy, COUNTY_BOOK), lambda wb: wb[COUNTY_SHEET].__setitem__("A1048576", "x"))
    err = refused(sample_copy)
    assert f"{COUNTY_AT}" not in err  # located to the sheet, not to a cell
    assert f"{COUNTY_BOOK} › {COUNTY_SHEET}：工作表的已用区域为 A1:V1048576，过大" in err
    too_large = one(records(sample_copy), "sheet-too-large")
    assert where(too_large) == (COUNTY_BOOK, COUNTY_SHEET, None, None, None)


@pytest.mark.slow
def test_oversized_file_is_refused_early_with_its_size(sample_copy, monkeypatch, opened):
    path = book(sample_copy, COUNTY_BOOK)
    monkeypatch.setattr(filecheck, "MAX_INPUT_BYTES", path.stat().st_size - 1)
    size = path.stat().st_size / 1024
    err = refused(sample_copy)
    limit = (path.stat().st_size - 1) / 1024
    assert f"{COUNTY_BOOK}：文件大小为{size:.1f} KB，超过上限{limit:.1f} KB，未读取" in err
    assert not any(p.endswith(COUNTY_BOOK) for p in opened)
    found = records(sample_copy)
    assert COUNTY_BOOK in [r["file"] for r in found if r["code"] == "file-too-large"]


def test_default_size_limit_is_50_mb():
    assert filecheck.MAX_INPUT_BYTES == 50 * 1024 * 1024


# -- model files (exit code 3) ----------------------------------------------------------------


def _model_problem(tmp_path, text: str, command: str = "validate") -> str:
    model = tmp_path / "bad.yaml"
    model.write_text(text, encoding="utf-8")
    folder = mini(tmp_path)
    args = ["--inputs", folder, "--model", model]
    if command == "score":
        args += ["--out", tmp_path / "out", "--no-docs"]
    result = cli(command, 2024, *args)
    assert result.exit_code == 3, result.output + result.stderr
    assert not (tmp_path / "out").exists()
    return result.stderr


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_model_yaml_syntax_error_gives_line_and_column(tmp_path):
    text = MINI_TEXT.replace("bonus_cap: 5", "bonus_cap: [5")
    err = _model_problem(tmp_path, text)
    assert "bad.yaml 的 YAML 格式有误" in err
    assert "第" in err and "行第" in err and "列" in err


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("points: 30\n            rule: ratio", "points: 25\n            rule: ratio",
         "groups.g.categories[0].points", "合计55分，与类别分值60分不符"),
        ("rule: ratio\n", "rule: ratioo\n", "groups.g.categories[0].indicators[1].rule", "ratioo"),
        ("id: e2", "id: e1", "groups.g.categories[1].indicators[1]", "指标标识“e1”重复"),
        ("units: [乙局]}", "units: [丙局]}", "groups.d.tasks[1].units[0]",
         "责任单位“丙局”不在本组考核对象名单中"),
    ],
)  # fmt: skip
def test_model_meaning_problems_through_the_cli(tmp_path, old, new, path, message):
    text = MINI_TEXT.replace(old, new)
    assert text != MINI_TEXT
    err = _model_problem(tmp_path, text)
    assert f"bad.yaml › {path} › 第" in err and message in err


def test_model_without_a_target_for_the_assessed_year(tmp_path):
    text = MINI_TEXT.replace("targets: {2023: 90, 2025: 92}", "targets: {2025: 92}")
    err = _model_problem(tmp_path, text, command="score")
    assert "指标“抽检合格率”没有2024年度的目标值" in err
    assert "groups.g.categories[0].indicators[0].targets" in err
    missing = one(
        records(tmp_path, "--model", tmp_path / "bad.yaml", exit_code=3), "no-target-for-year"
    )
    assert missing["path"] == "groups.g.categories[0].indicators[0].targets"


# -- hostile text --------------------------------------------------------------------------


def _invisible(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) in ("Cc", "Cf")]


@pytest.mark.slow
def test_control_and_zero_width_characters_are_removed(sample_copy):
    basis = "冀市监〔2024〕\u200b8号\u202e（示例）\t通报\x1b\x07\x7f"
    target = sample_copy / "2024" / "加减分事项_2024.csv"
    rows = sheet_rows(book(sample_copy, EVENTS_BOOK), EVENTS_SHEET)
    head = next(i for i, r in enumerate(rows) if "单位" in r)
    rows[head + 1][rows[head].index("依据")] = basis
    rows[head + 1][rows[head].index("单位")] = "\x07清河\u200d县\x1f"
    target.write_bytes(csv_bytes(rows, "utf-8"))
    book(sample_copy, EVENTS_BOOK).unlink()
    accepted(sample_copy)
    event = read_year(load_model().model, sample_copy / "2024", 2024).events[0]
    assert event.unit == "清河县"
    assert event.basis == "冀市监〔2024〕8号（示例） 通报"
    assert not _invisible(event.basis)


@pytest.mark.slow
def test_control_characters_never_reach_the_terminal(sample_copy):
    def change(wb):
        ws = wb[COUNTY_SHEET]
        ws.cell(row_of(ws, "宁晋县"), column_of(ws, "单位")).value = "宁\u202e金县"
        ws[ref(ws, "巨鹿县", FOOD)] = "98\u2066.5x"

    edit(book(sample_copy, COUNTY_BOOK), change)
    err = refused(sample_copy)
    assert "单位“宁金县”不在考核对象名单中" in err and "“98.5x”不是数字" in err
    assert not _invisible(err.replace("\n", ""))
    found = records(sample_copy)
    assert one(found, "unknown-unit")["unit"] == "宁金县"
    assert one(found, "not-a-number")["unit"] == "巨鹿县"
    assert not _invisible(json.dumps(found, ensure_ascii=False))


@pytest.mark.slow
def test_very_long_text_does_not_crash(sample_copy, tmp_path):
    long_basis = "依据" * 2500  # 5,000 characters

    def change(wb):
        ws = wb[EVENTS_SHEET]
        ws.cell(header_row(ws) + 1, column_of(ws, "依据")).value = long_basis

    edit(book(sample_copy, EVENTS_BOOK), change)
    accepted(sample_copy)
    assert read_year(load_model().model, sample_copy / "2024", 2024).events[0].basis == long_basis
    result = cli("score", 2024, "--inputs", sample_copy, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr


@pytest.mark.slow
def test_very_long_unit_name_is_shortened_in_the_message(sample_copy):
    def change(wb):
        ws = wb[COUNTY_SHEET]
        ws.cell(row_of(ws, "宁晋县"), column_of(ws, "单位")).value = "宁晋" * 2500

    edit(book(sample_copy, COUNTY_BOOK), change)
    err = refused(sample_copy)
    line = next(x for x in err.splitlines() if "不在考核对象名单中" in x)
    assert len(line) < 300 and "…" in line and "是否应为“宁晋县”" in line
    unknown = one(records(sample_copy), "unknown-unit")
    assert unknown["unit"].endswith("…") and len(unknown["unit"]) == 40


# -- YAML bombs, impossible dates, located model problems (issue 10) --------------------------

# "Billion laughs": nine lines that expand to 9⁹ strings if aliases are followed.
BILLION_LAUGHS = (
    "\n".join(
        [f"a: &a [{','.join(['lol'] * 9)}]"]
        + [
            f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]"
            for a, b in zip("abcdefgh", "bcdefghi", strict=True)
        ]
    )
    + "\n"
)


def _bounded_cli(*args, seconds: float = 30):
    """The command line in a process limited to 2 GB of address space: exit code, stderr, time."""

    def limit():
        two_gb = 2 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (two_gb, two_gb))

    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "evalgen", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=seconds,
            preexec_fn=limit,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"no answer within {seconds} s")
    return done.returncode, done.stderr, time.perf_counter() - started


@pytest.mark.slow
def test_an_alias_bomb_in_the_model_file_is_refused_at_once(tmp_path):
    assert len(BILLION_LAUGHS.splitlines()) == 9
    model = tmp_path / "bomb.yaml"
    model.write_text(BILLION_LAUGHS, encoding="utf-8")
    folder = mini(tmp_path)
    code, err, seconds = _bounded_cli("validate", 2024, "--inputs", folder, "--model", model)
    assert code == 3, err
    assert "bomb.yaml › 第1行：不支持锚点“&”和别名“*”，请把内容直接写出（第1行第4列）" in err
    assert seconds < 5  # the interpreter's start included; the refusal itself is immediate


@pytest.mark.slow
def test_an_alias_bomb_in_the_issuance_file_is_refused_at_once(tmp_path):
    folder = mini(tmp_path)
    (folder / "2024" / ISSUANCE.name).write_text(BILLION_LAUGHS, encoding="utf-8")
    code, err, seconds = _bounded_cli("validate", 2024, "--inputs", folder, "--model", MINI_MODEL)
    assert code == 2, err
    assert "发文信息.yaml › 第1行：不支持锚点“&”和别名“*”" in err
    assert seconds < 5


def test_an_impossible_date_in_the_issuance_file_is_refused(tmp_path):
    folder = mini(tmp_path)
    issuance = folder / "2024" / ISSUANCE.name
    text = issuance.read_text(encoding="utf-8").replace("2025年2月20日", "2025年2月30日")
    issuance.write_text(text, encoding="utf-8")
    err = refused(folder, "--model", MINI_MODEL)
    at = _line(text, "成文日期:")
    assert f"发文信息.yaml › 第{at}行：“成文日期”中的日期“2025年2月30日”不存在" in err
    found = one(records(folder, "--model", MINI_MODEL), "impossible-date")
    assert (found["file"], found["line"]) == ("发文信息.yaml", at)


@pytest.mark.parametrize("command", ["validate", "score"])
def test_a_missing_target_names_the_model_file_and_line(tmp_path, command):
    text = MINI_TEXT.replace("targets: {2023: 90, 2025: 92}", "targets: {2025: 92}")
    err = _model_problem(tmp_path, text, command=command)
    path = "groups.g.categories[0].indicators[0].targets"
    at = _line(text, "targets: {2025: 92}")
    assert f"bad.yaml › {path} › 第{at}行：指标“抽检合格率”没有2024年度的目标值" in err
    found = one(
        records(tmp_path, "--model", tmp_path / "bad.yaml", exit_code=3), "no-target-for-year"
    )
    assert (found["file"], found["path"], found["line"]) == ("bad.yaml", path, at)


@pytest.mark.parametrize(
    "text",
    [
        "name: x\ngroups: [\n",
        "name: x: y\n",
        "name: x\n\tyears: [2024]\n",
        "name: 'x\n",
        "name: *x\n",
        "name: x\n years: [2024]\n",
        'name: "\\q"\n',
        "name: !!python/name:os.system x\n",
        "name: x\n---\nyears: [2024]\n",
        "name: x\x00\n",
        "name: x\n%TAG ! tag:x,2000:\n",
        "name: " + "[" * 3000 + "]" * 3000 + "\n",
    ],
)
def test_no_english_sentence_reaches_the_user_for_broken_yaml(tmp_path, text):
    model_err = _model_problem(tmp_path, text)
    folder = mini(tmp_path / "issuance")
    (folder / "2024" / ISSUANCE.name).write_text(text.replace("name", "发文机关"), encoding="utf-8")
    issuance_err = refused(folder, "--model", MINI_MODEL)
    for err in (model_err, issuance_err):
        assert "YAML 格式有误" in err or "的格式有误" in err
        assert not re.search(r"[A-Za-z]{2,}[ ,.'’]+[A-Za-z]{2,}", err.replace("bad.yaml", "")), err


# -- the workbook's own year (title rows, 说明 sheet) ------------------------------------------


@pytest.mark.slow
def test_last_years_workbook_saved_as_this_years(sample_copy):
    # The 2023 county workbook, renamed as 2024's: its title (县区指标 A1), the 说明 title (A1)
    # and "考核年度：2023年。" (说明 A2) all say 2023; the events title is edited to say 2023.
    shutil.copy(SAMPLE_INPUTS / "2023" / "县区考核数据_2023.xlsx", book(sample_copy, COUNTY_BOOK))
    replace_text(book(sample_copy, EVENTS_BOOK), EVENTS_SHEET, "2024年度", "2023年度")
    err = refused(sample_copy)
    assert "写明是2023年度，与考核年度2024不符" in err and "请换用2024年度的文件" in err
    wrong = [r for r in records(sample_copy) if r["code"] == "wrong-year-in-title"]
    assert sorted((r["file"], r["sheet"], r["cell"]) for r in wrong) == [
        (EVENTS_BOOK, EVENTS_SHEET, "A1"),
        (COUNTY_BOOK, COUNTY_SHEET, "A1"),
        (COUNTY_BOOK, "说明", "A1"),
        (COUNTY_BOOK, "说明", "A2"),
    ]
    assert {r["severity"] for r in wrong} == {"error"}
    assert "考核年度：2023年" in next(r["message"] for r in wrong if r["cell"] == "A2")


@pytest.mark.slow
def test_sample_workbooks_state_their_own_year():
    model = load_model().model
    for year in (2023, 2024):
        read_year(model, SAMPLE_INPUTS / str(year), year)  # no wrong-year-in-title


def _year_problems(folder, year=2024):
    with pytest.raises(InputError) as err:
        read_year(load_model(MINI_MODEL).model, folder / str(year), year)
    return [p for p in err.value.problems if p.code == "wrong-year-in-title"]


@pytest.mark.parametrize("title", ["2023年度 测试数据（示例）", "2023年质量工作考核数据"])
def test_title_row_naming_last_year_is_located(tmp_path, title):
    folder = mini_year(tmp_path)
    rows = [["填报单位：测试", None, title], ["说明：每个单位一行"]]
    write_xlsx(
        folder / "2024" / "县区数据_2024.xlsx", {"测试指标": rows + [COUNTY_HEADER] + COUNTY_ROWS}
    )
    (wrong,) = _year_problems(folder)
    assert (wrong.file, wrong.sheet, wrong.row, wrong.column) == (
        "县区数据_2024.xlsx",
        "测试指标",
        1,
        "C",
    )
    assert f"“{title}”写明是2023年度，与考核年度2024不符" in wrong.message


def test_cover_sheet_naming_last_year_is_located(tmp_path):
    folder = mini_year(tmp_path)
    cover = [["2024年度测试数据填报说明"], ["考核年度：２０２３年。"], ["一、每个单位一行。"]]
    county = [["2024年度测试数据"], COUNTY_HEADER] + COUNTY_ROWS
    write_xlsx(folder / "2024" / "县区数据_2024.xlsx", {"测试指标": county, "填报说明": cover})
    (wrong,) = _year_problems(folder)
    assert (wrong.file, wrong.sheet, wrong.row, wrong.column) == (
        "县区数据_2024.xlsx",
        "填报说明",
        2,
        "A",
    )
    assert "2023" in wrong.message and "考核年度2024" in wrong.message


def test_csv_title_row_naming_last_year_is_located(tmp_path):
    folder = mini_year(tmp_path)
    (folder / "2024" / "加减分_2024.xlsx").unlink()
    rows = [
        ["2023年度加减分事项"],
        ["单位", "事项编号", "次数", "依据"],
        ["戊县", "B1", 2, "测试文件"],
    ]
    (folder / "2024" / "加减分事项_2024.csv").write_bytes(csv_bytes(rows, "utf-8"))
    (wrong,) = _year_problems(folder)
    assert (wrong.file, wrong.sheet, wrong.row, wrong.column) == ("加减分事项_2024.csv", "", 1, "A")


def test_other_years_in_titles_and_notes_are_not_the_assessment_year(tmp_path):
    folder = mini_year(tmp_path)
    titles = [
        ["邢台市质量强市2023—2027年行动计划 2024年度考核数据", "2025年1月填报"],
        ["依据《2021年度质量工作考核办法》填报，考核年度见说明"],
    ]
    cover = [
        ["质量强市2023-2027年度行动计划考核说明"],
        ["考核年度：2024年。"],
        ["一、参照《2021年度质量工作考核办法》（2021年3月印发）执行。"],
        ["二、2023年度考核结果见附件。"],
    ]
    county = titles + [COUNTY_HEADER] + COUNTY_ROWS
    write_xlsx(folder / "2024" / "县区数据_2024.xlsx", {"测试指标": county, "说明": cover})
    events = [
        ["2024年度考核加减分事项（与2023年度对比）"],
        ["单位", "事项编号", "次数", "依据"],
        ["戊县", "B1", 2, "2023年度通报"],
    ]
    write_xlsx(folder / "2024" / "加减分_2024.xlsx", {"加减分事项": events})
    inputs = read_year(load_model(MINI_MODEL).model, folder / "2024", 2024)
    assert inputs.events[0].basis == "2023年度通报"
