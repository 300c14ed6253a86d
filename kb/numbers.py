"""The numbers of a sentence that are reported figures, with their units and ranges. Pure.

Every number is a candidate; it is a figure unless it is part of a name (GPT-5.2, RTX 4090,
Qwen2.5-7B, v4.0, pass@1, 20-Entropy), a year or date, an arXiv id, a count (5 个基准, 700 帧),
a model size or context length (8B, 32k), a hardware capacity (A100（80GB）), a shape or
magnification (1024×1024, 2×2, 4× 超分), a setting (N=4, 1:11, 75°, 3.2 bit, 在保留率为 25% 的情况下),
a proportion of data (0.01% 的 token, 极少量（约0.01%）) or a bare integer with nothing that
marks it as a score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kb import roles
from kb.metric_names import metric_mentions

# Characters each side of a figure that its cues are read from. Cues sit within a clause or two
# (figures start at most ~150 characters into a sentence); the cap keeps extraction linear in the
# text's size even for a sentence that never ends.
WINDOW = 300


def before_of(text: str, pos: int) -> str:
    """The `WINDOW` characters of `text` before `pos`."""
    return text[max(0, pos - WINDOW):pos]


@dataclass(frozen=True)
class Figure:
    """One figure's span in its sentence (with its unit), value and unit."""

    start: int
    end: int
    value: float
    unit: str | None
    raw_unit: str | None = None
    low: float | None = None  # the lower end of a range (98% 至 133%)


_LIST_GAP_RE = re.compile(r"\s*(?:和|与|及|、|/|,|，)\s*$")
_NUM_RE = re.compile(r"(?<![\d.,])(?P<sign>[+＋]|(?<![\w\d)])[-−])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_UNIT_RE = re.compile(
    r"\s*(?P<unit>%|％|个百分点|百分点|个点|pp(?![A-Za-z])|倍|[x×](?![A-Za-z])|ms(?![A-Za-z])|毫秒|秒|s(?![A-Za-z])"
    r"|分钟|min(?![A-Za-z])|小时|h(?![A-Za-z])|ns(?![A-Za-z])|μs(?![A-Za-z])|GB|MB|TB|FPS|fps|[kK]?Hz(?![A-Za-z])|tokens?(?![A-Za-z])|dB(?![A-Za-z])"
    r"|个数量级|数量级"
    r"|[Kk]\s*(?:tokens?|Token)(?![A-Za-z])|[Kk](?![A-Za-z0-9])|分(?![类布析子钟辨别配支组数之制]))"
)
_UNITS = {
    "%": "%", "％": "%", "个百分点": "pp", "百分点": "pp", "个点": "pp", "pp": "pp", "倍": "x", "x": "x", "×": "x",
    "Hz": "Hz", "kHz": "kHz", "KHz": "kHz",
    "ms": "ms", "毫秒": "ms", "秒": "s", "s": "s", "分钟": "min", "min": "min", "小时": "h", "h": "h",
    "GB": "GB", "MB": "MB", "TB": "TB", "FPS": "FPS", "fps": "FPS", "token": "token", "tokens": "token", "分": None,
    "dB": "dB", "K": "K", "k": "K", "ns": "ns", "μs": "μs", "个数量级": "orders of magnitude", "数量级": "orders of magnitude",
}
_RANGE_RE = re.compile(r"\s*(?:-|–|—|~|～|至|到)\s*(?=\d)")
# Classifiers that make a bare number a count: 5 个基准, 700 帧, 3-4 轮, 120 万张, 204 对.
_LENGTH_RANGE_AFTER_RE = re.compile(r"\s*(?:扩展到|扩展至|增至|增加到|到|至|-|–|~)\s*\d+(?:\.\d+)?\s*[KkMm]\b")
_PICTURE_AFTER_RE = re.compile(r"\s*(?:图像|图片|分辨率|视频|画面|屏)")
_COUNT_RE = re.compile(
    r"\s*(?:多|余)?\s*(?:万|亿|千|百|个(?!百分点|点)|次|例|帧|轮|种|项|类|篇|条|张|对|名|位|层|步|维|卡|块|台|份|组|款|家"
    r"|年|月|日|天|周|句|行|题|道|段|页|部|根|只|件|颗|像素|阶段|人|任务|残基|原子|样本|核(?!心)|视图)"
)
# A count that is the outcome: items solved out of a whole ("解决了 27 道题（共 657 道）", "仅解决 23 道").
# A count of settings won is one too (_WON_AFTER_RE), as LABELLING.md decided; `dev` gold, written before, leaves it out.
# "有 19 个设置取得最优" (LABELLING.md: a count of settings won is a result; the total is not).
_WON_AFTER_RE = re.compile(r"^\s*个[^，,；;。\d]{0,6}?(?:上)?(?:均|都)?(?:取得|达到|实现|获得)?了?(?:最优|最佳|第一|SOTA|领先)")
# "在 72 个数据集中的 51 个上优于 XGBoost", "24 个设计中有 19 个成功表达", "4 种候选材料，其中 3 种成功": the part
# of a total that the method won or got right is its result; the total is a count.
_OF_TOTAL_BEFORE_RE = re.compile(
    r"\d+\s*(?:个|种|项|组)(?:[^，,；;。\d]{0,12}?(?:中|里)(?:的|有|[，,]\s*(?:有|其中|[^，,；;。\d]{1,20}?有))?|[^，,；;。\d]{0,12}?[，,]\s*其中)\s*(?:有|共有)?\s*$")
_WINS_AFTER_RE = re.compile(r"^\s*(?:个|种|项|组)(?:[^，,；;。\d]{0,20}?(?:上)?(?:均|都)?(?:优于|超过|胜过|超越|成功|保持一致|一致|(?:被|经)[^，,；;。]{0,12}?确认|未出现)"
                            r"|[^，,；;。]{0,4}?(?:取得|达到|实现)[^，,；;。]{0,8}?(?:最优|最佳|第一|SOTA|最低|最高))")
_SET_AS_BEFORE_RE = re.compile(r"为\s*$")
_OF_NOUN_AFTER_RE = re.compile(r"^\s*的\s*(?!模型|方法|成绩|水平|结果|分数|得分)[\u4e00-\u9fffA-Za-z]")
_SOLVED_BEFORE_RE = re.compile(r"(?:解决了?|答对了?|做对了?|证明了?|攻克了?|确认了?|solved)\s*(?:约|近|仅|只)?\s*$")
_OUT_OF_AFTER_RE = re.compile(r"^\s*(?:个|道|题|项)[^，,；;。\d]{0,4}?[（(]\s*(?:共|总共|总计|out of)\s*\d")
# The scale a score is given on: "MOS 为 4.12（5 分制）", "10-point scale".
_SCALE_AFTER_RE = re.compile(r"\s*(?:分制|点量表|级量表|-point scale|point scale)")
# A figure that modifies the subject whose value follows: "72 小时台风路径误差为 142 km", "未来 3 秒的轨迹",
# "scTM > 0.5 的比例达到 91%": a horizon or threshold, not a result.
_MODIFIER_AFTER_RE = re.compile(r"\s*(?:的)?[\u4e00-\u9fff]{1,8}(?:为|是|达到?|约为)\s*(?:约|近|仅)?\s*\d")
_HORIZON_BEFORE_RE = re.compile(r"(?:未来|提前|前|past|next)\s*$", re.I)
# Words right before a number (with one space) that make it a measurement, not a version.
_LEAD_WORDS = {"vs", "to", "from", "of", "by", "at", "and", "is", "was", "were", "with", "than", "reaches", "achieves",
               "about", "score", "accuracy", "psnr", "ssim", "lpips", "fid", "fvd", "fpsd", "auv", "lce", "miou", "auc",
               "bleu", "f1", "em", "sr", "lr", "ppl", "perplexity", "latency", "speedup", "throughput", "wer", "cer"}
_RATING_RE = re.compile(r"评级|评分|rating|elo", re.I)
_FROM_END_RE = re.compile(r"(?:从|由)\s*$")
_TO_AFTER_RE = re.compile(r"\s*(?:轮|次|步|分)?\s*(?:提升|提高|增加|增长|上升|降低|下降|减少|降|升|增)(?:至|到)")
_BEHAVIOUR_COUNT_RE = re.compile(r"平均|轮数|次数|调用")
_RAISED_TO_RE = re.compile(r"(?:提升|提高|增加|增长|上升|降低|下降|减少)(?:至|到)\s*(?:约|近)?\s*$")
_SCORE_CUE_RE = re.compile(r"(?:为|是|达到?|得分|分数|评分|score[sd]?|[：:]|(?:降|升|低|高|少|减)(?:至|到)(?:约|近)?)\s*$", re.I)
FROM_RE = re.compile(r"(?:从|由|from\s)[^，,；;。]*$", re.I)
_DIGIT_RE = re.compile(r"\d")
_UPPER_RE = re.compile(r"\d+(?:\.\d+)?")
_NAME_AFTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f]|-[A-Za-z]|°|:\d|\s+Gen\b")  # 骁龙 8 Gen 3
_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z0-9+\-_.]*)[ ]$")
_SCORE_LIKE_RE = re.compile(r"0\.\d{2,}|\d{2,}\.\d+")
_STATISTIC_BEFORE_RE = re.compile(r"(?:κ|kappa|τ|ρ|(?:Pearson|Spearman|Kendall)\s*[A-Za-zρτ]?|(?<![A-Za-z])[rR]²?)\s*[=＝]\s*$", re.I)
_SETTING_BEFORE_RE = re.compile(r"[A-Za-z\u0391-\u03c9]\s*[=＝]\s*$|第\s*$")  # N=4, α=0.1, 第 3 名
_ARXIV_ID_RE = re.compile(r"\d{4}\.\d{4,5}")
_DATE_RE = re.compile(r"\d{4}-\d{1,2}(?:-\d{1,2})?\b")
# A year and month written with a dot, in a date range: "LiveCodeBench v6（2025.02–2025.05）".
_YEAR_MONTH_RE = re.compile(r"(?:19|20)\d\d\.(?:0[1-9]|1[0-2])")
_YEAR_MONTH_NEAR_RE = re.compile(r"^\s*[–—~～至-]\s*(?:19|20)\d\d\.\d|[–—~～至-]\s*$")
_TOLERANCE_BEFORE_RE = re.compile(r"±\s*$")  # "MOS 为 4.38 ± 0.07": the spread of a figure, not one
_MEMORY_AFTER_RE = re.compile(r"\s*(?:的)?\s*(?:主机|消费级|单张)?(?:内存|显存|RAM|VRAM|HBM|显卡|GPU|卡)(?!占用)")
_MEMORY_BEFORE_RE = re.compile(r"(?:配备|搭载|配置)\s*$|[A-Za-z0-9]\s*[（(]\s*$")
_DURATION_OF_BEFORE_RE = re.compile(r"(?:时长|时限|限时)\s*(?:超过|不超过|为|约|平均|达|在)?\s*(?:约)?\s*$")
_SPEC_PAREN_BEFORE_RE = re.compile(r"(?:视频|任务|子集|时限|音频|片段)[”\"]?\s*[（(]\s*(?:[>＞<＜≥≤]|每[^，,；;。\d（()）]{0,4})?\s*(?:\d+(?:\.\d+)?\s*[-–~至]\s*)?$")
_CLOSE_AFTER_RE = re.compile(r"\s*[）)]")
_CONSTRAINT_AFTER_RE = re.compile(r"\s*(?:的)?\s*(?:端到端)?(?:延迟|时延|响应)?\s*(?:约束|限制|预算|要求)(?:下|内)")
_LENGTH_BEFORE_RE = re.compile(r"长达\s*$|(?:能够|可以|可)?(?:生成|合成)\s*$")  # 长达 120 秒的视频, 生成 60 秒以上的长视频
_CONTEXT_WORD_RE = re.compile(r"长度|上下文|最长|窗口|context|length|chunk", re.I)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_OPEN_PAREN_BEFORE_RE = re.compile(r"[（(]\s*$")
_ENUMERATION_RE = re.compile(r"\d[）)]")
_PAREN_OR_VS_BEFORE_RE = re.compile(r"[（(]\s*$|vs\.?\s*$")
CLAUSE_START_RE = re.compile(r"[，,；;]")
PHRASE_START_RE = re.compile(r"[，,；;（(]")
# A `×` between two numbers is a shape or resolution (1024×1024, 2×2), not a change.
_DIMENSION_AFTER_RE = re.compile(r"\s*\d")
_DIMENSION_BEFORE_RE = re.compile(r"\d\s*[x×]\s*$")
# A `×` that names a magnification is a task setting: 4× 超分, 8× 下采样, 2x upscaling.
_MAGNIFY_AFTER_RE = re.compile(
    r"\s*(?:的)?\s*(?:超分|超分辨率|上采样|下采样|降采样|放大|缩放|分辨率|倍率|super-?resolution|upscal|upsampl|downsampl|zoom|magnification)", re.I)
# A length given in thousands (12.4K, 45K token) is a figure only where the sentence says it changed
# ("从 12.4K 降至 7.7K", "仍需 9.8K"); elsewhere it is a context or size (32K 上下文).
# The same holds for token counts in a clause about length or context (平均输出长度从 4,120 Token 降至 2,350 Token).
_AMOUNT_CHANGE_RE = re.compile(r"从|由|降至|降到|减少|缩短|压缩|节省|降低|增加|仍需|仅需|消耗|占用|from|reduc", re.I)
_MEDIA_AFTER_RE = re.compile(
    r"\s*(?:的)?\s*(?:\d{3,4}p\s*)?[\u4e00-\u9fff]{0,4}?(?:视频|音频|语音|录音|片段|音乐|歌曲|参考音频|clips?|videos?|audio|songs?)"
    # "在 640ms 分块的流式模式下", "10 分钟以内的视频", "在 30 秒后": a chunk size, a length bound, a moment.
    r"|\s*(?:的)?\s*(?:分块|chunk)|\s*(?:以内|以上)的|\s*[）)]?\s*(?:处|后|时)", re.I)
_MOMENT_RANGE_AFTER_RE = re.compile(r"\s*(?:增至|增加到|延长至|延长到|到|至|→|-|–)\s*\d+(?:\.\d+)?\s*(?:分钟|秒|小时|min|s|h)\s*(?:时|后)")
_PAREN_SCALE_RE = re.compile(r"[A-Za-z0-9]\s*[（(]\s*[×x]?\s*$")  # DRealSR（4×）, Set5 (×4): the scale of a test set
_FRACTION_AFTER_RE = re.compile(r"/\d")
_DEGREE_ERROR_RE = re.compile(r"误差|error|偏差|deviation", re.I)
# "将推理时的专家激活数减少至25%，可带来超过15%的解码加速": the level a method is set to, whose effect follows.
_SET_TO_BEFORE_RE = re.compile(r"将(?P<what>[^，,；;。\d]{1,20}?)(?:减少|降低|压缩|缩减|增加|提高|设为|设置为|调整|控制)(?:至|到|为)\s*$")
_EFFECT_AFTER_RE = re.compile(r"\s*(?:的情况下)?\s*[，,]?\s*(?:即可|便可|就能|可以|可|能够|能)?\s*(?:带来|实现|获得|换来|使)")
_THRESHOLD_AFTER_RE = re.compile(r"\s*(?:meV|eV)\s*/\s*atom\s*(?:以内|以下|之内)")  # an energy MAE in meV/atom is a figure
_BOUND_BEFORE_RE = re.compile(r"(?:低于|小于|不超过|不高于|<|≤|＜)\s*$")
_ENERGY_AFTER_RE = re.compile(r"\s*(?:meV|eV)\s*/\s*atom\s*(?:的|[）)])")  # "低于 0.1 eV/atom 的结构"; not "偏差低于 0.05 eV/atom"
_BITRATE_AFTER_RE = re.compile(r"\s*(?:kbps|Kbps|bps|kHz)\b")
_LOWERED_TO_BEFORE_RE = re.compile(r"(?:降至|降低到|降到|压缩到|压缩至|仅需|低至)\s*(?:约)?\s*$")
_TOP_SHARE_BEFORE_RE = re.compile(r"(?:排名|位列)?前\s*$")
_TARGET_BEFORE_RE = re.compile(r"目标[\u4e00-\u9fff]{0,6}\s*(?:为|是)?\s*$")
_THRESHOLD_BEFORE_RE = re.compile(r"(?:E_?hull|阈值|threshold)\s*[<≤＜]\s*$", re.I)
_GREEK_BEFORE_RE = re.compile(r"[\u0370-\u03ff]$")
_REQUIREMENT_AFTER_RE = re.compile(r"\s*(?:的)?\s*(?:实时|部署|上线|线上)?\s*(?:要求|需求|门槛|约束)")
_VERSION_OR_DIM_AFTER_RE = re.compile(r"(?:\s*[-–~至到]\s*\d+(?:\.\d+)?)?\s*(?:版本|版|代|维(?!持|护|度))")
_BITS_AFTER_RE = re.compile(r"\s*(?:bits?|比特|bpw)(?![A-Za-z])", re.I)  # bit widths are settings: 约 3.2 bit
# A figure that names the condition another is measured under: "在 Token 保留率为 25% 时",
# "在参数量减少 2-3 倍的情况下". Keeping performance at a level (在保持 99% 精度的情况下) is a result.
# "当 GPU 计算利用率超过 70% 时应关闭", "仅保留 10% 的 KV 缓存时，": the condition, with a longer tail.
_WHEN = r"[^，,；;。\d]{0,10}?(?<![小同])时(?![间长延刻代序空])"
_CONDITION_AFTER_RE = re.compile(
    r"^[^，,；;。\d]{0,10}?(?:(?:情况|条件|设置|设定|前提|预算|约束|配置|场景|比例|稀疏度|压缩率|保留率)下(?!降|滑|跌)"
    rf"|[^，,；;。\d]{{0,4}}?(?<![小同])时(?=\s*[，,])|{_WHEN}(?=\s*(?:[，,]|应|需|会|可|则|即)))")
_WHEN_AFTER_RE = re.compile(rf"^{_WHEN}(?=\s*[，,])")
_CONDITION_BEFORE_RE = re.compile(r"在|当|若|如果|假设|仅保留|保留|under|when|at", re.I)
_MAINTAIN_RE = re.compile(r"保持|维持|保证|保有|不损失|不牺牲|maintain|preserv|retain", re.I)
# A share of the data, not a performance: "屏蔽 0.01% 的 token", "极少量（约0.01%）", "占 30%".
_DATA_AFTER_RE = re.compile(
    r"^\s*(?:的)?\s*(?:[\u4e00-\u9fffA-Za-z]{0,6}?)\s*(?:token|数据|(?<![零少小])样本|参数|权重|专家|注意力头|神经元|通道|语料|patch|像素|训练集"
    r"|标注|标签|labels?)",
    re.I)
_FAILURE_SHARE_RE = re.compile(r"失败|错误|误差来源|error|failure|fail", re.I)
_CACHE_AFTER_RE = re.compile(r"^\s*(?:的)?\s*(?:KV|键值)\s*(?:Cache|缓存)?", re.I)
_BUDGET_RE = re.compile(r"^\s*(?:的)?\s*(?:KV|键值)\s*(?:Cache|缓存)?\s*(?:预算|budget)", re.I)
_COVER_BEFORE_RE = re.compile(r"覆盖(?:了)?\s*(?:约)?\s*$")
_TRAFFIC_AFTER_RE = re.compile(r"^\s*(?:的)?\s*(?:线上)?(?:流量|用户|请求)")
_KEEP_BEFORE_RE = re.compile(r"保留了?\s*(?:约)?\s*$")
_AMOUNT_BEFORE_RE = re.compile(
    r"(?:少量|极少|少数|小部分|一部分|大部分|多数|大量)[^，,；;。\d]{0,8}?[（(]\s*(?:约|仅|近|不到|超过)?\s*$"
    r"|占(?:比|据)?(?:了|约|近|达|仅|只|超过|不到|高达)*\s*$")


def find_figures(text: str) -> list[Figure]:
    """The numbers in `text` that are reported figures, ranges folded to their upper bound."""
    figures: list[Figure] = []
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
        if (r := _RANGE_RE.match(text, unit_end)) and not FROM_RE.search(before_of(text, start)):
            if (up := _UPPER_RE.match(text, r.end())) is not None:
                up_end = up.end()
                up_unit, up_unit_end = _unit_at(text, up_end)
                if (unit is None or up_unit is None or unit == up_unit) and float(up[0]) >= abs(value):
                    low = value
                    value, unit, end, unit_end = float(up[0]), unit or up_unit, up_end, up_unit_end
        consumed = max(end, unit_end)
        if _is_figure(text, start, end, unit_end, raw, unit):
            figures.append(Figure(start, unit_end, value, _UNITS.get(unit) if unit else None, unit, low))
    # "降幅分别为 21.4 和 17.8 个百分点", "71.3 / 66.0%": a list written with its unit once, at its end.
    for i in range(len(figures) - 2, -1, -1):
        fig, nxt = figures[i], figures[i + 1]
        if fig.unit is None and nxt.unit is not None and _LIST_GAP_RE.match(text, fig.end, nxt.start):
            figures[i] = replace(fig, unit=nxt.unit, raw_unit=nxt.raw_unit)
    return figures


def _unit_at(text: str, pos: int) -> tuple[str | None, int]:
    """The unit written at `pos` (as written) and where it ends; (None, pos) when there is none."""
    m = _UNIT_RE.match(text, pos)
    if m and m["unit"][:1] in "Kk" and len(m["unit"]) > 1:
        return "K", m.end()  # 45K token: thousands of tokens
    return (m["unit"], m.end()) if m else (None, pos)


def _is_figure(text: str, start: int, end: int, unit_end: int, raw: str, raw_unit: str | None) -> bool:
    before, after = before_of(text, start), text[end:end + WINDOW]
    unit = _UNITS.get(raw_unit) if raw_unit else None
    prev = before[-1:] if before else ""
    # Part of a name or version: GPT-5.2, Qwen2.5, v4.0, pass@1, Top-1, 1:11, AIME 24/25.
    if prev.isascii() and prev.isalpha():
        return False
    if prev in "-_.@/#:" and len(before) >= 2 and before[-2].isascii() and before[-2].isalnum():
        return False
    if _NAME_AFTER_RE.match(after) and raw_unit is None:
        # 8B, 20-Entropy, 4-bit, 75°, 1:11; but an error in degrees is a figure (旋转误差中位数为 1.9°)
        if not (after[:1] == "°" and "." in raw and _DEGREE_ERROR_RE.search(CLAUSE_START_RE.split(before)[-1])):
            return False
    if _FRACTION_AFTER_RE.match(after):
        return False  # 参数量仅为其 1/5: a fraction of a size
    if (w := _WORD_BEFORE_RE.search(before)) and w.group(1).lower() not in _LEAD_WORDS:
        # RTX 4090, Claude Opus 4.5, Terminal-Bench 2.0, Qwen 2.5 are names; PubMedQA 0.9566,
        # HumanEval 90.2 and MMLU 71.3% are scores: versions are integers or x.y below 10.
        if not (unit in ("%", "pp", "x", "ms", "s", "FPS") or _SCORE_LIKE_RE.fullmatch(raw)):
            return False
    if _SETTING_BEFORE_RE.search(before) and not _STATISTIC_BEFORE_RE.search(before):
        return False  # N=4, 第 3 名; but "Cohen's κ = 0.84", "Pearson r = 0.92" are measured agreements
    if _ARXIV_ID_RE.fullmatch(raw) or _DATE_RE.match(text, start):
        return False  # arXiv ids and dates
    if _YEAR_MONTH_RE.fullmatch(raw) and (_YEAR_MONTH_NEAR_RE.match(after) or _YEAR_MONTH_NEAR_RE.search(before[-3:])
                                          or _YEAR_MONTH_NEAR_RE.match(text[start + len(raw):end])):
        return False  # 2025.02–2025.05
    if _TOLERANCE_BEFORE_RE.search(before):
        return False
    if unit in ("GB", "MB", "TB") and (_MEMORY_AFTER_RE.match(text, unit_end) or _MEMORY_BEFORE_RE.search(before)):
        return False  # hardware capacity: A100（80GB）, 配备 1.5TB 主机内存
    if unit in ("s", "min", "h") and _LENGTH_BEFORE_RE.search(before):
        return False  # input length: 长达 120 秒的视频
    if unit in ("s", "min", "h") and (_DURATION_OF_BEFORE_RE.search(before[-12:])
                                      or (_SPEC_PAREN_BEFORE_RE.search(before[-16:]) and _CLOSE_AFTER_RE.match(text, unit_end))):
        return False  # 平均视频时长 4.2 分钟, 当任务时长超过 8 小时, 长视频（10-60 分钟）, 子集（>90 分钟）, 时限（每任务 30 分钟）
    if unit in ("ms", "s") and _CONSTRAINT_AFTER_RE.match(text, unit_end):
        return False  # 在 320 ms 延迟约束下: the budget it runs under
    clause = CLAUSE_START_RE.split(before)[-1]
    said_changed = _AMOUNT_CHANGE_RE.search(clause) or _AMOUNT_CHANGE_RE.match(text, unit_end, unit_end + 6)
    if unit == "token" and _CONTEXT_WORD_RE.search(clause) and not said_changed:
        return False  # context length: 支持最长 8,192 token
    if unit == "K" and (not said_changed or _COUNT_RE.match(text, unit_end) or _PICTURE_AFTER_RE.match(text, unit_end)
                        or _LENGTH_RANGE_AFTER_RE.match(text, unit_end)):  # 从 8k 扩展到 1M: a span of lengths
        return False  # 32K 上下文, 4K 分辨率; 从 2K 条增加到 16K 条 and 4K 图像 are counts and sizes even beside a change
    if unit in ("ms", "s", "min", "h") and (_MEDIA_AFTER_RE.match(text, unit_end) or _MOMENT_RANGE_AFTER_RE.match(text, unit_end)):
        return False  # input length: 生成 1 分钟视频, 3 秒参考音频; 从 10 分钟增至 60 分钟时: two moments
    if unit == "x" and _PAREN_SCALE_RE.search(before) and text[unit_end:unit_end + 2].lstrip()[:1] in "）)":
        return False  # DRealSR（4×）: the test set's scale
    if unit == "x" and (_DIMENSION_AFTER_RE.match(text, unit_end) or _MAGNIFY_AFTER_RE.match(text, unit_end)):
        return False  # 1024×1024, 2×2, 4× 超分
    if _DIMENSION_BEFORE_RE.search(before) or _BITS_AFTER_RE.match(text, unit_end):
        return False  # the second side of 1024×1024; bit widths (约 3.2 bit)
    if unit is None and _VERSION_OR_DIM_AFTER_RE.match(text, unit_end):
        return False  # 比 1.5 版本, 通常为 3-5 维
    if unit == "%" and _TOP_SHARE_BEFORE_RE.search(before[-6:]) and text[unit_end:unit_end + 2].lstrip()[:1] == "的":
        return False  # 排名前 10% 的人类选手: who is counted, not a figure
    if _TARGET_BEFORE_RE.search(before[-12:]):
        return False  # 在目标带隙 3.0 eV 的条件生成中: the value asked for, not one achieved
    if (_BOUND_BEFORE_RE.search(before[-4:]) and _ENERGY_AFTER_RE.match(text, start + len(raw))) \
            or (_BITRATE_AFTER_RE.match(text, start + len(raw)) and not _LOWERED_TO_BEFORE_RE.search(before[-6:])):
        return False  # 距凸包能量低于 0.1 eV/atom: a criterion; 在 0.6 kbps 的低码率下: an operating point
    if _THRESHOLD_AFTER_RE.match(text, unit_end) or _THRESHOLD_BEFORE_RE.search(before[-12:]) or _GREEK_BEFORE_RE.search(before[-1:]):
        return False  # 凸包上方 0.1 eV/atom 以内, E_hull < 0.1: a criterion; π0: a name
    if _REQUIREMENT_AFTER_RE.match(text, unit_end):
        return False  # 满足 10Hz 实时要求: the bar it meets, not what it achieved
    if (set_to := _SET_TO_BEFORE_RE.search(before[-30:])) and _EFFECT_AFTER_RE.match(text, unit_end) \
            and not metric_mentions(set_to.group("what")):
        return False  # the level the method is set to, not what it achieved
    if _is_condition(before, text[unit_end:unit_end + 20]) or _is_share_of_data(before, text[unit_end:unit_end + 20], unit):
        return False
    if _SCALE_AFTER_RE.match(after) or before.rstrip().endswith("满分"):
        return False  # 5 分制, 满分 5 分: the scale, not a score
    if unit in (None, "s", "min", "h") and (_HORIZON_BEFORE_RE.search(before) or _MODIFIER_AFTER_RE.match(text, unit_end)) \
            and not FROM_RE.search(clause):
        return False  # 未来 3 秒的轨迹, 72 小时台风路径误差为 142 km
    if raw_unit is None and "." not in raw and _SET_AS_BEFORE_RE.search(before[-4:]) and _OF_NOUN_AFTER_RE.match(after):
        return False  # "粒度为 8 的细粒度 MoE": the value a compared variant is set to
    if raw_unit is None and "." not in raw and (_SOLVED_BEFORE_RE.search(before) or _OUT_OF_AFTER_RE.match(after)
                                                or _WON_AFTER_RE.match(after)
                                                or (_OF_TOTAL_BEFORE_RE.search(before) and _WINS_AFTER_RE.match(after))):
        return True  # 解决了 27 道题, 有 29 个取得最优: the count is the result
    if raw_unit is None:
        if (count := _COUNT_RE.match(after)) and ("." not in raw or count.group().strip()[:1] in "多余万亿千百"):
            # 5 个基准, 700 帧, 120 万张; an average (5.12 个 Token) is a measurement, and so is a count of turns,
            # or calls that went from one level to another ("交互轮数从 42 轮降至 27 轮"); sampling steps are a setting.
            if not (count.group().strip() in ("轮", "次") and FROM_RE.search(clause) and _BEHAVIOUR_COUNT_RE.search(clause)):
                return False
            return True
        if _YEAR_RE.fullmatch(raw) and not _RAISED_TO_RE.search(before[-6:]):
            return False  # years; but "评级从 1481 提升至 1916" is a rating
        if _OPEN_PAREN_BEFORE_RE.search(before) and _ENUMERATION_RE.match(text, start):
            return False  # inline enumeration: （1）…（2）…
        if "." not in raw:
            # A bare integer is a count, step or setting unless something marks it as a score.
            # "评级从 1481 提升至 1916": the starting level of a from-to pair is a score too.
            return bool(_SCORE_CUE_RE.search(before) or _PAREN_OR_VS_BEFORE_RE.search(before)
                        or metric_mentions(before[-8:]) or (_FROM_END_RE.search(before) and _TO_AFTER_RE.match(text, unit_end)
                            and (_RATING_RE.search(clause) or bool(metric_mentions(clause)))))
            # ... but 智能体数量从 4 增加到 64, 帧数从 64 增至 256 and 粒度从 8 提升到 32 are settings swept.
    return True


def _is_condition(before: str, after: str) -> bool:
    """Whether the figure sets the condition of its clause ("在保留率为 25% 时") rather than reports one."""
    clause = CLAUSE_START_RE.split(before)[-1]
    if not (_CONDITION_AFTER_RE.match(after) and _CONDITION_BEFORE_RE.search(clause)):
        return False
    # "在仅使用 10% 训练数据的情况下" states the paper's saving; 保持 99% 精度 its retained performance. But
    # "仅保留 10% 的 KV 缓存时，…" is the budget a result is measured at.
    if _MAINTAIN_RE.search(clause):
        return False
    return bool(_WHEN_AFTER_RE.match(after)) or not roles.is_share(PHRASE_START_RE.split(before)[-1])


def _is_share_of_data(before: str, after: str, unit: str | None) -> bool:
    """Whether a percentage is the share of the data or model a method touches, not how well it did."""
    if unit != "%":
        return False
    if _KEEP_BEFORE_RE.search(before[-8:]) and (_DATA_AFTER_RE.match(after) or _CACHE_AFTER_RE.match(after)):
        return True  # "仅保留 15% 的视觉 Token", "仅保留 12.5% KV Cache": how much the method keeps, its setting
    if _BUDGET_RE.match(after) or (_COVER_BEFORE_RE.search(before[-6:]) and _TRAFFIC_AFTER_RE.match(after)):
        return True  # "12.5% KV 预算": the budget it runs under; "A/B 测试覆盖 5% 流量": the share of traffic tested
    if not (_AMOUNT_BEFORE_RE.search(before[-20:]) or _DATA_AFTER_RE.match(after)):
        return False
    if _FAILURE_SHARE_RE.search(before[-40:]) and not _DATA_AFTER_RE.match(after):
        return False  # "规划错误占 41%": an error analysis measures the method, a data mix does not
    # "减少 50% 的 token" is a relative claim, kept as a change; "仅需 10% 的数据" the share a method needs, a result.
    phrase, clause = PHRASE_START_RE.split(before)[-1], CLAUSE_START_RE.split(before)[-1]
    return not (roles.change_of(phrase, clause, after, unit)[0] or roles.is_share(phrase))
