"""`evalgen robustness`: 稳定性分析 in its own run folder (out/YEAR-稳定性分析/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.record import robustness_record
from ..analysis.robustness import RobustnessReport, Settings, analyse
from ..model.schema import ScoringModel
from ..outputs.files import RunFolder, check_output_folder, json_bytes, sha256_file
from .evaluation import Evaluation, evaluate
from .runs import commit_run, inputs_base, run_manifest

__all__ = ["Robustness", "robustness"]


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
        manifest = run_manifest(evaluation, inputs_base(inputs_dir), None, None, outputs)
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
