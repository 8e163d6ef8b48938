"""Charts: the OFL Chinese font, every glyph present, valid PNGs of the printed size, same bytes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Rectangle
from PIL import Image

from evalgen.charts import canvas as chartcanvas
from evalgen.charts import font as chartfont
from evalgen.charts import png as chartpng
from evalgen.charts.canvas import DPI
from evalgen.charts.data import GRADE_COLORS
from evalgen.charts.font import FONT_ENV, ChartError, chart_font, find_font
from evalgen.charts.kinds import CHARTS as CHART_KINDS
from evalgen.charts.layout import NARROW_IN, WIDTH_IN, wrap
from evalgen.charts.sizes import width_mm
from evalgen.problems import EvalgenError

ROOT = Path(__file__).resolve().parent.parent


# Each kind drawn from its spec (`charts.png`), called as the kinds were before issue 12's
# one spec: positional data.
def group_totals_chart(units, bands, title=""):
    return CHART_KINDS["group_totals"].draw(units=units, bands=bands, title=title)


def grade_distribution_chart(groups, bands, title=""):
    return CHART_KINDS["grade_distribution"].draw(groups=groups, bands=bands, title=title)


def attainment_chart(rows, title=""):
    return CHART_KINDS["attainment"].draw(rows=rows, title=title)


def trend_chart(points, of, title=""):
    return CHART_KINDS["trend"].draw(points=points, of=of, title=title)


BANDS = [
    {"code": "A", "name": "优秀", "min": 90},
    {"code": "B", "name": "良好", "min": 80},
    {"code": "C", "name": "合格", "min": 60},
    {"code": "D", "name": "不合格", "min": 0},
]
DEPARTMENTS = (
    "市市场监管局 市发展改革委 市工业和信息化局 市科技局 市财政局 市税务局 市农业农村局 "
    "市行政审批局 市商务局 市文化广电和旅游局 市水务局 市生态环境局 市住房城乡建设局 "
    "市交通运输局 市教育局 市卫生健康委 市人力资源社会保障局 市民政局 市邮政管理局 "
    "人行邢台市中心支行 邢台银保监分局 市国资委 市工商联 市委宣传部"
).split()
COUNTIES = (
    "襄都区 信都区 任泽区 南和区 沙河市 南宫市 临城县 内丘县 柏乡县 隆尧县 宁晋县 巨鹿县 "
    "新河县 广宗县 平乡县 威县 清河县 临西县 邢台经济开发区 邢东新区"
).split()


def _grade(total: float) -> str:
    return next(b["code"] for b in BANDS if total >= b["min"])


def _units(names: list[str]) -> list[dict]:
    units = []
    for i, name in enumerate(names):
        total = round(99.31 - 1.87 * i, 2)  # 99.31 down to below 60
        units.append({"unit": name, "total": total, "grade": _grade(total)})
    units[3].update(grade="D", note="一票否决")  # a veto keeps its total, graded D
    units.reverse()  # the chart sorts
    return units


INDICATORS = [
    {"name": "制造业产品质量合格率", "share": 85.7, "group_average": 92.1},
    {"name": "食品安全评价性抽检合格率", "share": 100, "group_average": 96.4},
    {"name": "农产品质量安全例行监测合格率（%）", "share": 62.5, "group_average": 88.0},
    {"name": "药品抽检合格率", "share": 0, "group_average": 71.3},
    {"name": "规模以上工业企业研发机构覆盖率", "share": 91.4, "group_average": 97.7},
    {"name": "绿色建筑占城镇新建建筑比例", "share": None, "group_average": 74.6},
    {"name": "省结构优质工程数（项）", "share": 50.0, "group_average": None},
    {"name": "质量基础设施“一站式”服务站建设", "share": 89.9, "group_average": 86.1},
    {"name": "重点任务完成情况（牵头、配合）", "share": 57.1, "group_average": 71.8},
    {"name": "质量宣传；质量月活动", "share": 91.2, "group_average": 97.7},
    {"name": "质量安全事件处置", "share": 45.3, "group_average": 92.4},
    {"name": "标准制修订数量", "share": 64.6, "group_average": 74.2},
    {"name": "品牌建设、质量提升", "share": 57.6, "group_average": 91.5},
    {"name": "万人高价值发明专利拥有量", "share": 92.4, "group_average": 71.2},
    {"name": "计量检测能力建设", "share": 76.9, "group_average": 71.3},
    {"name": "认证认可", "share": 83.1, "group_average": 79.3},
    {"name": "质量工作机构与经费保障", "share": 92.9, "group_average": 97.5},
    {"name": "群众质量满意度", "share": 70.3, "group_average": 98.0},
    {"name": "技改项目数", "share": 100.0, "group_average": 85.9},
    {"name": "新增工业企业研发机构", "share": 82.8, "group_average": 80.0},
]
GROUPS = [
    {"name": "县(市、区)", "counts": {"A": 5, "B": 8, "C": 5, "D": 2}},
    {"name": "市直部门", "counts": {"A": 9, "B": 10, "C": 5}},
]
TREND = [
    {"year": 2024, "total": 88.35, "rank": 5},
    {"year": 2022, "total": 79.6, "rank": 12},
    {"year": 2023, "total": 85.2, "rank": 7},
]

TOTALS_ARGS = (_units(DEPARTMENTS), BANDS)
TOTALS_DATA = {"units": TOTALS_ARGS[0], "bands": BANDS, "title": ""}
CHARTS = {
    "group_totals_24": (group_totals_chart, (_units(DEPARTMENTS), BANDS), WIDTH_IN),
    "group_totals_20": (
        group_totals_chart,
        (_units(COUNTIES), BANDS, "县(市、区)总分"),
        6.0,
    ),
    "grade_distribution": (grade_distribution_chart, (GROUPS, BANDS), NARROW_IN),
    "attainment": (attainment_chart, (INDICATORS,), WIDTH_IN),
    "trend": (trend_chart, (TREND, 24), NARROW_IN),
    "trend_one_year": (trend_chart, ([{"year": 2024, "total": 59.99, "rank": 24}], 24), 4.8),
}
# Every text the test data and the charts themselves put on a chart.
LABELS = (
    DEPARTMENTS
    + COUNTIES
    + [row["name"] for row in INDICATORS]
    + [g["name"] for g in GROUPS]
    + [f"{b['code']} {b['name']}" for b in BANDS]
    + ["一票否决", "县(市、区)总分", "0123456789.%—", "总分（分）", "单位数（个）", "共个单位"]
    + ["本单位", "组内平均", "不适用", "得分率（得分占该指标分值的比例）"]
    + ["年第名", "名次为在本组个单位中的排名"]
)


def render(name: str) -> bytes:
    """Render one chart with every warning an error: a missing glyph fails the test."""
    function, args, _width = CHARTS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*args)


@pytest.fixture(autouse=True)
def default_font(monkeypatch):
    monkeypatch.delenv(FONT_ENV, raising=False)


# ---------------------------------------------------------------------------------- font


def test_font_is_an_ofl_simplified_chinese_face_never_simhei():
    path, family, index = chart_font()
    assert path.is_file()
    assert "simhei" not in str(path).lower()
    assert path.name.startswith(("NotoSansCJK", "NotoSerifCJK", "SourceHan"))
    assert family.split()[-1] in ("SC", "CN"), family  # the SC face of a .ttc, not JP
    face = FT2Font(os.fsdecode(path), face_index=index)
    assert face.family_name == family
    assert face.postscript_name.lower().endswith(("sc-regular", "cn-regular"))


def test_font_covers_every_character_on_the_charts():
    path, _family, index = chart_font()
    face = FT2Font(os.fsdecode(path), face_index=index)
    text = "".join(LABELS) + "（）、%；“”"
    missing = sorted({c for c in text if not c.isspace() and face.get_char_index(ord(c)) == 0})
    assert missing == []


def test_family_name_finds_the_chosen_file(monkeypatch):
    """Another copy of the same family (system vs mplfonts) must not be used instead."""
    candidates = [Path(p) for p in chartfont._SYSTEM_FONTS if Path(p).is_file()]
    candidates += [p for p in [chartfont._mplfonts_font()] if p is not None]
    for path in candidates:
        monkeypatch.setenv(FONT_ENV, str(path))
        chosen, family, index = chart_font()
        assert chosen == path
        found = font_manager.fontManager.findfont(font_manager.FontProperties(family=[family]))
        assert os.fsdecode(found) == str(path)
        assert getattr(found, "face_index", 0) == index
        render("trend")


def test_font_from_environment_missing_file(monkeypatch, tmp_path):
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "没有这个字体.otf"))
    with pytest.raises(ChartError) as caught:
        find_font()
    error = caught.value
    assert isinstance(error, EvalgenError) and error.exit_code == 5
    assert "字体文件不存在" in error.message and "没有这个字体.otf" in error.message
    assert "pip install mplfonts" in error.message and "fonts-noto-cjk" in error.message
    with pytest.raises(ChartError):
        trend_chart(TREND, 24)  # rendering fails the same way, before drawing


def test_font_from_environment_refuses_simhei(monkeypatch, tmp_path):
    simhei = tmp_path / "SimHei.ttf"
    simhei.write_bytes(b"not really a font")
    monkeypatch.setenv(FONT_ENV, str(simhei))
    with pytest.raises(ChartError, match="SimHei"):
        find_font()


def test_unreadable_font_file_is_a_chart_error(monkeypatch, tmp_path):
    broken = tmp_path / "broken.otf"
    broken.write_bytes(b"\x00" * 64)
    monkeypatch.setenv(FONT_ENV, str(broken))
    with pytest.raises(ChartError, match="无法读取图表字体文件"):
        chart_font()


def test_no_font_anywhere_says_how_to_install(monkeypatch):
    monkeypatch.setattr(chartfont, "_SYSTEM_FONTS", ())
    monkeypatch.setattr(chartfont, "_mplfonts_font", lambda: None)
    with pytest.raises(ChartError) as caught:
        find_font()
    assert "未找到图表所需的中文字体" in caught.value.message
    assert "pip install mplfonts" in caught.value.message
    assert "apt-get install fonts-noto-cjk" in caught.value.message


def test_a_character_missing_from_the_font_is_an_error_not_a_box():
    units = [{"unit": "宁晋县😀", "total": 93.12, "grade": "A"}]
    with pytest.raises(ChartError, match="没有这些字符：😀"):
        group_totals_chart(units, BANDS)
    with pytest.raises(ChartError, match="😀"):  # every time, not only the first
        trend_chart(TREND, 24, title="历年总分😀")


def test_mplfonts_font_is_found_without_importing_mplfonts():
    found = chartfont._mplfonts_font()
    if found is None:
        pytest.skip("mplfonts is not installed")
    assert found.name == "NotoSansCJKsc-Regular.otf"
    assert "mplfonts" not in sys.modules


# -------------------------------------------------------------------------------- charts


@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_a_png_of_the_printed_size(name):
    data = render(name)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    width = CHARTS[name][2]
    assert image.width == round(width * DPI)
    assert image.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)
    assert 0.3 * image.width < image.height <= 225 / 25.4 * DPI  # fits the text block
    assert b"Software" not in data and b"Matplotlib" not in data  # nothing that varies by version


def test_each_chart_kind_is_inserted_at_the_width_it_is_drawn():
    """Drawn at print size and inserted 1:1: 6.0 in is 152.4 mm, 4.8 in is 121.92 mm."""
    widths = {kind: round(chart.width_in * 25.4, 2) for kind, chart in CHART_KINDS.items()}
    assert widths == {kind: width_mm(kind) for kind in CHART_KINDS}  # what render inserts
    assert widths["attainment"] == 152.4 and widths["trend"] == 121.92
    assert CHART_KINDS["group_totals"].draw(**TOTALS_DATA) == group_totals_chart(*TOTALS_ARGS)


@pytest.mark.slow
@pytest.mark.parametrize("name", CHARTS)
def test_chart_bytes_are_identical_on_a_second_render(name):
    assert render(name) == render(name)


@pytest.mark.slow
def test_chart_bytes_are_identical_in_another_process():
    """Another interpreter (another hash seed) gives the same bytes, without loading pyplot."""
    code = (
        "import hashlib, json, sys, matplotlib as mpl\n"
        "from evalgen.charts.png import png_chart\n"
        "before = mpl.rcParams.copy()\n"
        "png = png_chart('attainment', {'rows': json.loads(sys.argv[1]), 'title': ''})\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "assert mpl.rcParams.copy() == before\n"
        "print(hashlib.sha256(png).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    env.pop(FONT_ENV, None)
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(INDICATORS, ensure_ascii=False)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == hashlib.sha256(render("attainment")).hexdigest()


@pytest.mark.slow
def test_rendering_leaves_global_settings_alone():
    before = mpl.rcParams.copy()  # copy(), not dict(): reading "backend" would load pyplot
    render("group_totals_24")
    assert mpl.rcParams.copy() == before
    assert mpl.rcParams["axes.unicode_minus"] is before["axes.unicode_minus"]


def _pixels(data: bytes) -> dict[tuple[int, int, int], int]:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    return {colour: count for count, colour in image.getcolors(1 << 16)}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_bars_are_coloured_by_grade():
    grade = {code: _rgb(colour) for code, colour in GRADE_COLORS.items()}
    every = _pixels(render("group_totals_24"))
    assert all(every.get(grade[code], 0) > 5000 for code in "ABCD")  # bars, not only the legend
    only_a = _pixels(group_totals_chart([{"unit": "宁晋县", "total": 93.12, "grade": "A"}], BANDS))
    assert only_a[grade["A"]] > 10 * only_a[grade["D"]]  # D appears in the legend only


@pytest.mark.slow
def test_charts_grow_with_their_rows():
    def height(data: bytes) -> int:
        return Image.open(io.BytesIO(data)).height

    assert height(render("group_totals_24")) > height(group_totals_chart(_units(COUNTIES), BANDS))
    assert height(attainment_chart(INDICATORS[:5])) < height(render("attainment"))


def test_a_title_adds_a_line_and_changes_the_picture():
    plain = trend_chart(TREND, 24)
    titled = trend_chart(TREND, 24, title="历年总分及排名")
    assert Image.open(io.BytesIO(titled)).height > Image.open(io.BytesIO(plain)).height


def test_rank_order_wins_over_total_order():
    """With ranks given, a vetoed unit is drawn last although its total is high."""
    units = [
        {"unit": "甲县", "total": 95.0, "grade": "D", "rank": 3, "note": "一票否决"},
        {"unit": "乙县", "total": 91.0, "grade": "A", "rank": 1},
        {"unit": "丙县", "total": 85.0, "grade": "B", "rank": 2},
    ]
    by_rank = group_totals_chart(units, BANDS)
    without_rank = [{k: v for k, v in u.items() if k != "rank"} for u in units]
    assert by_rank != group_totals_chart(without_rank, BANDS)
    reordered = [units[1], units[2], units[0]]
    assert by_rank == group_totals_chart(reordered, BANDS)


def drawn_rows(monkeypatch, units: list[dict]) -> list[tuple[str, str, str]]:
    """The totals chart as drawn, top to bottom: (unit label, value text, bar colour)."""
    from matplotlib.colors import to_hex
    from matplotlib.text import Annotation

    figures = []
    render_png = chartpng.render

    def keep(draw, width, height):
        return render_png(lambda fig: (draw(fig), figures.append(fig)), width, height)

    monkeypatch.setattr(chartpng, "render", keep)
    group_totals_chart(units, BANDS)
    (ax,) = figures[0].axes
    labels = {t.get_position()[1]: t.get_text() for t in ax.texts if not isinstance(t, Annotation)}
    values = {
        t.xy[1]: t.get_text()
        for t in ax.texts
        if isinstance(t, Annotation) and re.match(r"\d+\.\d\d", t.get_text())  # not band lines
    }
    bars = {round(p.get_y() + p.get_height() / 2): to_hex(p.get_facecolor()) for p in ax.patches}
    return [(labels[y], values[y], bars[y].upper()) for y in sorted(labels)]


def test_a_vetoed_unit_is_last_and_labelled_without_ranks(monkeypatch):
    """一票否决 without ranks: still last (as the table ranks it), in D's colour, labelled
    (after its name, as in the spec and the native chart)."""
    units = [
        {"unit": "甲县", "total": 95.0, "grade": "A"},
        {"unit": "乙县", "total": 88.46, "grade": "D", "veto": True},
        {"unit": "丙县", "total": 85.0, "grade": "B"},
    ]
    assert drawn_rows(monkeypatch, units) == [
        ("甲县", "95.00", GRADE_COLORS["A"]),
        ("丙县", "85.00", GRADE_COLORS["B"]),
        ("乙县（一票否决）", "88.46", GRADE_COLORS["D"]),
    ]


def test_ranked_rows_are_drawn_in_rank_order_with_the_note(monkeypatch):
    units = [
        {"unit": "甲县", "total": 95.0, "grade": "D", "rank": 3, "note": "一票否决"},
        {"unit": "乙县", "total": 91.0, "grade": "A", "rank": 1},
        {"unit": "丙县", "total": 85.0, "grade": "B", "rank": 2},
    ]
    assert drawn_rows(monkeypatch, units) == [
        ("乙县", "91.00", GRADE_COLORS["A"]),
        ("丙县", "85.00", GRADE_COLORS["B"]),
        ("甲县（一票否决）", "95.00", GRADE_COLORS["D"]),
    ]


# ------------------------------------------------------------------ settings, glyphs, PNG

OTHER_UNIT = [{**row, "share": 99.9 if row["share"] is None else None} for row in INDICATORS]
OTHER_TREND = [  # another scale (ticks from 40, headroom over 100) and rank
    {"year": 2022, "total": 52.15, "rank": 24},
    {"year": 2023, "total": 97.8, "rank": 1},
    {"year": 2024, "total": 99.95, "rank": 1},
]


def test_a_missing_glyph_in_a_trend_fails_every_time():
    for _ in range(2):
        with pytest.raises(ChartError, match="😀"):
            trend_chart(TREND, 24, title="历年总分😀")


def test_chart_settings_are_matplotlibs_defaults_and_ours():
    """Set in one step, they are what rcdefaults() and then the chart settings give."""
    family = chart_font()[1]
    with mpl.rc_context({"axes.facecolor": "#FFFFE0", "font.size": 20}):
        with mpl.rc_context():
            mpl.rcdefaults()
            mpl.rcParams.update(chartfont._rc(family))
            expected = dict(dict.items(mpl.rcParams))
        with chartcanvas.LOCK, chartfont.chart_settings():
            got = dict(dict.items(mpl.rcParams))
        assert mpl.rcParams["font.size"] == 20  # the caller's again
    del expected["backend"], got["backend"]
    assert got == expected


@pytest.mark.slow
def test_callers_settings_reach_no_chart():
    plain = attainment_chart(OTHER_UNIT), trend_chart(OTHER_TREND, 24)
    styled = {"axes.facecolor": "#FFFFE0", "xtick.major.size": 8, "ytick.direction": "in"}
    for _again in range(2):
        with mpl.rc_context(styled):
            assert (
                attainment_chart(OTHER_UNIT),
                trend_chart(OTHER_TREND, 24),
            ) == plain


def test_a_missing_glyph_in_a_row_name_fails_every_time():
    rows = [{"name": "认证认可😀", "share": 80, "group_average": 75}]
    for _ in range(2):
        with pytest.raises(ChartError, match="😀"):
            attainment_chart(rows)


def test_png_holds_the_canvas_pixels_exactly():
    """The PNG written here: valid, RGB, lossless, with the dpi."""
    fig = Figure(figsize=(0.5, 0.3), dpi=DPI)
    canvas = FigureCanvasAgg(fig)
    fig.patches.append(Rectangle((0.1, 0.2), 0.5, 0.6, color="#8A2B26", transform=fig.transFigure))
    fig.text(0.5, 0.5, "85.7%", color="#4A78B0")
    canvas.draw()
    data = chartcanvas.png(canvas)
    Image.open(io.BytesIO(data)).verify()  # chunk CRCs and structure
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB" and image.size == (100, 60)
    assert image.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)
    expected = np.asarray(canvas.buffer_rgba())[:, :, :3]
    assert len(np.unique(expected.reshape(-1, 3), axis=0)) > 10  # antialiased, not flat
    assert np.array_equal(np.asarray(image), expected)


# ---------------------------------------------------------------------------- bad data


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: group_totals_chart([], BANDS), "没有单位"),
        (
            lambda: group_totals_chart([{"unit": "威县", "total": 80, "grade": "E"}], BANDS),
            "威县的等次 'E'",
        ),
        (
            lambda: group_totals_chart([{"unit": "威县", "total": "80", "grade": "B"}], BANDS),
            "威县的总分应为数值",
        ),
        (
            lambda: grade_distribution_chart([{"name": "县", "counts": {"X": 1}}], BANDS),
            "'X'",
        ),
        (lambda: attainment_chart([{"name": "认证认可", "share": 101}]), "应在0～100之间"),
        (lambda: trend_chart([{"year": 2024, "total": 90, "rank": 25}], 24), "名次 25"),
        (lambda: trend_chart([{"year": "2024年", "total": 90}], 24), "年度应为整数"),
        (
            lambda: trend_chart([{"year": 2024, "total": 90}, {"year": 2024, "total": 91}], 24),
            "重复的年度",
        ),
    ],
)
def test_bad_data_is_a_chart_error(call, message):
    with pytest.raises(ChartError, match=message) as caught:
        call()
    assert caught.value.exit_code == 5


# ---------------------------------------------------------------------------- wrapping


@pytest.mark.parametrize(
    ("name", "wrapped"),
    [
        ("制造业产品质量合格率", "制造业产品质量合格率"),
        ("规模以上工业企业研发机构覆盖率", "规模以上工业企业\n研发机构覆盖率"),
        # between words, never inside one (issue 11, 9: "全社会研发经/费投入增长" before)
        ("食品安全评价性抽检合格率", "食品安全评价性\n抽检合格率"),
        ("全社会研发经费投入增长", "全社会研发\n经费投入增长"),
        ("高新技术产业增加值占规上工业增加值比重", "高新技术产业增加值\n占规上工业增加值比重"),
        ("抽检合格率（含复检）、处置率", "抽检合格率\n（含复检）、处置率"),
        ("重点任务完成情况（牵头、配合）", "重点任务完成情况\n（牵头、配合）"),
        ("农产品质量安全例行监测合格率（%）", "农产品质量安全例行\n监测合格率（%）"),
    ],
)
def test_long_names_wrap_into_balanced_lines(name, wrapped):
    assert wrap(name, 20) == wrapped


def test_wrapped_lines_never_start_with_closing_punctuation():
    for name in [
        "质量宣传、质量月活动、质量开放日",
        "抽检合格率（含复检）、处置率",
        "甲乙丙丁戊己庚辛壬癸子）丑",
    ]:
        lines = wrap(name, 20).split("\n")
        assert "".join(lines) == name
        assert not any(line[0] in "）、，。；%”" for line in lines[1:])


def test_the_renderer_knows_chart_widths_without_loading_matplotlib():
    """The parent process renders no chart: inserting one at its width loads no matplotlib."""
    code = "import sys, evalgen.documents.render; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
