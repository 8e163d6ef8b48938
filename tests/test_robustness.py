"""稳定性分析 on the tiny model; every expected value is worked out by hand in comments."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from test_engine import EVENTS_2024, MINI, county, score_both_years, year_inputs

from evalgen.analysis.record import robustness_record
from evalgen.analysis.robustness import Settings, analyse
from evalgen.analysis.scenarios import CONDITION_VECTORS
from evalgen.cli import main
from evalgen.model.loader import load_model
from evalgen.scoring.conditions import CONDITIONS
from evalgen.scoring.engine import score_year
from evalgen.scoring.followups import apply_followups

# 2024 targets: pass_rate 91 (threshold), growth 10 (ratio); e1, e2 evaluated out of 20.
COUNTIES = {
    # 30 + 30 + 15.01 + 15 = 90.01: 0.01 above the A line
    "甲县": county("95", "10", "15.01", "15"),
    # growth N/A: pass_rate carries 60; 5 + 5 → 70.00, 10 points from the B and C lines.
    # Its category shares are equal (1; 0.25 and 0.25), so no weight moves it; the evaluated
    # scores move it by at most ±1. Rank 3: above 丙县 (≤ 57.5) in every run → never 整改.
    "乙县": county("95", None, "5", "5"),
    # 0 + 15 + 20 + 20 = 55 → D (约谈 grade_d); rank 4 → 整改 in every run
    "丙县": county("90", "5", "20", "20"),
    # 30 + 24 + 15.5 + 15.5 = 85 → B
    "丁县": county("95", "8", "15.5", "15.5"),
    # 100, vetoed → D, last
    "戊县": county("95", "20", "20", "20"),
}


@pytest.fixture(scope="module")
def model():
    return load_model(MINI).model


def _analyse(model, counties, settings, events=EVENTS_2024):
    scored = score_year(model, year_inputs(2024, counties, events))
    nominal = apply_followups(model, scored.result, {})
    return nominal, analyse(model, nominal, scored.lines, {}, settings)


def _units(report):
    record = robustness_record(report)
    return {u["unit"]: u for g in record["groups"] for u in g["units"]}


@pytest.fixture(scope="module")
def units(model):
    return _units(_analyse(model, COUNTIES, Settings(runs=400))[1])


def test_every_condition_has_a_vector():
    assert set(CONDITION_VECTORS) == set(CONDITIONS)


def test_a_total_just_above_a_grade_line_is_flagged(units):
    u = units["甲县"]
    assert (u["total"], u["grade"]) == (90.01, "A")
    assert not u["robust"]
    grade = [f for f in u["fragile"] if f["decision"] == "grade"]
    assert len(grade) == 1 and grade[0]["nominal"] == "A"
    # ±0.5 on e1 and e2 each: the total falls below 90 in roughly half the runs
    assert 0.2 < u["p_grade"]["A"] < 0.8
    assert u["p_grade"]["A"] + u["p_grade"]["B"] == 1.0
    assert grade[0]["sentence"].startswith(f"等次A在{u['p_grade']['A'] * 100:.1f}%的模拟中保持")


def test_a_unit_clear_of_every_line_is_robust(units):
    u = units["乙县"]
    assert (u["total"], u["grade"], u["rank"]) == (70, "C", 3)
    assert u["robust"] and u["fragile"] == []
    assert u["p_grade"] == {"A": 0.0, "B": 0.0, "C": 1.0, "D": 0.0}
    assert (u["p_rectify"], u["p_summon"]) == (0.0, 0.0)
    assert u["rank_p05"] == u["rank_median"] == u["rank_p95"] == 3


def test_a_veto_is_d_and_last_in_every_run(units):
    u = units["戊县"]
    assert u["grade"] == "D" and u["p_grade"]["D"] == 1.0
    assert u["rank_p05"] == u["rank_p95"] == 5
    # 约谈 for the veto; 整改 as one of the bottom two
    assert (u["p_summon"], u["p_rectify"], u["robust"]) == (1.0, 1.0, True)


def test_bottom_and_grade_d_are_certain_when_far_from_any_line(units):
    u = units["丙县"]
    assert (u["grade"], u["rank"], u["p_grade"]["D"]) == ("D", 4, 1.0)
    assert (u["p_rectify"], u["p_summon"], u["robust"]) == (1.0, 1.0, True)


def test_without_changes_every_run_is_the_nominal_result(model):
    # the engine's own hand-computed year: 甲县 89.995 → 90.00 (exact path), a tie, a veto,
    # N/A, the bonus cap, and 约谈 for two years at the bottom (2023 history)
    earlier, nominal, view = score_both_years(model)
    settings = Settings(runs=50, weights=0.0, evaluated=0.0)
    report = analyse(model, nominal, view, {2023: earlier}, settings)
    units = _units(report)
    for result in (r for g in nominal.groups.values() for r in g.units):
        u = units[result.unit]
        kinds = {t.kind for t in result.triggers}
        assert u["rank_p05"] == u["rank_median"] == u["rank_p95"] == result.rank, result.unit
        assert u["p_grade"][result.grade] == 1.0, result.unit
        assert u["p_rectify"] == float("整改" in kinds), result.unit
        assert u["p_summon"] == float("约谈" in kinds), result.unit
        assert u["robust"], result.unit
    assert units["甲县"]["grade"] == "A" and units["丙县"]["p_summon"] == 1.0


def test_the_indicator_a_grade_hangs_on_and_where_it_flips(model):
    # 甲县 30 + 30 + 20 + 9.8 = 89.80 (B). Only the measures category moves it (both targets
    # are met in full). With e1's points scaled by m (the category keeping 40), e1 gets
    # 40m/(1+m), e2 40/(1+m), the category (40m + 19.6)/(1+m); A needs 89.995 (rounds to
    # 90.00), i.e. the category ≥ 29.995: m ≥ 10.395/10.005 = 1.03898 (e1 +3.90 %), or e2
    # scaled by q = 1/m ≤ 0.96248 (−3.75 %): the smaller change, so e2 (宣传培训), flipping
    # at 40q/(1+q) = 40/(1 + 1.03898) = 19.6177 → 19.62 points, to A.
    counties = dict(COUNTIES, 甲县=county("95", "10", "20", "9.8"))
    _, report = _analyse(model, counties, Settings(runs=400, weights=0.10, evaluated=0.0))
    u = _units(report)["甲县"]
    assert (u["total"], u["grade"]) == (89.8, "B")
    (f,) = u["fragile"]
    assert (f["decision"], f["indicator"], f["points"], f["flip_points"]) == (
        "grade",
        "e2",
        20,
        19.62,
    )
    assert f["sentence"].endswith("对“宣传培训”的分值最敏感：由20分调为19.62分时等次变为A")


def test_same_seed_same_record_other_seed_other_probabilities(model):
    def record(seed):
        _, report = _analyse(model, COUNTIES, Settings(runs=200, seed=seed))
        return json.dumps(robustness_record(report), ensure_ascii=False, sort_keys=True)

    assert record(3) == record(3)
    assert record(3) != record(4)


def test_grade_lines_can_move_too(model):
    # 乙县 70.00 is 10 from both lines: ±5 on the lines never reaches it; 甲县 (90.01) flips
    _, report = _analyse(model, COUNTIES, Settings(runs=300, evaluated=0.0, thresholds=5.0))
    units = _units(report)
    assert units["乙县"]["robust"]
    assert 0.3 < units["甲县"]["p_grade"]["B"] < 0.7


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--runs", "0", "至少为 1"),
        ("--weights", "1", "应不小于0且小于1"),
        ("--weights", "-0.1", "应不小于0且小于1"),
        ("--evaluated", "-1", "应不小于0"),
        ("--thresholds", "-2", "应不小于0"),
    ],
)
def test_options_are_checked_in_chinese(option, value, says):
    result = CliRunner().invoke(main, ["robustness", "2024", option, value])
    assert result.exit_code == 2
    assert says in result.output


@pytest.mark.slow
def test_the_sample_year_from_the_command_line(tmp_path):
    out = tmp_path / "r"
    result = CliRunner().invoke(main, ["robustness", "2024", "--runs", "200", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2024年度稳定性分析完成：模拟200次" in result.output
    first = (out / "robustness.json").read_bytes()
    record = json.loads(first)
    assert record["summary"]["units"] == 44
    manifest = json.loads((out / "manifest.json").read_bytes())
    assert set(manifest["outputs"]) == {
        "robustness.json",
        "稳定性分析.docx",
        "稳定性分析_2024.xlsx",
    }
    assert manifest["settings"]["runs"] == 200
    again = CliRunner().invoke(main, ["robustness", "2024", "--runs", "200", "--out", str(out)])
    assert again.exit_code == 0 and "上次运行的结果已保留在" in again.output
    assert (out / "robustness.json").read_bytes() == first  # same arguments, same bytes
