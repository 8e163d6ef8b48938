"""Template checks and escaping, on tiny templates built here."""

import io

import pytest
from docx import Document

from evalgen.documents.render import (
    DocumentTemplate,
    TemplateError,
    check_template,
    load_templates,
    render_document,
    safe_filename,
)


def make_template(*paragraphs: str | list[str]) -> DocumentTemplate:
    """A docx whose paragraphs hold the given text; a list gives one run per item."""
    doc = Document()
    for para in paragraphs:
        p = doc.add_paragraph()
        for run in [para] if isinstance(para, str) else para:
            p.add_run(run)
    buf = io.BytesIO()
    doc.save(buf)
    return DocumentTemplate("t", "测试模板.docx", buf.getvalue())


def texts(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_data_is_inserted_verbatim_never_evaluated():
    tpl = make_template("单位：{{ unit }}", "{{ note }}")
    out = render_document(tpl, {"unit": "A&B <x>", "note": "{{ 7*7 }} {% if x %}"}, {})
    assert texts(out) == ["单位：A&B <x>", "{{ 7*7 }} {% if x %}"]


def test_xml_illegal_control_characters_are_removed():
    out = render_document(make_template("{{ unit }}"), {"unit": "甲\x01县\x0b"}, {})
    assert texts(out) == ["甲县"]


def test_a_tag_split_across_runs_still_renders():
    tpl = make_template(["{{ un", "it }}", "是单位"])
    assert check_template(tpl, {"unit": "甲县"}) == []
    assert texts(render_document(tpl, {"unit": "甲县"}, {})) == ["甲县是单位"]


def test_unknown_variable_is_named_with_the_template():
    problems = check_template(make_template("{{ unit }}{{ totl }}"), {"unit": "甲县", "total": 1})
    assert len(problems) == 1
    assert problems[0].file == "测试模板.docx" and problems[0].sheet == "正文"
    assert "“totl”" in problems[0].message
    assert "total" in problems[0].hint


def test_syntax_error_names_the_bad_tag():
    problems = check_template(make_template("{{ unit }}", "{{ unit | }}"), {"unit": "甲县"})
    assert problems and "模板语法错误" in problems[0].message
    assert "{{ unit | }}" in problems[0].message


def test_tag_broken_across_paragraphs_is_reported():
    problems = check_template(make_template("开头 {{ unit", "}} 结尾"), {"unit": "甲县"})
    assert any("不完整或被拆分" in p.message and "{{ unit" in p.message for p in problems)


def test_strict_undefined_at_render_time():
    tpl = make_template("{{ doc.issuer }}")
    with pytest.raises(TemplateError) as err:
        render_document(tpl, {"doc": {}}, {})
    assert err.value.problems[0].file == "测试模板.docx"
    assert "issuer" in err.value.problems[0].message


def test_missing_template_file(tmp_path):
    with pytest.raises(TemplateError) as err:
        load_templates(tmp_path, {})
    names = sorted(p.file for p in err.value.problems)
    assert names == ["bulletin.docx", "notice.docx", "unit_report.docx"]


def test_rendering_is_byte_stable():
    tpl = make_template("{{ unit }}")
    assert render_document(tpl, {"unit": "甲"}, {}) == render_document(tpl, {"unit": "甲"}, {})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("宁晋县", "宁晋县"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("a\\b/c", "a_b_c"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("..", "_"),
        ("甲\x00乙", "甲乙"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_unknown_filter_is_reported_not_crashed():
    problems = check_template(make_template("{{ unit | nosuchfilter }}"), {"unit": "甲县"})
    assert len(problems) == 1 and "没有名为“nosuchfilter”的过滤器" in problems[0].message


def test_runtime_error_in_a_template_names_the_template_and_the_document():
    tpl = make_template("{{ total / 0 }}")
    with pytest.raises(TemplateError) as err:
        render_document(tpl, {"unit": "甲县", "total": 5}, {})
    assert "生成“甲县”的公文时出错" in err.value.message
    assert "除以零" in err.value.problems[0].message
