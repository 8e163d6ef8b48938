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
    "fmt_number",
    "fmt_total",
    "half_up_units",
    "json_safe",
    "round_half_up",
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
