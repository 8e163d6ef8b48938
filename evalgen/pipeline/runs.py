"""What every run shares: its folder written all or nothing, where inputs are, their hashes."""

from __future__ import annotations

import errno
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..inputs.issuance import ISSUANCE_FILE
from ..inputs.reader import input_files
from ..model.loader import LoadedModel
from ..outputs.files import RunFolder, sha256_file
from ..problems import OutputError
from ..resources import DEFAULT_INPUTS

if TYPE_CHECKING:
    from ..documents.pool import DocumentSet
    from .evaluation import Evaluation

__all__ = [
    "commit_run",
    "earlier_years",
    "input_hashes",
    "inputs_base",
    "model_meta",
    "os_reason",
    "run_manifest",
]


def commit_run(
    folder: Path, write: Callable[[RunFolder], dict[str, str]]
) -> tuple[RunFolder, Path, dict[str, str]]:
    """Begin a run folder, let `write` fill it (returning the outputs' hashes), commit it.

    All or nothing: on any failure the staging folder goes and the previous run stays as it was.
    """
    try:
        run = RunFolder.begin(folder)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {folder}：{os_reason(exc)}") from None
    try:
        outputs = write(run)
        final = run.commit()
    except OSError as exc:
        run.abort()
        raise OutputError(
            f"写入输出文件夹 {folder} 失败：{os_reason(exc)}，已保留原有结果"
        ) from None
    except BaseException:
        run.abort()
        raise
    return run, final, outputs


def model_meta(loaded: LoadedModel) -> dict[str, str]:
    return {"file": loaded.path.name, "sha256": loaded.sha256}


_OS_REASONS: dict[int | None, str] = {  # OSError.errno may be None
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘为只读",
    errno.ENOTDIR: "路径中有同名文件而不是文件夹",
    errno.EEXIST: "同名文件已存在",
}


def os_reason(exc: OSError) -> str:
    return _OS_REASONS.get(exc.errno, f"系统错误（{exc.strerror or exc}）")


def inputs_base(inputs_dir: Path | None) -> Path:
    """The folder holding one subfolder per year: `--inputs`, or the embedded samples."""
    return Path(inputs_dir) if inputs_dir else DEFAULT_INPUTS


def earlier_years(base: Path, year: int, model_years: list[int]) -> list[int]:
    if not base.is_dir():
        return []
    found = [int(p.name) for p in base.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name)]
    return sorted(y for y in found if y < year and y in model_years)


def input_hashes(base: Path, years: list[int], issuance_file: Path | None) -> dict[str, str]:
    hashes = {}
    if issuance_file is not None and Path(issuance_file).is_file():
        hashes[f"issuance/{Path(issuance_file).name}"] = sha256_file(Path(issuance_file))
    for year in sorted(years):
        folder = base / str(year)
        extra = [folder / ISSUANCE_FILE] if (folder / ISSUANCE_FILE).is_file() else []
        for path in sorted(input_files(folder) + extra):
            hashes[f"{year}/{path.name}"] = sha256_file(path)
    return hashes


def run_manifest(
    evaluation: Evaluation,
    base: Path,
    issuance_file: Path | None,
    docs: DocumentSet | None,
    outputs: dict[str, str],
) -> dict:
    """What the run was made from (model, inputs, templates) and what it wrote, with hashes."""
    year = evaluation.result.year
    return {
        "evalgen_version": __version__,
        "year": year,
        "model": model_meta(evaluation.loaded),
        "inputs": input_hashes(base, [year, *evaluation.history], issuance_file),
        "templates": {t.name: t.sha256 for t in docs.templates.values()} if docs else {},
        "outputs": outputs,
    }
