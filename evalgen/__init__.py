"""evalgen: annual quality-work assessment (质量工作考核) scoring and reports.

The library behind the command line::

    import evalgen

    evaluation = evalgen.evaluate(2024)            # read, check, score, rank, follow up
    evaluation.units_frame()                       # one row per unit (pandas)
    evaluation.indicators_frame()                  # one row per (unit, indicator)
    print(evalgen.explain(2024, "宁晋县"))          # every point of one unit's score
    run = evalgen.score(2024, out_dir=Path("out/2024"))  # results, workbook, documents

Names are imported when first used, so `import evalgen` (and the command line) stays quick:
numpy, pandas, matplotlib and docxtpl load only with the functions that need them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → the module that defines it
_EXPORTS = {
    "validate": "evalgen.pipeline",
    "evaluate": "evalgen.pipeline",
    "explain": "evalgen.pipeline",
    "score": "evalgen.pipeline",
    "robustness": "evalgen.pipeline",
    "progress": "evalgen.pipeline.period_run",
    "ProgressRun": "evalgen.pipeline.period_run",
    "diff": "evalgen.pipeline",
    "Robustness": "evalgen.pipeline",
    "Evaluation": "evalgen.pipeline",
    "Run": "evalgen.pipeline",
    "load_model": "evalgen.model.loader",
    "LoadedModel": "evalgen.model.loader",
    "ScoringModel": "evalgen.model.schema",
    "YearInputs": "evalgen.inputs.year",
    "score_year": "evalgen.scoring.engine",
    "apply_followups": "evalgen.scoring.followups",
    "YearResult": "evalgen.scoring.scored",
    "GroupResult": "evalgen.scoring.scored",
    "UnitResult": "evalgen.scoring.scored",
    "YearLines": "evalgen.scoring.scored",
    "UnitLines": "evalgen.scoring.scored",
    "IndicatorScore": "evalgen.scoring.lines",
    "FollowUp": "evalgen.scoring.followups",
    "build_results": "evalgen.outputs.results",
    "explain_unit": "evalgen.outputs.explain",
    "RunDiff": "evalgen.outputs.diff",
    "EvalgenError": "evalgen.problems",
    "InputError": "evalgen.problems",
    "ModelError": "evalgen.problems",
    "OutputError": "evalgen.problems",
    "Problem": "evalgen.problems",
    # issue 13: the collection round (fill-in forms → returns → a merged year folder)
    "make_forms": "evalgen.collection.api",
    "collect": "evalgen.collection.api",
    "Collection": "evalgen.collection.collector",
    # issue 16 item 3: the in-year round (forms and collect for a period such as 2025H1)
    "make_period_forms": "evalgen.collection.periodapi",
    "collect_period": "evalgen.collection.periodapi",
}

__all__ = [  # written out for tools that read it; tests/test_api.py holds it to _EXPORTS
    "__version__",
    "validate",
    "evaluate",
    "explain",
    "score",
    "robustness",
    "Robustness",
    "progress",
    "ProgressRun",
    "diff",
    "Evaluation",
    "Run",
    "load_model",
    "LoadedModel",
    "ScoringModel",
    "YearInputs",
    "score_year",
    "apply_followups",
    "YearResult",
    "GroupResult",
    "UnitResult",
    "YearLines",
    "UnitLines",
    "IndicatorScore",
    "FollowUp",
    "build_results",
    "explain_unit",
    "RunDiff",
    "make_forms",
    "collect",
    "Collection",
    "make_period_forms",
    "collect_period",
    "EvalgenError",
    "InputError",
    "ModelError",
    "OutputError",
    "Problem",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        # not ours: lets `from evalgen import pipeline` fall through to the submodule import
        raise AttributeError(f"module 'evalgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found once; later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from .collection.api import collect, make_forms
    from .collection.collector import Collection
    from .collection.periodapi import collect_period, make_period_forms
    from .inputs.year import YearInputs
    from .model.loader import LoadedModel, load_model
    from .model.schema import ScoringModel
    from .outputs.diff import RunDiff
    from .outputs.explain import explain_unit
    from .outputs.results import build_results
    from .pipeline import (
        Evaluation,
        Robustness,
        Run,
        diff,
        evaluate,
        explain,
        robustness,
        score,
        validate,
    )
    from .pipeline.period_run import ProgressRun, progress
    from .problems import EvalgenError, InputError, ModelError, OutputError, Problem
    from .scoring.engine import score_year
    from .scoring.followups import FollowUp, apply_followups
    from .scoring.lines import IndicatorScore
    from .scoring.scored import GroupResult, UnitLines, UnitResult, YearLines, YearResult
