"""`evalgen progress 2025H1` on the embedded sample: the 定期通报, the ledger, the 督办单."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_INPUTS
from docx import Document
from openpyxl import load_workbook

from evalgen.charts.font import ChartError
from evalgen.charts.kinds import CHARTS
from evalgen.cli import main
from evalgen.model.loader import load_model
from evalgen.model.names import model_for_year

MODEL = model_for_year(load_model().model, 2025)
TASK_ROWS = sum(len(t.units) for g in MODEL.groups.values() for t in g.tasks)


def _text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("progress") / "2025H1"
    result = CliRunner().invoke(main, ["progress", "2025H1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "严重滞后 4 项" in result.output
    return out


@pytest.mark.slow
def test_the_record_exercises_every_status(run):
    record = json.loads((run / "progress.json").read_text("utf-8"))
    # the sample wants 7 滞后 and 4 严重滞后 cells (tools/period_samples.py WANTED)
    assert (record["counts"]["滞后"], record["counts"]["严重滞后"]) == (7, 4)
    assert {r["status"] for r in record["ledger"]} == {"未启动", "推进中", "已完成"}
    assert {m["status"] for m in record["milestones"]} == {"有望按期实现", "存在风险"}
    xinhe = {(s["indicator"], s["status"]) for s in record["statuses"] if s["unit"] == "新河县"}
    assert ("mfg_pass_rate", "严重滞后") in xinhe
    # 技改项目: target 500, declared schedule H1 0.4 → expected 200
    tech = next(s for s in record["statuses"] if s["indicator"] == "dept_tech_renovation_projects")
    assert tech["expected"] == "200"
    # 新增标准 (累计): 2023 and 2024 from the annual sample folders, 2025 target 85
    standards = next(m for m in record["milestones"] if m["id"] == "ms_new_standards")
    assert set(standards["annual"]) == {"2023", "2024"} and standards["target"] == "85"


@pytest.mark.slow
def test_the_ledger_has_one_row_per_task_and_unit(run):
    wb = load_workbook(run / "台账_2025H1.xlsx", read_only=True)
    rows = list(wb["任务台账"].iter_rows(values_only=True))
    assert rows[0][:5] == ("任务序号", "任务名称", "责任单位", "责任类型", "进展状态")
    assert len(rows) - 1 == TASK_ROWS
    roles = [(r[0], r[2], r[3]) for r in rows[1:] if r[0] == 3]
    assert roles == [(3, "市市场监管局", "牵头"), (3, "市财政局", "配合")]
    lagging = {(r[0], r[2]) for r in rows[1:] if r[6] == "滞后"}
    assert lagging == {
        (9, "市行政审批局"),
        (14, "市邮政管理局"),
        (16, "市民政局"),
        (19, "市委宣传部"),
    }
    assert len(list(wb["任务汇总"].iter_rows())) - 1 == 27


@pytest.mark.slow
def test_the_bulletin_and_one_supervision_notice_per_lagging_unit(run):
    text = _text(run / "定期通报_2025H1.docx")
    assert "关于2025年上半年质量强市建设工作进展情况的通报" in text
    assert (
        "新河县：制造业产品质量合格率截至6月30日为86.4%，低于全年目标94%，差距8.09%，严重滞后"
        in text
    )
    assert (
        "第9项“强化农产品、食品药品质量安全”（牵头单位：市农业农村局）：市行政审批局尚未启动"
        in text
    )
    assert "全社会研发经费投入增长" in text and "存在风险" in text
    notices = sorted(p.stem for p in (run / "督办单").glob("*.docx"))
    lagging_units = {"临城县", "柏乡县", "宁晋县", "巨鹿县", "新河县", "威县", "广宗县"}
    lagging_units |= {"市工业和信息化局", "市住房城乡建设局", "市科技局"}  # indicators
    lagging_units |= {"市行政审批局", "市邮政管理局", "市民政局", "市委宣传部"}  # tasks
    assert notices == sorted(f"督办单_{u}" for u in lagging_units)
    one = _text(run / "督办单" / "督办单_新河县.docx")
    assert (
        "质量帮扶服务企业数截至6月30日为12家，按时序进度应达到15家（全年目标30家），差距20%，严重滞后"
        in one
    )


@pytest.mark.slow
def test_same_inputs_same_bytes(run, tmp_path):
    again = tmp_path / "again"
    assert CliRunner().invoke(main, ["progress", "2025H1", "--out", str(again)]).exit_code == 0
    for path in sorted(p for p in run.rglob("*") if p.is_file()):
        assert (again / path.relative_to(run)).read_bytes() == path.read_bytes(), path.name


@pytest.mark.slow
def test_a_bad_input_leaves_no_folder(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS / "2025H1", inputs / "2025H1")
    (inputs / "2025H1" / "全市指标_2025H1.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["progress", "2025H1", "--inputs", str(inputs), "--out", str(out)]
    )
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert not out.exists()


def test_a_bad_period_is_told_in_chinese(tmp_path):
    result = CliRunner().invoke(main, ["progress", "2025年上半年", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "期次“2025年上半年”写法有误" in result.output
    assert not (tmp_path / "o").exists()


def status_chart(rows):
    return CHARTS["progress_status"].draw(rows=rows)


def milestone_chart(rows):
    return CHARTS["milestones"].draw(rows=rows)


def test_the_charts_draw_plain_data():
    png = status_chart([{"label": "合格率", "正常": 18, "滞后": 1, "严重滞后": 1}])
    assert png.startswith(b"\x89PNG")
    rows = [
        {"label": "标准", "percent": 76.5, "status": "存在风险", "text": "2024年65项，目标85项"}
    ]
    assert milestone_chart(rows).startswith(b"\x89PNG")
    with pytest.raises(ChartError):
        status_chart([])


@pytest.mark.slow
@pytest.mark.pdf
def test_pdf_copies(tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    out = tmp_path / "pdf"
    result = CliRunner().invoke(main, ["progress", "2025H1", "--out", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert (out / "定期通报_2025H1.pdf").stat().st_size > 0
    assert len(list((out / "督办单").glob("*.pdf"))) == 14


@pytest.mark.slow
def test_the_committed_period_sample_is_what_make_samples_writes(tmp_path, monkeypatch):
    tools = Path(__file__).resolve().parent.parent / "tools"
    monkeypatch.syspath_prepend(str(tools))
    import make_samples  # noqa: PLC0415 - a script's module, imported for its helpers
    from period_samples import write_period_folder  # noqa: PLC0415

    written = write_period_folder(MODEL, "2025H1", tmp_path, make_samples)
    assert sorted(p.name for p in written) == sorted(
        p.name for p in (SAMPLE_INPUTS / "2025H1").iterdir()
    )
    for path in written:
        assert path.read_bytes() == (SAMPLE_INPUTS / "2025H1" / path.name).read_bytes(), path.name


@pytest.mark.slow
def test_the_documents_properties_name_the_issuer_title_and_date(run):
    """File → Properties of the 定期通报 and a 督办单: the title, 发文机关 as author and the
    成文日期 of the period's issuance file (2025年7月15日), not the builder's defaults."""
    issuer = "邢台市质量强市战略领导小组办公室"
    for path, title in (
        (run / "定期通报_2025H1.docx", "关于2025年上半年质量强市建设工作进展情况的通报"),
        (run / "督办单" / "督办单_宁晋县.docx", "质量强市建设工作督办单"),
    ):
        core = Document(str(path)).core_properties
        assert (core.title, core.author) == (title, issuer)
        assert core.created is not None and core.created.date().isoformat() == "2025-07-15"
