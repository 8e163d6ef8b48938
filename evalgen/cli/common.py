"""What every command shares: click settings, the common options, and `friendly`, which turns
evalgen's errors into Chinese messages and exit codes in one place."""

from __future__ import annotations

import functools
import sys
import traceback
from pathlib import Path

import click

from ..problems import EvalgenError
from ..resources import DEFAULT_INPUTS
from . import text

# Before any option is made: click.Path names "file" / "directory" when it is constructed.
text.install()

__all__ = [
    "CONTEXT",
    "at_least_one",
    "charts_option",
    "check_range",
    "friendly",
    "inputs_option",
    "issuance_option",
    "model_option",
    "say_if_samples",
]


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def at_least_one(n: int | None) -> int | None:
    if n is not None and n < 1:
        raise click.BadParameter("至少为 1")
    return n


def friendly(func):
    """Turn evalgen errors into Chinese messages and exit codes; no traceback unless --debug."""

    @functools.wraps(func)
    def wrapper(*args, debug: bool = False, **kwargs):
        try:
            return func(*args, **kwargs)
        except EvalgenError as exc:
            if debug:
                traceback.print_exc()
            click.echo(exc.render(), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("已中断，未写入任何结果。", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - last line of defence: never a bare traceback
            if debug:
                traceback.print_exc()
            click.echo(
                f"内部错误：{type(exc).__name__}: {exc}\n请加 --debug 重新运行并把输出反馈给开发人员。",
                err=True,
            )
            sys.exit(70)

    return click.option("--debug", is_flag=True, help="出错时显示完整调用栈（供开发人员排查）。")(
        wrapper
    )


inputs_option = click.option(
    "--inputs",
    "inputs_dir",
    metavar="文件夹",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="数据文件夹，内含按年度命名的子文件夹（如 数据/2024/）。默认：内置示例数据。",
)


issuance_option = click.option(
    "--issuance",
    "issuance_file",
    metavar="文件",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="发文信息文件（发文字号、日期、主送、约谈安排等）。默认：数据文件夹/年度/发文信息.yaml。",
)


charts_option = click.option(
    "--charts",
    type=click.Choice(["native", "png"]),
    default="native",
    show_default=True,
    help="公文中图表的形式：native 为可在 Word/WPS 中右键“编辑数据”的图表；"
    "png 为图片（适用于显示原生图表有问题的 Word/WPS 版本）。",
)


model_option = click.option(
    "--model",
    metavar="文件",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="考核细则文件（YAML）。默认：随程序提供的邢台市考核细则（xingtai-2023-2027.yaml）。",
)


def out_option(help_text: str):
    """`--out 文件夹`: where a command writes; a file there is an output error (exit 4)."""
    return click.option(
        "--out", "out_dir", metavar="文件夹", type=click.Path(path_type=Path), default=None,
        help=help_text,
    )  # fmt: skip


def templates_option(help_text: str):
    """`--templates 文件夹`: the office's own copy of the Word templates."""
    return click.option(
        "--templates", "templates_dir", metavar="文件夹",
        type=click.Path(path_type=Path, file_okay=False), default=None, help=help_text,
    )  # fmt: skip


def say_if_samples(inputs_dir: Path | None) -> None:
    """Without --inputs the embedded sample year is used: say so, so that nobody mistakes
    the sample's documents for their own (on stderr: stdout stays the command's output)."""
    if inputs_dir is None:
        click.echo(
            f"提示：未指定 --inputs，使用随程序提供的示例数据（{DEFAULT_INPUTS}）。", err=True
        )


def check_range(low: float, high: float | None, *, high_open: bool = False):
    """A click callback: the value within [low, high] (or [low, high)), told in Chinese."""

    def check(_ctx, _param, value: float) -> float:
        if value < low or (high is not None and (value >= high if high_open else value > high)):
            top = "" if high is None else f"且{'小于' if high_open else '不大于'}{high:g}"
            raise click.BadParameter(f"应不小于{low:g}{top}")
        return value

    return check
