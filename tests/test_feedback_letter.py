"""The unit report as a feedback letter (issue 11, item 7): 主送, opening, grouped gaps with
their figures, praise where due, small losses summed up, 特此反馈 and the signature.

Every expected sentence is worked out by hand from the tiny model (tests/fixtures/mini_model.yaml,
2024 targets: pass_rate 91, growth 10; key tasks weighted lead 1, co 0.5), then checked on the
sample year for a top, a summoned, a vetoed county and a department.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from test_context import ISSUANCE
from test_engine import COUNTIES_2023, COUNTIES_2024, EVENTS_2024, MINI, county, ev, year_inputs

from evalgen.documents.feedback import unit_contexts
from evalgen.documents.gaps import _category, _tasks_sentence
from evalgen.inputs.issuance import load_issuance
from evalgen.model.loader import load_model
from evalgen.outputs.results import build_results, history_points
from evalgen.scoring.engine import score_year
from evalgen.scoring.followups import apply_followups

# What the office would send back: a rule's explanation as the reason, a task by its number.
LOG_LIKE = re.compile(r"（由考核组评审打分）|（按组内排名赋分|重点任务\d+“|：失分\d")


def _contexts(counties=COUNTIES_2024, events=EVENTS_2024):
    model = load_model(MINI).model
    y2023 = apply_followups(model, score_year(model, year_inputs(2023, COUNTIES_2023)).result, {})
    history = {2023: y2023}
    scored, view = score_year(model, year_inputs(2024, counties, events), y2023)
    results = build_results(model, apply_followups(model, scored, history), view, {})
    past = {2023: history_points(model, y2023)}
    return {c["unit"]: c for c in unit_contexts(model, results, past, load_issuance(ISSUANCE))}


@pytest.fixture(scope="module")
def letters():
    return _contexts()


def test_the_letter_is_addressed_to_the_unit_and_says_why_it_is_sent(letters):
    c = letters["甲县"]
    assert c["addressee"] == "甲县："
    # the tiny model names no basis; the sample issuer is an office (…办公室) → 我办
    assert c["opening"] == (
        "根据年度质量工作考核制度，我办组织开展了2024年度质量工作考核。现将你单位考核结果反馈如下。"
    )
    assert c["headings"] == {
        "result": "一、考核结果",
        "details": "二、指标得分明细",
        "adjustments": "三、不适用指标和加减分",
        "gaps": "四、需要改进的问题",
    }
    # a summoned unit has one more section, numbered after the others
    assert letters["丙县"]["headings"]["triggers"] == "五、约谈及整改要求"


def test_the_top_unit_is_praised_and_its_gaps_grouped_by_category(letters):
    c = letters["甲县"]
    # rank 1 of 5; both target indicators met (95 ≥ 91, 10 ≥ 10); 2023 rank 1 → no change
    assert c["praise"] == ["你单位总分位列5个测试组第一，设有年度目标的2项指标全部达标，成绩突出。"]
    # 组织领导 14.995 of 20 prints 15.00 (lost 5.00), 宣传培训 15 of 20: both ≥ 1 point lost,
    # equal losses keep the model's order
    assert c["fixes"] == [
        {
            "title": "措施落实失分较多",
            "text": "组织领导得15分（分值20分）；宣传培训得15分（分值20分）。",
        }
    ]
    assert c["minor"] == ""


def test_missed_targets_come_first_with_value_target_and_loss(letters):
    c = letters["丁县"]
    # 丁县: growth 8 < 10 → 8/10 × 30 = 24, lost 6; 组织领导 and 宣传培训 13 of 20 each
    assert c["fixes"] == [
        {"title": "年度目标未完成", "text": "投入增长8%，未达到目标10%，失分6分。"},
        {
            "title": "措施落实失分较多",
            "text": "组织领导得13分（分值20分）；宣传培训得13分（分值20分）。",
        },
    ]
    # rank 4 in 2023 → 2 (tied with 乙县) in 2024, and no follow-up: the rise is said
    assert c["praise"] == ["你单位名次较上年上升2位。"]


def test_a_summoned_unit_is_not_praised_for_its_rise(letters):
    # 丙县 rose from 5th to 4th but is summoned (grade D, the safety floor)
    assert letters["丙县"]["praise"] == []


def test_a_vetoed_unit_hears_of_the_veto_first_and_no_praise(letters):
    c = letters["戊县"]
    assert c["praise"] == []
    assert c["fixes"] == [
        {
            "title": "一票否决事项",
            "text": "发生“瞒报”（依据：测试依据），考核等次直接评为不合格，排名列本组最后。",
        }
    ]


def test_a_department_without_its_own_indicator_hears_of_its_lagging_task(letters):
    c = letters["乙局"]
    # 牵头指标 does not apply (applies_to 甲局): 重点任务 takes all 100 points.
    # tasks: T01 配合 80 (weight 0.5), T02 牵头 50 (weight 1): (40 + 50) / 1.5 = 60 → 60 of 100
    assert c["fixes"] == [
        {
            "title": "重点任务推进不够有力",
            "text": "承担的2项重点任务加权平均完成得分60分，失分40分，"
            "其中“任务二”（牵头，完成得分50分）推进滞后，需加快推进。",
        }
    ]
    assert c["praise"] == []  # 2nd of 2, no target indicator of its own, rank unchanged


def test_small_losses_are_summed_up_in_one_sentence():
    counties = dict(COUNTIES_2024, 甲县=county("95", "10", "19.5", "19.7"))
    c = _contexts(counties)["甲县"]
    # lost 0.5 and 0.3, each below 1 point: 0.5 + 0.3 = 0.8, the larger named first
    assert c["fixes"] == []
    assert c["minor"] == "组织领导、宣传培训2项指标各失分不足1分，合计失分0.8分，仍有提升空间。"
    one = _contexts(dict(COUNTIES_2024, 甲县=county("95", "10", "19.5", "20")))["甲县"]
    assert one["minor"] == "组织领导失分0.5分，差距较小。"


def test_a_penalty_is_a_gap_with_its_points_and_basis():
    c = _contexts(events=[*EVENTS_2024, ev("丁县", "P1")])["丁县"]
    assert c["fixes"][0] == {"title": "扣分事项", "text": "“迟报”扣2分（依据：测试依据）。"}


def _ind(name, points, score, tasks=None):
    lost = Decimal(points) - Decimal(score)
    record = {"id": name, "name": name, "value": 0, "target": None, "measure": "分",
              "text": {"points": points, "score": score, "lost": f"{lost:.2f}"}}  # fmt: skip
    return record | ({"tasks": tasks} if tasks is not None else {})


def test_a_category_losing_everywhere_is_summed_up_with_its_largest_losses():
    # five indicators losing 2 + 1.5 + 1.5 + 1.2 + 1 = 7.2 points: more than four, so the sum
    # and the three largest (already in order of loss, as `gaps` sorts them)
    inds = [_ind("甲", "7.00", "5.00"), _ind("乙", "7.00", "5.50"), _ind("丙", "6.00", "4.50"),
            _ind("丁", "7.00", "5.80"), _ind("戊", "6.00", "5.00")]  # fmt: skip
    assert _category("措施落实", inds) == {
        "title": "措施落实失分较多",
        "text": "5项指标合计失分7.2分，失分最多的是甲得5分（分值7分）、乙得5.5分（分值7分）、"
        "丙得4.5分（分值6分）。",
    }


def test_many_lagging_tasks_are_named_three_at_most_lowest_first():
    tasks = [
        {"name": f"任务{n}", "role": "配合", "score": s}
        for n, s in zip("一二三四五", (79, 60, 75, 90, 70), strict=True)
    ]
    ind = _ind("重点任务完成情况", "80.00", "60.00", tasks) | {"value": 75, "target": 100}
    # below 80: 79, 60, 75, 70 → four; lowest first: 二 60, 五 70, 三 75, then 等4项任务
    assert _tasks_sentence(ind) == (
        "承担的5项重点任务加权平均完成得分75分，失分20分，其中“任务二”（配合，完成得分60分）、"
        "“任务五”（配合，完成得分70分）、“任务三”（配合，完成得分75分）等4项任务推进滞后，需加快推进"
    )


def test_no_sentence_reads_like_a_log(letters):
    for c in letters.values():
        text = " ".join([*c["praise"], *(f["text"] for f in c["fixes"]), c["minor"]])
        assert not LOG_LIKE.search(text), (c["unit"], text)


# -- the sample year ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    from evalgen.pipeline import evaluate

    ev2024 = evaluate(2024)
    model = ev2024.loaded.model
    results = build_results(model, ev2024.result, ev2024.lines, {})
    past = {y: history_points(model, r) for y, r in ev2024.history.items()}
    issuance = load_issuance(Path(ISSUANCE))
    return {c["unit"]: c for c in unit_contexts(model, results, past, issuance)}


@pytest.mark.slow
def test_sample_first_place_is_praised_and_its_small_losses_summed(sample):
    c = sample["清河县"]
    assert c["praise"][0].startswith("你单位总分位列20个县（市、区）第一，")
    assert c["praise"][0].endswith("指标全部达标，成绩突出。")
    # 1.2 and 1.0 points lost are named with score and points; the 0.6–0.7 losses summed up
    assert [f["title"] for f in c["fixes"]] == ["质量措施落实情况失分较多"]
    assert "组织领导与工作机制得5.8分（分值7分）" in c["fixes"][0]["text"]
    assert re.fullmatch(r".+等5项指标各失分不足1分，合计失分3\.2分，仍有提升空间。", c["minor"])


@pytest.mark.slow
def test_sample_summoned_county_hears_its_missed_target_first(sample):
    c = sample["宁晋县"]
    assert c["fixes"][0] == {
        "title": "年度目标未完成",
        "text": "食品安全评价性抽检合格率97.96%，未达到目标98.25%，失分1.45分。",
    }
    assert c["praise"] == []


@pytest.mark.slow
def test_sample_vetoed_county_and_a_department(sample):
    assert sample["平乡县"]["fixes"][0]["title"] == "一票否决事项"
    assert sample["平乡县"]["praise"] == []
    tasks = next(f for f in sample["市市场监管局"]["fixes"] if f["title"].startswith("重点任务"))
    # the table prints the weighted task score 93.4146 to two places, as the text does
    row = next(r for r in sample["市市场监管局"]["rows"] if r["name"] == "重点任务完成情况")
    assert row["value"] == "93.41" and "加权平均完成得分93.41分" in tasks["text"]
    for c in sample.values():
        text = " ".join([*c["praise"], *(f["text"] for f in c["fixes"]), c["minor"]])
        assert not LOG_LIKE.search(text), (c["unit"], text)
