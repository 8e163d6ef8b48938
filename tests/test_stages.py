"""公示 → 复核 → 终评 → diff (issue 14): the stages, the overlay in every output, the audit.

Expected values by hand from the 2024 sample inputs and the model (xingtai-2023-2027.yaml):
宁晋县's 食品安全评价性抽检合格率 is 97.96 against the 2024 target 98.25 (扣完为止, 0.5 per
0.1 below): it loses (98.25 − 97.96) / 0.1 × 0.5 = 1.45 of 5 points (3.55). Raised on appeal to
98.30 it meets the target: 5 points, total 90.90 + 1.45 = 92.35, past 南宫市's 91.75: rank
7 → 6, 南宫市 6 → 7; the safety-floor 约谈 (below the target) is gone.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_INPUTS, write_xlsx
from docx import Document

from evalgen import pipeline
from evalgen.cli import main
from evalgen.documents.pdf import find_soffice
from evalgen.inputs.appeals import COLUMNS
from evalgen.inputs.issuance import ISSUANCE_FILE
from evalgen.outputs.diff import diff_runs
from evalgen.problems import InputError

EXAMPLE = SAMPLE_INPUTS / "复核示例"
FOOD = "食品安全评价性抽检合格率"
FLOOR = "食品安全评价性抽检合格率为97.96%，低于2024年度目标98.25%"
RAISE = ["FH-1", "宁晋县", FOOD, "抽检数据漏报", "2025-02-12", "调整", 98.30, "核查意见",
         "2025-02-15", "李××"]  # fmt: skip
UPHOLD = ["FH-2", "南宫市", FOOD, "要求复核", "2025-02-13", "维持", None, "原数据无误",
          "2025-02-15", "李××"]  # fmt: skip
CAUSE = "复核调整：FH-1（宁晋县，调整）"
PUBLICITY = "关于2024年度质量强市建设考核结果的公示.docx"


def inputs_with(base: Path, *rows: list) -> Path:
    """A copy of the sample inputs with the 公示 fields, and a register of `rows` if given."""
    inputs = base / "inputs"
    shutil.copytree(SAMPLE_INPUTS / "2023", inputs / "2023")
    shutil.copytree(SAMPLE_INPUTS / "2024", inputs / "2024")
    shutil.copy(EXAMPLE / ISSUANCE_FILE, inputs / "2024" / ISSUANCE_FILE)
    if rows:
        add_register(inputs, *rows)
    return inputs


def add_register(inputs: Path, *rows: list) -> Path:
    sheet = [["2024年度复核登记表"], list(COLUMNS), *rows]
    return write_xlsx(inputs / "2024" / "复核登记表.xlsx", {"复核登记表": sheet})


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def unit(results: dict, name: str) -> dict:
    return next(u for g in results["groups"] for u in g["units"] if u["unit"] == name)


def read(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(inputs, 初评 run, 终评 run): the 初评 before the register, the final run after it."""
    base = tmp_path_factory.mktemp("stages")
    inputs = inputs_with(base)
    first = pipeline.score(2024, inputs, out_dir=base / "初评", stage="初评").folder
    add_register(inputs, RAISE, UPHOLD)
    final = pipeline.score(2024, inputs, out_dir=base / "终评", supersedes=first, jobs=1).folder
    return inputs, first, final


@pytest.mark.slow
def test_the_preliminary_run_writes_the_publicity_and_no_bulletin(runs):
    _, first, _ = runs
    files = sorted(p.name for p in first.rglob("*") if p.is_file())
    assert files == sorted(["results.json", "考核结果_2024.xlsx", PUBLICITY, "manifest.json"])
    text = docx_text(first / PUBLICITY)
    assert "公示期为2025年2月10日至2025年2月16日" in text
    # Table 1 row of 宁晋县 as first scored: rank 7, 90.90, 优秀 (A from 90).
    assert "7宁晋县90.90优秀" in text and "联系人：张××；联系电话：0319-0000000。" in text
    core = Document(str(first / PUBLICITY)).core_properties  # File → Properties
    assert (core.title, core.author) == (
        "关于2024年度质量强市建设考核结果的公示",
        "邢台市质量强市战略领导小组办公室",
    )
    results, manifest = read(first, "results.json"), read(first, "manifest.json")
    assert results["stage"] == "初评" and "appeals" not in results
    assert manifest["stage"] == "初评" and manifest["appeals"]["applied"] == []
    assert set(manifest["templates"]) == {"publicity.docx"}


@pytest.mark.slow
def test_the_final_run_applies_the_appeal_everywhere(runs):
    inputs, first, final = runs
    results = read(final, "results.json")
    ningjin, nangong = unit(results, "宁晋县"), unit(results, "南宫市")
    food = next(i for i in ningjin["indicators"] if i["id"] == "food_pass_rate")
    assert (food["value"], food["score"], food["source"]["cell"], food["source"]["appeal"]) == (
        98.3, 5, "E14", "FH-1",
    )  # fmt: skip
    assert (ningjin["total"], ningjin["rank"], nangong["rank"]) == (92.35, 6, 7)
    assert not [t for t in ningjin["triggers"] if t["kind"] == "约谈"]
    assert [(a["number"], a["decision"]) for a in results["appeals"]] == [
        ("FH-1", "调整"),
        ("FH-2", "维持"),
    ]
    manifest = read(final, "manifest.json")
    register = inputs / "2024" / "复核登记表.xlsx"
    assert manifest["stage"] == "终评"
    assert manifest["appeals"] == {
        "register": {"2024/复核登记表.xlsx": hashlib.sha256(register.read_bytes()).hexdigest()},
        "applied": ["FH-1"],
        "upheld": ["FH-2"],
    }
    first_manifest = hashlib.sha256((first / "manifest.json").read_bytes()).hexdigest()
    assert manifest["supersedes"] == {
        "path": str(first),
        "stage": "初评",
        "manifest_sha256": first_manifest,
    }


@pytest.mark.slow
def test_the_unit_reports_list_the_units_appeals_upheld_ones_too(runs):
    _, _, final = runs
    reports = final / "单位报告"
    ningjin = docx_text(next(reports.glob("宁晋县_*.docx")))
    # No 约谈 or 整改 left for 宁晋县, so its sections are 一 考核结果, 二 指标得分明细,
    # 三 不适用指标和加减分, 四 需要改进的问题 and 五 复核情况.
    assert "五、复核情况" in ningjin and "调整为98.3%" in ningjin and "核查意见" in ningjin
    nangong = docx_text(next(reports.glob("南宫市_*.docx")))
    assert "复核情况" in nangong and "FH-2" in nangong and "维持原结果" in nangong
    assert "复核情况" not in docx_text(next(reports.glob("清河县_*.docx")))


@pytest.mark.slow
def test_explain_shows_the_appeal(runs):
    inputs, _, _ = runs
    text = pipeline.explain(2024, "宁晋县", inputs)
    assert "县区考核数据_2024.xlsx › 县区指标 › E14（经复核调整，复核编号 FH-1）" in text
    assert "【复核情况】" in text
    assert "复核编号 FH-1 食品安全评价性抽检合格率：调整为98.3%" in text
    assert "FH-2" not in text  # 南宫市's appeal is 南宫市's


@pytest.mark.slow
def test_the_diff_names_the_appeal_behind_every_change(runs, tmp_path):
    _, first, final = runs
    diff = pipeline.diff(first, final, docx=tmp_path / "复核情况说明.docx")
    assert diff.stages == ("初评", "终评")
    assert [(c.unit, c.kind, c.item, c.before, c.after, c.cause) for c in diff.changes] == [
        ("南宫市", "名次", "", "第6位", "第7位", CAUSE),
        ("宁晋县", "完成值", FOOD, "97.96%", "98.3%", CAUSE),
        ("宁晋县", "指标得分", FOOD, "3.55", "5", CAUSE),
        ("宁晋县", "总分", "", "90.90", "92.35", CAUSE),
        ("宁晋县", "名次", "", "第7位", "第6位", CAUSE),
        ("宁晋县", "约谈", FLOOR, "列入", "不列入", CAUSE),
    ]
    # Templates used by one stage only (公示; 通报, reports, notices) are no change.
    assert diff.sources == ("输入文件变化：2024/复核登记表.xlsx",)
    text = docx_text(tmp_path / "复核情况说明.docx")
    assert "共登记复核申请2项，其中调整1项、维持原结果1项。" in text
    assert "终评结果有6处变化，涉及2个单位" in text and "维持原结果" in text
    assert diff_runs(final, final).empty


@pytest.mark.slow
def test_an_upheld_appeal_changes_nothing_but_is_listed(tmp_path):
    plain = pipeline.score(2024, inputs_with(tmp_path / "a"), out_dir=tmp_path / "a" / "out",
                           documents=False).folder  # fmt: skip
    upheld = inputs_with(tmp_path / "b", UPHOLD)
    run = pipeline.score(2024, upheld, out_dir=tmp_path / "b" / "out", documents=False).folder
    diff = diff_runs(plain, run)
    assert diff.empty and diff.sources == ("输入文件变化：2024/复核登记表.xlsx",)
    assert [a["number"] for a in read(run, "results.json")["appeals"]] == ["FH-2"]
    assert read(run, "manifest.json")["appeals"]["upheld"] == ["FH-2"]
    # Without a register, results.json is as it always was: no stage, no appeals.
    assert not {"stage", "appeals"} & set(read(plain, "results.json"))


@pytest.mark.slow
def test_revoking_an_event_is_a_row_of_its_own(tmp_path):
    inputs = inputs_with(tmp_path)
    before = pipeline.score(2024, inputs, out_dir=tmp_path / "a", documents=False).folder
    add_register(inputs, ["FH-3", "清河县", "B02", "", "", "调整", "撤销", "奖项撤销", "", ""])
    after = pipeline.score(2024, inputs, out_dir=tmp_path / "b", documents=False).folder
    rows = [(c.unit, c.kind, c.item, c.before, c.after, c.cause)
            for c in diff_runs(before, after).changes if c.kind == "加减分事项"]  # fmt: skip
    assert rows == [
        ("清河县", "加减分事项", "获河北省政府质量奖", "加分×1", "—",
         "复核调整：FH-3（清河县，调整）"),
    ]  # fmt: skip


def test_the_publicity_needs_its_issuance_fields(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS / "2024", inputs / "2024")  # the plain issuance file
    with pytest.raises(InputError) as caught:
        pipeline.score(2024, inputs, out_dir=tmp_path / "out", stage="初评")
    assert [(p.code, p.file, p.message) for p in caught.value.problems] == [
        ("publicity-key-missing", ISSUANCE_FILE, f"初评公示需要“{key}”")
        for key in ("公示期", "公示日期", "异议受理方式", "异议受理地址")
    ]
    assert not (tmp_path / "out").exists()


def test_supersedes_must_name_a_run_of_the_same_year(tmp_path):
    other = tmp_path / "2023"
    other.mkdir()
    (other / "results.json").write_text('{"year": 2023, "groups": []}', encoding="utf-8")
    (other / "manifest.json").write_text('{"year": 2023, "inputs": {}}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        pipeline.score(2024, out_dir=tmp_path / "out", supersedes=other, documents=False)
    assert [p.code for p in caught.value.problems] == ["supersedes-other-year"]
    with pytest.raises(InputError) as caught:
        pipeline.score(2024, out_dir=tmp_path / "out", supersedes=tmp_path, documents=False)
    assert [p.code for p in caught.value.problems] == ["not-a-run"]


@pytest.mark.slow
def test_the_command_line_path_and_byte_identical_reruns(tmp_path, monkeypatch):
    inputs = inputs_with(tmp_path)
    monkeypatch.chdir(tmp_path)
    cli = CliRunner()
    done = cli.invoke(main, ["score", "2024", "--inputs", str(inputs), "--stage", "初评"])
    assert done.exit_code == 0, done.output
    assert "阶段：初评" in done.output and (tmp_path / "out" / "2024-初评" / PUBLICITY).is_file()
    shutil.copy(EXAMPLE / "复核登记表.xlsx", inputs / "2024")
    final = ["score", "2024", "--inputs", str(inputs), "--no-docs", "--supersedes", "out/2024-初评"]
    for _ in range(2):
        done = cli.invoke(main, final)
        assert done.exit_code == 0, done.output
    assert "已应用复核登记表：调整1项（FH-2025-01），维持1项（FH-2025-02）" in done.output
    for name in ("results.json", "manifest.json", "考核结果_2024.xlsx"):
        assert (tmp_path / "out/2024" / name).read_bytes() == (
            tmp_path / "out/2024.prev-1" / name
        ).read_bytes()
    done = cli.invoke(main, ["diff", "out/2024-初评", "out/2024", "--docx", "说明.docx"])
    assert done.exit_code == 0, done.output
    assert "复核调整：FH-2025-01（宁晋县，调整）" in done.output
    assert "复核情况说明已写入：说明.docx" in done.output and (tmp_path / "说明.docx").is_file()
    bad = cli.invoke(main, ["score", "2024", "--stage", "复评"])
    assert bad.exit_code == 2 and "初评" in bad.output


@pytest.mark.slow
@pytest.mark.pdf
@pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) 或 pdftotext 未安装：跳过 PDF 转换测试（.ci/run 会安装它们）",
)
def test_the_publicity_converts_to_pdf(tmp_path):
    import subprocess

    inputs = inputs_with(tmp_path)
    run = pipeline.score(2024, inputs, out_dir=tmp_path / "out", stage="初评", pdf=True)
    pdf = run.folder / PUBLICITY.replace(".docx", ".pdf")
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    text = re.sub(r"\s+", "", done.stdout.decode("utf-8"))
    # Every unit with its proposed total (宁晋县 90.90 before any appeal), and the contact.
    assert "宁晋县90.90" in text and "市民政局63.73" in text and "0319-0000000" in text
    assert PUBLICITY.replace(".docx", ".pdf") in read(run.folder, "manifest.json")["outputs"]
