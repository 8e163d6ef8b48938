"""Cells as people type them: what is accepted, what is refused, and how it is explained."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalgen.inputs.values import (
    NOT_APPLICABLE,
    CellValue,
    ErrorValue,
    FormulaWithoutResult,
    ValueProblem,
    cell_text,
    normalize_text,
    parse_cell,
)
from evalgen.problems import CODES

NUMBER_HINT = "请填写数字，如 98.5 或 98.5%"


def test_not_applicable_marker() -> None:
    assert NOT_APPLICABLE == "不适用"


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        " ",
        "\t\n",
        "\u3000",  # ideographic (full-width) space
        "\xa0",  # no-break space
        "\u200b",  # zero-width space
        "\u200c\u200d",  # zero-width non-joiner and joiner
        "\ufeff",  # BOM, left by some CSV exports
        " \u3000\xa0\u200b ",
    ],
)
def test_blank(raw: object) -> None:
    assert parse_cell(raw) == CellValue("blank", None)


@pytest.mark.parametrize(
    "raw",
    [
        "不适用",
        "  不适用 ",
        "\u3000不适用\u3000",
        "\ufeff不适用\u200b",
        "\uf967适用",  # CJK compatibility ideograph 不 (U+F967), NFKC gives 不 (U+4E0D)
    ],
)
def test_not_applicable(raw: str) -> None:
    assert parse_cell(raw) == CellValue("na", None)


# Expected values are the typed text read by eye: sign, digits without separators, decimals.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("98.5", "98.5"),
        ("0", "0"),
        ("100", "100"),
        ("0.5", "0.5"),
        ("007", "7"),
        ("-3.2", "-3.2"),
        ("+5", "5"),
        ("+98.5%", "98.5"),
        ("98.5%", "98.5"),  # a typed percent is already in percent
        ("100%", "100"),
        ("-0.5%", "-0.5"),
        ("1,234", "1234"),
        ("12,345.6", "12345.6"),
        ("1,234,567", "1234567"),
        ("-1,234.5", "-1234.5"),
        ("1,234%", "1234"),
        ("９８．５", "98.5"),  # full-width digits and point
        ("９８．５％", "98.5"),
        ("１，２３４", "1234"),  # full-width comma
        ("－２", "-2"),  # full-width minus
        ("＋３", "3"),
        ("  98.5  ", "98.5"),
        ("\u300098.5\u3000", "98.5"),
        ("\xa098.5\xa0", "98.5"),
        ("\t98.5\n", "98.5"),
        ("\ufeff98.5", "98.5"),
        ("98\u200b.5", "98.5"),  # an invisible zero-width space inside the number
    ],
)
def test_number_text(raw: str, expected: str) -> None:
    assert parse_cell(raw) == CellValue("number", Decimal(expected))


def test_number_text_keeps_the_digits_as_written() -> None:
    result = parse_cell("98.50")
    assert result.number is not None
    assert str(result.number) == "98.50"


def test_percent_format_does_not_scale_text() -> None:
    # A text cell shows its text as typed, whatever its number format says.
    assert parse_cell("98.5", percent_format=True).number == Decimal("98.5")
    assert parse_cell("98.5%", percent_format=True).number == Decimal("98.5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, "0"),
        (98, "98"),
        (-5, "-5"),
        (10**30, "1000000000000000000000000000000"),  # beyond float precision, kept exact
        (Decimal("98.5"), "98.5"),
        (Decimal("-0.25"), "-0.25"),
        (98.5, "98.5"),
        (0.1, "0.1"),  # not 0.1000000000000000055511151231257827...
        (0.1 + 0.2, "0.3"),  # 0.30000000000000004 at the 15 significant digits Excel shows
        (1e16, "10000000000000000"),
        (-2.75, "-2.75"),
    ],
)
def test_number_value(raw: object, expected: str) -> None:
    assert parse_cell(raw) == CellValue("number", Decimal(expected))


def test_numpy_scalars_from_pandas_are_numbers() -> None:
    np = pytest.importorskip("numpy")
    assert parse_cell(np.int64(98)) == CellValue("number", Decimal("98"))
    assert parse_cell(np.float64(98.5)) == CellValue("number", Decimal("98.5"))
    assert parse_cell(np.float64(0.985), percent_format=True).number == Decimal("98.5")
    with pytest.raises(ValueProblem) as caught:
        parse_cell(np.float64("nan"))
    assert caught.value.code == "not-a-number"


def test_float_is_read_through_its_shortest_repr() -> None:
    result = parse_cell(98.5)
    assert result.number is not None
    assert str(result.number) == "98.5"


# openpyxl gives 0.985 for a cell displayed as 98.5%; scaling is exact in Decimal.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.985, "98.5"),
        (0.07, "7"),  # 0.07 * 100 in float is 7.000000000000001
        (1, "100"),
        (0, "0"),
        (0.5, "50"),
        (-0.0125, "-1.25"),
        (0.1 + 0.2, "30"),  # 0.3 as Excel shows it, × 100
        (Decimal("0.98450"), "98.450"),
        (Decimal("1E+2"), "10000"),
        (10**30, "1" + "0" * 32),  # Decimal multiplication would round at 28 digits
    ],
)
def test_percent_format_scales_numbers(raw: object, expected: str) -> None:
    assert parse_cell(raw, percent_format=True) == CellValue("number", Decimal(expected))


def test_percent_format_result_has_no_exponent() -> None:
    result = parse_cell(1, percent_format=True)
    assert result.number is not None
    assert str(result.number) == "100"
    result = parse_cell(0.985, percent_format=True)
    assert result.number is not None
    assert str(result.number) == "98.5"


# Issue 10: a number is read as the person saw it, not as the binary float it is stored as.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3.9949999999999997, "3.995"),  # =0.4+1.295+2.3, shown by Excel as 3.995
        (14.995000000000001, "14.995"),  # =0.4+1.295+13.3
        (89.99499999999999, "89.995"),
        (0.30000000000000004, "0.3"),
        (1 / 3, "0.333333333333333"),  # 15 significant digits, as Excel keeps them
        (123456789.12345679, "123456789.123457"),
        (-2.6749999999999998, "-2.675"),
        (1e16, "10000000000000000"),
    ],
)
def test_float_is_read_at_fifteen_significant_digits(raw: float, expected: str) -> None:
    result = parse_cell(raw)
    assert result.number is not None
    assert str(result.number) == expected  # the digits, and no exponent


# 按显示值读取: a number format that fixes decimals is what the person saw and signed.
@pytest.mark.parametrize(
    ("raw", "percent_format", "decimals", "expected"),
    [
        (0.98249, True, 2, "98.25"),  # 0.00%: shows 98.25%, not 98.249%
        (0.2395, True, 1, "24.0"),  # 0.0%: shows 24.0%
        (0.985, True, 0, "99"),  # 0%: 98.5 half up
        (0.98245, True, 2, "98.25"),  # half up on the decimal value (the float is below)
        (0.9878, True, 2, "98.78"),  # the sample's percent cell: unchanged
        (0.985, True, 2, "98.50"),  # the digits shown
        (3.9949999999999997, False, 2, "4.00"),  # 0.00 shows 4.00
        (3.9949999999999997, False, 3, "3.995"),
        (2.675, False, 2, "2.68"),  # round(2.675, 2) in float gives 2.67
        (-0.125, False, 2, "-0.13"),  # half away from zero, as Excel shows it
        (1234.56, False, 1, "1234.6"),  # #,##0.0
        (95, False, 1, "95.0"),
        (10**30, False, 2, "1" + "0" * 30 + ".00"),  # exact beyond Decimal's 28 digits
    ],
)
def test_number_format_decimals_are_read_as_shown(
    raw: object, percent_format: bool, decimals: int, expected: str
) -> None:
    result = parse_cell(raw, percent_format=percent_format, decimals=decimals)
    assert result.number is not None
    assert str(result.number) == expected


def test_number_format_decimals_do_not_round_text() -> None:
    # Text is shown as typed whatever the cell's number format says.
    assert str(parse_cell("98.249", decimals=2).number) == "98.249"
    assert str(parse_cell("98.249%", percent_format=True, decimals=0).number) == "98.249"


NA_LOOKALIKES = ["N/A", "n/a", "NA", "—", "——", "-", "--", "/", "无", "空", "null", "×"]


@pytest.mark.parametrize("raw", NA_LOOKALIKES)
def test_na_lookalikes_are_refused(raw: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell(raw)
    assert caught.value.message == f"“{raw}”不是数字，也不是“不适用”"
    assert "不适用" in caught.value.hint
    assert "0" in caught.value.hint
    assert caught.value.code == "not-a-number"


@pytest.mark.parametrize("raw", ["不适用。", "不 适 用", "（不适用）", "不涉及"])
def test_near_misses_of_not_applicable_are_refused(raw: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell(raw)
    assert caught.value.message.startswith(f"“{raw}”不是数字")
    assert "“不适用”" in caught.value.hint
    assert caught.value.code == "not-a-number"


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "98.5%%",
        "%98.5",
        "98%5",
        "1e3",
        "1E3",
        "nan",
        "NaN",
        "inf",
        "Infinity",
        "98.5.1",
        ".5",
        "5.",
        "++5",
        "+-5",
        "0x1F",
        "1_000",
        "10²",  # NFKC would make this 102
        "①",  # NFKC would make this 1
        "Ⅻ",
        "٣",  # an Arabic-Indic digit, which Decimal() would accept
        "98。5",  # ideographic full stop is not a decimal point
    ],
)
def test_other_text_is_refused(raw: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell(raw)
    assert caught.value.message == f"“{raw}”不是数字"
    assert caught.value.hint == NUMBER_HINT
    assert caught.value.code == "not-a-number"


@pytest.mark.parametrize(
    ("raw", "hint_says"),
    [
        ("9 8", "空格"),
        ("98.5 %", "空格"),
        ("- 5", "空格"),
        ("1,23", "千位分隔符"),
        ("1,234,56", "千位分隔符"),
        ("1234,567", "千位分隔符"),
        (",123", "千位分隔符"),
        ("98,5", "千位分隔符"),  # a decimal comma is never taken for a separator
        ("0,123", "千位分隔符"),
        ("98.5分", "单位"),
        ("12件", "单位"),
        ("3 项", "单位"),
        ("100km", "单位"),
    ],
)
def test_refusals_with_a_specific_hint(raw: str, hint_says: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell(raw)
    assert caught.value.message == f"“{raw}”不是数字"
    assert hint_says in caught.value.hint
    assert caught.value.code == "not-a-number"


def test_message_quotes_the_text_as_typed_without_surrounding_space() -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell("\u3000 ９８．５分 ")
    assert caught.value.message == "“９８．５分”不是数字"


def test_message_shortens_long_text() -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell("啊" * 100)
    assert caught.value.message == "“" + "啊" * 39 + "…”不是数字"


def test_problem_is_an_exception_with_its_message() -> None:
    problem = ValueProblem("“x”不是数字", NUMBER_HINT, code="not-a-number")
    assert isinstance(problem, Exception)
    assert str(problem) == "“x”不是数字"
    assert problem.hint == NUMBER_HINT
    assert problem.code == "not-a-number"


@pytest.mark.parametrize(("raw", "shown"), [(True, "TRUE"), (False, "FALSE")])
def test_bool_is_refused(raw: bool, shown: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell(raw)
    assert caught.value.message == f"“{shown}”是逻辑值，不是数字"
    assert caught.value.hint == NUMBER_HINT
    assert caught.value.code == "not-a-number"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (Decimal("NaN"), "NaN"),
        (Decimal("-Infinity"), "-Infinity"),
        (Decimal("sNaN"), "sNaN"),
    ],
)
@pytest.mark.parametrize("percent_format", [False, True])
def test_non_finite_numbers_are_refused(raw: object, shown: str, percent_format: bool) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell(raw, percent_format=percent_format)
    assert caught.value.message == f"“{shown}”不是有效数字"
    assert caught.value.code == "not-a-number"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (dt.datetime(2024, 3, 5), "“2024-03-05”是日期，不是数字"),
        (dt.datetime(2024, 3, 5, 8, 30), "“2024-03-05 08:30:00”是日期，不是数字"),
        (dt.date(2024, 3, 5), "“2024-03-05”是日期，不是数字"),
        (dt.time(8, 30), "“08:30:00”是时间，不是数字"),
        (dt.timedelta(days=1), "“24:00:00”是时间，不是数字"),  # as Excel's [h]:mm:ss shows it
        (dt.timedelta(days=98, hours=12), "“2364:00:00”是时间，不是数字"),
    ],
)
def test_dates_are_refused(raw: object, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell(raw)
    assert caught.value.message == message
    assert "常规" in caught.value.hint
    assert "数值" in caught.value.hint
    assert caught.value.code == "date-not-number"


@pytest.mark.parametrize("raw", [[98.5], {"a": 1}, object(), b"98.5"])
def test_other_types_are_refused(raw: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_cell(raw)
    assert caught.value.hint == NUMBER_HINT
    assert caught.value.code == "not-a-number"


@pytest.mark.parametrize(
    ("raw", "code", "says"),
    [
        (FormulaWithoutResult("=A1+B1"), "formula-without-result", "公式没有计算结果"),
        (ErrorValue("#DIV/0!"), "formula-error", "“#DIV/0!”"),
    ],
)
@pytest.mark.parametrize("read", [parse_cell, cell_text])
def test_unreadable_formulas_have_their_own_codes(raw, code, says, read) -> None:
    with pytest.raises(ValueProblem) as caught:
        read(raw)
    assert caught.value.code == code
    assert says in caught.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 市市场监管局 ", "市市场监管局"),
        ("\u3000襄都区\u200b", "襄都区"),
        ("\ufeff单位", "单位"),
        ("食品安全评价性抽检合格率（％）", "食品安全评价性抽检合格率(%)"),
        ("制造业产品\n质量合格率", "制造业产品 质量合格率"),
        ("a \t\u3000\xa0 b", "a b"),
        ("a\u2028b", "a b"),  # line separator is whitespace
        ("Ａｂｃ１２３", "Abc123"),
        ("\x00x\x07", "x"),
        ("a\u00adb", "ab"),  # soft hyphen is a format character
        ("邢台\u200d经济开发区", "邢台经济开发区"),
        ("", ""),
        (" \u200b ", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def _assert_well_formed(result: CellValue) -> None:
    assert result.kind in ("number", "na", "blank")
    assert (result.number is not None) == (result.kind == "number")
    if result.number is not None:
        assert result.number.is_finite()


ANY_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(),
    # Characters the parser treats specially, so the search reaches its corners.
    st.text(alphabet="0123456789,.%+- ９．％，－＋\u3000\xa0\u200b不适用/—eE"),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@given(
    raw=ANY_CELL,
    percent_format=st.booleans(),
    decimals=st.none() | st.integers(min_value=0, max_value=30),
)
def test_any_cell_gives_a_value_or_a_value_problem(
    raw: object, percent_format: bool, decimals: int | None
) -> None:
    try:
        result = parse_cell(raw, percent_format=percent_format, decimals=decimals)
    except ValueProblem as problem:
        assert problem.message
        assert problem.hint
        assert problem.code in CODES
    else:
        _assert_well_formed(result)


@given(st.decimals(min_value=-(10**10), max_value=10**10, allow_nan=False, places=4))  # ≤ 15 digits
def test_a_number_written_out_reads_back_equal(number: Decimal) -> None:
    assert parse_cell(f"{number:f}").number == number
    assert parse_cell(f"{number:f}%").number == number


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators_read_back_equal(number: int) -> None:
    assert parse_cell(f"{number:,}").number == Decimal(number)


@given(st.text())
def test_normalize_text_is_idempotent_and_trimmed(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert once == once.strip()
    assert "  " not in once


def test_more_than_fifteen_significant_digits_is_refused():
    # float64 keeps 15 significant digits exact; ranking relies on it
    assert parse_cell("98.1234567890123").number == Decimal("98.1234567890123")
    with pytest.raises(ValueProblem) as err:
        parse_cell("98.12345678901234")
    assert "有效数字超过15位" in err.value.message
    assert err.value.code == "too-many-digits"
