"""The year's official documents: contexts → charts → checked templates → .docx (→ PDF).

Documents are rendered one by one, in this process or in a pool of worker processes
(`jobs`); each worker keeps its compiled templates and writes each file itself, so only
small contexts cross process boundaries and no document is held in memory longer than
it takes to write it. The output does not depend on `jobs`.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import site
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from ..charts.native import ChartStyle
from ..inputs.issuance import Issuance
from ..model.schema import ScoringModel
from ..outputs.files import write_file
from ..outputs.records import YearRecord
from .bulletin import bulletin_context
from .chart_templates import chart_styles, chart_template
from .feedback import History, notice_contexts, unit_contexts
from .render import DocumentTemplate, load_templates, render_document, safe_filename

__all__ = [
    "DocumentSet",
    "chart_functions",
    "default_jobs",
    "prepare_documents",
    "start_workers_early",
]

UNIT_FOLDER = "单位报告"
NOTICE_FOLDER = "约谈通知书"
CHART_FOLDER = "图表"  # the bulletin's charts as pictures, with --charts png
Job = tuple[str, str, Mapping[str, Any]]  # (relative path, template key, context)
Done = tuple[str, str, dict[str, float]]  # (relative path, SHA-256, seconds per stage)


def default_jobs() -> int:
    """The number of CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _native_chart(kind: str, style: ChartStyle | None, **data: Any) -> Any:
    from ..charts.native import native_chart

    return native_chart(kind, data, style)


def chart_functions(
    mode: str = "native", styles: Mapping[str, ChartStyle] | None = None
) -> dict[str, Callable[..., Any]]:
    """Each chart kind's renderer: native Word charts (the default) in the look of `styles`
    (`chart_templates`), or matplotlib PNGs."""
    if mode == "native":
        from ..charts.sizes import PRINT_WIDTH_IN

        styles = styles or {}
        return {
            kind: functools.partial(_native_chart, kind, styles.get(kind))
            for kind in PRINT_WIDTH_IN
        }
    from ..charts.kinds import CHARTS  # matplotlib: only where PNG charts are drawn

    return {kind: chart.draw for kind, chart in CHARTS.items()}


@dataclass
class DocumentSet:
    """Every document of the year, checked and ready to render into a folder.

    `jobs()` yields the jobs in order: each unit's context is built only when its document
    is handed to a worker, so contexts never pile up in memory.
    """

    templates: dict[str, DocumentTemplate]
    jobs: Callable[[], Iterator[Job]]
    count: int
    timings: dict[str, float] = field(default_factory=dict)
    charts: str = "native"  # "native" Word charts or "png" pictures (documents.charts)
    styles: dict[str, ChartStyle] = field(default_factory=dict)  # native charts' look

    def render_into(
        self,
        folder: Path,
        jobs: int = 1,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> dict[str, str]:
        """Render every document into `folder`; returns each document's relative path with
        the SHA-256 of its bytes (for the manifest: no document is read back). The 通报's
        pictures saved beside it with `--charts png` (图表/) are not among them."""
        self.timings = {"charts": 0.0, "render": 0.0, "write": 0.0}
        workers = min(jobs, self.count)
        if workers <= 1:
            _init_worker(self.templates, folder, self.charts, self.styles)
            results = map(_render_job, self.jobs())
            return self._collect(results, progress)
        start_workers_early(workers)  # from this thread, with the run's environment
        with ProcessPoolExecutor(
            workers,
            mp_context=_worker_context(),
            initializer=_init_worker,
            initargs=(self.templates, folder, self.charts, self.styles),
        ) as pool:
            try:
                return self._collect(_bounded(pool, self.jobs(), workers * 4), progress)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise

    def _collect(
        self, results: Iterable[Done], progress: Callable[[int, int, str], None] | None
    ) -> dict[str, str]:
        done: dict[str, str] = {}
        for path, digest, seconds in results:
            for stage, value in seconds.items():
                self.timings[stage] += value
            done[path] = digest
            if progress:
                progress(len(done), self.count, path)
        return done


def _worker_context() -> BaseContext:
    """Workers start clean (forkserver), not as copies of this process and its results; the
    fork server has imported the chart and Word libraries (`evalgen.documents.warmup`) beforehand."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["evalgen.documents.warmup"])
    return context


def start_workers_early(jobs: int) -> None:
    """Start the workers' fork server now, so that it imports matplotlib and docxtpl while
    this process reads and scores the year (about a second saved on a city's year)."""
    if jobs > 1 and _worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with _forkserver_environment():
            forkserver.ensure_running()


RUN_PID = "EVALGEN_RUN_PID"  # read by the fork server (`serve_this_run`)


@contextmanager
def _forkserver_environment() -> Iterator[None]:
    """The fork server is a new interpreter started with `python -c`, which would put the
    working directory first on its import path: a folder named `evalgen` there would stand in
    for this package. It starts with that entry left out (PYTHONSAFEPATH) and with the folder
    this process imported evalgen from on its path, and learns which process it serves."""
    root = str(Path(__file__).resolve().parents[2])  # the folder holding this evalgen
    found_by_site = {str(Path(p).resolve()) for p in site.getsitepackages()}
    path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    setting = {
        "PYTHONSAFEPATH": "1",
        "PYTHONPATH": os.pathsep.join(path if root in found_by_site else [root, *path]),
        RUN_PID: str(os.getpid()),
    }
    saved = {name: os.environ.get(name) for name in setting}
    os.environ.update(setting)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


_SERVER_PID: int | None = None  # in the fork server and its workers: the server's process id


def serve_this_run() -> None:
    """In the fork server: die with the run that started it (Linux), or its workers and the
    resource tracker would outlive a killed run, blocked on pipes nobody writes to."""
    global _SERVER_PID
    run = os.environ.pop(RUN_PID, None)
    if run is None:
        return
    _SERVER_PID = os.getpid()
    _die_with_parent(int(run))


def _bounded(pool: ProcessPoolExecutor, jobs: Iterator[Job], window: int) -> Iterator[Done]:
    """Results in order, with at most `window` jobs handed to the workers at a time, so the
    queue (pickled contexts) stays small however many units there are."""
    pending: deque[Future[Done]] = deque()
    for job in islice(jobs, window):
        pending.append(pool.submit(_render_job, job))
    while pending:
        result = pending.popleft().result()
        following = next(jobs, None)
        if following is not None:
            pending.append(pool.submit(_render_job, following))
        yield result


_WORKER: dict[str, Any] = {}  # this process's templates, output folder and chart functions


def _init_worker(
    templates: dict[str, DocumentTemplate],
    folder: Path,
    charts: str = "native",
    styles: dict[str, ChartStyle] | None = None,
) -> None:
    functions = chart_functions(charts, styles)
    _WORKER.update(
        templates=templates, folder=Path(folder), charts=functions, pictures=charts == "png"
    )
    if multiprocessing.parent_process() is not None:
        _die_with_parent(_SERVER_PID)  # forked by the fork server, which dies with the run


def _die_with_parent(parent: int | None) -> None:
    """A killed run must not leave workers writing into its staging folder (Linux): this
    process gets SIGKILL when its parent ends, and ends now if `parent` has already gone."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL) != 0:
            return
    except (OSError, AttributeError):  # not Linux: the pool ends with its parent's pipe
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the parent ended before the signal was asked for


def chart_files(bulletin: Mapping[str, Any]) -> dict[str, str]:
    """The 通报's charts as picture files (`--charts png`, for slides): chart name → file name
    without extension, from its caption (图2_县（市、区）考核总分)."""
    return {
        name: safe_filename(caption.replace("\u3000", "_"))
        for name, caption in bulletin["figures"].items()
        if name in bulletin["charts"]
    }


def _render_job(job: Job) -> Done:
    path, key, context = job
    functions = _WORKER["charts"]
    t0 = time.perf_counter()
    charts = {
        name: functions[spec["kind"]](**spec["data"])
        for name, spec in context.get("charts", {}).items()
    }
    t1 = time.perf_counter()
    data = render_document(_WORKER["templates"][key], context, charts)
    t2 = time.perf_counter()
    write_file(_WORKER["folder"] / path, data)
    if key == "bulletin" and _WORKER["pictures"]:  # the same pictures as files, for slides
        for name, stem in chart_files(context).items():
            write_file(_WORKER["folder"] / CHART_FOLDER / f"{stem}.png", charts[name])
    t3 = time.perf_counter()
    digest = hashlib.sha256(data).hexdigest()
    return path, digest, {"charts": t1 - t0, "render": t2 - t1, "write": t3 - t2}


def prepare_documents(
    model: ScoringModel,
    results: YearRecord,
    history: History,
    issuance: Issuance,
    templates_dir: Path | None,
    charts: str = "native",
) -> DocumentSet:
    """Check every template against real contexts before anything is written; the unit
    reports' contexts are then built one by one as they are rendered.

    `history` maps each earlier year to its units' totals and ranks (`history_points`).
    """
    bulletin = bulletin_context(model, results, issuance)
    notices = notice_contexts(model, results, issuance)
    samples: dict[str, Mapping[str, Any]] = {
        "bulletin": bulletin,
        "unit_report": next(unit_contexts(model, results, history, issuance)),
    }
    if notices:
        samples["notice"] = notices[0]
    templates = load_templates(templates_dir, samples)
    styles = {}
    if charts == "native":  # its hash goes into the manifest with the others'
        kinds = {spec["kind"] for c in samples.values() for spec in c.get("charts", {}).values()}
        templates["charts"] = chart_template(templates_dir)
        styles = chart_styles(templates["charts"], kinds)
    count = 1 + sum(len(g["units"]) for g in results["groups"]) + len(notices)

    def jobs() -> Iterator[Job]:
        yield f"{safe_filename(bulletin['title'])}.docx", "bulletin", bulletin
        for report in unit_contexts(model, results, history, issuance):
            yield f"{UNIT_FOLDER}/{safe_filename(report['file_stem'])}.docx", "unit_report", report
        for notice in notices:
            stem = safe_filename(notice["file_stem"])
            yield f"{NOTICE_FOLDER}/{notice['seq']:02d}_{stem}.docx", "notice", notice

    return DocumentSet(
        templates, lambda: _unique_paths(jobs()), count, charts=charts, styles=styles
    )


def _unique_paths(jobs: Iterator[Job]) -> Iterator[Job]:
    """Two names that clean up to the same file name must not overwrite each other."""
    seen: set[str] = set()
    for path, key, context in jobs:
        stem, suffix = path.rsplit(".", 1)
        candidate, n = path, 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{stem}_{n}.{suffix}"
        seen.add(candidate.casefold())
        yield candidate, key, context
