"""`evalgen forms` and `evalgen collect`: thin commands over `evalgen.collection.api`."""

from __future__ import annotations

from pathlib import Path

import click

from ..problems import InputError
from .common import CONTEXT, friendly, inputs_option, issuance_option, model_option, out_option

__all__ = ["collect", "forms"]


@click.command(context_settings=CONTEXT, options_metavar="[选项]")
@click.argument("year", metavar="年度或期次")
@inputs_option
@model_option
@issuance_option
@out_option("填报表写入的文件夹。默认：填报表/年度/；已有的同名文件夹改名保留为 年度.prev-N。")
@click.option(
    "--prefill",
    metavar="文件夹",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="用已有的年度数据文件夹（如 数据/2024）预先填好填报表；其旁边的上一年度文件夹的数值作为“上年完成值”列出。",
)
@click.option(
    "--deadline",
    metavar="文字",
    default=None,
    help="报送截止时间，写入填报说明。默认取发文信息文件的“填报截止日期”。",
)
@friendly
def forms(
    year: str,
    inputs_dir: Path | None,
    model: Path | None,
    issuance_file: Path | None,
    out_dir: Path | None,
    prefill: Path | None,
    deadline: str | None,
) -> None:
    """按考核细则为每个单位生成数据填报表，并生成考核组评分表；给出期次（如 2025H1）时生成年内进展填报表。

    每份填报表只含该单位的指标（及市直部门的重点任务、加分申报），填报单元格有数据验证，
    其余单元格锁定，含识别信息（单位、年度、考核细则版本），报回后 evalgen collect 可自动识别。
    截止时间和联系人取自发文信息文件（填报截止日期、联系人、联系电话）。
    年内进展填报表只含考核细则年内跟踪的指标（列出预期进度供参考）和重点任务进展（进展状态、进展情况），
    --prefill 给出期次数据文件夹（如 数据/2025H1）。

    \b
    示例：
      evalgen forms 2025 --deadline 2026年1月15日
      evalgen forms 2024 --prefill 数据/2024 --out 填报表/2024
      evalgen forms 2025H1 --deadline 2025年7月10日
    """
    from ..collection.api import make_forms
    from ..collection.periodapi import make_period_forms

    period = not year.strip().isdigit()
    make = make_period_forms if period else make_forms
    made = make(
        year.strip() if period else int(year), out_dir, model, prefill=prefill,  # type: ignore[arg-type]
        issuance_file=issuance_file, deadline=deadline, inputs_dir=inputs_dir,
    )  # fmt: skip
    click.echo(f"{_round(year)}填报表已生成：{len(made.files)}个文件，在 {made.folder}")
    if made.kept_aside:
        click.echo(f"原有的文件夹已保留在：{made.kept_aside}")


def _round(text: str) -> str:
    """2025年度, or the period's own words (2025年上半年)."""
    from ..progress.period import parse_period

    return f"{text.strip()}年度" if text.strip().isdigit() else parse_period(text).label


@click.command(context_settings=CONTEXT, options_metavar="[选项]")
@click.argument("year", metavar="年度或期次")
@click.argument(
    "returns_dir", metavar="报送文件夹", type=click.Path(path_type=Path, file_okay=False)
)
@model_option
@issuance_option
@click.option(
    "--out",
    "out_root",
    metavar="文件夹",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="数据文件夹：汇总结果写入其中的 年度/ 子文件夹（供 evalgen score 年度 --inputs 该文件夹 使用）。",
)
@friendly
def collect(
    year: str, returns_dir: Path, model: Path | None, issuance_file: Path | None, out_root: Path
) -> None:
    """读取报送文件夹中的全部填报表（任意文件名、子文件夹），检查并汇总。

    列出每个单位已收到、未收到（催报名单）或有问题；为有问题的单位写出退回意见；
    把无问题的填报表和考核组评分表汇总到 数据文件夹/年度/，每个数值注明来自哪份报送文件的哪个单元格。
    不修改、不删除任何报送文件。有单位未完成时退出码非零，evalgen score 也会拒绝评分。
    给出期次（如 2025H1）时读取年内进展填报表，汇总到 数据文件夹/期次/，供 evalgen progress 使用。

    \b
    示例：
      evalgen collect 2025 收件箱/ --out 数据/
      evalgen collect 2025 收件箱/ --out 数据/ --issuance 发文信息.yaml
      evalgen collect 2025H1 收件箱/ --out 数据/
    """
    from ..collection.api import collect as run
    from ..collection.periodapi import collect_period
    from ..collection.status import status_table

    if year.strip().isdigit():
        done = run(int(year), returns_dir, out_root, model, issuance_file=issuance_file)
    else:
        done = collect_period(
            year.strip(), returns_dir, out_root, model, issuance_file=issuance_file
        )
    click.echo("\n".join(status_table(done)))
    if done.incomplete:
        names = "、".join(s.unit for s in done.incomplete)
        raise InputError(
            f"{_round(year)}有{len(done.incomplete)}份未完成（未报送或有问题）：{names}。"
            "其余已汇总；收齐改正后请重新运行 evalgen collect。",
            code="incomplete-year",
        )
