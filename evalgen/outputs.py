"""Write a run folder: results workbook, results.json, manifest.json — atomically.

Everything is written into a hidden sibling folder first; only when all files are complete is
it renamed into place. A previous run folder is never overwritten: it is kept aside as
`YEAR.prev-N`. Zip outputs get fixed timestamps so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .problems import OutputError, Problem

__all__ = [
    "RunFolder",
    "json_bytes",
    "results_workbook",
    "sha256_file",
    "stable_zip",
    "write_file",
]

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_CORE_TIME = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def stable_zip(data: bytes) -> bytes:
    """Rewrite a zip (xlsx/docx) with fixed member timestamps and fixed document dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIME.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", body)
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


def write_file(path: Path, data: bytes) -> Path:
    """Write a whole file or nothing: a temporary name, fsync, then rename into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return path


@dataclass
class RunFolder:
    """A run folder being written: files go to a staging folder until `commit`."""

    final: Path
    staging: Path
    kept_aside: Path | None = None

    @classmethod
    def begin(cls, final: Path) -> RunFolder:
        final = final.resolve()
        if final.exists() and not _is_replaceable(final):
            raise OutputError(
                f"输出文件夹 {final} 已存在，但不是 evalgen 的运行结果",
                [
                    Problem(
                        "为避免覆盖其中的文件，本次未写入任何内容",
                        hint="请用 --out 指定一个新的文件夹",
                    )
                ],
            )
        final.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(final)
        staging = final.parent / f".{final.name}.partial-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        return cls(final, staging)

    def write(self, name: str, data: bytes) -> Path:
        return write_file(self.staging / name, data)

    def files(self) -> list[Path]:
        return sorted(p for p in self.staging.rglob("*") if p.is_file())

    def commit(self) -> Path:
        """Move the finished run into place, keeping any previous run aside."""
        if self.final.is_dir() and not any(self.final.iterdir()):
            self.final.rmdir()
        if self.final.exists():
            n = 1
            while (aside := self.final.with_name(f"{self.final.name}.prev-{n}")).exists():
                n += 1
            self.final.rename(aside)
            self.kept_aside = aside
        self.staging.rename(self.final)
        return self.final

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _is_replaceable(folder: Path) -> bool:
    """An earlier evalgen run (it has a manifest) or an empty folder; nothing else."""
    return folder.is_dir() and ((folder / "manifest.json").is_file() or not any(folder.iterdir()))


def _remove_stale_staging(final: Path) -> None:
    """Staging folders left by killed runs (their process is gone) are removed."""
    for stale in final.parent.glob(f".{final.name}.partial-*"):
        try:
            pid = int(stale.name.rsplit("-", 1)[1])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(stale, ignore_errors=True)
        except PermissionError:
            pass  # a live process of another user: not ours to remove


def results_workbook(results: dict) -> bytes:
    """考核结果_YEAR.xlsx: a sheet per group, indicator details, adjustments, follow-ups."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    # Write-only: rows stream to the file, so memory does not grow with the number of units.
    wb = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def sheet(title, headers, rows, widths, two_decimals: int | None = None):
        ws = wb.create_sheet(title)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        header = []
        for text in headers:
            cell = WriteOnlyCell(ws, value=text)
            cell.font, cell.fill, cell.alignment = header_font, header_fill, centred
            header.append(cell)
        ws.append(header)
        for row in rows:
            if two_decimals is not None:
                row = list(row)
                cell = WriteOnlyCell(ws, value=row[two_decimals])
                cell.number_format = "0.00"
                row[two_decimals] = cell
            ws.append(row)
        return ws

    year = results["year"]
    for group in results["groups"]:
        cats = [c["name"] for c in group["categories"]]
        headers = ["排名", "单位", "总分", "等次", *cats, "加分", "扣分", "一票否决"]
        headers += [f"{results['previous_year']}年排名" if results["previous_year"] else "上年排名"]
        headers += ["名次变化", "约谈/整改", "不适用说明"]
        rows = []
        for u in group["units"]:
            by_cat = [c["score"] if c["applicable"] else "—" for c in u["categories"]]
            triggers = "；".join(f"{t['kind']}：{t['reason']}" for t in u["triggers"])
            notes = "；".join(
                [f"{n['name']}：{n['reason']}" for n in u["not_applicable"]] + u["notes"]
            )
            rows.append(
                [u["rank"], u["unit"], u["total"], f"{u['grade']}（{u['grade_name']}）",
                 *by_cat, u["bonus_applied"], u["penalty"],
                 "是" if u["veto"] else "", u["previous_rank"], u["rank_change"], triggers, notes]
            )  # fmt: skip
        widths = [6, 18, 9, 11, *[12] * len(cats), 7, 7, 9, 9, 9, 60, 40]
        sheet(group["name"], headers, rows, widths, two_decimals=2)
    detail = []
    for group in results["groups"]:
        for u in group["units"]:
            for i in u["indicators"]:
                src = i["source"] or {}
                where = " › ".join(
                    x for x in (src.get("file"), src.get("sheet"), src.get("cell")) if x
                )
                detail.append(
                    [group["name"], u["unit"], i["category"], i["name"], i["measure"],
                     "不适用" if i["not_applicable"] else i["value"], i["target"], i["rule_label"],
                     i["rule_text"], i["points"], i["effective_points"], i["score"], i["lost"],
                     i["na_reason"], where]
                )  # fmt: skip
    sheet(
        "指标明细",
        ["组别", "单位", "类别", "指标", "计量单位", "完成值", "目标值", "计分规则", "规则说明",
         "分值", "实际分值", "得分", "失分", "不适用原因", "数据来源"],
        detail,
        [12, 18, 18, 30, 8, 10, 10, 10, 40, 7, 9, 9, 9, 16, 40],
    )  # fmt: skip
    adjustments = [
        [g["name"], u["unit"], a["kind_label"], a["id"], a["name"], a["count"], a["points"],
         a["basis"], a["date"]]
        for g in results["groups"] for u in g["units"] for a in u["adjustments"]
    ]  # fmt: skip
    sheet(
        "加减分及否决",
        ["组别", "单位", "类型", "事项编号", "事项", "次数", "分值", "依据", "认定日期"],
        adjustments,
        [12, 18, 10, 9, 36, 6, 7, 50, 12],
    )
    followups = [
        [g["name"], u["unit"], u["rank"], u["total"], t["kind"], t["reason"], t["action"]]
        for g in results["groups"] for u in g["units"] for t in u["triggers"]
    ]  # fmt: skip
    sheet(
        "约谈及整改",
        ["组别", "单位", "排名", "总分", "类型", "原因", "处理"],
        followups,
        [12, 18, 6, 9, 8, 60, 50],
    )
    about = [
        ["考核年度", year],
        ["考核细则", f"{results['model']['name']}（{results['model']['version']}）"],
        ["总分取舍", results["rounding"]],
        ["加分上限", results["bonus_cap"]],
        ["生成工具", f"evalgen {results['evalgen_version']}"],
    ]
    sheet("说明", ["项目", "内容"], about, [14, 80])
    wb.properties.creator = "evalgen"
    buf = io.BytesIO()
    wb.save(buf)
    return stable_zip(buf.getvalue())
