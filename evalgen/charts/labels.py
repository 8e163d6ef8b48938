"""Chart labels broken into lines between words, never inside one (issue 11, 9).

Chinese has no spaces, so a label is broken where a break does least harm: not before closing
punctuation or after opening punctuation, not inside brackets, not inside a word of the assessment's vocabulary
(`WORDS`: "全社会研发|经费投入增长", never "研发经|费"), not inside a run of Latin letters or
digits; among those, the break nearest to balanced lines.
"""

from __future__ import annotations

import functools
import math
import unicodedata

__all__ = ["WORDS", "wrap"]

_NO_LINE_START = set("，。、；：！？）》」』】’”％%·")
_NO_LINE_END = set("（《「『【‘“")
# Words of indicator, task and unit names that a line must not split (longest first wins
# nothing: any word covering the break forbids it).
WORDS = frozenset(
    """
    全社会 研发 经费 投入 增长 高新技术 产业 增加值 规上 规模以上 工业 企业 首席 质量官
    覆盖率 质量 安全 风险 隐患 逾期 整改 特色 集群 重点 区域 提升 基础 设施 一站式 服务
    监管 社会 共治 每万人口 发明 专利 拥有量 新开工 建筑 装配式 占比 驰名 商标 地理 标志
    保护 主导 制修订 国际 国家 标准 参与 省级 市级 产品 监督 检测 中心 技术 创新 示范 机构
    食品 药品 事故 负有 责任 合格率 抽检 抽查 比例 比重 办结率 按期 消费 投诉 认证 证书
    数量 农产品 制造业 监测 例行 评价性 双随机 帮扶 知识产权 质押 登记 金额 组织 领导 工作
    机制 品牌 建设 主体 标准化 试点 协同 配合 宣传 引导 台账 管理 信息 报送 技改 项目 处置
    不力 不良 影响 通报 以上 重大 区域性 系统性 事件 上级 考核 扣分 本单位 负责 事项
    开发区 经济 完成 情况 任务 牵头 一票否决 指标 得分率 平均 工程 优质 计量 检验 认可
    政策 制度 效能 生活 品质 生产 专业化 水平 建材 精品 融合 方法 先进 公共 便利化 发展
    """.split()
)
_LONGEST = max(map(len, WORDS))


def _cells(text: str) -> int:
    """Display width in half-width cells (a Chinese character is 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _harm(text: str, k: int) -> int:
    """How bad a break before `text[k]` is: 2 punctuation, 1 inside a word, 0 fine."""
    before, after = text[k - 1], text[k]
    if after in _NO_LINE_START or before in _NO_LINE_END:
        return 2
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return 1
    if text[:k].count("（") > text[:k].count("）"):  # inside brackets: （含|复检）
        return 1
    for start in range(max(0, k - _LONGEST + 1), k):
        for end in range(k + 1, min(len(text), start + _LONGEST) + 1):
            if text[start:end] in WORDS:
                return 1
    return 0


@functools.lru_cache(maxsize=4096)  # a group's indicator names, again for each unit
def wrap(text: str, cells: int) -> str:
    """Break a label into lines of at most about `cells`, balanced, between words."""
    total = _cells(text)
    if total <= cells:
        return text
    lines = []
    rest = text
    count = math.ceil(total / cells)
    while count > 1 and len(rest) > 1:
        target = _cells(rest) / count
        # A line may run two cells over the limit rather than break a word.
        fits = [k for k in range(1, len(rest)) if _cells(rest[:k]) <= cells + 2]
        k = min(fits or [1], key=lambda k: (_harm(rest, k), abs(_cells(rest[:k]) - target)))
        lines.append(rest[:k])
        rest = rest[k:]
        count -= 1
    lines.append(rest)
    return "\n".join(lines)
