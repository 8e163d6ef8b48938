"""Charts from figures to PNG bytes (`--charts png`).

A chart is drawn inside `chart_settings` with `LOCK` held, on a fresh figure (`render`), by
matplotlib's own Agg canvas; a chart's pixels never depend on the charts drawn before it.
(The private-API text renderer, and the figures kept per layout for the unit reports,
that once made PNG charts fast went with issue 12: documents' charts are native Word charts
by default, and pictures are the exception.)
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .font import chart_settings

__all__ = ["DPI", "LOCK", "png", "render"]

DPI = 200
LOCK = threading.Lock()  # matplotlib's settings are global
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
