"""robustness.json: the analysis as a JSON-safe record, its sentences in Chinese."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..numbers import fmt_number, json_safe, round_half_up
from .robustness import Fragile, GroupRobustness, RobustnessReport, UnitRobustness

__all__ = ["robustness_record"]

_KEPT = {  # decision → (nominal true, nominal false) as a phrase
    "grade": ("等次", "等次"),
    "rectify": ("列入整改", "不列入整改"),
    "summon": ("约谈", "不约谈"),
}
_FLIPPED = {  # decision → (flipped to true, flipped to false)
    "grade": ("等次变为", "等次变为"),
    "rectify": ("将列入整改", "不再列入整改"),
    "summon": ("将被约谈", "不再约谈"),
}


def robustness_record(report: RobustnessReport) -> dict[str, Any]:
    """The contract shared with the workbook and the document (see docs/DESIGN.md)."""
    s = report.settings
    groups = [_group(g, s.runs, s.weights) for g in report.groups]
    units = [u for g in groups for u in g["units"]]
    return {
        "year": report.year,
        "model": {"name": report.model_name, "version": report.model_version},
        "settings": {
            "runs": s.runs,
            "weights": s.weights,
            "evaluated": s.evaluated,
            "thresholds": s.thresholds,
            "seed": s.seed,
        },
        "groups": groups,
        "summary": {
            "units": len(units),
            "robust": sum(1 for u in units if u["robust"]),
            "fragile_decisions": sum(len(u["fragile"]) for u in units),
        },
    }


def _p(count: int, runs: int) -> float:
    """A probability, rounded half up to 4 decimals."""
    return float(round_half_up(Fraction(count, runs), 4))


def _group(group: GroupRobustness, runs: int, weights: float) -> dict[str, Any]:
    return {
        "key": group.key,
        "name": group.name,
        "unit_count": len(group.units),
        "units": [_unit(u, runs, weights) for u in group.units],
    }


def _unit(u: UnitRobustness, runs: int, weights: float) -> dict[str, Any]:
    r = u.result
    return {
        "unit": r.unit,
        "group": r.group,
        "rank": r.rank,
        "total": json_safe(r.total),
        "grade": r.grade,
        "rank_median": u.rank_median,
        "rank_p05": u.rank_p05,
        "rank_p95": u.rank_p95,
        "p_grade": {code: _p(n, runs) for code, n in u.grades},
        "p_rectify": _p(u.rectify, runs),
        "p_summon": _p(u.summon, runs),
        "robust": not u.fragile,
        "fragile": [_fragile(f, runs, weights) for f in u.fragile],
    }


def _fragile(f: Fragile, runs: int, weights: float) -> dict[str, Any]:
    return {
        "decision": f.decision,
        "nominal": f.nominal,
        "p_nominal": _p(f.kept, runs),
        "indicator": f.indicator or None,
        "indicator_name": f.indicator_name or None,
        "points": json_safe(f.points) if f.indicator else None,
        "flip_points": _flip_points(f),
        "sentence": sentence(f, runs, weights),
    }


def _flip_points(f: Fragile) -> float | None:
    if f.flip_points is None:
        return None
    shown = round_half_up(Fraction(f.flip_points), 2)
    if shown == f.points:  # a flip within 0.005 points: show where it is
        shown = round_half_up(Fraction(f.flip_points), 4)
    return float(shown)


def _phrase(decision: str, value: str | bool, table: dict[str, tuple[str, str]]) -> str:
    if decision == "grade":
        return f"{table.get('grade', ('等次',))[0]}{value}"
    return table[decision][0 if value else 1]


def sentence(f: Fragile, runs: int, weights: float) -> str:
    """等次B在97.0%的模拟中保持；对“…”的分值最敏感：由5分调为4.6分时等次变为C"""
    share = fmt_number(round_half_up(Fraction(100 * f.kept, runs), 1), 1)
    if "." not in share:
        share += ".0"
    head = f"{_phrase(f.decision, f.nominal, _KEPT)}在{share}%的模拟中保持"
    if not f.indicator:
        return f"{head}；不调整指标分值时，变动来自评审打分"
    name = f"对“{f.indicator_name}”的分值最敏感"
    if f.flip_points is None or f.flipped_to is None:
        limit = fmt_number(Decimal(str(weights)) * 100)
        return (
            f"{head}；{name}，但单独调整任一指标分值（±{limit}%以内）都不改变这一结论，"
            "变动来自多项分值或评审打分的共同变化"
        )
    flip = fmt_number(Decimal(str(_flip_points(f))))
    then = _phrase(f.decision, f.flipped_to, _FLIPPED)
    return f"{head}；{name}：由{fmt_number(f.points)}分调为{flip}分时{then}"
