"""`evalgen progress PERIOD`: a quarter or half-year's 定期通报, task ledger and 督办单."""

from __future__ import annotations

from pathlib import Path

import click

from ..pipeline import period_run
from .common import (
    CONTEXT,
    charts_option,
    friendly,
    inputs_option,
    issuance_option,
    model_option,
    out_option,
    say_if_samples,
    templates_option,
)

__all__ = ["progress"]


@click.command(context_settings=CONTEXT, options_metavar="[选项]")
@click.argument("period", metavar="期次")
@inputs_option
@model_option
@out_option("输出文件夹。默认：out/期次/；已有的旧结果改名保留，不会被覆盖。")
@templates_option(
    "公文模板文件夹（内含 progress.docx、supervision.docx，可含图表样式模板 charts.docx）。"
    "默认：随程序提供的模板。"
)
@issuance_option
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 把定期通报和督办单转换为 PDF。")
@click.option("--no-docs", is_flag=True, help="只生成任务台账和 progress.json，不生成公文。")
@charts_option
@friendly
def progress(
    period: str,
    inputs_dir: Path | None,
    model: Path | None,
    out_dir: Path | None,
    templates_dir: Path | None,
    issuance_file: Path | None,
    pdf: bool,
    no_docs: bool,
    charts: str,
) -> None:
    """年内跟踪督导：按季度或半年生成进展情况定期通报、重点任务台账和督办单。

    数据放在以期次命名的文件夹中（如 数据/2025H1/），表格格式与年度文件夹相同。

    \b
    期次写法：2025Q1（一季度）、2025H1（上半年）、2025Q3（前三季度）。
    示例：
      evalgen progress 2025H1
      evalgen progress 2025Q3 --inputs 数据/ --out 结果/2025Q3 --pdf
      evalgen progress 2025H1 --charts png
    """
    say_if_samples(inputs_dir)
    run = period_run.progress(
        period, inputs_dir, model, out_dir, templates_dir=templates_dir,
        issuance_file=issuance_file, documents=not no_docs, pdf=pdf, charts=charts,
    )  # fmt: skip
    for notice in run.notices:
        click.echo(f"提示：{notice.render()}")
    click.echo(summary(run))


def summary(run: period_run.ProgressRun) -> str:
    """What the run found and wrote, in a few lines."""
    record = run.record
    counts = record["counts"]
    lagging_tasks = [t for t in record["tasks"] if t["lagging"]]
    risky = [m["name"] for m in record["milestones"] if m["status"] == "存在风险"]
    lines = [
        f"{record['label']}进展：指标项正常 {counts['正常']} 项，滞后 {counts['滞后']} 项，"
        f"严重滞后 {counts['严重滞后']} 项",
        f"  重点任务 {len(record['tasks'])} 项，有责任单位未启动的 {len(lagging_tasks)} 项",
        f"  节点目标存在风险：{'、'.join(risky) if risky else '无'}",
        f"结果文件：{run.folder}",
    ]
    lines += [f"  {name}" for name in run.files if "/" not in name]
    for folder in sorted({n.split("/")[0] for n in run.files if "/" in n}):
        count = sum(1 for n in run.files if n.startswith(folder + "/"))
        lines.append(f"  {folder}/（{count}个文件）")
    if run.kept_aside:
        lines.append(f"上次运行的结果已保留在：{run.kept_aside}")
    return "\n".join(lines)
