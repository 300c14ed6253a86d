"""Report files → rows and vectors in the knowledge base, incrementally and all-or-nothing."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime
from pathlib import Path

import duckdb
import faiss
import numpy as np

from kb import store
from kb.chunk import CHUNKER_VERSION, Chunk, chunk_paper
from kb.chunkmap import ChunkMap
from kb.embed import Embedder, Recipe, embed_in_batches, recipe_of
from kb.errors import LockedError, ParseError, RecipeMismatchError
from kb.extract import extract_domains, extract_facts, extract_links, extract_metrics
from kb.lexical import LexicalIndex
from kb.parse import Paper, parse_report
from kb.paths import Layout
from kb.vectors import build_index, load_index, save_index

# Bumped when parsing or extraction changes what is derived from the same file,
# so re-ingesting unchanged files still refreshes their rows.
DERIVATION_VERSION = 1
REPORT_SUFFIXES = (".md", ".markdown", ".txt")
_FILE_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")

ProgressFn = Callable[[int, int], None]


@dataclass
class IngestSummary:
    """What one ingest did; `problems` are one-line messages naming file and line."""

    files: int = 0
    files_unchanged: int = 0
    papers_added: int = 0
    papers_updated: int = 0
    papers_unchanged: int = 0
    appearances_added: int = 0
    chunks_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    generation: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Seen:
    paper: Paper
    date: Date
    source_file: str


def report_files(paths: Iterable[str | os.PathLike[str]], problems: list[str]) -> list[Path]:
    """Expand files and folders into report files, sorted; missing paths become problems."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES))
        elif p.is_file():
            found.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    unique = dict.fromkeys(f.resolve() for f in found)
    return list(unique)


@contextmanager
def writer_lock(layout: Layout, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the single-writer lock of a knowledge base, waiting up to `wait_seconds`."""
    layout.root.mkdir(parents=True, exist_ok=True)
    with open(layout.lock, "a+") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"another `kb ingest` is writing to {layout.root}; wait for it to finish "
                        "or pass `--wait SECONDS`"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def check_recipe(meta: dict[str, str], recipe: Recipe, max_chars: int, layout: Layout) -> None:
    """Refuse to mix embedders or chunking settings within one index."""
    if not meta.get("embed_backend"):
        return
    built = Recipe(meta["embed_backend"], meta["embed_model"], int(meta["embed_dim"]))
    same_chunks = meta.get("chunk_max_chars") == str(max_chars) and meta.get("chunker_version") == str(CHUNKER_VERSION)
    if built != recipe or not same_chunks:
        raise RecipeMismatchError(
            f"{layout.root} was built with {built.describe()} and chunks of {meta.get('chunk_max_chars')} chars; "
            f"to use {recipe.describe()} rebuild it with `kb --kb {layout.root} ingest --rebuild "
            f"--backend {recipe.backend} --model {recipe.model} PATH...` or choose another `--kb` directory"
        )


def ingest(
    layout: Layout,
    paths: Iterable[str | os.PathLike[str]],
    embedder: Embedder,
    *,
    max_chars: int,
    rebuild: bool = False,
    on_progress: ProgressFn | None = None,
    wait_seconds: float = 0.0,
) -> IngestSummary:
    """Ingest report files; unchanged files and papers cost nothing, changed ones replace their rows."""
    started = time.perf_counter()
    summary = IngestSummary()
    files = report_files(paths, summary.problems)
    summary.files = len(files)
    with writer_lock(layout, wait_seconds):
        remove_stale_scratch(layout)
        meta, known_files, known_papers, known_vectors = _current_state(layout, rebuild)
        recipe = recipe_of(embedder)
        if not rebuild:
            check_recipe(meta, recipe, max_chars, layout)

        changed_files: dict[str, tuple[str, Date | None]] = {}
        seen: list[_Seen] = []
        for path in files:
            parsed = _read_report(path, known_files, summary)
            if parsed is None:
                continue
            digest, report_date, papers = parsed
            changed_files[str(path)] = (digest, report_date)
            seen.extend(_Seen(p, report_date, str(path)) for p in papers)

        # The newest report's text wins when a paper appears more than once.
        latest: dict[str, _Seen] = {}
        for s in sorted(seen, key=lambda s: s.date):
            latest[s.paper.paper_id] = s
        to_write: dict[str, tuple[Paper, str]] = {}
        for pid, s in latest.items():
            h = paper_hash(s.paper)
            if pid not in known_papers:
                summary.papers_added += 1
                to_write[pid] = (s.paper, h)
            elif known_papers[pid] != h:
                summary.papers_updated += 1
                to_write[pid] = (s.paper, h)
            else:
                summary.papers_unchanged += 1

        if not changed_files and not rebuild:
            summary.chunks_total = int(meta.get("chunks", 0) or 0)
            summary.generation = int(meta.get("generation", 0) or 0)
            summary.seconds = time.perf_counter() - started
            return summary

        chunks = {pid: chunk_paper(paper, max_chars) for pid, (paper, _) in to_write.items()}
        pending = [c for cs in chunks.values() for c in cs if c.chunk_id not in known_vectors]
        pending = list({c.chunk_id: c for c in pending}.values())
        if on_progress:
            on_progress(0, len(pending))
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if on_progress:
                on_progress(done, len(pending))

        vectors = embed_in_batches(embedder, [c.embed_text for c in pending], on_batch=tick)
        summary.chunks_embedded = len(pending)

        generation = int(meta.get("generation", 0) or 0) + 1
        scratch = layout.root / f".kb.duckdb.{os.getpid()}.tmp"
        with store.write_copy(layout.db, scratch, fresh=rebuild) as con:
            _write_rows(con, changed_files, seen, to_write, chunks, pending, vectors, summary)
            total = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
            store.set_meta(con, {
                "generation": str(generation), "embed_backend": recipe.backend,
                "embed_model": recipe.model, "embed_dim": str(recipe.dim),
                "chunk_max_chars": str(max_chars), "chunker_version": str(CHUNKER_VERSION),
                "chunks": str(total),
            })
            summary.chunks_total = int(total)
            write_generation(layout, con, generation, recipe.dim)
        store.publish(scratch, layout.db)
        prune_generations(layout, keep={generation, generation - 1})
        summary.generation = generation
    summary.seconds = time.perf_counter() - started
    return summary


def paper_hash(paper: Paper) -> str:
    """A digest of everything derived from a paper; equal digests mean nothing to redo."""
    h = hashlib.sha256(f"v{DERIVATION_VERSION}\x1e{paper.title}\x1e{paper.url}\x1e{paper.read_source}".encode())
    for s in paper.sections:
        h.update(f"\x1e{s.key}\x1f{s.label}\x1f{s.text}".encode())
    return h.hexdigest()


def write_generation(
    layout: Layout, con: duckdb.DuckDBPyConnection, generation: int, dim: int, *, reuse_previous: bool = True
) -> None:
    """Build the FAISS and BM25 indexes and the chunk map from the database into a new generation directory.

    With `reuse_previous`, what the previous generation learnt (IVF centroids) is reused and
    only new chunks are tokenized for BM25; a repair passes False so nothing is inherited from
    a possibly damaged generation.
    """
    ids, vectors = load_vectors(con, dim)
    previous = _previous_index(layout, generation - 1) if reuse_previous else None
    final = layout.generation_dir(generation)
    tmp = final.with_name(final.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_index(build_index(ids, vectors, dim, previous=previous), tmp / "vectors.faiss")
    del previous, vectors  # gone before BM25 makes its arrays, so the two peaks do not add up
    # A chunk id is a hash of its text, so a chunk the previous index holds needs no tokenizing again.
    lexical = LexicalIndex.load_reusable(layout.lexical_file(generation - 1)) if reuse_previous else None
    if lexical is None:  # none yet, unreadable, or from before term counts were saved
        texts = dict(con.execute("SELECT chunk_id, embed_text FROM chunks").fetchall())
        lexical = LexicalIndex.build(ids.tolist(), [texts[int(i)] for i in ids])
    else:
        added = np.setdiff1d(ids, lexical.chunk_ids)
        rows = con.execute(
            "SELECT chunk_id, embed_text FROM chunks WHERE chunk_id IN (SELECT unnest(?::BIGINT[]))",
            [added.tolist()],
        ).fetchall()
        lexical = LexicalIndex.update(lexical, ids, [r[0] for r in rows], [r[1] for r in rows])
    lexical.save(tmp / "lexical.npz")
    ChunkMap.from_db(con).save(tmp / "chunks.npz")
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)


def _previous_index(layout: Layout, generation: int) -> faiss.Index | None:
    """The vector index of an earlier generation, or None when it is absent or unreadable."""
    path = layout.vectors_file(generation)
    if generation < 1 or not path.exists():
        return None
    try:
        return load_index(path)
    except (RuntimeError, OSError):  # a damaged file: build from scratch instead
        return None


def load_vectors(con: duckdb.DuckDBPyConnection, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Every chunk's id and vector, in chunk-id order."""
    rows = con.execute(
        "SELECT c.chunk_id, e.vector FROM chunks c JOIN embeddings e USING (chunk_id) ORDER BY c.chunk_id"
    ).fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    blob = b"".join(r[1] for r in rows)
    vectors = np.frombuffer(blob, dtype=np.float32).reshape(len(rows), dim) if rows else np.zeros((0, dim), np.float32)
    return ids, vectors


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


def _current_state(layout: Layout, rebuild: bool) -> tuple[dict[str, str], dict[str, str], dict[str, str], set[int]]:
    if rebuild or not layout.db.exists():
        return {}, {}, {}, set()
    con = store.connect_read(layout.db)
    try:
        meta = store.read_meta(con)
        files = dict(con.execute("SELECT path, sha256 FROM files").fetchall())
        papers = dict(con.execute("SELECT paper_id, content_hash FROM papers").fetchall())
        vectors = {r[0] for r in con.execute("SELECT chunk_id FROM embeddings").fetchall()}
    finally:
        con.close()
    return meta, files, papers, vectors


def _read_report(path: Path, known_files: dict[str, str], summary: IngestSummary) -> tuple[str, Date, list[Paper]] | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        summary.problems.append(f"{path}: cannot read ({exc.strerror})")
        return None
    digest = hashlib.sha256(data + f"\x00v{DERIVATION_VERSION}".encode()).hexdigest()
    if known_files.get(str(path)) == digest:
        summary.files_unchanged += 1
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        summary.problems.append(f"{path}: not UTF-8 text (byte {exc.start}); skipped")
        return None
    if not text.strip():
        summary.problems.append(f"{path}: empty file; skipped")
        return None
    m = _FILE_DATE_RE.search(path.name)
    fallback = None
    if m:
        try:
            fallback = Date.fromisoformat(m.group(1))
        except ValueError:
            fallback = None
    try:
        report = parse_report(text, fallback_date=fallback)
    except ParseError as exc:
        summary.problems.append(f"{exc.at(str(path))}; skipped")
        return None
    summary.problems.extend(f"{path}:{w.line}: {w.message}" for w in report.warnings)
    return digest, report.date, list(report.papers)


def _write_rows(
    con: duckdb.DuckDBPyConnection,
    changed_files: dict[str, tuple[str, Date | None]],
    seen: list[_Seen],
    to_write: dict[str, tuple[Paper, str]],
    chunks: dict[str, list[Chunk]],
    pending: list[Chunk],
    vectors: np.ndarray,
    summary: IngestSummary,
) -> None:
    now = datetime.now()
    paths = list(changed_files)
    con.execute("DELETE FROM appearances WHERE list_contains(?, source_file)", [paths])
    con.execute("DELETE FROM files WHERE list_contains(?, path)", [paths])
    counts: dict[str, int] = {}
    for s in seen:
        counts[s.source_file] = counts.get(s.source_file, 0) + 1
    store.insert_columns(con, "files", {
        "path": paths, "sha256": [changed_files[p][0] for p in paths],
        "report_date": [changed_files[p][1] for p in paths],
        "papers": [counts.get(p, 0) for p in paths], "ingested_at": [now] * len(paths),
    })
    before = con.execute("SELECT count(*) FROM appearances").fetchone()[0]
    unique_seen = list({(s.paper.paper_id, s.date, s.source_file): s for s in seen}.values())
    store.insert_columns(con, "appearances", {
        "paper_id": [s.paper.paper_id for s in unique_seen], "date": [s.date for s in unique_seen],
        "source_file": [s.source_file for s in unique_seen],
    })
    summary.appearances_added = con.execute("SELECT count(*) FROM appearances").fetchone()[0] - before

    store.delete_papers(con, to_write, keep_appearances=True)
    _insert_papers(con, to_write, chunks, now)
    store.insert_columns(con, "embeddings", {
        "chunk_id": [c.chunk_id for c in pending],
        "vector": [v.tobytes() for v in vectors],
    })
    # A paper's date is the first report that featured it; papers no report features any more go.
    con.execute("""
        UPDATE papers SET date = first.date FROM (
            SELECT paper_id, min(date) AS date FROM appearances GROUP BY paper_id
        ) AS first WHERE papers.paper_id = first.paper_id
    """)
    orphans = [r[0] for r in con.execute(
        "SELECT paper_id FROM papers ANTI JOIN appearances USING (paper_id)"
    ).fetchall()]
    store.delete_papers(con, orphans, keep_appearances=False)
    con.execute("DELETE FROM embeddings WHERE chunk_id NOT IN (SELECT chunk_id FROM chunks)")


def _insert_papers(
    con: duckdb.DuckDBPyConnection, to_write: dict[str, tuple[Paper, str]], chunks: dict[str, list[Chunk]], now: datetime
) -> None:
    papers: dict[str, list] = {k: [] for k in (
        "paper_id", "title", "date", "url", "arxiv_url", "pdf_url", "read_source", "domains",
        "domain_text", "contribution", "model_sizes", "hardware", "code_status", "code_url",
        "datasets", "content_hash", "updated_at")}
    sections: dict[str, list] = {k: [] for k in ("paper_id", "section", "label", "ordinal", "text")}
    chunk_rows: dict[str, list] = {k: [] for k in ("chunk_id", "paper_id", "section", "ordinal", "text", "embed_text")}
    links: dict[str, list] = {k: [] for k in ("paper_id", "kind", "url")}
    metric_cols = ("benchmark", "metric", "value", "unit", "direction", "baseline", "comparison", "evidence", "section")
    metrics: dict[str, list] = {k: [] for k in ("paper_id", *metric_cols)}
    for pid, (paper, digest) in to_write.items():
        domain = paper.section("domain")
        contribution = paper.section("contribution")
        paper_metrics = extract_metrics(paper)
        facts = extract_facts(paper, paper_metrics)
        row = {
            "paper_id": pid, "title": paper.title, "date": Date.min, "url": paper.url,
            "arxiv_url": f"https://arxiv.org/abs/{pid}", "pdf_url": f"https://arxiv.org/pdf/{pid}",
            "read_source": paper.read_source,
            "domains": extract_domains(domain.text) if domain else [],
            "domain_text": domain.text if domain else None,
            "contribution": contribution.text if contribution else None,
            "model_sizes": facts.model_sizes, "hardware": facts.hardware, "code_status": facts.code_status,
            "code_url": facts.code_url, "datasets": facts.datasets, "content_hash": digest, "updated_at": now,
        }
        for k, v in row.items():
            papers[k].append(v)
        for i, s in enumerate(paper.sections):
            for k, v in zip(sections, (pid, s.key, s.label, i, s.text)):
                sections[k].append(v)
        for c in chunks[pid]:
            for k, v in zip(chunk_rows, (c.chunk_id, pid, c.section, c.ordinal, c.text, c.embed_text)):
                chunk_rows[k].append(v)
        for link in extract_links(paper):
            for k, v in zip(links, (pid, link.kind, link.url)):
                links[k].append(v)
        for m in paper_metrics:
            metrics["paper_id"].append(pid)
            for k in metric_cols:
                metrics[k].append(getattr(m, k))
    for table, cols in (("papers", papers), ("sections", sections), ("chunks", chunk_rows),
                        ("links", links), ("metrics", metrics)):
        store.insert_columns(con, table, cols)
