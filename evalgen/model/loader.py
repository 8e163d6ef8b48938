"""Load a scoring model file: YAML with line numbers, shape first, then meaning (`checks`).

Every problem names its path in the file (`groups.county.categories[0].indicators[3].points`),
its line and a stable code, and all are reported together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from ..numbers import round_half_up
from ..problems import ModelError, Problem
from ..resources import DEFAULT_MODEL
from ..yamlfile import YamlError, nearest_line, yaml_load
from .checks import meaning_problems
from .schema import Indicator, ScoringModel

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails  # pydantic's own dependency: one validation error

__all__ = [
    "LoadedModel",
    "indicator_path",
    "load_model",
    "target_for",
]


@dataclass(frozen=True)
class LoadedModel:
    """A validated model with where it came from (for the manifest and messages)."""

    model: ScoringModel
    path: Path
    sha256: str
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def locate(self, problem: Problem) -> Problem:
        """The problem with this model's file name and the line of its path."""
        return replace(problem, file=self.path.name, line=nearest_line(self.lines, problem.path))


def load_model(path: Path | str | None = None) -> LoadedModel:
    """Read and validate a model file; raise ModelError listing every problem."""
    path = Path(path) if path else DEFAULT_MODEL
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"找不到考核细则文件：{path}", code="missing-model") from None
    except OSError as exc:
        raise ModelError(
            f"无法读取考核细则文件 {path}：{exc.strerror}", code="file-unreadable"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ModelError(
            f"考核细则文件 {name} 不是 UTF-8 编码的文本",
            [
                Problem(
                    "文件编码不是 UTF-8",
                    file=name,
                    hint="请用文本编辑器另存为 UTF-8 编码",
                    code="model-encoding",
                )
            ],
        ) from None
    try:
        data, lines = yaml_load(text)
    except YamlError as exc:
        raise ModelError(
            f"考核细则文件 {name} 的 YAML 格式有误",
            [
                Problem(
                    exc.describe(),
                    file=name,
                    line=exc.line,
                    hint="请检查该处的缩进、冒号和引号是否成对",
                    code="model-yaml-syntax",
                )
            ],
        ) from None
    if not isinstance(data, dict):
        raise ModelError(f"考核细则文件 {name} 应为键值结构（YAML 映射）", code="model-shape")
    try:
        model = ScoringModel.model_validate(data)
    except ValidationError as exc:
        problems = [_shape_problem(err, name, lines) for err in exc.errors()]
        raise ModelError(
            f"考核细则文件 {name} 的结构有误（共{len(problems)}处）", problems
        ) from None
    loaded = LoadedModel(model, path, hashlib.sha256(raw).hexdigest(), lines)
    problems = [loaded.locate(p) for p in meaning_problems(model)]
    if problems:
        raise ModelError(f"考核细则文件 {name} 的内容有误（共{len(problems)}处）", problems)
    return loaded


def indicator_path(model: ScoringModel, indicator_id: str) -> str:
    """The path of an indicator in the model file."""
    for gkey, group in model.groups.items():
        for ci, cat in enumerate(group.categories):
            for ii, ind in enumerate(cat.indicators):
                if ind.id == indicator_id:
                    return f"groups.{gkey}.categories[{ci}].indicators[{ii}]"
    return ""


def target_for(indicator: Indicator, year: int) -> Decimal | None:
    """The target applied in `year`: explicit, or by the declared interpolation."""
    targets = indicator.targets
    if year in targets:
        return targets[year]
    if indicator.interpolate == "none" or not targets:
        return None
    before = [y for y in targets if y < year]
    after = [y for y in targets if y > year]
    if not before:
        return None
    y0 = max(before)
    if indicator.interpolate == "hold" or not after:
        return targets[y0]
    y1 = min(after)
    t0, t1 = Fraction(targets[y0]), Fraction(targets[y1])
    value = t0 + (t1 - t0) * Fraction(year - y0, y1 - y0)
    rounded = round_half_up(value, 4)
    return (
        rounded.quantize(Decimal(1))
        if rounded == rounded.to_integral_value()
        else rounded.normalize()
    )


def _format_loc(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


_SHAPE_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的项（可能拼写有误）",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than_equal": "应不大于{le}",
    "string_too_short": "不能为空",
    "too_short": "至少应有{min_length}项",
    "string_pattern_mismatch": "标识只能由英文字母、数字和下划线组成，并以字母开头",
    "literal_error": "取值应为 {expected} 之一",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "finite_number": "应为有限数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为键值结构",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "model_type": "应为键值结构",
}


def _shape_problem(err: ErrorDetails, file: str, lines: dict[str, int]) -> Problem:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    path = _format_loc(loc)
    template = _SHAPE_MESSAGES.get(err["type"])
    ctx = err.get("ctx") or {}
    try:
        message = template.format(**ctx) if template else err["msg"]
    except (KeyError, IndexError):
        message = err["msg"]
    line = nearest_line(lines, path)
    return Problem(message, file=file, path=path, line=line, code="model-shape")
