"""Issue 13's gaps: the deadline from the issuance file, the empty appeals register written
by `evalgen forms`, and edits to a form's locked cells."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_INPUTS
from openpyxl import load_workbook

from evalgen.collection.api import collect, make_forms
from evalgen.collection.content import Prefill, form_file_name
from evalgen.collection.forms import FormSpec, write_unit_form
from evalgen.collection.register import REGISTER_FILE, REGISTER_ROWS, write_appeals_register
from evalgen.collection.returns import open_return, read_unit_return
from evalgen.documents.sources import data_sources
from evalgen.inputs.checker import Checker
from evalgen.inputs.issuance import load_issuance
from evalgen.inputs.tables import TableSet
from evalgen.inputs.year import read_year
from evalgen.model.loader import load_model
from evalgen.model.names import model_for_year
from evalgen.problems import InputError

ISSUANCE = SAMPLE_INPUTS / "2024" / "发文信息.yaml"


def _guide(path: Path) -> str:
    return "\n".join(str(c.value) for c in load_workbook(path)["填报说明"]["A"] if c.value)


# -- 1. the deadline from the issuance file ---------------------------------------------------


def test_form_deadline_is_read_from_the_issuance_file_and_checked(tmp_path):
    assert load_issuance(ISSUANCE).form_deadline == "2025年1月15日"  # sample 2024's file
    bad = tmp_path / "发文信息.yaml"
    text = ISSUANCE.read_text(encoding="utf-8")
    bad.write_text(
        text.replace('填报截止日期: "2025年1月15日"', '填报截止日期: "1月15日"'), "utf-8"
    )
    with pytest.raises(InputError) as err:
        load_issuance(bad)
    (problem,) = err.value.problems
    line = 1 + text.splitlines().index(
        next(x for x in text.splitlines() if x.startswith("填报截止日期"))
    )
    assert (problem.code, problem.line) == ("date-format", line)
    assert "填报截止日期" in problem.message and "1月15日" in problem.message
    impossible = text.replace("2025年1月15日", "2025年2月30日")
    bad.write_text(impossible, "utf-8")
    with pytest.raises(InputError) as err:
        load_issuance(bad)
    assert [p.code for p in err.value.problems] == ["impossible-date"]


@pytest.mark.slow
def test_forms_take_the_deadline_from_the_issuance_unless_given(tmp_path):
    own = make_forms(2024, tmp_path / "a", issuance_file=ISSUANCE)
    form = own.folder / form_file_name(2024, "宁晋县")
    assert "报送截止时间：2025年1月15日。" in _guide(form)
    given = make_forms(2024, tmp_path / "b", issuance_file=ISSUANCE, deadline="2025年1月20日")
    assert "报送截止时间：2025年1月20日。" in _guide(given.folder / form.name)
    none = make_forms(2024, tmp_path / "c", issuance_file=tmp_path / "没有.yaml")
    assert "报送截止时间：见报送通知。" in _guide(none.folder / form.name)


# -- 3. the empty appeals register ------------------------------------------------------------


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    loaded = load_model()
    return write_appeals_register(
        tmp_path_factory.mktemp("register"), model_for_year(loaded.model, 2024), 2024
    )


def test_register_has_the_read_header_drop_downs_dates_and_a4(register):
    assert register.name == REGISTER_FILE == "复核登记表.xlsx"
    wb = load_workbook(register)
    assert wb.sheetnames == ["复核登记表", "说明"]
    ws = wb["复核登记表"]
    assert [c.value for c in ws[3]] == [
        "编号", "单位", "指标或事项", "申请内容", "提交日期",
        "复核结论", "调整后数值", "依据", "复核日期", "经办人",
    ]  # fmt: skip
    assert ws["A1"].value == "2024年度质量强市建设考核复核登记表"  # the model's assessment
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    last = 3 + REGISTER_ROWS
    assert rules[f"F4:F{last}"].type == "list" and rules[f"F4:F{last}"].formula1 == '"维持,调整"'
    assert rules[f"E4:E{last}"].type == "date" and rules[f"I4:I{last}"].type == "date"
    units = rules[f"B4:B{last}"]
    # 说明: 8 lines (title + 7) on rows 1-8, a blank row 9, the list's heading on row 10, then
    # the 20 counties and 24 departments of the sample model on rows 11-54 (11 + 44 - 1).
    assert units.type == "list" and units.formula1 == "'说明'!$A$11:$A$54"
    guide = wb["说明"]
    assert guide["A9"].value is None and "下拉列表" in guide["A10"].value
    listed = {guide.cell(r, 1).value for r in range(11, 55)}
    model = model_for_year(load_model().model, 2024)
    assert listed == {u for g in model.groups.values() for u in g.units} and len(listed) == 44
    assert guide["A55"].value is None
    for sheet in (ws, guide):
        assert sheet.page_setup.paperSize == 9
    assert ws.page_setup.orientation == "landscape"
    assert any("调整后数值和依据" in str(c.value) for c in guide["A"])


def _year_with(register: Path, tmp_path: Path) -> Path:
    year = tmp_path / "数据" / "2024"
    shutil.copytree(SAMPLE_INPUTS / "2024", year)
    shutil.copy(register, year / REGISTER_FILE)
    return year


@pytest.mark.slow
def test_empty_register_reads_back_without_problems(register, tmp_path):
    inputs = read_year(load_model().model, _year_with(register, tmp_path), 2024)
    assert inputs.appeals == () and inputs.warnings == []
    assert [p.name for p in inputs.register] == [REGISTER_FILE]


@pytest.mark.slow
def test_a_filled_in_row_of_the_written_register_is_read(register, tmp_path):
    year = _year_with(register, tmp_path)
    wb = load_workbook(year / REGISTER_FILE)
    ws = wb["复核登记表"]
    row = ["FH-01", "宁晋县", "食品安全评价性抽检合格率", "抽检批次统计有误", dt.date(2025, 2, 12),
           "调整", 98.30, "市市场监管局复核记录", dt.date(2025, 2, 15), "李××"]  # fmt: skip
    for col, value in enumerate(row, 1):
        ws.cell(4, col, value)
    wb.save(year / REGISTER_FILE)
    inputs = read_year(load_model().model, year, 2024)
    (appeal,) = inputs.appeals
    assert (appeal.number, appeal.unit, appeal.kind, appeal.decision) == (
        "FH-01", "宁晋县", "indicator", "调整",
    )  # fmt: skip
    assert (appeal.submitted, appeal.decided) == ("2025-02-12", "2025-02-15")
    assert appeal.value == Decimal("98.30") and appeal.source.cell == "第4行"
    figure = inputs.figures["宁晋县"][appeal.target]
    assert figure.value == Decimal("98.30") and figure.source.appeal == "FH-01"


# -- 4. edits to locked cells ----------------------------------------------------------------


def _unit_form(tmp_path: Path, unit: str = "宁晋县") -> Path:
    loaded = load_model()
    spec = FormSpec(loaded.model, loaded.sha256, 2024, "2025年1月15日", "张××")
    path = tmp_path / form_file_name(2024, unit)
    write_unit_form(path, spec, "county", unit, Prefill())
    return path


def _edit(path: Path, edits: dict[tuple[str, str], object]) -> None:
    """A unit that removes the sheet protection and overwrites locked cells."""
    wb = load_workbook(path)
    for (sheet, ref), value in edits.items():
        wb[sheet].protection.sheet = False
        wb[sheet][ref] = value
    wb.save(path)


def test_untouched_form_has_no_locked_cell_problem(tmp_path):
    path = _unit_form(tmp_path)
    ret = open_return(path, path.name)
    read_unit_return(ret, Checker(load_model().model, 2024, TableSet({}, [], [])), "county")
    assert [p for p in ret.problems if p.code == "locked-cell-changed"] == []


def test_edited_target_and_unit_name_are_named_with_their_cells(tmp_path):
    path = _unit_form(tmp_path)
    wb = load_workbook(path)
    ws = wb["指标数据"]
    row = next(
        r for r in range(5, ws.max_row + 1) if ws.cell(r, 3).value == "食品安全评价性抽检合格率"
    )
    target = ws.cell(row, 6).value  # the year's target as the form wrote it
    assert target is not None
    _edit(path, {("指标数据", f"F{row}"): target - 5, ("指标数据", "A2"): "填报单位：威县",
                 ("指标数据", f"C{row}"): "食品抽检合格率"})  # fmt: skip
    ret = open_return(path, path.name)
    read_unit_return(ret, Checker(load_model().model, 2024, TableSet({}, [], [])), "county")
    found = {f"{p.column}{p.row}": p for p in ret.problems if p.code == "locked-cell-changed"}
    assert set(found) == {"A2", f"C{row}", f"F{row}"}
    edited = found[f"F{row}"]
    assert (edited.sheet, edited.unit, edited.severity) == ("指标数据", "宁晋县", "error")
    assert edited.indicator == "食品安全评价性抽检合格率"
    shown = f"{Decimal(str(target)).normalize():f}"
    lowered = f"{(Decimal(str(target)) - 5).normalize():f}"
    assert f"原为“{shown}”，现为“{lowered}”" in edited.message
    assert "现为“填报单位：威县”" in found["A2"].message


def test_edited_task_role_is_named(tmp_path):
    loaded = load_model()
    spec = FormSpec(loaded.model, loaded.sha256, 2024, "2025年1月15日", "张××")
    path = tmp_path / form_file_name(2024, "市农业农村局")
    write_unit_form(path, spec, "department", "市农业农村局", Prefill())
    ws = load_workbook(path)["重点任务"]
    role, task = ws["D5"].value, ws["B5"].value
    flipped = "配合" if role == "牵头" else "牵头"
    _edit(path, {("重点任务", "D5"): flipped})
    ret = open_return(path, path.name)
    read_unit_return(ret, Checker(loaded.model, 2024, TableSet({}, [], [])), "department")
    (problem,) = [p for p in ret.problems if p.code == "locked-cell-changed"]
    assert (problem.sheet, problem.column, problem.row) == ("重点任务", "D", 5)
    assert (
        problem.indicator == f"任务{task}" and f"原为“{role}”，现为“{flipped}”" in problem.message
    )


# -- 2. the unit report names the returned file and cell ------------------------------------


def _indicator(name: str, source: dict | None, na: bool = False, tasks: list | None = None):
    record: dict = {"name": name, "source": source, "not_applicable": na}
    if tasks is not None:
        record["tasks"] = tasks
    return record


def test_data_sources_name_returned_cells_only():
    form = "邮件附件/2024年度质量工作考核数据填报表_宁晋县.xlsx"
    back = {"file": "合并.xlsx", "sheet": "县区", "cell": "D7"}
    unit: Any = {
        "indicators": [
            _indicator("制造业产品质量合格率",
                       {**back, "returned": {"file": form, "sheet": "指标数据", "cell": "H5"}}),
            _indicator("已在数据文件夹中录入", back),  # no provenance: not listed
            _indicator("不适用的指标", {**back, "returned": {"file": form, "sheet": "指标数据",
                                                        "cell": "H9"}}, na=True),
            _indicator("重点任务完成情况", None, tasks=[
                {"no": 3, "name": "标准化", "source": {**back, "returned": {
                    "file": "考核组评分表.xlsx", "sheet": "重点任务", "cell": "E6"}}}]),
        ],
        "adjustments": [{"kind_label": "加分", "name": "省级示范", "source": back}],
    }  # fmt: skip
    note = data_sources(unit)
    assert note["rows"] == [
        {"item": "制造业产品质量合格率", "file": form, "cell": "指标数据 H5"},
        {"item": "重点任务3（标准化）", "file": "考核组评分表.xlsx", "cell": "重点任务 E6"},
    ]
    assert f"（{form}、考核组评分表.xlsx）" in note["intro"]
    plain: Any = {"indicators": [_indicator("x", back)], "adjustments": []}
    assert data_sources(plain) == {"intro": "", "rows": []}


@pytest.mark.slow
def test_unit_report_of_a_collected_year_closes_with_its_data_sources(tmp_path):
    from docx import Document

    from evalgen.pipeline import score

    forms = make_forms(2024, tmp_path / "f", prefill=SAMPLE_INPUTS / "2024", issuance_file=ISSUANCE)
    shutil.copytree(forms.folder, tmp_path / "收件箱" / "邮件附件")
    shutil.copytree(SAMPLE_INPUTS / "2023", tmp_path / "数据" / "2023")  # history for the chart
    assert forms.files[-1] == REGISTER_FILE and (forms.folder / REGISTER_FILE).is_file()
    done = collect(2024, tmp_path / "收件箱", tmp_path / "数据", issuance_file=ISSUANCE)
    assert not done.incomplete
    assert done.others == []  # the empty register copied along is not taken for a return
    score(2024, tmp_path / "数据", out_dir=tmp_path / "out")
    report = Document(str(tmp_path / "out" / "单位报告" / "宁晋县_2024年度考核结果反馈.docx"))
    texts = [p.text for p in report.paragraphs]
    at = texts.index("附：数据来源")
    assert texts.index("特此反馈。") < at  # after the letter and its signature
    table = report.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["指标或事项", "报送文件", "单元格"]
    form = f"邮件附件/{form_file_name(2024, '宁晋县')}"
    assert ["制造业产品质量合格率", form, "指标数据 H5"] in rows  # its first row, as written
