"""Whole workbooks, randomly damaged: a result or located problems, never a crash or a hang.

Each case copies the 2024 sample inputs and damages one or two of its workbooks as real ones
get damaged: cells of another type (text in numbers, numbers as text, dates, logical values,
error values), number formats, formulas with and without a saved result, merged cells, hidden
rows, columns and sheets, deleted and inserted rows and columns, renamed, extra and missing
sheets, a sheet saved as CSV. Then `pipeline.validate` runs (and for some cases
`pipeline.score(..., documents=False)`), bounded in time. The outcome must be a result or an
`EvalgenError` whose problems each carry a code from `CODES` and a file; nothing may be
written outside the case's folder. Cases are seeded: a failure names its seed and damage, and
`_run_case(seed, tmp)` replays it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import signal
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest
from badfiles import put_formula, rewrite_member, sheet_member, sheet_to_csv
from conftest import SAMPLE_INPUTS
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from evalgen import pipeline
from evalgen.inputs.year import YearInputs
from evalgen.problems import CODES, EvalgenError, Problem

YEAR = 2024
CASE_SECONDS = 20  # a case takes well under a second; this bounds a hang
FAST_SEEDS = range(8)
SLOW_SEEDS = range(8, 72)
SCORE_EVERY = 4  # every fourth case also writes a run folder (documents=False)

VALUES: list[object] = [
    "abc",
    "98.5",
    "98.5%",
    "９８．５",
    "1,234",
    " 12 ",
    "不适用",
    "—",
    "/",
    "",
    " ",
    None,
    "#N/A",
    "#DIV/0!",
    "#REF!",
    "=1+1",
    "=A1*2",
    "=1/0",
    "2023年度",
    "考核年度：2023年",
    "单位",
    "宁晋县",
    "宁晋县 ",
    "x" * 5000,
    dt.datetime(2024, 5, 1),
    dt.date(2024, 5, 1),
    dt.time(9, 30),
    dt.timedelta(days=1, hours=2),
    True,
    False,
    0,
    -5,
    0.1 + 0.2,
    1e-20,
    1e15,
    123456789.12345679,
    2**53 + 1,
    1e308,
    -0.0,
    "1e400",
    "NaN",
    "inf",
    "98.5 %",
    "（98.5）",
    "'98.5",
    "99.99999999999999999",
    "１２３４５６７８９０１２３４５６７",
]
FORMATS = ["0.00%", "0.0%", '0.0"%"', "0.0\\%", "@", "yyyy-mm-dd", "0.00E+00", "#,##0", "[h]:mm"]
SHEET_NAMES = [
    "县区指标",
    "部门指标",
    "重点任务",
    "加减分事项",
    "说明",
    "封面",
    "Sheet1",
    "县区指标 ",
]


class _Hang(BaseException):
    """Raised by the alarm; a BaseException, so no `except Exception` can swallow it."""


def _cell(ws, rng: random.Random):
    """A cell mostly inside the used range (which holds the header and the data), or None.

    A cell inside a merged range stands for its range's top-left cell (the one Excel edits);
    a covered cell left behind by deleted rows (openpyxl does not move merged ranges) is None.
    """
    r, c = rng.randint(1, ws.max_row + 2), rng.randint(1, ws.max_column + 1)
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= r <= merged.max_row and merged.min_col <= c <= merged.max_col:
            r, c = merged.min_row, merged.min_col
    cell = ws.cell(r, c)
    return None if isinstance(cell, MergedCell) else cell


def _set_value(wb, rng):
    ws = rng.choice(wb.worksheets)
    if (cell := _cell(ws, rng)) is None:
        return "set nothing (a covered cell)"
    cell.value = value = rng.choice(VALUES)
    return f"{ws.title}!{cell.coordinate}={value!r:.30}"


def _set_format(wb, rng):
    ws = rng.choice(wb.worksheets)
    if (cell := _cell(ws, rng)) is None:
        return "format nothing (a covered cell)"
    cell.number_format = fmt = rng.choice(FORMATS)
    if rng.random() < 0.5:
        cell.value = rng.choice([0.98249, 0.2395, 98.5, 45000, "98.5", 1e10, -1, 2958466])
    return f"format {ws.title}!{cell.coordinate} {fmt}"


def _merge(wb, rng):
    ws = rng.choice(wb.worksheets)
    r, c = rng.randint(1, ws.max_row + 1), rng.randint(1, ws.max_column)
    r2 = r + rng.choice([0, 0, 1, 2, 5])
    c2 = c + rng.choice([0, 1, 1, 3]) if r2 == r else c + rng.choice([0, 1])
    ws.merge_cells(start_row=r, start_column=c, end_row=r2, end_column=c2)
    return f"merge {ws.title}!{get_column_letter(c)}{r}:{get_column_letter(c2)}{r2}"


def _hide(wb, rng):
    ws = rng.choice(wb.worksheets)
    kind = rng.choice(["row", "column", "sheet"])
    if kind == "row":
        r = rng.randint(1, ws.max_row)
        ws.row_dimensions[r].hidden = True
        return f"hide {ws.title} row {r}"
    if kind == "column":
        letter = get_column_letter(rng.randint(1, ws.max_column))
        ws.column_dimensions[letter].hidden = True
        return f"hide {ws.title} column {letter}"
    if sum(s.sheet_state == "visible" for s in wb.worksheets) < 2:
        return "hide nothing (one visible sheet)"
    ws.sheet_state = rng.choice(["hidden", "veryHidden"])
    if wb.active == ws:
        wb.active = next(s for s in wb.worksheets if s.sheet_state == "visible")
    return f"hide sheet {ws.title}"


def _rows_and_columns(wb, rng):
    ws = rng.choice(wb.worksheets)
    where, count = rng.randint(1, ws.max_row + 1), rng.choice([1, 1, 2, 3])
    action = rng.choice(["delete_rows", "insert_rows", "delete_cols", "insert_cols"])
    getattr(ws, action)(where if "rows" in action else min(where, ws.max_column + 1), count)
    return f"{action} {ws.title} {where}×{count}"


def _sheets(wb, rng):
    ws = rng.choice(wb.worksheets)
    action = rng.choice(["rename", "copy", "extra", "remove"])
    if action == "rename":
        ws.title = name = rng.choice(SHEET_NAMES)  # openpyxl makes a taken name unique
        return f"rename sheet to {name}"
    if action == "copy":
        copy = wb.copy_worksheet(ws)
        copy.title = rng.choice(SHEET_NAMES)
        return f"copy sheet {ws.title} as {copy.title}"
    if action == "extra":
        extra = wb.create_sheet(rng.choice(SHEET_NAMES))
        for _ in range(rng.randint(0, 4)):
            extra.append([rng.choice(VALUES) for _ in range(rng.randint(1, 5))])
        return f"extra sheet {extra.title}"
    if len(wb.worksheets) < 2:
        return "remove nothing (one sheet)"
    wb.remove(ws)
    wb.active = 0
    for sheet in wb.worksheets[:1]:
        sheet.sheet_state = "visible"
    return f"remove sheet {ws.title}"


BOOK_DAMAGE: list[Callable] = [
    _set_value,
    _set_value,
    _set_value,
    _set_format,
    _merge,
    _hide,
    _rows_and_columns,
    _sheets,
]


def _cached_formula(path: Path, rng: random.Random) -> str:
    """A formula saved with its result (as Excel saves it), put into the XML."""
    ws = rng.choice(load_workbook(path).worksheets)
    if (cell := _cell(ws, rng)) is None:
        return "formula nowhere (a covered cell)"
    title, address = ws.title, cell.coordinate
    cached, error = rng.choice(
        [(2, False), (98.5, False), ("abc", False), ("#DIV/0!", True), (0.98249, False)]
    )
    put_formula(path, title, address, "=1+1", cached=cached, error=error)
    return f"formula {title}!{address} cached {cached!r}"


RAW_CELLS = [
    b't="s"><v>99999</v>',  # a shared string that is not there
    b"><v>abc</v>",  # a number that is not one
    b't="b"><v>2</v>',
    b't="d"><v>2024-05-01T00:00:00</v>',
    b't="d"><v>notadate</v>',
    b't="e"><v>#WHAT</v>',
    b't="inlineStr"><is><t>98.5</t></is>',
    b't="str"><v>98.5</v>',
    b"><v></v>",
    b's="9999"><v>1</v>',  # a style that is not there
]
_RAW_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)')


def _raw_cell(path: Path, rng: random.Random) -> str:
    """A cell's XML rewritten as no spreadsheet program writes it (kinds openpyxl may refuse)."""
    sheet = rng.choice(load_workbook(path, read_only=True).sheetnames)
    raw = rng.choice(RAW_CELLS)
    done = []

    def change(xml: bytes) -> bytes:
        cells = list(_RAW_CELL.finditer(xml))
        if not cells:
            return xml
        m = rng.choice(cells)
        done.append(m.group(1).decode())
        space = b"" if raw.startswith(b">") else b" "
        return (
            xml[: m.start()]
            + b'<c r="'
            + m.group(1)
            + b'"'
            + space
            + raw
            + b"</c>"
            + xml[m.end() :]
        )

    rewrite_member(path, sheet_member(path, sheet), change)
    return f"raw {sheet}!{done[0] if done else '-'} {raw.decode()}"


def _to_csv(path: Path, rng: random.Random) -> str:
    wb = load_workbook(path, read_only=True)
    sheet = rng.choice([s for s in wb.sheetnames if s != "说明"] or wb.sheetnames)
    wb.close()
    encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030", "utf-16"])
    sheet_to_csv(path, sheet, path.with_name(f"{sheet}_{YEAR}.csv"), encoding)
    return f"{path.name} → {sheet}.csv ({encoding})"


def _damage(folder: Path, rng: random.Random) -> list[str]:
    """Damage one or two workbooks of a year folder; what was done."""
    done = []
    books = sorted(folder.glob("*.xlsx"))
    for path in rng.sample(books, rng.choice([1, 1, 2])):
        wb = load_workbook(path)
        done += [path.name] + [rng.choice(BOOK_DAMAGE)(wb, rng) for _ in range(rng.randint(1, 4))]
        wb.save(path)
        if rng.random() < 0.2:
            done.append(_cached_formula(path, rng))
        if rng.random() < 0.1:
            done.append(_to_csv(path, rng))
        elif rng.random() < 0.1:
            done.append(_raw_cell(path, rng))
    return done


# -- the checks ----------------------------------------------------------------------------


def _located(problems: list[Problem]) -> list[str]:
    """What is wrong with a list of problems: an unknown code or no file."""
    return [f"{p.code or '(no code)'}: {p.message}" for p in problems if p.code not in CODES] + [
        f"{p.code}: no file: {p.message}" for p in problems if not p.file
    ]


def _outcome(case: Path, score: bool) -> list[str]:
    """Validate (and maybe score) a case; what is wrong with the outcome."""
    try:
        inputs = pipeline.validate(YEAR, case / "inputs")
        assert isinstance(inputs, YearInputs)
        if score:
            run = pipeline.score(YEAR, case / "inputs", out_dir=case / "out", documents=False)
            assert run.folder == case / "out" and (run.folder / "results.json").is_file()
    except EvalgenError as exc:
        if not exc.problems:
            return [] if exc.code in CODES else [f"error without a known code: {exc.message}"]
        return _located(exc.problems + exc.notices)
    return _located(inputs.warnings)


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def _on_alarm(signum, frame):
    raise _Hang


def _run_case(seed: int, tmp: Path) -> list[str]:
    """One damaged case; the failures found (empty when all holds)."""
    rng = random.Random(seed)
    case = tmp / f"case{seed}"
    shutil.copytree(SAMPLE_INPUTS / str(YEAR), case / "inputs" / str(YEAR))
    damage = _damage(case / "inputs" / str(YEAR), rng)
    before = _listing(case)
    score = seed % SCORE_EVERY == 0
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(CASE_SECONDS)
    try:
        wrong = _outcome(case, score)
    except _Hang:
        wrong = [f"no answer within {CASE_SECONDS} s"]
    except Exception:  # noqa: BLE001 - any other exception is what the fuzzer looks for
        wrong = [traceback.format_exc(limit=-6)]
    finally:
        signal.alarm(0)
    written = _listing(case) - before
    if not score and written:
        wrong.append(f"validate wrote {sorted(written)}")
    if score and {w.split(os.sep)[0] for w in written} - {"out"}:
        wrong.append(f"score wrote outside its run folder: {sorted(written)}")
    shutil.rmtree(case)
    return [f"seed {seed} ({'; '.join(damage)}): {w}" for w in wrong]


def _fuzz(seeds: range, tmp_path: Path) -> None:
    outside = (sorted(os.listdir(Path.cwd())), sorted(os.listdir(tmp_path.parent)))
    failures = [f for seed in seeds for f in _run_case(seed, tmp_path)]
    assert failures == [], "\n\n".join(failures)
    assert (sorted(os.listdir(Path.cwd())), sorted(os.listdir(tmp_path.parent))) == outside
    assert os.listdir(tmp_path) == []


def test_damaged_workbooks_give_a_result_or_located_problems(tmp_path):
    _fuzz(FAST_SEEDS, tmp_path)


@pytest.mark.slow
def test_many_damaged_workbooks_give_a_result_or_located_problems(tmp_path):
    _fuzz(SLOW_SEEDS, tmp_path)
