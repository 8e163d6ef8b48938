"""The Jinja environment every template renders with (autoescape on, strict, each source
compiled once per process), and Jinja's errors told in Chinese."""

from __future__ import annotations

import functools
import re
from collections.abc import MutableMapping
from typing import Any

import jinja2

__all__ = ["chinese_message", "jinja_env"]


class _CachingEnvironment(jinja2.Environment):
    """Compiles each template source once per process (docxtpl compiles on every render)."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(
        self,
        source: str | jinja2.nodes.Template,
        globals: MutableMapping[str, Any] | None = None,  # noqa: A002 - Jinja's name
        template_class: type[jinja2.Template] | None = None,
    ) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            template = self._compiled[source] = super().from_string(source)
        return template


@functools.cache
def jinja_env() -> jinja2.Environment:
    return _CachingEnvironment()


_MESSAGES = (
    (re.compile(r"'(?:dict object|[\w ]+)' has no attribute '([^']+)'"), "数据中没有“{0}”这一项"),
    (re.compile(r"'([^']+)' is undefined"), "数据中没有变量“{0}”"),
    (re.compile(r"No filter named '([^']+)'"), "没有名为“{0}”的过滤器"),
    (re.compile(r"unexpected '([^']+)'"), "出现了意外的“{0}”"),
    (re.compile(r"expected token '([^']+)'"), "缺少“{0}”"),
    (re.compile(r"unexpected end of template"), "模板意外结束（可能缺少 endfor/endif）"),
)


def chinese_message(exc: Exception) -> str:
    """Jinja's English message, in Chinese where we know it, with the original kept."""
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    for pattern, template in _MESSAGES:
        match = pattern.search(text)
        if match:
            return template.format(*match.groups()) + f"（{text}）"
    if isinstance(exc, ZeroDivisionError):
        return f"模板中的运算除以零（{text}）"
    return f"{type(exc).__name__}：{text}"
