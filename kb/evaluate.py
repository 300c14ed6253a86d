"""Retrieval quality on a labelled query set: MRR, Recall@k and nDCG@10 per mode."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import ParseError

RECALL_K = 5
NDCG_K = 10


@dataclass(frozen=True)
class LabelledQuery:
    """A query and the paper ids that answer it (the first is the best answer)."""

    qid: str
    query: str
    relevant: tuple[str, ...]
    lang: str = ""
    kind: str = ""


@dataclass
class ModeScores:
    """Mean scores of one retrieval mode over the query set."""

    mode: str
    mrr: float
    recall: float
    ndcg: float
    queries: int
    failures: list[str] = field(default_factory=list)


def load_queries(path: Path) -> list[LabelledQuery]:
    """Read a JSONL query set; a bad line is reported with its number."""
    queries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            queries.append(LabelledQuery(obj["id"], obj["query"], tuple(obj["relevant"]),
                                         obj.get("lang", ""), obj.get("kind", "")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ParseError(f"not a labelled query ({exc.__class__.__name__}: {exc}); expected "
                             '{"id", "query", "relevant": [paper ids]}', line=n, path=str(path)) from None
    if not queries:
        raise ParseError("no queries in the file", path=str(path))
    return queries


def reciprocal_rank(ranked: Sequence[str], relevant: Sequence[str]) -> float:
    """1/rank of the first relevant id, 0 when none is ranked."""
    return next((1.0 / r for r, pid in enumerate(ranked, start=1) if pid in relevant), 0.0)


def recall_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """Share of the relevant ids found in the top k."""
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def ndcg_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """Binary-relevance nDCG@k."""
    dcg = sum(1.0 / math.log2(r + 1) for r, pid in enumerate(ranked[:k], start=1) if pid in relevant)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def evaluate(queries: Sequence[LabelledQuery], rank: Callable[[str], list[str]], mode: str) -> ModeScores:
    """Score one ranking function (query → paper ids, best first) over the query set."""
    mrr = recall = ndcg = 0.0
    failures = []
    for q in queries:
        ranked = rank(q.query)
        rr = reciprocal_rank(ranked, q.relevant)
        mrr += rr
        recall += recall_at(ranked, q.relevant, RECALL_K)
        ndcg += ndcg_at(ranked, q.relevant, NDCG_K)
        if rr < 1.0:
            failures.append(f"{q.qid} rank {round(1 / rr) if rr else '>' + str(len(ranked))}: {q.query}")
    n = len(queries)
    return ModeScores(mode, mrr / n, recall / n, ndcg / n, n, failures)
