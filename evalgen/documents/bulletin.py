"""The bulletin's context (通报): overview, grade lists, rankings, follow-ups, problems."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TypedDict

from ..inputs.issuance import Issuance
from ..model.schema import ScoringModel
from ..numbers import cn_count, dec, fmt_total, round_half_up
from ..outputs.records import GroupRecord, IndicatorRecord, UnitRecord, YearRecord
from .context import (
    Attachment,
    BulletinChart,
    BulletinContext,
    FollowUpList,
    GradesChart,
    GroupSection,
    Requirement,
    TotalsChart,
    doc_fields,
)
from .context_milestones import MilestoneSection
from .milestones import milestone_charts, milestone_section
from .wording import (
    DEFAULT_PLACES,
    LOW_TASK_SCORE,
    as_self,
    bands,
    change_text,
    cn_ordinal,
    grade_names,
    indicator_places,
    join,
    missed_word,
    self_reference,
    triggered,
    unit_tasks,
    value_text,
)

__all__ = ["BARS_UP_TO", "bulletin_context"]

# Up to this many indicators some unit missed are named in the overview (除X、Y外，其余…).
_NAMED_MISSES = 3
# A group of up to this many units gets a bar per unit in the bulletin; a larger one (a
# province's, a country's) a histogram of its totals (`charts.spec`).
BARS_UP_TO = 60


class _Missed(TypedDict):
    """A target indicator of a group and the units that missed it, as the problems name it."""

    group: str
    name: str
    target: str
    missed: str  # 未达到 / 高于
    units: list[str]


def bulletin_context(
    model: ScoringModel, results: YearRecord, issuance: Issuance
) -> BulletinContext:
    """The city-wide bulletin: overview, grade lists, rankings, follow-ups, problems, next steps."""
    year = results["year"]
    groups = results["groups"]
    all_units = [u for g in groups for u in g["units"]]
    rectify_units = triggered(all_units, "整改")
    summon_units = triggered(all_units, "约谈")
    missed = _missed_indicators(model, groups)
    # After 图1 and a chart per group, 表1…: a table per group.
    milestones = milestone_section(results, model.basis, len(groups) + 2, len(groups) + 1)
    return {
        "doc": doc_fields(issuance),
        "year": year,
        "title": f"关于{year}年度{model.assessment}结果的通报",
        "intro": _intro(model, issuance, groups, year),
        "overview": [_group_overview(model, g, results) for g in groups]
        + _attainment(groups, year),
        "groups": [_group_section(model, g, i) for i, g in enumerate(groups)],
        "charts": {**_charts(model, groups), **milestone_charts(results)},
        "figures": _figures(groups, milestones),
        "rectify": _rectify(model, issuance, rectify_units),
        "summon": _summon(summon_units),
        "problems": _problem_sentences(missed, groups),
        "requirements": _requirements(model, issuance, rectify_units, summon_units, missed),
        "attachments": [_attachment(model, g, year, i) for i, g in enumerate(groups, 1)],
        "milestones": milestones,
    }


def _intro(model: ScoringModel, issuance: Issuance, groups: list[GroupRecord], year: int) -> str:
    """Who assessed whom, on what basis (the opening paragraph)."""
    counts = "和".join(f"{g['unit_count']}个{g['name']}" for g in groups)
    basis = (
        f"根据{model.basis}和年度质量工作考核制度，"
        if model.basis
        else "根据年度质量工作考核制度，"
    )
    return (
        f"{basis}{issuance.issuer}组织开展了{year}年度{model.assessment}，"
        f"对{counts}的质量目标完成和工作措施落实情况进行了考核评分。现将考核结果通报如下。"
    )


def _figures(groups: list[GroupRecord], milestones: MilestoneSection | None) -> dict[str, str]:
    """Each chart's caption by its name, numbered as the 通报 shows them: the grades, a
    chart per group, then the milestones."""
    figures = {"grades": "图1\u3000各组考核等次分布"}
    for number, group in enumerate(groups, start=2):
        figures[f"totals_{group['key']}"] = f"图{number}\u3000{group['name']}考核总分"
    if milestones and milestones["chart"]:
        figures[milestones["chart"]] = milestones["figure"]
    return figures


def _charts(model: ScoringModel, groups: list[GroupRecord]) -> dict[str, BulletinChart]:
    """Each group's totals (bars, or a histogram past `BARS_UP_TO` units), then the grades."""
    charts: dict[str, BulletinChart] = {
        f"totals_{g['key']}": _totals_chart(model, g) for g in groups
    }
    grades: GradesChart = {
        "kind": "grade_distribution",
        "data": {
            "groups": [{"name": g["name"], "counts": g["grade_counts"]} for g in groups],
            "bands": bands(model),
        },
    }
    charts["grades"] = grades
    return charts


def _totals_chart(model: ScoringModel, group: GroupRecord) -> TotalsChart:
    units = group["units"]
    return {
        "kind": "group_totals" if len(units) <= BARS_UP_TO else "score_histogram",
        "data": {
            # As in 表1: rank order (a vetoed unit last), a vetoed unit labelled 一票否决.
            "units": [
                {
                    "unit": u["unit"],
                    "total": u["total"],
                    "grade": u["grade"],
                    "rank": u["rank"],
                    "note": "一票否决" if u["veto"] else "",
                }
                for u in units
            ],
            "bands": bands(model),
        },
    }


def _rectify(model: ScoringModel, issuance: Issuance, units: list[UnitRecord]) -> FollowUpList:
    """整改: the units told to report and rectify, with their reasons."""
    action = next((f.action for f in model.followups if f.kind == "整改"), "")
    action = as_self(action, issuance.issuer)  # the bulletin named the office in full already
    return {
        "intro": (
            f"以下{len(units)}个单位在本组考核中位列后{cn_count(_bottom_count(model))}名，"
            f"须{action}。"
            if units
            else "本年度无需书面报告并限期整改的单位。"
        ),
        "units": [{"unit": u["unit"], "reason": _reasons(u, "整改")} for u in units],
    }


def _summon(units: list[UnitRecord]) -> FollowUpList:
    """约谈: the units summoned to an interview, with their reasons."""
    return {
        "intro": (
            f"以下{len(units)}个单位须接受约谈，约谈时间、地点和需提交的材料见约谈通知书。"
            if units
            else "本年度无需约谈的单位。"
        ),
        "units": [{"unit": u["unit"], "reason": _reasons(u, "约谈")} for u in units],
    }


def _bottom_count(model: ScoringModel) -> int:
    return next((f.count for f in model.followups if f.when == "bottom"), 3)


def _reasons(unit: UnitRecord, kind: str) -> str:
    return "；".join(t["reason"] for t in unit["triggers"] if t["kind"] == kind)


def _group_overview(model: ScoringModel, group: GroupRecord, results: YearRecord) -> str:
    names = grade_names(model)
    units = group["units"]
    parts = [f"{names[c]}等次{n}个" for c, n in group["grade_counts"].items() if n]
    scored = [u for u in units if not u["veto"]]
    average = sum((Fraction(Decimal(str(u["total"]))) for u in units), Fraction(0)) / len(units)
    top = units[0]
    text = (
        f"{group['name']}考核中，{'、'.join(parts)}；平均得分{round_half_up(average, 2)}分，"
        f"{top['unit']}以{fmt_total(top['total'])}分位列第一"
    )
    vetoed = [u["unit"] for u in units if u["veto"]]
    if vetoed:
        text += f"；{join(vetoed)}因一票否决事项直接评为{names[model.veto_grade]}等次"
    elif scored:
        low = scored[-1]
        text += f"，{low['unit']}得分最低（{fmt_total(low['total'])}分）"
    moves = [u["rank_change"] for u in units if u["rank_change"] is not None]
    if moves and results.get("previous_year"):
        up = sum(1 for m in moves if m > 0)
        down = sum(1 for m in moves if m < 0)
        same = len(moves) - up - down
        counts = [f"{w}的{n}个" for w, n in (("上升", up), ("下降", down), ("持平", same)) if n]
        text += f"。与{results['previous_year']}年度相比，名次" + (
            "均与上年持平" if same == len(moves) else "、".join(counts)
        )
    return text + "。"


def _attainment(groups: list[GroupRecord], year: int) -> list[str]:
    """City-wide attainment of the target indicators (达标情况)."""
    out = []
    for group in groups:
        checks = [
            (i["name"], i["met"])
            for u in group["units"]
            for i in u["indicators"]
            if i["met"] is not None
        ]
        if not checks:
            continue
        met = sum(1 for _name, ok in checks if ok)
        by_ind: dict[str, list[bool]] = {}
        for name, ok in checks:
            by_ind.setdefault(name, []).append(ok)
        text = (
            f"从{group['name']}设有年度目标值的{len(by_ind)}项指标看，"
            f"应考核{len(checks)}项次，达到{year}年度目标{met}项次，达标率{met / len(checks) * 100:.1f}%"
        )
        out.append(text + _fully_met(by_ind) + "。")
    return out


def _fully_met(by_ind: dict[str, list[bool]]) -> str:
    """Which indicators every unit met: the few misses named (除X外，其余19项…), else up to
    four of the met ones (X、Y等12项…); "" if none was met by all."""
    full = [n for n, v in by_ind.items() if all(v)]
    missed = [n for n, v in by_ind.items() if not all(v)]
    if not full:
        return ""
    if not missed:
        return f"；{len(full)}项指标全部达标"
    if len(missed) <= _NAMED_MISSES:
        return f"；除{join(missed)}外，其余{len(full)}项指标全部达标"
    return f"；{join(full[:4])}{'等' if len(full) > 4 else ''}{len(full)}项指标全部达标"


def _group_section(model: ScoringModel, group: GroupRecord, index: int) -> GroupSection:
    grade_lines = []
    for grade in model.grades:
        units = [u["unit"] for u in group["units"] if u["grade"] == grade.code]
        if units:
            grade_lines.append(f"{grade.name}（{grade.code}）等次{len(units)}个：{join(units)}。")
    return {
        "key": group["key"],
        "name": group["name"],
        "heading": f"（{cn_ordinal(index + 1)}）{group['name']}",
        "grade_lines": grade_lines,
        "chart": f"totals_{group['key']}",
        "rows": [
            {
                "rank": str(u["rank"]),
                "unit": u["unit"],
                "total": fmt_total(u["total"]),
                "grade": f"{u['grade']}（{u['grade_name']}）",
                "change": change_text(u["rank_change"], short=True),
                "note": "一票否决" if u["veto"] else "",
            }
            for u in group["units"]
        ],
    }


def _missed_indicators(model: ScoringModel, groups: list[GroupRecord]) -> list[_Missed]:
    """Target indicators ordered by how many units missed them."""
    out: list[_Missed] = []
    for group in groups:
        places = indicator_places(model, group["key"])
        # indicator id → the indicator (as the first unit that missed it has it), the units
        by_ind: dict[str, tuple[IndicatorRecord, list[str]]] = {}
        for u in group["units"]:
            for i in u["indicators"]:
                if i["met"] is False:
                    by_ind.setdefault(i["id"], (i, []))[1].append(u["unit"])
        for ind, units in by_ind.values():
            out.append(
                {
                    "group": group["name"],
                    "name": ind["name"],
                    "target": value_text(ind, "target", places.get(ind["id"], DEFAULT_PLACES)),
                    "missed": missed_word(ind),
                    "units": units,
                }
            )
    return sorted(out, key=lambda e: -len(e["units"]))


def _problem_sentences(missed: list[_Missed], groups: list[GroupRecord]) -> list[str]:
    out = []
    for entry in missed[:5]:
        units = entry["units"]
        who = join(units) if len(units) <= 6 else f"{join(units[:6])}等"
        out.append(
            f"{entry['name']}{entry['missed']}年度目标（{entry['target']}）的{entry['group']}有{len(units)}个：{who}。"
        )
    for group in groups:
        tasks = [t for u in group["units"] for t in unit_tasks(u)]
        if tasks:
            low = [t for t in tasks if t["score"] < LOW_TASK_SCORE]
            average = sum((Fraction(dec(t["score"])) for t in tasks), Fraction(0)) / len(tasks)
            text = f"{group['name']}重点任务平均完成得分{round_half_up(average, 1)}分"
            if low:
                text += f"，完成得分低于{LOW_TASK_SCORE}分的有{len(low)}项次，部分牵头、配合任务推进不够有力"
            out.append(text + "。")
    if not out:
        out.append("各项考核指标均达到年度目标。")
    return out


def _requirements(
    model: ScoringModel,
    issuance: Issuance,
    rectify: list[UnitRecord],
    summon: list[UnitRecord],
    missed: list[_Missed],
) -> list[Requirement]:
    weak = list(dict.fromkeys(e["name"] for e in missed[:3]))
    return [
        {
            "title": "抓好问题整改",
            "text": (
                f"列入后{cn_count(_bottom_count(model))}名的{len(rectify)}个单位要深入查找原因，"
                f"于本通报印发之日起{issuance.deadline}内向{self_reference(issuance.issuer)}书面报告，并提交整改方案；"
                f"被约谈的{len(summon)}个单位要按约谈要求逐项整改，整改情况纳入下一年度考核。"
            ),
        },
        {
            "title": "补齐指标短板",
            "text": (
                f"针对{join(weak)}等达标面较低的指标，各地各部门要逐项分析差距，明确责任和时限，"
                "确保完成行动方案确定的年度目标。"
                if weak
                else "各地各部门要巩固已达标指标，对照行动方案确定的下一阶段目标提前谋划。"
            ),
        },
        {
            "title": "压实工作责任",
            "text": (
                "各牵头部门要履行牵头责任，配合部门要主动协同，按照重点任务分工清单推进落实；"
                "各县（市、区）要落实属地责任，把质量工作纳入重要议事日程。"
            ),
        },
        {
            "title": "严格数据报送",
            "text": (
                "各单位要按照考核细则如实、按时报送考核数据和佐证材料；"
                "对瞒报、谎报或弄虚作假的，实行一票否决。"
            ),
        },
    ]


def _attachment(model: ScoringModel, group: GroupRecord, year: int, index: int) -> Attachment:
    categories = [c["name"] for c in group["categories"]]

    def category_score(unit: UnitRecord, name: str) -> str:
        cat = next(c for c in unit["categories"] if c["name"] == name)
        return cat["score_text"] if cat["applicable"] else "—"

    return {
        "number": index,
        # Short enough for one line at 2号 (a lone 「表」 on a second line would be sent back).
        "title": f"{year}年度{group['name']}考核得分表",
        "columns": ["名次", "单位", *categories, "加分", "扣分", "总分", "等次"],
        "rows": [
            [
                str(u["rank"]),
                u["unit"],
                *[category_score(u, c) for c in categories],
                u["text"]["bonus"] if u["bonus_applied"] else "",
                u["text"]["penalty"] if u["penalty"] else "",
                fmt_total(u["total"]),
                u["grade"] + ("*" if u["veto"] else ""),
            ]
            for u in group["units"]
        ],
        "note": (
            "注：总分=各类别得分+加分（不超过上限）−扣分，四舍五入保留两位小数；*为一票否决；"
            "—为该类别指标不适用，其分值已按比例计入其他指标，故个别类别得分可高于该类别分值。"
        ),
    }  # fmt: skip
