"""Command line: a thin shell over `evalgen.pipeline`; errors are translated here, once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import __version__, pipeline
from ..documents.wording import triggered
from ..inputs.year import YearInputs
from ..numbers import fmt_total
from ..outputs.diff import diff_table
from ..problems import EvalgenError, Problem
from .appeals import docx_option, stage_options, stage_summary
from .common import (
    CONTEXT,
    at_least_one,
    charts_option,
    friendly,
    inputs_option,
    issuance_option,
    model_option,
    out_option,
    say_if_samples,
    templates_option,
)

__all__ = ["main"]


@click.group(
    context_settings=CONTEXT, options_metavar="[选项]", subcommand_metavar="命令 [参数]..."
)
@click.version_option(__version__, "-V", "--version", message="evalgen %(version)s")
def main() -> None:
    """evalgen：质量工作考核评分与结果生成工具。

    \b
    常用命令：
      evalgen score 2024            评分并生成结果文件（默认写入 out/2024/）
      evalgen validate 2024         只检查数据，不写任何文件
      evalgen explain 2024 宁晋县    逐项说明某单位得分来源
      evalgen robustness 2024       稳定性分析：权重小幅变动下各项结论是否稳定
      evalgen diff 旧结果/ 新结果/   比较两次评分结果，列出每处变化及其原因
      evalgen progress 2025H1       年内进展：定期通报、重点任务台账、督办单
    """


@main.command(context_settings=CONTEXT, options_metavar="[选项]")
@click.argument("year", type=int, metavar="年度")
@inputs_option
@model_option
@out_option("输出文件夹。默认：out/年度/；已有的旧结果改名保留为 年度.prev-N，不会被覆盖。")
@templates_option("公文模板文件夹（内含 bulletin.docx 等 3 个模板）。默认：随程序提供的模板。")
@issuance_option
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 把每份公文转换为 PDF。")
@click.option("--no-docs", is_flag=True, help="只生成结果工作簿和 results.json，不生成公文。")
@click.option(
    "--jobs",
    "-j",
    metavar="进程数",
    type=int,
    callback=lambda _ctx, _param, n: at_least_one(n),
    default=None,
    help="同时生成公文的进程数。默认：本机 CPU 核数。结果与进程数无关。",
)
@click.option("--timings", is_flag=True, help="在标准错误输出各阶段耗时（JSON，供性能测试使用）。")
@stage_options
@charts_option
@friendly
def score(
    year: int,
    inputs_dir: Path | None,
    model: Path | None,
    out_dir: Path | None,
    templates_dir: Path | None,
    issuance_file: Path | None,
    pdf: bool,
    no_docs: bool,
    jobs: int | None,
    timings: bool,
    stage: str,
    supersedes: Path | None,
    charts: str,
) -> None:
    """检查数据、评分、定等次、排名，生成考核结果和公文（通报、单位报告、约谈通知书）。

    初评（--stage 初评）只生成考核结果和公示，写入 out/年度-初评/；
    终评（默认）应用数据文件夹中复核登记表的复核结论，生成通报等全部公文。

    --charts png 时，通报中的图表另存为 图表/ 文件夹中的图片，可直接用于汇报幻灯片。

    \b
    示例：
      evalgen score 2024
      evalgen score 2024 --inputs 数据/ --out 结果/2024 --pdf
      evalgen score 2024 --inputs 数据/ --stage 初评
      evalgen score 2024 --inputs 数据/ --supersedes out/2024-初评
    """
    say_if_samples(inputs_dir)
    run = pipeline.score(
        year,
        inputs_dir,
        model,
        out_dir,
        templates_dir=templates_dir,
        issuance_file=issuance_file,
        documents=not no_docs,
        pdf=pdf,
        jobs=jobs,
        progress=_progress if sys.stderr.isatty() else None,
        stage=stage,
        supersedes=supersedes,
        charts=charts,
    )
    if sys.stderr.isatty() and not no_docs:
        click.echo("", err=True)
    for warning in [*run.evaluation.inputs.warnings, *run.notices]:
        click.echo(f"提示：{warning.render()}")
    click.echo(_summary(run))
    click.echo(stage_summary(run))
    if timings:
        seconds = {k: round(v, 3) for k, v in run.timings.items()}
        click.echo(json.dumps({"timings": seconds}, ensure_ascii=False), err=True)


def _progress(done: int, total: int, path: str) -> None:
    width = 30
    bar = "█" * (width * done // total) + "·" * (width - width * done // total)
    click.echo(f"\r生成公文 {bar} {done}/{total}", nl=False, err=True)


@main.command(context_settings=CONTEXT, options_metavar="[选项]")
@click.argument("year", type=int, metavar="年度")
@inputs_option
@model_option
@issuance_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="以 JSON Lines 格式在标准输出列出全部问题和提示，每行一个对象，供其他程序读取；"
    "键为 file、 sheet、 cell、 row、 column、 unit、 indicator、 path、 line、 code、 "
    "severity、 message、 hint，没有的项为 null。退出码不变。",
)
@friendly
def validate(
    year: int,
    inputs_dir: Path | None,
    model: Path | None,
    issuance_file: Path | None,
    as_json: bool,
) -> None:
    """只检查数据是否齐全、规范，列出全部问题，不写任何文件。

    \b
    示例：
      evalgen validate 2024
      evalgen validate 2024 --inputs 数据/
      evalgen validate 2024 --json > 问题.jsonl
    """
    if as_json:
        say_if_samples(inputs_dir)
        inputs = _validate_as_json(year, inputs_dir, model, issuance_file)
        for warning in inputs.warnings:
            _echo_record(warning.record())
    else:
        say_if_samples(inputs_dir)
        inputs = pipeline.validate(year, inputs_dir, model, issuance_file)
        for warning in inputs.warnings:
            click.echo(f"提示：{warning.render()}")
    units = len(inputs.figures)
    click.echo(
        f"{year}年度数据检查通过：{len(inputs.files)}个文件，{units}个单位，{len(inputs.events)}条加减分事项。",
        err=as_json,
    )


def _validate_as_json(year: int, *args) -> YearInputs:
    """`pipeline.validate`, its problems printed as JSON lines; an error then goes on to
    `friendly` (the Chinese message on stderr, a traceback with --debug, the exit code)."""
    try:
        return pipeline.validate(year, *args)
    except EvalgenError as exc:
        for record in exc.records():
            _echo_record(record)
        raise
    except Exception as exc:
        _echo_record(Problem(f"{type(exc).__name__}: {exc}", code="internal-error").record())
        raise


def _echo_record(record: dict) -> None:
    click.echo(json.dumps(record, ensure_ascii=False))


@main.command(context_settings=CONTEXT, options_metavar="[选项]")
@click.argument("year", type=int, metavar="年度")
@click.argument("unit", metavar="单位")
@inputs_option
@model_option
@friendly
def explain(year: int, unit: str, inputs_dir: Path | None, model: Path | None) -> None:
    """逐项说明一个单位的得分：完成值、数据来源单元格、目标值、计分规则、得分、加减分和约谈原因。

    \b
    示例：
      evalgen explain 2024 宁晋县
    """
    say_if_samples(inputs_dir)
    click.echo(pipeline.explain(year, unit, inputs_dir, model))


@main.command(context_settings=CONTEXT, options_metavar="[选项]")
@click.argument("run_a", metavar="原结果文件夹", type=click.Path(path_type=Path))
@click.argument("run_b", metavar="新结果文件夹", type=click.Path(path_type=Path))
@click.option(
    "--xlsx",
    metavar="文件",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="同时把变化明细写入该 Excel 文件（已有的同名文件会被替换）。",
)
@docx_option
@friendly
def diff(run_a: Path, run_b: Path, xlsx: Path | None, docx: Path | None) -> None:
    """比较同一年度的两次评分结果（evalgen score 的输出文件夹），
    逐项列出完成值、指标得分、总分、等次、名次、整改和约谈的变化，
    并根据两次运行记录的文件哈希注明原因（输入文件变化、考核细则变化等）。
    没有变化时显示“无变化”。

    \b
    示例：
      evalgen diff out/2024.prev-1 out/2024
      evalgen diff out/2024.prev-1 out/2024 --xlsx 变化明细.xlsx
      evalgen diff out/2024-初评 out/2024 --docx 复核情况说明.docx
    """
    result = pipeline.diff(run_a, run_b, xlsx, docx)
    click.echo("\n".join(diff_table(result)))
    if xlsx is not None:
        click.echo(f"变化明细已写入：{xlsx}")
    if docx is not None:
        click.echo(f"复核情况说明已写入：{docx}")


from .collection import collect, forms  # noqa: E402 - issue 13: the collection round

main.add_command(forms)
main.add_command(collect)


def _summary(run: pipeline.Run) -> str:
    results = run.results
    lines = [f"{results['year']}年度质量工作考核评分完成（{results['model']['name']}）"]
    for group in results["groups"]:
        counts = "，".join(f"{code} {n}个" for code, n in group["grade_counts"].items())
        units = group["units"]
        first, last = units[0], units[-1]
        last_note = "（一票否决）" if last["veto"] else f" {fmt_total(last['total'])}分"
        lines.append(
            f"  {group['name']}（{group['unit_count']}个）：{counts}；"
            f"第一名 {first['unit']} {fmt_total(first['total'])}分，末位 {last['unit']}{last_note}"
        )
    for kind, title in (("整改", "书面报告并限期整改"), ("约谈", "约谈")):
        names = [u["unit"] for g in results["groups"] for u in triggered(g["units"], kind)]
        lines.append(f"  {title}（{len(names)}个）：{'、'.join(names) if names else '无'}")
    lines.append(f"结果文件：{run.folder}")
    top = [n for n in run.files if "/" not in n]
    lines += [f"  {name}" for name in top]
    for folder in sorted({n.split("/")[0] for n in run.files if "/" in n}):
        count = sum(1 for n in run.files if n.startswith(folder + "/"))
        lines.append(f"  {folder}/（{count}个文件）")
    if run.kept_aside:
        lines.append(f"上次运行的结果已保留在：{run.kept_aside}")
    return "\n".join(lines)


from .progress import progress  # noqa: E402 - registered after the group is defined
from .robustness import robustness  # noqa: E402

main.add_command(progress)
main.add_command(robustness)
