"""A chart styled by the office's template chart: its look, our data.

The chart-style template (`templates/charts.docx`) holds one chart per kind, found by its
alternative text (the kind's name), the way poi-tl finds a chart to fill. Its chart part is
the starting point of every chart of that kind: its fonts and text (`c:txPr`), its fills and
outlines, its axes (lines, gridlines, tick marks, label positions), its legend position and
its bars' gap and overlap stay as the office made them. What comes from the data replaces
what the template had: the series (names, categories, values, their caches and references,
the grade colours per point), the axes' titles, ranges and major units, the legend's entries,
and the link to the embedded workbook. Series' value-label fonts are taken from the
template's series of the same place.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from lxml import etree

__all__ = ["kind_problem", "plot_type", "styled_chart_xml"]

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS = {"c": _C, "a": _A}
_PLOTS = {f"{{{_C}}}{name}" for name in ("barChart", "lineChart", "bar3DChart", "line3DChart",
          "areaChart", "pieChart", "doughnutChart", "scatterChart", "radarChart")}  # fmt: skip
_TYPE_NAMES = {"column": "柱形图", "bar": "条形图", "line": "折线图"}
_DATA_LABEL_ORDER = ("numFmt", "spPr", "txPr", "dLblPos")


def plot_type(xml: bytes) -> str | None:
    """The chart type of a chart part's first plot: "column", "bar", "line" or None (other)."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError:
        return None
    plot = next((e for e in root.iterfind("c:chart/c:plotArea/*", _NS) if e.tag in _PLOTS), None)
    if plot is None:
        return None
    if plot.tag == f"{{{_C}}}lineChart":
        return "line"
    if plot.tag == f"{{{_C}}}barChart":
        direction = plot.find("c:barDir", _NS)
        return "bar" if direction is not None and direction.get("val") == "bar" else "column"
    return None


def kind_problem(xml: bytes, expected: str) -> str | None:
    """Why a template chart cannot style a chart of type `expected` (Chinese), or None."""
    found = plot_type(xml)
    if found == expected:
        return None
    shown = _TYPE_NAMES.get(found or "", "其他类型的图表")
    return f"应为{_TYPE_NAMES[expected]}，实际为{shown}"


@functools.lru_cache(maxsize=16)
def _template(xml: bytes) -> Any:
    return etree.fromstring(xml)


def styled_chart_xml(template: bytes, ours: bytes) -> bytes:
    """Our chart part (`chartxml.chart_xml`) in the look of the template's chart part."""
    root: Any = copy.deepcopy(_template(template))
    data: Any = etree.fromstring(ours)
    chart: Any = root.find("c:chart", _NS)
    new: Any = data.find("c:chart", _NS)
    _replace_title(chart, new)
    area: Any = chart.find("c:plotArea", _NS)
    new_area: Any = new.find("c:plotArea", _NS)
    ids = _merge_plots(area, new_area)
    for tag in ("catAx", "valAx"):
        _merge_axis(area.find(f"c:{tag}", _NS), new_area.find(f"c:{tag}", _NS), ids)
    _merge_legend(chart, new)
    # The template's drawings over the chart (userShapes) are parts of its own: not copied.
    for e in root.findall("c:userShapes", _NS):
        root.remove(e)
    external = root.find("c:externalData", _NS)
    if external is None:
        external = copy.deepcopy(data.find("c:externalData", _NS))
        settings = root.find("c:printSettings", _NS)
        if settings is None:
            root.append(external)
        else:
            settings.addprevious(external)
    external.set(f"{{{_R}}}id", "rId1")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _replace_title(chart: Any, new: Any) -> None:
    for tag in ("title", "autoTitleDeleted"):
        for e in chart.findall(f"c:{tag}", _NS):
            chart.remove(e)
    for i, e in enumerate(new.findall("c:title", _NS) + new.findall("c:autoTitleDeleted", _NS)):
        chart.insert(i, copy.deepcopy(e))


def _merge_plots(area: Any, new_area: Any) -> dict[str, str]:
    """Our plots in place of the template's, with its bar gap and overlap and its value
    labels' text; returns our axis ids → the template's."""
    old = [e for e in area if e.tag in _PLOTS]
    position = area.index(old[0]) if old else len(area)
    cat = area.find("c:catAx", _NS)
    val = area.find("c:valAx", _NS)
    ids = {}
    new_cat, new_val = new_area.find("c:catAx/c:axId", _NS), new_area.find("c:valAx/c:axId", _NS)
    if cat is not None and val is not None:
        ids = {
            new_cat.get("val"): cat.find("c:axId", _NS).get("val"),
            new_val.get("val"): val.find("c:axId", _NS).get("val"),
        }
    for e in old:
        area.remove(e)
    for offset, plot in enumerate(e for e in new_area if e.tag in _PLOTS):
        plot = copy.deepcopy(plot)
        like = next((e for e in old if e.tag == plot.tag), None)
        if like is not None:
            _keep_plot_look(plot, like)
        for axis in plot.findall("c:axId", _NS):
            axis.set("val", ids.get(axis.get("val"), axis.get("val")))
        area.insert(position + offset, plot)
    return ids


def _keep_plot_look(plot: Any, like: Any) -> None:
    for tag in ("gapWidth", "overlap"):
        mine, theirs = plot.find(f"c:{tag}", _NS), like.find(f"c:{tag}", _NS)
        if mine is not None and theirs is not None:
            mine.set("val", theirs.get("val"))
    models = like.findall("c:ser", _NS)
    for i, series in enumerate(plot.findall("c:ser", _NS)):
        model = models[min(i, len(models) - 1)] if models else None
        text = model.find("c:dLbls/c:txPr", _NS) if model is not None else None
        labels = series.find("c:dLbls", _NS)
        if text is None or labels is None:
            continue
        for e in labels.findall("c:txPr", _NS):
            labels.remove(e)
        after = [labels.find(f"c:{t}", _NS) for t in _DATA_LABEL_ORDER[:2]]
        anchor = next((e for e in reversed(after) if e is not None), None)
        index = (
            labels.index(anchor) + 1 if anchor is not None else len(labels.findall("c:dLbl", _NS))
        )
        labels.insert(index, copy.deepcopy(text))


def _merge_axis(axis: Any, new: Any, ids: dict) -> None:
    """The template's axis with our orientation, range, major unit, title text, crossing."""
    if axis is None or new is None:
        return
    scaling = axis.find("c:scaling", _NS)
    axis.replace(scaling, copy.deepcopy(new.find("c:scaling", _NS)))
    cross = axis.find("c:crossAx", _NS)
    if cross is not None:
        cross.set("val", ids.get(new.find("c:crossAx", _NS).get("val"), cross.get("val")))
    for tag in ("majorUnit", "minorUnit"):
        for e in axis.findall(f"c:{tag}", _NS):
            axis.remove(e)
    major = new.find("c:majorUnit", _NS)
    if major is not None:
        axis.append(copy.deepcopy(major))  # majorUnit follows crossBetween; dispUnits is dropped
        for e in axis.findall("c:dispUnits", _NS):
            axis.remove(e)
    _axis_title(axis, new)


def _axis_title(axis: Any, new: Any) -> None:
    title, new_title = axis.find("c:title", _NS), new.find("c:title", _NS)
    if new_title is None:
        if title is not None:
            axis.remove(title)
        return
    text = "".join(t.text or "" for t in new_title.iterfind(".//a:t", _NS))
    runs = title.findall(".//a:t", _NS) if title is not None else []
    if not runs:  # no title in the template, or one without text: ours
        if title is not None:
            axis.remove(title)
        after = next(
            e
            for e in (
                axis.find(f"c:{t}", _NS) for t in ("minorGridlines", "majorGridlines", "axPos")
            )
            if e is not None
        )
        axis.insert(axis.index(after) + 1, copy.deepcopy(new_title))
        return
    runs[0].text = text
    for extra in runs[1:]:
        extra.getparent().getparent().remove(extra.getparent())


def _merge_legend(chart: Any, new: Any) -> None:
    legend, new_legend = chart.find("c:legend", _NS), new.find("c:legend", _NS)
    if new_legend is None:
        if legend is not None:
            chart.remove(legend)
        return
    if legend is None:
        chart.insert(chart.index(chart.find("c:plotArea", _NS)) + 1, copy.deepcopy(new_legend))
        return
    for e in legend.findall("c:legendEntry", _NS):
        legend.remove(e)
    position = legend.find("c:legendPos", _NS)
    index = legend.index(position) + 1 if position is not None else 0
    for offset, entry in enumerate(new_legend.findall("c:legendEntry", _NS)):
        legend.insert(index + offset, copy.deepcopy(entry))
