"""One rule for how a figure is printed (issue 11, item 9): an indicator's `decimals` in the
model, in tables and text alike; and the bulletin's wording: misses named, 我办 after the
office's first mention."""

from pathlib import Path

import pytest
from test_context import ISSUANCE
from test_engine import COUNTIES_2023, COUNTIES_2024, MINI, county, year_inputs

from evalgen.documents.bulletin import _fully_met
from evalgen.documents.feedback import unit_contexts
from evalgen.documents.wording import as_self, self_reference, value_text
from evalgen.inputs.issuance import load_issuance
from evalgen.model.loader import load_model
from evalgen.outputs.results import build_results
from evalgen.scoring.engine import score_year
from evalgen.scoring.followups import apply_followups


def _record(value, target, measure="%"):
    return {"value": value, "target": target, "measure": measure, "not_applicable": False}


def test_a_figure_is_printed_to_its_places_unless_the_comparison_needs_more():
    task = _record(93.4146, 100, "分")
    assert [value_text(task, places=p) for p in (2, 1, 0)] == ["93.41", "93.4", "93"]
    assert value_text(task, "target") == "100"
    # 98.249 against 98.25: at 0 places 98 = 98, so one place (98.2 < 98.3) is used; at 2
    # places 98.25 = 98.25, so 3 (98.249 < 98.250, printed 98.25)
    close = _record(98.249, 98.25)
    shown = {
        p: (value_text(close, places=p), value_text(close, "target", places=p)) for p in (0, 2)
    }
    assert shown == {0: ("98.2%", "98.3%"), 2: ("98.249%", "98.25%")}


def test_the_model_declares_places_with_a_default_of_two():
    model = load_model(MINI).model
    assert {i.decimals for c in model.groups["g"].categories for i in c.indicators} == {2}


@pytest.fixture(scope="module")
def one_place(tmp_path_factory):
    """The tiny model with 抽检合格率 printed to one place."""
    text = MINI.read_text(encoding="utf-8").replace(
        "            safety_floor: true\n",
        "            safety_floor: true\n            decimals: 1\n",
    )
    path = tmp_path_factory.mktemp("model") / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    return load_model(path).model


def test_the_table_and_the_reasons_print_the_declared_places(one_place):
    # 丙县 at 90.46 against the 2024 target 91: one place prints 90.5 (half up), not 90.46
    counties = dict(COUNTIES_2024, 丙县=county("90.46", "5", "20", "20"))
    y2023 = apply_followups(
        one_place, score_year(one_place, year_inputs(2023, COUNTIES_2023)).result, {}
    )
    scored, view = score_year(one_place, year_inputs(2024, counties), y2023)
    year = apply_followups(one_place, scored, {2023: y2023})
    assert "抽检合格率为90.5%，低于2024年度目标91%" in [
        t.reason for t in year.unit("丙县").triggers
    ]
    results = build_results(one_place, year, view, {})
    ctx = next(c for c in unit_contexts(one_place, results, {}, load_issuance(ISSUANCE))
               if c["unit"] == "丙县")  # fmt: skip
    row = next(r for r in ctx["rows"] if r["name"] == "抽检合格率")
    assert (row["value"], row["target"]) == ("90.5%", "91%")
    assert "抽检合格率90.5%，未达到目标91%" in ctx["fixes"][0]["text"]


def test_the_overview_names_the_few_indicators_some_unit_missed():
    assert _fully_met({"甲": [True, True], "乙": [True, False]}) == "；除乙外，其余1项指标全部达标"
    assert _fully_met({"甲": [True], "乙": [True]}) == "；2项指标全部达标"
    assert _fully_met({"甲": [False], "乙": [False]}) == ""
    # more than three misses: the met ones are named, up to four, with 等 when there are more
    many = {n: [False] for n in "甲乙丙丁"} | {n: [True] for n in "戊己庚辛壬"}
    assert _fully_met(many) == "；戊、己、庚、辛等5项指标全部达标"


def test_the_office_refers_to_itself_after_its_first_mention():
    assert self_reference("邢台市质量强市战略领导小组办公室") == "我办"
    assert self_reference("某市市场监督管理局") == "我局"
    assert self_reference("某某中心") == "我单位"
    # a model's action names the office without its city: both forms become 我办
    office = "邢台市质量强市战略领导小组办公室"
    assert as_self("向市质量强市战略领导小组办公室书面报告", office) == "向我办书面报告"
    assert as_self("由邢台市质量强市战略领导小组办公室约谈", office) == "由我办约谈"


@pytest.mark.slow
def test_the_sample_bulletin_names_its_one_miss_and_says_wo_ban():
    from evalgen.documents.bulletin import bulletin_context
    from evalgen.pipeline import evaluate

    ev = evaluate(2024)
    model = ev.loaded.model
    b = bulletin_context(
        model, build_results(model, ev.result, ev.lines, {}), load_issuance(Path(ISSUANCE))
    )
    # 21 department target indicators, one (R&D growth) missed by a unit: 21 − 1 = 20 named as met
    assert b["overview"][-1].endswith("；除全社会研发经费投入增长外，其余20项指标全部达标。")
    assert "邢台市质量强市战略领导小组办公室组织开展了" in b["intro"]  # first mention in full
    assert "向我办书面报告" in b["requirements"][0]["text"]
    assert "须向我办书面报告原因" in b["rectify"]["intro"]
