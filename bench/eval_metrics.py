"""Score the extractor (figures with roles, domain tags, code status) against hand-labelled gold files.

    python bench/eval_metrics.py [-v]                       # in-sample: the seed papers in data/
    python bench/eval_metrics.py --set NAME [-v]            # the gold set in tests/gold/NAME/ (dev, dev2, …)
    python bench/eval_metrics.py --dev [-v]                 # alias of --set dev (and --heldout of --set heldout)
    python bench/eval_metrics.py --pool heldout4 heldout5 …  # each set, then precision and recall over all their rows

Gold files are JSONL; a first line `{"_header": …}` says how they were labelled (paper ids it names
are papers labelled with no figures). Rules: tests/gold/LABELLING.md.

Figures (`metrics_roles.jsonl` / `<set>/metrics.jsonl`): predictions and gold rows are paired
one-to-one within a paper, preferring pairs that agree on everything. A row is **correct** only
when paper, value, role and (where gold names one) canonical benchmark agree; precision and
recall count correct rows. Role accuracy is over value-matched pairs; benchmark accuracy over
value-matched pairs whose gold row names a benchmark (a gold list "A, B", "A、B" or "A / B" accepts either).
Domain tags (`domains.jsonl`): micro-averaged precision, recall and F1 over (paper, tag) pairs.
Code status (`<set>/code_status.jsonl`, where present): share of papers with the gold status.
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

from kb.benchmarks import canonical  # noqa: E402
from kb.domains import tag_paper  # noqa: E402
from kb.extract import Metric, extract_facts, extract_metrics  # noqa: E402
from kb.parse import Paper, parse_report  # noqa: E402

_ID_RE = re.compile(r"\b\d{4}\.\d{4,5}\b")
# How a gold row lists several benchmarks: "A, B", "A、B", "A / B" (a slash inside a name, CNN/DailyMail, stays).
_GOLD_LIST_RE = re.compile(r"\s*[,，;|、]\s*|\s+/\s+")


@dataclass(frozen=True)
class Score:
    """Figure-level precision/recall (strict), role and benchmark accuracy, and what went wrong per paper."""

    precision: float
    recall: float
    role_accuracy: float
    benchmark_accuracy: float
    n_gold: int
    n_pred: int
    n_correct: int
    n_value_match: int
    misses: dict[str, list[dict]] = field(default_factory=dict)
    false_positives: dict[str, list[Metric]] = field(default_factory=dict)
    wrong: dict[str, list[tuple[dict, Metric]]] = field(default_factory=dict)


@dataclass(frozen=True)
class TagScore:
    """Micro precision/recall/F1 of domain tags, with the wrong tags per paper."""

    precision: float
    recall: float
    f1: float
    papers: int
    missing: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, list[str]] = field(default_factory=dict)


def read_jsonl(path: Path) -> tuple[str, list[dict]]:
    """(header text, rows) of a gold file."""
    header, rows = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        if "_header" in obj:
            header = str(obj["_header"])
        else:
            rows.append(obj)
    return header, rows


def load_gold(path: Path) -> dict[str, list[dict]]:
    """Gold figure rows by paper id; papers the header names, or rows with a null value, map to no rows."""
    header, rows = read_jsonl(path)
    gold: dict[str, list[dict]] = {pid: [] for pid in _ID_RE.findall(header)}
    for row in rows:
        gold.setdefault(row["paper_id"], [])
        if row.get("value") is not None:
            gold[row["paper_id"]].append(row)
    return gold


def load_papers(data: Path) -> dict[str, Paper]:
    """Every paper of the reports in `data` (a folder or one file), by id."""
    files = [data] if data.is_file() else sorted(data.glob("*.md"))
    return {p.paper_id: p for f in files for p in parse_report(f.read_text(encoding="utf-8")).papers}


def same_value(a: float, b: float) -> bool:
    """Equal within 1e-6 relative (and exactly for zero)."""
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-12)


def same_benchmark(gold: str | None, pred: str | None) -> bool:
    """True when gold names no benchmark, or the prediction's canonical name is one of gold's."""
    if not gold:
        return True
    return bool(pred) and canonical(pred) in {canonical(g) for g in _GOLD_LIST_RE.split(gold) if g}


def score(gold: dict[str, list[dict]], predictions: dict[str, list[Metric]]) -> Score:
    """Pair predictions with gold rows per paper and compute the scores."""
    n_gold = n_pred = n_correct = n_value = role_ok = bench_total = bench_ok = 0
    misses: dict[str, list[dict]] = defaultdict(list)
    false_pos: dict[str, list[Metric]] = defaultdict(list)
    wrong: dict[str, list[tuple[dict, Metric]]] = defaultdict(list)
    agree = (
        lambda r, m: same_value(r["value"], m.value) and r.get("role") == m.role and same_benchmark(r.get("benchmark"), m.benchmark),
        lambda r, m: same_value(r["value"], m.value) and r.get("role") == m.role,
        lambda r, m: same_value(r["value"], m.value),
    )
    for pid, rows in gold.items():
        preds = list(predictions.get(pid, []))
        n_gold += len(rows)
        n_pred += len(preds)
        free, left, pairs = list(range(len(preds))), list(rows), []
        for ok in agree:  # the strictest agreement first, so a duplicate value cannot steal the right row
            pending = []
            for row in left:
                hit = next((i for i in free if ok(row, preds[i])), None)
                if hit is None:
                    pending.append(row)
                else:
                    free.remove(hit)
                    pairs.append((row, preds[hit]))
            left = pending
        misses[pid] += left
        false_pos[pid] += [preds[i] for i in free]
        for row, pred in pairs:
            n_value += 1
            role_ok += row.get("role") == pred.role
            bench = same_benchmark(row.get("benchmark"), pred.benchmark)
            if row.get("benchmark"):
                bench_total += 1
                bench_ok += bench
            if agree[0](row, pred):
                n_correct += 1
            else:
                wrong[pid].append((row, pred))
    return Score(
        precision=n_correct / n_pred if n_pred else 1.0, recall=n_correct / n_gold if n_gold else 1.0,
        role_accuracy=role_ok / n_value if n_value else 1.0,
        benchmark_accuracy=bench_ok / bench_total if bench_total else 1.0,
        n_gold=n_gold, n_pred=n_pred, n_correct=n_correct, n_value_match=n_value,
        misses={k: v for k, v in misses.items() if v},
        false_positives={k: v for k, v in false_pos.items() if v}, wrong={k: v for k, v in wrong.items() if v},
    )


def score_tags(gold_path: Path, papers: dict[str, Paper]) -> TagScore:
    """Micro P/R/F1 of `kb.domains.tag_paper` against a domains gold file."""
    _, rows = read_jsonl(gold_path)
    tp = fp = fn = 0
    missing: dict[str, list[str]] = {}
    extra: dict[str, list[str]] = {}
    for row in rows:
        pid = row["paper_id"]
        want = set(row["domains"])
        got = {t.domain for t in tag_paper(papers[pid])}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        if want - got:
            missing[pid] = sorted(want - got)
        if got - want:
            extra[pid] = sorted(got - want)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return TagScore(p, r, 2 * p * r / (p + r) if p + r else 0.0, len(rows), missing, extra)


def score_code(gold_path: Path, papers: dict[str, Paper]) -> tuple[float, int, dict[str, tuple[str, str]]]:
    """(accuracy, papers, {paper: (gold, predicted)} for the wrong ones) of the code status."""
    _, rows = read_jsonl(gold_path)
    wrong = {}
    for row in rows:
        got = extract_facts(papers[row["paper_id"]]).code_status
        if got != row["code_status"].replace("_", " "):  # gold files write "not_stated" or "not stated"
            wrong[row["paper_id"]] = (row["code_status"], got)
    return (1 - len(wrong) / len(rows) if rows else 1.0), len(rows), wrong


def evaluate(data: Path = ROOT / "data", gold_path: Path = ROOT / "tests" / "gold" / "metrics_roles.jsonl") -> Score:
    """Run the extractor over the labelled papers in `data` and score it."""
    gold = load_gold(gold_path)
    papers = load_papers(data)
    if missing := sorted(set(gold) - set(papers)):
        raise SystemExit(f"gold papers not found in {data}: {', '.join(missing)}")
    return score(gold, {pid: extract_metrics(papers[pid]) for pid in gold})


def main(argv: list[str] | None = None) -> int:
    """Print the scores; `--verbose` adds per-paper misses, false positives and disagreements."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sets = ap.add_mutually_exclusive_group()
    sets.add_argument("--set", dest="gold_set", metavar="NAME",
                      help="score the gold set in tests/gold/NAME/ (its report, metrics.jsonl, domains.jsonl, code_status.jsonl)")
    # The old switches stay as aliases of --set, so scripts and notes that use them keep working.
    sets.add_argument("--heldout", action="store_const", const="heldout", dest="gold_set", help="alias of --set heldout")
    sets.add_argument("--dev", action="store_const", const="dev", dest="gold_set", help="alias of --set dev")
    sets.add_argument("--pool", nargs="+", metavar="NAME",
                      help="score each named set and pool their figure counts (precision and recall over all rows)")
    ap.add_argument("--data", type=Path, help="report file or folder (default: data/, or the named set's folder)")
    ap.add_argument("--gold", type=Path, help="figures gold file")
    ap.add_argument("--domains", type=Path, help="domain tags gold file")
    ap.add_argument("--code", type=Path, help="code status gold file")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    if args.pool:
        return _pool(args.pool)
    # A named gold set is a folder holding its own report and gold files.
    base = ROOT / "tests" / "gold" / (args.gold_set or "")
    if args.gold_set and not base.is_dir():
        ap.error(f"no gold set folder {base}; name one of the folders in tests/gold/")
    data = args.data or (base if args.gold_set else ROOT / "data")
    gold_path = args.gold or base / ("metrics.jsonl" if args.gold_set else "metrics_roles.jsonl")
    domains = args.domains or base / "domains.jsonl"
    code = args.code or base / "code_status.jsonl"
    papers = load_papers(data)
    s = evaluate(data, gold_path)
    print(f"figures: papers={len(load_gold(gold_path))} gold={s.n_gold} predicted={s.n_pred} "
          f"value-matched={s.n_value_match} correct={s.n_correct}")
    print(f"  precision={s.precision:.3f} recall={s.recall:.3f} (paper + value + role + canonical benchmark)")
    print(f"  role accuracy={s.role_accuracy:.3f} (value-matched rows)  benchmark accuracy={s.benchmark_accuracy:.3f}")
    if domains.exists():
        t = score_tags(domains, papers)
        print(f"domains: papers={t.papers} precision={t.precision:.3f} recall={t.recall:.3f} micro-F1={t.f1:.3f}")
    if code.exists():
        acc, n, wrong_code = score_code(code, papers)
        print(f"code status: papers={n} accuracy={acc:.3f}")
    if args.verbose:
        for pid in sorted(set(s.misses) | set(s.false_positives) | set(s.wrong)):
            print(f"\n{pid}")
            for row in s.misses.get(pid, []):
                print(f"  MISS  {row['value']} {row.get('unit') or ''} {row.get('role')} bench={row.get('benchmark')} :: {row.get('evidence', '')[:80]}")
            for m in s.false_positives.get(pid, []):
                print(f"  FP    {m.value} {m.unit or ''} {m.role} bench={m.benchmark} :: {m.evidence[:80]}")
            for row, m in s.wrong.get(pid, []):
                print(f"  WRONG {row['value']} gold={row.get('role')}/{row.get('benchmark')} pred={m.role}/{m.benchmark} :: {m.evidence[:60]}")
        if domains.exists():
            for pid in sorted(set(t.missing) | set(t.extra)):
                print(f"  TAGS {pid} missing={t.missing.get(pid, [])} extra={t.extra.get(pid, [])}")
        if code.exists():
            for pid, (want, got) in wrong_code.items():
                print(f"  CODE {pid} gold={want} pred={got}")
    return 0


def _pool(names: list[str]) -> int:
    """One line per set, then precision and recall over the pooled rows (each set's own report and gold)."""
    correct = predicted = gold = 0
    for name in names:
        base = ROOT / "tests" / "gold" / name
        if not base.is_dir():
            print(f"no gold set folder {base}; name folders in tests/gold/", file=sys.stderr)
            return 2
        s = evaluate(base, base / "metrics.jsonl")
        correct, predicted, gold = correct + s.n_correct, predicted + s.n_pred, gold + s.n_gold
        print(f"{name}: precision={s.precision:.3f} recall={s.recall:.3f} role accuracy={s.role_accuracy:.3f} "
              f"benchmark accuracy={s.benchmark_accuracy:.3f} ({s.n_correct} of {s.n_pred} predicted, {s.n_gold} gold)")
    print(f"pooled over {len(names)} sets: precision={correct / predicted:.3f} recall={correct / gold:.3f} "
          f"({correct} correct, {predicted} predicted, {gold} gold)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
