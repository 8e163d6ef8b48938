"""Scoring stage tests on a tiny model; every expected value is computed by hand in comments."""

import dataclasses
import gc
import math
import weakref
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalgen.inputs.year import Event, Figure, Source, YearInputs
from evalgen.model.loader import load_model
from evalgen.numbers import round_half_up
from evalgen.outputs.results import build_results
from evalgen.problems import ModelError
from evalgen.scoring.engine import _sorted_ranks, score_year
from evalgen.scoring.exact import ExactGroup
from evalgen.scoring.followups import apply_followups

MINI = Path(__file__).parent / "fixtures" / "mini_model.yaml"
SRC = Source("测试.xlsx", "测试指标", "B2")


@pytest.fixture(scope="module")
def model():
    return load_model(MINI).model


def fig(value):
    return Figure(None if value is None else Decimal(value), SRC)


def county(pass_rate, growth, e1, e2):
    return {"pass_rate": fig(pass_rate), "growth": fig(growth), "e1": fig(e1), "e2": fig(e2)}


def ev(unit, item, count=1):
    return Event(unit, item, count, "测试依据", "", Source("加减分.xlsx", "加减分事项", "第2行"))


def departments():
    figures = {"甲局": {"owned": fig("60")}, "乙局": {}}
    tasks = {
        "甲局": {"T01": (Decimal(90), SRC)},
        "乙局": {"T01": (Decimal(80), SRC), "T02": (Decimal(50), SRC)},
    }
    return figures, tasks


def year_inputs(year, counties, events=()):
    figures, tasks = departments()
    figures.update(counties)
    return YearInputs(year, Path("."), figures=figures, tasks=tasks, events=list(events))


# 2024 targets: pass_rate linear 2023 90 → 2025 92 gives 91; growth holds 10.
COUNTIES_2024 = {
    # 30 + 30 + 14.995 + 15 = 89.995 → 四舍五入 90.00 → A
    "甲县": county("95", "10", "14.995", "15"),
    # growth 不适用: pass_rate takes the category's 60 points → 60 + 10 + 10 = 80 → B
    "乙县": county("95", None, "10", "10"),
    # pass 90 < 91 → 0; growth 5/10 × 30 = 15; 20 + 20 → 55 → D
    "丙县": county("90", "5", "20", "20"),
    # 30 + 8/10 × 30 = 24 + 13 + 13 = 80 → B, tied with 乙县
    "丁县": county("95", "8", "13", "13"),
    # 30 + 30 (ratio capped at full) + 20 + 20 = 100, bonus 3 × 2 = 6 capped at 5, vetoed
    "戊县": county("95", "20", "20", "20"),
}
EVENTS_2024 = [ev("戊县", "B1", 2), ev("戊县", "V1")]

# 2023 (pass target 90): 丙县 and 丁县 are the bottom two.
COUNTIES_2023 = {
    "甲县": county("95", "10", "20", "20"),  # 100 → 1
    "乙县": county("95", "10", "15", "15"),  # 90 → 3
    "丙县": county("80", "10", "10", "10"),  # 0 + 30 + 20 = 50 → 5
    "丁县": county("95", "5", "10", "10"),  # 30 + 15 + 20 = 65 → 4
    "戊县": county("95", "10", "18", "18"),  # 96 → 2
}


def score_both_years(model):
    """The hand-computed 2023 and 2024 of the tiny model, with follow-ups, and 2024's exact
    view (the lines of its units)."""
    history = {}
    y2023 = score_year(model, year_inputs(2023, COUNTIES_2023)).result
    history[2023] = apply_followups(model, y2023, history)
    y2024, view = score_year(model, year_inputs(2024, COUNTIES_2024, EVENTS_2024), history[2023])
    return history[2023], apply_followups(model, y2024, history), view


@pytest.fixture(scope="module")
def both(model):
    return score_both_years(model)


@pytest.fixture(scope="module")
def scored(both):
    return both[1]


@pytest.fixture(scope="module")
def view(both):
    return both[2]


def test_half_up_total_reaches_grade_a(scored, view):
    r = scored.unit("甲县")
    assert view.unit_lines(r).base == Fraction("89.995")
    assert r.total == Decimal("90.00")
    assert r.grade == "A"


def test_just_below_half_rounds_down(model):
    counties = dict(COUNTIES_2024, 甲县=county("95", "10", "14.994999", "15"))
    r = score_year(model, year_inputs(2024, counties)).result.unit("甲县")
    assert r.total == Decimal("89.99")
    assert r.grade == "B"


def test_not_applicable_points_go_to_the_rest_of_the_category(scored, view):
    r = scored.unit("乙县")
    lines = {ln.indicator.id: ln for ln in view.unit_lines(r).indicators}
    assert lines["growth"].not_applicable and lines["growth"].effective_points == 0
    assert lines["pass_rate"].effective_points == 60
    assert lines["pass_rate"].score == 60
    assert r.total == Decimal("80.00")


def test_whole_category_not_applicable_spreads_over_the_other_categories(scored, view):
    # 乙局: tasks (0.5 × 80 + 1 × 50) / 1.5 = 60; owned category (20) is N/A by design,
    # so key_tasks carries 100 points: 100 × 60/100 = 60.
    r = scored.unit("乙局")
    exact = view.unit_lines(r)
    lines = {ln.indicator.id: ln for ln in exact.indicators}
    assert lines["key_tasks"].value == 60
    assert lines["key_tasks"].effective_points == 100
    assert "owned" not in lines  # not 乙局's indicator at all
    assert exact.notes == ("“牵头指标”（20分）无本单位承担的指标，分值按比例分配给其余类别的指标",)
    assert r.total == Decimal("60.00")
    # 甲局: 80 × 90/100 = 72 + owned 60 ≥ 50 → 20 = 92
    assert scored.unit("甲局").total == Decimal("92.00")


def test_task_lines_record_lead_and_co_roles(scored, view):
    lines = view.unit_lines(scored.unit("乙局")).indicators
    line = next(ln for ln in lines if ln.indicator.id == "key_tasks")
    assert [(t.no, t.role, t.weight) for t in line.tasks] == [
        (1, "配合", Decimal("0.5")),
        (2, "牵头", 1),
    ]


def test_bonus_is_capped(scored):
    r = scored.unit("戊县")
    assert r.bonus == 6 and r.bonus_capped == 5
    assert r.total == Decimal("105.00")


def test_veto_forces_grade_d_and_last_rank(scored):
    r = scored.unit("戊县")
    assert r.veto and r.grade == "D"
    assert r.rank == 5


def test_shared_ranks(scored):
    ranks = {r.unit: r.rank for r in scored.groups["g"].units}
    assert ranks == {"甲县": 1, "乙县": 2, "丁县": 2, "丙县": 4, "戊县": 5}
    assert [r.unit for r in scored.groups["g"].units] == ["甲县", "乙县", "丁县", "丙县", "戊县"]


def test_competition_ranks():
    # units sorted best first: equal totals share a rank (1, 2, 2, 4); vetoed units rank after
    no_veto = np.zeros(4, dtype=bool)
    assert _sorted_ranks(no_veto, np.array([95, 90, 90, 80])).tolist() == [1, 2, 2, 4]
    assert _sorted_ranks(no_veto[:3], np.array([5, 5, 5])).tolist() == [1, 1, 1]
    vetoed = np.array([False, False, True, True])
    assert _sorted_ranks(vetoed, np.array([90, 80, 95, 95])).tolist() == [1, 2, 3, 3]


def test_rank_change_against_previous_year(scored):
    # 2023 ranks: 甲1 戊2 乙3 丁4 丙5
    changes = {r.unit: (r.previous_rank, r.rank_change) for r in scored.groups["g"].units}
    assert changes["甲县"] == (1, 0)
    assert changes["乙县"] == (3, 1)
    assert changes["丙县"] == (5, 1)
    assert changes["戊县"] == (2, -3)


def test_penalty_never_takes_total_below_zero(model):
    events = [ev("丙县", "P1", 30)]  # 55 − 60 → floored at 0
    r = score_year(model, year_inputs(2024, COUNTIES_2024, events)).result.unit("丙县")
    assert r.penalty == 60
    assert r.total == Decimal("0.00")


def test_followups(scored):
    kinds = {r.unit: [(t.rule_id, t.kind) for t in r.triggers] for r in scored.groups["g"].units}
    assert kinds["甲县"] == []
    assert kinds["乙县"] == [] and kinds["丁县"] == []
    # 丙县: D (55), bottom two now and in 2023, food-safety floor missed (90 < 91)
    assert kinds["丙县"] == [
        ("grade_d", "约谈"),
        ("bottom", "整改"),
        ("bottom_twice", "约谈"),
        ("floor", "约谈"),
    ]
    # 戊县: vetoed (the forced grade D is not summoned twice); last place; 2023 it was 2nd
    assert kinds["戊县"] == [("veto", "约谈"), ("bottom", "整改")]


def test_followup_reasons_carry_the_figures(scored):
    reasons = [t.reason for t in scored.unit("丙县").triggers]
    assert reasons[0] == "考核总分55.00分，等次为不合格"
    assert reasons[1] == "2024年度考核总分55.00分，在5个测试组中排名第4位，位列后两名"
    assert reasons[2] == "连续两年位列测试组后两名（2023年第5位、2024年第4位）"
    assert reasons[3] == "抽检合格率为90%，低于2024年度目标91%"
    veto = [t.reason for t in scored.unit("戊县").triggers if t.rule_id == "veto"]
    assert veto == ["发生一票否决事项“瞒报”（依据：测试依据）"]


def test_ties_at_the_cut_both_count_as_bottom(model):
    from evalgen.scoring.conditions import in_bottom

    counties = dict(COUNTIES_2024, 甲县=county("90", "5", "20", "20"))  # 55, tied with 丙县
    result = score_year(model, year_inputs(2024, counties)).result
    group = result.groups["g"]
    bottom = sorted(r.unit for r in group.units if in_bottom(group, r, 2))
    # no events: 戊 100 (1), 乙 80 (2), 丁 80 (2), 甲 55 (4), 丙 55 (4): nobody did worse than
    # either 55, so both tied units are in the bottom two.
    assert bottom == ["丙县", "甲县"]


def test_missing_target_for_the_year_is_a_model_error(model):
    with pytest.raises(ModelError) as err:
        score_year(model, year_inputs(2022, COUNTIES_2024))
    assert "不适用于2022年度" in err.value.message


# Totals on and next to half-way points (四舍五入 at the 2nd decimal). Summed in binary,
# 75.105 and 1.005 come out just below the half-way point: only the exact total rounds them up.
HALF_WAY = {
    # 30 + 30 + 14.995 + 15 = 89.995 → 90.00
    "甲县": county("95", "10", "14.995", "15"),
    # 89.994999 → 89.99
    "乙县": county("95", "10", "14.994999", "15"),
    # 30 + 30 + 0.105 + 15 = 75.105 → 75.11
    "丙县": county("95", "10", "0.105", "15"),
    # pass 88 < 91 → 0; growth 0 → 0; 1.005 + 0 = 1.005 → 1.01
    "丁县": county("88", "0", "1.005", "0"),
    # growth 不适用, pass_rate carries 60: 60 + 10.005 + 10 = 80.005 → 80.01
    "戊县": county("95", None, "10.005", "10"),
}
HALF_WAY_EXACT = {
    "甲县": Fraction("89.995"),
    "乙县": Fraction("89.994999"),
    "丙县": Fraction("75.105"),
    "丁县": Fraction("1.005"),
    "戊县": Fraction("80.005"),
}


def county_group(model, inputs):
    """The tiny model's county group as `ExactGroup`, its value matrix written out here."""
    group = model.groups["g"]
    ids = ["pass_rate", "growth", "e1", "e2"]
    values = np.array(
        [
            [
                math.nan if f.value is None else float(f.value)
                for f in map(inputs.figures[u].get, ids)
            ]
            for u in group.units
        ]
    )
    return ExactGroup(group, inputs, values)


def test_half_way_totals_are_decided_by_the_exact_total(model):
    result = score_year(model, year_inputs(2024, HALF_WAY)).result
    totals = {r.unit: r.total for r in result.groups["g"].units}
    assert totals == {
        "甲县": Decimal("90.00"),
        "乙县": Decimal("89.99"),
        "丙县": Decimal("75.11"),
        "丁县": Decimal("1.01"),
        "戊县": Decimal("80.01"),
    }
    ranks = [(r.unit, r.rank) for r in result.groups["g"].units]
    assert ranks == [("甲县", 1), ("乙县", 2), ("戊县", 3), ("丙县", 4), ("丁县", 5)]
    assert result.unit("甲县").grade == "A" and result.unit("乙县").grade == "B"


def test_half_way_ties_share_a_rank(model):
    # 75.105 (exact, rounds up) and 75.11 tie at 75.11
    counties = dict(HALF_WAY, 乙县=county("95", "10", "0.11", "15"))
    result = score_year(model, year_inputs(2024, counties)).result
    assert [(r.unit, r.rank) for r in result.groups["g"].units][2:4] == [("乙县", 3), ("丙县", 3)]


def test_exact_total_without_lines_matches_the_lines_at_half_way_points(model):
    inputs = year_inputs(2024, HALF_WAY)
    exact = county_group(model, inputs)
    for unit, expected in HALF_WAY_EXACT.items():
        lines, _ = exact.unit_lines(unit)
        assert sum((ln.score for ln in lines), Fraction(0)) == expected
        assert exact.unit_total(unit) == expected


def test_exact_total_without_lines_spreads_a_whole_category(model):
    # 乙局 (see above): the N/A 牵头指标 category's 20 points go to key_tasks: 100 × 60/100 = 60
    inputs = year_inputs(2024, COUNTIES_2024)
    group = model.groups["d"]
    exact = ExactGroup(group, inputs, np.array([[60.0, math.nan], [60.0, math.nan]]))
    assert exact.unit_total("乙局") == 60
    assert exact.unit_total("乙局") == sum(ln.score for ln in exact.unit_lines("乙局")[0])


COUNTY_UNITS = ["甲县", "乙县", "丙县", "丁县", "戊县"]
_CENTS = st.integers(min_value=0, max_value=4000).map(lambda n: str(Decimal(n) / 200))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["88", "90", "91", "95"]),
            st.sampled_from([None, "0", "2.5", "5", "7.5", "10", "12"]),
            _CENTS,
            _CENTS,
        ),
        min_size=5,
        max_size=5,
    ),
    st.lists(st.sampled_from(COUNTY_UNITS), max_size=3),
    st.integers(min_value=0, max_value=3),
)
def test_every_total_is_the_half_up_of_the_exact_total(model, rows, vetoed, penalties):
    # e1, e2 in steps of 0.005 and scores like 7.5 and 22.5: many totals sit on half-way points
    counties = {u: county(*row) for u, row in zip(COUNTY_UNITS, rows, strict=True)}
    events = [ev(u, "V1") for u in sorted(set(vetoed))]
    if penalties:
        events.append(ev("丙县", "P1", penalties))
    inputs = year_inputs(2024, counties, events)
    result, view = score_year(model, inputs)
    exact = county_group(model, inputs)
    units = result.groups["g"].units
    for r in units:
        lines = view.unit_lines(r)
        assert lines.base == sum((ln.score for ln in lines.indicators), Fraction(0))
        assert exact.unit_total(r.unit) == lines.base  # lines.base: the full exact lines' sum
        assert r.total == round_half_up(lines.exact_total, 2)
        # competition rank: 1 + units strictly better (not vetoed beats vetoed, then total)
        better = sum(1 for o in units if (o.veto, -o.total) < (r.veto, -r.total))
        assert r.rank == better + 1
    assert [r.rank for r in units] == sorted(r.rank for r in units)


def test_vetoed_units_rank_after_all_others_by_their_totals(model):
    events = [ev("乙县", "V1"), ev("丁县", "V1"), ev("丙县", "V1")]
    result = score_year(model, year_inputs(2024, COUNTIES_2024, events)).result
    # not vetoed: 戊 100, 甲 90; vetoed: 乙 80 and 丁 80 (tied, model order), 丙 55
    order = [(r.unit, r.rank, r.grade) for r in result.groups["g"].units]
    assert order == [
        ("戊县", 1, "A"),
        ("甲县", 2, "A"),
        ("乙县", 3, "D"),
        ("丁县", 3, "D"),
        ("丙县", 5, "D"),
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_scoring_leaves_garbage_collection_as_it_found_it(model, enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        year = score_year(model, year_inputs(2024, COUNTIES_2024)).result
        assert gc.isenabled() is enabled
        apply_followups(model, year, {})
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_ties_at_the_cut_are_both_told_to_rectify(model):
    # grade C, no veto, floors met: only the bottom rule concerns 丁县 and 戊县
    counties = {
        "甲县": county("95", "10", "20", "20"),  # 100 → 1
        "乙县": county("95", None, "10", "10"),  # 80 → 2
        "丙县": county("95", "8", "13", "13"),  # 30 + 24 + 26 = 80 → 2
        "丁县": county("95", "5", "10", "10"),  # 30 + 15 + 20 = 65 → 4
        "戊县": county("95", "5", "10", "10"),  # 65 → 4
    }
    result = apply_followups(model, score_year(model, year_inputs(2024, counties)).result, {})
    triggers = {r.unit: [t.reason for t in r.triggers] for r in result.groups["g"].units}
    tied = "2024年度考核总分65.00分，在5个测试组中排名第4位（并列），位列后两名"
    assert triggers == {"甲县": [], "乙县": [], "丙县": [], "丁县": [tied], "戊县": [tied]}


def test_followups_applied_again_replace_the_earlier_ones(model):
    y2023, y2024, _ = score_both_years(model)
    assert "bottom_twice" in [t.rule_id for t in y2024.unit("丙县").triggers]
    again = apply_followups(model, y2024, {})  # without 2023, nobody is bottom two years running
    assert [t.rule_id for t in again.unit("丙县").triggers] == ["grade_d", "bottom", "floor"]
    assert [t.rule_id for t in again.unit("甲县").triggers] == []
    # a new year comes back; the one given is left as it was
    assert "bottom_twice" in [t.rule_id for t in y2024.unit("丙县").triggers]
    assert again.unit("甲县") is y2024.unit("甲县")  # unchanged units are shared, not copied


def test_results_hold_no_lines_and_the_exact_view_keeps_none(model):
    _, y2024, view = score_both_years(model)
    unit = y2024.unit("丙县")
    before = [(ln.indicator.id, ln.score) for ln in view.unit_lines(unit).indicators]
    ranks = [(r.unit, r.total, r.rank, r.grade) for g in y2024.groups.values() for r in g.units]
    build_results(model, y2024, view, {})
    assert [(ln.indicator.id, ln.score) for ln in view.unit_lines(unit).indicators] == before
    assert [
        (r.unit, r.total, r.rank, r.grade) for g in y2024.groups.values() for r in g.units
    ] == ranks
    # the lines are built for whoever asks and kept by no one (the view included)
    lines = weakref.ref(view.unit_lines(unit))
    gc.collect()
    assert lines() is None
    # a result is frozen and has no lines of its own to build, keep or release
    with pytest.raises(AttributeError):
        unit.indicators  # noqa: B018 - the attribute is the point
    with pytest.raises(dataclasses.FrozenInstanceError):
        unit.rank = 1  # type: ignore[misc]
