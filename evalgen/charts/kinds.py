"""Every chart a document can ask for, declared once: its kind, its function, its width.

A document context names its charts as specs, `{"kind": ..., "data": ...}`; the document
workers draw each with `CHARTS[kind].draw(**data)` and insert it at `width_in`.

Charts are PNG bytes drawn from plain JSON-safe data with matplotlib's object-oriented API on
an Agg canvas (no pyplot, so nothing accumulates between charts), with matplotlib's default
settings plus ours (the caller's settings neither reach a chart nor change), at a fixed width
and dpi, in an SIL OFL Simplified Chinese font loaded by file (`font`): the same data gives the
same bytes, in any process and after any other charts (`canvas`). They are meant to print at
100 %, so the width here is the printed width; the PNG (RGB) carries its dpi, so Word shows it
at that size. Heights grow with the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .attainment import attainment_chart
from .intervals import rank_interval_chart
from .progress import milestone_chart, status_chart
from .sizes import PRINT_WIDTH_IN
from .spread import score_histogram_chart
from .totals import grade_distribution_chart, group_totals_chart
from .trend import trend_chart

__all__ = ["CHARTS", "ChartKind"]


@dataclass(frozen=True)
class ChartKind:
    """A kind of chart: the function drawing it from a spec's data, and its printed width."""

    draw: Callable[..., bytes]
    width_in: float


_DRAW: dict[str, Callable[..., bytes]] = {
    "group_totals": group_totals_chart,
    "score_histogram": score_histogram_chart,
    "grade_distribution": grade_distribution_chart,
    "attainment": attainment_chart,
    "trend": trend_chart,
    "rank_intervals": rank_interval_chart,
    "progress_status": status_chart,
    "milestones": milestone_chart,
}
CHARTS: dict[str, ChartKind] = {
    kind: ChartKind(draw, PRINT_WIDTH_IN[kind]) for kind, draw in _DRAW.items()
}
