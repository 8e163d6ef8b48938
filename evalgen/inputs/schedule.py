"""The interview schedule (约谈安排) of the issuance file: a start and a slot, or a time per unit.

Two forms, one of them:

    约谈安排:                      约谈安排:
      开始时间: "2025年3月5日上午9:00"    宁晋县: "2025年3月5日上午9:00"
      每单位时长: 30  # 分钟              广宗县: "2025年3月5日上午10:00"

With a start and a slot the summoned units follow one another in the order of the notices
(the model's groups in order, within a group by rank: `documents.feedback.notice_contexts`),
each given `每单位时长` minutes, without breaks, all on the start's day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..problems import Problem

__all__ = ["SCHEDULE_KEY", "Schedule", "parse_schedule", "slot_text"]

SCHEDULE_KEY = "约谈安排"
_START, _SLOT = "开始时间", "每单位时长"
_CLOCK = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(上午|下午)?\s*(\d{1,2})[:：](\d{2})$")
_LONGEST_SLOT = 480  # minutes: a working day
_DATE_IN_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


@dataclass(frozen=True)
class Schedule:
    """Either `start` and `slot` (minutes), or `times` (unit → time as written)."""

    start: datetime | None = None
    slot: int = 0
    times: dict[str, str] = field(default_factory=dict)


def parse_clock(text: str) -> datetime | None:
    """“2025年3月5日上午9:00” (下午2:30 or 14:30 both mean 14:30) → a datetime; None if not."""
    found = _CLOCK.match(text.strip())
    if not found:
        return None
    year, month, day, half, hour, minute = found.groups()
    h, m = int(hour), int(minute)
    if half == "下午" and h < 12:
        h += 12
    try:
        return datetime(int(year), int(month), int(day), h, m)
    except ValueError:
        return None


def slot_text(start: datetime, minutes: int) -> str:
    """One slot as printed: 2025年3月5日上午9:00—9:30 (下午14:00—14:30)."""
    end = start + timedelta(minutes=minutes)
    half = "上午" if start.hour < 12 else "下午"
    return (
        f"{start.year}年{start.month}月{start.day}日{half}"
        f"{start.hour}:{start.minute:02d}—{end.hour}:{end.minute:02d}"
    )


def parse_schedule(raw: object, file: str, line: int | None) -> tuple[Schedule, list[Problem]]:
    """The 约谈安排 mapping as a `Schedule`, and its problems (located by the key's line)."""

    def problem(message: str, code: str, hint: str = "") -> Problem:
        return Problem(message, file=file, line=line, hint=hint, code=code)

    example = (
        '如“开始时间: "2025年3月5日上午9:00"”和“每单位时长: 30”，或“宁晋县: "2025年3月5日上午9:00"”'
    )
    if not isinstance(raw, dict) or not raw:
        return Schedule(), [problem("“约谈安排”应为“项目: 内容”的列表", "schedule-shape", example)]
    if _START not in raw and _SLOT not in raw:
        return _per_unit(raw, problem)
    problems = []
    extra = [str(k) for k in raw if k not in (_START, _SLOT)]
    if extra:
        problems.append(
            problem(
                f"“约谈安排”给出开始时间时不能再逐单位列出时间（{'、'.join(extra)}）",
                "schedule-shape",
                "两种写法选一种：开始时间和每单位时长，或每个单位一个时间",
            )
        )
    start = parse_clock(str(raw.get(_START, "")))
    if start is None:
        problems.append(
            problem(
                f"“约谈安排”的开始时间“{raw.get(_START, '')}”无法识别",
                "schedule-time",
                "请写作“2025年3月5日上午9:00”的形式（日期须存在）",
            )
        )
    slot = raw.get(_SLOT)
    if isinstance(slot, bool) or not isinstance(slot, int) or not 0 < slot <= _LONGEST_SLOT:
        problems.append(
            problem(
                f"“约谈安排”的每单位时长应为1至{_LONGEST_SLOT}之间的整数（分钟），实际为“{slot}”",
                "schedule-slot",
            )
        )
        slot = 0
    return Schedule(start=start, slot=slot), problems


def _per_unit(raw: dict, problem) -> tuple[Schedule, list[Problem]]:
    times, problems = {}, []
    for unit, text in raw.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(
                problem(
                    f"“约谈安排”中{unit}的约谈时间应为文字", "schedule-time", "请给时间加上引号"
                )
            )
            continue
        for found in _DATE_IN_TEXT.finditer(text):
            try:
                year, month, day = (int(part) for part in found.groups())
                datetime(year, month, day)
            except ValueError:
                problems.append(
                    problem(
                        f"“约谈安排”中{unit}的日期“{found.group(0)}”不存在",
                        "schedule-time",
                        "请核对年、月、日",
                    )
                )
        times[str(unit)] = text.strip()
    return Schedule(times=times), problems


def schedule_problems(
    schedule: Schedule, units: list[str], file: str, lines: dict[str, int]
) -> list[Problem]:
    """Per-unit times against the summoned units: each needs one, none may name another unit;
    a start and slot may not run past the start's day. `lines`: the issuance file's key lines."""
    line = lines.get(SCHEDULE_KEY)
    problems = []
    if schedule.times:
        for unit in units:
            if unit not in schedule.times:
                problems.append(
                    Problem(
                        f"“约谈安排”没有列出约谈单位{unit}的约谈时间",
                        file=file,
                        line=line,
                        unit=unit,
                        hint=f'请增加“{unit}: "…"”，或改用开始时间和每单位时长',
                        code="schedule-unit",
                    )
                )
        for unit in schedule.times:
            if unit not in units:
                problems.append(
                    Problem(
                        f"“约谈安排”列出的{unit}不是本年度的约谈单位",
                        file=file,
                        line=lines.get(f"{SCHEDULE_KEY}.{unit}", line),
                        unit=unit,
                        hint=f"本年度约谈单位：{'、'.join(units) or '无'}",
                        code="schedule-unit",
                    )
                )
    elif schedule.start is not None and units:
        end = schedule.start + timedelta(minutes=schedule.slot * len(units))
        if end.date() != schedule.start.date() and end.time() != datetime.min.time():
            problems.append(
                Problem(
                    f"“约谈安排”从{schedule.start.hour}:{schedule.start.minute:02d}起"
                    f"为{len(units)}个单位各安排{schedule.slot}分钟，超出当日",
                    file=file,
                    line=line,
                    hint="请提前开始时间或缩短每单位时长，或逐单位列出约谈时间",
                    code="schedule-overflow",
                )
            )
    return problems
