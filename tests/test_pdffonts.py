"""The PDF font check: a PDF whose Chinese is missing-glyph boxes never passes (issue 11, 1)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from evalgen.documents import pdf as pdfmod
from evalgen.documents.pdf import PdfError, PdfFont, check_pdf_fonts, parse_pdffonts

# Captured `pdffonts` outputs (poppler 22–24), by hand.
WITH_NOTO = """\
name                                 type              encoding         emb sub uni object ID
------------------------------------ ----------------- ---------------- --- --- --- ---------
BAAAAA+NotoSansCJKjp-Regular-VKana   Type 1            Builtin          yes yes yes     61  0
CAAAAA+DejaVuSerif                   TrueType          WinAnsi          yes yes yes     51  0
DAAAAA+DejaVuSans                    TrueType          WinAnsi          yes yes yes     56  0
"""
WITHOUT_CJK = """\
name                                 type              encoding         emb sub uni object ID
------------------------------------ ----------------- ---------------- --- --- --- ---------
BAAAAA+DejaVuMathTeXGyre-Regular     TrueType          WinAnsi          yes yes yes      9  0
"""
OFFICIAL = """\
name                                 type              encoding         emb sub uni object ID
------------------------------------ ----------------- ---------------- --- --- --- ---------
BAAAAA+FangSong_GB2312               CID TrueType      Identity-H       yes yes yes     12  0
CAAAAA+SimHei                        CID TrueType      Identity-H       yes yes yes     15  0
DAAAAA+FZXiaoBiaoSong-B05S           CID TrueType      Identity-H       yes yes yes     18  0
EAAAAA+Times New Roman               TrueType          WinAnsi          yes yes yes     21  0
"""
NOT_EMBEDDED = """\
name                                 type              encoding         emb sub uni object ID
------------------------------------ ----------------- ---------------- --- --- --- ---------
SimSun                               TrueType          WinAnsi          no  no  no       7  0
DejaVuSans                           TrueType          WinAnsi          yes no  yes      8  0
"""


def test_parser_reads_names_and_embedding():
    assert parse_pdffonts(WITH_NOTO) == [
        PdfFont("NotoSansCJKjp-Regular-VKana", True),
        PdfFont("DejaVuSerif", True),
        PdfFont("DejaVuSans", True),
    ]
    assert parse_pdffonts(WITHOUT_CJK) == [PdfFont("DejaVuMathTeXGyre-Regular", True)]
    assert parse_pdffonts(NOT_EMBEDDED) == [PdfFont("SimSun", False), PdfFont("DejaVuSans", True)]


def test_parser_keeps_a_name_with_spaces_whole():
    assert PdfFont("Times New Roman", True) in parse_pdffonts(OFFICIAL)


def test_parser_of_a_pdf_without_fonts():
    header = WITHOUT_CJK.splitlines()[:2]
    assert parse_pdffonts("\n".join(header)) == []
    assert parse_pdffonts("") == []


@pytest.mark.parametrize(
    ("name", "cjk", "official"),
    [
        ("NotoSansCJKjp-Regular-VKana", True, None),
        ("NotoSerifCJKsc-Regular", True, None),
        ("SourceHanSerifSC-Regular", True, None),
        ("WenQuanYiZenHei", True, None),
        ("FangSong_GB2312", True, "仿宋_GB2312"),
        ("FangSong", True, "仿宋_GB2312"),
        ("KaiTi_GB2312", True, "楷体_GB2312"),
        ("SimHei", True, "黑体"),
        ("FZXiaoBiaoSong-B05S", True, "方正小标宋简体"),
        ("SimSun", True, "宋体"),
        ("DejaVuSans", False, None),
        ("DejaVuMathTeXGyre-Regular", False, None),
        ("Times New Roman", False, None),
        ("LiberationSerif", False, None),
    ],
)
def test_font_names_are_classified(name, cjk, official):
    assert pdfmod.is_cjk_font(name) is cjk
    assert pdfmod.official_font(name) == official


def _docx(path: Path, fonts: list[str]) -> Path:
    """A stand-in .docx whose body asks for `fonts` (East Asian), beside its PDF."""
    runs = "".join(f'<w:r><w:rPr><w:rFonts w:eastAsia="{f}"/></w:rPr></w:r>' for f in fonts)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", f'<w:document xmlns:w="w"><w:body>{runs}</w:body>')
    path.with_suffix(".pdf").write_bytes(b"%PDF-1.7")
    return path.with_suffix(".pdf")


@pytest.fixture
def two_pdfs(tmp_path, monkeypatch):
    """Two documents (one in a subfolder) asking for 仿宋_GB2312, 黑体 and 方正小标宋简体."""
    (tmp_path / "单位报告").mkdir()
    first = _docx(tmp_path / "通报.docx", ["仿宋_GB2312", "方正小标宋简体", "Times New Roman"])
    second = _docx(tmp_path / "单位报告" / "甲县.docx", ["仿宋_GB2312", "黑体"])
    monkeypatch.setattr(pdfmod.shutil, "which", lambda name: f"/usr/bin/{name}")
    return [first, second]


def _report(monkeypatch, outputs: dict[str, str]) -> None:
    monkeypatch.setattr(pdfmod, "read_pdf_fonts", lambda p: parse_pdffonts(outputs[p.stem]))


def test_no_cjk_font_is_an_error_naming_the_files(two_pdfs, tmp_path, monkeypatch):
    _report(monkeypatch, {"通报": WITH_NOTO, "甲县": WITHOUT_CJK})
    with pytest.raises(PdfError) as caught:
        check_pdf_fonts(two_pdfs, tmp_path)
    error = caught.value
    assert error.exit_code == 7
    assert [(p.file, p.code) for p in error.problems] == [("单位报告/甲县.pdf", "pdf-no-cjk-font")]
    text = error.render()
    assert "方框" in text and "apt-get install fonts-noto-cjk" in text
    assert all(f in text for f in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"))


def test_a_cjk_font_not_embedded_does_not_count(two_pdfs, tmp_path, monkeypatch):
    _report(monkeypatch, {"通报": NOT_EMBEDDED, "甲县": WITH_NOTO})
    with pytest.raises(PdfError) as caught:
        check_pdf_fonts(two_pdfs, tmp_path)
    assert [p.file for p in caught.value.problems] == ["通报.pdf"]


def test_each_substituted_office_font_is_a_notice(two_pdfs, tmp_path, monkeypatch):
    _report(monkeypatch, {"通报": WITH_NOTO, "甲县": WITH_NOTO})
    notices = check_pdf_fonts(two_pdfs, tmp_path)
    assert [n.code for n in notices] == ["pdf-font-substituted"] * 3
    assert all(n.severity == "warning" for n in notices)
    messages = sorted(n.message for n in notices)
    assert [m.split("：")[-1] for m in messages] == [
        "仿宋_GB2312 → NotoSansCJKjp-Regular-VKana",
        "方正小标宋简体 → NotoSansCJKjp-Regular-VKana",
        "黑体 → NotoSansCJKjp-Regular-VKana",
    ]


def test_office_fonts_present_give_no_notice(two_pdfs, tmp_path, monkeypatch):
    _report(monkeypatch, {"通报": OFFICIAL, "甲县": OFFICIAL})
    assert check_pdf_fonts(two_pdfs, tmp_path) == []


def test_only_the_missing_office_font_is_named(two_pdfs, tmp_path, monkeypatch):
    no_hei = OFFICIAL.replace("SimHei       ", "NotoSansCJKsc")  # same width
    _report(monkeypatch, {"通报": OFFICIAL, "甲县": no_hei})
    (notice,) = check_pdf_fonts(two_pdfs, tmp_path)
    assert notice.message.endswith("黑体 → NotoSansCJKsc")


def test_without_pdffonts_the_check_is_skipped_with_a_notice(two_pdfs, tmp_path, monkeypatch):
    monkeypatch.setattr(pdfmod.shutil, "which", lambda name: None)
    (notice,) = check_pdf_fonts(two_pdfs, tmp_path)
    assert notice.code == "pdf-fonts-unchecked" and notice.severity == "warning"
    assert "pdffonts" in notice.message and "poppler-utils" in notice.hint


def test_an_unreadable_pdf_is_a_notice_not_a_crash(two_pdfs, tmp_path, monkeypatch):
    monkeypatch.setattr(pdfmod, "read_pdf_fonts", lambda p: None)
    notices = check_pdf_fonts(two_pdfs, tmp_path)
    assert [n.code for n in notices] == ["pdf-fonts-unchecked"] * 2
    assert "单位报告/甲县.pdf" in notices[1].message
