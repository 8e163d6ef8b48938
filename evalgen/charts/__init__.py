"""The documents' charts, drawn from plain data: one table of chart kinds (`kinds`), one module per
chart (`totals`, `attainment`, `trend`, `spread`), shared layout and data checks (`layout`,
`data`), the OFL CJK font (`font`) and the reusing canvas (`canvas`).
"""
