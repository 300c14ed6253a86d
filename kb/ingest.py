"""Report files → rows and vectors in the knowledge base, incrementally and all-or-nothing."""

from __future__ import annotations

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
from kb.errors import NotFoundError, ParseError, RecipeMismatchError, StorageError
from kb.extract import extract_links
from kb.facts import PaperFactRows, fact_columns, paper_facts, refresh_facts
from kb.integrity import write_manifest
from kb.lexical import LexicalIndex
from kb.locks import file_lock
from kb.parse import Paper, parse_report
from kb.paths import Layout
from kb.vectors import build_index, load_index, save_index

# Bumped when parsing or extraction changes what is derived from the same file,
# so re-ingesting unchanged files still refreshes their rows.
DERIVATION_VERSION = 1
REPORT_SUFFIXES = (".md", ".markdown", ".txt")
_FILE_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")

ProgressFn = Callable[[int, int], None]
# A paper with more chunks than this is almost surely a damaged or pasted-in file.
UNUSUAL_CHUNKS = 200


def warn(summary: IngestSummary, on_problem: Callable[[str], None] | None, message: str) -> None:
    """Record a problem, and tell the caller at once when it wants to know before the work is done."""
    summary.problems.append(message)
    if on_problem is not None:
        on_problem(message)


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
    """Expand files and folders into report files, sorted.

    A path that does not exist is an error (before anything is written); an empty folder and a
    file whose name is not valid UTF-8 (which no database row could hold) become problems.
    """
    found: list[Path] = []
    missing = [str(raw) for raw in paths if not Path(raw).exists()]
    if missing:
        raise NotFoundError(f"no such file or folder: {', '.join(missing)}; check the path and run `kb ingest` again")
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            inside = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES)
            if not inside:
                problems.append(f"{p}: no report files (*.md, *.markdown, *.txt) in this folder")
            found.extend(inside)
        else:
            found.append(p)
    usable = []
    for f in found:
        try:
            str(f).encode("utf-8")
        except UnicodeEncodeError:
            problems.append(f"{ascii(str(f))[1:-1]}: the file name is not valid UTF-8; rename it to ingest it (skipped)")
            continue
        usable.append(f)
    unique = dict.fromkeys(f.resolve() for f in usable)
    return list(unique)


@contextmanager
def writer_lock(layout: Layout, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the single-writer lock of a knowledge base, waiting up to `wait_seconds`."""
    if layout.root.exists() and not layout.root.is_dir():
        raise NotFoundError(f"{layout.root} is a file, not a knowledge-base folder; point --kb or KB_DIR at a folder")
    try:
        layout.root.mkdir(parents=True, exist_ok=True)
        layout.lock.touch()
    except OSError as exc:
        raise StorageError(f"cannot write {layout.root} ({exc.strerror}); choose a writable --kb folder") from None
    busy = f"another `kb ingest` is writing to {layout.root}; wait for it to finish or pass `--wait SECONDS`"
    with file_lock(layout.lock, wait_seconds, busy, poll_seconds=0.2):
        yield


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
    allow_shrink: bool = False,
    on_progress: ProgressFn | None = None,
    on_problem: Callable[[str], None] | None = None,
    wait_seconds: float = 0.0,
) -> IngestSummary:
    """Ingest report files; unchanged files and papers cost nothing, changed ones replace their rows.

    Nothing is removed silently: a re-ingested file that lost papers keeps them, and a paper
    whose new text lost sections keeps its stored text, each with a problem saying so, unless
    `allow_shrink`.
    """
    started = time.perf_counter()
    summary = IngestSummary()
    files = report_files(paths, summary.problems)
    summary.files = len(files)
    with writer_lock(layout, wait_seconds):
        remove_stale_scratch(layout)
        if layout.db.exists():
            store.refuse_foreign(layout.db)  # never read as ours, nor replace, a database kb did not write
        state = _current_state(layout, rebuild)
        meta, known_files, known_papers, known_vectors = state.meta, state.files, state.papers, state.vectors
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
            seen.extend(_Seen(p, report_date, str(path)) for p in _unique_papers(papers, path, summary))

        # The newest report's text wins when a paper appears more than once, in this call or
        # against what is stored: an older report ingested later does not overwrite newer text.
        latest: dict[str, _Seen] = {}
        for s in sorted(seen, key=lambda s: s.date):
            latest[s.paper.paper_id] = s
        kept_appearances = _kept_appearances(state, changed_files, seen, allow_shrink, summary)
        refused = {path for _, path in kept_appearances}
        to_write: dict[str, tuple[Paper, str]] = {}
        for pid, s in latest.items():
            h = paper_hash(s.paper)
            if pid in known_papers and known_papers[pid] != h and not _may_replace(state, s, allow_shrink, summary):
                summary.papers_unchanged += 1
                refused.add(s.source_file)
            elif pid not in known_papers:
                summary.papers_added += 1
                to_write[pid] = (s.paper, h)
            elif known_papers[pid] != h:
                summary.papers_updated += 1
                to_write[pid] = (s.paper, h)
            else:
                summary.papers_unchanged += 1

        # A file whose shrink was refused keeps its old digest, so it stays "changed": the warning
        # repeats on every ingest until it is resolved, and `--allow-shrink` later still applies.
        for path in refused:
            if path in known_files and path in changed_files:
                changed_files[path] = (known_files[path], changed_files[path][1])
        if not changed_files and not rebuild:
            summary.chunks_total = int(meta.get("chunks", 0) or 0)
            summary.generation = int(meta.get("generation", 0) or 0)
            summary.seconds = time.perf_counter() - started
            return summary

        chunks = {pid: chunk_paper(paper, max_chars) for pid, (paper, _) in to_write.items()}
        pending = [c for cs in chunks.values() for c in cs if c.chunk_id not in known_vectors]
        pending = list({c.chunk_id: c for c in pending}.values())
        for pid, cs in chunks.items():
            if len(cs) > UNUSUAL_CHUNKS:
                # Said before embedding starts: at ~40 chunks a second, such a paper costs minutes.
                warn(summary, on_problem, f"{to_write[pid][0].title!r} ({pid}) makes {len(cs)} chunks, where a paper "
                     f"usually makes under 20; embedding it takes about {len(cs) / 40 / 60:.0f} min — check its file")
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

        generation = next_generation(layout, state.live_generation)
        scratch = layout.root / f".kb.duckdb.{os.getpid()}.tmp"
        with store.write_copy(layout.db, scratch, fresh=rebuild) as con:
            if meta and int(meta.get("schema_version", store.SCHEMA_VERSION)) < store.SCHEMA_VERSION:
                refresh_facts(con)  # an upgraded database: re-extract the papers this ingest leaves as they are
            _write_rows(con, changed_files, seen, to_write, chunks, pending, vectors, summary, kept_appearances)
            total = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
            store.set_meta(con, {
                "generation": str(generation), "embed_backend": recipe.backend,
                "embed_model": recipe.model, "embed_dim": str(recipe.dim),
                "chunk_max_chars": str(max_chars), "chunker_version": str(CHUNKER_VERSION),
                "chunks": str(total),
            })
            summary.chunks_total = int(total)
            try:
                write_generation(layout, con, generation, recipe.dim,
                                 previous=None if rebuild else state.live_generation)
            except OSError as exc:
                shutil.rmtree(layout.generation_dir(generation).with_name(f"gen-{generation:06d}.tmp"), ignore_errors=True)
                raise StorageError(f"cannot write {layout.root} ({exc.strerror}); free some space or make it "
                                   "writable, then run the ingest again (nothing was changed)") from None
        store.publish(scratch, layout.db)
        prune_generations(layout, keep={generation, state.live_generation})
        summary.generation = generation
    summary.seconds = time.perf_counter() - started
    return summary


def remove_papers(layout: Layout, paper_ids: Iterable[str], *, wait_seconds: float = 0.0) -> list[str]:
    """Remove papers and every row derived from them, in a new generation; returns the ids removed.

    Their files stay recorded as ingested, so an unchanged file does not bring them back; a
    changed one does.
    """
    wanted = list(dict.fromkeys(paper_ids))
    if not wanted:
        raise NotFoundError("name at least one paper id to remove, e.g. `kb remove 2602.02958`")
    with writer_lock(layout, wait_seconds):
        remove_stale_scratch(layout)
        state = _current_state(layout, rebuild=False)
        unknown = [pid for pid in wanted if pid not in state.papers]
        if unknown:
            raise NotFoundError(
                f"no paper {', '.join(unknown)} in this knowledge base; list ids with `kb sql \"SELECT paper_id, title FROM papers\"`"
            )
        generation = next_generation(layout, state.live_generation)
        scratch = layout.root / f".kb.duckdb.{os.getpid()}.tmp"
        with store.write_copy(layout.db, scratch) as con:
            store.delete_papers(con, wanted, keep_appearances=False)
            con.execute("DELETE FROM embeddings WHERE chunk_id NOT IN (SELECT chunk_id FROM chunks)")
            total = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
            store.set_meta(con, {"generation": str(generation), "chunks": str(total)})
            write_generation(layout, con, generation, int(state.meta["embed_dim"]), previous=state.live_generation)
        store.publish(scratch, layout.db)
        prune_generations(layout, keep={generation, state.live_generation})
    return wanted


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


def _kept_appearances(state: _State, changed_files: dict[str, tuple[str, Date | None]], seen: list[_Seen],
                      allow_shrink: bool, summary: IngestSummary) -> set[tuple[str, str]]:
    """(paper, file) appearances a re-ingested file no longer has, kept unless shrinking is allowed."""
    now_in = {(s.paper.paper_id, s.source_file) for s in seen}
    kept: set[tuple[str, str]] = set()
    for path in changed_files:
        lost = sorted(pid for pid in state.file_papers.get(path, ()) if (pid, path) not in now_in)
        if not lost:
            continue
        if allow_shrink:
            summary.problems.append(f"{path}: {len(lost)} papers no longer in this file were removed from it ({', '.join(lost[:5])})")
            continue
        kept.update((pid, path) for pid in lost)
        summary.problems.append(
            f"{path}: {len(lost)} papers stored from this file are no longer in it ({', '.join(lost[:5])}"
            f"{', …' if len(lost) > 5 else ''}); kept them — pass --allow-shrink to drop them, or `kb remove ID`"
        )
    return kept


def _may_replace(state: _State, s: _Seen, allow_shrink: bool, summary: IngestSummary) -> bool:
    """Whether this text may replace a paper's stored text: not older, and not missing sections."""
    pid = s.paper.paper_id
    newest = state.paper_newest.get(pid)
    if newest is not None and newest > s.date:
        summary.problems.append(
            f"{s.source_file}: {pid} is dated {s.date}, older than the stored text from {newest}; the newer text stays"
        )
        return False
    lost = sorted(state.paper_sections.get(pid, set()) - {sec.key for sec in s.paper.sections})
    if lost and not allow_shrink:
        summary.problems.append(
            f"{s.source_file}:{s.paper.line}: {pid} lacks sections it had before ({', '.join(lost)}); kept the stored "
            "text — pass --allow-shrink to accept the shorter version"
        )
        return False
    return True


def paper_hash(paper: Paper) -> str:
    """A digest of everything derived from a paper; equal digests mean nothing to redo."""
    h = hashlib.sha256(f"v{DERIVATION_VERSION}\x1e{paper.title}\x1e{paper.url}\x1e{paper.read_source}".encode())
    for s in paper.sections:
        h.update(f"\x1e{s.key}\x1f{s.label}\x1f{s.text}".encode())
    return h.hexdigest()


def write_generation(
    layout: Layout, con: duckdb.DuckDBPyConnection, generation: int, dim: int, *, previous: int | None = None
) -> None:
    """Build the FAISS and BM25 indexes and the chunk map from the database into a new generation directory.

    Given the `previous` (live) generation, what it learnt (IVF centroids) is reused and only
    new chunks are tokenized for BM25; a rebuild or a repair passes None so nothing is
    inherited from another recipe or a possibly damaged generation.
    """
    ids, vectors = load_vectors(con, dim)
    reuse_previous = previous is not None
    prior = previous if previous is not None else 0
    previous_index = _previous_index(layout, prior) if reuse_previous else None
    final = layout.generation_dir(generation)
    tmp = final.with_name(final.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_index(build_index(ids, vectors, dim, previous=previous_index), tmp / "vectors.faiss")
    del previous_index, vectors  # gone before BM25 makes its arrays, so the two peaks do not add up
    # A chunk id is a hash of its text, so a chunk the previous index holds needs no tokenizing again.
    lexical = LexicalIndex.load_reusable(layout.lexical_file(prior)) if reuse_previous else None
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
    write_manifest(tmp)  # checksums, so `kb doctor` can tell a damaged file from a good one
    if final.exists():  # never the live generation: numbers are not reused (`next_generation`)
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


@dataclass
class _State:
    """What the live knowledge base holds, read under the writer lock."""

    meta: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    papers: dict[str, str] = field(default_factory=dict)
    vectors: set[int] = field(default_factory=set)
    file_papers: dict[str, set[str]] = field(default_factory=dict)
    paper_sections: dict[str, set[str]] = field(default_factory=dict)
    paper_newest: dict[str, Date] = field(default_factory=dict)
    live_generation: int = 0


def _current_state(layout: Layout, rebuild: bool) -> _State:
    if not layout.db.exists():
        return _State()
    con = store.connect_read(layout.db)
    try:
        meta = store.read_meta(con)
        live = int(meta.get("generation", 0) or 0)
        if rebuild:
            return _State(live_generation=live)
        state = _State(
            meta=meta, live_generation=live,
            files=dict(con.execute("SELECT path, sha256 FROM files").fetchall()),
            papers=dict(con.execute("SELECT paper_id, content_hash FROM papers").fetchall()),
            vectors={r[0] for r in con.execute("SELECT chunk_id FROM embeddings").fetchall()},
        )
        for pid, path in con.execute("SELECT paper_id, source_file FROM appearances").fetchall():
            state.file_papers.setdefault(path, set()).add(pid)
        for pid, section in con.execute("SELECT paper_id, section FROM sections").fetchall():
            state.paper_sections.setdefault(pid, set()).add(section)
        state.paper_newest = dict(con.execute("SELECT paper_id, max(date) FROM appearances GROUP BY paper_id").fetchall())
    finally:
        con.close()
    return state


def _unique_papers(papers: list[Paper], path: Path, summary: IngestSummary) -> list[Paper]:
    """One copy of each paper id in a file: the later copy wins, and the problem says so."""
    by_id: dict[str, Paper] = {}
    for paper in papers:
        if (earlier := by_id.get(paper.paper_id)) is not None:
            summary.problems.append(
                f"{path}:{paper.line}: paper {paper.paper_id} appears again (first at line {earlier.line}); "
                f"the copy at line {paper.line} is used"
            )
        by_id[paper.paper_id] = paper
    return list(by_id.values())


def plausible_date(day: Date, today: Date | None = None) -> bool:
    """Daily Papers began in 2023; a date before 2015 or more than a month ahead is a typo."""
    today = today or Date.today()
    return Date(2015, 1, 1) <= day <= Date.fromordinal(today.toordinal() + 31)


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
    if not plausible_date(report.date):
        summary.problems.append(
            f"{path}: report date {report.date} is implausible (before 2015 or in the future); fix its `**Date**` line (skipped)"
        )
        return None
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
    kept_appearances: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> None:
    now = datetime.now()
    paths = list(changed_files)
    kept = sorted(kept_appearances)
    con.execute(
        "DELETE FROM appearances WHERE list_contains(?, source_file) AND NOT list_contains(?, paper_id || chr(31) || source_file)",
        [paths, [f"{pid}\x1f{path}" for pid, path in kept]],
    )
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
    extracted: dict[str, PaperFactRows] = {}
    for pid, (paper, digest) in to_write.items():
        domain = paper.section("domain")
        contribution = paper.section("contribution")
        extracted[pid] = found = paper_facts(paper)
        facts = found.facts
        row = {
            "paper_id": pid, "title": paper.title, "date": Date.min, "url": paper.url,
            "arxiv_url": f"https://arxiv.org/abs/{pid}", "pdf_url": f"https://arxiv.org/pdf/{pid}",
            "read_source": paper.read_source,
            "domains": [t.domain for t in found.domains],
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
    for table, cols in (("papers", papers), ("sections", sections), ("chunks", chunk_rows),
                        ("links", links), *fact_columns(extracted).items()):
        store.insert_columns(con, table, cols)
