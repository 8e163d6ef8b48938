"""The library entry points behind the CLI: validate, evaluate, explain, score a year.

What every run shares (its folder, input hashes) is in `runs`; `evalgen progress` in
`period_run` (`evalgen.pipeline.period_run.progress`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..analysis.record import robustness_record
from ..analysis.robustness import RobustnessReport, Settings, analyse
from ..documents.pdf import check_pdf_fonts, convert_to_pdf, require_soffice
from ..documents.pool import default_jobs, prepare_documents, start_workers_early
from ..documents.publicity import publicity_context, publicity_template, write_publicity
from ..fastpaths import FastPath
from ..inputs.issuance import ISSUANCE_FILE, Issuance, load_issuance
from ..inputs.values import normalize_text
from ..inputs.year import YearInputs, read_year, suggest_unit
from ..model.loader import LoadedModel, load_model
from ..model.names import model_for_year
from ..model.schema import ScoringModel
from ..outputs import frames
from ..outputs.audit import FINAL, PRELIMINARY, audit, check_stage, stage_meta, superseded_run
from ..outputs.diff import RunDiff, diff_runs, write_diff_workbook
from ..outputs.explain import explain_unit
from ..outputs.files import RunFolder, check_output_folder, json_bytes, json_chunks, sha256_file
from ..outputs.records import YearRecord
from ..outputs.renamed import document_year, in_names_of_year
from ..outputs.results import build_results, history_points
from ..outputs.workbook import write_results_workbook
from ..problems import EvalgenError, InputError, OutputError, Problem
from ..progress.annual import CityValues
from ..progress.milestones import city_values
from ..progress.read import read_city_year
from ..scoring.engine import ScoredYear, check_year, score_year
from ..scoring.followups import apply_followups
from ..scoring.history import history_in_names
from ..scoring.scored import YearLines, YearResult
from .runs import commit_run, earlier_years, input_hashes, inputs_base, model_meta, os_reason

if TYPE_CHECKING:
    import pandas as pd

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
class Evaluation:
    """A scored year with the history it was compared against.

    `lines` is this year's exact view (each unit's indicator lines, built when asked); the
    earlier years in `history` keep only totals, grades and ranks; `result.city` the city's
    value of each milestone (`progress.annual`) in this year and the earlier ones.
    """

    loaded: LoadedModel
    inputs: YearInputs
    result: YearResult
    lines: YearLines
    history: dict[int, YearResult]
    timings: dict[str, float] = field(default_factory=dict)

    def indicators_frame(self) -> pd.DataFrame:
        """One row per (unit, indicator): group, unit, indicator id and name, category,
        value, target, points, effective points, score, not_applicable."""
        return frames.indicators_frame(self.result, self.lines)

    def units_frame(self) -> pd.DataFrame:
        """One row per unit: group, unit, total, grade, rank, previous rank, bonus (as
        earned and as applied under the cap), penalty, veto."""
        return frames.units_frame(self.result)


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


def validate(
    year: int,
    inputs_dir: Path | None = None,
    model: Path | None = None,
    issuance_file: Path | None = None,
) -> YearInputs:
    """Check the model for `year`, the year's inputs and its issuance file; write nothing."""
    loaded = load_model(model)
    check_year(loaded.model, year, loaded.locate)
    folder = inputs_base(inputs_dir) / str(year)
    inputs = read_year(loaded.model, folder, year)
    try:
        load_issuance(issuance_file or folder / ISSUANCE_FILE)
    except EvalgenError as exc:  # the data's notices still belong to the report
        exc.notices = [*inputs.warnings, *exc.notices]
        raise
    return inputs


def evaluate(
    year: int, inputs_dir: Path | None = None, model: Path | None = None, *, stage: str = FINAL
) -> Evaluation:
    """Read, check and score `year` and every earlier year folder the model covers.

    The final stage (终评) applies the year's appeals register (复核登记表); 初评 does not.
    """
    t0 = time.perf_counter()
    loaded = load_model(model)
    base = inputs_base(inputs_dir)
    inputs = read_year(loaded.model, base / str(year), year, appeals=check_stage(stage) == FINAL)
    earlier = earlier_years(base, year, loaded.model.years)
    for checked in (year, *earlier):  # here, where the model's file and lines are known
        check_year(loaded.model, checked, loaded.locate)
    scoring = 0.0
    history: dict[int, YearResult] = {}
    city: CityValues = {}
    for past in earlier:
        history[past], seconds = _earlier_year(loaded.model, base, past, history, city)
        scoring += seconds
    city[year] = _city_values(loaded.model, inputs)
    t = time.perf_counter()
    scored = _scored(loaded.model, inputs, history)
    result = replace(scored.result, city=city)
    scoring += time.perf_counter() - t
    timings = {"load": time.perf_counter() - t0 - scoring, "score": scoring}
    # Later stages see the year under its unit names, history following each unit.
    loaded, history = _in_names_of_year(loaded, history, year)
    return Evaluation(loaded, inputs, result, scored.lines, history, timings)


def _in_names_of_year(
    loaded: LoadedModel, history: dict[int, YearResult], year: int
) -> tuple[LoadedModel, dict[int, YearResult]]:
    """The model's view of `year` and the earlier years under its unit names (`model.names`)."""
    view = replace(loaded, model=model_for_year(loaded.model, year))
    return view, history_in_names(loaded.model, history, year)


def _earlier_year(
    model: ScoringModel,
    base: Path,
    year: int,
    history: dict[int, YearResult],
    city: CityValues,
) -> tuple[YearResult, float]:
    """An earlier year, ranked against the ones before it, and the seconds scoring took.

    Its exact view, and with it the year's inputs, is dropped here: later stages need only
    its totals and ranks, and the city's milestone values, kept in `city[year]`.
    """
    try:
        inputs = read_year(model, base / str(year), year)
    except InputError as exc:
        raise InputError(
            f"用于计算名次变化的{year}年度数据有{len(exc.problems)}处问题：{exc.message}",
            exc.problems,
        ) from None
    city[year] = _city_values(model, inputs)
    t = time.perf_counter()
    result = _scored(model, inputs, history).result
    return result, time.perf_counter() - t


def _city_values(model: ScoringModel, inputs: YearInputs) -> dict[str, Decimal]:
    """The year's city value of each milestone, from its figures and its city table (全市指标,
    optional); nothing without milestones."""
    if model.progress is None:
        return {}
    units = city_values(model.progress.milestones, inputs.figures)
    return units | read_city_year(model, inputs.folder, inputs.year)


def _scored(model: ScoringModel, inputs: YearInputs, history: dict[int, YearResult]) -> ScoredYear:
    """Score, rank and follow up a year against the earlier years in `history`."""
    previous = history[max(history)] if history else None
    scored = score_year(model, inputs, previous)
    return ScoredYear(apply_followups(model, scored.result, history), scored.lines)


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
        manifest = _manifest(evaluation, base, issuance_file, docs, outputs)
        if publicity is not None:
            manifest["templates"] = publicity_template(templates_dir)
        manifest.update(audit(stage, evaluation.inputs, superseded))
        run.write("manifest.json", json_bytes(manifest))
        return outputs

    run, final, outputs = commit_run(folder, write)
    files = sorted(outputs) + ["manifest.json"]
    timings["total"] = time.perf_counter() - started
    return Run(evaluation, results, final, run.kept_aside, files, timings, notices)


@dataclass(frozen=True)
class Robustness:
    """A finished `robustness` run: the report, its record (robustness.json) and the folder."""

    evaluation: Evaluation
    report: RobustnessReport
    record: dict
    folder: Path
    kept_aside: Path | None
    files: list[str] = field(default_factory=list)


def robustness(
    year: int,
    inputs_dir: Path | None = None,
    model: Path | None = None,
    out_dir: Path | None = None,
    *,
    runs: int = 1000,
    weights: float = 0.10,
    evaluated: float = 0.5,
    thresholds: float = 0.0,
    seed: int = 1,
    documents: bool = True,
    charts: str = "native",
) -> Robustness:
    """稳定性分析: a Monte Carlo analysis of every decision of `year`, in its own run folder.

    Writes robustness.json and manifest.json (default folder: out/YEAR-稳定性分析/), all or
    nothing; a previous folder is kept aside as `score` does.
    """
    settings = Settings(runs, weights, evaluated, thresholds, seed)
    folder = Path(out_dir) if out_dir else Path("out") / f"{year}-稳定性分析"
    check_output_folder(folder)
    evaluation = evaluate(year, inputs_dir, model)
    loaded = evaluation.loaded
    report = analyse(
        loaded.model, evaluation.result, evaluation.lines, evaluation.history, settings
    )
    record = robustness_record(report)

    def write(run: RunFolder) -> dict[str, str]:
        run.write("robustness.json", json_bytes(record))
        if documents:
            _write_documents(run, record, loaded.model, charts)
        outputs = {p.relative_to(run.staging).as_posix(): sha256_file(p) for p in run.files()}
        manifest = _manifest(evaluation, inputs_base(inputs_dir), None, None, outputs)
        manifest["settings"] = record["settings"]
        run.write("manifest.json", json_bytes(manifest))
        return outputs

    run, final, outputs = commit_run(folder, write)
    files = sorted(outputs) + ["manifest.json"]
    return Robustness(evaluation, report, record, final, run.kept_aside, files)


def _write_documents(
    run: RunFolder, record: dict, model: ScoringModel, charts: str = "native"
) -> None:
    """The analysis' workbook (稳定性分析_YEAR.xlsx) and 稳定性分析.docx, in the staging folder."""
    from ..documents.robustness import write_robustness_document
    from ..outputs.robustness_workbook import write_robustness_workbook

    write_robustness_workbook(record, run.staging / f"稳定性分析_{record['year']}.xlsx")
    path = run.staging / "稳定性分析.docx"
    write_robustness_document(record, model, path, charts=charts)


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


def _manifest(
    evaluation: Evaluation,
    base: Path,
    issuance_file: Path | None,
    docs: DocumentSet | None,
    outputs: dict[str, str],
) -> dict:
    """What the run was made from (model, inputs, templates) and what it wrote, with hashes."""
    year = evaluation.result.year
    return {
        "evalgen_version": __version__,
        "year": year,
        "model": model_meta(evaluation.loaded),
        "inputs": input_hashes(base, [year, *evaluation.history], issuance_file),
        "templates": {t.name: t.sha256 for t in docs.templates.values()} if docs else {},
        "outputs": outputs,
    }


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
