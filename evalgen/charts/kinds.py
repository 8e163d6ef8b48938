"""Every chart a document can ask for, declared once: its kind, its function, its width.

A document context names its charts as specs, `{"kind": ..., "data": ...}`; the document
workers draw each with `CHARTS[kind].draw(**data)` and insert it at `width_in`.

Charts are PNG bytes drawn from the chart's spec (`spec`, `png`) with matplotlib's object-oriented API on
an Agg canvas (no pyplot, so nothing accumulates between charts), with matplotlib's default
settings plus ours (the caller's settings neither reach a chart nor change), at a fixed width
and dpi, in an SIL OFL Simplified Chinese font loaded by file (`font`): the same data gives the
same bytes, in any process and after any other charts (`canvas`). They are meant to print at
100 %, so the width here is the printed width; the PNG (RGB) carries its dpi, so Word shows it
at that size. Heights grow with the rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .png import png_chart
from .sizes import PRINT_WIDTH_IN

__all__ = ["CHARTS", "ChartKind"]


@dataclass(frozen=True)
class ChartKind:
    """A kind of chart: the function drawing it from a spec's data, and its printed width."""

    draw: Callable[..., bytes]
    width_in: float


def _draw(kind: str, **data: Any) -> bytes:
    return png_chart(kind, data)


CHARTS: dict[str, ChartKind] = {
    kind: ChartKind(functools.partial(_draw, kind), width) for kind, width in PRINT_WIDTH_IN.items()
}
