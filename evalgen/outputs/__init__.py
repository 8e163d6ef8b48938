"""Stage 4 — what a run writes besides the documents: results.json records (`results`, typed in
`records`), the explain text (`explain`), DataFrames for analysts (`frames`), the results
workbook (`workbook`), and the atomic run folder with deterministic zips (`files`, `zips`).
"""
