"""Native charts placed in a document where their tag is, as docxtpl places a picture.

A template writes a chart as `{{ charts.X }}` alone in a paragraph. With native charts
(`--charts native`, the default) the tag becomes an inline `c:chart` drawing related to a new
chart part (`word/charts/chartN.xml`, content type DrawingML chart) whose own relationship
`rId1` is the embedded workbook (`word/embeddings/Microsoft_Excel_WorksheetN.xlsx`). Both
renderers place it: the compiled one (`compiled._Render.new_chart`) and docxtpl's own, through
python-docx's parts (`relate_chart`).
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from ..charts.native import NativeChart

__all__ = ["CHART_MODES", "InlineChart", "chart_parts", "inline_xml", "relate_chart"]

CHART_MODES = ("native", "png")
_CHART_NAME = "/word/charts/chart{}.xml"
_BOOK_NAME = "/word/embeddings/Microsoft_Excel_Worksheet{}.xlsx"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def chart_parts(chart: NativeChart, number: int, package: Any = None) -> Part:
    """The chart part `chart<number>.xml`, related (rId1) to its embedded workbook part."""
    part = Part(PackURI(_CHART_NAME.format(number)), CT.DML_CHART, chart.xml, package)
    book = Part(PackURI(_BOOK_NAME.format(number)), CT.SML_SHEET, chart.workbook, package)
    part.rels.add_relationship(RT.PACKAGE, book, "rId1")
    return part


def relate_chart(story: Any, chart: NativeChart) -> str:
    """python-docx's path: add the chart's parts to the story part's package; its rId."""
    used = {p.partname for p in story.package.iter_parts()}
    number = 1
    while PackURI(_CHART_NAME.format(number)) in used or PackURI(_BOOK_NAME.format(number)) in used:
        number += 1
    part = chart_parts(chart, number, story.package)
    return story.relate_to(part, RT.CHART)


def inline_xml(chart: NativeChart, rid: str) -> str:
    """The `wp:inline` drawing of a chart related as `rid` (docPr ids are renumbered later)."""
    return (
        f'<wp:inline distT="0" distB="0" distL="0" distR="0" xmlns:wp="{_WP}">'
        f'<wp:extent cx="{chart.width}" cy="{chart.height}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="1" name="图表 1" descr="{chart.kind}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{_A}"><a:graphicData uri="{_C}">'
        f'<c:chart xmlns:c="{_C}" xmlns:r="{_R}" r:id="{rid}"/>'
        "</a:graphicData></a:graphic></wp:inline>"
    )


class InlineChart:
    """A native chart in a template's context: rendered, it relates its parts to the story
    being rendered and becomes a run holding the chart's drawing."""

    def __init__(self, tpl: Any, chart: NativeChart) -> None:
        self.tpl, self.chart = tpl, chart

    def _insert(self) -> str:
        part = self.tpl.current_rendering_part
        new_chart = getattr(part, "new_chart", None)
        rid = new_chart(self.chart) if new_chart else relate_chart(part, self.chart)
        return (
            f"</w:t></w:r><w:r><w:drawing>{inline_xml(self.chart, rid)}</w:drawing></w:r>"
            '<w:r><w:t xml:space="preserve">'
        )

    def __str__(self) -> str:
        return self._insert()

    def __html__(self) -> str:
        return self._insert()
