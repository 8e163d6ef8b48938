"""The command line on the embedded sample inputs: success, each error family, reruns."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_INPUTS
from openpyxl import load_workbook
from syrupy.extensions.json import JSONSnapshotExtension

from evalgen.cli import main

COUNTY_BOOK = "2024/县区考核数据_2024.xlsx"


def run(*args):
    if args[0] == "score" and "--docs" not in args:
        args = (*args, "--no-docs")  # the documents have their own tests (test_documents.py)
    args = [a for a in args if a != "--docs"]
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code != 70 and "内部错误" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def find_cell(path: Path, sheet: str, text: str):
    wb = load_workbook(path)
    for row in wb[sheet].iter_rows():
        for cell in row:
            if cell.value == text:
                return wb, cell
    raise AssertionError(f"{text} not in {path}")


@pytest.fixture
def out(tmp_path):
    return tmp_path / "out" / "2024"


@pytest.mark.slow
def test_score_prints_the_summary_and_writes_the_files(sample_copy, out):
    result = run("score", 2024, "--inputs", sample_copy, "--out", out)
    assert result.exit_code == 0, result.output
    assert "2024年度质量工作考核评分完成" in result.output
    assert "县（市、区）（20个）：A " in result.output
    assert "市直部门（24个）" in result.output
    assert "书面报告并限期整改（" in result.output and "约谈（" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "results.json",
        "考核结果_2024.xlsx",
    ]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    units = [u for g in results["groups"] for u in g["units"]]
    assert len(units) == 44
    for unit in units:
        for ind in unit["indicators"]:
            assert {
                "id",
                "name",
                "value",
                "target",
                "rule",
                "params",
                "points",
                "score",
                "source",
            } <= set(ind)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["outputs"]) == {"results.json", "考核结果_2024.xlsx"}
    assert any(k.startswith("2023/") for k in manifest["inputs"])  # history used for rank change
    assert "2024/发文信息.yaml" in manifest["inputs"]
    assert len(manifest["model"]["sha256"]) == 64


@pytest.mark.slow
def test_results_workbook_has_a_sheet_per_group_and_details(sample_copy, out):
    assert run("score", 2024, "--inputs", sample_copy, "--out", out).exit_code == 0
    wb = load_workbook(out / "考核结果_2024.xlsx")
    assert wb.sheetnames == [
        "县（市、区）",
        "市直部门",
        "指标明细",
        "加减分及否决",
        "约谈及整改",
        "说明",
    ]
    assert wb["县（市、区）"].max_row == 21 and wb["市直部门"].max_row == 25
    assert wb["县（市、区）"]["A1"].value == "排名"


# The sample year's units whose whole results.json record is kept as a snapshot, one JSON file
# each (__snapshots__/test_cli/test_sample_unit_snapshot[<id>].json). Together they show every
# rule and every special case: test_snapshot_units_cover_every_case checks it on the results.
SNAPSHOT_UNITS = {
    "qinghe": "清河县",  # bonus 5.5 over the cap of 5
    "ningjin": "宁晋县",  # a safety-floor indicator below target: summoned
    "baixiang": "柏乡县",  # tied with 新河县 at 92.95
    "xinhe": "新河县",
    "xingdong": "邢东新区",  # an indicator the unit entered as 不适用
    "guangzong": "广宗县",  # penalties, grade D, bottom three two years running
    "pingxiang": "平乡县",  # a veto
    "minzheng": "市民政局",  # a department owning no plan indicator; bottom three twice
}
ALL_RULES = {"threshold", "linear", "ratio", "deduct", "evaluated", "rank", "relative"}


@pytest.fixture(scope="module")
def sample_results(tmp_path_factory) -> dict:
    """results.json of the embedded sample year 2024, scored once for the snapshot tests.

    One run serves them all, so they are not marked slow: `make test-fast` sees any change."""
    out = tmp_path_factory.mktemp("snapshot") / "2024"
    assert run("score", 2024, "--inputs", SAMPLE_INPUTS, "--out", out).exit_code == 0
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def units_by_name(results: dict) -> dict[str, dict]:
    return {u["unit"]: u for g in results["groups"] for u in g["units"]}


@pytest.mark.parametrize("name", SNAPSHOT_UNITS.values(), ids=SNAPSHOT_UNITS.keys())
def test_sample_unit_snapshot(sample_results, name, snapshot):
    unit = units_by_name(sample_results)[name]
    assert unit == snapshot.use_extension(JSONSnapshotExtension)


def test_snapshot_units_cover_every_case(sample_results):
    everyone = units_by_name(sample_results).values()
    chosen = [units_by_name(sample_results)[name] for name in SNAPSHOT_UNITS.values()]

    def rules(units):
        return {ind["rule"] for u in units for ind in u["indicators"]}

    def triggers(units):
        return {t["rule"] for u in units for t in u["triggers"]}

    def who(test) -> set[str]:
        return {u["unit"] for u in chosen if test(u)}

    assert rules(chosen) == rules(everyone) == ALL_RULES
    assert triggers(chosen) == triggers(everyone)
    assert triggers(chosen) == {"safety_floor", "veto", "grade_d", "bottom3", "bottom3_twice"}
    entered_na = who(lambda u: any(i["na_reason"] == "单位填报不适用" for i in u["indicators"]))
    assert entered_na == {"邢东新区"}
    assert who(lambda u: any(not c["applicable"] for c in u["categories"])) == {"市民政局"}
    cap = sample_results["bonus_cap"]
    assert who(lambda u: u["bonus"] > u["bonus_applied"] == cap) == {"清河县"}
    assert who(lambda u: u["penalty"] > 0) == {"广宗县"}
    assert who(lambda u: u["veto"]) == {"平乡县"}
    assert who(lambda u: u["grade"] == "D" and not u["veto"]) == {"广宗县"}
    tied = [(u["group"], u["rank"], u["total"]) for u in chosen]
    assert who(lambda u: tied.count((u["group"], u["rank"], u["total"])) == 2) == {
        "柏乡县",
        "新河县",
    }
    assert {u["total"] for u in chosen if u["unit"] in ("柏乡县", "新河县")} == {92.95}
    twice = who(lambda u: any(t["rule"] == "bottom3_twice" for t in u["triggers"]))
    assert twice == {"广宗县", "市民政局"}
    assert who(lambda u: any(t["rule"] == "safety_floor" for t in u["triggers"])) == {"宁晋县"}


def year_summary(results: dict) -> dict:
    """The whole year in a few lines: the run's header and one line per unit (rank, unit,
    total, grade, follow-ups), so that no unit's result changes unnoticed."""
    summary = {k: v for k, v in results.items() if k != "groups"}
    for group in results["groups"]:
        lines = []
        for u in group["units"]:
            followups = ", ".join(f"{t['rule']} {t['kind']}" for t in u["triggers"]) or "—"
            lines.append(
                f"{u['rank']:>2} | {u['unit']} | {u['total']:.2f} | {u['grade']} | {followups}"
            )
        summary[group["key"]] = {
            **{k: v for k, v in group.items() if k != "units"},
            "units": lines,
        }
    return summary


def test_sample_year_summary_snapshot(sample_results, snapshot):
    assert year_summary(sample_results) == snapshot


@pytest.mark.slow
def test_two_runs_give_byte_identical_files_whatever_the_jobs(sample_copy, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert (
        run("score", 2024, "--inputs", sample_copy, "--out", a, "--docs", "--jobs", 1).exit_code
        == 0
    )
    assert (
        run("score", 2024, "--inputs", sample_copy, "--out", b, "--docs", "--jobs", 2).exit_code
        == 0
    )
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(files) == 3 + 1 + 44 + 4  # xlsx, json ×2, bulletin, reports, notices
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.slow
def test_rerun_keeps_the_previous_run_aside(sample_copy, out):
    assert run("score", 2024, "--inputs", sample_copy, "--out", out).exit_code == 0
    first = (out / "results.json").read_bytes()
    result = run("score", 2024, "--inputs", sample_copy, "--out", out)
    assert result.exit_code == 0
    kept = out.with_name("2024.prev-1")
    assert f"上次运行的结果已保留在：{kept}" in result.output
    assert (kept / "results.json").read_bytes() == first
    assert not [p for p in out.parent.iterdir() if ".partial" in p.name]


@pytest.mark.slow
def test_failed_run_leaves_previous_output_untouched(sample_copy, out):
    assert run("score", 2024, "--inputs", sample_copy, "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    wb, cell = find_cell(sample_copy / COUNTY_BOOK, "县区指标", "宁晋县")
    cell.value = "宁金县"
    wb.save(sample_copy / COUNTY_BOOK)
    assert run("score", 2024, "--inputs", sample_copy, "--out", out).exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["2024"]


@pytest.mark.slow
def test_misspelt_unit_gives_a_located_error_with_a_suggestion(sample_copy, out):
    wb, cell = find_cell(sample_copy / COUNTY_BOOK, "县区指标", "宁晋县")
    ref = cell.coordinate
    cell.value = "宁金县"
    wb.save(sample_copy / COUNTY_BOOK)
    result = run("score", 2024, "--inputs", sample_copy, "--out", out)
    assert result.exit_code == 2
    assert (
        f"县区考核数据_2024.xlsx › 县区指标 › {ref}单元格（宁金县）：单位“宁金县”不在考核对象名单中"
        in result.stderr
    )
    assert "是否应为“宁晋县”" in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_non_numeric_cell_gives_a_located_error(sample_copy, out):
    path = sample_copy / COUNTY_BOOK
    wb, unit_cell = find_cell(path, "县区指标", "宁晋县")
    ws = wb["县区指标"]
    header = next(
        c
        for row in ws.iter_rows(max_row=10)
        for c in row
        if str(c.value).startswith("食品安全评价性")
    )
    target = ws.cell(unit_cell.row, header.column)
    target.value = "九十八"
    wb.save(path)
    result = run("validate", 2024, "--inputs", sample_copy)
    assert result.exit_code == 2
    assert (
        f"县区指标 › {target.coordinate}单元格（宁晋县 / 食品安全评价性抽检合格率）"
        in result.stderr
    )
    assert "“九十八”" in result.stderr


@pytest.mark.slow
def test_validate_writes_nothing(sample_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("validate", 2024, "--inputs", sample_copy)
    assert result.exit_code == 0, result.output
    assert "2024年度数据检查通过" in result.output
    assert list(tmp_path.iterdir()) == [sample_copy]


@pytest.mark.slow
def test_explain_shows_every_indicator_with_its_source(sample_copy):
    result = run("explain", 2024, "宁晋县", "--inputs", sample_copy)
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("宁晋县 2024年度质量工作考核得分说明")
    assert "四舍五入保留2位小数" in text
    for name in ("制造业产品质量合格率", "食品安全评价性抽检合格率", "组织领导与工作机制"):
        assert name in text
    assert text.count("县区考核数据_2024.xlsx › 县区指标 › ") >= 15
    assert "【加减分及一票否决】" in text and "【约谈及整改】" in text


@pytest.mark.slow
def test_explain_department_lists_its_tasks(sample_copy):
    result = run("explain", 2024, "市科技局", "--inputs", sample_copy)
    assert result.exit_code == 0, result.output
    assert "任务5 推动政产学研用融合创新（牵头，权重1）" in result.output
    assert "重点任务 › " in result.output


@pytest.mark.slow
def test_explain_unknown_unit(sample_copy):
    result = run("explain", 2024, "宁金县", "--inputs", sample_copy)
    assert result.exit_code == 2
    assert "单位“宁金县”不在考核对象名单中" in result.stderr


def test_broken_model_file_exit_code_3(sample_copy, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ngroups: [\n", encoding="utf-8")
    result = run("score", 2024, "--inputs", sample_copy, "--model", bad, "--out", tmp_path / "o")
    assert result.exit_code == 3
    assert "bad.yaml 的 YAML 格式有误" in result.stderr and "第3行" in result.stderr


def test_year_outside_the_model(sample_copy, tmp_path):
    shutil.copytree(sample_copy / "2024", sample_copy / "2030")
    result = run("validate", 2030, "--inputs", sample_copy)
    assert result.exit_code == 3
    assert "不适用于2030年度（适用年度：2023、2024、2025、2026、2027）" in result.stderr
    result = run("score", 2019, "--inputs", sample_copy, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "找不到2019年度的数据文件夹" in result.stderr


@pytest.mark.slow
def test_unwritable_output_is_a_clear_error(sample_copy, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("score", 2024, "--inputs", sample_copy, "--out", blocker / "2024")
    assert result.exit_code == 4
    assert "无法创建输出文件夹" in result.stderr


def test_help_is_chinese_with_examples():
    result = run("score", "--help")
    assert "示例" in result.output and "evalgen score 2024" in result.output
    assert "数据文件夹" in result.output


@pytest.mark.slow
def test_an_existing_folder_that_is_not_a_run_is_never_moved(sample_copy, tmp_path):
    precious = tmp_path / "工作文件夹"
    precious.mkdir()
    (precious / "草稿.docx").write_bytes(b"mine")
    result = run("score", 2024, "--inputs", sample_copy, "--out", precious)
    assert result.exit_code == 4
    assert "已存在，但不是 evalgen 的运行结果" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs", "工作文件夹"]
    assert (precious / "草稿.docx").read_bytes() == b"mine"


@pytest.mark.slow
def test_issuance_file_problems_fail_validate_with_the_line(sample_copy):
    path = sample_copy / "2024" / "发文信息.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("约谈地点:", "约谈地址:"), encoding="utf-8"
    )
    result = run("validate", 2024, "--inputs", sample_copy)
    assert result.exit_code == 2
    assert "不认识的项目“约谈地址”" in result.stderr and "是否应为“约谈地点”" in result.stderr


@pytest.mark.slow
def test_workbook_totals_show_two_decimals_and_headers_stand_out(sample_copy, out):
    assert run("score", 2024, "--inputs", sample_copy, "--out", out).exit_code == 0
    ws = load_workbook(out / "考核结果_2024.xlsx")["县（市、区）"]
    assert ws["C1"].value == "总分" and ws["C2"].number_format == "0.00"
    assert ws["A1"].font.b and ws.freeze_panes == "A2"


def test_clicks_own_words_are_chinese_too():
    result = CliRunner().invoke(main, ["score", "二〇二四"])
    assert result.exit_code == 2
    assert "错误：" in result.output and "不是有效的数字" in result.output
    assert "Usage" not in result.output and "Error" not in result.output
    help_text = CliRunner().invoke(main, ["score", "--help"]).output
    assert "用法：" in help_text and "选项:" in help_text and "显示本帮助并退出" in help_text


@pytest.mark.slow
def test_a_scored_run_still_explains_its_units(sample_copy, out):
    """A Python caller can still ask a scored run for this year's lines (its exact view);
    earlier years keep totals and ranks only."""
    from evalgen import pipeline
    from evalgen.outputs.explain import explain_unit
    from evalgen.scoring.scored import YearLines, YearResult

    done = pipeline.score(2024, sample_copy, out_dir=out, documents=False)
    evaluation = done.evaluation
    model = evaluation.loaded.model
    text = explain_unit(model, evaluation.result, evaluation.lines, "宁晋县")
    assert "宁晋县" in text and "食品" in text
    past = evaluation.history[2023].unit("宁晋县")
    assert past.rank >= 1
    with pytest.raises(AttributeError):
        past.indicators  # noqa: B018 - an earlier year's result has no lines
    # the one exact view the run holds is this year's: none is kept for 2023
    assert all(type(y) is YearResult for y in evaluation.history.values())
    views = [v for v in vars(evaluation).values() if isinstance(v, YearLines)]
    assert views == [evaluation.lines] and evaluation.lines.year == 2024


def test_help_and_errors_name_things_in_chinese():
    help_text = CliRunner().invoke(main, ["score", "--help"]).output
    assert "score [选项] 年度" in help_text
    assert "--inputs 文件夹" in help_text and "-j, --jobs 进程数" in help_text
    assert "DIRECTORY" not in help_text and "INTEGER" not in help_text and "x>=1" not in help_text
    zero = CliRunner().invoke(main, ["score", "2024", "-j", "0"])
    assert zero.exit_code == 2 and "至少为 1" in zero.output


@pytest.mark.slow
def test_validate_checks_an_issuance_file_kept_elsewhere(sample_copy, tmp_path):
    moved = tmp_path / "发文信息_2024.yaml"
    (sample_copy / "2024" / "发文信息.yaml").rename(moved)
    assert run("validate", 2024, "--inputs", sample_copy).exit_code == 2  # not where expected
    assert run("validate", 2024, "--inputs", sample_copy, "--issuance", moved).exit_code == 0


@pytest.mark.slow
def test_the_embedded_sample_is_named_when_no_inputs_are_given(tmp_path):
    """A wheel user in a folder with their own 2024/ who forgets --inputs is told."""
    from evalgen.resources import DEFAULT_INPUTS

    result = CliRunner().invoke(main, ["validate", "2024"])
    assert result.exit_code == 0, result.output
    assert f"提示：未指定 --inputs，使用随程序提供的示例数据（{DEFAULT_INPUTS}）。" in result.stderr
    assert "示例数据" not in result.stdout
    given = CliRunner().invoke(main, ["validate", "2024", "--inputs", str(DEFAULT_INPUTS)])
    assert given.exit_code == 0 and "示例数据" not in given.output


@pytest.mark.slow
def test_a_hidden_sheet_behind_errors_is_named_with_them(sample_copy):
    """A hidden copy of the county table in the departments' workbook: every duplicate says
    it is in a hidden sheet, and the hidden-sheet notice follows the problems."""
    from badfiles import COUNTY_BOOK as COUNTIES
    from badfiles import COUNTY_SHEET, DEPARTMENT_BOOK, book, edit, sheet_rows

    rows = sheet_rows(book(sample_copy, COUNTIES), COUNTY_SHEET)

    def add_hidden_copy(wb):
        ws = wb.create_sheet(COUNTY_SHEET)
        for row in rows:
            ws.append(row)
        ws.sheet_state = "hidden"

    edit(book(sample_copy, DEPARTMENT_BOOK), add_hidden_copy)
    result = run("validate", 2024, "--inputs", sample_copy)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "2024年度数据有20处问题，请逐一修改后重新运行"
    problems = [line for line in lines if line.startswith("  ")]
    assert len(problems) == 20
    assert all("重复填报" in line for line in problems)
    assert all(
        line.split(". ", 1)[1].startswith(f"{DEPARTMENT_BOOK} › 县区指标（隐藏的工作表） › B")
        for line in problems
    )
    assert lines[21:] == [
        f"提示：{DEPARTMENT_BOOK} › 县区指标：该工作表是隐藏的，已照常读取。"
        "如其中数据不应参与考核，请删除该工作表"
    ]


def test_notices_follow_the_problems_of_a_failed_run():
    from evalgen.problems import InputError, Problem

    error = InputError(
        "2024年度数据有2处问题，请逐一修改后重新运行",
        [
            Problem("不是数字", file="甲.xlsx", sheet="县区指标", row=5, column="C", code="x"),
            Problem("不是数字", file="乙.xlsx", sheet="县区指标", row=6, column="D", code="x"),
        ],
        notices=[
            Problem("该工作表是隐藏的", file="乙.xlsx", sheet="县区指标", code="hidden-sheet"),
            Problem("第5行是隐藏的行", file="甲.xlsx", sheet="县区指标", row=5, code="hidden-row"),
        ],
    )
    assert error.render().splitlines() == [
        "2024年度数据有2处问题，请逐一修改后重新运行",
        "  1. 甲.xlsx › 县区指标 › C5单元格：不是数字",
        "  2. 乙.xlsx › 县区指标（隐藏的工作表） › D6单元格：不是数字",
        "提示：乙.xlsx › 县区指标：该工作表是隐藏的",
        "提示：甲.xlsx › 县区指标 › 第5行：第5行是隐藏的行",
    ]
    assert [r["sheet"] for r in error.records()] == ["县区指标"] * 4  # records keep the name
