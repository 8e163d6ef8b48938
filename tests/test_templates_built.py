"""The shipped templates are what tools/build_templates.py writes: a change to the builder
(or to the native charts that charts.docx is made of) that was not rebuilt fails here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_templates  # noqa: E402


@pytest.mark.slow
def test_every_template_is_rebuilt_byte_for_byte(tmp_path):
    written = build_templates.build(tmp_path)
    assert sorted(p.name for p in written) == sorted(
        p.name for p in (ROOT / "templates").glob("*.docx")
    )
    stale = [
        p.name for p in written if p.read_bytes() != (ROOT / "templates" / p.name).read_bytes()
    ]
    assert stale == [], f"run `python tools/build_templates.py`: {stale}"
