"""Who achieved a figure and how to read it: role, pairing with a compared value, direction, qualifier, setting. Pure.

`kb.metrics` finds the figures of a sentence; the functions here decide, from the words around
each, whether it is this paper's `result`, a compared system's `baseline` or a relative `change`,
which figure it is paired with ("从 61.2% 提升至 64.0%", "72.5 … 高于标准微调（70.1）",
"超越前代 GLM-4.7（42分）"), which way the quantity moved and which way is good.
"""

from __future__ import annotations

import re

from kb.metric_names import metric_mentions

# What the quantity did, read from the verb before (or just after) a figure.
_INCREASE_RE = re.compile(
    r"↑|提升|提高|增加|增长|上升|上调|改善|加速|提速|加快|更快|快|高出|多出|增强|(?<!最)高(?!达|于)|恶化|\+|＋|improv|gain|boost|increase|faster|speed-?up",
    re.I)
_DECREASE_RE = re.compile(
    r"↓|降低|减少|下降|下调|节省|节约|压缩|缩短|减小|削减|缩减|降幅|减|少|损失|(?<!最)低(?!于|至)|reduc|lower|cut|decrease|sav|drop|fewer|less", re.I)
# A change verb right before the figure, with fillers: "提升了约 5.2%", "降低高达 11", "增加不到 1%".
_VERB_BEFORE_RE = re.compile(
    r"(?:提升|提高|增加|增长|上升|改善|加速|提速|加快|快|慢|高出|多出|(?<![至最极减缺稀])少|领先|降低|减少|下降|下调|上调|节省|节约|压缩|缩短|减小|削减|缩减|恶化|退化|损失"
    r"|(?:比|较)[^，,；;。]{1,30}?(?:高|低|多|少)|(?:相对于?|相比于?)\s*[A-Za-z][\w.\-+ ]{0,30}?\s*(?:高|低)(?![达于出])|领先(?!的)(?:于)?\s*[^，,；;。\d（()）的]{1,20}?"
    r"|improv\w*|gain\w*|boost\w*|increas\w*|reduc\w*|decreas\w*|cut\w*|sav\w*|drop\w*|lower\w*|by)"
    r"(?:了|的|幅度|达|为|分别|均|平均|进一步|整体|总体|近|约|超过|高达|最高|最多|逾|不到|少于|小于|仅|只|极低|极小|up to|about|over|more than|nearly"
    r"|[\s（(<>≈~≤≥＜＞*]){0,12}$",
    re.I)
# A figure that names an amount of change after it: "5.2% 的提升", "2.5 倍的推理加速", "10% 的缩短".
_NOUN_AFTER_RE = re.compile(
    r"^\s*(?:以上|左右|多)?\s*(?:的)?\s*(?:[\u4e00-\u9fffA-Za-z\-]{0,8}?)(?:提升|提高|增益|增长|加速|提速|改进|下降|降低|减少|缩短|节省|压缩|损失|降幅|涨幅|增幅"
    r"|improvement|gain|speed-?up|reduction|drop|faster|slower|fewer|less|more|lower|higher|smaller|larger)",
    re.I)
_LEVEL_AFTER_VERB_RE = re.compile(r"(?:至|(?<!不)到|为|成|\bto)\s*(?:了|约|近|高达|达)?\s*$", re.I)  # "提升至 84.6%" is a level
# "仅需 10% 的数据", "仅消耗微调过程约 20% 的时间": a share of what the compared setup needs.
_SHARE_RE = re.compile(r"(?:仅|只)(?:需|需要|使用|用|消耗|占用?|保留)[^，,；;。]{0,12}?(?:了|约|近)?\s*$")
_EXTRA_RE = re.compile(r"额外(?:的)?\s*(?:[\u4e00-\u9fff]{0,4}?(?:显存|内存|计算|时间|延迟|开销))?\s*(?:占用|消耗|需要|引入|带来|开销)?\s*(?:均|仅)?\s*(?:约|近|仅|不到|低于|小于|不超过|少于)?\s*$")  # "额外 10% 的困难 Prompt", "额外占用约 14% 的显存"
_SHARE_OF_BEFORE_RE = re.compile(r"(?:仅|只)(?:为|是|有|需|占)\s*[^，,；;。\d]{1,12}?的\s*(?:约)?\s*$")
_AMOUNT_LEVEL_RE = re.compile(r"(?:降幅|涨幅|增幅|提升幅度|下降幅度)\s*(?:为|约|达|达到|高达|超过|近|最高|最多)*\s*$")
# Nouns naming an amount of change: a level after them ("降幅为 21.4 个百分点") is the amount moved.
_AMOUNT_NOUN_RE = re.compile(r"降幅|涨幅|增幅|提升幅度|下降幅度|优势|增益|损失|提升|下降|gain|drop", re.I)
_GAP_WORD_RE = re.compile(r"差异|差距|gap|difference", re.I)
# "A（72.5）显著高于标准微调（70.1）": what lies between the two figures of a compared pair.
_PAIR_GAP_RE = re.compile(
    r"^\s*[）)]?[^，,；;。\d]{0,14}?(?:高于|优于|超越|超过|胜过|击败|领先于?|好于|低于|快于|慢于|than|over)\s*(?:了)?"
    r"(?P<sys>[^，,；;。\d（()）]{1,30}?)(?:的)?\s*[（(]\s*(?:[^，,；;。\d（()）]{0,6})$",
    re.I)
# "…得分为 50，… 超越前代 GLM-4.7（42分）": a compared figure in parentheses after a system name.
_COMPARED_BEFORE_RE = re.compile(
    r"(?:超越|超过|优于|高于|胜过|击败|领先|好于|低于|相比|相较|对比|接近|逼近|媲美|比肩|(?<![比相])较(?![高低大小好差多少])"
    r"|(?<![相对无])比(?![例率较如])|(?<![然因从进])而(?!言|是|非)|than|over)\s*(?:了|于)?\s*"
    r"(?P<sys>[^，,；;。（()）]{1,30}?)\s*(?:的)?\s*[（(]\s*(?:[^，,；;。\d（()）]{0,6}|[A-Za-z][A-Za-z@\- ]{0,14})$",  # 优于 DiffCSP（Match Rate 51.5%）
    re.I)
# "MDF 耗时约 450 秒，而全量微调需 2519 秒": the compared system's figure after 而.
_WHEREAS_RE = re.compile(
    r"(?:而|但|whereas|while)\s*(?P<sys>[^，,；;。\d][^，,；;。]{0,29}?)\s*(?:则|仅|只|已|仍|也)?"
    r"(?P<verb>需要?|为|是|达到?|耗时|用时|只有|仅有|得分|的得分|降至|降到|下降|降低|提升|提高|增加|减少|保持在?)\s*(?:了|约|近)?\s*$",
    re.I)
_CHANGE_VERB_RE = re.compile(r"下降|降低|提升|提高|增加|减少")
# "而每步训练时间仅增加 2.1%", "但 Token 消耗减少 61%": after 而 a quantity that changed is this paper's own cost.
_QUANTITY_RE = re.compile(r"时间|延迟|消耗|长度|开销|显存|内存|成本|吞吐|速度|耗时|用量|占用|latency|memory|cost|time|length", re.I)
# "WER 为 1.83%（F5-TTS 为 2.42%）": the compared system's figure in parentheses right after this paper's.
_PAREN_SYSTEM_RE = re.compile(
    r"^[^，,；;。\d（()）]{0,16}?[（(]\s*(?P<sys>[^，,；;。（()）]{1,40}?)\s*(?:为|是|[:：]|得分为?|达到?|仅为|约为?|约|(?<=[^\s\d])\s)\s*$", re.I)
CHANGE_WORD_RE = re.compile(r"提升|提高|降低|减少|增加|下降|加速|相对|绝对|增益|gain|improv|reduc|drop", re.I)
# "得分 8.41，与 GPT-4o-mini（8.38）相当": a compared figure that the sentence calls on a par.
_ON_PAR_BEFORE_RE = re.compile(r"(?:与|和|同|跟)\s*(?P<sys>[^，,；;。（()）]{1,30}?)\s*(?:的)?\s*[（(]\s*$")
# "为 96.2，与原模型的 96.4 基本持平": the compared figure after 与 … 的, called on a par after it.
_ON_PAR_OF_RE = re.compile(r"(?:与|和|同|跟)\s*(?P<sys>[^，,；;。（()）\d][^，,；;。（()）]{0,29}?(?:[（(][A-Za-z][\w\-]{0,15}[）)])?)\s*的\s*$")
# "与 π0（94.2%）相比提升 2.9 个百分点" compares the same way.
_HEDGE = r"(?:基本|大致|几乎|大体)?"
_ON_PAR_WORDS = r"相当|持平|接近|相近|齐平|一致|不相上下"
_ON_PAR_AFTER_RE = re.compile(
    rf"^\s*[^，,；;。（()）]{{0,4}}?[）)]\s*(?:仍|尚|还)?(?:有|存在)?\s*{_HEDGE}(?:{_ON_PAR_WORDS}|相差|差距|相比|相较|比较|无差异|无明显差异|差异不大)")
# "相比 EAGLE-2 的 4.37 提升 17%": the compared system's figure after 相比 … 的.
# "达到 73%，远高于单智能体脚本的 39%": the same after 高于 / 优于 … 的.
_COMPARED_OF_RE = re.compile(r"(?:相比|相较|对比|较|高于|优于|超过|超越|低于|好于|胜过|接近|逼近)(?:于|了)?\s*(?P<sys>[^，,；;。（()）\d][^，,；;。（()）]{0,29}?)\s*的\s*$")
_RAISED_TO_RE = re.compile(r"(?:提升|提高|增加|降低|减少|改善|推高)\s*(?:至|到)\s*(?:了)?\s*$")
# The compared figure closes its parenthesis, after a unit the number parser does not know (meV/atom, m²/s², /s).
_PAREN_AFTER_RE = re.compile(r"^\s*(?:分|points?|[^\s，,；;。（()）\d\u4e00-\u9fff]{1,12})?\s*[）)]")
# The unmodified starting point a method is measured against: "全注意力为 88.6", "FP16 为 2.86".
_STARTING_POINT = r"全注意力|全量注意力|全量\s*KV\s*(?:Cache|缓存)|未压缩模型|(?<![A-Za-z])(?:FP16|BF16)(?:\s*模型)?"
_OWN_BASELINE_RE = re.compile(r"(?:基线|baseline|原始|原模型|此前|之前|早期的|先前的|前代|对照|未经|未使用|未加|base model|基座|默认(?:配置|配比|设置|设定)"
                             rf"|(?:{_STARTING_POINT})(?=\s*(?:为|是|仅为)))", re.I)
_REFERENCE_LABEL_RE = re.compile(r"参考|参照|对照|参考对比|参考基线|作为对照|reference|for reference", re.I)
_COMPARISON_LABEL_RE = re.compile(r"对比|比较|对比基线|基线对比|与\s*[^：:]{1,12}\s*(?:的)?(?:对比|比较)|comparison|vs\.?\s*\S+", re.I)
_OWN_WORDS_RE = re.compile(r"本文|我们|本方法|该方法|我们的|\bours?\b", re.I)
_AGAINST_RE = re.compile(r"(?:相对|相比|相较|对|对比|against|vs\.?)(?:于)?[^，,；;。]{0,8}$", re.I)
_RAW_METRIC_RE = re.compile(r"(?:胜率|得分|分数|准确率|指标|精度|WR|score|accuracy)", re.I)
_FROM_SYSTEM_RE = re.compile(r"(?:从|由|from)\s*(?P<sys>[^，,；;。\d]{2,30}?)\s*的\s*$", re.I)

_DESCRIPTOR_RE = re.compile(r"^(?:前代|上一代|前一代|此前的?|之前的?|先前的?|原始的?|现有的?|强大的?|最强的?)\s*(?=[A-Za-z])")

_QUALIFIERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:最高|高达|最多|多达|up to)\s*(?:了|达)?\s*[约近]?\s*$", re.I), "up to"),
    (re.compile(r"(?:不到|少于|小于|低于|不足|不超过|<|＜|≤|less than|under|below)\s*(?:了)?\s*$", re.I), "<"),
    (re.compile(r"(?:超过|超出|逾|大于|多于|>|＞|≥|more than|over)\s*(?:了)?\s*$", re.I), ">"),
    (re.compile(r"(?:约|近|接近|近乎|大约|~|～|≈|约为|about|nearly|around|approximately)\s*(?:了)?\s*$", re.I), "≈"),
)
_QUALIFIER_AFTER: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*(?:以上|多|\+(?!\d))"), ">"), (re.compile(r"^\s*(?:以下|以内)"), "<"), (re.compile(r"^\s*左右"), "≈"),
)

# Which way is good for a metric (names as `kb.metrics` writes them).
_LOWER_IS_BETTER = {
    "latency", "memory", "error", "perplexity", "cost", "time", "WER", "FID", "FVD", "FPSD", "LPIPS", "LCE",
    "loop rate", "unsafe rate", "parameters", "compression",
}
_HIGHER_IS_BETTER = {
    "accuracy", "score", "PSNR", "SSIM", "success rate", "speedup", "throughput", "FPS", "frequency", "F1", "AUC", "AUV",
    "mIoU", "IoU", "Dice", "BLEU", "ROUGE", "mAP", "pass@k", "win rate", "recall", "fidelity", "correlation",
    "agreement", "hit rate",
    "retention", "reward", "selection rate", "CKA",
}

_SIZE_RE = re.compile(r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?\s?[BM](?:\s?(?:MoE|Dense|A\d+(?:\.\d+)?B))?(?![A-Za-z0-9])")
_CONTEXT_RE = re.compile(r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?\s?[kK](?:\s?(?:上下文|长度|context|tokens?))?(?![A-Za-z0-9])")
_ON_MODEL_RE = re.compile(r"在\s*([A-Za-z][A-Za-z0-9.\-_]*(?:-\d+(?:\.\d+)?[BbMm])?[A-Za-z0-9.\-_]*)\s*(?:模型|大模型)?\s*上")


def better_for(metric: str | None) -> str | None:
    """"higher", "lower" or None: which way is good for this metric."""
    if metric in _LOWER_IS_BETTER:
        return "lower"
    if metric in _HIGHER_IS_BETTER:
        return "higher"
    return None


def qualifier(before: str, after: str, is_range: bool) -> str | None:
    """`<`, `>`, `≈`, `up to` or `range`, from the words just around the figure."""
    if is_range:
        return "range"
    tail = before[-12:]
    for rx, name in _QUALIFIERS:
        if rx.search(tail):
            return name
    for rx, name in _QUALIFIER_AFTER:
        if rx.match(after):
            return name
    return None


def change_of(phrase: str, clause: str, after: str, unit: str | None) -> tuple[bool, str | None]:
    """(is a change, direction) for a figure, given the phrase and clause before it and the text after.

    A level is what a verb moved the quantity *to* ("提升至 84.6%"); a change is the amount it moved
    by ("提升 5.2%", "5.2% 的提升", "11 倍", "+2.0%", "仅需 10% 的数据"); `direction` is
    "increase" or "decrease" where the words say which.
    """
    if unit == "x":
        return True, _direction_word(phrase[-20:] + after[:16])  # a ratio is relative even as a level: 加速比为 3.21×
    if unit == "pp" and (m := _AMOUNT_NOUN_RE.search(clause[-24:])):
        return True, _direction_word(m.group(0))  # "平均降幅分别为 21.4 个百分点", "优势为 2.4 个百分点"
    if _LEVEL_AFTER_VERB_RE.search(phrase[-8:]):
        return False, None
    if m := _VERB_BEFORE_RE.search(clause):
        return True, _direction_word(m.group(0))
    if m := _NOUN_AFTER_RE.match(after):
        return True, _direction_word(m.group(0))
    if unit == "%" and _SHARE_RE.search(phrase[-16:]):
        return False, None  # "仅需 10% 的数据" is the share of the budget a method needs: a level it reaches
    if unit == "%" and (m := _AMOUNT_LEVEL_RE.search(phrase[-10:])):
        return True, _direction_word(m.group(0))  # "降幅约 40%": the amount moved, not a level
    if unit == "%" and _SHARE_OF_BEFORE_RE.search(phrase[-20:]):
        return True, "decrease"  # "平均 Token 消耗仅为基线的 45%": a cut, written as what is left
    if _EXTRA_RE.search(phrase[-12:]):
        return True, "increase"
    if unit == "pp":
        return True, _direction_word(phrase[-20:] + after[:16])
    if unit == "%" and _GAP_WORD_RE.search(clause):
        return True, None
    return False, None


def is_share(phrase: str) -> bool:
    """Whether the phrase before a figure makes it the share of the compared budget a method needs ("仅需 10% 的数据")."""
    return bool(_SHARE_RE.search(phrase[-16:]))


def _direction_word(text: str) -> str | None:
    up = [m.start() for m in _INCREASE_RE.finditer(text)]
    down = [m.start() for m in _DECREASE_RE.finditer(text)]
    if not up and not down:
        return None
    # The word nearest the figure decides: "降低…提升" reads by the last one before it.
    return "increase" if max(up, default=-1) > max(down, default=-1) else "decrease"


def _system(name: str) -> str:
    """A compared system as written, without a leading descriptor: "前代 GLM-4.7" → "GLM-4.7"."""
    name = name.strip(" 的")
    return _DESCRIPTOR_RE.sub("", name) or name


def pair_gap(gap: str) -> str | None:
    """The compared system when `gap` is what separates "A（x）" from "高于 B（y" ; else None."""
    m = _PAIR_GAP_RE.match(gap)
    return _system(m.group("sys")) if m else None


def compared_before(before: str, after: str) -> str | None:
    """The system a parenthesised compared figure belongs to: "超越前代 GLM-4.7（42分）" → "前代 GLM-4.7"."""
    if not _PAREN_AFTER_RE.match(after):
        return None
    m = _COMPARED_BEFORE_RE.search(before[-40:])
    return _system(m.group("sys")) if m else None


def paren_system(gap: str) -> str | None:
    """The compared system when `gap` is what separates "1.83%" from "（F5-TTS 为 2.42%" ; else None."""
    m = _PAREN_SYSTEM_RE.match(gap)
    if m is None or CHANGE_WORD_RE.search(m.group("sys")):
        return None  # "（相对提升为 5%）" is a second figure of this paper's
    if metric_mentions(m.group("sys")) and not re.search(r"\d|[A-Za-z]-[A-Za-z]", m.group("sys")):
        return None  # "一致率 93.1%（Cohen's κ 为 0.86）": a second metric, not a compared system (Skywork-Reward-8B is one)
    return _system(m.group("sys"))


def on_par_system(before: str, after: str) -> str | None:
    """The system of a figure the sentence puts on a par with this paper's ("与 GPT-4o-mini（8.38）相当",
    "与原模型的 96.4 基本持平", "与基座模型基本持平（58.0%）")."""
    if m := _ON_PAR_THEN_PAREN_RE.search(before[-40:]):
        return _system(m.group("sys"))
    if m := _ON_PAR_OF_RE.search(before[-40:]):
        if _ON_PAR_WORD_RE.match(after):
            return _system(m.group("sys"))
    if not _ON_PAR_AFTER_RE.match(after):
        return None
    m = _ON_PAR_BEFORE_RE.search(before[-40:])
    return _system(m.group("sys")) if m else None


_ON_PAR_WORD_RE = re.compile(rf"^\s*[^，,；;。（()）]{{0,4}}?{_HEDGE}(?:{_ON_PAR_WORDS})")
_ON_PAR_THEN_PAREN_RE = re.compile(rf"(?:与|和|同|跟)\s*(?P<sys>[^，,；;。（()）\d]{{1,20}}?)\s*{_HEDGE}(?:{_ON_PAR_WORDS})\s*[（(]\s*$")


def compared_of(before: str) -> str | None:
    """The system of a figure written "相比 EAGLE-2 的 4.37", compared with this paper's figure before it."""
    m = _COMPARED_OF_RE.search(before[-40:])
    return _system(m.group("sys")) if m else None


def whereas_system(before: str) -> str | None:
    """The system of a figure introduced by 而 ("而全量微调需 2519 秒") after this paper's own one."""
    m = _WHEREAS_RE.search(before[-30:])
    if m and _CHANGE_VERB_RE.fullmatch(m.group("verb")) and (_QUANTITY_RE.search(m.group("sys")) or metric_mentions(m.group("sys"))):
        return None  # "但 VBench 质量分仅下降 0.4 分": what else changed, not another system
    return _system(m.group("sys")) if m else None


# "准确率 64.0%，GPT-4o 为 56.6%": a clause that opens with another model's name and gives its figure.
_MODEL_CLAUSE_RE = re.compile(r"[，,；;]\s*(?P<sys>[A-Za-zπ][\w.\-]*(?:[ ][\w.\-]+){0,2})\s*(?:为|是|仅为|得分为?|约为)\s*(?:约|仅)?\s*$")


# "平均 88.1，全注意力为 88.6": a clause of its own giving the starting point its figure after this paper's.
_BASELINE_CLAUSE_RE = re.compile(rf"[，,；;]\s*(?P<sys>(?:{_STARTING_POINT}|原始模型|原模型|基线(?:模型|方法)?|基座模型)(?:[（(][A-Za-z][\w\-]{{0,15}}[）)])?)"
                                 r"\s*(?:为|是|仅为)\s*(?:约)?\s*$")


def baseline_clause_system(before: str) -> str | None:
    """The starting point a clause of its own gives a figure to after this paper's ("…88.1，全注意力为 88.6")."""
    m = _BASELINE_CLAUSE_RE.search(before[-24:])
    return m.group("sys") if m else None


def model_clause_system(before: str) -> str | None:
    """The model a clause of its own gives a figure to after this paper's ("…64.0%，GPT-4o 为 56.6%"), if named as a model."""
    from kb.benchmark_names import MODEL_RE  # the model-name families live with the benchmark patterns
    m = _MODEL_CLAUSE_RE.search(before[-40:])
    return m.group("sys") if m and (MODEL_RE.search(m.group("sys")) or m.group("sys").startswith("π")) else None


_GAP_BEFORE_RE = re.compile(r"(?:相差|差距为?|差异为?|gap of)\s*(?:仅|只有|约|不到|了)?\s*$", re.I)


def is_gap(before: str) -> bool:
    """Whether the figure is the gap between two others ("相差仅 0.19 分"), never one side of a compared pair."""
    return bool(_GAP_BEFORE_RE.search(before[-12:]))


def raised_to(before: str) -> bool:
    """Whether the figure is the level something was raised or cut to ("将其提升至 10.6%")."""
    return bool(_RAISED_TO_RE.search(before[-10:]))


def from_system(before_first: str) -> str | None:
    """The starting system of "从 ModernBERT-base 的 60.5% 提升至 69.2%"."""
    m = _FROM_SYSTEM_RE.search(before_first[-40:])
    return _system(m.group("sys")) if m else None


def reference_label(label: str) -> str | None:
    """"reference" for a bullet that only quotes other systems' figures (参考, 作为对照), "comparison"
    for one that compares (对比, 与 SOTA 对比), whose figures are other systems' unless this paper's
    own method is named; None for other labels."""
    if _REFERENCE_LABEL_RE.fullmatch(label.strip()):
        return "reference"
    if _COMPARISON_LABEL_RE.fullmatch(label.strip()):
        return "comparison"
    return None


def names_own_method(text: str, own: tuple[str, ...]) -> bool:
    """Whether `text` names this paper's method: by name, or as 本文/我们/our."""
    return bool(_OWN_WORDS_RE.search(text)) or any(name and name.lower() in text.lower() for name in own)


def is_baseline_subject(clause: str) -> bool:
    """Whether the clause before a figure makes it a baseline's figure ("基线模型仅为 40%").

    Not when the baseline is what the figure is measured against ("相对 RL 前的基座模型胜率为 64.2%")
    or 原始 names a variant of the metric ("原始胜率为 49.8%").
    """
    m = _OWN_BASELINE_RE.search(clause[-20:])
    if m is None or _SHARE_OF_BEFORE_RE.search(clause[-20:]):
        return False  # "Token 消耗仅为基线的 45%": a ratio to the baseline, not the baseline's figure
    tail = clause[-20:]
    if _AGAINST_RE.search(tail[:m.start()]) or (m.group() == "原始" and _RAW_METRIC_RE.match(tail, m.end())):
        return False
    return True


# A sentence that opens by saying it quotes others: "作为对比，Qwen2.5-VL-7B 为 864 分", "作为参考，AlphaFold 3 …约为 80%".
_REFERENCE_LEAD_RE = re.compile(
    r"(?:^|[：:])\s*(?:作为(?:对比|参考|对照|比较|参照)|相比之下|对比之下|相较之下|for (?:reference|comparison)|by comparison"
    r"|in comparison)\s*[，,：:]", re.I)
# A clause after the figure that calls it a reference: "UnitY 的 ASR-BLEU 为 27.6，作为质量上限参考".
_REFERENCE_AFTER_RE = re.compile(r"^[^，,；;。]{0,6}?[，,]\s*(?:作为|用作|视为)[^，,；;。]{0,10}?(?:参考|对照|参照|上限|下限)")
# A figure inside the phrase naming the compared system: "与需要 4 小时超参数搜索的 AutoGluon 相比".
_INSIDE_COMPARED_BEFORE_RE = re.compile(r"(?:与|和|跟|同)[^，,；;。\d]{0,12}$")
_INSIDE_COMPARED_AFTER_RE = re.compile(r"^[^，,；;。\d]{1,30}?(?:相比|相较|比较)")


def is_reference(before: str, after: str) -> bool:
    """Whether the sentence quotes the figure as another system's reference point rather than this
    paper's result: after 作为对比/作为参考, before ", 作为…参考", or inside "与 … 的 X 相比"."""
    lead = _REFERENCE_LEAD_RE.search(before)
    if lead and not _OWN_WORDS_RE.search(before[lead.end():]):
        return True
    return bool(_REFERENCE_AFTER_RE.match(after)
                or (_INSIDE_COMPARED_BEFORE_RE.search(before) and _INSIDE_COMPARED_AFTER_RE.match(after)))


def setting_of(text: str) -> str | None:
    """The condition the sentence names (`7B`, `80B MoE`, `32k`, `Qwen3-14B`), joined with ", "."""
    found: list[str] = []
    if m := _ON_MODEL_RE.search(text):
        found.append(m.group(1))
    for rx in (_SIZE_RE, _CONTEXT_RE):
        found += [m.group().strip() for m in rx.finditer(text) if not any(m.group().strip() in f for f in found)]
    return ", ".join(dict.fromkeys(found)) or None


# "人类专家在相同步数限制下的平均成功率为 87.5%", "而人类专家的完成率为 89.2%": a human reference line.
_HUMAN_SUBJECT_RE = re.compile(
    r"^(?:[^，,；;。]*[：:])?\s*(?:而|但|相比之下|作为参考|其中)?\s*[，,]?\s*"
    r"(?:[^，,；;。]{0,12}的)?(?:[一二两三四五六七八九十\d]+\s*(?:位|名))?\s*(?P<who>人类(?!偏好|评测|评估|评价|打分|研究|反馈|对齐)(?:专家|标注员|标注者|评估者|参与者|玩家|选手|受试者|医生|参赛者|研究生)?"
    r"|人类研究生|(?:住院|主治|执业|专科)?医师|志愿者|(?:资深|专业|领域|人类)(?:工程师|专家)|真人录音|真实录音|人工录音|真实人声(?:录音)?"  # 研究 after 人类 is a study, 研究生 a graduate student
    r"|human\b(?!\s+(?:preference|evaluation|study|feedback))(?:\s+(?:experts?|annotators?|raters?|players?|baseline|performance))?)", re.I)
_AGREEMENT_RE = re.compile(r"一致性|一致率|κ|kappa|agreement", re.I)
_BEATS_RE = re.compile(r"超越|超过|优于|胜过|比|高于|低于|接近|逼近|beat|surpass|exceed", re.I)


def human_reference(clause: str) -> str | None:
    """Who a figure belongs to when its clause is about humans ("人类专家的完成率为 89.2%"): a
    reference level, not this paper's result; None when the clause compares the paper with humans."""
    m = _HUMAN_SUBJECT_RE.match(clause)
    if m is None or _BEATS_RE.search(clause) or _AGREEMENT_RE.search(clause):
        return None  # "三名医师标注的一致性 κ 为 0.82" measures the benchmark's labels, not the humans' skill
    return m.group("who")
