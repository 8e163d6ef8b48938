"""`evalgen diff`: every change between two run folders of one year, each with its cause.

A run folder is what `evalgen score` wrote: results.json (the figures, scores, totals, grades,
ranks and follow-ups) and manifest.json (the hashes of the model, inputs and templates it was
made from). The causes come from the manifests: a changed input file, model, template or
program version — and, for a figure, task score or event changed on appeal, the appeal
(编号, 单位, 结论) from results.json's `appeals` (the appeals register's rows).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..numbers import dec, fmt_number, fmt_total
from ..problems import InputError, Problem
from .explain import _table
from .workbook import Cell, Sheet, write_sheets

__all__ = ["Change", "RunDiff", "diff_runs", "diff_table", "read_run", "write_diff_workbook"]

RESULTS, MANIFEST = "results.json", "manifest.json"
NO_CHANGE = "无变化"
HEADER = ["组别", "单位", "变化", "项目", "原值", "新值", "原因"]
_FOLLOW_UPS = ("约谈", "整改")
_UNKNOWN = "原因不明（两次运行的输入文件、考核细则和程序版本均相同）"

Record = Mapping[str, Any]


@dataclass(frozen=True)
class Run:
    """A run folder as read: its results.json and manifest.json."""

    folder: Path
    results: Record
    manifest: Record


@dataclass(frozen=True)
class Change:
    """One difference between the two runs (`before` / `after` as printed; "—" for none)."""

    group: str
    unit: str
    kind: str  # 完成值, 指标得分, 加减分事项, 总分, 等次, 名次, 约谈, 整改, 单位, 单位名称
    item: str  # the indicator, or the follow-up's reason; "" for a unit's own figures
    before: str
    after: str
    cause: str

    def row(self) -> list[str]:
        return [self.group, self.unit, self.kind, self.item, self.before, self.after, self.cause]


@dataclass(frozen=True)
class RunDiff:
    """The differences of run `b` from run `a` (same year): the runs' differing sources
    (`sources`: input files, model, templates, version) and every change in the results."""

    a: Path
    b: Path
    year: int
    sources: tuple[str, ...]
    changes: tuple[Change, ...]
    appeals: tuple[Record, ...] = ()  # run b's appeals register rows (维持 ones included)
    stages: tuple[str, str] = ("终评", "终评")  # each run's stage (初评 / 终评)

    @property
    def empty(self) -> bool:
        return not self.changes


def read_run(folder: Path) -> Run:
    """A run folder written by `evalgen score`; a located error when it is not one."""
    folder = Path(folder)
    missing = [name for name in (RESULTS, MANIFEST) if not (folder / name).is_file()]
    if missing:
        what = "文件夹不存在" if not folder.is_dir() else f"缺少 {'、'.join(missing)}"
        raise InputError(
            f"{folder} 不是 evalgen 的评分结果文件夹",
            [
                Problem(
                    what,
                    file=str(folder),
                    hint="请指定 evalgen score 生成的输出文件夹（如 out/2024）",
                    code="not-a-run",
                )
            ],
        )
    records = [_read_json(folder / name) for name in (RESULTS, MANIFEST)]
    return Run(folder, records[0], records[1])


def _read_json(path: Path) -> Record:
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "不是有效的 JSON"
        record = None
    else:
        reason = "内容不是 evalgen 写出的格式"
    keys = ("year", "groups") if path.name == RESULTS else ("year", "inputs")
    if not isinstance(record, dict) or any(k not in record for k in keys):
        raise InputError(
            f"无法读取运行结果 {path}",
            [Problem(reason, file=str(path), code="run-unreadable")],
        )
    return record


def diff_runs(a: Path, b: Path) -> RunDiff:
    """Every change from run folder `a` to run folder `b` (both of one year), with causes."""
    run_a, run_b = read_run(a), read_run(b)
    year_a, year_b = run_a.results["year"], run_b.results["year"]
    if year_a != year_b:
        raise InputError(
            f"两次运行的考核年度不同（{year_a}年度、{year_b}年度），无法比较",
            [
                Problem(
                    f"考核年度为{y}", file=str(run.folder / RESULTS), code="runs-differ-in-year"
                )
                for run, y in ((run_a, year_a), (run_b, year_b))
            ],
        )
    causes = _Causes(run_a.manifest, run_b.manifest, year_a)
    causes.appeals_of(run_a.results, run_b.results)
    changes = tuple(_changes(run_a.results, run_b.results, causes))
    stages = (_stage(run_a.manifest), _stage(run_b.manifest))
    appeals = tuple(run_b.results.get("appeals", ()))
    return RunDiff(
        run_a.folder, run_b.folder, year_a, tuple(causes.sources), changes, appeals, stages
    )


def _stage(manifest: Record) -> str:
    return "初评" if manifest.get("stage") == "初评" else "终评"


class _Causes:
    """What differs between the two manifests, and which of it explains a change."""

    def __init__(self, a: Record, b: Record, year: int):
        self.year = year
        inputs_a, inputs_b = a.get("inputs", {}), b.get("inputs", {})
        self.files = sorted(k for k in inputs_a.keys() | inputs_b.keys()
                            if inputs_a.get(k) != inputs_b.get(k))  # fmt: skip
        self.model = (a.get("model") or {}).get("sha256") != (b.get("model") or {}).get("sha256")
        templates_a, templates_b = a.get("templates", {}), b.get("templates", {})
        names = templates_a.keys() | templates_b.keys()
        if _stage(a) != _stage(b):  # 初评 writes the 公示, 终评 the rest: compare the shared
            names = templates_a.keys() & templates_b.keys()
        self.templates = sorted(k for k in names
                                if templates_a.get(k) != templates_b.get(k))  # fmt: skip
        self.version = (a.get("evalgen_version"), b.get("evalgen_version"))
        self.sources = [f"输入文件变化：{name}" for name in self.files]
        if self.model:
            names = [(m.get("model") or {}).get("file", "") for m in (a, b)]
            self.sources.append(f"考核细则变化：{' → '.join(dict.fromkeys(names))}")
        self.sources += [f"模板变化：{name}" for name in self.templates]
        if self.version[0] != self.version[1]:
            self.sources.append(f"程序版本变化：{self.version[0]} → {self.version[1]}")
        self.appeals: dict[str, str] = {}  # number → cause, for appeals that differ
        self.by_unit: dict[str, list[str]] = {}  # unit → its numbers among them
        self.registers: set[str] = set()  # the register files (in `files`)

    def appeals_of(self, a: Record, b: Record) -> None:
        """The appeals whose adjustment differs between the runs: added, changed or gone."""
        old = {r["number"]: r for r in a.get("appeals", ()) if r["decision"] == "调整"}
        new = {r["number"]: r for r in b.get("appeals", ()) if r["decision"] == "调整"}
        for number in list(new) + [n for n in old if n not in new]:
            record = new.get(number) or old[number]
            if old.get(number) == new.get(number):
                continue
            withdrawn = "（已撤回）" if number not in new else ""
            self.appeals[number] = f"复核调整：{number}（{record['unit']}，调整{withdrawn}）"
            self.by_unit.setdefault(record["unit"], []).append(number)
            file = record.get("source", {}).get("file")
            if file:
                self.registers.add(f"{self.year}/{file}")

    def of_figure(self, *sources: Record | None, unit: str = "") -> str:
        """An input figure's cause: the appeal that set it (in either run), else its own
        input file if that changed, else what changed a result."""
        for source in sources:
            number = (source or {}).get("appeal")
            if number in self.appeals:
                return self.appeals[number]
        file = next((s.get("file") for s in sources if s), None)
        if file and f"{self.year}/{file}" in self.files:
            return f"输入文件变化：{self.year}/{file}"
        return self.of_result(unit)

    def of_result(self, unit: str = "") -> str:
        """A score, total, grade, rank or follow-up: the unit's own changed appeals (or,
        for a unit that did not appeal, every changed appeal), any other changed input file,
        or the model (templates only shape the documents and never change a result)."""
        appeals = [self.appeals[n] for n in self.by_unit.get(unit, ())] or list(
            self.appeals.values()
        )
        found = [
            s for s in self.sources
            if not s.startswith("模板变化") and s.removeprefix("输入文件变化：") not in self.registers
        ]  # fmt: skip
        return "；".join(appeals + found) or _UNKNOWN


def _changes(a: Record, b: Record, causes: _Causes) -> Iterator[Change]:
    """The changes unit by unit: group order of `b`, units in `a`'s rank order, new ones last."""
    units_a = {u["unit"]: (g, u) for g in a["groups"] for u in g["units"]}
    units_b = {u["unit"]: (g, u) for g in b["groups"] for u in g["units"]}
    units_a = _renamed_as_in(units_a, units_b)
    order = list(units_a) + [name for name in units_b if name not in units_a]
    for name in order:
        if name not in units_b:
            group = units_a[name][0]["name"]
            yield Change(group, name, "单位", "", "参加考核", "—", causes.of_result())
        elif name not in units_a:
            group = units_b[name][0]["name"]
            yield Change(group, name, "单位", "", "—", "参加考核", causes.of_result())
        else:
            yield from _unit_changes(units_a[name][1], units_b[name][1], causes)


def _renamed_as_in(units_a: dict, units_b: dict) -> dict:
    """`units_a` with a unit renamed between the runs keyed by its name in run b: matched
    when either run's record lists the other's name among its `former_names`."""
    renamed = {}
    for name_b, (_, unit_b) in units_b.items():
        for former in unit_b.get("former_names", []):
            if name_b not in units_a and former in units_a and former not in units_b:
                renamed[former] = name_b
    for name_a, (_, unit_a) in units_a.items():
        for former in unit_a.get("former_names", []):
            if name_a not in units_b and former in units_b and former not in units_a:
                renamed[name_a] = former
    return {renamed.get(name, name): entry for name, entry in units_a.items()}


def _unit_changes(a: Record, b: Record, causes: _Causes) -> Iterator[Change]:
    group, unit = b["group_name"], b["unit"]

    def change(kind: str, item: str, before: str, after: str, cause: str) -> Change:
        return Change(group, unit, kind, item, before, after, cause)

    result_cause = causes.of_result(unit)
    if a["unit"] != unit:  # renamed (`_renamed_as_in`): the model says so
        model = [s for s in causes.sources if s.startswith("考核细则变化")]
        yield change("单位名称", "", a["unit"], unit, model[0] if model else result_cause)
    inds_a = {i["id"]: i for i in a["indicators"]}
    inds_b = {i["id"]: i for i in b["indicators"]}
    for key in list(inds_a) + [k for k in inds_b if k not in inds_a]:
        ia, ib = inds_a.get(key), inds_b.get(key)
        name = (ib or ia or {}).get("name", key)
        value_a, value_b = _value(ia), _value(ib)
        figure_cause = causes.of_figure(
            (ib or {}).get("source"), (ia or {}).get("source"), unit=unit
        )
        if value_a != value_b:
            yield change("完成值", name, value_a, value_b, figure_cause)
        score_a, score_b = _score(ia), _score(ib)
        if score_a != score_b:
            yield change("指标得分", name, score_a, score_b,
                         figure_cause if value_a != value_b else result_cause)  # fmt: skip
    yield from _event_changes(a, b, causes, change)
    for kind, shown in (("总分", _total), ("等次", _grade), ("名次", _rank)):
        if shown(a) != shown(b):
            yield change(kind, "", shown(a), shown(b), result_cause)
    for kind in _FOLLOW_UPS:
        reasons_a, reasons_b = _follow_ups(a, kind), _follow_ups(b, kind)
        for rule in list(reasons_a) + [r for r in reasons_b if r not in reasons_a]:
            ra, rb = reasons_a.get(rule), reasons_b.get(rule)
            if ra != rb:
                before, after = ("列入" if ra else "不列入"), ("列入" if rb else "不列入")
                yield change(kind, rb or ra or "", before, after, result_cause)


def _event_changes(a: Record, b: Record, causes: _Causes, change) -> Iterator[Change]:
    """Adjustment events (加分, 扣分, 一票否决) added or removed, one row each."""

    def events(unit: Record) -> dict[tuple, Record]:
        return {(e["id"], e["count"], e["basis"]): e for e in unit.get("adjustments", ())}

    old, new = events(a), events(b)
    for key in list(old) + [k for k in new if k not in old]:
        if key in old and key in new:
            continue
        event = new.get(key) or old[key]
        shown = f"{event['kind_label']}×{event['count']}"
        before, after = (shown, "—") if key in old else ("—", shown)
        cause = causes.of_figure(event.get("source"), unit=b["unit"])
        yield change("加减分事项", event["name"], before, after, cause)


def _value(ind: Record | None) -> str:
    if ind is None:
        return "—"
    if ind["not_applicable"] or ind["value"] is None:
        return "不适用"
    measure = "" if ind["measure"] == "分" else ind["measure"]
    return f"{format(dec(ind['value']).normalize(), 'f')}{measure}"


def _score(ind: Record | None) -> str:
    return "—" if ind is None else fmt_number(dec(ind["score"]), 4)


def _total(unit: Record) -> str:
    return fmt_total(unit["total"])


def _grade(unit: Record) -> str:
    return f"{unit['grade']}（{unit['grade_name']}）"


def _rank(unit: Record) -> str:
    return f"第{unit['rank']}位"


def _follow_ups(unit: Record, kind: str) -> dict[str, str]:
    """A unit's follow-ups of one kind: the rule that gave it → its reason."""
    return {t["rule"]: t["reason"] for t in unit["triggers"] if t["kind"] == kind}


def diff_table(diff: RunDiff) -> list[str]:
    """The diff as printed in the terminal: the runs, what differs between their sources, and
    a table of the changes aligned for CJK widths (or "无变化")."""
    lines = [f"{diff.year}年度考核结果比较", f"  原运行：{diff.a}", f"  新运行：{diff.b}"]
    if diff.sources:
        lines.append("两次运行的差异：")
        lines += [f"  {s}" for s in diff.sources]
    if diff.empty:
        return [*lines, f"考核结果{NO_CHANGE}"]
    units = len({(c.group, c.unit) for c in diff.changes})
    lines.append(f"考核结果有{len(diff.changes)}处变化，涉及{units}个单位：")
    return lines + _table([HEADER, *(c.row() for c in diff.changes)])


def write_diff_workbook(diff: RunDiff, path: Path) -> Path:
    """The diff as an .xlsx: 变化明细 (one row per change) and 说明 (the runs and what differs
    between their sources). The same diff gives the same bytes."""
    about: list[list[Cell]] = [
        ["考核年度", diff.year],
        ["原运行", str(diff.a)],
        ["新运行", str(diff.b)],
        ["两次运行的差异", "；".join(diff.sources) or "无"],
        ["变化", f"{len(diff.changes)}处" if diff.changes else NO_CHANGE],
    ]
    rows: list[list[Cell]] = [[*c.row()] for c in diff.changes]
    sheets = [
        Sheet("变化明细", HEADER, [16, 18, 9, 36, 16, 16, 50], rows),
        Sheet("说明", ["项目", "内容"], [16, 80], about),
    ]
    return write_sheets(sheets, path)
