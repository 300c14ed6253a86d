"""Query → filters → dense and lexical candidates → fusion → paper-level results."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date as Date
from typing import Any

import duckdb
import faiss
import numpy as np

from kb import store
from kb.chunkmap import ChunkMap
from kb.embed import Embedder
from kb.domains import DOMAIN_TAGS
from kb.errors import QueryError
from kb.lexical import LexicalIndex, expand_query
from kb.parse import SECTION_KEYS
from kb.user_sql import where_papers
from kb.vectors import index_ids
from kb.vectors import search as dense_search

MODES = ("hybrid", "dense", "lexical")
_POOL_LOCK = threading.Lock()
RRF_K = 60
SNIPPET_CHARS = 220
# The model reads 512 tokens; a longer query only costs tokenizer time.
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class Filters:
    """Restrictions applied before the top-k cut."""

    since: Date | None = None
    until: Date | None = None
    domains: tuple[str, ...] = ()
    section: str | None = None
    where: str | None = None

    @property
    def active(self) -> bool:
        return any((self.since, self.until, self.domains, self.section, self.where))


@dataclass(frozen=True)
class Hit:
    """One answer: a paper (or a chunk with `--chunks`) and its best passage."""

    paper_id: str
    title: str
    date: Date
    domains: list[str]
    section: str
    score: float
    text: str
    url: str
    chunk_id: int
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; dates as `YYYY-MM-DD`."""
        d = asdict(self)
        d["date"] = self.date.isoformat()
        d["score"] = round(self.score, 6)
        del d["highlights"]
        return d


@dataclass
class Results:
    """Hits best first, with conversions for scripts and notebooks."""

    query: str
    mode: str
    hits: list[Hit]

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, i: int) -> Hit:
        return self.hits[i]

    def to_dicts(self) -> list[dict[str, Any]]:
        return [h.to_dict() for h in self.hits]

    def to_pandas(self):  # -> pandas.DataFrame; pandas is imported only when asked for
        import pandas as pd

        return pd.DataFrame(self.to_dicts())


def fuse_rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion: each list adds 1/(k + rank) to the ids it ranks."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def best_per_paper(scores: dict[int, float], paper_of: dict[int, str]) -> list[tuple[str, int, float]]:
    """Group chunk scores by paper: (paper_id, best chunk, paper score), best first.

    A paper's score is its best chunk plus a small share of its second best,
    so a paper matching in two sections edges out one matching in one.
    """
    by_paper: dict[str, list[tuple[float, int]]] = {}
    for cid, s in scores.items():
        by_paper.setdefault(paper_of[cid], []).append((s, cid))
    ranked = []
    for pid, items in by_paper.items():
        items.sort(reverse=True)
        score = items[0][0] + (0.25 * items[1][0] if len(items) > 1 else 0.0)
        ranked.append((pid, items[0][1], score))
    ranked.sort(key=lambda r: (-r[2], r[0]))
    return ranked


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Character spans of `text` that match the query's terms, merged and sorted."""
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for term in expand_query(query):
        if len(term) < 2 and not re.match(r"[\u3400-\u9fff]", term):
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


def snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A window of `text` around its densest query matches, with highlight spans inside it."""
    flat = plain_text(text)
    spans = highlight_spans(flat, query)
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


class Searcher:
    """Runs queries against one generation of the indexes and a read-only database."""

    def __init__(self, con: duckdb.DuckDBPyConnection, index: faiss.Index | None, lexical: LexicalIndex,
                 embedder: Embedder, chunkmap: ChunkMap, *, vector_error: str | None = None) -> None:
        # Every query takes cursors of its own from `con`, so threads can share one searcher.
        self.con = con
        self.index = index
        self.vector_error = vector_error
        self.lexical = lexical
        self.embedder = embedder
        self.chunkmap = chunkmap
        # Filters travel as a row mask when all three hold the same chunks in the same order
        # (as `write_generation` makes them); otherwise as chunk ids, which is slower but right.
        rows = chunkmap.chunk_ids
        self._rows_aligned = np.array_equal(rows, lexical.chunk_ids) and (
            index is None or np.array_equal(rows, index_ids(index)))
        self._executor: ThreadPoolExecutor | None = None

    def _pool(self) -> ThreadPoolExecutor:
        with _POOL_LOCK:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-embed")
            return self._executor

    def _dense_index(self) -> faiss.Index:
        if self.index is None:
            raise QueryError(self.vector_error or "the vector index is missing; run `kb doctor --repair`")
        return self.index

    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        cur = store.cursor(self.con)
        try:
            return cur.execute(sql, list(params)).fetchall()
        finally:
            cur.close()

    def close(self) -> None:
        """Stop the query-embedding thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def candidates(self, filters: Filters) -> np.ndarray | None:
        """What the filters allow: a mask over index rows (or chunk ids), None when nothing is filtered."""
        if not filters.active:
            return None
        if filters.since and filters.until and filters.since > filters.until:
            raise QueryError(f"--since {filters.since} is after --until {filters.until}; swap them")
        if filters.section and filters.section not in SECTION_KEYS:
            raise QueryError(f"unknown section {filters.section!r}; use one of {', '.join(SECTION_KEYS)}")
        if unknown := [d for d in filters.domains if d.lower() not in DOMAIN_TAGS]:
            raise QueryError(f"unknown domain {unknown[0]!r}; use one of {', '.join(DOMAIN_TAGS)}")
        matched = self._where_papers(filters.where) if filters.where else None
        papers = self.chunkmap.paper_mask(filters.since, filters.until, filters.domains, matched)
        return self._allowed(self.chunkmap.row_mask(papers, filters.section))

    def _allowed(self, rows: np.ndarray) -> np.ndarray:
        """Chunk-map rows as both indexes take them: the mask itself, or chunk ids if their rows differ."""
        return rows if self._rows_aligned else self.chunkmap.chunk_ids[rows]

    def _where_papers(self, where: str) -> list[str]:
        """Paper ids matching a free-form `--where` predicate over `papers` (the user-SQL contract)."""
        return where_papers(self.con, where)

    def ask(self, query: str, top_k: int = 10, filters: Filters = Filters(), mode: str = "hybrid",
            chunks: bool = False) -> Results:
        """Answer `query` with the best `top_k` papers (or chunks)."""
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if not query.strip():
            raise QueryError("the query is empty; ask something like `kb ask \"KV cache quantization\"`")
        if top_k < 1:
            raise QueryError("--top-k must be at least 1")
        if mode != "lexical":
            self._dense_index()  # a damaged vector file: say so before any work
        # The query embedding is most of a warm query's time and runs outside the GIL, so the
        # filter and the lexical search go on beside it.
        qvec = self._pool().submit(self.embedder.embed_query, query[:MAX_QUERY_CHARS]) if mode != "lexical" else None
        try:
            allowed = self.candidates(filters)
        finally:
            if qvec is not None and not qvec.done():
                qvec.exception()  # wait, so a failed filter never leaves the model busy
        # Enough chunks that top_k distinct papers survive grouping.
        depth = max(100, top_k * 12)
        rankings: list[list[int]] = []
        if mode in ("hybrid", "lexical"):
            rankings.append([cid for cid, _ in self.lexical.search(query, depth, allowed)])
        if qvec is not None:
            rankings.insert(0, [cid for cid, _ in dense_search(self._dense_index(), qvec.result(), depth, allowed)])
        scores = fuse_rrf(rankings)
        if not scores:
            return Results(query, mode, [])
        info = self._chunk_info(scores)
        if chunks:
            ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:top_k]
            picks = [(info[cid][0], cid, s) for cid, s in ranked]
        else:
            picks = best_per_paper(scores, {cid: v[0] for cid, v in info.items()})[:top_k]
        return Results(query, mode, self._hits(picks, info, query))

    def similar(self, paper_id: str, top_k: int = 10) -> Results:
        """Papers whose chunks lie nearest the mean of this paper's chunk vectors."""
        if top_k < 1:
            raise QueryError("--top-k must be at least 1")
        rows = self._query(
            "SELECT e.vector FROM chunks c JOIN embeddings e USING (chunk_id) WHERE c.paper_id = ?", [paper_id]
        )
        if not rows:
            raise QueryError(f"no paper {paper_id!r} in this knowledge base; list ids with `kb sql \"SELECT paper_id, title FROM papers\"`")
        mat = np.frombuffer(b"".join(r[0] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        centre = mat.mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        others = self._allowed(self.chunkmap.row_mask(~self.chunkmap.paper_mask(paper_ids=[paper_id])))
        hits = dense_search(self._dense_index(), centre, max(100, top_k * 12), others)
        scores = dict(hits)
        info = self._chunk_info(scores)
        picks = [(pid, cid, 0.0) for pid, cid, _ in best_per_paper(scores, {c: v[0] for c, v in info.items()})[:top_k]]
        # For neighbours the cosine of the best chunk is the meaningful score.
        picks = [(pid, cid, scores[cid]) for pid, cid, _ in picks]
        return Results(paper_id, "similar", self._hits(picks, info, ""))

    def _chunk_info(self, scores: Iterable[int]) -> dict[int, tuple[str, str]]:
        """(paper_id, section) of each chunk id."""
        return self.chunkmap.describe(list(scores))

    def _hits(self, picks: list[tuple[str, int, float]], info: dict[int, tuple[str, str]], query: str) -> list[Hit]:
        if not picks:
            return []
        papers = {r[0]: r[1:] for r in self._query(
            "SELECT paper_id, title, date, domains, url FROM papers WHERE paper_id IN (SELECT unnest(?::VARCHAR[]))",
            [[p for p, _, _ in picks]],
        )}
        texts = dict(self._query(
            "SELECT chunk_id, text FROM chunks WHERE chunk_id IN (SELECT unnest(?::BIGINT[]))", [[c for _, c, _ in picks]]
        ))
        hits = []
        for pid, cid, score in picks:
            title, day, domains, url = papers[pid]
            text, spans = snippet(texts[cid], query) if query else (plain_text(texts[cid])[:SNIPPET_CHARS], [])
            hits.append(Hit(pid, title, day, list(domains), info[cid][1], score, text, url, cid, spans))
        return hits
