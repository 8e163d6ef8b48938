"""What is read from a year's tables: figures, events, and where each came from."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["Event", "Figure", "Source"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a figure came from: file, sheet and cell as Excel shows them.

    Two optional links carry its history further back, and appear only when set:
    `returned` is the cell of the unit's returned form a merged figure was copied from
    (`evalgen collect`); `appeal` is the number of the 复核登记表 row whose accepted
    adjustment replaced the figure (an appeal overlay).
    """

    file: str
    sheet: str
    cell: str
    returned: Source | None = None
    appeal: str = ""

    def __str__(self) -> str:
        sheet = f" › {self.sheet}" if self.sheet else ""
        text = f"{self.file}{sheet} › {self.cell}"
        if self.returned is not None:
            text += f"（来自报送文件 {self.returned}）"
        if self.appeal:
            text += f"（经复核调整，复核编号 {self.appeal}）"
        return text

    def to_dict(self) -> dict:
        record: dict = {"file": self.file, "sheet": self.sheet, "cell": self.cell}
        if self.returned is not None:
            record["returned"] = self.returned.to_dict()
        if self.appeal:
            record["appeal"] = self.appeal
        return record


@dataclass(frozen=True, slots=True)
class Figure:
    """A unit's figure for an indicator; `value` None means 不适用 (N/A).

    `number` is `value` as float64 (NaN for N/A), kept from the start so the ranking pass
    builds its matrix without converting a `Decimal` per cell.
    """

    value: Decimal | None
    source: Source
    number: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "number", math.nan if self.value is None else float(self.value))


@dataclass(frozen=True)
class Event:
    """An adjustment event (加分 / 扣分 / 否决) recorded for a unit."""

    unit: str
    item_id: str
    count: int
    basis: str
    date: str
    source: Source
