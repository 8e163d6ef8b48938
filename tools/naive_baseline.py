"""The naive baseline for `make bench`: the year's documents as a user would write them by hand.

    python tools/naive_baseline.py 2024 --out /tmp/naive2024
    python tools/naive_baseline.py 2024 --inputs DIR --model DIR/model.yaml --out OUT --timings
    python tools/naive_baseline.py --compare OUT out/2024   # same documents, same text?

It uses evalgen's library for everything but the documents (read, score, results, contexts:
`evalgen.pipeline.evaluate`, `evalgen.outputs.results.build_results`,
`evalgen.documents.pool.prepare_documents`) and writes the results workbook and results.json with
`evalgen.outputs.files`, as evalgen does. Then, in one process, for every document: a new
`docxtpl.DocxTemplate` read from the template file on disk, a new pyplot figure per chart
(simple equivalents of evalgen's charts, same size and dpi, saved to PNG in memory, then
closed), an `InlineImage` per chart, `render` with a fresh autoescaping Jinja environment,
and `save`. The documents have the same names and text as evalgen's (not the same bytes).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import jinja2  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from docx.shared import Mm  # noqa: E402
from docxtpl import DocxTemplate, InlineImage  # noqa: E402

from evalgen import __version__  # noqa: E402
from evalgen.charts.canvas import DPI  # noqa: E402
from evalgen.charts.font import chart_font  # noqa: E402
from evalgen.charts.layout import NARROW_IN, WIDTH_IN  # noqa: E402
from evalgen.charts.sizes import width_mm  # noqa: E402
from evalgen.documents.pool import prepare_documents  # noqa: E402
from evalgen.documents.render import TEMPLATE_FILES  # noqa: E402
from evalgen.inputs.issuance import ISSUANCE_FILE, load_issuance  # noqa: E402
from evalgen.outputs.files import json_bytes  # noqa: E402
from evalgen.outputs.results import build_results, history_points  # noqa: E402
from evalgen.outputs.workbook import write_results_workbook  # noqa: E402
from evalgen.pipeline import evaluate  # noqa: E402
from evalgen.resources import DEFAULT_INPUTS, DEFAULT_TEMPLATES  # noqa: E402

GRADE_COLORS = {"A": "#78B59A", "B": "#4A78B0", "C": "#EAC66E", "D": "#8A2B26"}
MAX_HEIGHT_IN = 300  # Agg cannot draw images taller than 2^16 pixels


# -- charts: one new pyplot figure each --------------------------------------------------------


def _png(fig) -> io.BytesIO:
    buf = io.BytesIO()
    plt.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    buf.seek(0)
    return buf


def group_totals(units: list[dict], bands: list[dict], title: str = "") -> io.BytesIO:
    names = [u["unit"] for u in units][::-1]
    totals = [u["total"] for u in units][::-1]
    colors = [GRADE_COLORS.get(u["grade"], "#A9A9A9") for u in units][::-1]
    fig = plt.figure(figsize=(WIDTH_IN, min(MAX_HEIGHT_IN, 0.205 * len(units) + 1.0)))
    plt.barh(names, totals, color=colors, edgecolor="#333333", linewidth=0.4)
    for y, total in enumerate(totals):
        plt.text(total + 0.5, y, f"{total:.2f}", va="center", fontsize=9)
    for band in bands:
        if band["min"] > 0:
            plt.axvline(band["min"], color="#555555", linewidth=0.7, linestyle="--")
    plt.xlim(0, max(100, *totals) * 1.12)
    plt.xlabel("总分（分）")
    plt.title(title)
    plt.tight_layout()
    return _png(fig)


def score_histogram(units: list[dict], bands: list[dict], title: str = "") -> io.BytesIO:
    """A large group's totals: units per score band, stacked by grade (plt.hist)."""
    fig = plt.figure(figsize=(WIDTH_IN, 3.4))
    totals = [[u["total"] for u in units if u["grade"] == band["code"]] for band in bands]
    colors = [GRADE_COLORS.get(band["code"], "#A9A9A9") for band in bands]
    labels = [f"{band['code']} {band['name']}" for band in bands]
    plt.hist(totals, bins=40, stacked=True, color=colors, label=labels, edgecolor="#333333")
    for band in bands:
        if band["min"] > 0:
            plt.axvline(band["min"], color="#555555", linewidth=0.7, linestyle="--")
    plt.xlabel("总分（分）")
    plt.ylabel("单位数（个）")
    plt.legend(ncol=len(bands), fontsize=8)
    plt.title(title)
    plt.tight_layout()
    return _png(fig)


def grade_distribution(groups: list[dict], bands: list[dict], title: str = "") -> io.BytesIO:
    fig = plt.figure(figsize=(NARROW_IN, 2.8))
    width = 0.8 / len(bands)
    for j, band in enumerate(bands):
        xs = [i + (j - (len(bands) - 1) / 2) * width for i in range(len(groups))]
        heights = [g["counts"].get(band["code"], 0) for g in groups]
        bars = plt.bar(xs, heights, width=width * 0.88, color=GRADE_COLORS.get(band["code"]),
                       label=f"{band['code']} {band['name']}")  # fmt: skip
        plt.bar_label(bars, padding=2)
    plt.xticks(range(len(groups)), [g["name"] for g in groups])
    plt.ylabel("单位数（个）")
    plt.legend(ncol=len(bands), fontsize=8)
    plt.title(title)
    plt.tight_layout()
    return _png(fig)


def attainment(rows: list[dict], title: str = "") -> io.BytesIO:
    names = [r["name"] for r in rows][::-1]
    shares = [r["share"] or 0 for r in rows][::-1]
    averages = [r["group_average"] for r in rows][::-1]
    fig = plt.figure(figsize=(WIDTH_IN, 0.22 * len(rows) + 1.0))
    plt.barh(names, shares, color="#4A78B0", edgecolor="#333333", linewidth=0.4, label="本单位")
    plt.plot(averages, range(len(rows)), "|", color="#222222", markersize=10, label="组内平均")
    plt.xlim(0, 100)
    plt.xlabel("得分率（%）")
    plt.legend(ncol=2, fontsize=8)
    plt.title(title)
    plt.tight_layout()
    return _png(fig)


def trend(points: list[dict], of: int, title: str = "") -> io.BytesIO:
    points = sorted(points, key=lambda p: p["year"])
    years = [p["year"] for p in points]
    totals = [p["total"] for p in points]
    fig = plt.figure(figsize=(NARROW_IN, 2.3))
    plt.plot(years, totals, marker="o", color="#2F5D8C")
    for year, total in zip(years, totals, strict=True):
        plt.annotate(f"{total:.2f}", (year, total), xytext=(0, 6), textcoords="offset points",
                     ha="center")  # fmt: skip
    plt.xticks(years, [f"{p['year']}年\n第{p['rank']}名" for p in points])
    plt.xlim(years[0] - 0.5, years[-1] + 0.5)
    plt.ylim(max(0, min(totals) - 10), max(100, *totals) + 5)
    plt.ylabel("总分（分）")
    plt.title(title)
    plt.tight_layout()
    return _png(fig)


def milestones(rows: list[dict], title: str = "") -> io.BytesIO:
    """The road to the milestones (the bulletin's 节点目标 chart since issue 16)."""
    colors = {"有望按期实现": "#78B59A", "存在风险": "#8A2B26"}
    names = [r["label"] for r in rows][::-1]
    percents = [min(120.0, r["percent"]) for r in rows][::-1]
    fig = plt.figure(figsize=(WIDTH_IN, 0.3 * len(rows) + 1.0))
    plt.barh(names, percents, color=[colors.get(r["status"], "#A9A9A9") for r in rows][::-1])
    plt.axvline(100, color="#555555", linestyle="--", linewidth=0.7)
    plt.xlim(0, 120)
    plt.xlabel("最近一年实际值占下一节点目标的比例（%）")
    plt.title(title)
    plt.tight_layout()
    return _png(fig)


CHARTS = {
    "milestones": milestones,
    "group_totals": group_totals,
    "score_histogram": score_histogram,
    "grade_distribution": grade_distribution,
    "attainment": attainment,
    "trend": trend,
}


# -- the run ----------------------------------------------------------------------------------


def run(
    year: int, inputs: Path | None, model: Path | None, out: Path, templates: Path | None
) -> dict:
    """Score and write every document naively; return the seconds spent per stage.

    `evaluate` is reading and scoring; `prepare` is results, contexts, template checks and the
    results workbook and JSON, all done with evalgen's own functions.
    """
    timings = {"evaluate": 0.0, "prepare": 0.0, "charts": 0.0, "render": 0.0, "write": 0.0}
    t0 = time.perf_counter()
    _path, family, _index = chart_font()
    plt.rcParams["font.family"] = [family]
    plt.rcParams["font.size"] = 9
    evaluation = evaluate(year, inputs, model)
    t1 = time.perf_counter()
    timings["evaluate"] = t1 - t0
    model_ = evaluation.loaded.model
    meta = {
        "evalgen_version": __version__,
        "model": {"file": evaluation.loaded.path.name, "sha256": evaluation.loaded.sha256},
    }
    results = build_results(model_, evaluation.result, evaluation.lines, meta)
    history = {y: history_points(model_, r) for y, r in evaluation.history.items()}
    base = Path(inputs) if inputs else DEFAULT_INPUTS
    issuance = load_issuance(base / str(year) / ISSUANCE_FILE)
    docs = prepare_documents(model_, results, history, issuance, templates)
    out.mkdir(parents=True, exist_ok=True)
    write_results_workbook(results, out / f"考核结果_{year}.xlsx")
    (out / "results.json").write_bytes(json_bytes(results))
    timings["prepare"] = time.perf_counter() - t1
    folder = Path(templates) if templates else DEFAULT_TEMPLATES
    for relative, key, context in docs.jobs():
        t1 = time.perf_counter()
        images = {
            name: CHARTS[spec["kind"]](**spec["data"])
            for name, spec in context.get("charts", {}).items()
        }
        t2 = time.perf_counter()
        tpl = DocxTemplate(folder / TEMPLATE_FILES[key])
        data = dict(context)
        if "charts" in context:
            data["charts"] = {
                name: InlineImage(tpl, images[name], width=Mm(width_mm(spec["kind"])))
                for name, spec in context["charts"].items()
            }
        tpl.render(data, jinja2.Environment(autoescape=True))
        t3 = time.perf_counter()
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        tpl.save(path)
        t4 = time.perf_counter()
        timings["charts"] += t2 - t1
        timings["render"] += t3 - t2
        timings["write"] += t4 - t3
    timings["documents"] = docs.count
    return timings


# -- content comparison -------------------------------------------------------------------------

_PARAGRAPH = re.compile(rb"<w:p[ >].*?</w:p>", re.DOTALL)
_TEXT = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def document_text(path: Path) -> tuple[list[str], int]:
    """The paragraphs' text of a .docx (body, headers, footers) and its number of figures
    (pictures, or native charts: evalgen's default draws its charts as native Word charts)."""
    with zipfile.ZipFile(path) as z:
        names = sorted(
            n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)
        )
        paragraphs = []
        for name in names:
            for p in _PARAGRAPH.findall(z.read(name)):
                paragraphs.append(b"".join(_TEXT.findall(p)).decode("utf-8"))
        images = sum(
            1 for n in z.namelist() if re.fullmatch(r"word/(media/.*|charts/chart\d+\.xml)", n)
        )
    return paragraphs, images


def compare(naive: Path, reference: Path) -> list[str]:
    """Differences between two output folders' documents: names, paragraph text, image count."""
    ours = {p.relative_to(naive).as_posix() for p in naive.rglob("*.docx")}
    theirs = {p.relative_to(reference).as_posix() for p in reference.rglob("*.docx")}
    problems = [f"only in {naive}: {n}" for n in sorted(ours - theirs)]
    problems += [f"only in {reference}: {n}" for n in sorted(theirs - ours)]
    for name in sorted(ours & theirs):
        a, b = document_text(naive / name), document_text(reference / name)
        if a[0] != b[0]:
            problems.append(f"text differs: {name}")
        if a[1] != b[1]:
            problems.append(f"images differ ({a[1]} vs {b[1]}): {name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="naive baseline: every document by hand with docxtpl and pyplot"
    )
    parser.add_argument("year", type=int, nargs="?")
    parser.add_argument("--inputs", type=Path, default=None)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--templates", type=Path, default=None)
    parser.add_argument("--timings", action="store_true", help='print {"timings": {...}} on stderr')
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("NAIVE", "EVALGEN"))
    args = parser.parse_args(argv)
    if args.compare:
        problems = compare(*args.compare)
        for line in problems:
            print(line)
        count = len(list(args.compare[0].rglob("*.docx")))
        print(f"{count} documents compared, {len(problems)} differences")
        return 1 if problems else 0
    if args.year is None or args.out is None:
        parser.error("YEAR and --out are required")
    timings = run(args.year, args.inputs, args.model, args.out, args.templates)
    print(f"{timings['documents']} documents written to {args.out}")
    if args.timings:
        seconds = {k: round(v, 3) for k, v in timings.items() if k != "documents"}
        print(json.dumps({"timings": seconds}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
