"""The follow-up condition table: one entry per `when:`, and its filter never misses a unit."""

import pytest
from test_engine import COUNTIES_2024, EVENTS_2024, MINI, ev, score_both_years, year_inputs

from evalgen.model.checks import meaning_problems
from evalgen.model.loader import load_model
from evalgen.scoring.conditions import CONDITIONS, Scope
from evalgen.scoring.engine import score_year
from evalgen.scoring.followups import apply_followups


@pytest.fixture(scope="module")
def model():
    return load_model(MINI).model


def test_the_table_declares_the_five_conditions_of_the_plan():
    assert list(CONDITIONS) == ["grade", "veto", "bottom", "bottom_consecutive", "safety_floor"]
    assert all(name == c.name for name, c in CONDITIONS.items())
    assert {n for n, c in CONDITIONS.items() if c.needs_grades} == {"grade"}
    assert {n for n, c in CONDITIONS.items() if c.counts_from_bottom} == {
        "bottom",
        "bottom_consecutive",
    }


def test_the_model_may_name_only_a_condition_of_the_table(model):
    """`when:` is checked against the table (its one declaration), with the names it has."""
    rule = model.followups[0].model_copy(update={"when": "lowest"})
    bad = model.model_copy(update={"followups": [rule, *model.followups[1:]]})
    [problem] = [p for p in meaning_problems(bad) if p.code == "unknown-condition"]
    assert problem.path == "followups[0].when"
    assert problem.message == (
        "约谈整改条件“lowest”不存在（可用：grade、veto、bottom、bottom_consecutive、safety_floor）"
    )
    assert meaning_problems(model) == []


def _years(model):
    y2023, y2024, _ = score_both_years(model)
    yield y2024, {2023: y2023}
    vetoed = [*EVENTS_2024, ev("甲县", "V1"), ev("丙县", "P1", 3)]
    yield score_year(model, year_inputs(2024, COUNTIES_2024, vetoed), y2023).result, {2023: y2023}
    yield score_year(model, year_inputs(2024, COUNTIES_2024)).result, {}


def test_every_unit_a_condition_triggers_for_is_among_its_candidates(model):
    checked = 0
    for year, history in _years(model):
        for group in year.groups.values():
            scope = Scope(model, year, group, history)
            for rule in model.followups:
                condition = CONDITIONS[rule.when]
                candidates = set(condition.candidates(rule, group))
                for row, result in enumerate(group.units):
                    if condition.check(rule, result, scope):
                        assert row in candidates, (rule.id, result.unit)
                        checked += 1
    assert checked >= 10  # the scenarios do trigger things


def test_triggers_follow_the_models_rule_order(model):
    # 丙县 in 2024 (see test_engine): grade D, bottom two, bottom two running, safety floor
    y2023, y2024, _ = score_both_years(model)
    again = apply_followups(model, y2024, {2023: y2023})
    order = [rule.id for rule in model.followups]
    fired = [t.rule_id for t in again.unit("丙县").triggers]
    assert fired == sorted(fired, key=order.index) == ["grade_d", "bottom", "bottom_twice", "floor"]
