"""`collect`: every returned workbook in a folder recognised, checked, and merged.

Returns are recognised by their hidden identity, whatever their names or folders. A unit
with no return, two returns, a stale or tampered form, or problems in its return is left out
of the merge (the merged folder says so) and gets, where it sent something, a 退回意见.
Nothing in the returns folder is modified.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..inputs.checker import Checker
from ..inputs.records import Source
from ..inputs.tables import TableSet
from ..inputs.values import normalize_text
from ..model.loader import LoadedModel
from ..model.names import model_for_year
from ..model.schema import ScoringModel
from ..problems import InputError, Problem
from ..progress.period import Period, parse_period
from .content import Sheets
from .identity import FORM_VERSION, TEAM, UNIT
from .letters import letter_name, write_letter
from .merge import Merged, check_target, swap_in, write_merged, write_period_merged
from .register import REGISTER_FILE
from .returns import Return, open_return, read_unit_return
from .teamreturn import read_team_return
from .teamsheet import TEAM_UNIT

__all__ = ["Collection", "Status", "collect_returns"]

LETTERS = "退回意见"
RECEIVED, FAULTY, MISSING = "已收到", "有问题", "未收到"


@dataclass
class Status:
    """One line of the status table: a unit (or the team) and what came of its return."""

    unit: str
    group: str
    status: str
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")


@dataclass
class Collection:
    """The outcome of `collect`: the status per unit, and where the merge was written."""

    year: int
    folder: Path
    statuses: list[Status]
    others: list[Problem]  # files that are not forms, or cannot be read
    letters: list[str]
    when: str = ""  # 2025年上半年 for an in-year collection; the year's otherwise

    @property
    def incomplete(self) -> list[Status]:
        return [s for s in self.statuses if s.status != RECEIVED]


def _files(folder: Path, out: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in {".xlsx", ".xlsm"}
        and not p.name.startswith(("~$", "._"))
        and p.name != REGISTER_FILE  # the office's empty register, written beside the forms
        and out.resolve() not in p.resolve().parents
    )


def collect_returns(
    loaded: LoadedModel,
    year: int,
    returns_dir: Path,
    out_root: Path,
    issuance: Path | None,
    contact: str,
    period: tuple[Period, ScoringModel] | None = None,
) -> Collection:
    """Read every return under `returns_dir`, write `out_root/YEAR/`; see the module.

    `period`: an in-year collection (the period and the model's in-year view), written to
    `out_root/PERIOD/` in the period folder's format; no team workbook is expected.
    """
    if not returns_dir.is_dir():
        raise InputError(f"找不到报送文件夹：{returns_dir}", code="missing-folder")
    name = period[0].code if period else str(year)
    check_target(out_root / name)
    # units under their names in force that year
    model = period[1] if period else model_for_year(loaded.model, year)
    rets = [
        open_return(p, p.relative_to(returns_dir).as_posix()) for p in _files(returns_dir, out_root)
    ]
    others, claims = _sort_out(rets, loaded, model, (year, name if period else ""))
    merged = Merged()
    check = Checker(model, year, TableSet({}, [], []))
    statuses = [_unit_status(check, unit, gkey, claims.get(unit, []), merged)
                for gkey, g in model.groups.items() for unit in g.units]  # fmt: skip
    if period is None:
        statuses.append(_team_status(model, year, claims.get(TEAM_UNIT, []), merged))
    incomplete = [s for s in statuses if s.status != RECEIVED]
    for s in incomplete:
        merged.figures.pop(s.unit, None)
    merged.state = {
        **({"period": name} if period else {}),
        "year": year,
        "complete": not incomplete,
        "incomplete": [{"unit": s.unit, "status": s.status} for s in incomplete],
        "returns": {s.unit: s.files for s in statuses if s.files},
    }
    target = out_root / name
    letters = _write(model, (year, name), target, merged, statuses, contact, issuance)
    return Collection(year, target, statuses, others, letters, period[0].label if period else "")


def _write(
    model, round_: tuple[int, str], target: Path, merged: Merged, statuses, contact, issuance
) -> list[str]:
    """Build the merged folder beside `target`, then swap it in; the letters written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.collect-new")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / LETTERS).mkdir(parents=True)
    year, name = round_
    try:
        if name == str(year):
            write_merged(staging, model, year, merged)
        else:
            write_period_merged(staging, model, name, merged)
        letters = []
        for s in statuses:
            if s.problems and s.files:
                letter = letter_name(s.unit, name)
                when = _round_name(year, "" if name == str(year) else name)
                write_letter(staging / LETTERS / letter, s.unit, year, s.problems, contact, when)
                letters.append(f"{LETTERS}/{letter}")
        keep = f"*{model.progress.city_input}*.xls*" if model.progress and name != str(year) else ""
        swap_in(staging, target, issuance, keep)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone after the swap; left only by a failure
    return letters


def _sort_out(
    rets: list[Return], loaded: LoadedModel, model: ScoringModel, round_: tuple[int, str]
) -> tuple[list[Problem], dict]:
    """Files that are not forms → notices; forms → by the unit they claim, form problems added."""
    others: list[Problem] = []
    claims: dict[str, list[Return]] = {}
    for ret in rets:
        if ret.identity is None:
            others += ret.problems or [_not_a_form(ret)]
            continue
        unit = ret.identity.unit
        if ret.identity.kind == UNIT:  # a form of another year may bear a former name
            unit = model.resolve_unit(unit) or unit
        if (
            ret.identity.kind == UNIT
            and model.group_of(unit) is None
            or ret.identity.kind not in (UNIT, TEAM)
        ):
            others.append(
                _problem(ret, f"表中识别信息的单位“{unit}”不在考核对象名单中", "form-tampered")
            )
            continue
        if not ret.intact:
            ret.problems.append(
                _problem(
                    ret, "填报表的识别信息或表格结构记录被改动，无法确认是哪一份表", "form-tampered"
                )
            )
        stale = _stale(ret, loaded, round_)
        if stale:
            hint = f"请使用{_round_name(*round_)}新下发的填报表重新填报"
            ret.problems.append(_problem(ret, stale, "stale-form", hint=hint))
        claims.setdefault(unit, []).append(ret)
    names = {u: u for g in model.groups.values() for u in g.units} | model.all_aliases()
    for unit, mine in claims.items():
        _sender(names, unit, mine)
    return others, claims


def _round_name(year: int, period: str) -> str:
    """2025年度, or 2025年上半年 for an in-year round."""
    return parse_period(period).label if period else f"{year}年度"


def _stale(ret: Return, loaded: LoadedModel, round_: tuple[int, str]) -> str:
    """Why the form is not one of this round (another year or period, an older model); ""."""
    ident = ret.identity
    assert ident is not None
    made = (ident.year, str(ident.layout.get("period", "")) if ident.kind == UNIT else "")
    if made != round_:
        return f"这是{_round_name(*made)}的填报表，不是{_round_name(*round_)}的"
    if ident.model != loaded.sha256 or ident.form_version != FORM_VERSION:
        return f"这是按旧版考核细则（版本 {ident.model_version}）生成的填报表，考核细则已修改"
    return ""


def _sender(names: dict[str, str], unit: str, rets: list[Return]) -> None:
    """A notice when a return's path names another unit than the one its identity names."""
    for ret in rets:
        path = normalize_text(ret.name)
        named = {u for n, u in names.items() if n in path}
        if named and unit not in named and unit != TEAM_UNIT:
            others = "、".join(sorted(named))
            ret.problems.append(_problem(ret, f"表中识别信息是“{unit}”的填报表，但文件名或文件夹写的是“{others}”",
                                         "form-from-other-unit", severity="warning",
                                         hint="请核对是否由本单位报送、是否误用了其他单位的表"))  # fmt: skip


def _problem(
    ret: Return, message: str, code: str, hint: str = "", severity: str = "error"
) -> Problem:
    unit = ret.identity.unit if ret.identity else ""
    return Problem(message, file=ret.name, unit=unit, hint=hint, severity=severity, code=code)


def _not_a_form(ret: Return) -> Problem:
    return Problem(
        "不是 evalgen 生成的填报表（没有识别信息），未读取",
        file=ret.name,
        hint="如这是某单位的报送，请让其使用下发的填报表重新填报",
        severity="warning",
        code="not-a-form",
    )


def _unit_status(
    check: Checker, unit: str, gkey: str, rets: list[Return], merged: Merged
) -> Status:
    group = check.model.groups[gkey].name
    files = [r.name for r in rets]
    if not rets:
        return Status(unit, group, MISSING)
    if len(rets) > 1:
        listing = "、".join(files)
        problems = [_problem(r, f"收到该单位的{len(rets)}份填报表：{listing}；未采用其中任何一份", "duplicate-return",
                             hint="请确认以哪一份为准，把其余的移出报送文件夹后重新汇总") for r in rets]  # fmt: skip
        return Status(unit, group, FAULTY, files, problems)
    ret = rets[0]
    if not ret.errors:
        read_unit_return(ret, check, gkey)
    if ret.errors:
        return Status(unit, group, FAULTY, files, ret.problems)
    merged.figures.setdefault(unit, {}).update(ret.figures)
    merged.claims += ret.events
    merged.reports += [
        (unit, no, text, proof, Source(ret.name, Sheets.TASKS, ref))
        for no, text, proof, ref in ret.reports
    ]
    return Status(unit, group, RECEIVED, files, ret.problems)


def _team_status(model, year: int, rets: list[Return], merged: Merged) -> Status:
    status = _unit_status_team(rets)
    if status is not None:
        return status
    ret = rets[0]
    data = read_team_return(ret, model, year) if not ret.errors else None
    if data is None or ret.errors:
        return Status(TEAM_UNIT, "考核组评分表", FAULTY, [ret.name], ret.problems)
    for unit, figures in data.figures.items():
        merged.figures.setdefault(unit, {}).update(figures)
    merged.tasks, merged.events = data.tasks, data.events
    return Status(TEAM_UNIT, "考核组评分表", RECEIVED, [ret.name], ret.problems)


def _unit_status_team(rets: list[Return]) -> Status | None:
    if not rets:
        return Status(TEAM_UNIT, "考核组评分表", MISSING)
    if len(rets) > 1:
        files = [r.name for r in rets]
        problems = [_problem(r, f"收到{len(rets)}份考核组评分表：{'、'.join(files)}；未采用其中任何一份",
                             "duplicate-return") for r in rets]  # fmt: skip
        return Status(TEAM_UNIT, "考核组评分表", FAULTY, files, problems)
    return None
