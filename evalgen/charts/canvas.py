"""Charts from figures to PNG bytes: a canvas that remembers its text, figures kept per layout.

A chart is drawn inside `chart_settings` with `LOCK` held, on a fresh figure (`render`) or on
one kept for the next chart of the same layout (`render_reusing`), by an Agg renderer that
remembers the text layouts and glyph bitmaps it has made. Each is a pure function of what it is
remembered by, so a chart's pixels never depend on the charts drawn before it. That renderer
reuses matplotlib's private text drawing: `fast_path()` allows it only on the matplotlib
versions the pixel tests have passed on, with every internal it uses present; elsewhere a plain
`FigureCanvasAgg` draws the same pixels.
"""

from __future__ import annotations

import functools
import math
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager, get_font

from ..fastpaths import FastPath, check
from .font import chart_settings

try:  # what Agg's text drawing uses: without it, fast_path() is off
    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.ft2font import RenderMode
except ImportError:
    pass

__all__ = ["DPI", "LOCK", "fast_path", "png", "render", "render_reusing"]

DPI = 200
LOCK = threading.Lock()  # matplotlib's settings are global; so are the kept figures
REUSED = 4  # figures kept per chart kind: a group's unit charts share a few layouts
_KEPT = 10_000  # layouts or glyph bitmaps kept per renderer (a few MB), then start again
_ZLIB_LEVEL = 2  # as fast as level 1 on these charts, and a little smaller

# The minor versions the pixel tests (tests/test_charts.py) have passed on, and the private
# parts of matplotlib that `_Renderer` and `_Canvas` use.
_TESTED = {"matplotlib": ("3.11",)}
_USES = (
    "matplotlib.backends.backend_agg.get_hinting_flag",
    "matplotlib.backends.backend_agg.RendererAgg._prepare_font",
    "matplotlib.backends.backend_agg.RendererAgg._draw_text_glyphs_and_boxes",  # as mirrored
    "matplotlib.backends.backend_agg.FigureCanvasAgg._lastKey",
    "matplotlib.backends._backend_agg.RendererAgg.draw_text_image",
    "matplotlib.font_manager.FontManager._find_fonts_by_props",
    "matplotlib.ft2font.FT2Font._layout",
    "matplotlib.ft2font.FT2Font._set_transform",
    "matplotlib.ft2font.FT2Font._render_glyph",
    "matplotlib.ft2font.RenderMode",
    "matplotlib.text.Text.get_fontfeatures",
    "matplotlib.text.Text.get_language",
)


@functools.cache
def fast_path() -> FastPath:
    """Whether charts are drawn with `_Renderer`, which remembers text (checked once)."""
    path = check("charts", _TESTED, _USES)
    if path.active and not hasattr(RendererAgg(1, 1, 72), "_renderer"):
        missing = ("matplotlib.backends.backend_agg.RendererAgg()._renderer",)
        return replace(path, active=False, reason=f"缺少内部接口：{missing[0]}", missing=missing)
    return path


def _canvas(fig: Figure) -> FigureCanvasAgg:
    """The canvas charts are drawn on: `_Canvas` where `fast_path()` is on, else Agg's own."""
    return _Canvas(fig) if fast_path().active else FigureCanvasAgg(fig)


class _Renderer(RendererAgg):
    """Agg's renderer, remembering the layout of each string and each glyph bitmap it makes.

    Laying out a line (HarfBuzz) costs more than drawing it. A layout is remembered by the
    string and the font, a bitmap by the glyph, its size and its exact position in FreeType's
    1/64 pixels: what Agg would make again from the same inputs. (A missing glyph is found when
    a text is measured, as before: `charts.font.chart_settings` makes it an error.)
    """

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._layouts: dict = {}
        self._glyphs: dict = {}
        self._heights: dict = {}

    def _get_font_height_metrics(self, prop):
        """A font's (ascent, descent, line gap) in pixels, as `Text` reads them from the font.

        `Text` asks a renderer for these when it has this method (matplotlib's PDF and PS
        renderers do); else it reads the font's tables again for every text it lays out.
        """
        paths = fontManager._find_fonts_by_props(prop)
        size = prop.get_size_in_points()
        key = (tuple(paths), size)
        if key not in self._heights:
            self._heights[key] = _height_metrics(get_font(paths), size, self.dpi)
        return self._heights[key]

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        flags = get_hinting_flag()
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        size = prop.get_size_in_points()
        key = (s, tuple(fontManager._find_fonts_by_props(prop)), size, flags, features, language)
        try:
            items = self._layouts.get(key)
        except TypeError:  # a language given as a list of ranges: not remembered
            key, items = None, None
        if items is None:
            font = self._prepare_font(prop)  # also clears the font's transform: layouts need it
            laid = font._layout(s, flags=flags, features=features, language=language)
            items = tuple((item.ft_object, item.glyph_index, item.x, item.y) for item in laid)
            if key is not None:
                if len(self._layouts) >= _KEPT:
                    self._layouts.clear()
                self._layouts[key] = items
        self._draw_glyphs(gc, x, y, angle, size, items, flags)

    def _draw_glyphs(self, gc, x, y, angle, size, items, flags) -> None:
        """`RendererAgg._draw_text_glyphs_and_boxes` for text: the same calls, bitmaps kept."""
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
        turn = tuple(matrix.flat)
        mode = RenderMode.NORMAL if gc.get_antialiased() else RenderMode.MONO
        glyphs = self._glyphs
        if len(glyphs) > _KEPT:
            glyphs.clear()
        for font, glyph, dx, dy in items:  # dy is upwards, y downwards
            shift = (
                round(0x40 * (x + dx * cos - dy * sin)),
                round(0x40 * (self.height - y + dx * sin + dy * cos)),  # FreeType's y is upwards
            )
            key = (font, size, glyph, turn, shift, flags, mode)
            bitmap = glyphs.get(key)
            if bitmap is None:
                font.set_size(size, self.dpi)
                font._set_transform(matrix, list(shift))
                rendered = font._render_glyph(glyph, flags, mode)
                buffer = rendered.buffer
                if mode is RenderMode.MONO:
                    buffer *= 0xFF
                bitmap = glyphs[key] = (buffer, rendered.left, rendered.top)
            buffer, left, top = bitmap
            # draw_text_image's y is downwards and the bitmap's bottom side.
            self._renderer.draw_text_image(
                buffer, left, int(self.height) - top + buffer.shape[0], 0, gc
            )


def _height_metrics(font, size: float, dpi: float) -> tuple:
    """What `Text._get_layout` computes without the renderer's help, the same way."""
    for table_name, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is not None:
            scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * size * dpi / 72
            return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None  # then `Text` measures "lp"


class _Canvas(FigureCanvasAgg):
    """An Agg canvas drawing with `_Renderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _Renderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def render(draw: Callable[[Figure], None], width: float, height: float) -> bytes:
    """Draw on a fresh figure and return its PNG bytes."""
    with LOCK, chart_settings():
        fig = Figure(figsize=(width, height), dpi=DPI)
        canvas = _canvas(fig)
        draw(fig)
        canvas.draw()
        return png(canvas)


@dataclass
class _Reused:
    """A chart's figure kept for the next chart of the same layout."""

    canvas: FigureCanvasAgg
    parts: object  # what `build` returned, for `update`
    fixed: object  # the pixels of the fixed part (copy_from_bbox)


def render_reusing(
    cache: dict,
    key: tuple,
    size: tuple[float, float],
    build: Callable[[Figure], object],
    update: Callable[[object], list[Artist]],
) -> bytes:
    """PNG bytes of a chart drawn on a figure reused across charts with the same `key`.

    `build(fig)` makes the figure's artists and returns the ones that change (`parts`);
    `update(parts)` puts this chart's data in them. The fixed part is drawn once: `build`
    marks the changing artists animated (left out of that drawing), and `update` returns them
    in drawing order, to be drawn over the fixed pixels. Every chart, the first included, is
    drawn the same way from its own data: the bytes never depend on earlier charts. `cache` keeps `REUSED` figures
    of one chart kind, least recently used first.
    """
    with LOCK:
        with chart_settings() as font:
            reused = cache.pop((font, *key), None)  # put back below, after a clean drawing
            if reused is None:
                fig = Figure(figsize=size, dpi=DPI)
                canvas = _canvas(fig)
                parts = build(fig)
                canvas.draw()
                reused = _Reused(canvas, parts, canvas.copy_from_bbox(fig.bbox))
            canvas = reused.canvas
            canvas.restore_region(reused.fixed)
            for artist in update(reused.parts):
                canvas.figure.draw_artist(artist)
            data = png(canvas)
        cache[(font, *key)] = reused
        while len(cache) > REUSED:
            del cache[next(iter(cache))]
    return data


def png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as an RGB PNG that records the dpi and nothing else.

    Written here rather than by Pillow, which tries four filters on every row: that costs
    twice the compression itself, and these flat-coloured charts compress as small unfiltered.
    """
    pixels = np.asarray(canvas.buffer_rgba())  # opaque: the figure background is white
    height, width, _ = pixels.shape
    rows = np.zeros((height, 1 + 3 * width), np.uint8)  # each row starts with filter 0, none
    rgb = rows[:, 1:].reshape(height, width, 3)
    for channel in range(3):  # one channel at a time: several times faster than all at once
        rgb[:, :, channel] = pixels[:, :, channel]
    per_metre = round(DPI / 0.0254)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),  # 8-bit RGB
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", zlib.compress(rows.data, _ZLIB_LEVEL)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
