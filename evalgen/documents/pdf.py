"""PDF copies of the documents through LibreOffice headless."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..problems import EvalgenError, Problem

__all__ = ["PdfError", "convert_to_pdf", "find_soffice", "require_soffice"]

TIMEOUT_SECONDS = 600


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
                "--convert-to", "pdf", "--outdir", str(folder), *map(str, group),
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
