"""Deterministic zip files (docx, xlsx): fixed member times and document dates.

Two runs give byte-identical files. Members are written in the order given, each compressed
once; pictures are stored as they are, since deflating a PNG again costs about 6 ms for a
chart and saves under 10 %.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable

__all__ = ["FIXED_TIME", "stable_zip", "write_zip"]

FIXED_TIME = (2000, 1, 1, 0, 0, 0)
_CORE = "docProps/core.xml"
_CORE_TIME = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
_ALREADY_COMPRESSED = (".png", ".jpg", ".jpeg")


def write_zip(members: Iterable[tuple[str, bytes]], created: str = "") -> bytes:
    """A zip of (name, bytes) members with fixed timestamps and fixed document dates:
    `created` (W3CDTF, e.g. a document's 成文日期 "2025-02-20T00:00:00Z") or 2000-01-01."""
    date = (created or "2000-01-01T00:00:00Z").encode("ascii")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, body in members:
            if name == _CORE:
                body = _CORE_TIME.sub(rb"\g<1>" + date + rb"\g<3>", body)
            info = zipfile.ZipInfo(name, FIXED_TIME)
            stored = name.lower().endswith(_ALREADY_COMPRESSED)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, body)
    return out.getvalue()


def stable_zip(data: bytes, created: str = "") -> bytes:
    """Rewrite a zip (xlsx/docx) with fixed member timestamps and fixed document dates."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return write_zip(((name, src.read(name)) for name in src.namelist()), created)
