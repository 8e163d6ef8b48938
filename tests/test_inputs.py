"""Reading and validation: every problem located to file, sheet, row and column."""

import math
from decimal import Decimal

import pytest
from conftest import COUNTY_HEADER, COUNTY_ROWS, MINI_MODEL, mini_year, write_xlsx

from evalgen.inputs.year import Figure, Source, read_year
from evalgen.model.loader import load_model
from evalgen.problems import InputError


@pytest.fixture(scope="module")
def model():
    return load_model(MINI_MODEL).model


def rows_with(index: int, column: int, value):
    rows = [list(r) for r in COUNTY_ROWS]
    rows[index][column] = value
    return rows


def problems_of(model, folder, year=2024):
    return error_of(model, folder, year).problems


def error_of(model, folder, year=2024) -> InputError:
    with pytest.raises(InputError) as err:
        read_year(model, folder / str(year), year)
    return err.value


def test_valid_year_reads_figures_with_sources(model, tmp_path):
    inputs = read_year(model, mini_year(tmp_path) / "2024", 2024)
    first = inputs.figures["甲县"]["pass_rate"]
    assert first.value == Decimal(95)
    # two title rows, header on row 3, 甲县 on row 4, 抽检合格率 in column C
    assert (first.source.file, first.source.sheet, first.source.cell) == (
        "县区数据_2024.xlsx",
        "测试指标",
        "C4",
    )
    assert inputs.figures["乙县"]["growth"].value is None  # 不适用
    assert "owned" not in inputs.figures["乙局"]  # outside applies_to: ignored
    assert inputs.tasks["乙局"]["T02"][0] == Decimal(50)
    assert [(e.unit, e.item_id, e.count) for e in inputs.events] == [("戊县", "B1", 2)]


def test_figures_carry_their_value_as_float_for_the_ranking_pass(model, tmp_path):
    inputs = read_year(model, mini_year(tmp_path) / "2024", 2024)
    assert inputs.figures["甲县"]["pass_rate"].number == 95.0
    assert math.isnan(inputs.figures["乙县"]["growth"].number)  # 不适用
    source = Source("a.xlsx", "测试指标", "C4")
    assert Figure(Decimal("98.35"), source).number == 98.35  # the nearest binary value
    # the float is derived, not part of what a figure is
    assert Figure(Decimal("98.5"), source) == Figure(Decimal("98.50"), source)


def test_values_as_people_type_them(model, tmp_path):
    rows = rows_with(0, 2, "９５．５")
    rows[1][2] = " 96.5% "
    rows[2][3] = "1,200"
    inputs = read_year(model, mini_year(tmp_path, county_rows=rows) / "2024", 2024)
    assert inputs.figures["甲县"]["pass_rate"].value == Decimal("95.5")
    assert inputs.figures["乙县"]["pass_rate"].value == Decimal("96.5")
    assert inputs.figures["丙县"]["growth"].value == Decimal(1200)


def test_percent_formatted_cell_is_read_as_shown(model, tmp_path):
    from openpyxl import load_workbook

    folder = mini_year(tmp_path)
    path = folder / "2024" / "县区数据_2024.xlsx"
    wb = load_workbook(path)
    cell = wb["测试指标"]["C4"]
    cell.value, cell.number_format = 0.985, "0.0%"
    wb.save(path)
    inputs = read_year(model, folder / "2024", 2024)
    assert inputs.figures["甲县"]["pass_rate"].value == Decimal("98.5")


# Issue 10: 按显示值读取. Rows 4-8 are 甲县…戊县; C 抽检合格率 (%), D 投入增长 (%),
# E 组织领导 (分), F 宣传培训 (分).
def _formatted(folder, cells: dict[str, tuple[object, str]], sheet="测试指标", book="县区数据"):
    from openpyxl import load_workbook

    path = folder / "2024" / f"{book}_2024.xlsx"
    wb = load_workbook(path)
    for address, (value, number_format) in cells.items():
        wb[sheet][address].value = value
        wb[sheet][address].number_format = number_format
    wb.save(path)
    return folder


def test_cells_are_read_as_the_unit_saw_them(model, tmp_path):
    folder = _formatted(
        mini_year(tmp_path),
        {
            "C4": (0.98249, "0.00%"),  # shows 98.25%
            "C5": (0.2395, "0.0%"),  # shows 24.0%
            "C6": (0.915, "0%"),  # shows 92%
            "E4": (3.9949999999999997, "General"),  # =0.4+1.295+2.3 as stored; shows 3.995
            "F4": (12.345, "0.0"),  # shows 12.3
            "E5": (12.35, "#,##0.0_);(#,##0.0)"),  # shows 12.4 (12.35 half up)
            "F5": (0.1549, "0%"),  # a % format on a 分 column: shows 15%, read as 0.15
            "D6": (5.25, '0.0"%"'),  # a literal % sign: shows 5.3%
            "D7": (8.123, "0.00E+00"),  # scientific: the decimals are not fixed
        },
    )
    figures = read_year(model, folder / "2024", 2024).figures
    read = {
        (unit, ind): str(figures[unit][ind].value)
        for unit, ind in [
            ("甲县", "pass_rate"),
            ("乙县", "pass_rate"),
            ("丙县", "pass_rate"),
            ("甲县", "e1"),
            ("甲县", "e2"),
            ("乙县", "e1"),
            ("乙县", "e2"),
            ("丙县", "growth"),
            ("丁县", "growth"),
        ]
    }
    assert read == {
        ("甲县", "pass_rate"): "98.25",
        ("乙县", "pass_rate"): "24.0",
        ("丙县", "pass_rate"): "92",
        ("甲县", "e1"): "3.995",
        ("甲县", "e2"): "12.3",
        ("乙县", "e1"): "12.4",
        ("乙县", "e2"): "0.15",
        ("丙县", "growth"): "5.3",
        ("丁县", "growth"): "8.123",
    }


def test_task_score_is_read_as_shown(model, tmp_path):
    folder = _formatted(mini_year(tmp_path), {"D2": (89.95, "0")}, "重点任务", "部门数据")
    assert read_year(model, folder / "2024", 2024).tasks["甲局"]["T01"][0] == Decimal(90)


@pytest.mark.parametrize(
    ("number_format", "value", "expected"),
    [
        ("General", 0.5, None),
        ("0.00%", 0.5, 2),
        ("0%", 0.5, 0),
        ("0.0%", 0.5, 1),
        ("0.00", 0.5, 2),
        ("#,##0.0", 0.5, 1),
        ("0", 0.5, 0),
        ("0.##", 0.5, 2),  # shows at most two decimals
        ("#,##0.00_);(#,##0.00)", 0.5, 2),
        ("0.00;[Red]-0.0", -0.5, 1),  # a negative number is shown by the second section
        ("[Red]0.000", 0.5, 3),
        ('"约"0.0"%"', 0.5, 1),
        ("[$-804]#,##0.00", 0.5, 2),
        ('_-* #,##0.00_-;\\-* #,##0.00_-;_-* "-"??_-;_-@_-', 0.5, 2),  # accounting
        ("@", 0.5, None),  # text format: a number in it is shown as in General
        ("0.00E+00", 0.5, None),
        ("# ?/?", 0.5, None),
        ("yyyy-mm-dd", 0.5, None),
        ("[h]:mm", 0.5, None),
        ("#,##0,", 0.5, None),  # thousands: shows the value / 1000
        ("[>=100]0;0.00", 0.5, None),  # the section depends on the value
        ("0.00%", "98.5", None),  # text is shown as typed
        ("0.00", True, None),
    ],
)
def test_decimals_a_number_format_shows(number_format, value, expected):
    from evalgen.inputs.sheets import shown_decimals

    assert shown_decimals(number_format, value) == expected


def test_unknown_unit_suggests_the_closest_name(model, tmp_path):
    problems = problems_of(model, mini_year(tmp_path, county_rows=rows_with(2, 1, "丙")))
    unknown = next(p for p in problems if "不在考核对象名单中" in p.message)
    assert (unknown.file, unknown.sheet, unknown.row, unknown.column) == (
        "县区数据_2024.xlsx",
        "测试指标",
        6,
        "B",
    )
    assert "丙县" in unknown.hint
    assert (unknown.code, unknown.unit) == ("unknown-unit", "丙")
    # and the unit it should have been is then missing
    assert any(p.message == "缺少单位“丙县”的数据行" for p in problems)
    missing = next(p for p in problems if p.code == "unit-missing")
    assert (missing.unit, missing.sheet, missing.row) == ("丙县", "测试指标", None)


def test_alias_and_full_width_spaces_resolve(model, tmp_path):
    rows = rows_with(0, 1, "甲")
    rows[1][1] = "\u3000乙县 "
    inputs = read_year(model, mini_year(tmp_path, county_rows=rows) / "2024", 2024)
    assert {"甲县", "乙县"} <= set(inputs.figures)


def test_duplicate_row(model, tmp_path):
    rows = [list(r) for r in COUNTY_ROWS] + [[6, "丁县", 95, 8, 13, 13]]
    problems = problems_of(model, mini_year(tmp_path, county_rows=rows))
    assert len(problems) == 1
    assert problems[0].row == 9 and problems[0].column == "B"
    assert "重复填报" in problems[0].message and "第7行" in problems[0].message
    assert (problems[0].code, problems[0].unit) == ("unit-twice", "丁县")


def test_blank_is_missing_not_not_applicable(model, tmp_path):
    problems = problems_of(model, mini_year(tmp_path, county_rows=rows_with(3, 3, None)))
    assert len(problems) == 1
    p = problems[0]
    assert (p.row, p.column, p.unit, p.indicator) == (7, "D", "丁县", "投入增长")
    assert "空白不等于“不适用”" in p.message
    assert p.code == "blank-cell"


def test_non_numeric_cell(model, tmp_path):
    problems = problems_of(model, mini_year(tmp_path, county_rows=rows_with(0, 2, "九十五")))
    assert [(p.row, p.column) for p in problems] == [(4, "C")]
    assert [(p.code, p.unit, p.indicator) for p in problems] == [
        ("not-a-number", "甲县", "抽检合格率")
    ]
    assert "九十五" in problems[0].message
    assert (
        problems[0]
        .render()
        .startswith("县区数据_2024.xlsx › 测试指标 › C4单元格（甲县 / 抽检合格率）")
    )


def test_out_of_range_values(model, tmp_path):
    rows = rows_with(0, 2, 100.5)  # a pass rate above 100
    rows[1][4] = 21  # evaluated score above its 20 points
    rows[2][4] = -1
    problems = problems_of(model, mini_year(tmp_path, county_rows=rows))
    where = {(p.row, p.column): p.message for p in problems}
    assert "超过上限100%" in where[4, "C"]
    assert "超过该项分值20分" in where[5, "E"]
    assert "低于允许的下限0" in where[6, "E"]
    codes = {(p.row, p.column): (p.code, p.indicator) for p in problems}
    assert codes == {
        (4, "C"): ("out-of-range", "抽检合格率"),
        (5, "E"): ("out-of-range", "组织领导"),
        (6, "E"): ("out-of-range", "组织领导"),
    }


def test_all_problems_are_reported_together(model, tmp_path):
    rows = rows_with(0, 2, "abc")
    rows[1][3] = None
    rows[4][1] = "己县"
    problems = problems_of(model, mini_year(tmp_path, county_rows=rows))
    assert len(problems) == 4  # abc, blank, unknown 己县, missing 戊县
    assert [(p.code, p.row, p.column) for p in problems] == [
        ("not-a-number", 4, "C"),
        ("blank-cell", 5, "D"),
        ("unknown-unit", 8, "B"),
        ("unit-missing", None, ""),
    ]


def test_missing_indicator_column_and_unknown_extra_column(model, tmp_path):
    header = [h if h != "宣传培训（分）" else "宣传成效" for h in COUNTY_HEADER]
    error = error_of(model, mini_year(tmp_path, county_header=header))
    problems = error.problems
    missing = next(p for p in problems if "缺少指标列" in p.message)
    assert missing.row == 3 and "宣传培训" in missing.message
    assert (missing.code, missing.column, missing.indicator) == ("missing-column", "", "宣传培训")
    # the unknown column is a notice, carried by the error for `validate --json`
    assert [(n.code, n.row, n.column, n.severity) for n in error.notices] == [
        ("unknown-column", 3, "F", "warning")
    ]


def test_columns_in_another_order(model, tmp_path):
    order = [1, 0, 5, 4, 3, 2]
    header = [COUNTY_HEADER[i] for i in order]
    rows = [[r[i] for i in order] for r in COUNTY_ROWS]
    inputs = read_year(
        model, mini_year(tmp_path, county_header=header, county_rows=rows) / "2024", 2024
    )
    assert inputs.figures["丁县"]["growth"].value == 8
    assert inputs.figures["丁县"]["growth"].source.cell == "E7"


def test_wrong_year_in_file_name_and_column(model, tmp_path):
    folder = mini_year(tmp_path)
    header = ["年度"] + COUNTY_HEADER
    rows = [[2023] + r for r in COUNTY_ROWS]
    write_xlsx(folder / "2024" / "县区数据_2024.xlsx", {"测试指标": [header] + rows})
    (folder / "2024" / "县区数据_2024.xlsx").rename(folder / "2024" / "县区数据_2023.xlsx")
    problems = problems_of(model, folder)
    assert any("文件名中的年度为2023" in p.message for p in problems)
    year_cells = [p for p in problems if "与考核年度2024不符" in p.message and p.column == "A"]
    assert len(year_cells) == 5
    named = [p for p in problems if p.code == "wrong-year-in-file-name"]
    assert [(p.file, p.row) for p in named] == [("县区数据_2023.xlsx", None)]
    assert {p.code for p in year_cells} == {"wrong-year"}
    assert [p.row for p in year_cells] == [2, 3, 4, 5, 6]


def test_unknown_adjustment_item_and_missing_basis(model, tmp_path):
    events = [["戊县", "B9", 1, "某文件"], ["甲县", "P1", 1, None]]
    problems = problems_of(model, mini_year(tmp_path, events=events))
    assert any("“B9”不在考核细则的事项目录中" in p.message and p.row == 2 for p in problems)
    assert any("缺少依据" in p.message and p.row == 3 and p.column == "D" for p in problems)
    assert [(p.code, p.row, p.column, p.unit) for p in problems] == [
        ("unknown-item", 2, "B", "戊县"),
        ("blank-cell", 3, "D", "甲县"),
    ]


def test_task_table_checks_responsibility_and_completeness(model, tmp_path):
    folder = mini_year(tmp_path)
    write_xlsx(
        folder / "2024" / "部门数据_2024.xlsx",
        {
            "部门指标": [["单位", "牵头指标值"], ["甲局", 60], ["乙局", None]],
            "重点任务": [
                ["单位", "任务序号", "完成得分"],
                ["甲局", 1, 90],
                ["甲局", 2, 70],  # 甲局 is not responsible for task 2
                ["乙局", 1, 120],  # above 100
            ],
        },
    )
    problems = problems_of(model, folder)
    messages = [p.message for p in problems]
    assert any("不是第2项任务" in m for m in messages)
    assert any("完成得分120应在0至100之间" in m for m in messages)
    assert any("缺少第2项任务" in p.message and p.unit == "乙局" for p in problems)
    located = [(p.code, p.sheet, p.row, p.column, p.unit) for p in problems]
    assert ("not-responsible-unit", "重点任务", 3, "B", "甲局") in located
    assert ("out-of-range", "重点任务", 4, "C", "乙局") in located
    assert ("task-missing", "重点任务", None, "", "乙局") in located


def test_csv_in_gbk_and_utf8_bom(model, tmp_path):
    folder = mini_year(tmp_path)
    (folder / "2024" / "加减分_2024.xlsx").unlink()
    text = "单位,事项编号,次数,依据\n戊县,B1,2,冀质强办〔2024〕1号（示例）：通报\n"
    (folder / "2024" / "加减分事项_2024.csv").write_bytes(text.encode("gbk"))
    inputs = read_year(model, folder / "2024", 2024)
    assert inputs.events[0].basis == "冀质强办〔2024〕1号（示例）：通报"  # full-width kept
    (folder / "2024" / "加减分事项_2024.csv").write_bytes(text.encode("utf-8-sig"))
    assert read_year(model, folder / "2024", 2024).events[0].count == 2


def test_missing_sheet_and_corrupt_file(model, tmp_path):
    folder = mini_year(tmp_path)
    (folder / "2024" / "县区数据_2024.xlsx").write_bytes(b"not a zip at all")
    problems = problems_of(model, folder)
    assert any(p.file == "县区数据_2024.xlsx" and "无法打开" in p.message for p in problems)
    assert any("找不到工作表“测试指标”" in p.message for p in problems)
    assert [(p.code, p.file) for p in problems] == [
        ("wrong-file-type", "县区数据_2024.xlsx"),
        ("missing-sheet", "2024"),
    ]


def test_a_unit_with_every_indicator_not_applicable_cannot_be_scored(model, tmp_path):
    rows = [list(r) for r in COUNTY_ROWS]
    rows[2] = [3, "丙县", "不适用", "不适用", "不适用", "不适用"]
    problems = problems_of(model, mini_year(tmp_path, county_rows=rows))
    assert [(p.row, p.column, p.unit) for p in problems] == [(6, "B", "丙县")]
    assert "所有指标均填报“不适用”" in problems[0].message
    assert problems[0].code == "all-not-applicable"
