"""The document workers' fork server: warmed up early, and never the one to fail."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


@pytest.mark.slow
def test_warmup_never_raises_even_without_a_font(tmp_path):
    """The fork server imports evalgen.documents.warmup: an exception there would break every worker
    with an unreadable error instead of the font's own message."""
    env = _env(EVALGEN_CHART_FONT=str(tmp_path / "没有这个字体.otf"))
    done = subprocess.run(
        [sys.executable, "-c", "import evalgen.documents.warmup"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.slow
def test_a_missing_font_is_still_reported_by_the_workers(tmp_path):
    out = tmp_path / "out"
    env = _env(EVALGEN_CHART_FONT=str(tmp_path / "没有这个字体.otf"))
    # The chart font draws pictures (--charts png); native charts name Word's fonts instead.
    command = ["score", "2024", "--out", str(out), "--jobs", "2", "--charts", "png"]
    done = subprocess.run(
        [sys.executable, "-m", "evalgen", *command],
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


@pytest.mark.slow
def test_a_folder_named_evalgen_in_the_working_directory_changes_nothing(tmp_path):
    """The fork server starts with `python -c`, whose import path begins with the working
    directory: an empty `evalgen/` there used to stand in for the package (exit 70,
    BrokenProcessPool)."""
    (tmp_path / "evalgen").mkdir()
    script = Path(sys.executable).with_name("evalgen")  # the installed command, as users run it
    assert script.exists()
    done = subprocess.run(
        [str(script), "score", "2024", "--out", "X", "--jobs", "2"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert len(list((tmp_path / "X" / "单位报告").glob("*.docx"))) == 44


def test_the_jobs_can_be_gone_through_again():
    from test_engine import MINI, score_both_years

    from evalgen.documents.pool import prepare_documents
    from evalgen.inputs.issuance import load_issuance
    from evalgen.model.loader import load_model
    from evalgen.outputs.results import build_results, history_points

    model = load_model(MINI).model
    y2023, y2024, view = score_both_years(model)
    docs = prepare_documents(
        model,
        build_results(model, y2024, view, {}),
        {2023: history_points(model, y2023)},
        load_issuance(ROOT / "sample_inputs" / "2024" / "发文信息.yaml"),
        None,
    )
    first, again = list(docs.jobs()), list(docs.jobs())
    assert [path for path, _, _ in first] == [path for path, _, _ in again]
    notices = [p for p, _, _ in first if p.startswith("约谈通知书/")]
    assert len(first) == docs.count == 1 + 7 + len(notices)  # bulletin, 5 counties + 2 bureaus


@pytest.mark.slow
def test_progress_counts_every_document_once_in_order(sample_copy, tmp_path):
    from evalgen import pipeline

    calls = []
    pipeline.score(
        2024, sample_copy, out_dir=tmp_path / "out", jobs=2, progress=lambda *a: calls.append(a)
    )
    total = 1 + 44 + 4  # the bulletin, 20 counties + 24 departments, 4 interview notices
    assert [(done, of) for done, of, _ in calls] == [(n, total) for n in range(1, total + 1)]
    assert len({path for _, _, path in calls}) == total
    # the workers' hashes in the manifest are those of the files on disk
    import json

    from evalgen.outputs.files import sha256_file

    out = tmp_path / "out"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["outputs"]) == total + 2  # and the workbook and results.json
    for name, digest in manifest["outputs"].items():
        assert sha256_file(out / name) == digest, name


def test_the_progress_bar(capsys):
    from evalgen.cli import _progress

    _progress(15, 30, "单位报告/甲县.docx")
    _progress(30, 30, "约谈通知书/01_乙县.docx")
    err = capsys.readouterr().err
    assert (
        err == "\r生成公文 " + "█" * 15 + "·" * 15 + " 15/30" + "\r生成公文 " + "█" * 30 + " 30/30"
    )


@pytest.mark.slow
def test_a_process_whose_parent_has_already_gone_ends_at_once():
    """The fork server asks to die with the run; had the run ended before it asked, it ends."""
    code = "from evalgen.documents.pool import _die_with_parent as d; d({}); print('alive')"
    gone = subprocess.run(
        [sys.executable, "-c", code.format(1)], env=_env(), capture_output=True, text=True
    )
    assert (gone.returncode, gone.stdout) == (1, "")
    here = subprocess.run(
        [sys.executable, "-c", code.format(os.getpid())], env=_env(), capture_output=True, text=True
    )
    assert (here.returncode, here.stdout) == (0, "alive\n")
