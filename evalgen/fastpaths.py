"""Fast paths that drive a library's private steps, and whether each is on in this process.

`evalgen.documents.compiled` runs docxtpl's and python-docx's own steps (some private) on a
template compiled once (the charts' private matplotlib fast path went with issue 12: native
charts need none, and the PNG path uses matplotlib's public API). It checks once per process
that every library it drives is at a version the tests have passed on and that every private
attribute it uses exists. Otherwise it switches itself off, and the
public path (docxtpl's `DocxTemplate.render`) writes the same bytes.
A new library release joins a tested set once the tests pass on it (`make test-latest`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata

__all__ = ["FastPath", "check"]


@dataclass(frozen=True)
class FastPath:
    """Whether a fast path is on; `reason` says why not, or which versions it runs on."""

    name: str
    active: bool
    reason: str
    untested: tuple[str, ...] = ()  # "library version" installed outside the tested set
    missing: tuple[str, ...] = ()  # private attributes the fast path uses that are absent


def check(name: str, tested: Mapping[str, Iterable[str]], attributes: Iterable[str]) -> FastPath:
    """The fast path `name`, on when every distribution in `tested` is at one of its tested
    minor versions ("0.20" covers 0.20.x) and every dotted attribute can be reached."""
    installed = {dist: _version(dist) for dist in tested}
    untested = tuple(
        f"{dist} {version or '（未安装）'}"
        for dist, version in installed.items()
        if _minor(version) not in set(tested[dist])
    )
    missing = tuple(path for path in attributes if not _reachable(path))
    if untested or missing:
        parts = []
        if untested:
            expected = "、".join(f"{d} {'/'.join(v)}.x" for d, v in tested.items())
            parts.append(f"版本未经测试：{'、'.join(untested)}（已测试：{expected}）")
        if missing:
            parts.append(f"缺少内部接口：{'、'.join(missing)}")
        return FastPath(name, False, "；".join(parts), untested, missing)
    versions = "、".join(f"{dist} {version}" for dist, version in installed.items())
    return FastPath(name, True, f"已启用（{versions}）")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _minor(version: str | None) -> str | None:
    """'0.20' of '0.20.2'; None for a pre-release or a development version (never tested)."""
    from packaging.version import InvalidVersion, Version  # matplotlib's own dependency

    if version is None:
        return None
    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    if parsed.is_prerelease or parsed.is_devrelease:
        return None
    return f"{parsed.major}.{parsed.minor}"  # a post-release counts as its release


def _reachable(path: str) -> bool:
    """Whether `module.attr.attr…` exists: the longest importable prefix, then attributes."""
    names = path.split(".")
    for split in range(len(names), 0, -1):
        try:
            target = importlib.import_module(".".join(names[:split]))
        except ImportError:
            continue
        for name in names[split:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False
