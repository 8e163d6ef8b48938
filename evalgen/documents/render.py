"""Render the Word documents from docxtpl templates: check first, escape data, never guess.

A template is checked before any rendering: Jinja syntax, variables the context lacks, and
tags that Word split apart so that docxtpl cannot repair them. Rendering uses autoescape and
strict undefined, so data (a unit name such as `A&B <x>` or `{{ 7*7 }}`) appears verbatim.
Each template is compiled once per process (`evalgen.documents.compiled`); a document then costs its
Jinja render and one zip write, with the parts docxtpl's own path would write.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import jinja2
from jinja2 import meta

from ..charts.sizes import width_mm
from ..problems import EvalgenError, Problem
from ..resources import DEFAULT_TEMPLATES
from .jinja import chinese_message, jinja_env

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

    from ..charts.native import NativeChart
    from .compiled import CompiledTemplate, Picture

__all__ = [
    "TEMPLATE_FILES",
    "DocumentTemplate",
    "TemplateError",
    "load_templates",
    "render_document",
    "safe_filename",
    "sanitize",
]

TEMPLATE_FILES = {
    "bulletin": "bulletin.docx",
    "unit_report": "unit_report.docx",
    "notice": "notice.docx",
}
# Charts are drawn at print size (6.0 in / 4.8 in wide); insert them 1:1 so labels stay 9 pt.

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


class _Where(TypedDict):
    """Where in a template a problem is: the template's file and its part (正文, 页眉…)."""

    file: str
    sheet: str


class TemplateError(EvalgenError):
    """A Word template is missing or broken (exit code 6)."""

    exit_code = 6
    code = "template-error"


@dataclass(frozen=True)
class DocumentTemplate:
    """A template's bytes, read once, with its name and hash for the manifest."""

    key: str
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@functools.lru_cache(maxsize=16)
def _compiled(data: bytes) -> CompiledTemplate | None:
    """The template compiled once per process (see `evalgen.documents.compiled`)."""
    from .compiled import compile_template

    return compile_template(data, jinja_env())


def load_templates(
    folder: Path | None,
    contexts: Mapping[str, Mapping[str, Any]],
    files: Mapping[str, str] = TEMPLATE_FILES,
) -> dict[str, DocumentTemplate]:
    """Read and check every template of `files` (key → file name; `score`'s three unless
    given) against a sample of its context; fail with all problems."""
    folder = Path(folder) if folder else DEFAULT_TEMPLATES
    templates: dict[str, DocumentTemplate] = {}
    problems: list[Problem] = []
    for key, filename in files.items():
        path = folder / filename
        try:
            data = path.read_bytes()
        except OSError:
            problems.append(
                Problem(
                    f"找不到模板文件 {path}",
                    file=filename,
                    hint="请恢复该模板，或用 --templates 指定模板文件夹",
                    code="missing-template",
                )
            )
            continue
        template = DocumentTemplate(key, filename, data)
        if key in contexts:
            problems += check_template(template, contexts[key])
        templates[key] = template
    if problems:
        raise TemplateError(f"公文模板有{len(problems)}处问题，未生成任何公文", problems)
    return templates


def check_template(template: DocumentTemplate, context: Mapping[str, Any]) -> list[Problem]:
    """Jinja syntax, unknown variables and split tags in every part of a template."""
    from docxtpl import DocxTemplate

    try:
        tpl = DocxTemplate(io.BytesIO(template.data))
        tpl.init_docx()
    except Exception:  # noqa: BLE001 - any unreadable docx is the user's file problem
        return [
            Problem(
                "无法打开模板：文件已损坏或不是 .docx 格式",
                file=template.name,
                hint="请在 Word/WPS 中打开后另存为 .docx",
                code="template-corrupt",
            )
        ]
    problems: list[Problem] = []
    for part, xml in _template_parts(tpl):
        where: _Where = {"file": template.name, "sheet": part}
        patched = tpl.patch_xml(xml)
        problems += _tag_problems(xml, patched, where)
        problems += _jinja_problems(patched, context, where)
    return problems


def _tag_problems(xml: str, patched: str, where: _Where) -> list[Problem]:
    """Tags cut across paragraphs (in the part's `xml`), or split by Word's runs so that
    docxtpl's patching (`patched`) cannot join them."""
    problems = []
    for text in _unbalanced_tags(xml):
        problems.append(
            Problem(
                f"标签“{text}”不完整或被拆分到多个段落",
                hint="请在 Word 中把该标签重新完整输入在同一段落内",
                code="template-split-tag",
                **where,
            )
        )
    for tag in _TAG.findall(patched):
        if "<" in tag:
            shown = re.sub(r"<[^>]+>", "", tag)
            problems.append(
                Problem(
                    f"标签“{shown}”被 Word 拆分，无法识别",
                    hint="请删除该标签后一次性重新输入（不要中途改格式）",
                    code="template-split-tag",
                    **where,
                )
            )
    return problems


def _jinja_problems(patched: str, context: Mapping[str, Any], where: _Where) -> list[Problem]:
    """Jinja syntax errors in a patched part, else the variables it uses that `context` lacks."""
    env = jinja_env()
    try:
        ast = env.parse(patched)
    except jinja2.TemplateSyntaxError as exc:
        culprit = _culprit(env, patched)
        near = f"（出错标签：{culprit}）" if culprit else ""
        return [
            Problem(
                f"模板语法错误：{chinese_message(exc)}{near}",
                hint="请检查 {{ }} 与 {% %} 是否成对、拼写是否正确",
                code="template-syntax",
                **where,
            )
        ]
    try:
        used = meta.find_undeclared_variables(ast)
    except jinja2.TemplateSyntaxError as exc:  # e.g. a filter Jinja does not know
        return [
            Problem(
                f"模板语法错误：{chinese_message(exc)}",
                hint="请检查标签中的过滤器和拼写",
                code="template-syntax",
                **where,
            )
        ]
    return [
        Problem(
            f"模板使用了数据中没有的变量“{name}”",
            hint=f"可用的变量：{'、'.join(sorted(context))}",
            code="template-unknown-variable",
            **where,
        )
        for name in sorted(used - set(context))
    ]


def render_document(
    template: DocumentTemplate,
    context: Mapping[str, Any],
    charts: Mapping[str, bytes | NativeChart],
) -> bytes:
    """Render one document; `charts` maps chart names in the context to PNG bytes or to
    native charts (`charts.native`), all of one sort."""
    data = sanitize(context)
    natives = {name: c for name, c in charts.items() if not isinstance(c, bytes)}
    pictures = None if natives else _pictures(context, charts)
    created = document_date(context)
    try:
        compiled = _compiled(template.data)
        if compiled is None:
            return _render_with_docxtpl(template, data, pictures, natives or None, created)
        return compiled.render(data, pictures, natives or None, created)
    except Exception as exc:  # noqa: BLE001 - any failure inside a user-edited template
        who = context.get("unit") or context.get("title") or ""
        raise TemplateError(
            f"模板 {template.name} 生成“{who}”的公文时出错",
            [
                Problem(
                    chinese_message(exc),
                    file=template.name,
                    hint="请检查模板中的变量名、过滤器和运算",
                    code="template-render",
                )
            ],
        ) from None


_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def document_date(context: Mapping[str, Any]) -> str:
    """The document's creation date for its properties (docProps/core.xml): the 成文日期 of
    the issuance file (`doc.date`), never the clock; "" (a fixed date) without one."""
    doc = context.get("doc")
    match = _CN_DATE.match(doc.get("date", "")) if isinstance(doc, Mapping) else None
    if match is None:
        return ""
    year, month, day = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"


def _pictures(context: Mapping[str, Any], charts: Mapping[str, Any]) -> dict[str, Picture] | None:
    """The context's charts as (PNG, width) pairs, inserted at print size."""
    from docx.shared import Mm

    if "charts" not in context:
        return None
    return {
        name: (charts[name], Mm(width_mm(spec["kind"]))) for name, spec in context["charts"].items()
    }


def _render_with_docxtpl(
    template: DocumentTemplate,
    data: dict[str, Any],
    pictures: dict[str, Picture] | None,
    natives: dict[str, NativeChart] | None = None,
    created: str = "",
) -> bytes:
    """docxtpl's own path, python-docx opening and saving the whole package: used for a
    template with footnotes, wherever the compiled fast path is off (`fastpaths`), and the
    reference the compiled path is tested against."""
    from docxtpl import DocxTemplate, InlineImage

    from ..outputs.zips import stable_zip

    tpl = DocxTemplate(io.BytesIO(template.data))
    if pictures is not None:
        data = dict(data)
        data["charts"] = {
            name: InlineImage(tpl, io.BytesIO(png), width=width)
            for name, (png, width) in pictures.items()
        }
    if natives is not None:
        from .charts import InlineChart

        data = dict(data)
        data["charts"] = {name: InlineChart(tpl, chart) for name, chart in natives.items()}
    tpl.render(data, jinja_env())
    buf = io.BytesIO()
    tpl.save(buf)
    return stable_zip(buf.getvalue(), created)


def sanitize(value: Any) -> Any:
    """Remove characters XML cannot hold (control characters) from every string."""
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sanitize(v) for v in value]
    return value


def safe_filename(name: str, limit: int = 80) -> str:
    """A file name that cannot leave its folder: no separators, no `..`, no device names."""
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", sanitize(name)).strip(" .")
    text = text[:limit] or "_"
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text


def _template_parts(tpl: DocxTemplate) -> list[tuple[str, str]]:
    from lxml import etree

    parts = [("正文", tpl.get_xml())]
    for rel in tpl.docx.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")):
            label = "页眉" if rel.reltype.endswith("/header") else "页脚"
            xml = etree.tostring(rel.target_part.element, encoding="unicode")
            parts.append((f"{label}（{rel.target_part.partname.split('/')[-1]}）", xml))
    return parts


def _unbalanced_tags(xml: str) -> list[str]:
    out = []
    for paragraph in _PARAGRAPH.findall(xml):
        text = "".join(_TEXT.findall(paragraph))
        rest = _TAG.sub("", text)
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            if opener in rest or closer in rest:
                out.append(text.strip()[:40])
                break
    return out


def _culprit(env: jinja2.Environment, xml: str) -> str:
    """The first tag that is wrong on its own (a bad expression or an unclosed string)."""
    for tag in _TAG.findall(re.sub(r"<[^>]+>", "", xml)):
        try:
            if tag.startswith("{{"):
                env.parse(tag)
            else:
                list(env.lex(tag))
        except jinja2.TemplateSyntaxError:
            return tag[:60]
    return ""
