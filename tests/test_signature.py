"""署名 and 成文日期 (GB/T 9704 7.3.5, issue 11 item 8): the 加盖印章 field and the layout."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from evalgen.documents.signature import signature_pads, text_width
from evalgen.inputs.issuance import load_issuance
from evalgen.problems import InputError

SAMPLE = Path(__file__).resolve().parent.parent / "sample_inputs" / "2024" / "发文信息.yaml"
ISSUER = "邢台市质量强市战略领导小组办公室"  # 16 characters
DATE = "2025年2月20日"  # 年月日 3 + 7 digits × ½ = 6.5
FULL, HALF, JOIN = "\u3000", "\u2002", "\u2060"


def test_widths_count_digits_as_half_a_character():
    assert text_width(ISSUER) == 16
    assert text_width(DATE) == Fraction(13, 2)
    assert text_width("２０") == 2  # full-width digits are whole characters


def test_unsealed_signature_two_from_the_right_date_two_further_in():
    # 7.3.5.2: 署名 右空二字; the date starts 2 characters right of the 署名's start:
    # the 署名 starts 2 + 16 = 18 from the right, the date 18 − 2 = 16, so it ends
    # 16 − 6.5 = 9.5 characters from the right.
    sign, date = signature_pads(ISSUER, DATE, seal=False)
    assert sign == FULL * 2 + JOIN
    assert date == FULL * 9 + HALF + JOIN


def test_unsealed_date_longer_than_the_signature_stays_two_from_the_right():
    # 市政府 3 characters; 2025年12月31日 = 3 + 8 × ½ = 7, longer than 3 − 2: the date
    # 右空二字 starts 2 + 7 = 9 from the right, the 署名 two to the left of it: it starts
    # 11 from the right and ends 11 − 3 = 8 from it.
    sign, date = signature_pads("市政府", "2025年12月31日", seal=False)
    assert date == FULL * 2 + JOIN
    assert sign == FULL * 8 + JOIN


def test_sealed_date_four_from_the_right_signature_centred_over_it():
    # 7.3.5.1: date 右空四字; a 6-character 署名 centred over the 6.5-character date ends
    # 4 + (6.5 − 6) / 2 = 4.25 from the right, 4.5 to the half character (half up).
    sign, date = signature_pads("市政府办公室", DATE, seal=True)
    assert date == FULL * 4 + JOIN
    assert sign == FULL * 4 + HALF + JOIN
    # A 署名 longer than the date by more than 8 characters would pass the right edge
    # (4 + (6.5 − 16) / 2 = −0.75): it ends on the edge.
    assert signature_pads(ISSUER, DATE, seal=True)[0] == JOIN


def _issuance(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "发文信息.yaml"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + line, encoding="utf-8")
    return path


def test_the_sample_is_unsealed_by_default():
    assert load_issuance(SAMPLE).seal is False


@pytest.mark.parametrize(
    ("line", "seal"),
    [("加盖印章: 是\n", True), ("加盖印章: 否\n", False), ("加盖印章: true\n", True)],
)
def test_seal_field(tmp_path, line, seal):
    assert load_issuance(_issuance(tmp_path, line)).seal is seal


def test_a_seal_field_that_is_not_yes_or_no_is_located(tmp_path):
    path = _issuance(tmp_path, "加盖印章: 盖\n")
    with pytest.raises(InputError) as caught:
        load_issuance(path)
    (problem,) = caught.value.problems
    assert problem.code == "seal-choice"
    assert problem.file == "发文信息.yaml"
    assert problem.line == len(SAMPLE.read_text(encoding="utf-8").splitlines()) + 1
    assert "“加盖印章”应为“是”或“否”，实际为“盖”" in problem.message


def test_document_date_is_the_issuance_date_never_the_clock():
    from evalgen.documents.render import document_date

    assert document_date({"doc": {"date": "2025年2月20日"}}) == "2025-02-20T00:00:00Z"
    assert document_date({"doc": {"date": "2025年12月1日"}}) == "2025-12-01T00:00:00Z"
    assert document_date({"title": "稳定性分析"}) == ""  # no 成文日期: the fixed 2000-01-01
