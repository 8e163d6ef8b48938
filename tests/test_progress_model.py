"""The model's in-year block (`progress:`): defaults, declarations, located problems."""

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import MINI_MODEL

from evalgen.model.loader import load_model
from evalgen.problems import ModelError
from evalgen.resources import DEFAULT_MODEL

MINI_TEXT = MINI_MODEL.read_text(encoding="utf-8")


def _errors(tmp_path: Path, block: str) -> list:
    path = tmp_path / "model.yaml"
    path.write_text(MINI_TEXT + block, encoding="utf-8")
    with pytest.raises(ModelError) as err:
        load_model(path)
    return err.value.problems


def test_a_model_without_the_block_loads_unchanged():
    assert load_model(MINI_MODEL).model.progress is None


def test_the_default_model_declares_in_year_following_and_milestones():
    block = load_model(DEFAULT_MODEL).model.progress
    assert block is not None
    assert block.indicators["mfg_pass_rate"].in_year == "rate"
    assert block.indicators["quality_help_firms"].in_year == "pro_rata"
    tech = block.indicators["dept_tech_renovation_projects"]
    assert tech.schedule == {"Q1": Decimal("0.15"), "H1": Decimal("0.4"), "Q3": Decimal("0.7")}
    standards = next(m for m in block.milestones if m.id == "ms_new_standards")
    assert standards.targets == {2023: 32, 2025: 85, 2027: 140}
    assert block.thresholds.lagging == Decimal("0.05")


def test_defaults_when_only_an_indicator_is_declared(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_text(MINI_TEXT + "progress:\n  indicators:\n    growth: {in_year: rate}\n", "utf-8")
    block = load_model(path).model.progress
    assert block is not None
    assert (block.thresholds.lagging, block.thresholds.serious) == (
        Decimal("0.05"),
        Decimal("0.15"),
    )
    assert block.task_input == "任务进展"


def test_problems_are_located_by_path_and_line(tmp_path):
    lines = len(MINI_TEXT.splitlines())
    block = (
        "progress:\n"  # line lines+1
        "  thresholds: {lagging: 0.2, serious: 0.1}\n"  # +2
        "  indicators:\n"  # +3
        "    nope: {in_year: rate}\n"  # +4
        "    e1: {in_year: rate}\n"  # +5: evaluated, no target
        "    pass_rate: {in_year: rate, schedule: {Q1: 0.5}}\n"  # +6
        "    growth:\n"  # +7
        "      in_year: pro_rata\n"  # +8
        "      schedule: {Q1: 0.6, H1: 0.4, Q5: 0.9}\n"  # +9
    )
    found = {(p.code, p.path, p.line) for p in _errors(tmp_path, block)}
    assert ("progress-bad-thresholds", "progress.thresholds", lines + 2) in found
    assert ("progress-unknown-indicator", "progress.indicators.nope", lines + 4) in found
    assert ("progress-no-target", "progress.indicators.e1.in_year", lines + 5) in found
    assert ("progress-bad-schedule", "progress.indicators.pass_rate.schedule", lines + 6) in found
    assert ("progress-bad-schedule", "progress.indicators.growth.schedule.Q5", lines + 9) in found
    assert ("progress-bad-schedule", "progress.indicators.growth.schedule", lines + 9) in found


def test_milestone_problems(tmp_path):
    block = (
        "progress:\n"
        "  milestones:\n"
        "    - id: m1\n"
        "      name: 某指标\n"
        "      measure: '%'\n"
        "      targets: {2031: 5}\n"
        "      source: {indicator: nope, method: median}\n"
    )
    found = {(p.code, p.path) for p in _errors(tmp_path, block)}
    assert ("model-shape", "progress.milestones[0].source.method") in found
    found = {(p.code, p.path) for p in _errors(tmp_path, block.replace("median", "sum"))}
    assert ("milestone-source", "progress.milestones[0].source.indicator") in found
    assert ("milestone-year", "progress.milestones[0].targets.2031") in found
