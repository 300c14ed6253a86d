"""Generations: the derived indexes of one database state, each in a numbered directory of its own.

A generation is written beside the live one and never over it: its number is new in the
directory, its files are checksummed, and only the database swap that follows makes it live.
Everything is read from the database in batches, so building one costs the size of the finished
indexes, not a second copy of every vector and text in Python objects.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence

import duckdb
import faiss
import numpy as np

from kb.chunkmap import ChunkMap
from kb.integrity import write_manifest
from kb.lexical import LexicalIndex
from kb.paths import Layout
from kb.vectors import build_index_in_batches, load_index, save_index

VECTOR_BATCH = 32_768  # vectors read from the database at a time (48 MB at 384-d)
TEXT_BATCH = 8_192  # chunk texts held at a time while BM25 tokenizes
_EMBEDDED = "FROM chunks c JOIN embeddings e USING (chunk_id)"


def next_generation(layout: Layout, live: int) -> int:
    """A generation number never used in this directory: above every one on disk and the live one.

    Reusing a number would mean writing over a generation a reader may be using (a rebuild
    numbered 1 once replaced the live `gen-000001` in place).
    """
    used = set(layout.generations()) | {live}
    for tmp in layout.root.glob("gen-*.tmp"):
        if tmp.name[4:-4].isdigit():
            used.add(int(tmp.name[4:-4]))
    return max(used) + 1


def write_generation(
    layout: Layout, con: duckdb.DuckDBPyConnection, generation: int, dim: int, *, previous: int | None = None
) -> None:
    """Build the FAISS and BM25 indexes and the chunk map from the database into a new generation directory.

    Given the `previous` (live) generation, what it learnt (IVF centroids) is reused and only
    new chunks are tokenized for BM25; a rebuild or a repair passes None so nothing is
    inherited from another recipe or a possibly damaged generation.
    """
    ids = con.execute(f"SELECT c.chunk_id {_EMBEDDED} ORDER BY c.chunk_id").fetchnumpy()["chunk_id"]
    ids = np.asarray(ids, dtype=np.int64)
    previous_index = _previous_index(layout, previous) if previous is not None else None
    final = layout.generation_dir(generation)
    tmp = final.with_name(final.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    index = build_index_in_batches(len(ids), dim, lambda: vector_batches(con, dim),
                                   lambda rows: vectors_at(con, dim, rows), previous=previous_index)
    save_index(index, tmp / "vectors.faiss")
    del previous_index, index  # gone before BM25 makes its arrays, so the two peaks do not add up
    # A chunk id is a hash of its text, so a chunk the previous index holds needs no tokenizing again.
    lexical = LexicalIndex.load_reusable(layout.lexical_file(previous)) if previous is not None else None
    if lexical is None:  # none yet, unreadable, or from before term counts were saved
        lexical = LexicalIndex.build(ids, ChunkTexts(con, ids))
    else:
        added = np.setdiff1d(ids, lexical.chunk_ids)
        lexical = LexicalIndex.update(lexical, ids, added, ChunkTexts(con, added))
    lexical.save(tmp / "lexical.npz")
    del lexical
    ChunkMap.from_db(con).save(tmp / "chunks.npz")
    write_manifest(tmp)  # checksums, so `kb doctor` can tell a damaged file from a good one
    if final.exists():  # a leftover of a failed try, never the live one: numbers are not reused
        shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)


def vector_batches(con: duckdb.DuckDBPyConnection, dim: int, size: int = VECTOR_BATCH) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(chunk ids, vectors) of every embedded chunk, in ascending chunk-id order, `size` at a time."""
    last: int | None = None
    while True:
        part = con.execute(
            f"SELECT c.chunk_id, e.vector {_EMBEDDED} WHERE ?::BIGINT IS NULL OR c.chunk_id > ? ORDER BY c.chunk_id LIMIT ?",
            [last, last, size],
        ).fetchnumpy()
        ids = np.asarray(part["chunk_id"], dtype=np.int64)
        if not len(ids):
            return
        yield ids, _vectors(part["vector"], dim)
        last = int(ids[-1])


def vectors_at(con: duckdb.DuckDBPyConnection, dim: int, rows: np.ndarray) -> np.ndarray:
    """The vectors at the given row positions of the ascending chunk-id order."""
    part = con.execute(
        f"SELECT vector FROM (SELECT e.vector, row_number() OVER (ORDER BY c.chunk_id) - 1 AS r {_EMBEDDED}) "
        "WHERE r IN (SELECT unnest(?::BIGINT[])) ORDER BY r",
        [np.asarray(rows, dtype=np.int64).tolist()],
    ).fetchnumpy()
    return _vectors(part["vector"], dim)


def load_vectors(con: duckdb.DuckDBPyConnection, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Every chunk's id and vector, in chunk-id order (all at once: for tests and small tools)."""
    parts = list(vector_batches(con, dim))
    if not parts:
        return np.zeros(0, np.int64), np.zeros((0, dim), np.float32)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _vectors(blobs: Sequence[bytes], dim: int) -> np.ndarray:
    if not len(blobs):
        return np.zeros((0, dim), np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), dim)


class ChunkTexts(Sequence[str]):
    """The `embed_text` of chunks in ascending id order, fetched a window at a time as BM25 reads them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, ids: np.ndarray, window: int = TEXT_BATCH) -> None:
        self._con = con
        self._ids = np.asarray(ids, dtype=np.int64)
        self._window = window
        self._start = 0
        self._texts: list[str] = []

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        if not self._start <= i < self._start + len(self._texts):
            self._load(int(i))
        return self._texts[i - self._start]

    def _load(self, i: int) -> None:
        wanted = self._ids[i:i + self._window]
        rows = dict(self._con.execute(
            "SELECT chunk_id, embed_text FROM chunks WHERE chunk_id IN (SELECT unnest(?::BIGINT[]))", [wanted.tolist()]
        ).fetchall())
        self._start, self._texts = i, [rows[int(c)] for c in wanted]


def _previous_index(layout: Layout, generation: int) -> faiss.Index | None:
    """The vector index of an earlier generation, or None when it is absent or unreadable."""
    path = layout.vectors_file(generation)
    if generation < 1 or not path.exists():
        return None
    try:
        return load_index(path)
    except Exception:  # noqa: BLE001 - a damaged file: build from scratch instead
        return None


def prune_generations(layout: Layout, keep: set[int]) -> None:
    """Delete generation directories no database refers to; the previous one stays for open readers."""
    for g in layout.generations():
        if g not in keep:
            shutil.rmtree(layout.generation_dir(g), ignore_errors=True)
    for tmp in layout.root.glob("gen-*.tmp"):
        shutil.rmtree(tmp, ignore_errors=True)


def remove_stale_scratch(layout: Layout) -> None:
    """Delete database copies left by a writer that was killed; only the lock holder calls this."""
    for path in layout.root.glob(".kb.duckdb.*.tmp*"):
        path.unlink(missing_ok=True)
