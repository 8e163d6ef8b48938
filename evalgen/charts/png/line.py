"""A line from a spec: each series' points joined over the categories, each value above its
point, the categories along the bottom. The spec sets the height (a title adds its line)."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..layout import LINE, PAD, TITLE_H, VALUE_GAP_PT, axes, grid, head, px, text_width, top_margin
from ..specparts import ChartSpec
from .common import handles, point_text, set_value_ticks, value_ticks

__all__ = ["draw", "size"]


def size(spec: ChartSpec) -> tuple[float, float]:
    """Width and height in inches: the spec's, and a title's line more."""
    return spec["width_in"], px(spec["height_in"] + (TITLE_H if spec["title"] else 0.0))


def draw(fig: Figure, spec: ChartSpec) -> None:
    """Draw `spec` on `fig` (of `size(spec)`)."""
    head(fig, spec["title"], handles(spec))
    names = [c.replace("（", "\n（") for c in spec["categories"]]
    values = [v for s in spec["series"] for v in s["values"] if v is not None]
    high = spec["axis"]["max"] or max(values) * 1.1
    ticks = value_ticks(spec["axis"], high)
    left = PAD + LINE + max(text_width(f"{t:g}") for t in ticks) + 0.12
    lines = max(n.count("\n") + 1 for n in names)
    bottom = PAD + LINE * (lines + 1) + (LINE if spec["category_title"] else 0.0) + 0.1
    ax = axes(fig, left, PAD + 0.1, top_margin(spec["title"], 0.15), bottom)
    count = len(spec["categories"])
    for series in spec["series"]:
        points = [(k, v) for k, v in enumerate(series["values"]) if v is not None]
        ax.plot([k for k, _v in points], [v for _k, v in points], color=series["color"],
                linewidth=1.6, marker="o", markersize=5, zorder=3)  # fmt: skip
        for k, value in points:
            text = point_text(series, k)
            if text is not None:
                ax.annotate(text, (k, value), xytext=(0, VALUE_GAP_PT + 2),
                            textcoords="offset points", ha="center", va="bottom",
                            zorder=4)  # fmt: skip
    ax.set_xticks(range(count), names)
    ax.tick_params(axis="x", length=0, pad=4)
    ax.set_xlim(-0.5, count - 0.5)
    ax.set_ylim(spec["axis"]["min"] or 0.0, high)
    set_value_ticks(ax, "y", ticks)
    ax.set_ylabel(spec["axis"]["title"], labelpad=4)
    if spec["category_title"]:
        ax.set_xlabel(spec["category_title"], color="#555555")
    grid(ax, "y")
