"""The synthetic input generator (tools/synth.py): valid, exercising, deterministic."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from evalgen.cli import main

TOOLS = Path(__file__).resolve().parent.parent / "tools"
sys.path.insert(0, str(TOOLS))

import synth  # noqa: E402

UNITS = 30


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth.generate(UNITS, [2023, 2024], out)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_generated_year_passes_validation(generated):
    result = CliRunner().invoke(
        main,
        ["validate", "2024", "--inputs", str(generated), "--model", str(generated / "model.yaml")],
    )
    assert result.exit_code == 0, result.output
    assert f"{UNITS + 24}个单位" in result.output


@pytest.mark.slow
def test_generated_year_exercises_every_feature(generated):
    assert synth.missing_features(generated, 2024) == []


def test_two_generations_are_byte_identical(generated, tmp_path):
    synth.generate(UNITS, [2023, 2024], tmp_path)
    first, second = _files(generated), _files(tmp_path)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_unit_names_are_unique_prefixes_and_avoid_taken_names():
    names = synth.unit_names(5000, taken={"安昌县"})
    assert len(set(names)) == len(names) == 5000
    assert "安昌县" not in names
    assert synth.unit_names(100, taken={"安昌县"}) == names[:100]
    assert all(name[-1] in "县市区" and len(set(name[:-1])) == len(name) - 1 for name in names)
