"""Checks that find damage a file's structure does not show: checksums, full scans, bounds, samples.

A garbled array inside `chunks.npz`, a zeroed region of `vectors.faiss` or random bytes inside a
DuckDB block all load without complaint and fail (or silently mislead) only at use. Each
generation therefore records the SHA-256 of its files in `manifest.json` when it is written;
`kb doctor` compares them, reads every database column, checks array bounds and compares a
sample of index vectors with the stored embeddings.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb
import faiss
import numpy as np

from kb.chunkmap import ChunkMap
from kb.lexical import LexicalIndex
from kb.vectors import is_approximate

MANIFEST = "manifest.json"
UNDERIVABLE = "it holds what cannot be derived: rebuild it from the reports with `kb ingest --rebuild PATH...`"
VECTOR_SAMPLE = 64
_BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            h.update(block)
    return h.hexdigest()


def write_manifest(directory: Path) -> None:
    """Record the checksum and size of every file of a generation being written."""
    files = {p.name: {"sha256": file_sha256(p), "bytes": p.stat().st_size}
             for p in sorted(directory.iterdir()) if p.is_file() and p.name != MANIFEST}
    tmp = directory / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps({"files": files}, indent=1), encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, directory / MANIFEST)


def check_manifest(directory: Path) -> tuple[list[str], list[str]]:
    """(checks, problems): each recorded file present with the recorded checksum."""
    path = directory / MANIFEST
    if not path.exists():
        return ([f"{directory.name} has no checksums (written before kb recorded them)"], [])
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return [], [f"the checksum file of {directory.name} is unreadable; `kb doctor --repair` rebuilds the generation"]
    problems = []
    for name, want in files.items():
        target = directory / name
        if not target.exists():
            problems.append(f"{directory.name}/{name} is missing; `kb doctor --repair` rebuilds it")
        elif target.stat().st_size != want["bytes"] or file_sha256(target) != want["sha256"]:
            problems.append(f"{directory.name}/{name} does not match its checksum (damaged on disk); `kb doctor --repair` rebuilds it")
    return ([f"{directory.name}: {len(files)} files match their checksums"] if not problems else []), problems


def scan_database(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> list[str]:
    """Problems found by reading every column of every table (DuckDB verifies each block's checksum)."""
    problems = []
    for table in tables:
        try:
            con.execute(f"SELECT bit_xor(hash(COLUMNS(*))) FROM {table}").fetchall()
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else exc.__class__.__name__
            problems.append(f"table {table} is damaged ({first}); {UNDERIVABLE}")
    return problems


def chunkmap_bounds(chunkmap: ChunkMap) -> list[str]:
    """Problems with a chunk map's arrays: lengths that disagree, indexes past the end."""
    n = len(chunkmap.chunk_ids)
    problems = []
    if len(chunkmap.paper_of) != n or len(chunkmap.section_of) != n:
        problems.append("the chunk map's arrays have different lengths")
    elif n and (chunkmap.paper_of.min() < 0 or chunkmap.paper_of.max() >= len(chunkmap.paper_ids)):
        problems.append("the chunk map points rows at papers it does not hold")
    elif n and (chunkmap.section_of.min() < 0 or chunkmap.section_of.max() >= max(len(chunkmap.sections), 1)):
        problems.append("the chunk map points rows at sections it does not hold")
    if len(chunkmap.paper_days) != len(chunkmap.paper_ids) or chunkmap.paper_tags.shape != (
            len(chunkmap.paper_ids), len(chunkmap.tags)):
        problems.append("the chunk map's paper arrays have different lengths")
    if n > 1 and not bool(np.all(chunkmap.chunk_ids[1:] > chunkmap.chunk_ids[:-1])):
        problems.append("the chunk map's rows are not in chunk-id order")
    return [f"{p}; `kb doctor --repair` rebuilds it" for p in problems]


def lexical_bounds(index: LexicalIndex) -> list[str]:
    """Problems with the BM25 arrays: postings pointers and rows that fall outside the index."""
    problems = []
    ptr, rows = np.asarray(index.term_ptr), np.asarray(index.rows)
    if len(ptr) != len(index.vocab) + 1 or (len(ptr) and (ptr[0] != 0 or ptr[-1] != len(rows))):
        problems.append("the lexical index's term pointers do not match its postings")
    elif len(ptr) > 1 and bool(np.any(ptr[1:] < ptr[:-1])):
        problems.append("the lexical index's term pointers go backwards")
    if len(rows) and (rows.min() < 0 or rows.max() >= len(index.chunk_ids)):
        problems.append("the lexical index has postings for rows it does not hold")
    if len(index.weights) != len(rows):
        problems.append("the lexical index's weights do not match its postings")
    return [f"{p}; `kb doctor --repair` rebuilds it" for p in problems]


def vector_sample(index: faiss.Index, con: duckdb.DuckDBPyConnection, dim: int) -> list[str]:
    """Problems when index vectors differ from the stored embeddings of the same chunks."""
    if is_approximate(index):  # IVF lists keep no direct map to reconstruct from; the checksums cover it
        return []
    rows = con.execute(
        f"SELECT chunk_id, vector FROM embeddings USING SAMPLE reservoir({int(VECTOR_SAMPLE)} ROWS) REPEATABLE (7)"
    ).fetchall()
    bad = 0
    for chunk_id, blob in rows:
        stored = np.frombuffer(blob, dtype=np.float32)
        try:
            held = index.reconstruct(int(chunk_id))
        except RuntimeError:
            bad += 1
            continue
        if stored.shape != (dim,) or not np.allclose(held, stored, atol=1e-5):
            bad += 1
    if bad:
        return [f"{bad} of {len(rows)} sampled vectors in the index differ from the stored embeddings; "
                "`kb doctor --repair` rebuilds the index"]
    return []
