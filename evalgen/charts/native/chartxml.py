"""A chart spec as a DrawingML chart part (`c:chartSpace`), as Word and WPS write them.

The structure follows python-pptx's chart XML writer (`pptx/chart/xmlwriter.py`) and the
schema's element order: bars (`c:barChart`) or a line (`c:lineChart`), grade lines as extra
line series, grade colours as per-point fills (`c:dPt`), a note such as 一票否决 as a data
label's own text, values and names cached (`c:numCache`, `c:strCache`) and referring to
`Sheet1` of the embedded workbook (`c:externalData`, relationship `rId1` of the chart part).
Text is 9 pt with the East Asian font named (`a:ea`).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..spec import Axis, ChartSpec, Line, Series
from ..specparts import CROWDED
from .workbook import cell_range, column_letter

__all__ = ["EA_FONT", "LATIN_FONT", "chart_xml", "drawn_lines", "sheet_columns"]

EA_FONT = "宋体"
LATIN_FONT = "Times New Roman"
_NS = (
    'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_CAT_AX, _VAL_AX = "50010", "50020"


def sheet_columns(spec: ChartSpec) -> list[tuple[str, list[float | None]]]:
    """The workbook's value columns after the categories: each series, then each line."""
    columns = [(s["name"], s["values"]) for s in spec["series"]]
    count = len(spec["categories"])
    columns += [(line["name"], [line["value"]] * count) for line in drawn_lines(spec)]
    return columns


def drawn_lines(spec: ChartSpec) -> list[Line]:
    """The reference lines a native chart shows: none on horizontal bars, where Word cannot
    combine a line series (their value axis' gridlines show the mark instead)."""
    return [] if spec["type"] == "bar" else spec["lines"]


def chart_xml(spec: ChartSpec) -> bytes:
    """The chart part's bytes for `spec` (the same spec gives the same bytes)."""
    count = len(spec["categories"])
    cat = _str_ref(cell_range("A", 2, count + 1), spec["categories"])
    plots = _bar_or_line(spec, cat)
    if drawn_lines(spec):
        plots += _reference_lines(spec, cat, len(spec["series"]))
    horizontal = spec["type"] == "bar"
    title = _title(spec["title"], 1050) if spec["title"] else '<c:autoTitleDeleted val="1"/>'
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f"<c:chartSpace {_NS}>"
        '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        f"<c:chart>{title}<c:plotArea><c:layout/>{plots}"
        f"{_category_axis(spec, horizontal)}{_value_axis(_headroom(spec), horizontal)}"
        "</c:plotArea>"
        f"{_legend(spec)}"
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
        f"{_text_properties(900, fonts=True)}"
        '<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>"
    ).encode()


def _legend(spec: ChartSpec) -> str:
    if not spec["legend"]:
        return ""
    return f'<c:legend><c:legendPos val="t"/>{_legend_entries(spec)}<c:overlay val="0"/></c:legend>'


def _legend_entries(spec: ChartSpec) -> str:
    """No legend entry for an unfilled series (the offset of floating bars) nor for one
    coloured point by point (its legend-only companions, one per colour, explain those)."""
    return "".join(
        f'<c:legendEntry><c:idx val="{i}"/><c:delete val="1"/></c:legendEntry>'
        for i, series in enumerate(spec["series"])
        if series["color"] is None or any(c is not None for c in series["point_colors"])
    )


def _bar_or_line(spec: ChartSpec, cat: str) -> str:
    series = "".join(
        _series(spec, i, s, cat, line=spec["type"] == "line") for i, s in enumerate(spec["series"])
    )
    axes = f'<c:axId val="{_CAT_AX}"/><c:axId val="{_VAL_AX}"/>'
    if spec["type"] == "line":
        return (
            '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
            f'{series}<c:marker val="1"/>{axes}</c:lineChart>'
        )
    direction = "bar" if spec["type"] == "bar" else "col"
    # Stacked bars, and a single data series with legend-only companions, share one place.
    shared = (
        spec["stacked"] or sum(any(v is not None for v in s["values"]) for s in spec["series"]) < 2
    )
    grouping = "stacked" if spec["stacked"] else "clustered"
    overlap = '<c:overlap val="100"/>' if shared else '<c:overlap val="-10"/>'
    return (
        f'<c:barChart><c:barDir val="{direction}"/><c:grouping val="{grouping}"/>'
        f'<c:varyColors val="0"/>{series}<c:gapWidth val="60"/>{overlap}{axes}</c:barChart>'
    )


def _reference_lines(spec: ChartSpec, cat: str, first: int) -> str:
    """Each reference line as a dashed line series without markers over the categories,
    named in the legend: a label at its end would sit on the last column's value label."""
    columns = sheet_columns(spec)
    count = len(spec["categories"])
    parts = []
    for j, line in enumerate(drawn_lines(spec)):
        i = first + j
        letter = column_letter(i + 1)
        name, values = columns[i]
        parts.append(
            f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/>'
            f"<c:tx>{_str_ref(f'Sheet1!${letter}$1', [name])}</c:tx>"
            f'<c:spPr><a:ln w="9525"><a:solidFill><a:srgbClr val="{line["color"][1:]}"/>'
            '</a:solidFill><a:prstDash val="dash"/></a:ln></c:spPr>'
            '<c:marker><c:symbol val="none"/></c:marker>'
            f"<c:cat>{cat}</c:cat>"
            f"<c:val>{_num_ref(cell_range(letter, 2, count + 1), values, 'General')}</c:val>"
            '<c:smooth val="0"/></c:ser>'
        )
    return (
        '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
        f'{"".join(parts)}<c:marker val="1"/>'
        f'<c:axId val="{_CAT_AX}"/><c:axId val="{_VAL_AX}"/></c:lineChart>'
    )


def _series(spec: ChartSpec, i: int, series: Series, cat: str, *, line: bool) -> str:
    letter = column_letter(i + 1)
    count = len(spec["categories"])
    crowded = spec["type"] == "column" and count > CROWDED  # value labels turned upright
    fill = _fill(series["color"])
    if line:
        color = series["color"] or "#000000"
        look = (
            f'<c:spPr><a:ln w="22225"><a:solidFill><a:srgbClr val="{color[1:]}"/></a:solidFill>'
            f'</a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="6"/>{_sp(fill)}'
            "</c:marker>"
        )
    else:
        look = f'{_sp(fill, edge=series["color"] is not None)}<c:invertIfNegative val="0"/>'
    points = "".join(
        f'<c:dPt><c:idx val="{k}"/>'
        + ("" if line else '<c:invertIfNegative val="0"/><c:bubble3D val="0"/>')
        + (f"<c:marker>{_sp(_fill(color))}</c:marker>" if line else _sp(_fill(color), edge=True))
        + "</c:dPt>"
        for k, color in enumerate(series["point_colors"])
        if color is not None
    )
    return (
        f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/>'
        f"<c:tx>{_str_ref(f'Sheet1!${letter}$1', [series['name']])}</c:tx>{look}{points}"
        f"{_labels(series, 'ctr' if spec['stacked'] else ('t' if line else 'outEnd'), crowded)}"
        f"<c:cat>{cat}</c:cat>"
        f"<c:val>{_num_ref(cell_range(letter, 2, count + 1), series['values'], series['format'])}"
        "</c:val>" + ('<c:smooth val="0"/>' if line else "") + "</c:ser>"
    )


def _labels(series: Series, position: str, crowded: bool = False) -> str:
    """Values shown in the series' format; a point with its own text (一票否决) shows that."""
    own = [(k, text) for k, text in enumerate(series["labels"]) if text is not None]
    if not own and not series["show_values"]:
        return ""
    flags = (
        '<c:showLegendKey val="0"/><c:showVal val="{v}"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
    )
    single = "".join(
        f'<c:dLbl><c:idx val="{k}"/>{_rich(text, 900, tag="c:tx", line=len(text) > 8)}'
        f'<c:dLblPos val="{position}"/>{flags.format(v=1)}</c:dLbl>'
        for k, text in own
    )
    shown = 1 if series["show_values"] else 0
    return (
        f'<c:dLbls>{single}<c:numFmt formatCode="{escape(series["format"], {chr(34): "&quot;"})}" '
        f'sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
        f"{_text_properties(800, rotated=True) if crowded else ''}"
        f'<c:dLblPos val="{position}"/>{flags.format(v=shown)}</c:dLbls>'
    )


def _category_axis(spec: ChartSpec, horizontal: bool) -> str:
    title = _title(spec["category_title"], 900) if spec["category_title"] else ""
    # Horizontal bars: the first category at the top, as in the table.
    orientation = "maxMin" if horizontal else "minMax"
    return (
        f'<c:catAx><c:axId val="{_CAT_AX}"/><c:scaling><c:orientation val="{orientation}"/>'
        f'</c:scaling><c:delete val="0"/><c:axPos val="{"l" if horizontal else "b"}"/>{title}'
        '<c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        f"{_sp('<a:noFill/>', edge=True)}"
        f'<c:crossAx val="{_VAL_AX}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:tickLblSkip val="1"/>'
        '<c:noMultiLvlLbl val="0"/></c:catAx>'
    )


def _headroom(spec: ChartSpec) -> Axis:
    """The value axis, two major units longer where crowded columns' value labels stand
    upright above them: the highest label then stays in the plot area, under the legend,
    in Word and LibreOffice alike (Excel's own axis for totals up to 100 ends at 120)."""
    axis = spec["axis"]
    crowded = spec["type"] == "column" and len(spec["categories"]) > CROWDED
    labelled = any(s["show_values"] for s in spec["series"])
    if not (crowded and labelled and axis["max"] is not None and axis["major"]):
        return axis
    return {**axis, "max": axis["max"] + 2 * axis["major"]}


def _value_axis(axis: Axis, horizontal: bool) -> str:
    bounds = "".join(
        f'<c:{name} val="{_number(axis[name])}"/>'
        for name in ("max", "min")
        if axis[name] is not None
    )
    title = _title(axis["title"], 900, rotated=not horizontal) if axis["title"] else ""
    major = f'<c:majorUnit val="{_number(axis["major"])}"/>' if axis["major"] else ""
    return (
        f'<c:valAx><c:axId val="{_VAL_AX}"/><c:scaling><c:orientation val="minMax"/>{bounds}'
        f'</c:scaling><c:delete val="0"/><c:axPos val="{"b" if horizontal else "l"}"/>'
        '<c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="DDDDDD"/>'
        f"</a:solidFill></a:ln></c:spPr></c:majorGridlines>{title}"
        f'<c:numFmt formatCode="{axis["format"]}" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f"{_sp('<a:noFill/>', edge=True)}"
        f'<c:crossAx val="{_CAT_AX}"/><c:crosses val="autoZero"/>'
        f'<c:crossBetween val="between"/>{major}</c:valAx>'
    )


def _title(text: str, size: int, *, rotated: bool = False) -> str:
    return (
        f'<c:title>{_rich(text, size, tag="c:tx", rotated=rotated)}<c:overlay val="0"/></c:title>'
    )


def _rich(text: str, size: int, *, tag: str, rotated: bool = False, line: bool = False) -> str:
    """A text of its own (a title, a label): its size; its fonts are the chart's
    (`_text_properties`); `line`: kept on one line (a long data label, not wrapped)."""
    body = '<a:bodyPr rot="-5400000" vert="horz"/>' if rotated else "<a:bodyPr/>"
    if line:
        body = '<a:bodyPr wrap="none"/>'
    return (
        f"<{tag}><c:rich>{body}<a:lstStyle/><a:p><a:pPr>{_run_props('defRPr', size)}</a:pPr>"
        f"<a:r>{_run_props('rPr', size, lang=True)}<a:t>{escape(text)}</a:t></a:r></a:p>"
        f"</c:rich></{tag}>"
    )


def _run_props(tag: str, size: int, *, lang: bool = False, fonts: bool = False) -> str:
    language = ' lang="zh-CN" altLang="en-US"' if lang else ""
    named = (
        f'<a:latin typeface="{LATIN_FONT}"/><a:ea typeface="{EA_FONT}"/>'
        f'<a:cs typeface="{LATIN_FONT}"/>'
        if fonts
        else ""
    )
    return (
        f'<a:{tag}{language} sz="{size}" b="0"><a:solidFill><a:srgbClr val="222222"/></a:solidFill>'
        f"{named}</a:{tag}>"
    )


def _text_properties(size: int, *, rotated: bool = False, fonts: bool = False) -> str:
    """Text properties; the chart's own (`fonts`) name the Latin and East Asian fonts."""
    body = '<a:bodyPr rot="-5400000" vert="horz"/>' if rotated else "<a:bodyPr/>"
    return (
        f"<c:txPr>{body}<a:lstStyle/><a:p><a:pPr>{_run_props('defRPr', size, fonts=fonts)}</a:pPr>"
        '<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'
    )


def _fill(color: str | None) -> str:
    return (
        "<a:noFill/>"
        if color is None
        else f'<a:solidFill><a:srgbClr val="{color[1:]}"/></a:solidFill>'
    )


def _sp(fill: str, *, edge: bool = False) -> str:
    line = '<a:ln w="5080"><a:solidFill><a:srgbClr val="333333"/></a:solidFill></a:ln>'
    return f"<c:spPr>{fill}{line if edge else '<a:ln><a:noFill/></a:ln>'}</c:spPr>"


def _str_ref(ref: str, texts: list[str]) -> str:
    points = "".join(f'<c:pt idx="{k}"><c:v>{escape(t)}</c:v></c:pt>' for k, t in enumerate(texts))
    return (
        f'<c:strRef><c:f>{ref}</c:f><c:strCache><c:ptCount val="{len(texts)}"/>{points}'
        "</c:strCache></c:strRef>"
    )


def _num_ref(ref: str, values: list[float | None], number_format: str) -> str:
    points = "".join(
        f'<c:pt idx="{k}"><c:v>{_number(v)}</c:v></c:pt>'
        for k, v in enumerate(values)
        if v is not None
    )
    code = escape(number_format, {'"': "&quot;"})
    return (
        f"<c:numRef><c:f>{ref}</c:f><c:numCache><c:formatCode>{code}</c:formatCode>"
        f'<c:ptCount val="{len(values)}"/>{points}</c:numCache></c:numRef>'
    )


def _number(value: float | None) -> str:
    """A value as the cache and the workbook hold it: the shortest exact form (85.2, 3)."""
    if value is None:
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
