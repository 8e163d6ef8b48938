"""Issue 16 item 3: in-year forms (`evalgen forms 2025H1`) and their collection."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_INPUTS
from openpyxl import load_workbook

from evalgen.cli import main
from evalgen.collection.api import collect, make_forms
from evalgen.collection.identity import ID_SHEET, parse_identity
from evalgen.collection.periodapi import collect_period, make_period_forms, period_form_name
from evalgen.progress.period import parse_period

H1 = parse_period("2025H1")
ISSUANCE = SAMPLE_INPUTS / "2025H1" / "发文信息.yaml"


def _rows(ws) -> dict[str, int]:
    """指标编号 (column B) → row, below the header in row 4."""
    return {ws.cell(r, 2).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value}


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_period_form_holds_the_in_year_indicators_expected_levels_and_task_rows(tmp_path):
    made = make_period_forms("2025H1", tmp_path / "f", issuance_file=ISSUANCE)
    wb = load_workbook(tmp_path / "f" / period_form_name(H1, "宁晋县"))
    assert "加分申报" not in wb.sheetnames  # no bonus claims in-year
    figures = wb["指标数据"]
    assert [figures.cell(4, c).value for c in (6, 7, 8)] == [
        "年度目标",
        "预期进度（参考）",
        "完成值",
    ]
    assert "2025年上半年" in figures["A1"].value and "填报期次：2025年上半年" in figures["A2"].value
    rows = _rows(figures)
    # ip_pledge_amount is `in_year: none` and no milestone's source: not in the in-year form.
    assert "ip_pledge_amount" not in rows and "mfg_pass_rate" in rows
    # quality_help_firms: pro rata, target 30 (2023 value held) → at H1 30 × 1/2 = 15.
    assert figures.cell(rows["quality_help_firms"], 7).value == 15
    # mfg_pass_rate: a rate, compared with the year's target itself: 94 in 2025.
    assert figures.cell(rows["mfg_pass_rate"], 7).value == 94
    assert figures.protection.sheet and figures.page_setup.paperSize == 9
    assert figures.cell(rows["mfg_pass_rate"], 8).protection.locked is False
    hidden = wb[ID_SHEET]
    ident, intact = parse_identity(
        [(r[0].value, str(r[1].value)) for r in hidden.iter_rows() if r[0].value]
    )
    assert intact and ident is not None and ident.layout["period"] == "2025H1"
    assert ident.unit == "宁晋县" and ident.year == 2025
    # 市工业和信息化局: 技改项目 target 500 with the declared schedule H1 0.4 → 500 × 0.4 = 200;
    # it leads task 8, whose row takes 进展状态 from a drop-down and 进展情况 as text.
    dept = load_workbook(tmp_path / "f" / period_form_name(H1, "市工业和信息化局"))
    drows = _rows(dept["指标数据"])
    assert dept["指标数据"].cell(drows["dept_tech_renovation_projects"], 7).value == 200
    tasks = dept["重点任务"]
    assert [tasks.cell(4, c).value for c in (5, 6)] == ["进展状态", "进展情况"]
    lists = [dv for dv in tasks.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"未启动,推进中,已完成"'
    assert str(lists[0].sqref).startswith("E5")
    assert 8 in [tasks.cell(r, 2).value for r in range(5, tasks.max_row + 1)]
    assert tasks.protection.sheet and tasks.cell(5, 5).protection.locked is False
    assert len(made.files) == len(list((tmp_path / "f").iterdir()))


def test_a_bad_period_argument_is_a_chinese_error(tmp_path):
    result = CliRunner().invoke(main, ["forms", "2025X1", "--out", str(tmp_path / "f")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "期次" in result.output and not (tmp_path / "f").exists()


def _prefilled(tmp_path: Path) -> Path:
    forms = tmp_path / "收件箱"
    make_period_forms("2025H1", forms, prefill=SAMPLE_INPUTS / "2025H1", issuance_file=ISSUANCE)
    return forms


def _records(path: Path) -> dict:
    """progress.json without the `source` cells (the merge names its own cells; the returned
    file and cell are in 数据来源.json)."""

    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k != "source"}
        return [strip(v) for v in x] if isinstance(x, list) else x

    return strip(json.loads(path.read_text("utf-8")))


@pytest.mark.slow
def test_round_trip_forms_collect_progress_gives_the_sample_statuses_and_ledger(tmp_path):
    returns = _prefilled(tmp_path)
    before = _hashes(returns)
    root = tmp_path / "数据"
    for year in ("2023", "2024"):  # the earlier years the milestones read
        shutil.copytree(SAMPLE_INPUTS / year, root / year)
    run = CliRunner().invoke
    first = run(main, ["collect", "2025H1", str(returns), "--out", str(root),
                       "--issuance", str(ISSUANCE)])  # fmt: skip
    assert first.exit_code == 0, first.output
    assert "2025年上半年填报表汇总" in first.output and "催报名单（0个）：无" in first.output
    # The city table is the office's own (no unit returns it): put beside the merge, it is
    # carried over when collect runs again.
    shutil.copy(SAMPLE_INPUTS / "2025H1" / "全市指标_2025H1.xlsx", root / "2025H1")
    again = run(main, ["collect", "2025H1", str(returns), "--out", str(root)])
    assert again.exit_code == 0, again.output
    assert (root / "2025H1" / "全市指标_2025H1.xlsx").is_file()
    assert _hashes(returns) == before  # nothing a unit sent is touched
    for inputs, out in ((SAMPLE_INPUTS, "直接"), (root, "汇总")):
        done = run(main, ["progress", "2025H1", "--inputs", str(inputs),
                          "--out", str(tmp_path / out)])  # fmt: skip
        assert done.exit_code == 0, done.output
    direct, merged = (_records(tmp_path / o / "progress.json") for o in ("直接", "汇总"))
    assert merged["statuses"] == direct["statuses"] and len(direct["statuses"]) > 0
    assert merged["ledger"] == direct["ledger"] and len(direct["ledger"]) > 0
    assert merged == direct
    # Every merged figure names the returned file and cell it came from, and so do the
    # records: the ledger's first row (task 1, 市市场监管局, its first task) is E5 of its form.
    sources = json.loads((root / "2025H1" / "数据来源.json").read_text("utf-8"))
    progress_cells = sources["汇总数据_2025H1.xlsx"]["任务进展"]
    assert all(c["file"].startswith("2025年上半年") and c["sheet"] == "重点任务"
               for c in progress_cells.values())  # fmt: skip
    ledger = json.loads((tmp_path / "汇总" / "progress.json").read_text("utf-8"))["ledger"]
    assert (ledger[0]["no"], ledger[0]["unit"]) == (1, "市市场监管局")
    form = period_form_name(H1, "市市场监管局")
    assert ledger[0]["source"].endswith(f"（来自报送文件 {form} › 重点任务 › E5）")


def test_a_bad_status_word_is_located_and_sent_back(tmp_path):
    returns = _prefilled(tmp_path)
    path = returns / period_form_name(H1, "市市场监管局")
    wb = load_workbook(path)
    tasks = wb["重点任务"]
    row = next(r for r in range(5, tasks.max_row + 1) if tasks.cell(r, 2).value == 1)
    tasks.cell(row, 5).value = "快完成了"
    wb.save(path)
    before = _hashes(returns)
    done = collect_period("2025H1", returns, tmp_path / "数据", issuance_file=ISSUANCE)
    status = next(s for s in done.statuses if s.unit == "市市场监管局")
    assert status.status == "有问题"
    [problem] = [p for p in status.problems if p.code == "bad-progress-status"]
    assert (problem.sheet, problem.row, problem.column) == ("重点任务", row, "E")
    assert problem.unit == "市市场监管局" and problem.indicator == "任务1"
    assert "快完成了" in problem.message and problem.file == path.name
    letter = tmp_path / "数据" / "2025H1" / "退回意见" / "退回意见_2025H1_市市场监管局.xlsx"
    sheet = load_workbook(letter).active
    assert sheet["A1"].value == "2025年上半年质量工作考核数据填报退回意见"
    assert any("快完成了" in str(c.value) for row in sheet.iter_rows() for c in row)
    state = json.loads((tmp_path / "数据" / "2025H1" / "汇总状态.json").read_text("utf-8"))
    assert state["period"] == "2025H1" and not state["complete"]
    assert _hashes(returns) == before
    result = CliRunner().invoke(main, ["collect", "2025H1", str(returns),
                                       "--out", str(tmp_path / "数据")])  # fmt: skip
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "2025年上半年有1份未完成" in result.output


def test_a_year_form_in_a_period_collection_is_stale_and_the_reverse(tmp_path):
    year_forms, period_forms = tmp_path / "年度", tmp_path / "年内"
    make_forms(2025, year_forms, issuance_file=ISSUANCE)
    make_period_forms("2025H1", period_forms, issuance_file=ISSUANCE)
    mixed = tmp_path / "收件箱"
    mixed.mkdir()
    shutil.copy(year_forms / "2025年度质量工作考核数据填报表_宁晋县.xlsx", mixed)
    done = collect_period("2025H1", mixed, tmp_path / "数据")
    [status] = [s for s in done.statuses if s.unit == "宁晋县"]
    [stale] = [p for p in status.problems if p.code == "stale-form"]
    assert stale.message == "这是2025年度的填报表，不是2025年上半年的"
    back = tmp_path / "收件箱2"
    back.mkdir()
    shutil.copy(period_forms / period_form_name(H1, "宁晋县"), back)
    done = collect(2025, back, tmp_path / "数据")
    [status] = [s for s in done.statuses if s.unit == "宁晋县"]
    [stale] = [p for p in status.problems if p.code == "stale-form"]
    assert stale.message == "这是2025年上半年的填报表，不是2025年度的"
    assert "2025年上半年新下发" not in stale.hint and "2025年度新下发" in stale.hint
