"""Stage 5 — the official documents: JSON-safe contexts built from results.json (`bulletin`,
`feedback`, `wording`, typed in `context`), templates checked and rendered (`render`, `compiled`),
the worker pool that writes them (`pool`, `warmup`) and PDF copies (`pdf`).
"""
