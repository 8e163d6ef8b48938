"""The road to the milestones in the annual 通报 (issue 16 item 2): the city's values kept per
year by `evaluate`, results.json's `milestones`, and the bulletin's section — on the tiny model
with a `progress:` block and two year folders, every figure and sentence computed by hand."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import COUNTY_HEADER, MINI_MODEL, mini_year, write_xlsx

from evalgen.documents.bulletin import bulletin_context
from evalgen.documents.milestones import milestone_section
from evalgen.inputs.issuance import ISSUANCE_FILE, load_issuance
from evalgen.outputs.results import build_results
from evalgen.pipeline import evaluate, score, validate
from evalgen.problems import InputError
from evalgen.resources import DEFAULT_INPUTS

SAMPLE_ISSUANCE = DEFAULT_INPUTS / "2024" / ISSUANCE_FILE

BLOCK = """
progress:
  milestones:
    - id: ms_pass
      name: 全市抽检合格率
      measure: "%"
      targets: {2023: 90, 2025: 93}
      source: {indicator: pass_rate, method: mean}
    - id: ms_owned
      name: 牵头指标累计
      measure: 项
      targets: {2025: 70}
      source: {indicator: owned, method: sum}
    - id: ms_growth
      name: 投入增长最低值
      measure: "%"
      kind: hold
      targets: {2023: 5, 2025: 6}
      source: {indicator: growth, method: min}
    - id: ms_city
      name: 全市目标
      measure: "%"
      targets: {2025: 10}
"""

# 序号, 单位, 抽检合格率, 投入增长, 组织领导, 宣传培训
ROWS = {
    2023: [
        [1, "甲县", 90, 10, 15, 15],
        [2, "乙县", 90, "不适用", 10, 10],
        [3, "丙县", 88, 5, 20, 20],
        [4, "丁县", 90, 8, 13, 13],
        [5, "戊县", 92, 20, 20, 20],
    ],
    2024: [
        [1, "甲县", 91, 10, 15, 15],
        [2, "乙县", 90, "不适用", 10, 10],
        [3, "丙县", 89, 4, 20, 20],
        [4, "丁县", 90, 8, 13, 13],
        [5, "戊县", 90.5, 20, 20, 20],
    ],
}
OWNED = {2023: 60, 2024: 66}  # 甲局's 牵头指标值; 乙局 has none


def _year(base: Path, year: int) -> None:
    mini_year(base, year, county_rows=ROWS[year], county_header=COUNTY_HEADER)
    write_xlsx(
        base / str(year) / f"部门数据_{year}.xlsx",
        {
            "部门指标": [["单位", "牵头指标值（%）"], ["甲局", OWNED[year]], ["乙局", None]],
            "重点任务": [
                ["单位", "任务序号", "任务名称", "完成得分"],
                ["甲局", 1, "任务一", 90],
                ["乙局", 1, "任务一", 80],
                ["乙局", 2, "任务二", 50],
            ],
        },
    )


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny model with the block, and its inputs for 2023 and 2024."""
    root = tmp_path_factory.mktemp("milestones")
    model = root / "model.yaml"
    model.write_text(MINI_MODEL.read_text(encoding="utf-8") + BLOCK, encoding="utf-8")
    for year in (2023, 2024):
        _year(root / "inputs", year)
    return model, root / "inputs"


@pytest.fixture(scope="module")
def results_2024(setup) -> dict:
    model, inputs = setup
    evaluation = evaluate(2024, inputs, model)
    return build_results(evaluation.loaded.model, evaluation.result, evaluation.lines, {})


def test_evaluate_keeps_only_the_citys_few_numbers_per_year(setup):
    model, inputs = setup
    city = evaluate(2024, inputs, model).result.city
    # pass_rate mean: 2023 (90+90+88+90+92)/5 = 450/5 = 90; 2024 (91+90+89+90+90.5)/5 = 90.1
    # owned sum over 甲局 (乙局 blank): 60, 66; growth min, 乙县 不适用 left out: 5, then 4
    # ms_city has no source indicator (city table): not among them
    assert city == {
        2023: {"ms_pass": Decimal(90), "ms_owned": Decimal(60), "ms_growth": Decimal(5)},
        2024: {"ms_pass": Decimal("90.1"), "ms_owned": Decimal(66), "ms_growth": Decimal(4)},
    }


def test_the_results_record(results_2024):
    by_id = {m["id"]: m for m in results_2024["milestones"]}
    assert list(by_id) == ["ms_pass", "ms_owned", "ms_growth", "ms_city"]
    passing = by_id["ms_pass"]
    # next milestone after 2024: 93 in 2025; (93 − 90.1)/(2025 − 2024) = 2.9 a year needed,
    # trend (90.1 − 90)/(2024 − 2023) = 0.1 < 2.9: at risk
    assert passing["annual"] == {"2023": "90", "2024": "90.1"}
    assert (passing["target_year"], passing["target"]) == (2025, "93")
    assert (passing["required"], passing["trend"], passing["status"]) == ("2.9", "0.1", "存在风险")
    owned = by_id["ms_owned"]
    # (70 − 66)/1 = 4 needed, trend (66 − 60)/1 = 6 ≥ 4: on track
    assert (owned["required"], owned["trend"], owned["status"]) == ("4", "6", "有望按期实现")
    growth = by_id["ms_growth"]
    # hold: 2023 5 ≥ 5; 2024 4 < 5 (the 2023 target still in force): at risk; 2025's target 6
    assert (growth["status"], growth["target"], growth["notes"]) == (
        "存在风险",
        "6",
        ["2024年低于当年目标"],
    )
    assert (by_id["ms_city"]["annual"], by_id["ms_city"]["status"]) == ({}, "暂无数据")
    assert list(results_2024)[-1] == "milestones"  # the last key; the others as before


def test_the_bulletin_section_sentences_and_table(setup, results_2024):
    model, _ = setup
    context = bulletin_context(
        evaluate(2024, setup[1], model).loaded.model, results_2024, load_issuance(SAMPLE_ISSUANCE)
    )
    section = context["milestones"]
    assert section is not None
    # two groups: 图1 grades, 图2–3 totals, 表1–2 rankings → 图4, 表3; no basis in the model
    assert section["paragraphs"] == [
        "对照质量强市建设行动方案确定的4项节点目标，根据2023、2024年全市实际值测算（见图4、表3），"
        "牵头指标累计有望按期实现；全市抽检合格率、投入增长最低值等2项目标按期实现存在风险；"
        "全市目标暂无全市年度数据，未作研判。",
        "存在风险的目标具体情况如下：",
    ]
    assert section["lines"] == [
        "全市抽检合格率2024年为90.1%，距2025年93%的节点目标每年需提高2.9个百分点，"
        "而2023—2024年年均仅提高0.1个百分点，按期实现存在风险。",
        "投入增长最低值2024年为4%，2024年低于当年目标，2025年须保持在6%以上，按期实现存在风险。",
    ]
    assert section["closing"].startswith("对存在风险的目标")
    assert [tuple(r.values()) for r in section["rows"]] == [
        ("全市抽检合格率", "2023年90%；2024年90.1%", "2025年93%", "2.9个百分点", "存在风险"),
        ("牵头指标累计", "2023年60项；2024年66项", "2025年70项", "4项", "有望按期实现"),
        ("投入增长最低值", "2023年5%；2024年4%", "2025年6%", "保持6%以上", "存在风险"),
        ("全市目标", "—", "2025年10%", "—", "暂无数据"),
    ]
    assert (section["figure"], section["table"]) == (
        "图4　质量强市建设节点目标推进情况",
        "表3　质量强市建设节点目标推进情况",
    )
    # the chart: a bar per milestone with a value and a target; 90.1/93 = 96.88…%
    bars = context["charts"]["milestones"]["data"]["rows"]
    assert [b["label"] for b in bars] == ["全市抽检合格率", "牵头指标累计", "投入增长最低值"]
    assert bars[0]["percent"] == pytest.approx(90.1 / 93 * 100)
    assert bars[0]["text"] == "2024年90.1%，目标93%"


def test_one_year_only_gives_no_trend(setup):
    model, inputs = setup
    evaluation = evaluate(2023, inputs, model)
    results = build_results(evaluation.loaded.model, evaluation.result, evaluation.lines, {})
    section = milestone_section(results, "", 4, 3)
    assert section is not None
    # 2023: 90, next milestone 93 in 2025: (93 − 90)/2 = 1.5 a year; one year: at risk
    assert section["lines"][0] == (
        "全市抽检合格率2023年为90%，距2025年93%的节点目标每年需提高1.5个百分点，"
        "目前仅有一年数据，难以判断提升趋势，按期实现存在风险。"
    )
    # owned 60 → 70 by 2025: (70 − 60)/2 = 5 a year, one year: at risk too
    owned = next(m for m in results["milestones"] if m["id"] == "ms_owned")
    assert (owned["required"], owned["status"]) == ("5", "存在风险")


def test_without_the_progress_block_no_key_and_no_section(tmp_path):
    for year in (2023, 2024):
        _year(tmp_path, year)
    evaluation = evaluate(2024, tmp_path, MINI_MODEL)
    assert evaluation.result.city == {2023: {}, 2024: {}}
    results = build_results(evaluation.loaded.model, evaluation.result, evaluation.lines, {})
    assert "milestones" not in results
    context = bulletin_context(evaluation.loaded.model, results, load_issuance(SAMPLE_ISSUANCE))
    assert context["milestones"] is None
    assert "milestones" not in context["charts"]


def test_all_on_track_and_no_data_sentences():
    """Hand-made records: every milestone with data on track, one with none."""
    base = {"kind": "reach", "target_note": "", "so_far": None, "notes": [], "targets": {}}
    records = [
        {**base, "id": "a", "name": "甲", "measure": "项", "annual": {"2024": "9"}}
        | {"target_year": 2025, "target": "9", "required": "0", "trend": None}
        | {"status": "有望按期实现"},
        {**base, "id": "b", "name": "乙", "measure": "%", "annual": {"2024": "5"}}
        | {"target_year": 2025, "target": "6", "required": "1", "trend": None}
        | {"status": "有望按期实现"},
    ]
    section = milestone_section({"milestones": records}, "《方案》", 3, 2)  # type: ignore[arg-type]
    assert section is not None
    assert section["paragraphs"] == [
        "对照《方案》确定的2项节点目标，根据2024年全市实际值测算（见图3、表2），"
        "甲、乙等2项目标有望按期实现。"
    ]
    assert section["lines"] == []
    assert section["closing"] == "各牵头部门要保持工作力度，确保各项节点目标按期实现。"
    assert [r["need"] for r in section["rows"]] == ["已达到", "1个百分点"]
    none = [{**records[0], "annual": {}, "required": None, "status": "暂无数据"}]
    section = milestone_section({"milestones": none}, "", 3, 2)  # type: ignore[arg-type]
    assert section is not None and section["chart"] == ""
    assert section["paragraphs"] == [
        "对照质量强市建设行动方案确定的1项节点目标，目前尚无全市年度实际值，暂未作研判。"
    ]


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


@pytest.mark.slow
def test_the_tiny_models_bulletin_has_the_section(setup, tmp_path):
    model, inputs = setup
    run = score(2024, inputs, model, tmp_path / "out", issuance_file=SAMPLE_ISSUANCE, jobs=1)
    text = _docx_text(next(run.folder.glob("关于*.docx")))
    assert "七、质量强市建设节点目标推进情况" in text
    assert "投入增长最低值2024年为4%，2024年低于当年目标" in text
    assert "表3　质量强市建设节点目标推进情况" in text
    record = json.loads((run.folder / "results.json").read_text(encoding="utf-8"))
    assert [m["status"] for m in record["milestones"]] == [
        "存在风险",
        "有望按期实现",
        "存在风险",
        "暂无数据",
    ]


@pytest.mark.slow
def test_the_sample_2024_bulletin_has_the_section(tmp_path):
    run = score(2024, out_dir=tmp_path / "out", jobs=1)
    text = _docx_text(next(run.folder.glob("关于*.docx")))
    head = text.index("七、质量强市建设节点目标推进情况")
    # the section is the body's last: after 六、下一步工作要求, before the attachments' list
    assert text.index("六、下一步工作要求") < head < text.index("附件：")
    # the sample's 累计新增标准: 2023 36, 2024 65 → (85 − 65)/1 = 20 a year, trend 29: on track
    assert "累计新增主导或参与制修订标准" in text[head:]
    assert "2023年36项；2024年65项" in text[head:]
    record = json.loads((run.folder / "results.json").read_text(encoding="utf-8"))
    standards = next(m for m in record["milestones"] if m["id"] == "ms_new_standards")
    assert (standards["required"], standards["trend"]) == ("20", "29")
    # 全社会研发经费投入增长 comes from a city table (全市指标), which the sample years lack
    rd = next(m for m in record["milestones"] if m["id"] == "ms_rd_growth")
    assert rd["status"] == "暂无数据"


def _with_city_table(setup, tmp_path: Path, value: object) -> Path:
    inputs = tmp_path / "inputs"
    shutil.copytree(setup[1], inputs)
    write_xlsx(
        inputs / "2024" / "全市指标_2024.xlsx",
        {"全市指标": [["单位", "年度", "全市目标"], ["全市", 2023, 7], ["全市", 2024, value]]},
    )
    return inputs


def test_a_year_folders_city_table_gives_that_years_value(setup, tmp_path):
    inputs = _with_city_table(setup, tmp_path, 8.5)
    evaluation = evaluate(2024, inputs, setup[0])
    # only the 2024 folder's row for 2024 (its 2023 row is not read); 2023 has no table
    assert evaluation.result.city[2024]["ms_city"] == Decimal("8.5")
    assert "ms_city" not in evaluation.result.city[2023]
    results = build_results(evaluation.loaded.model, evaluation.result, evaluation.lines, {})
    city = next(m for m in results["milestones"] if m["id"] == "ms_city")
    # 8.5 → 10 in 2025: (10 − 8.5)/1 = 1.5 a year; one year only: at risk
    assert (city["annual"], city["required"], city["status"]) == (
        {"2024": "8.5"},
        "1.5",
        "存在风险",
    )


def test_a_bad_city_value_is_a_located_error(setup, tmp_path):
    inputs = _with_city_table(setup, tmp_path, "约八")
    with pytest.raises(InputError) as err:
        evaluate(2024, inputs, setup[0])
    problem = err.value.problems[0]
    located = (problem.file, problem.sheet, problem.row, problem.column, problem.indicator)
    assert located == ("全市指标_2024.xlsx", "全市指标", 3, "C", "全市目标")  # the 2024 row
    assert problem.code == "not-a-number"
    assert "2024年度全市指标表" in err.value.message


def test_validate_checks_the_city_table_too(setup, tmp_path):
    inputs = _with_city_table(setup, tmp_path, "约八")
    with pytest.raises(InputError) as err:
        validate(2024, inputs, setup[0], SAMPLE_ISSUANCE)
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.code) == (
        "全市指标_2024.xlsx",
        3,
        "C",
        "not-a-number",
    )
    good = _with_city_table(setup, tmp_path / "good", 8.5)
    assert validate(2024, good, setup[0], SAMPLE_ISSUANCE).year == 2024


def test_a_hidden_city_table_sheet_is_told_by_validate_and_score(setup, tmp_path):
    import openpyxl

    inputs = _with_city_table(setup, tmp_path, 8.5)
    path = inputs / "2024" / "全市指标_2024.xlsx"
    book = openpyxl.load_workbook(path)
    book["全市指标"].sheet_state = "hidden"
    book.create_sheet("说明")  # a workbook needs one visible sheet
    book.save(path)
    checked = validate(2024, inputs, setup[0], SAMPLE_ISSUANCE)
    told = [(p.code, p.file, p.sheet) for p in checked.warnings]
    assert told.count(("hidden-sheet", "全市指标_2024.xlsx", "全市指标")) == 1
    evaluation = evaluate(2024, inputs, setup[0])
    assert evaluation.result.city[2024]["ms_city"] == Decimal("8.5")  # still read
    told = [(p.code, p.sheet) for p in evaluation.inputs.warnings]
    assert told.count(("hidden-sheet", "全市指标")) == 1


def test_the_native_milestones_chart_spec():
    from evalgen.charts.spec import chart_spec

    rows = [
        {"label": "甲", "percent": 130.0, "status": "有望按期实现", "text": ""},
        {"label": "乙", "percent": 76.5, "status": "存在风险", "text": ""},
    ]
    spec = chart_spec("milestones", {"rows": rows})
    assert (spec["type"], spec["categories"]) == ("bar", ["甲", "乙"])
    bars = spec["series"][1]  # between its legend-only companions (charts.spec)
    assert bars["values"] == [120.0, 76.5]  # capped at 120 for the drawing
    assert bars["point_colors"] == ["#78B59A", "#8A2B26"]  # by status
    assert [line["value"] for line in spec["lines"]] == [100.0]  # the milestone itself
