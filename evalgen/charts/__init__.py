"""The documents' charts, each built once from plain data as a spec (`spec`, `progress_spec`)
and presented by the native Word chart writer (`native`, the default) or by matplotlib
(`png`, one renderer per spec type; `kinds` is its table), with shared layout and data checks
(`layout`, `labels`, `data`), the OFL CJK font (`font`) and the PNG writer (`canvas`).
"""
