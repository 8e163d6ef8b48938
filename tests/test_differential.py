"""Two implementations, one truth: the vectorized (float64) path against the exact one.

For every rule in the table and both directions, the numpy twin agrees with the exact rule;
N/A redistribution over whole groups agrees with the exact definition; and the engine's
ranked totals (vectorized, with exact recomputation near half-way points) are the half-up
rounding of the exact lines. Inputs are decimals of at most 6 significant digits, as the
cell parser yields them, with no-value cells (NaN), ties, and values exactly at the target
or the floor.
"""

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalgen.inputs.year import Event, Figure, Source, YearInputs
from evalgen.model.checks import meaning_problems
from evalgen.model.schema import Indicator, ScoringModel
from evalgen.numbers import round_half_up
from evalgen.scoring.engine import score_year
from evalgen.scoring.redistribution import category_factors
from evalgen.scoring.rules import Peers, RuleInput
from evalgen.scoring.ruletable import RULES, Rule
from evalgen.scoring.vectorized import effective_points, rule_vector

F = Fraction
SRC = Source("测试.xlsx", "测试指标", "B2")
YEAR = 2024
RELATIVE = 1e-9


def _decimal(mantissa: int, exponent: int) -> Decimal:
    return Decimal(mantissa).scaleb(exponent)


def decimals(low: int = -999_999, high: int = 999_999, exponents=(-4, 0)) -> st.SearchStrategy:
    """Decimals of at most 6 significant digits, mantissa in [low, high]."""
    return st.builds(_decimal, st.integers(low, high), st.integers(*exponents))


def _near(edge: Decimal, offset: Decimal) -> Decimal:
    return SIX_DIGITS.plus(edge + offset)


SIX_DIGITS = Context(prec=6)
SIX_DIGITS_AWAY = {
    True: Context(prec=6, rounding=ROUND_FLOOR),
    False: Context(prec=6, rounding=ROUND_CEILING),
}
points_strategy = decimals(1, 9_999, (-2, 0))
# Parameters on the scale of the points, so that steps and deductions matter.
scaled = decimals(1, 9_999, (-2, 0))


@st.composite
def param_value(draw, bound: str, points: Decimal, target: Decimal | None, higher: bool):
    """A parameter value inside `bound`, now and then exactly on its edge."""
    on_edge = draw(st.integers(0, 3)) == 0
    if bound == "positive":
        return draw(scaled)
    if bound == "non_negative":
        return Decimal(0) if on_edge else draw(scaled)
    if bound == "within_points":
        if on_edge:
            return draw(st.sampled_from([Decimal(0), points]))
        return points * draw(st.integers(0, 1000)) / 1000
    if bound == "beyond_targets":
        gap = draw(st.one_of(scaled, decimals(1, 999_999)))
        beyond = target - gap if higher else target + gap  # rounded away from the target:
        return beyond.normalize(SIX_DIGITS_AWAY[higher])
    raise AssertionError(f"no strategy for bound {bound!r}: add one here")


def indicator_of(rule: Rule, points, target, params, higher) -> Indicator:
    return Indicator(
        id="x", name="指标", measure="%", points=points, rule=rule.name, params=params,
        targets={} if target is None else {YEAR: target},
        direction="higher" if higher else "lower",
    )  # fmt: skip


@st.composite
def rule_case(draw, rule: Rule, higher: bool):
    """Points, target, parameters (within the table's bounds) and a column of values."""
    points = draw(points_strategy)
    target = draw(decimals()) if rule.needs_target else None
    params = {p.name: draw(param_value(p.bound, points, target, higher)) for p in rule.params}
    edges = [x for x in (target, *params.values(), points, Decimal(0)) if x is not None]
    near = st.builds(_near, st.sampled_from(edges), decimals(-999, 999, (-2, 0)))
    pool = draw(st.lists(st.one_of(near, decimals()), min_size=1, max_size=3))  # ties
    cell = st.one_of(st.none(), st.sampled_from(edges), st.sampled_from(pool), near, decimals())
    values = draw(st.lists(cell, min_size=1, max_size=8))
    return points, target, params, values


def _close(vectorized: float, exact: Fraction, points: Decimal) -> bool:
    # Relative to the score, or to the points where the score is near 0 (a difference that
    # cancels to 0 exactly on Fractions leaves a few ulps of the points on floats).
    return math.isclose(vectorized, exact, rel_tol=RELATIVE, abs_tol=RELATIVE * float(points))


@pytest.mark.parametrize("higher", [True, False], ids=["higher", "lower"])
@pytest.mark.parametrize("name", sorted(RULES))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_vectorized_rule_agrees_with_exact(name: str, higher: bool, data) -> None:
    rule = RULES[name]
    points, target, params, values = data.draw(rule_case(rule, higher))
    ind = indicator_of(rule, points, target, params, higher)
    assert all(not p.problems(params[p.name], ind) for p in rule.params)  # within the bounds
    present = tuple(F(v) for v in values if v is not None)
    column = np.array([math.nan if v is None else float(v) for v in values])
    scores = rule_vector(
        rule.vectorized, column, None if target is None else float(target), float(points),
        {k: float(v) for k, v in params.items()}, higher,
    )  # fmt: skip
    for value, got in zip(values, scores.tolist(), strict=True):
        if value is None:
            assert math.isnan(got)
            continue
        inp = RuleInput(
            F(value), None if target is None else F(target), F(points),
            {k: F(v) for k, v in params.items()}, higher, Peers(present),
        )  # fmt: skip
        want = rule.exact(inp)
        assert 0 <= want <= F(points)
        assert _close(got, want, points), (value, got, float(want))


# -- 不适用: redistribution over a group --------------------------------------------------------


def _held(mask: list[bool], points: list[Fraction], category: list[int], n: int) -> list:
    """Per category, the points of the applicable indicators."""
    held = [F(0)] * n
    for p, m, c in zip(points, mask, category, strict=True):
        held[c] += p if m else 0
    return held


def redistributed(mask: list[bool], points: list[Fraction], category: list[int], cats: list):
    """SPEC's rule written out directly, the test's own oracle: effective points of one unit."""
    held = _held(mask, points, category, len(cats))
    remaining = sum((cp for cp, h in zip(cats, held, strict=True) if h), F(0))
    orphaned = sum(cats, F(0)) - remaining
    scale = (remaining + orphaned) / remaining if remaining else F(1)
    return [
        p * cats[c] / held[c] * scale if m else F(0)
        for p, m, c in zip(points, mask, category, strict=True)
    ]


@st.composite
def group_layout(draw):
    """Indicator points and categories, and an applicability mask with whole categories N/A."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    category = [c for c, n in enumerate(sizes) for _ in range(n)]
    points = [F(draw(points_strategy)) for _ in category]
    cats = _held([True] * len(points), points, category, len(sizes))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        mode = [draw(st.sampled_from(["all", "none", "some"])) for _ in sizes]
        rows.append([mode[c] == "all" or (mode[c] == "some" and draw(st.booleans()))
                     for c in category])  # fmt: skip
    return points, category, cats, rows


@settings(max_examples=150, deadline=None)
@given(group_layout())
def test_effective_points_agree_with_the_exact_definition(layout) -> None:
    points, category, cats, rows = layout
    got = effective_points(
        np.array(rows, dtype=bool), np.array([float(p) for p in points]),
        np.array(category), np.array([float(c) for c in cats]),
    )  # fmt: skip
    for mask, row in zip(rows, got.tolist(), strict=True):
        want = redistributed(mask, points, category, cats)
        # the exact path (ExactGroup) applies these factors to the same points
        factors = category_factors(_held(mask, points, category, len(cats)), cats)
        exact = [p * factors[c] if m else 0 for p, m, c in zip(points, mask, category, strict=True)]
        assert exact == want
        for g, w in zip(row, want, strict=True):
            assert math.isclose(g, w, rel_tol=RELATIVE, abs_tol=RELATIVE * float(sum(cats)))
        if any(mask):
            assert sum(want) == sum(cats)  # nothing is lost


# -- the engine: ranked totals against exact lines ---------------------------------------------


@st.composite
def indicator_spec(draw, rule: Rule, ident: str, units: list[str], clean: bool) -> dict:
    higher = draw(st.booleans())
    points = draw(st.sampled_from([Decimal("2.5"), Decimal(5), Decimal(10), Decimal("7.25")]))
    target = draw(decimals(-9_999, 9_999, (-2, 0))) if rule.needs_target else None
    params = {p.name: draw(param_value(p.bound, points, target, higher)) for p in rule.params}
    spec = {"id": ident, "name": ident, "measure": "%", "points": points, "rule": rule.name,
            "direction": "higher" if higher else "lower", "params": params}  # fmt: skip
    if target is not None:
        spec["targets"] = {YEAR: target}
    if not clean and draw(st.integers(0, 4)) == 0:
        spec["applies_to"] = draw(st.lists(st.sampled_from(units), min_size=1, unique=True))
    return spec


@st.composite
def group_spec(draw, units: list[str], clean: bool) -> list[dict]:
    """Categories holding every rule at least once (and up to 3 more indicators)."""
    names = draw(st.permutations(sorted(RULES)))
    names += draw(st.lists(st.sampled_from(sorted(RULES)), max_size=3))
    cuts = sorted(draw(st.lists(st.integers(1, len(names) - 1), max_size=3, unique=True)))
    categories = []
    for c, (lo, hi) in enumerate(zip([0, *cuts], [*cuts, len(names)], strict=True)):
        inds = [draw(indicator_spec(RULES[n], f"i{k}", units, clean))
                for k, n in enumerate(names[lo:hi], lo)]  # fmt: skip
        total = sum((i["points"] for i in inds), Decimal(0))
        categories.append({"id": f"c{c}", "name": f"类别{c}", "points": total, "indicators": inds})
    return categories


ANY_VALUE = decimals(-999, 999, (-2, 0))
THOUSANDTHS = decimals(0, 999, (-3, -3))
FIVES = st.builds(lambda k: Decimal(10 * k + 5).scaleb(-3), st.integers(0, 999))  # x.xx5
ADJUSTMENT = st.sampled_from([Decimal(x) for x in ("0.5", "0.25", "0.01", "0.125")])


@st.composite
def cell_value(draw, ind: dict, clean: bool) -> Decimal | None:
    edges = [ind.get("targets", {}).get(YEAR), *ind["params"].values(), ind["points"]]
    edge = st.sampled_from([e for e in edges if e is not None])
    if not clean:
        return draw(st.one_of(st.none(), edge, ANY_VALUE, THOUSANDTHS))
    if ind["rule"] == "evaluated":
        return draw(st.one_of(edge, FIVES))
    return draw(edge)  # mostly full points, 0 or (rank) whole steps below


def _model(draw, units: list[str], categories: list[dict], decimals_kept: int) -> ScoringModel:
    total = sum((c["points"] for c in categories), Decimal(0))
    group = {"name": "组", "units": units, "input": {"sheet": "指标"}, "categories": categories}
    items = [
        {"id": "B1", "kind": "bonus", "name": "加分", "points": draw(ADJUSTMENT)},
        {"id": "P1", "kind": "penalty", "name": "扣分", "points": draw(ADJUSTMENT)},
        {"id": "V1", "kind": "veto", "name": "否决"},
    ]
    grades = [
        {"code": "A", "name": "优秀", "min": total / 2},
        {"code": "D", "name": "不合格", "min": 0},
    ]
    return ScoringModel.model_validate({
        "name": "随机细则", "version": "t", "years": [YEAR], "total_points": total,
        "decimals": decimals_kept, "bonus_cap": draw(decimals(0, 50, (-1, 0))),
        "adjustment_input": {"sheet": "加减分事项"}, "veto_grade": "D", "grades": grades,
        "adjustments": [dict(item, basis="依据") for item in items], "groups": {"g": group},
    })  # fmt: skip


@st.composite
def model_and_inputs(draw):
    """A one-group model using all seven rules, and a year's figures and events for it.

    Half the cases are "clean": every indicator applies to every unit and values sit on the
    edges (target, floor, points) or, for evaluated indicators, are thousandths ending in 5,
    so that many totals land exactly half-way at 2 decimals, where the binary sum can fall
    on either side: the totals the engine must recompute exactly.
    """
    clean = draw(st.booleans())
    units = [f"单位{i}" for i in range(draw(st.integers(2, 7)))]
    categories = draw(group_spec(units, clean))
    model = _model(draw, units, categories, 2 if clean else draw(st.sampled_from([0, 1, 2])))
    figures = {
        unit: {
            ind["id"]: Figure(draw(cell_value(ind, clean)), SRC)
            for cat in categories
            for ind in cat["indicators"]
            if unit in ind.get("applies_to", units)
        }
        for unit in units
    }
    events = [
        Event(unit, item, draw(st.integers(1, 3)), "依据", "", SRC)
        for unit in units
        for item in draw(st.lists(st.sampled_from(["B1", "P1", "B1", "P1", "V1"]), max_size=2))
    ]
    return model, YearInputs(YEAR, Path("."), figures=figures, events=events)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_and_inputs())
def test_engine_totals_are_the_rounded_exact_totals(case) -> None:
    model, inputs = case
    assert meaning_problems(model) == []  # the generator keeps within the table's bounds
    scored = score_year(model, inputs)
    results = scored.result.groups["g"].units
    points = {a.id: F(a.points) for a in model.adjustments}
    for r in results:
        # bonus (capped), penalty and veto from the events and the model, not from the engine
        mine = [e for e in inputs.events if e.unit == r.unit]
        bonus = sum((points[e.item_id] * e.count for e in mine if e.item_id == "B1"), F(0))
        penalty = sum((points[e.item_id] * e.count for e in mine if e.item_id == "P1"), F(0))
        assert r.veto == any(e.item_id == "V1" for e in mine), r.unit
        base = sum((ln.score for ln in scored.lines.unit_lines(r).indicators), F(0))
        exact = max(F(0), base + min(bonus, F(model.bonus_cap)) - penalty)
        assert r.total == round_half_up(exact, model.decimals), r.unit
    keys = [(r.veto, -r.total) for r in results]
    assert keys == sorted(keys)  # ranked best first, vetoed last
    for r in results:
        assert r.rank == 1 + sum(k < (r.veto, -r.total) for k in keys)
