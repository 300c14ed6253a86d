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

from kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


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
    rows = []
    filters = [("hybrid", {}), ("dense", {"mode": "dense"}), ("lexical", {"mode": "lexical"}),
               ("hybrid + --domain video", {"domains": ["video"]}),
               ("hybrid + --where date", {"where": "date = DATE '2026-02-18'"})]
    for label, kwargs in filters:
        times = []
        for q in queries:
            started = time.perf_counter()
            kb.ask(q, top_k=10, **kwargs)
            times.append((time.perf_counter() - started) * 1000)
        rows.append((label, statistics.median(times), percentile(times, 0.95)))

    # The query model alone, then retrieval alone: each query's vector cached beforehand.
    embedder = kb._search().embedder
    embed_ms, cache = [], {}
    for q in queries:
        started = time.perf_counter()
        cache[q] = embedder.embed_query(q)
        embed_ms.append((time.perf_counter() - started) * 1000)
    real_embed = embedder.embed_query
    embedder.embed_query = lambda text: cache[text] if text in cache else real_embed(text)
    retrieval = []
    for label, kwargs in filters:
        times = []
        for q in queries:
            started = time.perf_counter()
            kb.ask(q, top_k=10, **kwargs)
            times.append((time.perf_counter() - started) * 1000)
        retrieval.append((statistics.median(times), percentile(times, 0.95)))

    print(f"cold `kb ask` (whole process, {args.runs} runs): median {statistics.median(cold):.3f} s, "
          f"min {min(cold):.3f} s, max {max(cold):.3f} s")
    print(f"query embedding alone: p50 {statistics.median(embed_ms):.1f} ms, p95 {percentile(embed_ms, 0.95):.1f} ms")
    print(f"warm `.ask()` over {len(queries)} queries (load average {os.getloadavg()[0]:.2f}):")
    print("| mode | end to end p50 ms | p95 ms | retrieval only (query vector cached) p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- |")
    for (label, p50, p95), (r50, r95) in zip(rows, retrieval):
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {r50:.1f} | {r95:.1f} |")


if __name__ == "__main__":
    main()
