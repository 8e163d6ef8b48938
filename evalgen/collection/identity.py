"""The hidden, tamper-evident identity of a fill-in form: whose form, for which year and model.

The identity lives in a very hidden sheet (`ID_SHEET`) as key/value rows: the kind of form
(a unit's form or the assessment team's workbook), the unit, the year, the SHA-256 of the
model file, the form version, the layout (where each row of the form was written), and a
digest over all of them. No key is secret: the digest does not stop a determined forger, it
makes an edited identity or layout evident (the stored digest no longer matches).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

__all__ = [
    "FORM_VERSION",
    "ID_SHEET",
    "Identity",
    "TEAM",
    "UNIT",
    "identity_rows",
    "parse_identity",
]

FORM_VERSION = "1"
ID_SHEET = "_evalgen"
MARK = "evalgen 填报表识别信息（请勿修改）"
UNIT = "unit"
TEAM = "team"
_CHUNK = 30000  # a cell holds at most 32,767 characters: the layout is split over rows
_KEYS = ("kind", "unit", "year", "model", "model_version", "form_version")


@dataclass(frozen=True)
class Identity:
    """Whose form this is. `layout`: sheet key → {"title", "header_row", "rows": {key: row}}."""

    kind: str
    unit: str
    year: int
    model: str  # SHA-256 of the model file the form was made from
    model_version: str
    form_version: str = FORM_VERSION
    layout: dict = field(default_factory=dict, compare=False)

    def digest(self) -> str:
        fields = {k: str(getattr(self, k)) for k in _KEYS}
        text = json.dumps([fields, self.layout], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def identity_rows(identity: Identity) -> list[tuple[str, str]]:
    """The identity as (key, value) rows for the hidden sheet, the digest last."""
    rows = [("mark", MARK)] + [(k, str(getattr(identity, k))) for k in _KEYS]
    layout = json.dumps(identity.layout, ensure_ascii=False, sort_keys=True)
    chunks = [layout[i : i + _CHUNK] for i in range(0, len(layout), _CHUNK)] or [""]
    rows += [("layout", chunk) for chunk in chunks]
    return [*rows, ("digest", identity.digest())]


def parse_identity(rows: list[tuple[str, str]]) -> tuple[Identity | None, bool]:
    """(identity, intact) from the hidden sheet's rows; (None, False) if they are not one.

    `intact` is False when the stored digest does not match the identity and layout read.
    """
    values: dict[str, str] = {}
    layout = ""
    for key, value in rows:
        if key == "layout":
            layout += value
        else:
            values.setdefault(key, value)
    if values.get("mark") != MARK or any(k not in values for k in _KEYS):
        return None, False
    try:
        identity = Identity(
            kind=values["kind"],
            unit=values["unit"],
            year=int(values["year"]),
            model=values["model"],
            model_version=values["model_version"],
            form_version=values["form_version"],
            layout=json.loads(layout) if layout else {},
        )
    except (ValueError, TypeError):
        return None, False
    return identity, identity.digest() == values.get("digest")
