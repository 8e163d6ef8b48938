"""`evalgen robustness YEAR`: 稳定性分析, the office's internal reading of how firm each decision is."""

from __future__ import annotations

from pathlib import Path

import click

from .. import pipeline
from .common import (
    CONTEXT,
    at_least_one,
    charts_option,
    check_range,
    friendly,
    inputs_option,
    model_option,
    out_option,
    say_if_samples,
)

__all__ = ["robustness"]


@click.command(context_settings=CONTEXT, options_metavar="[选项]")
@click.argument("year", type=int, metavar="年度")
@inputs_option
@model_option
@out_option("输出文件夹。默认：out/年度-稳定性分析/；已有的旧结果改名保留，不会被覆盖。")
@click.option(
    "--runs",
    type=int,
    default=1000,
    show_default=True,
    metavar="次数",
    callback=lambda _ctx, _param, n: at_least_one(n),
    help="模拟次数（至少为 1）。",
)
@click.option(
    "--weights",
    type=float,
    default=0.10,
    show_default=True,
    metavar="比例",
    callback=check_range(0.0, 1.0, high_open=True),
    help="每项指标分值上下浮动的比例（0.10 即 ±10%，各类别总分不变）。",
)
@click.option(
    "--evaluated",
    type=float,
    default=0.5,
    show_default=True,
    metavar="分",
    callback=check_range(0.0, None),
    help="评审打分类指标得分上下浮动的分数（截在 0 至该指标分值之间）。",
)
@click.option(
    "--thresholds",
    type=float,
    default=0.0,
    show_default=True,
    metavar="分",
    callback=check_range(0.0, None),
    help="等次分数线上下浮动的分数（默认不浮动）。",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    metavar="整数",
    help="随机数种子：参数相同则结果完全相同。",
)
@charts_option
@friendly
def robustness(
    year: int,
    inputs_dir: Path | None,
    model: Path | None,
    out_dir: Path | None,
    runs: int,
    weights: float,
    evaluated: float,
    thresholds: float,
    seed: int,
    charts: str,
) -> None:
    """稳定性分析（内部参考，不对外公布）：在指标分值、评审打分小幅变动下，各单位的名次区间，
    以及等次、整改、约谈等结论是否稳定；对不稳定的结论指出最敏感的指标。

    \b
    示例：
      evalgen robustness 2024
      evalgen robustness 2024 --runs 2000 --weights 0.2 --evaluated 1 --seed 7
    """
    say_if_samples(inputs_dir)
    run = pipeline.robustness(
        year, inputs_dir, model, out_dir, runs=runs, weights=weights,
        evaluated=evaluated, thresholds=thresholds, seed=seed, charts=charts,
    )  # fmt: skip
    click.echo(_robustness_summary(run))


def _robustness_summary(run: pipeline.Robustness) -> str:
    record = run.record
    s, summary = record["settings"], record["summary"]
    lines = [
        f"{record['year']}年度稳定性分析完成：模拟{s['runs']}次（指标分值±{s['weights']:.0%}，"
        f"评审打分±{s['evaluated']:g}分，等次分数线±{s['thresholds']:g}分，种子{s['seed']}）",
        f"  {summary['units']}个单位中{summary['robust']}个各项结论稳定；"
        f"不稳定的结论{summary['fragile_decisions']}项：",
    ]
    for group in record["groups"]:
        for unit in group["units"]:
            lines += [f"    {unit['unit']}：{f['sentence']}" for f in unit["fragile"]]
    if not summary["fragile_decisions"]:
        lines[-1] = lines[-1][:-1] + "。"
    lines.append(f"结果文件：{run.folder}")
    lines += [f"  {name}" for name in run.files]
    if run.kept_aside:
        lines.append(f"上次运行的结果已保留在：{run.kept_aside}")
    return "\n".join(lines)
