"""BM25 over chunks, with tokens that work for Chinese and keep English identifiers whole.

The index is built once per ingest and saved as plain arrays, so a query
only loads them and sums precomputed weights: nothing is rebuilt per query.
Building counts terms in integer arrays, never a Python object per posting, so
its memory stays near the size of the finished arrays (under 2 KB a chunk);
loading maps the saved arrays from the file, so it costs milliseconds at any size.
Each posting's term count and each row's length are saved too, so the next ingest
merges its new chunks into this index (`update`) instead of tokenizing every chunk again.
"""

from __future__ import annotations

import os
import re
import struct
import unicodedata
import zipfile
from array import array
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import add
from pathlib import Path

import numpy as np

from kb.rows import rows_mask, rows_of, rows_of_unsorted
from kb.errors import NotFoundError
from kb.lexical_merge import merge_postings
from kb.npz import map_npz, write_npz

K1 = 1.2
B = 0.75
MAX_TOKEN_CHARS = 40
# Chunks tokenized together: bounds the token strings alive at once, and keeps
# a row within its batch small enough for uint16.
_BATCH_ROWS = 2048
_WEIGHT_BLOCK = 2**18  # postings weighted at a time: bounds the float64 temporaries
_FIELDS = ("chunk_ids", "vocab", "term_ptr", "rows", "weights")
# Bumped whenever `tokenize` changes what it returns: counts saved under another
# version cannot be merged with new ones, so the next ingest builds from scratch.
TOKENS_VERSION = 1

_LATIN_RE = re.compile(r"[a-z0-9]+(?:[-_.+/][a-z0-9]+)*\+*")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SPLIT_RE = re.compile(r"[-_./]")
_NON_WORD_RE = re.compile(r"[^0-9a-z\u3400-\u9fff+-]+")
_STOPWORDS = frozenset(
    "a an and are as at be by can do does for from has have how i in into is it its of on or "
    "that the their this to via was what when where which who why with paper papers method "
    "methods approach using use used show shows".split()
)
STOPWORDS = _STOPWORDS

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
    # Runs once per token of the whole corpus at ingest, so the loop avoids match
    # objects, generators and a regex call for the common word with no separator.
    text = _normalise(text)
    tokens: list[str] = []
    append = tokens.append
    for word in _LATIN_RE.findall(text):
        word = word[:MAX_TOKEN_CHARS]
        if word not in _STOPWORDS:
            append(word)
        if not word.isalnum():
            parts = _SPLIT_RE.split(word)
            if len(parts) > 1:
                tokens.extend([p for p in parts if p and p not in _STOPWORDS])
    for run in _CJK_RE.findall(text):
        if len(run) == 1:
            append(run)
        else:
            tokens.extend(map(add, run, run[1:]))  # overlapping bigrams
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


def coverage_credit(weights: Mapping[str, float], idf: Mapping[str, float]) -> tuple[dict[str, float], float]:
    """What each query term earns a text that holds it (weight × idf), and the total a text could earn:
    the query's own words (weight 1) at their idf, a word the corpus never uses at the highest idf, so
    `banana bread` over a corpus without either word covers nothing even when a third word matches."""
    top = max(idf.values(), default=1.0)
    total = sum(idf.get(t, top) for t, w in weights.items() if w >= 1.0)
    return {t: w * idf.get(t, top) for t, w in weights.items()}, total


@dataclass
class LexicalIndex:
    """An inverted index: for each term, the chunk rows it occurs in and their BM25 weights."""

    chunk_ids: np.ndarray  # int64, row → chunk id; ascending when built here
    vocab: np.ndarray  # sorted UTF-8 terms (bytes), which sort as the str terms do
    term_ptr: np.ndarray  # int64, postings of term t are [term_ptr[t], term_ptr[t+1])
    rows: np.ndarray  # int32 chunk rows, ascending within a term
    weights: np.ndarray  # float32 BM25 weight of the term in that row
    tfs: np.ndarray | None = None  # unsigned, occurrences of the term in that row
    lengths: np.ndarray | None = None  # int64 tokens in each row
    tokens_version: int | None = None  # the TOKENS_VERSION that counted `tfs` and `lengths`
    _ids_ascending: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.vocab.dtype.kind == "U":  # an index saved before terms were stored as UTF-8
            self.vocab = np.array([t.encode() for t in self.vocab.tolist()], dtype=bytes)
        # Strictly ascending ids let a filter find its rows by binary search.
        ids = self.chunk_ids
        self._ids_ascending = bool(np.all(ids[1:] > ids[:-1]))

    @classmethod
    def build(cls, chunk_ids: Sequence[int], texts: Sequence[str]) -> LexicalIndex:
        """Tokenize every chunk and precompute BM25 weights; rows come out in chunk-id order."""
        ids = np.asarray(chunk_ids, dtype=np.int64).reshape(-1)
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} chunk ids for {len(texts)} texts")
        order = np.argsort(ids, kind="stable")
        terms, lengths, pairs = _count_terms(texts, order)
        by_name = np.argsort(terms, kind="stable")  # UTF-8 bytes sort in code-point order, as str does
        vocab = terms[by_name]
        del terms
        df = pairs.document_frequencies(len(vocab))[by_name]
        term_ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=term_ptr[1:])
        rows, tfs = pairs.place(by_name, term_ptr)
        del pairs, by_name  # the largest temporary goes before the weights are made
        weights = _weights(df, term_ptr, rows, tfs, lengths)
        return cls(chunk_ids=ids[order], vocab=vocab, term_ptr=term_ptr, rows=rows, weights=weights,
                   tfs=tfs, lengths=lengths, tokens_version=TOKENS_VERSION)

    @classmethod
    def update(cls, previous: LexicalIndex, chunk_ids: Sequence[int] | np.ndarray,
               new_ids: Sequence[int] | np.ndarray, new_texts: Sequence[str]) -> LexicalIndex:
        """The index `build` would make over `chunk_ids`, tokenizing only `new_ids` and reusing `previous` for the rest.

        Every id in `chunk_ids` must be in `new_ids` or in `previous`; rows of `previous` whose id is
        not in `chunk_ids`, or is in `new_ids`, are dropped. Example, after a day's ingest:
        `LexicalIndex.update(old, all_ids, added_ids, added_texts)`.
        """
        if not previous.can_update:
            raise ValueError("the previous index holds no term counts of the current tokenizer; build from scratch")
        ids = np.asarray(chunk_ids, dtype=np.int64).reshape(-1)
        added = np.asarray(new_ids, dtype=np.int64).reshape(-1)
        if len(np.unique(ids)) != len(ids) or len(np.unique(added)) != len(added):
            raise ValueError("chunk ids repeat; an update needs each id once")
        keep = np.isin(previous.chunk_ids, ids) & ~np.isin(previous.chunk_ids, added)
        if int(keep.sum()) + len(added) != len(ids) or not np.isin(added, ids).all():
            raise ValueError("every chunk id must be new or in the previous index, and every new id a chunk id")
        merged = merge_postings(previous, keep, cls.build(added, new_texts))
        weights = _weights(merged.df, merged.term_ptr, merged.rows, merged.tfs, merged.lengths)
        return cls(chunk_ids=merged.chunk_ids, vocab=merged.vocab, term_ptr=merged.term_ptr, rows=merged.rows,
                   weights=weights, tfs=merged.tfs, lengths=merged.lengths, tokens_version=TOKENS_VERSION)

    @property
    def can_update(self) -> bool:
        """Whether `update` can reuse this index: it holds term counts from today's tokenizer, rows in id order."""
        return (self.tfs is not None and self.lengths is not None and self.tokens_version == TOKENS_VERSION
                and len(self.tfs) == len(self.rows) and len(self.lengths) == len(self.chunk_ids)
                and self._ids_ascending)

    @classmethod
    def load_reusable(cls, path: Path) -> LexicalIndex | None:
        """The index at `path` if `update` can reuse it; None when it is missing, unreadable or of an older format."""
        try:
            index = cls.load(path)
        except NotFoundError:
            return None
        return index if index.can_update else None

    def save(self, path: Path) -> None:
        """Write all arrays to one uncompressed `.npz` file atomically, laid out for `load` to map."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        arrays = {name: getattr(self, name) for name in _FIELDS}
        if self.tfs is not None and self.lengths is not None and self.tokens_version is not None:
            # The version as a 1-element array: `write_npz` would widen a 0-d one anyway.
            arrays |= {"tfs": self.tfs, "lengths": self.lengths, "tokens_version": np.array([self.tokens_version])}
        write_npz(tmp, arrays)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """Read an index written by `save` (or by earlier versions, which used `np.savez`)."""
        if not path.exists():
            raise NotFoundError(f"the lexical index {path} is missing; run `kb doctor --repair` to rebuild it")
        try:
            arrays = map_npz(path)
            counts = {}
            if "tokens_version" in arrays:  # saved with term counts, so an update can reuse it
                counts = {"tfs": arrays["tfs"], "lengths": arrays["lengths"],
                          "tokens_version": int(arrays["tokens_version"][0])}
            return cls(**{name: arrays[name] for name in _FIELDS}, **counts)
        except (OSError, ValueError, KeyError, IndexError, EOFError, struct.error, zipfile.BadZipFile) as exc:
            raise NotFoundError(
                f"the lexical index {path} is unreadable ({exc}); run `kb doctor --repair` to rebuild it"
            ) from None

    def scores(self, query_weights: dict[str, float]) -> np.ndarray:
        """BM25 score of every chunk row for weighted query terms."""
        scores = np.zeros(len(self.chunk_ids), dtype=np.float32)
        if not len(self.vocab):
            return scores
        for term, w in query_weights.items():
            if (span := self._postings(term)) is not None:
                scores[self.rows[span]] += w * self.weights[span]
        return scores

    def _postings(self, term: str) -> slice | None:
        """Where `term`'s postings lie in `rows` and `weights`, or None when the index lacks it."""
        key = term.encode()
        t = int(np.searchsorted(self.vocab, key))
        if t < len(self.vocab) and self.vocab[t] == key:
            return slice(int(self.term_ptr[t]), int(self.term_ptr[t + 1]))
        return None

    def doc_share(self, terms: Sequence[str]) -> float:
        """The smallest share of chunks that holds any one of `terms` (0 when one is absent): how rare the rarest is."""
        n = len(self.chunk_ids)
        share = 1.0
        for term in terms:
            span = self._postings(term)
            df = span.stop - span.start if span is not None else 0
            share = min(share, df / n if n else 0.0)
        return share

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """BM25 idf of each term the index holds (absent terms are left out)."""
        n = len(self.chunk_ids)
        out = {}
        for term in terms:
            if (span := self._postings(term)) is not None:
                df = span.stop - span.start
                out[term] = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
        return out

    def coverage(self, chunk_ids: Sequence[int], weights: dict[str, float], idf: dict[str, float]) -> np.ndarray:
        """`kb.passage.coverage` of each chunk's indexed text (title included), read from the postings
        instead of re-tokenizing the chunks: the share of the query's idf weight each chunk holds."""
        ids = np.asarray(chunk_ids, dtype=np.int64)
        credit, total = coverage_credit(weights, idf)
        got = np.zeros(len(ids), dtype=np.float64)
        if not total or not len(ids):
            return got
        rows, found = rows_of(self.chunk_ids, ids) if self._ids_ascending else rows_of_unsorted(self.chunk_ids, ids)
        rows = np.where(found, rows, -1)
        for term, value in credit.items():
            if (span := self._postings(term)) is not None:
                got += np.isin(rows, self.rows[span]) * value
        return np.minimum(1.0, got / total)

    def search(self, query: str | dict[str, float], k: int,
               allowed: np.ndarray | Sequence[int] | None = None) -> list[tuple[int, float]]:
        """The `k` best chunks as (chunk_id, score), restricted to `allowed` before the cut.

        `query` is text (expanded with the hand-written map) or weighted terms already expanded.
        `allowed` is chunk ids, or a boolean mask over rows (chunks in ascending id order).

        Equal scores rank by row, that is by chunk id for an index built here.
        """
        scores = self.scores(expand_query(query) if isinstance(query, str) else query)
        hits = np.flatnonzero(scores > 0)
        if allowed is not None and len(hits):
            hits = hits[self._allowed_rows(allowed)[hits]]
        if not len(hits) or k < 1:
            return []
        top = scores[hits]
        if len(hits) > k:
            # Keep every hit scoring at least the k-th best, ties included, so the
            # stable sort below picks the same k a full sort would.
            kth = np.partition(top, len(top) - k)[len(top) - k]
            keep = top >= kth
            hits, top = hits[keep], top[keep]
        best = hits[np.argsort(-top, kind="stable")[:k]]
        return [(int(self.chunk_ids[r]), float(scores[r])) for r in best]

    def _allowed_rows(self, allowed: np.ndarray | Sequence[int]) -> np.ndarray:
        """A mask over rows: True where the row's chunk id is in `allowed` (ids, or already a row mask)."""
        allowed = np.asarray(allowed)
        if allowed.dtype == bool:
            if len(allowed) != len(self.chunk_ids):
                raise ValueError(f"a row mask of {len(allowed)} for an index of {len(self.chunk_ids)} rows")
            return allowed
        allowed = allowed.astype(np.int64, copy=False).reshape(-1)
        return rows_mask(self.chunk_ids, allowed) if self._ids_ascending else np.isin(self.chunk_ids, allowed)


def _count_terms(texts: Sequence[str], order: np.ndarray) -> tuple[np.ndarray, np.ndarray, _Pairs]:
    """Tokenize `texts` in `order`: UTF-8 terms by id, each row's token count, and the (term, row) counts."""
    term_ids: defaultdict[str, int] = defaultdict()
    term_ids.default_factory = term_ids.__len__  # an unseen term gets the next id, all in C
    lookup = term_ids.__getitem__
    lengths = np.zeros(len(order), dtype=np.int64)
    pairs = _Pairs()
    for first in range(0, len(order), _BATCH_ROWS):
        ids: list[int] = []
        sizes: list[int] = []
        for r in order[first:first + _BATCH_ROWS].tolist():
            tokens = tokenize(texts[r])
            sizes.append(len(tokens))
            ids.extend(map(lookup, tokens))
        lengths[first:first + len(sizes)] = sizes
        pairs.add(np.fromiter(ids, dtype=np.int64, count=len(ids)), np.array(sizes, dtype=np.int64))
    # Bytes, not str: a quarter of the memory of a fixed-width str array, and the same sort order.
    terms = np.array([t.encode() for t in term_ids], dtype=bytes)
    term_ids.default_factory = None  # break the dict's cycle through its own method, so it is freed now
    return terms, lengths, pairs


class _Pairs:
    """Distinct (term, row) pairs and their counts, batch after batch, in flat growing buffers.

    Flat buffers rather than arrays per batch: small objects kept from every batch would
    pin allocator arenas that millions of short-lived token strings pass through.
    """

    def __init__(self) -> None:
        self.rows = array("H")  # row within its batch
        self.tf = array("B")  # occurrences of the term in the row; widened when one does not fit
        self.terms = array("i")  # each batch's distinct term ids, ascending
        self.counts = array("i")  # rows of each of those terms
        self.groups = array("q")  # distinct terms per batch

    def add(self, token_ids: np.ndarray, sizes: np.ndarray) -> None:
        """Count one batch of rows, given every token's term id and each row's token count."""
        nrows = len(sizes)
        local = np.repeat(np.arange(nrows, dtype=np.int64), sizes)
        keys, tf = np.unique(token_ids * nrows + local, return_counts=True)  # by term, then row
        term = keys // nrows
        starts = np.flatnonzero(np.diff(term, prepend=-1))
        _extend(self.rows, keys - term * nrows)
        _extend(self.terms, term[starts])
        _extend(self.counts, np.diff(starts, append=len(keys)))
        self.groups.append(len(starts))
        need = np.min_scalar_type(int(tf.max())).char if len(tf) else "B"
        if np.dtype(need).itemsize > self.tf.itemsize:
            wider = array(need)
            _extend(wider, np.frombuffer(self.tf, self.tf.typecode))
            self.tf = wider
        _extend(self.tf, tf)

    def document_frequencies(self, nterms: int) -> np.ndarray:
        """Rows each term id occurs in."""
        terms = np.frombuffer(self.terms, np.intc)
        return np.bincount(terms, weights=np.frombuffer(self.counts, np.intc), minlength=nterms).astype(np.int64)

    def place(self, by_name: np.ndarray, term_ptr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every pair's row and count at its place in the index: terms in `by_name` order, rows ascending."""
        rows = np.empty(int(term_ptr[-1]), dtype=np.int32)
        # Counts stay narrow (a byte, almost always) until the weights replace them: at
        # the peak, while weights are made, memory holds 9 bytes a posting.
        tfs = np.empty(len(rows), dtype=self.tf.typecode)
        next_slot = np.empty(len(by_name), dtype=np.int64)  # by term id: where its next pair goes
        next_slot[by_name] = term_ptr[:-1]
        local, tf = np.frombuffer(self.rows, np.uint16), np.frombuffer(self.tf, self.tf.typecode)
        terms, counts = np.frombuffer(self.terms, np.intc), np.frombuffer(self.counts, np.intc)
        g = p = 0
        for batch, ngroups in enumerate(self.groups):  # in row order, so rows fill each term's slots ascending
            t, c = terms[g:g + ngroups], counts[g:g + ngroups].astype(np.int64)
            npairs = int(c.sum())
            pos = np.repeat(next_slot[t] - (np.cumsum(c) - c), c) + np.arange(npairs)
            next_slot[t] += c
            rows[pos] = local[p:p + npairs].astype(np.int32) + batch * _BATCH_ROWS
            tfs[pos] = tf[p:p + npairs]
            g, p = g + ngroups, p + npairs
        return rows, tfs


def _extend(buffer: array, values: np.ndarray) -> None:
    buffer.frombytes(np.ascontiguousarray(values, dtype=buffer.typecode).view(np.uint8))


def _weights(df: np.ndarray, term_ptr: np.ndarray, rows: np.ndarray, tfs: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """BM25 weight of every posting, for terms in index order with `df` rows each."""
    n = len(lengths)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    dl = lengths.astype(np.float64)
    avg = float(dl.mean()) if n and dl.mean() > 0 else 1.0
    weights = np.empty(len(rows), dtype=np.float32)
    t0 = 0
    while t0 < len(df):  # blocks of whole terms
        t1 = max(t0 + 1, int(np.searchsorted(term_ptr, term_ptr[t0] + _WEIGHT_BLOCK, side="right")) - 1)
        s, e = term_ptr[t0], term_ptr[t1]
        tf = tfs[s:e]
        # The textbook formula with its operations in the same order, so weights match it exactly.
        norm = tf + K1 * ((1 - B) + B * dl[rows[s:e]] / avg)
        weights[s:e] = np.repeat(idf[t0:t1], df[t0:t1]) * tf * (K1 + 1) / norm
        t0 = t1
    return weights
