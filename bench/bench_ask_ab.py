"""Warm `.ask()` latency of this checkout against another, alternating, in one session.

Each side runs in its own process with its own checkout first on `sys.path` and its own
knowledge base (built by that checkout from `data/`), answers every query of the labelled set
once to warm up, then `--rounds` times in turn with the other side, so both see the same load.
Reported: the median over rounds of each round's p50 and p95 (ms), end to end (query embedding
included, as a user waits for it).

    python bench/bench_ask_ab.py --kb /tmp/kb-now --against /tmp/kb-before --against-kb /tmp/kb-old
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from kb import KnowledgeBase
queries = [json.loads(l)["query"] for l in open(sys.argv[3], encoding="utf-8") if l.strip() and '"_header"' not in l]
kb = KnowledgeBase.open(sys.argv[2])
for q in queries:
    kb.ask(q, top_k=10)
print("ready", flush=True)
for line in sys.stdin:
    times = []
    for q in queries:
        started = time.perf_counter()
        kb.ask(q, top_k=10)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(json.dumps({"p50": times[len(times) // 2], "p95": times[int(len(times) * 0.95)]}), flush=True)
"""


def start(root: Path, kb: Path, queries: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(kb), str(queries)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=Path, required=True)
    parser.add_argument("--against", type=Path, required=True)
    parser.add_argument("--against-kb", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=HERE / "queries.jsonl")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sides = {"this checkout": start(HERE.parent, args.kb, args.queries),
             str(args.against): start(args.against, args.against_kb, args.queries)}
    rounds: dict[str, list[dict]] = {name: [] for name in sides}
    load = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for name, proc in sides.items():
            proc.stdin.write("go\n")
            proc.stdin.flush()
            rounds[name].append(json.loads(proc.stdout.readline()))
    load.append(os.getloadavg()[0])
    for proc in sides.values():
        proc.stdin.close()
        proc.wait()
    for name, rs in rounds.items():
        print(json.dumps({"side": name, "p50_ms": round(statistics.median(r["p50"] for r in rs), 1),
                          "p95_ms": round(statistics.median(r["p95"] for r in rs), 1), "rounds": len(rs),
                          "load": [round(x, 2) for x in load]}))


if __name__ == "__main__":
    main()
