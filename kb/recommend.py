"""Recommendations from what a reader tagged: a linear SVM per request, as arxiv-sanity-lite does it.

Each paper is a vector of two halves, each of unit length: the mean of its chunk embeddings
(what the model understood, across languages) and TF-IDF weights of the BM25 tokens (CJK bigrams
and whole English terms such as `kv-cache`), which are what make a pick explainable. Positives
are the papers carrying the tag (or any tag), everything else is a negative, and papers tagged
`not-interested` weigh more as negatives. With one positive an SVM has nothing to generalise
from, so the ranking is `similar`'s: the best chunk's cosine to the positive's mean vector.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import numpy as np

from kb import reading
from kb.errors import QueryError
from kb.lexical import tokenize
from kb.marks import NOT_INTERESTED

TERMS_SHOWN = 5
TERMS_CONSIDERED = 40
MAX_PHRASE_CHARS = 8
COMMON_SHARE = 0.2
# Characters that mostly glue words together: a bigram holding one rarely names a topic alone.
_FUNCTION_CHARS = frozenset("的了是在和与及等对为将其或并从被把这那个以也而之于到所")
_FUNCTION_RE = re.compile("[" + "".join(sorted(_FUNCTION_CHARS)) + "]")
_CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
NEGATIVE_WEIGHT = 3.0  # an explicit "not interested" counts as much as three unmarked papers
SVM_C = 0.1
_cache: dict[Hashable, Features] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Features:
    """Per-paper features of one database snapshot, rows in paper-id order."""

    paper_ids: np.ndarray  # str
    dense: np.ndarray  # papers × dim, unit rows: mean chunk vector
    terms: Any  # scipy CSR papers × vocabulary, unit rows: TF-IDF
    vocab: np.ndarray  # str, the term of each TF-IDF column
    common: frozenset[str]  # terms in many papers: too plain to explain a pick, but they end phrases (生成, 模型)
    chunk_paper: np.ndarray  # int, chunk → paper row
    chunk_section: np.ndarray  # str, chunk → section key
    chunk_vectors: np.ndarray  # chunks × dim

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> Features:
        """Read chunk vectors and paper texts and derive both halves of every paper's vector."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        ids, texts = reading.paper_texts(con)
        chunk_papers, sections, vectors = reading.chunk_vectors(con)
        paper_ids = np.array(ids, dtype=str)
        chunk_paper = np.searchsorted(paper_ids, chunk_papers)  # both in paper-id order
        dense = np.zeros((len(paper_ids), vectors.shape[1]), dtype=np.float32)
        np.add.at(dense, chunk_paper, vectors)
        dense /= np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-12)
        # Terms in at least two papers: a word only one paper uses cannot say why two papers are alike.
        tfidf = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True, min_df=2 if len(ids) > 2 else 1)
        terms = tfidf.fit_transform(texts).tocsr()
        vocab = np.array(tfidf.get_feature_names_out(), dtype=str)
        df = np.asarray((terms > 0).sum(axis=0)).ravel()
        common = frozenset(vocab[df >= COMMON_SHARE * len(ids)].tolist())
        return cls(paper_ids, dense, terms, vocab, common, chunk_paper, sections, vectors)

    def matrix(self) -> Any:
        """Both halves side by side, as the SVM sees them."""
        from scipy.sparse import csr_matrix, hstack

        return hstack([csr_matrix(self.dense), self.terms]).tocsr()


def features(con: duckdb.DuckDBPyConnection, key: Hashable) -> Features:
    """The features of the snapshot named `key`, computed once per snapshot."""
    with _cache_lock:
        found = _cache.get(key)
    if found is None:
        found = Features.load(con)
        with _cache_lock:
            _cache.clear()  # one snapshot at a time: an ingest makes the old one useless
            _cache[key] = found
    return found


def recommend(con: duckdb.DuckDBPyConnection, marks: Sequence[dict[str, Any]], *, key: Hashable,
              tag: str | None = None, since: date | None = None, top_k: int = 10) -> list[dict[str, Any]]:
    """Untagged, unread papers ranked for the papers carrying `tag` (or any tag), each with its reasons."""
    if top_k < 1:
        raise QueryError("--top-k must be at least 1")
    feats = features(con, key)
    row = {pid: i for i, pid in enumerate(feats.paper_ids.tolist())}
    wanted = [m for m in marks if (tag in m["tags"] if tag else any(t != NOT_INTERESTED for t in m["tags"]))]
    positives = sorted({row[m["paper_id"]] for m in wanted if m["paper_id"] in row and NOT_INTERESTED not in m["tags"]})
    if not positives:
        which = f"tagged {tag!r}" if tag else "tagged"
        raise QueryError(f"no paper in this knowledge base is {which}; tag one first, e.g. `kb tag 2602.02958 {tag or 'liked'}`")
    disliked = [row[m["paper_id"]] for m in marks if NOT_INTERESTED in m["tags"] and m["paper_id"] in row]
    seen = {row[m["paper_id"]] for m in marks if m["paper_id"] in row and (m["tags"] or m["read"])}
    allowed = np.ones(len(row), dtype=bool)
    allowed[list(seen)] = False
    if since is not None:
        recent = {p["paper_id"] for p in reading.papers(con, since=since)}
        allowed &= np.isin(feats.paper_ids, list(recent))
    candidates = np.flatnonzero(allowed)
    if len(candidates) == 0:
        return []
    if len(positives) == 1:
        scores, weights, best = _like_similar(feats, positives[0], candidates)
    else:
        scores, weights, best = _svm(feats, positives, disliked, candidates)
    order = np.argsort(-scores, kind="stable")[:top_k]
    pick_ids = [str(feats.paper_ids[candidates[i]]) for i in order]
    info = {p["paper_id"]: p for p in reading.papers(con, paper_ids=pick_ids)}
    texts = dict(zip(*reading.paper_texts(con, pick_ids)))
    method = "similar" if len(positives) == 1 else "svm"
    return [{**{k: info[pid][k] for k in ("paper_id", "title", "date", "domains", "contribution", "url")},
             "score": round(float(scores[i]), 4), "method": method,
             "terms": explain_terms(_row_terms(weights, i, feats.vocab), texts.get(pid, ""), feats.common),
             "section": str(feats.chunk_section[best[i]]) if best[i] >= 0 else None}
            for pid, i in zip(pick_ids, order)]


def _like_similar(feats: Features, positive: int, candidates: np.ndarray) -> tuple[np.ndarray, Any, list[int]]:
    """`similar`'s ranking: each candidate's best chunk cosine to the positive's mean vector."""
    cos = feats.chunk_vectors @ feats.dense[positive]
    best = _best_chunks(feats, cos, candidates)
    scores = np.array([cos[b] if b >= 0 else -1.0 for b in best])
    # Why: the terms both papers weigh most.
    return scores, feats.terms[candidates].multiply(feats.terms[positive]).tocsr(), best


def _svm(feats: Features, positives: list[int], disliked: list[int], candidates: np.ndarray
         ) -> tuple[np.ndarray, Any, list[int]]:
    """Decision values of a linear SVM trained on this request's positives, with what drove each."""
    from sklearn.svm import LinearSVC

    x = feats.matrix()
    y = np.zeros(x.shape[0], dtype=int)
    y[positives] = 1
    weight = np.ones(x.shape[0])
    weight[disliked] = NEGATIVE_WEIGHT
    svm = LinearSVC(class_weight="balanced", C=SVM_C, max_iter=20_000, tol=1e-6)
    svm.fit(x, y, sample_weight=weight)
    scores = svm.decision_function(x[candidates])
    coef = svm.coef_.ravel()
    dim = feats.dense.shape[1]
    # Why: the terms whose weight times presence adds most, and the section whose chunk leans most the SVM's way.
    contrib = feats.terms[candidates].multiply(np.maximum(coef[dim:], 0)).tocsr()
    return scores, contrib, _best_chunks(feats, feats.chunk_vectors @ coef[:dim], candidates)


def _best_chunks(feats: Features, values: np.ndarray, papers: np.ndarray) -> list[int]:
    """The index of each paper's chunk with the largest value, -1 for a paper without chunks."""
    starts = np.searchsorted(feats.chunk_paper, papers, side="left")
    ends = np.searchsorted(feats.chunk_paper, papers, side="right")
    return [int(s + np.argmax(values[s:e])) if e > s else -1 for s, e in zip(starts, ends)]


def _row_terms(weights: Any, row: int, vocab: np.ndarray) -> dict[str, float]:
    """The positively weighted terms of one row of a sparse matrix, heaviest first."""
    start, end = weights.indptr[row], weights.indptr[row + 1]
    cols, vals = weights.indices[start:end], weights.data[start:end]
    order = np.argsort(-vals, kind="stable")
    return {str(vocab[cols[j]]): float(vals[j]) for j in order[:TERMS_CONSIDERED] if vals[j] > 0}


def explain_terms(weights: dict[str, float], text: str, common: frozenset[str] = frozenset(),
                  limit: int = TERMS_SHOWN) -> list[str]:
    """The heaviest terms as a reader would write them: CJK bigrams joined back into the phrases of `text`.

    A phrase is a run of weighted bigrams, grown by one character at its end over a `common`
    bigram so that 视频生 ends as 视频生成. Example: {"自回": 2, "回归": 2, "kv-cache": 1} over
    "自回归 kv-cache" gives ["自回归", "kv-cache"].
    """
    scored: dict[str, float] = {}
    for term, w in weights.items():
        if not _is_cjk_bigram(term):
            scored[term] = w
    # A run of the text whose every bigram weighs is one phrase; it scores the sum of its distinct bigrams.
    for run in _CJK_RUN_RE.findall(unicodedata.normalize("NFKC", text)):
        i = 0
        while i < len(run) - 1:
            j = i
            while j < len(run) - 1 and run[j:j + 2] in weights and j - i < MAX_PHRASE_CHARS - 1:
                j += 1
            if j > i:
                hi = j + 1 if j + 2 <= len(run) and run[j:j + 2] in common else j
                for phrase in _FUNCTION_RE.split(run[i:hi + 1]):  # 粗粒度的全 is 粗粒度 and a stray 全
                    bigrams = {phrase[k:k + 2] for k in range(len(phrase) - 1)} & weights.keys()
                    if bigrams:
                        scored[phrase] = max(scored.get(phrase, 0.0), sum(weights[w] for w in bigrams))
                i = j
            i += 1
    ranked = sorted(scored, key=lambda t: (-scored[t], t))
    chosen: list[str] = []
    used: set[str] = set()
    for term in ranked:
        parts = {term[k:k + 2] for k in range(len(term) - 1)} if _CJK_RUN_RE.fullmatch(term) else {term}
        if not parts & used and not any(term in c for c in chosen):  # one phrase, not its fragments too
            chosen.append(term)
            used |= parts
        if len(chosen) == limit:
            break
    return chosen


def _is_cjk_bigram(term: str) -> bool:
    return len(term) == 2 and bool(_CJK_RUN_RE.fullmatch(term))
