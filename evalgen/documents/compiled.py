"""A Word template compiled once per process, then rendered many times without python-docx.

For every document docxtpl opens the whole package with python-docx, renders it and saves
every part again. A `CompiledTemplate` does the fixed work once: docxtpl's patched Jinja
source of the body and of each header and footer, and the bytes python-docx saves every
other part with. Rendering a document runs docxtpl's own steps on the parts that change
(Jinja, `render_xml_part`'s clean-up, `fix_tables`, `fix_docpr_ids`, `render_properties`),
places pictures as python-docx's `new_pic_inline` does, and writes the zip once.

The parts written are those of docxtpl's path (tests/test_compiled.py compares every part of
the sample year's documents); each document's state lives in its own `_Render`. The path is
taken only where `fast_path()` finds the docxtpl and python-docx versions it was tested with
and every internal it uses; elsewhere `compile_template` returns None and docxtpl's own path
renders every document, with the same bytes.
"""

from __future__ import annotations

import copy
import functools
import io
import itertools
import re
import types
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace

import jinja2
from docx import Document
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.shared import Length
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from ..charts.native import NativeChart
from ..fastpaths import FastPath, check
from ..outputs.zips import write_zip
from .charts import InlineChart, chart_parts
from .streamed import body_part

try:  # python-docx's internal modules: without any of them, fast_path() is off
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.opc.pkgwriter import _ContentTypesItem  # python-docx's own [Content_Types].xml
    from docx.opc.rel import Relationships
    from docx.oxml.parser import parse_xml
    from docx.oxml.shape import CT_Inline
    from docx.package import ImageParts
except ImportError:
    pass

__all__ = ["CompiledTemplate", "Picture", "compile_template", "fast_path"]

# The minor versions tests/test_compiled.py has passed on, and what the compiled path uses of
# them beyond their documented API (docxtpl's render steps, python-docx's package writer).
_TESTED = {"docxtpl": ("0.20",), "python-docx": ("1.2",)}
_USES = (
    *(
        f"docxtpl.DocxTemplate.{name}"
        for name in (
            "HEADER_URI",
            "FOOTER_URI",
            "get_xml",
            "get_part_xml",
            "get_headers_footers",
            "patch_xml",
            "render_xml_part",
            "fix_tables",
            "fix_docpr_ids",
            "render_properties",
            "resolve_listing",
        )
    ),
    "docxtpl.InlineImage._insert_image",
    "docx.opc.coreprops.CoreProperties",
    "docx.opc.oxml.serialize_part_xml",
    "docx.opc.pkgwriter._ContentTypesItem.from_parts",
    "docx.opc.rel.Relationships.add_relationship",
    "docx.opc.rel.Relationships.get_or_add",
    "docx.opc.rel.Relationships.xml",
    "docx.oxml.parser.parse_xml",
    "docx.oxml.shape.CT_Inline.new_pic_inline",
    "docx.package.ImageParts.get_or_add_image_part",
    "docx.package.Package.image_parts",
    "docx.parts.story.StoryPart.next_id",
)

Picture = tuple[bytes, Length]  # (PNG, width in the document)
_JINJA = ("{{", "{%", "{#")
_LISTING = re.compile("[\t\a\n\f]")  # what docxtpl's resolve_listing turns into Word markup
# docxtpl's render_xml_part: a newline before each paragraph for Jinja, taken out after it
_PARAGRAPH = re.compile(r"<w:p([ >])")
_MARKED = re.compile(r"\n<w:p([ >])")
_ESCAPES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_BATCH = 4096  # Jinja's pieces joined at a time before a slice is cleaned


@dataclass(frozen=True)
class _Story:
    """A part docxtpl renders with Jinja: the main document, or one header or footer."""

    part: Part  # the template's part: its name and relationships
    source: str  # docxtpl's patched Jinja source
    next_id: int  # the shape id python-docx gives a picture placed in this part
    fixed: bytes | None = None  # the rendered part, when the source has no Jinja tag

    @property
    def name(self) -> str:
        return self.part.partname.membername


@functools.cache
def fast_path() -> FastPath:
    """Whether this process renders with compiled templates (checked once)."""
    return check("documents", _TESTED, _USES)


def compile_template(data: bytes, env: jinja2.Environment) -> CompiledTemplate | None:
    """The compiled template, or None for docxtpl's own path: where `fast_path()` is off, and
    for a template whose footnotes docxtpl renders too."""
    if not fast_path().active:
        return None
    document = Document(io.BytesIO(data))
    if any(p.content_type == CT.WML_FOOTNOTES for p in document.part.package.iter_parts()):
        return None
    return CompiledTemplate(document, env)


class CompiledTemplate:
    """A template read once: its stories' Jinja sources and every other part's bytes."""

    def __init__(self, document: WordDocument, env: jinja2.Environment) -> None:
        self._env = env
        self._package = document.part.package
        document.core_properties  # noqa: B018 - as docxtpl, which creates a missing core part
        self._core = self._package.part_related_by(RT.CORE_PROPERTIES)
        saved = io.BytesIO()
        document.save(saved)
        with zipfile.ZipFile(saved) as z:
            self._members = {name: z.read(name) for name in z.namelist()}
        self._images = list(self._package.image_parts)
        self._content_types: dict[tuple, bytes] = {}
        names = {str(p.partname) for p in self._package.iter_parts()}
        self._first_chart = 1 + sum(n.startswith("/word/charts/chart") for n in names)

        tools = DocxTemplate(None)
        tools.docx = document
        main = document.part
        self._body = _Story(main, tools.patch_xml(tools.get_xml()), main.next_id)
        root = document.element
        self._body_index = root.index(root.body)
        self._skeleton = copy.deepcopy(root)
        self._skeleton[self._body_index].clear()
        self._stories = []  # every header, then every footer, as docxtpl renders them
        for reltype in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
            for _, part in tools.get_headers_footers(reltype):
                story = _Story(part, tools.patch_xml(tools.get_part_xml(part)), part.next_id)
                if not any(tag in story.source for tag in _JINJA):
                    story = replace(story, fixed=self._render_story(_Render(self), story, {}))
                self._stories.append(story)
        core = serialize_part_xml(self._core.element).decode("utf-8")
        self._fixed_core = None if any(t in core for t in _JINJA) else self._render_core({})

    def render(
        self,
        data: dict,
        charts: dict[str, Picture] | None = None,
        natives: dict[str, NativeChart] | None = None,
        created: str = "",
    ) -> bytes:
        """One document: `data` is the sanitised context, `charts` its pictures by name
        (they appear in the template as `charts.<name>`, placed as docxtpl's InlineImage),
        or `natives` its native charts by name (placed as `documents.charts.InlineChart`)."""
        doc = _Render(self)
        if charts is not None:
            data = dict(data)
            data["charts"] = {
                name: _InlineImage(doc, io.BytesIO(png), width=width)
                for name, (png, width) in charts.items()
            }
        if natives is not None:
            data = dict(data)
            data["charts"] = {name: InlineChart(doc, chart) for name, chart in natives.items()}
        doc.story = self._body
        xml = doc.render_xml_bytes(self._body.source, doc, data, self._env)
        members = dict(self._members)
        members[self._body.name] = body_part(doc, xml, self._save_body)
        del xml
        for story in self._stories:
            members[story.name] = story.fixed or self._render_story(doc, story, data)
        members[self._core.partname.membername] = self._fixed_core or self._render_core(data)
        for partname, rels in doc.rels.items():
            members[partname.rels_uri.membername] = rels.xml
        new: list[Part] = [part for part in doc.images if part not in self._images]
        for chart in doc.charts:
            book = chart.rels["rId1"].target_part
            new += [chart, book]
            members[chart.partname.rels_uri.membername] = chart.rels.xml
        if new:
            members["[Content_Types].xml"] = self._content_types_with(new)
            for part in new:
                members[part.partname.membername] = part.blob
        return write_zip(((name, members[name]) for name in self._order(doc)), created)

    def _save_body(self, body: etree._Element) -> bytes:
        """The main document part: the template's skeleton around the rendered `body`."""
        root = copy.deepcopy(self._skeleton)
        root.replace(root[self._body_index], body)
        return serialize_part_xml(root)

    def _order(self, doc: _Render) -> list[str]:
        """The members in the order python-docx's `PackageWriter` writes them: content types,
        package rels, then each part and its rels (if any), depth first along the rels, with
        this document's pictures where its stories' relationships put them."""
        names = ["[Content_Types].xml", "_rels/.rels"]
        seen: set[Part] = set()
        pending = [iter(self._package.rels.values())]
        while pending:
            rel = next(pending[-1], None)
            if rel is None:
                pending.pop()
            elif not rel.is_external and rel.target_part not in seen:
                part = rel.target_part
                seen.add(part)
                names.append(part.partname.membername)
                rels = doc.rels.get(part.partname, part.rels)
                if len(rels):
                    names.append(part.partname.rels_uri.membername)
                pending.append(iter(rels.values()))
        return names

    def _render_story(self, doc: _Render, story: _Story, data: dict) -> bytes:
        """A header or footer, as docxtpl renders it and python-docx then loads and saves it."""
        doc.story = story
        xml = doc.render_xml_part(story.source, doc, data, self._env)
        return serialize_part_xml(parse_xml(xml.encode("utf-8")))

    def _render_core(self, data: dict) -> bytes:
        element = copy.deepcopy(self._core.element)
        doc = _Render(self)
        doc.docx = types.SimpleNamespace(core_properties=CoreProperties(element))
        doc.render_properties(data, self._env)
        return serialize_part_xml(element)

    def _content_types_with(self, new: list[Part]) -> bytes:
        key = tuple((part.partname, part.content_type) for part in new)
        if key not in self._content_types:
            parts = [*self._package.iter_parts(), *new]
            self._content_types[key] = _ContentTypesItem.from_parts(parts).blob
        return self._content_types[key]


class _Render(DocxTemplate):
    """docxtpl's steps for one document, with the compiled template standing in for the
    python-docx package: it is also the part InlineImage asks to place a picture."""

    def __init__(self, compiled: CompiledTemplate) -> None:
        super().__init__(None)
        self.docx_ids_index = 1000  # as DocxTemplate.render_init
        self.story: _Story | None = None
        self.images = ImageParts()
        for part in compiled._images:
            self.images.append(part)
        self.rels: dict = {}  # partname → this document's copy of a story's relationships
        self.pictures: list[str] = []  # what InlineImage put into the XML
        self.charts: list[Part] = []  # this document's native chart parts, in order
        self._first_chart = compiled._first_chart

    def new_pic_inline(self, image_descriptor, width=None, height=None) -> CT_Inline:
        """python-docx's StoryPart.new_pic_inline, for the story being rendered."""
        story = self.story
        if story is None:  # InlineImage asks only while a story is being rendered
            raise RuntimeError("internal: a picture was placed outside a document part")
        image_part = self.images.get_or_add_image_part(image_descriptor)
        rId = self._story_rels(story).get_or_add(RT.IMAGE, image_part).rId
        image = image_part.image
        cx, cy = image.scaled_dimensions(width, height)
        return CT_Inline.new_pic_inline(story.next_id, rId, image.filename, cx, cy)

    def new_chart(self, chart: NativeChart) -> str:
        """Relate a native chart's parts to the story being rendered; the relationship id."""
        story = self.story
        if story is None:  # InlineChart asks only while a story is being rendered
            raise RuntimeError("internal: a chart was placed outside a document part")
        part = chart_parts(chart, self._first_chart + len(self.charts))
        self.charts.append(part)
        return self._story_rels(story).get_or_add(RT.CHART, part).rId

    def _story_rels(self, story: _Story) -> Relationships:
        """This document's copy of a story's relationships (made when first needed)."""
        part = story.part
        if part.partname not in self.rels:
            rels = self.rels[part.partname] = Relationships(part.partname.baseURI)
            for rel in part.rels.values():
                target = rel.target_ref if rel.is_external else rel.target_part
                rels.add_relationship(rel.reltype, target, rel.rId, rel.is_external)
        return self.rels[part.partname]

    def render_xml_part(self, src_xml, part, context, jinja_env=None) -> str:
        """docxtpl's render_xml_part (`render_xml_bytes`), as text."""
        if jinja_env is None:
            return super().render_xml_part(src_xml, part, context, jinja_env)
        return self.render_xml_bytes(src_xml, part, context, jinja_env).decode("utf-8")

    def render_xml_bytes(self, src_xml, part, context, jinja_env) -> bytes:
        """docxtpl's render_xml_part, encoded: Jinja on the source with a newline before each
        paragraph, then its clean-up (those newlines and the escaped braces out, listing
        characters resolved). Jinja's output is cleaned and encoded a slice at a time as it
        comes, so a 3,000-unit 通报 (half a million pieces, 7.6 million characters) is never
        held as pieces or as text: cleaning it whole took three copies of it at once."""
        self.current_rendering_part = part
        template = jinja_env.from_string(_PARAGRAPH.sub(r"\n<w:p\1", src_xml))
        listing = False
        encoded = []
        for text in _cleaned(template.generate(context), _BATCH):
            listing = listing or self._has_listing(text)
            encoded.append(text.encode("utf-8"))
        data = b"".join(encoded)
        if listing:  # rare: the whole text, as docxtpl resolves it
            return self.resolve_listing(data.decode("utf-8")).encode("utf-8")
        return data

    def _has_listing(self, xml: str) -> bool:
        """Whether `xml` holds a character `resolve_listing` would rewrite, outside the XML
        of the pictures placed (which is pretty-printed but never inside a `<w:t>`)."""
        rest = xml
        for text in set(self.pictures):
            rest = rest.replace(text, "")
        return _LISTING.search(rest) is not None

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's resolve_listing, skipped when it would change nothing.

        It only rewrites tabs, newlines, BEL and form feeds inside `<w:t>` elements. A
        picture's pretty-printed XML holds newlines, but InlineImage's text closes the
        `<w:t>` before the picture and opens a new one after it, so they never count.
        """
        return super().resolve_listing(xml) if self._has_listing(xml) else xml


class _InlineImage(InlineImage):
    """docxtpl's InlineImage, noting the XML it inserts (see `_Render.resolve_listing`)."""

    def _insert_image(self) -> str:
        text = super()._insert_image()
        self.tpl.pictures.append(text)
        return text


def _cleaned(pieces: Iterator[str], batch: int = 4096) -> Iterator[str]:
    """docxtpl's clean-up of Jinja's output, on slices of it that each end just before a
    paragraph's marker (a newline, then `<w:p`): no pattern the clean-up replaces can span
    two slices, and a picture's pretty-printed XML, which holds newlines but no paragraph,
    is never cut (its newlines would make a slice look as if it needed `resolve_listing`)."""
    rest = ""
    while chunk := list(itertools.islice(pieces, batch)):
        text = rest + "".join(chunk)
        cut = text.rfind("\n<w:p")
        if cut <= 0:
            rest = text
            continue
        rest = text[cut:]
        yield _clean(text[:cut])
    yield _clean(rest)


def _clean(text: str) -> str:
    text = _MARKED.sub(r"<w:p\1", text)
    for escaped, brace in _ESCAPES:
        text = text.replace(escaped, brace)
    return text
