"""results.json written in pieces is byte for byte what json.dumps(indent=2) writes whole."""

import json

import pytest
from test_engine import MINI, score_both_years

from evalgen.model.loader import load_model
from evalgen.outputs.files import json_bytes, json_chunks
from evalgen.outputs.results import build_results

NESTED = {
    "empty": {"list": [], "dict": {}, "str": ""},
    "text": 'A&B <x> “引号” \\ " \n\t{{ 7*7 }}',
    "numbers": [0, -1, 2.5, 92.95, 1e16, None, True, False],
    "beyond 64 bits": {"a": 10**20, "b": [-(10**25), {"c": 2**64}]},  # orjson cannot write these
    "deep": [[[[{"a": [1, {"b": []}]}]]], [{}]],
    "groups": [{"units": [{"unit": "甲县", "indicators": [{"score": 29.995}]}, {}]}],
}


def _reference(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@pytest.mark.parametrize("levels", [0, 1, 2, 3, 4, 5, 9])
def test_pieces_join_to_the_whole(levels):
    assert b"".join(json_chunks(NESTED, levels)) == _reference(NESTED)


def test_a_year_of_results_in_pieces():
    model = load_model(MINI).model
    _, y2024, view = score_both_years(model)
    results = build_results(model, y2024, view, {"evalgen_version": "1", "model": {}})
    pieces = list(json_chunks(results))
    assert b"".join(pieces) == _reference(results) == json_bytes(results)
    # every unit is a piece of its own: no piece holds two units
    units = [u["unit"] for g in results["groups"] for u in g["units"]]
    assert len(pieces) > len(units)
    assert all(sum(f'"unit": "{u}"'.encode() in p for u in units) <= 1 for p in pieces)
