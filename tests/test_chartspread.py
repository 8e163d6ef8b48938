"""A large group's totals: a fixed-size histogram, binned as computed by hand."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from test_engine import MINI, score_both_years

from evalgen.charts.font import ChartError
from evalgen.charts.kinds import CHARTS
from evalgen.charts.spec import bin_width, chart_spec
from evalgen.documents.bulletin import BARS_UP_TO, bulletin_context
from evalgen.inputs.issuance import load_issuance
from evalgen.model.loader import load_model
from evalgen.outputs.results import build_results

BANDS = [
    {"code": "A", "name": "优秀", "min": 90},
    {"code": "B", "name": "良好", "min": 80},
    {"code": "C", "name": "合格", "min": 60},
    {"code": "D", "name": "不合格", "min": 0},
]
ISSUANCE = Path(__file__).resolve().parent.parent / "sample_inputs" / "2024" / "发文信息.yaml"


def _units(totals_and_grades):
    return [
        {"unit": f"单位{i}", "total": t, "grade": g} for i, (t, g) in enumerate(totals_and_grades)
    ]


def score_histogram_chart(units, bands):
    return CHARTS["score_histogram"].draw(units=units, bands=bands)


def _size(png: bytes) -> tuple[int, int]:
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize(
    ("low", "high", "width"),
    [
        (65.3, 100, 1),  # bins [65, 66) … [100, 101): 36
        (61, 100, 1),  # [61, 62) … [100, 101): 40, just fits
        (60, 100, 2),  # 41 bins of 1 is one too many; of 2: [60, 62) … [100, 102): 21
        (0, 100, 5),  # 101 bins of 1, 51 of 2, 21 of 5
        (0, 1000, 50),  # 51 bins of 20 is still too many
    ],
)
def test_bin_width(low, high, width):
    assert bin_width(low, high) == width


def test_bins_are_closed_on_the_left_and_stacked_by_grade():
    units = _units([(79.99, "C"), (80, "B"), (80.5, "B"), (90, "A"), (100, "A"), (95.2, "D")])
    spec = chart_spec("score_histogram", {"units": units, "bands": BANDS})
    # 79.99 … 100 in bins of 1 point: [79, 80), [80, 81), …, [100, 101): 22 bins
    assert spec["categories"] == [f"{lo}–{lo + 1}" for lo in range(79, 101)]
    a, b, c, d = (s["values"] for s in spec["series"])
    assert [s["name"] for s in spec["series"]] == ["A 优秀", "B 良好", "C 合格", "D 不合格"]
    assert len(a) == 22
    assert a[90 - 79] == 1 and a[100 - 79] == 1 and sum(a) == 2  # 100 in [100, 101)
    assert b[80 - 79] == 2 and sum(b) == 2  # 80 and 80.5 in [80, 81)
    assert c[0] == 1 and sum(c) == 1  # 79.99 in [79, 80)
    assert d[95 - 79] == 1 and sum(d) == 1  # a vetoed unit: its total, in grade D's colour


def test_the_chart_keeps_its_size_however_many_units():
    small = _units([(70 + i % 30, "B") for i in range(61)])
    large = _units([(60 + (i * 7) % 40 + 0.25, "C") for i in range(3000)])
    png_small, png_large = score_histogram_chart(small, BANDS), score_histogram_chart(large, BANDS)
    assert _size(png_small) == _size(png_large) == (1200, 680)  # 6.0 × 3.4 in at 200 dpi
    assert score_histogram_chart(large, BANDS) == png_large  # the same bytes again


def test_bad_data_is_a_chart_error():
    with pytest.raises(ChartError, match="没有单位"):
        score_histogram_chart([], BANDS)
    with pytest.raises(ChartError, match="等次 'E'"):
        score_histogram_chart(_units([(80, "E")]), BANDS)
    with pytest.raises(ChartError, match="应为数值"):
        score_histogram_chart(_units([("80", "B")]), BANDS)


def test_the_bulletin_draws_bars_up_to_the_limit_and_a_histogram_beyond():
    model = load_model(MINI).model
    _, y2024, view = score_both_years(model)
    results = build_results(model, y2024, view, {})
    group = results["groups"][0]
    template = group["units"][0]
    issuance = load_issuance(ISSUANCE)

    def kind_for(count: int) -> str:
        group["units"] = [{**template, "unit": f"县{i}"} for i in range(count)]
        chart = bulletin_context(model, results, issuance)["charts"][f"totals_{group['key']}"]
        return chart["kind"]

    assert kind_for(BARS_UP_TO) == "group_totals"
    assert kind_for(BARS_UP_TO + 1) == "score_histogram"
