"""Shared fixtures: the tiny model's input workbooks, written fresh for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
MINI_MODEL = FIXTURES / "mini_model.yaml"
SAMPLE_INPUTS = ROOT / "sample_inputs"

COUNTY_HEADER = [
    "序号",
    "单位",
    "抽检合格率（%）",
    "投入增长（%）",
    "组织领导（分）",
    "宣传培训（分）",
]
COUNTY_ROWS = [
    [1, "甲县", 95, 10, 15, 15],
    [2, "乙县", 95, "不适用", 10, 10],
    [3, "丙县", 90, 5, 20, 20],
    [4, "丁县", 95, 8, 13, 13],
    [5, "戊县", 95, 20, 20, 20],
]


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write a workbook: sheet name → rows (first rows may be titles)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def add_column_loop(doc, text: str) -> None:
    """A 2×3 table whose columns a `{%tc for c in cols %}` loop repeats: the first row shows
    each `c`, the second `text` (docxtpl's fix_tables then widens or narrows its grid)."""
    table = doc.add_table(rows=2, cols=3)
    for row, shown in zip(table.rows, ["{{ c }}", text], strict=True):
        for cell, tag in zip(
            row.cells, ["{%tc for c in cols %}", shown, "{%tc endfor %}"], strict=True
        ):
            cell.text = tag


def mini_year(folder: Path, year: int = 2024, county_rows=None, county_header=None, events=None):
    """A complete, valid year folder for the tiny model; pieces can be replaced."""
    title = [[f"{year}年度测试数据（示例）"], ["填报单位：测试"]]
    write_xlsx(
        folder / str(year) / f"县区数据_{year}.xlsx",
        {"测试指标": title + [county_header or COUNTY_HEADER] + (county_rows or COUNTY_ROWS)},
    )
    write_xlsx(
        folder / str(year) / f"部门数据_{year}.xlsx",
        {
            "部门指标": [["单位", "牵头指标值（%）"], ["甲局", 60], ["乙局", None]],
            "重点任务": [
                ["单位", "任务序号", "任务名称", "完成得分"],
                ["甲局", 1, "任务一", 90],
                ["乙局", 1, "任务一", 80],
                ["乙局", 2, "任务二", 50],
            ],
        },
    )
    write_xlsx(
        folder / str(year) / f"加减分_{year}.xlsx",
        {
            "加减分事项": [["单位", "事项编号", "次数", "依据"]]
            + (events or [["戊县", "B1", 2, "测试文件"]])
        },
    )
    return folder


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the embedded sample inputs."""
    target = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, target)
    return target
