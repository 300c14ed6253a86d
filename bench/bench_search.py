"""Search quality per fusion and term source on both query sets, and the relevance calibration.

Run: .venv/bin/python bench/bench_search.py --kb indexes            # every alternative, both sets
     .venv/bin/python bench/bench_search.py --kb indexes --calibrate  # refit kb/passage.py CALIBRATION
(build the knowledge base first: kb --kb indexes ingest data/). Calibration reads only
bench/queries.jsonl and bench/queries_dev.jsonl: the blind sets are never fitted on (bench/search_alternatives.md).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from kb import KnowledgeBase, passage
from kb.evaluate import load_queries
from kb.search import FUSIONS
from kb.terms import SOURCES

ROOT = Path(__file__).resolve().parent.parent
SETS = (ROOT / "bench" / "queries.jsonl", ROOT / "bench" / "queries_dev.jsonl", ROOT / "bench" / "queries_blind.jsonl",
        ROOT / "bench" / "queries_blind2.jsonl")
# Calibration is fitted on the tunable sets only: the project's own and the two dev sets (written blind, declared for tuning).
TUNABLE = (SETS[0], SETS[1], ROOT / "bench" / "queries_dev2.jsonl")
TERM_CONFIGS = {"T0 map": ("map",), "T1 +cedict": ("map", "cedict"), "T2 +lexicon": ("map", "lexicon"),
                "T3 all": SOURCES}


def cache_vectors(kb: KnowledgeBase) -> None:
    """Embed each query once: the alternatives differ after the embedding, not in it."""
    embedder = kb._search().embedder
    real, cache = embedder.embed_query, {}

    def cached(text: str):
        if text not in cache:
            cache[text] = real(text)
        return cache[text]

    embedder.embed_query = cached


def features(kb: KnowledgeBase, query: str, mode: str, top_k: int = 10) -> list[tuple[str, float | None, float]]:
    """(paper id, best cosine, coverage) of the top hits, read back through the relevance function."""
    saved = passage.CALIBRATION[mode]
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    try:
        passage.CALIBRATION[mode] = (1.0, 0.0, 0.0)
        cos = [logit(h.relevance) for h in kb.ask(query, top_k, mode=mode)]
        passage.CALIBRATION[mode] = (0.0, 1.0, 0.0)
        hits = kb.ask(query, top_k, mode=mode)
        cov = [logit(h.relevance) for h in hits]
    finally:
        passage.CALIBRATION[mode] = saved
    return [(h.paper_id, None if mode == "lexical" else c, v) for h, c, v in zip(hits, cos, cov)]


def calibrate(kb: KnowledgeBase) -> None:
    from sklearn.linear_model import LogisticRegression

    queries = [q for path in TUNABLE for q in load_queries(path)]
    for mode in ("hybrid", "dense", "lexical"):
        X, y = [], []
        for q in queries:
            for pid, cos, cov in features(kb, q.query, mode):
                X.append([cos or 0.0, cov] if mode == "hybrid" else [cos] if mode == "dense" else [cov])
                y.append(1 if pid in q.relevant else 0)
        model = LogisticRegression(C=1e4, max_iter=5000).fit(X, y)
        coef = list(model.coef_[0])
        a, b = (coef[0], coef[1]) if mode == "hybrid" else (coef[0], 0.0) if mode == "dense" else (0.0, coef[0])
        print(f'    "{mode}": ({a:.2f}, {b:.2f}, {model.intercept_[0]:.2f}),  # {len(y)} hits, {sum(y)} relevant')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", default=str(ROOT / "indexes"))
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--fusion", nargs="*", default=list(FUSIONS))
    parser.add_argument("--terms", nargs="*", default=list(TERM_CONFIGS))
    parser.add_argument("--sets", nargs="*", default=[str(p) for p in TUNABLE])  # blind sets only when named
    args = parser.parse_args()
    kb = KnowledgeBase.open(args.kb)
    cache_vectors(kb)
    if args.calibrate:
        calibrate(kb)
        return
    searcher = kb._search()
    print("| fusion | terms | set | mode | MRR | Recall@5 | nDCG@10 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for fusion in args.fusion:
        for name in args.terms:
            searcher.fusion, searcher.sources = fusion, TERM_CONFIGS[name]
            for path in args.sets:
                for s in kb.evaluate(path):
                    print(f"| {fusion} | {name} | {Path(path).name} | {s.mode} | {s.mrr:.3f} | {s.recall:.3f} | {s.ndcg:.3f} |",
                          flush=True)


if __name__ == "__main__":
    main()
