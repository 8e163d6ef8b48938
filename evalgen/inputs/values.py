"""Cell values as people type them: a number, 不适用, blank, or a problem explained in Chinese."""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ..numbers import round_half_up

__all__ = [
    "NOT_APPLICABLE",
    "CellValue",
    "ErrorValue",
    "FormulaWithoutResult",
    "ValueProblem",
    "cell_text",
    "clean_text",
    "normalize_text",
    "parse_cell",
    "shorten",
]

NOT_APPLICABLE = "不适用"
MAX_SIGNIFICANT_DIGITS = 15

_NUMBER_HINT = "请填写数字，如 98.5 或 98.5%"
_NA_HINT = "如该指标对本单位不适用，请填写“不适用”；如数值为零，请填写 0"
_NA_ONLY_HINT = "如该指标对本单位不适用，请只填写“不适用”三个字"
_DATE_HINT = "请将单元格格式设为“常规”或“数值”，再重新输入数字"

# Commas only in complete groups of three, and the first group may not start with 0, so a
# decimal comma ("98,5", "0,5") is never read as a thousands separator.
_NUMBER = re.compile(r"([+-]?)((?:[1-9][0-9]{0,2}(?:,[0-9]{3})+)|[0-9]+)(\.[0-9]+)?(%?)")
_LEADING_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?%?")
_PLACEHOLDERS = frozenset(
    {"n/a", "na", "n.a.", "none", "null", "nil", "无", "空", "暂无", "没有", "不涉及", "缺", "x"}
)


@dataclass(frozen=True)
class CellValue:
    """A parsed cell: a number, 不适用 (``na``) or blank (missing data, never N/A).

    `number` is set exactly when `kind` is ``number``: a check of `number is None` is a
    check of the kind that also tells the type checker the number is there.
    """

    kind: Literal["number", "na", "blank"]
    number: Decimal | None = None
    # Typed with a percent sign ("98.5%"): fine for a % indicator, a slip anywhere else.
    percent: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class FormulaWithoutResult:
    """A formula cell saved without its result, by a program that does not calculate."""

    formula: str

    def __str__(self) -> str:
        return self.formula


@dataclass(frozen=True)
class ErrorValue:
    """An Excel error shown in a cell (``#DIV/0!``, ``#N/A`` …), usually a formula's result."""

    code: str

    def __str__(self) -> str:
        return self.code


class ValueProblem(Exception):
    """A cell that is neither a number, 不适用 nor blank; message and hint are Chinese.

    `code` is the problem's stable kind (see `evalgen.problems.CODES`).
    """

    def __init__(self, message: str, hint: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code


def parse_cell(
    raw: object, *, percent_format: bool = False, decimals: int | None = None
) -> CellValue:
    """Parse one cell as the person filling it in saw it (按显示值读取).

    A numeric (not text) value is read at the 15 significant digits Excel shows, scaled by
    100 when ``percent_format``, then rounded half up to the ``decimals`` its number format
    shows (``0.00%`` → 2), if the format fixes them. Text is read as typed.
    """
    if raw is None:
        return CellValue("blank")
    if isinstance(raw, str):
        return _parse_text(raw)
    _refuse_unreadable(raw)
    number = _parse_non_text(raw)
    if percent_format:
        number = _shift(number, 2)
    if decimals is not None:
        number = round_half_up(number, decimals)
    return CellValue("number", number)


def cell_text(raw: object, *, free: bool = False) -> str:
    """A text cell (unit name, 事项编号, 依据) as a string; ``free`` keeps it un-normalised.

    Raises ValueProblem for a formula without its result or an Excel error value.
    """
    if raw is None:
        return ""
    _refuse_unreadable(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a number typed in a text column: 2024, not 2024.0
    return clean_text(str(raw)) if free else normalize_text(str(raw))


def shorten(text: str, limit: int = 40) -> str:
    """Text for a message: controls dropped, whitespace collapsed, at most `limit` characters."""
    shown = clean_text(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def normalize_text(s: str) -> str:
    """NFKC, drop control and format characters, collapse whitespace runs to one space, strip."""
    # Controls go before NFKC, so that a removed joiner cannot leave an uncomposed pair behind.
    return " ".join(unicodedata.normalize("NFKC", _drop_controls(s)).split())


def clean_text(s: str) -> str:
    """Free text (依据, 备注) as typed: controls dropped, whitespace collapsed, no NFKC."""
    return " ".join(_drop_controls(s).split())


def _drop_controls(s: str) -> str:
    return "".join(
        " " if ch.isspace() else ch
        for ch in s
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf")
    )


def _refuse_unreadable(raw: object) -> None:
    if isinstance(raw, FormulaWithoutResult):
        raise ValueProblem(
            "公式没有计算结果，请在 Excel/WPS 中打开并保存后重试",
            f"该单元格的公式“{shorten(raw.formula)}”没有保存计算结果（文件可能由不计算公式的程序生成）；"
            "如公式结果本应为空，请直接填写数值或“不适用”",
            code="formula-without-result",
        )
    if isinstance(raw, ErrorValue):
        raise ValueProblem(
            f"单元格显示错误值“{shorten(raw.code)}”，不是数字",
            "请修正该单元格的公式，或直接填写数值",
            code="formula-error",
        )


def _parse_text(raw: str) -> CellValue:
    text = _drop_format_chars(raw).strip()
    if not text:
        return CellValue("blank")
    if unicodedata.normalize("NFKC", text) == NOT_APPLICABLE:
        return CellValue("na")
    folded = _fold_width(text)
    match = _NUMBER.fullmatch(folded)
    if match is None:
        raise _text_problem(text, folded)
    sign, integer, fraction, percent = match.groups()
    number = Decimal(sign + integer.replace(",", "") + (fraction or ""))
    if len(number.normalize().as_tuple().digits) > MAX_SIGNIFICANT_DIGITS:
        # Scores are ranked on float64, which keeps up to 15 significant digits exact.
        raise ValueProblem(
            f"“{shorten(text)}”的有效数字超过{MAX_SIGNIFICANT_DIGITS}位",
            "请保留不超过15位有效数字（考核数据通常保留1至4位小数即可）",
            code="too-many-digits",
        )
    return CellValue("number", number, percent=bool(percent))


def _duration_text(span: dt.timedelta) -> str:
    """A duration as Excel's [h]:mm:ss shows it (24:00:00), never Python's "1 day, 0:00:00"."""
    seconds = int(span.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"


def _parse_non_text(raw: object) -> Decimal:
    if isinstance(raw, bool):
        shown = "TRUE" if raw else "FALSE"
        raise ValueProblem(f"“{shown}”是逻辑值，不是数字", _NUMBER_HINT, code="not-a-number")
    if isinstance(raw, dt.datetime):
        shown = raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
        raise ValueProblem(f"“{shown}”是日期，不是数字", _DATE_HINT, code="date-not-number")
    if isinstance(raw, dt.date):
        raise ValueProblem(
            f"“{raw.isoformat()}”是日期，不是数字", _DATE_HINT, code="date-not-number"
        )
    if isinstance(raw, (dt.time, dt.timedelta)):
        shown = _duration_text(raw) if isinstance(raw, dt.timedelta) else raw.isoformat()
        raise ValueProblem(
            f"“{shorten(shown)}”是时间，不是数字", _DATE_HINT, code="date-not-number"
        )
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueProblem(f"“{raw}”不是有效数字", _NUMBER_HINT, code="not-a-number")
        return raw
    # numbers.Integral also covers numpy integers, which are not int subclasses.
    if isinstance(raw, numbers.Integral):
        return Decimal(int(raw))
    if isinstance(raw, float):
        # float(raw) first: repr of a numpy float64 is "np.float64(98.5)" under numpy 2.
        value = float(raw)
        if not math.isfinite(value):
            raise ValueProblem(f"“{value}”不是有效数字", _NUMBER_HINT, code="not-a-number")
        # Excel keeps and shows 15 significant digits: =0.4+1.295+2.3 is stored as
        # 3.9949999999999997 but is 3.995 to everyone who looks at it.
        return _shift(Decimal(f"{value:.{MAX_SIGNIFICANT_DIGITS}g}"), 0)
    raise ValueProblem(f"“{shorten(str(raw))}”无法识别为数字", _NUMBER_HINT, code="not-a-number")


def _text_problem(text: str, folded: str) -> ValueProblem:
    message = f"“{shorten(text)}”不是数字"
    lowered = folded.lower()
    squeezed = "".join(folded.split())
    if "适用" in squeezed or "涉及" in squeezed:
        return ValueProblem(f"{message}，也不是“不适用”", _NA_ONLY_HINT, code="not-a-number")
    if lowered in _PLACEHOLDERS or not any(ch.isalnum() for ch in folded):
        return ValueProblem(f"{message}，也不是“不适用”", _NA_HINT, code="not-a-number")
    if _NUMBER.fullmatch(squeezed):
        return ValueProblem(message, "数字中间不能有空格，请核对后重新填写", code="not-a-number")
    if "," in folded and _NUMBER.fullmatch(folded.replace(",", "")):
        return ValueProblem(
            message, "千位分隔符“,”须每三位一组（如 1,234）；小数点请用“.”", code="not-a-number"
        )
    leading = _LEADING_NUMBER.match(folded)
    if leading:
        rest = folded[leading.end() :]
        if not any(ch.isdigit() for ch in rest) and any(ch.isalpha() for ch in rest):
            return ValueProblem(
                message, "请只填写数字，不要带单位或文字，如 98.5", code="not-a-number"
            )
    return ValueProblem(message, _NUMBER_HINT, code="not-a-number")


def _drop_format_chars(text: str) -> str:
    # Zero-width spaces, joiners and BOMs (category Cf) are invisible, so the person typing
    # cannot see or remove them; dropping them is not a guess.
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _fold_width(text: str) -> str:
    # Only full-/half-width forms and no-break spaces are folded: full NFKC would also turn
    # "10²" into "102" and "①" into "1", which would be a guess.
    out = []
    for ch in text:
        decomposition = unicodedata.decomposition(ch)
        if decomposition.startswith(("<wide>", "<narrow>", "<noBreak>")):
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out)


def _shift(number: Decimal, places: int) -> Decimal:
    """number × 10^places without an exponent in its text (1E+16 → 10000000000000000)."""
    # Shift the exponent instead of multiplying, which would round to the context precision.
    sign, digits, exponent = number.as_tuple()
    exponent = int(exponent) + places
    if exponent > 0:
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((sign, digits, exponent))
