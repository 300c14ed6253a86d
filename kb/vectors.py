"""The FAISS index over chunk vectors; its ids are chunk ids.

Up to `EXACT_MAX` vectors the index is exact (`IndexFlatIP`, ~20 ms a query at 100k vectors on
the 2-core development machine). Above it, an inverted-file index (`IndexIVFFlat`, full vectors,
`2·√n` lists, `nlist/16` of them probed, at least 64) answers in a few milliseconds with
Recall@10 ≥ 0.95 against exact search (0.97 at 265k, 0.99 at 531k vectors). HNSW was
measured too and reached only 0.92 at efSearch 1024 with real query vectors at 531k chunks
(see BENCHMARKS.md, "Scale"), so IVF it is; it can also take vectors incrementally without
retraining.

Both kinds are wrapped in `IndexIDMap2`, so `index.id_map` lists the chunk ids either way, and
both store rows in ascending chunk-id order, which lets a filtered search turn allowed chunk ids
into rows by binary search. Filters apply before the top-k cut on both: on the IVF index a filter
leaving at most `EXACT_MAX` chunks probes every list with a bitmap of the allowed rows, which is
an exact search over just those chunks; a broader filter probes more lists the more it removes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import faiss
import numpy as np

from kb.rows import rows_mask
from kb.errors import NotFoundError

# Above this many vectors an exact scan costs more than ~20 ms a query, and IVF takes over.
EXACT_MAX = 100_000
# Lists = IVF_LISTS_PER_SQRT · √n; k-means trains on IVF_TRAIN_PER_LIST sampled vectors per list.
IVF_LISTS_PER_SQRT = 2
IVF_TRAIN_PER_LIST = 32
IVF_TRAIN_ITERATIONS = 12
# Share of the lists a query probes (at least IVF_MIN_PROBE of them).
IVF_PROBE_SHARE = 1 / 16
IVF_MIN_PROBE = 64
# kb searches one query at a time: spread its lists over the threads (FAISS's default, 0,
# spreads queries). Halves a filtered search that probes every list (20 → 10 ms at 531k vectors).
IVF_PARALLEL_MODE = 1


def build_index(
    chunk_ids: np.ndarray, vectors: np.ndarray, dim: int, *, exact_max: int = EXACT_MAX,
    previous: faiss.Index | None = None,
) -> faiss.Index:
    """An inner-product index (cosine, as vectors are normalised) keyed by chunk id.

    Exact up to `exact_max` vectors, IVF above; rows are stored in ascending chunk-id order.
    Given the `previous` generation's IVF index, its trained centroids are reused while the
    corpus has not grown or shrunk past what they were trained for, so a day's ingest into a
    large knowledge base does not pay for k-means again. Without `previous` it is deterministic:
    the same ids and vectors give the same index.
    """
    ids = np.asarray(chunk_ids, dtype=np.int64)
    vecs = np.asarray(vectors, dtype=np.float32).reshape(len(ids), dim) if len(ids) else np.zeros((0, dim), np.float32)
    if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):
        order = np.argsort(ids, kind="stable")
        ids, vecs = ids[order], vecs[order]
    vecs = np.ascontiguousarray(vecs)
    return build_index_in_batches(len(ids), dim, lambda: iter([(ids, vecs)]), lambda rows: vecs[rows],
                                  exact_max=exact_max, previous=previous)


def build_index_in_batches(
    n: int, dim: int, batches: Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]],
    sample: Callable[[np.ndarray], np.ndarray], *, exact_max: int = EXACT_MAX, previous: faiss.Index | None = None,
) -> faiss.Index:
    """`build_index` over `n` vectors that arrive in batches (ascending chunk ids), never all held at once.

    `sample(rows)` returns the vectors at the given (sorted) row positions, for IVF training.
    """
    if n > exact_max:
        nlist = max(1, min(n // 8, int(IVF_LISTS_PER_SQRT * math.sqrt(n))))
        centroids = _reusable_centroids(previous, nlist, dim)
        if centroids is not None:
            quantizer = faiss.IndexFlatIP(dim)
            quantizer.add(centroids)
            inner = faiss.IndexIVFFlat(quantizer, dim, len(centroids), faiss.METRIC_INNER_PRODUCT)
            nlist = len(centroids)
        else:
            inner = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
            inner.cp.niter = IVF_TRAIN_ITERATIONS
            inner.cp.seed = 1234
            inner.cp.min_points_per_centroid = IVF_TRAIN_PER_LIST // 2  # we sample on purpose: no warning
            size = min(n, IVF_TRAIN_PER_LIST * nlist)
            rows = np.sort(np.random.default_rng(0).choice(n, size=size, replace=False))
            inner.train(np.ascontiguousarray(sample(rows), dtype=np.float32))
        inner.nprobe = default_nprobe(nlist)
        inner.parallel_mode = IVF_PARALLEL_MODE
    else:
        inner = faiss.IndexFlatIP(dim)
    index = faiss.IndexIDMap2(inner)
    for ids, vecs in batches():
        if len(ids):
            index.add_with_ids(np.ascontiguousarray(vecs, dtype=np.float32), np.ascontiguousarray(ids, dtype=np.int64))
    return index


def _reusable_centroids(previous: faiss.Index | None, nlist: int, dim: int) -> np.ndarray | None:
    """The previous IVF index's centroids, if their number is still within 2x of `nlist`.

    The list count grows with √n, so this holds until the corpus has grown about fourfold
    since training; past that, lists get long and queries slow down, and k-means runs again.
    """
    if previous is None:
        return None
    inner = _inner(previous)
    if not isinstance(inner, faiss.IndexIVF) or inner.d != dim or not nlist / 2 <= inner.nlist <= nlist * 2:
        return None
    quantizer = faiss.downcast_index(inner.quantizer)
    if quantizer.ntotal != inner.nlist:
        return None
    return np.ascontiguousarray(quantizer.reconstruct_n(0, inner.nlist), dtype=np.float32)


def default_nprobe(nlist: int) -> int:
    """Lists probed by an unfiltered query on an IVF index of `nlist` lists."""
    return min(nlist, max(IVF_MIN_PROBE, int(nlist * IVF_PROBE_SHARE)))


def save_index(index: faiss.Index, path: Path) -> None:
    """Write the index next to its final name, then rename, so a crash leaves no torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    faiss.write_index(index, str(tmp))
    os.replace(tmp, path)


def load_index(path: Path) -> faiss.Index:
    """Read an index written by `save_index`.

    An exact index's vectors are memory-mapped rather than read, so a cold query does not
    first copy the file, and processes share the pages through the page cache.
    """
    if not path.exists():
        raise NotFoundError(f"the vector index {path} is missing; run `kb doctor --repair` to rebuild it")
    try:
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
    except RuntimeError as exc:  # FAISS reports a truncated or foreign file as RuntimeError
        detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else "unreadable"
        raise NotFoundError(
            f"the vector index {path} is damaged ({detail}); run `kb doctor --repair` to rebuild it "
            "(`--mode lexical` works meanwhile)"
        ) from None
    inner = _inner(index)
    if isinstance(inner, faiss.IndexIVF):
        inner.parallel_mode = IVF_PARALLEL_MODE  # a setting of the object, not saved with it
    return index


def index_ids(index: faiss.Index) -> np.ndarray:
    """The chunk ids an index holds, in row order (int64)."""
    if hasattr(index, "id_map"):
        return faiss.vector_to_array(index.id_map).astype(np.int64, copy=False)
    return np.arange(index.ntotal, dtype=np.int64)


def is_approximate(index: faiss.Index) -> bool:
    """Whether unfiltered searches on this index are approximate."""
    return not isinstance(_inner(index), faiss.IndexFlat)


def search(
    index: faiss.Index, query: np.ndarray, k: int, allowed: np.ndarray | None = None,
    *, exact_max: int = EXACT_MAX, nprobe: int | None = None,
) -> list[tuple[int, float]]:
    """The `k` nearest chunks as (chunk_id, cosine), restricted to `allowed` before the cut.

    `allowed` is chunk ids, or a boolean mask over the index's rows (in `index_ids` order). On an
    approximate index, `nprobe` overrides the lists probed by an unfiltered query, and a filter
    leaving at most `exact_max` chunks is searched exactly.
    """
    if index.ntotal == 0 or k <= 0:
        return []
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    inner = _inner(index)
    ids = _sorted_ids(index)
    if allowed is not None and allowed.dtype == bool:
        if len(allowed) != index.ntotal:
            raise ValueError(f"a row mask of {len(allowed)} for an index of {index.ntotal} rows")
        if ids is None:
            allowed = index_ids(index)[allowed]
    if ids is not None and (allowed is not None or isinstance(inner, faiss.IndexIVF)):
        return _search_rows(index, inner, ids, q, k, allowed, exact_max, nprobe)
    params = None
    if allowed is not None:  # an index not written by build_index: select by id
        if len(allowed) == 0:
            return []
        sel = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
        if isinstance(inner, faiss.IndexIVF):
            params = faiss.SearchParametersIVF(sel=sel, nprobe=inner.nlist)
        else:
            params = faiss.SearchParameters(sel=sel)
        k = min(k, len(allowed))
    k = min(k, index.ntotal)
    scores, found = index.search(q, k, params=params)
    return [(int(i), float(s)) for i, s in zip(found[0], scores[0]) if i != -1]


def vector_of(index: faiss.Index, chunk_id: int) -> np.ndarray:
    """The stored vector of one chunk."""
    inner = _inner(index)
    if isinstance(inner, faiss.IndexIVF) and not inner.direct_map.type:
        ids = _sorted_ids(index)
        row = int(np.searchsorted(ids, chunk_id)) if ids is not None else -1
        if ids is None or row >= len(ids) or ids[row] != chunk_id:
            raise KeyError(chunk_id)
        inner.make_direct_map()
        return inner.reconstruct(row)
    return index.reconstruct(int(chunk_id))


# -- internals -------------------------------------------------------------


def _inner(index: faiss.Index) -> faiss.Index:
    return faiss.downcast_index(index.index) if hasattr(index, "id_map") else index


def _sorted_ids(index: faiss.Index) -> np.ndarray | None:
    """A zero-copy view of the id map when it is in ascending order (as `build_index` writes it)."""
    if not hasattr(index, "id_map"):
        return None
    n = index.id_map.size()
    if n == 0:
        return np.zeros(0, np.int64)
    ids = faiss.rev_swig_ptr(index.id_map.data(), n).view(np.int64)
    return ids if n == 1 or bool(np.all(ids[1:] > ids[:-1])) else None


def _search_rows(
    index: faiss.Index, inner: faiss.Index, ids: np.ndarray, q: np.ndarray, k: int,
    allowed: np.ndarray | None, exact_max: int, nprobe: int | None,
) -> list[tuple[int, float]]:
    """Search the inner index by row, with a bitmap of allowed rows; `ids` (ascending) names the rows."""
    ivf = isinstance(inner, faiss.IndexIVF)
    if ivf:
        nlist = inner.nlist
        probe = min(nlist, nprobe or inner.nprobe or default_nprobe(nlist))
    bitmap = None
    if allowed is None:
        k = min(k, index.ntotal)
    else:
        mask = allowed if allowed.dtype == bool else rows_mask(ids, allowed)
        count = int(np.count_nonzero(mask))
        if count == 0:
            return []
        k = min(k, count)
        if ivf and count <= exact_max:
            probe = nlist  # every list, distances only for allowed rows: exact
        elif ivf:  # broad filter: probe more lists the more the filter removes
            probe = min(nlist, int(math.ceil(probe * index.ntotal / count)))
        bitmap = np.packbits(mask, bitorder="little")  # the selector reads it in place: keep it referenced
    sel = faiss.IDSelectorBitmap(index.ntotal, faiss.swig_ptr(bitmap)) if bitmap is not None else None
    params = faiss.SearchParametersIVF(nprobe=probe, sel=sel) if ivf else faiss.SearchParameters(sel=sel)
    scores, rows = inner.search(q, k, params=params)
    return [(int(ids[r]), float(s)) for r, s in zip(rows[0], scores[0]) if r != -1]
