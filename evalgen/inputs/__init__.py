"""Stage 2 — a year folder read and checked: files checked before parsing (`filecheck`), sheets of
located cells (`sheets`, `tables`, `reader`), cell values as people type them (`values`), the
figures, key-task scores and adjustment events (`figures`, `tasks`, `events`, `year`), and the
issuance file (`issuance`). Every problem is located and carries a code; all are reported together.
"""
