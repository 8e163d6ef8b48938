"""The options of 公示 and 复核 (issue 14): `score --stage/--supersedes`, `diff --docx`."""

from __future__ import annotations

from pathlib import Path

import click

from .. import pipeline
from ..outputs.audit import STAGES

__all__ = ["docx_option", "stage_options", "stage_summary"]


def stage_options(func):
    """`--stage 初评|终评` and `--supersedes 结果文件夹`, for `score`."""
    func = click.option(
        "--supersedes",
        metavar="结果文件夹",
        type=click.Path(path_type=Path),
        default=None,
        help="本次结果取代的同一年度的评分结果文件夹（如 out/2024-初评），记入 manifest.json。",
    )(func)
    return click.option(
        "--stage",
        type=click.Choice(STAGES),
        default="终评",
        show_default=True,
        metavar="初评|终评",
        help="考核阶段：初评生成考核结果和公示（不生成通报、单位报告和约谈通知书）；"
        "终评应用复核登记表中的复核结论。",
    )(func)


docx_option = click.option(
    "--docx",
    metavar="文件",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="同时生成复核情况说明（Word，列出复核申请、结论及其引起的每处变化）。",
)


def stage_summary(run: pipeline.Run) -> str:
    """The stage and the appeals of a run, for the summary after `score`."""
    results = run.results
    appeals = results.get("appeals", [])
    if results.get("stage") == "初评":
        return "阶段：初评（已生成公示；公示期满、复核后请运行终评）"
    if not appeals:
        return "阶段：终评（未找到复核登记表，没有复核调整）"
    applied = [a["number"] for a in appeals if a["decision"] == "调整"]
    upheld = [a["number"] for a in appeals if a["decision"] != "调整"]
    parts = [f"调整{len(applied)}项（{'、'.join(applied)}）" if applied else "",
             f"维持{len(upheld)}项（{'、'.join(upheld)}）" if upheld else ""]  # fmt: skip
    return f"阶段：终评（已应用复核登记表：{'，'.join(p for p in parts if p)}）"
