"""evalgen's benchmark (`make bench`): time and memory against the targets of issue 5.

    python tools/bench.py                      # everything (several minutes)
    python tools/bench.py --skip-3000 --skip-scoring   # the sample year only (under a minute)
    python tools/bench.py --units 1000 --score-units 20000

Parts, each printed as soon as it is measured, then a summary with PASS/FAIL per target:

(a) the sample year (`sample_inputs/`, 2024): `evalgen score` and the naive baseline
    (`tools/naive_baseline.py`), wall time, peak memory, per-stage times, ratio, and whether
    both wrote the same documents (same names, same text);
(b) a synthetic year of `--units` (3,000) county-level units generated on the fly
    (`tools/synth.py`): the same, with the naive baseline run on a `--subset` (300) year and
    extrapolated linearly by document count; evalgen is also run on the subset, to see whether
    peak memory grows with the number of units;
(c) scoring alone (`score_year` + `apply_followups`) for `--score-units` (100,000) units ×
    `--score-indicators` (30) indicators, in memory, on a ladder of sizes in child processes;
    a size predicted (power law through the two previous sizes) to exceed `--score-timeout`
    is not run, its estimate is shown instead. Shown beside it, not judged: the time to build
    the exact per-indicator lines that results and documents need (timed on 5,000 units);
(d) `--jobs 1` against `--jobs 2` on the sample year, and whether the files are identical;
(e) `evalgen robustness` (issue 15, 1,000 Monte Carlo runs) on the sample year and on the
    synthetic year of `--units`, and its peak memory at 100 against 1,000 runs (flat: the runs
    are scored in chunks). `--only-robustness` runs this part alone.
(f) `evalgen forms --prefill` and `evalgen collect` (issue 13) on the sample year and on the
    synthetic year of `--units`. `--only-collection` runs this part alone.

Each measured command runs as a child process. Wall time is the child's; peak memory is
sampled every 50 ms from /proc for the child and all its descendants (worker pools): the
peak of the summed VmRSS (an upper bound: pages shared after fork count once per process)
and of the summed PSS (shared pages split between the processes sharing them). The largest
single process (its highest VmHWM) is shown too. Targets are judged on summed VmRSS.
CPU time (user + system of the child and its workers, from wait4) is shown beside wall time:
it is the figure least disturbed by other work on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(__file__).resolve().parent
for _path in (ROOT, TOOLS):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

SAMPLE_INPUTS = ROOT / "sample_inputs"
SAMPLE_YEAR = 2024
YEARS = [2023, 2024]

# issue 5's targets, as issue 12 (native charts) raised them
SAMPLE_SPEEDUP = 8.0  # evalgen at least 8× faster than the naive baseline on the sample year
CHART_MS = 2.0  # each chart, on average over the sample year's charts (CPU, in the workers)
BIG_SECONDS = 40.0  # 3,000 units, all documents, two cores
BIG_MEMORY_MB = 1024.0  # peak memory of the whole process tree
GROWTH_LIMIT = 1.5  # peak(3,000 units) / peak(300 units): "not growing with the units"
SCORE_SECONDS = 2.0  # scoring alone, 100,000 units × 30 indicators
ROBUST_SAMPLE_SECONDS = 2.0  # evalgen robustness, 1,000 runs, the 44 sample units
ROBUST_BIG_SECONDS = 60.0  # evalgen robustness, 1,000 runs, 3,000 units, two cores
ROBUST_RUNS = 1000
LINES_SAMPLE = 5_000  # units whose exact indicator lines are timed in (c), then scaled up


# -- measuring a child process ------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    out = []
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return out


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += _children(p)
    return found


def _kb(path: str, key: str) -> int:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class _Sampler(threading.Thread):
    """Peak summed VmRSS and PSS of a process tree, sampled every `interval` seconds, and the
    largest single process (the highest VmHWM seen: `ru_maxrss` from wait4 is no use, as a
    child keeps the maximum of this process, which it was forked from, across its exec)."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss_kb = self.peak_pss_kb = self.peak_procs = self.peak_single_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            pids = _tree(self.pid)
            rss = sum(_kb(f"/proc/{p}/status", "VmRSS:") for p in pids)
            pss = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self.peak_procs = max(self.peak_procs, len(pids))
            single = max((_kb(f"/proc/{p}/status", "VmHWM:") for p in pids), default=0)
            self.peak_single_kb = max(self.peak_single_kb, single)
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


@dataclass
class Measured:
    """One child process: how long, how much memory, what it said."""

    command: list[str]
    seconds: float
    returncode: int | None  # None: killed at the timeout
    peak_rss_mb: float
    peak_pss_mb: float
    max_single_mb: float
    cpu_seconds: float  # user + system time of the child and its workers
    processes: int
    stdout: str
    stderr: str
    timings: dict[str, float] | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failure(self) -> str:
        if self.returncode is None:
            return f"timed out after {self.seconds:.0f} s"
        tail = (self.stderr.strip() or self.stdout.strip()).splitlines()[-3:]
        return f"exit code {self.returncode}: " + " | ".join(tail)


def measure(command: list[str], timeout: float | None = None, cwd: Path = ROOT) -> Measured:
    """Run `command`, sampling its process tree's memory; kill the tree at `timeout`."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        sampler = _Sampler(proc.pid)
        sampler.start()
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            # wait4, not wait: its rusage is this child's (and its reaped descendants') own.
            _pid, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted: take the child's whole tree down with us
            kill()
            sampler.stop()
            raise
        seconds = time.perf_counter() - started
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return Measured(
        command=command,
        seconds=seconds,
        returncode=None if killed.is_set() else proc.returncode,
        peak_rss_mb=sampler.peak_rss_kb / 1024,
        peak_pss_mb=sampler.peak_pss_kb / 1024,
        max_single_mb=sampler.peak_single_kb / 1024,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        processes=sampler.peak_procs,
        stdout=stdout,
        stderr=stderr,
        timings=_timings(stderr),
    )


def _timings(stderr: str) -> dict[str, float] | None:
    for line in reversed(stderr.splitlines()):
        line = line.strip()
        if line.startswith('{"timings"'):
            try:
                return json.loads(line)["timings"]
            except (ValueError, KeyError):
                return None
    return None


# -- the commands -------------------------------------------------------------------------------


@dataclass
class Cli:
    """What `evalgen score` supports here (`--timings`, `--jobs`)."""

    timings: bool
    jobs: bool

    @classmethod
    def probe(cls) -> Cli:
        text = subprocess.run(
            [sys.executable, "-m", "evalgen", "score", "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return cls("--timings" in text, "--jobs" in text)


def best_of(repeat: int, run) -> Measured:
    """The fastest of `repeat` runs (least disturbed by other work), with the highest peak."""
    runs = [run() for _ in range(max(1, repeat))]
    ok = [m for m in runs if m.ok]
    if not ok:
        return runs[-1]
    best = min(ok, key=lambda m: m.seconds)
    best.peak_rss_mb = max(m.peak_rss_mb for m in ok)
    best.peak_pss_mb = max(m.peak_pss_mb for m in ok)
    best.max_single_mb = max(m.max_single_mb for m in ok)
    best.cpu_seconds = min(m.cpu_seconds for m in ok)
    return best


def evalgen_score(cli: Cli, inputs: Path, model: Path | None, out: Path, jobs: int | None = None):
    if out.exists():
        shutil.rmtree(out)  # a rerun would keep the previous one aside
    command = [sys.executable, "-m", "evalgen", "score", str(SAMPLE_YEAR), "--inputs", str(inputs)]
    command += ["--out", str(out)]
    if model is not None:
        command += ["--model", str(model)]
    if cli.timings:
        command.append("--timings")
    if jobs is not None and cli.jobs:
        command += ["--jobs", str(jobs)]
    return measure(command)


def naive(inputs: Path, model: Path | None, out: Path) -> Measured:
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, str(TOOLS / "naive_baseline.py"), str(SAMPLE_YEAR)]
    command += ["--inputs", str(inputs), "--out", str(out), "--timings"]
    if model is not None:
        command += ["--model", str(model)]
    return measure(command)


def _documents(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.docx")) if folder.is_dir() else 0


def _charts(folder: Path) -> int:
    """The charts of every document in `folder` (native chart parts or pictures)."""
    import zipfile

    pattern = re.compile(r"word/(media/.*|charts/chart\d+\.xml)")
    count = 0
    for path in folder.rglob("*.docx"):
        with zipfile.ZipFile(path) as z:
            count += sum(1 for n in z.namelist() if pattern.fullmatch(n))
    return count


def check_chart_time(report: Report, m: Measured, folder: Path) -> None:
    """Issue 12: charts under `CHART_MS` each (the workers' chart time over the charts)."""
    charts = _charts(folder)
    label = f"charts < {CHART_MS:g} ms each (sample year)"
    if not m.ok or m.timings is None or "charts" not in m.timings or not charts:
        report.check(label, "not measured", None)
        return
    each = m.timings["charts"] / charts * 1000
    mark = report.check(label, f"{each:.2f} ms × {charts}", each < CHART_MS)
    say(
        f"  charts                     {each:.2f} ms each, {charts} charts   (target < {CHART_MS:g} ms)  {mark}"
    )


# -- reporting ----------------------------------------------------------------------------------


@dataclass
class Verdict:
    target: str
    measured: str
    passed: bool | None  # None: not measured


@dataclass
class Report:
    verdicts: list[Verdict] = field(default_factory=list)

    def check(self, target: str, measured: str, passed: bool | None) -> str:
        self.verdicts.append(Verdict(target, measured, passed))
        return _mark(passed)


def _mark(passed: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[passed]


def say(text: str = "") -> None:
    print(text, flush=True)


def progress(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


def _mb(x: float) -> str:
    return f"{x:,.0f} MB"


def _s(x: float) -> str:
    return f"{x:.2f} s" if x < 100 else f"{x:,.0f} s"


def show_run(title: str, m: Measured) -> None:
    if not m.ok:
        say(f"  {title:<26} FAILED ({m.failure()})")
        return
    say(
        f"  {title:<26} wall {_s(m.seconds):>9}  cpu {_s(m.cpu_seconds):>9}"
        f"   peak tree RSS {_mb(m.peak_rss_mb):>8} (PSS {_mb(m.peak_pss_mb)},"
        f" largest process {_mb(m.max_single_mb)}, {m.processes} proc.)"
    )


def show_stages(m: Measured, naive_run: bool = False) -> None:
    if not m.ok:
        return
    if m.timings is None:
        say("  stages: n/a (no timings printed)")
        return
    keys = (
        ["evaluate", "prepare", "charts", "render", "write"]
        if naive_run
        else ["load", "score", "charts", "render", "write"]
    )
    parts = [f"{k} {m.timings[k]:.2f}" if k in m.timings else f"{k} n/a" for k in keys]
    extra = [f"{k} {v:.2f}" for k, v in m.timings.items() if k not in keys]
    say("    stages (s): " + ", ".join(parts) + (f"   [{', '.join(extra)}]" if extra else ""))
    if not naive_run and m.processes > 1:
        say("    (charts/render/write are summed over the worker processes)")


def machine() -> list[str]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            model = next(
                (ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), model
            )
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    memory = _kb("/proc/meminfo", "MemTotal:") / 1024 / 1024
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return [
        f"CPU      {model}",
        f"cores    {os.cpu_count()} logical, {usable} usable by this process",
        f"memory   {memory:.1f} GB",
        f"Python   {platform.python_version()} ({platform.python_implementation()}), {platform.system()} {platform.release()}",
        f"evalgen  {commit or 'unknown commit'}",
        f"load     {load:.2f} (1-minute load average at start; other work on the machine skews times)",
    ]


# -- (a) sample year --------------------------------------------------------------------------------


def part_sample(
    cli: Cli, work: Path, report: Report, jobs: int | None, repeat: int
) -> Measured | None:
    say("\n(a) Sample year (sample_inputs/, 2024)")
    progress("evalgen score on the sample year")
    ours = best_of(
        repeat, lambda: evalgen_score(cli, SAMPLE_INPUTS, None, work / "sample-evalgen", jobs)
    )
    show_run("evalgen score", ours)
    show_stages(ours)
    check_chart_time(report, ours, work / "sample-evalgen")
    progress("naive baseline on the sample year")
    base = best_of(repeat, lambda: naive(SAMPLE_INPUTS, None, work / "sample-naive"))
    show_run("naive baseline", base)
    show_stages(base, naive_run=True)
    if ours.ok and base.ok:
        from naive_baseline import compare

        ratio = base.seconds / ours.seconds
        mark = report.check(
            f"sample year ≥ {SAMPLE_SPEEDUP:g}× faster than naive",
            f"{ratio:.2f}×",
            ratio >= SAMPLE_SPEEDUP,
        )
        say(f"  ratio naive / evalgen      {ratio:.2f}×   (target ≥ {SAMPLE_SPEEDUP:g}×)  {mark}")
        differences = compare(work / "sample-naive", work / "sample-evalgen")
        count = _documents(work / "sample-evalgen")
        same = (
            "same names and text"
            if not differences
            else f"{len(differences)} differences: {differences[:3]}"
        )
        say(
            f"  documents                  {count} by evalgen, {_documents(work / 'sample-naive')} by naive; {same}"
        )
    else:
        report.check(f"sample year ≥ {SAMPLE_SPEEDUP:g}× faster than naive", "run failed", False)
    return ours


# -- (b) synthetic 3,000-unit year -----------------------------------------------------------------


def part_big(cli: Cli, work: Path, report: Report, units: int, subset: int, jobs, skip_naive: bool):
    import synth

    say(f"\n(b) Synthetic year: {units:,} county-level units + 24 departments (tools/synth.py)")
    progress(f"generating {units:,} + {subset:,} units")
    t = time.perf_counter()
    big = work / f"synth{units}"
    synth.generate(units, YEARS, big)
    small = work / f"synth{subset}"
    synth.generate(subset, YEARS, small)
    say(
        f"  generated inputs           {time.perf_counter() - t:.1f} s ({units:,} and {subset:,} units, years {YEARS[0]}–{YEARS[-1]})"
    )

    progress(f"evalgen score on {units:,} units")
    ours = evalgen_score(cli, big, big / "model.yaml", work / f"out{units}", jobs)
    show_run(f"evalgen, {units:,} units", ours)
    show_stages(ours)
    progress(f"evalgen score on {subset:,} units")
    ours_small = evalgen_score(cli, small, small / "model.yaml", work / f"out{subset}", jobs)
    show_run(f"evalgen, {subset:,} units", ours_small)
    show_stages(ours_small)

    label = f"{units:,} units, all documents < {BIG_SECONDS:g} s"
    if ours.ok:
        mark = report.check(label, _s(ours.seconds), ours.seconds < BIG_SECONDS)
        say(
            f"  time, {units:,} units          {_s(ours.seconds)}   (target < {BIG_SECONDS:g} s)  {mark}"
        )
        mark = report.check(
            f"{units:,} units, peak memory < {BIG_MEMORY_MB:g} MB",
            _mb(ours.peak_rss_mb),
            ours.peak_rss_mb < BIG_MEMORY_MB,
        )
        say(
            f"  peak memory (tree RSS)     {_mb(ours.peak_rss_mb)}   (target < {_mb(BIG_MEMORY_MB)})  {mark}"
        )
    else:
        report.check(label, ours.failure(), False)
        report.check(f"{units:,} units, peak memory < {BIG_MEMORY_MB:g} MB", "run failed", False)
    if ours.ok and ours_small.ok:
        growth = ours.peak_rss_mb / ours_small.peak_rss_mb
        slope = (ours.peak_rss_mb - ours_small.peak_rss_mb) / (units - subset) * 1000
        mark = report.check(
            f"memory not growing with units (peak {units:,} ≤ {GROWTH_LIMIT:g}× peak {subset:,})",
            f"{growth:.2f}×",
            growth <= GROWTH_LIMIT,
        )
        say(
            f"  memory growth              {_mb(ours_small.peak_rss_mb)} at {subset:,} → {_mb(ours.peak_rss_mb)} at {units:,}"
            f" = {growth:.2f}×, {slope:+.0f} MB per 1,000 units  (target ≤ {GROWTH_LIMIT:g}×)  {mark}"
        )

    if skip_naive:
        return
    progress(f"naive baseline on {subset:,} units")
    base = naive(small, small / "model.yaml", work / f"naive{subset}")
    show_run(f"naive, {subset:,} units", base)
    show_stages(base, naive_run=True)
    if base.ok:
        docs_small = _documents(work / f"naive{subset}")
        docs_big = _documents(work / f"out{units}") if ours.ok else 0
        if not docs_big:
            docs_big = round(docs_small * (units + 24) / (subset + 24))  # run failed: by units
        estimate = base.seconds * docs_big / docs_small
        say(
            f"  naive, {units:,} units (est.)  {_s(estimate)}   extrapolated linearly from {subset:,} units"
            f" by document count ({docs_small:,} → {docs_big:,} documents)"
        )
        if ours.ok:
            ratio = estimate / ours.seconds
            say(
                f"  ratio naive / evalgen      {ratio:.2f}×   (no target at this size; shown for reference)"
            )


# -- (e) robustness (issue 15) ------------------------------------------------------------------


def evalgen_robustness(inputs: Path | None, model: Path | None, out: Path, runs: int) -> Measured:
    command = [sys.executable, "-m", "evalgen", "robustness", str(SAMPLE_YEAR), "--out", str(out)]
    command += ["--runs", str(runs)]
    if inputs is not None:
        command += ["--inputs", str(inputs)]
    if model is not None:
        command += ["--model", str(model)]
    return measure(command)


def part_robustness(work: Path, report: Report, units: int) -> None:
    import synth

    say(f"\n(e) evalgen robustness, {ROBUST_RUNS:,} runs (issue 15)")
    progress("robustness on the sample year")
    sample = evalgen_robustness(SAMPLE_INPUTS, None, work / "robust-sample", ROBUST_RUNS)
    show_run("robustness, sample year", sample)
    _judge(report, f"robustness {ROBUST_RUNS:,} runs, 44 sample units < {ROBUST_SAMPLE_SECONDS:g} s",
           sample, ROBUST_SAMPLE_SECONDS)  # fmt: skip
    big = work / f"synth{units}"
    if not (big / "model.yaml").is_file():
        progress(f"generating {units:,} units")
        synth.generate(units, YEARS, big)
    progress(f"robustness on {units:,} units")
    ours = evalgen_robustness(big, big / "model.yaml", work / "robust-big", ROBUST_RUNS)
    show_run(f"robustness, {units:,} units", ours)
    _judge(report, f"robustness {ROBUST_RUNS:,} runs, {units:,} units < {ROBUST_BIG_SECONDS:g} s",
           ours, ROBUST_BIG_SECONDS)  # fmt: skip
    few = evalgen_robustness(big, big / "model.yaml", work / "robust-few", ROBUST_RUNS // 10)
    show_run(f"robustness, {units:,} units, {ROBUST_RUNS // 10} runs", few)
    label = f"robustness memory flat in runs (peak {ROBUST_RUNS:,} ≤ {GROWTH_LIMIT:g}× peak {ROBUST_RUNS // 10})"
    if ours.ok and few.ok:
        growth = ours.peak_rss_mb / few.peak_rss_mb
        mark = report.check(label, f"{growth:.2f}×", growth <= GROWTH_LIMIT)
        say(
            f"  memory, {ROBUST_RUNS // 10} → {ROBUST_RUNS:,} runs     {_mb(few.peak_rss_mb)} → {_mb(ours.peak_rss_mb)} = {growth:.2f}×  {mark}"
        )
    else:
        report.check(label, "run failed", False)


def _judge(report: Report, label: str, m: Measured, limit: float) -> None:
    if not m.ok:
        report.check(label, m.failure(), False)
        return
    mark = report.check(label, _s(m.seconds), m.seconds < limit)
    say(f"  time                       {_s(m.seconds)}   (target < {limit:g} s)  {mark}")


# -- (c) scoring alone ---------------------------------------------------------------------------


def scoring_model(units: list[str], indicators: int):
    """The built-in county group, widened to `indicators` value indicators, for `units`."""
    from evalgen.model.loader import load_model
    from evalgen.model.schema import Category, Group

    base = load_model().model
    county = base.groups["county"]
    value = [i for c in county.categories for i in c.indicators if i.source == "value"]
    plain = [i for i in value if i.rule != "evaluated"]
    assessed = [i for i in value if i.rule == "evaluated"]
    n_assessed = max(1, round(indicators * len(assessed) / len(value)))
    n_plain = indicators - n_assessed

    def widen(pool, n: int, points_total: Decimal, assessed_: bool) -> list:
        each = (points_total / n).quantize(Decimal("0.0001"))
        out = []
        for k in range(n):
            ind = pool[k % len(pool)]
            copy = k // len(pool)
            points = each if k < n - 1 else points_total - each * (n - 1)
            update = {"points": points}
            if copy:
                update.update(id=f"{ind.id}_{copy + 1}", name=f"{ind.name}（{copy + 1}）")
            if assessed_:
                update["max"] = points
            out.append(ind.model_copy(update=update))
        return out

    categories = [
        Category(id="targets", name="质量目标完成情况", points=Decimal(60),
                 indicators=widen(plain, n_plain, Decimal(60), False)),
        Category(id="measures", name="质量措施落实情况", points=Decimal(40),
                 indicators=widen(assessed, n_assessed, Decimal(40), True)),
    ]  # fmt: skip
    group = Group(
        name=county.name, short_name=county.short_name, units=units, input=county.input,
        categories=categories,
    )  # fmt: skip
    return base.model_copy(update={"groups": {"county": group}})


def scoring_inputs(model, year: int, seed: int = 7):
    """In-memory `YearInputs`: a plausible figure per cell, 1 % N/A, events as synth makes them."""
    import synth
    from make_samples import _range

    from evalgen.inputs.year import Event, Figure, Source, YearInputs
    from evalgen.model.loader import target_for
    from evalgen.problems import column_letter

    rng = random.Random(seed)
    group = model.groups["county"]
    inds = [i for c in group.categories for i in c.indicators]
    pools = []
    for ind in inds:
        if ind.rule == "evaluated":
            lo, hi, places = float(ind.points) * 0.5, float(ind.points), 1
        else:
            lo, hi, places = _range(ind, target_for(ind, year))
        step = Decimal(1).scaleb(-max(0, places))
        pools.append([Decimal(repr(lo + (hi - lo) * k / 499)).quantize(step) for k in range(500)])
    figures = {}
    sheet, file = group.input.sheet, "合成数据.xlsx"
    for row, unit in enumerate(group.units, start=4):
        cells = {}
        for col, (ind, pool) in enumerate(zip(inds, pools, strict=True), start=3):
            value = None if rng.random() < 0.01 and ind.rule != "evaluated" else rng.choice(pool)
            cells[ind.id] = Figure(value, Source(file, sheet, f"{column_letter(col)}{row}"))
        figures[unit] = cells
    events = [
        Event(unit, item, count, basis, date, Source("加减分事项.xlsx", "加减分事项", f"第{n}行"))
        for n, (unit, item, count, basis, date) in enumerate(
            synth.adjustment_events(model, year, rng, list(group.units), []), start=3
        )
    ]
    return YearInputs(year, Path("."), figures=figures, events=events)


def score_child(units: int, indicators: int) -> int:
    """In a child process: build, then time score_year + apply_followups; print JSON."""
    import synth

    from evalgen.scoring.engine import score_year
    from evalgen.scoring.followups import apply_followups

    t0 = time.perf_counter()
    names = synth.unit_names(units)
    model = scoring_model(names, indicators)
    inputs = scoring_inputs(model, SAMPLE_YEAR)
    t1 = time.perf_counter()
    result, view = score_year(model, inputs)
    t2 = time.perf_counter()
    result = apply_followups(model, result, {})
    t3 = time.perf_counter()
    # Not part of the target: the exact per-indicator lines (results.json, reports, explain).
    # The exact view builds them on demand; time them on a sample of units and scale up.
    every = [u for g in result.groups.values() for u in g.units]
    sample = every[:: max(1, len(every) // LINES_SAMPLE)]
    lines = sum(len(view.unit_lines(u).indicators) for u in sample)
    t4 = time.perf_counter()
    print(json.dumps({"units": units, "build": t1 - t0, "score": t2 - t1, "followups": t3 - t2,
                      "lines": (t4 - t3) * len(every) / len(sample), "lines_sampled": lines}))  # fmt: skip
    return 0


def part_scoring(report: Report, target_units: int, indicators: int, timeout: float) -> None:
    say(
        f"\n(c) Scoring alone: {target_units:,} units × {indicators} indicators (score_year + apply_followups)"
    )
    ladder = [n for n in (1_000, 3_000, 10_000, 30_000) if n < target_units] + [target_units]
    done: list[tuple[int, float]] = []
    final: float | None = None
    estimated = False
    for n in ladder:
        if len(done) >= 2:
            (n1, t1), (n2, t2) = done[-2:]
            exponent = max(1.0, _log(t2 / t1) / _log(n2 / n1))
            predicted = t2 * (n / n2) ** exponent
            if predicted > timeout:
                say(
                    f"  {n:>9,} units   not run: predicted {_s(predicted)} > --score-timeout {timeout:g} s"
                    f" (time grows as units^{exponent:.2f} from {n1:,} to {n2:,})"
                )
                if n == target_units:
                    final, estimated = predicted, True
                break
        progress(f"scoring {n:,} units × {indicators}")
        command = [sys.executable, str(Path(__file__).resolve()), "--score-child", str(n)]
        command += ["--score-indicators", str(indicators)]
        m = measure(command, timeout=timeout)
        if not m.ok:
            say(f"  {n:>9,} units   {m.failure()}")
            if n == target_units:
                final, estimated = (timeout if m.returncode is None else None), m.returncode is None
            break
        data = json.loads(m.stdout.strip().splitlines()[-1])
        seconds = data["score"] + data["followups"]
        done.append((n, seconds))
        say(
            f"  {n:>9,} units   score_year {_s(data['score']):>9} + apply_followups {_s(data['followups']):>8}"
            f" = {_s(seconds):>9}   (building inputs {_s(data['build'])}, peak {_mb(m.peak_rss_mb)};"
            f" exact lines for results ≈ {_s(data['lines'])})"
        )
        if n == target_units:
            final = seconds
    label = f"scoring {target_units:,} × {indicators} < {SCORE_SECONDS:g} s"
    if final is None:
        report.check(label, "failed", False)
        return
    shown = (">" if estimated else "") + _s(final) + (" (estimated)" if estimated else "")
    mark = report.check(label, shown, final < SCORE_SECONDS)
    say(f"  scoring {target_units:,} units     {shown}   (target < {SCORE_SECONDS:g} s)  {mark}")


def _log(x: float) -> float:
    import math

    return math.log(x) if x > 0 else 0.0


# -- (d) --jobs ----------------------------------------------------------------------------------


def part_jobs(cli: Cli, work: Path, report: Report, repeat: int) -> None:
    say("\n(d) --jobs 1 against --jobs 2 on the sample year")
    if not cli.jobs:
        say("  n/a: this evalgen has no --jobs option")
        report.check("--jobs 1 and --jobs 2 give identical files", "no --jobs", None)
        return
    runs = {}
    for jobs in (1, 2):
        progress(f"evalgen score --jobs {jobs}")
        out = work / f"jobs{jobs}"
        runs[jobs] = best_of(repeat, lambda: evalgen_score(cli, SAMPLE_INPUTS, None, out, jobs))  # noqa: B023
        show_run(f"--jobs {jobs}", runs[jobs])
        show_stages(runs[jobs])
    if not all(m.ok for m in runs.values()):
        report.check("--jobs 1 and --jobs 2 give identical files", "run failed", False)
        return
    say(f"  speed-up --jobs 2          {runs[1].seconds / runs[2].seconds:.2f}×")
    hashes = [_hashes(work / f"jobs{j}") for j in (1, 2)]
    same = hashes[0] == hashes[1] and bool(hashes[0])
    mark = report.check(
        "--jobs 1 and --jobs 2 give identical files", f"{len(hashes[0])} files", same
    )
    differing = sorted(
        k for k in hashes[0].keys() | hashes[1].keys() if hashes[0].get(k) != hashes[1].get(k)
    )
    say(
        f"  identical files            {'yes' if same else 'no: ' + ', '.join(differing[:5])}  {mark}"
    )


def _hashes(folder: Path) -> dict[str, str]:
    from evalgen.outputs.files import sha256_file

    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# -- main ----------------------------------------------------------------------------------------


# -- (f) forms and collect (issue 13) -----------------------------------------------------------

FORMS_SAMPLE_SECONDS = 3.0  # evalgen forms, the 44 sample units and the team's workbook
COLLECT_SAMPLE_SECONDS = 5.0  # evalgen collect, their 45 returns
COLLECTION_BIG_SECONDS = 60.0  # each, for the synthetic year of --units


def evalgen_collection(year_folder: Path, model: Path | None, work: Path, tag: str):
    """`evalgen forms --prefill` from a year folder, then `evalgen collect` of those forms."""
    forms, data = work / f"forms-{tag}", work / f"collected-{tag}"
    for folder in (forms, data):
        shutil.rmtree(folder, ignore_errors=True)
    base = [sys.executable, "-m", "evalgen"]
    extra = ["--model", str(model)] if model is not None else []
    made = measure([*base, "forms", str(SAMPLE_YEAR), "--prefill", str(year_folder),
                    "--out", str(forms), *extra])  # fmt: skip
    got = measure([*base, "collect", str(SAMPLE_YEAR), str(forms), "--out", str(data), *extra])
    return made, got


def part_collection(work: Path, report: Report, units: int) -> None:
    import synth

    say("\n(f) evalgen forms and evalgen collect (issue 13)")
    progress("forms and collect on the sample year")
    made, got = evalgen_collection(SAMPLE_INPUTS / str(SAMPLE_YEAR), None, work, "sample")
    show_run("forms, 44 sample units", made)
    _judge(
        report, f"forms, 44 sample units < {FORMS_SAMPLE_SECONDS:g} s", made, FORMS_SAMPLE_SECONDS
    )
    show_run("collect, 45 sample returns", got)
    _judge(
        report, f"collect, 45 returns < {COLLECT_SAMPLE_SECONDS:g} s", got, COLLECT_SAMPLE_SECONDS
    )
    big = work / f"synth{units}"
    if not (big / "model.yaml").is_file():
        progress(f"generating {units:,} units")
        synth.generate(units, YEARS, big)
    progress(f"forms and collect on {units:,} units")
    made, got = evalgen_collection(big / str(SAMPLE_YEAR), big / "model.yaml", work, "big")
    show_run(f"forms, {units:,} units", made)
    _judge(
        report,
        f"forms, {units:,} units < {COLLECTION_BIG_SECONDS:g} s",
        made,
        COLLECTION_BIG_SECONDS,
    )
    show_run(f"collect, {units:,} returns", got)
    _judge(
        report,
        f"collect, {units:,} returns < {COLLECTION_BIG_SECONDS:g} s",
        got,
        COLLECTION_BIG_SECONDS,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="evalgen benchmark against the targets of issue 5")
    parser.add_argument(
        "--units", type=int, default=3000, help="county-level units of the synthetic year (b)"
    )
    parser.add_argument(
        "--subset",
        type=int,
        default=300,
        help="units of the year the naive baseline runs on in (b)",
    )
    parser.add_argument(
        "--score-units", type=int, default=100_000, help="units for scoring alone (c)"
    )
    parser.add_argument(
        "--score-indicators", type=int, default=30, help="indicators for scoring alone (c)"
    )
    parser.add_argument(
        "--score-timeout", type=float, default=300, help="seconds allowed per scoring size (c)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="pass --jobs to evalgen in (a) and (b); default: evalgen's",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each sample-year measurement; the fastest counts",
    )
    parser.add_argument("--skip-sample", action="store_true", help="skip (a)")
    parser.add_argument("--skip-3000", action="store_true", help="skip (b)")
    parser.add_argument("--skip-naive", action="store_true", help="skip the naive baseline in (b)")
    parser.add_argument("--skip-scoring", action="store_true", help="skip (c)")
    parser.add_argument("--skip-jobs", action="store_true", help="skip (d)")
    parser.add_argument("--skip-robustness", action="store_true", help="skip (e)")
    parser.add_argument("--only-robustness", action="store_true", help="run (e) alone")
    parser.add_argument("--skip-collection", action="store_true", help="skip (f)")
    parser.add_argument("--only-collection", action="store_true", help="run (f) alone")
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep inputs and outputs in this folder"
    )
    parser.add_argument("--score-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.only_robustness:
        args.skip_sample = args.skip_3000 = args.skip_scoring = args.skip_jobs = True
        args.skip_collection = True
    if args.only_collection:
        args.skip_sample = args.skip_3000 = args.skip_scoring = args.skip_jobs = True
        args.skip_robustness = True
    if args.score_child is not None:
        return score_child(args.score_child, args.score_indicators)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up children and files

    say("evalgen benchmark (issue 5)")
    say("=" * 100)
    for line in machine():
        say(line)
    cli = Cli.probe()
    say(
        f"CLI      --timings {'yes' if cli.timings else 'no'}, --jobs {'yes' if cli.jobs else 'no'}"
    )
    report = Report()
    work = args.keep or Path(tempfile.mkdtemp(prefix="evalgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        if not args.skip_sample:
            part_sample(cli, work, report, args.jobs, args.repeat)
        if not args.skip_3000:
            part_big(cli, work, report, args.units, args.subset, args.jobs, args.skip_naive)
        if not args.skip_scoring:
            part_scoring(report, args.score_units, args.score_indicators, args.score_timeout)
        if not args.skip_jobs:
            part_jobs(cli, work, report, args.repeat)
        if not args.skip_robustness:
            part_robustness(work, report, args.units)
        if not args.skip_collection:
            part_collection(work, report, args.units)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    say("\nSummary (targets of issues 5 and 15)")
    say("-" * 100)
    for v in report.verdicts:
        say(f"  {_mark(v.passed):<5} {v.target:<66} {v.measured}")
    say(
        f"\n1-minute load average at the end: {os.getloadavg()[0]:.2f}; "
        f"benchmark took {time.perf_counter() - started:.0f} s"
        + (f"; files kept in {work}" if args.keep else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
