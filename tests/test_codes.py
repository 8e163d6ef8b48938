"""Problem codes: one table, every located problem carries one, and `validate --json` shows them."""

import ast
import json
import pickle
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import COUNTY_HEADER, COUNTY_ROWS, MINI_MODEL, SAMPLE_INPUTS, mini_year

from evalgen import pipeline
from evalgen.cli import main
from evalgen.problems import CODES, InputError, ModelError, Problem, code_description

PACKAGE = Path(__file__).resolve().parent.parent / "evalgen"
MODEL_DIR = PACKAGE / "model"
PROBLEM_TYPES = {"Problem", "ValueProblem", "FileProblem"}
KEYS = [
    "file",
    "sheet",
    "cell",
    "row",
    "column",
    "unit",
    "indicator",
    "path",
    "line",
    "code",
    "severity",
    "message",
    "hint",
]


def _sources(include_model: bool = False) -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if include_model or MODEL_DIR not in p.parents]


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _strings(node: ast.expr | None) -> list[str]:
    """The string constants an expression can give: a literal or either branch of an `if`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _codes_used(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, code) for every literal code: `code=` arguments and values assigned to `code`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "code":
                    found += [(node.lineno, c) for c in _strings(kw.value)]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == "code":
                    found += [(node.lineno, c) for c in _strings(node.value)]
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for name, value in zip(target.elts, node.value.elts, strict=True):
                        if isinstance(name, ast.Name) and name.id == "code":
                            found += [(node.lineno, c) for c in _strings(value)]
    return found


def test_codes_are_kebab_case_with_a_chinese_description():
    for code, text in CODES.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code), code
        assert re.search(r"[\u4e00-\u9fff]", text), code


def test_every_problem_is_created_with_a_code():
    missing = []
    for path in _sources(include_model=True):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            # Checker.add (evalgen/inputs) creates a Problem from its arguments.
            is_add = name == "add" and "inputs" in path.parts and node.args
            if (name in PROBLEM_TYPES or is_add) and not any(
                kw.arg == "code" for kw in node.keywords
            ):
                missing.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert missing == []


def test_the_scan_sees_problems_made_in_every_stage():
    seen = {}
    for path in _sources():
        for _, code in _codes_used(ast.parse(path.read_text(encoding="utf-8"))):
            seen.setdefault(code, path.relative_to(PACKAGE).as_posix())
    assert seen["not-a-number"] == "inputs/values.py"
    assert seen["zip-bomb"] == "inputs/filecheck.py"
    assert seen["hidden-row"] == "inputs/reader.py"
    assert seen["unit-twice"] == "inputs/figures.py"
    assert seen["missing-key"] == "inputs/issuance.py"
    assert seen["template-syntax"] == "documents/render.py"
    assert seen["pdf-failed"] == "documents/pdf.py"
    assert seen["chart-error"] == "charts/errors.py"  # ChartError, importable without matplotlib
    assert seen["output-exists"] == "outputs/files.py"
    assert seen["no-target-for-year"] == "scoring/engine.py"


def test_every_code_used_is_in_the_table():
    unknown = [
        f"{path.relative_to(PACKAGE)}:{line} {code}"
        for path in _sources(include_model=True)
        for line, code in _codes_used(ast.parse(path.read_text(encoding="utf-8")))
        if code not in CODES
    ]
    assert unknown == []


def test_every_code_in_the_table_is_used_somewhere():
    constants = set()
    for path in _sources(include_model=True):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        table = {
            id(key)
            for node in ast.walk(tree)
            if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "CODES"
            for key in node.value.keys
        }
        constants |= {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            if id(node) not in table
        }
    assert sorted(set(CODES) - constants) == []


def test_an_unlisted_code_never_stops_a_run():
    problem = Problem("某个问题", code="not-in-the-table")
    assert problem.code == "not-in-the-table"
    assert code_description("not-in-the-table") == ""
    assert code_description("not-a-number") == "不是数字"


# -- records for tools -----------------------------------------------------------------------


def test_a_located_problem_as_a_record():
    problem = Problem(
        "“九十五”不是数字",
        file="县区数据_2024.xlsx",
        sheet="测试指标",
        row=12,
        column="C",
        unit="甲县",
        indicator="抽检合格率",
        hint="请填写数字",
        code="not-a-number",
    )
    assert problem.record() == {
        "file": "县区数据_2024.xlsx",
        "sheet": "测试指标",
        "cell": "C12",
        "row": 12,
        "column": "C",
        "unit": "甲县",
        "indicator": "抽检合格率",
        "path": None,
        "line": None,
        "code": "not-a-number",
        "severity": "error",
        "message": "“九十五”不是数字",
        "hint": "请填写数字",
    }


def test_a_row_without_a_column_has_no_cell():
    record = Problem("缺少指标列“x”", row=3, code="missing-column").record()
    assert (record["cell"], record["row"], record["column"]) == (None, 3, None)
    assert list(record) == KEYS


def test_an_error_without_problems_is_one_record_with_its_own_code():
    [record] = ModelError("找不到考核细则文件：a.yaml").records()
    assert (record["code"], record["severity"], record["message"]) == (
        "model-error",
        "error",
        "找不到考核细则文件：a.yaml",
    )
    assert [k for k, v in record.items() if v is not None] == ["code", "severity", "message"]
    [record] = InputError("找不到2024年度的数据文件夹", code="missing-folder").records()
    assert record["code"] == "missing-folder"


def test_a_problem_without_a_code_takes_its_errors_code():
    error = ModelError("考核细则有误", [Problem("x", path="groups.g")])
    assert [r["code"] for r in error.records()] == ["model-error"]


def test_errors_keep_code_and_notices_across_processes():
    notice = Problem("不认识的列", severity="warning", code="unknown-column")
    error = InputError("有问题", [Problem("x", code="blank-cell")], code="x-y", notices=[notice])
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.code, copy.problems, copy.notices) == (
        "有问题",
        "x-y",
        error.problems,
        [notice],
    )
    assert [r["code"] for r in copy.records()] == ["blank-cell", "unknown-column"]


# -- evalgen validate --json -----------------------------------------------------------------


def _validate(*args):
    result = CliRunner().invoke(main, ["validate", "2024", *map(str, args), "--json"])
    assert "Traceback" not in result.output
    return result


def _lines(result) -> list[dict]:
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(list(line) == KEYS for line in lines)
    return lines


def _bad_year(tmp_path: Path) -> Path:
    """甲县 C4 九十五, 丁县 D7 blank, 戊县 written 己县 (B8), an unknown column G3."""
    rows = [list(r) for r in COUNTY_ROWS]
    rows[0][2] = "九十五"
    rows[3][3] = None
    rows[4][1] = "己县"
    return mini_year(tmp_path, county_rows=rows, county_header=COUNTY_HEADER + ["备用"])


def test_validate_json_lists_codes_and_cells_of_a_bad_file(tmp_path):
    result = _validate("--inputs", _bad_year(tmp_path), "--model", MINI_MODEL)
    assert result.exit_code == 2
    lines = _lines(result)
    assert [(r["code"], r["cell"], r["unit"], r["severity"]) for r in lines] == [
        ("not-a-number", "C4", "甲县", "error"),
        ("blank-cell", "D7", "丁县", "error"),
        ("unknown-unit", "B8", "己县", "error"),
        ("unit-missing", None, "戊县", "error"),
        ("unknown-column", "G3", None, "warning"),
    ]
    assert {(r["file"], r["sheet"]) for r in lines} == {("县区数据_2024.xlsx", "测试指标")}
    assert lines[0]["indicator"] == "抽检合格率" and lines[0]["row"] == 4
    assert "“九十五”" in result.stdout  # UTF-8, not \\u escapes
    assert "2024年度数据有4处问题" in result.stderr


def test_validate_json_on_good_data_lists_only_notices(tmp_path):
    folder = mini_year(tmp_path, county_header=COUNTY_HEADER + ["备用"])
    shutil.copy(SAMPLE_INPUTS / "2024" / "发文信息.yaml", folder / "2024")
    result = _validate("--inputs", folder, "--model", MINI_MODEL)
    assert result.exit_code == 0, result.output
    [notice] = _lines(result)
    assert (notice["code"], notice["cell"], notice["severity"]) == (
        "unknown-column",
        "G3",
        "warning",
    )
    assert "数据检查通过" in result.stderr and "数据检查通过" not in result.stdout


def test_validate_json_keeps_the_notices_when_the_issuance_file_fails(tmp_path):
    """The data passes with a notice (G3), then 发文信息.yaml is broken: both are listed."""
    folder = mini_year(tmp_path, county_header=COUNTY_HEADER + ["备用"])
    (folder / "2024" / "发文信息.yaml").write_text("发文机关: [未闭合\n", encoding="utf-8")
    result = _validate("--inputs", folder, "--model", MINI_MODEL)
    assert result.exit_code == 2
    lines = _lines(result)
    assert [(r["code"], r["severity"]) for r in lines] == [
        ("yaml-syntax", "error"),
        ("unknown-column", "warning"),
    ]
    assert lines[1]["cell"] == "G3"


def test_validate_json_with_debug_shows_the_traceback(tmp_path):
    result = CliRunner().invoke(
        main,
        ["validate", "2024", "--inputs", str(_bad_year(tmp_path)), "--model", MINI_MODEL]
        + ["--json", "--debug"],
    )
    assert result.exit_code == 2
    assert "Traceback" in result.stderr  # as without --json
    assert [r["code"] for r in _lines(result)][0] == "not-a-number"


def test_validate_json_for_a_missing_model_file(tmp_path):
    result = _validate("--inputs", mini_year(tmp_path), "--model", tmp_path / "没有.yaml")
    assert result.exit_code == 3
    [line] = _lines(result)
    assert line["code"] == "missing-model" and "没有.yaml" in line["message"]


def test_validate_json_for_a_missing_year_folder(tmp_path):
    result = _validate("--inputs", tmp_path, "--model", MINI_MODEL)
    assert result.exit_code == 2
    [line] = _lines(result)
    assert line["code"] == "missing-folder" and "2024" in line["message"]


def test_validate_json_for_an_internal_error(tmp_path, monkeypatch):
    def broken(*args):
        raise RuntimeError("坏了")

    monkeypatch.setattr(pipeline, "validate", broken)
    result = _validate("--inputs", tmp_path)
    assert result.exit_code == 70
    [line] = _lines(result)
    assert (line["code"], line["message"]) == ("internal-error", "RuntimeError: 坏了")
    assert "内部错误" in result.stderr


def test_validate_without_json_prints_no_json(tmp_path):
    result = CliRunner().invoke(
        main, ["validate", "2024", "--inputs", str(_bad_year(tmp_path)), "--model", MINI_MODEL]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "县区数据_2024.xlsx › 测试指标 › C4单元格（甲县 / 抽检合格率）：“九十五”不是数字" in (
        result.stderr
    )
    assert "提示" not in result.stderr  # notices are listed only when the data passes


def test_validate_help_explains_json_in_chinese():
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert "--json" in result.output and "以 JSON Lines 格式" in result.output
    assert "没有的项为 null" in result.output
