"""Vertical bars (columns) from a spec: clustered or stacked series, per-point colours, each
value above its column (centred in its segment when stacked), reference lines dashed across
and named at their right end. The spec sets the height (a title adds its line)."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..layout import EDGE, LINE, PAD, TITLE_H, axes, grid, head, px, text_width, top_margin, wrap
from ..specparts import CROWDED, ChartSpec
from .common import DASHES, handles, point_text, set_value_ticks, value_ticks

__all__ = ["draw", "size"]


def size(spec: ChartSpec) -> tuple[float, float]:
    """Width and height in inches: the spec's, and a title's line more."""
    return spec["width_in"], px(spec["height_in"] + (TITLE_H if spec["title"] else 0.0))


def _names(spec: ChartSpec) -> list[str]:
    """Category names: upright in one line if crowded, else a note in brackets at the end
    (（共20个单位）) on a line of its own, each part wrapped."""
    if len(spec["categories"]) > CROWDED:
        return list(spec["categories"])
    names = []
    for name in spec["categories"]:
        cut = name.rfind("（")
        parts = [name[:cut], name[cut:]] if cut > 0 and name.endswith("）") else [name]
        names.append("\n".join(wrap(part, 16) for part in parts))
    return names


def _bottom(spec: ChartSpec) -> float:
    names = _names(spec)
    if len(names) > CROWDED:
        tall = max(map(text_width, names)) + 0.1
    else:
        tall = LINE * max(n.count("\n") + 1 for n in names) + 0.1
    return PAD + tall + LINE + (LINE if spec["category_title"] else 0.0) + 0.05


def _peak(spec: ChartSpec, drawn: list[int]) -> float:
    count = len(spec["categories"])
    tops = [0.0] * count
    for i in drawn:
        for k, value in enumerate(spec["series"][i]["values"]):
            tops[k] = tops[k] + (value or 0) if spec["stacked"] else max(tops[k], value or 0)
    return max(1.0, *tops)


def draw(fig: Figure, spec: ChartSpec) -> None:
    """Draw `spec` on `fig` (of `size(spec)`)."""
    head(fig, spec["title"], handles(spec))
    drawn = [i for i, s in enumerate(spec["series"]) if any(v is not None for v in s["values"])]
    high = spec["axis"]["max"] or _peak(spec, drawn) * 1.15
    ticks = value_ticks(spec["axis"], high)
    left = PAD + LINE + max(text_width(f"{t:g}") for t in ticks) + 0.12
    right = PAD + max([text_width(line["name"]) for line in spec["lines"]] or [0.0])
    ax = axes(fig, left, right + 0.05, top_margin(spec["title"], 0.1), _bottom(spec))
    count = len(spec["categories"])
    crowded = count > CROWDED
    width = 0.8 if spec["stacked"] else 0.8 / max(1, len(drawn))
    starts = [0.0] * count
    for n, i in enumerate(drawn):
        series = spec["series"][i]
        values = [v or 0.0 for v in series["values"]]
        shift = 0.0 if spec["stacked"] else (n - (len(drawn) - 1) / 2) * width
        xs = [k + shift for k in range(count)]
        colors = [c or series["color"] for c in series["point_colors"]]
        ax.bar(xs, values, bottom=starts if spec["stacked"] else 0.0, width=width * 0.88,
               color=colors, edgecolor=EDGE, linewidth=0.4, zorder=2,
               label=series["name"])  # fmt: skip
        for k, x in enumerate(xs):
            text = point_text(series, k)
            if text is None or series["values"][k] is None:
                continue
            if spec["stacked"]:
                ax.text(x, starts[k] + values[k] / 2, text, ha="center", va="center", zorder=4)
            else:
                ax.annotate(text, (x, values[k]), xytext=(0, 2), textcoords="offset points",
                            ha="center", va="bottom", rotation=90 if crowded else 0,
                            zorder=4)  # fmt: skip
        if spec["stacked"]:
            starts = [a + b for a, b in zip(starts, values, strict=True)]
    for line in spec["lines"]:
        ax.axhline(line["value"], color=line["color"], zorder=3, linewidth=0.7, linestyle=DASHES)
        ax.annotate(line["name"], (1, line["value"]), xycoords=("axes fraction", "data"),
                    xytext=(3, 0), textcoords="offset points", ha="left", va="center")  # fmt: skip
    ax.set_xticks(range(count), _names(spec), rotation=90 if crowded else 0)
    ax.tick_params(axis="x", length=0, pad=4)
    ax.set_xlim(-0.5, count - 0.5)
    ax.set_ylim(spec["axis"]["min"] or 0.0, high)
    set_value_ticks(ax, "y", ticks)
    ax.set_ylabel(spec["axis"]["title"], labelpad=4)
    if spec["category_title"]:
        ax.set_xlabel(spec["category_title"])
    grid(ax, "y")
