"""Reported figures in a paper's results (and contribution) text → `Metric` rows. Pure.

Rule-based. Every number is a candidate; it becomes a figure unless it is part of a
name (GPT-5.2, RTX 4090, Qwen2.5-7B, v4.0, pass@1, 20-Entropy), a year or date, an
arXiv id, a count (5 个基准, 700 帧), a model size or context length (8B, 32k), a
hardware capacity (A100（80GB）), a setting (N=4, 1:11, 75°) or a bare integer with
nothing that marks it as a score. Benchmark, metric, direction, baseline and
comparison come from the words around the figure, the bullet's bold label and the
labels of the bullets it is nested in (sentences: `kb.sentences`; benchmark and metric
names: `kb.benchmark_names`, `kb.metric_names`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kb import benchmarks, roles
from kb.benchmark_names import benchmark_for, registry_spots
from kb.metric_names import metric_mentions
from kb.parse import Paper
from kb.sentences import Sentence, bullet_sentences

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


def _before(text: str, pos: int) -> str:
    return text[max(0, pos - _WINDOW):pos]


@dataclass(frozen=True)
class _Figure:
    start: int
    end: int
    value: float
    unit: str | None
    raw_unit: str | None = None
    low: float | None = None  # the lower end of a range (98% 至 133%)


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
_QUALIFIER_RE = re.compile(r"(?:约|超过|高达|仅|近|接近|最高|逾|不到|少于|小于|大于|多于|达|了|<|>|≈|~|≤|≥|＜|＞|\s)+$")
_IMPROVE_RE = re.compile(r"↑|提升|提高|增加|增长|超越|超过|优于|上升|改善|加速|提速|加快|更快|领先|高出|faster|improv|gain|outperform|boost|increase", re.I)
_REDUCE_RE = re.compile(r"↓|降低|减少|下降|节省|压缩|缩短|减小|削减|降至|reduc|lower|cut|decrease|sav", re.I)
# "超过 15%" is a qualifier, not a comparison, hence the look-ahead for a number.
_COMPARE_RE = re.compile(
    r"(?:优于|超越|超过|击败|胜过|相比于?|相较于?|对比|高于|低于|than|over|vs\.?)\s*(?:了\s*)?(?![\s约近\d<>≈~.])"
    r"([^，。；,;：:（()）%]{2,40}?)"
    r"(?=\s*(?:[，。；,;：:（()）]|$|等|上|中|在|时|从|有|降低|提升|提高|减少|增加|实现|带来|高出|取得|达到|表现|的(?:表现|性能|效果|结果)|还|也|均|都|更|快|慢))"
)


# Sentences and figures.
_EXAMPLE_RE = re.compile(r"(?:例如|比如|如|特别是|尤其|e\.g\.|for example)", re.I)
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


def extract_metrics(paper: Paper) -> list[Metric]:
    """Every figure reported in the results, contribution and innovations sections, each occurrence once."""
    rows: list[Metric] = []
    for key in METRIC_SECTIONS:
        section = paper.section(key)
        if section is None:
            continue
        carried: tuple[int, str | None] = (-1, None)  # (bullet, last metric name) for 例如… sentences
        spotted: dict[str, list[tuple[int, int, str, str]]] = {}  # registry names per sentence, found once
        for sentence in bullet_sentences(section.text, _WINDOW):
            # Only a sentence that gives an example of the one before (例如…) inherits its metric.
            example = _EXAMPLE_RE.match(sentence.text)
            previous = carried[1] if carried[0] == sentence.bullet and example else None
            for metric in _metrics_in(sentence, key, previous, spotted):
                carried = (sentence.bullet, metric.metric)
                # 主要创新点 describe the method: its levels are settings (约25%的注意力头), its relative claims results.
                if key != "innovations" or metric.role == "change":
                    rows.append(metric)
    return rows


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


def _metrics_in(sentence: Sentence, section: str, previous_metric: str | None = None,
                spotted: dict[str, list[tuple[int, int, str, str]]] | None = None) -> list[Metric]:
    text = sentence.text
    figures = _figures(text)
    spotted = {} if spotted is None else spotted
    spots = registry_spots(text, spotted) if figures else []
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
        raw_bench = benchmark_for(before, clause_after, sentence.context, near, after_spot, spotted)
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
                        or metric_mentions(before[-8:]))
    return True


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
    lo = max(0, pos - _WINDOW)
    for m in _COMPARE_RE.finditer(text[lo:pos + _WINDOW]):
        name = m.group(1).strip(" .。的")
        where = lo + m.start()
        if len(name) >= 2 and (best is None or abs(where - pos) < abs(best[0] - pos)):
            best = (where, name)
    return best[1] if best else None
