"""Build the first versions of the report templates in templates/ (docxtpl, GB/T 9704-2012 layout).

    python tools/build_templates.py            # writes the three files below
    python tools/build_templates.py --out DIR  # writes them to DIR instead
    python tools/build_templates.py --only robustness.docx  # one of them

- templates/bulletin.docx     通报 (red banner, ranking tables, attachments, 版记)
- templates/unit_report.docx  单位报告 (one per assessed unit)
- templates/notice.docx       约谈通知书 (one per summoned unit)
- templates/robustness.docx   稳定性分析 (internal: rank intervals, fragile decisions); its
                              styles are copied from the committed bulletin.docx

The committed .docx files are the source: the office edits them in Word or WPS (wording,
layout, the named styles below) and evalgen renders whatever is there. This script only
records how they were first produced; re-running it overwrites the office's edits.

Every template variable is a key of the contexts declared in `evalgen.documents.context`
(BulletinContext, UnitReportContext, NoticeContext); charts are written `{{ charts.X }}` alone in a centred
paragraph and become pictures at render time. Each Jinja tag is written as one run, so Word
never splits it. docxtpl row, column and paragraph tags (`{%tr %}`, `{%tc %}`, `{%p %}`)
sit alone in their own row, cell or paragraph, which rendering removes.

Page set-up, for all three: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
(text block 156 x 225 mm); document grid 22 lines x 28 characters for 3号 (16 pt); page
numbers "— 1 —" in 4号 宋体, odd pages right and even pages left. Fonts are named only in
styles (w:eastAsia 仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体; digits and Latin in Times
New Roman), never theme fonts, so Word and WPS show the fonts offices expect.

Named styles (restyle them in Word; every paragraph uses one): 公文正文, 主送机关, 公文标题,
一级标题 (黑体), 二级标题 (楷体), 三级标题, 一级标题字符/二级标题字符 (run styles for "一、…："
and "（一）…。" leading a paragraph), 表格文字, 表格文字左对齐, 表格表头, 表格分类行, 表题, 表注, 表后空段,
图片, 图题, 印章空行, 落款, 成文日期, 页码（单页）/页码（双页）; the bulletin adds 发文机关标志, 发文字号,
附件说明, 附件标识, 附表表头, 附表文字, 版记, 版记后空段 (the notice shares its 发文机关标志 and 发文字号).
Tables use the table style 公文表格.

Output is deterministic: the zip is rewritten with `evalgen.outputs.zips.stable_zip`.
"""

from __future__ import annotations

import argparse
import copy
import io
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402
from docx.shared import Twips  # noqa: E402

from evalgen.outputs.zips import stable_zip  # noqa: E402

# -- page geometry (twips: 1/1440 inch) ---------------------------------------------------


def _mm(x: float) -> int:
    return round(x / 25.4 * 1440)


PAGE_W, PAGE_H = _mm(210), _mm(297)
TOP, BOTTOM, LEFT, RIGHT = _mm(37), _mm(35), _mm(28), _mm(26)
TEXT_W = PAGE_W - LEFT - RIGHT  # 156 mm
LINES, CHARS = 22, 28
LINE = (PAGE_H - TOP - BOTTOM) // LINES  # 579 twips = 28.95 pt: 22 lines fill 225 mm
CHAR = TEXT_W / CHARS  # 315.9 twips: 28 characters fill 156 mm
# w:charSpace is the difference between the grid pitch and the 16 pt base font, in 1/4096 pt.
CHAR_SPACE = round((CHAR / 20 - 16) * 4096)
INDENT2 = round(2 * CHAR)  # 首行缩进二字
# 28 characters of 16 pt (158 mm) do not fit in 156 mm: Word squeezes each into its 15.8 pt
# grid cell, LibreOffice gives it two cells and breaks lines early. So paragraphs do not snap
# to the character grid and 3号 text is condensed by 0.5 pt: 28 characters a line everywhere.
CONDENSE = -10

FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = (
    "仿宋_GB2312",
    "黑体",
    "楷体_GB2312",
    "方正小标宋简体",
    "宋体",
)
LATIN = "Times New Roman"
RED = "FF0000"
# 3号 16 pt, 2号 22 pt, 4号 14 pt, 小4 12 pt, 五号 10.5 pt (half-points)
SZ3, SZ2, SZ4, SZ_S4, SZ5 = 32, 44, 28, 24, 21
CN_NUMS = "['一','二','三','四','五','六','七','八','九','十']"

# -- styles --------------------------------------------------------------------------------


def _rpr(font: str, size: int, *, latin: str = LATIN, color: str = "", scale: int = 0) -> str:
    """Run properties naming the fonts explicitly (no theme fonts)."""
    return (
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{font}" w:cs="{latin}"/>'
        + (f'<w:color w:val="{color}"/>' if color else "")
        + (f'<w:spacing w:val="{CONDENSE}"/>' if size == SZ3 else "")
        + (f'<w:w w:val="{scale}"/>' if scale else "")
        + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    )


def _ppr(
    *,
    keep_next: bool = False,
    keep_lines: bool = False,
    page_break: bool = False,
    border: str = "",
    tabs: str = "",
    before: int = 0,
    after: int = 0,
    line: int | None = LINE,
    ind: str = "",
    contextual: bool = False,
    jc: str = "",
    outline: int | None = None,
    autospace: bool = True,
) -> str:
    """Paragraph properties in schema order; line=None is single (auto) spacing.

    No paragraph snaps to the character grid (see CONDENSE); lines are spaced exactly instead.
    """
    spacing = f'w:before="{before}" w:after="{after}"' + (
        f' w:line="{line}" w:lineRule="exact"' if line else ' w:line="240" w:lineRule="auto"'
    )
    return (
        ("<w:keepNext/>" if keep_next else "")
        + ("<w:keepLines/>" if keep_lines else "")
        + ("<w:pageBreakBefore/>" if page_break else "")
        + (f"<w:pBdr>{border}</w:pBdr>" if border else "")
        + (f"<w:tabs>{tabs}</w:tabs>" if tabs else "")
        + ("" if autospace else '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>')
        + '<w:snapToGrid w:val="0"/>'
        + f"<w:spacing {spacing}/>"
        + (f"<w:ind {ind}/>" if ind else "")
        + ("<w:contextualSpacing/>" if contextual else "")
        + (f'<w:jc w:val="{jc}"/>' if jc else "")
        + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
    )


FIRST2 = f'w:firstLineChars="200" w:firstLine="{INDENT2}"'
NO_INDENT = 'w:firstLineChars="0" w:firstLine="0"'


def _style(sid: str, name: str, rpr: str, based: str = "Normal", **ppr) -> tuple:
    """A paragraph style: (type, id, name, based on, pPr, rPr); no indent unless given."""
    ppr.setdefault("ind", NO_INDENT)
    return ("paragraph", sid, name, based, _ppr(**ppr), rpr)


def _common_styles(table_size: int) -> list[tuple]:
    """The named styles of all three documents; table text in `table_size` half-points."""
    body, hei, kai = _rpr(FANGSONG, SZ3), _rpr(HEITI, SZ3), _rpr(KAITI, SZ3)
    cell, cell_hei = _rpr(FANGSONG, table_size), _rpr(HEITI, table_size)
    heading = {"keep_next": True, "keep_lines": True, "ind": FIRST2, "jc": "both"}
    single = {"line": None}
    songti = _rpr(SONGTI, SZ4, latin=SONGTI)
    return [
        _style("GwBody", "公文正文", body, ind=FIRST2, jc="both"),
        _style("GwTo", "主送机关", body, jc="both"),
        _style(
            "GwTitle", "公文标题", _rpr(XIAOBIAOSONG, SZ2), keep_next=True, after=LINE, jc="center"
        ),
        _style("GwH1", "一级标题", hei, "GwBody", outline=0, **heading),
        _style("GwH2", "二级标题", kai, "GwBody", outline=1, **heading),
        _style("GwH3", "三级标题", body, "GwBody", outline=2, **heading),
        ("character", "GwH1Char", "一级标题字符", None, "", hei),
        ("character", "GwH2Char", "二级标题字符", None, "", kai),
        _style("GwTableText", "表格文字", cell, jc="center", **single),
        _style("GwTableLeft", "表格文字左对齐", cell, "GwTableText", jc="left", **single),
        _style("GwTableHead", "表格表头", cell_hei, "GwTableText", jc="center", **single),
        _style(
            "GwTableGroup",
            "表格分类行",
            cell_hei,
            "GwTableText",
            keep_next=True,
            jc="left",
            **single,
        ),
        _style(
            "GwTableCaption",
            "表题",
            _rpr(HEITI, SZ4),
            keep_next=True,
            before=120,
            after=60,
            jc="center",
            **single,
        ),
        _style("GwAfterTable", "表后空段", _rpr(FANGSONG, 2), line=20),
        _style("GwTableNote", "表注", _rpr(FANGSONG, SZ_S4), before=60, jc="both", **single),
        _style("GwFigure", "图片", body, keep_next=True, before=120, jc="center", **single),
        _style("GwFigureCaption", "图题", _rpr(HEITI, SZ4), after=120, jc="center", **single),
        _style(
            "GwSignature",
            "落款",
            body,
            keep_next=True,
            keep_lines=True,
            before=LINE,
            jc="right",
            autospace=False,  # no extra space between 汉字 and digits: widths as computed
        ),
        _style("GwSealSpace", "印章空行", body, keep_next=True),
        _style("GwDate", "成文日期", body, keep_lines=True, jc="right", autospace=False),
        _style(
            "GwPageOdd", "页码（单页）", songti, ind=f'w:right="{SZ4 * 10}"', jc="right", **single
        ),
        _style(
            "GwPageEven", "页码（双页）", songti, ind=f'w:left="{SZ4 * 10}"', jc="left", **single
        ),
    ]


def _bulletin_styles() -> list[tuple]:
    """Styles only the bulletin needs: 版头, 附件, 版记."""
    body = _rpr(FANGSONG, SZ3)
    # 附件：1．title — wrapped lines align with the title (2 + 3 + ½ + 1 characters in).
    # The full-width point keeps the number apart from a title starting with digits
    # ("1.2024年度" would read as the number 1.2024).
    note_left = round(6.5 * CHAR)
    ch14 = SZ4 * 10  # one 4号 character, in twips
    # 4 mm below the 发文字号's characters (w:space in points, from the exact line's bottom).
    red_rule = f'<w:bottom w:val="single" w:sz="12" w:space="5" w:color="{RED}"/>'
    return [
        _style(
            "GwBanner",
            "发文机关标志",
            _rpr(XIAOBIAOSONG, 52, color=RED, scale=85),
            # 35 mm to the top edge of the characters: a CJK face's line (single spacing) starts
            # above its em box, by 1.7 mm at 26 pt with Noto Sans CJK (measured in the PDF).
            before=_mm(35 - 1.7),
            line=None,
            jc="center",
        ),
        _style(
            "GwDocNumber",
            "发文字号",
            body,
            keep_next=True,
            border=red_rule,
            before=2 * LINE,
            after=2 * LINE,
            jc="center",
        ),
        _style(
            "GwAttachNote",
            "附件说明",
            body,
            keep_next=True,
            before=LINE,  # 正文下空一行; not between the lines of the note (contextual)
            ind=f'w:left="{note_left}" w:hanging="{note_left - INDENT2}"',
            contextual=True,
            jc="left",
        ),
        _style(
            "GwAttachLabel",
            "附件标识",
            _rpr(HEITI, SZ3),
            page_break=True,
            keep_next=True,
            after=LINE,
            jc="left",
        ),
        # 小五 (9 pt): five characters a line in a category column (HALVES).
        _style("GwAnnexHead", "附表表头", _rpr(HEITI, 18), "GwTableText", jc="center", line=None),
        _style(
            "GwAnnexText", "附表文字", _rpr(FANGSONG, SZ5), "GwTableText", jc="center", line=None
        ),
        _style(
            "GwColophon",
            "版记",
            _rpr(FANGSONG, SZ4),
            tabs=f'<w:tab w:val="right" w:pos="{TEXT_W - ch14}"/>',
            ind=f'w:left="{4 * ch14}" w:right="{ch14}" w:hanging="{3 * ch14}"',
            jc="left",
        ),
        _style("GwColophonEnd", "版记后空段", _rpr(FANGSONG, 2), line=20),
    ]


def _report_styles() -> list[tuple]:
    return []


def _notice_styles() -> list[tuple]:
    number = _rpr(FANGSONG, SZ3)
    return [
        _style("GwNoticeNumber", "文书编号", number, keep_next=True, after=LINE // 2, jc="center")
    ]


def _banner_styles() -> list[tuple]:
    """The bulletin's 版头 styles (发文机关标志, 发文字号 with its red rule), as the bulletin has them."""
    return [style for style in _bulletin_styles() if style[1] in _BANNER_STYLES]


_BANNER_STYLES = ("GwBanner", "GwDocNumber")


def _banner(doc, number: str) -> None:
    """版头: the red 发文机关标志, then the 发文字号 over the red rule (the rule even without one)."""
    _p(doc, "发文机关标志", "{{ doc.banner }}")
    _p(doc, "发文字号", number)


_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Header", "Footer"}


def _setup_styles(doc, extra: list[tuple]) -> None:
    """Prune python-docx's English styles, drop theme fonts, define the named 公文 styles."""
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in _KEEP_STYLES:
            styles.remove(style)
        else:
            for tag in ("w:link", "w:rsid"):
                for el in style.findall(qn(tag)):
                    style.remove(el)
    # Defaults: 仿宋_GB2312 3号, Chinese language, no spacing after.
    defaults = styles.find(qn("w:docDefaults"))
    defaults.getparent().replace(
        defaults,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>{_rpr(FANGSONG, SZ3)}"
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            "<w:pPrDefault><w:pPr>"
            f'<w:spacing w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    normal = next(s for s in styles.findall(qn("w:style")) if s.get(qn("w:styleId")) == "Normal")
    for tag in ("w:pPr", "w:rPr"):
        for el in normal.findall(qn(tag)):
            normal.remove(el)
    normal.append(parse_xml(f"<w:pPr {nsdecls('w')}>{_ppr(jc='both')}</w:pPr>"))
    normal.append(parse_xml(f"<w:rPr {nsdecls('w')}>{_rpr(FANGSONG, SZ3)}</w:rPr>"))
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) in ("Header", "Footer"):
            for el in style.findall(qn("w:rPr")):
                style.remove(el)
    table = (
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="GwTable">'
        '<w:name w:val="公文表格"/><w:basedOn w:val="TableNormal"/><w:qFormat/>'
        '<w:tblPr><w:jc w:val="center"/><w:tblBorders>'
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="57" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    )
    styles.append(parse_xml(table))
    for kind, sid, name, based, ppr, rpr in extra:
        xml = (
            f'<w:style {nsdecls("w")} w:type="{kind}" w:customStyle="1" w:styleId="{sid}">'
            f'<w:name w:val="{name}"/>'
            + (f'<w:basedOn w:val="{based}"/>' if based else "")
            + ('<w:next w:val="GwBody"/>' if kind == "paragraph" else "")
            + "<w:qFormat/>"
            + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "")
            + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "")
            + "</w:style>"
        )
        styles.append(parse_xml(xml))
    _strip_theme_fonts(styles)


_THEME_ATTRS = [qn(f"w:{a}") for a in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")]


def _strip_theme_fonts(root) -> None:
    for fonts in root.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            fonts.attrib.pop(attr, None)


# -- document set-up -----------------------------------------------------------------------


def _new_document(extra_styles: list[tuple], table_size: int):
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _drop_parts(doc)
    _setup_styles(doc, _common_styles(table_size) + extra_styles)
    _strip_theme_fonts(doc.part.numbering_part.element)
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True
    core = doc.core_properties
    core.author = core.last_modified_by = "evalgen"
    core.title = core.subject = core.keywords = core.comments = ""
    core.revision = 1

    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.top_margin, section.bottom_margin = Twips(TOP), Twips(BOTTOM)
    section.left_margin, section.right_margin = Twips(LEFT), Twips(RIGHT)
    section.header_distance, section.footer_distance = Twips(_mm(15)), Twips(_mm(22))
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    for footer, style in (
        (section.footer, "页码（单页）"),
        (section.even_page_footer, "页码（双页）"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles[style]
        _page_number(paragraph)
    return doc


def _issued_properties(doc):
    """Document properties of an issued document (its context has `title` and `doc`),
    rendered by docxtpl: the title and the 发文机关 as author; the dates are its 成文日期
    (set at render time, evalgen.documents.render.document_date)."""
    core = doc.core_properties
    core.author, core.title = "{{ doc.issuer }}", "{{ title }}"
    return doc


def _drop_parts(doc) -> None:
    """Drop python-docx's leftovers that name theme fonts or show a stale preview."""
    for rel in list(doc.part.rels.values()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel.rId)
    package = doc.part.package
    for rel in list(package.rels.values()):
        if rel.reltype in (RT.THUMBNAIL,):
            package.rels.pop(rel.rId)


def _page_number(paragraph) -> None:
    """— 1 —: em dash, space, PAGE field, space, em dash."""
    p = paragraph._p
    runs = (
        '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
    )
    for run in parse_xml(f"<w:p {nsdecls('w')}>{runs}</w:p>"):
        p.append(copy.deepcopy(run))


# -- content helpers -----------------------------------------------------------------------


def _p(container, style: str, *runs):
    """A paragraph of runs: each run is text, or (text, character style). One tag per run."""
    paragraph = container.add_paragraph(style=style)
    _runs(paragraph, runs)
    return paragraph


def _runs(paragraph, runs) -> None:
    for run in runs:
        text, char_style = (run, None) if isinstance(run, str) else run
        paragraph.add_run(text, style=char_style)


def _tag(container, tag: str):
    """A paragraph holding only a docxtpl {%p ... %} tag (rendering removes it)."""
    return _p(container, "公文正文", "{%p " + tag + " %}")


def _each(doc, items: str, style: str, var: str = "para") -> None:
    """One paragraph in `style` per item of the list `items` (a Jinja loop of paragraphs)."""
    _tag(doc, f"for {var} in {items}")
    _p(doc, style, "{{ " + var + " }}")
    _tag(doc, "endfor")


def _table(
    doc,
    widths_mm: list[float],
    rows: list,
    *,
    header_rows: int = 1,
    styles: tuple[str, str] = ("表格表头", "表格文字"),
    cell_widths: bool = True,
    spacer: bool = True,
):
    """A centred, full-width table of fixed layout; rows of cells, each cell text or a tuple.

    With `spacer`, a 1 pt paragraph (表后空段) follows the table: LibreOffice does not keep a
    heading that directly follows a table with the paragraph after it, so the heading could
    end a page; after the spacer it is kept with its text.

    A row given as a str is a docxtpl row tag ({%tr ... %}), as a tuple (text, style) a row
    of one cell across the table. A cell is text (表格文字 style) or (text, paragraph style).
    """
    widths = [_mm(w) for w in widths_mm]
    widths[-1] += TEXT_W - sum(widths)
    table = doc.add_table(rows=len(rows), cols=len(widths))
    tbl = table._tbl
    tbl.remove(tbl.tblPr)
    tbl.insert(
        0,
        parse_xml(
            f'<w:tblPr {nsdecls("w")}><w:tblStyle w:val="GwTable"/>'
            f'<w:tblW w:w="{TEXT_W}" w:type="dxa"/><w:jc w:val="center"/>'
            '<w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        ),
    )
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))
    for i, (row, spec) in enumerate(zip(table.rows, rows, strict=True)):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        if i < header_rows:
            tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        if isinstance(spec, str | tuple):
            cell = row.cells[0].merge(row.cells[-1])
            _cell(cell, spec if isinstance(spec, tuple) else (spec, "表格文字左对齐"))
            continue
        for cell, width, content in zip(row.cells, widths, spec, strict=True):
            if cell_widths:
                cell.width = Twips(width)
            else:
                cell._tc.tcPr.remove(cell._tc.tcPr.find(qn("w:tcW")))
            default = styles[0] if i < header_rows else styles[1]
            _cell(cell, content if isinstance(content, tuple) else (content, default))
    if spacer:
        _p(doc, "表后空段")
    return table


def _cell(cell, content: tuple) -> None:
    text, style = content
    paragraph = cell.paragraphs[0]
    paragraph.style = cell.part.document.styles[style]
    if text:
        paragraph.add_run(text)
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(parse_xml(f'<w:vAlign {nsdecls("w")} w:val="center"/>'))


def _figure(doc, chart: str, caption: str) -> None:
    _p(doc, "图片", "{{ " + chart + " }}")
    _p(doc, "图题", caption)


def _numbered(doc, items: str, text: str) -> None:
    """1. 2. … paragraphs from a list."""
    _tag(doc, f"for it in {items}")
    _p(doc, "公文正文", "{{ loop.index }}." + text)
    _tag(doc, "endfor")


def _signature(doc) -> None:
    """署名 and 成文日期, GB/T 9704 7.3.5: a blank line after the text (7.3.5.2), one more
    for the seal when it is sealed (7.3.5.1: the seal's top within a line of the text, the
    署名 and date below its centre); both right-aligned, the padding after each (from
    `evalgen.documents.signature`) setting how far it stays from the right edge."""
    _tag(doc, "if doc.seal")
    _p(doc, "印章空行")
    _tag(doc, "endif")
    for style, text in (
        ("落款", "{{ doc.issuer }}{{ doc.sign_pad }}"),
        ("成文日期", "{{ doc.date }}{{ doc.date_pad }}"),
    ):
        p_pr = _p(doc, style, text)._p.get_or_add_pPr()
        # No extra space between 汉字 and digits (Word honours it; LibreOffice 7.4 does not).
        p_pr.insert(1, parse_xml(f'<w:autoSpaceDE {nsdecls("w")} w:val="0"/>'))
        p_pr.insert(2, parse_xml(f'<w:autoSpaceDN {nsdecls("w")} w:val="0"/>'))


# -- the three documents -------------------------------------------------------------------


# A category's name in two balanced lines (重点任务/落实情况, 工作机制与/协同配合): a table
# cell breaks Chinese anywhere, so a column a few characters wide would cut a word.
HALVES = (
    "{{ c[:(c|length + 1) // 2] if c|length is gt 5 else c }}\n"
    "{{ c[(c|length + 1) // 2:] if c|length is gt 5 else '' }}"
)


def build_bulletin():
    """通报: 版头, 正文 (一至六), 附件说明, 落款, 附件 pages, 版记 at the foot of the last page."""
    doc = _issued_properties(_new_document(_bulletin_styles(), SZ_S4))
    _banner(doc, "{{ doc.number }}")
    _p(doc, "公文标题", "{{ title }}")
    _p(doc, "主送机关", "{{ doc.to }}：")
    _p(doc, "公文正文", "{{ intro }}")

    _p(doc, "一级标题", "一、总体情况")
    _each(doc, "overview", "公文正文")
    _figure(doc, "charts.grades", "{{ figures.grades }}")

    _p(doc, "一级标题", "二、考核结果")
    _tag(doc, "for g in groups")
    _p(doc, "二级标题", "{{ g.heading }}")
    _each(doc, "g.grade_lines", "公文正文", "line")
    _p(doc, "表题", "表{{ loop.index }}　{{ g.name }}考核结果排名")
    _table(
        doc,
        [14, 50, 20, 28, 20, 24],
        [
            ["名次", "单位", "总分", "等次", "较上年", "备注"],
            "{%tr for r in g.rows %}",
            ["{{ r.rank }}", "{{ r.unit }}", "{{ r.total }}", "{{ r.grade }}"]
            + ["{{ r.change }}", "{{ r.note }}"],
            "{%tr endfor %}",
        ],
    )
    # After the table, which may break across pages: a chart that does not fit the rest of
    # a page would leave it blank.
    _figure(doc, "charts[g.chart]", "{{ figures[g.chart] }}")
    _tag(doc, "endfor")

    _p(doc, "一级标题", "三、需书面报告并限期整改的单位")
    _p(doc, "公文正文", "{{ rectify.intro }}")
    _numbered(doc, "rectify.units", "{{ it.unit }}：{{ it.reason }}。")
    _p(doc, "一级标题", "四、约谈单位")
    _p(doc, "公文正文", "{{ summon.intro }}")
    _numbered(doc, "summon.units", "{{ it.unit }}：{{ it.reason }}。")
    _p(doc, "一级标题", "五、存在的主要问题")
    _numbered(doc, "problems", "{{ it }}")
    _p(doc, "一级标题", "六、下一步工作要求")
    _tag(doc, "for it in requirements")
    _p(
        doc,
        "公文正文",
        ("（{{ " + CN_NUMS + "[loop.index0] }}）{{ it.title }}。", "二级标题字符"),
        "{{ it.text }}",
    )
    _tag(doc, "endfor")
    _bulletin_milestones(doc)

    _tag(doc, "for a in attachments")
    _p(
        doc,
        "附件说明",
        "{% if loop.first %}附件：{% else %}　　　{% endif %}",
        "{{ a.number }}．{{ a.title }}",
    )
    _tag(doc, "endfor")
    _signature(doc)

    _tag(doc, "for a in attachments")
    _p(doc, "附件标识", "附件{{ a.number }}")
    _p(doc, "公文标题", "{{ a.title }}")
    # The category columns vary (县区 2, 部门 3): a {%tc %} loop over the middle columns.
    # docxtpl fits the grid to the rendered cells by dropping or adding columns at the
    # right-hand end, so the loop cell and the columns after it share one width, and the cells
    # carry no width of their own: the grid is then right for any number of categories.
    _table(
        doc,
        # Widths from content: 名次 two characters; 单位 nine of 五号 (人行邢台市中心支行);
        # three category columns of five characters of 小五 (the most in the sample model,
        # 部门); 加分, 扣分, 总分 "100.00" and 等次. With two categories (县区) docxtpl drops
        # the last column and shares its width; with more it adds columns of the average.
        [9, 36, 18, 18, 18] + [14.25] * 4,
        [
            ["名次", "单位", "{%tc for c in a.columns[2:-4] %}", HALVES, "{%tc endfor %}"]
            + ["加分", "扣分", "总分", "等次"],
            "{%tr for r in a.rows %}",
            ["{{ r[0] }}", "{{ r[1] }}", "{%tc for v in r[2:-4] %}", "{{ v }}", "{%tc endfor %}"]
            + ["{{ r[-4] }}", "{{ r[-3] }}", "{{ r[-2] }}", "{{ r[-1] }}"],
            "{%tr endfor %}",
        ],
        styles=("附表表头", "附表文字"),
        cell_widths=False,
    )
    _p(doc, "表注", "{{ a.note }}")
    _tag(doc, "endfor")
    _colophon(doc)
    return doc


def _bulletin_milestones(doc) -> None:
    """七、节点目标推进情况 (issue 16): sentences, the at-risk items, the `milestones` chart and
    a table — only when the model has milestones (`documents.milestones`)."""
    _tag(doc, "if milestones")
    _p(doc, "一级标题", "七、质量强市建设节点目标推进情况")
    _each(doc, "milestones.paragraphs", "公文正文")
    _numbered(doc, "milestones.lines", "{{ it }}")
    _p(doc, "公文正文", "{{ milestones.closing }}")
    _tag(doc, "if milestones.chart")
    _figure(doc, "charts[milestones.chart]", "{{ milestones.figure }}")
    _tag(doc, "endif")
    _p(doc, "表题", "{{ milestones.table }}")
    left = "表格文字左对齐"
    _table(
        doc,
        [34, 36, 26, 30, 30],
        [
            ["指标", "历年实际", "节点目标", "每年需提高", "研判"],
            "{%tr for r in milestones.rows %}",
            [("{{ r.name }}", left), ("{{ r.history }}", left), "{{ r.target }}"]
            + ["{{ r.need }}", "{{ r.status }}"],
            "{%tr endfor %}",
        ],
    )
    _p(doc, "表注", "{{ milestones.note }}")
    _tag(doc, "endif")


def _colophon(doc) -> None:
    """版记: 抄送 and 印发 lines between rules, alone on the last page, its last rule on the
    bottom edge of the text block; the last page is even (the back of the last sheet).

    A final section starting on an even page holds the 版记 in its even-page footer, whose
    bottom is the bottom edge of the text block (footer distance = bottom margin, 35 mm):
    Word, WPS and LibreOffice all grow a footer upwards from there. Neither that page nor a
    blank page before it carries a page number (GB/T 9704 7.5). LibreOffice ignores both a
    floating table anchored to the bottom margin and the section's vertical alignment
    (`w:vAlign`), so neither is used.
    """
    from docx.enum.section import WD_SECTION

    last = doc.add_section(WD_SECTION.EVEN_PAGE)
    doc.paragraphs[-1].style = doc.styles["版记后空段"]  # the break after the last attachment
    last.bottom_margin = last.footer_distance = Twips(BOTTOM)
    for footer in (last.footer, last.even_page_footer):
        footer.is_linked_to_previous = False
    table = _table(
        doc,
        [156],
        [
            "{%tr if doc.cc %}",
            [("抄送：{{ doc.cc }}。", "版记")],
            "{%tr endif %}",
            [("{{ doc.printer }}\t{{ doc.print_date }}印发", "版记")],
        ],
        header_rows=0,
        spacer=False,
    )
    tbl_pr = table._tbl.tblPr
    thick, thin = 'w:val="single" w:sz="8" w:space="0"', 'w:val="single" w:sz="4" w:space="0"'
    borders = (
        f'<w:tblBorders {nsdecls("w")}><w:top {thick} w:color="000000"/>'
        '<w:left w:val="nil"/>'
        f'<w:bottom {thick} w:color="000000"/><w:right w:val="nil"/>'
        f'<w:insideH {thin} w:color="000000"/><w:insideV w:val="nil"/></w:tblBorders>'
    )
    tbl_pr.insert(tbl_pr.index(tbl_pr.find(qn("w:jc"))) + 1, parse_xml(borders))
    tbl_pr.insert(
        tbl_pr.index(tbl_pr.find(qn("w:tblLayout"))) + 1,
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
            '<w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        ),
    )
    footer = last.even_page_footer._element
    footer.insert(0, table._tbl)  # before the footer's own (last) paragraph
    last.even_page_footer.paragraphs[-1].style = doc.styles["版记后空段"]
    _p(doc, "版记后空段")  # the last section's body: one empty paragraph


def build_unit_report():
    """单位报告, a feedback letter: 主送, opening, result (with the trend chart), indicator
    details (with the attainment chart), key tasks, N/A and adjustments, gaps, follow-ups,
    特此反馈。 and the signature. Headings come numbered from the context (`headings`)."""
    doc = _issued_properties(_new_document(_report_styles(), SZ5))
    # Unit name on its own line: the full title is a little over one line at 2号.
    title = _p(doc, "公文标题", "{{ unit }}")
    title.runs[0].add_break()
    _runs(title, ["{{ subject }}"])
    _p(doc, "主送机关", "{{ addressee }}")
    _p(doc, "公文正文", "{{ opening }}")

    _p(doc, "一级标题", "{{ headings.result }}")
    _p(doc, "公文正文", "{{ headline }}")
    _p(doc, "表题", "表1　考核结果")
    keys = ["total", "grade", "rank", "change", "base", "bonus", "penalty"]
    _table(
        doc,
        [22, 24, 20, 24, 24, 21, 21],
        [
            ["总分", "等次", "名次", "较上年", "指标得分", "加分", "扣分"],
            ["{{ summary." + k + " }}" for k in keys],
        ],
    )
    _figure(doc, "charts.trend", "图1　历年总分和名次")

    _p(doc, "一级标题", "{{ headings.details }}")
    _p(doc, "表题", "表2　指标得分明细")
    left = "表格文字左对齐"
    # Each category opens with a row of its own (r.category is set on its first indicator).
    _table(
        doc,
        [60, 20, 19, 18, 13, 13, 13],
        [
            ["指标", "完成值", "目标值", "计分规则", "分值", "得分", "失分"],
            "{%tr for r in rows %}",
            "{%tr if r.category %}",
            ("{{ r.category }}", "表格分类行"),
            "{%tr endif %}",
            [("{{ r.name }}", left), "{{ r.value }}", "{{ r.target }}", "{{ r.rule }}"]
            + ["{{ r.points }}", "{{ r.score }}", "{{ r.lost }}"],
            "{%tr endfor %}",
        ],
    )
    _tag(doc, "if tasks")
    _p(doc, "表题", "表3　重点任务完成情况")
    _table(
        doc,
        [14, 92, 25, 25],
        [
            ["序号", "任务", "责任类型", "完成得分"],
            "{%tr for t in tasks %}",
            ["{{ t.no }}", ("{{ t.name }}", left), "{{ t.role }}", "{{ t.score }}"],
            "{%tr endfor %}",
        ],
    )
    _tag(doc, "endif")
    _figure(doc, "charts.attainment", "图2　各项指标得分率与组内平均")

    _p(doc, "一级标题", "{{ headings.adjustments }}")
    _tag(doc, "if not_applicable")
    _each(doc, "not_applicable", "公文正文", "it")
    _tag(doc, "else")
    _p(doc, "公文正文", "本年度无不适用指标。")
    _tag(doc, "endif")
    _tag(doc, "if adjustments")
    _p(doc, "表题", "表{{ 4 if tasks else 3 }}　加分、扣分和一票否决事项")
    _table(
        doc,
        [19, 50, 16, 71],  # 类型 holds 一票否决 on one line (four characters of 五号 + margins)
        [
            ["类型", "事项", "分值", "依据"],
            "{%tr for a in adjustments %}",
            ["{{ a.kind }}", ("{{ a.name }}", left), "{{ a.points }}", ("{{ a.basis }}", left)],
            "{%tr endfor %}",
        ],
    )
    _tag(doc, "else")
    _p(doc, "公文正文", "本年度无加分、扣分和一票否决事项。")
    _tag(doc, "endif")

    _p(doc, "一级标题", "{{ headings.gaps }}")
    _each(doc, "praise", "公文正文", "it")
    _tag(doc, "for it in fixes")
    # numbered (一)(二)… when there are several; a single gap is not numbered
    number = "{% if fixes|length > 1 %}（{{ " + CN_NUMS + "[loop.index0] }}）{% endif %}"
    _p(doc, "公文正文", (number + "{{ it.title }}。", "二级标题字符"), "{{ it.text }}")
    _tag(doc, "endfor")
    # From the small losses on, each paragraph keeps with the next (a few short lines), so
    # the signature's page carries text as GB/T 9704 asks.
    _tag(doc, "if minor")
    minor = _p(doc, "公文正文", "{{ '此外，' if fixes else '' }}{{ minor }}")
    minor.paragraph_format.keep_with_next = True
    _tag(doc, "endif")
    _tag(doc, "if not fixes and not minor and not praise")
    _p(doc, "公文正文", "各项指标均已达到要求，请继续保持。").paragraph_format.keep_with_next = True
    _tag(doc, "endif")
    _tag(doc, "if triggers")
    _p(doc, "一级标题", "{{ headings.triggers }}")
    _tag(doc, "for it in triggers")
    _p(doc, "公文正文", "{{ loop.index }}.{{ it }}").paragraph_format.keep_with_next = True
    _tag(doc, "endfor")
    _tag(doc, "endif")
    _appeals_section(doc)
    # the closing keeps with the signature, so that no page holds the signature alone
    _p(doc, "公文正文", "特此反馈。").paragraph_format.keep_with_next = True
    _signature(doc)
    _sources_block(doc)
    return doc


def _sources_block(doc) -> None:
    """附：数据来源 (issue 13), on a page of its own after the signature: the returned file
    and cell of each figure; only for a year merged by `evalgen collect`."""
    _tag(doc, "if sources.rows")
    _p(doc, "公文正文", "附：数据来源").paragraph_format.page_break_before = True
    _p(doc, "公文正文", "{{ sources.intro }}")
    _table(
        doc,
        [62, 62, 32],
        [
            ["指标或事项", "报送文件", "单元格"],
            "{%tr for s in sources.rows %}",
            [
                ("{{ s.item }}", "表格文字左对齐"),
                ("{{ s.file }}", "表格文字左对齐"),
                "{{ s.cell }}",
            ],
            "{%tr endfor %}",
        ],
    )
    _tag(doc, "endif")


def _appeals_section(doc) -> None:
    """复核情况 (issue 14): the unit's appeals with 结论 and 依据, after the last section."""
    _tag(doc, "if appeals.rows")
    _p(doc, "一级标题", "{{ headings.appeals }}")
    _p(doc, "公文正文", "{{ appeals.intro }}")
    _table(
        doc,
        [22, 32, 36, 28, 38],
        [
            ["编号", "复核事项", "申请内容", "复核结论", "依据"],
            "{%tr for a in appeals.rows %}",
            ["{{ a.number }}", ("{{ a.item }}", "表格文字左对齐")]
            + [("{{ a.request }}", "表格文字左对齐"), "{{ a.result }}"]
            + [("{{ a.basis }}", "表格文字左对齐")],
            "{%tr endfor %}",
        ],
    )
    _tag(doc, "endif")


def build_notice():
    """约谈通知书: reasons with figures, then time, place, attendees, materials, contact."""
    doc = _issued_properties(_new_document(_banner_styles(), SZ_S4))
    _banner(doc, "{{ number }}")
    _p(doc, "公文标题", "{{ title }}")
    _p(doc, "主送机关", "{{ addressee }}")
    _p(doc, "公文正文", "{{ intro }}")
    _numbered(doc, "reasons", "{{ it }}{{ '。' if loop.last else '；' }}")
    _p(doc, "公文正文", "{{ decision }}")
    h1 = "一级标题字符"
    _p(doc, "公文正文", ("一、约谈时间：", h1), "{{ time }}。")
    _p(doc, "公文正文", ("二、约谈地点：", h1), "{{ place }}。")
    _p(doc, "公文正文", ("三、参加人员：", h1), "{{ attendees }}。")
    # The materials run on in one paragraph (saves lines so a notice fits one page), and the
    # last lines keep with the signature, so that no page holds the signature alone.
    items = (
        "{% for it in materials %}（{{ " + CN_NUMS + "[loop.index0] }}）{{ it }}"
        "{{ '。' if loop.last else '；' }}{% endfor %}{{ materials_deadline }}"
    )
    _p(doc, "公文正文", ("四、需提交材料：", h1), items).paragraph_format.keep_with_next = True
    _tag(doc, "if contact")
    _p(
        doc, "公文正文", ("五、联系人：", h1), "{{ contact }}。"
    ).paragraph_format.keep_with_next = True
    _tag(doc, "endif")
    _signature(doc)
    return doc


def _robustness_styles() -> list[tuple]:
    return [_style("GwMark", "密级", _rpr(HEITI, SZ3), after=LINE // 2, jc="left")]


def _copy_styles(doc, source: Path) -> None:
    """Replace the styles `doc` shares with the committed `source` template by the source's
    own (the office's edits of fonts and spacing carry over); keep the rest."""
    with zipfile.ZipFile(source) as zf:
        theirs = parse_xml(zf.read("word/styles.xml"))
    ours = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in theirs.findall(qn("w:style"))}
    for style in ours.findall(qn("w:style")):
        other = by_id.get(style.get(qn("w:styleId")))
        if other is not None:
            ours.replace(style, copy.deepcopy(other))
    defaults = theirs.find(qn("w:docDefaults"))
    ours.replace(ours.find(qn("w:docDefaults")), copy.deepcopy(defaults))
    _strip_theme_fonts(ours)


def build_robustness(source: Path | None = None):
    """稳定性分析: 内部资料 mark, title, summary, a rank-interval chart per group, the fragile
    decisions as sentences and a table, what the figures mean. Not for publication."""
    doc = _new_document(_robustness_styles(), SZ5)
    _copy_styles(doc, source or ROOT / "templates" / "bulletin.docx")
    _p(doc, "密级", "{{ marking }}")
    _p(doc, "公文标题", "{{ title }}")
    _p(doc, "一级标题", "一、基本情况")
    _each(doc, "summary", "公文正文")

    _p(doc, "一级标题", "二、各组名次区间")
    _p(doc, "公文正文", "{{ chart_note }}")
    _tag(doc, "for g in groups")
    _p(doc, "二级标题", "{{ g.heading }}")
    _p(doc, "公文正文", "{{ g.text }}")
    _figure(doc, "charts[g.chart]", "图{{ loop.index }}　{{ g.name }}名次区间")
    _tag(doc, "endfor")

    _p(doc, "一级标题", "三、不稳健的决定")
    _tag(doc, "if fragile")
    _p(doc, "公文正文", "{{ fragile_intro }}")
    _numbered(doc, "fragile", "{{ it.unit }}（{{ it.decision }}）：{{ it.sentence }}。")
    _p(doc, "表题", "表1　不稳健的决定")
    left = "表格文字左对齐"
    _table(
        doc,
        [30, 12, 24, 18, 44, 12, 16],
        [
            ["单位", "决定", "正式结果", "保持概率", "最敏感指标", "分值", "翻转分值"],
            "{%tr for r in fragile %}",
            [("{{ r.unit }}", left), "{{ r.decision }}", "{{ r.nominal }}", "{{ r.p_nominal }}"]
            + [("{{ r.indicator }}", left), "{{ r.points }}", "{{ r.flip_points }}"],
            "{%tr endfor %}",
        ],
    )
    _p(doc, "表注", "{{ table_note }}")
    _tag(doc, "else")
    _p(doc, "公文正文", "{{ fragile_intro }}")
    _tag(doc, "endif")

    _p(doc, "一级标题", "四、有关说明")
    _numbered(doc, "notes", "{{ it }}")
    return doc


# -- evalgen progress: the 定期通报 and the 督办单 ------------------------------------------------


def build_progress():
    """定期通报 (关于2025年上半年质量强市建设工作进展情况的通报): the bulletin's 版头, styles,
    落款 and 版记; 正文 一 总体情况 (chart), 二 进度滞后的单位和指标, 三 重点任务推进情况
    (table), 四 节点目标进展 (chart, table), 五 工作要求."""
    doc = _issued_properties(_new_document(_bulletin_styles(), SZ_S4))
    _banner(doc, "{{ doc.number }}")
    _p(doc, "公文标题", "{{ title }}")
    _p(doc, "主送机关", "{{ doc.to }}：")
    _p(doc, "公文正文", "{{ intro }}")
    _p(doc, "一级标题", "一、总体情况")
    _each(doc, "overview", "公文正文")
    _figure(doc, "charts.status", "图1　年内跟踪指标进度情况")
    _p(doc, "一级标题", "二、进度滞后的单位和指标")
    _tag(doc, "for g in groups")
    _p(doc, "二级标题", "{{ g.heading }}")
    _p(doc, "公文正文", "{{ g.text }}")
    _numbered(doc, "g.lines", "{{ it }}")
    _tag(doc, "endfor")
    _p(doc, "一级标题", "三、重点任务推进情况")
    _p(doc, "公文正文", "{{ tasks_text }}")
    _numbered(doc, "lagging_tasks", "{{ it }}。")
    _p(doc, "表题", "表1　重点任务推进情况")
    left = "表格文字左对齐"
    _table(
        doc,
        [12, 54, 36, 28, 26],
        [
            ["序号", "任务", "牵头单位", "进展", "完成/推进/未启动"],
            "{%tr for r in task_rows %}",
            ["{{ r.no }}", ("{{ r.name }}", left), ("{{ r.lead }}", left)]
            + ["{{ r.status }}", "{{ r.counts }}"],
            "{%tr endfor %}",
        ],
    )
    _p(doc, "表注", "注：进展按各责任单位报送汇总；有责任单位未启动的任务标注“滞后”。")
    _p(doc, "一级标题", "四、节点目标进展")
    _p(doc, "公文正文", "{{ milestone_text }}")
    _figure(doc, "charts.milestones", "图2　节点目标进展")
    _p(doc, "表题", "表2　节点目标进展")
    _table(
        doc,
        [40, 36, 16, 24, 22, 18],
        [
            ["指标", "历年实际", "本期", "下一节点目标", "每年需提高", "研判"],
            "{%tr for r in milestones %}",
            [("{{ r.name }}", left), ("{{ r.history }}", left), "{{ r.so_far }}"]
            + ["{{ r.target }}", "{{ r.need }}", "{{ r.status }}"],
            "{%tr endfor %}",
        ],
    )
    _p(
        doc,
        "表注",
        "注：每年需提高＝（下一节点目标－最近一年实际值）÷相隔年数；保持类目标每年均应达到。",
    )
    _p(doc, "一级标题", "五、下一步工作要求")
    _tag(doc, "for it in requirements")
    _p(
        doc,
        "公文正文",
        ("（{{ " + CN_NUMS + "[loop.index0] }}）{{ it.title }}。", "二级标题字符"),
        "{{ it.text }}",
    )
    _tag(doc, "endfor")
    _signature(doc)
    _colophon(doc)
    return doc


def build_supervision():
    """督办单: a form — 承办单位, 督办依据, each lagging item, 督办要求, 办理时限, 联系方式 —
    under the title and number, the issuer's 落款 below."""
    doc = _issued_properties(_new_document(_notice_styles(), SZ3))  # a form read at body size
    _p(doc, "公文标题", "{{ title }}")
    _p(doc, "文书编号", "{{ number }}")
    head, left = "表格表头", "表格文字左对齐"
    _table(
        doc,
        [36, 120],
        [
            [("承办单位", head), ("{{ unit }}", left)],
            [("督办依据", head), ("{{ intro }}", left)],
            "{%tr for it in items %}",
            [("滞后事项{{ loop.index }}", head), ("{{ it }}", left)],
            "{%tr endfor %}",
            [("督办要求", head), ("{{ demand }}", left)],
            [("办理时限", head), ("{{ deadline }}", left)],
            "{%tr if contact %}",
            [("联系方式", head), ("{{ contact }}", left)],
            "{%tr endif %}",
        ],
        header_rows=0,
    )
    _signature(doc)
    return doc


def build_publicity():
    """公示 (初评): the proposed results of each group in a table, how to object, 落款."""
    doc = _issued_properties(_new_document(_bulletin_styles(), SZ_S4))
    _p(doc, "公文标题", "{{ title }}")
    _p(doc, "公文正文", "{{ intro }}")
    _p(doc, "一级标题", "一、拟定考核结果")
    _tag(doc, "for g in groups")
    _p(doc, "二级标题", "{{ g.heading }}")
    _p(doc, "表题", "{{ g.caption }}")
    _table(
        doc,
        [18, 62, 28, 48],
        [
            ["名次", "单位", "总分", "等次"],
            "{%tr for r in g.rows %}",
            ["{{ r.rank }}", "{{ r.unit }}", "{{ r.total }}", "{{ r.grade }}"],
            "{%tr endfor %}",
        ],
    )
    _tag(doc, "endfor")
    _p(doc, "表注", "{{ note }}")
    _p(doc, "一级标题", "二、异议受理")
    _each(doc, "objection", "公文正文")
    _signature(doc)
    return doc


def build_review():
    """复核情况说明 (for the office's files): the appeals, every change they made, the runs."""
    doc = _new_document(_bulletin_styles(), SZ5)
    left = "表格文字左对齐"
    _p(doc, "公文标题", "{{ title }}")
    _each(doc, "intro", "公文正文")
    _p(doc, "一级标题", "一、复核申请及结论")
    _tag(doc, "if appeals")
    _p(doc, "表题", "表1　复核申请及结论")
    _table(
        doc,
        [22, 20, 26, 30, 24, 34],
        [
            ["编号", "单位", "复核事项", "申请内容", "复核结论", "依据"],
            "{%tr for a in appeals %}",
            ["{{ a.number }}", "{{ a.unit }}", ("{{ a.item }}", left), ("{{ a.request }}", left)]
            + ["{{ a.result }}", ("{{ a.basis }}", left)],
            "{%tr endfor %}",
        ],
    )
    _tag(doc, "else")
    _p(doc, "公文正文", "本次未登记复核申请。")
    _tag(doc, "endif")
    _p(doc, "一级标题", "二、考核结果的变化")
    _p(doc, "公文正文", "{{ changes_intro }}")
    _tag(doc, "if changes")
    _p(doc, "表题", "表{{ 2 if appeals else 1 }}　考核结果变化明细")
    _table(
        doc,
        [24, 14, 34, 18, 18, 48],
        [
            ["单位", "变化", "项目", "原值", "新值", "原因"],
            "{%tr for c in changes %}",
            ["{{ c.unit }}", "{{ c.kind }}", ("{{ c.item }}", left), "{{ c.before }}"]
            + ["{{ c.after }}", ("{{ c.cause }}", left)],
            "{%tr endfor %}",
        ],
    )
    _tag(doc, "endif")
    _p(doc, "一级标题", "三、有关说明")
    _numbered(doc, "notes", "{{ it }}")
    return doc


# -- the chart-style template (issue 12) ---------------------------------------------------

_BANDS = [
    {"code": "A", "name": "优秀", "min": 90},
    {"code": "B", "name": "良好", "min": 80},
    {"code": "C", "name": "合格", "min": 60},
    {"code": "D", "name": "不合格", "min": 0},
]
_UNITS = [
    {"unit": name, "total": total, "grade": grade, "rank": i + 1, "note": note}
    for i, (name, total, grade, note) in enumerate(
        [("甲县", 95.5, "A", ""), ("乙区", 86.25, "B", ""), ("丙市", 72.0, "C", ""),
         ("丁县", 55.8, "D", ""), ("戊区", 88.0, "D", "一票否决")]
    )
]  # fmt: skip
# Each kind's example data: the office sees a real chart of that kind to style.
CHART_EXAMPLES = {
    "grade_distribution": {
        "groups": [{"name": "县(市、区)", "counts": {"A": 5, "B": 8, "C": 5, "D": 2}},
                   {"name": "市直部门", "counts": {"A": 4, "B": 11, "C": 9}}],
        "bands": _BANDS,
    },
    "group_totals": {"units": _UNITS, "bands": _BANDS},
    "score_histogram": {
        "units": [{"unit": f"单位{i}", "total": 50 + i * 0.45,
                   "grade": "A" if 50 + i * 0.45 >= 90 else "B" if 50 + i * 0.45 >= 80 else "C"}
                  for i in range(100)],
        "bands": _BANDS,
    },
    "attainment": {
        "rows": [{"name": "制造业产品质量合格率", "share": 100.0, "group_average": 95.2},
                 {"name": "全社会研发经费投入增长", "share": 71.3, "group_average": 72.0},
                 {"name": "规上工业企业首席质量官覆盖率", "share": None, "group_average": 76.5}],
    },
    "trend": {"points": [{"year": 2022, "total": 81.5, "rank": 9},
                         {"year": 2023, "total": 84.0, "rank": 6},
                         {"year": 2024, "total": 88.46, "rank": 4}], "of": 20},
    "rank_intervals": {
        "units": [{"unit": "甲县", "rank": 1, "rank_median": 1, "rank_p05": 1, "rank_p95": 2,
                   "robust": True},
                  {"unit": "乙区", "rank": 2, "rank_median": 3, "rank_p05": 1, "rank_p95": 4,
                   "robust": False}],
        "unit_count": 5,
    },
    "progress_status": {
        "rows": [{"label": "制造业产品质量合格率（县）", "正常": 8, "滞后": 3, "严重滞后": 1},
                 {"label": "市直部门牵头指标（合计）", "正常": 5, "滞后": 1, "严重滞后": 0}],
    },
    "milestones": {
        "rows": [{"label": "制造业产品质量合格率", "percent": 99.9, "status": "有望按期实现",
                  "text": "2024年93.91%，目标94%"},
                 {"label": "累计新增主导或参与制修订标准", "percent": 76.5,
                  "status": "存在风险", "text": "2024年65项，目标85项"}],
    },
}  # fmt: skip


def build_chart_templates():
    """charts.docx: one native chart per kind, found by its alternative text (the kind's name).

    The office restyles these charts in Word or WPS (fonts, fills, axes, gridlines, legend,
    size); evalgen keeps that look and puts each document's data in (`charts.native.styled`).
    """
    from evalgen.charts.native import native_chart
    from evalgen.documents.charts import inline_xml, relate_chart

    doc = _new_document(_report_styles(), SZ5)
    _p(doc, "公文标题", "图表样式模板")
    _p(doc, "公文正文", "在 Word 或 WPS 中修改下列图表的样式（字体、颜色、坐标轴、网格线、图例、"
       "大小），evalgen 生成公文时沿用这些样式并填入数据。请勿删除图表或修改其可选文字"
       "（图表类型名），也不要更改图表类型；等次颜色和“一票否决”等标注由数据决定。")  # fmt: skip
    for kind, data in CHART_EXAMPLES.items():
        _p(doc, "二级标题", kind)
        chart = native_chart(kind, data)
        rid = relate_chart(doc.part, chart)
        paragraph = _p(doc, "图片")
        drawing = f"<w:drawing {nsdecls('w')}>{inline_xml(chart, rid)}</w:drawing>"
        paragraph.add_run()._r.append(parse_xml(drawing))
    return doc


BUILDERS = {
    "bulletin.docx": build_bulletin,
    "unit_report.docx": build_unit_report,
    "notice.docx": build_notice,
    "robustness.docx": build_robustness,
    "progress.docx": build_progress,
    "supervision.docx": build_supervision,
    "publicity.docx": build_publicity,
    "review.docx": build_review,
    "charts.docx": build_chart_templates,
}

# -- saving and checking -------------------------------------------------------------------

_TAG = re.compile(r"{{.*?}}|{%.*?%}")


def _check(data: bytes, name: str) -> None:
    """Fail if a theme font slipped in or a Jinja tag is split over runs."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for member in zf.namelist():
            if member.endswith(".xml") and re.search(
                rb"[A-Za-z]Theme=|w:cstheme=", zf.read(member)
            ):
                raise SystemExit(f"{name}: {member} names a theme font")
        xml = zf.read("word/document.xml").decode("utf-8")
    for text in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml):
        rest = _TAG.sub("", text)
        if "{{" in rest or "{%" in rest or "}}" in rest or "%}" in rest:
            raise SystemExit(f"{name}: a Jinja tag is split across runs: {text!r}")


_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>evalgen</Application><DocSecurity>0</DocSecurity></Properties>"
)


def _own_app_properties(data: bytes) -> bytes:
    """docProps/app.xml naming evalgen, not python-docx's "Microsoft Macintosh Word"."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, _APP if name == "docProps/app.xml" else src.read(name))
    return out.getvalue()


def build(out_dir: Path, only: list[str] | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in BUILDERS.items():
        if only and name not in only:
            continue
        buffer = io.BytesIO()
        builder().save(buffer)
        data = stable_zip(_own_app_properties(buffer.getvalue()))
        _check(data, name)
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "templates", help="output folder")
    parser.add_argument(
        "--only", action="append", choices=list(BUILDERS), help="build only this template"
    )
    args = parser.parse_args()
    for path in build(args.out, args.only):
        print(path)


if __name__ == "__main__":
    main()
