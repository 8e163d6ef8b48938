"""Each chart kind's printed width, declared once and importable without matplotlib.

The renderer (`documents.render`) inserts a chart at this width in the parent process, which
never loads matplotlib; the chart modules draw at the same width (`layout.WIDTH_IN`, …), and
`kinds.CHARTS` pairs each kind's drawing function with it.
"""

from __future__ import annotations

__all__ = ["NARROW_IN", "PRINT_WIDTH_IN", "WIDTH_IN", "width_mm"]

WIDTH_IN = 6.0  # group totals, attainment, rank intervals: 152.4 mm of the 156 mm text block
NARROW_IN = 4.8  # grade distribution, trend: 121.9 mm

PRINT_WIDTH_IN = {
    "group_totals": WIDTH_IN,  # the bulletin, a bar per unit
    "score_histogram": WIDTH_IN,  # the bulletin, large groups
    "grade_distribution": NARROW_IN,  # the bulletin
    "attainment": WIDTH_IN,  # a unit report
    "trend": NARROW_IN,  # a unit report
    "rank_intervals": WIDTH_IN,  # 稳定性分析, per group
    "progress_status": WIDTH_IN,  # 定期通报, units per status and indicator
    "milestones": WIDTH_IN,  # 定期通报, the road to the milestones
}


def width_mm(kind: str, default: float = 150) -> float:
    """The printed width of a chart kind in millimetres (152.4, 121.92)."""
    inches = PRINT_WIDTH_IN.get(kind)
    return default if inches is None else round(inches * 25.4, 2)
