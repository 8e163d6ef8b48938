"""YAML as the office writes it: 1.2 booleans, no key twice, no aliases, the line of every path.

Used for the scoring model and the issuance file. Every way the text can fail to parse
becomes one `YamlError` with a Chinese reason and its line and column: PyYAML's English
never reaches the user.
"""

from __future__ import annotations

import re

import yaml

__all__ = ["YamlError", "nearest_line", "yaml_load"]


class YamlError(Exception):
    """A YAML text that cannot be read: the reason in Chinese and where (1-based).

    `related` is a second place the reason refers to (the unclosed bracket or quote).
    """

    def __init__(
        self,
        reason: str,
        line: int | None = None,
        column: int | None = None,
        related: tuple[int, int] | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column
        self.related = related

    def describe(self) -> str:
        """The reason with its place: 方括号…没有配对（第3行第1列；相关位置：第2行第9列）."""
        places = []
        if self.line is not None:
            places.append(
                f"第{self.line}行第{self.column}列" if self.column else f"第{self.line}行"
            )
        if self.related:
            places.append(f"相关位置：第{self.related[0]}行第{self.related[1]}列")
        return f"{self.reason}（{'；'.join(places)}）" if places else self.reason


class _Refused(yaml.MarkedYAMLError):
    """Our own refusals, already in Chinese."""


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans (a key like `no:` stays text), a key written twice is an error, and
    anchors and aliases are refused: the office never needs them, and an alias bomb
    ("billion laughs") would otherwise expand into gigabytes."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                problem="不支持锚点“&”和别名“*”，请把内容直接写出",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise _Refused(
                    problem=f"“{key}”重复出现（第{seen[key]}行已有）",
                    problem_mark=key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2025-02-30: the date does not exist
            raise _Refused(
                problem=f"日期“{node.value}”不存在，请核对年、月、日",
                problem_mark=node.start_mark,
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)

_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def yaml_load(text: str) -> tuple[object, dict[str, int]]:
    """Parse YAML (1.2 booleans) and map each dotted path to its 1-based line.

    Raises `YamlError` (Chinese reason, line, column) for anything that is not such YAML.
    """
    try:
        return _parse(text)
    except yaml.MarkedYAMLError as exc:
        raise _marked_error(exc) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        reason = f"含有不允许的控制字符（U+{exc.character:04X}），请删除"
        raise YamlError(reason, line, column) from None
    except yaml.YAMLError:
        raise YamlError(_GENERIC) from None
    except RecursionError:
        raise YamlError("括号或缩进的嵌套层次过深") from None


def _parse(text: str) -> tuple[object, dict[str, int]]:
    loader = _Loader(text)  # parsed once: the same nodes give the data and the lines
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, _line_map(node)


_GENERIC = "无法识别此处的写法，请检查缩进、冒号和引号"

# PyYAML's problem texts (6.x), in the words of the office. First match wins.
_REASONS: tuple[tuple[str, str], ...] = (
    (r"found character '\\t' that cannot start any token", "不能用 Tab 键缩进，请改用空格"),
    (r"found character '(.*)' that cannot start any token",
     "字符“{0}”不能出现在此处开头，请给这项内容加上引号"),
    (r"mapping values are not allowed here",
     "此处不能再出现“键: 值”：内容中含有“: ”时请给内容加上引号，或检查上一行的缩进"),
    (r"mapping keys are not allowed here", "此处不能出现“?”开头的键"),
    (r"sequence entries are not allowed here", "此处不能出现列表项“-”，请检查缩进"),
    (r"could not find expected ':'", "找不到应有的冒号“:”（“键: 值”缺少冒号，或引号没有成对）"),
    (r"found undefined alias", "不支持锚点“&”和别名“*”，请把内容直接写出"),
    (r"found duplicate anchor", "不支持锚点“&”和别名“*”，请把内容直接写出"),
    (r"expected <block end>, but found", "缩进不一致：此行与上文同一层的内容没有对齐"),
    (r"expected ',' or '\]', but got", "方括号“[”没有配对的“]”，或列表项之间缺少逗号"),
    (r"expected ',' or '\}', but got", "花括号“{”没有配对的“}”，或各项之间缺少逗号"),
    (r"but (?:found|got) '<stream end>'", "文件在此处意外结束：括号或引号没有成对"),
    (r"expected the node content, but found", "此处缺少内容，或括号、缩进有误"),
    (r"did not find expected key", "找不到应有的“键:”，请检查缩进和引号"),
    (r"did not find expected '-' indicator", "列表项缩进不一致（缺少“-”）"),
    (r"found unexpected end of stream", "引号没有成对：直到文件末尾也没有找到结束的引号"),
    (r"found unknown escape character '(.*)'",
     "双引号内的“\\{0}”无法识别：反斜杠请写成“\\\\”，或改用单引号"),
    (r"expected escape sequence", "双引号内的转义写法有误：反斜杠请写成“\\\\”，或改用单引号"),
    (r"expected a single document in the stream|but found another document",
     "文件中只能有一份内容，不能用“---”分成几部分"),
    (r"found unexpected document separator", "此处不能出现文档分隔符“---”或“...”"),
    (r"could not determine a constructor for the tag", "不支持“!”开头的标签写法，请删除该标签"),
    (r"found undefined tag handle|found non-specific tag|while scanning a tag",
     "不支持“!”开头的标签写法，请删除该标签"),
    (r"found unhashable key", "键不能是列表或键值结构"),
    (r"expected alphabetic or numeric character", "“&”“*”“!”等符号后的写法有误，请给内容加上引号"),
    (r"expected ' ', but found", "此处应有一个空格（如冒号“:”后）"),
    (r"expected a comment or a line break, but found", "此处应换行，或以“#”开始注释"),
    (r"expected (chomping|indentation indicator)", "“|”或“>”后的写法有误"),
    (r"directive|YAML document", "不支持“%”开头的指令行"),
)  # fmt: skip


def _marked_error(exc: yaml.MarkedYAMLError) -> YamlError:
    """PyYAML's error, translated; the place of the problem, and of its context if elsewhere."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return YamlError(_GENERIC)
    if isinstance(exc, _Refused):
        return YamlError(exc.problem or _GENERIC, mark.line + 1, mark.column + 1)
    reason = _translate(f"{exc.context or ''}\n{exc.problem or ''}")
    context = exc.context_mark
    related = None
    if context is not None and context.line != mark.line:
        related = (context.line + 1, context.column + 1)
    return YamlError(reason, mark.line + 1, mark.column + 1, related)


def _translate(problem: str) -> str:
    for pattern, reason in _REASONS:
        found = re.search(pattern, problem)
        if found:
            return reason.replace("{0}", found.group(1)) if found.groups() else reason
    return _GENERIC


def _line_map(node: yaml.Node | None) -> dict[str, int]:
    lines: dict[str, int] = {}

    def walk(n: yaml.Node, path: str) -> None:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                k = key.value
                child = f"{path}.{k}" if path else str(k)
                walk(value, child)
                lines[child] = key.start_mark.line + 1  # the key's line, not its value's
        elif isinstance(n, yaml.SequenceNode):
            for i, item in enumerate(n.value):
                walk(item, f"{path}[{i}]")

    if node is not None:
        walk(node, "")
    return lines


def nearest_line(lines: dict[str, int], path: str) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None
