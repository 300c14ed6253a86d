"""The subset of a benchmark a figure is on: "LIBERO：Spatial / Object 两个子集分别为 98.4% / 99.2%". Pure.

A leaderboard of LIBERO (Long) is not one of LIBERO (Spatial): a figure on a named subset, split,
track or dimension is stored as "Family (Subset)", the family under its registry name and the
subset as written. Taken are names in Latin letters or in Chinese quotes next to the family (in
parentheses right after it, or before 子集 / 子任务 / 维度 / 赛道 / 类别 / split / track), and names whose form
says where they end (Level 1、Level 2 上分别, 在颜色、纹理两个子项上, 英文版与中文版, LIBERO-Spatial through
`kb.benchmarks`); a lone unquoted Chinese description (长视频子集) is left to the family, since where its
name ends would be a guess.
"""

from __future__ import annotations

import bisect
import re

from kb import benchmarks
from kb.benchmark_names import MODEL_RE, SPLIT_WORD
from kb.respective import RESPECTIVELY_RE, STOP_RE

# One subset name: Latin words, digits and - / . + between them ("Val-Unseen", "w/o subs", "En.MC", "test-zh").
# Or a name in Chinese quotes: 在“理科”赛道上, “科学”与“工程”两个学科类别.
_NAME = r"(?:[A-Za-z0-9][A-Za-z0-9.\-+/_]*(?: [A-Za-z0-9][A-Za-z0-9.\-+/_]*){0,2}|“[^“”，。；]{1,10}”|\"[^\"，。；]{1,10}\"|[（(][A-Za-z][A-Za-z0-9 \-]{2,30}[）)])"
_LIST_SEP = r"\s*(?:、|/|与|和|及|,|，|&|\band\b)\s*"
_COUNT = r"(?:[一二两三四五六七八九十\d]+\s*个)?\s*(?:学科|属性绑定|难度)?"
_KEYWORD = (r"(?:子集|子任务|子类|子项|子榜|套件|维度|赛道|类别|划分|领域上|领域中|领域(?=[^，,；;。]{0,12}?分别)|版本上|任务上|难度上|难度级别"
            r"|split|subset|suite|track)")
# "在 Vision-Only 子集上", "En.MC 与 Retr.KV 子任务", "Spatial / Object / Goal / Long 四个子集".
_KEYED_RE = re.compile(rf"(?<![A-Za-z0-9.\-+/_])(?P<names>{_NAME}(?:{_LIST_SEP}{_NAME}){{0,7}})\s*{_COUNT}\s*{_KEYWORD}", re.I)
_KEYWORD_RE = re.compile(_KEYWORD, re.I)
# Subsets named without a keyword, where the form itself says where the names end:
# "在 Level 1、Level 2、Level 3 上分别达到" (difficulty levels), "在颜色、形状、纹理三个属性绑定子项上" (a Chinese
# list between 在 and a keyword), "MMBench 英文版与中文版分别为" and "在英文版上" (language versions).
_LEVEL = r"(?:Level|Lv\.?|L)\s?\d|Easy|Medium|Hard|Expert"
_UNKEYED_RES = (
    re.compile(rf"在\s*(?P<names>(?:{_LEVEL})(?:{_LIST_SEP}(?:{_LEVEL}))+)\s*(?:等)?\s*上(?=[^，,；;。]{{0,4}}?分别)"),
    re.compile(rf"在\s*(?P<names>[\u4e00-\u9fff]{{1,6}}(?:、[\u4e00-\u9fff]{{1,6}}?)+)\s*{_COUNT}\s*{_KEYWORD}"),
    # "LIBERO 四个子套件（Spatial / Object / Goal / Long）分别为", "四个套件 Spatial / Object / Goal / Long 的成功率分别为":
    # the names after the keyword.
    re.compile(rf"{_KEYWORD}\s*[（(]?\s*(?P<names>{_NAME}(?:{_LIST_SEP}{_NAME})+)\s*[）)]?(?=[^，,；;。]{{0,8}}?分别)", re.I),
    # "在最难的“跨站点”子集（Cross-site）上": the field's name for it, in parentheses after the keyword.
    re.compile(rf"{_KEYWORD}\s*[（(]\s*(?P<names>[A-Za-z][A-Za-z0-9.\-+/_ ]{{1,24}}?)\s*[）)]\s*(?:上|中)", re.I),
    re.compile(r"(?P<names>(?:[中英日韩法德俄多]文版|双语版)(?:\s*(?:与|和|、|及)\s*(?:[中英日韩法德俄多]文版|双语版))*)"
               r"(?=\s*(?:上|中)?(?:的)?[^，,；;。\d]{0,8}?(?:分别|为|达到?|得分|下降|提升|降低|高|低))"),
)
_SPLIT_RE = re.compile(_LIST_SEP, re.I)
# Subsets the reports write in Chinese but the field names in English ("Video-MME（无字幕）", "CharXiv 推理子集",
# "在无字幕与有字幕设置下"): written under the English name, as labellers and leaderboards do.
_TRANSLATED = {"无字幕": "w/o subs", "有字幕": "w/ subs", "推理": "reasoning", "描述": "descriptive", "英文": "EN",
               "中文": "CN", "纯文本": "text-only"}
_CN_NAME = "|".join(_TRANSLATED)
_CN_PAREN_RE = re.compile(rf"\s*[（(]\s*({_CN_NAME})\s*[）)]")
# "在 test-other 上", "在 MS MARCO Dev 上": a split named on its own, of the family the sentence or its label names.
_SPLIT_ON_RE = re.compile(rf"(?:在|on)\s*(?P<names>{SPLIT_WORD})\s*(?:集|子集|split)?\s*(?:上|中)", re.I)
# A generic 测试集 is no subset (LABELLING.md): "在 MagicBrush 测试集上" is on MagicBrush.
_SPLIT_AFTER_RE = re.compile(rf"\s+({SPLIT_WORD})(?=\s*(?:集|子集|split)?\s*(?:上|中|[：:，,]))", re.I)
_CN_WORD_RE = re.compile(_CN_NAME)
_SPLIT_WORD_RE = re.compile(r"test|dev|val", re.I)
_CN_KEYED_RE = re.compile(rf"(?P<names>(?:{_CN_NAME})(?:\s*(?:与|和|、|及)\s*(?:{_CN_NAME}))*)\s*(?:子集|设置|版本|测试集)")
# "R2R-CE (Val-Unseen)", "Video-MME（w/o subs）".
# Only plain ASCII without a comma: "（ERA5，2020 年测试）" and "（Fr→En）" are notes on a setting.
_PAREN_RE = re.compile(r"\s*[（(]\s*([A-Za-z0-9][\x20-\x7e]{0,23}?)\s*[）)]")
# What a parenthesis or a keyed name holds when it is not a subset: a size or context length (128K, 7B),
# a year, a metric, a shot setting, a model.
_NOT_SUBSET_RE = re.compile(
    r"^(?:\d+(?:\.\d+)?\s*[KkMmBbTt]?|\d{4}.*|.*\d+(?:\.\d+)?[BbMm]\b.*|.*@.*|.*-?shot|CoT|avg|average|mean|overall|all|"
    r"acc(?:uracy)?|score|EM|F1|ANLS|Dice|BLEU|ROUGE.*|CER|WER|SR|SPL|NE|pass.*|.*,.*|top-?\d+|v?\d+(?:\.\d+)*|e\.g\..*|i\.e\..*"
    r"|.*\s[-+]?(?:\d+\.\d+|\d+\s*%))$",  # "（Full-Attn 91.0）": a compared system's figure, not Level 1
    re.I,
)
_FIGURE_THEN_PAREN_RE = re.compile(r"[\d.]+\s*%?\s*[（(]\s*([A-Za-z][\x20-\x7e]{0,23}?)\s*[）)]")
_SIZE_RE = re.compile(r"\d+(?:\.\d+)?\s*[Kk]")
# A figure after these is on the whole benchmark again: "整体得分 4.02", "平均 94.2%".
_WHOLE_RE = re.compile(r"整体|总体|总分|平均|综合|overall|average", re.I)
_NEW_SUBJECT_RE = re.compile(r"[，,]\s*(?=[A-Z][A-Za-z0-9\-]*(?: [A-Z][A-Za-z0-9\-]*)*\s*(?:的|在|上|为))")


class SubsetReader:
    """The subsets named in one sentence, read for each family mention the figures ask about.

    Everything is found once per sentence; each question looks only at the mentions between the
    family and the end of its clause, so a long sentence of many figures stays linear.
    """

    def __init__(self, text: str, figure_starts: list[int]) -> None:
        self.text, self.figure_starts = text, figure_starts
        self.wholes = [m.start() for m in _WHOLE_RE.finditer(text)]
        self.stops = [m.start() for m in STOP_RE.finditer(text)] + [len(text)]
        # "在 WidowX 任务上…为 58.3%，Google Robot 的…为 77.6%": a clause opening with a new name ends a subset's reach.
        self.subjects = [m.start() for m in _NEW_SUBJECT_RE.finditer(text)]
        self.mentions = list(_KEYED_RE.finditer(text)) if _KEYWORD_RE.search(text) else []
        # The Chinese and bare-split readers only where their words are written: most sentences have neither.
        self.mentions = sorted([*self.mentions, *(m for rx in _UNKEYED_RES for m in rx.finditer(text)),
                                *(_CN_KEYED_RE.finditer(text) if _CN_WORD_RE.search(text) else ()),
                                *(_SPLIT_ON_RE.finditer(text) if _SPLIT_WORD_RE.search(text) else ())], key=lambda m: m.start())
        self.mention_starts = [m.start() for m in self.mentions]
        self._read: dict[int, dict[int, str]] = {}
        self._listed: int | None = None

    def subset(self, family_end: int, index: int) -> str | None:
        """The subset figure `index` is on, for a family mention ending at `family_end` (0 when the family
        is the bullet's label): a parenthesis right after the family, or named subsets before a subset
        keyword, paired in order with the figures of a 分别 list."""
        if family_end not in self._read:
            self._read[family_end] = self._names(family_end)
        return self._read[family_end].get(index)

    def after_figure(self, index: int, figure_end: int) -> str | None:
        """The subset written in parentheses right after figure `index`, when the sentence lists two or more
        such ("分别为 98.8%（Spatial）、99.0%（Object）"); a lone parenthesis is more often a note."""
        if self._listed is None:  # counted once per sentence: a long sentence of many figures stays linear
            self._listed = sum(1 for i in range(len(self.figure_starts)) if self._listed_paren(i)) if "（" in self.text or "(" in self.text else 0
        if self._listed < 2:
            return None
        m = _PAREN_RE.match(self.text, figure_end)
        return m.group(1) if m and _is_paren_subset(m.group(1)) else None

    def _listed_paren(self, i: int) -> bool:
        m = _FIGURE_THEN_PAREN_RE.match(self.text, self.figure_starts[i])
        return bool(m) and _is_paren_subset(m.group(1))

    def whole_between(self, begin: int, end: int) -> bool:
        """Whether 平均 / 整体 (the whole benchmark again) is written between `begin` and `end`."""
        return _next(self.wholes, begin) < end

    def _stop_after(self, pos: int) -> int:
        return self.stops[bisect.bisect_left(self.stops, pos)]

    def _names(self, family_end: int) -> dict[int, str]:
        text, starts, out = self.text, self.figure_starts, {}
        end = self._stop_after(family_end)
        if ((m := _PAREN_RE.match(text, family_end)) and _is_subset(m.group(1), strict=True)) \
                or (m := _CN_PAREN_RE.match(text, family_end)) or (family_end and (m := _SPLIT_AFTER_RE.match(text, family_end))):
            # The parenthesis is part of the name: "Video-MME（w/o subs）整体准确率" is still on w/o subs.
            for i in _figures_between(starts, m.end(), end):
                out[i] = _TRANSLATED.get(m.group(1), m.group(1))
        first, last = bisect.bisect_left(self.mention_starts, family_end), bisect.bisect_left(self.mention_starts, end)
        for j in range(first, last):
            m = self.mentions[j]
            names = [_TRANSLATED.get(n, n) for n in (n.strip("“”\"（()）") for n in _SPLIT_RE.split(m.group("names").strip())) if n]
            if not names or not all(_is_subset(n) for n in names):
                continue
            if len(names) > 1:
                # A list is paired only in order with as many figures, after 分别: anything else is ambiguous.
                later = _figures_between(starts, m.end(), end)
                if RESPECTIVELY_RE.search(text, m.end(), end) and len(later) >= len(names):
                    out.update({i: n for i, n in zip(later, names)})
                    if len(later) == 2 * len(names) and "从" in text[m.end():starts[later[0]]]:
                        out.update({i: n for i, n in zip(later[len(names):], names)})  # 分别从 a 和 b 提升至 c 和 d
                continue
            # A name reaches the figures up to 平均 / 整体 (the whole benchmark again), a clause opening with a new
            # name, or the next subset mention, whichever comes first.
            reach = min(end, _next(self.wholes, m.end()), _next(self.subjects, m.end()), _next(self.mention_starts, m.end()))
            for i in _figures_between(starts, m.end(), reach):
                out[i] = names[0]
        return out


def _next(positions: list[int], pos: int) -> int:
    """The first of sorted `positions` at or after `pos`, or infinity."""
    k = bisect.bisect_left(positions, pos)
    return positions[k] if k < len(positions) else 1 << 62


def _figures_between(starts: list[int], begin: int, end: int) -> list[int]:
    return list(range(bisect.bisect_left(starts, begin), bisect.bisect_left(starts, end)))


def _is_paren_subset(name: str) -> bool:
    """A parenthesis after a figure names a subset, not a compared model: 98.8%（Spatial）, not 70.2%（GPT-4o）."""
    return _is_subset(name, strict=True) and not MODEL_RE.search(name)


def _is_subset(name: str, strict: bool = False) -> bool:
    """A parenthesis after a family is a subset only when it is not a size (strict: RULER（128K） is a
    setting); before 子集 a size is a subset (HR-Bench 的 4K 与 8K 子集)."""
    name = name.strip()
    if re.fullmatch(r"[\u4e00-\u9fff]{1,10}", name):
        return not strict  # only quotes let a Chinese name through _NAME: “理科”赛道 is a subset as written
    if not re.search(r"[A-Za-z]", name) or benchmarks.is_known(name):
        return False
    if not strict and _SIZE_RE.fullmatch(name):
        return True
    return not _NOT_SUBSET_RE.match(name)
