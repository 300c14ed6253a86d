"""Reported figures in a paper's results (and contribution) text → `Metric` rows. Pure.

Rule-based. Every number is a candidate; it becomes a figure unless it is part of a
name (GPT-5.2, RTX 4090, Qwen2.5-7B, v4.0, pass@1, 20-Entropy), a year or date, an
arXiv id, a count (5 个基准, 700 帧), a model size or context length (8B, 32k), a
hardware capacity (A100（80GB）), a setting (N=4, 1:11, 75°) or a bare integer with
nothing that marks it as a score. Benchmark, metric, direction, baseline and
comparison come from the words around the figure, the bullet's bold label and the
labels of the bullets it is nested in.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kb import benchmarks, roles
from kb.parse import Paper

# Sections whose figures are extracted, in this order.
METRIC_SECTIONS: tuple[str, ...] = ("results", "contribution", "innovations")
_DIRECTIONS = {"improve": "increase", "reduce": "decrease"}
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


# Characters each side of a figure that its cues are read from. Cues sit within a clause or two
# (figures start at most ~150 characters into a sentence); the cap keeps extraction linear in the
# text's size even for a sentence that never ends.
_WINDOW = 300
_CONTEXT_SENTENCES = 6  # earlier sentences of a bullet a figure may take its benchmark from


def _before(text: str, pos: int) -> str:
    return text[max(0, pos - _WINDOW):pos]


@dataclass(frozen=True)
class _Sentence:
    text: str
    context: tuple[str, ...]  # earlier sentences of the same bullet, then its labels, nearest first
    label: str  # the bold label of its own bullet, if any
    bullet: int  # sentences of one bullet line share this number


@dataclass(frozen=True)
class _Figure:
    start: int
    end: int
    value: float
    unit: str | None
    raw_unit: str | None = None
    low: float | None = None  # the lower end of a range (98% 至 133%)


def ascii_bounds(pattern: str) -> str:
    """Rewrite `\\b` as an ASCII word boundary (Python's treats CJK as word characters: `\\bLCE\\b` misses "LCE降低了")."""
    return pattern.replace(r"\b", r"(?:(?<![A-Za-z0-9])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?![A-Za-z0-9]))")


def fold_case(text: str) -> str:
    """`text` lower-cased, with ı, İ and ſ as i, i and s, the letters re.I matches them to: a re.I
    match of a word of ASCII letters, digits and CJK in `text` is then the word, lower-cased, in it."""
    return text.lower().replace("\u0131", "i").replace("i\u0307", "i").replace("\u017f", "s")


def _word_prefilter(pattern: str) -> re.Pattern[str] | None:
    """For a re.I pattern that only lists words (`PSNR|\\bFID\\b|峰值`), a quick pattern that finds one of
    them in `fold_case(text)` wherever it matches `text`; None for other patterns."""
    words = [w.removeprefix(r"\b").removesuffix(r"\b").lower() for w in pattern.split("|")]
    plain = all(re.fullmatch(r"[A-Za-z0-9 \-\u4e00-\u9fff]+", w) for w in words)
    return re.compile("|".join(words)) if plain else None
_NUM_RE = re.compile(r"(?<![\d.,])(?P<sign>[+＋]|(?<![\w\d)])[-−])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_UNIT_RE = re.compile(
    r"\s*(?P<unit>%|％|个百分点|百分点|个点|pp(?![A-Za-z])|倍|[x×](?![A-Za-z])|ms(?![A-Za-z])|毫秒|秒|s(?![A-Za-z])"
    r"|分钟|min(?![A-Za-z])|小时|h(?![A-Za-z])|GB|MB|TB|FPS|fps|tokens?(?![A-Za-z])|分(?![类布析子钟辨别配支组数之]))"
)
_UNITS = {
    "%": "%", "％": "%", "个百分点": "pp", "百分点": "pp", "个点": "pp", "pp": "pp", "倍": "x", "x": "x", "×": "x",
    "ms": "ms", "毫秒": "ms", "秒": "s", "s": "s", "分钟": "min", "min": "min", "小时": "h", "h": "h",
    "GB": "GB", "MB": "MB", "TB": "TB", "FPS": "FPS", "fps": "FPS", "token": "token", "tokens": "token", "分": None,
}
_RANGE_RE = re.compile(r"\s*(?:-|–|—|~|～|至|到)\s*(?=\d)")
# Classifiers that make a bare number a count: 5 个基准, 700 帧, 3-4 轮, 120 万张, 204 对.
_COUNT_RE = re.compile(
    r"\s*(?:多|余)?\s*(?:万|亿|千|百|个(?!百分点|点)|次|例|帧|轮|种|项|类|篇|条|张|对|名|位|层|步|维|卡|块|台|份|组|款|家"
    r"|年|月|日|天|周|句|行|题|道|段|页|部|根|只|件|颗|像素|阶段|人)"
)
# Words right before a number (with one space) that make it a measurement, not a version.
_LEAD_WORDS = {"vs", "to", "from", "of", "by", "at", "and", "is", "was", "were", "with", "than", "reaches", "achieves",
               "about", "score", "accuracy", "psnr", "ssim", "lpips", "fid", "fvd", "fpsd", "auv", "lce", "miou", "auc",
               "bleu", "f1", "em", "sr", "lr", "ppl", "perplexity", "latency", "speedup", "throughput", "wer", "cer"}
_SCORE_CUE_RE = re.compile(r"(?:为|是|达到?|得分|分数|评分|score[sd]?|[：:])\s*$", re.I)
_FROM_RE = re.compile(r"(?:从|由|from\s)[^，,；;。]*$", re.I)
_TO_GAP_RE = re.compile(r"^\s*(?:[^\d，,；;。]{0,6}?)(?:至|到|为|→|->|to)\s*(?:了\s*)?$", re.I)
_VS_GAP_RE = re.compile(r"^\s*(?:vs\.?|VS|versus|对比|对|[（(]\s*(?:基线|baseline|原始|原|此前|之前)[^\d，,；;。]{0,6}?)\s*$", re.I)
_HARDWARE_RE = re.compile(ascii_bounds(r"\b(?:[AHBLV]\d{2,3}|GH200|GB200|RTX|GPU|TPU|NPU|Ascend|A6000|Jetson)\b"), re.I)
_MODEL_RE = re.compile(
    r"^(?:qwen|llama|gpt|claude|gemini|gemma|deepseek|internvl|mistral|mixtral|glm|phi-|dream|llada|sdar|ernie|kimi|"
    r"doubao|baichuan|olmo|o[134](?:-|$)|bagel|flux|hunyuan|wan\d|veo|sora|opt-|bert|roberta|llava|minicpm|seed|grok)"
    r"|-\d+(?:\.\d+)?[BM]\b|-(?:Instruct|Base|Chat)\b",
    re.I,
)
_METRICS: tuple[tuple[str, str], ...] = (
    (r"pass@\d+", "pass@k"), (r"成功率|success rate|\bSR\b", "success rate"), (r"\bPSNR\b", "PSNR"),
    (r"\bSSIM\b", "SSIM"), (r"\bLPIPS\b", "LPIPS"), (r"\bFVD\b", "FVD"), (r"\bFID\b", "FID"), (r"\bFPSD\b", "FPSD"),
    (r"\bmIoU\b", "mIoU"), (r"\bDice\b", "Dice"), (r"\bF1\b", "F1"), (r"\bAU(?:RO)?C\b", "AUC"), (r"\bAUV\b", "AUV"),
    (r"\bLCE\b", "LCE"), (r"\bBLEU\b", "BLEU"), (r"\bROUGE", "ROUGE"), (r"\bmAP\b", "mAP"), (r"\bIoU\b", "IoU"),
    (r"\bWER\b|词错率", "WER"), (r"Spearman|相关系数|correlation", "correlation"), (r"\bCKA\b", "CKA"),
    (r"困惑度|perplexity|\bPPL\b", "perplexity"), (r"胜率|win rate", "win rate"), (r"选择率|被选概率", "selection rate"),
    (r"循环率|\bLR\b", "loop rate"), (r"不安全率", "unsafe rate"), (r"保真度|fidelity", "fidelity"),
    (r"准确率|正确率|精度|精确度|准确度|accuracy|\bacc\b", "accuracy"), (r"召回|recall", "recall"),
    (r"加速|speed-?up|提速|速度", "speedup"), (r"显存|内存|memory", "memory"), (r"延迟|latency", "latency"),
    (r"吞吐|throughput|TFLOPS", "throughput"), (r"\bFPS\b|帧率", "FPS"), (r"错误率|误差|error", "error"),
    (r"保留率", "retention"), (r"压缩率|(?<!未)压缩|compression", "compression"), (r"参数", "parameters"),
    (r"成本|cost|开销", "cost"), (r"耗时|时间|time", "time"), (r"奖励|reward", "reward"),
    (r"得分|分数|评分|高分|平均分|score|分(?=[，。、；）)]|$)", "score"),
)
# (pattern, name, prefilter): a text is scanned only for the metrics whose words it has.
_METRIC_RES = tuple((re.compile(ascii_bounds(p), re.I), name, _word_prefilter(p)) for p, name in _METRICS)
# Metric names and generic terms that the benchmark patterns would otherwise pick up ("在 AUV 指标上").
_NOT_BENCHMARK_RE = re.compile(
    r"(?:PSNR|SSIM|LPIPS|FVD|FID|FPSD|mIoU|IoU|Dice|F1|AUC|AUROC|AUV|LCE|BLEU|ROUGE(?:-\w+)?|METEOR|mAP|WER|CER|CKA"
    r"|PPL|SR|LR|Spearman|Pearson|Top-?\d+|Pass@\d+|N-acc|Acc|SOTA|Token|KV[- ]?Cache|GPU|CPU|LLMs?|RL|SFT|MoE"
    r"|NLU|NLP|QA|VQA|GUI|API|AI|OOD|Transformers?|Dense)",
    re.I,
)
_QUALIFIER_RE = re.compile(r"(?:约|超过|高达|仅|近|接近|最高|逾|不到|少于|小于|大于|多于|达|了|<|>|≈|~|≤|≥|＜|＞|\s)+$")
_IMPROVE_RE = re.compile(r"↑|提升|提高|增加|增长|超越|超过|优于|上升|改善|加速|提速|加快|更快|领先|高出|faster|improv|gain|outperform|boost|increase", re.I)
_REDUCE_RE = re.compile(r"↓|降低|减少|下降|节省|压缩|缩短|减小|削减|降至|reduc|lower|cut|decrease|sav", re.I)
# "超过 15%" is a qualifier, not a comparison, hence the look-ahead for a number.
_COMPARE_RE = re.compile(
    r"(?:优于|超越|超过|击败|胜过|相比于?|相较于?|对比|高于|低于|than|over|vs\.?)\s*(?:了\s*)?(?![\s约近\d<>≈~.])"
    r"([^，。；,;：:（()）%]{2,40}?)"
    r"(?=\s*(?:[，。；,;：:（()）]|$|等|上|中|在|时|从|有|降低|提升|提高|减少|增加|实现|带来|高出|取得|达到|表现|的(?:表现|性能|效果|结果)|还|也|均|都|更|快|慢))"
)

# Benchmark names: an identifier starting with a letter, with capitalised or versioned continuation words.
_NAME_TAIL = (r"[A-Za-z0-9]*(?:[-+_.'/&][A-Za-z0-9]+)*\+*"
              r"(?:[ ](?:[A-Z][A-Za-z0-9]*(?:[-+_.'/][A-Za-z0-9]+)*\+*|v?\d+(?:[./]\d+)*(?![\dA-Za-z])))*")
_NAME = rf"[A-Za-z]{_NAME_TAIL}"
# Where a name may start: not after a letter, since a name found inside a word is also found from
# the word's start, which a scan tries first; but right after a match ending in "benchmark" a scan
# resumes mid-word ("benchmarks"). Only a speed-up: the patterns find what they find without it.
_NAME_START = r"(?:(?<![A-Za-z])|(?<=benchmark)|(?<=leaderboard))"
_ANCHOR_RE = re.compile("基准|数据集|测试集|评测集|评估集|benchmark|榜单|leaderboard")
_ANCHOR_STRONG = rf"(?:等)?(?:{_ANCHOR_RE.pattern})"
_SCORE_WORD_RE = re.compile("评分|得分|分数|准确率|成功率")
_CJK_PREFIX = r"[\u4e00-\u9fff（(“\"「]{0,10}"
# (pattern, strength, prefilter): a pattern that ends in a word is tried only on a text that has the word.
_BENCH_RES: tuple[tuple[re.Pattern[str], int, re.Pattern[str] | None], ...] = (
    (re.compile(rf"{_NAME_START}({_NAME})\s*[（(]?[^，。；,;A-Za-z]{{0,10}}?{_ANCHOR_STRONG}"), 2, _ANCHOR_RE),
    (re.compile(rf"{_ANCHOR_STRONG}\s*[（(:：]\s*({_NAME})\s*[）)]"), 2, None),
    (re.compile(rf"在{_CJK_PREFIX}\s*({_NAME})\s*[）)”\"」]?[^，。；,;\d]{{0,10}}?(?:上|中|里|环境|任务|评估|测试)"), 1, None),
    (re.compile(rf"[（(]\s*(?:如|例如|e\.g\.,?)?\s*({_NAME})\s*[）)]\s*(?:上|中)"), 1, None),
    (re.compile(rf"{_NAME_START}({_NAME})\s*(?:的)?\s*[\u4e00-\u9fff]{{0,3}}?(?:{_SCORE_WORD_RE.pattern})"), 1,
     _SCORE_WORD_RE),
    (re.compile(rf"\bon\s+({_NAME})"), 1, None),
)


# Enumerated names next to a 基准/数据集 anchor: "MMLU、CMMLU、MATH等基准", "基准（AIME24, AIME25, MATH）".
_ITEM = rf"(?:[A-Za-z]|\d+[A-Za-z]){_NAME_TAIL}"  # list items may start with digits: 2WikiMultiHopQA
_ENUM = (rf"{_ITEM}(?:\s*(?:[（(][^（()）]{{0,20}}[）)])?\s*(?:、|,|，|和|及|以及|与|/|&|or\b|and\b)\s*{_ITEM})*")
# The filler may not start a new phrase: "CoL 在所有数据集上" names no dataset.
_ENUM_BEFORE_RE = re.compile(
    rf"{_NAME_START}({_ENUM})\s*(?:[（(][^（()）]{{0,20}}[）)])?"
    rf"\s*(?:(?!在|对|于|将|使)[^\sA-Za-z，。；,;]){{0,14}}?{_ANCHOR_STRONG}"
)
_ENUM_AFTER_RE = re.compile(rf"{_ANCHOR_STRONG}[^\sA-Za-z（(：:，。；]{{0,4}}\s*[（(：:]\s*(?:如|例如|包括|e\.g\.,?)?\s*({_ENUM})")
_ENUM_SPLIT_RE = re.compile(r"\s*(?:[（(][^（()）]{0,20}[）)])?\s*(?:、|,|，|和|及|以及|与|/|&|\bor\b|\band\b)\s*")
_BOLD_OR_CODE_RE = re.compile(r"\*\*|`")
_LETTER_RE = re.compile(r"[A-Za-z]")
_BENCHMARK_LIKE_RE = re.compile(r"bench|eval|qa\b|arena|gym", re.I)
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9-]{2,}")
_BENCHMARK_WORD_RE = re.compile(r"bench|eval|arena", re.I)
_IDENTIFIER_RE = re.compile(r"\d|[a-z][A-Z]|[A-Z]{2}|[-+_]")
_VERSION_RE = re.compile(r"[vV]\d[\d.]*")

# Sentences and figures.
_EXAMPLE_RE = re.compile(r"(?:例如|比如|如|特别是|尤其|e\.g\.|for example)", re.I)
_BULLET_RE = re.compile(r"^\s*(?:[*\-+•]|\d{1,2}[.)、])\s+")
_LABEL_RE = re.compile(r"^\*\*([^*]{1,40}?)\s*[:：]?\s*\*\*\s*[:：]?\s*")
_MARKUP_RE = re.compile(r"\*\*|`|\$")
_SENTENCE_END_RE = re.compile(r"(?<=[。；;！？!?])")
_CLAUSE_END_RE = re.compile(r"[，,；;。]")  # the end of the clause after a figure
_CLAUSE_START_RE = re.compile(r"[，,；;]")  # the start of the clause before a figure
_PHRASE_START_RE = re.compile(r"[，,；;（(]")  # the start of the phrase before a figure
_PHRASE_END_RE = re.compile(r"[，,；;。（(]")  # the end of the phrase after a figure
_DIGIT_RE = re.compile(r"\d")
_UPPER_RE = re.compile(r"\d+(?:\.\d+)?")
_NAME_AFTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f]|-[A-Za-z]|°|:\d")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z0-9+\-_.]*)[ ]$")
_SCORE_LIKE_RE = re.compile(r"0\.\d{2,}|\d{2,}\.\d+")
_SETTING_BEFORE_RE = re.compile(r"[A-Za-z]\s*[=＝]\s*$|第\s*$")
_ARXIV_ID_RE = re.compile(r"\d{4}\.\d{4,5}")
_DATE_RE = re.compile(r"\d{4}-\d{1,2}(?:-\d{1,2})?\b")
_MEMORY_AFTER_RE = re.compile(r"\s*(?:的)?\s*(?:主机)?(?:内存|显存|RAM|VRAM|HBM)(?!占用)")
_MEMORY_BEFORE_RE = re.compile(r"(?:配备|搭载|配置)\s*$|[A-Za-z0-9]\s*[（(]\s*$")
_LENGTH_BEFORE_RE = re.compile(r"长达\s*$")
_CONTEXT_WORD_RE = re.compile(r"长度|上下文|最长|窗口|context|length|chunk", re.I)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_OPEN_PAREN_BEFORE_RE = re.compile(r"[（(]\s*$")
_ENUMERATION_RE = re.compile(r"\d[）)]")
_PAREN_OR_VS_BEFORE_RE = re.compile(r"[（(]\s*$|vs\.?\s*$")


def benchmark_names(text: str) -> list[str]:
    """Benchmark and dataset names listed next to 基准/数据集/benchmark in `text`, in order, each once."""
    plain = _BOLD_OR_CODE_RE.sub("", text)
    names: dict[str, None] = {}
    enums = (_ENUM_BEFORE_RE, _ENUM_AFTER_RE) if _ANCHOR_RE.search(plain) else ()  # both need an anchor word
    for rx in enums:
        for m in rx.finditer(plain):
            for item in _ENUM_SPLIT_RE.split(m.group(1)):
                item = item.strip(" -_.'/&")
                # A name led by digits (2WikiMultiHopQA) needs letters; 120B+ and 5k are sizes;
                # "的 and MMLU 基准" gives an empty item before "MMLU".
                if not item or (item[0].isdigit() and len(_LETTER_RE.findall(item)) < 2):
                    continue
                if _is_benchmark_name(item):
                    names.setdefault(item, None)
    # "在 MEnvBench 上" names a benchmark only if the name says so; "在 Unitree G1 上" does not.
    for rx, strength, prefilter in _BENCH_RES:
        if strength != 1 or (prefilter and not prefilter.search(plain)):
            continue  # only the strength-1 patterns add names here
        for m in rx.finditer(plain):
            name = m.group(1).strip(" -_.'/&")
            benchmark_like = _BENCHMARK_LIKE_RE.search(name) or _ACRONYM_RE.fullmatch(name)
            if benchmark_like and _is_benchmark_name(name):
                names.setdefault(name, None)
    return list(names)


def extract_metrics(paper: Paper) -> list[Metric]:
    """Every figure reported in the results, contribution and innovations sections, each occurrence once."""
    rows: list[Metric] = []
    for key in METRIC_SECTIONS:
        section = paper.section(key)
        if section is None:
            continue
        carried: tuple[int, str | None] = (-1, None)  # (bullet, last metric name) for 例如… sentences
        spotted: dict[str, list[tuple[int, int, str, str]]] = {}  # registry names per sentence, found once
        for sentence in _sentences(section.text):
            # Only a sentence that gives an example of the one before (例如…) inherits its metric.
            example = _EXAMPLE_RE.match(sentence.text)
            previous = carried[1] if carried[0] == sentence.bullet and example else None
            for metric in _metrics_in(sentence, key, previous, spotted):
                carried = (sentence.bullet, metric.metric)
                # 主要创新点 describe the method: its levels are settings (约25%的注意力头), its relative claims results.
                if key != "innovations" or metric.role == "change":
                    rows.append(metric)
    return rows


def _sentences(text: str) -> list[_Sentence]:
    """Sentences (split on 。；; and lines) with the bullet context they were written under."""
    out: list[_Sentence] = []
    stack: list[tuple[int, str]] = []  # (indent, bold label) of the enclosing bullets
    for bullet, raw in enumerate(text.split("\n")):
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip())
        line = _BULLET_RE.sub("", raw).strip()
        label = ""
        if m := _LABEL_RE.match(line):
            label = m.group(1)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parents = tuple(lbl for _, lbl in reversed(stack))
        if label:
            stack.append((indent, label))
        line = _MARKUP_RE.sub("", line)
        earlier: list[str] = []
        for part in _SENTENCE_END_RE.split(line):
            part = part.strip()
            if part:
                out.append(_Sentence(part, (*reversed(earlier), *parents), label, bullet))
                earlier = [*earlier[-(_CONTEXT_SENTENCES - 1):], part[-_WINDOW:]]
    return out


def _pairs(text: str, figures: list[_Figure]) -> tuple[dict[int, tuple[int, str | None]], dict[int, str | None]]:
    """Which figure of the sentence is the compared value of which: {result: (baseline, system)}, and
    the compared figures left without a result of this paper: {baseline: system}."""
    pairs: dict[int, tuple[int, str | None]] = {}
    used: set[int] = set()
    for i, fig in enumerate(figures[:-1]):
        if i in used:
            continue
        nxt = figures[i + 1]
        gap = text[fig.end:nxt.start] if nxt.start - fig.end <= _WINDOW else ""
        before = _before(text, fig.start)
        if _TO_GAP_RE.match(gap) and _FROM_RE.search(before):
            pairs[i + 1] = (i, roles.from_system(before))  # 从 79.3% 提升至 84.6%
        elif _VS_GAP_RE.match(gap):
            pairs[i] = (i + 1, None)  # 98.4 vs 77.0, 8.7（基线 10.2）
        elif (system := roles.pair_gap(gap)) is not None:
            pairs[i] = (i + 1, system)  # 平均分（72.5）显著高于标准微调（70.1）
        else:
            continue
        used |= {i, i + 1}
    alone: dict[int, str | None] = {}
    for j, fig in enumerate(figures):
        if j in used:
            continue
        before, after = _before(text, fig.start), text[fig.end:fig.end + 8]
        system = roles.compared_before(before, after) or roles.whereas_system(before)
        raised = system is None and roles.raised_to(before)
        if system is None and not raised:
            continue
        # The paper's own figure is the nearest earlier one not yet paired, in a compatible unit.
        own = next((i for i in range(j - 1, -1, -1) if i not in used and i not in alone
                    and (figures[i].unit == fig.unit or None in (figures[i].unit, fig.unit))), None)
        if own is None:
            if system is not None:
                alone[j] = system
            continue
        if raised:
            pairs[j] = (own, None)  # Pass@1 为 0.0%…，而 BatCoder 将其提升至 10.6%
        else:
            pairs[own] = (j, system)  # 得分为 50 … 超越前代 GLM-4.7（42分）
        used |= {own, j}
    return pairs, alone


def _metrics_in(sentence: _Sentence, section: str, previous_metric: str | None = None,
                spotted: dict[str, list[tuple[int, int, str, str]]] | None = None) -> list[Metric]:
    text = sentence.text
    figures = _figures(text)
    spotted = {} if spotted is None else spotted
    spots = _spots(text, spotted) if figures else []
    starts = [s[0] for s in spots]
    pairs, alone = _pairs(text, figures)
    compared = {b for b, _ in pairs.values()}
    rows: list[Metric] = []
    last: tuple[int, str, str | None] | None = None  # (figure, role, change direction) of the row before
    for i, fig in enumerate(figures):
        if i in compared:
            continue  # a compared value is written on its result's row
        before, after = _before(text, fig.start), text[fig.end:fig.end + 16]
        baseline_fig, system = pairs.get(i, (None, None))
        baseline = figures[baseline_fig].value if baseline_fig is not None else None
        direction = _direction(_QUALIFIER_RE.sub("", before), after, text[fig.start:fig.start + 1])
        if baseline is not None and direction == "none" and baseline != fig.value:
            direction = "improve" if fig.value > baseline else "reduce"
        clause_after = _CLAUSE_END_RE.split(text[fig.end:fig.end + _WINDOW])[0]
        metric = _metric_name(before, after, fig, previous_metric, sentence.label)
        previous_metric = metric  # "相比 Muon 降低了 9%" reuses the metric of the figure before it
        role, change_direction = "result", None
        if baseline_fig is None:
            clause = _CLAUSE_START_RE.split(before)[-1]
            is_change, change_direction = roles.change_of(_PHRASE_START_RE.split(before)[-1], clause, after, fig.unit)
            if is_change:
                role = "change"
                if change_direction is None:
                    change_direction = _DIRECTIONS.get(_direction(clause, after, text[fig.start:fig.start + 1]))
            elif i in alone or roles.is_baseline_subject(clause):
                role, system = "baseline", alone.get(i)
            elif last is not None and last[1] == "change" and _AND_GAP_RE.match(text[figures[last[0]].end:fig.start]):
                role, change_direction = "change", last[2]  # 分别提升了 4.5% 和 12.4%
        last = (i, role, change_direction)
        # Registry names in the figure's window: the nearest before it, else the first after it in its clause.
        k = bisect.bisect_left(starts, fig.start)
        near = [sp for sp in spots[max(0, k - 1):k] if sp[1] <= fig.start and sp[0] >= fig.start - _WINDOW]
        after_spot = [sp for sp in spots[k:k + 2] if sp[0] >= fig.end and sp[1] <= fig.end + len(clause_after)][:1]
        raw_bench = _benchmark(before, clause_after, sentence.context, near, after_spot, spotted)
        rows.append(Metric(
            benchmark=benchmarks.canonical(raw_bench) if raw_bench else None,
            metric=metric,
            value=fig.value, unit=fig.unit, direction=direction, baseline=baseline,
            comparison=_comparison(text, fig.start), evidence=text, section=section,
            role=role, compared_to=system or _comparison(text, fig.start),
            change_direction=change_direction, better=roles.better_for(metric),
            qualifier=roles.qualifier(before, after, fig.low is not None),
            setting=roles.setting_of(text[max(0, fig.start - _WINDOW):fig.end + _WINDOW]), benchmark_raw=raw_bench,
        ))
    return rows


def _figures(text: str) -> list[_Figure]:
    """The numbers in `text` that are reported figures, ranges folded to their upper bound."""
    figures: list[_Figure] = []
    consumed = 0
    if (digit := _DIGIT_RE.search(text)) is None:
        return figures
    for m in _NUM_RE.finditer(text, max(0, digit.start() - 1)):  # a number starts at its sign or first digit
        if m.start() < consumed:
            continue
        start, end = m.start(), m.end()
        raw = m["num"]
        low = None
        unit, unit_end = _unit_at(text, end)
        value = float(raw.replace(",", "")) * (-1 if m["sign"] in ("-", "−") else 1)
        # Ranges (5-10%, 98% 至 133%, 1.5-2 倍, 0.4-0.8) report their upper bound.
        if (r := _RANGE_RE.match(text, unit_end)) and not _FROM_RE.search(_before(text, start)):
            if (up := _UPPER_RE.match(text, r.end())) is not None:
                up_end = up.end()
                up_unit, up_unit_end = _unit_at(text, up_end)
                if (unit is None or up_unit is None or unit == up_unit) and float(up[0]) >= abs(value):
                    low = value
                    value, unit, end, unit_end = float(up[0]), unit or up_unit, up_end, up_unit_end
        consumed = max(end, unit_end)
        if _is_figure(text, start, end, unit_end, raw, unit):
            figures.append(_Figure(start, unit_end, value, _UNITS.get(unit) if unit else None, unit, low))
    return figures


def _unit_at(text: str, pos: int) -> tuple[str | None, int]:
    """The unit written at `pos` (as written) and where it ends; (None, pos) when there is none."""
    m = _UNIT_RE.match(text, pos)
    return (m["unit"], m.end()) if m else (None, pos)


def _is_figure(text: str, start: int, end: int, unit_end: int, raw: str, raw_unit: str | None) -> bool:
    before, after = _before(text, start), text[end:end + _WINDOW]
    unit = _UNITS.get(raw_unit) if raw_unit else None
    prev = before[-1:] if before else ""
    # Part of a name or version: GPT-5.2, Qwen2.5, v4.0, pass@1, Top-1, 1:11, AIME 24/25.
    if prev.isascii() and prev.isalpha():
        return False
    if prev in "-_.@/#:" and len(before) >= 2 and before[-2].isascii() and before[-2].isalnum():
        return False
    if _NAME_AFTER_RE.match(after) and raw_unit is None:
        return False  # 8B, 32k, 1080P, 20-Entropy, 4-bit, 75°, 1:11
    if (w := _WORD_BEFORE_RE.search(before)) and w.group(1).lower() not in _LEAD_WORDS:
        # RTX 4090, Claude Opus 4.5, Terminal-Bench 2.0, Qwen 2.5 are names; PubMedQA 0.9566,
        # HumanEval 90.2 and MMLU 71.3% are scores: versions are integers or x.y below 10.
        if not (unit in ("%", "pp", "x", "ms", "s", "FPS") or _SCORE_LIKE_RE.fullmatch(raw)):
            return False
    if _SETTING_BEFORE_RE.search(before):
        return False  # N=4, 第 3 名
    if _ARXIV_ID_RE.fullmatch(raw) or _DATE_RE.match(text, start):
        return False  # arXiv ids and dates
    if unit in ("GB", "MB", "TB") and (_MEMORY_AFTER_RE.match(text, unit_end) or _MEMORY_BEFORE_RE.search(before)):
        return False  # hardware capacity: A100（80GB）, 配备 1.5TB 主机内存
    if unit in ("s", "min", "h") and _LENGTH_BEFORE_RE.search(before):
        return False  # input length: 长达 120 秒的视频
    if unit == "token" and _CONTEXT_WORD_RE.search(_CLAUSE_START_RE.split(before)[-1]):
        return False  # context length: 支持最长 8,192 token
    if raw_unit is None:
        if _COUNT_RE.match(after):
            return False  # 5 个基准, 700 帧, 120 万张
        if _YEAR_RE.fullmatch(raw):
            return False  # years
        if _OPEN_PAREN_BEFORE_RE.search(before) and _ENUMERATION_RE.match(text, start):
            return False  # inline enumeration: （1）…（2）…
        if "." not in raw:
            # A bare integer is a count, step or setting unless something marks it as a score.
            return bool(_SCORE_CUE_RE.search(before) or _PAREN_OR_VS_BEFORE_RE.search(before)
                        or _metric_mentions(before[-8:]))
    return True


def _metric_mentions(text: str) -> list[tuple[int, str]]:
    """(start, metric name) of every metric mention in `text`, in `_METRICS` order."""
    if not text:
        return []  # the phrase after a figure is mostly empty
    folded = fold_case(text)
    return [(m.start(), name) for rx, name, prefilter in _METRIC_RES
            if prefilter is None or prefilter.search(folded) for m in rx.finditer(text)]


def _direction(before: str, after: str, sign: str) -> str:
    if sign in "+＋":
        return "improve"
    clause = _PHRASE_START_RE.split(before)[-1]
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


def _metric_name(before: str, after: str, fig: _Figure, previous: str | None, label: str) -> str | None:
    """The metric named last before the figure in its clause, else first after it, else the one
    of the figure before it in the sentence (相比 Muon 降低了 9%), else its bullet label."""
    if fig.raw_unit == "分":
        return "score"
    if fig.unit == "FPS":
        return "FPS"
    clause = _CLAUSE_START_RE.split(before)[-1]
    # The latest mention wins, but a generic "score" only when nothing more specific is there (F1 分数).
    found = [(name != "score", start, name) for start, name in _metric_mentions(clause)]
    if found:
        return max(found)[2]
    if found := _metric_mentions(_PHRASE_END_RE.split(after)[0]):
        return min(found)[1]
    if previous:
        return previous
    if found := _metric_mentions(label):
        return found[0][1]  # the first metric in `_METRICS` order that the label names
    return "speedup" if fig.unit == "x" else None


def _spots(text: str, cache: dict[str, list[tuple[int, int, str, str]]]) -> list[tuple[int, int, str, str]]:
    if text not in cache:
        cache[text] = benchmarks.find_benchmarks(text)
    return cache[text]


def _benchmark(before: str, after: str, context: tuple[str, ...], near: list[tuple[int, int, str, str]],
               after_spot: list[tuple[int, int, str, str]], cache: dict[str, list[tuple[int, int, str, str]]]) -> str | None:
    """The benchmark named nearest before the figure, else after it in its clause ("67.5% on GSM8K"),
    else in earlier sentences or labels of its bullet. A name the registry knows, or one that says
    it is a benchmark (…Bench, …QA), beats a plain word the patterns took ("在 Ruby 语言上")."""
    found = _bench_candidate(before) or _bench_candidate(after)
    if found and (benchmarks.is_known(found) or _BENCHMARK_LIKE_RE.search(found)):
        return found
    if near or after_spot:
        return (near or after_spot)[-1][3]
    if found:
        return found  # a name in the figure's own sentence beats one from another sentence
    weak = None
    for text in context:
        found = _bench_candidate(text)
        if found and (benchmarks.is_known(found) or _BENCHMARK_LIKE_RE.search(found)):
            return found
        if spots := _spots(text, cache):
            return spots[-1][3]
        weak = weak or found
    return weak


def _bench_candidate(text: str) -> str | None:
    best: tuple[int, int, str] | None = None  # (strength, position, name)
    for rx, strength, prefilter in _BENCH_RES:
        if prefilter and not prefilter.search(text):
            continue
        for m in rx.finditer(text):
            name = m.group(1).strip(" -_.'/&")
            if not _is_benchmark_name(name):
                continue
            if not _looks_like_identifier(name) and "任务" in m.group(0)[m.end(1) - m.start(0):]:
                continue  # 在可移动物体（Movable Objects）的操作任务中: a task category, not a benchmark
            # A plain word (Counting, Ruby) is more often a task inside a benchmark than the benchmark.
            rank = 2 if strength == 2 or _looks_like_identifier(name) else 1
            key = (rank, m.start(1), name)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def _looks_like_identifier(name: str) -> bool:
    return bool(_IDENTIFIER_RE.search(name))


def _is_benchmark_name(name: str) -> bool:
    if len(name) < 2 or not _LETTER_RE.search(name) or _VERSION_RE.fullmatch(name):
        return False
    if _BENCHMARK_WORD_RE.search(name):
        return True  # SEED-Bench and LLaVA-Bench start like model names but are benchmarks
    if _NOT_BENCHMARK_RE.fullmatch(name):
        return False
    return not _MODEL_RE.search(name) and not _HARDWARE_RE.search(name)


def _comparison(text: str, pos: int) -> str | None:
    best = None
    lo = max(0, pos - _WINDOW)
    for m in _COMPARE_RE.finditer(text[lo:pos + _WINDOW]):
        name = m.group(1).strip(" .。的")
        where = lo + m.start()
        if len(name) >= 2 and (best is None or abs(where - pos) < abs(best[0] - pos)):
            best = (where, name)
    return best[1] if best else None
