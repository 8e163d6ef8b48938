"""Document contexts: sentences written from the data, on the tiny model's hand-computed year."""

import re
from pathlib import Path

import pytest
from test_engine import MINI, score_both_years

from evalgen.documents.bulletin import bulletin_context
from evalgen.documents.feedback import notice_contexts, unit_contexts
from evalgen.documents.wording import change_text
from evalgen.inputs.issuance import load_issuance
from evalgen.model.loader import load_model
from evalgen.outputs.results import build_results, history_points
from evalgen.problems import InputError

ISSUANCE = Path(__file__).resolve().parent.parent / "sample_inputs" / "2024" / "发文信息.yaml"


@pytest.fixture(scope="module")
def setup():
    model = load_model(MINI).model
    y2023, y2024, view = score_both_years(model)
    results = build_results(model, y2024, view, {})
    past = {2023: history_points(model, y2023)}
    return model, results, past, load_issuance(ISSUANCE)


def test_change_text():
    assert [change_text(c) for c in (2, -1, 0, None)] == ["上升2位", "下降1位", "持平", "—"]
    assert change_text(3, short=True) == "↑3" and change_text(-3, short=True) == "↓3"


def test_bulletin_overview_sentences(setup):
    model, results, _, issuance = setup
    b = bulletin_context(model, results, issuance)
    assert b["title"] == "关于2024年度质量工作考核结果的通报"
    # 甲 90, 乙 80, 丁 80, 丙 55, 戊 105 (vetoed): average 410 / 5 = 82.00
    assert b["overview"][0] == (
        "测试组考核中，优秀等次1个、良好等次2个、不合格等次2个；平均得分82.00分，甲县以90.00分位列第一；"
        "戊县因一票否决事项直接评为不合格等次。与2023年度相比，名次上升的3个、下降的1个、持平的1个。"
    )
    assert b["overview"][1].endswith("名次均与上年持平。")
    # pass_rate: 甲乙丁戊 meet 91, 丙 misses; growth: 甲 戊 meet, 丁 丙 miss, 乙 N/A → 6 of 9
    assert (
        b["overview"][2]
        == "从测试组设有年度目标值的2项指标看，应考核9项次，达到2024年度目标6项次，达标率66.7%。"
    )


def test_bulletin_lists_and_followups(setup):
    model, results, _, issuance = setup
    b = bulletin_context(model, results, issuance)
    assert b["groups"][0]["grade_lines"] == [
        "优秀（A）等次1个：甲县。",
        "良好（B）等次2个：乙县、丁县。",
        "不合格（D）等次2个：丙县、戊县。",
    ]
    rows = b["groups"][0]["rows"]
    assert [(r["rank"], r["unit"], r["change"], r["note"]) for r in rows] == [
        ("1", "甲县", "持平", ""),
        ("2", "乙县", "↑1", ""),
        ("2", "丁县", "↑2", ""),
        ("4", "丙县", "↑1", ""),
        ("5", "戊县", "↓3", "一票否决"),
    ]
    assert b["rectify"]["intro"] == "以下2个单位在本组考核中位列后两名，须书面报告并限期整改。"
    assert [i["unit"] for i in b["summon"]["units"]] == ["丙县", "戊县"]
    assert b["summon"]["units"][1]["reason"] == "发生一票否决事项“瞒报”（依据：测试依据）"
    # the task indicator's 100 is full marks, not a plan target: never listed as missed
    assert not any("重点任务完成情况未达到" in p for p in b["problems"])
    assert b["problems"][0] == "投入增长未达到年度目标（10%）的测试组有2个：丁县、丙县。"


def test_attachment_tables(setup):
    model, results, _, issuance = setup
    table = bulletin_context(model, results, issuance)["attachments"][0]
    assert table["columns"] == [
        "名次",
        "单位",
        "目标完成",
        "措施落实",
        "加分",
        "扣分",
        "总分",
        "等次",
    ]
    # 措施落实 14.995 + 15 = 29.995 exactly → 四舍五入 30.00 (binary rounding would print 29.99)
    assert table["rows"][0] == ["1", "甲县", "60.00", "30.00", "", "", "90.00", "A"]
    assert table["rows"][4] == ["5", "戊县", "60.00", "40.00", "5.00", "", "105.00", "D*"]


def test_unit_report_headline_rows_and_fixes(setup):
    model, results, past, issuance = setup
    contexts = {c["unit"]: c for c in unit_contexts(model, results, past, issuance)}
    c = contexts["丙县"]
    assert c["headline"] == (
        "你单位2024年度质量工作考核总分55.00分，等次为D（不合格），在5个测试组中排名第4位，"
        "较2023年度（第5位）上升1位。"
    )
    assert [
        (r["category"], r["name"], r["value"], r["target"], r["score"], r["lost"])
        for r in c["rows"]
    ] == [
        ("目标完成", "抽检合格率", "90%", "91%", "0.00", "30.00"),
        ("", "投入增长", "5%", "10%", "15.00", "15.00"),
        ("措施落实", "组织领导", "20", "—", "20.00", ""),
        ("", "宣传培训", "20", "—", "20.00", ""),
    ]
    # both targets missed, largest loss first; prose without trailing zeros (30, not 30.00)
    assert c["fixes"][0] == {
        "title": "年度目标未完成",
        "text": "2项指标未达到2024年度目标：抽检合格率90%，未达到目标91%，失分30分；"
        "投入增长5%，未达到目标10%，失分15分。",
    }
    assert c["charts"]["trend"]["data"]["points"] == [
        {"year": 2023, "total": 50, "rank": 5},
        {"year": 2024, "total": 55, "rank": 4},
    ]
    # group averages of score shares: 抽检合格率 (100+100+0+100+100)/5 = 80
    assert c["charts"]["attainment"]["data"]["rows"][0] == {
        "name": "抽检合格率",
        "share": 0.0,
        "group_average": 80.0,
    }
    assert contexts["乙县"]["not_applicable"] == [
        "投入增长（30分）单位填报不适用，分值已按比例分配给同类别其他指标。"
    ]
    assert contexts["戊县"]["adjustments"][-1]["basis"] == "加分合计6分，按上限5分计入"
    # a whole category that does not apply is explained too (乙局 owns no 牵头指标)
    assert contexts["乙局"]["not_applicable"] == [
        "“牵头指标”（20分）无本单位承担的指标，分值按比例分配给其余类别的指标。"
    ]


def test_notices_one_per_summoned_unit_with_every_reason(setup):
    model, results, _, issuance = setup
    notices = notice_contexts(model, results, issuance)
    assert [n["unit"] for n in notices] == ["丙县", "戊县"]
    # addressed to the unit (the text says 你单位); its rules (grade D: 约谈主要负责同志, and
    # the safety floor: 约谈分管负责同志) summon the principal, who comes first in 参加人员
    assert notices[0]["addressee"] == "丙县："
    assert notices[0]["interviewee"] == "主要负责同志"
    assert "决定对你单位主要负责同志进行约谈" in notices[0]["decision"]
    assert notices[0]["attendees"] == "你单位主要负责同志、分管负责同志及相关科室负责人"
    assert notices[0]["reasons"] == [
        "考核总分55.00分，等次为不合格",
        "连续两年位列测试组后两名（2023年第5位、2024年第4位）",
        "抽检合格率为90%，低于2024年度目标91%",
    ]
    # the sample's 约谈安排: from 9:00, 30 minutes each, in notice order (丙县 rank 4, 戊县 5)
    assert [n["time"] for n in notices] == [
        "2025年3月5日上午9:00—9:30",
        "2025年3月5日上午9:30—10:00",
    ]
    assert notices[0]["materials_deadline"] == "请于2025年3月3日前将上述材料报送我办。"


def test_documents_read_the_issuance_file_details_as_doc(setup):
    """`doc.*` in every document: each key holds its own field of the sample 发文信息.yaml."""
    model, results, past, issuance = setup
    expected = {
        "issuer": "邢台市质量强市战略领导小组办公室",
        "banner": "邢台市质量强市战略领导小组办公室文件",
        "number": "邢质强办〔2025〕1号",
        "date": "2025年2月20日",
        "to": "各县（市、区）人民政府，开发区、邢东新区管委会，市直有关部门",
        "cc": "市委办公室，市人大常委会办公室，市政府办公室，市政协办公室",
        "printer": "邢台市质量强市战略领导小组办公室",
        "print_date": "2025年2月21日",
        "interview_time": "",  # the sample gives a 约谈安排 instead
        "interview_place": "邢台市市场监督管理局3楼会议室",
        "contact": "张××",
        "phone": "0319-0000000",
        "deadline": "30日",
        # 不加盖印章 (no 加盖印章 key): 署名 右空二字, the date ends 16 − 6.5 = 9.5 characters
        # from the right edge (tests/test_signature.py)
        "seal": False,
        "sign_pad": "\u3000" * 2 + "\u2060",
        "date_pad": "\u3000" * 9 + "\u2002\u2060",
    }
    assert bulletin_context(model, results, issuance)["doc"] == expected
    assert next(unit_contexts(model, results, past, issuance))["doc"] == expected
    assert notice_contexts(model, results, issuance)[0]["doc"] == expected


def test_issuance_file_problems_are_located(tmp_path):
    bad = tmp_path / "发文信息.yaml"
    bad.write_text(
        "发文机关: 办公室\n发文字号: 〔2025〕1号\n成文日期: 二〇二五年二月二十日\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_issuance(bad)
    messages = [p.message for p in err.value.problems]
    assert "缺少“主送”" in messages
    date = next(p for p in err.value.problems if "成文日期" in p.message)
    assert date.line == 3 and "阿拉伯数字" in date.message
    assert date.code == "date-format" and date.file == "发文信息.yaml"
    missing = {p.message: p.code for p in err.value.problems if p.code == "missing-key"}
    # 发文机关标志, 主送, 印发机关 and 印发日期 are required and absent
    assert set(missing) == {"缺少“发文机关标志”", "缺少“主送”", "缺少“印发机关”", "缺少“印发日期”"}
    assert len(err.value.problems) == 5


def test_issuance_file_problem_codes(tmp_path):
    bad = tmp_path / "发文信息.yaml"
    bad.write_text(ISSUANCE.read_text(encoding="utf-8") + "发文机构: 办公室\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_issuance(bad)
    [unknown] = err.value.problems
    assert (unknown.code, unknown.line) == ("unknown-key", len(bad.read_text().splitlines()))
    assert "发文机关" in unknown.hint
    bad.write_text("发文机关: [办公室\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_issuance(bad)
    assert [p.code for p in err.value.problems] == ["yaml-syntax"]
    bad.write_text("- 一\n- 二\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_issuance(bad)
    assert (err.value.code, err.value.problems) == ("yaml-shape", [])
    with pytest.raises(InputError) as err:
        load_issuance(tmp_path / "没有.yaml")
    assert [(p.code, p.file) for p in err.value.problems] == [("missing-file", "没有.yaml")]


def _issuance_with(tmp_path, **changes: str) -> Path:
    """The sample issuance file with some keys' values replaced (quoted)."""
    lines = ISSUANCE.read_text(encoding="utf-8").splitlines()
    for key, value in changes.items():
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        lines[at] = f'{key}: "{value}"'
    path = tmp_path / "发文信息.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_dates_that_are_not_in_the_calendar_are_refused_with_their_line(tmp_path):
    path = _issuance_with(
        tmp_path,
        成文日期="2025年2月30日",
        印发日期="2025年13月1日",
        约谈材料报送期限="2025年4月31日",
    )
    with pytest.raises(InputError) as err:
        load_issuance(path)
    # lines 10, 14 and 16 of the sample file
    assert [(p.code, p.file, p.line, p.message) for p in err.value.problems] == [
        ("impossible-date", "发文信息.yaml", 10, "“成文日期”中的日期“2025年2月30日”不存在（2025年2月只有28天）"),
        ("impossible-date", "发文信息.yaml", 14, "“印发日期”中的日期“2025年13月1日”不存在（没有13月）"),
        ("impossible-date", "发文信息.yaml", 16,
         "“约谈材料报送期限”中的日期“2025年4月31日”不存在（2025年4月只有30天）"),
    ]  # fmt: skip


def test_a_leap_day_is_a_date_and_a_day_zero_is_not(tmp_path):
    issuance = load_issuance(_issuance_with(tmp_path, 成文日期="2024年2月29日"))
    assert issuance.date == "2024年2月29日"
    with pytest.raises(InputError) as err:
        load_issuance(_issuance_with(tmp_path, 成文日期="2023年2月29日", 印发日期="2025年2月0日"))
    assert [(p.code, p.line) for p in err.value.problems] == [
        ("impossible-date", 10),
        ("impossible-date", 14),
    ]


def test_an_unquoted_impossible_date_is_refused_not_a_crash(tmp_path):
    path = tmp_path / "发文信息.yaml"
    text = ISSUANCE.read_text(encoding="utf-8").replace('"2025年2月20日"', "2025-02-30")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_issuance(path)
    [problem] = err.value.problems
    assert (problem.code, problem.line) == ("yaml-syntax", 10)
    assert problem.message == "日期“2025-02-30”不存在，请核对年、月、日（第10行第7列）"


def test_aliases_in_the_issuance_file_are_refused_with_their_line(tmp_path):
    path = tmp_path / "发文信息.yaml"
    text = ISSUANCE.read_text(encoding="utf-8")
    text = text.replace("发文机关: ", "发文机关: &who ", 1).replace(
        "印发机关: ", "印发机关: *who #", 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_issuance(path)
    [problem] = err.value.problems
    assert (problem.code, problem.file, problem.line) == ("yaml-syntax", "发文信息.yaml", 7)
    assert problem.message == "不支持锚点“&”和别名“*”，请把内容直接写出（第7行第7列）"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("发文机关: 办公室: 综合科\n", 1, "此处不能再出现“键: 值”"),
        ("发文机关: 办公室\n\t主送: 各县\n", 2, "不能用 Tab 键缩进"),
        ("发文机关: [办公室\n", 2, "方括号“[”没有配对的“]”"),
        ('发文机关: "办公室\n', 2, "引号没有成对"),
        ("发文机关: 办公室\n  主送: 各县\n", 2, "此处不能再出现“键: 值”"),
        ("发文机关: 办公室\n主送\n抄送: 无\n", 3, "找不到应有的冒号“:”"),
    ],
)
def test_issuance_syntax_problems_are_told_in_chinese(tmp_path, text, line, reason):
    path = tmp_path / "发文信息.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_issuance(path)
    [problem] = err.value.problems
    assert (problem.code, problem.line) == ("yaml-syntax", line)
    assert reason in problem.message
    assert not re.search(r"[A-Za-z]{2,}[ ,.'’]+[A-Za-z]{2,}", problem.message + problem.hint)
