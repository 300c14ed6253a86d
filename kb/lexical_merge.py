"""Merging a saved BM25 index with one built over an ingest's new chunks, without tokenizing again.

A day's ingest adds hundreds of chunks to hundreds of thousands; tokenizing them all
again costs a minute, while the term counts of unchanged chunks can be carried over as
arrays. The merge lays the postings out exactly as a full build over the same chunks
would, so the weights computed from them are the same bits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from kb.lexical import LexicalIndex

_BLOCK = 2**20  # postings of the old index handled at a time: bounds the temporaries


@dataclass
class MergedPostings:
    """Everything of an index but its weights, which depend on all of these."""

    chunk_ids: np.ndarray
    lengths: np.ndarray
    vocab: np.ndarray
    df: np.ndarray
    term_ptr: np.ndarray
    rows: np.ndarray
    tfs: np.ndarray


def merge_postings(old: LexicalIndex, keep: np.ndarray, new: LexicalIndex) -> MergedPostings:
    """The postings of `old`'s rows where `keep` is True together with all of `new`'s.

    Both indexes must hold term counts and rows in ascending chunk-id order, and share no kept id.
    """
    assert old.tfs is not None and old.lengths is not None and new.tfs is not None and new.lengths is not None
    kept = int(keep.sum())
    ids = np.concatenate([old.chunk_ids[keep], new.chunk_ids])
    order = np.argsort(ids, kind="stable")
    final_row = np.empty(len(ids), dtype=np.int32)
    final_row[order] = np.arange(len(ids), dtype=np.int32)
    old_row = np.full(len(old.chunk_ids), -1, dtype=np.int32)  # -1: the row is dropped
    old_row[keep] = final_row[:kept]
    lengths = np.concatenate([old.lengths[keep], new.lengths])[order].astype(np.int64, copy=False)

    rows, tfs, dropped = _interleave(old, old_row, new, final_row[kept:][new.rows], _insertion_points(old, new))
    vocab, df, term_ptr = _merge_vocab(old, np.diff(old.term_ptr) - dropped, new)
    assert term_ptr[-1] == len(rows)
    return MergedPostings(chunk_ids=ids[order], lengths=lengths, vocab=vocab, df=df, term_ptr=term_ptr,
                          rows=rows, tfs=_narrowest(tfs))


def _insertion_points(old: LexicalIndex, new: LexicalIndex) -> np.ndarray:
    """For each new posting, the old posting it goes just before: the first of its term with a later chunk id.

    Ascending, because new postings are ordered by term and then row, as old ones are.
    """
    n_old = len(old.vocab)
    t = np.searchsorted(old.vocab, new.vocab)  # old terms that sort before each new one
    found = t < n_old
    found[found] = old.vocab[t[found]] == new.vocab[found]
    start = old.term_ptr[t]
    end = np.where(found, old.term_ptr[np.minimum(t + 1, n_old)], start)
    per_term = np.diff(new.term_ptr)
    lo, hi = np.repeat(start, per_term), np.repeat(end, per_term)
    # The first old row at or after the new chunk's id: an old row with the very same id is dropped.
    bound = np.searchsorted(old.chunk_ids, new.chunk_ids)[new.rows].astype(np.int32)
    # A binary search within each posting's term segment, all segments at once.
    old_rows = old.rows
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) // 2
        later = old_rows[np.where(active, mid, 0)] >= bound
        hi = np.where(active & later, mid, hi)
        lo = np.where(active & ~later, mid + 1, lo)


def _interleave(old: LexicalIndex, old_row: np.ndarray, new: LexicalIndex, new_rows: np.ndarray,
                before: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kept old postings with new rows, and new postings each placed before old posting `before`.

    Returns rows, term counts, and the old postings dropped from each old term.
    """
    n_old = len(old.rows)
    # Sized for no drop; pages past the end of what is written are never touched, so cost nothing.
    rows = np.empty(n_old + len(new_rows), dtype=np.int32)
    tfs = np.empty(len(rows), dtype=np.result_type(old.tfs, new.tfs))
    dropped = np.zeros(len(old.vocab), dtype=np.int64)
    w = j = 0  # written so far; new postings placed so far
    for a0 in range(0, n_old, _BLOCK):
        a1 = min(a0 + _BLOCK, n_old)
        mapped = old_row[old.rows[a0:a1]]
        kept = mapped >= 0
        block_tfs = old.tfs[a0:a1]
        if not kept.all():
            gone = np.flatnonzero(~kept) + a0
            terms, counts = np.unique(np.searchsorted(old.term_ptr, gone, side="right") - 1, return_counts=True)
            dropped[terms] += counts
            mapped, block_tfs = mapped[kept], block_tfs[kept]
        j1 = int(np.searchsorted(before, a1))
        m, k = len(mapped), j1 - j
        seg_rows, seg_tfs = rows[w:w + m + k], tfs[w:w + m + k]
        if k:
            kept_before = np.concatenate([[0], np.cumsum(kept)])  # kept old postings before each place in the block
            is_new = np.zeros(m + k, dtype=bool)
            is_new[kept_before[before[j:j1] - a0] + np.arange(k)] = True
            seg_rows[is_new], seg_tfs[is_new] = new_rows[j:j1], new.tfs[j:j1]
            seg_rows[~is_new], seg_tfs[~is_new] = mapped, block_tfs
        else:
            seg_rows[:], seg_tfs[:] = mapped, block_tfs
        w, j = w + m + k, j1
    rest = len(new_rows) - j  # new postings after every old one
    rows[w:w + rest], tfs[w:w + rest] = new_rows[j:], new.tfs[j:]
    w += rest
    return rows[:w], tfs[:w], dropped


def _merge_vocab(old: LexicalIndex, old_df: np.ndarray, new: LexicalIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sorted union of old terms still in some row and new terms, with rows per term and postings pointers."""
    alive = old_df > 0
    old_vocab, old_df = old.vocab[alive], old_df[alive]
    t = np.searchsorted(old_vocab, new.vocab)
    found = t < len(old_vocab)
    found[found] = old_vocab[t[found]] == new.vocab[found]
    only = new.vocab[~found]
    old_at = np.arange(len(old_vocab)) + np.searchsorted(only, old_vocab)
    only_at = np.arange(len(only)) + t[~found]
    vocab = np.empty(len(old_vocab) + len(only), dtype=np.result_type(old_vocab, only))
    vocab[old_at], vocab[only_at] = old_vocab, only
    new_at = np.empty(len(new.vocab), dtype=np.int64)
    new_at[found], new_at[~found] = old_at[t[found]], only_at
    df = np.zeros(len(vocab), dtype=np.int64)
    df[old_at] = old_df
    df[new_at] += np.diff(new.term_ptr)
    term_ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(df, out=term_ptr[1:])
    # A full build sizes terms to the longest present; the longest may have just gone.
    width = max(1, int(np.char.str_len(vocab).max())) if len(vocab) else 1
    return vocab.astype(f"S{width}", copy=False), df, term_ptr


def _narrowest(tfs: np.ndarray) -> np.ndarray:
    """Counts in the narrowest type holding the largest, at least a byte, as a full build stores them."""
    need = np.min_scalar_type(int(tfs.max())) if len(tfs) else np.dtype(np.uint8)
    return tfs.astype(np.result_type(need, np.uint8), copy=False)
