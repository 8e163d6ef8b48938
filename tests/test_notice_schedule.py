"""约谈通知书 (issue 11, item 6): one summoned leader, a schedule from the issuance file
(a start and a slot, or a time per unit), a materials deadline; bad schedules are located
problems with codes."""

from datetime import datetime
from pathlib import Path

import pytest
from test_context import ISSUANCE, _issuance_with
from test_engine import MINI, score_both_years

from evalgen.documents.notice import interviewee, notice_contexts
from evalgen.inputs.issuance import load_issuance
from evalgen.inputs.schedule import parse_clock, slot_text
from evalgen.model.loader import load_model
from evalgen.outputs.results import build_results
from evalgen.problems import InputError

SAMPLE_SCHEDULE = '约谈安排:\n  开始时间: "2025年3月5日上午9:00"\n  每单位时长: 30  # 分钟\n'


@pytest.fixture(scope="module")
def setup():
    """The tiny model's 2024 (丙县 and 戊县 summoned) and the sample issuance file."""
    model = load_model(MINI).model
    _, y2024, view = score_both_years(model)
    return model, build_results(model, y2024, view, {}), None, load_issuance(ISSUANCE)


def _with_schedule(tmp_path, schedule: str, **changes: str):
    """The sample issuance file with its 约谈安排 block replaced by `schedule`."""
    path = _issuance_with(tmp_path, **changes)
    text = path.read_text(encoding="utf-8")
    assert SAMPLE_SCHEDULE in text
    path.write_text(text.replace(SAMPLE_SCHEDULE, schedule), encoding="utf-8")
    return path


def _line_of(path, key: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


def test_clock_times_as_offices_write_them():
    assert parse_clock("2025年3月5日上午9:00") == datetime(2025, 3, 5, 9, 0)
    assert parse_clock("2025年3月5日下午2:30") == datetime(2025, 3, 5, 14, 30)
    assert parse_clock("2025年3月5日14：30") == datetime(2025, 3, 5, 14, 30)  # full-width colon
    assert parse_clock("2025年2月30日上午9:00") is None
    assert parse_clock("3月5日上午9:00") is None
    assert slot_text(datetime(2025, 3, 5, 11, 40), 30) == "2025年3月5日上午11:40—12:10"
    assert slot_text(datetime(2025, 3, 5, 14, 0), 45) == "2025年3月5日下午14:00—14:45"


def test_one_leader_is_summoned_in_the_decision_and_in_the_attendees(setup):
    assert interviewee(["由我办约谈分管负责同志，督促落实"]) == "分管负责同志"
    assert interviewee(["约谈分管负责同志", "约谈主要负责同志"]) == "主要负责同志"
    assert interviewee(["约谈"]) == "主要负责同志"  # no one named: the principal
    model, results, _, issuance = setup
    for n in notice_contexts(model, results, issuance):
        assert f"决定对你单位{n['interviewee']}进行约谈" in n["decision"]
        assert n["attendees"].startswith(f"你单位{n['interviewee']}")
        assert n["addressee"] == f"{n['unit']}："


def test_a_time_per_unit(setup, tmp_path):
    model, results, _, _ = setup
    path = _with_schedule(
        tmp_path, '约谈安排:\n  戊县: "2025年3月6日上午9:00"\n  丙县: "2025年3月5日下午3:00"\n'
    )
    notices = notice_contexts(model, results, load_issuance(path))
    assert [(n["unit"], n["time"]) for n in notices] == [
        ("丙县", "2025年3月5日下午3:00"),
        ("戊县", "2025年3月6日上午9:00"),
    ]


def test_one_time_for_all_when_no_schedule_is_given(setup, tmp_path):
    model, results, _, _ = setup
    path = _with_schedule(tmp_path, '约谈时间: "2025年3月5日上午9:00"\n')
    assert {n["time"] for n in notice_contexts(model, results, load_issuance(path))} == {
        "2025年3月5日上午9:00"
    }


def test_a_per_unit_schedule_must_fit_the_summoned_units(setup, tmp_path):
    model, results, _, _ = setup
    path = _with_schedule(
        tmp_path, '约谈安排:\n  丙县: "2025年3月5日上午9:00"\n  甲县: "2025年3月5日上午10:00"\n'
    )
    line = _line_of(path, "约谈安排")
    with pytest.raises(InputError) as err:
        notice_contexts(model, results, load_issuance(path))
    assert [(p.code, p.file, p.line, p.unit) for p in err.value.problems] == [
        ("schedule-unit", "发文信息.yaml", line, "戊县"),  # summoned, no time
        ("schedule-unit", "发文信息.yaml", line + 2, "甲县"),  # not summoned: its own line
    ]
    assert err.value.problems[0].message == "“约谈安排”没有列出约谈单位戊县的约谈时间"


def test_slots_may_not_run_past_the_day(setup, tmp_path):
    model, results, _, _ = setup
    # 2 units × 240 minutes from 20:00 ends at 4:00 the next day
    path = _with_schedule(
        tmp_path, '约谈安排:\n  开始时间: "2025年3月5日20:00"\n  每单位时长: 240\n'
    )
    with pytest.raises(InputError) as err:
        notice_contexts(model, results, load_issuance(path))
    assert [p.code for p in err.value.problems] == ["schedule-overflow"]


@pytest.mark.parametrize(
    ("schedule", "codes"),
    [
        ('约谈安排:\n  开始时间: "3月5日上午9:00"\n  每单位时长: 30\n', ["schedule-time"]),
        ('约谈安排:\n  开始时间: "2025年3月5日上午9:00"\n  每单位时长: 0\n', ["schedule-slot"]),
        ('约谈安排:\n  开始时间: "2025年3月5日上午9:00"\n  每单位时长: "半小时"\n', ["schedule-slot"]),
        ('约谈安排:\n  开始时间: "2025年3月5日上午9:00"\n  每单位时长: 30\n  丙县: "2025年3月5日"\n',
         ["schedule-shape"]),
        ('约谈安排: "2025年3月5日"\n', ["schedule-shape"]),
        ('约谈安排:\n  丙县: 9\n', ["schedule-time"]),
        ('约谈安排:\n  丙县: "2025年2月30日上午9:00"\n', ["schedule-time"]),
    ],
)  # fmt: skip
def test_bad_schedules_are_located_problems(tmp_path, schedule, codes):
    path = _with_schedule(tmp_path, schedule)
    with pytest.raises(InputError) as err:
        load_issuance(path)
    assert [p.code for p in err.value.problems] == codes
    assert {(p.file, p.line) for p in err.value.problems} == {
        ("发文信息.yaml", _line_of(path, "约谈安排"))
    }


def test_a_schedule_and_one_time_for_all_conflict(tmp_path):
    path = _with_schedule(tmp_path, SAMPLE_SCHEDULE + '约谈时间: "2025年3月5日上午9:00"\n')
    with pytest.raises(InputError) as err:
        load_issuance(path)
    assert [(p.code, p.line) for p in err.value.problems] == [
        ("schedule-conflict", _line_of(path, "约谈安排"))
    ]


def test_the_materials_are_due_before_the_interviews(tmp_path):
    path = _issuance_with(tmp_path, 约谈材料报送期限="2025年3月6日")  # interviews from 3月5日
    with pytest.raises(InputError) as err:
        load_issuance(path)
    assert [(p.code, p.line) for p in err.value.problems] == [
        ("materials-after-interview", _line_of(path, "约谈材料报送期限"))
    ]
    path = _issuance_with(tmp_path, 约谈材料报送期限="2025-03-03")
    with pytest.raises(InputError) as err:
        load_issuance(path)
    assert [p.code for p in err.value.problems] == ["date-format"]
    # the sample: due two days before
    assert load_issuance(ISSUANCE).materials_deadline == "2025年3月3日"


def _paragraphs(template: str) -> list[tuple[str, str]]:
    from docx import Document

    root = Path(__file__).resolve().parent.parent / "templates" / template
    return [(p.style.name, p.text) for p in Document(str(root)).paragraphs]


def test_the_notice_template_opens_with_the_bulletins_banner():
    paragraphs = _paragraphs("notice.docx")
    # 版头 as the 通报 has it (red 发文机关标志, then the 发文字号 carrying the red rule), the title,
    # then 主送 — the unit — before the text
    assert paragraphs[:4] == [
        ("发文机关标志", "{{ doc.banner }}"),
        ("发文字号", "{{ number }}"),
        ("公文标题", "{{ title }}"),
        ("主送机关", "{{ addressee }}"),
    ]
    assert [t for _, t in paragraphs if t.startswith(("一、", "二、", "三、", "五、"))] == [
        "一、约谈时间：{{ time }}。",
        "二、约谈地点：{{ place }}。",
        "三、参加人员：{{ attendees }}。",
        "五、联系人：{{ contact }}。",
    ]


def test_the_report_template_is_a_letter():
    paragraphs = _paragraphs("unit_report.docx")
    assert paragraphs[1:3] == [("主送机关", "{{ addressee }}"), ("公文正文", "{{ opening }}")]
    # 特此反馈。 closes the text; the signature (`_signature`, however laid out) follows it
    closing = [t for _, t in paragraphs].index("特此反馈。")
    assert "落款" in [s for s, _ in paragraphs[closing + 1 :]]
    assert all(s != "一级标题" for s, _ in paragraphs[closing:])
    assert not any("四、图表" in t for _, t in paragraphs)
