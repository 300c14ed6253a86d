"""Query latency: cold `kb ask` as a whole process, and warm in-process `.ask()` percentiles.

Run: .venv/bin/python bench/bench_query.py --kb indexes [--runs 10]
(build the knowledge base first: kb --kb indexes ingest data/)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kb import KnowledgeBase, terms
from scale import percentile, timed  # bench/ is this script's folder, so it is on the path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", default=str(ROOT / "indexes"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--queries", default=str(ROOT / "bench" / "queries.jsonl"))
    args = parser.parse_args()

    kb_bin = shutil.which("kb") or str(Path(sys.executable).with_name("kb"))
    cold = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run([kb_bin, "--kb", args.kb, "ask", "KV cache quantization for video", "-k", "5"],
                       check=True, capture_output=True)
        cold.append(time.perf_counter() - started)

    queries = [json.loads(l)["query"] for l in Path(args.queries).read_text(encoding="utf-8").splitlines() if l.strip()]
    kb = KnowledgeBase.open(args.kb)
    kb.ask("warm up")
    filters = [("hybrid", {}), ("dense", {"mode": "dense"}), ("lexical", {"mode": "lexical"}),
               ("hybrid + --domain video", {"domains": ["video"]}),
               ("hybrid + --where date", {"where": "date = DATE '2026-02-18'"})]

    def p50_p95_per_filter() -> list[tuple[float, float]]:
        out = []
        for _, kwargs in filters:
            _, times = timed(lambda q: kb.ask(q, top_k=10, **kwargs), queries)
            out.append((statistics.median(times), percentile(times, 0.95)))
        return out

    end_to_end = p50_p95_per_filter()
    # The query model alone, then retrieval alone: each query's vector cached beforehand.
    # The model reads each query with its translations (`kb.terms.dense_text`), so that text is what is cached.
    searcher = kb._search()
    embedder = searcher.embedder
    read = [terms.dense_text(q, searcher.expand(q)) for q in queries]
    vectors, embed_ms = timed(embedder.embed_query, read)
    cache = dict(zip(read, vectors))
    real_embed = embedder.embed_query
    embedder.embed_query = lambda text: cache[text] if text in cache else real_embed(text)
    retrieval = p50_p95_per_filter()

    print(f"cold `kb ask` (whole process, {args.runs} runs): median {statistics.median(cold):.3f} s, "
          f"min {min(cold):.3f} s, max {max(cold):.3f} s")
    print(f"query embedding alone: p50 {statistics.median(embed_ms):.1f} ms, p95 {percentile(embed_ms, 0.95):.1f} ms")
    print(f"warm `.ask()` over {len(queries)} queries (load average {os.getloadavg()[0]:.2f}):")
    print("| mode | end to end p50 ms | p95 ms | retrieval only (query vector cached) p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- |")
    for (label, _), (p50, p95), (r50, r95) in zip(filters, end_to_end, retrieval):
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {r50:.1f} | {r95:.1f} |")


if __name__ == "__main__":
    main()
