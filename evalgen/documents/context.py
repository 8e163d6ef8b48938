"""Build the documents' contexts: plain JSON-safe data and sentences written from the results.

Renderers only present these dicts. Charts appear as specs (`{"kind": ..., "data": ...}`)
that the renderer turns into images. Every sentence is a function of the data.
Punctuation: whole sentences (overview, grade_lines, problems, fixes, triggers) end with 。;
list fragments (reasons, reason, materials) do not — the template adds 。 or ；.
"""

from ..numbers import fmt_total
from .bulletin import bulletin_context
from .feedback import notice_contexts, unit_contexts
from .wording import change_text

__all__ = ["bulletin_context", "change_text", "fmt_total", "notice_contexts", "unit_contexts"]
