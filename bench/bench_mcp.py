"""`kb mcp` latency through the official MCP client: cold start to first answer, warm searches.

Cold: spawn `kb --kb DIR mcp`, initialize, call `search` once; the wall time from spawn to the
answer, over --runs fresh processes. Warm: every query of bench/queries.jsonl as a `search`
tool call on one running server (JSON-RPC over stdio, result parsing included), each followed by
the same `KnowledgeBase.ask` in this process, so the two see the same machine load and their
difference is what the protocol costs.

Run: .venv/bin/python bench/bench_mcp.py --kb indexes [--runs 5]
(build the knowledge base first: kb --kb indexes ingest data/)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client

from kb import KnowledgeBase
from scale import percentile  # bench/ is this script's folder, so it is on the path

ROOT = Path(__file__).resolve().parent.parent
QUERY = "KV cache quantization for video"


async def first_answer(params: StdioServerParameters) -> tuple[float, float]:
    """Seconds from spawn to the handshake, and to the first search result."""
    started = time.perf_counter()
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            ready = time.perf_counter() - started
            result = await session.call_tool("search", {"query": QUERY, "top_k": 10})
            answered = time.perf_counter() - started
            assert not result.is_error and result.structured_content["results"][0]["paper_id"] == "2602.02958"
    return ready, answered


async def warm_searches(params: StdioServerParameters, kb: KnowledgeBase, queries: list[str],
                        rounds: int) -> tuple[list[float], list[float]]:
    """Milliseconds per `search` call on one warm server, and per in-process `.ask()` of the same query."""
    tool, direct = [], []
    kb.ask("warm up")
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        await session.call_tool("search", {"query": "warm up"})
        for _ in range(rounds):
            for q in queries:
                started = time.perf_counter()
                result = await session.call_tool("search", {"query": q, "top_k": 10})
                tool.append((time.perf_counter() - started) * 1000)
                assert not result.is_error
                started = time.perf_counter()
                kb.ask(q, top_k=10)
                direct.append((time.perf_counter() - started) * 1000)
    return tool, direct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", default=str(ROOT / "indexes"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the query set for the warm figures")
    parser.add_argument("--queries", default=str(ROOT / "bench" / "queries.jsonl"))
    args = parser.parse_args()

    kb_bin = str(Path(sys.executable).with_name("kb"))
    params = StdioServerParameters(command=kb_bin, args=["--kb", args.kb, "mcp"], cwd=str(ROOT))
    queries = [json.loads(l)["query"] for l in Path(args.queries).read_text(encoding="utf-8").splitlines() if l.strip()]

    cold = [anyio.run(first_answer, params) for _ in range(args.runs)]
    warm, direct = anyio.run(warm_searches, params, KnowledgeBase.open(args.kb), queries, args.rounds)
    ready = [c[0] for c in cold]
    answered = [c[1] for c in cold]
    print(f"cold start to first answer ({args.runs} fresh servers): median {statistics.median(answered):.3f} s, "
          f"min {min(answered):.3f} s, max {max(answered):.3f} s; handshake done at median {statistics.median(ready):.3f} s")
    print(f"warm search tool call ({len(warm)} calls, {len(queries)} queries x {args.rounds}): "
          f"p50 {statistics.median(warm):.1f} ms, p95 {percentile(warm, 0.95):.1f} ms, max {max(warm):.1f} ms")
    print(f"same queries in-process `.ask()`, interleaved: p50 {statistics.median(direct):.1f} ms, "
          f"p95 {percentile(direct, 0.95):.1f} ms")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
