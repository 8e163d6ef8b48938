"""The library entry points behind the CLI: validate, evaluate, explain, score a year."""

from __future__ import annotations

import errno
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .analysis.record import robustness_record
from .analysis.robustness import RobustnessReport, Settings, analyse
from .documents.pdf import check_pdf_fonts, convert_to_pdf, require_soffice
from .documents.pool import default_jobs, prepare_documents, start_workers_early
from .documents.publicity import publicity_context, publicity_template, write_publicity
from .fastpaths import FastPath
from .inputs.issuance import ISSUANCE_FILE, Issuance, load_issuance
from .inputs.reader import input_files
from .inputs.values import normalize_text
from .inputs.year import YearInputs, read_year, suggest_unit
from .model.loader import LoadedModel, load_model
from .model.names import model_for_year
from .model.schema import ScoringModel
from .outputs import frames
from .outputs.audit import FINAL, PRELIMINARY, audit, check_stage, stage_meta, superseded_run
from .outputs.diff import RunDiff, diff_runs, write_diff_workbook
from .outputs.explain import explain_unit
from .outputs.files import RunFolder, check_output_folder, json_bytes, json_chunks, sha256_file
from .outputs.records import YearRecord
from .outputs.renamed import document_year, in_names_of_year
from .outputs.results import build_results, history_points
from .outputs.workbook import write_results_workbook
from .problems import EvalgenError, InputError, OutputError, Problem
from .progress.annual import CityValues
from .progress.milestones import city_values
from .progress.read import read_city_year
from .resources import DEFAULT_INPUTS
from .scoring.engine import ScoredYear, check_year, score_year
from .scoring.followups import apply_followups
from .scoring.history import history_in_names
from .scoring.scored import YearLines, YearResult

if TYPE_CHECKING:
    import pandas as pd

    from .documents.pool import DocumentSet

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
    folder = _inputs_base(inputs_dir) / str(year)
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
    base = _inputs_base(inputs_dir)
    inputs = read_year(loaded.model, base / str(year), year, appeals=check_stage(stage) == FINAL)
    earlier = _earlier_years(base, year, loaded.model.years)
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
    base = _inputs_base(inputs_dir)
    meta = {"evalgen_version": __version__, "model": _model_meta(evaluation.loaded)}
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

    run, final, outputs = _commit_run(folder, write)
    files = sorted(outputs) + ["manifest.json"]
    timings["total"] = time.perf_counter() - started
    return Run(evaluation, results, final, run.kept_aside, files, timings, notices)


def _commit_run(
    folder: Path, write: Callable[[RunFolder], dict[str, str]]
) -> tuple[RunFolder, Path, dict[str, str]]:
    """Begin a run folder, let `write` fill it (returning the outputs' hashes), commit it.

    All or nothing: on any failure the staging folder goes and the previous run stays as it was.
    """
    try:
        run = RunFolder.begin(folder)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {folder}：{_os_reason(exc)}") from None
    try:
        outputs = write(run)
        final = run.commit()
    except OSError as exc:
        run.abort()
        raise OutputError(
            f"写入输出文件夹 {folder} 失败：{_os_reason(exc)}，已保留原有结果"
        ) from None
    except BaseException:
        run.abort()
        raise
    return run, final, outputs


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
        manifest = _manifest(evaluation, _inputs_base(inputs_dir), None, None, outputs)
        manifest["settings"] = record["settings"]
        run.write("manifest.json", json_bytes(manifest))
        return outputs

    run, final, outputs = _commit_run(folder, write)
    files = sorted(outputs) + ["manifest.json"]
    return Robustness(evaluation, report, record, final, run.kept_aside, files)


def _write_documents(
    run: RunFolder, record: dict, model: ScoringModel, charts: str = "native"
) -> None:
    """The analysis' workbook (稳定性分析_YEAR.xlsx) and 稳定性分析.docx, in the staging folder."""
    from .documents.robustness import write_robustness_document
    from .outputs.robustness_workbook import write_robustness_workbook

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
        "model": _model_meta(evaluation.loaded),
        "inputs": _input_hashes(base, [year, *evaluation.history], issuance_file),
        "templates": {t.name: t.sha256 for t in docs.templates.values()} if docs else {},
        "outputs": outputs,
    }


def _model_meta(loaded: LoadedModel) -> dict[str, str]:
    return {"file": loaded.path.name, "sha256": loaded.sha256}


_OS_REASONS: dict[int | None, str] = {  # OSError.errno may be None
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘为只读",
    errno.ENOTDIR: "路径中有同名文件而不是文件夹",
    errno.EEXIST: "同名文件已存在",
}


def _os_reason(exc: OSError) -> str:
    return _OS_REASONS.get(exc.errno, f"系统错误（{exc.strerror or exc}）")


def _inputs_base(inputs_dir: Path | None) -> Path:
    """The folder holding one subfolder per year: `--inputs`, or the embedded samples."""
    return Path(inputs_dir) if inputs_dir else DEFAULT_INPUTS


def _earlier_years(base: Path, year: int, model_years: list[int]) -> list[int]:
    if not base.is_dir():
        return []
    found = [int(p.name) for p in base.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name)]
    return sorted(y for y in found if y < year and y in model_years)


def _input_hashes(base: Path, years: list[int], issuance_file: Path | None) -> dict[str, str]:
    hashes = {}
    if issuance_file is not None and Path(issuance_file).is_file():
        hashes[f"issuance/{Path(issuance_file).name}"] = sha256_file(Path(issuance_file))
    for year in sorted(years):
        folder = base / str(year)
        extra = [folder / ISSUANCE_FILE] if (folder / ISSUANCE_FILE).is_file() else []
        for path in sorted(input_files(folder) + extra):
            hashes[f"{year}/{path.name}"] = sha256_file(path)
    return hashes


def diff(run_a: Path, run_b: Path, xlsx: Path | None = None, docx: Path | None = None) -> RunDiff:
    """Every change from run folder `run_a` to `run_b` (one year), each with its cause; with
    `xlsx`, also written there as a workbook, with `docx` as 复核情况说明 (an existing file is
    replaced)."""
    from .documents.review import write_review

    result = diff_runs(Path(run_a), Path(run_b))
    for path, writer in ((xlsx, write_diff_workbook), (docx, write_review)):
        if path is not None:
            try:
                writer(result, Path(path))
            except OSError as exc:
                raise OutputError(f"无法写入 {path}：{_os_reason(exc)}") from None
    return result


def fast_paths() -> dict[str, FastPath]:
    """Every fast path over a library's internals in this process, by name, on or off and why."""
    from .documents.compiled import fast_path as documents

    return {path.name: path for path in (documents(),)}


# -- evalgen progress: a quarter or half-year's 定期通报, task ledger and 督办单 (issue 16) --------


@dataclass(frozen=True)
class ProgressRun:
    """A finished `progress` run: the period's record (progress.json) and its folder."""

    period: str
    record: dict
    folder: Path
    kept_aside: Path | None
    files: list[str] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)


def progress(
    period: str,
    inputs_dir: Path | None = None,
    model: Path | None = None,
    out_dir: Path | None = None,
    *,
    templates_dir: Path | None = None,
    issuance_file: Path | None = None,
    documents: bool = True,
    pdf: bool = False,
    charts: str = "native",
) -> ProgressRun:
    """A period's progress (`2025H1`): progress.json, 台账_PERIOD.xlsx, the 定期通报 and a
    督办单 per lagging unit, in out/PERIOD/ — all or nothing, as `score`; `charts`: the
    定期通报's charts as "native" Word charts or "png" pictures."""
    from .documents.progress import write_progress_documents
    from .outputs.ledger_workbook import write_ledger_workbook
    from .progress.period import parse_period
    from .progress.read import read_period
    from .progress.report import assess_progress, progress_record

    if pdf:
        require_soffice()
    loaded = load_model(model)
    when = parse_period(period, loaded.model.years)
    folder = Path(out_dir) if out_dir else Path("out") / when.code
    check_output_folder(folder)
    base = _inputs_base(inputs_dir)
    view = model_for_year(loaded.model, when.year)  # units under their names in force then
    inputs = read_period(view, base / when.code, when)
    years = _earlier_years(base, when.year, loaded.model.years)
    annual = {y: read_year(loaded.model, base / str(y), y).figures for y in years}
    record = progress_record(view, assess_progress(view, inputs, annual))
    issuance = None
    if documents:
        issuance = load_issuance(issuance_file or base / when.code / ISSUANCE_FILE)
    notices: list[Problem] = []

    def write(run: RunFolder) -> dict[str, str]:
        run.write("progress.json", json_bytes(record))
        write_ledger_workbook(record, run.staging / f"台账_{when.code}.xlsx")
        if issuance is not None:
            written = write_progress_documents(record, issuance, run.staging, templates_dir, charts)
            if pdf:
                notices.extend(check_pdf_fonts(convert_to_pdf(written), run.staging))
        outputs = {p.relative_to(run.staging).as_posix(): sha256_file(p) for p in run.files()}
        manifest = {
            "evalgen_version": __version__,
            "period": when.code,
            "model": _model_meta(loaded),
            "inputs": _period_hashes(base, when.code, years, issuance_file),
            "outputs": outputs,
        }
        run.write("manifest.json", json_bytes(manifest))
        return outputs

    run, final, outputs = _commit_run(folder, write)
    files = sorted(outputs) + ["manifest.json"]
    return ProgressRun(when.code, record, final, run.kept_aside, files, notices)


def _period_hashes(
    base: Path, code: str, years: list[int], issuance_file: Path | None
) -> dict[str, str]:
    hashes = _input_hashes(base, years, issuance_file)
    folder = base / code
    extra = [folder / ISSUANCE_FILE] if (folder / ISSUANCE_FILE).is_file() else []
    for path in sorted(input_files(folder) + extra):
        hashes[f"{code}/{path.name}"] = sha256_file(path)
    return hashes
