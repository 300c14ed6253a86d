"""BM25 index at scale: build time, peak memory growth, file size, load time and search latency.

Chunk texts come from the synthetic corpus (`bench/gen_corpus.py`), parsed and chunked the way
ingest does, and are cached once per size as JSON lines. Each build and each load runs in a
fresh process, so peak RSS and load time are not polluted by earlier work.

Run: .venv/bin/python bench/bench_lexical.py --sizes 50000 265000 --impl new old
(`old` imports /tmp/lexical_old.py, a copy of an earlier kb/lexical.py; `--old` changes the path)

With `--update`, each size is instead the index before a day's ingest: the bench times
`LexicalIndex.update` adding the next `--added` chunks and dropping `--removed` random ones,
against a full build of the same final chunks, and checks that both give the same arrays.
Run: .venv/bin/python bench/bench_lexical.py --update --sizes 50000 --added 500 --removed 50
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.util
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
CORPUS = OUT / "corpus-100k"
QUERIES = ROOT / "bench" / "queries.jsonl"
K = 120  # the depth `kb ask` asks the lexical index for at top_k=10
FILTER_SHARE = 0.12


def texts_file(n: int) -> Path:
    return OUT / f"lexical-texts-{n}.jsonl"


def prepare(n: int, corpus: Path) -> None:
    """Write the first `n` distinct chunks of the corpus as (chunk_id, embed_text) lines."""
    from kb.chunk import chunk_paper
    from kb.parse import parse_report

    if not corpus.is_dir():
        sys.exit(f"no corpus at {corpus}; make one with bench/gen_corpus.py --papers 100000 --days 1100 --out {corpus}")
    seen: dict[int, str] = {}
    for path in sorted(corpus.glob("*.md")):
        for paper in parse_report(path.read_text()).papers:
            for chunk in chunk_paper(paper):
                seen.setdefault(chunk.chunk_id, chunk.embed_text)
        if len(seen) >= n:
            break
    if len(seen) < n:
        sys.exit(f"the corpus has only {len(seen)} chunks; generate a bigger one")
    # The synthetic corpus reuses a small vocabulary; a coined model name and size per chunk
    # grows it the way new papers do (a few hundred thousand terms at 265k chunks).
    rng = np.random.default_rng(0)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    tmp = texts_file(n).with_suffix(".tmp")
    with tmp.open("w") as f:
        for cid, text in list(seen.items())[:n]:
            name = "".join(rng.choice(letters, 6))
            text += f" {name.capitalize()}-{int(rng.integers(1, 400))}B"
            f.write(json.dumps([cid, text], ensure_ascii=False) + "\n")
    tmp.replace(texts_file(n))


def lexical_class(impl: str, old_path: str):
    if impl == "new":
        from kb.lexical import LexicalIndex
        return LexicalIndex
    spec = importlib.util.spec_from_file_location("lexical_old", old_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LexicalIndex


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def file_rss_mib() -> float:
    """Resident pages mapped from files: the previous index an update reads, which the page cache can drop."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("RssFile:")) / 1024


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_texts(n: int, keep: set[int] | None = None) -> tuple[list[int], list[str]]:
    """Chunk ids and texts of the first `n` chunks (only those in `keep`, if given), in chunk-id order."""
    ids: list[int] = []
    texts: list[str] = []
    with texts_file(n).open() as f:  # line by line, so reading leaves no peak above the texts themselves
        for line in f:
            cid, text = json.loads(line)
            if keep is None or cid in keep:
                ids.append(cid)
                texts.append(text)
    order = sorted(range(len(ids)), key=ids.__getitem__)  # ingest passes chunks in chunk-id order
    return [ids[i] for i in order], [texts[i] for i in order]


def update_sets(n: int, added: int, removed: int) -> tuple[list[int], list[int]]:
    """Chunk ids before and after a day's ingest: the first `n` chunks, then some gone and the next `added`."""
    with texts_file(n + added).open() as f:
        ids = [json.loads(line)[0] for line in f]
    before = ids[:n]
    gone = set(np.random.default_rng(0).choice(before, size=removed, replace=False).tolist())
    return sorted(before), sorted([i for i in before if i not in gone] + ids[n:])


def child_update(n: int, added: int, removed: int, previous_path: str, index_path: str) -> dict:
    """Load the previous index as ingest does, tokenize only the new chunks' texts and merge."""
    from kb.lexical import LexicalIndex

    before, after = update_sets(n, added, removed)
    new_ids, new_texts = read_texts(n + added, set(after) - set(before))  # ingest fetches only these
    gc.collect()
    rss, peak, mapped = rss_mib(), peak_mib(), file_rss_mib()
    started = time.perf_counter()
    previous = LexicalIndex.load_reusable(Path(previous_path))
    assert previous is not None
    index = LexicalIndex.update(previous, after, new_ids, new_texts)
    seconds = time.perf_counter() - started
    growth = peak_mib() - rss
    mapped = file_rss_mib() - mapped
    index.save(Path(index_path))
    return {"update_s": round(seconds, 3), "update_peak_growth_mib": round(growth, 1),
            "update_of_which_mapped_previous_mib": round(mapped, 1),
            "update_peak_before_minus_rss_mib": round(peak - rss, 1), "postings": len(index.rows)}


def child_full(n: int, added: int, removed: int, index_path: str, before: bool = False) -> dict:
    """A build from scratch over the chunks the update ends with (or, with `before`, starts from)."""
    from kb.lexical import LexicalIndex

    ids, texts = read_texts(n + added, set(update_sets(n, added, removed)[0 if before else 1]))
    gc.collect()
    rss, peak = rss_mib(), peak_mib()
    started = time.perf_counter()
    index = LexicalIndex.build(ids, texts)
    seconds = time.perf_counter() - started
    growth = peak_mib() - rss
    index.save(Path(index_path))
    return {"full_s": round(seconds, 2), "full_peak_growth_mib": round(growth, 1),
            "full_peak_before_minus_rss_mib": round(peak - rss, 1)}


def same_arrays(a: str, b: str) -> bool:
    """Whether two saved indexes hold the same arrays, of the same types, to the bit."""
    with np.load(a) as x, np.load(b) as y:
        return sorted(x.files) == sorted(y.files) and all(
            x[k].dtype == y[k].dtype and np.array_equal(x[k], y[k]) for k in x.files)


def child_build(impl: str, old_path: str, n: int, index_path: str) -> dict:
    cls = lexical_class(impl, old_path)
    ids, texts = read_texts(n)
    gc.collect()
    before, peak_before = rss_mib(), peak_mib()
    started = time.perf_counter()
    index = cls.build(ids, texts)
    seconds = time.perf_counter() - started
    growth = peak_mib() - before
    index.save(Path(index_path))
    return {"build_s": round(seconds, 2), "peak_growth_mib": round(growth, 1),
            "peak_growth_bytes_per_chunk": round(growth * 2**20 / n),
            "peak_before_minus_rss_mib": round(peak_before - before, 1),
            "terms": len(index.vocab), "postings": len(index.rows),
            "file_mib": round(Path(index_path).stat().st_size / 2**20, 1)}


def child_query(impl: str, old_path: str, index_path: str) -> dict:
    cls = lexical_class(impl, old_path)
    started = time.perf_counter()
    index = cls.load(Path(index_path))
    load_s = time.perf_counter() - started
    queries = [json.loads(line)["query"] for line in QUERIES.open()]
    ids = np.asarray(index.chunk_ids)
    rng = np.random.default_rng(0)
    allowed = rng.choice(ids, size=int(len(ids) * FILTER_SHARE), replace=False)  # unsorted, like a SQL result
    started = time.perf_counter()
    index.search(queries[0], K)
    out: dict = {"load_s": round(load_s, 3), "first_search_ms": round((time.perf_counter() - started) * 1000, 2)}
    digest = hashlib.sha256()
    for label, filt in (("unfiltered", None), ("filtered", allowed)):
        index.search(queries[0], K, filt)  # warm-up
        times = []
        for q in queries:
            t = time.perf_counter()
            hits = index.search(q, K, filt)
            times.append((time.perf_counter() - t) * 1000)
            digest.update(repr(hits).encode())
        out[f"search_{label}_p50_ms"] = round(statistics.median(times), 2)
        out[f"search_{label}_p90_ms"] = round(sorted(times)[int(0.9 * (len(times) - 1))], 2)
    out["results_sha"] = digest.hexdigest()[:12]  # equal across implementations when results are identical
    return out


def run_child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode:
        sys.exit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50000])
    parser.add_argument("--impl", nargs="+", choices=["new", "old"], default=["new"])
    parser.add_argument("--old", default="/tmp/lexical_old.py")
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--update", action="store_true", help="time an incremental update against a full build")
    parser.add_argument("--added", type=int, default=500)
    parser.add_argument("--removed", type=int, default=50)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, impl, *rest = args.child
        if kind == "prepare":
            prepare(int(impl), Path(rest[0]))
            print("{}")
        elif kind == "build":
            print(json.dumps(child_build(impl, args.old, int(rest[0]), rest[1])))
        elif kind == "update":
            print(json.dumps(child_update(int(impl), args.added, args.removed, *rest)))
        elif kind in ("full", "base"):
            print(json.dumps(child_full(int(impl), args.added, args.removed, rest[0], before=kind == "base")))
        else:
            print(json.dumps(child_query(impl, args.old, rest[0])))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.update:
            for n in args.sizes:
                if not texts_file(n + args.added).exists():
                    run_child("--child", "prepare", str(n + args.added), args.corpus)
                base, updated, full = (str(Path(tmp) / f"{name}-{n}.npz") for name in ("base", "updated", "full"))
                sizes = ["--added", str(args.added), "--removed", str(args.removed)]
                run_child(*sizes, "--child", "base", str(n), base)  # the previous generation's index
                row = {"chunks_before": n, "added": args.added, "removed": args.removed}
                row |= run_child(*sizes, "--child", "update", str(n), base, updated)
                row |= run_child(*sizes, "--child", "full", str(n), full)
                row["identical"] = same_arrays(updated, full)
                print(json.dumps(row), flush=True)
            return
        for n in args.sizes:
            if not texts_file(n).exists():
                run_child("--child", "prepare", str(n), args.corpus)
            for impl in args.impl:
                path = str(Path(tmp) / f"{impl}-{n}.npz")
                row = {"impl": impl, "chunks": n}
                row |= run_child("--old", args.old, "--child", "build", impl, str(n), path)
                row |= run_child("--old", args.old, "--child", "query", impl, path)
                print(json.dumps(row), flush=True)
                Path(path).unlink()


if __name__ == "__main__":
    main()
