"""Native Word charts: a chart spec as a DrawingML chart part with its embedded workbook.

`native_chart(kind, data)` builds the spec (`charts.spec`) and writes what a .docx needs for
the chart: the chart part (`word/charts/chartN.xml`), the workbook Word's 编辑数据 opens
(`word/embeddings/…xlsx`) and the printed size. The documents layer places them
(`documents.charts`). Nothing here imports matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..spec import ChartSpec, chart_spec
from .chartxml import chart_xml, sheet_columns
from .styled import styled_chart_xml
from .workbook import workbook

__all__ = ["EMU_PER_INCH", "ChartStyle", "NativeChart", "native_chart"]

EMU_PER_INCH = 914400


@dataclass(frozen=True)
class NativeChart:
    """A chart ready to place: its kind, chart part, embedded workbook and size in EMU."""

    kind: str
    xml: bytes
    workbook: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ChartStyle:
    """A kind's chart in the chart-style template: its chart part and its size in EMU."""

    xml: bytes
    width: int
    height: int


def native_chart(kind: str, data: dict[str, Any], style: ChartStyle | None = None) -> NativeChart:
    """The native chart of a document's chart spec `{"kind": kind, "data": data}`, in the
    look of `style` (`styled`) if given: at its width, and at its height unless the chart's
    rows set the height (horizontal bars)."""
    spec: ChartSpec = chart_spec(kind, data)
    xml = chart_xml(spec)
    width = round(spec["width_in"] * EMU_PER_INCH)
    height = round(spec["height_in"] * EMU_PER_INCH)
    if style is not None:
        xml = styled_chart_xml(style.xml, xml)
        height = height * style.width // width if spec["type"] == "bar" else style.height
        width = style.width
    return NativeChart(
        kind=kind,
        xml=xml,
        workbook=workbook(spec["categories"], sheet_columns(spec)),
        width=width,
        height=height,
    )
