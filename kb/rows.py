"""Rows kept in ascending key order (chunk ids, paper ids), looked up by binary search.

The FAISS index, the BM25 index and the chunk map all hold their rows this way, so a
set of keys becomes rows, or a row mask, without a hash table or a scan.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def rows_of(keys: np.ndarray, wanted: Sequence | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each wanted key, its row in `keys` (ascending) and whether the key is there at all."""
    wanted = np.asarray(wanted)
    if not len(wanted) or not len(keys):
        return np.zeros(len(wanted), dtype=np.intp), np.zeros(len(wanted), dtype=bool)
    if keys.dtype.kind in "iu":
        wanted = wanted.astype(keys.dtype, copy=False)
    rows = np.searchsorted(keys, wanted)
    rows[rows == len(keys)] = 0
    return rows, keys[rows] == wanted


def rows_of_unsorted(keys: np.ndarray, wanted: Sequence | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`rows_of` for keys in no particular order (an index written elsewhere): a hash lookup, not a search."""
    where = {int(k): i for i, k in enumerate(np.asarray(keys).tolist())}
    rows = np.array([where.get(int(k), -1) for k in np.asarray(wanted).tolist()], dtype=np.int64)
    return rows, rows >= 0


def rows_mask(keys: np.ndarray, wanted: Sequence | np.ndarray) -> np.ndarray:
    """True at the rows of `keys` (ascending) whose key is in `wanted`; other wanted keys are ignored."""
    wanted = np.asarray(wanted)
    if len(wanted) > 1 and not bool(np.all(wanted[1:] >= wanted[:-1])):
        wanted = np.sort(wanted)  # sorted keys search about twice as fast: each starts where the last ended
    rows, found = rows_of(keys, wanted)
    out = np.zeros(len(keys), dtype=bool)
    out[rows[found]] = True
    return out
