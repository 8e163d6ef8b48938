"""YAML as the office writes it: 1.2 booleans, no key twice, and the line of every path.

Used for the scoring model and the issuance file.
"""

from __future__ import annotations

import re

import yaml

__all__ = ["nearest_line", "yaml_load"]


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans (a key like `no:` stays text), and a key written twice is an error."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"“{key}”重复出现（第{seen[key]}行已有）",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def yaml_load(text: str) -> tuple[object, dict[str, int]]:
    """Parse YAML (1.2 booleans) and map each dotted path to its 1-based line."""
    loader = _Loader(text)  # parsed once: the same nodes give the data and the lines
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, _line_map(node)


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
