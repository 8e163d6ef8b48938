"""The follow-up condition table: one entry per `when:`, and its filter never misses a unit."""

from typing import get_args

import pytest
from test_engine import COUNTIES_2024, EVENTS_2024, MINI, ev, score_both_years, year_inputs

from evalgen.model.loader import load_model
from evalgen.model.schema import FollowUpRule
from evalgen.scoring.engine import score_year
from evalgen.scoring.followups import CONDITIONS, Scope, apply_followups


@pytest.fixture(scope="module")
def model():
    return load_model(MINI).model


def test_the_table_declares_exactly_the_conditions_the_model_file_allows():
    allowed = get_args(FollowUpRule.model_fields["when"].annotation)
    assert list(CONDITIONS) == list(allowed)
    assert all(name == c.name for name, c in CONDITIONS.items())


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
