"""Charts from figures to PNG bytes (`--charts png`), figures kept per layout.

A chart is drawn inside `chart_settings` with `LOCK` held, on a fresh figure (`render`) or on
one kept for the next chart of the same layout (`render_reusing`), by matplotlib's own Agg
canvas; a chart's pixels never depend on the charts drawn before it. (The private-API text
renderer that once made PNG charts fast went with issue 12: documents' charts are native Word
charts by default, and pictures are the exception.)
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .font import chart_settings

__all__ = ["DPI", "LOCK", "png", "render", "render_reusing"]

DPI = 200
LOCK = threading.Lock()  # matplotlib's settings are global; so are the kept figures
REUSED = 4  # figures kept per chart kind: a group's unit charts share a few layouts
_ZLIB_LEVEL = 2  # as fast as level 1 on these charts, and a little smaller


def _canvas(fig: Figure) -> FigureCanvasAgg:
    return FigureCanvasAgg(fig)


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
