"""Generate synthetic evalgen inputs of any size (合成数据): a model with N county-level units and its years.

    python tools/synth.py --units 3000 --years 2023 2024 --out /tmp/synth3000
    make synth UNITS=3000

writes `OUT/model.yaml` — the built-in model (`scoring/xingtai-2023-2027.yaml`) with the
county group's units replaced by N generated names (the department group kept as is) — and
one folder per year, `OUT/2023/`, `OUT/2024/`, in the format of `sample_inputs/`: workbooks
with the sheets 县区指标, 部门指标, 重点任务 and 加减分事项, and a 发文信息.yaml. Score it with

    evalgen score 2024 --inputs OUT --model OUT/model.yaml

Figures come from `tools/make_samples.Generator` (the same plausible ranges as the sample
data, related across years). Each year also gets, in proportion to N and at least once:
不适用 cells, bonus events over the cap, penalties, vetoes, safety-floor misses, units stuck
at the bottom every year (整改, then 约谈), registered short names (简称) used in the data, and
cells typed as people type them (`98.5%`, full-width digits, `1,200`, percent-formatted), so
that a run exercises every code path. `--check` scores the last year and names any feature
that is not exercised.

Deterministic: fixed seeds, no clock, and every .xlsx is rewritten with
`evalgen.outputs.zips.stable_zip`, so two generations give byte-identical files. Workbooks are
written in openpyxl's write-only mode, so 3,000 units take a few seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(__file__).resolve().parent
for _path in (ROOT, TOOLS):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import yaml  # noqa: E402
from make_samples import NA, Generator, Scenario, _in_names_of  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402

from evalgen.model.loader import load_model, target_for  # noqa: E402
from evalgen.model.names import model_for_year  # noqa: E402
from evalgen.model.schema import Indicator, ScoringModel  # noqa: E402
from evalgen.outputs.zips import stable_zip  # noqa: E402
from evalgen.resources import DEFAULT_MODEL  # noqa: E402
from evalgen.yamlfile import yaml_load  # noqa: E402

__all__ = [
    "adjustment_events",
    "generate",
    "missing_features",
    "scenario",
    "synthetic_model",
    "unit_names",
    "write_year",
]

SEED = 20240901
COUNTY = "county"

# -- unit names ---------------------------------------------------------------------------------
# Characters common in the names of China's counties; 县/市/区 never occur inside a stem, and
# no stem starts with 市, so a generated name can never be a stem of another or a department.
_FIRST = (
    "安宝北昌长成城崇大德定东丰扶阜富高广桂海汉和河鹤衡洪华怀淮黄会吉嘉建江金晋靖景开康乐黎"
    "莲临灵龙隆泸鹿罗满茂眉蒙密明南宁平浦祁清庆曲仁荣瑞山上商邵寿舒双顺泗松遂太泰潭桃天通"
    "桐铜万望威文武西仙祥新信兴秀宣延阳沂义永玉元云枣彰漳昭镇正中忠竹资遵"
)
_SECOND = "安昌城川德定丰福光海河和化华江津晋康乐林陵宁平浦清泉山水顺台田通阳源远州原兴溪峰谷湖口门南丘泽乡邑西东"
_SUFFIXES = ("县",) * 14 + ("市",) * 3 + ("区",) * 3


def unit_names(
    n: int, seed: int = SEED, taken: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    """N unique county-level names such as 安昌县, 桐泽市, 遂宁阳区; the same seed gives the same list.

    Most stems have two characters, like real counties; three-character stems fill in once
    the two-character ones run short. Names in `taken` are never produced. The list for a
    smaller N is a prefix of the list for a larger one.
    """
    rng = random.Random(seed)
    seen = set(taken)
    names: list[str] = []
    while len(names) < n:
        for attempt in range(12):
            length = 2 if attempt < 8 and rng.random() < 0.9 else 3
            stem = rng.choice(_FIRST) + "".join(rng.sample(_SECOND, length - 1))
            name = stem + rng.choice(_SUFFIXES)
            if name not in seen and len(set(stem)) == len(stem):
                break
        else:
            name = f"{stem}{len(names)}{rng.choice(_SUFFIXES)}"  # never for realistic N
        seen.add(name)
        names.append(name)
    return names


def _stem(name: str) -> str:
    return name[:-1]


# -- the model ----------------------------------------------------------------------------------


def synthetic_model(units: int, base: Path = DEFAULT_MODEL, seed: int = SEED) -> dict:
    """The base model's data with the county group's units replaced by `units` generated names.

    Aliases that no longer resolve are dropped; every 37th unit gets its stem as a registered
    short name (简称), which the generated data then uses.
    """
    data, _lines = yaml_load(base.read_text(encoding="utf-8-sig"))
    county = data["groups"][COUNTY]
    other_names = {
        name
        for key, group in data["groups"].items()
        if key != COUNTY
        for name in [*group["units"], *group.get("aliases", {})]
    } | {  # and the names renamed units had (`formerly`)
        former["name"]
        for key, group in data["groups"].items()
        if key != COUNTY
        for formers in group.get("formerly", {}).values()
        for former in formers
    }
    names = unit_names(units, seed, taken=other_names)
    kept = set(names)
    aliases = {a: u for a, u in county.get("aliases", {}).items() if u in kept}
    taken = kept | other_names | set(aliases)
    for i, name in enumerate(names):
        if i % 37 == 5 and _stem(name) not in taken:
            aliases[_stem(name)] = name
            taken.add(_stem(name))
    county["units"] = names
    county["aliases"] = aliases
    county["formerly"] = {u: f for u, f in county.get("formerly", {}).items() if u in kept}
    for category in county["categories"]:
        for ind in category["indicators"]:
            if ind.get("applies_to") is not None:
                ind["applies_to"] = [u for u in ind["applies_to"] if u in kept] or names[:1]
    data["name"] = f"{data['name']}（合成测试：{units}个县级单位）"
    data["note"] = (
        f"由 tools/synth.py 生成的合成考核细则：在内置考核细则的基础上，把县（市、区）名单换成{units}个"
        "生成的单位名称，用于性能测试和端到端测试；单位名称和数据均为虚构。"
    )
    return data


def _model_text(data: dict) -> str:
    head = (
        "# 合成考核细则（tools/synth.py 生成，单位名称均为虚构，仅用于测试）。\n"
        "# 请勿手工修改：重新运行 tools/synth.py 即可得到同样的文件。\n"
    )
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# -- a year's scenario ----------------------------------------------------------------------------


def _value_indicators(model: ScoringModel, gkey: str) -> list[Indicator]:
    group = model.groups[gkey]
    return [i for c in group.categories for i in c.indicators if i.source == "value"]


def _some(rng: random.Random, items: list, share: float, at_least: int = 1) -> list:
    count = min(len(items), max(at_least, round(len(items) * share)))
    return rng.sample(items, count)


def _stuck(model: ScoringModel, seed: int) -> list[str]:
    """Three county units that are weak every year: bottom three twice → 约谈."""
    units = model.groups[COUNTY].units
    return random.Random(f"{seed}:stuck").sample(units, min(3, len(units)))


def scenario(model: ScoringModel, year: int, seed: int = SEED) -> Scenario:
    """Who is vetoed, penalised, rewarded, N/A … this year, in proportion to the group's size."""
    rng = random.Random(f"{seed}:{year}")
    county = model.groups[COUNTY]
    units = list(county.units)
    stuck = _stuck(model, seed)
    others = [u for u in units if u not in stuck] or units
    levels = dict(zip(stuck, (0.02, 0.06, 0.10), strict=False))
    inds = _value_indicators(model, COUNTY)
    na_able = [i for i in inds if i.rule != "evaluated"]
    na = [(u, rng.choice(na_able).name) for u in _some(rng, others, 0.01)]
    floors = [i for i in inds if i.safety_floor and target_for(i, year) is not None]
    below = []
    for unit in _some(rng, others, 0.005) if floors else []:
        ind = rng.choice(floors)
        value = target_for(ind, year) - Decimal(str(round(rng.uniform(0.05, 1.5), 2)))
        below.append((unit, ind.id, str(value.quantize(Decimal("0.01"), ROUND_HALF_UP))))
    styles = []
    for unit in _some(rng, units, 0.02):
        ind = rng.choice(na_able)
        style = rng.choice(("pct_text", "pct_format") if ind.measure == "%" else ("fullwidth",))
        if ind.id in ("ip_pledge_amount", "quality_help_firms"):
            style = "thousands"
        styles.append((unit, ind.id, style))
    return Scenario(
        year=year,
        county_levels=levels,
        dept_levels={},
        na=na,
        below_floor=below,
        tie=None,
        styles=styles,
        events=adjustment_events(model, year, rng, others, stuck),
        issuance={},
        drift=0.02 * (year - min(model.years)),
    )


def adjustment_events(
    model: ScoringModel, year: int, rng: random.Random, units: list[str], stuck: list[str]
) -> list[tuple[str, str, int, str, str]]:
    """加减分事项 (unit, item id, count, basis, date): about 0.2 % of `units` vetoed, one over
    the bonus cap, 4 % with bonuses, 2 % with penalties; `stuck` units penalised twice."""
    by_kind: dict[str, list] = {}
    for item in model.adjustments:
        by_kind.setdefault(item.kind, []).append(item)
    events = []

    def add(unit: str, item, count: int = 1) -> None:
        count = min(count, item.max_count or count)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        basis = f"邢质强办〔{year}〕{rng.randint(1, 60)}号 关于{item.name}的通报（合成数据）"
        events.append((unit, item.id, count, basis, f"{year}-{month:02d}-{day:02d}"))

    pool = list(units)
    rng.shuffle(pool)
    vetoed, pool = pool[: max(1, len(units) // 500)], pool[max(1, len(units) // 500) :]
    for unit in vetoed:
        add(unit, rng.choice(by_kind["veto"]))
    capped, pool = pool[:1], pool[1:]
    for unit in capped:  # bonus over the cap
        for item in sorted(by_kind["bonus"], key=lambda a: -a.points)[:3]:
            add(unit, item, item.max_count or 1)
    for unit in _some(rng, pool, 0.04):
        for item in rng.sample(by_kind["bonus"], rng.randint(1, 2)):
            add(unit, item, rng.randint(1, 2))
    for unit in _some(rng, pool, 0.02):
        add(unit, rng.choice(by_kind["penalty"]), rng.randint(1, 2))
    for unit in stuck:  # weak units are also penalised: grade D without a veto
        add(unit, by_kind["penalty"][0], 2)
    departments = [u for key, g in model.groups.items() if key != COUNTY for u in g.units]
    if departments:
        add(rng.choice(departments), rng.choice(by_kind["bonus"]))
        add(rng.choice(departments), rng.choice(by_kind["penalty"]))
    return events


# -- writing ----------------------------------------------------------------------------------------

_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _cell(ws, value: object, style: str | None) -> object:
    """A figure as a person might have typed it."""
    if value is None or value == NA:
        return value
    number = Decimal(value)
    if style == "pct_text":
        return f"{number}%"
    if style == "fullwidth" and number >= 0:
        return str(number).translate(_FULLWIDTH)
    if style == "thousands" and number == number.to_integral_value():
        return f"{int(number):,}"
    if style == "pct_format":
        places = max(0, -number.as_tuple().exponent)
        cell = WriteOnlyCell(ws, value=float(str(number / 100)))
        cell.number_format = "0." + "0" * places + "%" if places else "0%"
        return cell
    if number == number.to_integral_value():
        return int(number)
    return float(str(number))


def _save(wb: Workbook, path: Path) -> None:
    wb.properties.creator = "evalgen 合成数据生成器（tools/synth.py）"
    wb.properties.lastModifiedBy = "evalgen"
    buf = BytesIO()
    wb.save(buf)
    path.write_bytes(stable_zip(buf.getvalue()))


def _indicator_rows(model, gkey, rows, styles, written_as) -> Iterator[list]:
    group = model.groups[gkey]
    inds = _value_indicators(model, gkey)
    yield [f"{group.name}质量工作考核数据（合成数据，非真实统计）"]
    yield ["序号", "单位", *(f"{i.name}（{i.measure}）" for i in inds)]
    for n, unit in enumerate(group.units, start=1):
        row = rows[unit]
        cells = []
        for ind in inds:
            if ind.applies_to is not None and unit not in ind.applies_to:
                cells.append(None)  # not this unit's indicator: left blank, ignored
            else:
                cells.append((row.get(ind.id), styles.get((unit, ind.id))))
        yield [n, written_as.get(unit, unit), *cells]


def write_year(model: ScoringModel, sc: Scenario, data: dict, folder: Path) -> list[Path]:
    """Write one year folder; the data come from `make_samples.Generator.year`."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    year = sc.year
    styles = {(u, i): s for u, i, s in sc.styles}
    short = {u: a for a, u in model.groups[COUNTY].aliases.items()}
    written = []

    def sheet(wb: Workbook, title: str, rows: Iterator[list]) -> None:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append([_cell(ws, *c) if isinstance(c, tuple) else c for c in row])

    for gkey, group in model.groups.items():
        wb = Workbook(write_only=True)
        names = short if gkey == COUNTY else {}
        sheet(
            wb,
            group.input.sheet,
            _indicator_rows(model, gkey, data["figures"][gkey], styles, names),
        )
        if group.task_input:
            sheet(wb, group.task_input.sheet, _task_rows(data["tasks"], group))
        stem = "县区考核数据" if gkey == COUNTY else f"{group.short_name or gkey}考核数据"
        path = folder / f"{stem}_{year}.xlsx"
        _save(wb, path)
        written.append(path)

    wb = Workbook(write_only=True)
    sheet(wb, model.adjustment_input.sheet, _event_rows(model, sc.events, short))
    path = folder / f"加减分事项_{year}.xlsx"
    _save(wb, path)
    written.append(path)

    path = folder / "发文信息.yaml"
    path.write_bytes(_issuance(year).encode("utf-8"))
    written.append(path)
    return written


def _task_rows(tasks, group) -> Iterator[list]:
    yield ["重点任务完成情况评分表（合成数据）"]
    yield ["序号", "单位", "任务序号", "任务名称", "责任类型", "完成得分", "备注"]
    for n, (unit, task, role, score, remark) in enumerate(tasks, start=1):
        if unit in group.units:
            yield [n, unit, task.no, task.name, role, int(score), remark or None]


def _event_rows(model: ScoringModel, events, short: dict[str, str]) -> Iterator[list]:
    yield ["加减分事项（合成数据，所列事项、文号均为虚构）"]
    yield ["序号", "单位", "事项编号", "事项名称", "次数", "依据", "认定日期"]
    for n, (unit, item_id, count, basis, date) in enumerate(events, start=1):
        name = short.get(unit, unit) if n % 2 else unit  # 简称 in some rows
        item = model.adjustment(item_id)
        yield [n, name, item_id, item.name, count, basis, dt.date.fromisoformat(date)]


def _issuance(year: int) -> str:
    info = {
        "发文机关": "邢台市质量强市战略领导小组办公室",
        "发文机关标志": "邢台市质量强市战略领导小组办公室文件",
        "发文字号": f"邢质强办〔{year + 1}〕1号",
        "成文日期": f"{year + 1}年2月20日",
        "主送": "各县（市、区）人民政府，市直有关部门",
        "抄送": "市委办公室，市人大常委会办公室，市政府办公室，市政协办公室",
        "印发机关": "邢台市质量强市战略领导小组办公室",
        "印发日期": f"{year + 1}年2月21日",
        "约谈时间": f"{year + 1}年3月5日上午9:00",
        "约谈地点": "邢台市市场监督管理局3楼会议室",
        "联系人": "张××",
        "联系电话": "0319-0000000",
        "整改期限": "30日",
        "约谈通知书编号": f"邢质强办约〔{year + 1}〕{{序号}}号",
    }
    lines = [f"# {year}年度质量工作考核 发文信息（合成数据，tools/synth.py 生成）", ""]
    lines += [f'{key}: "{value}"' for key, value in info.items()]
    return "\n".join(lines) + "\n"


# -- the whole set --------------------------------------------------------------------------------


def generate(units: int, years: list[int], out: Path, seed: int = SEED) -> list[Path]:
    """Write `out/model.yaml` and one folder per year; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    model_path = out / "model.yaml"
    model_path.write_bytes(_model_text(synthetic_model(units, seed=seed)).encode("utf-8"))
    model = load_model(model_path).model
    latest = max(model.years)
    generator = Generator(model_for_year(model, latest))  # as make_samples: latest names
    written = [model_path]
    for year in sorted(years):
        view = model_for_year(model, year)
        sc = scenario(view, year, seed)
        data = _in_names_of(model, generator.year(sc), latest, year)
        written += write_year(view, sc, data, out / str(year))
    return written


def missing_features(out: Path, year: int) -> list[str]:
    """Score `year` of a generated set; name every feature it does not exercise."""
    from evalgen.pipeline import evaluate
    from evalgen.scoring.ruletable import RULES

    ev = evaluate(year, out, out / "model.yaml")
    units = [u for g in ev.result.groups.values() for u in g.units]
    lines = [ln for u in units for ln in ev.lines.unit_lines(u).indicators]
    missing = [f"规则 {r}" for r in RULES if r not in {ln.indicator.rule for ln in lines}]
    checks = {
        "单位填报不适用": any(ln.na_reason == "单位填报不适用" for ln in lines),
        "加分超过上限": any(u.bonus > u.bonus_capped for u in units),
        "扣分": any(u.penalty > 0 for u in units),
        "一票否决": any(u.veto for u in units),
        "名次变化": not ev.history or any(u.rank_change for u in units),
    }
    missing += [name for name, ok in checks.items() if not ok]
    kinds = {f.id: f.when for f in ev.loaded.model.followups}
    fired = {kinds[t.rule_id] for u in units for t in u.triggers}
    wanted = {"grade", "veto", "bottom", "safety_floor"} | (
        {"bottom_consecutive"} if ev.history else set()
    )
    missing += [f"触发条件 {w}" for w in sorted(wanted - fired)]
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成任意规模的合成考核数据（含合成考核细则）")
    parser.add_argument("--units", type=int, default=300, help="县级单位个数（默认300）")
    parser.add_argument(
        "--years", type=int, nargs="+", default=[2023, 2024], help="年度（默认2023 2024）"
    )
    parser.add_argument("--out", type=Path, required=True, help="输出文件夹")
    parser.add_argument("--seed", type=int, default=SEED, help="随机种子（单位名称和场景）")
    parser.add_argument(
        "--check", action="store_true", help="生成后评分最后一年，检查各项功能是否都被覆盖"
    )
    args = parser.parse_args(argv)
    if args.units < 3:
        parser.error("--units 至少为3")
    written = generate(args.units, args.years, args.out, args.seed)
    size = sum(p.stat().st_size for p in written)
    print(
        f"已生成 {args.out}：{args.units}个县级单位，{len(args.years)}个年度，{len(written)}个文件，{size / 1e6:.1f} MB"
    )
    if args.check:
        missing = missing_features(args.out, max(args.years))
        if missing:
            print("未覆盖：" + "；".join(missing), file=sys.stderr)
            return 1
        print("覆盖全部计分规则、不适用、加分上限、扣分、一票否决和各项约谈/整改触发条件。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
