"""The in-year round (issue 16 item 3): `evalgen forms 2025H1` and `evalgen collect 2025H1`.

The same forms, identity, checks and merge as the year's round, on the model's in-year view:
only the indicators followed in-year (and the milestones' sources), the expected level shown
for reference, and the task progress rows (进展状态, 进展情况) instead of 完成情况; no bonus
claims and no team workbook. The merge is a period folder `progress.read.read_period` reads.
"""

from __future__ import annotations

from pathlib import Path

from ..inputs.issuance import ISSUANCE_FILE
from ..inputs.records import Figure, Source
from ..model.loader import load_model, target_for
from ..model.names import model_for_year
from ..model.schema import ScoringModel
from ..numbers import round_half_up
from ..problems import ModelError
from ..progress.period import Period, parse_period
from ..progress.read import period_group, read_period
from ..progress.status import expected_level, follows
from ..resources import DEFAULT_INPUTS
from .api import Forms, commit_forms, form_contact, form_deadline, write_forms
from .collector import Collection, collect_returns
from .content import Prefill, unit_indicators, unit_tasks
from .forms import FormSpec

__all__ = ["collect_period", "make_period_forms", "period_form_name", "period_view"]


def period_form_name(period: Period, unit: str) -> str:
    return f"{period.label}质量工作进展数据填报表_{unit}.xlsx"


def period_view(model: ScoringModel, year: int) -> ScoringModel:
    """The model as the in-year forms hold it: each group with only the indicators read
    in-year, and only the units with one of them or a key task."""
    view = model_for_year(model, year)
    if view.progress is None:
        raise ModelError(
            "考核细则没有年内跟踪部分（progress），无法生成年内填报表", code="no-progress-model"
        )
    groups = {}
    for gkey, group in view.groups.items():
        kept = period_group(view, group)
        slim = group.model_copy(update={"categories": kept.categories if kept else []})
        units = [u for u in group.units if unit_indicators(slim, u) or unit_tasks(slim, u)]
        groups[gkey] = slim.model_copy(update={"units": units})
    return view.model_copy(update={"groups": groups})


def _expected(view: ScoringModel, period: Period) -> dict[str, dict[str, Figure]]:
    """unit → indicator → the level expected at the period's end (the 预期进度 column)."""
    assert view.progress is not None
    out: dict[str, dict[str, Figure]] = {}
    here = Source("", "", "")
    for group in view.groups.values():
        for unit in group.units:
            for _, ind in unit_indicators(group, unit):
                follow = view.progress.indicators.get(ind.id)
                target = target_for(ind, period.year)
                if follow is None or target is None or not follows(ind, follow):
                    continue
                level = round_half_up(expected_level(follow, target, period), 2)
                out.setdefault(unit, {})[ind.id] = Figure(level, here)
    return out


def _prefill(model: ScoringModel, view: ScoringModel, folder: Path | None, when: Period) -> Prefill:
    """The expected levels, and the figures and task progress of `folder` if given."""
    prefill = Prefill(previous=_expected(view, when))
    if folder is not None:
        inputs = read_period(model_for_year(model, when.year), folder, when)
        prefill.figures = inputs.figures
        prefill.reports = {key: (r.status, r.text) for key, r in inputs.tasks.items()}
    return prefill


def make_period_forms(
    period: str,
    out_dir: Path | None = None,
    model: Path | None = None,
    *,
    prefill: Path | None = None,
    issuance_file: Path | None = None,
    deadline: str | None = None,
    inputs_dir: Path | None = None,
) -> Forms:
    """Write one in-year fill-in form per unit followed in-year into `out_dir` (all or
    nothing; a folder already there is kept aside as NAME.prev-N). `prefill`: a period
    folder whose figures and task progress fill the forms."""
    loaded = load_model(model)
    when = parse_period(period, loaded.model.years)
    issuance = issuance_file or (inputs_dir or DEFAULT_INPUTS) / when.code / ISSUANCE_FILE
    view = period_view(loaded.model, when.year)
    spec = FormSpec(
        view,
        loaded.sha256,
        when.year,
        form_deadline(issuance, deadline),
        form_contact(issuance),
        when,
    )
    data = _prefill(loaded.model, view, prefill, when)
    out = out_dir or Path("填报表") / when.code
    staging, files = write_forms(out, spec, data, lambda unit: period_form_name(when, unit))
    return Forms(out, files, commit_forms(staging, out))


def collect_period(
    period: str,
    returns_dir: Path,
    out_root: Path,
    model: Path | None = None,
    *,
    issuance_file: Path | None = None,
) -> Collection:
    """Read every in-year return under `returns_dir` and merge them into `out_root/PERIOD/`,
    the period folder `evalgen progress PERIOD --inputs out_root` reads."""
    loaded = load_model(model)
    when = parse_period(period, loaded.model.years)
    view = period_view(loaded.model, when.year)
    issuance = issuance_file or out_root / when.code / ISSUANCE_FILE
    return collect_returns(
        loaded,
        when.year,
        returns_dir,
        out_root,
        issuance_file,
        form_contact(issuance),
        (when, view),
    )
