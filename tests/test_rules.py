"""Scoring rules, rounding and rule descriptions, each checked against figures worked by hand."""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalgen.numbers import fmt_number, round_half_up
from evalgen.scoring.rules import (
    RuleInput,
    deduct,
    evaluated,
    linear,
    rank,
    ratio,
    relative,
    threshold,
)
from evalgen.scoring.ruletable import RULES, describe
from evalgen.scoring.vectorized import rule_vector

F = Fraction
D = Decimal


def given_input(
    value: str,
    target: str | None = None,
    points: str = "10",
    higher: bool = True,
    peers: tuple[str, ...] = (),
    **params: str,
) -> RuleInput:
    return RuleInput(
        value=F(value),
        target=None if target is None else F(target),
        points=F(points),
        params={name: F(x) for name, x in params.items()},
        higher_is_better=higher,
        peers=tuple(F(p) for p in peers),
    )


# --- 达标制 threshold ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("98.5", "10"),  # exactly at the target counts as met
        ("98.6", "10"),
        ("100", "10"),
        ("98.49", "0"),
        ("0", "0"),
    ],
)
def test_threshold_higher(value: str, expected: str) -> None:
    assert threshold(given_input(value, target="98.5")) == F(expected)


@pytest.mark.parametrize(("value", "expected"), [("0", "5"), ("-1", "5"), ("1", "0"), ("0.1", "0")])
def test_threshold_lower(value: str, expected: str) -> None:
    # e.g. 重大质量安全事故 0件: at or under the target is met.
    assert threshold(given_input(value, target="0", points="5", higher=False)) == F(expected)


# --- 线性 linear ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("94", "10"),  # at the target
        ("95", "10"),  # beyond the target, still capped at the points
        ("92", "0"),  # at the floor
        ("91", "0"),  # below the floor
        ("93", "5"),  # 10 × (93 − 92) / (94 − 92) = 10 × 1/2
        ("92.5", "2.5"),  # 10 × 0.5 / 2
        ("93.5", "7.5"),  # 10 × 1.5 / 2
        ("92.3", "1.5"),  # 10 × 0.3 / 2
    ],
)
def test_linear_higher(value: str, expected: str) -> None:
    assert linear(given_input(value, target="94", floor="92")) == F(expected)


def test_linear_keeps_exact_thirds() -> None:
    # 10 × (92 − 91) / (94 − 91) = 10/3, not 3.33
    assert linear(given_input("92", target="94", floor="91")) == F(10, 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", "6"),  # at the target
        ("1", "6"),  # better than the target
        ("5", "0"),  # at the floor
        ("7", "0"),  # beyond the floor
        ("3", "4"),  # 6 × (5 − 3) / (5 − 2) = 6 × 2/3
        ("4", "2"),  # 6 × 1/3
        ("4.5", "1"),  # 6 × 0.5/3
    ],
)
def test_linear_lower(value: str, expected: str) -> None:
    assert linear(given_input(value, target="2", points="6", higher=False, floor="5")) == F(
        expected
    )


# --- 比例 ratio ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        ("60", "80", "7.5"),  # 10 × 60/80
        ("80", "80", "10"),
        ("100", "80", "10"),  # min(1, 100/80)
        ("0", "80", "0"),
        ("-5", "80", "0"),
        ("5", "0", "10"),  # a zero target is met by any positive value
    ],
)
def test_ratio_higher(value: str, target: str, expected: str) -> None:
    assert ratio(given_input(value, target=target)) == F(expected)


def test_ratio_higher_keeps_exact_fractions() -> None:
    # 10 × 70/90 = 70/9
    assert ratio(given_input("70", target="90")) == F(70, 9)


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        ("2", "2", "6"),
        ("1", "2", "6"),
        ("3", "2", "4"),  # 6 × 2/3
        ("8", "2", "1.5"),  # 6 × 2/8
        ("0", "0", "6"),
        ("3", "0", "0"),  # over a zero target: no proportion to take
    ],
)
def test_ratio_lower(value: str, target: str, expected: str) -> None:
    assert ratio(given_input(value, target=target, points="6", higher=False)) == F(expected)


# --- 扣完为止 deduct -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("98.5", "10"),  # at the target
        ("99", "10"),  # no bonus above the target
        ("98", "9.5"),  # 0.5 point short × 1 per point = 0.5 deducted
        ("95.5", "7"),  # 3 short
        ("88.5", "0"),  # 10 short: exactly used up
        ("80", "0"),  # 18.5 short: 10 − 18.5 floored at 0
    ],
)
def test_deduct_higher(value: str, expected: str) -> None:
    assert deduct(given_input(value, target="98.5", per="1", deduct="1")) == F(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "5"),
        ("0.5", "4"),  # 0.5 over × 2 per 件 = 1 deducted
        ("1", "3"),
        ("2", "1"),
        ("2.5", "0"),  # 5 deducted: exactly used up
        ("3", "0"),  # 6 deducted, floored at 0
    ],
)
def test_deduct_lower(value: str, expected: str) -> None:
    inp = given_input(value, target="0", points="5", higher=False, per="1", deduct="2")
    assert deduct(inp) == F(expected)


def test_deduct_per_half_a_point() -> None:
    # 1 short, 1 point per 0.5 short → 2 deducted → 8
    assert deduct(given_input("94", target="95", per="0.5", deduct="1")) == F(8)


def test_deduct_never_below_zero() -> None:
    scores = [deduct(given_input(str(v), target="98.5", per="1", deduct="3")) for v in range(101)]
    assert min(scores) == 0
    assert all(score >= 0 for score in scores)


# --- 评审打分 evaluated --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("8.5", "8.5"), ("0", "0"), ("10", "10"), ("12", "10"), ("-1", "0")],
)
def test_evaluated(value: str, expected: str) -> None:
    assert evaluated(given_input(value)) == F(expected)


# --- 排名赋分 rank -------------------------------------------------------------------------

GROUP = ("90", "95", "95", "80")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("95", "10"),  # rank 1 (shared with the other 95): full points
        ("90", "9"),  # rank 3, as two units are better: 10 − 0.5 × 2
        ("80", "8.5"),  # rank 4: 10 − 0.5 × 3
    ],
)
def test_rank_higher_with_ties(value: str, expected: str) -> None:
    inp = given_input(value, peers=GROUP, step="0.5", floor="2")
    assert rank(inp) == F(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80", "10"),  # rank 1
        ("90", "9.5"),  # rank 2
        ("95", "9"),  # rank 3, shared: 10 − 0.5 × 2
    ],
)
def test_rank_lower_with_ties(value: str, expected: str) -> None:
    inp = given_input(value, higher=False, peers=GROUP, step="0.5", floor="2")
    assert rank(inp) == F(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50", "10"),
        ("40", "7"),
        ("30", "4"),
        ("20", "2"),  # 10 − 3 × 3 = 1, held at the floor 2
        ("10", "2"),  # 10 − 3 × 4 = −2, held at the floor 2
    ],
)
def test_rank_floor(value: str, expected: str) -> None:
    inp = given_input(value, peers=("50", "40", "30", "20", "10"), step="3", floor="2")
    assert rank(inp) == F(expected)


def test_rank_never_above_points() -> None:
    inp = given_input("10", peers=("50", "10"), step="1", floor="12")
    assert rank(inp) == F(10)


# --- 比较法 relative -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "peers", "expected"),
    [
        ("100", ("80", "100", "50"), "10"),
        ("80", ("80", "100", "50"), "8"),  # 10 × 80/100
        ("50", ("80", "100", "50"), "5"),
        ("3", ("3", "7"), str(F(30, 7))),  # 10 × 3/7
        ("-10", ("-10", "100"), "0"),  # a negative value scores 0, not below
        ("0", ("0", "0", "-5"), "0"),  # best is 0: nobody scores
        ("-3", ("0", "-3"), "0"),
    ],
)
def test_relative_higher(value: str, peers: tuple[str, ...], expected: str) -> None:
    assert relative(given_input(value, peers=peers)) == F(expected)


@pytest.mark.parametrize(
    ("value", "peers", "expected"),
    [
        ("2", ("2", "4", "5"), "10"),
        ("4", ("2", "4", "5"), "5"),  # 10 × 2/4
        ("5", ("2", "4", "5"), "4"),  # 10 × 2/5
        ("0", ("0", "3"), "10"),  # the best, at 0, still gets full points
        ("3", ("0", "3"), "0"),  # best is 0: no proportion to take
        ("-1", ("-1", "2"), "10"),
        ("2", ("-1", "2"), "0"),
    ],
)
def test_relative_lower(value: str, peers: tuple[str, ...], expected: str) -> None:
    assert relative(given_input(value, higher=False, peers=peers)) == F(expected)


# --- lower is better, through both the exact rules and their vectorized twins ---------------
# Each row: values (None: no value), then the scores worked by hand; the exact rule gets the
# group's other values as peers, the vectorized one the whole column.


def both_ways(name: str, values, target=None, points="10", **params) -> list:
    """The exact and the vectorized scores of a column, lower being better."""
    peers = tuple(v for v in values if v is not None)
    rule = RULES[name]
    exact = [
        None if v is None else rule.exact(given_input(v, target, points, False, peers, **params))
        for v in values
    ]
    column = np.array([np.nan if v is None else float(v) for v in values])
    vector = rule_vector(
        rule.vectorized, column, None if target is None else float(target),
        float(points), {k: float(x) for k, x in params.items()}, False,
    )  # fmt: skip
    return exact, [None if np.isnan(x) else x for x in vector.tolist()]


def assert_both(got: tuple[list, list], expected: list[str | None]) -> None:
    exact, vector = got
    assert exact == [None if e is None else F(e) for e in expected]
    assert vector == [
        None if e is None else pytest.approx(float(F(e)), rel=1e-12) for e in expected
    ]


def test_linear_lower_both_ways() -> None:
    # 事故率 target 1.2, zero at 3: 8 × (3 − v) / (3 − 1.2) = 8 × (3 − v) / 1.8
    values = ["1.2", "0.5", "3", "4", "2.1", "1.5", "2.7", None]
    # 2.1 → 8 × 0.9/1.8 = 4; 1.5 → 8 × 1.5/1.8 = 20/3; 2.7 → 8 × 0.3/1.8 = 4/3
    expected = ["8", "8", "0", "0", "4", "20/3", "4/3", None]
    assert_both(both_ways("linear", values, target="1.2", points="8", floor="3"), expected)


def test_ratio_lower_both_ways() -> None:
    # 投诉率 target 0.5 (‰): 6 × 0.5 / v above the target
    values = ["0.5", "0.2", "0.75", "2", "-1", None, "1.5"]
    expected = ["6", "6", "4", "1.5", "6", None, "2"]
    assert_both(both_ways("ratio", values, target="0.5", points="6"), expected)


def test_ratio_lower_with_a_negative_target_both_ways() -> None:
    # target −2 (a fall of 2%): met at or below it, otherwise no proportion to take
    assert_both(both_ways("ratio", ["-3", "-2", "-1", "0"], target="-2"), ["10", "10", "0", "0"])


def test_rank_lower_both_ways() -> None:
    # lowest first; 80 is 1st, 90 2nd, the two 95s share 3rd (two better), 100 5th;
    # 10 − 1.5 × better, never below 5: 10, 8.5, 7, 7, max(5, 4) = 5
    values = ["90", "95", None, "80", "95", "100"]
    expected = ["8.5", "7", None, "10", "7", "5"]
    assert_both(both_ways("rank", values, step="1.5", floor="5"), expected)


def test_relative_lower_both_ways() -> None:
    # best (lowest) 4 gets full points, the others 10 × 4 / v
    values = ["4", "5", "8", None, "4", "12.5"]
    expected = ["10", "8", "5", None, "10", "3.2"]
    assert_both(both_ways("relative", values), expected)


def test_relative_lower_with_a_best_at_zero_both_ways() -> None:
    # the best is 0: it gets full points, the others have no proportion to take
    assert_both(both_ways("relative", ["0", "3", "0", "-0"]), ["10", "0", "10", "10"])


def test_relative_with_no_value_at_all_both_ways() -> None:
    assert_both(both_ways("relative", [None, None]), [None, None])


# --- the registry ---------------------------------------------------------------------------

NAMES = {"threshold", "linear", "ratio", "deduct", "evaluated", "rank", "relative"}


NEEDS_TARGET = {name for name, rule in RULES.items() if rule.needs_target}


def test_registry() -> None:
    assert set(RULES) == NAMES
    assert all(rule.name == name for name, rule in RULES.items())
    assert RULES["threshold"].exact is threshold
    assert RULES["relative"].exact is relative
    assert {name: rule.label for name, rule in RULES.items()} == {
        "threshold": "达标制",
        "linear": "线性",
        "ratio": "比例",
        "deduct": "扣完为止",
        "evaluated": "评审打分",
        "rank": "排名赋分",
        "relative": "比较法",
    }
    assert NEEDS_TARGET == {"threshold", "linear", "ratio", "deduct"}
    assert {name for name, rule in RULES.items() if rule.needs_peers} == {"rank", "relative"}
    assert {name for name, rule in RULES.items() if rule.value_is_score} == {"evaluated"}
    assert RULES["linear"].param_names == {"floor"}
    assert RULES["deduct"].param_names == {"per", "deduct"}
    assert RULES["rank"].param_names == {"step", "floor"}
    assert not RULES["threshold"].param_names | RULES["ratio"].param_names
    assert not RULES["evaluated"].param_names | RULES["relative"].param_names


def test_a_rule_needs_peers_exactly_when_it_says_what_decided_its_score():
    """A peer rule without its detail sentence (or the reverse) is refused when declared, so
    the exact path can never be given no peers while the vectorized path gets the column."""
    rank = RULES["rank"]
    with pytest.raises(ValueError, match="needs peers"):
        replace(rank, needs_peers=False)
    with pytest.raises(ValueError, match="needs peers"):
        replace(rank, peer_detail=None)


def test_parameter_bounds() -> None:
    bounds = {(name, p.name): p.bound for name, rule in RULES.items() for p in rule.params}
    assert bounds == {
        ("linear", "floor"): "beyond_targets",
        ("deduct", "per"): "positive",
        ("deduct", "deduct"): "non_negative",
        ("rank", "step"): "non_negative",
        ("rank", "floor"): "within_points",
    }


@pytest.mark.parametrize("name", sorted(NEEDS_TARGET))
def test_rules_needing_a_target_refuse_none(name: str) -> None:
    inp = given_input("90", target=None, floor="80", per="1", deduct="1")
    with pytest.raises(ValueError):
        RULES[name].exact(inp)


small = st.fractions(min_value=-200, max_value=200, max_denominator=1000)
positive = st.fractions(min_value=F(1, 1000), max_value=50, max_denominator=1000)


@given(
    name=st.sampled_from(sorted(NAMES)),
    value=small,
    target=small,
    points=st.fractions(min_value=0, max_value=100, max_denominator=100),
    floor=small,
    per=positive,
    step=positive,
    higher=st.booleans(),
    others=st.lists(small, max_size=6),
)
def test_every_rule_scores_within_its_points(
    name: str,
    value: Fraction,
    target: Fraction,
    points: Fraction,
    floor: Fraction,
    per: Fraction,
    step: Fraction,
    higher: bool,
    others: list[Fraction],
) -> None:
    inp = RuleInput(
        value=value,
        target=target,
        points=points,
        params={"floor": floor, "per": per, "deduct": step, "step": step},
        higher_is_better=higher,
        peers=(*others, value),
    )
    score = RULES[name].exact(inp)
    assert isinstance(score, Fraction)
    assert 0 <= score <= points


# --- 四舍五入 round_half_up ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (F("89.995"), 2, "90.00"),  # grade A, as SPEC requires
        (F(89995, 1000), 2, "90.00"),
        (F("89.994999"), 2, "89.99"),
        (F("0.005"), 2, "0.01"),
        (F(1, 200), 2, "0.01"),
        (F("2.675"), 2, "2.68"),  # round(2.675, 2) gives 2.67: the float is 2.67499999...
        (F("0.125"), 2, "0.13"),  # half-to-even would give 0.12
        (F("-0.005"), 2, "-0.01"),  # half away from zero
        (F("-2.675"), 2, "-2.68"),
        (F("-0.004"), 2, "0.00"),  # no "-0.00"
        (F(1, 3), 2, "0.33"),
        (F(2, 3), 2, "0.67"),
        (F(0), 2, "0.00"),
        (F("2.5"), 0, "3"),  # half-to-even would give 2
        (F("3.5"), 0, "4"),
        (F("0.5"), 0, "1"),
        (F("-2.5"), 0, "-3"),
        (F(1234, 100000), 4, "0.0123"),  # 0.01234
        (F("0.012345"), 5, "0.01235"),
        (F("0.012345"), 4, "0.0123"),
        (F(10**30) + F(1, 2), 0, "1" + "0" * 29 + "1"),  # beyond Decimal's 28 digits
        (90, 2, "90.00"),
        (D("89.995"), 2, "90.00"),
    ],
)
def test_round_half_up(x: Fraction, decimals: int, expected: str) -> None:
    result = round_half_up(x, decimals)
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_round_half_up_refuses_negative_places() -> None:
    with pytest.raises(ValueError):
        round_half_up(F(1), -1)


@given(st.fractions(max_denominator=10**6), st.integers(min_value=0, max_value=6))
def test_round_half_up_is_within_half_a_unit(x: Fraction, decimals: int) -> None:
    result = round_half_up(x, decimals)
    unit = F(1, 10**decimals)
    assert abs(F(result) - x) <= unit / 2
    assert -result.as_tuple().exponent == decimals


# --- fmt_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "kwargs", "expected"),
    [
        (D("93.50"), {}, "93.5"),
        (D("100"), {}, "100"),
        (D("1E+2"), {}, "100"),
        (D("100.000"), {}, "100"),
        (F(1, 3), {}, "0.3333"),
        (F(2, 3), {}, "0.6667"),
        (F("98.5"), {}, "98.5"),
        (F(-7, 2), {}, "-3.5"),
        (D("0.00005"), {}, "0.0001"),
        (D("0.00004"), {}, "0"),
        (D("-0.00004"), {}, "0"),
        (F(1, 3), {"max_decimals": 2}, "0.33"),
        (F(0), {}, "0"),
        (1000000, {}, "1000000"),
    ],
)
def test_fmt_number(x: Decimal | Fraction, kwargs: dict[str, int], expected: str) -> None:
    assert fmt_number(x, **kwargs) == expected


# --- describe ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "params", "target", "measure", "higher", "expected"),
    [
        ("threshold", {}, D("98.5"), "%", True, "达到目标值98.5%得满分，否则不得分"),
        ("threshold", {}, D("0"), "件", False, "不高于目标值0件得满分，否则不得分"),
        ("threshold", {}, D("1E+2"), "%", True, "达到目标值100%得满分，否则不得分"),
        ("threshold", {}, F("98.50"), "%", True, "达到目标值98.5%得满分，否则不得分"),
        (
            "linear",
            {"floor": D("92")},
            D("94"),
            "%",
            True,
            "达到目标值94%得满分，低于92%不得分，其间按线性计分",
        ),
        (
            "linear",
            {"floor": F(5)},
            F(2),
            "件",
            False,
            "不高于目标值2件得满分，高于5件不得分，其间按线性计分",
        ),
        ("ratio", {}, D("80"), "%", True, "按完成值与目标值之比计分，最高满分"),
        (
            "ratio",
            {},
            D("2"),
            "件",
            False,
            "不高于目标值2件得满分，高于时按目标值与完成值之比计分",
        ),
        (
            "deduct",
            {"per": D("1"), "deduct": D("1")},
            D("98.5"),
            "%",
            True,
            "每低于目标值1个百分点扣1分，扣完为止",
        ),
        (
            "deduct",
            {"per": F(1), "deduct": F(2)},
            F(0),
            "件",
            False,
            "每高于目标值1件扣2分，扣完为止",
        ),
        (
            "deduct",
            {"per": D("0.50"), "deduct": D("1.0")},
            D("95"),
            "%",
            True,
            "每低于目标值0.5个百分点扣1分，扣完为止",
        ),
        (
            "deduct",
            {"per": D("10"), "deduct": D("0.5")},
            D("300"),
            "亿元",
            True,
            "每低于目标值10亿元扣0.5分，扣完为止",
        ),
        ("evaluated", {}, None, "分", True, "由考核组评审打分"),
        (
            "rank",
            {"step": D("0.5"), "floor": D("2")},
            None,
            "%",
            True,
            "按组内排名赋分：第1名满分，每降1名减0.5分，最低2分",
        ),
        ("relative", {}, None, "项", True, "组内最优者得满分，其余按与最优值之比计分"),
        ("relative", {}, None, "件", False, "组内最优者得满分，其余按与最优值之比计分"),
    ],
)
def test_describe(
    rule: str,
    params: dict[str, Decimal | Fraction],
    target: Decimal | Fraction | None,
    measure: str,
    higher: bool,
    expected: str,
) -> None:
    assert describe(rule, params, target, measure, higher) == expected


def test_describe_refuses_an_unknown_rule() -> None:
    with pytest.raises(ValueError):
        describe("median", {}, D("1"), "%", True)


def test_describe_refuses_a_missing_target() -> None:
    with pytest.raises(ValueError):
        describe("threshold", {}, None, "%", True)
