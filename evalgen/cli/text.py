"""Chinese for click's own words (Usage, Options, its error messages), installed by the CLI.

Click looks its messages up through `gettext`; this maps the ones users meet to Chinese and
leaves anything else as click wrote it.
"""

from __future__ import annotations

import click

__all__ = ["install"]

_ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "可运行 “{command} {option}” 查看帮助。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option: {name}": "没有选项：{name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value!r} is not a valid integer.": "{value!r} 不是有效的整数。",
    "{value!r} is not a valid integer range.": "{value!r} 不是有效的整数。",
    "Directory {name!r} does not exist.": "文件夹 {name!r} 不存在。",
    "File {name!r} does not exist.": "文件 {name!r} 不存在。",
    "File {name!r} is a directory.": "{name!r} 是文件夹，不是文件。",
    "Directory {name!r} is a file.": "{name!r} 是文件，不是文件夹。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
}


def _gettext(message: str) -> str:
    return _ZH.get(message, message)


def install() -> None:
    """Route click's message look-ups through the table above."""
    for module in (
        click.core,
        click.formatting,
        click.exceptions,
        click.parser,
        click.types,
        click.decorators,
    ):
        if hasattr(module, "_"):
            # Each module binds gettext as `_` at import: rebind it in the module's namespace
            # (a name click's types do not declare).
            vars(module)["_"] = _gettext
