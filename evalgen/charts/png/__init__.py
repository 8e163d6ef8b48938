"""PNG charts (`--charts png`) drawn from the chart spec (`charts.spec`), as the native
renderer writes Word charts from it: one renderer per spec type, not per kind.

`png_chart(kind, data)` builds the spec and draws it with matplotlib's object-oriented API
(`canvas.render`: the same data gives the same bytes). Horizontal bars (`bars`) draw the
"bar" specs, and the bulletin's totals per unit (a "column" spec, a column per unit in Word):
as a picture, a row per unit keeps the long names readable, as the bulletin always printed
them. Columns (`columns`) and lines (`line`) draw the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.figure import Figure

from ..canvas import render
from ..spec import ChartSpec, chart_spec
from . import bars, columns, line

__all__ = ["ACROSS", "draw_spec", "png_chart", "spec_size"]

ACROSS = frozenset({"group_totals"})  # column specs drawn as horizontal bars in a picture
_RENDERERS = {"bar": bars, "column": columns, "line": line}


def _renderer(spec: ChartSpec) -> Any:
    return bars if spec["kind"] in ACROSS else _RENDERERS[spec["type"]]


def spec_size(spec: ChartSpec) -> tuple[float, float]:
    """The picture's width and height in inches."""
    return _renderer(spec).size(spec)


def draw_spec(fig: Figure, spec: ChartSpec) -> None:
    """Draw `spec` on `fig` (a figure of `spec_size(spec)`, inside `font.chart_settings`)."""
    _renderer(spec).draw(fig, spec)


def png_chart(kind: str, data: dict[str, Any]) -> bytes:
    """The PNG of a document's chart `{"kind": kind, "data": data}`; bad data: `ChartError`."""
    spec = chart_spec(kind, data)
    draw: Callable[[Figure], None] = lambda fig: draw_spec(fig, spec)  # noqa: E731
    return render(draw, *spec_size(spec))
