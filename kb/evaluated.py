"""Papers that build a benchmark and evaluate existing systems on it, and whose figures those are. Pure.

Such a paper's scores of GPT-5 or Qwen3 are `baseline` rows (LABELLING.md), where the same clause in a method
paper ("Qwen3-8B 为 74.6%") is the paper's own result on that model. A paper is one when it introduces a
benchmark and its contribution, its title or its results say it evaluates others.
"""

from __future__ import annotations

import re

from kb import benchmarks, roles
from kb.benchmark_names import EVALUATING_TITLE_RE, MODEL_RE
from kb.metric_names import metric_mentions
from kb.parse import Paper

# "并对 14 个前沿模型进行系统评测", "系统评测了 GPT、Claude … 等闭源与开源模型", "评测发现…".
_EVALUATES_RE = re.compile(
    r"(?:评测|评估|测评|测试|evaluat\w*|benchmark\w*)[^。；]{0,30}?(?:\d+\s*[个款种家]|多个|多款|主流|前沿|现有|代表性|开源与闭源|闭源与开源)"
    r"[^。；]{0,16}?(?:模型|系统|方法|智能体|agents?|models?|systems?|LLMs?|VLMs?|MLLMs?)"
    r"|对\s*\d+\s*[个款种][^。；]{0,20}?(?:模型|系统|方法|智能体)[^。；]{0,8}?(?:进行|开展)?[^。；]{0,4}?(?:评测|评估|测评|测试)"
    r"|(?:\d+\s*[个款种]|多个|多款|主流|前沿|现有|代表性)[^。；]{0,12}?(?:模型|系统|方法|智能体|agents?|models?)[^。；]{0,4}?(?:的)?(?:系统|全面)?(?:评测|评估|测评)"
    r"|(?:评测|评估|测评)(?:结果)?(?:发现|显示|表明)", re.I)
_EVALUATED_CLAUSE_SPLIT_RE = re.compile(r"[，,；;。\n]")
# "GPT-5：71.2" in a table of bullets, "平均得分 81.2，GPT-5 为 78.9": decimals given to a model as its score.
_FIGURE_AT_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|分)|(?<=[：:为是分])\s*\d+\.\d+")
# A model as written: "GPT-5", "Claude Opus 4.5", "Qwen3-235B-A22B".
_SYSTEM = r"[A-Za-z][A-Za-z0-9.\-#+]*(?:[ ][A-Za-z0-9.\-#+\[\]]+){0,3}"
_MODEL_NAME_RE = re.compile(r"[A-Za-z]")  # a named model, not a generic 最佳模型
_MARKUP_RE = re.compile(r"^[\s*\-•]+|\*\*")


def evaluates_systems(paper: Paper, own: tuple[str, ...]) -> bool:
    """Whether a paper that introduces a benchmark also evaluates existing systems on it: its contribution or
    title says so, or its results give two or more named models their figures."""
    contribution = paper.section("contribution")
    said = bool(_EVALUATES_RE.search(contribution.text if contribution else ""))
    return said or bool(EVALUATING_TITLE_RE.search(paper.title)) or names_evaluated_systems(paper, own)


# "通过对 18 个 LLM 裁判在 52,000 条人工标注比较上的系统研究": a study of existing systems, counted.
_STUDIES_RE = re.compile(r"对\s*\d+\s*(?:个|种|款)[^，,；;。]{0,12}?(?:模型|裁判|智能体|LLM|系统|评估器|evaluators?|models?)", re.I)


def studies_systems(paper: Paper) -> bool:
    """Whether a paper with no method of its own studies a number of existing systems (its scores are theirs)."""
    contribution = paper.section("contribution")
    return bool(_STUDIES_RE.search(contribution.text if contribution else ""))


def names_evaluated_systems(paper: Paper, own: tuple[str, ...]) -> bool:
    """Whether the results give figures to two or more other models by name ("GPT-5 为 38.6%，Claude Opus 4.1 为
    35.9%"): a benchmark paper that evaluates existing systems, however its contribution words it."""
    results = paper.section("results")
    if results is None:
        return False
    named = set()
    for clause in _EVALUATED_CLAUSE_SPLIT_RE.split(results.text):
        clause = _MARKUP_RE.sub("", clause)  # "    *   **GPT-5**：71.2": a bullet of a table
        for m in _FIGURE_AT_RE.finditer(clause):
            system = evaluated_system(clause[:m.start()], own) or evaluated_in_parentheses(clause[:m.start()], own)
            if system and _MODEL_NAME_RE.search(system):
                named.add(system)
    return len(named) >= 2


# "GPT-5 为 38.6%", "开源模型中表现最好的 Qwen3-235B-A22B 仅为 21.4%": a clause giving a named model its figure.
_EVALUATED_RE = re.compile(
    r"^(?:[^，,；;。]*[：:])?\s*(?:而|其中|此外)?\s*(?:[^，,；;。]{0,16}?(?:最好|最强|最佳|领先|最高|最低)的(?:开源|闭源)?(?:模型|系统|智能体)?|[^，,；;。]{0,12}?后)?\s*(?:(?:开源|闭源|商用|最新)的?\s*|[\u4e00-\u9fff]{2,8}模型\s*|同(?:尺寸|规模|参数量)的\s*)?"
    rf"(?P<sys>{_SYSTEM})\s*(?:[（(][^（()）\d]{{1,20}}[）)])?\s*(?:智能体|模型|系统)?\s*(?:作为[^，,；;。\d]{{1,6}}?)?(?:与[^，,；;。\d]{{1,12}}?(?=的))?(?:在[^，,；;。]{{0,16}}?)?(?:对应)?(?:的[^，,；;。]{{0,12}}?)?"
    r"(?:[\u4e00-\u9fff]{0,4}?(?:准确率|正确率|得分|成功率|完成率|通过率|解决率|分数|胜率|命中率|一致率|一致性|mIoU|F1|accuracy|score)\s*(?:也|仍)?\s*(?:仅能完成|仅能|只能完成|为|是|仅为|得分为?|达到?|取得|约为|提升至|降至|从|由)?"
    r"|(?:也|仍)?\s*(?:仅能完成|仅能|只能完成|为|是|仅为|得分为?|仅得|达到?|取得|约为|提升至|降至|以|能答对|答对|完成了?|中有)"
    r"|(?<=[A-Za-z0-9)）])\s*[：:])\s*(?:约|仅)?\s*$")  # "Claude Opus 4.5：38.2%", a table written as bullets


_GENERIC_EVALUATED_RE = re.compile(
    r"^(?:[^，,；;。]*[：:])?[^，,；;。]{0,20}?(?P<who>(?:最佳|最强|最好|所有|全部|各|开源最佳|闭源最佳)(?:被测|参评|评审)?(?:模型|系统|智能体|裁判|评估器)|(?:开源|闭源)模型(?:平均)?|最好成绩|最佳成绩|最高成绩|最高分)"
    r"[^，,；;。\d]{0,12}?(?:为|是|仅为|均为|均低于|低于|不足|均不到|不到|不超过|仅|达到?|介于|跌至|降至)\s*(?:约|仅)?\s*$")


_EVALUATED_PAREN_RE = re.compile(
    rf"(?:^|[，,、和与及：:]|以及|模型中|系统中|其次(?:为|是))\s*(?P<sys>{_SYSTEM})"
    r"\s*(?:(?:的)?\s*(?:得分|成绩|表现|[\u4e00-\u9fff]{1,6}率|[A-Z][A-Za-z@\-]{1,10})?\s*(?:最高|最低|最好|最佳|领先|居首))?\s*[（(]\s*$")  # "GPT-5 得分最高（61.3），其次为 Gemini 3 Pro（58.9）"


def evaluated_in_parentheses(before: str, own: tuple[str, ...]) -> str | None:
    """In a paper evaluating existing systems, the model whose figure sits in parentheses after its name
    ("GPT-5（69.8 分）和 DeepSeek-V3.2（64.5 分）"); None for this paper's own method or no model name."""
    m = _EVALUATED_PAREN_RE.search(before[-48:])
    if m is None:
        return None
    name = m.group("sys").strip()
    return name if _is_other_model(name, own) else None


def evaluated_system(clause: str, own: tuple[str, ...]) -> str | None:
    """In a paper that evaluates existing systems, the model a clause gives its figure to; None when
    the clause names no model or names this paper's own method."""
    if g := _GENERIC_EVALUATED_RE.match(clause):
        return g.group("who")  # "最佳模型的 mIoU 仅为 0.21", "所有被测模型均低于 25%"
    m = _EVALUATED_RE.match(clause)
    if m is None or roles.CHANGE_WORD_RE.search(clause[m.end("sys"):]):
        return None  # "EAGLE-3 的吞吐量提升仅为 8%" is a change, read as one
    name = m.group("sys").strip()
    return name if _is_other_model(name, own) else None


def _is_other_model(name: str, own: tuple[str, ...]) -> bool:
    """A model name (a known family, or one with a version or size in it) that is not this paper's method."""
    return not any(o and o.lower() in name.lower() for o in own) and bool(MODEL_RE.search(name) or re.search(r"\d", name))


# "，在“文科”赛道上为 66.7 分": a clause that names no one and goes on about the model of the clause before.
_CONTINUES_RE = re.compile(r"^\s*(?:而|但)?\s*在[^，,；;。]{1,20}?上(?:的[^，,；;。\d]{0,8}?)?\s*(?:普遍|均|则)?\s*"
                           r"(?:为|仅为|达到?|得分为?|超过|低于|高于|不足)\s*(?:约|仅)?\s*$")


def continues_system(clause: str) -> bool:
    """Whether a clause gives its figure to the system of the clause before it, naming none of its own."""
    return bool(_CONTINUES_RE.match(clause))


# "DeepSeek-R1 与 Qwen3-235B-A22B 分别为 66.8% 和 64.2%": two evaluated systems given their figures in order.
_LISTED_RE = re.compile(rf"(?:^|[，,；;：:]|而|其中)\s*(?P<names>{_SYSTEM}(?:\s*(?:与|和|、|及|以及)\s*{_SYSTEM})+)\s*(?:作为[^，,；;。\d]{{1,8}}?)?(?:与[^，,；;。\d]{{1,12}}?(?=的))?(?:的[^，,；;。\d]{{0,8}}?)?"
                        r"\s*分别(?:为|是|达到?|取得|以|仅为)?")
_LIST_SPLIT_RE = re.compile(r"\s*(?:与|和|、|及|以及)\s*")


def listed_systems(text: str, figure_starts: list[int], own: tuple[str, ...]) -> dict[int, str]:
    """{figure index: system} for a 分别 list of evaluated models, paired in order with the figures after it."""
    out: dict[int, str] = {}
    for m in _LISTED_RE.finditer(text):
        names = [n for n in _LIST_SPLIT_RE.split(m.group("names")) if n]
        if not all(_is_other_model(n, own) for n in names):
            continue
        after = [i for i, start in enumerate(figure_starts) if start >= m.end()][:len(names)]
        if len(after) == len(names):
            out.update(zip(after, names))
    return out


# "开源模型中 Qwen3-235B-A22B 最高，为 65.0": the leader named in the clause before its figure's.
_LEADER_RE = re.compile(rf"(?P<sys>{_SYSTEM})\s*(?:的)?(?:表现|得分|成绩|[\u4e00-\u9fff]{{1,6}}率(?:[（(][A-Za-z]{{2,8}}[）)])?)?"
                        r"(?:最高|最低|最好|最佳|居首|领先|排名第一)\s*[，,]\s*(?:为|达到?|是)\s*(?:约|仅)?\s*$")  # "GPT-5 的攻击成功率（ASR）最低，为 12.3%"


def leader_before(before: str, own: tuple[str, ...]) -> str | None:
    """The evaluated model a "X 最高，为 N" sentence gives N to; None for this paper's own method."""
    m = _LEADER_RE.search(before[-60:])
    return m.group("sys") if m and _is_other_model(m.group("sys"), own) else None


# "优于 QuIP#", "相比 DoReMi", "超越 FLUX.1 Kontext [pro]": a system the paper compares itself with somewhere.
_COMPARED_NAME_RE = re.compile(
    r"(?:优于|超越|超过|击败|胜过|相比于?|相较于?|对比|高于|低于|领先于?|比|than|over|vs\.?)\s*(?:了\s*)?(?:此前最佳的|最强基线|基线|同尺寸的|同规模的)?\s*"
    r"(?P<sys>[A-Za-z][A-Za-z0-9.\-_#+]*(?:[ ][A-Za-z0-9.\-_#+\[\]]+){0,3})")


def compared_systems(paper: Paper) -> frozenset[str]:
    """The systems a method paper compares itself with by name, anywhere in its text."""
    return frozenset(m.group("sys").strip() for section in paper.sections for m in _COMPARED_NAME_RE.finditer(section.text))


def compared_subject(clause: str, own: tuple[str, ...], compared: frozenset[str]) -> str | None:
    """In a method paper, the compared system a clause gives its figure to on its own ("QuIP# 在同设置下为
    6.48", "同尺寸的 SWE-agent-LM-32B 仅为 40.2%"): a name the paper compares itself with elsewhere. A known model
    is not enough: "Qwen3-8B 为 74.6%" is often the model this paper's method runs on."""
    m = _EVALUATED_RE.match(clause)
    if m is None or roles.CHANGE_WORD_RE.search(clause[m.end("sys"):]):
        return None
    name = m.group("sys").strip()
    if any(o and o.lower() in name.lower() for o in own):
        return None
    if metric_mentions(name) or benchmarks.is_known(name):
        return None  # "MOS 为 4.12", "WikiText-2 上为 5.8"
    known = any(c == name or c.startswith(name + " ") or (name.startswith(c) and len(c) >= 3) for c in compared)
    return name if known else None
