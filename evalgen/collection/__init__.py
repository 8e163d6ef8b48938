"""Stage 2a — the office's collection round (issue 13): fill-in forms written from the model
(`forms`, `teamsheet`), each carrying a tamper-evident identity (`identity`); returned
workbooks recognised, read and checked with the inputs' own checks (`returns`), merged into a
year folder that keeps every figure's provenance (`merge`), and a 退回意见 per unit with
problems (`letters`). `collect` (`collector`) ties the reading side together.
"""
