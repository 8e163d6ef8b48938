"""Runs that go wrong: killed, out of disk space, unwritable, rerun — nothing is lost.

A run writes into a hidden staging folder `.2024.partial-PID` beside the output folder and
renames it into place only when every file is complete; a previous run is kept as
`2024.prev-N`.
"""

import errno
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from badfiles import FOOD, set_figure
from click.testing import CliRunner

from evalgen.cli import main
from evalgen.outputs import files as outputs
from evalgen.outputs.files import sha256_file

ROOT = Path(__file__).resolve().parent.parent


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output + result.stderr
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def assert_complete(folder: Path) -> None:
    """Every file is whole: the manifest lists each one with its hash, zips open, JSON parses."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = {k for k in snapshot(folder) if k != "manifest.json"}
    assert set(manifest["outputs"]) == files
    for name, digest in manifest["outputs"].items():
        assert sha256_file(folder / name) == digest, name
        if name.endswith((".docx", ".xlsx")):
            with zipfile.ZipFile(folder / name) as archive:
                assert archive.testzip() is None, name
    json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert not [p for p in folder.rglob("*.tmp")]


def score_process(inputs: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "evalgen", "score", "2024", "--inputs", str(inputs)]
    return subprocess.Popen(
        [*command, "--out", str(out), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so the kill reaches any worker too
    )


@pytest.mark.slow
def test_run_killed_while_rendering_leaves_the_previous_run_intact(sample_copy, tmp_path):
    out = tmp_path / "out" / "2024"
    first = score_process(sample_copy, out, "--no-docs")  # documents are slow; not needed here
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err.decode()
    before = snapshot(out)

    second = score_process(sample_copy, out, "--jobs", "1")
    staging = out.parent / f".2024.partial-{second.pid}"
    deadline = time.monotonic() + 300
    while len(list(staging.rglob("*.docx"))) < 3:
        assert second.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(second.pid, signal.SIGKILL)
    second.wait(timeout=60)
    assert second.returncode == -signal.SIGKILL

    assert snapshot(out) == before  # byte for byte
    assert_complete(out)
    assert staging.exists()  # the killed run's files are only in its staging folder
    assert {p.name for p in out.parent.iterdir()} == {"2024", staging.name}

    third = score_process(sample_copy, out, "--no-docs")
    _, err = third.communicate(timeout=300)
    assert third.returncode == 0, err.decode()
    assert not staging.exists()  # the stale staging folder was cleaned
    assert sorted(p.name for p in out.parent.iterdir()) == ["2024", "2024.prev-1"]
    assert snapshot(out.with_name("2024.prev-1")) == before
    assert_complete(out)


def _processes() -> dict[int, tuple[int, str, str]]:
    """Every process: pid → (parent pid, state, start time), from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        found[int(stat.parent.name)] = (int(fields[1]), fields[0], fields[19])
    return found


def _descendants(pid: int) -> dict[int, str]:
    """The processes started by `pid`, their children and so on: pid → start time."""
    processes, found, todo = _processes(), {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _, started) in processes.items():
            if ppid == parent and child not in found:
                found[child] = started
                todo.append(child)
    return found


def _alive(tracked: dict[int, str]) -> list[str]:
    processes = _processes()
    return [
        Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
        for pid, started in tracked.items()
        if pid in processes and processes[pid][2] == started and processes[pid][1] != "Z"
    ]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_killed_run_leaves_no_process_behind(sample_copy, tmp_path):
    """SIGKILL to the run alone (not its group): its fork server, workers and resource
    tracker end with it instead of living on, blocked on pipes nobody writes to."""
    out = tmp_path / "out" / "2024"
    run = score_process(sample_copy, out, "--jobs", "2")
    staging = out.parent / f".2024.partial-{run.pid}"
    deadline = time.monotonic() + 300
    while len(list(staging.rglob("*.docx"))) < 3:
        assert run.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    tracked = _descendants(run.pid)
    commands = " ".join(_alive(tracked))
    assert "forkserver" in commands and "resource_tracker" in commands
    assert len(tracked) >= 3  # the fork server, the resource tracker and a worker at least
    run.kill()
    run.wait(timeout=60)
    try:
        deadline = time.monotonic() + 10
        while _alive(tracked) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _alive(tracked) == []
    finally:
        processes = _processes()
        for pid, started in tracked.items():  # whatever is left must not outlive the test
            if pid in processes and processes[pid][2] == started:
                os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_disk_full_mid_run_is_a_clear_error(sample_copy, tmp_path, monkeypatch):
    out = tmp_path / "out" / "2024"
    assert cli("score", 2024, "--inputs", sample_copy, "--out", out, "--no-docs").exit_code == 0
    before = snapshot(out)
    real_write = outputs.RunFolder.write
    calls = []

    def write(self, name, data):
        calls.append((name, sorted(p.name for p in self.staging.iterdir())))
        if name == "results.json":  # the workbook is already written
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, name, data)

    monkeypatch.setattr(outputs.RunFolder, "write", write)
    result = cli("score", 2024, "--inputs", sample_copy, "--out", out, "--no-docs")
    assert result.exit_code == 4
    assert f"写入输出文件夹 {out} 失败" in result.stderr and "已保留原有结果" in result.stderr
    assert calls == [("results.json", ["考核结果_2024.xlsx"])]  # mid-run
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["2024"]  # no staging left


@pytest.mark.slow
def test_disk_full_while_writing_the_workbook(sample_copy, tmp_path, monkeypatch):
    """XlsxWriter wraps the OSError in its own exception: still exit code 4, nothing lost."""
    out = tmp_path / "out" / "2024"
    assert cli("score", 2024, "--inputs", sample_copy, "--out", out, "--no-docs").exit_code == 0
    before = snapshot(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    result = cli("score", 2024, "--inputs", sample_copy, "--out", out, "--no-docs")
    assert result.exit_code == 4
    assert "磁盘空间不足" in result.stderr and "已保留原有结果" in result.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["2024"]


def _chmod_is_enforced(folder: Path) -> bool:
    probe = folder / "probe"
    folder.chmod(0o500)
    try:
        probe.mkdir()
    except PermissionError:
        return True
    probe.rmdir()
    return False  # running as root; the simulated full disk covers this path then


def test_the_run_is_on_disk_before_it_gets_its_name(tmp_path, monkeypatch):
    """One sync of the staging folder, after every file is written and before the rename."""
    seen = []

    def sync(folder):
        seen.append(
            (folder, sorted(p.name for p in folder.iterdir()), (tmp_path / "2024").exists())
        )

    monkeypatch.setattr(outputs, "sync_folder", sync)
    run = outputs.RunFolder.begin(tmp_path / "2024")
    run.write("a.json", b"{}")
    run.write("sub/b.docx", b"PK")
    run.commit()
    assert seen == [(run.staging, ["a.json", "sub"], False)]
    assert (tmp_path / "2024" / "sub" / "b.docx").read_bytes() == b"PK"


def test_sync_folder_fsyncs_every_file_without_syncfs(tmp_path, monkeypatch):
    (tmp_path / "d").mkdir()
    for name in ("a", "d/b"):
        (tmp_path / name).write_bytes(b"x")
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(outputs, "_syncfs", lambda fd: False)
    monkeypatch.setattr(
        os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")) or real_fsync(fd)
    )
    outputs.sync_folder(tmp_path)
    assert sorted(synced) == sorted([str(tmp_path / "a"), str(tmp_path / "d" / "b"), str(tmp_path)])


@pytest.mark.slow
def test_unwritable_output_folder(sample_copy, tmp_path):
    parent = tmp_path / "out"
    out = parent / "2024"
    assert cli("score", 2024, "--inputs", sample_copy, "--out", out, "--no-docs").exit_code == 0
    before = snapshot(out)
    try:
        if not _chmod_is_enforced(parent):
            pytest.skip("file permissions are not enforced for this user (root)")
        result = cli("score", 2024, "--inputs", sample_copy, "--out", out, "--no-docs")
        assert result.exit_code == 4
        assert f"无法创建输出文件夹 {out}" in result.stderr
    finally:
        parent.chmod(0o700)
    assert snapshot(out) == before


@pytest.mark.slow
def test_reruns_keep_every_previous_run(sample_copy, tmp_path):
    out = tmp_path / "out" / "2024"
    runs = []
    for value in (None, 97.5, 96.5):
        if value is not None:
            set_figure(sample_copy, "宁晋县", FOOD, value)
        result = cli("score", 2024, "--inputs", sample_copy, "--out", out, "--no-docs")
        assert result.exit_code == 0, result.stderr
        runs.append(snapshot(out))
    assert f"上次运行的结果已保留在：{out.with_name('2024.prev-2')}" in result.output
    # numbered in order: prev-1 is the oldest run, prev-2 the one before this
    assert snapshot(out.with_name("2024.prev-1")) == runs[0]
    assert snapshot(out.with_name("2024.prev-2")) == runs[1]
    assert snapshot(out) == runs[2]
    assert runs[0]["results.json"] != runs[1]["results.json"] != runs[2]["results.json"]
