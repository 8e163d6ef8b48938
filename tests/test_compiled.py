"""The compiled templates write the same parts as docxtpl's own path, part by part."""

import io
import zipfile
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import pytest
from conftest import add_column_loop
from docx import Document
from docx.shared import Inches
from PIL import Image

from evalgen import pipeline
from evalgen.documents import compiled
from evalgen.documents import pool as documents
from evalgen.documents.jinja import jinja_env
from evalgen.documents.render import (
    DocumentTemplate,
    TemplateError,
    _compiled,
    _pictures,
    _render_with_docxtpl,
    document_date,
    render_document,
    sanitize,
)
from evalgen.fastpaths import FastPath, check

SAMPLE_INPUTS = Path(__file__).resolve().parent.parent / "sample_inputs"


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def assert_same_parts(compiled: bytes, reference: bytes, label: str) -> None:
    ours, theirs = parts(compiled), parts(reference)
    assert sorted(ours) == sorted(theirs), label
    differing = [name for name in theirs if ours[name] != theirs[name]]
    assert differing == [], f"{label}: {differing}"


# Where an internal the compiled path names is gone, it cannot run: docxtpl's path renders all.
needs_compiled = pytest.mark.skipif(
    bool(compiled.fast_path().missing),
    reason=f"the compiled path cannot run here: {compiled.fast_path().reason}",
)


def chart_args(context: dict, charts: dict) -> tuple:
    """(pictures, native charts) for a document's charts, as `render_document` splits them."""
    natives = {name: c for name, c in charts.items() if not isinstance(c, bytes)}
    return (None, natives) if natives else (_pictures(context, charts), None)


def reference(template: DocumentTemplate, context: dict, charts: dict) -> bytes:
    created = document_date(context)
    return _render_with_docxtpl(template, sanitize(context), *chart_args(context, charts), created)


@needs_compiled
@pytest.mark.slow
def test_every_sample_document_is_docxtpls_part_by_part(tmp_path, monkeypatch):
    calls = []
    real = documents.render_document

    def recording(template, context, charts):
        data = real(template, context, charts)
        calls.append((template, context, charts, data))
        return data

    monkeypatch.setattr(documents, "render_document", recording)
    pipeline.score(2024, SAMPLE_INPUTS, out_dir=tmp_path / "out", jobs=1)
    assert len(calls) == 1 + 44 + 4
    assert {t.key for t, *_ in calls} == {"bulletin", "unit_report", "notice"}
    for template, context, charts, data in calls:
        assert _compiled(template.data) is not None, template.name
        label = f"{template.name} {context.get('unit') or context.get('title')}"
        assert_same_parts(data, reference(template, context, charts), label)


@pytest.fixture(autouse=True)
def fast_path_on(monkeypatch):
    """The compiled path, also on a docxtpl or python-docx release not yet tested (`make
    test-latest`): these comparisons decide whether its minor version may join `_TESTED`."""
    path = compiled.fast_path()
    if path.active or path.missing:
        yield
        return
    monkeypatch.setattr(compiled, "fast_path", lambda: replace(path, active=True))
    _compiled.cache_clear()
    yield
    _compiled.cache_clear()


@pytest.fixture
def fast_path_off(monkeypatch):
    """docxtpl's own path for every template, as where `compiled.fast_path()` is off."""
    off = FastPath("documents", False, "forced off")
    monkeypatch.setattr(compiled, "fast_path", lambda: off)
    _compiled.cache_clear()  # templates compiled before are forgotten, now and after
    yield
    _compiled.cache_clear()


@needs_compiled
@pytest.mark.slow
def test_without_the_fast_path_every_sample_document_is_the_same_bytes(
    tmp_path, monkeypatch, fast_path_off
):
    calls = []
    real = documents.render_document

    def recording(template, context, charts):
        assert _compiled(template.data) is None, template.name  # docxtpl's path is taken
        data = real(template, context, charts)
        calls.append((template, context, charts, data))
        return data

    monkeypatch.setattr(documents, "render_document", recording)
    pipeline.score(2024, SAMPLE_INPUTS, out_dir=tmp_path / "out", jobs=1)
    assert len(calls) == 1 + 44 + 4
    templates = {
        t.data: compiled.CompiledTemplate(Document(io.BytesIO(t.data)), jinja_env())
        for t, *_ in calls
    }
    for template, context, charts, data in calls:
        fast = templates[template.data].render(
            sanitize(context), *chart_args(context, charts), document_date(context)
        )
        assert fast == data, f"{template.name} {context.get('unit') or context.get('title')}"


def test_the_fast_path_is_on_only_for_tested_versions():
    path = check("documents", compiled._TESTED, compiled._USES)  # not as the fixture forced it
    minors = {
        dist: ".".join(metadata.version(dist).split(".")[:2]) for dist in ("docxtpl", "python-docx")
    }
    tested = minors["docxtpl"] == "0.20" and minors["python-docx"] == "1.2"
    assert tested == all(minors[d] in versions for d, versions in compiled._TESTED.items())
    assert path.active == tested
    if tested:  # a tested release has every internal the compiled path names
        assert path.missing == ()


def png(width: int, height: int, colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, "PNG", dpi=(150, 150))
    return buf.getvalue()


LOGO = png(40, 20, "red")


def feature_template() -> DocumentTemplate:
    """Every docxtpl step the compiled path repeats: a header with a tag and a picture, a
    footer without tags, a table whose columns a loop adds, a picture already in the
    template, tagged core properties."""
    doc = Document()
    doc.core_properties.title = "{{ unit }}的报告"
    doc.core_properties.author = "evalgen"
    section = doc.sections[0]
    section.header.paragraphs[0].text = "{{ unit }} {{ charts.small }}"
    section.footer.paragraphs[0].text = "第 1 页"
    doc.add_paragraph("单位：{{ unit }}")
    doc.add_paragraph("备注：{{ note }}")
    doc.add_picture(io.BytesIO(LOGO), width=Inches(1))
    doc.add_paragraph("{{ charts.big }}")
    doc.add_paragraph("再来一次：{{ charts.big }} 与标志相同的图：{{ charts.logo }}")
    add_column_loop(doc, "{{ unit }}")
    doc.add_paragraph("{%p for it in items %}")
    doc.add_paragraph("{{ loop.index }}. {{ it }}")
    doc.add_paragraph("{%p endfor %}")
    buf = io.BytesIO()
    doc.save(buf)
    return DocumentTemplate("t", "功能模板.docx", buf.getvalue())


def feature_context(unit: str, note: str, cols: list[str]) -> tuple[dict, dict]:
    context = {
        "unit": unit,
        "note": note,
        "cols": cols,
        "items": ["一", "二"],
        "charts": {name: {"kind": "trend", "data": {}} for name in ("small", "big", "logo")},
    }
    charts = {"small": png(30, 30, "blue"), "big": png(300, 200, "green"), "logo": LOGO}
    return context, charts


@needs_compiled
@pytest.mark.parametrize(
    ("unit", "note", "cols"),
    [
        ("甲县", "无", ["a", "b", "c"]),
        ("A&B <x>", "第一行\n第二行\t制表\f分页", ["only"]),
        ("{_{ 7*7 }_}", "{{ 7*7 }} {% if x %}", ["a", "b", "c", "d"]),
    ],
)
def test_every_docxtpl_step_gives_the_same_parts(unit, note, cols):
    template = feature_template()
    assert _compiled(template.data) is not None
    context, charts = feature_context(unit, note, cols)
    assert_same_parts(
        render_document(template, context, charts), reference(template, context, charts), unit
    )


@needs_compiled
@pytest.mark.parametrize(
    ("unit", "note", "cols"),
    [("甲县", "无", ["a", "b", "c"]), ("A&B <x>", "第一行\n第二行\t制表\f分页", ["only"])],
)
def test_the_fallback_writes_the_same_bytes(unit, note, cols, monkeypatch):
    """Pictures in a header that had no relationships, and in the body: the members come in
    python-docx's order on both paths, so the files are the same bytes, not only the parts."""
    template = feature_template()
    context, charts = feature_context(unit, note, cols)
    _compiled.cache_clear()
    assert _compiled(template.data) is not None
    fast = render_document(template, context, charts)
    monkeypatch.setattr(compiled, "fast_path", lambda: FastPath("documents", False, "forced off"))
    _compiled.cache_clear()
    try:
        assert _compiled(template.data) is None
        assert render_document(template, context, charts) == fast
    finally:
        _compiled.cache_clear()


def test_a_document_does_not_depend_on_the_one_before():
    template = feature_template()
    first, charts = feature_context("甲县", "第一行\n第二行", ["a", "b"])
    other, _ = feature_context("乙县", "无", ["a", "b", "c", "d"])
    before = render_document(template, first, charts)
    render_document(template, other, charts)
    assert render_document(template, first, charts) == before


def test_pictures_are_stored_and_xml_is_deflated_with_fixed_times():
    template = feature_template()
    context, charts = feature_context("甲县", "无", ["a"])
    with zipfile.ZipFile(io.BytesIO(render_document(template, context, charts))) as z:
        infos = z.infolist()
    media = [i for i in infos if i.filename.startswith("word/media/")]
    assert len(media) == 3  # the template's picture, small, big (logo is the same picture)
    assert {i.compress_type for i in media} == {zipfile.ZIP_STORED}
    assert {i.compress_type for i in infos if i.filename.endswith(".xml")} == {zipfile.ZIP_DEFLATED}
    assert {i.date_time for i in infos} == {(2000, 1, 1, 0, 0, 0)}


def test_runtime_error_in_a_header_names_the_template_and_the_document():
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ total / 0 }}"
    buf = io.BytesIO()
    doc.save(buf)
    template = DocumentTemplate("t", "页眉模板.docx", buf.getvalue())
    with pytest.raises(TemplateError) as err:
        render_document(template, {"unit": "甲县", "total": 5}, {})
    assert "模板 页眉模板.docx 生成“甲县”的公文时出错" == err.value.message
    assert "除以零" in err.value.problems[0].message


FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:id="1"><w:p><w:r><w:t>脚注：{{ unit }}</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def with_footnotes(data: bytes) -> bytes:
    """A template with a footnotes part, which docxtpl renders too."""
    members = parts(data)
    members["word/footnotes.xml"] = FOOTNOTES.encode("utf-8")
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/footnotes.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def test_a_template_with_footnotes_is_rendered_by_docxtpl():
    doc = Document()
    doc.add_paragraph("{{ unit }}")
    buf = io.BytesIO()
    doc.save(buf)
    template = DocumentTemplate("t", "脚注模板.docx", with_footnotes(buf.getvalue()))
    assert _compiled(template.data) is None
    out = parts(render_document(template, {"unit": "甲县"}, {}))
    assert "脚注：甲县" in out["word/footnotes.xml"].decode("utf-8")
    assert "甲县" in out["word/document.xml"].decode("utf-8")


def test_broken_tag_in_the_document_properties_is_a_template_error():
    doc = Document()
    doc.core_properties.title = "{{ unit"
    doc.add_paragraph("{{ unit }}")
    buf = io.BytesIO()
    doc.save(buf)
    template = DocumentTemplate("t", "属性模板.docx", buf.getvalue())
    with pytest.raises(TemplateError) as err:
        render_document(template, {"unit": "甲县"}, {})
    assert err.value.message == "模板 属性模板.docx 生成“甲县”的公文时出错"
    assert err.value.problems[0].file == "属性模板.docx"
