"""Property-based fuzzing: any cell content gives a number or a located problem, never a crash.

`tests/test_values.py` already fuzzes `parse_cell` with plain Python values; here it also gets
what the reader makes of formulas and error values, hostile text, and whole workbooks and CSV
files whose figure cells hold anything, read through `read_year` with the tiny model.
"""

import datetime as dt
import math
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from badfiles import csv_bytes
from conftest import COUNTY_HEADER, COUNTY_ROWS, MINI_MODEL, mini_year, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from evalgen.inputs.values import (
    CellValue,
    ErrorValue,
    FormulaWithoutResult,
    ValueProblem,
    cell_text,
    parse_cell,
)
from evalgen.inputs.year import read_year
from evalgen.model.loader import load_model
from evalgen.problems import CODES, InputError

MODEL = load_model(MINI_MODEL).model
_BASE = tempfile.TemporaryDirectory()  # one valid year, copied for each example
mini_year(Path(_BASE.name))
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text as it arrives in cells: controls, zero-width and bidi characters, full-width forms,
# number-like fragments, formulas and Excel error codes.
HOSTILE_TEXT = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.,%+-Ee ９．％，－\u3000\xa0\u200b\u202e\x07\x1b\t\n不适用无—/"),
    st.sampled_from(["NaN", "inf", "-Infinity", "1e999", "#DIV/0!", "#N/A", "TRUE", "98.5 %"]),
    st.builds(lambda s: "=" + s, st.text(max_size=20)),
    st.text(min_size=3000, max_size=6000, alphabet="依据0123456789"),
)
CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    HOSTILE_TEXT,
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.builds(FormulaWithoutResult, st.text(max_size=30)),
    st.builds(ErrorValue, st.sampled_from(["#DIV/0!", "#N/A", "#VALUE!", "#REF!"])),
)


@pytest.mark.slow
@FUZZ
@given(raw=CELL, percent_format=st.booleans())
def test_parse_cell_gives_a_value_or_a_value_problem(raw, percent_format):
    try:
        result = parse_cell(raw, percent_format=percent_format)
    except ValueProblem as problem:
        assert problem.message and problem.hint
        assert "\x1b" not in problem.message + problem.hint
        assert problem.code in CODES
    else:
        assert isinstance(result, CellValue)
        assert (result.number is not None) == (result.kind == "number")
        if result.number is not None:
            assert isinstance(result.number, Decimal) and result.number.is_finite()


@FUZZ
@given(raw=CELL)
def test_cell_text_gives_text_or_a_value_problem(raw):
    try:
        text = cell_text(raw)
    except ValueProblem as problem:
        assert problem.message
        assert problem.code in CODES
    else:
        assert isinstance(text, str) and "\x1b" not in text and "\u202e" not in text


def _storable(value):
    """What an .xlsx can hold: openpyxl refuses control characters, NaN, huge numbers."""
    if isinstance(value, (FormulaWithoutResult, ErrorValue)):
        value = str(value)  # a formula string is saved as a formula without its result
    if isinstance(value, Decimal):
        value = float(value) if value.is_finite() else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32000]
    return value


GRID = st.lists(st.lists(CELL, min_size=4, max_size=4), min_size=5, max_size=5)


def _year(tmp: str) -> Path:
    shutil.copytree(Path(_BASE.name) / "2024", Path(tmp) / "2024")
    return Path(tmp)


def _check(folder: Path) -> None:
    try:
        read_year(MODEL, folder / "2024", 2024)
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file and problem.row is not None, problem
            assert problem.message
            assert problem.code in CODES, problem
        for notice in exc.notices:
            assert notice.severity == "warning" and notice.code in CODES, notice


def _rows(grid):
    return [[r[0], r[1], *cells] for r, cells in zip(COUNTY_ROWS, grid, strict=True)]


@pytest.mark.slow
@FUZZ
@given(grid=GRID)
def test_loader_reads_any_xlsx_cells_or_locates_every_problem(grid):
    rows = [[cell if i < 2 else _storable(cell) for i, cell in enumerate(r)] for r in _rows(grid)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = _year(tmp)
        write_xlsx(folder / "2024" / "县区数据_2024.xlsx", {"测试指标": [COUNTY_HEADER] + rows})
        _check(folder)


@pytest.mark.slow
@FUZZ
@given(grid=GRID)
def test_loader_reads_any_csv_cells_or_locates_every_problem(grid):
    rows = [["" if c is None else str(c).replace("\x00", "") for c in r] for r in _rows(grid)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = _year(tmp)
        (folder / "2024" / "县区数据_2024.xlsx").unlink()
        data = csv_bytes([COUNTY_HEADER] + rows, "utf-8-sig")
        (folder / "2024" / "测试指标_2024.csv").write_bytes(data)
        _check(folder)
