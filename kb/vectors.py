"""The FAISS index over chunk vectors; its ids are chunk ids."""

from __future__ import annotations

import os
from pathlib import Path

import faiss
import numpy as np

from kb.errors import NotFoundError


def build_index(chunk_ids: np.ndarray, vectors: np.ndarray, dim: int) -> faiss.Index:
    """An exact inner-product index (cosine, as vectors are normalised) keyed by chunk id."""
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    if len(chunk_ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(chunk_ids, dtype=np.int64))
    return index


def save_index(index: faiss.Index, path: Path) -> None:
    """Write the index next to its final name, then rename, so a crash leaves no torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    faiss.write_index(index, str(tmp))
    os.replace(tmp, path)


def load_index(path: Path) -> faiss.Index:
    """Read an index written by `save_index`."""
    if not path.exists():
        raise NotFoundError(f"the vector index {path} is missing; run `kb doctor --repair` to rebuild it")
    return faiss.read_index(str(path))


def search(
    index: faiss.Index, query: np.ndarray, k: int, allowed: np.ndarray | None = None
) -> list[tuple[int, float]]:
    """The `k` nearest chunks as (chunk_id, cosine), restricted to `allowed` ids before the cut."""
    if index.ntotal == 0 or k <= 0:
        return []
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    params = None
    if allowed is not None:
        if len(allowed) == 0:
            return []
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
        k = min(k, len(allowed))
    k = min(k, index.ntotal)
    scores, ids = index.search(q, k, params=params)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]


def vector_of(index: faiss.Index, chunk_id: int) -> np.ndarray:
    """The stored vector of one chunk."""
    return index.reconstruct(int(chunk_id))
