"""The PNG renderer (`--charts png`) draws what the chart spec says: bars, values, colours and
reference lines read back from the matplotlib figure before it is saved (issue 12 item 5)."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from evalgen.charts.canvas import DPI, LOCK
from evalgen.charts.font import chart_settings
from evalgen.charts.png import draw_spec, spec_size
from evalgen.charts.png.common import value_text
from evalgen.charts.spec import chart_spec

BANDS = [
    {"code": "A", "name": "优秀", "min": 90},
    {"code": "B", "name": "良好", "min": 80},
    {"code": "C", "name": "合格", "min": 60},
    {"code": "D", "name": "不合格", "min": 0},
]
A, B, C, D = "#78B59A", "#4A78B0", "#EAC66E", "#8A2B26"  # data.GRADE_COLORS


def drawn(kind: str, data: dict):
    """The spec and its one axes, drawn as the PNG path draws it."""
    spec = chart_spec(kind, data)
    with LOCK, chart_settings():
        fig = Figure(figsize=spec_size(spec), dpi=DPI)
        FigureCanvasAgg(fig)
        draw_spec(fig, spec)
    (ax,) = fig.axes
    return spec, ax, fig


def bars(ax) -> list[tuple[float, float, float, float, str]]:
    """(x, y, width, height, colour) of each bar, in drawing order, rounded."""
    out = []
    for p in ax.patches:
        face = to_hex(p.get_facecolor(), keep_alpha=True).upper()
        colour = "NONE" if face.endswith("00") else face[:7]
        out.append(
            (*(round(v, 3) for v in (p.get_x(), p.get_y(), p.get_width(), p.get_height())), colour)
        )
    return out


def annotations(ax) -> list[str]:
    return [t.get_text() for t in ax.texts if isinstance(t, Annotation)]


def test_values_are_rounded_half_up_in_the_series_format():
    assert value_text(0.125, "0.00") == "0.13"  # 四舍五入; Python's format would say 0.12
    assert value_text(2.675, "0.00") == "2.68"  # the float is 2.67499…; its decimal is 2.675
    assert value_text(71.25, '0.0"%"') == "71.3%"
    assert value_text(12.0, "0") == "12" and value_text(7.5, "General") == "7.5"


def test_group_totals_rows_in_rank_order_with_grade_colours_and_lines():
    units = [
        {"unit": "乙区", "total": 85.5, "grade": "B", "rank": 2},
        {"unit": "丙县", "total": 95.25, "grade": "D", "rank": 3, "note": "一票否决"},
        {"unit": "甲市", "total": 91.0, "grade": "A", "rank": 1},
    ]
    spec, ax, fig = drawn("group_totals", {"units": units, "bands": BANDS})
    # rows top (y 0) to bottom: 甲 91, 乙 85.5, 丙 95.25 vetoed last; bars 0.64 rows high
    assert bars(ax) == [
        (0, -0.32, 91.0, 0.64, A),
        (0, 0.68, 85.5, 0.64, B),
        (0, 1.68, 95.25, 0.64, D),
    ]
    rows = [t.get_text() for t in ax.texts if not isinstance(t, Annotation)]
    assert rows == ["甲市", "乙区", "丙县（一票否决）"] == spec["categories"]
    values = ["91.00", "85.50", "95.25"]
    lines = ["A等次线 90", "B等次线 80", "C等次线 60"]  # D's 0 is the axis
    assert annotations(ax) == values + lines
    assert [line.get_xdata()[0] for line in ax.lines] == [90, 80, 60]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["A 优秀", "B 良好", "C 合格", "D 不合格"]


def test_grade_distribution_columns_per_grade_and_group():
    groups = [
        {"name": "县(市、区)", "counts": {"A": 5, "B": 8, "C": 5, "D": 2}},
        {"name": "市直部门", "counts": {"A": 4, "B": 11, "C": 9}},
    ]
    _spec, ax, _fig = drawn("grade_distribution", {"groups": groups, "bands": BANDS})
    # Four grades side by side in each group: 0.8 / 4 = 0.2 wide each, drawn 0.88 of that.
    heights = [(round(p.get_x() + p.get_width() / 2, 3), p.get_height()) for p in ax.patches]
    assert heights == [(-0.3, 5), (0.7, 4), (-0.1, 8), (0.9, 11), (0.1, 5), (1.1, 9),
                       (0.3, 2), (1.3, 0)]  # fmt: skip
    assert [c for *_r, c in bars(ax)] == [A, A, B, B, C, C, D, D]
    assert annotations(ax) == ["5", "4", "8", "11", "5", "9", "2", "0"]
    names = [t.get_text() for t in ax.get_xticklabels()]
    # the count in brackets on a line of its own, as the picture always showed it
    assert names == ["县(市、区)\n（共20个单位）", "市直部门\n（共24个单位）"]


def test_progress_status_stacks_the_statuses_with_their_counts():
    rows = [
        {"label": "合格率（县）", "正常": 18, "滞后": 1, "严重滞后": 0},
        {"label": "部门牵头指标（合计）", "正常": 2, "滞后": 0, "严重滞后": 3},
    ]
    _spec, ax, fig = drawn("progress_status", {"rows": rows})
    # 正常 from 0, 滞后 after it, 严重滞后 after both; a blank (0) segment has no width
    assert bars(ax) == [
        (0, -0.32, 18, 0.64, "#78B59A"),
        (0, 0.68, 2, 0.64, "#78B59A"),
        (18, -0.32, 1, 0.64, "#EAC66E"),
        (2, 0.68, 0, 0.64, "#EAC66E"),
        (19, -0.32, 0, 0.64, "#8A2B26"),
        (2, 0.68, 3, 0.64, "#8A2B26"),
    ]
    centred = [(t.get_position(), t.get_text()) for t in ax.texts if t.get_text().isdigit()]
    assert centred == [((9, 0), "18"), ((1, 1), "2"), ((18.5, 0), "1"), ((3.5, 1), "3")]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["正常", "滞后", "严重滞后"]
    assert len(ax.lines) == 0


def test_milestones_bars_values_and_the_target_line():
    rows = [
        {"label": "标准", "percent": 76.5, "status": "存在风险", "text": "2024年65项，目标85项"},
        {"label": "专利", "percent": 131, "status": "有望按期实现", "text": "2024年13件，目标10件"},
    ]
    _spec, ax, fig = drawn("milestones", {"rows": rows})
    # one bar a row, coloured by track; 131 drawn at the 120 cap
    assert bars(ax) == [(0, -0.32, 76.5, 0.64, "#8A2B26"), (0, 0.68, 120, 0.64, "#78B59A")]
    assert annotations(ax) == ["77%", "120%", "节点目标 100%"]  # 76.5 → 77 (四舍五入)
    assert [line.get_xdata()[0] for line in ax.lines] == [100]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["有望按期实现", "存在风险"]
    assert ax.get_xlim()[0] == 0 and [t.get_text() for t in ax.get_xticklabels()][-1] == "120"


def test_attainment_unit_and_group_bars_with_the_units_values():
    rows = [
        {"name": "合格率", "share": 85.75, "group_average": 92.1},
        {"name": "覆盖率", "share": None, "group_average": 74.6},
    ]
    spec, ax, _fig = drawn("attainment", {"rows": rows})
    # two bars a row, 0.32 high: the unit's above (y − 0.16), the group's below
    assert bars(ax) == [
        (0, -0.32, 85.75, 0.32, "#4A78B0"),
        (0, 0.68, 0, 0.32, "#4A78B0"),
        (0, 0.0, 92.1, 0.32, "#A9A9A9"),
        (0, 1.0, 74.6, 0.32, "#A9A9A9"),
    ]
    assert annotations(ax) == ["85.8%"]  # 85.75 → 85.8 (四舍五入); none for 不适用
    assert spec["categories"][1] == "覆盖率（不适用）"


def test_trend_points_and_values():
    points = [{"year": 2024, "total": 88.46, "rank": 4}, {"year": 2023, "total": 84, "rank": 6}]
    _spec, ax, _fig = drawn("trend", {"points": points, "of": 20})
    (line,) = ax.lines
    assert list(line.get_xdata()) == [0, 1] and list(line.get_ydata()) == [84, 88.46]
    assert annotations(ax) == ["84.00", "88.46"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2023年\n（第6名）",
        "2024年\n（第4名）",
    ]
    # from floor((84 − 10) / 10) × 10 = 70 to 100, every 10
    assert ax.get_ylim() == (70, 100)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["70", "80", "90", "100"]


def test_rank_intervals_float_from_an_invisible_offset():
    units = [
        {"unit": "甲县", "rank": 1, "rank_median": 1, "rank_p05": 1, "rank_p95": 2, "robust": True},
        {"unit": "乙区", "rank": 2, "rank_median": 3, "rank_p05": 1, "rank_p95": 4,
         "robust": False},
    ]  # fmt: skip
    _spec, ax, _fig = drawn("rank_intervals", {"units": units, "unit_count": 5})
    # offsets 1 − 0.5 = 0.5 (unfilled), then ranks 1–2 (2 wide) and 1–4 (4 wide), red if fragile
    assert bars(ax) == [
        (0, -0.32, 0.5, 0.64, "NONE"),
        (0, 0.68, 0.5, 0.64, "NONE"),
        (0.5, -0.32, 2, 0.64, "#4A78B0"),
        (0.5, 0.68, 4, 0.64, "#B03A2E"),
    ]
    assert ax.get_xlim() == (0, 6)  # 0 to unit count + 1


def test_histogram_stacks_grades_per_bin():
    units = [
        {"unit": "甲", "total": 79.99, "grade": "C"},
        {"unit": "乙", "total": 80.0, "grade": "B"},
        {"unit": "丙", "total": 80.5, "grade": "B"},
    ]
    _spec, ax, _fig = drawn("score_histogram", {"units": units, "bands": BANDS})
    # bins [79, 80) and [80, 81): B (2 in the second) under C (1 in the first)
    stacks = [(round(p.get_x() + p.get_width() / 2), p.get_y(), p.get_height()) for p in ax.patches]
    assert stacks == [(0, 0, 0), (1, 0, 2), (0, 0, 1), (1, 2, 0)]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["79–80", "80–81"]
    assert ax.get_xlabel() == "总分（分；每1分一组，左含右不含，共3个单位）"
