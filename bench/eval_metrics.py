"""Score `kb.extract.extract_metrics` against the hand-labelled gold set.

    python bench/eval_metrics.py [--verbose] [--data data] [--gold tests/gold/metrics.jsonl]

Gold (`tests/gold/metrics.jsonl`), one JSON object a line:
  {"paper_id", "value", "benchmark", "metric", "unit"[, "baseline"]}
`benchmark` may list alternatives separated by `|` (a sentence naming two benchmarks);
a line with `"value": null` marks a paper that was labelled and reports no figures, so
every prediction for it is a false positive.

Labelling policy: every measured quantity in the results and contribution sections is
one row; the "from" number of an explicit change (从 79.3% 提升至 84.6%) is the `baseline`
of the row, not a row; counts (5 个基准, 700 帧, 3-4 轮), model sizes (744B), context
lengths (32k), hardware capacities (80GB), settings (N=4, 1:11, 75°) and names, versions
and years are not figures; a contribution figure already reported in results is not repeated.

Scoring: predictions and gold rows are paired one-to-one within a paper by value (equal
within 1e-6 relative). Precision and recall count those value matches; benchmark accuracy
is the share of matched gold rows with a benchmark whose predicted benchmark is fuzzy-equal;
strict P/R also require that benchmark agreement.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kb.extract import Metric, extract_metrics  # noqa: E402
from kb.parse import Paper, parse_report  # noqa: E402


@dataclass(frozen=True)
class Score:
    """Value-level and strict precision/recall, benchmark accuracy, and what went wrong per paper."""

    precision: float
    recall: float
    strict_precision: float
    strict_recall: float
    benchmark_accuracy: float
    n_gold: int
    n_pred: int
    n_match: int
    misses: dict[str, list[dict]] = field(default_factory=dict)
    false_positives: dict[str, list[Metric]] = field(default_factory=dict)
    wrong_benchmark: dict[str, list[tuple[dict, Metric]]] = field(default_factory=dict)


def load_gold(path: Path) -> dict[str, list[dict]]:
    """Gold rows by paper id; a labelled paper with no figures maps to an empty list."""
    gold: dict[str, list[dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows = gold.setdefault(row["paper_id"], [])
            if row.get("value") is not None:
                rows.append(row)
    return gold


def load_papers(data_dir: Path) -> dict[str, Paper]:
    """Every paper in `data_dir/*.md`, first appearance wins."""
    papers: dict[str, Paper] = {}
    for path in sorted(data_dir.glob("*.md")):
        for paper in parse_report(path.read_text(encoding="utf-8")).papers:
            papers.setdefault(paper.paper_id, paper)
    return papers


def same_value(a: float, b: float) -> bool:
    """Equal within 1e-6 relative (and exactly for zero)."""
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


def _norm(name: str) -> str:
    return re.sub(r"[\s\-_.:()（）]+", "", name.lower())


def same_benchmark(gold: str | None, pred: str | None) -> bool:
    """Fuzzy equality: any `|` alternative equals or contains (or is contained in) the prediction."""
    if gold is None:
        return True
    if not pred:
        return False
    p = _norm(pred)
    for alt in gold.split("|"):
        g = _norm(alt)
        if g == p or (min(len(g), len(p)) >= 3 and (g in p or p in g)):
            return True
    return False


def score(gold: dict[str, list[dict]], predictions: dict[str, list[Metric]]) -> Score:
    """Pair predictions with gold rows per paper and compute the scores."""
    n_gold = n_pred = n_match = n_strict = bench_total = bench_ok = 0
    misses: dict[str, list[dict]] = defaultdict(list)
    false_pos: dict[str, list[Metric]] = defaultdict(list)
    wrong_bench: dict[str, list[tuple[dict, Metric]]] = defaultdict(list)
    for pid, rows in gold.items():
        preds = list(predictions.get(pid, []))
        n_gold += len(rows)
        n_pred += len(preds)
        free = list(range(len(preds)))
        pairs: list[tuple[dict, Metric]] = []
        unmatched: list[dict] = []
        # Pair benchmark-agreeing predictions first so a duplicate value cannot steal the right one.
        for strict in (True, False):
            pending = []
            for row in rows if strict else unmatched:
                hit = next((i for i in free if same_value(row["value"], preds[i].value)
                            and (not strict or same_benchmark(row.get("benchmark"), preds[i].benchmark))), None)
                if hit is None:
                    pending.append(row)
                else:
                    free.remove(hit)
                    pairs.append((row, preds[hit]))
            unmatched = pending
        misses[pid].extend(unmatched)
        false_pos[pid].extend(preds[i] for i in free)
        n_match += len(pairs)
        for row, pred in pairs:
            ok = same_benchmark(row.get("benchmark"), pred.benchmark)
            n_strict += ok
            if row.get("benchmark"):
                bench_total += 1
                bench_ok += ok
                if not ok:
                    wrong_bench[pid].append((row, pred))
    return Score(
        precision=n_match / n_pred if n_pred else 1.0,
        recall=n_match / n_gold if n_gold else 1.0,
        strict_precision=n_strict / n_pred if n_pred else 1.0,
        strict_recall=n_strict / n_gold if n_gold else 1.0,
        benchmark_accuracy=bench_ok / bench_total if bench_total else 1.0,
        n_gold=n_gold, n_pred=n_pred, n_match=n_match,
        misses={k: v for k, v in misses.items() if v},
        false_positives={k: v for k, v in false_pos.items() if v},
        wrong_benchmark={k: v for k, v in wrong_bench.items() if v},
    )


def evaluate(data_dir: Path = ROOT / "data", gold_path: Path = ROOT / "tests" / "gold" / "metrics.jsonl") -> Score:
    """Run the extractor over the labelled papers in `data_dir` and score it."""
    gold = load_gold(gold_path)
    papers = load_papers(data_dir)
    missing = sorted(set(gold) - set(papers))
    if missing:
        raise SystemExit(f"gold papers not found in {data_dir}: {', '.join(missing)}")
    return score(gold, {pid: extract_metrics(papers[pid]) for pid in gold})


def main(argv: list[str] | None = None) -> int:
    """Print the scores; `--verbose` adds per-paper misses, false positives and benchmark errors."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold" / "metrics.jsonl")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    s = evaluate(args.data, args.gold)
    print(f"papers={len(load_gold(args.gold))} gold={s.n_gold} predicted={s.n_pred} matched={s.n_match}")
    print(f"precision={s.precision:.3f} recall={s.recall:.3f} (value-level)")
    print(f"strict precision={s.strict_precision:.3f} strict recall={s.strict_recall:.3f} (value + benchmark)")
    print(f"benchmark accuracy among matches={s.benchmark_accuracy:.3f}")
    if args.verbose:
        for pid in sorted(set(s.misses) | set(s.false_positives) | set(s.wrong_benchmark)):
            print(f"\n{pid}")
            for row in s.misses.get(pid, []):
                print(f"  MISS  {row['value']} {row.get('unit') or ''} bench={row.get('benchmark')}")
            for m in s.false_positives.get(pid, []):
                print(f"  FP    {m.value} {m.unit or ''} bench={m.benchmark} :: {m.evidence[:90]}")
            for row, m in s.wrong_benchmark.get(pid, []):
                print(f"  BENCH {row['value']} gold={row['benchmark']} pred={m.benchmark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
