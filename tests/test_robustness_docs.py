"""稳定性分析: the workbook, the rank-interval chart and the internal document, from a
hand-written robustness record (tests/fixtures/robustness_record.json: the sample year's 44
units with invented intervals and probabilities, 8 fragile decisions in 8 units)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from test_context_types import mismatches

from evalgen.charts.kinds import CHARTS
from evalgen.charts.spec import chart_spec
from evalgen.documents.context_robustness import RobustnessContext
from evalgen.documents.pdf import find_soffice
from evalgen.documents.render import TEMPLATE_FILES
from evalgen.documents.robustness import robustness_context, write_robustness_document
from evalgen.model.loader import load_model
from evalgen.outputs.robustness_workbook import write_robustness_workbook

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "robustness_record.json"


@pytest.fixture(scope="module")
def record() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model():
    return load_model().model


def _rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


# ------------------------------------------------------------------------------ workbook


def test_workbook_sheets_and_hand_checked_cells(record, tmp_path):
    path = write_robustness_workbook(record, tmp_path / "稳定性分析_2024.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["县（市、区）", "市直部门", "不稳健的决定", "说明"]
    wb.close()
    county = _rows(path, "县（市、区）")
    assert county[0] == (
        "单位", "名次", "总分", "等次", "名次中位数", "名次5%", "名次95%",
        "等次A概率", "等次B概率", "等次C概率", "等次D概率", "整改概率", "约谈概率", "是否稳健",
    )  # fmt: skip
    assert len(county) == 1 + 20
    # 宁晋县: 7th, 90.90, A in 71.3 % of runs, else B; 约谈 (safety floor) in every run.
    assert county[7] == ("宁晋县", 7, 90.9, "A", 7, 6, 8, 0.713, 0.287, 0, 0, 0, 1, "否")
    assert county[20] == ("平乡县", 20, 88.46, "D", 20, 20, 20, 0, 0, 0, 1, 1, 1, "是")
    assert len(_rows(path, "市直部门")) == 1 + 24
    fragile = _rows(path, "不稳健的决定")
    assert len(fragile) == 1 + 8
    assert fragile[1][:7] == ("宁晋县", "等次", "A", 0.713, "食品安全评价性抽检合格率", 5, 4.2)
    assert fragile[1][7].startswith("等次A在71.3%的模拟中保持")
    by_unit = {row[0]: row for row in fragile[1:]}
    assert by_unit["市交通运输局"][1:4] == ("整改", "列入整改", 0.552)
    assert by_unit["市财政局"][2] == "不列入整改"
    assert by_unit["市工商联"][6] == "范围内不改变"  # no flip within the range
    about = dict(r for r in _rows(path, "说明")[1:])
    assert about["模拟次数"] == "1000次"
    assert "±10%" in about["指标分值"] and "±0.5分" in about["评审打分"]
    assert about["等次分数线"] == "各等次分数线不变"
    assert about["分析结果"] == "共44个单位，其中36个单位的全部决定稳健；不稳健的决定8项"


def test_workbook_bytes_are_the_same_twice(record, tmp_path):
    one = write_robustness_workbook(record, tmp_path / "a.xlsx").read_bytes()
    two = write_robustness_workbook(record, tmp_path / "b.xlsx").read_bytes()
    assert one == two


# --------------------------------------------------------------------------------- chart


FRAGILE = "#B03A2E"  # a fragile unit's interval: the spec's red, in both renderers


def rank_interval_chart(units, unit_count, title=""):
    return CHARTS["rank_intervals"].draw(units=units, unit_count=unit_count, title=title)


def test_chart_kind_is_registered_at_print_width():
    assert CHARTS["rank_intervals"].width_in == 6.0


def test_chart_rows_are_every_unit_in_nominal_order_with_fragile_ones_marked(record):
    county = record["groups"][0]
    spec = chart_spec(
        "rank_intervals", {"units": county["units"], "unit_count": county["unit_count"]}
    )
    names = [c.split("（")[0] for c in spec["categories"]]
    assert names == [u["unit"] for u in county["units"]]
    fragile = [n for n, c in zip(names, spec["categories"], strict=True) if "不稳健" in c]
    assert fragile == ["宁晋县", "沙河市", "南和区"]
    _offset, spans = spec["series"]
    assert [n for n, c in zip(names, spans["point_colors"], strict=True) if c == FRAGILE] == fragile
    # The 7th unit (fragile): rank 7, median 7, 5 %–95 % ranks 6–8: a bar from 5.5 over 3.
    assert spec["categories"][6] == "宁晋县（6—8名，中位7，正式7，不稳健）"
    assert (_offset["values"][6], spans["values"][6]) == (5.5, 3)


def test_chart_draws_every_unit_and_colours_only_fragile_ones(record):
    county = record["groups"][0]
    png = rank_interval_chart(county["units"], county["unit_count"], "县（市、区）名次区间")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.width == 1200
    red = tuple(int(FRAGILE[i : i + 2], 16) for i in (1, 3, 5))
    pixels = {colour: n for n, colour in image.getcolors(1 << 16)}
    robust = [dict(u, robust=True) for u in county["units"]]
    none = Image.open(io.BytesIO(rank_interval_chart(robust, 20))).convert("RGB")
    none_pixels = {colour: n for n, colour in none.getcolors(1 << 16)}
    # Three fragile rows' bars in red; without them no red at all.
    assert pixels.get(red, 0) > 1000 and none_pixels.get(red, 0) == 0


def test_a_median_outside_its_interval_is_a_chart_error(record):
    from evalgen.charts.font import ChartError

    unit = dict(record["groups"][0]["units"][0], rank_median=5)
    with pytest.raises(ChartError, match="清河县的名次区间"):
        chart_spec("rank_intervals", {"units": [unit], "unit_count": 20})


# ------------------------------------------------------------------------------ document


def test_context_is_exactly_its_declared_type(record, model):
    assert mismatches(robustness_context(record, model), RobustnessContext, "context", set()) == []


def test_score_does_not_need_the_robustness_template():
    assert "robustness" not in TEMPLATE_FILES


def _document_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


@pytest.fixture(scope="module")
def document(record, model, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("robustness") / "稳定性分析.docx"
    return write_robustness_document(record, model, out)


def test_document_states_the_numbers_and_every_fragile_sentence(record, document):
    text = _document_text(document)
    assert text.startswith("内部资料")
    assert "关于2024年度考核结果稳定性的分析" in text
    assert "进行了1000次随机模拟" in text and "±10%" in text and "±0.5分" in text
    assert "44个单位中有36个单位" in text and "另有8个单位的8项决定不够稳健" in text
    for group in record["groups"]:
        for unit in group["units"]:
            for f in unit["fragile"]:
                assert f["sentence"] in text
    assert "县（市、区）20个单位中，17个单位的全部决定稳健" in text
    assert "市直部门24个单位中，19个单位的全部决定稳健" in text
    with zipfile.ZipFile(document) as zf:  # one native chart per group, no pictures
        names = zf.namelist()
        assert [n for n in names if n.startswith("word/charts/chart")] == [
            "word/charts/chart1.xml",
            "word/charts/chart2.xml",
        ]
        assert not [n for n in names if n.startswith("word/media/")]


def test_document_bytes_are_the_same_twice(record, model, document, tmp_path):
    again = write_robustness_document(record, model, tmp_path / "again.docx")
    assert again.read_bytes() == document.read_bytes()


@pytest.mark.slow
@pytest.mark.pdf
@pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) 或 pdftotext 未安装：跳过 PDF 转换测试",
)
def test_document_converts_to_pdf(document, tmp_path):
    from evalgen.documents.pdf import convert_to_pdf

    copy = tmp_path / document.name
    copy.write_bytes(document.read_bytes())
    (pdf,) = convert_to_pdf([copy])
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    text = re.sub(r"\s+", "", done.stdout.decode("utf-8"))
    assert "关于2024年度考核结果稳定性的分析" in text and "市交通运输局" in text


def test_probabilities_are_printed_with_one_place_always():
    """The fragile-decision table's column reads alike: 61.0%, not 61% beside 89.7%."""
    from evalgen.documents.robustness import _percent

    assert [_percent(p) for p in (0.61, 0.8973, 1.0, 0.00049, 0.94949)] == [
        "61.0%",
        "89.7%",
        "100.0%",
        "0.0%",
        "94.9%",
    ]


def test_a_large_group_charts_its_fragile_units_only_and_says_so(record, model):
    """A national year: the chart's height must not grow with the units (as the bulletin's
    totals chart past 60 units). 200 units, every third one fragile → 60 of the 67 shown."""
    import copy

    big = copy.deepcopy(record)
    group = big["groups"][0]
    template = group["units"][0]
    group["units"] = [
        dict(template, unit=f"单位{i}", rank=i, rank_median=i, rank_p05=i, rank_p95=i,
             robust=i % 3 != 0)
        for i in range(1, 201)
    ]  # fmt: skip
    group["unit_count"] = 200
    context = robustness_context(big, model)
    shown = context["charts"][f"intervals_{group['key']}"]["data"]["units"]
    assert [u["unit"] for u in shown] == [f"单位{i}" for i in range(3, 181, 3)]  # 60, in rank order
    assert "下图只列出其中60个单位" in context["groups"][0]["text"]
    # the sample-sized groups are charted whole, and their text says nothing of it
    small = robustness_context(record, model)
    assert len(small["charts"]["intervals_county"]["data"]["units"]) == 20
    assert "下图只列出" not in small["groups"][0]["text"]
