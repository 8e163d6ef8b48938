"""Read and score a year in memory: `validate`, `evaluate` (→ `Evaluation`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ..inputs.issuance import ISSUANCE_FILE, load_issuance
from ..inputs.year import YearInputs, read_year
from ..model.loader import LoadedModel, load_model
from ..model.names import model_for_year
from ..model.schema import ScoringModel
from ..outputs import frames
from ..outputs.audit import FINAL, check_stage
from ..problems import EvalgenError, InputError
from ..progress.annual import CityValues
from ..progress.milestones import city_values
from ..progress.read import read_city_year
from ..scoring.engine import ScoredYear, check_year, score_year
from ..scoring.followups import apply_followups
from ..scoring.history import history_in_names
from ..scoring.scored import YearLines, YearResult
from .runs import earlier_years, inputs_base

__all__ = ["Evaluation", "evaluate", "validate"]

if TYPE_CHECKING:
    import pandas as pd


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


def validate(
    year: int,
    inputs_dir: Path | None = None,
    model: Path | None = None,
    issuance_file: Path | None = None,
) -> YearInputs:
    """Check the model for `year`, the year's inputs (its optional city table, 全市指标, too)
    and its issuance file; write nothing."""
    loaded = load_model(model)
    check_year(loaded.model, year, loaded.locate)
    folder = inputs_base(inputs_dir) / str(year)
    inputs = read_year(loaded.model, folder, year)
    try:
        read_city_year(loaded.model, folder, year, inputs.warnings)
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
    return units | read_city_year(model, inputs.folder, inputs.year, inputs.warnings)


def _scored(model: ScoringModel, inputs: YearInputs, history: dict[int, YearResult]) -> ScoredYear:
    """Score, rank and follow up a year against the earlier years in `history`."""
    previous = history[max(history)] if history else None
    scored = score_year(model, inputs, previous)
    return ScoredYear(apply_followups(model, scored.result, history), scored.lines)
