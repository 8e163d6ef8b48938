"""Native Word charts (issue 12): the spec, the chart part, its workbook, its place in a .docx."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from lxml import etree

from evalgen.charts.errors import ChartError
from evalgen.charts.native import NativeChart, native_chart
from evalgen.charts.spec import chart_spec

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
NS = {
    "c": C[1:-1],
    "a": A[1:-1],
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
BANDS = [
    {"code": "A", "name": "优秀", "min": 90},
    {"code": "B", "name": "良好", "min": 80},
    {"code": "C", "name": "合格", "min": 60},
    {"code": "D", "name": "不合格", "min": 0},
]
# Ranked as the table: 甲 1st, 乙 2nd; 丙 vetoed, last although its total is the best.
TOTALS = {
    "units": [
        {"unit": "乙区", "total": 85.5, "grade": "B", "rank": 2, "note": ""},
        {"unit": "丙县", "total": 95.25, "grade": "D", "rank": 3, "note": "一票否决"},
        {"unit": "甲<&>市", "total": 91.0, "grade": "A", "rank": 1, "note": ""},
    ],
    "bands": BANDS,
}


def series_of(xml: bytes) -> list[tuple[str, list[str], dict[int, str]]]:
    """(name, categories, {index: cached value}) of each series of a chart part."""
    root = etree.fromstring(xml)
    out = []
    for ser in root.iter(f"{C}ser"):
        name = ser.find("c:tx//c:v", NS).text
        cats = [v.text for v in ser.findall("c:cat//c:pt/c:v", NS)]
        values = {
            int(pt.get("idx")): pt.find("c:v", NS).text for pt in ser.findall("c:val//c:pt", NS)
        }
        out.append((name, cats, values))
    return out


def test_group_totals_spec_keeps_the_tables_order_and_the_veto():
    spec = chart_spec("group_totals", TOTALS)
    # rank order 1, 2, 3: 甲, 乙, then the vetoed 丙 with its note next to its name
    assert spec["categories"] == ["甲<&>市", "乙区", "丙县（一票否决）"]
    totals = spec["series"][0]
    assert totals["values"] == [91.0, 85.5, 95.25]
    # grade colours by point: A green, B blue, D dark red (data.GRADE_COLORS)
    assert totals["point_colors"] == ["#78B59A", "#4A78B0", "#8A2B26"]
    assert [s["name"] for s in spec["series"][1:]] == ["A 优秀", "B 良好", "C 合格", "D 不合格"]
    # the grade lines A 90, B 80, C 60 (D's 0 is the axis itself)
    assert [(line["name"], line["value"]) for line in spec["lines"]] == [
        ("A等次线 90", 90),
        ("B等次线 80", 80),
        ("C等次线 60", 60),
    ]
    assert spec["axis"]["min"] == 0 and spec["axis"]["max"] == 100  # ceil(max(100, 95.25) / 10)·10


def test_chart_part_caches_equal_the_spec_and_name_the_east_asian_font():
    chart = native_chart("group_totals", TOTALS)
    root = etree.fromstring(chart.xml)
    assert root.tag == f"{C}chartSpace"
    assert root.find("c:externalData", NS).get(f"{{{NS['r']}}}id") == "rId1"
    assert root.find(".//c:barChart/c:barDir", NS).get("val") == "col"
    named = series_of(chart.xml)
    name, cats, values = named[0]
    assert name == "总分" and cats == ["甲<&>市", "乙区", "丙县（一票否决）"]
    assert values == {0: "91", 1: "85.5", 2: "95.25"}
    # each line is 3 equal points, one per unit: A 90 90 90
    lines = {n: v for n, _c, v in named[5:]}
    assert lines == {
        "A等次线 90": {0: "90", 1: "90", 2: "90"},
        "B等次线 80": {0: "80", 1: "80", 2: "80"},
        "C等次线 60": {0: "60", 1: "60", 2: "60"},
    }
    colours = [
        pt.find("c:spPr/a:solidFill/a:srgbClr", NS).get("val")
        for pt in root.find(".//c:ser", NS).findall("c:dPt", NS)
    ]
    assert colours == ["78B59A", "4A78B0", "8A2B26"]
    assert root.find(".//c:ser/c:val//c:formatCode", NS).text == "0.00"  # labels as 91.00
    fonts = {e.get("typeface") for e in root.iter(f"{A}ea")}
    assert fonts == {"宋体"}
    # references into the workbook: categories A2:A4, totals B2:B4, series name B1
    assert root.find(".//c:ser/c:cat//c:f", NS).text == "Sheet1!$A$2:$A$4"
    assert root.find(".//c:ser/c:val//c:f", NS).text == "Sheet1!$B$2:$B$4"
    assert root.find(".//c:ser/c:tx//c:f", NS).text == "Sheet1!$B$1"


def crowded_totals(count: int, top: float) -> dict:
    units = [
        {"unit": f"{i}县", "total": top - i, "grade": "A", "rank": i + 1, "note": ""}
        for i in range(count)
    ]
    return {"units": units, "bands": BANDS}


def test_crowded_columns_leave_room_above_for_their_upright_labels():
    def axis_max(count: int, top: float) -> tuple[float, str]:
        data = crowded_totals(count, top)
        spec = chart_spec("group_totals", data)
        root = etree.fromstring(native_chart("group_totals", data).xml)
        return spec["axis"]["max"], root.find(".//c:valAx/c:scaling/c:max", NS).get("val")

    # 9 columns (over CROWDED = 8): upright labels; 99.6 → 100 in the spec (and the PNG's
    # flat bars), two major units (10) more in the native chart: 120
    assert axis_max(9, 99.6) == (100, "120")
    assert axis_max(9, 80.5) == (100, "120")  # max(100, 80.5) → 100
    # 8 columns: labels lie flat above the columns, the axis ends at 100
    assert axis_max(8, 99.6) == (100, "100")


def test_grade_lines_are_named_in_the_legend_not_at_their_ends():
    """A name at a line's end sat on the last column's value label (图2 of the sample)."""
    root = etree.fromstring(native_chart("group_totals", crowded_totals(12, 97.0)).xml)
    lines = root.find(".//c:lineChart", NS)
    assert [s.find("c:tx//c:v", NS).text for s in lines.findall("c:ser", NS)] == [
        "A等次线 90",
        "B等次线 80",
        "C等次线 60",
    ]
    assert lines.find(".//c:dLbls", NS) is None
    deleted = {int(e.find("c:idx", NS).get("val")) for e in root.iterfind(".//c:legendEntry", NS)}
    assert deleted == {0}  # only the totals, coloured point by point; lines 5–7 stay listed


def test_embedded_workbook_opens_and_holds_the_values():
    chart = native_chart("group_totals", TOTALS)
    sheet = openpyxl.load_workbook(io.BytesIO(chart.workbook))["Sheet1"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = [None, "总分", "A 优秀", "B 良好", "C 合格", "D 不合格"]
    assert rows[0] == [*header, "A等次线 90", "B等次线 80", "C等次线 60"]
    assert rows[1] == ["甲<&>市", 91, None, None, None, None, 90, 80, 60]
    assert rows[2] == ["乙区", 85.5, None, None, None, None, 90, 80, 60]
    assert rows[3] == ["丙县（一票否决）", 95.25, None, None, None, None, 90, 80, 60]
    with zipfile.ZipFile(io.BytesIO(chart.workbook)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_the_same_chart_gives_the_same_bytes():
    first = native_chart("group_totals", TOTALS)
    again = native_chart("group_totals", TOTALS)
    assert first.xml == again.xml and first.workbook == again.workbook


def test_grade_distribution_counts_and_histogram_bins():
    grades = chart_spec(
        "grade_distribution",
        {"groups": [{"name": "县", "counts": {"A": 2, "C": 1}}], "bands": BANDS},
    )
    assert grades["categories"] == ["县（共3个单位）"]  # 2 + 1
    assert [s["values"] for s in grades["series"]] == [[2.0], [0.0], [1.0], [0.0]]
    # totals 61, 62.5, 64.9, 71: range 61–71 → 1-point bins would be 11 ≤ 40, so width 1:
    # bins 61, 62, ..., 71; 61 → bin 0, 62.5 → bin 1, 64.9 → bin 3, 71 → bin 10.
    units = [
        {"unit": f"u{i}", "total": t, "grade": "C"} for i, t in enumerate([61, 62.5, 64.9, 71])
    ]
    spread = chart_spec("score_histogram", {"units": units, "bands": BANDS})
    assert spread["categories"][0] == "61–62" and spread["categories"][-1] == "71–72"
    assert len(spread["categories"]) == 11
    (only,) = spread["series"]  # only the C band has units
    assert only["name"] == "C 合格"
    assert only["values"] == [1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1]


def test_attainment_trend_and_intervals():
    rows = [
        {"name": "研发经费", "share": 75.0, "group_average": 80.0},
        {"name": "抽检", "share": None, "group_average": None},
    ]
    attainment = chart_spec("attainment", {"rows": rows})
    assert attainment["categories"] == ["研发经费", "抽检（不适用）"]
    assert [s["values"] for s in attainment["series"]] == [[75.0, None], [80.0, None]]
    xml = native_chart("attainment", {"rows": rows}).xml
    # the 不适用 point is left out of the cache, which still counts two points
    assert series_of(xml)[0][2] == {0: "75"}
    assert b'<c:ptCount val="2"/>' in xml
    trend = chart_spec(
        "trend",
        {"points": [{"year": 2024, "total": 88.5, "rank": 2}, {"year": 2023, "total": 90, "rank": 1}],
         "of": 5},
    )  # fmt: skip
    assert trend["categories"] == ["2023年（第1名）", "2024年（第2名）"]  # in year order
    assert trend["series"][0]["values"] == [90, 88.5]
    # low = floor((88.5 − 10) / 10) · 10 = 70
    assert trend["axis"]["min"] == 70
    intervals = chart_spec(
        "rank_intervals",
        {"units": [{"unit": "甲", "rank": 2, "rank_median": 2, "rank_p05": 1, "rank_p95": 3,
                    "robust": False}], "unit_count": 4},
    )  # fmt: skip
    # a floating bar from 1 − 0.5 to 3 + 0.5: offset 0.5, length 3 − 1 + 1 = 3
    assert [s["values"] for s in intervals["series"]] == [[0.5], [3]]
    assert intervals["series"][1]["point_colors"] == ["#B03A2E"]
    assert intervals["categories"] == ["甲（1—3名，中位2，正式2，不稳健）"]


def test_bad_chart_data_is_a_chart_error():
    with pytest.raises(ChartError, match="丙县的等次 'E'"):
        chart_spec("group_totals", {"units": [{"unit": "丙县", "total": 1, "grade": "E"}],
                                    "bands": BANDS})  # fmt: skip
    with pytest.raises(ChartError, match="未知的图表类型"):
        chart_spec("pie", {})


# -- in a document -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def native_run(tmp_path_factory):
    from evalgen import pipeline

    out = tmp_path_factory.mktemp("native") / "2024"
    pipeline.score(2024, out_dir=out, jobs=1)
    return out


@pytest.fixture(scope="module")
def bulletin(native_run) -> bytes:
    return next(native_run.glob("关于*.docx")).read_bytes()


@pytest.mark.slow
def test_native_charts_write_no_picture_files(native_run):
    assert not (native_run / "图表").exists()  # the charts are in the 通报, editable


@pytest.mark.slow
def test_the_manifest_records_the_chart_template(native_run):
    import hashlib
    import json

    manifest = json.loads((native_run / "manifest.json").read_text(encoding="utf-8"))
    shipped = (DEFAULT_TEMPLATES / CHART_TEMPLATE).read_bytes()
    assert manifest["templates"]["charts.docx"] == hashlib.sha256(shipped).hexdigest()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.slow
def test_bulletin_holds_related_chart_parts_with_workbooks(bulletin):
    parts = _parts(bulletin)
    charts = sorted(n for n in parts if re.fullmatch(r"word/charts/chart\d+\.xml", n))
    # 图1 grades, 图2 and 图3 the two groups' totals, 图4 the milestones (issue 16)
    assert charts == [f"word/charts/chart{n}.xml" for n in (1, 2, 3, 4)]
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    for name in charts:
        assert (
            overrides[f"/{name}"]
            == "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
        )
    assert any(d.get("Extension") == "xlsx" for d in types)
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    chart_rels = {r.get("Id"): r.get("Target") for r in rels if r.get("Type").endswith("/chart")}
    assert sorted(chart_rels.values()) == [
        "charts/chart1.xml",
        "charts/chart2.xml",
        "charts/chart3.xml",
        "charts/chart4.xml",
    ]
    body = etree.fromstring(parts["word/document.xml"])
    placed = [c.get(f"{{{NS['r']}}}id") for c in body.iter(f"{C}chart")]
    assert sorted(placed) == sorted(chart_rels)  # every chart placed once
    kinds = [d.get("descr") for d in body.iter(f"{{{NS['wp']}}}docPr")]
    assert kinds == ["grade_distribution", "group_totals", "group_totals", "milestones"]
    for name in charts:
        rel = etree.fromstring(parts[name.replace("charts/", "charts/_rels/") + ".rels"])[0]
        book = "word/" + rel.get("Target").removeprefix("../")
        assert rel.get("Id") == "rId1" and book in parts
        sheet = openpyxl.load_workbook(io.BytesIO(parts[book]))["Sheet1"]
        # the workbook's column B is the first series' cache
        name_, cats, values = series_of(parts[name])[0]
        assert sheet["B1"].value == name_
        assert [sheet.cell(r + 2, 1).value for r in range(len(cats))] == cats
        for k, v in values.items():
            assert float(v) == sheet.cell(k + 2, 2).value


@pytest.mark.slow
def test_bulletin_county_chart_is_table_1(bulletin):
    """图2's categories and values are 表1's units and totals, in its order."""
    parts = _parts(bulletin)
    body = parts["word/document.xml"].decode("utf-8")
    _name, cats, values = series_of(parts["word/charts/chart2.xml"])[0]
    assert cats[0] == "清河县" and cats[-1] == "平乡县（一票否决）"  # vetoed: 20th, last
    assert values[0] == "99.6" and values[19] == "88.46"
    assert len(cats) == 20 and "平乡县" in body


@pytest.mark.slow
def test_png_charts_are_still_pictures(tmp_path):
    from evalgen import pipeline

    pipeline.score(2024, out_dir=tmp_path / "png", jobs=1, charts="png")
    parts = _parts(next((tmp_path / "png").glob("关于*.docx")).read_bytes())
    assert len([n for n in parts if n.startswith("word/media/")]) == 4  # 图1–图4
    assert not [n for n in parts if n.startswith("word/charts/")]
    manifest = (tmp_path / "png" / "manifest.json").read_text(encoding="utf-8")
    assert "charts.docx" not in manifest  # pictures do not use the chart-style template
    # the same pictures as files, for slides, named as the 通报's captions
    files = {p.name: p.read_bytes() for p in (tmp_path / "png" / "图表").iterdir()}
    assert sorted(files) == [
        "图1_各组考核等次分布.png",
        "图2_县（市、区）考核总分.png",
        "图3_市直部门考核总分.png",
        "图4_质量强市建设节点目标推进情况.png",
    ]
    pictures = {data for name, data in parts.items() if name.startswith("word/media/")}
    assert set(files.values()) == pictures
    captions = re.findall(
        r'GwFigureCaption"/></w:pPr><w:r><w:t[^>]*>([^<]+)<', parts["word/document.xml"].decode()
    )
    assert [c.replace("\u3000", "_") + ".png" for c in captions] == sorted(files)
    assert "图表/图1_各组考核等次分布.png" in manifest


needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice 或 pdftotext 未安装：跳过 PDF 测试",
)


@pytest.mark.slow
@pytest.mark.pdf
@needs_libreoffice
def test_pdf_shows_the_charts_labels_and_values(bulletin, tmp_path):
    path = tmp_path / "通报.docx"
    path.write_bytes(bulletin)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True,
        check=True,
        timeout=300,
    )
    done = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "通报.pdf"), "-"], capture_output=True, check=True
    )
    text = done.stdout.decode("utf-8")
    flat = re.sub(r"\s+", "", text)
    # 图1: the legend and the groups with their counts (20 counties, 24 departments)
    assert "A优秀" in flat and "D不合格" in flat
    assert "县（市、区）（共20个单位）" in flat and "市直部门（共24个单位）" in flat
    # 图2: the grade lines, the vetoed unit, and totals as value labels (99.60 also in 表1,
    # so count: once in the chart, once in the table)
    assert "A等次线90" in flat and "C等次线60" in flat
    assert "一票否决" in flat
    assert flat.count("99.60") >= 2


def test_native_chart_size_is_the_print_width():
    chart = native_chart("group_totals", TOTALS)
    assert isinstance(chart, NativeChart)
    assert chart.width == 6 * 914400  # 6.0 in, as the PNG's


# -- the chart-style template (charts.docx) -------------------------------------------------

from evalgen.charts.native.styled import plot_type  # noqa: E402
from evalgen.documents.chart_templates import CHART_TEMPLATE, load_chart_styles  # noqa: E402
from evalgen.documents.render import TemplateError  # noqa: E402
from evalgen.resources import DEFAULT_TEMPLATES  # noqa: E402

ALL_KINDS = ["attainment", "grade_distribution", "group_totals", "milestones",
             "progress_status", "rank_intervals", "score_histogram", "trend"]  # fmt: skip


def _edited_template(folder, edit) -> None:
    """A copy of evalgen's charts.docx in `folder`, each member passed through `edit`."""
    folder.mkdir(exist_ok=True)
    with zipfile.ZipFile(DEFAULT_TEMPLATES / CHART_TEMPLATE) as src:
        members = {name: src.read(name) for name in src.namelist()}
    with zipfile.ZipFile(folder / CHART_TEMPLATE, "w") as dst:
        for name, body in members.items():
            dst.writestr(name, edit(name, body))


def test_the_shipped_template_has_one_chart_of_the_right_type_per_kind():
    styles = load_chart_styles(None, ALL_KINDS)
    assert sorted(styles) == ALL_KINDS
    assert {k: plot_type(s.xml) for k, s in styles.items()} == {
        "attainment": "bar",
        "grade_distribution": "column",
        "group_totals": "column",
        "milestones": "bar",
        "progress_status": "bar",
        "rank_intervals": "bar",
        "score_histogram": "column",
        "trend": "line",
    }


def test_the_offices_styling_is_kept_and_the_data_is_ours(tmp_path):
    def restyle(name: str, body: bytes) -> bytes:
        if not name.startswith("word/charts/chart"):
            return body
        text = body.decode("utf-8")
        text = text.replace('<a:ea typeface="宋体"/>', '<a:ea typeface="黑体"/>')
        text = text.replace('<c:gapWidth val="60"/>', '<c:gapWidth val="150"/>')
        text = text.replace('<c:legendPos val="t"/>', '<c:legendPos val="b"/>')
        return text.encode("utf-8")

    _edited_template(tmp_path / "t", restyle)
    style = load_chart_styles(tmp_path / "t", ["group_totals"])["group_totals"]
    chart = native_chart("group_totals", TOTALS, style)
    root = etree.fromstring(chart.xml)
    assert {e.get("typeface") for e in root.iter(f"{A}ea")} == {"黑体"}
    assert root.find(".//c:barChart/c:gapWidth", NS).get("val") == "150"
    assert root.find(".//c:legend/c:legendPos", NS).get("val") == "b"
    # the data is this chart's, not the template's example (甲县, 乙区, ...)
    name, cats, values = series_of(chart.xml)[0]
    assert cats == ["甲<&>市", "乙区", "丙县（一票否决）"] and values == {
        0: "91",
        1: "85.5",
        2: "95.25",
    }
    assert len(series_of(chart.xml)) == 1 + 4 + 3  # totals, 4 legend grades, 3 grade lines
    # plots and axes still refer to each other
    plot_axes = {e.get("val") for e in root.iterfind(".//c:plotArea/*/c:axId", NS)}
    axes = {root.find(f".//c:{t}/c:axId", NS).get("val") for t in ("catAx", "valAx")}
    assert plot_axes == axes
    assert root.find("c:externalData", NS).get(f"{{{NS['r']}}}id") == "rId1"
    assert chart.width == style.width  # the template's size


def test_a_missing_chart_fails_the_template_check(tmp_path):
    def rename(name: str, body: bytes) -> bytes:
        return (
            body.replace(b'descr="trend"', b'descr="trend2"')
            if name == "word/document.xml"
            else body
        )

    _edited_template(tmp_path / "t", rename)
    with pytest.raises(TemplateError) as caught:
        load_chart_styles(tmp_path / "t", ["trend", "attainment"])
    (problem,) = caught.value.problems
    assert problem.code == "template-chart-missing" and problem.file == "charts.docx"
    assert "可选文字为“trend”" in problem.message
    load_chart_styles(tmp_path / "t", ["attainment"])  # a kind the run does not draw: fine


def test_a_chart_of_the_wrong_type_fails_the_template_check(tmp_path):
    def swap(name: str, body: bytes) -> bytes:
        if name != "word/document.xml":
            return body
        return body.replace(b'descr="trend"', b'descr="x"').replace(
            b'descr="attainment"', b'descr="trend"'
        )

    _edited_template(tmp_path / "t", swap)
    with pytest.raises(TemplateError) as caught:
        load_chart_styles(tmp_path / "t", ["trend"])
    (problem,) = caught.value.problems
    assert problem.code == "template-chart-kind"
    assert problem.message == "图表模板中可选文字为“trend”的图表应为折线图，实际为条形图"


@pytest.mark.slow
def test_score_with_a_broken_chart_template_exits_6_and_writes_nothing(tmp_path):
    from click.testing import CliRunner

    from evalgen.cli import main

    def rename(name: str, body: bytes) -> bytes:
        return (
            body.replace(b'descr="group_totals"', b'descr="x"')
            if name == "word/document.xml"
            else body
        )

    folder = tmp_path / "t"
    _edited_template(folder, rename)
    for name in ("bulletin.docx", "unit_report.docx", "notice.docx"):
        shutil.copy(DEFAULT_TEMPLATES / name, folder / name)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["score", "2024", "--templates", str(folder), "--out", str(out)]
    )
    assert result.exit_code == 6, result.output
    assert "可选文字为“group_totals”" in result.output
    assert not out.exists()
    # and with pictures, the chart template is not needed
    result = CliRunner().invoke(
        main, ["score", "2024", "--templates", str(folder), "--out", str(out), "--charts", "png"]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_png_files_of_groups_drawn_as_histograms(tmp_path, monkeypatch):
    from evalgen import pipeline
    from evalgen.documents import bulletin

    monkeypatch.setattr(bulletin, "BARS_UP_TO", 3)  # both groups past it: histograms
    pipeline.score(2024, out_dir=tmp_path / "png", jobs=1, charts="png")
    parts = _parts(next((tmp_path / "png").glob("关于*.docx")).read_bytes())
    files = {p.name: p.read_bytes() for p in (tmp_path / "png" / "图表").iterdir()}
    assert "图2_县（市、区）考核总分.png" in files and "图3_市直部门考核总分.png" in files
    assert set(files.values()) == {d for n, d in parts.items() if n.startswith("word/media/")}
