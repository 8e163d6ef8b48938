"""Chinese for click's own words (Usage, Options, its error messages), installed by the CLI.

Click looks its messages up through `gettext` and `ngettext`; this maps the ones users meet to
Chinese and leaves anything else as click wrote it. Click rewords its messages between
releases: the table holds the current wording and the older one, and
`tests/test_clitext.py` fails on any English a mistake on the command line brings out.
"""

from __future__ import annotations

import click

__all__ = ["install"]

_ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Aborted!": "已中止。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "可运行 “{command} {option}” 查看帮助。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option: {name}": "没有选项：{name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Did you mean {possibility}?": "是否想输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想输入其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面缺少取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面需要 {nargs} 个取值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不需要取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个取值。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value!r} is not a valid integer.": "{value!r} 不是有效的整数。",
    "{value!r} is not a valid integer range.": "{value!r} 不是有效的整数。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的开关值。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    # paths: click names the kind first (click 8.2 and later) ...
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件，不是{name}。",
    "{name} {filename!r} is a directory.": "{filename!r} 是文件夹，不是{name}。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 无法执行。",
    # ... and in one sentence before
    "Directory {name!r} does not exist.": "文件夹 {name!r} 不存在。",
    "File {name!r} does not exist.": "文件 {name!r} 不存在。",
    "File {name!r} is a directory.": "{name!r} 是文件夹，不是文件。",
    "Directory {name!r} is a file.": "{name!r} 是文件，不是文件夹。",
}


def _gettext(message: str) -> str:
    return _ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    """Route click's message look-ups through the table above."""
    for module in (
        click.core,
        click.formatting,
        click.exceptions,
        click.parser,
        click.types,
        click.decorators,
        click.termui,
    ):
        # Each module binds gettext as `_` (and ngettext) at import: rebind them in the
        # module's namespace (names click's modules do not declare).
        if hasattr(module, "_"):
            vars(module)["_"] = _gettext
        if hasattr(module, "ngettext"):
            vars(module)["ngettext"] = _ngettext
