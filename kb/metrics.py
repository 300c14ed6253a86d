"""Reported figures in a paper's results (and contribution) text → `Metric` rows. Pure.

Rule-based: a number becomes a metric unless it is part of a name
(GPT-5.2, RTX 4090, Qwen2.5-7B, v4.0), a year, a count of things
(5 个基准), a model size (8B) or a context length (200K). The benchmark,
metric name, direction and baseline come from the words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.parse import Paper

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_FIGURE_RE = re.compile(
    rf"(?P<qual>约|超过|高达|仅|近|接近|最高|逾|<|>|≈|~|≤|≥|＜|＞)?\s*"
    rf"(?P<num>{_NUM})(?:\s*(?:-|~|–|至|到)\s*(?P<upper>{_NUM}))?\s*"
    r"(?P<unit>%|％|个百分点|倍|x(?![A-Za-z])|×|ms|毫秒|秒|s(?![A-Za-z])|FPS|fps|GB|MB|TB|小时|分(?![类布析子钟])|pp(?![A-Za-z]))?"
)
_UNITS = {"%": "%", "％": "%", "个百分点": "pp", "pp": "pp", "倍": "x", "x": "x", "×": "x", "ms": "ms",
          "毫秒": "ms", "秒": "s", "s": "s", "FPS": "FPS", "fps": "FPS", "GB": "GB", "MB": "MB", "TB": "TB",
          "小时": "h", "分": "points"}
# Words after a bare number that make it a count or a size, not a measurement.
_COUNT_AFTER_RE = re.compile(r"^\s*(?:[个次种项类篇名位轮层张块台条份组款家倍]?[+]?\s*(?:个|次|种|项|类|篇|名|位|轮|层|张|块|台|条|份|组|款|家|年|月|日|天|周|万|亿|千|百|帧|步|维|路|阶段|卡)|[KkMBTG](?![a-zA-Z])|[A-Za-z])")
_NAME_BEFORE_RE = re.compile(r"(?:[A-Za-z][\w+]*[-_.]?|[\w.]*[A-Za-z][-_.]|@|v|V|#|/)$")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z0-9+\-_.]*)\s$")
_METRICS: tuple[tuple[str, str], ...] = (
    (r"pass@\d+", "pass@k"), (r"准确率|正确率|精度|精确度|accuracy|\bacc\b", "accuracy"),
    (r"成功率|success rate|\bSR\b", "success rate"), (r"\bPSNR\b", "PSNR"), (r"\bSSIM\b", "SSIM"),
    (r"\bLPIPS\b", "LPIPS"), (r"\bFVD\b", "FVD"), (r"\bFID\b", "FID"), (r"\bFPSD\b", "FPSD"),
    (r"\bF1\b|F1 ?分数", "F1"), (r"\bAUC\b", "AUC"), (r"\bAUV\b", "AUV"), (r"\bBLEU\b", "BLEU"),
    (r"\bROUGE", "ROUGE"), (r"\bmAP\b", "mAP"), (r"\bIoU\b", "IoU"), (r"Spearman|相关系数|相关性", "correlation"),
    (r"困惑度|perplexity|\bPPL\b", "perplexity"), (r"胜率|win rate", "win rate"), (r"循环率|\bLR\b", "loop rate"),
    (r"加速|speed-?up|提速", "speedup"), (r"显存|内存|memory", "memory"), (r"延迟|latency", "latency"),
    (r"吞吐|throughput|TFLOPS", "throughput"), (r"\bFPS\b|帧率", "FPS"), (r"召回|recall", "recall"),
    (r"错误率|误差|error", "error"), (r"保留率|压缩率|compression", "compression"), (r"利用率|utilization", "utilization"),
    (r"成本|cost|开销", "cost"), (r"耗时|时间|time", "time"), (r"奖励|reward", "reward"),
    (r"得分|分数|评分|score|分(?=[，。、；）)]|$)", "score"), (r"提升|提高|增益|gain|improv", "improvement"),
)
_IMPROVE_RE = re.compile(r"提升|提高|增加|增长|超越|超过|优于|上升|改善|加速|提速|领先|improv|gain|outperform|boost", re.I)
_REDUCE_RE = re.compile(r"降低|减少|下降|节省|压缩|缩短|减小|削减|reduc|lower|cut|decrease", re.I)
_BASELINE_GAP_RE = re.compile(r"^\s*(?:提升|提高|增加|增长|上升|降低|下降|减少|缩短|改善)?\s*(?:至|到|→|->|=>)\s*(?:了\s*)?$")
_NAME = r"[A-Za-z][A-Za-z0-9+\-_.()]*(?:\s(?:[A-Z0-9][A-Za-z0-9+\-_.]*|Verified|Multilingual|Hard|Lite|Pro|Long))*"
_BENCH_IN_RE = re.compile(rf"在\s*(?:[^\sA-Za-z，。；]{{0,6}})?({_NAME})\s*(?:\(|（)?[^，。；]{{0,12}}?(?:基准|数据集|测试集|测试|benchmark|榜单|上|中|评估|任务)")
_BENCH_ON_RE = re.compile(rf"({_NAME})\s*(?:基准|数据集|测试集|benchmark|榜单)?\s*(?:上|中)")
_COMPARE_RE = re.compile(r"(?:优于|超越|超过|击败|相比于?|相较于?|对比|比)\s*([^，。；,;：:]{2,40}?)(?=[，。；,;]|$|的|等|，)")
_METRIC_NAMES = {m for _, m in _METRICS} | {"PSNR", "SSIM", "Pass", "SR", "LR", "TFLOPS"}


@dataclass(frozen=True)
class Metric:
    """One reported figure: what was measured, on which benchmark, and how it moved."""

    benchmark: str | None
    metric: str | None
    value: float
    unit: str | None
    direction: str
    baseline: float | None
    comparison: str | None
    evidence: str
    section: str


def extract_metrics(paper: Paper) -> list[Metric]:
    """Every figure reported in the results section, then new ones stated in the contribution."""
    rows: list[Metric] = []
    for key in ("results", "contribution"):
        section = paper.section(key)
        if section is None:
            continue
        for sentence, label in _sentences(section.text):
            for metric in _figures(sentence, label, key):
                if key == "contribution" and any(r.value == metric.value and r.unit == metric.unit for r in rows):
                    continue  # the contribution usually restates a headline result
                rows.append(metric)
    return rows


def _sentences(text: str) -> list[tuple[str, str]]:
    """(sentence, bold label of its bullet) pairs; list markers and markup removed."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^\s*(?:[*\-+]|\d{1,2}[.)、])\s+", "", line).strip()
        label = ""
        if m := re.match(r"^\*\*([^*]{1,30})\*\*\s*[:：]\s*", line):
            label, line = m.group(1), line[m.end():]
        line = line.replace("**", "").replace("`", "")
        for part in re.split(r"(?<=[。；;！？])", line):
            if re.search(r"\d", part):
                out.append((part.strip(), label))
    return out


def _figures(sentence: str, label: str, section: str) -> list[Metric]:
    matches = [m for m in _FIGURE_RE.finditer(sentence) if _is_figure(sentence, m)]
    rows = []
    skip = set()
    for i, m in enumerate(matches):
        if i in skip:
            continue
        value = _number(m.group("upper") or m.group("num"))
        unit = _UNITS.get(m.group("unit") or "")
        baseline = None
        if i + 1 < len(matches):
            nxt = matches[i + 1]
            gap = sentence[m.end():nxt.start()]
            if "从" in sentence[max(0, m.start() - 4):m.start()] and _BASELINE_GAP_RE.match(gap):
                baseline, value = value, _number(nxt.group("upper") or nxt.group("num"))
                unit = unit or _UNITS.get(nxt.group("unit") or "")
                skip.add(i + 1)
                m = nxt
        before = sentence[:m.start()]
        after = sentence[m.end():m.end() + 16]
        direction = _direction(before[-24:], after)
        if baseline is not None and direction == "none":
            direction = "improve" if value > baseline else "reduce"
        rows.append(Metric(
            benchmark=_benchmark(before),
            metric=_metric(before, after, label, unit),
            value=value, unit=unit, direction=direction, baseline=baseline,
            comparison=_comparison(sentence), evidence=sentence, section=section,
        ))
    return rows


def _is_figure(sentence: str, m: re.Match[str]) -> bool:
    start, end = m.start("num"), m.end()
    before = sentence[:start]
    if _NAME_BEFORE_RE.search(before):
        return False  # GPT-5.2, H100, Qwen2.5, v4.0, pass@1
    unit = m.group("unit")
    raw = m.group("upper") or m.group("num")
    if unit is None:
        if _COUNT_AFTER_RE.match(sentence[end:]):
            return False  # 5 个基准, 744B, 200K, 2025 年, 4090 (part of RTX 4090)
        if (w := _WORD_BEFORE_RE.search(before)) and not _is_metric_word(w.group(1)):
            return False  # Claude Opus 4.5, Terminal-Bench 2.0, Unitree G1
        if re.fullmatch(r"(?:19|20)\d\d", raw):
            return False  # years
        if "." not in raw and int(raw.replace(",", "")) < 10 and not re.search(r"(?:达到|为|是|得分|至|到)\s*$", before):
            return False  # small integers are counts, steps or ordinals more often than results
    if re.search(r"\d{4}\.\d{4,5}", sentence[max(0, start - 1):end + 6]):
        return False  # arXiv ids
    return True


def _is_metric_word(word: str) -> bool:
    return any(re.fullmatch(p, word, re.I) or re.search(p, word, re.I) for p, _ in _METRICS[:20])


def _number(raw: str) -> float:
    return float(raw.replace(",", ""))


def _direction(before: str, after: str) -> str:
    clause = re.split(r"[，,]", before)[-1]
    best, where = "none", -1
    for pattern, name in ((_IMPROVE_RE, "improve"), (_REDUCE_RE, "reduce")):
        for m in pattern.finditer(clause):
            if m.start() > where:
                best, where = name, m.start()
    if best == "none":
        # `2.0倍的端到端推理加速`: the verb follows the number within its clause.
        rest = re.split(r"[，,。；;]", after)[0]
        up, down = _IMPROVE_RE.search(rest), _REDUCE_RE.search(rest)
        if up or down:
            return "improve" if up and (not down or up.start() < down.start()) else "reduce"
    return best


def _metric(before: str, after: str, label: str, unit: str | None) -> str | None:
    clause = re.split(r"[，,；;]", before)[-1]
    best, where = None, -1
    for pattern, name in _METRICS:
        for m in re.finditer(pattern, clause, re.I):
            if m.start() > where and name != "improvement":
                best, where = name, m.start()
    if best:
        return best
    for text in (after, label):
        for pattern, name in _METRICS:
            if re.search(pattern, text, re.I):
                return name
    if unit == "x":
        return "speedup"
    return None


def _benchmark(before: str) -> str | None:
    window = before[-80:]
    found = None
    for regex in (_BENCH_IN_RE, _BENCH_ON_RE):
        for m in regex.finditer(window):
            name = m.group(1).strip(" -_.()")
            # Versions (v4.0) and single letters are not benchmarks.
            if name not in _METRIC_NAMES and len(re.findall(r"[A-Za-z]", name)) >= 2 and not re.fullmatch(r"[vV]\d[\d.]*", name):
                found = name
        if found:
            return found
    return None


def _comparison(sentence: str) -> str | None:
    m = _COMPARE_RE.search(sentence)
    return m.group(1).strip() if m else None
