"""What a hit shows and how much to trust it: the passage that answers, a 0–1 relevance, why it matched.

Pure functions over query terms, chunk texts and cosines; `kb.search` feeds them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from kb.lexical import coverage_credit, expand_query, tokenize

SNIPPET_CHARS = 220
# Cosines of the bundled e5 model crowd between 0.75 and 0.9: a tenth of cosine is a large
# step, so full coverage of the query's terms is worth about as much as that step.
PASSAGE_COVERAGE_WEIGHT = 0.1
# The one-sentence contribution is the paper's own answer, so it is shown unless another section's
# window covers clearly more of the query (a detail: numbers, hardware, datasets); the 应用领域 line
# names a field, which answers almost nothing.
SECTION_PRIOR = {"contribution": 0.03, "domain": -0.02}
# What a question asks moves the prior (fitted on the `sections` labels of bench/queries_dev.jsonl:
# 61 % → 75 % of right-paper top hits show the section the labeller picked). A question after a
# quantity (how many, 多少, a number in the query) is answered where the figures are, 实验效果;
# one about hardware, deployment or inputs by 使用指南.
_ASKS_QUANTITY = re.compile(
    r"how (?:many|much|fast|long|large)|what (?:fraction|share|percentage|proportion|ratio)|by how|"
    r"多少|几[个张次倍天小]|比例|占比|\d", re.I)
_ASKS_USAGE = re.compile(
    r"\b(?:gpus?|hardware|install\w*|deploy\w*|fps|frame rate|inputs?|outputs?|api)\b|硬件|部署|显卡|帧率|输入|输出|接口|安装",
    re.I)
QUANTITY_PRIOR = {"results": 0.04, "contribution": -0.02}
USAGE_PRIOR = {"usage": 0.02}
# Logistic relevance, fitted on the tunable sets bench/queries.jsonl + queries_dev.jsonl + queries_dev2.jsonl
# (`bench/bench_search.py --calibrate`): features are the best chunk's cosine (the query read with
# its translations, `kb.terms.dense_text`) and the paper's coverage of the query's terms (idf-weighted, 0–1).
CALIBRATION: dict[str, tuple[float, float, float]] = {
    # mode: (cosine coefficient, coverage coefficient, intercept); top-10 hits of 339 queries each
    "hybrid": (9.06, 14.29, -12.65),
    "dense": (32.55, 0.00, -30.59),
    "lexical": (0.00, 14.81, -4.94),
}
COSINE_CENTRE = 0.0  # cosines enter the model as they are
# Below this, even the best hit is called weak: about the 5th percentile of the best hit's relevance
# over the 339 queries of the three tunable sets (hybrid 0.044, set at 0.05, about the 6th, and lexical
# 0.078, set at 0.08, about the 7th, so that off-topic queries fall under them: "banana bread recipe"
# reaches 0.046 / 0.019 / 0.078 in its top three, a single translated word, `banana` → 香蕉, matching; dense 0.030).
WEAK_RELEVANCE = {"hybrid": 0.05, "dense": 0.03, "lexical": 0.08}
TITLE_MATCH = 0.5
KEYWORD_MATCH = 0.5
# Section labels in the language of the query (the reports' own Chinese headings).
SECTION_LABELS = {
    "domain": ("应用领域", "domain"), "contribution": ("核心贡献", "contribution"), "usage": ("使用指南", "usage"),
    "innovations": ("主要创新点", "innovations"), "results": ("实验效果", "results"),
}
_CJK = re.compile(r"[\u3400-\u9fff]")


def is_chinese(text: str) -> bool:
    """Whether a query is written in Chinese (any CJK character counts)."""
    return bool(_CJK.search(text))


def section_label(section: str, query: str) -> str:
    """The section's name in the query's language: 实验效果 for a Chinese query, `results` otherwise."""
    zh, en = SECTION_LABELS.get(section, (section, section))
    return zh if is_chinese(query) else en


def coverage(text_tokens: set[str] | Sequence[str], weights: Mapping[str, float], idf: Mapping[str, float]) -> float:
    """Share (0–1) of the query's idf weight that `text_tokens` contain; added terms earn their own
    weight (`kb.lexical.coverage_credit`, which the index's postings-based coverage shares)."""
    credit, total = coverage_credit(weights, idf)
    if not total:
        return 0.0
    present = set(text_tokens)
    return min(1.0, sum(v for t, v in credit.items() if t in present) / total)


def relevance(mode: str, cosine: float | None, cover: float) -> float:
    """Calibrated probability that a paper answers the query, from its best cosine and its term coverage."""
    a, b, c = CALIBRATION[mode]
    z = c + b * cover + (a * (cosine - COSINE_CENTRE) if cosine is not None and a else 0.0)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def why(title_cover: float, cover: float) -> str:
    """A plain reason for a match: the title names the query, its words occur, or only its meaning is near."""
    if title_cover >= TITLE_MATCH:
        return "title"
    if cover >= KEYWORD_MATCH:
        return "keywords"
    return "meaning"


@dataclass(frozen=True)
class Passage:
    """One chunk a paper could show, scored for how well it answers.

    `cover` is the coverage of the chunk as the lexical index holds it (title and text), which is
    what relevance reads; `shown_cover` the coverage of the window a snippet of it would show.
    """

    chunk_id: int
    section: str
    text: str
    cosine: float | None
    cover: float
    shown_cover: float | None = None

    def score(self, shown: bool = True, prior: Mapping[str, float] = SECTION_PRIOR) -> float:
        cover = self.shown_cover if shown and self.shown_cover is not None else self.cover
        return (self.cosine or 0.0) + PASSAGE_COVERAGE_WEIGHT * cover + prior.get(self.section, 0.0)


def section_prior(query: str) -> dict[str, float]:
    """Each section's head start for this query: the general prior, moved by what the question asks."""
    prior = dict(SECTION_PRIOR)
    for pattern, extra in ((_ASKS_QUANTITY, QUANTITY_PRIOR), (_ASKS_USAGE, USAGE_PRIOR)):
        if pattern.search(query):
            for section, bonus in extra.items():
                prior[section] = prior.get(section, 0.0) + bonus
    return prior


def best_passage(passages: Sequence[Passage], weights: Mapping[str, float], idf: Mapping[str, float],
                 prior: Mapping[str, float] = SECTION_PRIOR) -> Passage:
    """The chunk that best answers: nearest in meaning plus most of the query's terms in the window
    shown, so a short generic line (title context and 应用领域) does not win by default.

    Cutting a window means tokenizing it, so chunks are tried best whole-chunk score first and the
    search stops once no later chunk can win: a window never covers more than its whole chunk
    (title included), so the whole-chunk score bounds the shown one. Ties keep chunk order.
    """
    order = {p.chunk_id: i for i, p in enumerate(passages)}
    best: Passage | None = None
    for p in sorted(passages, key=lambda p: (-p.score(False, prior), order[p.chunk_id])):
        if best is not None and p.score(False, prior) < best.score(True, prior):
            break
        if weights:
            p = replace(p, shown_cover=shown_coverage(p.text, weights, idf))
        if best is None or (p.score(True, prior), -order[p.chunk_id]) > (best.score(True, prior), -order[best.chunk_id]):
            best = p
    assert best is not None, "a paper has at least one chunk"
    return best


def shown_coverage(text: str, weights: Mapping[str, float], idf: Mapping[str, float]) -> float:
    """Coverage of the query's terms by the part of `text` a snippet shows."""
    shown = snippet(text, weights)[0] if len(text) > SNIPPET_CHARS else text
    return coverage(text_tokens(shown), weights, idf)


def text_tokens(text: str) -> set[str]:
    return set(tokenize(text))


def highlight_spans(text: str, weights: Mapping[str, float] | str) -> list[tuple[int, int]]:
    """Character spans of `text` that match the query's terms, merged and sorted."""
    if isinstance(weights, str):
        weights = expand_query(weights)
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for term in weights:
        if len(term) < 2 and not _CJK.match(term):
            continue
        start = 0
        while (i := lowered.find(term, start)) != -1:
            spans.append((i, i + len(term)))
            start = i + 1
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        # `KV` and `Cache` in `KV-Cache` read better as one highlight.
        if merged and (s <= merged[-1][1] or (s - merged[-1][1] == 1 and text[s - 1] in "- ")):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def plain_text(text: str) -> str:
    """Section Markdown as one line: bullets, numbering and bold markup dropped."""
    text = re.sub(r"(?m)^\s*(?:[*+\-]|\d{1,2}\.)\s+", "", text).replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


def snippet(text: str, weights: Mapping[str, float] | str, width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A window of `text` around its densest query matches (query text or weighted terms), with highlight spans inside it."""
    if isinstance(weights, str):
        weights = expand_query(weights)
    flat = plain_text(text)
    spans = highlight_spans(flat, weights)
    if len(flat) <= width:
        return flat, spans
    start = 0
    if spans:
        # Start where the most matched characters fall inside one window.
        best, best_cover = 0, -1
        for s, _ in spans:
            cover = sum(min(e2, s + width) - s2 for s2, e2 in spans if s2 >= s and s2 < s + width)
            if cover > best_cover:
                best, best_cover = s, cover
        start = max(0, best - width // 5)
    end = min(len(flat), start + width)
    piece = ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
    offset = 1 if start else 0
    inside = [(s - start + offset, e - start + offset) for s, e in spans if s >= start and e <= end]
    return piece, inside
