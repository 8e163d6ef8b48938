"""PDF copies of the documents through LibreOffice headless."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..problems import EvalgenError, Problem

__all__ = [
    "PdfError",
    "check_pdf_fonts",
    "convert_to_pdf",
    "find_soffice",
    "parse_pdffonts",
    "require_soffice",
]

TIMEOUT_SECONDS = 600
# Keep the blank pages LibreOffice inserts (a section starting on an even page: the 通报's
# 版记 on the back of the last sheet); by default its PDF export leaves them out, and a
# double-sided print would then put the 版记 on the wrong side.
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


class PdfError(EvalgenError):
    """LibreOffice is missing or a conversion failed (exit code 7)."""

    exit_code = 7
    code = "pdf-error"


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The LibreOffice command, or a clear error before any work is done."""
    soffice = find_soffice()
    if soffice is None:
        hint = "请安装 LibreOffice（如 apt-get install libreoffice-writer），或去掉 --pdf 选项"
        raise PdfError(
            "生成 PDF 需要 LibreOffice，但本机未安装",
            [Problem("找不到 soffice 命令", hint=hint, code="soffice-missing")],
        )
    return soffice


def convert_to_pdf(files: list[Path], timeout: int = TIMEOUT_SECONDS) -> list[Path]:
    """Convert .docx files to PDF beside them; one LibreOffice run per folder."""
    soffice = require_soffice()
    out = []
    by_folder: dict[Path, list[Path]] = {}
    for path in files:
        by_folder.setdefault(path.parent, []).append(path)
    for folder, group in sorted(by_folder.items()):
        # A private profile per run: concurrent LibreOffice processes must not share one.
        with tempfile.TemporaryDirectory(prefix="evalgen-lo-") as profile:
            cmd = [
                soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                "--convert-to", PDF_FILTER, "--outdir", str(folder), *map(str, group),
            ]  # fmt: skip
            try:
                done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
            except subprocess.TimeoutExpired:
                raise PdfError(f"LibreOffice 转换 PDF 超时（{timeout}秒）：{folder}") from None
        for path in group:
            pdf = path.with_suffix(".pdf")
            if not pdf.is_file() or pdf.stat().st_size == 0:
                detail = done.stderr.decode("utf-8", "replace").strip()[-300:]
                raise PdfError(
                    f"LibreOffice 未能生成 {pdf.name}",
                    [Problem(detail or "无输出", file=path.name, code="pdf-failed")],
                )
            out.append(pdf)
    return out


# -- the fonts of the PDFs: a PDF whose Chinese is missing-glyph boxes must never pass ----------

# The office fonts (公文字体) the templates ask for, with the PostScript names they embed as
# (lower case, letters and digits only; a face of the same design counts).
OFFICIAL_FONTS: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": ("fangsonggb2312", "fangsong", "仿宋"),
    "方正小标宋简体": ("fzxiaobiaosong", "fzxbsjw", "方正小标宋"),
    "黑体": ("simhei", "黑体"),
    "楷体_GB2312": ("kaitigb2312", "kaiti", "楷体"),
    "宋体": ("simsun", "宋体"),
}
# Names of Chinese (CJK) faces: Noto/Source Han, Windows and Founder fonts, WenQuanYi, AR PL…
_CJK_NAME = re.compile(
    r"cjk|gb2312|gbk|gb18030|song|hei|kai|fang|ming|yahei|^fz|wqy|wenquanyi|droidsansfallback"
    r"|sourcehan|hansans|hanserif|sarasa|^noto(sans|serif)(sc|tc|hk|jp|kr)|[^\x00-\x7f]"
)
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
NO_CJK_HINT = (
    "请安装中文字体后重新运行：apt-get install fonts-noto-cjk（可读的替代字体），"
    "或安装公文字体 仿宋_GB2312、方正小标宋简体、黑体、楷体_GB2312"
)


@dataclass(frozen=True)
class PdfFont:
    """One font of a PDF as `pdffonts` lists it (the subset tag removed)."""

    name: str
    embedded: bool


def parse_pdffonts(text: str) -> list[PdfFont]:
    """The fonts in `pdffonts` output: a header, a rule of dashes, then one line per font.

    The columns are found from the rule, so a name with spaces is read whole.
    """
    lines = text.splitlines()
    rule = next((i for i, line in enumerate(lines) if line.startswith("---")), None)
    if rule is None:
        return []
    spans = [m.span() for m in re.finditer(r"-+", lines[rule])]
    header = lines[rule - 1] if rule else ""
    emb = next((s for s in spans if header[s[0] : s[1]].strip() == "emb"), spans[3])
    fonts = []
    for line in lines[rule + 1 :]:
        if not line.strip():
            continue
        name = _SUBSET_TAG.sub("", line[: spans[0][1]].strip())
        fonts.append(PdfFont(name, line[emb[0] : emb[1]].strip() == "yes"))
    return fonts


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z\u0080-\uffff]", "", name.lower())


def is_cjk_font(name: str) -> bool:
    """Whether a PDF font name is a Chinese (CJK) face."""
    return bool(_CJK_NAME.search(_key(name))) or official_font(name) is not None


def official_font(name: str) -> str | None:
    """The office font (公文字体) a PDF font name is, if any."""
    key = _key(name)
    return next((f for f, keys in OFFICIAL_FONTS.items() if any(k in key for k in keys)), None)


def read_pdf_fonts(pdf: Path) -> list[PdfFont] | None:
    """The fonts of `pdf` through `pdffonts` (poppler-utils); None if it cannot be read."""
    pdffonts = shutil.which("pdffonts")
    if pdffonts is None:
        return None
    try:
        done = subprocess.run([pdffonts, str(pdf)], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return parse_pdffonts(done.stdout.decode("utf-8", "replace"))


def requested_fonts(docx: Path) -> set[str]:
    """The office fonts (公文字体) a .docx asks for, in its body, styles, headers and footers."""
    try:
        with zipfile.ZipFile(docx) as z:
            xml = "".join(
                z.read(n).decode("utf-8", "replace")
                for n in z.namelist()
                if n.startswith("word/") and n.endswith(".xml")
            )
    except (OSError, zipfile.BadZipFile):
        return set()
    names = set(re.findall(r'w:(?:eastAsia|ascii|hAnsi)="([^"]+)"', xml))
    return names & OFFICIAL_FONTS.keys()


def check_pdf_fonts(pdfs: list[Path], root: Path) -> list[Problem]:
    """Check that every PDF embeds a Chinese font; the notices (提示) for the user.

    A PDF without an embedded CJK face draws its Chinese as missing-glyph boxes: a `PdfError`
    naming the files (relative to `root`). An office font replaced by another face is a
    notice naming each substitution. Without `pdffonts` the check is skipped, with a notice.
    """
    if shutil.which("pdffonts") is None:
        return [_unchecked("缺少 pdffonts 命令，未检查 PDF 中的中文字体是否正确嵌入")]
    notices: list[Problem] = []
    missing: list[str] = []
    replaced: dict[str, dict[str, None]] = {}  # office font → the faces drawn instead, in order
    for pdf in pdfs:
        fonts = read_pdf_fonts(pdf)
        if fonts is None:
            notices.append(_unchecked(f"未能读取 {pdf.relative_to(root).as_posix()} 中的字体"))
            continue
        cjk = list(dict.fromkeys(f.name for f in fonts if f.embedded and is_cjk_font(f.name)))
        if not cjk:
            missing.append(pdf.relative_to(root).as_posix())
        used = {official_font(name) for name in cjk}
        others = [name for name in cjk if official_font(name) is None]
        for font in requested_fonts(pdf.with_suffix(".docx")) - used:
            replaced.setdefault(font, {}).update(dict.fromkeys(others))
    if missing:
        raise PdfError(
            f"{len(missing)}份 PDF 没有嵌入中文字体，其中的汉字会显示为方框，未输出任何文件。"
            f"{NO_CJK_HINT}",
            [Problem("PDF 中没有中文字体", file=name, code="pdf-no-cjk-font") for name in missing],
        )
    return notices + [
        Problem(
            f"公文字体{font}未安装，PDF 中改用替代字体：{font} → {'、'.join(faces) or '其他字体'}",
            hint=f"如需与正式公文一致，请安装字体 {font}",
            severity="warning",
            code="pdf-font-substituted",
        )
        for font, faces in sorted(replaced.items())
    ]


def _unchecked(message: str) -> Problem:
    return Problem(
        message,
        hint="如需检查，请安装 poppler-utils（apt-get install poppler-utils）",
        severity="warning",
        code="pdf-fonts-unchecked",
    )
