"""Located problems and evalgen's one family of errors.

A problem knows where it is (file, sheet, Excel row and column, unit, indicator) and says in
Chinese what is wrong and how to fix it. Problems are collected, then raised together.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = [
    "EvalgenError",
    "InputError",
    "ModelError",
    "OutputError",
    "Problem",
    "column_letter",
]


def column_letter(index: int) -> str:
    """1 → A, 27 → AA: the column as Excel shows it."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """One problem in an input or model file, located as the user sees it."""

    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    unit: str = ""
    indicator: str = ""
    hint: str = ""
    path: str = ""
    line: int | None = None
    severity: str = "error"
    code: str = ""  # stable kind, e.g. "not-a-number": for tests and `validate --json`

    def where(self) -> str:
        """The location in words: 文件 › 工作表 › 第12行 C列 (单位 / 指标)."""
        parts = [p for p in (self.file, self.sheet) if p]
        if self.row is not None and self.column:
            parts.append(f"{self.column}{self.row}单元格")
        elif self.row is not None:
            parts.append(f"第{self.row}行")
        elif self.column:
            parts.append(f"{self.column}列")
        if self.path:
            parts.append(self.path)
        if self.line is not None:
            parts.append(f"第{self.line}行")
        place = " › ".join(parts)
        who = " / ".join(p for p in (self.unit, self.indicator) if p)
        return f"{place}（{who}）" if who else place

    def render(self) -> str:
        text = f"{self.where()}：{self.message}" if self.where() else self.message
        return f"{text}。{self.hint}" if self.hint else text

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}


class EvalgenError(Exception):
    """Base of evalgen's errors; the CLI turns these into Chinese messages and exit codes."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])

    def __reduce__(self):
        # Errors cross process boundaries (worker pools) with their problems intact.
        return (self.__class__, (self.message, self.problems))

    def render(self) -> str:
        lines = [self.message]
        for i, problem in enumerate(self.problems, 1):
            lines.append(f"  {i}. {problem.render()}")
        return "\n".join(lines)


class InputError(EvalgenError):
    """The year's input files have problems (exit code 2)."""

    exit_code = 2


class ModelError(EvalgenError):
    """The scoring model file has problems (exit code 3)."""

    exit_code = 3


class OutputError(EvalgenError):
    """The run folder cannot be written (exit code 4)."""

    exit_code = 4
