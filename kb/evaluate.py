"""Retrieval quality on a labelled query set: MRR, Recall@k and nDCG@10 per mode."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from kb.errors import ParseError

RECALL_K = 5
NDCG_K = 10


@dataclass(frozen=True)
class LabelledQuery:
    """A query and the paper ids that answer it (the first is the best answer), with optional grades and dates."""

    qid: str
    query: str
    relevant: tuple[str, ...]
    lang: str = ""
    kind: str = ""
    grades: Mapping[str, int] = field(default_factory=dict)  # paper id → 2 (the answer) or 1 (also relevant)
    since: Date | None = None
    until: Date | None = None

    def gain(self, paper_id: str) -> float:
        """Graded gain for nDCG: the grade when grades exist, else 1 for a relevant paper."""
        if self.grades:
            return float(self.grades.get(paper_id, 0))
        return 1.0 if paper_id in self.relevant else 0.0


@dataclass
class ModeScores:
    """Mean scores of one retrieval mode over the query set."""

    mode: str
    mrr: float
    recall: float
    ndcg: float
    queries: int
    failures: list[str] = field(default_factory=list)
    query_set: str = ""


def _date(value: object) -> Date | None:
    return None if value in (None, "") else Date.fromisoformat(str(value))


def load_queries(path: Path) -> list[LabelledQuery]:
    """Read a JSONL query set (a leading `{"_header": ...}` line is skipped); a bad line is reported with its number."""
    queries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if "_header" in obj:
                continue
            grades = {str(k): int(v) for k, v in (obj.get("grades") or {}).items()}
            relevant = tuple(obj.get("relevant") or sorted(grades, key=lambda k: -grades[k]))
            if not relevant:
                raise KeyError("relevant")
            queries.append(LabelledQuery(obj["id"], obj["query"], relevant, obj.get("lang", ""), obj.get("kind", ""),
                                         grades, _date(obj.get("since")), _date(obj.get("until"))))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ParseError(f"not a labelled query ({exc.__class__.__name__}: {exc}); expected "
                             '{"id", "query", "relevant": [paper ids]} and optional "grades", "since", "until"',
                             line=n, path=str(path)) from None
    if not queries:
        raise ParseError("no queries in the file", path=str(path))
    return queries


def reciprocal_rank(ranked: Sequence[str], relevant: Sequence[str]) -> float:
    """1/rank of the first relevant id, 0 when none is ranked."""
    return next((1.0 / r for r, pid in enumerate(ranked, start=1) if pid in relevant), 0.0)


def recall_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> float:
    """Share of the relevant ids found in the top k."""
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def ndcg_at(ranked: Sequence[str], relevant: Sequence[str], k: int, gains: Mapping[str, float] | None = None) -> float:
    """nDCG@k: binary relevance, or graded when `gains` maps ids to their grade."""
    gain = (lambda pid: float(gains.get(pid, 0.0))) if gains else (lambda pid: 1.0 if pid in relevant else 0.0)
    dcg = sum(gain(pid) / math.log2(r + 1) for r, pid in enumerate(ranked[:k], start=1))
    best = sorted((gain(pid) for pid in (gains or relevant)), reverse=True)[:k]
    ideal = sum(g / math.log2(r + 1) for r, g in enumerate(best, start=1))
    return dcg / ideal if ideal else 0.0


def evaluate(queries: Sequence[LabelledQuery], rank: Callable[[LabelledQuery], list[str]], mode: str,
             query_set: str = "") -> ModeScores:
    """Score one ranking function (labelled query → paper ids, best first) over the query set."""
    mrr = recall = ndcg = 0.0
    failures = []
    for q in queries:
        ranked = rank(q)
        rr = reciprocal_rank(ranked, q.relevant)
        mrr += rr
        recall += recall_at(ranked, q.relevant, RECALL_K)
        ndcg += ndcg_at(ranked, q.relevant, NDCG_K, {k: float(v) for k, v in q.grades.items()} or None)
        if rr < 1.0:
            failures.append(f"{q.qid} rank {round(1 / rr) if rr else '>' + str(len(ranked))}: {q.query}")
    n = len(queries)
    return ModeScores(mode, mrr / n, recall / n, ndcg / n, n, failures, query_set)
