"""Chart specs (issue 12 item 5) hand-checked on small data: the 定期通报's two kinds, and
the native 定期通报 of `evalgen progress`."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from evalgen.charts.errors import ChartError
from evalgen.charts.native import native_chart
from evalgen.charts.spec import chart_spec
from evalgen.cli import main

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
STATUS_ROWS = [
    {"label": "合格率（县）", "正常": 18, "滞后": 1, "严重滞后": 0},
    {"label": "市直部门牵头指标（合计）", "正常": 2, "滞后": 0, "严重滞后": 3},
]
MILESTONES = [
    {"label": "标准", "percent": 76.5, "status": "存在风险", "text": "2024年65项，目标85项"},
    {"label": "专利", "percent": 131.0, "status": "有望按期实现", "text": "2024年13件，目标10件"},
    {"label": "品牌", "percent": 50, "status": "未评估", "text": "2024年1个，目标2个"},
]


def test_progress_status_spec_stacks_the_three_statuses_per_indicator():
    spec = chart_spec("progress_status", {"rows": STATUS_ROWS})
    assert (spec["type"], spec["stacked"]) == ("bar", True)
    assert spec["categories"] == ["合格率（县）", "市直部门牵头指标（合计）"]
    # One series per status, in the order 正常, 滞后, 严重滞后; a zero count is blank.
    assert [(s["name"], s["values"], s["color"]) for s in spec["series"]] == [
        ("正常", [18, 2], "#78B59A"),
        ("滞后", [1, None], "#EAC66E"),
        ("严重滞后", [None, 3], "#8A2B26"),
    ]
    assert all(s["show_values"] and s["format"] == "0" for s in spec["series"])
    assert spec["lines"] == []
    assert spec["axis"]["title"] == "单位数（个）" and spec["axis"]["min"] == 0
    # Two rows: 0.8 + 0.26 × 2 = 1.32 in, raised to the 2.4 in floor.
    assert spec["height_in"] == 2.4 and spec["width_in"] == 6.0


def test_milestones_spec_caps_colours_by_track_and_marks_the_target():
    spec = chart_spec("milestones", {"rows": MILESTONES})
    assert (spec["type"], spec["stacked"]) == ("bar", False)
    assert spec["categories"] == ["标准", "专利", "品牌"]
    on_track, bars, at_risk = spec["series"]
    assert bars["values"] == [76.5, 120.0, 50.0]  # 131 drawn at the 120 cap
    # 存在风险 red, 有望按期实现 green, an unknown status (未评估) grey
    assert bars["point_colors"] == ["#8A2B26", "#78B59A", "#A9A9A9"]
    assert (bars["show_values"], bars["format"]) == (True, '0"%"')
    # the legend: a legend-only companion per track (the bars' own series, coloured point by
    # point, has no entry)
    assert [(s["name"], s["color"], s["values"]) for s in (on_track, at_risk)] == [
        ("有望按期实现", "#78B59A", [None] * 3),
        ("存在风险", "#8A2B26", [None] * 3),
    ]
    assert [(line["value"], line["name"]) for line in spec["lines"]] == [(100.0, "节点目标 100%")]
    assert (spec["axis"]["min"], spec["axis"]["max"], spec["axis"]["major"]) == (0, 120, 20)
    # Three rows: 0.8 + 0.3 × 3 = 1.7 in → the 2.4 in floor.
    assert spec["height_in"] == 2.4


def test_progress_kinds_reject_empty_data():
    with pytest.raises(ChartError, match="没有年内跟踪的指标"):
        chart_spec("progress_status", {"rows": []})
    with pytest.raises(ChartError, match="没有节点目标"):
        chart_spec("milestones", {"rows": []})
    with pytest.raises(ChartError, match="完成比例"):
        chart_spec("milestones", {"rows": [{**MILESTONES[0], "percent": "很多"}]})


def test_native_milestones_chart_has_its_percentages_and_no_line_series():
    root = etree.fromstring(native_chart("milestones", {"rows": MILESTONES}).xml)
    assert root.find(f".//{C}barChart/{C}barDir").get("val") == "bar"
    assert root.find(f".//{C}lineChart") is None  # Word cannot put a line on horizontal bars
    cached = [v.text for v in root.findall(f".//{C}ser")[1].findall(f"{C}val//{C}v")]
    assert cached == ["76.5", "120", "50"]


@pytest.fixture(scope="module")
def progress_native(tmp_path_factory):
    out = tmp_path_factory.mktemp("progress_native") / "2025H1"
    result = CliRunner().invoke(main, ["progress", "2025H1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "定期通报_2025H1.docx"


@pytest.mark.slow
def test_the_progress_bulletin_has_native_charts_by_default(progress_native, tmp_path):
    with zipfile.ZipFile(progress_native) as zf:
        names = zf.namelist()
        charts = sorted(n for n in names if n.startswith("word/charts/chart"))
        kinds = [
            plot.tag for n in charts for plot in etree.fromstring(zf.read(n)).iter(f"{C}barChart")
        ]
    assert len(charts) == 2 and len(kinds) == 2
    assert not [n for n in names if n.startswith("word/media/")]
    png = tmp_path / "png"
    result = CliRunner().invoke(main, ["progress", "2025H1", "--out", str(png), "--charts", "png"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(png / "定期通报_2025H1.docx") as zf:
        assert len([n for n in zf.namelist() if n.startswith("word/media/")]) == 2
        assert not [n for n in zf.namelist() if n.startswith("word/charts/")]


@pytest.mark.slow
@pytest.mark.pdf
def test_the_progress_bulletins_charts_in_the_pdf(progress_native, tmp_path):
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext not installed")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(progress_native)],
        capture_output=True, check=True, timeout=300,
    )  # fmt: skip
    done = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "定期通报_2025H1.pdf"), "-"],
        capture_output=True,
        check=True,
    )
    flat = re.sub(r"\s+", "", done.stdout.decode("utf-8"))
    # 图1: the statuses' legend, a row of the sample (20 counties: 19 正常, 1 严重滞后) and the
    # pooled departments' row; the axis title.
    assert "正常滞后严重滞后" in flat
    assert "全社会研发经费投入增长（县区）191" in flat
    assert "部门牵头指标（合计）" in flat and "单位数（个）" in flat
    # 图2: both tracks side by side in the legend (LibreOffice lists a horizontal bar chart's
    # entries from the end), not the bars' own series; the axis title
    assert "存在风险有望按期实现" in flat and "完成比例" not in flat
    assert "最近一年实际值占下一节点目标的比例（%）" in flat
