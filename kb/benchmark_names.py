"""Benchmark and dataset names written in a paper's text, found by pattern. Pure.

The registry (`kb.benchmarks`) spots the names it knows; these patterns find the rest from how
they are written ("MMLU、CMMLU等基准", "在 MEnvBench 上", "67.5% on GSM8K"), tell a benchmark from
a model, metric or hardware name written the same way, and pick the benchmark a figure was
measured on.
"""

from __future__ import annotations

import re

from kb import benchmarks
from kb.word_patterns import ascii_bounds

_HARDWARE_RE = re.compile(ascii_bounds(r"\b(?:[AHBLV]\d{2,3}|GH200|GB200|RTX|GPU|TPU|NPU|Ascend|A6000|Jetson)\b"), re.I)
MODEL_RE = re.compile(
    r"^(?:qwen|llama|gpt|claude|gemini|gemma|deepseek|internvl|mistral|mixtral|glm|phi-|dream|llada|sdar|ernie|kimi|"
    r"doubao|baichuan|olmo|o[134](?:-|$)|bagel|flux|hunyuan|wan\d|veo|sora|opt-|bert|roberta|llava|minicpm|seed|grok|openai|operator)"
    r"|-\d+(?:\.\d+)?[BM]\b|-(?:Instruct|Base|Chat)\b",
    re.I,
)
# Metric names and generic terms that the benchmark patterns would otherwise pick up ("在 AUV 指标上").
# A split of a benchmark, never a benchmark of its own ("在 test-other 上", "在 testmini 上"): kb.subsets reads it.
SPLIT_WORD = r"(?:test|dev|val)[-_](?:clean|other|hard|zh|en|seen|unseen|meeting|net)|testmini|validation|val|dev|test"
_NOT_BENCHMARK_RE = re.compile(
    r"(?:PSNR|SSIM|LPIPS|FVD|FID|FPSD|mIoU|IoU|Dice|F1|AUC|AUROC|AUV|LCE|BLEU|ROUGE(?:-\w+)?|METEOR|mAP|WER|CER|CKA|CDM|TEDS|SPL"
    r"|PPL|SR|LR|Spearman|Pearson|Top-?\d+|Pass@\d+|N-acc|Acc|SOTA|Token|KV[- ]?Cache|GPU|CPU|LLMs?|RL|SFT|MoE"
    r"|NLU|NLP|QA|VQA|GUI|API|AI|OOD|Transformers?|Dense"
    r"|vLLM|SGLang|TensorRT(?:-LLM)?|PyTorch|Megatron(?:-LM)?|DeepSpeed|verl|llama\.cpp|vLLM/SGLang"
    rf"|{SPLIT_WORD})",
    re.I,
)

# Benchmark names: an identifier starting with a letter, with capitalised or versioned continuation words.
_NAME_TAIL = (r"[A-Za-z0-9]*(?:[-+_.'/&][A-Za-z0-9]+)*\+*"
              r"(?:[ ](?:[A-Z][A-Za-z0-9]*(?:[-+_.'/][A-Za-z0-9]+)*\+*|v?\d+(?:[./]\d+)*(?![\dA-Za-z])))*")
_NAME = rf"[A-Za-z](?:\*(?= [A-Z]))?{_NAME_TAIL}"  # V* Bench
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
    # The filler may not start a new phrase: "AlphaFold 3 在同一基准上" names a system, not the benchmark.
    (re.compile(rf"{_NAME_START}({_NAME})\s*[（(]?(?:(?!在|对|于|将|使)[^，。；,;A-Za-z]){{0,10}}?{_ANCHOR_STRONG}"), 2, _ANCHOR_RE),
    (re.compile(rf"{_ANCHOR_STRONG}\s*[（(:：]\s*({_NAME})\s*[）)]"), 2, None),
    (re.compile(rf"在{_CJK_PREFIX}\s*({_NAME})\s*[）)”\"」]?[^，。；,;\d]{{0,10}}?(?:上|中|里|环境|任务|评估|测试)"), 1, None),
    (re.compile(rf"[（(]\s*(?:如|例如|e\.g\.,?)?\s*({_NAME})\s*[）)]\s*(?:上|中)"), 1, None),
    (re.compile(rf"{_NAME_START}({_NAME})\s*(?:的)?\s*[\u4e00-\u9fff]{{0,3}}?(?:{_SCORE_WORD_RE.pattern})"), 1,
     _SCORE_WORD_RE),
    (re.compile(rf"\bon\s+({_NAME})"), 1, None),
    # "在 HR-Bench 的 4K 与 8K 子集上": the family of named subsets.
    (re.compile(rf"{_NAME_START}({_NAME})\s*的[^，。；,;]{{0,20}}?(?:子集|子任务|子项|维度|类别|赛道)"), 1, re.compile("子集|子任务|子项|维度|类别|赛道")),
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


# The head of a bullet or clause that names what it reports on: "Electricity（ECL）：MSE …", "PANDA 前列腺分级：…",
# "OCRBench 评测：得分 856". A registry name there is the benchmark even when it is too ambiguous to be
# spotted in running text (Traffic, Weather, PANDA): the head says it is what is measured.
_HEAD_RE = re.compile(r"^\s*([^：:，,。；;！？]{1,48}?)\s*[：:]")
_HEAD_NAME_RE = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z]{_NAME_TAIL}")
# A registry name in parentheses right after another one is a note on it (WeatherBench 2（ERA5，2020 年测试）).
_NOTE_GAP_RE = re.compile(r"^\s*[（(][^（()）]*$")


def registry_spots(text: str, cache: dict[str, list[tuple[int, int, str, str]]]) -> list[tuple[int, int, str, str]]:
    """`benchmarks.find_benchmarks(text)` with the head name of the text, less parenthesised notes; scanned
    once per text, since a bullet's sentences are read again as context."""
    if text not in cache:
        spots = benchmarks.find_benchmarks(text)
        if "-" in text:
            spots = _with_hyphen_subsets(text, spots)
        if (head := _head_spot(text)) and not any(s[0] < head[1] and head[0] < s[1] for s in spots):
            spots = sorted([*spots, head])
        cache[text] = [s for i, s in enumerate(spots)
                       if i == 0 or s[2] == spots[i - 1][2] or not _NOTE_GAP_RE.match(text[spots[i - 1][1]:s[0]])]
    return cache[text]


_HYPHEN_SUBSET_SPOT_RE = re.compile(rf"(?<![\w\-])[A-Za-z][\w.\-]*-(?:{benchmarks.HYPHEN_SUBSET_WORDS})(?![\w\-])")


def _with_hyphen_subsets(text: str, spots: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Spots for a known family's suite written with a hyphen (LIBERO-Spatial → LIBERO (Spatial)), which the
    registry scan leaves alone so that a longer hyphenated name is never read as the name inside it."""
    extra = []
    for m in _HYPHEN_SUBSET_SPOT_RE.finditer(text):
        name = benchmarks.canonical(m.group())
        if name != m.group() and not benchmarks.is_known(m.group()):
            extra.append((m.start(), m.end(), name, m.group()))
    if not extra:
        return spots
    kept = [s for s in spots if not any(s[0] < e[1] and e[0] < s[1] for e in extra)]
    return sorted([*kept, *extra])


def _head_spot(text: str) -> tuple[int, int, str, str] | None:
    """The first registry name in the head of `text` ("Traffic：…"), as a registry spot."""
    m = _HEAD_RE.match(text)
    if m is None:
        return None
    for name in _HEAD_NAME_RE.finditer(m.group(1)):
        written = name.group().strip(" -_.'/&")
        # "PANDA 前列腺 Gleason 分级": try the longest run of name words first, then shorter ones.
        words = written.split(" ")
        for n in range(len(words), 0, -1):
            candidate = " ".join(words[:n])
            if benchmarks.is_known(candidate):
                start = m.start(1) + name.start()
                return start, start + len(candidate), benchmarks.canonical(candidate), candidate
    # A head that is one name saying it is a benchmark ("JudgeBench：…", "RewardBench 2：…") names one the
    # registry does not know yet.
    head = m.group(1).strip()
    if (name := _HEAD_NAME_RE.fullmatch(head)) and _BENCHMARK_WORD_RE.search(head) and _is_benchmark_name(head):
        start = m.start(1)
        return start, start + len(head), benchmarks.canonical(head), head
    # An acronym head followed by a score ("MMAR：准确率为 58.9%") or a dataset ("MPTS-52：在更难的大晶胞数据集上")
    # names what is measured; a model (GPT-4o：…) or a metric (PSNR：…) head does not.
    if (_HEAD_NAME_RE.fullmatch(head) and _ACRONYM_HEAD_RE.fullmatch(head) and not MODEL_RE.search(head)
            and not _NOT_BENCHMARK_RE.fullmatch(head) and _MEASURED_AFTER_RE.match(text, m.end())):
        start = m.start(1)
        return start, start + len(head), benchmarks.canonical(head), head
    return None


_ACRONYM_HEAD_RE = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_MEASURED_AFTER_RE = re.compile(
    r"\s*(?:在[^，,。；;]{0,12}?(?:数据集|基准|测试集|任务上)|(?:整体|平均|总体)?(?:准确率|得分|成功率|匹配率|通过率|解决率|胜率|分数|"
    r"pass@\d|accuracy|score|success rate))", re.I)


def benchmark_for(before: str, after: str, context: tuple[str, ...], near: list[tuple[int, int, str, str]],
                  after_spot: list[tuple[int, int, str, str]], cache: dict[str, list[tuple[int, int, str, str]]]) -> str | None:
    """The benchmark named nearest before the figure, else after it in its clause ("67.5% on GSM8K"),
    else in earlier sentences or labels of its bullet. A name the registry knows, or one that says
    it is a benchmark (…Bench, …QA), beats a plain word the patterns took ("在 Ruby 语言上")."""
    found = _bench_candidate(before) or _bench_candidate(after)
    # A registry name written after the pattern's ("在 GSM8K 上…，HumanEval 提升 3.7") is the nearer one.
    later = bool(near) and found is not None and before.rfind(near[-1][3]) > before.rfind(found)
    if found and not later and (benchmarks.is_known(found) or _BENCHMARK_LIKE_RE.search(found)):
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
        if spots := registry_spots(text, cache):
            return spots[-1][3]
        weak = weak or found
    return weak


_SUBSET_AFTER_RE = re.compile(r"\s*[）)]?\s*(?:子集|子任务|子类|子项|子榜|套件|赛道|划分|split|subset|suite|track)", re.I)


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
            if _SUBSET_AFTER_RE.match(text, m.end(1)):
                continue  # 在 Hard 子集上: a subset of the benchmark, which kb.subsets reads
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
    return not MODEL_RE.search(name) and not _HARDWARE_RE.search(name)


_TITLE_BENCHMARK_RE = re.compile(r"\bbenchmark", re.I)
# "OfficeArena: Benchmarking LLM Agents …", "LongVid-Eval: Do Video LLMs Really Watch …": a title saying it tests models.
EVALUATING_TITLE_RE = re.compile(
    r"[:：]\s*(?:Benchmarking|(?:Meta-)?Evaluating|Evaluation of|Assessing|Measuring|Diagnosing|Probing|Do|Does|Can|Are|Is"
    r"|How (?:Well|Far|Good|Much)|An? (?:[\w-]+ ){0,3}Benchmark)\b", re.I)
_INTRODUCED_RE = "(?:构建|提出|推出|发布|引入|建立|创建|introduce|present|propose)"


def own_benchmark(title: str, contribution: str, own: tuple[str, ...]) -> str | None:
    """The benchmark a paper introduces, when its title names one ("HourVQA: A Benchmark for …",
    "ResearchGym: Evaluating …" with "提出了 ResearchGym，…基准"): the default for its figures."""
    for name in own:
        if not _is_benchmark_name(name) and not _BENCHMARK_WORD_RE.search(name):
            continue
        said = (re.search(rf"{_INTRODUCED_RE}[^。；]{{0,20}}?{re.escape(name)}[^。；]{{0,40}}?(?:{_ANCHOR_RE.pattern})", contribution, re.I)
                or re.search(rf"{_INTRODUCED_RE}[^。；]{{0,80}}?(?:{_ANCHOR_RE.pattern})\s*{re.escape(name)}", contribution, re.I))
        # "LongHorizon-Bench: Evaluating LLM Agents …" with "提出 LongHorizon-Bench，包含 160 个…任务": a name that says
        # it is a benchmark, introduced as such, needs no 基准 beside it.
        named = _BENCHMARK_WORD_RE.search(name) and (
            EVALUATING_TITLE_RE.search(title) or re.search(rf"{_INTRODUCED_RE}了?\s*{re.escape(name)}", contribution, re.I))
        if said or named or _TITLE_BENCHMARK_RE.search(title):
            return name
    return None
