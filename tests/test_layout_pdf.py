"""The printed page (issue 11): the sample year's documents converted by LibreOffice, with
positions read from the PDFs and held to GB/T 9704-2012 within ±1 mm.

Geometry of the standard (mm, from the top-left corner of an A4 page, 210 × 297):
版心 156 × 225 at 37 (top) / 28 (left), so its right edge is at 28 + 156 = 184 and its bottom
edge at 37 + 225 = 262. The whole sample run is converted in one LibreOffice call per module.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from evalgen.cli import main
from evalgen.documents.pdf import convert_to_pdf, find_soffice

pdfplumber = pytest.importorskip("pdfplumber")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.pdf,
    pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed"),
]

TOP, LEFT, WIDTH, HEIGHT = 37.0, 28.0, 156.0, 225.0
RIGHT, BOTTOM = LEFT + WIDTH, TOP + HEIGHT  # 184, 262
LINE = HEIGHT / 22  # the 3号 line of the grid: 22 lines fill the 版心, 10.23 mm
TOL = 1.0
BULLETIN = "关于2024年度质量强市建设考核结果的通报.pdf"
HEADING = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
# Punctuation may hang past the right edge at the end of a line (hanging punctuation).
HANGING = set("，。、；：！？）》”’")


def mm(points: float) -> float:
    return points * 25.4 / 72


class Page:
    """What the tests read from one PDF page: text lines (characters grouped by top), and
    horizontal rules, all in mm."""

    def __init__(self, page) -> None:
        self.number = page.page_number
        rows: dict[int, list[dict]] = {}
        for char in page.chars:
            if char["text"].strip():
                rows.setdefault(round(char["top"]), []).append(char)
        self.lines = []
        for _, chars in sorted(rows.items()):
            chars.sort(key=lambda c: c["x0"])
            self.lines.append(
                {
                    "text": "".join(c["text"] for c in chars),
                    "top": mm(min(c["top"] for c in chars)),
                    "bottom": mm(max(c["bottom"] for c in chars)),
                    "x0": mm(chars[0]["x0"]),
                    "x1": mm(
                        max(c["x1"] for c in chars if c["text"] not in HANGING or c is chars[0])
                    ),
                    "color": chars[0].get("non_stroking_color"),
                }
            )
        self.rules = [
            {
                "y": mm(line["top"]),
                "x0": mm(line["x0"]),
                "x1": mm(line["x1"]),
                "color": line.get("stroking_color"),
            }
            for line in page.lines
            if abs(line["top"] - line["bottom"]) < 1 and line["x1"] - line["x0"] > 100
        ]

    @property
    def number_line(self) -> dict | None:
        last = self.lines[-1] if self.lines else None
        return last if last and PAGE_NUMBER.match(last["text"]) else None

    @property
    def text_lines(self) -> list[dict]:
        return [line for line in self.lines if line is not self.number_line]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, list[Page]]:
    """Every document of the sample run (通报, 44 单位报告, 约谈通知书) as pages, by file name."""
    root = tmp_path_factory.mktemp("layout")
    inputs = Path(__file__).resolve().parent.parent / "sample_inputs"
    result = CliRunner().invoke(
        main, ["score", "2024", "--inputs", str(inputs), "--out", root / "run"]
    )
    assert result.exit_code == 0, result.output
    flat = root / "flat"
    flat.mkdir()
    for path in (root / "run").rglob("*.docx"):
        shutil.copy(path, flat / path.name)
    out = {}
    for pdf_path in convert_to_pdf(sorted(flat.glob("*.docx"))):  # one folder: one call
        with pdfplumber.open(pdf_path) as pdf:
            out[pdf_path.name] = [Page(page) for page in pdf.pages]
    return out


def reports(pdfs) -> dict[str, list[Page]]:
    return {name: pages for name, pages in pdfs.items() if name.endswith("考核结果反馈.pdf")}


def test_the_run_was_converted(pdfs):
    assert BULLETIN in pdfs
    assert len(reports(pdfs)) == 44
    assert any(name.endswith("约谈通知书.pdf") for name in pdfs)


def test_text_stays_in_the_text_block(pdfs):
    """Every line of every page within the 版心 (156 × 225 at 37 / 28), page numbers aside."""
    for name, pages in pdfs.items():
        for page in pages:
            for line in page.text_lines:
                where = f"{name} p.{page.number} {line['text'][:20]}"
                assert line["x0"] >= LEFT - TOL and line["x1"] <= RIGHT + TOL, where
                assert line["top"] >= TOP - TOL and line["bottom"] <= BOTTOM + TOL, where


def test_text_block_edges_are_reached(pdfs):
    """The 版心 is where the standard puts it: the 主送机关 line starts on its left edge and
    runs to its right edge (a full line of 28 characters of 3号)."""
    first = pdfs[BULLETIN][0]
    to = next(line for line in first.text_lines if line["text"].startswith("各县"))
    assert abs(to["x0"] - LEFT) <= TOL
    assert abs(to["x1"] - RIGHT) <= TOL


def test_bulletin_head(pdfs):
    """发文机关标志 35 mm below the top of the 版心 (72 mm); red rule 4 mm below the 发文字号,
    as wide as the 版心; the title on the third line below the rule (空二行)."""
    first = pdfs[BULLETIN][0]
    banner = first.text_lines[0]
    assert banner["text"].endswith("文件")
    assert tuple(banner["color"]) == (1.0, 0.0, 0.0)  # red
    assert abs(banner["top"] - (TOP + 35)) <= TOL
    number = next(line for line in first.text_lines if "〔" in line["text"])
    (rule,) = {(round(r["y"], 1), round(r["x0"], 1), round(r["x1"], 1)) for r in first.rules}
    y, x0, x1 = rule
    assert abs(y - (number["bottom"] + 4)) <= TOL
    assert abs(x0 - LEFT) <= TOL and abs(x1 - RIGHT) <= TOL
    title = next(line for line in first.text_lines if line["top"] > y)
    assert title["text"].startswith("关于")
    assert abs(title["top"] - (y + 2 * LINE)) <= TOL  # 116.4 + 20.5: two 3号 lines


def test_colophon_on_the_bottom_edge_of_an_even_last_page(pdfs):
    """版记: last page, even (the back of the sheet), its last rule on the 版心's bottom edge;
    the rules as wide as the 版心; no page number on it nor on a blank page before it."""
    pages = pdfs[BULLETIN]
    last = pages[-1]
    assert len(pages) % 2 == 0
    texts = [line["text"] for line in last.text_lines]
    assert texts[0].startswith("抄送：市委办公室")
    assert texts[-1] == "邢台市质量强市战略领导小组办公室2025年2月21日印发"
    assert last.number_line is None
    rules = sorted(last.rules, key=lambda r: r["y"])
    assert abs(rules[-1]["y"] - BOTTOM) <= TOL
    for rule in rules:
        assert abs(rule["x0"] - LEFT) <= TOL and abs(rule["x1"] - RIGHT) <= TOL
    before = pages[-2]
    if not before.lines:  # the permitted blank page: no number either
        assert before.number_line is None


def test_page_numbers_7mm_below_the_text_block_on_the_outer_side(pdfs):
    """ "— N —" in 4号 (14 pt = 4.94 mm a character), its top 7 mm below the 版心 (269 mm);
    odd pages right with one character's space (right edge 184 − 4.94), even pages left."""
    char = 14 * 25.4 / 72
    for name, pages in pdfs.items():
        for page in pages:
            line = page.number_line
            if line is None:
                continue
            where = f"{name} p.{page.number}"
            assert line["text"].replace(" ", "") == f"—{page.number}—", where
            assert abs(line["top"] - (BOTTOM + 7)) <= TOL, where
            if page.number % 2:
                assert abs(line["x1"] - (RIGHT - char)) <= TOL, where
            else:
                assert abs(line["x0"] - (LEFT + char)) <= TOL, where


def test_no_heading_is_the_last_line_of_a_page(pdfs):
    """A heading (一、… or （一）…) never ends a page: in the 通报 and all 44 unit reports."""
    names = [BULLETIN, *reports(pdfs)]
    stranded = []
    for name in names:
        for page in pdfs[name][:-1]:
            lines = page.text_lines
            if lines and HEADING.match(lines[-1]["text"]):
                stranded.append(f"{name} p.{page.number}: {lines[-1]['text']}")
    assert stranded == []


def test_no_empty_page_but_the_blank_before_the_colophon(pdfs):
    for name, pages in pdfs.items():
        for i, page in enumerate(pages):
            if page.text_lines:
                continue
            permitted = name == BULLETIN and i == len(pages) - 2
            assert permitted, f"{name} p.{page.number} is empty"
            assert page.number_line is None


def test_signature_and_date_unsealed(pdfs):
    """GB/T 9704 7.3.5.2 (the sample's 加盖印章 is 否 by default): 署名 右空二字, 成文日期 on the
    next line. 署名 邢台市质量强市战略领导小组办公室 is 16 characters, 成文日期 2025年2月20日
    3 characters and 7 digits = 6.5; the date's first character two to the right of the
    署名's: the date ends 16 − 6.5 = 9.5 characters from the right edge."""
    char = WIDTH / 28  # a 3号 character of the grid, 5.57 mm
    for name in (BULLETIN, *[n for n in pdfs if n.endswith("约谈通知书.pdf")]):
        lines = [line for page in pdfs[name] for line in page.text_lines]
        i = next(i for i, line in enumerate(lines) if line["text"].startswith("2025年2月20日"))
        sign, date = lines[i - 1], lines[i]
        assert sign["text"] == "邢台市质量强市战略领导小组办公室", name
        assert abs(sign["x1"] - (RIGHT - 2 * char)) <= TOL, name
        assert abs(date["x1"] - (RIGHT - 9.5 * char)) <= TOL, name
        assert abs(date["top"] - sign["top"] - LINE) <= TOL, name


def test_table_headers_and_cells_break_between_words(pdfs):
    """附件 headers in two balanced lines (重点任务/落实情况, 工作机制与/协同配合), never
    "重点任/务落实/情况"; 一票否决 on one line in 平乡县's 加分、扣分和一票否决事项 table."""
    rows = [line["text"] for page in pdfs[BULLETIN] for line in page.lines]
    assert "完成情况落实情况" in rows  # 县区: 质量目标/完成情况, 质量措施/落实情况
    assert any(row.endswith("重点任务牵头指标工作机制与") for row in rows)
    assert "落实情况完成情况协同配合" in rows
    report = pdfs["平乡县_2024年度考核结果反馈.pdf"]
    cells = [line["text"] for page in report for line in page.lines]
    assert "一票否决" in cells and "一票否" not in cells


def test_attachment_numbers_stand_apart_from_the_titles(pdfs):
    """附件：1．2024年度… (full-width point), never 附件：1.2024年度… (GB/T 9704 7.3.4)."""
    rows = [line["text"] for page in pdfs[BULLETIN] for line in page.lines]
    assert "附件：1．2024年度县（市、区）考核得分表" in rows
    assert "2．2024年度市直部门考核得分表" in rows


@pytest.fixture(scope="module")
def sealed_notice(tmp_path_factory) -> list[Page]:
    """A 约谈通知书 of the sample with 加盖印章: 是."""
    root = tmp_path_factory.mktemp("sealed")
    inputs = root / "inputs"
    shutil.copytree(Path(__file__).resolve().parent.parent / "sample_inputs", inputs)
    issuance = inputs / "2024" / "发文信息.yaml"
    issuance.write_text(issuance.read_text(encoding="utf-8") + "加盖印章: 是\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["score", "2024", "--inputs", str(inputs), "--out", root / "run"]
    )
    assert result.exit_code == 0, result.output
    (notice,) = convert_to_pdf(sorted((root / "run" / "约谈通知书").glob("01_*.docx")))
    with pdfplumber.open(notice) as pdf:
        return [Page(page) for page in pdf.pages]


def test_signature_and_date_sealed(sealed_notice):
    """GB/T 9704 7.3.5.1: 成文日期 右空四字 (ends 184 − 4 × 5.57 = 161.7 mm); the 署名 centred
    over it — 16 characters over 6.5 would pass the right edge (4 + (6.5 − 16) / 2 < 0), so
    it ends on the edge; two blank lines above the 署名 leave room for the seal."""
    char = WIDTH / 28
    lines = [line for page in sealed_notice for line in page.text_lines]
    i = next(i for i, line in enumerate(lines) if line["text"].startswith("2025年2月20日"))
    above, sign, date = lines[i - 2], lines[i - 1], lines[i]
    assert sign["text"] == "邢台市质量强市战略领导小组办公室"
    assert abs(date["x1"] - (RIGHT - 4 * char)) <= TOL
    assert abs(sign["x1"] - RIGHT) <= TOL
    assert abs(sign["top"] - above["top"] - 3 * LINE) <= TOL


def test_a_table_continued_on_a_new_page_starts_on_the_top_edge(pdfs):
    """The 版心's top edge at 37 mm: a table running on to a page draws its top rule there."""
    seen = 0
    for name, pages in pdfs.items():
        for page in pages:
            if not page.rules or not page.text_lines:
                continue
            first_rule = min(rule["y"] for rule in page.rules)
            if first_rule < page.text_lines[0]["top"] and first_rule < TOP + LINE:
                assert abs(first_rule - TOP) <= TOL, f"{name} p.{page.number}"
                seen += 1
    assert seen >= 1  # the sample has tables running on (通报 表1, most reports' 表2)
