"""A year's records share equal immutable values (issue 12: main's memory at 3,000 units).

Equal texts and floats are one object across units; every record still owns its dicts
and lists, and the JSON is what it was.
"""

import json
import math

from test_engine import MINI, score_both_years

from evalgen.model.loader import load_model
from evalgen.outputs.results import _Shared, build_results


def _units():
    model = load_model(MINI).model
    _, y2024, view = score_both_years(model)
    results = build_results(model, y2024, view, {})
    return results, [u for g in results["groups"] for u in g["units"]]


def _pairs(units, key):
    """(a, b) for the same indicator in two different units, where `key` gives equal values."""
    for i, a in enumerate(units):
        for b in units[i + 1 :]:
            for ia in a["indicators"]:
                for ib in b["indicators"]:
                    if ia["id"] == ib["id"] and key(ia) == key(ib):
                        yield ia, ib


def test_equal_texts_are_one_string_across_units():
    _, units = _units()
    rule_texts = list(_pairs(units, lambda r: r["rule_text"]))
    shown = list(_pairs(units, lambda r: r["text"]["points"]))
    assert rule_texts and shown
    assert all(a["rule_text"] is b["rule_text"] for a, b in rule_texts)
    assert all(a["text"]["points"] is b["text"]["points"] for a, b in shown)
    totals = [(a["text"]["base"], b["text"]["base"]) for a in units for b in units if a is not b]
    assert all(x is y for x, y in totals if x == y)


def _floats(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)


def test_equal_floats_are_one_object_and_containers_stay_apart():
    _, units = _units()
    by_value: dict[float, set[int]] = {}
    count = 0
    for f in _floats(units):
        by_value.setdefault(f, set()).add(id(f))
        count += 1
    assert count > len(by_value)  # some float appears twice (甲县's e1: value and score 14.995)
    assert all(len(ids) == 1 for ids in by_value.values())
    for a, b in _pairs(units, lambda r: r["params"]):
        assert a["params"] is not b["params"] and a["text"] is not b["text"]
        assert a["source"] is None or a["source"] is not b["source"]


def test_sharing_keeps_sign_and_type():
    shared = _Shared()
    assert shared.num(2.5) is shared.num(float("2.5"))
    assert type(shared.num(1)) is int and type(shared.num(1.0)) is float
    shared.num(0.0)
    assert math.copysign(1, shared.num(-0.0)) == -1
    assert shared.num(None) is None


def test_shared_records_still_dump_as_json():
    results, _ = _units()
    assert json.loads(json.dumps(results, ensure_ascii=False)) == results
