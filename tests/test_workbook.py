"""The results workbook: sheets, typed cells, formats, and the same bytes every time."""

import copy

import pytest
from openpyxl import load_workbook
from test_engine import MINI, score_both_years

from evalgen.model.loader import load_model
from evalgen.outputs.results import build_results
from evalgen.outputs.workbook import write_results_workbook

META = {"evalgen_version": "9.9", "model": {"file": "mini.yaml", "sha256": "0"}}


@pytest.fixture(scope="module")
def results():
    model = load_model(MINI).model
    _, y2024, view = score_both_years(model)
    return build_results(model, y2024, view, META)


def test_sheets_rows_and_formats(results, tmp_path):
    path = write_results_workbook(results, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    groups = [g["name"] for g in results["groups"]]
    assert wb.sheetnames == [*groups, "指标明细", "加减分及否决", "约谈及整改", "说明"]
    ws = wb[groups[0]]
    units = results["groups"][0]["units"]
    assert ws.max_row == 1 + len(units)
    assert ws["A1"].value == "排名" and ws["A1"].font.b
    assert ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.freeze_panes == "A2"
    # the first unit's row: rank, name, total shown with two decimals
    assert [ws["A2"].value, ws["B2"].value, ws["C2"].value] == [
        1,
        "甲县",
        90,
    ]  # 甲县: 90.00 by hand (test_context)
    assert ws["C2"].number_format == "0.00"
    change = [c.column_letter for c in ws[1] if c.value == "名次变化"][0]
    assert ws[f"{change}2"].number_format == '"↑"0;"↓"0;"持平"'  # shown as the bulletin shows it
    assert ws.column_dimensions["B"].width == pytest.approx(18, abs=1)
    detail = wb["指标明细"]
    lines = sum(len(u["indicators"]) for g in results["groups"] for u in g["units"])
    assert detail.max_row == 1 + lines
    assert [c.value for c in wb["说明"]["A"]] == ["项目", "考核年度", "考核细则", "总分取舍", "加分上限", "生成工具"]  # fmt: skip
    assert wb["说明"]["B6"].value == "evalgen 9.9"
    assert not list(tmp_path.glob("*.tmp"))


def test_text_from_the_inputs_stays_text(results, tmp_path):
    """A name that looks like a formula, a link or a number is written as text."""
    data = copy.deepcopy(results)
    names = ["=1+1", "http://example.com", "0012"]
    for unit, name in zip(data["groups"][0]["units"], names, strict=False):
        unit["unit"] = name
    wb = load_workbook(write_results_workbook(data, tmp_path / "r.xlsx"))
    ws = wb[data["groups"][0]["name"]]
    cells = [ws.cell(row, 2) for row in (2, 3, 4)]
    assert [c.value for c in cells] == names
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert ws.cell(3, 2).hyperlink is None


def test_the_same_results_give_the_same_bytes(results, tmp_path):
    a = write_results_workbook(results, tmp_path / "a.xlsx").read_bytes()
    b = write_results_workbook(results, tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_group_names_excel_would_refuse_become_valid_sheet_names(results, tmp_path):
    data = copy.deepcopy(results)
    long = "县（市、区）人民政府质量工作考核（含开发区、高新区、经济技术开发区）"  # 34 characters
    names = [long, "说明", "说明", "A/B组?"]
    data["groups"] = [dict(data["groups"][0], name=n) for n in names]
    wb = load_workbook(write_results_workbook(data, tmp_path / "r.xlsx"))
    assert wb.sheetnames == [
        long[:31],
        "说明2",  # the fixed 说明 sheet keeps its name
        "说明3",
        "A_B组_",
        "指标明细",
        "加减分及否决",
        "约谈及整改",
        "说明",
    ]


def test_text_over_excels_cell_limit_is_cut_with_a_mark(results, tmp_path):
    data = copy.deepcopy(results)
    data["groups"][0]["units"][0]["notes"] = ["很长的说明" * 7000]  # 35,000 characters
    ws = load_workbook(write_results_workbook(data, tmp_path / "r.xlsx"))[data["groups"][0]["name"]]
    notes = ws.cell(2, ws.max_column).value
    assert len(notes) == 32_767 and notes.endswith("…")
