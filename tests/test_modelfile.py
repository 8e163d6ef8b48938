"""Model loading: shape then meaning, every problem with its path and line."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import MINI_MODEL

from evalgen.model.loader import load_model, target_for
from evalgen.problems import ModelError
from evalgen.resources import DEFAULT_MODEL
from evalgen.scoring.engine import check_year
from evalgen.yamlfile import nearest_line, yaml_load

MINI_TEXT = MINI_MODEL.read_text(encoding="utf-8")


def load_text(tmp_path: Path, text: str):
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    return load_model(path)


def errors_of(tmp_path: Path, text: str) -> list:
    with pytest.raises(ModelError) as err:
        load_text(tmp_path, text)
    return err.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_default_model_loads_and_covers_every_year():
    model = load_model(DEFAULT_MODEL).model
    assert len(model.groups["county"].units) == 20
    assert len(model.groups["department"].units) == 24
    assert [t.no for t in model.groups["department"].tasks] == list(range(1, 28))
    rules = {i.rule for c in model.groups["county"].categories for i in c.indicators}
    assert rules == {"threshold", "linear", "ratio", "deduct", "evaluated", "rank", "relative"}


def test_default_model_tasks_name_the_plans_lead_units():
    tasks = {t.no: t.units for t in load_model(DEFAULT_MODEL).model.groups["department"].tasks}
    # from the plan text: task 1 市市场监管局 alone; task 14 led by 市发展改革委 with 9 units
    assert tasks[1] == ["市市场监管局"]
    assert tasks[14][0] == "市发展改革委" and len(tasks[14]) == 9
    assert tasks[19][-1] == "市委宣传部"


def test_targets_by_year_explicit_interpolated_and_held():
    model = load_model(MINI_MODEL).model
    ind = {i.id: i for c in model.groups["g"].categories for i in c.indicators}
    assert target_for(ind["pass_rate"], 2023) == Decimal(90)
    assert target_for(ind["pass_rate"], 2024) == Decimal(91)  # (90 + 92) / 2
    assert target_for(ind["growth"], 2025) == Decimal(10)  # held from 2023
    assert target_for(ind["pass_rate"], 2022) is None


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    text = MINI_TEXT.replace("bonus_cap: 5", "bonus_cap: [5")
    problems = errors_of(tmp_path, text)
    assert len(problems) == 1
    assert "第" in problems[0].message and "列" in problems[0].message


def test_shape_problem_has_path_and_line(tmp_path):
    text = MINI_TEXT.replace(
        "            points: 30\n            rule: threshold",
        "            points: -3\n            rule: threshold",
    )
    problems = errors_of(tmp_path, text)
    bad = next(p for p in problems if p.path.endswith("indicators[0].points"))
    assert bad.path == "groups.g.categories[0].indicators[0].points"
    assert bad.line == line_of(text, "points: -3")
    assert "应大于0" in bad.message


def test_points_that_do_not_add_up(tmp_path):
    text = MINI_TEXT.replace(
        "points: 30\n            rule: ratio", "points: 25\n            rule: ratio"
    )
    problems = errors_of(tmp_path, text)
    assert any("合计55分，与类别分值60分不符" in p.message for p in problems)


def test_unknown_rule(tmp_path):
    problems = errors_of(
        tmp_path,
        MINI_TEXT.replace(
            "rule: ratio\n            targets: {2023: 10}",
            "rule: ratioo\n            targets: {2023: 10}",
        ),
    )
    p = next(p for p in problems if "ratioo" in p.message)
    assert p.path == "groups.g.categories[0].indicators[1].rule"
    assert p.line == line_of(MINI_TEXT, "targets: {2023: 10}") - 1


def test_duplicate_ids(tmp_path):
    problems = errors_of(tmp_path, MINI_TEXT.replace("id: e2", "id: e1"))
    assert any("指标标识“e1”重复" in p.message for p in problems)


def test_task_naming_an_unknown_unit(tmp_path):
    problems = errors_of(tmp_path, MINI_TEXT.replace("units: [乙局]}", "units: [丙局]}"))
    p = next(p for p in problems if "丙局" in p.message)
    assert p.path == "groups.d.tasks[1].units[0]"


def test_every_problem_reported_at_once(tmp_path):
    text = MINI_TEXT.replace("id: e2", "id: e1").replace("units: [乙局]}", "units: [丙局]}")
    text = text.replace("veto_grade: D", "veto_grade: E")
    assert len(errors_of(tmp_path, text)) == 3


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "nope.yaml")
    assert "找不到考核细则文件" in err.value.message


def test_a_key_written_twice_is_an_error_with_its_line(tmp_path):
    text = MINI_TEXT.replace("targets: {2023: 10}", "targets: {2023: 10, 2023: 12}")
    problems = errors_of(tmp_path, text)
    assert "“2023”重复出现" in problems[0].message
    assert f"第{line_of(text, '2023: 12')}行" in problems[0].message


def test_an_alias_that_is_another_units_name(tmp_path):
    problems = errors_of(
        tmp_path, MINI_TEXT.replace("aliases: {甲: 甲县}", "aliases: {甲: 甲县, 甲局: 乙县}")
    )
    assert any(p.path == "groups.g.aliases.甲局" and "重名" in p.message for p in problems)


def test_rule_parameters_out_of_range(tmp_path):
    text = MINI_TEXT.replace(
        "            rule: ratio\n            targets: {2023: 10}",
        "            rule: rank\n            params: {step: -1, floor: 40}",
    )
    messages = {p.path: p.message for p in errors_of(tmp_path, text)}
    assert "step 不能为负数" in messages["groups.g.categories[0].indicators[1].params.step"]
    assert (
        "floor 应在0至该指标分值30之间"
        in messages["groups.g.categories[0].indicators[1].params.floor"]
    )


def test_bottom_count_not_smaller_than_the_group(tmp_path):
    text = MINI_TEXT.replace("when: bottom, count: 2,", "when: bottom, count: 5,")
    assert any("不小于分组 g 的单位数" in p.message for p in errors_of(tmp_path, text))


# -- every model problem has a stable code and its path ------------------------------------------

G0 = "groups.g.categories[0].indicators"
G1 = "groups.g.categories[1].indicators"
GROWTH = "            rule: ratio\n            targets: {2023: 10}"
E1 = "            rule: evaluated\n"


@pytest.mark.parametrize(
    ("old", "new", "code", "path", "message"),
    [
        (GROWTH, GROWTH.replace("ratio", "ratioo"), "unknown-rule", f"{G0}[1].rule",
         "计分规则“ratioo”不存在（可用：deduct、evaluated、linear、rank、ratio、relative、threshold）"),
        (GROWTH, GROWTH.replace("ratio", "linear"), "missing-param", f"{G0}[1].params",
         "规则 linear 缺少参数 floor"),
        (GROWTH, GROWTH + "\n            params: {per: 1}", "unknown-param",
         f"{G0}[1].params.per", "规则 ratio 没有参数 per"),
        (GROWTH, GROWTH.replace("ratio", "linear") + "\n            params: {floor: 12}",
         "param-out-of-range", f"{G0}[1].params.floor", "零分线12应低于2023年目标值10"),
        (GROWTH, GROWTH.replace("ratio", "deduct") + "\n            params: {per: 0, deduct: 1}",
         "param-out-of-range", f"{G0}[1].params.per", "per 应大于0"),
        (GROWTH, GROWTH.replace("ratio", "deduct") + "\n            params: {per: 1, deduct: -1}",
         "param-out-of-range", f"{G0}[1].params.deduct", "deduct 不能为负数"),
        (GROWTH, GROWTH.replace("{2023: 10}", "{2023: 10, 2030: 12}"), "target-year-not-assessed",
         f"{G0}[1].targets.2030", "目标年度2030不在考核年度 years 中"),
        (E1, E1.replace("evaluated", "threshold"), "missing-target", f"{G1}[0].targets",
         "规则 threshold 需要年度目标值"),
        (E1, E1 + "            safety_floor: true\n", "safety-floor-without-target",
         f"{G1}[0].safety_floor", "底线指标需要年度目标值（不能用评审、排名或比较法计分）"),
        (E1, E1 + "            max: 25\n", "max-above-points", f"{G1}[0].max",
         "评审打分的上限不能超过分值"),
        ("id: e2", "id: e1", "duplicate-id", f"{G1}[1]",
         f"指标标识“e1”重复（已用于 {G1}[0]）"),
        ("points: 30\n            rule: ratio", "points: 25\n            rule: ratio",
         "points-mismatch", "groups.g.categories[0].points",
         "类别“目标完成”下各指标分值合计55分，与类别分值60分不符"),
        ("units: [乙局]}", "units: [丙局]}", "unknown-unit", "groups.d.tasks[1].units[0]",
         "责任单位“丙局”不在本组考核对象名单中"),
        ("veto_grade: D", "veto_grade: E", "unknown-grade", "veto_grade",
         "一票否决等次“E”不在 grades 中"),
        ("when: bottom, count: 2,", "when: bottom, count: 5,", "bottom-count-too-large",
         "followups[2].count", "后5名的人数不小于分组 g 的单位数"),
        ("aliases: {甲: 甲县}", "aliases: {甲: 丙局}", "alias-unknown-unit", "groups.g.aliases.甲",
         "简称“甲”指向的单位“丙局”不在本组"),
    ],
)  # fmt: skip
def test_meaning_problem_codes_and_paths(tmp_path, old, new, code, path, message):
    text = MINI_TEXT.replace(old, new, 1)
    assert text != MINI_TEXT
    problems = errors_of(tmp_path, text)
    assert [(p.code, p.path, p.message) for p in problems] == [(code, path, message)]
    assert problems[0].file == "model.yaml"
    assert problems[0].line == nearest_line(yaml_load(text)[1], path)


def test_shape_and_syntax_problem_codes(tmp_path):
    syntax = errors_of(tmp_path, MINI_TEXT.replace("bonus_cap: 5", "bonus_cap: [5"))
    assert [p.code for p in syntax] == ["model-yaml-syntax"]
    twice = errors_of(tmp_path, MINI_TEXT.replace("{2023: 10}", "{2023: 10, 2023: 12}"))
    assert [p.code for p in twice] == ["model-yaml-syntax"]
    shape = errors_of(tmp_path, MINI_TEXT.replace("bonus_cap: 5", "bonus_cap: -5"))
    assert [(p.code, p.path) for p in shape] == [("model-shape", "bonus_cap")]
    (tmp_path / "gbk.yaml").write_bytes(MINI_TEXT.encode("gbk"))
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "gbk.yaml")
    assert [p.code for p in err.value.problems] == ["model-encoding"]


def test_every_problem_at_once_has_a_kebab_case_code(tmp_path):
    text = MINI_TEXT.replace("id: e2", "id: e1").replace("units: [乙局]}", "units: [丙局]}")
    text = text.replace("veto_grade: D", "veto_grade: E").replace("2025]", "2025, 2101]")
    problems = errors_of(tmp_path, text)
    assert [p.code for p in problems] == [
        "duplicate-id",
        "unknown-unit",
        "unknown-grade",
        "year-out-of-range",
    ]
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", p.code) for p in problems)


def test_a_missing_target_for_the_year_has_a_code():
    model = load_model(MINI_MODEL).model
    with pytest.raises(ModelError) as err:
        check_year(model, 2022)
    assert err.value.problems == []  # 2022 is not a year of the model at all
    with pytest.raises(ModelError) as err:
        check_year(model.model_copy(update={"years": [2022, *model.years]}), 2022)
    assert {(p.code, p.path) for p in err.value.problems} == {
        ("no-target-for-year", f"{G0}[0].targets"),  # pass_rate: interpolated only after 2023
        ("no-target-for-year", f"{G0}[1].targets"),  # growth: held only after 2023
        ("no-target-for-year", "groups.d.categories[0].indicators[0].targets"),
        ("no-target-for-year", "groups.d.categories[1].indicators[0].targets"),
    }


def test_a_missing_target_names_the_model_file_and_line(tmp_path):
    loaded = load_text(tmp_path, MINI_TEXT)
    widened = loaded.model.model_copy(update={"years": [2022, *loaded.model.years]})
    with pytest.raises(ModelError) as err:
        check_year(widened, 2022, loaded.locate)
    # the `targets:` lines of the four target-based indicators in mini_model.yaml
    assert {(p.code, p.file, p.path, p.line) for p in err.value.problems} == {
        ("no-target-for-year", "model.yaml", f"{G0}[0].targets", 31),
        ("no-target-for-year", "model.yaml", f"{G0}[1].targets", 41),
        ("no-target-for-year", "model.yaml", "groups.d.categories[0].indicators[0].targets", 77),
        ("no-target-for-year", "model.yaml", "groups.d.categories[1].indicators[0].targets", 88),
    }
    assert "model.yaml › groups.g.categories[0].indicators[0].targets › 第31行" in (
        err.value.render()
    )


def test_anchors_and_aliases_are_refused_with_their_line(tmp_path):
    text = MINI_TEXT.replace("bonus_cap: 5", "bonus_cap: &cap 5").replace(
        "total_points: 100", "total_points: *cap"
    )
    [problem] = errors_of(tmp_path, text)
    assert (problem.code, problem.file, problem.line) == ("model-yaml-syntax", "model.yaml", 5)
    assert problem.message == "不支持锚点“&”和别名“*”，请把内容直接写出（第5行第15列）"


# A broken line put into the tiny model, the line it lands on, and the Chinese reason.
BROKEN_YAML = [
    ("bonus_cap: 5: 6", 7, 13, "此处不能再出现“键: 值”"),
    ("bonus_cap:\n\t5", 8, 1, "不能用 Tab 键缩进，请改用空格"),
    ("bonus_cap: [5", 8, 11, "方括号“[”没有配对的“]”"),  # found at veto_grade's colon
    ("bonus_cap: {a: 5", 8, 11, "花括号“{”没有配对的“}”"),
    ("bonus_cap 5\nx: 1", 8, 1, "找不到应有的冒号“:”"),
    ("bonus_cap: *cap", 7, 12, "不支持锚点“&”和别名“*”"),
    ("bonus_cap:\n    x: 5\n  y: 6", 9, 3, "缩进不一致"),
    ("bonus_cap: '5", 101, 1, "引号没有成对"),  # found at the end of the file (100 lines)
    ('bonus_cap: "5\\q"', 7, 15, "“\\q”无法识别"),
    ("bonus_cap: !!python/object:os.system 5", 7, 12, "不支持“!”开头的标签写法"),
    ("bonus_cap: 5\n---\nx: 1", 8, 1, "文件中只能有一份内容"),
    ("bonus_cap: `5`", 7, 12, "字符“`”不能出现在此处开头"),
    ("bonus_cap: 5\x00", 7, 13, "不允许的控制字符（U+0000）"),
    ("bonus_cap: 2025-02-30", 7, 12, "日期“2025-02-30”不存在"),
    ("bonus_cap: |0\n  5", 7, 13, "“|”或“>”后的写法有误"),
    ("bonus_cap: 5\n%YAML 1.1", 9, 1, "无法识别此处的写法"),  # no translation: the generic one
]
ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,.'’]+[A-Za-z]{2,}")  # two English words in a row


@pytest.mark.parametrize(("new", "line", "column", "reason"), BROKEN_YAML)
def test_yaml_syntax_problems_are_told_in_chinese_with_their_line(
    tmp_path, new, line, column, reason
):
    """Each broken line replaces `bonus_cap: 5` (line 7 of the tiny model)."""
    [problem] = errors_of(tmp_path, MINI_TEXT.replace("bonus_cap: 5", new, 1))
    assert (problem.code, problem.file, problem.line) == ("model-yaml-syntax", "model.yaml", line)
    assert reason in problem.message and f"（第{line}行第{column}列" in problem.message
    assert not ENGLISH.search(problem.message + problem.hint), problem.message


def test_nesting_too_deep_is_a_syntax_problem(tmp_path):
    [problem] = errors_of(tmp_path, MINI_TEXT + "x: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problem.code == "model-yaml-syntax" and "嵌套层次过深" in problem.message
