"""Exact numbers as evalgen prints and stores them: 四舍五入 (half up), JSON-safe values.

Shared by every stage; it imports nothing of evalgen's.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = [
    "cn_count",
    "dec",
    "decisive_decimals",
    "fmt_decisive",
    "fmt_number",
    "fmt_places",
    "fmt_total",
    "half_up_units",
    "json_safe",
    "round_half_up",
    "split_points",
]


def round_half_up(x: Fraction | Decimal | int, decimals: int) -> Decimal:
    """四舍五入 on the exact value (half away from zero), with exactly ``decimals`` places."""
    return Decimal(f"{half_up_units(x, decimals)}E-{decimals}")


def half_up_units(x: Fraction | Decimal | int, decimals: int) -> int:
    """x × 10^decimals rounded half away from zero, as an integer (exact, no binary float)."""
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    n, d = (x, 1) if isinstance(x, int) else x.as_integer_ratio()
    # floor(|x|·10^k + 1/2) in integers, so no binary float and no half-to-even anywhere.
    units = (2 * abs(n) * 10**decimals + d) // (2 * d)
    return -units if n < 0 else units


def fmt_number(x: Decimal | Fraction | int, max_decimals: int = 4) -> str:
    """Half-up to at most ``max_decimals`` places, without trailing zeros or exponent."""
    text = f"{round_half_up(x, max_decimals):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt_places(x: Decimal) -> str:
    """A Decimal already rounded as it is to be printed, without trailing zeros (失分0.005)."""
    return fmt_number(x, max(0, -int(x.as_tuple().exponent)))


def _sign(x: Fraction | Decimal | int) -> int:
    return (x > 0) - (x < 0)


def decisive_decimals(
    value: Fraction | Decimal | int, target: Fraction | Decimal | int, decimals: int
) -> int:
    """The fewest places, at least ``decimals``, at which value and target, each rounded half
    up, compare as the exact figures do (98.249 against 98.25 needs 3, not 2).

    Half-up rounding never reverses an order, it can only make two figures look equal, so
    the places grow until they differ visibly; different exact figures always do at some point.
    """
    d = decimals
    want = _sign(Fraction(value) - Fraction(target))
    while _sign(half_up_units(value, d) - half_up_units(target, d)) != want:
        d += 1
    return d


def fmt_decisive(
    value: Fraction | Decimal | int, target: Fraction | Decimal | int, max_decimals: int
) -> tuple[str, str]:
    """A value and its target as printed side by side (完成值98.249%，目标98.25%): each like
    ``fmt_number``, with as many places as their comparison needs to show."""
    d = decisive_decimals(value, target, max_decimals)
    return fmt_number(value, d), fmt_number(target, d)


def split_points(
    points: Fraction | Decimal | int, score: Fraction | Decimal | int, decimals: int
) -> tuple[Decimal, Decimal, Decimal]:
    """Points, score and points lost as printed in one row (分值, 得分, 失分).

    The printed lost is the printed points minus the printed score, so the row adds up as
    shown; the places grow beyond ``decimals`` where rounding would hide a loss or a score
    (4.995 of 5 prints 得分4.995、失分0.005, not 得分5.00 beside 失分0.01). Each figure keeps at
    least ``decimals`` places and no trailing zeros beyond them (5.00, 4.995, 0.005).
    """
    d = decimals
    while True:
        p, s = half_up_units(points, d), half_up_units(score, d)
        if _sign(s - p) == _sign(Fraction(score) - Fraction(points)) and _sign(s) == _sign(score):
            break
        d += 1
    return tuple(  # type: ignore[return-value]
        _keep_places(Decimal(f"{units}E-{d}"), decimals) for units in (p, s, p - s)
    )


def _keep_places(x: Decimal, decimals: int) -> Decimal:
    """x without trailing zeros beyond ``decimals`` places (5.000 → 5.00, 4.995 stays)."""
    places = max(decimals, -int(x.normalize().as_tuple().exponent))
    return x.quantize(Decimal(1).scaleb(-places))


def json_safe(value: Any) -> Any:
    """Decimal → int/float for JSON; containers recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def fmt_total(x: float | int | str) -> str:
    """A total (already exact to two decimals in results.json) as printed: 93.10."""
    return str(round_half_up(dec(x), 2))


def dec(x) -> Decimal:
    return Decimal(str(x))


def cn_count(n: int) -> str:
    """A small count in Chinese as used in 后三名, 连续两年."""
    digits = "零一两三四五六七八九十"  # counts: 两年, 后两名
    return digits[n] if 0 <= n <= 10 else str(n)
