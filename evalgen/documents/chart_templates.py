"""The chart-style template (charts.docx): one styled native chart per kind, checked.

The office styles each kind of chart in Word or WPS (colours of the plot, fonts, sizes,
gridlines, legend position) in `charts.docx`; each chart is found by its alternative text
(右键 → 编辑可选文字), which is the kind's name (`group_totals`, `trend`, …). Every native
chart of a run starts from its kind's chart there (`charts.native.styled`). A folder given
with `--templates` without a charts.docx uses the one shipped with evalgen.

A needed chart that is missing, or of the wrong type (a line where bars are drawn), fails
the template check before anything is written, like a bad tag does.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from ..charts.native import ChartStyle
from ..charts.native.styled import kind_problem
from ..charts.spec import CHART_TYPES
from ..problems import Problem
from ..resources import DEFAULT_TEMPLATES
from .render import DocumentTemplate, TemplateError

__all__ = [
    "CHART_TEMPLATE",
    "chart_styles",
    "chart_template",
    "chart_template_path",
    "load_chart_styles",
]

CHART_TEMPLATE = "charts.docx"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"


def chart_template_path(folder: Path | None) -> Path:
    """The folder's charts.docx, else evalgen's own."""
    if folder is not None and (Path(folder) / CHART_TEMPLATE).is_file():
        return Path(folder) / CHART_TEMPLATE
    return DEFAULT_TEMPLATES / CHART_TEMPLATE


def load_chart_styles(folder: Path | None, kinds: Iterable[str]) -> dict[str, ChartStyle]:
    """The styled chart of each kind in `kinds`; a missing or wrong one is a `TemplateError`."""
    return chart_styles(chart_template(folder), kinds)


def chart_template(folder: Path | None) -> DocumentTemplate:
    """The chart-style template's bytes (for its hash in the manifest, and its charts)."""
    path = chart_template_path(folder)
    try:
        return DocumentTemplate("charts", CHART_TEMPLATE, path.read_bytes())
    except OSError:
        raise _unreadable(path) from None


def _unreadable(path: Path) -> TemplateError:
    return TemplateError(
        "图表模板有问题，未生成任何公文",
        [
            Problem(
                f"无法打开图表模板 {path}：文件已损坏或不是 .docx 格式",
                file=CHART_TEMPLATE,
                hint="请在 Word 中打开后另存为 .docx，或删除该文件以使用随程序提供的图表模板",
                code="template-corrupt",
            )
        ],
    )


def chart_styles(template: DocumentTemplate, kinds: Iterable[str]) -> dict[str, ChartStyle]:
    """The styled chart of each kind in `kinds` from the chart-style template, checked."""
    try:
        charts = _charts_by_alt_text(template.data)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise _unreadable(Path(template.name)) from None
    problems = []
    styles = {}
    for kind in sorted(set(kinds)):
        style = charts.get(kind)
        expected = CHART_TYPES[kind]
        if style is None:
            problems.append(
                Problem(
                    f"图表模板中没有可选文字为“{kind}”的图表",
                    file=CHART_TEMPLATE,
                    hint=f"请插入一个{_shown(expected)}并把它的可选文字（右键→编辑可选文字）"
                    f"设为 {kind}，或从随程序提供的 charts.docx 复制该图表",
                    code="template-chart-missing",
                )
            )
            continue
        why = kind_problem(style.xml, expected)
        if why:
            problems.append(
                Problem(
                    f"图表模板中可选文字为“{kind}”的图表{why}",
                    file=CHART_TEMPLATE,
                    hint=f"请把该图表的类型改为{_shown(expected)}（右键→更改图表类型）",
                    code="template-chart-kind",
                )
            )
            continue
        styles[kind] = style
    if problems:
        raise TemplateError(f"图表模板有{len(problems)}处问题，未生成任何公文", problems)
    return styles


def _shown(chart_type: str) -> str:
    return {"column": "柱形图", "bar": "条形图", "line": "折线图"}[chart_type]


def _charts_by_alt_text(data: bytes) -> dict[str, ChartStyle]:
    """Each chart of the document body by its alternative text (descr, else title)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iterfind(f"{{{_PR}}}Relationship")}
        found: dict[str, ChartStyle] = {}
        for frame in body.iter(f"{{{_WP}}}inline", f"{{{_WP}}}anchor"):
            chart = frame.find(f".//{{{_C}}}chart")
            doc_pr = frame.find(f"{{{_WP}}}docPr")
            extent = frame.find(f"{{{_WP}}}extent")
            if chart is None or doc_pr is None or extent is None:
                continue
            name = (doc_pr.get("descr") or doc_pr.get("title") or "").strip()
            target = targets.get(chart.get(f"{{{_R}}}id") or "")
            if not name or name in found or target is None:
                continue
            member = posixpath.normpath(posixpath.join("word", target)).lstrip("/")
            found[name] = ChartStyle(
                z.read(member), int(extent.get("cx", "0")), int(extent.get("cy", "0"))
            )
    return found
