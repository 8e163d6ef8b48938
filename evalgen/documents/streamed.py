"""The rendered body of a document to its XML part, a table row at a time.

docxtpl parses the whole rendered body with lxml (`fix_tables`, `fix_docpr_ids`) before it is
saved. A 通报 of 3,000 units is a body of 7.6 MB and an lxml tree of some 90 MB. Here the body
is parsed as a stream instead: each row of a top-level table is numbered (`wp:docPr` ids, as
`fix_docpr_ids`), serialized to bytes and left as a placeholder comment as soon as it ends, so
the tree never holds more than the text between tables and one row. `fix_tables` then runs on
that small body, with a copy of the rows that decide its result (most cells, widest span), and
the rows' bytes go back into the placeholders of the saved part. Bodies under
`STREAM_FROM` are small enough to parse whole.

The bytes are those of docxtpl's path (`tests/test_streamed.py`): a row is saved from a body of
its own that declares what the document declares, so it loses the same repeated namespace
declarations as in docxtpl's tree. Whatever this path does not expect (XML docxtpl would have
to recover, a table not directly in the body or declaring namespaces, a row wrapped in another
element, one namespace under two prefixes, a template holding the placeholder text) goes the
whole-tree way, with the same result.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterator

from docxtpl import DocxTemplate
from lxml import etree

__all__ = ["body_part"]

_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"  # docx's "wp"
# Smaller bodies are parsed whole: streaming parses the text between the tables twice, which
# costs a unit report 2 ms (a third of its rendering) and saves nothing worth it.
STREAM_FROM = 1 << 20  # bytes: a 通报 of some 400 units
_PLACEHOLDER = "evalgen:row"
_MARK = f"<!--{_PLACEHOLDER}-->".encode()


class _Unusual(Exception):
    """This body takes the whole-tree path."""


def body_part(doc: DocxTemplate, xml: bytes, save: Callable[[etree._Element], bytes]) -> bytes:
    """The saved main document part for the rendered body `xml` (UTF-8): what `save` (the
    template's skeleton around a body, serialized) writes for docxtpl's fixed tree, without
    building that tree for a large body.

    `doc` is the document's `DocxTemplate` (its `fix_tables`, `fix_docpr_ids` and counter).
    """
    if len(xml) >= STREAM_FROM:
        ids = doc.docx_ids_index
        try:
            return _streamed(doc, xml, save)
        except _Unusual:
            doc.docx_ids_index = ids
    tree = doc.fix_tables(xml)
    doc.fix_docpr_ids(tree)
    return save(tree)


def _streamed(doc: DocxTemplate, data: bytes, save: Callable[[etree._Element], bytes]) -> bytes:
    rows: list[bytes] = []
    body, proxies = _small_body(doc, data, rows)
    tree = doc.fix_tables(etree.tostring(body, encoding="unicode"))
    del body
    tables = list(tree.iterchildren(_tag(tree, "tbl")))
    if len(tables) != len(proxies):
        raise _Unusual
    for table, count in zip(tables, proxies, strict=True):
        for _ in range(count):
            del table[-1]  # the copied rows, there only for fix_tables
    parts = save(tree).split(_MARK)
    if len(parts) != len(rows) + 1:
        raise _Unusual  # the template itself holds the placeholder
    return b"".join(_interleave(parts, rows))


def _interleave(parts: list[bytes], rows: list[bytes]) -> Iterator[bytes]:
    yield parts[0]
    for row, part in zip(rows, parts[1:], strict=True):
        yield row
        yield part


def _tag(element: etree._Element, name: str) -> str:
    try:
        return "{" + element.nsmap["w"] + "}" + name
    except KeyError:
        raise _Unusual from None


def _small_body(
    doc: DocxTemplate, data: bytes, rows: list[bytes]
) -> tuple[etree._Element, list[int]]:
    """Parse the body, taking each top-level table's rows out as bytes (into `rows`).

    Returns the body left, with each table holding placeholders and, at its end, copies of
    the rows fix_tables decides by; and how many copies each top-level table holds.
    """
    events = etree.iterparse(io.BytesIO(data), events=("start", "end"), recover=False)
    depth = 0
    body: etree._Element | None = None
    holder: _Holder | None = None
    tbl = tr = ""
    proxies: list[int] = []
    widest: dict[str, tuple[int, etree._Element]] = {}
    try:
        for event, element in events:
            if event == "start":
                if element.tag == f"{_WP}docPr":  # as fix_docpr_ids: in document order
                    doc.docx_ids_index += 1
                    element.attrib["id"] = str(doc.docx_ids_index)
                if body is None:
                    body, holder = element, _Holder(element)
                    tbl, tr = _tag(body, "tbl"), _tag(body, "tr")
                elif element.tag == tbl and (depth != 1 or element.nsmap != body.nsmap):
                    raise _Unusual  # a table not directly in the body, or declaring namespaces
                elif element.tag == tr and depth != 2:
                    raise _Unusual  # a row wrapped in something
                depth += 1
                continue
            depth -= 1
            if element.tag == tr and holder is not None:
                _note_widest(element, tbl[: -len("tbl")], widest)
                rows.append(holder.take(element, tbl))
            elif element.tag == tbl:
                kept = {id(row): row for _, row in widest.values()}
                element.extend(kept.values())
                proxies.append(len(kept))
                widest = {}
    except etree.XMLSyntaxError:
        raise _Unusual from None  # docxtpl's parser recovers; so does the whole-tree path
    if body is None:
        raise _Unusual
    return body, proxies


def _note_widest(row: etree._Element, ns: str, widest: dict) -> None:
    """Keep in `widest` a copy of the first row with the most cells and of the first with
    the widest span: all of a table's rows that fix_tables' result depends on (`ns`: the
    body's "{…}" for w:)."""
    cells = row.findall(f"{ns}tc")
    span = 0
    for cell in cells:  # as fix_tables' get_cell_len
        properties = cell.find(f"{ns}tcPr")
        grid_span = None if properties is None else properties.find(f"{ns}gridSpan")
        value = None if grid_span is None else grid_span.get(f"{ns}val")
        try:
            span += 1 if grid_span is None else int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):  # None or not a number
            raise _Unusual from None  # fix_tables fails on it: let it, on the whole tree
    sizes = {"cells": len(cells), "span": span}
    wider = [key for key, size in sizes.items() if key not in widest or size > widest[key][0]]
    if wider:
        kept = copy.deepcopy(row)
        widest.update((key, (sizes[key], kept)) for key in wider)


class _Holder:
    """An empty body of its own, declaring what the rendered body declares: a row moved into
    it loses the namespace declarations its new ancestors make, as the whole body does when
    docxtpl's tree is put into the document, and is then saved as it will be there."""

    def __init__(self, body: etree._Element) -> None:
        if len(set(body.nsmap.values())) != len(body.nsmap):
            # one namespace under two prefixes: which one a moved row keeps depends on
            # where it is moved to, so docxtpl's tree may write the other
            raise _Unusual
        self._root = etree.Element(body.tag, nsmap=body.nsmap)  # type: ignore[arg-type]
        self._root.append(etree.Comment(_PLACEHOLDER))
        before, after = etree.tostring(self._root, encoding="UTF-8").split(_MARK)
        del self._root[0]
        self._before, self._after = before, after

    def take(self, row: etree._Element, tbl: str) -> bytes:
        """The row as it is saved (its tail too), a placeholder left in its place."""
        table = row.getparent()
        if table is None or table.tag != tbl:
            raise _Unusual
        table.replace(row, etree.Comment(_PLACEHOLDER))
        self._root.append(row)
        saved = etree.tostring(self._root, encoding="UTF-8")
        self._root.remove(row)
        if not (saved.startswith(self._before) and saved.endswith(self._after)):
            raise _Unusual
        return saved[len(self._before) : len(saved) - len(self._after)]
