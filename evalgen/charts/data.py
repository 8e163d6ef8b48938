"""Checks of the plain data a chart is given: numbers, and grade bands with their colours.

Bad data is a `ChartError` with a Chinese message naming the unit, indicator or year.
"""

from __future__ import annotations

import math

from .errors import ChartError

__all__ = ["GRADE_COLORS", "band_for", "grade_bands", "number"]

# Muted, and apart in greyscale too (luminance ≈ 160, 112, 199, 71 of 255).
GRADE_COLORS = {"A": "#78B59A", "B": "#4A78B0", "C": "#EAC66E", "D": "#8A2B26"}
_OTHER = "#A9A9A9"  # a fifth band and beyond


def number(value: object, what: str) -> float:
    """`value` as a float; a bool, a string, NaN or infinity is a `ChartError` about `what`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ChartError(f"图表数据有误：{what}应为数值，实际为 {value!r}。")
    return float(value)


def grade_bands(bands: list[dict]) -> list[dict]:
    """Grade bands as given (best first), each with its colour."""
    if not bands:
        raise ChartError("图表数据有误：未给出等次划分（bands）。")
    result = []
    for i, band in enumerate(bands):
        code = str(band["code"])
        # A–D by code; bands a model names otherwise take the same colours by position.
        by_position = list(GRADE_COLORS.values())[i] if i < len(GRADE_COLORS) else _OTHER
        color = GRADE_COLORS.get(code.upper(), by_position)
        minimum = number(band.get("min", 0), f"等次 {code} 的下限")
        result.append(
            {"code": code, "name": str(band.get("name", "")), "min": minimum, "color": color}
        )
    return result


def band_for(code: object, bands: list[dict], who: str) -> dict:
    """The band of grade `code`, or a `ChartError` naming `who` and the known codes."""
    for band in bands:
        if band["code"] == code:
            return band
    known = "、".join(b["code"] for b in bands)
    raise ChartError(f"图表数据有误：{who}的等次 {code!r} 不在等次划分（{known}）中。")
