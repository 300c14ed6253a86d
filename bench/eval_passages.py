"""Is the passage shown for the top hit the one a reader would pick? Scored against blind section labels.

Labels are a paper's section keys a reader would want shown for that query, best first: either a
`sections` field in the query file itself (bench/queries_dev.jsonl) or a separate file of
{"qid", "sections"} lines (bench/passages_blind2.jsonl, labelled blind for bench/queries_blind2.jsonl).
A top hit counts when it is a labelled paper and its shown section is among that paper's labels;
a wrong top paper counts as a miss (the reader is shown no answer).

Run: .venv/bin/python bench/eval_passages.py --kb KB bench/queries_dev.jsonl
     .venv/bin/python bench/eval_passages.py --kb KB bench/queries_blind2.jsonl --labels bench/passages_blind2.jsonl
     add -v to list the misses.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from kb import KnowledgeBase
from kb.evaluate import load_queries


def read_labels(path: Path) -> dict[str, dict[str, list[str]]]:
    """qid → {paper id → section keys, best first}, from `sections` fields or a label file."""
    out: dict[str, dict[str, list[str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line) if line.strip() else {}
        if "sections" in obj:
            out[obj.get("qid") or obj["id"]] = obj["sections"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("queries", type=Path)
    parser.add_argument("--labels", type=Path, help="label file (default: the queries file's own `sections`)")
    parser.add_argument("--kb", default="indexes")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    kb = KnowledgeBase.open(args.kb)
    labels = read_labels(args.labels or args.queries)
    shown, tally = Counter(), Counter()
    for q in load_queries(args.queries):
        if q.qid not in labels:
            continue
        hit = kb.ask(q.query, 1, since=q.since, until=q.until)[0]
        wanted = labels[q.qid].get(hit.paper_id)
        shown[hit.section] += 1
        if wanted is None:
            outcome = "wrong paper"
        elif hit.section == wanted[0]:
            outcome = "first choice"
        elif hit.section in wanted:
            outcome = "second choice"
        else:
            outcome = "other section"
        tally[outcome] += 1
        if args.verbose and outcome in ("other section", "wrong paper"):
            print(f"{q.qid} {outcome}: shown {hit.section}, wanted {wanted} :: {q.query}")
    n = sum(tally.values())
    ok = tally["first choice"] + tally["second choice"]
    print(f"{args.queries.name}: {n} top hits; passage a reader would pick {ok}/{n} = {ok / n:.3f} "
          f"(first choice {tally['first choice']}, second {tally['second choice']}, other section "
          f"{tally['other section']}, wrong paper {tally['wrong paper']}); right paper only: "
          f"{ok}/{n - tally['wrong paper']} = {ok / max(1, n - tally['wrong paper']):.3f}")
    print("shown sections:", dict(shown.most_common()))


if __name__ == "__main__":
    main()
