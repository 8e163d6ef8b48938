"""Issue 13: fill-in forms written from the model, returns collected, checked and merged."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_INPUTS
from openpyxl import load_workbook

from evalgen.cli import main
from evalgen.collection.api import collect, make_forms
from evalgen.collection.content import Prefill, form_file_name
from evalgen.collection.forms import FormSpec, write_unit_form
from evalgen.collection.identity import ID_SHEET, Identity, identity_rows, parse_identity
from evalgen.collection.teamsheet import team_file_name
from evalgen.inputs.provenance import STATE_FILE
from evalgen.model.loader import load_model
from evalgen.pipeline import score, validate
from evalgen.problems import InputError

ISSUANCE = SAMPLE_INPUTS / "2024" / "发文信息.yaml"


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# -- the identity ----------------------------------------------------------------------------


def test_identity_round_trips_and_an_edit_is_evident():
    ident = Identity(
        "unit", "宁晋县", 2024, "ab" * 32, "v1", layout={"figures": {"rows": {"x": 5}}}
    )
    rows = identity_rows(ident)
    assert parse_identity(rows) == (ident, True)
    edited = [(k, "威县" if k == "unit" else v) for k, v in rows]
    back, intact = parse_identity(edited)
    assert back is not None and back.unit == "威县" and not intact
    moved = [(k, v.replace('"x": 5', '"x": 6') if k == "layout" else v) for k, v in rows]
    assert parse_identity(moved)[1] is False
    assert parse_identity([("a", "b")]) == (None, False)


# -- a form as Excel/LibreOffice will see it -------------------------------------------------


def test_unit_form_is_protected_validated_and_prints_on_a4(tmp_path):
    loaded = load_model()
    spec = FormSpec(loaded.model, loaded.sha256, 2025, "2026年1月15日", "张××，0319-0000000")
    path = tmp_path / form_file_name(2025, "市农业农村局")
    write_unit_form(path, spec, "department", "市农业农村局", Prefill())
    wb = load_workbook(path)
    assert wb[ID_SHEET].sheet_state == "veryHidden"
    figures, tasks, claims = wb["指标数据"], wb["重点任务"], wb["加分申报"]
    guide = "\n".join(str(c.value) for c in wb["填报说明"]["A"] if c.value)
    assert "2026年1月15日" in guide and "张××" in guide
    for ws in (figures, tasks, claims):
        assert ws.protection.sheet and not ws.protection.password
        assert ws.page_setup.paperSize == 9
    # 市农业农村局 reports 农产品质量监测合格率 (applies_to) and its key tasks; evaluated
    # indicators (评审打分) are the team's, not in the unit's form.
    ids = [figures.cell(r, 2).value for r in range(5, figures.max_row + 1)]
    assert ids == ["dept_agri_pass_rate"]  # its one applies_to indicator; no 评审打分 ones
    value = figures["H5"]
    assert value.protection.locked is False and figures["G5"].protection.locked is True
    rules = {str(dv.sqref): dv for dv in figures.data_validations.dataValidation}
    assert rules["H5"].type == "custom" and '"不适用"' in rules["H5"].formula1
    claim_rules = [dv for dv in claims.data_validations.dataValidation if dv.type == "list"]
    assert claim_rules and "$F$5" in claim_rules[0].formula1
    assert claims["F5"].value == "B01"  # the catalogue the drop-down reads
    assert tasks["D5"].value in ("牵头", "配合")


# -- the status table -----------------------------------------------------------------------


def test_status_table_aligns_chinese_columns_and_lists_the_missing(tmp_path):
    from evalgen.collection.collector import Collection, Status
    from evalgen.collection.status import status_table
    from evalgen.problems import Problem

    bad = Problem(
        "不是数字", file="a.xlsx", sheet="指标数据", row=5, column="H", code="not-a-number"
    )
    statuses = [
        Status("宁晋县", "县（市、区）", "有问题", ["a.xlsx"], [bad]),
        Status("市人力资源社会保障局", "市直部门", "已收到", ["b.xlsx"]),
        Status("威县", "县（市、区）", "未收到"),
    ]
    lines = status_table(Collection(2024, tmp_path, statuses, [], ["退回意见/x.xlsx"]))
    rows = lines[1:5]
    # Each row's status column starts at the same display width (CJK characters count 2).
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    starts = {
        width(r[: r.index(s)])
        for r, s in zip(rows, ("状态", "有问题", "已收到", "未收到"), strict=True)
    }
    assert len(starts) == 1
    assert "催报名单（1个）：威县" in lines
    assert any("a.xlsx › 指标数据 › H5单元格" in line for line in lines)


# -- a merged year that is not complete is refused ---------------------------------------------


def test_incomplete_merged_year_is_refused_naming_the_units(tmp_path):
    year = tmp_path / "2024"
    shutil.copytree(SAMPLE_INPUTS / "2024", year)
    (year / STATE_FILE).write_text(
        '{"incomplete": [{"unit": "威县", "status": "未收到"}, {"unit": "宁晋县", "status": "有问题"}]}',
        "utf-8",
    )
    with pytest.raises(InputError) as err:
        validate(2024, tmp_path)
    assert err.value.code == "incomplete-year"
    assert [p.unit for p in err.value.problems] == ["威县", "宁晋县"]
    assert "威县、宁晋县" in err.value.message


# -- the whole round (slow: the sample year, 45 workbooks each way) ------------------------------


@pytest.fixture(scope="module")
def forms_2024(tmp_path_factory):
    out = tmp_path_factory.mktemp("forms") / "2024"
    made = make_forms(2024, out, prefill=SAMPLE_INPUTS / "2024", issuance_file=ISSUANCE)
    assert len(made.files) == 44 + 1 + 1  # the forms, the team's workbook, the empty register
    return out


def _ranked(run) -> dict[str, tuple]:
    return {
        u["unit"]: (u["total"], u["grade"], u["rank"])
        for g in run.results["groups"]
        for u in g["units"]
    }


def _triggers(run) -> dict[str, list]:
    return {u["unit"]: u["triggers"] for g in run.results["groups"] for u in g["units"]}


@pytest.mark.slow
def test_round_trip_gives_the_same_totals_grades_and_ranks(forms_2024, tmp_path):
    returns = tmp_path / "收件箱"
    shutil.copytree(forms_2024, returns / "邮件附件")
    before = _hashes(returns)
    done = collect(2024, returns, tmp_path / "数据", issuance_file=ISSUANCE)
    assert not done.incomplete and _hashes(returns) == before
    # 2023 through the same round, so the follow-ups that look back a year are compared too.
    make_forms(2023, tmp_path / "f2023", prefill=SAMPLE_INPUTS / "2023", issuance_file=ISSUANCE)
    assert not collect(2023, tmp_path / "f2023", tmp_path / "数据").incomplete
    merged = score(2024, tmp_path / "数据", out_dir=tmp_path / "out", documents=False)
    direct = score(2024, None, out_dir=tmp_path / "ref", documents=False)
    assert _ranked(merged) == _ranked(direct)
    assert _triggers(merged) == _triggers(direct)
    assert len(_ranked(merged)) == 44
    # Provenance: 宁晋县's first figure came from H5 of its returned form.
    figure = merged.evaluation.inputs.figures["宁晋县"]["mfg_pass_rate"]
    assert figure.source.returned is not None
    assert figure.source.returned.cell == "H5"
    assert figure.source.returned.file == f"邮件附件/{form_file_name(2024, '宁晋县')}"
    assert "来自报送文件" in str(figure.source)
    # Previous year's value beside the row, for reference (2023 folder beside 2024).
    ws = load_workbook(forms_2024 / form_file_name(2024, "宁晋县"))["指标数据"]
    assert ws["C4"].value == "指标名称" and ws["G4"].value == "上年完成值（参考）"
    assert ws["G5"].value is not None and ws["H5"].value == pytest.approx(float(figure.value))
    team = load_workbook(forms_2024 / team_file_name(2024))
    assert team[ID_SHEET].sheet_state == "veryHidden"
    events = team["加减分事项"]
    lists = [dv for dv in events.data_validations.dataValidation if dv.type == "list"]
    assert any(dv.formula1.startswith("事项目录!$A$2:$A$") for dv in lists)  # item ids
    assert all(ws.protection.sheet for ws in team.worksheets if ws.title != ID_SHEET)


def _edit(path: Path, sheet: str, cell: str, value) -> None:
    """A unit filling in its form in Excel: one cell changed, protection kept."""
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


@pytest.mark.slow
def test_damaged_returns_are_reported_and_left_untouched(forms_2024, tmp_path):
    returns = tmp_path / "收件箱"
    shutil.copytree(forms_2024, returns)
    _edit(returns / form_file_name(2024, "宁晋县"), "指标数据", "H5", "九十几")  # text
    (returns / form_file_name(2024, "威县")).unlink()  # missing
    (returns / "重发").mkdir()
    shutil.copy(returns / form_file_name(2024, "沙河市"), returns / "重发" / "沙河市(1).xlsx")
    loaded = load_model()
    spec = FormSpec(loaded.model, loaded.sha256, 2023, "", "")  # last year's form
    write_unit_form(returns / form_file_name(2024, "临城县"), spec, "county", "临城县", Prefill())
    before = _hashes(returns)
    result = CliRunner().invoke(
        main,
        [
            "collect",
            "2024",
            str(returns),
            "--out",
            str(tmp_path / "数据"),
            "--issuance",
            str(ISSUANCE),
        ],  # fmt: skip
    )
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert _hashes(returns) == before
    out = result.output
    assert "催报名单（1个）：威县" in out
    for unit in ("宁晋县", "沙河市", "临城县", "威县"):
        assert unit in out.split("催报名单")[1] or unit in out
    done = collect(2024, returns, tmp_path / "数据2", issuance_file=ISSUANCE)
    status = {s.unit: s for s in done.statuses}
    assert status["威县"].status == "未收到"
    text = next(p for p in status["宁晋县"].problems if p.code == "not-a-number")
    assert (text.sheet, text.column, text.row) == ("指标数据", "H", 5)
    assert text.indicator == "制造业产品质量合格率"
    dup = status["沙河市"].problems
    assert {p.code for p in dup} == {"duplicate-return"} and "重发/沙河市(1).xlsx" in dup[0].message
    assert any(p.code == "stale-form" and "2023" in p.message for p in status["临城县"].problems)
    assert status["清河县"].status == "已收到"
    letter = load_workbook(done.folder / "退回意见" / "退回意见_2024_宁晋县.xlsx")["退回意见"]
    rows = [[c.value for c in row] for row in letter.iter_rows(min_row=5)]
    assert any(r[3] == "H5" and r[4] == "制造业产品质量合格率" for r in rows)
    with pytest.raises(InputError) as err:
        validate(2024, tmp_path / "数据2")
    assert err.value.code == "incomplete-year"
    assert {p.unit for p in err.value.problems} == {"威县", "宁晋县", "沙河市", "临城县"}


@pytest.mark.slow
def test_collect_again_updates_the_merge_and_refuses_a_foreign_folder(forms_2024, tmp_path):
    returns = tmp_path / "收件箱"
    returns.mkdir()
    shutil.copy(forms_2024 / form_file_name(2024, "宁晋县"), returns / "宁晋县.xlsx")
    first = collect(2024, returns, tmp_path / "数据", issuance_file=ISSUANCE)
    assert len(first.incomplete) == 44  # 43 units and the team's workbook
    for name in [form_file_name(2024, u) for u in ("威县", "清河县")] + [team_file_name(2024)]:
        shutil.copy(forms_2024 / name, returns / name)
    again = collect(2024, returns, tmp_path / "数据")
    assert len(again.incomplete) == 41
    assert (again.folder / "发文信息.yaml").is_file()  # carried over from the first merge
    foreign = tmp_path / "别人的" / "2024"
    foreign.mkdir(parents=True)
    (foreign / "手工汇总.xlsx").write_bytes(b"x")
    with pytest.raises(Exception) as err:
        collect(2024, returns, tmp_path / "别人的")
    assert getattr(err.value, "code", "") == "merge-target-not-merge"
    assert (foreign / "手工汇总.xlsx").read_bytes() == b"x"


@pytest.mark.slow
def test_form_sent_under_another_units_name_is_noticed(forms_2024, tmp_path):
    returns = tmp_path / "收件箱" / "威县"
    returns.mkdir(parents=True)
    shutil.copy(forms_2024 / form_file_name(2024, "宁晋县"), returns / "填报表.xlsx")
    done = collect(2024, returns.parent, tmp_path / "数据", issuance_file=ISSUANCE)
    status = {s.unit: s for s in done.statuses}
    notice = next(p for p in status["宁晋县"].problems if p.code == "form-from-other-unit")
    assert notice.severity == "warning" and "威县" in notice.message
    assert status["威县"].status == "未收到"


@pytest.mark.slow
def test_fast_workbook_reader_reads_what_openpyxl_reads(forms_2024, tmp_path):
    """Two readers, one truth: the fast XML reader against openpyxl's read-only mode, on
    forms as written and as a unit saves them (numbers, text, percent, N/A, a date)."""
    from evalgen.collection.workbook import read_sheets, read_sheets_openpyxl

    path = tmp_path / "宁晋县.xlsx"
    shutil.copy(forms_2024 / form_file_name(2024, "宁晋县"), path)
    wb = load_workbook(path)
    ws = wb["指标数据"]
    ws["H5"], ws["H6"], ws["H7"] = "不适用", 0.985, "９８．５"
    ws["H6"].number_format = "0.00%"
    ws["I5"] = __import__("datetime").date(2024, 12, 31)
    wb.save(path)
    for form in (path, forms_2024 / team_file_name(2024)):
        fast, slow = read_sheets(form, set()), read_sheets_openpyxl(form, set())
        assert [(s.title, s.hidden, s.rows) for s in fast] == [
            (s.title, s.hidden, s.rows) for s in slow
        ]
    cell = next(s for s in read_sheets(path, set()) if s.title == "指标数据").rows[6][8]
    assert cell.percent and cell.decimals == 2 and cell.value == 0.985


@pytest.mark.slow
def test_changed_structure_is_read_by_labels_or_refused(forms_2024, tmp_path):
    returns = tmp_path / "收件箱"
    returns.mkdir()
    for unit in ("宁晋县", "威县", "清河县", "沙河市"):
        shutil.copy(forms_2024 / form_file_name(2024, unit), returns / f"{unit}.xlsx")
    wb = load_workbook(returns / "宁晋县.xlsx")  # a row inserted, the sheet renamed
    ws = wb["指标数据"]
    value = ws["H6"].value
    ws.insert_rows(6)
    ws.title = "数据"
    ws["L9"] = "98"  # typed beside the form
    wb["加分申报"]["K6"] = "B03 两项"  # and beside the claims
    wb.save(returns / "宁晋县.xlsx")
    wb = load_workbook(returns / "威县.xlsx")  # an indicator's row deleted
    wb["指标数据"].delete_rows(6)
    wb.save(returns / "威县.xlsx")
    wb = load_workbook(returns / "清河县.xlsx")  # the identity edited: now says 南和区
    hidden = wb[ID_SHEET]
    row = next(r for r in range(1, hidden.max_row + 1) if hidden.cell(r, 1).value == "unit")
    hidden.cell(row, 2).value = "南和区"
    wb.save(returns / "清河县.xlsx")
    done = collect(2024, returns, tmp_path / "数据", issuance_file=ISSUANCE)
    status = {s.unit: s for s in done.statuses}
    moved = status["宁晋县"]
    assert moved.status == "已收到"
    codes = [p.code for p in moved.problems]
    assert codes.count("form-structure-changed") == 2  # renamed sheet, moved rows
    outside = [p for p in moved.problems if p.code == "value-outside-form"]
    assert [(p.sheet, p.column, p.row) for p in outside] == [("数据", "L", 9), ("加分申报", "K", 6)]
    inputs_source = tmp_path / "数据" / "2024"
    assert inputs_source.is_dir()
    assert status["威县"].status == "有问题"
    broken = next(p for p in status["威县"].problems if p.code == "form-structure-broken")
    assert broken.indicator  # names the indicator whose row is gone
    tampered = status["南和区"].problems
    assert [p.code for p in tampered] == ["form-tampered", "form-from-other-unit"]
    assert tampered[0].file == "清河县.xlsx" and "清河县" in tampered[1].message
    assert status["清河县"].status == "未收到"
    # 宁晋县's moved figure was read from its new row.
    from evalgen.collection.merge import merged_file_name

    merged = load_workbook(inputs_source / merged_file_name(2024))["县区指标"]
    row = next(r for r in merged.iter_rows(min_row=3) if r[0].value == "宁晋县")
    assert row[2].value == pytest.approx(value)


@pytest.mark.slow
def test_forms_are_byte_identical_run_to_run(forms_2024, tmp_path):
    again = make_forms(
        2024, tmp_path / "again", prefill=SAMPLE_INPUTS / "2024", issuance_file=ISSUANCE
    )
    assert _hashes(again.folder) == _hashes(forms_2024)


def _to_pdf(path: Path, work: Path) -> Path | None:
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    profile = (work / "lo-profile").as_uri()
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf",
         "--outdir", str(work), str(path)],
        capture_output=True, timeout=240, check=False,
    )  # fmt: skip
    pdf = work / f"{path.stem}.pdf"
    return pdf if pdf.is_file() else None


@pytest.mark.slow
@pytest.mark.pdf
def test_a_form_opens_in_libreoffice_and_prints_on_a4(tmp_path):
    import subprocess

    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    if _to_pdf(plain, tmp_path) is None:
        pytest.skip("LibreOffice Calc is not installed here (soffice cannot convert a workbook)")
    loaded = load_model()
    spec = FormSpec(loaded.model, loaded.sha256, 2025, "2026年1月15日", "张××")
    form = tmp_path / "form.xlsx"
    write_unit_form(form, spec, "department", "市住房城乡建设局", Prefill())
    pdf = _to_pdf(form, tmp_path)
    assert pdf is not None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "595" in info and "841" in info  # A4 in points
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert (
        "市住房城乡建设局" in text and "竣工建筑中绿色建筑占比" in text and "加分事项申报表" in text
    )


@pytest.mark.slow
def test_forms_command_keeps_an_earlier_folder_aside(tmp_path):
    out = tmp_path / "填报表"
    runner = CliRunner()
    first = runner.invoke(main, ["forms", "2025", "--out", str(out), "--deadline", "2026年1月15日"])
    assert first.exit_code == 0, first.output
    assert "46个文件" in first.output  # 44 forms, the team's workbook, the empty 复核登记表
    again = runner.invoke(main, ["forms", "2025", "--out", str(out)])
    assert again.exit_code == 0 and (tmp_path / "填报表.prev-1").is_dir()
    assert "原有的文件夹已保留在" in again.output
    bad = runner.invoke(main, ["forms", "2031", "--out", str(tmp_path / "x")])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
