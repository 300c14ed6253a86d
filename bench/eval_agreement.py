"""How far two labellers of the same report agree: the ceiling an extractor can reach against either.

    python bench/eval_agreement.py tests/gold/heldout16            # the set's labels against its second/ labels

A set folder holds the first labeller's `metrics.jsonl`, `domains.jsonl` and `code_status.jsonl`, and a
`second/` folder with the same three files written independently by a second labeller who saw only the
report and tests/gold/LABELLING.md. The second labeller's rows are scored exactly as the extractor's are
(`bench/eval_metrics.py`: paper, value, role and canonical benchmark must agree), with the first labeller
as gold, and the other way round; tags by micro F1, code status by the share of papers that agree.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

from eval_metrics import _GOLD_LIST_RE, load_gold, read_jsonl, score  # bench/ is this script's folder, so it is on the path


def _as_predictions(gold: dict[str, list[dict]]) -> dict[str, list[SimpleNamespace]]:
    """A labeller's rows in the shape `score` reads from the extractor (value, role, benchmark); a row naming
    several benchmarks ("AIME 2024, AIME 2025") offers its first, as the extractor names one."""
    def first(name: str | None) -> str | None:
        return _GOLD_LIST_RE.split(name)[0] if name else name
    return {pid: [SimpleNamespace(value=r["value"], role=r.get("role"), benchmark=first(r.get("benchmark"))) for r in rows]
            for pid, rows in gold.items()}


def _tags(path: Path) -> dict[str, set[str]]:
    return {r["paper_id"]: set(r["domains"]) for r in read_jsonl(path)[1]}


def _codes(path: Path) -> dict[str, str]:
    return {r["paper_id"]: r["code_status"].replace("_", " ") for r in read_jsonl(path)[1]}


def agreement(folder: Path) -> dict[str, float]:
    """Agreement figures of `folder`'s labels and its `second/` labels (first labeller as gold)."""
    first, second = load_gold(folder / "metrics.jsonl"), load_gold(folder / "second" / "metrics.jsonl")
    for pid in set(first) | set(second):  # a paper one labeller gave no figures is still a paper of the report
        first.setdefault(pid, [])
        second.setdefault(pid, [])
    s = score(first, _as_predictions(second))
    a, b = _tags(folder / "domains.jsonl"), _tags(folder / "second" / "domains.jsonl")
    tp = sum(len(a[p] & b.get(p, set())) for p in a)
    fp = sum(len(b.get(p, set()) - a[p]) for p in a)
    fn = sum(len(a[p] - b.get(p, set())) for p in a)
    ca, cb = _codes(folder / "code_status.jsonl"), _codes(folder / "second" / "code_status.jsonl")
    return {"first_rows": s.n_gold, "second_rows": s.n_pred, "agreed": s.n_correct,
            "precision": s.precision, "recall": s.recall, "role_accuracy": s.role_accuracy,
            "benchmark_accuracy": s.benchmark_accuracy, "tags_f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0,
            "code_status": sum(ca[p] == cb.get(p) for p in ca) / len(ca)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for folder in args.folders:
        if not (folder / "second" / "metrics.jsonl").exists():
            print(f"{folder}: no second/metrics.jsonl; have a second labeller write one first", file=sys.stderr)
            return 2
        g = agreement(folder)
        print(f"{folder.name}: first {g['first_rows']} rows, second {g['second_rows']}, agreed {g['agreed']}: "
              f"precision {g['precision']:.3f} recall {g['recall']:.3f} role {g['role_accuracy']:.3f} "
              f"benchmark {g['benchmark_accuracy']:.3f} tags F1 {g['tags_f1']:.3f} code {g['code_status']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
