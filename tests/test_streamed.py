"""The body streamed a row at a time (documents/streamed.py, compiled._cleaned) writes docxtpl's
bytes, takes the whole-tree path where it must, and never holds a table's rows as a tree."""

import io
import random
import re
import zipfile

import pytest
from conftest import add_column_loop
from docx import Document
from docx.shared import Inches
from lxml import etree
from PIL import Image

from evalgen.documents import compiled, streamed
from evalgen.documents.render import (
    DocumentTemplate,
    _compiled,
    _pictures,
    _render_with_docxtpl,
    document_date,
    render_document,
    sanitize,
)

needs_compiled = pytest.mark.skipif(
    bool(compiled.fast_path().missing),
    reason=f"the compiled path cannot run here: {compiled.fast_path().reason}",
)


def png(colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), colour).save(buf, "PNG", dpi=(150, 150))
    return buf.getvalue()


CHARTS = {"a": png("red"), "b": png("blue")}


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def docxtpls(template: DocumentTemplate, context: dict) -> bytes:
    pictures = _pictures(context, CHARTS)
    return _render_with_docxtpl(template, sanitize(context), pictures, None, document_date(context))


def saved(doc) -> DocumentTemplate:
    buf = io.BytesIO()
    doc.save(buf)
    return DocumentTemplate("t", "表格模板.docx", buf.getvalue())


def table_template(extra=None) -> DocumentTemplate:
    """Pictures before, inside and after tables; a row loop whose rows hold a picture and a
    merged cell; a column loop that adds or drops grid columns; listing characters in cells."""
    doc = Document()
    doc.add_paragraph("图：{{ charts.a }}")
    rows = doc.add_table(rows=4, cols=3)
    rows.cell(0, 0).merge(rows.cell(0, 1)).text = "单位与图"
    rows.cell(0, 2).text = "备注"
    rows.cell(1, 0).text = "{%tr for r in rows %}"
    for cell, text in zip(
        rows.rows[2].cells, ["{{ r.name }}", "{{ charts.b }}", "{{ r.note }}"], strict=True
    ):
        cell.text = text
    rows.cell(3, 0).text = "{%tr endfor %}"
    doc.add_paragraph("{{ note }}")
    add_column_loop(doc, "{{ note }}")
    if extra:
        extra(doc)
    doc.add_paragraph("再一张：{{ charts.a }}")
    doc.add_picture(io.BytesIO(CHARTS["a"]), width=Inches(0.5))
    return saved(doc)


def context(rows: int, cols: list[str], note: str = "无") -> dict:
    return {
        "note": note,
        "cols": cols,
        "rows": [
            {"name": f"县{i}", "note": f"第{i}行\n换行" if i % 7 == 3 else ""} for i in range(rows)
        ],
        "charts": {name: {"kind": "trend", "data": {}} for name in CHARTS},
    }


@pytest.fixture(autouse=True)
def stream_every_body(monkeypatch):
    monkeypatch.setattr(streamed, "STREAM_FROM", 0)


@pytest.fixture
def taken(monkeypatch):
    """Which way each body went: "stream", or "tree" where streaming gave up."""
    ways = []
    real = streamed._streamed

    def recording(*args):
        try:
            data = real(*args)
        except streamed._Unusual:
            ways.append("tree")
            raise
        ways.append("stream")
        return data

    monkeypatch.setattr(streamed, "_streamed", recording)
    return ways


@needs_compiled
@pytest.mark.parametrize(
    ("rows", "cols", "note"),
    [
        (0, ["a"], "无"),
        (1, ["a", "b", "c"], "A&B <x>"),
        (40, ["a", "b", "c", "d", "e"], "制表\t符"),
    ],
)
@pytest.mark.parametrize("batch", [1, 7, 4096])  # Jinja's pieces cleaned a few at a time
def test_streamed_tables_are_docxtpls_parts(rows, cols, note, batch, taken, monkeypatch):
    monkeypatch.setattr(compiled, "_BATCH", batch)
    template = table_template()
    assert _compiled(template.data) is not None
    data = context(rows, cols, note)
    ours = parts(render_document(template, data, CHARTS))
    assert taken == ["stream"]
    theirs = parts(docxtpls(template, data))
    assert sorted(ours) == sorted(theirs)
    assert [name for name in theirs if ours[name] != theirs[name]] == []
    body = ours["word/document.xml"].decode("utf-8")
    ids = [int(i) for i in re.findall(r'<wp:docPr id="(\d+)"', body)]
    assert ids == list(range(1001, 1001 + 3 + rows))  # numbered in document order, rows too
    assert body.count("<w:tr>") + body.count("<w:tr ") == 1 + rows + 2


def nested_table(doc) -> None:
    outer = doc.add_table(rows=1, cols=2)
    outer.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "{{ note }}"


def placeholder_in_text(doc) -> None:
    doc.add_paragraph("{{ mark|safe }}")


def broken_xml(doc) -> None:
    doc.add_paragraph("{{ broken|safe }}")


@needs_compiled
@pytest.mark.parametrize("extra", [nested_table, placeholder_in_text, broken_xml])
def test_what_streaming_does_not_expect_goes_the_whole_tree_way(extra, taken):
    template = table_template(extra)
    data = context(5, ["a", "b"]) | {"mark": "<!--evalgen:row-->", "broken": "<w:r><w:t>未闭合"}
    ours = render_document(template, data, CHARTS)
    assert taken == ["tree"]
    assert parts(ours) == parts(docxtpls(template, data))


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_a_table_of_thousands_of_rows_is_never_a_tree():
    row = "<w:tr><w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc><w:tc/></w:tr>"
    wide = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="3"/></w:tcPr></w:tc></w:tr>'
    xml = (
        f'<w:body xmlns:w="{W}"><w:p/><w:tbl><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid>'
        + "".join(row.format(i) for i in range(2000))
        + wide
        + "</w:tbl><w:sectPr/></w:body>"
    )
    doc = compiled._Render.__new__(compiled._Render)
    doc.docx_ids_index = 1000
    rows: list[bytes] = []
    body, copies = streamed._small_body(doc, xml.encode(), rows)
    assert len(rows) == 2001
    assert rows[0] == row.format(0).encode()  # no namespace declarations of its own
    assert rows[-1] == wide.encode()
    assert copies == [2]  # the first row with the most cells (2), the widest one (span 3)
    elements = [e for e in body.iter() if isinstance(e.tag, str)]
    assert len(elements) < 40  # body, p, tbl, grid, sectPr and the two copies
    assert len(body.xpath("//comment()")) == 2001


def clean_whole(text: str) -> str:
    """docxtpl 0.20's clean-up after Jinja, on the whole text (DocxTemplate.render_xml_part)."""
    text = re.sub(r"\n<w:p([ >])", r"<w:p\1", text)
    return text.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")


@pytest.mark.parametrize("seed", range(20))
def test_cleaning_slices_is_cleaning_the_whole(seed):
    rng = random.Random(seed)
    words = [
        "\n",
        "\n<w:p>",
        "\n<w:p ",
        "<w:p>",
        "{_{",
        "}_}",
        "{_%",
        "%_}",
        "{_",
        "_}",
        "%",
        "x",
        "中",
    ]
    text = "".join(rng.choice(words) for _ in range(400))
    cuts = sorted(rng.sample(range(1, len(text)), 60))
    pieces = [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    for batch in (1, 3, 4096):
        assert "".join(compiled._cleaned(iter(pieces), batch)) == clean_whole(text)


def test_cleaning_edge_cases():
    for text in ["\n\n<w:p >", "{_{_{", "\n", "", "<w:p>\n<w:p>\n", "\n<w:pPr>"]:
        assert "".join(compiled._cleaned(iter(list(text)), 1)) == clean_whole(text)


def test_the_body_part_is_well_formed_xml():
    template = table_template()
    body = parts(render_document(template, context(12, ["a"]), CHARTS))["word/document.xml"]
    root = etree.fromstring(body)
    assert root.find(f"{{{W}}}body") is not None


def test_a_small_body_is_parsed_whole(taken, monkeypatch):
    monkeypatch.setattr(streamed, "STREAM_FROM", 1 << 20)
    template = table_template()
    data = context(3, ["a"])
    assert parts(render_document(template, data, CHARTS)) == parts(docxtpls(template, data))
    assert taken == []
    monkeypatch.setattr(streamed, "STREAM_FROM", 1000)
    render_document(template, data, CHARTS)
    assert taken == ["stream"]


def edited(template: DocumentTemplate, old: bytes, new: bytes) -> DocumentTemplate:
    """The template with its word/document.xml edited (what python-docx never writes)."""
    source = zipfile.ZipFile(io.BytesIO(template.data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in source.infolist():
            data = source.read(info.filename)
            z.writestr(
                info, data.replace(old, new, 1) if info.filename == "word/document.xml" else data
            )
    return DocumentTemplate("t", "改过的模板.docx", out.getvalue())


@needs_compiled
@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"<w:document ", f'<w:document xmlns:aa="{W}" '.encode()),  # W as aa: before w:
        (b"<w:body>", f'<w:body xmlns:ww="{W}">'.encode()),
    ],
)
def test_one_namespace_under_two_prefixes_goes_the_whole_tree_way(old, new, taken):
    """A row moved out would keep one prefix where docxtpl's tree takes the other (found by
    review: compiled wrote <w:tr>, docxtpl <aa:tr>)."""
    doc = Document()
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "{{ x }}"
    template = edited(saved(doc), old, new)
    ours = render_document(template, {"x": "1"}, {})
    assert taken == ["tree"]
    assert parts(ours) == parts(docxtpls(template, {"x": "1"}))


@needs_compiled
def test_nested_pictures_are_numbered_in_the_order_they_open(taken):
    """docxtpl numbers `//wp:docPr` in document order: an outer one before the one inside it."""
    doc = Document()
    doc.add_paragraph("{{ x|safe }}")
    template = saved(doc)
    nested = (
        '</w:t></w:r><w:r><w:drawing><wp:inline><wp:docPr id="1" name="o">'
        '<wp:docPr id="2" name="i"/></wp:docPr></wp:inline></w:drawing></w:r><w:r><w:t>'
    )
    body = parts(render_document(template, {"x": nested}, {}))["word/document.xml"]
    assert taken == ["stream"]
    assert b'<wp:docPr id="1001" name="o"><wp:docPr id="1002" name="i"/>' in body
    assert body == parts(docxtpls(template, {"x": nested}))["word/document.xml"]


@needs_compiled
@pytest.mark.parametrize("batch", [1, 2, 3, 5, 8])
def test_pictures_alone_never_send_the_body_the_whole_text_way(batch, monkeypatch):
    """A picture's XML holds newlines but no `<w:p`: slices cut before a paragraph never
    split one, so no slice looks as if it needed docxtpl's resolve_listing (found by review:
    cut at any newline, every batch size took the whole-text path)."""
    monkeypatch.setattr(compiled, "_BATCH", batch)
    whole = []
    real = compiled._Render.resolve_listing
    monkeypatch.setattr(
        compiled._Render, "resolve_listing", lambda self, xml: whole.append(xml) or real(self, xml)
    )
    data = context(3, ["a"])  # no newline, tab or form feed in any text
    ours = render_document(table_template(), data, CHARTS)
    assert whole == []
    assert parts(ours) == parts(docxtpls(table_template(), data))
