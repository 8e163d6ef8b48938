"""Units renamed over the years (`formerly:`): the names in force, history across a rename,
inputs under a former name, and invalid declarations located to their line.

The tiny model (tests/fixtures/mini_model.yaml) with two renames from 2024: 丙县 → 新丙区 (a
county) and 乙局 → 新乙局 (a department whose key tasks still name it 乙局, as the plan does).
Expected figures are those of test_engine.py, worked by hand there and repeated here.
"""

import json
from pathlib import Path

import pytest
from conftest import COUNTY_ROWS, MINI_MODEL, mini_year
from test_engine import COUNTIES_2023, COUNTIES_2024, EVENTS_2024, departments

from evalgen.inputs.year import YearInputs, read_year
from evalgen.model.loader import load_model
from evalgen.model.names import model_for_year, other_names
from evalgen.outputs.diff import diff_runs
from evalgen.outputs.results import build_results
from evalgen.problems import InputError, ModelError
from evalgen.scoring.engine import score_year
from evalgen.scoring.followups import apply_followups

MINI_TEXT = MINI_MODEL.read_text(encoding="utf-8")
RENAMED_TEXT = MINI_TEXT.replace(
    "    units: [甲县, 乙县, 丙县, 丁县, 戊县]\n",
    "    units: [甲县, 乙县, 新丙区, 丁县, 戊县]\n"
    "    formerly:\n"
    "      新丙区: [{name: 丙县, until: 2023}]\n",
).replace(
    "    units: [甲局, 乙局]\n",
    "    units: [甲局, 新乙局]\n    formerly:\n      新乙局:\n        - {name: 乙局, until: 2023}\n",
)
NEW = {"丙县": "新丙区", "乙局": "新乙局"}


def load_text(tmp_path: Path, text: str):
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    return load_model(path)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return load_text(tmp_path_factory.mktemp("model"), RENAMED_TEXT).model


def inputs(year: int, counties: dict, events=(), names: dict | None = None) -> YearInputs:
    """test_engine's inputs, each unit under `names` (its name in force that year)."""
    figures, tasks = departments()
    figures.update(counties)
    names = names or {}
    return YearInputs(
        year,
        Path("."),
        figures={names.get(u, u): f for u, f in figures.items()},
        tasks={names.get(u, u): t for u, t in tasks.items()},
        events=list(events),
    )


@pytest.fixture(scope="module")
def years(model):
    """2023 under the old names, 2024 under the new ones, each followed up."""
    y2023 = score_year(model, inputs(2023, COUNTIES_2023)).result
    history = {2023: apply_followups(model, y2023, {})}
    y2024, lines = score_year(model, inputs(2024, COUNTIES_2024, EVENTS_2024, NEW), y2023)
    return history[2023], apply_followups(model, y2024, history), lines


def test_each_year_reads_the_names_in_force(model):
    v2023, v2024 = model_for_year(model, 2023), model_for_year(model, 2024)
    assert v2023.groups["g"].units == ["甲县", "乙县", "丙县", "丁县", "戊县"]
    assert v2024.groups["g"].units == ["甲县", "乙县", "新丙区", "丁县", "戊县"]
    # the tasks name 乙局 in the file; each year's view names the unit as it is called then
    assert [t.units for t in v2023.groups["d"].tasks] == [["甲局", "乙局"], ["乙局"]]
    assert [t.units for t in v2024.groups["d"].tasks] == [["甲局", "新乙局"], ["新乙局"]]
    assert v2024.resolve_unit("丙县") == "新丙区"  # explain 2024 丙县 finds the unit
    assert other_names(model, 2024) == {"丙县": ("g", "新丙区"), "乙局": ("d", "新乙局")}
    plain = load_model(MINI_MODEL).model
    assert model_for_year(plain, 2024) is plain  # nothing renamed: the model itself


def test_renamed_unit_keeps_its_previous_rank_and_rank_change(years):
    y2023, y2024, _ = years
    # 2023 totals: 甲县 100, 戊县 96, 乙县 90, 丁县 65, 丙县 50 → 丙县 5th.
    assert y2023.unit("丙县").rank == 5 and y2023.unit("新丙区") is None
    # 2024: 甲县 90.00 (1st), 乙县 and 丁县 80 (2nd, tied), 丙 55 (4th), 戊县 vetoed (5th).
    r = y2024.unit("新丙区")
    assert y2024.unit("丙县") is None
    assert (r.rank, r.previous_rank, r.rank_change) == (4, 5, 1)  # 5 − 4 = up 1
    # the department: 2023 乙局 2nd of 2 (below 甲局), so 新乙局's previous rank is 2
    assert y2024.unit("新乙局").previous_rank == y2023.unit("乙局").rank


def test_tasks_naming_the_former_name_still_score_the_unit(years):
    _, y2024, lines = years
    # 新乙局 leads T02 (50) and co-leads T01 (80): (0.5 × 80 + 1 × 50) / 1.5 = 60
    by_id = {ln.indicator.id: ln for ln in lines.unit_lines(y2024.unit("新乙局")).indicators}
    assert by_id["key_tasks"].value == 60


def test_consecutive_bottom_two_fires_across_the_rename(years):
    _, y2024, _ = years
    # 2023 bottom two: 丙县 5th, 丁县 4th; 2024 bottom two: 戊县 5th (veto), 新丙区 4th.
    reasons = {t.rule_id: t.reason for t in y2024.unit("新丙区").triggers}
    assert reasons["bottom_twice"] == "连续两年位列测试组后两名（2023年第5位、2024年第4位）"


def test_a_former_name_in_the_inputs_is_read_with_a_notice(tmp_path, model):
    folder = mini_year(tmp_path)  # 2024 written with the old names 丙县 and 乙局
    year = read_year(model, folder / "2024", 2024)
    assert year.figures["新丙区"]["pass_rate"].value == 90  # 丙县's row: 90, 5, 20, 20
    assert set(year.tasks["新乙局"]) == {"T01", "T02"}
    notices = [p for p in year.warnings if p.code == "former-unit-name"]
    # 县区数据: two title rows, the header on row 3, 丙县 the third unit → row 6, column B
    county = next(p for p in notices if p.unit == "新丙区")
    assert (county.file, county.sheet, county.row, county.column) == (
        "县区数据_2024.xlsx",
        "测试指标",
        6,
        "B",
    )
    assert county.severity == "warning"
    assert "丙县" in county.message and "新丙区" in county.message
    # 乙局 appears in 部门指标 (row 3) and twice in 重点任务 (rows 3, 4)
    assert sorted((p.sheet, p.row) for p in notices if p.unit == "新乙局") == [
        ("部门指标", 3),
        ("重点任务", 3),
        ("重点任务", 4),
    ]


def test_a_former_name_two_units_had_is_an_error(tmp_path):
    text = MINI_TEXT.replace(
        "    aliases: {甲: 甲县}\n",
        "    aliases: {甲: 甲县}\n"
        "    formerly:\n"
        "      甲县: [{name: 旧县, until: 2020}]\n"
        "      丙县: [{name: 其他县, until: 2020}, {name: 旧县, until: 2022}]\n",
    )
    model = load_text(tmp_path, text).model  # 旧县: 甲县 up to 2020, 丙县 in 2021–2022
    rows = [[1, "旧县", 95, 10, 15, 15], *[r for r in COUNTY_ROWS if r[1] != "甲县"]]
    folder = mini_year(tmp_path / "in", county_rows=rows)
    with pytest.raises(InputError) as err:
        read_year(model, folder / "2024", 2024)
    problems = err.value.problems
    assert [(p.code, p.row, p.column) for p in problems][0] == ("ambiguous-former-name", 4, "B")
    # the row could not be given to a unit, so 甲县 has none
    assert [(p.code, p.unit) for p in problems[1:]] == [("unit-missing", "甲县")]


def test_results_name_a_renamed_units_former_names(years, model):
    y2023, y2024, lines = years
    records = {
        u["unit"]: u for g in build_results(model, y2024, lines, {})["groups"] for u in g["units"]
    }
    assert records["新丙区"]["former_names"] == ["丙县"]
    assert records["新乙局"]["former_names"] == ["乙局"]
    assert "former_names" not in records["甲县"]


def _run_folder(folder: Path, results: dict) -> Path:
    folder.mkdir()
    (folder / "results.json").write_text(json.dumps(results, ensure_ascii=False), "utf-8")
    manifest = {"year": 2024, "inputs": {}, "model": {"file": "m.yaml", "sha256": folder.name}}
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return folder


def test_diff_matches_a_unit_across_the_rename(tmp_path, years, model):
    """Same 2024 figures scored before and after the model declared the renames: only the
    two names change (no unit leaves, none joins, no total moves)."""
    plain = load_model(MINI_MODEL).model
    old_2023 = score_year(plain, inputs(2023, COUNTIES_2023)).result
    old, old_lines = score_year(plain, inputs(2024, COUNTIES_2024, EVENTS_2024), old_2023)
    old = apply_followups(plain, old, {2023: apply_followups(plain, old_2023, {})})
    _, y2024, lines = years
    a = _run_folder(tmp_path / "a", build_results(plain, old, old_lines, {}))
    b = _run_folder(tmp_path / "b", build_results(model, y2024, lines, {}))
    changes = diff_runs(a, b).changes
    assert [(c.unit, c.kind, c.before, c.after) for c in changes] == [
        ("新丙区", "单位名称", "丙县", "新丙区"),
        ("新乙局", "单位名称", "乙局", "新乙局"),
    ]
    assert all(c.cause == "考核细则变化：m.yaml" for c in changes)


# -- invalid declarations: located to their line -----------------------------------------------


def errors_of(tmp_path: Path, text: str) -> list:
    with pytest.raises(ModelError) as err:
        load_text(tmp_path, text)
    return err.value.problems


def _with_formerly(block: str) -> str:
    return MINI_TEXT.replace("    aliases: {甲: 甲县}\n", "    aliases: {甲: 甲县}\n" + block)


def test_a_rename_of_an_unlisted_unit_is_located(tmp_path):
    text = _with_formerly("    formerly:\n      庚县: [{name: 旧庚县, until: 2022}]\n")
    [p] = errors_of(tmp_path, text)
    assert (p.code, p.path, p.line) == (
        "rename-unknown-unit",
        "groups.g.formerly.庚县",
        line_of(text, "庚县:"),
    )


def test_two_names_ending_the_same_year_overlap(tmp_path):
    text = _with_formerly(
        "    formerly:\n"
        "      丙县:\n"
        "        - {name: 老丙县, until: 2021}\n"
        "        - {name: 旧丙县, until: 2021}\n"
    )
    [p] = errors_of(tmp_path, text)
    assert (p.code, p.path, p.line) == (
        "rename-overlap",
        "groups.g.formerly.丙县[1].until",
        line_of(text, "旧丙县"),
    )


def test_a_name_of_two_units_in_one_year_is_located(tmp_path):
    # 丙县 called 乙县 up to 2023 while 乙县 is 乙县 every year: both in 2023 and before
    text = _with_formerly("    formerly:\n      丙县:\n        - {name: 乙县, until: 2023}\n")
    [p] = errors_of(tmp_path, text)
    assert (p.code, p.path, p.line) == (
        "name-used-twice",
        "groups.g.formerly.丙县[0].name",
        line_of(text, "{name: 乙县"),
    )
    assert "2023年及以前" in p.message and "“乙县”和“丙县”" in p.message


def test_an_alias_equal_to_a_former_name_is_refused(tmp_path):
    text = _with_formerly("    formerly:\n      丙县: [{name: 甲, until: 2022}]\n")
    problems = errors_of(tmp_path, text)
    assert [(p.code, p.path, p.line) for p in problems] == [
        ("alias-is-unit-name", "groups.g.aliases.甲", line_of(text, "aliases: {甲: 甲县}"))
    ]


def test_a_rename_after_the_name_of_another_year_is_valid(tmp_path):
    """A name may pass from one unit to another in different years (甲县 until 2020, then
    丙县 from 2021): no year has it twice."""
    text = _with_formerly(
        "    formerly:\n"
        "      乙县: [{name: 旧名, until: 2020}]\n"
        "      丙县: [{name: 旧名, until: 2022}, {name: 更早名, until: 2020}]\n"
    )
    model = load_text(tmp_path, text).model
    assert model_for_year(model, 2022).groups["g"].units[2] == "旧名"
    assert model_for_year(model, 2020).groups["g"].units[1:3] == ["旧名", "更早名"]


# -- the sample model: 2023 under the former names, 2024 under the new ones ---------------------

BRANCHES = [
    ("人行邢台市中心支行", "中国人民银行邢台市分行"),
    ("邢台银保监分局", "国家金融监督管理总局邢台监管分局"),
]


def test_the_sample_model_renames_the_branches_from_2024():
    model = load_model().model
    for year, names in ((2023, [old for old, _ in BRANCHES]), (2024, [n for _, n in BRANCHES])):
        view = model_for_year(model, year)
        task14 = next(t for t in view.groups["department"].tasks if t.no == 14)
        for name in names:
            assert name in view.groups["department"].units and name in task14.units
    assert model_for_year(model, 2020).groups["county"].units[0] == "桥东区"
    assert model_for_year(model, 2021).groups["county"].units[0] == "襄都区"


@pytest.mark.slow
def test_sample_history_follows_the_renamed_branches():
    from evalgen.outputs.results import history_points
    from evalgen.pipeline import evaluate

    y2023, y2024 = evaluate(2023), evaluate(2024)
    assert not [p for p in y2024.inputs.warnings if p.code == "former-unit-name"]
    points = history_points(y2024.loaded.model, y2024.history[2023])  # the reports' trend
    for old, new in BRANCHES:
        before, after = y2023.result.unit(old), y2024.result.unit(new)
        assert y2024.result.unit(old) is None and y2023.result.unit(new) is None
        assert after.previous_rank == before.rank
        assert points[new]["rank"] == before.rank and old not in points


# -- documents: the names in force in the year of the 成文日期 ------------------------------------


def test_documents_dated_after_a_rename_use_the_new_name(years, model):
    """2023's results (under 丙县) issued in 2024 (成文日期 2024年2月22日): 新丙区."""
    from evalgen.outputs.renamed import document_year, in_names_of_year

    y2023, _, _ = years
    lines = score_year(model, inputs(2023, COUNTIES_2023)).lines
    results = build_results(model, y2023, lines, {})
    history = {2022: {"丙县": {"total": 70.0, "rank": 3}, "甲县": {"total": 90.0, "rank": 1}}}
    year = document_year("2024年2月22日", 2023)
    assert year == 2024
    named, points = in_names_of_year(model, results, history, year)
    units = {u["unit"]: u for g in named["groups"] for u in g["units"]}
    assert "丙县" not in units and units["新丙区"]["rank"] == 5  # 2023's 5th, renamed
    assert units["新丙区"]["former_names"] == ["丙县"] and "former_names" not in units["甲县"]
    assert points == {
        2022: {"新丙区": {"total": 70.0, "rank": 3}, "甲县": {"total": 90.0, "rank": 1}}
    }
    # results.json itself keeps the assessed year's names
    assert "丙县" in {u["unit"] for g in results["groups"] for u in g["units"]}
    # issued in 2023 itself: nothing to rename
    assert in_names_of_year(model, results, history, 2023) == (results, history)


@pytest.mark.slow
def test_sample_2023_documents_use_the_names_of_2024(tmp_path):
    from evalgen.pipeline import score

    out = tmp_path / "2023"
    score(2023, out_dir=out)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {old for old, _ in BRANCHES} <= {
        u["unit"] for g in results["groups"] for u in g["units"]
    }
    reports = {p.name.split("_")[0] for p in (out / "单位报告").iterdir()}
    assert {new for _, new in BRANCHES} <= reports
    assert not {old for old, _ in BRANCHES} & reports


def test_a_former_name_clashing_with_another_groups_unit_is_located(tmp_path):
    # 乙局 (departments) called 甲县 until 2022, while 甲县 (counties) is 甲县 every year
    text = MINI_TEXT.replace(
        "    units: [甲局, 乙局]\n",
        "    units: [甲局, 乙局]\n    formerly:\n      乙局: [{name: 甲县, until: 2022}]\n",
    )
    [p] = errors_of(tmp_path, text)
    assert (p.code, p.path, p.line) == (
        "name-used-twice",
        "groups.d.formerly.乙局[0].name",
        line_of(text, "乙局: [{name: 甲县"),
    )


def test_robustness_follows_the_unit_across_the_rename(years, model):
    """With 2023's results given as scored (under 丙县), 新丙区's 约谈 for two years at the
    bottom holds in every unmoved run; its only 约谈 (no grade D, no floor miss)."""
    from test_engine import county

    from evalgen.analysis.robustness import Settings, analyse

    y2023, _, _ = years
    # 丙: 30 + 5/10 × 30 + 13 + 13 = 71 → C, 4th above the vetoed 戊县: bottom two again
    counties = dict(COUNTIES_2024, 丙县=county("95", "5", "13", "13"))
    y2024, lines = score_year(model, inputs(2024, counties, EVENTS_2024, NEW), y2023)
    assert (y2024.unit("新丙区").rank, y2024.unit("新丙区").grade) == (4, "C")
    settings = Settings(runs=20, weights=0.0, evaluated=0.0)
    report = analyse(model, y2024, lines, {2023: y2023}, settings)
    unit = next(u for g in report.groups for u in g.units if u.result.unit == "新丙区")
    assert (unit.summon, unit.rectify) == (20, 20)


def test_a_later_name_in_an_earlier_years_inputs_is_read_with_a_notice(tmp_path, model):
    rows = [[*r[:1], "新丙区", *r[2:]] if r[1] == "丙县" else r for r in COUNTY_ROWS]
    folder = mini_year(tmp_path, year=2023, county_rows=rows)
    year = read_year(model, folder / "2023", 2023)
    assert "丙县" in year.figures and "新丙区" not in year.figures
    [notice] = [p for p in year.warnings if p.code == "former-unit-name"]
    assert (notice.unit, notice.row) == ("丙县", 6)


def test_a_renamed_units_report_names_its_former_name_once():
    """The report's opening sentence: 你单位（原乙局）…; an unrenamed unit's has no （原…）."""
    from types import SimpleNamespace

    from evalgen.documents.feedback import _headline

    model = SimpleNamespace(assessment="质量强市建设考核")
    results = {"year": 2024, "previous_year": 2023}
    group = {"name": "市直部门"}
    unit = {
        "unit": "新乙局", "former_names": ["乙局"], "total": 88.5, "grade": "B",
        "grade_name": "良好", "veto": False, "of": 2, "rank": 1, "previous_rank": 2,
        "rank_change": 1,
    }  # fmt: skip
    text = _headline(model, results, group, unit)  # type: ignore[arg-type]
    assert text.startswith("你单位（原乙局）2024年度质量强市建设考核总分88.50分，")
    assert text.count("原乙局") == 1
    del unit["former_names"]
    assert _headline(model, results, group, unit).startswith("你单位2024年度")  # type: ignore[arg-type]
