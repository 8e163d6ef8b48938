"""Imported once by the document workers' fork server, before any worker starts.

Workers are forked from that server (`documents.pool._worker_context`), so what is imported and
loaded here — docxtpl, python-docx, lxml, the native chart writer — is paid for once per run
instead of once per worker, and while the main process is still reading and scoring.
Matplotlib is not: charts are native Word charts unless `--charts png` is asked for, and then
each worker imports it when it draws its first chart.
The server first ties its life to the run's (`pool.serve_this_run`), so that a killed run
leaves neither it nor its workers behind.
Nothing here may raise: a problem (a missing font, say) is reported by the worker that meets
it, with its own clear message.
"""

from __future__ import annotations

try:
    from . import pool

    pool.serve_this_run()

    import docx  # noqa: F401 - imported for the workers
    import docxtpl  # noqa: F401 - imported for the workers

    # cli: a worker started from the `evalgen` script imports it as its main module;
    # documents: what a worker runs (with the contexts and engine it imports).
    from .. import cli  # noqa: F401 - for the workers
    from ..charts import native  # noqa: F401 - for the workers
    from . import charts, compiled, render  # noqa: F401 - for the workers
except Exception:  # noqa: BLE001, S110 - see the module docstring
    pass
