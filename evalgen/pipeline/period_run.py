"""`evalgen progress`: a quarter or half-year's 定期通报, task ledger and 督办单 (issue 16)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..documents.pdf import check_pdf_fonts, convert_to_pdf, require_soffice
from ..inputs.issuance import ISSUANCE_FILE, load_issuance
from ..inputs.reader import input_files
from ..inputs.year import read_year
from ..model.loader import load_model
from ..model.names import model_for_year
from ..outputs.files import RunFolder, check_output_folder, json_bytes, sha256_file
from ..problems import Problem
from .runs import commit_run, earlier_years, input_hashes, inputs_base, model_meta

__all__ = ["ProgressRun", "progress"]


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
    from ..documents.progress import write_progress_documents
    from ..outputs.ledger_workbook import write_ledger_workbook
    from ..progress.period import parse_period
    from ..progress.read import read_period
    from ..progress.report import assess_progress, progress_record

    if pdf:
        require_soffice()
    loaded = load_model(model)
    when = parse_period(period, loaded.model.years)
    folder = Path(out_dir) if out_dir else Path("out") / when.code
    check_output_folder(folder)
    base = inputs_base(inputs_dir)
    view = model_for_year(loaded.model, when.year)  # units under their names in force then
    inputs = read_period(view, base / when.code, when)
    years = earlier_years(base, when.year, loaded.model.years)
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
            "model": model_meta(loaded),
            "inputs": _period_hashes(base, when.code, years, issuance_file),
            "outputs": outputs,
        }
        run.write("manifest.json", json_bytes(manifest))
        return outputs

    run, final, outputs = commit_run(folder, write)
    files = sorted(outputs) + ["manifest.json"]
    return ProgressRun(when.code, record, final, run.kept_aside, files, notices)


def _period_hashes(
    base: Path, code: str, years: list[int], issuance_file: Path | None
) -> dict[str, str]:
    hashes = input_hashes(base, years, issuance_file)
    folder = base / code
    extra = [folder / ISSUANCE_FILE] if (folder / ISSUANCE_FILE).is_file() else []
    for path in sorted(input_files(folder) + extra):
        hashes[f"{code}/{path.name}"] = sha256_file(path)
    return hashes
