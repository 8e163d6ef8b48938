"""`evalgen diff`: every change between two run folders of one year, each with its cause.

Expected values by hand from the 2024 sample inputs and the model (xingtai-2023-2027.yaml).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_INPUTS
from openpyxl import load_workbook

from evalgen import pipeline
from evalgen.cli import main
from evalgen.outputs.diff import diff_runs
from evalgen.problems import InputError

FILE = "2024/县区考核数据_2024.xlsx"
CAUSE = f"输入文件变化：{FILE}"
FOOD = "食品安全评价性抽检合格率"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample year scored as shipped (A), and from a copy of its inputs in which 宁晋县's
    食品安全评价性抽检合格率 (县区指标 E14) is 98.30 instead of 97.96 (B)."""
    base = tmp_path_factory.mktemp("diff")
    inputs = base / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    path = inputs / FILE
    wb = load_workbook(path)
    ws = wb["县区指标"]
    assert (ws["B14"].value, ws["E3"].value, ws["E14"].value) == (
        "宁晋县",
        "食品安全评价性抽检合格率（%）",
        97.96,
    )
    ws["E14"] = 98.30
    wb.save(path)
    a = pipeline.score(2024, out_dir=base / "a", documents=False).folder
    b = pipeline.score(2024, inputs, out_dir=base / "b", documents=False).folder
    return a, b


@pytest.mark.slow
def test_the_diff_of_a_run_with_itself_is_empty(runs):
    a, _ = runs
    diff = diff_runs(a, a)
    assert diff.empty and diff.sources == () and diff.year == 2024
    done = CliRunner().invoke(main, ["diff", str(a), str(a)])
    assert done.exit_code == 0, done.output
    assert done.output.strip().endswith("考核结果无变化")


@pytest.mark.slow
def test_a_raised_figure_lists_exactly_its_consequences_and_the_changed_file(runs):
    a, b = runs
    diff = diff_runs(a, b)
    assert diff.sources == (CAUSE,)
    # 扣完为止: 0.5 per 0.1 below the target 98.25: 97.96 lost (98.25 − 97.96) / 0.1 × 0.5 =
    # 1.45 of 5 (3.55); 98.30 meets the target: 5. The total 90.90 + 1.45 = 92.35 passes
    # 南宫市 (91.75, 6th) and no one else (信都区 93.15, 柏乡县 and 新河县 92.95 stay ahead);
    # the grade stays A (≥ 90). The 约谈 of the safety floor (below target) goes.
    floor = "食品安全评价性抽检合格率为97.96%，低于2024年度目标98.25%"
    assert [(c.unit, c.kind, c.item, c.before, c.after) for c in diff.changes] == [
        ("南宫市", "名次", "", "第6位", "第7位"),
        ("宁晋县", "完成值", FOOD, "97.96%", "98.3%"),
        ("宁晋县", "指标得分", FOOD, "3.55", "5"),
        ("宁晋县", "总分", "", "90.90", "92.35"),
        ("宁晋县", "名次", "", "第7位", "第6位"),
        ("宁晋县", "约谈", floor, "列入", "不列入"),
    ]
    assert {c.cause for c in diff.changes} == {CAUSE}
    assert {c.group for c in diff.changes} == {"县（市、区）"}


@pytest.mark.slow
def test_the_command_prints_an_aligned_table_and_writes_the_same_workbook_twice(runs, tmp_path):
    a, b = runs
    done = CliRunner().invoke(main, ["diff", str(a), str(b), "--xlsx", str(tmp_path / "1.xlsx")])
    assert done.exit_code == 0, done.output
    assert "考核结果有6处变化，涉及2个单位：" in done.output and "无变化" not in done.output
    table = [
        ln for ln in done.output.splitlines() if "宁晋县" in ln or ln.lstrip().startswith("组别")
    ]
    assert len(table) == 6
    # aligned for CJK widths: the 原因 column starts at one display column on every row
    starts = [_display_width(ln[: ln.index("输入文件变化" if "宁晋县" in ln else "原因")])
              for ln in table]  # fmt: skip
    assert len(set(starts)) == 1
    pipeline.diff(a, b, tmp_path / "2.xlsx")
    assert (tmp_path / "1.xlsx").read_bytes() == (tmp_path / "2.xlsx").read_bytes()
    rows = list(load_workbook(tmp_path / "1.xlsx")["变化明细"].values)
    assert rows[0] == ("组别", "单位", "变化", "项目", "原值", "新值", "原因")
    assert rows[3] == ("县（市、区）", "宁晋县", "指标得分", FOOD, "3.55", "5", CAUSE)
    assert len(rows) == 7


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_a_folder_that_is_not_a_run_exits_2_naming_what_is_missing(tmp_path):
    run = _fake_run(tmp_path / "run", 2024)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "results.json").write_text("{}", encoding="utf-8")
    done = CliRunner().invoke(main, ["diff", str(run), str(tmp_path / "other")])
    assert done.exit_code == 2
    assert f"{tmp_path / 'other'} 不是 evalgen 的评分结果文件夹" in done.output
    assert "缺少 manifest.json" in done.output and "Traceback" not in done.output
    with pytest.raises(InputError) as caught:
        diff_runs(tmp_path / "nowhere", run)
    assert [(p.code, p.file) for p in caught.value.problems] == [
        ("not-a-run", str(tmp_path / "nowhere"))
    ]


def test_a_results_file_that_is_not_json_is_named(tmp_path):
    run = _fake_run(tmp_path / "run", 2024)
    broken = _fake_run(tmp_path / "broken", 2024)
    (broken / "results.json").write_text("{", encoding="utf-8")
    done = CliRunner().invoke(main, ["diff", str(run), str(broken)])
    assert done.exit_code == 2
    assert f"{broken / 'results.json'}：不是有效的 JSON" in done.output


def test_runs_of_different_years_exit_2(tmp_path):
    a, b = _fake_run(tmp_path / "a", 2023), _fake_run(tmp_path / "b", 2024)
    done = CliRunner().invoke(main, ["diff", str(a), str(b)])
    assert done.exit_code == 2
    assert "两次运行的考核年度不同（2023年度、2024年度），无法比较" in done.output
    with pytest.raises(InputError) as caught:
        diff_runs(a, b)
    assert [(p.code, p.file) for p in caught.value.problems] == [
        ("runs-differ-in-year", str(a / "results.json")),
        ("runs-differ-in-year", str(b / "results.json")),
    ]


def test_a_model_change_is_named_and_templates_never_explain_a_result(tmp_path):
    a, b = _fake_run(tmp_path / "a", 2024), _fake_run(tmp_path / "b", 2024, total=80.5)
    manifest = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
    manifest["model"]["sha256"] = "1" * 64
    manifest["templates"] = {"bulletin.docx": "2" * 64}
    (b / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    diff = diff_runs(a, b)
    assert diff.sources == ("考核细则变化：m.yaml", "模板变化：bulletin.docx")
    assert [(c.unit, c.kind, c.before, c.after, c.cause) for c in diff.changes] == [
        ("甲县", "总分", "80.00", "80.50", "考核细则变化：m.yaml"),
    ]


def _fake_run(folder: Path, year: int, total: float = 80) -> Path:
    """A hand-written run folder: one group, one unit with no indicators."""
    folder.mkdir(parents=True)
    unit = {
        "unit": "甲县", "group_name": "县", "indicators": [], "total": total, "grade": "B",
        "grade_name": "良好", "rank": 1, "triggers": [],
    }  # fmt: skip
    results = {"year": year, "groups": [{"name": "县", "units": [unit]}]}
    manifest = {
        "evalgen_version": "0.1.0", "year": year, "model": {"file": "m.yaml", "sha256": "0" * 64},
        "inputs": {f"{year}/a.xlsx": "3" * 64}, "templates": {},
    }  # fmt: skip
    (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False), "utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return folder
