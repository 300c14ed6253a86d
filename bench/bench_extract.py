"""Extraction speed per function, and a byte-for-byte check of its output against a reference.

Every report of the corpus (`bench/gen_corpus.py`) and of `data/*.md` is parsed the way ingest
reads it, then the four extraction functions run on every paper the way `kb.ingest` calls them
(`extract_facts`, `tag_paper`, `extract_links`, `extract_metrics`),
each timed over the whole corpus; then all four per paper as ingest calls them, and once more
with the paper's metrics passed to `extract_facts` instead of extracted a second time there.

Run:
    .venv/bin/python bench/gen_corpus.py --papers 2000 --days 60 --seed 0 --out /tmp/extract-corpus
    .venv/bin/python bench/bench_extract.py --write /tmp/extract_ref.json   # on the code to compare with
    .venv/bin/python bench/bench_extract.py --check /tmp/extract_ref.json   # exits 1 on any difference
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import inspect
import json
import pstats
import re
import sys
import time
from datetime import date as Date
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.extract import extract_facts, extract_links, extract_metrics, tag_paper  # noqa: E402
from kb.parse import Paper, parse_report  # noqa: E402

_FILE_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def load_papers(folders: list[Path]) -> list[tuple[str, Paper]]:
    """(key, paper) for every paper of every report, keyed by file and position (papers recur across days)."""
    papers = []
    for folder in folders:
        for path in sorted(folder.glob("*.md")):
            m = _FILE_DATE_RE.search(path.name)
            fallback = Date.fromisoformat(m.group(1)) if m else None
            report = parse_report(path.read_bytes().decode("utf-8"), fallback_date=fallback)
            papers += [(f"{folder.name}/{path.name}#{i}:{p.paper_id}", p) for i, p in enumerate(report.papers)]
    return papers


def _domains(paper: Paper) -> list[Any]:
    return tag_paper(paper)  # what ingest stores: tags from title, 应用领域 and contribution, with evidence


FUNCTIONS: dict[str, Callable[[Paper], Any]] = {
    "extract_facts": extract_facts, "extract_domains": _domains,
    "extract_links": extract_links, "extract_metrics": extract_metrics,
}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)  # type: ignore[arg-type]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def run(papers: list[tuple[str, Paper]], repeat: int) -> tuple[dict[str, float], dict[str, dict[str, Any]]]:
    """Best-of-`repeat` seconds per function, and every paper's outputs."""
    seconds: dict[str, float] = {}
    outputs: dict[str, dict[str, Any]] = {key: {} for key, _ in papers}
    for name, fn in FUNCTIONS.items():
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            results = [fn(paper) for _, paper in papers]
            best = min(best, time.perf_counter() - start)
        seconds[name] = best
        for (key, _), result in zip(papers, results):
            outputs[key][name] = _plain(result)
    seconds["per paper, all"] = _best(repeat, lambda: [fn(p) for _, p in papers for fn in FUNCTIONS.values()])
    if "metrics" in inspect.signature(extract_facts).parameters:  # not in versions before it took them
        seconds["metrics reused"] = _best(repeat, lambda: [_all_reusing_metrics(p) for _, p in papers])
    return seconds, outputs


def _all_reusing_metrics(paper: Paper) -> None:
    metrics = extract_metrics(paper)
    extract_facts(paper, metrics)
    _domains(paper)
    extract_links(paper)


def _best(repeat: int, work: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def compare(outputs: dict[str, dict[str, Any]], ref: dict[str, dict[str, Any]], show: int = 5) -> int:
    """Print the first differences; return how many (paper, function) pairs differ."""
    differences = 0
    for key in sorted(set(outputs) | set(ref)):
        if key not in outputs or key not in ref:
            differences += 1
            if differences <= show:
                print(f"DIFF {key}: only in {'reference' if key in ref else 'this run'}")
            continue
        for name in FUNCTIONS:
            # Compare serialised forms so 1 and 1.0, or a tuple and a list, would count as different.
            got = json.dumps(outputs[key].get(name), ensure_ascii=False, sort_keys=True)
            want = json.dumps(ref[key].get(name), ensure_ascii=False, sort_keys=True)
            if got != want:
                differences += 1
                if differences <= show:
                    print(f"DIFF {key} {name}:\n  want {want[:600]}\n  got  {got[:600]}")
    return differences


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/extract-corpus"))
    ap.add_argument("--repeat", type=int, default=1, help="time each function this many times, keep the best")
    ap.add_argument("--write", type=Path, metavar="REF", help="write every output to this JSON file")
    ap.add_argument("--check", type=Path, metavar="REF",
                    help="compare every output to this JSON file; exit 1 on any difference")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of one pass instead of timing")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}; make one with bench/gen_corpus.py --out {args.corpus}")

    papers = load_papers([args.corpus, ROOT / "data"])
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run, papers, 1)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return

    seconds, outputs = run(papers, args.repeat)
    print(f"{len(papers)} papers, best of {args.repeat}")
    print(f"{'function':<16} {'seconds':>8} {'papers/s':>9}")
    for name, s in seconds.items():
        print(f"{name:<16} {s:8.2f} {len(papers) / s:9.0f}")

    if args.write:
        args.write.write_text(json.dumps(outputs, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {args.write}")
    if args.check:
        differences = compare(outputs, json.loads(args.check.read_text(encoding="utf-8")))
        if differences:
            sys.exit(f"{differences} outputs differ from {args.check}")
        print(f"identical to {args.check}")


if __name__ == "__main__":
    main()
