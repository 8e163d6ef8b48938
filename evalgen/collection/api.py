"""The library functions behind `evalgen forms` and `evalgen collect`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from ..inputs.issuance import ISSUANCE_FILE, load_issuance
from ..inputs.year import read_year
from ..model.loader import LoadedModel, load_model
from ..model.names import model_for_year
from ..problems import OutputError
from ..resources import DEFAULT_INPUTS
from ..scoring.engine import check_year
from .collector import Collection, collect_returns
from .content import Prefill, form_file_name
from .forms import FormSpec, write_unit_form
from .register import write_appeals_register
from .teamsheet import team_file_name, write_team_workbook

__all__ = [
    "Forms",
    "collect",
    "commit_forms",
    "form_contact",
    "form_deadline",
    "make_forms",
    "write_forms",
]


class Forms:
    """Written forms: the folder, the file names, an old folder kept aside."""

    def __init__(self, folder: Path, files: list[str], kept_aside: Path | None):
        self.folder, self.files, self.kept_aside = folder, files, kept_aside


_UNSTATED = "见报送通知"


def form_contact(issuance_file: Path | None) -> str:
    if issuance_file is None or not issuance_file.is_file():
        return _UNSTATED
    issuance = load_issuance(issuance_file)
    return "，".join(x for x in (issuance.contact, issuance.phone) if x) or _UNSTATED


def form_deadline(issuance_file: Path, given: str | None) -> str:
    """`given` (--deadline) if any, else the issuance file's 填报截止日期, else 见报送通知."""
    if given:
        return given
    if not issuance_file.is_file():
        return _UNSTATED
    return load_issuance(issuance_file).form_deadline or _UNSTATED


def _prefill(loaded: LoadedModel, folder: Path | None, year: int) -> Prefill:
    """The figures of `folder` (a year folder) and those of the year before `year` beside it."""
    if folder is None:
        return Prefill()
    own_year = int(folder.name) if folder.name.isdigit() else year
    check_year(loaded.model, own_year, loaded.locate)
    inputs = read_year(loaded.model, folder, own_year)
    prefill = Prefill(inputs.figures, {}, inputs.tasks, inputs.events)
    before = folder.parent / str(year - 1)
    if before.is_dir():
        prefill.previous = (
            inputs.figures
            if before == folder
            else read_year(loaded.model, before, year - 1).figures
        )
    return prefill


def make_forms(
    year: int,
    out_dir: Path | None = None,
    model: Path | None = None,
    *,
    prefill: Path | None = None,
    issuance_file: Path | None = None,
    deadline: str | None = None,
    inputs_dir: Path | None = None,
) -> Forms:
    """Write one fill-in form per unit and the team's workbook into `out_dir` (all or nothing).

    A folder already there is kept aside as NAME.prev-N, never overwritten. The deadline
    and contact on the 说明 sheet come from the issuance file (填报截止日期, 联系人,
    联系电话); `deadline` overrides the file's.
    """
    loaded = load_model(model)
    check_year(loaded.model, year, loaded.locate)
    issuance = issuance_file or (inputs_dir or DEFAULT_INPUTS) / str(year) / ISSUANCE_FILE
    view = model_for_year(loaded.model, year)  # units under their names in force that year
    spec = FormSpec(
        view, loaded.sha256, year, form_deadline(issuance, deadline), form_contact(issuance)
    )
    data = _prefill(loaded, prefill, year)
    out = out_dir or Path("填报表") / str(year)
    staging, files = write_forms(out, spec, data, lambda unit: form_file_name(year, unit))
    files.append(team_file_name(year))
    write_team_workbook(staging / files[-1], spec, data)
    files.append(write_appeals_register(staging, view, year).name)  # empty, for the 公示
    return Forms(out, files, commit_forms(staging, out))


def write_forms(
    out: Path, spec: FormSpec, data: Prefill, name: Callable[[str], str]
) -> tuple[Path, list[str]]:
    """Every unit's form of `spec.model`, named `name(unit)`, in a new staging folder beside
    `out` (`commit_forms` puts it in place); (the staging folder, the files written)."""
    staging = _staging(out)
    files = []
    for gkey, group in spec.model.groups.items():
        for unit in group.units:
            files.append(name(unit))
            write_unit_form(staging / files[-1], spec, gkey, unit, data)
    return staging, files


def _staging(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise OutputError(f"输出位置是文件，不是文件夹：{out}", code="output-is-a-file")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.forms-new")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return staging


def commit_forms(staging: Path, out: Path) -> Path | None:
    kept = None
    if out.exists():
        n = 1
        while out.with_name(f"{out.name}.prev-{n}").exists():
            n += 1
        kept = out.with_name(f"{out.name}.prev-{n}")
        os.rename(out, kept)
    os.rename(staging, out)
    return kept


def collect(
    year: int,
    returns_dir: Path,
    out_root: Path,
    model: Path | None = None,
    *,
    issuance_file: Path | None = None,
) -> Collection:
    """Read every return under `returns_dir` and merge them into `out_root/YEAR/`.

    Returns the status of every unit; the merge is written even when some units are
    incomplete (it says which; `score` refuses it until they are complete).
    """
    loaded = load_model(model)
    check_year(loaded.model, year, loaded.locate)
    issuance = issuance_file or out_root / str(year) / ISSUANCE_FILE
    return collect_returns(
        loaded, year, returns_dir, out_root, issuance_file, form_contact(issuance)
    )
