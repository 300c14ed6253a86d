"""Report files → rows and vectors in the knowledge base, incrementally and all-or-nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

from kb import store
from kb.chunk import CHUNKER_VERSION, chunk_paper
from kb.embed import Embedder, Recipe, recipe_of
from kb.errors import NotFoundError, RecipeMismatchError, StorageError
from kb.facts import EXTRACTOR_VERSION, facts_stale, refresh_facts
from kb.generation import next_generation, prune_generations, remove_stale_scratch, write_generation
from kb.locks import file_lock
from kb.parse import Paper
from kb.paths import Layout
from kb.reports import DERIVATION_VERSION, parse_again, read_report, report_files, unique_papers
from kb.write_rows import BatchWriter, finish_rows, write_files

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
    facts_refreshed: int = 0  # papers whose facts were re-extracted by newer rules or after an upgrade
    seconds: float = 0.0
    generation: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Seen:
    """One paper in one report, as much as deciding what to write needs: not its text.

    Holding every parsed paper of a large call at once took 9 GiB at 100k papers; the text is
    parsed again, a batch at a time, when it is written.
    """

    paper_id: str
    title: str
    line: int
    date: Date
    source_file: str
    digest: str
    sections: frozenset[str]
    new_chunks: int


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
    on_file: Callable[[int, int, str], None] | None = None,
    on_papers: ProgressFn | None = None,
) -> IngestSummary:
    """Ingest report files; unchanged files and papers cost nothing, changed ones replace their rows.

    `on_file(done, total, path)` follows the reading of files, `on_papers(done, total)` the papers
    written (a batch at a time), `on_progress(done, total)` the
    embedding of chunks.

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
        read_digests: dict[str, str] = {}
        seen: list[_Seen] = []
        skipped: set[str] = set()  # papers of files skipped as unchanged: unchanged papers too
        for done, path in enumerate(files, start=1):
            before = summary.files_unchanged
            parsed = read_report(path, known_files, summary)
            if on_file:
                on_file(done, len(files), str(path))
            if summary.files_unchanged > before:
                skipped |= state.file_papers.get(str(path), set())
            if parsed is None:
                continue
            digest, report_date, papers = parsed
            changed_files[str(path)] = (digest, report_date)
            read_digests[str(path)] = digest
            for paper in unique_papers(papers, path, summary.problems):
                seen.append(_seen(paper, report_date, str(path), max_chars, known_vectors, summary, on_problem))
            del papers, parsed

        # The newest report's text wins when a paper appears more than once, in this call or
        # against what is stored: an older report ingested later does not overwrite newer text.
        latest: dict[str, _Seen] = {}
        for s in sorted(seen, key=lambda s: s.date):
            latest[s.paper_id] = s
        kept_appearances = _kept_appearances(state, changed_files, seen, allow_shrink, summary)
        refused = {path for _, path in kept_appearances}
        to_write: dict[str, _Seen] = {}
        for pid, s in latest.items():
            if pid in known_papers and known_papers[pid] != s.digest and not _may_replace(state, s, allow_shrink, summary):
                summary.papers_unchanged += 1
                refused.add(s.source_file)
            elif pid not in known_papers:
                summary.papers_added += 1
                to_write[pid] = s
            elif known_papers[pid] != s.digest:
                summary.papers_updated += 1
                to_write[pid] = s
            else:
                summary.papers_unchanged += 1
        summary.papers_unchanged += len(skipped - latest.keys())

        # A file whose shrink was refused keeps its old digest, so it stays "changed": the warning
        # repeats on every ingest until it is resolved, and `--allow-shrink` later still applies.
        for path in refused:
            if path in known_files and path in changed_files:
                changed_files[path] = (known_files[path], changed_files[path][1])
        # Facts extracted by older rules are re-extracted even when no file changed.
        if not changed_files and not rebuild and not facts_stale(meta):
            summary.chunks_total = int(meta.get("chunks", 0) or 0)
            summary.generation = int(meta.get("generation", 0) or 0)
            summary.seconds = time.perf_counter() - started
            return summary

        total_pending = sum(s.new_chunks for s in to_write.values())
        if on_progress:
            on_progress(0, total_pending)
        generation = next_generation(layout, state.live_generation)
        scratch = layout.root / f".kb.duckdb.{os.getpid()}.tmp"
        with store.write_copy(layout.db, scratch, fresh=rebuild) as con:
            if meta and (int(meta.get("schema_version", store.SCHEMA_VERSION)) < store.SCHEMA_VERSION or facts_stale(meta)):
                # an upgraded database or older rules: re-extract the papers this ingest leaves as they are
                summary.facts_refreshed = refresh_facts(con)
            summary.appearances_added = write_files(
                con, changed_files, [(x.paper_id, x.date, x.source_file) for x in seen], kept_appearances)
            del seen, latest
            writer = BatchWriter(con, embedder, known_vectors, total_pending, on_progress,
                                 papers_total=len(to_write), on_papers=on_papers)
            for path in changed_files:
                mine = {pid for pid, s in to_write.items() if s.source_file == path}
                if mine:
                    for paper in parse_again(Path(path), read_digests[path]):
                        if paper.paper_id in mine:
                            writer.add(paper, to_write[paper.paper_id].digest, max_chars)
            writer.flush()
            summary.chunks_embedded = writer.embedded
            finish_rows(con)
            total = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
            store.set_meta(con, {
                "generation": str(generation), "embed_backend": recipe.backend,
                "embed_model": recipe.model, "embed_dim": str(recipe.dim),
                "chunk_max_chars": str(max_chars), "chunker_version": str(CHUNKER_VERSION),
                "chunks": str(total), "extractor_version": str(EXTRACTOR_VERSION),
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


def _seen(paper: Paper, day: Date, path: str, max_chars: int, known_vectors: set[int], summary: IngestSummary,
          on_problem: Callable[[str], None] | None) -> _Seen:
    chunks = chunk_paper(paper, max_chars)
    if len(chunks) > UNUSUAL_CHUNKS:
        # Said before embedding starts: at ~40 chunks a second, such a paper costs minutes.
        warn(summary, on_problem, f"{path}:{paper.line}: {paper.title[:80]!r} ({paper.paper_id}) makes {len(chunks)} "
             f"chunks, where a paper usually makes under 20; embedding it takes about "
             f"{max(1, round(len(chunks) / 40 / 60))} min — check its file")
    return _Seen(paper.paper_id, paper.title, paper.line, day, path, paper_hash(paper),
                 frozenset(sec.key for sec in paper.sections),
                 len({c.chunk_id for c in chunks if c.chunk_id not in known_vectors}))


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


def _kept_appearances(state: _State, changed_files: dict[str, tuple[str, Date | None]], seen: list[_Seen],
                      allow_shrink: bool, summary: IngestSummary) -> set[tuple[str, str]]:
    """(paper, file) appearances a re-ingested file no longer has, kept unless shrinking is allowed."""
    now_in = {(s.paper_id, s.source_file) for s in seen}
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
    pid = s.paper_id
    newest = state.paper_newest.get(pid)
    if newest is not None and newest > s.date:
        summary.problems.append(
            f"{s.source_file}: {pid} is dated {s.date}, older than the stored text from {newest}; the newer text stays"
        )
        return False
    lost = sorted(state.paper_sections.get(pid, set()) - s.sections)
    if lost and not allow_shrink:
        summary.problems.append(
            f"{s.source_file}:{s.line}: {pid} lacks sections it had before ({', '.join(lost)}); kept the stored "
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


