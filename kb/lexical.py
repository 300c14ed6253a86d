"""BM25 over chunks, with tokens that work for Chinese and keep English identifiers whole.

The index is built once per ingest and saved as plain arrays, so a query
only loads them and sums precomputed weights: nothing is rebuilt per query.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.errors import NotFoundError

K1 = 1.2
B = 0.75
MAX_TOKEN_CHARS = 40

_LATIN_RE = re.compile(r"[a-z0-9]+(?:[-_.+/][a-z0-9]+)*\+*")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SPLIT_RE = re.compile(r"[-_./]")
_NON_WORD_RE = re.compile(r"[^0-9a-z\u3400-\u9fff+-]+")
_STOPWORDS = frozenset(
    "a an and are as at be by can do does for from has have how i in into is it its of on or "
    "that the their this to via was what when where which who why with paper papers method "
    "methods approach using use used show shows".split()
)

# Field vocabulary in both languages: a query in one language also looks for
# the other's terms, because the corpus writes Chinese around English names.
TERM_PAIRS: tuple[tuple[str, str], ...] = (
    ("kv cache", "kv缓存"), ("cache", "缓存"), ("quantization", "量化"), ("quantize", "量化"),
    ("quantized", "量化"), ("video", "视频"), ("image", "图像"), ("reinforcement learning", "强化学习"),
    ("agent", "智能体"), ("agents", "智能体"), ("agentic", "智能体"), ("benchmark", "基准"),
    ("evaluation", "评估"), ("evaluate", "评估"), ("memory", "显存"), ("robot", "机器人"),
    ("robotics", "机器人"), ("embodied", "具身"), ("3d", "三维"), ("generation", "生成"),
    ("generate", "生成"), ("generating", "生成"), ("retrieval", "检索"), ("reasoning", "推理"),
    ("inference", "推理"), ("attention", "注意力"), ("sparse", "稀疏"), ("compression", "压缩"),
    ("compress", "压缩"), ("pruning", "剪枝"), ("distillation", "蒸馏"), ("medical", "医疗"),
    ("clinical", "临床"), ("healthcare", "医疗"), ("e-commerce", "电商"), ("ecommerce", "电商"),
    ("multimodal", "多模态"), ("language model", "语言模型"), ("optimizer", "优化器"),
    ("training", "训练"), ("dataset", "数据集"), ("data", "数据"), ("reward model", "奖励模型"),
    ("reward", "奖励"), ("policy", "策略"), ("safety", "安全"), ("alignment", "对齐"),
    ("hallucination", "幻觉"), ("code", "代码"), ("speech", "语音"), ("audio", "音频"),
    ("world model", "世界模型"), ("long context", "长上下文"), ("diffusion", "扩散"),
    ("scaling law", "扩展定律"), ("latency", "延迟"), ("speedup", "加速"), ("efficient", "高效"),
    ("search", "搜索"), ("tool", "工具"), ("scientific", "科学"), ("science", "科学"),
    ("physics", "物理"), ("chemistry", "化学"), ("biology", "生物"), ("molecule", "分子"),
    ("protein", "蛋白质"), ("segmentation", "分割"), ("detection", "检测"), ("navigation", "导航"),
    ("manipulation", "操作"), ("planning", "规划"), ("editing", "编辑"), ("recommendation", "推荐"),
    ("translation", "翻译"), ("math", "数学"), ("proof", "证明"), ("visual", "视觉"),
    ("vision", "视觉"), ("encoder", "编码器"), ("decoder", "解码器"), ("pretraining", "预训练"),
    ("fine-tuning", "微调"), ("finetuning", "微调"), ("privacy", "隐私"), ("robustness", "鲁棒"),
    ("interpretability", "可解释"), ("representation", "表示"), ("position embedding", "位置编码"),
    ("positional encoding", "位置编码"), ("camera", "相机"), ("geometry", "几何"),
    ("consistency", "一致性"), ("society", "社会"), ("social", "社会"), ("persuasion", "说服"),
    ("decision", "决策"), ("preference", "偏好"), ("human", "人类"), ("gradient", "梯度"),
    ("stability", "稳定"), ("entropy", "熵"), ("token", "token"), ("loop", "循环"),
    ("spreadsheet", "表格"), ("table", "表格"), ("chart", "图表"), ("document", "文档"),
    ("music", "音乐"), ("game", "游戏"), ("driving", "驾驶"), ("autonomous", "自动"),
    ("noise", "噪声"), ("open source", "开源"), ("open-source", "开源"), ("gpu", "gpu"),
)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(text: str) -> list[str]:
    """Tokens for BM25: CJK character bigrams plus whole English terms and their parts.

    `KV-Cache` gives `kv-cache`, `kv`, `cache`; `视频生成` gives `视频`, `频生`, `生成`.
    """
    text = _normalise(text)
    tokens: list[str] = []
    for m in _LATIN_RE.finditer(text):
        word = m.group()[:MAX_TOKEN_CHARS]
        if word not in _STOPWORDS:
            tokens.append(word)
        if _SPLIT_RE.search(word):
            tokens.extend(p for p in _SPLIT_RE.split(word) if p and p not in _STOPWORDS)
    for m in _CJK_RE.finditer(text):
        run = m.group()
        if len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def expand_query(query: str) -> dict[str, float]:
    """Query tokens with weights; terms from the other language get a lower weight."""
    norm = _normalise(query)
    weights: dict[str, float] = dict.fromkeys(tokenize(norm), 1.0)
    padded = " " + _NON_WORD_RE.sub(" ", norm) + " "
    for en, zh in TERM_PAIRS:
        other = None
        if f" {en} " in padded:
            other = zh
        elif zh in norm:
            other = en
        if other:
            for token in tokenize(other):
                weights.setdefault(token, 0.6)
    return weights


@dataclass
class LexicalIndex:
    """An inverted index: for each term, the chunk rows it occurs in and their BM25 weights."""

    chunk_ids: np.ndarray  # int64, row → chunk id
    vocab: np.ndarray  # sorted str terms
    term_ptr: np.ndarray  # int64, postings of term t are [term_ptr[t], term_ptr[t+1])
    rows: np.ndarray  # int32 chunk rows
    weights: np.ndarray  # float32 BM25 weight of the term in that row

    @classmethod
    def build(cls, chunk_ids: Sequence[int], texts: Sequence[str]) -> LexicalIndex:
        """Tokenize every chunk and precompute BM25 weights."""
        counts = [Counter(tokenize(t)) for t in texts]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
        avg = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
        postings: dict[str, list[tuple[int, int]]] = {}
        for row, c in enumerate(counts):
            for term, tf in c.items():
                postings.setdefault(term, []).append((row, tf))
        vocab = sorted(postings)
        n = len(texts)
        ptr = [0]
        rows: list[int] = []
        weights: list[float] = []
        for term in vocab:
            plist = postings[term]
            idf = np.log(1 + (n - len(plist) + 0.5) / (len(plist) + 0.5))
            for row, tf in plist:
                norm = tf + K1 * (1 - B + B * lengths[row] / avg)
                rows.append(row)
                weights.append(idf * tf * (K1 + 1) / norm)
            ptr.append(len(rows))
        return cls(
            chunk_ids=np.asarray(chunk_ids, dtype=np.int64),
            vocab=np.array(vocab, dtype=str) if vocab else np.array([], dtype="<U1"),
            term_ptr=np.array(ptr, dtype=np.int64),
            rows=np.array(rows, dtype=np.int32),
            weights=np.array(weights, dtype=np.float32),
        )

    def save(self, path: Path) -> None:
        """Write all arrays to one `.npz` file atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, chunk_ids=self.chunk_ids, vocab=self.vocab, term_ptr=self.term_ptr,
                 rows=self.rows, weights=self.weights)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """Read an index written by `save`."""
        if not path.exists():
            raise NotFoundError(f"the lexical index {path} is missing; run `kb doctor --repair` to rebuild it")
        with np.load(path) as data:
            return cls(**{k: data[k] for k in ("chunk_ids", "vocab", "term_ptr", "rows", "weights")})

    def scores(self, query_weights: dict[str, float]) -> np.ndarray:
        """BM25 score of every chunk row for weighted query terms."""
        scores = np.zeros(len(self.chunk_ids), dtype=np.float32)
        if not len(self.vocab):
            return scores
        for term, w in query_weights.items():
            t = int(np.searchsorted(self.vocab, term))
            if t < len(self.vocab) and self.vocab[t] == term:
                s, e = self.term_ptr[t], self.term_ptr[t + 1]
                scores[self.rows[s:e]] += w * self.weights[s:e]
        return scores

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `k` best chunks as (chunk_id, score), restricted to `allowed` ids before the cut."""
        scores = self.scores(expand_query(query))
        if allowed is not None:
            mask = np.isin(self.chunk_ids, allowed)
            scores = np.where(mask, scores, 0.0)
        hits = np.flatnonzero(scores > 0)
        if not len(hits):
            return []
        top = hits[np.argsort(-scores[hits], kind="stable")[:k]]
        return [(int(self.chunk_ids[r]), float(scores[r])) for r in top]
