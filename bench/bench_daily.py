"""Latency of the daily-reading calls (`new`, marks, `recommend`, `export`) on a copy of a knowledge base.

The knowledge base is copied first, so the marks written here never touch the original.
Reported: median and p95 ms over `--runs` calls of each, after one warm-up call (whose time is
reported apart as `cold`: for `recommend` it loads the paper features and scikit-learn).

    python bench/bench_daily.py --kb indexes --runs 20
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kb import KnowledgeBase


def timed(fn, runs: int) -> dict[str, float]:
    started = time.perf_counter()
    fn()
    cold = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"cold_ms": round(cold, 1), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-daily-") as tmp:
        copy = Path(tmp) / "kb"
        shutil.copytree(args.kb, copy)
        kb = KnowledgeBase.open(copy)
        ids = [r[0] for r in kb.sql("SELECT paper_id FROM papers ORDER BY date DESC, paper_id LIMIT 3").rows]
        kb.tag(ids[0], "liked")
        kb.tag(ids[1], "liked")
        load = os.getloadavg()[0]
        counter = iter(range(10**9))
        results = {
            "new": timed(lambda: kb.new(), args.runs),
            "tag": timed(lambda: kb.tag(ids[2], f"t{next(counter)}"), args.runs),
            "list_papers(tag)": timed(lambda: kb.list_papers(tag="liked"), args.runs),
            "recommend(tag)": timed(lambda: kb.recommend(tag="liked"), args.runs),
            "export bibtex": timed(lambda: kb.export("bibtex"), args.runs),
            "export atom": timed(lambda: kb.export("atom"), args.runs),
        }
    print(json.dumps({"kb": str(args.kb), "runs": args.runs, "load_before": round(load, 2),
                      "load_after": round(os.getloadavg()[0], 2), "results": results}, indent=1))


if __name__ == "__main__":
    main()
