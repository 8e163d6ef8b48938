"""The meaning of the model's `progress:` block (in-year following and milestones).

Called from `checks.meaning_problems`; every problem has its path, `loader` adds the line.
"""

from __future__ import annotations

from ..problems import Problem
from .progress_schema import SCHEDULE_KEYS, Thresholds
from .schema import Indicator, ScoringModel

__all__ = ["progress_problems"]


def progress_problems(model: ScoringModel) -> list[Problem]:
    """Every problem of the `progress:` block (none when the model has no such block)."""
    block = model.progress
    if block is None:
        return []
    out = _threshold_problems(block.thresholds, "progress.thresholds")
    indicators = {
        i.id: i for g in model.groups.values() for c in g.categories for i in c.indicators
    }
    for ind_id, follow in block.indicators.items():
        path = f"progress.indicators.{ind_id}"
        ind = indicators.get(ind_id)
        if ind is None:
            message = f"指标标识“{ind_id}”不在考核细则中"
            out.append(Problem(message, path=path, code="progress-unknown-indicator"))
            continue
        out += _follow_problems(ind, follow.in_year, follow.schedule, path, model.years)
        if follow.thresholds is not None:
            out += _threshold_problems(follow.thresholds, f"{path}.thresholds")
    for mi, milestone in enumerate(block.milestones):
        path = f"progress.milestones[{mi}]"
        source = milestone.source.indicator
        if source is not None and source not in indicators:
            message = f"汇总来源指标“{source}”不在考核细则中"
            out.append(Problem(message, path=f"{path}.source.indicator", code="milestone-source"))
        for year in milestone.targets:
            if year not in model.years:
                message = f"节点年份{year}不在考核年度 years 中"
                out.append(Problem(message, path=f"{path}.targets.{year}", code="milestone-year"))
    return out


def _follow_problems(
    ind: Indicator, in_year: str, schedule: dict | None, path: str, years: list[int]
) -> list[Problem]:
    out = []
    if in_year != "none" and ind.source == "tasks":
        message = "由重点任务计分的指标不按年内进度跟踪（任务进展见台账）"
        out.append(Problem(message, path=f"{path}.in_year", code="progress-tasks-indicator"))
    if in_year != "none" and not ind.targets:
        message = f"指标“{ind.name}”没有年度目标，无法按年内进度跟踪（请改为 none）"
        out.append(Problem(message, path=f"{path}.in_year", code="progress-no-target"))
    if schedule is None:
        return out
    if in_year != "pro_rata":
        message = "只有 pro_rata（按时序进度）的指标可以声明 schedule"
        out.append(Problem(message, path=f"{path}.schedule", code="progress-bad-schedule"))
    for key, fraction in schedule.items():
        if key not in SCHEDULE_KEYS or not 0 < fraction <= 1:
            message = f"进度“{key}: {fraction}”有误：期次应为 Q1、H1、Q3，比例应在0到1之间"
            out.append(
                Problem(message, path=f"{path}.schedule.{key}", code="progress-bad-schedule")
            )
    given = [schedule[k] for k in SCHEDULE_KEYS if k in schedule]
    if any(a > b for a, b in zip(given, given[1:], strict=False)):
        message = "进度比例应随期次递增（Q1 ≤ H1 ≤ Q3）"
        out.append(Problem(message, path=f"{path}.schedule", code="progress-bad-schedule"))
    return out


def _threshold_problems(thresholds: Thresholds, path: str) -> list[Problem]:
    if thresholds.lagging <= thresholds.serious:
        return []
    message = "“滞后”界限 lagging 不能大于“严重滞后”界限 serious"
    return [Problem(message, path=path, code="progress-bad-thresholds")]
