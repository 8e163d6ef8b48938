"""The chart error, importable without matplotlib (the spec and the native writer need it)."""

from __future__ import annotations

from ..problems import EvalgenError

__all__ = ["ChartError"]


class ChartError(EvalgenError):
    """A chart cannot be drawn: no Chinese font, or data the chart cannot show (exit code 5)."""

    exit_code = 5
    code = "chart-error"
