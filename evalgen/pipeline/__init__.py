"""The library entry points behind the CLI: validate, evaluate, explain, score a year.

What every run shares (its folder, input hashes) is in `runs`; `evalgen progress` in
`period_run` (`evalgen.pipeline.period_run.progress`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..documents.pdf import check_pdf_fonts, convert_to_pdf, require_soffice
from ..documents.pool import default_jobs, prepare_documents, start_workers_early
from ..documents.publicity import publicity_context, publicity_template, write_publicity
from ..fastpaths import FastPath
from ..inputs.issuance import ISSUANCE_FILE, Issuance, load_issuance
from ..inputs.values import normalize_text
from ..inputs.year import suggest_unit
from ..outputs.audit import FINAL, PRELIMINARY, audit, check_stage, stage_meta, superseded_run
from ..outputs.diff import RunDiff, diff_runs, write_diff_workbook
from ..outputs.explain import explain_unit
from ..outputs.files import RunFolder, check_output_folder, json_bytes, json_chunks, sha256_file
from ..outputs.records import YearRecord
from ..outputs.renamed import document_year, in_names_of_year
from ..outputs.results import build_results, history_points
from ..outputs.workbook import write_results_workbook
from ..problems import InputError, OutputError, Problem
from .evaluation import Evaluation, evaluate, validate
from .robustness_run import Robustness, robustness
from .runs import (
    commit_run,
    inputs_base,
    model_meta,
    os_reason,
    run_manifest,
)

if TYPE_CHECKING:
    from ..documents.pool import DocumentSet

__all__ = [
    "diff",
    "fast_paths",
    "Evaluation",
    "Run",
    "evaluate",
    "explain",
    "robustness",
    "Robustness",
    "score",
    "validate",
    "ISSUANCE_FILE",
]


@dataclass(frozen=True)
class Run:
    """A finished `score` run."""

    evaluation: Evaluation
    results: YearRecord
    folder: Path
    kept_aside: Path | None
    files: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notices: list[Problem] = field(default_factory=list)  # 提示 of the writing (PDF fonts)


def explain(year: int, unit: str, inputs_dir: Path | None = None, model: Path | None = None) -> str:
    """The line-by-line explanation of one unit's score."""
    evaluation = evaluate(year, inputs_dir, model)
    model_ = evaluation.loaded.model
    name = model_.resolve_unit(normalize_text(unit))
    if name is None:
        hint = suggest_unit(model_, unit)
        raise InputError(
            f"单位“{unit}”不在考核对象名单中",
            [Problem("请核对单位名称", hint=hint, code="unknown-unit")],
        )
    appeals = [a for a in evaluation.inputs.appeals if a.unit == name]
    return explain_unit(model_, evaluation.result, evaluation.lines, name, appeals)


def score(
    year: int,
    inputs_dir: Path | None = None,
    model: Path | None = None,
    out_dir: Path | None = None,
    *,
    templates_dir: Path | None = None,
    issuance_file: Path | None = None,
    documents: bool = True,
    pdf: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    stage: str = FINAL,
    supersedes: Path | None = None,
    charts: str = "native",
) -> Run:
    """Score a year and write its run folder: results, documents, manifest — all or nothing.

    `stage` 终评 (final: the appeals register applied, the 通报, reports and notices) or 初评
    (preliminary: the 公示 instead, default folder out/YEAR-初评/); `supersedes`: a run folder
    of the same year this run replaces, recorded in the manifest; `charts`: "native" Word
    charts (editable data) or "png" pictures in the documents.
    """
    if pdf:
        require_soffice()
    started = time.perf_counter()
    default = str(year) if check_stage(stage) == FINAL else f"{year}-{PRELIMINARY}"
    folder = Path(out_dir) if out_dir else Path("out") / default
    check_output_folder(folder)  # before a year is read: a file there is a mistake
    superseded = superseded_run(Path(supersedes), year) if supersedes else None
    jobs = jobs or default_jobs()
    if documents and stage == FINAL:
        start_workers_early(jobs)
    evaluation = evaluate(year, inputs_dir, model, stage=stage)
    timings = dict(evaluation.timings)
    base = inputs_base(inputs_dir)
    meta = {"evalgen_version": __version__, "model": model_meta(evaluation.loaded)}
    meta.update(stage_meta(stage, evaluation.inputs))
    results = build_results(evaluation.loaded.model, evaluation.result, evaluation.lines, meta)
    docs = publicity = None
    if documents:
        path = issuance_file or base / str(year) / ISSUANCE_FILE
        issuance = load_issuance(path)
        if stage == FINAL:
            docs = _documents(evaluation, results, issuance, templates_dir, charts)
        else:
            model_ = evaluation.loaded.model
            publicity = publicity_context(model_, results, issuance, Path(path).name)

    notices: list[Problem] = []

    def write(run: RunFolder) -> dict[str, str]:
        if publicity is not None:
            notices.extend(write_publicity(publicity, run.staging, templates_dir, pdf=pdf))
        outputs = _write_outputs(run, results, docs, jobs, pdf, progress, timings, notices)
        manifest = run_manifest(evaluation, base, issuance_file, docs, outputs)
        if publicity is not None:
            manifest["templates"] = publicity_template(templates_dir)
        manifest.update(audit(stage, evaluation.inputs, superseded))
        run.write("manifest.json", json_bytes(manifest))
        return outputs

    run, final, outputs = commit_run(folder, write)
    files = sorted(outputs) + ["manifest.json"]
    timings["total"] = time.perf_counter() - started
    return Run(evaluation, results, final, run.kept_aside, files, timings, notices)


def _documents(
    evaluation: Evaluation,
    results: YearRecord,
    issuance: Issuance,
    templates_dir: Path | None,
    charts: str = "native",
) -> DocumentSet:
    """The year's documents, ready to render; earlier years enter as totals and ranks only."""
    model = evaluation.loaded.model
    history = {y: history_points(model, r) for y, r in evaluation.history.items()}
    # Units by their names in the year of the 成文日期 (a unit renamed since: its new name).
    year = document_year(issuance.date, results["year"])
    results, history = in_names_of_year(model, results, history, year)
    return prepare_documents(model, results, history, issuance, templates_dir, charts)


def _write_outputs(
    run: RunFolder,
    results: YearRecord,
    docs: DocumentSet | None,
    jobs: int,
    pdf: bool,
    progress: Callable[[int, int, str], None] | None,
    timings: dict[str, float],
    notices: list[Problem],
) -> dict[str, str]:
    """Write the workbook, results.json and the documents into the run's staging folder.

    Returns every file written with its sha256; adds the documents' timings to `timings` and
    the PDF fonts' notices (提示: an office font replaced) to `notices`.
    """
    year = results["year"]
    write_results_workbook(results, run.staging / f"考核结果_{year}.xlsx")
    run.write("results.json", json_chunks(results))
    rendered: dict[str, str] = {}  # documents with their hashes, from the workers
    if docs is not None:
        t = time.perf_counter()
        rendered = docs.render_into(run.staging, jobs, progress)
        timings["documents_wall"] = time.perf_counter() - t
        timings.update(docs.timings)
        if pdf:
            pdfs = convert_to_pdf([p for p in run.files() if p.suffix == ".docx"])
            notices += check_pdf_fonts(pdfs, run.staging)
    outputs = {}
    for path in run.files():
        name = path.relative_to(run.staging).as_posix()
        outputs[name] = rendered.get(name) or sha256_file(path)
    return outputs


def diff(run_a: Path, run_b: Path, xlsx: Path | None = None, docx: Path | None = None) -> RunDiff:
    """Every change from run folder `run_a` to `run_b` (one year), each with its cause; with
    `xlsx`, also written there as a workbook, with `docx` as 复核情况说明 (an existing file is
    replaced)."""
    from ..documents.review import write_review

    result = diff_runs(Path(run_a), Path(run_b))
    for path, writer in ((xlsx, write_diff_workbook), (docx, write_review)):
        if path is not None:
            try:
                writer(result, Path(path))
            except OSError as exc:
                raise OutputError(f"无法写入 {path}：{os_reason(exc)}") from None
    return result


def fast_paths() -> dict[str, FastPath]:
    """Every fast path over a library's internals in this process, by name, on or off and why."""
    from ..documents.compiled import fast_path as documents

    return {path.name: path for path in (documents(),)}
