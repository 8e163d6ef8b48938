"""The documents' contexts: what each template can read, declared as `TypedDict`s.

A context is plain JSON-safe data, built from the results by `bulletin.bulletin_context`,
`feedback.unit_contexts` and `feedback.notice_contexts`; renderers only present it. Charts
appear as specs (`{"kind": ..., "data": ...}`, kinds in `charts.kinds.CHARTS`) that the
renderer turns into images. Every sentence is a function of the data.
Punctuation: whole sentences (overview, grade_lines, problems, fix texts, triggers) end with 。;
list fragments (reasons, reason, materials) do not — the template adds 。 or ；.
Figures are printed (str) except where a chart or a file name needs the number.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from ..inputs.issuance import Issuance
from .context_milestones import MilestonesChart, MilestoneSection
from .review import AppealSection
from .signature import signature_pads

__all__ = [
    "AdjustmentRow",
    "Attachment",
    "AttainmentChart",
    "AttainmentData",
    "AttainmentRow",
    "Band",
    "BulletinChart",
    "BulletinContext",
    "DocFields",
    "FollowUpList",
    "FollowUpUnit",
    "Gap",
    "GradesChart",
    "GradesData",
    "GroupCounts",
    "GroupSection",
    "IndicatorRow",
    "NoticeContext",
    "RankingRow",
    "Requirement",
    "SourceNote",
    "SourceRow",
    "TaskRow",
    "TotalsChart",
    "TotalsData",
    "TrendChart",
    "TrendData",
    "TrendPoint",
    "UnitCharts",
    "UnitReportContext",
    "UnitSummary",
    "UnitTotal",
    "doc_fields",
]


class DocFields(TypedDict):
    """发文要素 (`doc.*`): the issuance file's details (`doc_fields`)."""

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
    seal: bool
    sign_pad: str
    date_pad: str


def doc_fields(issuance: Issuance) -> DocFields:
    """The issuance file's details the templates read as `doc.*`."""
    sign_pad, date_pad = signature_pads(issuance.issuer, issuance.date, issuance.seal)
    return {
        "issuer": issuance.issuer,
        "banner": issuance.banner,
        "number": issuance.number,
        "date": issuance.date,
        "to": issuance.to,
        "cc": issuance.cc,
        "printer": issuance.printer,
        "print_date": issuance.print_date,
        "interview_time": issuance.interview_time,
        "interview_place": issuance.interview_place,
        "contact": issuance.contact,
        "phone": issuance.phone,
        "deadline": issuance.deadline,
        "seal": issuance.seal,
        "sign_pad": sign_pad,  # 署名 and 成文日期 per GB/T 9704 7.3.5 (documents/signature.py)
        "date_pad": date_pad,
    }


class Band(TypedDict):
    """A grade band (等次) for a chart: code, name, lowest total."""

    code: str
    name: str
    min: float


# -- the bulletin (通报) ----------------------------------------------------------------------


class RankingRow(TypedDict):
    """A row of a group's ranking table, every cell printed."""

    rank: str
    unit: str
    total: str
    grade: str  # A（优秀）
    change: str  # ↑2 / ↓1 / 持平 / —
    note: str  # 一票否决 or empty


class GroupSection(TypedDict):
    """A group's part of the bulletin: heading, units per grade, ranking, its chart's name."""

    key: str
    name: str
    heading: str  # （一）县(市、区)
    grade_lines: list[str]
    chart: str  # a key of BulletinContext.charts
    rows: list[RankingRow]


class UnitTotal(TypedDict):
    unit: str
    total: float
    grade: str
    rank: int
    note: str  # 一票否决, or empty


class TotalsData(TypedDict):
    units: list[UnitTotal]
    bands: list[Band]


class TotalsChart(TypedDict):
    """A group's totals: a bar per unit, or a histogram for a large group."""

    kind: Literal["group_totals", "score_histogram"]
    data: TotalsData


class GroupCounts(TypedDict):
    name: str
    counts: dict[str, int]  # grade code → number of units


class GradesData(TypedDict):
    groups: list[GroupCounts]
    bands: list[Band]


class GradesChart(TypedDict):
    """Units per grade in each group."""

    kind: Literal["grade_distribution"]
    data: GradesData


class FollowUpUnit(TypedDict):
    unit: str
    reason: str  # its reasons for this follow-up, joined with ；


class FollowUpList(TypedDict):
    """The units a follow-up (整改, 约谈) applies to, after a sentence introducing them."""

    intro: str
    units: list[FollowUpUnit]


class Requirement(TypedDict):
    """A numbered next step (下一步工作要求)."""

    title: str
    text: str


class Attachment(TypedDict):
    """An attached score table (附件), one per group, every cell printed."""

    number: int
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str


class BulletinContext(TypedDict):
    """The city-wide bulletin (通报)."""

    doc: DocFields
    year: int
    title: str
    intro: str
    overview: list[str]
    groups: list[GroupSection]
    charts: dict[str, BulletinChart]  # totals_<group key>, grades, milestones (when there)
    figures: dict[str, str]  # each chart's caption by its name: 图2　县（市、区）考核总分
    rectify: FollowUpList
    summon: FollowUpList
    problems: list[str]
    requirements: list[Requirement]
    attachments: list[Attachment]
    milestones: MilestoneSection | None  # None: the model has no milestones


# The bulletin's charts (节点目标: `context_milestones`).
BulletinChart = TotalsChart | GradesChart | MilestonesChart


# -- a unit's report (单位报告) ---------------------------------------------------------------


class UnitSummary(TypedDict):
    """The summary table: total, grade, rank and its change, base, bonus and penalty."""

    total: str
    grade: str
    rank: str  # 4/20
    change: str
    base: str
    bonus: str
    penalty: str


class IndicatorRow(TypedDict):
    """A row of the indicator table; the category only on its first indicator."""

    category: str
    name: str
    value: str
    target: str
    rule: str
    points: str
    score: str
    lost: str


class AdjustmentRow(TypedDict):
    """A bonus, penalty or veto (or a note on the bonus cap) with its basis."""

    kind: str
    name: str
    points: str
    basis: str


class TaskRow(TypedDict):
    """A key task (重点任务) behind a task indicator."""

    no: str
    name: str
    role: str  # 牵头 / 配合
    score: str


class AttainmentRow(TypedDict):
    name: str
    share: float | None  # % of the indicator's points; None: 不适用
    group_average: float | None


class AttainmentData(TypedDict):
    rows: list[AttainmentRow]


class AttainmentChart(TypedDict):
    kind: Literal["attainment"]
    data: AttainmentData


class TrendPoint(TypedDict):
    year: int
    total: float
    rank: int | None


class TrendData(TypedDict):
    points: list[TrendPoint]  # earlier years, then this one
    of: int  # units in the group


class TrendChart(TypedDict):
    kind: Literal["trend"]
    data: TrendData


class UnitCharts(TypedDict):
    attainment: AttainmentChart
    trend: TrendChart


class Gap(TypedDict):
    """A group of gaps in 需要改进的问题: （一）{title}。{text} — text a whole sentence."""

    title: str  # 年度目标未完成, 质量措施落实情况失分较多, 重点任务推进不够有力, …
    text: str


class SourceRow(TypedDict):
    """附：数据来源, one row: a figure, task score or event and the returned cell it came from."""

    item: str  # the indicator's name, 重点任务N（…）, 加分：…
    file: str  # the returned file, as named in the returns folder
    cell: str  # sheet and cell: 指标数据 H5


class SourceNote(TypedDict):
    """附：数据来源 (issue 13): only for a year merged by `evalgen collect` (`sources.data_sources`)."""

    intro: str  # one sentence naming the returned files, "" when there are no rows
    rows: list[SourceRow]


class UnitReportContext(TypedDict):
    """One unit's feedback report (考核结果反馈报告), a letter: 主送, opening, sections,
    特此反馈。, 署名 and date. Section headings are numbered in order of presence
    (`headings`: key → 一、考核结果 …; a section added later takes a key of its own)."""

    doc: DocFields
    year: int
    unit: str
    group: str
    file_stem: str
    title: str
    subject: str
    addressee: str  # 主送: 清河县：
    opening: str  # why this letter, on what basis
    headings: dict[str, str]  # result, details, adjustments, gaps[, triggers]
    headline: str
    summary: UnitSummary
    rows: list[IndicatorRow]
    not_applicable: list[str]
    adjustments: list[AdjustmentRow]
    tasks: list[TaskRow]
    praise: list[str]  # whole sentences, before the gaps
    fixes: list[Gap]  # the main gaps, grouped, most serious first
    minor: str  # small losses summed up in one sentence, or ""
    triggers: list[str]
    charts: UnitCharts
    appeals: AppealSection  # 复核情况 (issue 14): `review.unit_appeals`
    sources: SourceNote  # 附：数据来源, after the signature, when figures came from returns


# -- an interview notice (约谈通知书) -----------------------------------------------------------


class NoticeContext(TypedDict):
    """One summoned unit's interview notice."""

    doc: DocFields
    year: int
    seq: int  # its number among the year's notices, from 1
    number: str  # 文号, from the issuance file's pattern; may be empty
    unit: str
    file_stem: str
    title: str
    addressee: str  # 主送: the unit (宁晋县：), as the text says 你单位
    intro: str
    reasons: list[str]
    decision: str
    interviewee: str  # 主要负责同志 / 分管负责同志: in the decision and first in attendees
    time: str  # its own slot (约谈安排), the one 约谈时间, or 另行通知
    place: str
    attendees: str
    materials: list[str]
    materials_deadline: str  # a whole sentence: 请于2025年3月3日前将上述材料报送我办。
    contact: str
