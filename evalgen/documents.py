"""The year's official documents: contexts → charts → checked templates → .docx (→ PDF)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .context import bulletin_context, notice_contexts, unit_contexts
from .issuance import Issuance
from .model import ScoringModel
from .render import DocumentTemplate, load_templates, render_document, safe_filename

__all__ = ["DocumentSet", "prepare_documents"]

UNIT_FOLDER = "单位报告"
NOTICE_FOLDER = "约谈通知书"


def _chart_functions() -> dict[str, Callable[..., bytes]]:
    from . import charts

    return {
        "group_totals": charts.group_totals_chart,
        "grade_distribution": charts.grade_distribution_chart,
        "attainment": charts.attainment_chart,
        "trend": charts.trend_chart,
    }


@dataclass
class DocumentSet:
    """Every document of the year, checked and ready to render into a folder."""

    templates: dict[str, DocumentTemplate]
    jobs: list[tuple[str, str, dict]]  # (relative path, template key, context)

    def render_into(self, write: Callable[[str, bytes], object], progress=None) -> list[str]:
        """Render each document and hand it to `write(relative_path, bytes)`."""
        functions = _chart_functions()
        names = []
        for i, (path, key, context) in enumerate(self.jobs, 1):
            charts = {
                name: functions[spec["kind"]](**spec["data"])
                for name, spec in context.get("charts", {}).items()
            }
            write(path, render_document(self.templates[key], context, charts))
            names.append(path)
            if progress:
                progress(i, len(self.jobs), path)
        return names


def prepare_documents(
    model: ScoringModel,
    results: dict,
    history: dict[int, dict],
    issuance: Issuance,
    templates_dir: Path | None,
) -> DocumentSet:
    """Build every context and check every template before anything is written."""
    bulletin = bulletin_context(model, results, issuance)
    units = unit_contexts(model, results, history, issuance)
    notices = notice_contexts(model, results, issuance)
    samples = {"bulletin": bulletin, "unit_report": units[0]}
    if notices:
        samples["notice"] = notices[0]
    templates = load_templates(templates_dir, samples)
    jobs = [(f"{safe_filename(bulletin['title'])}.docx", "bulletin", bulletin)]
    jobs += [
        (f"{UNIT_FOLDER}/{safe_filename(c['file_stem'])}.docx", "unit_report", c) for c in units
    ]
    jobs += [
        (f"{NOTICE_FOLDER}/{c['seq']:02d}_{safe_filename(c['file_stem'])}.docx", "notice", c)
        for c in notices
    ]
    return DocumentSet(templates, jobs)
