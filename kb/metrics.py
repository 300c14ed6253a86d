"""Reported figures in a paper's results (and contribution) text → `Metric` rows. Pure.

Rule-based. The numbers that are figures come from `kb.numbers`. Benchmark, metric, direction, baseline and
comparison come from the words around the figure, the bullet's bold label and the
labels of the bullets it is nested in (sentences: `kb.sentences`; benchmark and metric
names: `kb.benchmark_names`, `kb.metric_names`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kb import benchmarks, evaluated, roles
from kb.benchmark_names import benchmark_for, own_benchmark, registry_spots
from kb.metric_names import metric_mentions
from kb.numbers import CLAUSE_START_RE, FROM_RE, PHRASE_START_RE, WINDOW, Figure, before_of, find_figures
from kb.parse import Paper
from kb.respective import respective_benchmarks, respective_compared
from kb.subsets import SubsetReader
from kb.sentences import Sentence, bullet_sentences

# Sections whose figures are extracted, in this order.
METRIC_SECTIONS: tuple[str, ...] = ("results", "contribution", "innovations", "usage")
_DIRECTIONS = {"improve": "increase", "reduce": "decrease"}
_INFERENCE_RE = re.compile(r"推理|延迟|inference|latency", re.I)
_RTF_RE = re.compile(r"实时率|\bRTF\b|real-time factor", re.I)
# How long training, or quantizing a model once, took: a budget most labellers leave out (6 of 10 fresh sets).
_TRAINING_TIME_RE = re.compile(r"(?:训练|量化)[^，,；;。]{0,20}?(?:耗时|用时|需要?约|约需|需[^，,；;。]{0,16}?约)")
_RUN_COST_RE = re.compile(r"约需|需要?约|耗时|用时|需[^，,；;。]{0,16}?约|频率达到?")
# A method the contribution proposes by name; a benchmark it builds is not one (its own benchmark is read apart).
_PROPOSED_METHOD_RE = re.compile(
    r"(?:提出了?|及)[^，,；;。]{0,24}?(?:方法|框架|算法|策略|模块|机制|技术|范式|评价指标|评估指标)\s*[“\"]?([A-Z][A-Za-z0-9\-+.]{1,30})(?![A-Za-z0-9\-+.])")
_TITLE_NAME_RE = re.compile(r"^\s*([A-Za-z][\w\-+.]{1,30})\s*[:：]")
_ACHIEVED_RE = re.compile(r"(?:达到|高达|达|降至|降低至|提升至|提高至|下降至|为)\s*(?:约|仅)?\s*[\d.]+")
_BENCHMARK_SIZE_RE = re.compile(r"题量|题目数|问题数|样本量|测试集规模")  # its size; a cost saving stays a change
# "与 Chatbot Arena 排名的 Spearman 相关系数为 0.89": the other ranking, not the benchmark measured.
_AGAINST_OPENING_RE = re.compile(r"^(?:[^：:]{0,30}[：:])?\s*(?:\*\*)?\s*(?:相比于?|相较于?|与)[^，,；;。：:]{1,30}?(?:相比|相较)?\s*[，,]")
_CORRELATED_WITH_RE = (r"与\s*{name}\s*(?:的)?\s*(?:模型)?(?:排名|榜单|排序|结果)?\s*(?:的|之间的)?\s*(?:Spearman|Kendall|Pearson)?\s*(?:秩)?"
                       r"(?:相关|一致|[ρτ]|系数)")
_CHANGE_GOES_ON_RE = re.compile(r"^\s*(?:而)?\s*在[^，,；;。]{1,24}?上\s*(?:也|亦|则)?\s*(?:高|低|提升|提高|下降|降低|领先|落后)(?:了|出)?\s*(?:约)?\s*$")
_AND_GAP_RE = re.compile(r"^\s*(?:和|与|及|、|,|，|and|以及)\s*$")


@dataclass(frozen=True)
class Metric:
    """One reported figure: who achieved it, what was measured, on which benchmark, and how it moved.

    `role` is "result" (this paper's method achieves it), "baseline" (a compared system's or the
    starting point's) or "change" (a relative claim: +10 %, 11× less memory). A result paired with a
    compared value carries it in `baseline`, the other system in `compared_to`. `change_direction`
    ("increase"/"decrease") says what the quantity did, `better` ("higher"/"lower") which way is good.
    `benchmark` is the registry's canonical name, `benchmark_raw` the name as written. `direction`
    ("improve"/"reduce"/"none") and `comparison` are the older, coarser reading, kept for queries
    written against it.
    """

    benchmark: str | None
    metric: str | None
    value: float
    unit: str | None
    direction: str
    baseline: float | None
    comparison: str | None
    evidence: str
    section: str
    role: str = "result"
    compared_to: str | None = None
    change_direction: str | None = None
    better: str | None = None
    qualifier: str | None = None
    setting: str | None = None
    benchmark_raw: str | None = None


# What joins the two figures of "从 0.3142（OSEDiff）降至约 0.2873": an optional note, a verb, 至/到.
_ARROW_GAP_RE = re.compile(r"^\s*(?:→|->|⟶)\s*$")
_FROM_SPLIT_RE = re.compile(r"(?:由|从)(?=[^从由]*$)")
_TO_GAP_RE = re.compile(
    r"^\s*(?:[（(][^（()）\d]{1,30}[）)])?\s*(?:[^\d，,；;。]{0,6}?)(?:至|到|为|→|->|to)\s*(?:了|约|近|大约|仅|只有)?\s*$", re.I)
# "高于 Wan2.1（84.7）与 HunyuanVideo（83.2）": the next system of a list of compared figures.
_NEXT_COMPARED_RE = re.compile(r"^\s*[）)]\s*(?:与|和|、|及|以及|,|，)\s*(?P<sys>[^，,；;。（()）\d][^，,；;。（()）]{0,29}?)\s*[（(]\s*(?:约|近|~|≈)?\s*$")
_RIVAL_CHANGE_GAP_RE = re.compile(
    r"^\s*[（(]\s*(?P<sys>[A-Za-z][^，,；;。（()）\d]{0,30}?)\s*(?:仅|则|也)?\s*(?:下降|提升|降低|增加|提高|上升)(?:了)?\s*(?:约)?\s*$")
_CLOSE_PAREN_RE = re.compile(r"\s*[）)]")
# "比例达到 24.6%，约为 MatterGen（8.2%）的 3 倍": the compared system's level, inside a ratio to it.
_TIMES_OF_GAP_RE = re.compile(r"^\s*[，,]?\s*(?:约为|约是|为|是|相当于)\s*(?P<sys>[^，,；;。\d（()）]{1,30}?)\s*[（(]\s*$")
_TIMES_AFTER_RE = re.compile(r"\s*%?\s*[）)]\s*的\s*(?:约)?\s*\d+(?:\.\d+)?\s*(?:倍|×)")
_VS_GAP_RE = re.compile(r"^\s*(?:(?:vs\.?|VS|versus)(?:\s*(?P<sys>[^\d，,；;。（()）\s][^\d，,；;。（()）]{0,20}?))?|对比|对"
                        r"|[（(]\s*(?:基线|baseline|原始|原|此前|之前)[^\d，,；;。]{0,6}?)\s*$", re.I)  # "8.31 vs 原模型 8.35"
_QUALIFIER_RE = re.compile(r"(?:约|超过|高达|仅|近|接近|最高|逾|不到|少于|小于|大于|多于|达|了|<|>|≈|~|≤|≥|＜|＞|\s)+$")
_IMPROVE_RE = re.compile(r"↑|提升|提高|增加|增长|超越|超过|优于|上升|改善|加速|提速|加快|更快|领先|高出|faster|improv|gain|outperform|boost|increase", re.I)
_REDUCE_RE = re.compile(r"↓|降低|减少|下降|节省|压缩|缩短|减小|削减|降至|reduc|lower|cut|decrease|sav", re.I)
# "超过 15%" is a qualifier, not a comparison, hence the look-ahead for a number.
_NOT_A_SYSTEM_RE = re.compile(r"(?:提升|提高|降低|减少|增加|下降|高出|多出|领先)|.*\d\s*(?:%|％|个百分点|倍|×|x\b)")
_COMPARE_RE = re.compile(
    r"(?:优于|超越|超过|击败|胜过|相比于?|相较于?|相对于?(?=\s*[A-Za-z])|对比|高于|低于|than|over|vs\.?)\s*(?:了\s*)?(?![\s约近\d<>≈~.])"
    r"([^，。；,;：:（()）%]{2,40}?)"
    r"(?=\s*(?:[，。；,;：:（()）]|$|等|上|中|在|时|从|有|降低|提升|提高|减少|增加|实现|带来|高出|取得|达到|表现|的(?:表现|性能|效果|结果)|还|也|均|都|更|快|慢|高|低))"
)


# Sentences and figures.
_EXAMPLE_RE = re.compile(r"(?:例如|比如|如|特别是|尤其|e\.g\.|for example)", re.I)
_CLAUSE_END_RE = re.compile(r"[，,；;。]")  # the end of the clause after a figure
_PHRASE_END_RE = re.compile(r"[，,；;。（(]")  # the end of the phrase after a figure


# What a benchmark paper measures of itself (LABELLING.md): agreement, correlation, its size, error analyses.
_OWN_MEASURE_RE = re.compile(r"一致|相关|Spearman|Kendall|Pearson|κ|kappa|agreement|correlat|题量|本文|我们|失败分析|错误分析|误判|人工复核|占|剔除|过滤掉",
                             re.I)


def extract_metrics(paper: Paper) -> list[Metric]:
    """Every figure reported in the results, contribution and innovations sections, each occurrence once."""
    rows: list[Metric] = []
    contribution = paper.section("contribution")
    own = own_names(paper.title, contribution.text if contribution else "")
    # Only the title's name can be the benchmark the paper introduces; the methods it proposes besides are not.
    default = own_benchmark(paper.title, contribution.text if contribution else "", own[:1] if _TITLE_NAME_RE.match(paper.title) else ())
    # A paper that builds a benchmark and runs existing systems on it reports their scores as baselines.
    evaluation = (default is not None and evaluated.evaluates_systems(paper, own)) or (not own and evaluated.studies_systems(paper))
    others = frozenset() if evaluation else evaluated.compared_systems(paper)
    for key in METRIC_SECTIONS:
        section = paper.section(key)
        if section is None:
            continue
        carried: tuple[int, str | None] = (-1, None)  # (bullet, last metric name) for 例如… sentences
        spotted: dict[str, list[tuple[int, int, str, str]]] = {}  # registry names per sentence, found once
        for sentence in bullet_sentences(section.text, WINDOW):
            # Only a sentence that gives an example of the one before (例如…) inherits its metric.
            example = _EXAMPLE_RE.match(sentence.text)
            previous = carried[1] if carried[0] == sentence.bullet and example else None
            for metric in _metrics_in(sentence, key, previous, spotted, own, evaluation, default, others):
                carried = (sentence.bullet, metric.metric)
                # 主要创新点 describe the method: its levels are settings (约25%的注意力头), its relative claims
                # results; 使用指南 describes running it: besides relative claims, only its inference speed counts.
                if (key not in ("innovations", "usage") or metric.role == "change" or (key == "usage" and _is_speed(metric))
                        or (key == "innovations" and (_is_achieved(metric) or (_is_speed(metric) and metric.role != "baseline")))):
                    rows.append(metric)
    return rows


def _pairs(text: str, figures: list[Figure], own_methods: tuple[str, ...] = (), evaluation: bool = False,
           others: frozenset[str] = frozenset()) -> tuple[dict[int, tuple[int, str | None]], dict[int, str | None]]:
    """Which figure of the sentence is the compared value of which: {result: (baseline, system)}, and
    the compared figures left without a result of this paper: {baseline: system}."""
    pairs: dict[int, tuple[int, str | None]] = {}
    used: set[int] = set()
    for i, fig in enumerate(figures[:-1]):
        if i in used:
            continue
        nxt = figures[i + 1]
        gap = text[fig.end:nxt.start] if nxt.start - fig.end <= WINDOW else ""
        before = before_of(text, fig.start)
        if i + 3 < len(figures) and FROM_RE.search(before) and _AND_GAP_RE.match(gap) \
                and _TO_GAP_RE.match(text[nxt.end:figures[i + 2].start]) \
                and _AND_GAP_RE.match(text[figures[i + 2].end:figures[i + 3].start]):
            # "分别从 58.7% 和 42.0% 提升至 66.3% 和 50.5%": two from-to pairs, in order.
            pairs[i + 2], pairs[i + 3] = (i, None), (i + 1, None)
            used |= {i, i + 1, i + 2, i + 3}
            continue
        if _TO_GAP_RE.match(gap) and (FROM_RE.search(before) or _ARROW_GAP_RE.match(gap)):  # 0.61→0.73 needs no 从
            if evaluation and evaluated.evaluated_system(_FROM_SPLIT_RE.split(CLAUSE_START_RE.split(before)[-1])[0], own_methods):
                used.add(i + 1)  # "Qwen2.5-VL-72B 的准确率从 58.4% 降至 39.0%": two levels of an evaluated system
                continue
            pairs[i + 1] = (i, roles.from_system(before))  # 从 79.3% 提升至 84.6%
        elif vs := _VS_GAP_RE.match(gap):
            pairs[i] = (i + 1, vs.group("sys"))  # 98.4 vs 77.0, 8.31 vs 原模型 8.35, 8.7（基线 10.2）
        elif (system := roles.pair_gap(gap)) is not None:
            pairs[i] = (i + 1, system)  # 平均分（72.5）显著高于标准微调（70.1）
        elif (rival := _RIVAL_CHANGE_GAP_RE.match(gap)) and fig.unit == nxt.unit and _CLOSE_PAREN_RE.match(text, nxt.end):
            pairs[i] = (i + 1, rival.group("sys").strip())  # 动态程度仅下降 2.8%（Self-Forcing 下降 17.5%）: the rival's change
        elif (times := _TIMES_OF_GAP_RE.match(gap)) and _TIMES_AFTER_RE.match(text, nxt.end):
            pairs[i] = (i + 1, times.group("sys").strip())  # 达到 62.3%，约为 MatterGen（38.0%）的 1.6 倍
        elif (system := roles.paren_system(gap)) is not None and (fig.unit == nxt.unit or None in (fig.unit, nxt.unit)):
            pairs[i] = (i + 1, system)  # WER 为 1.83%（F5-TTS 为 2.42%）
        else:
            continue
        used |= {i, i + 1}
    alone: dict[int, str | None] = {}
    for j, fig in enumerate(figures):
        if j in used:
            continue
        compared = {b for b, _ in pairs.values()} | set(alone)
        if j - 1 in compared and (m := _NEXT_COMPARED_RE.match(text[figures[j - 1].end:fig.start])):
            alone[j] = m.group("sys").strip()  # the second system of a compared list is compared too
            continue
        before, after = before_of(text, fig.start), text[fig.end:fig.end + 8]
        if human := roles.human_reference(CLAUSE_START_RE.split(before)[-1]):
            alone[j] = human  # "而人类专家的完成率为 89.2%": a reference line of its own, never one side of a pair
            continue
        system = (roles.compared_before(before, after) or roles.on_par_system(before, after) or roles.whereas_system(before)
                  or roles.baseline_clause_system(before))
        model = roles.model_clause_system(before) if system is None else None
        system = system or model
        raised = system is None and roles.raised_to(before)
        of = roles.compared_of(before) if system is None and not raised else None
        if system is None and not raised and of is None:
            continue
        # The paper's own figure is the nearest earlier one not yet paired, in a compatible unit.
        own = next((i for i in range(j - 1, -1, -1) if i not in used and i not in alone
                    and (figures[i].unit == fig.unit or None in (figures[i].unit, fig.unit))
                    and not roles.is_gap(before_of(text, figures[i].start))), None)
        if own is None:
            if system is not None and model is None:
                alone[j] = system
            continue
        own_before = before_of(text, figures[own].start)
        # "作为对比，Qwen2.5-VL-7B 为 864 分，GPT-4o 为 805 分" are both others'; so, in a paper evaluating existing
        # systems, are "GPT-5 为 38.6%，Claude Opus 4.1 为 35.9%" and "InternVL3-78B 为 64.5%，而人类准确率为 95.2%".
        if (model is not None and (roles.model_clause_system(own_before)
                                   or roles.is_reference(own_before, text[figures[own].end:figures[own].end + 40]))
                or (evaluation and (evaluated.evaluated_system(CLAUSE_START_RE.split(own_before)[-1], own_methods)
                                    or evaluated.evaluated_in_parentheses(own_before, own_methods)))
                or (not evaluation and evaluated.compared_subject(CLAUSE_START_RE.split(own_before)[-1], own_methods, others))):
            alone[j] = system
            continue
        if of is not None:
            pairs[own] = (j, of)  # 5.12，相比 EAGLE-2 的 4.37 提升 17%
        elif raised:
            pairs[j] = (own, None)  # Pass@1 为 0.0%…，而 BatCoder 将其提升至 10.6%
        else:
            pairs[own] = (j, system)  # 得分为 50 … 超越前代 GLM-4.7（42分）
        used |= {own, j}
    return pairs, alone


def _is_achieved(metric: Metric) -> bool:
    """An innovation bullet's figure that is a measured level of a named metric ("冲突率从 8.7% 降至 0.9%",
    "命中率达 91%"), not a setting of the method ("约25%的注意力头")."""
    return (metric.metric is not None and (metric.unit is not None or metric.value != 0)
            and bool(_ACHIEVED_RE.search(metric.evidence)))


def _is_speed(metric: Metric) -> bool:
    """An inference speed or latency figure ("单张 GPU 进行推理（约 12 FPS）", "推理仅需 0.08 s"); not the
    frame rate of an input or output ("按 1 FPS 抽帧", "24 FPS 的长视频")."""
    if (metric.unit in ("FPS", "s", "ms") and _INFERENCE_RE.search(metric.evidence)) or _RTF_RE.search(metric.evidence):
        return True  # "单张 A100 上实时率（RTF）为 0.05" is a speed too
    # "量化 Llama-3-70B 需单张 H100 约 5 小时", "生成一段视频耗时约 12 分钟", "控制频率达到 50 Hz": what running it costs.
    # Not how long training or quantizing took ("完整训练在 16 张 H100 上耗时约 20 小时", "量化 70B 模型约需 6 小时").
    return (metric.unit in ("s", "min", "h", "Hz") and bool(_RUN_COST_RE.search(metric.evidence))
            and not _TRAINING_TIME_RE.search(metric.evidence))


def own_names(title: str, contribution: str = "") -> tuple[str, ...]:
    """This paper's method as its title names it ("BudgetThink: Budget-Aware …" → ("BudgetThink",)), and the
    methods its contribution says it proposes besides ("并提出了一种无需训练的对比解码方法 TCD")."""
    m = _TITLE_NAME_RE.match(title)
    named = (m.group(1),) if m else ()
    return named + tuple(n for n in (p.group(1) for p in _PROPOSED_METHOD_RE.finditer(contribution)) if n not in named)


def _metrics_in(sentence: Sentence, section: str, previous_metric: str | None = None,
                spotted: dict[str, list[tuple[int, int, str, str]]] | None = None, own: tuple[str, ...] = (),
                evaluation: bool = False, default: str | None = None,
                others: frozenset[str] = frozenset()) -> list[Metric]:
    text = sentence.text
    figures = find_figures(text)
    spotted = {} if spotted is None else spotted
    spots = registry_spots(text, spotted) if figures else []
    starts = [s[0] for s in spots]
    # A bullet that quotes other systems (参考：π0 … 为 52%) holds baselines only, each on its own row.
    kind = roles.reference_label(sentence.label)
    # Not when the sentence opens by setting the paper against the other ("相比直接套用…Chinchilla 定律，预测误差从…降至…").
    quoted = kind == "reference" or (kind == "comparison" and not roles.names_own_method(text, own)
                                     and not _AGAINST_OPENING_RE.match(text))
    pairs, alone = ({}, {}) if quoted else _pairs(text, figures, own, evaluation, others)
    if not quoted and (listed := respective_compared(text, [(f.start, f.end) for f in figures])):
        # Paired lists ("分别为 2.1% / 4.6%，优于 Emformer（2.6% / 5.9%）") replace what each figure read alone.
        taken = set(listed) | {c for c, _ in listed.values()}
        pairs = {r: p for r, p in pairs.items() if r not in taken and p[0] not in taken} | listed
        alone = {j: s for j, s in alone.items() if j not in taken}
    respective = respective_benchmarks(text, [(f.start, f.end) for f in figures], spots) if figures else {}
    compared = {b for b, _ in pairs.values()}
    subsets = SubsetReader(text, [f.start for f in figures])
    listed = evaluated.listed_systems(text, [f.start for f in figures], own) if evaluation else {}
    rows: list[Metric] = []
    last: tuple[int, str, str | None, str | None] | None = None  # (figure, role, change direction, evaluated system) before
    for i, fig in enumerate(figures):
        if i in compared:
            continue  # a compared value is written on its result's row
        before, after = before_of(text, fig.start), text[fig.end:fig.end + 16]
        baseline_fig, system = pairs.get(i, (None, None))
        baseline = figures[baseline_fig].value if baseline_fig is not None else None
        direction = _direction(_QUALIFIER_RE.sub("", before), after, text[fig.start:fig.start + 1])
        if baseline is not None and direction == "none" and baseline != fig.value:
            direction = "improve" if fig.value > baseline else "reduce"
        clause_after = _CLAUSE_END_RE.split(text[fig.end:fig.end + WINDOW])[0]
        metric = _metric_name(before, after, fig, previous_metric, sentence.label)
        previous_metric = metric  # "相比 Muon 降低了 9%" reuses the metric of the figure before it
        role, change_direction = "result", None
        clause, sign = CLAUSE_START_RE.split(before)[-1], text[fig.start:fig.start + 1]
        # A relative claim stays a change when it is paired with the compared system's (而 SFT 基线下降 24 个百分点);
        # a paired figure reads its verb from its own phrase only: "大幅领先（98.4 vs 77.0）" are two levels.
        phrase = PHRASE_START_RE.split(before)[-1]
        is_change, change_direction = roles.change_of(phrase, clause if baseline_fig is None else phrase, after, fig.unit)
        if evaluation and is_change and _BENCHMARK_SIZE_RE.search(clause):
            role = "result"  # "将题量减少 60%": a benchmark paper's own measurement of itself (LABELLING.md)
        elif is_change or (sign in "+＋−-" and baseline_fig is None and not before.rstrip().endswith(("=", "＝"))):
            # a signed figure is a change: （+3%）, −0.5%; not a statistic's value (Pearson r = −0.71)
            role = "change"
            if change_direction is None:
                change_direction = _DIRECTIONS.get(_direction(clause, after, sign))
        elif baseline_fig is None:
            if last is not None and last[1] == "change" and (_AND_GAP_RE.match(text[figures[last[0]].end:fig.start])
                                                           or _CHANGE_GOES_ON_RE.match(clause)):
                # 分别提升了 4.5% 和 12.4%; 分别比基线高 1.1、0.6 和 2.8 分; "在 MMLU 上比均匀配比高 2.3 分，在 ARC 上高 1.9 分"
                role, change_direction = "change", last[2]
            elif quoted or i in alone or roles.is_baseline_subject(clause) or roles.is_reference(before, text[fig.end:fig.end + 40]):
                role, system = "baseline", alone.get(i) or roles.human_reference(clause)
            elif i in listed:
                role, system = "baseline", listed[i]  # "DeepSeek-R1 与 Qwen3-235B-A22B 分别为 66.8% 和 64.2%"
            elif (other := roles.human_reference(clause) or (
                    (evaluated.evaluated_system(clause, own) or evaluated.evaluated_in_parentheses(before, own)) if evaluation else None)):
                role, system = "baseline", other  # a human reference line; an evaluated system's score
            elif evaluation and (leader := evaluated.leader_before(before, own)):
                role, system = "baseline", leader  # "开源模型中 Qwen3-235B-A22B 最高，为 65.0"
            elif evaluation and last is not None and last[3] and evaluated.continues_system(clause):
                role, system = "baseline", last[3]  # "Qwen3-Max 在“理科”赛道上为 58.1 分，在“文科”赛道上为 66.7 分"
            elif not evaluation and (other := evaluated.compared_subject(clause, own, others)):
                role, system = "baseline", other  # "QuIP# 在同设置下为 6.48": a system the paper compares itself with
        if evaluation and role == "result" and section == "results" and baseline_fig is None and not _OWN_MEASURE_RE.search(text) \
                and not roles.names_own_method(text, tuple(o for o in own if o != default)):  # its benchmark is no method
            # A benchmark paper's score that no clause gives to its own method, nor is one of its measurements of
            # itself, belongs to the systems it evaluates ("所有模型的平均成功率在 Short 子集上为 52.3%").
            role = "baseline"
        last = (i, role, change_direction, system if role == "baseline" and evaluation else None)
        # Registry names in the figure's window: the nearest before it, else the first after it in its clause.
        k = bisect.bisect_left(starts, fig.start)
        near = [sp for sp in spots[max(0, k - 1):k] if sp[1] <= fig.start and sp[0] >= fig.start - WINDOW]
        after_spot = [sp for sp in spots[k:k + 2] if sp[0] >= fig.end and sp[1] <= fig.end + len(clause_after)][:1]
        # A benchmark paper's figures are on its own benchmark unless the sentence names another, its costs too
        # (a speculative-decoding benchmark's speedups); its subsets are read on it (在“理科”赛道上).
        raw_bench = respective.get(i) or benchmark_for(before, clause_after, sentence.context, near, after_spot, spotted) or default
        if raw_bench and default and any(o == raw_bench for o in own):
            raw_bench = default  # "RadScore 与专家评分的 Kendall τ": the paper's own metric, measured on its benchmark
        if raw_bench and default and raw_bench != default and ("相关" in text or "τ" in text or "ρ" in text) \
                and re.search(_CORRELATED_WITH_RE.format(name=re.escape(raw_bench)), text):
            raw_bench = default  # "与 Chatbot Arena 排名的相关系数": the ranking compared with, not the one measured
        if raw_bench and i not in respective and (suite := benchmarks.HYPHEN_SUBSET_RE.fullmatch(raw_bench)) \
                and not benchmarks.is_known(raw_bench) \
                and subsets.whole_between(text.rfind(raw_bench, 0, fig.start) + len(raw_bench), fig.start):
            raw_bench = suite.group(1)  # "…和 LIBERO-Long 上分别…，平均成功率为 96.9%": the average is the family's
        subset = _subset(subsets, raw_bench, fig.start, i, starts) or subsets.after_figure(i, fig.end) if raw_bench else None
        if subset and not any(o.lower() == subset.lower() for o in own):  # "DataSieve 子集" is the paper's own data
            raw_bench = f"{raw_bench} ({subset})"
        rows.append(Metric(
            benchmark=benchmarks.canonical(raw_bench) if raw_bench else None,
            metric=metric,
            value=fig.value, unit=fig.unit, direction=direction, baseline=baseline,
            comparison=_comparison(text, fig.start), evidence=text, section=section,
            role=role, compared_to=system or _comparison(text, fig.start),
            change_direction=change_direction, better=roles.better_for(metric),
            qualifier=roles.qualifier(before, after, fig.low is not None),
            setting=roles.setting_of(text[max(0, fig.start - WINDOW):fig.end + WINDOW]), benchmark_raw=raw_bench,
        ))
    return rows
def _subset(subsets: SubsetReader, family: str, at: int, index: int, spot_starts: list[int]) -> str | None:
    """The subset of `family` the figure at `at` is on, from the family's nearest mention before it."""
    pos = subsets.text.rfind(family, max(0, at - 2 * WINDOW), at)
    family_end = pos + len(family) if pos >= 0 else 0
    subset = subsets.subset(family_end, index)
    # "Amazon Reviews：在 Beauty、Sports 子集上分别…" already read the registry's Amazon Beauty.
    if subset is None or subset.lower() in family.lower():
        return None
    # "在 MMBench、MMStar 和 MathVista 的 testmini 划分上": a split named after another benchmark is that one's.
    named_at = subsets.text.find(subset, family_end)
    if pos >= 0 and named_at > 0 and any(family_end <= s < named_at for s in spot_starts):
        return None
    return subset


def _direction(before: str, after: str, sign: str) -> str:
    if sign in "+＋":
        return "improve"
    clause = PHRASE_START_RE.split(before)[-1]
    best, where = "none", -1
    for pattern, name in ((_IMPROVE_RE, "improve"), (_REDUCE_RE, "reduce")):
        for m in pattern.finditer(clause):
            if m.start() > where:
                best, where = name, m.start()
    if best != "none":
        return best
    head = _PHRASE_END_RE.split(after)[0]
    if _REDUCE_RE.search(head):
        return "reduce"
    if _IMPROVE_RE.search(head):
        return "improve"
    return "none"


def _metric_name(before: str, after: str, fig: Figure, previous: str | None, label: str) -> str | None:
    """The metric named last before the figure in its clause, else first after it, else the one
    of the figure before it in the sentence (相比 Muon 降低了 9%), else its bullet label."""
    if fig.raw_unit == "分":
        return "score"
    if fig.unit == "FPS":
        return "FPS"
    if fig.unit == "Hz":
        return "frequency"  # "推理频率达到 62 Hz": a rate, whatever the bullet's metric was
    clause = CLAUSE_START_RE.split(before)[-1]
    # The latest mention wins, but a generic "score" only when nothing more specific is there (F1 分数).
    found = [(name != "score", start, name) for start, name in metric_mentions(clause)]
    if found:
        return max(found)[2]
    if found := metric_mentions(_PHRASE_END_RE.split(after)[0]):
        return min(found)[1]
    if previous:
        return previous
    if found := metric_mentions(label):
        return found[0][1]  # the first metric in `metric_names._METRICS` order that the label names
    return "speedup" if fig.unit == "x" else None


def _comparison(text: str, pos: int) -> str | None:
    best = None
    lo = max(0, pos - WINDOW)
    for m in _COMPARE_RE.finditer(text[lo:pos + WINDOW]):
        name = m.group(1).strip(" .。的")
        where = lo + m.start()
        if _NOT_A_SYSTEM_RE.match(name):
            continue  # "相比提升 2.9 个百分点" names an amount, not the system compared with
        if len(name) >= 2 and (best is None or abs(where - pos) < abs(best[0] - pos)):
            best = (where, name)
    return best[1] if best else None
