"""The audit trail of a run (issue 14): its stage, the appeals it applied, the run it supersedes.

`stage_meta` adds to results.json what a reader of the results needs (the stage of a 初评
run, the appeals register's rows); `audit` adds to manifest.json what an auditor needs (the
stage, the appeals applied and upheld with the register's hash, and the superseded run's
path, stage and manifest hash). Nothing is added to a final run without a register, so the
results of such a run are what they always were.
"""

from __future__ import annotations

from pathlib import Path

from ..inputs.year import YearInputs
from ..problems import InputError, Problem
from .diff import MANIFEST, RESULTS, read_run
from .files import sha256_file

__all__ = ["FINAL", "PRELIMINARY", "STAGES", "audit", "check_stage", "stage_meta", "superseded_run"]

PRELIMINARY, FINAL = "初评", "终评"
STAGES = (PRELIMINARY, FINAL)


def check_stage(stage: str) -> str:
    """The stage, if it is one (初评 / 终评); otherwise an error."""
    if stage not in STAGES:
        raise InputError(
            f"考核阶段“{stage}”不存在",
            [Problem("阶段应为“初评”或“终评”", hint="如 --stage 初评", code="unknown-stage")],
        )
    return stage


def stage_meta(stage: str, inputs: YearInputs) -> dict:
    """results.json's keys for the stage and the appeals (none for a plain final run)."""
    meta: dict = {"stage": PRELIMINARY} if stage == PRELIMINARY else {}
    if inputs.register:
        meta["appeals"] = [a.to_dict() for a in inputs.appeals]
    return meta


def superseded_run(folder: Path, year: int) -> dict:
    """The manifest record of the run `folder` that a new run supersedes: path, stage and
    manifest hash; an error if it is not a run folder of `year`."""
    run = read_run(folder)
    found = run.results["year"]
    if found != year:
        raise InputError(
            f"--supersedes 指定的 {folder} 是{found}年度的结果，不是{year}年度的",
            [
                Problem(
                    f"考核年度为{found}",
                    file=str(folder / RESULTS),
                    hint=f"请指定{year}年度的评分结果文件夹（如 out/{year}-初评）",
                    code="supersedes-other-year",
                )
            ],
        )
    stage = run.manifest.get("stage") or FINAL
    return {"path": str(folder), "stage": stage, "manifest_sha256": sha256_file(folder / MANIFEST)}


def audit(stage: str, inputs: YearInputs, superseded: dict | None) -> dict:
    """manifest.json's keys: the stage, the appeals (applied / upheld, with the register's
    hash), the superseded run where given."""
    record: dict = {
        "stage": stage,
        "appeals": {
            "register": {f"{inputs.year}/{p.name}": sha256_file(p) for p in inputs.register},
            "applied": [a.number for a in inputs.appeals if a.adjusts],
            "upheld": [a.number for a in inputs.appeals if not a.adjusts],
        },
    }
    if superseded is not None:
        record["supersedes"] = superseded
    return record
