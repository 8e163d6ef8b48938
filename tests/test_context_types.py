"""The documents' contexts are exactly what `documents.context` declares, record by record."""

from __future__ import annotations

import copy
import json
import types
from pathlib import Path
from typing import Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest
from test_engine import MINI, score_both_years

from evalgen.documents import context, context_milestones, context_robustness
from evalgen.documents.bulletin import bulletin_context
from evalgen.documents.context import BulletinContext, NoticeContext, UnitReportContext
from evalgen.documents.context_robustness import RobustnessContext
from evalgen.documents.feedback import notice_contexts, unit_contexts
from evalgen.documents.robustness import robustness_context
from evalgen.inputs.issuance import ISSUANCE_FILE, load_issuance
from evalgen.model.loader import load_model
from evalgen.outputs.results import build_results, history_points
from evalgen.pipeline import evaluate
from evalgen.resources import DEFAULT_INPUTS

ROBUSTNESS_RECORD = Path(__file__).resolve().parent / "fixtures" / "robustness_record.json"
SAMPLE_ISSUANCE = Path(__file__).resolve().parent.parent / "sample_inputs" / "2024" / ISSUANCE_FILE


def mismatches(value: object, hint: object, path: str, seen: set) -> list[str]:
    """Where `value` differs from the type `hint`: keys of TypedDicts exactly, leaves by type.

    `seen` collects the TypedDicts met, so a test can tell that every record was looked at.
    """
    if is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not a dict"]
        seen.add(hint)
        fields = get_type_hints(hint)
        differ = sorted(set(value) ^ set(fields))
        out = [f"{path}: keys differ: {differ}"] if differ else []
        for key in sorted(set(value) & set(fields)):
            out += mismatches(value[key], fields[key], f"{path}.{key}", seen)
        return out
    origin, args = get_origin(hint), get_args(hint)
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, not a list"]
        return [
            m for i, v in enumerate(value) for m in mismatches(v, args[0], f"{path}[{i}]", seen)
        ]
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            return [f"{path}: not a dict with str keys"]
        return [m for k, v in value.items() for m in mismatches(v, args[1], f"{path}.{k}", seen)]
    if origin in (Union, types.UnionType):
        for arm in args:
            if not mismatches(value, arm, path, set()):
                return mismatches(value, arm, path, seen)  # again, noting its records
        return [f"{path}: fits none of {[getattr(a, '__name__', a) for a in args]}"]
    if origin is Literal:
        return [] if value in args else [f"{path}: {value!r} not in {args}"]
    if hint is type(None):
        return [] if value is None else [f"{path}: {value!r} is not None"]
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not a number"]
    if hint is bool:
        return [] if isinstance(value, bool) else [f"{path}: {value!r} is not bool"]
    if hint in (int, str):
        ok = isinstance(value, hint) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not {hint.__name__}"]
    raise AssertionError(f"{path}: no check for {hint!r}")


def _contexts(model, results, history, issuance) -> list[tuple[str, dict, type]]:
    out = [("bulletin", bulletin_context(model, results, issuance), BulletinContext)]
    out += [
        (c["unit"], c, UnitReportContext) for c in unit_contexts(model, results, history, issuance)
    ]
    out += [
        (f"notice {c['unit']}", c, NoticeContext) for c in notice_contexts(model, results, issuance)
    ]
    return out


@pytest.fixture(scope="module")
def every_context() -> list[tuple[str, dict, type]]:
    """The sample years' contexts, and the tiny model's (key tasks, 不适用, two follow-ups)."""
    out = []
    for year in (2023, 2024):
        evaluation = evaluate(year)
        model = evaluation.loaded.model
        results = build_results(model, evaluation.result, evaluation.lines, {})
        history = {y: history_points(model, r) for y, r in evaluation.history.items()}
        issuance = load_issuance(DEFAULT_INPUTS / str(year) / ISSUANCE_FILE)
        out += _contexts(model, results, history, issuance)
    model = load_model(MINI).model
    y2023, y2024, view = score_both_years(model)
    results = build_results(model, y2024, view, {})
    out += _contexts(
        model, results, {2023: history_points(model, y2023)}, load_issuance(SAMPLE_ISSUANCE)
    )
    out += _contexts(model, _with_returned(results), {2023: history_points(model, y2023)},
                     load_issuance(SAMPLE_ISSUANCE))  # fmt: skip
    record = json.loads(ROBUSTNESS_RECORD.read_text(encoding="utf-8"))
    out.append(("robustness", robustness_context(record, load_model().model), RobustnessContext))
    return out


def _with_returned(results: dict) -> dict:
    """The results as if merged by `evalgen collect`: the first figure names its returned
    cell (附：数据来源 in the unit report)."""
    results = copy.deepcopy(results)
    ind = next(
        i for g in results["groups"] for u in g["units"] for i in u["indicators"] if i["source"]
    )
    ind["source"]["returned"] = {"file": "邮件附件/填报表.xlsx", "sheet": "指标数据", "cell": "H5"}
    return results


def test_every_context_has_exactly_the_declared_keys_and_types(every_context):
    seen: set = set()
    for name, value, declared in every_context:
        assert mismatches(value, declared, name, seen) == []
    # every record declared was met at least once (no list was always empty)
    modules = (context, context_milestones, context_robustness)
    declared = {v for m in modules for v in vars(m).values() if is_typeddict(v)}
    assert {c.__name__ for c in declared - seen} == set()


def test_a_missing_or_extra_key_deep_down_is_found(every_context):
    """The check is not vacuous: a row without its 失分 cell, a chart with an extra key."""
    unit = next(c[1] for c in every_context if c[2] is UnitReportContext)
    broken = copy.deepcopy(unit)
    del broken["rows"][1]["lost"]
    broken["charts"]["trend"]["data"]["points"][0]["note"] = ""
    broken["summary"]["total"] = 88.5  # printed figures are text
    assert mismatches(broken, UnitReportContext, "unit", set()) == [
        "unit.charts.trend.data.points[0]: keys differ: ['note']",
        "unit.rows[1]: keys differ: ['lost']",
        "unit.summary.total: 88.5 is not str",
    ]
    bulletin = copy.deepcopy(next(c[1] for c in every_context if c[2] is BulletinContext))
    bulletin["charts"]["grades"]["kind"] = "trend"
    assert mismatches(bulletin, BulletinContext, "b", set()) == [
        "b.charts.grades: fits none of ['TotalsChart', 'GradesChart', 'MilestonesChart']"
    ]
