"""The issuance file (发文信息.yaml): document details that are not data, never the clock."""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import InputError, Problem
from ..yamlfile import YamlError, yaml_load
from .schedule import SCHEDULE_KEY, Schedule, parse_clock, parse_schedule

__all__ = ["FORM_DEADLINE_KEY", "ISSUANCE_FILE", "PUBLICITY_KEYS", "Issuance", "load_issuance"]

ISSUANCE_FILE = "发文信息.yaml"
_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_DATE_IN_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# Fields that are, or may contain, a calendar date (约谈时间: "2025年3月5日上午9:00").
_DATED = (
    "成文日期",
    "印发日期",
    "约谈时间",
    "整改期限",
    "约谈材料报送期限",
    *("公示期", "公示日期"),
    "填报截止日期",
)
_REQUIRED = ("发文机关", "发文机关标志", "发文字号", "成文日期", "主送", "印发机关", "印发日期")
_OPTIONAL: tuple[str, ...] = (
    "抄送",
    "约谈时间",
    "约谈地点",
    "联系人",
    "联系电话",
    "整改期限",
    "约谈通知书编号",
    "约谈材料报送期限",
)
# The 公示 of a 初评 run (issue 14): required then, by `documents.publicity`.
PUBLICITY_KEYS = ("公示期", "公示日期", "异议受理方式", "异议受理地址")
_OPTIONAL += PUBLICITY_KEYS
# The deadline on the fill-in forms' 说明 sheet (`evalgen forms`, issue 13).
FORM_DEADLINE_KEY = "填报截止日期"
_OPTIONAL += (FORM_DEADLINE_KEY,)
# Issuance field ← key in 发文信息.yaml (整改期限 has a default, materials a list).
_FIELDS = {
    "issuer": "发文机关",
    "banner": "发文机关标志",
    "number": "发文字号",
    "date": "成文日期",
    "to": "主送",
    "cc": "抄送",
    "printer": "印发机关",
    "print_date": "印发日期",
    "interview_time": "约谈时间",
    "interview_place": "约谈地点",
    "contact": "联系人",
    "phone": "联系电话",
    "notice_number": "约谈通知书编号",
    "publicity_period": "公示期",
    "publicity_date": "公示日期",
    "objection_how": "异议受理方式",
    "objection_where": "异议受理地址",
    "materials_deadline": "约谈材料报送期限",
    "form_deadline": FORM_DEADLINE_KEY,
}
_DEFAULT_MATERIALS = (
    "存在问题的原因分析和整改方案（加盖单位公章）",
    "未达标指标的情况说明及佐证材料",
    "下一步工作措施、责任分工和完成时限",
)


@dataclass(frozen=True)
class Issuance:
    """发文要素 for the bulletin and the interview notices."""

    issuer: str
    banner: str
    number: str
    date: str
    to: str
    cc: str
    printer: str
    print_date: str
    interview_time: str
    interview_place: str
    contact: str
    phone: str
    deadline: str
    notice_number: str
    materials: tuple[str, ...]
    publicity_period: str = ""
    publicity_date: str = ""
    objection_how: str = ""
    objection_where: str = ""
    materials_deadline: str = ""  # 约谈材料报送期限: 2025年3月3日
    form_deadline: str = ""  # 填报截止日期 on the fill-in forms: 2025年1月15日
    schedule: Schedule = field(default_factory=Schedule)  # 约谈安排
    file: str = ISSUANCE_FILE  # where it was read, for problems found later
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    seal: bool = False  # 加盖印章: the 署名 and 成文日期 of GB/T 9704 7.3.5.1, else 7.3.5.2


def load_issuance(path: Path) -> Issuance:
    """Read and check the issuance file; every problem located by key and line."""
    data, lines = _read(path)
    name = path.name
    problems = _unknown_keys(name, data, lines)
    values = _values(name, data, lines, problems)
    materials = data.get("约谈需提交材料", list(_DEFAULT_MATERIALS))
    if not isinstance(materials, list) or not all(isinstance(m, str) for m in materials):
        problems.append(
            Problem(
                "“约谈需提交材料”应为文字列表",
                file=name,
                line=lines.get("约谈需提交材料"),
                code="not-text",
            )
        )
        materials = list(_DEFAULT_MATERIALS)
    seal = _seal(name, data, lines, problems)
    schedule = _schedule(name, data, values, lines, problems)
    if problems:
        raise InputError(f"发文信息文件 {name} 有{len(problems)}处问题", problems)
    return Issuance(
        **{field: values[key] for field, key in _FIELDS.items()},
        deadline=values["整改期限"] or "30日",
        materials=tuple(materials),
        seal=seal,
        schedule=schedule,
        file=name,
        lines=dict(lines),
    )


SEAL_KEY = "加盖印章"
_SEAL_VALUES = {"是": True, "否": False, "true": True, "false": False}


def _seal(name: str, data: dict, lines: dict[str, int], problems: list[Problem]) -> bool:
    """加盖印章: 是 (or true) or 否 (or false); 否 when absent, as the sample documents."""
    raw = data.get(SEAL_KEY, "否")
    # YAML 1.2 booleans (true/false) arrive as bool; a number or a list is not a choice.
    text = (
        str(raw).lower() if isinstance(raw, bool) else raw.strip() if isinstance(raw, str) else ""
    )
    value = _SEAL_VALUES.get(text)
    if value is None:
        problems.append(
            Problem(
                f"“{SEAL_KEY}”应为“是”或“否”，实际为“{raw}”",
                file=name,
                line=lines.get(SEAL_KEY),
                hint=f"{SEAL_KEY}: 是（公文加盖印章，GB/T 9704 7.3.5.1）或 否（不加盖印章，7.3.5.2）",
                code="seal-choice",
            )
        )
        return False
    return value


def _schedule(
    name: str, data: dict, values: dict[str, str], lines: dict[str, int], problems: list[Problem]
) -> Schedule:
    """约谈安排 (a start and slot, or a time per unit), exclusive of 约谈时间; the materials'
    deadline may not fall after the interviews begin."""
    if SCHEDULE_KEY not in data:
        return Schedule()
    line = lines.get(SCHEDULE_KEY)
    schedule, found = parse_schedule(data[SCHEDULE_KEY], name, line)
    problems.extend(found)
    if values.get("约谈时间"):
        problems.append(
            Problem(
                "“约谈时间”和“约谈安排”只能填写一项",
                file=name,
                line=line,
                hint="所有单位同一时间：填“约谈时间”；按单位排时间：填“约谈安排”",
                code="schedule-conflict",
            )
        )
    deadline = parse_clock(values.get("约谈材料报送期限", "") + "23:59")
    if deadline and schedule.start and deadline.date() > schedule.start.date():
        problems.append(
            Problem(
                f"“约谈材料报送期限”（{values['约谈材料报送期限']}）晚于约谈开始日期",
                file=name,
                line=lines.get("约谈材料报送期限"),
                hint="材料应在约谈前报送",
                code="materials-after-interview",
            )
        )
    return schedule


def _read(path: Path) -> tuple[dict, dict[str, int]]:
    """The file's mapping and the line of each key; InputError if it cannot be read."""
    name = path.name
    if not path.is_file():
        hint = f"请在数据文件夹中放置 {ISSUANCE_FILE}"
        problem = Problem("生成公文需要发文信息", file=name, hint=hint, code="missing-file")
        raise InputError(f"找不到发文信息文件 {path}", [problem])
    try:
        data, lines = yaml_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"发文信息文件 {name} 不是 UTF-8 编码", code="file-encoding") from None
    except YamlError as exc:
        problem = Problem(exc.describe(), file=name, line=exc.line, code="yaml-syntax")
        raise InputError(f"发文信息文件 {name} 的格式有误", [problem]) from None
    if not isinstance(data, dict):
        raise InputError(f"发文信息文件 {name} 应为“项目: 内容”的形式", code="yaml-shape")
    return data, lines


def _unknown_keys(name: str, data: dict, lines: dict[str, int]) -> list[Problem]:
    problems = []
    known = (*_REQUIRED, *_OPTIONAL, "约谈需提交材料", SCHEDULE_KEY, SEAL_KEY)
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.3)
            hint = f"是否应为“{close[0]}”？" if close else f"可用的项目：{'、'.join(known)}"
            problems.append(
                Problem(
                    f"不认识的项目“{key}”",
                    file=name,
                    line=lines.get(str(key)),
                    hint=hint,
                    code="unknown-key",
                )
            )
    return problems


def _values(name: str, data: dict, lines: dict[str, int], problems: list[Problem]) -> dict:
    """Key → text for every known key ("" if absent); problems are appended."""
    values: dict[str, str] = {}
    for key in _REQUIRED + _OPTIONAL:
        raw = data.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if key in _REQUIRED:
                hint = f"请填写 {key}: …"
                problems.append(Problem(f"缺少“{key}”", file=name, hint=hint, code="missing-key"))
            values[key] = ""
            continue
        if not isinstance(raw, str | int):
            hint = '请给内容加上引号，如 "2025年2月20日"' if "日期" in key else "请给内容加上引号"
            problems.append(
                Problem(
                    f"“{key}”应为文字", file=name, line=lines.get(key), hint=hint, code="not-text"
                )
            )
            continue
        values[key] = str(raw).strip()
    problems.extend(_date_problems(name, values, lines))
    return values


def _date_problems(name: str, values: dict[str, str], lines: dict[str, int]) -> list[Problem]:
    """Dates written the wrong way, and dates that are not in the calendar (2025年2月30日)."""
    problems = []
    for key in ("成文日期", "印发日期", "约谈材料报送期限", "公示日期", FORM_DEADLINE_KEY):
        if values.get(key) and not _DATE.match(values[key]):
            problems.append(
                Problem(
                    f"“{key}”应写作“2025年2月20日”的形式（阿拉伯数字），实际为“{values[key]}”",
                    file=name,
                    line=lines.get(key),
                    code="date-format",
                )
            )
    for key in _DATED:
        for found in _DATE_IN_TEXT.finditer(values.get(key, "")):
            why = _not_a_date(*(int(part) for part in found.groups()))
            if why:
                problems.append(
                    Problem(
                        f"“{key}”中的日期“{found.group(0)}”不存在（{why}）",
                        file=name,
                        line=lines.get(key),
                        hint="请核对年、月、日",
                        code="impossible-date",
                    )
                )
    return problems


def _not_a_date(year: int, month: int, day: int) -> str:
    """Why year-month-day is not in the calendar ("" if it is)."""
    if year < 1:
        return "年份不能为0"
    if not 1 <= month <= 12:
        return f"没有{month}月"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{year}年{month}月只有{days}天"
    return ""
