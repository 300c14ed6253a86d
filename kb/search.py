"""Query → filters → dense and lexical candidates → fusion → paper-level results."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date as Date
from typing import Any

import duckdb
import faiss
import numpy as np

from kb import store, terms
from kb.chunkmap import ChunkMap
from kb.embed import Embedder
from kb.domains import DOMAIN_TAGS
from kb.errors import QueryError
from kb.lexical import LexicalIndex
from kb.parse import SECTION_KEYS
from kb.passage import (SNIPPET_CHARS, WEAK_RELEVANCE, Passage, best_passage, coverage, highlight_spans,  # noqa: F401
                        plain_text, relevance, section_label, section_prior, snippet, text_tokens, why)
from kb.user_sql import where_papers
from kb.vectors import index_ids
from kb.vectors import search as dense_search

MODES = ("hybrid", "dense", "lexical")
_POOL_LOCK = threading.Lock()
RRF_K = 60
# How papers are ranked from the two chunk rankings (bench/search_alternatives.md):
# `chunk` fuses chunks and groups them, `paper` fuses each mode's paper ranking,
# `calibrated` orders papers by their calibrated relevance, `blend` by the chunk fusion's score
# (as a share of the best paper's) plus BLEND_WEIGHT × the calibrated relevance.
FUSIONS = ("chunk", "paper", "calibrated", "blend")
DEFAULT_FUSION = "blend"
BLEND_WEIGHT = 0.5
# Hybrid weighs each mode's RRF votes by its top hit's calibrated relevance to this power (round 4 of
# bench/search_alternatives.md, chosen on the tunable sets: 0.25 leaves the first set unchanged).
CONFIDENCE_POWER = 0.25
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
    """One answer: a paper (or a chunk with `--chunks`) and the passage that best answers the query.

    `score` is the ranking score (for `ask` the fused rank as a share of the best plus weighted
    relevance; cosine for `similar`); `relevance` is a calibrated 0–1 chance that the paper
    answers, and `why` says what matched: `title`, `keywords` or `meaning`. `label` names the section in the query's language.
    """

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
    relevance: float | None = None
    why: str = ""
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; dates as `YYYY-MM-DD`, the chunk id as a string (it may exceed 2^53)."""
        d = asdict(self)
        d["date"] = self.date.isoformat()
        d["score"] = round(self.score, 6)
        d["chunk_id"] = str(self.chunk_id)
        if self.relevance is not None:
            d["relevance"] = round(self.relevance, 3)
        del d["highlights"]
        return d


@dataclass
class Results:
    """Hits best first, with conversions for scripts and notebooks.

    `weak` is set when even the best hit matches poorly (relevance under one half): the hits are
    the closest papers, not answers. `score_kind` says what `Hit.score` is.
    """

    query: str
    mode: str
    hits: list[Hit]
    weak: bool = False
    score_kind: str = "rrf"  # "rrf" (fused rank; with the blend fusion, plus relevance) or "cosine" (`similar`)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, i: int) -> Hit:
        return self.hits[i]

    def to_dicts(self) -> list[dict[str, Any]]:
        """One dict a hit, each also carrying `weak` so a script reading the array alone can tell."""
        return [{**h.to_dict(), "weak": self.weak} for h in self.hits]

    def to_pandas(self):  # -> pandas.DataFrame; pandas is imported only when asked for
        import pandas as pd

        return pd.DataFrame(self.to_dicts())


def parse_chunk_id(value: int | str) -> int:
    """A chunk id given as an int or as the string `to_dict` writes."""
    try:
        return int(str(value).strip())
    except ValueError:
        raise QueryError(f"{value!r} is not a chunk id; pass the digits of a hit's `chunk_id`") from None


def fuse_rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K, weights: Sequence[float] | None = None) -> dict[int, float]:
    """Reciprocal rank fusion: each list adds weight/(k + rank) to the ids it ranks (weight 1 unless given)."""
    fused: dict[int, float] = {}
    for n, ranking in enumerate(rankings):
        w = weights[n] if weights is not None else 1.0
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + w / (k + rank)
    return fused


def confidence_weights(dense_top: float, lexical_top: float, power: float = CONFIDENCE_POWER) -> tuple[float, float]:
    """Votes of the dense and lexical rankings from how sure each is of its own top hit (calibrated relevance).

    The surer mode votes 1, the other less, so a ranking that found nothing near (an English query about a
    detail written only in Chinese, the dense model's blind spot) no longer outvotes the one that did.
    """
    d, lx = dense_top ** power, lexical_top ** power
    top = max(d, lx) or 1.0
    return d / top, lx / top


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


def paper_rankings(rankings: Sequence[Sequence[int]], paper_of: dict[int, str]) -> list[list[str]]:
    """Each chunk ranking as a paper ranking: a paper at the rank of its best chunk."""
    return [list(dict.fromkeys(paper_of[c] for c in ranking)) for ranking in rankings]


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
        self._local = threading.local()
        self._terms: terms.TermTable | None = None
        # What bench/bench_search.py varies: the fusion and the term sources (kb.terms.SOURCES).
        self.fusion = DEFAULT_FUSION
        self.blend_weight = BLEND_WEIGHT
        self.sources: tuple[str, ...] = terms.SOURCES

    def _pool(self) -> ThreadPoolExecutor:
        with _POOL_LOCK:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-embed")
            return self._executor

    def _dense_index(self) -> faiss.Index:
        if self.index is None:
            raise QueryError(self.vector_error or "the vector index is missing; run `kb doctor --repair`")
        return self.index

    def _term_table(self) -> terms.TermTable:
        """The lexicon and dictionary in memory, read once per snapshot (the database never changes under it)."""
        if self._terms is None:
            with _POOL_LOCK:
                if self._terms is None:
                    self._terms = terms.TermTable(self._query)
        return self._terms

    def expand(self, text: str) -> terms.Expansion:
        """The query's weighted BM25 terms and their translations (`terms.dense_text` reads the same)."""
        return terms.expand(text, self._query, self.sources, self.lexical.doc_share, table=self._term_table())

    def _query(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        """kb's own SQL, on this thread's cursor: a cursor is one connection, and making one costs
        more than a small query, so each thread keeps its own (user SQL always gets a fresh one)."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = store.cursor(self.con)
        return cur.execute(sql, list(params)).fetchall()

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
        # The term expansion comes first (under a millisecond): the dense model reads the query with
        # the translations of its terms. The embedding is most of a warm query's time and runs
        # outside the GIL, so the filter and the lexical search go on beside it.
        text = query[:MAX_QUERY_CHARS]
        expansion = self.expand(text)
        qvec = self._pool().submit(self.embedder.embed_query, terms.dense_text(text, expansion)) if mode != "lexical" else None
        try:
            allowed = self.candidates(filters)
        finally:
            if qvec is not None and not qvec.done():
                qvec.exception()  # wait, so a failed filter never leaves the model busy
        weights = expansion.weights
        idf = self.lexical.idf(list(weights))
        # Enough chunks that top_k distinct papers survive grouping.
        depth = max(100, top_k * 12)
        lexical_hits = self.lexical.search(weights, depth, allowed) if mode in ("hybrid", "lexical") else []
        vector = qvec.result() if qvec is not None else None
        dense_hits = dense_search(self._dense_index(), vector, depth, allowed) if vector is not None else []
        rankings = [[c for c, _ in hits] for hits in (dense_hits, lexical_hits) if hits]
        votes = None
        if dense_hits and lexical_hits:
            lexical_top = float(self.lexical.coverage([lexical_hits[0][0]], weights, idf)[0])
            votes = confidence_weights(relevance("dense", dense_hits[0][1], 0.0), relevance("lexical", None, lexical_top))
        scores = fuse_rrf(rankings, weights=votes)
        if not scores:
            return Results(query, mode, [])
        info = self._chunk_info(scores)
        paper_of = {cid: v[0] for cid, v in info.items()}
        cosine = dict(dense_hits)
        if chunks:
            ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:top_k]
            picks = [(info[cid][0], cid, s) for cid, s in ranked]
            return self._results(query, mode, picks, weights, idf, vector, cosine, fixed=True)
        if self.fusion in ("chunk", "blend"):
            picks = best_per_paper(scores, paper_of)
        else:
            fused = fuse_rrf(paper_rankings(rankings, paper_of), weights=votes)
            best = {pid: cid for pid, cid, _ in reversed(best_per_paper(scores, paper_of))}
            picks = sorted(((pid, best[pid], sc) for pid, sc in fused.items()), key=lambda r: (-r[2], r[0]))
        if self.fusion == "calibrated":
            # Every candidate paper's relevance from what the two searches already measured.
            rel = self._paper_relevance(mode, picks, paper_of, weights, idf, cosine, dense_hits)
            picks.sort(key=lambda r: (-rel[r[0]], -r[2], r[0]))
        elif self.fusion == "blend":
            rel = self._paper_relevance(mode, picks, paper_of, weights, idf, cosine, dense_hits)
            top = picks[0][2] or 1.0
            picks = sorted(((pid, cid, sc / top + self.blend_weight * rel[pid]) for pid, cid, sc in picks),
                           key=lambda r: (-r[2], r[0]))
        return self._results(query, mode, picks[:top_k], weights, idf, vector, cosine, only_section=filters.section)

    def _paper_relevance(self, mode: str, picks: list[tuple[str, int, float]], paper_of: dict[int, str],
                         weights: dict[str, float], idf: dict[str, float], cosine: dict[int, float],
                         dense_hits: list[tuple[int, float]]) -> dict[str, float]:
        floor = dense_hits[-1][1] - 0.02 if dense_hits else None  # a paper past the dense cut is at most this near
        best_cos: dict[str, float] = {}
        for cid, cos in cosine.items():
            pid = paper_of[cid]
            best_cos[pid] = max(best_cos.get(pid, -1.0), cos)
        cover = self._coverage_by_paper(paper_of, weights, idf)
        return {pid: relevance(mode, best_cos.get(pid, floor) if mode != "lexical" else None, cover.get(pid, 0.0))
                for pid, _, _ in picks}

    def _coverage_by_paper(self, paper_of: dict[int, str], weights: dict[str, float], idf: dict[str, float]) -> dict[str, float]:
        """Each candidate paper's best chunk coverage of the query terms, title included (the lexical index holds both)."""
        ids = list(paper_of)
        out: dict[str, float] = {}
        for cid, cover in zip(ids, self.lexical.coverage(ids, weights, idf).tolist()):
            pid = paper_of[cid]
            out[pid] = max(out.get(pid, 0.0), cover)
        return out

    def terms(self, word: str | None, top_k: int = 30) -> list[dict[str, Any]]:
        """What a term expands to (`kb terms WORD`), or the lexicon's most frequent pairs."""
        if word is None:
            return terms.top_pairs(self._query, top_k)
        if not word.strip():
            raise QueryError("the term is empty; try `kb terms moe`")
        return terms.describe(word, self._query)

    def similar(self, paper_id: str, top_k: int = 10) -> Results:
        """Papers whose chunks lie nearest the mean of this paper's chunk vectors, by that cosine, nearest first."""
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
        info = self._chunk_info(dict(hits))
        # A neighbour's score is the cosine of its nearest chunk, and neighbours are listed by it.
        best: dict[str, tuple[int, float]] = {}
        for cid, cos in hits:
            pid = info[cid][0]
            if pid not in best or cos > best[pid][1]:
                best[pid] = (cid, cos)
        picks = sorted(((pid, cid, cos) for pid, (cid, cos) in best.items()), key=lambda r: (-r[2], r[0]))[:top_k]
        return self._results(paper_id, "similar", picks, {}, {}, None, {}, fixed=True, score_kind="cosine")

    def _chunk_info(self, scores: Iterable[int]) -> dict[int, tuple[str, str]]:
        """(paper_id, section) of each chunk id."""
        return self.chunkmap.describe(list(scores))

    def _results(self, query: str, mode: str, picks: list[tuple[str, int, float]], weights: dict[str, float],
                 idf: dict[str, float], vector: np.ndarray | None, cosine: dict[int, float], *,
                 fixed: bool = False, score_kind: str = "rrf", only_section: str | None = None) -> Results:
        """Hits for the picked papers: each paper's best passage (unless `fixed` to the picked chunk), relevance and reason."""
        if not picks:
            return Results(query, mode, [], score_kind=score_kind)
        pids = list(dict.fromkeys(p for p, _, _ in picks))
        # One query for the papers and all their chunks with vectors: each query costs a cursor.
        where = "c.chunk_id IN (SELECT unnest(?::BIGINT[]))" if fixed else "c.paper_id IN (SELECT unnest(?::VARCHAR[]))"
        # With `--section` the passage shown comes from that section too (every pick has a chunk there).
        rows = self._query(
            "SELECT c.chunk_id, c.paper_id, c.section, c.text, e.vector, p.title, p.date, p.domains, p.url "
            "FROM chunks c JOIN embeddings e USING (chunk_id) JOIN papers p USING (paper_id) "
            f"WHERE {where} AND (?::VARCHAR IS NULL OR c.section = ?) ORDER BY c.paper_id, c.ordinal",
            [[c for _, c, _ in picks] if fixed else pids, only_section, only_section])
        papers: dict[str, tuple] = {}
        passages: dict[str, list[Passage]] = {}
        by_chunk: dict[int, Passage] = {}
        # Coverage of each chunk as the lexical index holds it (title + text), read from its postings.
        covers = self.lexical.coverage([r[0] for r in rows], weights, idf).tolist() if weights else [0.0] * len(rows)
        for (cid, pid, section, text, blob, *paper), cover in zip(rows, covers):
            papers[pid] = tuple(paper)
            cos = float(np.frombuffer(blob, dtype=np.float32) @ vector) if vector is not None else None
            p = Passage(cid, section, text, cos, cover)
            passages.setdefault(pid, []).append(p)
            by_chunk[cid] = p
        hits = []
        prior = section_prior(query)
        for pid, cid, score in picks:
            title, day, domains, url = papers[pid]
            chosen = by_chunk[cid] if fixed else best_passage(passages[pid], weights, idf, prior)
            text, spans = snippet(chosen.text, weights) if weights else (plain_text(chosen.text)[:SNIPPET_CHARS], [])
            rel, reason = None, ""
            if mode in MODES:
                mine = passages[pid] if not fixed else [chosen]
                best_cos = max((cosine.get(p.chunk_id, p.cosine or 0.0) for p in mine), default=None) if vector is not None else None
                cover = max((p.cover for p in mine), default=0.0)
                rel, reason = relevance(mode, best_cos, cover), why(coverage(text_tokens(title), weights, idf), cover)
            hits.append(Hit(pid, title, day, list(domains), chosen.section, score, text, url, chosen.chunk_id, spans,
                            rel, reason, section_label(chosen.section, query) if mode in MODES else chosen.section))
        weak = mode in MODES and max((h.relevance or 0.0) for h in hits) < WEAK_RELEVANCE[mode]
        return Results(query, mode, hits, weak=weak, score_kind=score_kind)
