"""A reporting period (期次): a quarter `2025Q1` … `2025Q4` or a half-year `2025H1`, `2025H2`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ..problems import InputError, Problem

__all__ = ["Period", "parse_period"]

_PATTERN = re.compile(r"(\d{4})\s*([QqHh])\s*([1-4])")
_QUARTERS = {1: "一季度", 2: "上半年", 3: "前三季度", 4: "全年"}
_HALVES = {1: "上半年", 2: "全年"}


@dataclass(frozen=True)
class Period:
    """A year and how much of it has passed: quarter n of 4 or half n of 2."""

    year: int
    kind: str  # "Q" or "H"
    n: int

    @property
    def code(self) -> str:
        return f"{self.year}{self.kind}{self.n}"

    @property
    def elapsed(self) -> Fraction:
        """The fraction of the year passed at the period's end (Q1 → 1/4, H1 → 1/2)."""
        return Fraction(self.n, 4 if self.kind == "Q" else 2)

    @property
    def schedule_key(self) -> str | None:
        """The key of a declared schedule for this point (Q2 is H1); None at the year's end."""
        return {Fraction(1, 4): "Q1", Fraction(1, 2): "H1", Fraction(3, 4): "Q3"}.get(self.elapsed)

    @property
    def label(self) -> str:
        """As the office writes it: 2025年上半年, 2025年一季度, 2025年前三季度."""
        names = _QUARTERS if self.kind == "Q" else _HALVES
        return f"{self.year}年{names[self.n]}"

    @property
    def end(self) -> str:
        """The period's last day, as the document says it: 6月30日."""
        month = int(self.elapsed * 12)
        day = 31 if month in (3, 12) else 30
        return f"{month}月{day}日"


def parse_period(text: str, years: list[int] | None = None) -> Period:
    """`2025H1` → Period; anything else is an InputError saying how to write it."""
    match = _PATTERN.fullmatch(text.strip())
    hint = "期次写作“年份+Q季度”或“年份+H半年”，如 2025Q1、2025H1、2025Q3"
    if match is None or (match.group(2).upper() == "H" and int(match.group(3)) > 2):
        problem = Problem(f"期次“{text}”写法有误", hint=hint, code="bad-period")
        raise InputError(f"期次“{text}”写法有误", [problem])
    period = Period(int(match.group(1)), match.group(2).upper(), int(match.group(3)))
    if years is not None and period.year not in years:
        shown = "、".join(str(y) for y in years)
        problem = Problem(
            f"期次“{text}”的年份{period.year}不在考核年度中",
            hint=f"考核细则的考核年度为：{shown}",
            code="bad-period",
        )
        raise InputError(f"期次“{text}”的年份不在考核年度中", [problem])
    return period
