"""The charts' font and settings: an SIL OFL Simplified Chinese font loaded by file, every
glyph present, and matplotlib's defaults plus ours while a chart is drawn.

Needs matplotlib ≥ 3.11, which can pick the SC face out of a .ttc collection.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

from .errors import ChartError

__all__ = ["FONT_ENV", "ChartError", "chart_font", "chart_settings", "find_font"]

FONT_ENV = "EVALGEN_CHART_FONT"
LABEL_PT = 9.0  # 小五
INK = "#222222"

# fonts-noto-cjk and its namesakes; the .ttc collections hold an SC face, chosen by name.
_SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # older Fedora
    "/usr/share/fonts/noto/NotoSansCJK-Regular.ttc",  # Alpine
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
)
_MPLFONTS_FILE = "NotoSansCJKsc-Regular.otf"
_INSTALL_HINT = (
    "图表需要 SIL OFL 开源授权的简体中文字体思源黑体（Noto Sans CJK SC）。"
    "请执行 pip install mplfonts 或 apt-get install fonts-noto-cjk 安装，"
    f"或用环境变量 {FONT_ENV} 指定字体文件路径"
)
_MISSING_GLYPH = re.compile(r"Glyph (\d+) .*missing from font")


def find_font() -> Path:
    """The chart font file: $EVALGEN_CHART_FONT, else Noto Sans CJK from the system, else mplfonts'."""
    configured = os.environ.get(FONT_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise ChartError(f"环境变量 {FONT_ENV} 指定的字体文件不存在：{path}。{_INSTALL_HINT}。")
        if "simhei" in path.name.lower():
            raise ChartError(
                f"环境变量 {FONT_ENV} 指定的字体 {path.name} 为黑体 SimHei，不是开源授权字体，图表不使用。"
                f"{_INSTALL_HINT}。"
            )
        return path
    for candidate in _SYSTEM_FONTS:
        if os.path.isfile(candidate):
            return Path(candidate)
    bundled = _mplfonts_font()
    if bundled is not None:
        return bundled
    raise ChartError(f"未找到图表所需的中文字体。{_INSTALL_HINT}。")


def _mplfonts_font() -> Path | None:
    """mplfonts' Noto Sans CJK SC, located without importing mplfonts (it sets rcParams)."""
    spec = importlib.util.find_spec("mplfonts")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / _MPLFONTS_FILE
        if path.is_file():
            return path
    return None


def chart_font() -> tuple[Path, str, int]:
    """The font charts use now: (file, family name, face index in the file)."""
    path = find_font()
    key = os.fsdecode(path)
    family, index = _register(key)
    manager = font_manager.fontManager
    found = manager.findfont(FontProperties(family=[family]), fallback_to_default=False)
    if os.fsdecode(found) != key:
        # The family is also installed from another file: list this file first, so the
        # name finds it, and forget the lookups made before.
        manager.ttflist.sort(key=lambda entry: os.fsdecode(entry.fname) != key)
        # findfont's lru_cache is private (matplotlib's stubs leave it out): cleared where a
        # release has it, never a crash where one does not (the chart tests would then
        # show the other file's glyphs).
        cached = getattr(manager, "_findfont_cached", None)
        if cached is not None:
            cached.cache_clear()
    return path, family, index


@functools.cache
def _register(path: str) -> tuple[str, int]:
    """Add the file to matplotlib's fonts once; return its Simplified Chinese face."""
    manager = font_manager.fontManager
    try:
        manager.addfont(path)
    except (OSError, RuntimeError, ValueError) as exc:
        raise ChartError(f"无法读取图表字体文件 {path}：{exc}。{_INSTALL_HINT}。") from exc
    faces = [entry for entry in manager.ttflist if os.fsdecode(entry.fname) == path]
    if not faces:
        raise ChartError(f"图表字体文件 {path} 中没有可用的字形。{_INSTALL_HINT}。")
    face = min(faces, key=_face_preference)
    return face.name, face.index


def _face_preference(entry: font_manager.FontEntry) -> tuple:
    """SC (or CN) proportional regular faces first: a .ttc also holds JP, KR, TC, HK, Mono."""
    words = entry.name.split()
    simplified = "SC" in words or "CN" in words
    return ("Mono" in words, not simplified, entry.weight not in (400, "normal"), entry.index)


def _rc(family: str) -> dict:
    return {
        "font.family": [family],
        "font.size": LABEL_PT,
        "axes.labelsize": LABEL_PT,
        "xtick.labelsize": LABEL_PT,
        "ytick.labelsize": LABEL_PT,
        "legend.fontsize": LABEL_PT,
        "axes.unicode_minus": False,
        "text.language": "zh-Hans",  # Simplified Chinese glyph forms even from a JP face
        "text.parse_math": False,  # names and labels are text, never mathtext
        "axes.edgecolor": "#555555",
        "axes.linewidth": 0.6,
        "xtick.color": "#555555",
        "ytick.color": "#555555",
        "xtick.labelcolor": INK,
        "ytick.labelcolor": INK,
        "text.color": INK,
        "axes.labelcolor": INK,
        "legend.frameon": False,
    }


@functools.cache
def _settings(family: str) -> dict:
    """Matplotlib's default settings plus the chart settings, validated once per font."""
    settings = dict(dict.items(mpl.rcParamsDefault))
    settings.update(dict.items(mpl.RcParams(_rc(family))))  # RcParams validates
    del settings["backend"]  # as rc_context: whichever backend is resolved stays
    return settings


def _change(params: mpl.RcParams, settings: dict) -> None:
    """Set `settings`, each validated: only those that differ, about 20 of some 340 settings
    (validating all of them twice per chart would cost a few percent of a run)."""
    current = dict(dict.items(params))
    params.update({k: v for k, v in settings.items() if k not in current or current[k] != v})


@contextlib.contextmanager
def chart_settings() -> Iterator[tuple]:
    """Matplotlib's default settings plus the chart settings, whatever the caller has set.

    Yields the font (the key of anything cached). A character the font lacks would print as
    a box: it is an error instead. The settings are global: hold the charts' lock.
    """
    font = chart_font()
    family = font[1]
    params = mpl.rcParams
    # What rc_context and rcdefaults do, validating only the settings that change.
    saved = dict(dict.items(params))
    del saved["backend"]
    with warnings.catch_warnings(record=True) as caught:
        try:
            _change(params, _settings(family))
            warnings.simplefilter("always")
            yield font
        finally:
            _change(params, saved)
    missing = set()
    for warning in caught:
        glyph = _MISSING_GLYPH.search(str(warning.message))
        if glyph:
            missing.add(chr(int(glyph.group(1))))
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    if missing:
        raise ChartError(
            f"图表字体 {family} 中没有这些字符：{'、'.join(sorted(missing))}，图中会显示为方框。"
            f"请改用含这些字符的开源字体，用环境变量 {FONT_ENV} 指定字体文件路径。"
        )
