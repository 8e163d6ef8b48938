"""Located problems and evalgen's one family of errors.

A problem knows where it is (file, sheet, Excel row and column, unit, indicator) and says in
Chinese what is wrong and how to fix it. Problems are collected, then raised together.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = [
    "CODES",
    "EXPLAINING_NOTICES",
    "EvalgenError",
    "InputError",
    "ModelError",
    "OutputError",
    "Problem",
    "column_letter",
    "code_description",
]

# Every problem code, declared once: code → what it means, in a few Chinese words.
# A problem's code is for tests and tools (`evalgen validate --json`); users read its message.
# Adding a kind of problem is adding one line here (a test checks that every code used in
# evalgen is listed); an unlisted code never stops a run.
CODES: dict[str, str] = {
    # -- files, before they are parsed (inputs/filecheck.py) --
    "file-unreadable": "文件无法读取",
    "file-empty": "文件是空的",
    "file-too-large": "文件过大",
    "wrong-file-type": "文件类型与扩展名不符或不受支持",
    "unsupported-file": "不支持的文件格式，未读取（提示）",
    "file-corrupt": "文件已损坏",
    "zip-bomb": "压缩比或解压后大小异常",
    "merged-range-too-large": "合并单元格范围过大",
    "sheet-too-large": "工作表已用区域过大",
    "csv-encoding": "CSV 编码无法识别",
    "csv-syntax": "CSV 格式有误",
    "wrong-year-in-file-name": "文件名中的年度与考核年度不符",
    # -- sheets and tables (inputs/reader.py) --
    "hidden-sheet": "隐藏的工作表，已照常读取（提示）",
    "hidden-row": "隐藏的行，已照常读取（提示）",
    "hidden-column": "隐藏的列，已照常读取（提示）",
    "empty-sheet": "工作表或文件是空的",
    "missing-header": "找不到表头行",
    "formula-only-rows": "只有公式没有结果的行，视为空行（提示）",
    "missing-folder": "找不到年度数据文件夹",
    "missing-sheet": "找不到工作表",
    "missing-column": "缺少列",
    "duplicate-column": "列重复",
    "unknown-column": "不认识的列，已忽略（提示）",
    "wrong-year-in-title": "标题或说明页写明的年度与考核年度不符",
    # -- cells (inputs/values.py) --
    "not-a-number": "不是数字",
    "date-not-number": "日期或时间，不是数字",
    "too-many-digits": "有效数字过多",
    "formula-without-result": "公式没有计算结果",
    "formula-error": "公式显示错误值",
    # -- units and figures (inputs/checker.py, figures.py) --
    "blank-unit": "缺少单位名称",
    "unknown-unit": "单位不在考核对象名单中",
    "unit-in-other-group": "单位属于另一考核组",
    "former-unit-name": "使用了单位在其他年度的名称，已按本年度名称读取（提示）",
    "ambiguous-former-name": "单位名称曾属于多个单位，无法确定所指",
    "unit-twice": "单位重复填报",
    "unit-missing": "缺少单位的数据行",
    "wrong-year": "年度与考核年度不符",
    "blank-cell": "缺少数据（空白）",
    "merged-cell": "合并单元格中的空白格",
    "unexpected-percent": "不应填写百分数",
    "out-of-range": "数值超出允许范围",
    "implausible-percent": "百分比数值疑似填成小数（提示）",
    "all-not-applicable": "所有指标均不适用",
    "not-applicable-here": "此处不能填“不适用”",
    # -- key tasks (inputs/tasks.py) --
    "unknown-task": "任务序号不存在",
    "not-responsible-unit": "不是该任务的责任单位",
    "task-twice": "任务重复填报",
    "task-missing": "缺少任务的完成得分",
    # -- adjustment events (inputs/events.py) --
    "unknown-item": "加减分事项不在目录中",
    "too-many-times": "超过事项的最多次数",
    "bad-count": "次数不是正整数",
    # -- the appeals register (复核登记表: inputs/appeals.py) --
    "appeal-number-twice": "复核编号重复",
    "appeal-decision": "复核结论不是“维持”或“调整”",
    "appeal-no-value": "复核结论为“调整”但缺少调整后数值",
    "appeal-no-basis": "复核结论为“调整”但缺少依据",
    "appeal-date-order": "复核日期早于提交日期",
    "appeal-conflict": "同一单位同一项有两条“调整”结论",
    "unknown-appeal-target": "复核的指标或事项不存在或不属于该单位",
    "appeal-event-action": "加减分事项的调整不是“增加”或“撤销”",
    "appeal-event-missing": "撤销的加减分事项未登记",
    # -- stages and the audit trail (outputs/audit.py) --
    "unknown-stage": "考核阶段不是“初评”或“终评”",
    "supersedes-other-year": "--supersedes 指定的结果不是同一年度的",
    "publicity-key-missing": "初评公示所需的发文信息项目未填写",
    # -- the issuance file (inputs/issuance.py) --
    "missing-file": "找不到文件",
    "file-encoding": "文件不是 UTF-8 编码",
    "yaml-syntax": "YAML 格式有误",
    "yaml-shape": "YAML 结构有误",
    "unknown-key": "不认识的项目",
    "missing-key": "缺少必填项目",
    "not-text": "应为文字",
    "date-format": "日期写法有误",
    "impossible-date": "日期不存在（如2月30日）",
    "seal-choice": "加盖印章应为“是”或“否”",
    "schedule-shape": "约谈安排的写法有误",
    "schedule-time": "约谈安排的时间无法识别",
    "schedule-slot": "约谈安排的每单位时长有误",
    "schedule-conflict": "约谈时间和约谈安排同时填写",
    "schedule-unit": "约谈安排与约谈单位不符",
    "schedule-overflow": "约谈安排超出当日",
    "materials-after-interview": "约谈材料报送期限晚于约谈",
    # -- the scoring model (考核细则: model/*, and scoring/engine.py for the year's targets) --
    "missing-model": "找不到考核细则文件",
    "model-encoding": "考核细则文件不是 UTF-8 编码",
    "model-yaml-syntax": "考核细则 YAML 格式有误（含键重复出现）",
    "model-shape": "考核细则结构有误（缺项、类型不对、取值越界等）",
    "duplicate-unit": "考核对象单位重复列出",
    "alias-unknown-unit": "简称指向的单位不在本组",
    "alias-is-unit-name": "简称与某单位名称重名",
    "alias-in-two-groups": "同一简称在两个分组中都有定义",
    "rename-unknown-unit": "更名（formerly）所列单位不在本组名单中",
    "rename-overlap": "同一单位的两个名称使用期重叠",
    "name-used-twice": "同一名称在同一年度属于两个单位",
    "points-mismatch": "分值合计不符",
    "duplicate-id": "标识重复",
    "tasks-undefined": "source: tasks 但本组未定义 tasks 或 task_scoring",
    "unknown-rule": "计分规则不存在",
    "missing-param": "计分规则缺少参数",
    "unknown-param": "计分规则没有该参数",
    "param-out-of-range": "参数超出规则允许的范围",
    "target-year-not-assessed": "目标年度不在考核年度中",
    "missing-target": "规则需要年度目标值但未给出",
    "safety-floor-without-target": "底线指标所用规则没有目标值",
    "empty-applies-to": "applies_to 为空列表",
    "max-above-points": "评审打分的上限超过分值",
    "min-above-max": "下限大于上限",
    "duplicate-task-no": "任务序号重复",
    "duplicate-task-unit": "任务责任单位重复列出",
    "missing-task-input": "定义了重点任务但缺少 task_input",
    "adjustment-without-points": "加分、扣分事项的分值不大于0",
    "duplicate-grade": "等次代码重复",
    "grades-not-descending": "等次分数线未从高到低排列或相同",
    "lowest-grade-above-zero": "最低等次分数线不为0",
    "unknown-grade": "等次不在 grades 中",
    "unknown-condition": "约谈整改条件（when）不存在",
    "missing-grades": "when: grade 未列出触发等次",
    "unknown-group": "约谈整改规则引用的分组不存在",
    "bottom-count-too-large": "后N名人数不小于分组单位数",
    "year-out-of-range": "考核年度不合理",
    "no-target-for-year": "指标没有所评年度的目标值",
    # -- templates, documents, charts, output (documents/*, charts/*, outputs/*) --
    "missing-template": "找不到公文模板",
    "template-corrupt": "模板无法打开",
    "template-split-tag": "模板标签不完整或被拆分",
    "template-syntax": "模板语法错误",
    "template-unknown-variable": "模板使用了不存在的变量",
    "template-render": "生成公文时模板出错",
    "template-chart-missing": "图表模板中缺少某类图表",
    "template-chart-kind": "图表模板中的图表类型不对",
    "soffice-missing": "未安装 LibreOffice",
    "pdf-failed": "PDF 转换失败",
    "pdf-no-cjk-font": "PDF 中没有嵌入中文字体（汉字显示为方框）",
    "pdf-font-substituted": "公文字体未安装，PDF 中以替代字体代替（提示）",
    "pdf-fonts-unchecked": "缺少 pdffonts，未检查 PDF 字体（提示）",
    "output-exists": "输出文件夹已存在且不是运行结果",
    "output-is-a-file": "输出位置是文件，不是文件夹",
    "not-a-run": "不是评分结果文件夹（缺少 results.json 或 manifest.json）",
    "run-unreadable": "评分结果文件无法读取或格式不对",
    "runs-differ-in-year": "两次运行的考核年度不同",
    # -- fill-in forms and returns (collection/*, inputs/provenance.py) --
    "not-a-form": "不是 evalgen 生成的填报表，未读取（提示）",
    "form-tampered": "填报表的识别信息被改动",
    "stale-form": "填报表来自其他年度或旧版考核细则",
    "duplicate-return": "同一单位报送了多份填报表",
    "form-from-other-unit": "填报表的文件名或文件夹是另一单位（提示）",
    "form-structure-changed": "填报表结构被改动，已按标签读取（提示）",
    "form-structure-broken": "填报表结构被改动，无法读取",
    "value-outside-form": "在填报区域以外填写了内容，未读取（提示）",
    "locked-cell-changed": "填报表的锁定单元格（指标名称、目标值等）被改动",
    "incomplete-year": "汇总数据不完整，有单位未报送或报送有误",
    "merge-target-not-merge": "汇总目标文件夹不是 evalgen collect 生成的",
    # -- in-year following and milestones (model `progress:`, evalgen progress) --
    "progress-unknown-indicator": "年内跟踪声明了考核细则中没有的指标",
    "progress-tasks-indicator": "由重点任务计分的指标不能按年内进度跟踪",
    "progress-no-target": "没有年度目标的指标不能按年内进度跟踪",
    "progress-bad-schedule": "年内进度安排（schedule）有误",
    "progress-bad-thresholds": "滞后界限有误",
    "milestone-source": "节点目标的汇总来源指标不存在",
    "milestone-year": "节点目标年份不在考核年度中",
    "no-progress-model": "考核细则没有年内跟踪（progress）部分",
    "bad-period": "期次写法有误",
    "bad-progress-status": "任务进展状态不是“未启动、推进中、已完成”之一",
    "progress-task-missing": "缺少某项任务某责任单位的进展",
    "city-value": "全市指标表的数值有误",
    "missing-period-folder": "找不到期次数据文件夹",
    # -- errors without a located problem: the error family's own codes --
    "error": "错误",
    "input-error": "数据有误",
    "model-error": "考核细则有误",
    "output-error": "无法写入输出",
    "chart-error": "图表生成失败",
    "template-error": "公文模板有误",
    "pdf-error": "PDF 转换失败",
    "internal-error": "内部错误",
}

# Notices that can explain an error (data read from where the user does not look, or not
# read at all): a failed run lists these after its problems (`EvalgenError.render`).
EXPLAINING_NOTICES = frozenset(
    {"hidden-sheet", "hidden-row", "hidden-column", "unsupported-file", "formula-only-rows"}
)


def code_description(code: str) -> str:
    """The short Chinese description of a problem code ("" for an unlisted one)."""
    return CODES.get(code, "")


def column_letter(index: int) -> str:
    """1 → A, 27 → AA: the column as Excel shows it."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """One problem in an input or model file, located as the user sees it."""

    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    unit: str = ""
    indicator: str = ""
    hint: str = ""
    path: str = ""
    line: int | None = None
    severity: str = "error"
    code: str = ""  # stable kind from CODES, e.g. "not-a-number": for tests and `--json`

    def where(self) -> str:
        """The location in words: 文件 › 工作表 › 第12行 C列 (单位 / 指标)."""
        parts = [p for p in (self.file, self.sheet) if p]
        if self.row is not None and self.column:
            parts.append(f"{self.column}{self.row}单元格")
        elif self.row is not None:
            parts.append(f"第{self.row}行")
        elif self.column:
            parts.append(f"{self.column}列")
        if self.path:
            parts.append(self.path)
        if self.line is not None:
            parts.append(f"第{self.line}行")
        place = " › ".join(parts)
        who = " / ".join(p for p in (self.unit, self.indicator) if p)
        return f"{place}（{who}）" if who else place

    def render(self) -> str:
        text = f"{self.where()}：{self.message}" if self.where() else self.message
        return f"{text}。{self.hint}" if self.hint else text

    def record(self) -> dict:
        """The problem for tools (`validate --json`): every key always present, None if empty.

        `cell` is the Excel address ("C12") when both row and column are known.
        """
        cell = f"{self.column}{self.row}" if self.column and self.row is not None else None
        values = {
            "file": self.file,
            "sheet": self.sheet,
            "cell": cell,
            "row": self.row,
            "column": self.column,
            "unit": self.unit,
            "indicator": self.indicator,
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }
        return {k: None if v == "" else v for k, v in values.items()}


class EvalgenError(Exception):
    """Base of evalgen's errors; the CLI turns these into Chinese messages and exit codes."""

    exit_code = 1
    code = "error"  # the code of the error itself, for `--json` when it has no problems

    def __init__(
        self,
        message: str,
        problems: list[Problem] | None = None,
        *,
        code: str = "",
        notices: list[Problem] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])
        self.code = code or type(self).code
        # Notices (提示) found before the error: in the records (`--json`), and after the
        # problems when they may explain them (`EXPLAINING_NOTICES`: a hidden sheet read too).
        self.notices = list(notices or [])

    def __reduce__(self):
        # Errors cross process boundaries (worker pools) with their problems intact.
        state = {"code": self.code, "notices": self.notices}
        return (self.__class__, (self.message, self.problems), state)

    def records(self) -> list[dict]:
        """The error as records for tools: its problems (or itself), then its notices."""
        problems = self.problems or [Problem(self.message, code=self.code)]
        return [
            (p if p.code else replace(p, code=self.code)).record() for p in problems + self.notices
        ]

    def render(self) -> str:
        """The message, the numbered problems (a hidden sheet's say so), then the notices
        that may explain them."""
        hidden = {(n.file, n.sheet) for n in self.notices if n.code == "hidden-sheet" and n.sheet}
        lines = [self.message]
        for i, problem in enumerate(self.problems, 1):
            if (problem.file, problem.sheet) in hidden:
                problem = replace(problem, sheet=f"{problem.sheet}（隐藏的工作表）")
            lines.append(f"  {i}. {problem.render()}")
        lines += [f"提示：{n.render()}" for n in self.notices if n.code in EXPLAINING_NOTICES]
        return "\n".join(lines)


class InputError(EvalgenError):
    """The year's input files have problems (exit code 2)."""

    exit_code = 2
    code = "input-error"


class ModelError(EvalgenError):
    """The scoring model file has problems (exit code 3)."""

    exit_code = 3
    code = "model-error"


class OutputError(EvalgenError):
    """The run folder cannot be written (exit code 4)."""

    exit_code = 4
    code = "output-error"
