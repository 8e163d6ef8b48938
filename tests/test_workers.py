"""The document workers' fork server: warmed up early, and never the one to fail."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def test_warmup_never_raises_even_without_a_font(tmp_path):
    """The fork server imports evalgen.warmup: an exception there would break every worker
    with an unreadable error instead of the font's own message."""
    env = _env(EVALGEN_CHART_FONT=str(tmp_path / "没有这个字体.otf"))
    done = subprocess.run(
        [sys.executable, "-c", "import evalgen.warmup"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_a_missing_font_is_still_reported_by_the_workers(tmp_path):
    out = tmp_path / "out"
    env = _env(EVALGEN_CHART_FONT=str(tmp_path / "没有这个字体.otf"))
    done = subprocess.run(
        [sys.executable, "-m", "evalgen", "score", "2024", "--out", str(out), "--jobs", "2"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 5, done.stderr
    assert "字体文件不存在" in done.stderr and "没有这个字体.otf" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert not any(p.name.startswith(".out.partial") for p in tmp_path.iterdir())
