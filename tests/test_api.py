"""The curated public API (`import evalgen`) and the results as pandas DataFrames.

The frames' figures are checked against the 2024 sample inputs and model, computed by hand.
"""

import json
import math
import subprocess
import sys

import pytest

import evalgen

HEAVY = ("pandas", "numpy", "matplotlib", "docxtpl")


def _imported_after(statement: str) -> set[str]:
    """Top-level packages loaded by `statement` in a fresh interpreter."""
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in json.loads(done.stdout)}


def test_import_evalgen_loads_no_heavy_library():
    assert not _imported_after("import evalgen") & set(HEAVY)


def test_the_command_line_loads_neither_pandas_nor_the_document_libraries():
    # numpy is the ranking pass's; pandas, matplotlib and docxtpl wait until they are used
    assert not _imported_after("import evalgen.cli") & {"pandas", "matplotlib", "docxtpl"}


def test_every_public_name_resolves_to_its_library_object():
    from evalgen import pipeline
    from evalgen.problems import EvalgenError, InputError
    from evalgen.scoring.scored import YearResult

    assert set(evalgen.__all__) == {"__version__", *evalgen._EXPORTS}
    for name in evalgen.__all__:
        assert getattr(evalgen, name) is not None, name
    assert evalgen.score is pipeline.score and evalgen.evaluate is pipeline.evaluate
    assert evalgen.YearResult is YearResult
    assert issubclass(evalgen.InputError, EvalgenError) and evalgen.InputError is InputError
    assert evalgen.__version__ == "0.1.0"
    with pytest.raises(AttributeError, match="no_such_name"):
        evalgen.no_such_name  # noqa: B018 - the attribute is the point


def test_the_type_checking_imports_name_every_export_from_its_module():
    """evalgen/__init__.py names each export three times (the lazy table, __all__, and the
    imports type checkers read): all three must agree."""
    import ast
    from pathlib import Path

    source = Path(evalgen.__file__).read_text(encoding="utf-8")
    guarded = next(
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    imported = {
        alias.name: "evalgen." + node.module.lstrip(".")
        for node in guarded.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    assert imported == evalgen._EXPORTS


@pytest.fixture(scope="module")
def evaluation():
    return evalgen.evaluate(2024)  # the embedded sample inputs and model


@pytest.fixture(scope="module")
def units(evaluation):
    return evaluation.units_frame()


@pytest.fixture(scope="module")
def indicators(evaluation):
    return evaluation.indicators_frame()


def test_units_frame_has_one_row_per_unit(units):
    # the sample year: 20 counties and 24 departments
    assert list(units.columns) == [
        "group", "unit", "total", "grade", "rank", "previous_rank",
        "bonus", "bonus_applied", "penalty", "veto",
    ]  # fmt: skip
    assert units.shape == (44, 10)
    assert (units["group"] == "county").sum() == 20
    assert units["unit"].is_unique


def test_units_frame_figures_of_a_unit_with_capped_bonus(units):
    # 清河县: bonus B02 2 + B03 1 × 2 + B07 0.5 + B09 1 = 5.5, capped at 5; first in 2024
    # and in 2023; indicator scores 59.4 (targets) + 35.2 (evaluated) = 94.6, + 5 = 99.6 → A
    row = units.set_index("unit").loc["清河县"]
    assert row["bonus"] == 5.5 and row["bonus_applied"] == 5 and row["penalty"] == 0
    assert row["total"] == pytest.approx(99.6) and row["grade"] == "A"
    assert row["rank"] == 1 and row["previous_rank"] == 1 and not row["veto"]


def test_indicators_frame_has_one_row_per_unit_and_indicator(indicators):
    assert list(indicators.columns) == [
        "group", "unit", "indicator", "name", "category", "value", "target",
        "points", "effective_points", "score", "not_applicable",
    ]  # fmt: skip
    counties = indicators[indicators["group"] == "county"]
    assert len(counties) == 20 * 20  # every county has all 20 county indicators
    assert not indicators.duplicated(["unit", "indicator"]).any()


def _line(indicators, unit, indicator):
    rows = indicators[(indicators["unit"] == unit) & (indicators["indicator"] == indicator)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_a_missed_threshold_scores_nothing(indicators):
    # 威县: 首席质量官覆盖率 91.1% against the 100% threshold (达标制): 0 of 3 points
    line = _line(indicators, "威县", "cqo_coverage")
    assert line["name"] == "规上工业企业首席质量官覆盖率" and line["category"] == "质量目标完成情况"
    assert line["value"] == pytest.approx(91.1) and line["target"] == 100
    assert line["points"] == 3 and line["effective_points"] == 3 and line["score"] == 0
    assert not line["not_applicable"]


def test_a_not_applicable_indicator_passes_its_points_on(indicators):
    # 邢东新区: 农产品监测 不适用 (5 of the category's 60 points): the other 55 points of the
    # category carry 60, each × 12/11
    na = _line(indicators, "邢东新区", "agri_pass_rate")
    assert na["not_applicable"] and math.isnan(na["value"]) and na["target"] == 98
    assert na["points"] == 5 and na["effective_points"] == 0 and na["score"] == 0
    # 高新技术占比 ratio: 23.1 / 24 × 5 × 12/11 = 4.8125 × 12/11 = 5.25
    share = _line(indicators, "邢东新区", "hitech_share")
    assert share["value"] == pytest.approx(23.1) and share["target"] == 24
    assert share["effective_points"] == pytest.approx(60 / 11)
    assert share["score"] == pytest.approx(5.25)
    # 制造业合格率 linear: 94.2 is over the 2024 target 93, so full: 7 × 12/11
    mfg = _line(indicators, "邢东新区", "mfg_pass_rate")
    assert mfg["target"] == 93 and mfg["score"] == pytest.approx(84 / 11)


def test_the_two_frames_agree_on_totals(indicators, units):
    # each total is indicator scores + applied bonus − penalty, rounded to 2 decimals
    base = indicators.groupby("unit")["score"].sum()
    for row in units.itertuples():
        exact = max(0.0, base[row.unit] + row.bonus_applied - row.penalty)
        assert abs(exact - row.total) <= 0.005 + 1e-9, row.unit
