"""`KnowledgeBase`: the public entry point; coordinates the modules, holds no SQL or FAISS detail."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

from kb import leaderboard, reading, store
from kb.chunk import DEFAULT_MAX_CHARS
from kb.embed import DEFAULT_BACKEND, Embedder, Recipe, make_embedder
from kb.doctor import Checkup, diagnose
from kb.doctor import repair as repair_kb
from kb.evaluate import ModeScores, evaluate, load_queries
from kb.errors import KBError, NotFoundError
from kb.ingest import IngestSummary, ProgressFn, ingest, remove_papers
from kb.export import check_format
from kb.export import export as export_papers
from kb.ids import normalize_paper_ref, resolve_paper
from kb.marks import MarkStore, tag_key, write_atomic
from kb.recommend import recommend as recommend_papers
from kb.paths import Layout, resolve_kb_dir
from kb.search import Filters, Results, Searcher
from kb.snapshot import Snapshot
from kb.user_sql import DEFAULT_TIMEOUT_S, run_select
from kb.when import parse_when


@dataclass
class SQLResult:
    """Rows of a read-only query with their column names; `truncated` when the row cap cut it."""

    columns: list[str]
    rows: list[tuple]
    truncated: bool = False

    def to_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]

    def to_pandas(self):  # -> pandas.DataFrame
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def __len__(self) -> int:
        return len(self.rows)


class KnowledgeBase:
    """A knowledge base directory: DuckDB metadata plus FAISS and BM25 indexes.

    One object may be shared by many threads (a web server's workers): each read runs on a
    cursor of its own over an immutable snapshot, and every read first checks whether an ingest
    (here or in another process) has swapped in a newer database, and if so answers from that.

    Example:
        kb = KnowledgeBase.open("indexes")
        kb.ingest(["data/"])
        for hit in kb.ask("KV cache quantization for video", top_k=3):
            print(hit.title, hit.url)
    """

    def __init__(self, layout: Layout, embedder: Embedder | None = None, *, memory_limit: str | None = None) -> None:
        self.layout = layout
        self._embedder = embedder
        self._memory_limit = memory_limit
        self._snap: Snapshot | None = None
        self._lock = threading.RLock()

    @classmethod
    def open(cls, directory: str | os.PathLike[str] | None = None, *, embedder: Embedder | None = None,
             memory_limit: str | None = None) -> KnowledgeBase:
        """Open (or prepare to create) the knowledge base in `directory` (`--kb`, `$KB_DIR`, `./indexes`).

        `memory_limit` (e.g. "4GB") bounds what user SQL may take; the default is 2GB.
        """
        return cls(Layout(resolve_kb_dir(directory)), embedder, memory_limit=memory_limit)

    @property
    def exists(self) -> bool:
        return self.layout.db.exists()

    def close(self) -> None:
        """Release the database connection (call it when no other thread is reading)."""
        with self._lock:
            if self._snap is not None:
                self._snap.close()
            self._snap = None

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        backend: str | None = None,
        model: str | None = None,
        max_chars: int | None = None,
        rebuild: bool = False,
        allow_shrink: bool = False,
        on_progress: ProgressFn | None = None,
        on_problem: Callable[[str], None] | None = None,
        wait_seconds: float = 0.0,
        on_file: Callable[[int, int, str], None] | None = None,
        on_papers: ProgressFn | None = None,
    ) -> IngestSummary:
        """Add report files or folders; only new or changed papers are embedded.

        A re-ingested file that lost papers, or a paper whose text lost sections, keeps what the
        knowledge base had (the summary's `problems` say so) unless `allow_shrink`.
        """
        meta = self.meta() if self.exists and not rebuild else {}
        if max_chars is None:
            max_chars = int(meta.get("chunk_max_chars", DEFAULT_MAX_CHARS))
        embedder = self._embedder_for(meta, backend, model)
        summary = ingest(self.layout, paths, embedder, max_chars=max_chars, rebuild=rebuild,
                         allow_shrink=allow_shrink, on_progress=on_progress, on_problem=on_problem,
                         wait_seconds=wait_seconds, on_file=on_file, on_papers=on_papers)
        self._embedder = embedder  # the index now matches it
        return summary

    def remove(self, paper_ids: Iterable[str], *, wait_seconds: float = 0.0) -> list[str]:
        """Remove papers and everything derived from them (ingest never removes anything by itself)."""
        return remove_papers(self.layout, paper_ids, wait_seconds=wait_seconds)

    # -- reading -----------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """The recorded recipe, generation and schema version (readable at any schema version)."""
        con = store.connect_read(self.layout.db)
        try:
            return store.read_meta(con)
        finally:
            con.close()

    @property
    def recipe(self) -> Recipe:
        m = self.meta()
        return Recipe(m["embed_backend"], m["embed_model"], int(m["embed_dim"]))

    def ask(
        self,
        query: str,
        top_k: int = 10,
        *,
        since: Date | str | None = None,
        until: Date | str | None = None,
        domains: Iterable[str] | None = None,
        section: str | None = None,
        where: str | None = None,
        mode: str = "hybrid",
        chunks: bool = False,
    ) -> Results:
        """Papers that answer `query`, best first, after applying every filter."""
        filters = Filters(
            since=_as_date(since), until=_as_date(until), domains=tuple(domains or ()),
            section=section, where=where,
        )
        return self._search().ask(query, top_k=top_k, filters=filters, mode=mode, chunks=chunks)

    def similar(self, paper_id: str, top_k: int = 10) -> Results:
        """Papers nearest to `paper_id` by their chunk vectors."""
        return self._search().similar(paper_id, top_k=top_k)

    def terms(self, word: str | None = None, *, top_k: int = 30) -> list[dict[str, Any]]:
        """What `word` expands to in the other language (term, expansion, source, weight, count, papers),
        or without a word the mined lexicon's most frequent pairs (zh, en, count, papers)."""
        return self._search().terms(word, top_k=top_k)

    def sql(self, query: str, params: list[Any] | None = None, *, max_rows: int | None = None,
            timeout_s: float | None = DEFAULT_TIMEOUT_S) -> SQLResult:
        """Run one read-only SELECT over papers, appearances, sections, chunks, links, metrics and views.

        It runs on a cursor of its own, stops after `timeout_s` seconds (None: no limit) and
        returns at most `max_rows` rows (None: all), with `truncated` set when it cut.
        """
        out = run_select(self._snapshot().con, query, params, max_rows=max_rows, timeout_s=timeout_s)
        return SQLResult(out.columns, out.rows, out.truncated)

    def resolve(self, ref: str, *, in_kb: bool = True) -> str:
        """The paper id of what a person pastes: an id (`v2`, `arXiv:`), its URL, or words of its title.

        With `in_kb=False` an id form is returned without asking the database (marks may name
        papers not ingested yet); a title still needs the knowledge base.
        Example: kb.resolve("https://arxiv.org/abs/2602.02958v2") == "2602.02958"
        """
        if not in_kb and (paper_id := normalize_paper_ref(ref)) is not None:
            return paper_id
        with self._reading() as con:
            return resolve_paper(con, ref)

    def show(self, paper_id: str) -> dict[str, Any]:
        """Everything known about one paper: metadata, sections, metrics, links and appearances."""
        con = self._snapshot().con
        paper = store.run_sql(con, "SELECT * EXCLUDE (content_hash) FROM papers WHERE paper_id = ?", [paper_id])
        if not paper[1]:
            raise NotFoundError(
                f"no paper {paper_id!r} in this knowledge base; list ids with `kb sql \"SELECT paper_id, title FROM papers\"`"
            )
        record: dict[str, Any] = dict(zip(paper[0], paper[1][0]))
        for key, sql in (
            ("sections", "SELECT section, label, text FROM sections WHERE paper_id = ? ORDER BY ordinal"),
            ("metrics", "SELECT benchmark, metric, value, unit, direction, baseline, comparison, evidence "
                        "FROM metrics WHERE paper_id = ? ORDER BY benchmark NULLS LAST, metric"),
            ("links", "SELECT kind, url FROM links WHERE paper_id = ? ORDER BY kind, url"),
            ("appearances", "SELECT date, source_file FROM appearances WHERE paper_id = ? ORDER BY date"),
        ):
            columns, rows = store.run_sql(con, sql, [paper_id])
            record[key] = [dict(zip(columns, r)) for r in rows]
        record.update({k: v for k, v in self._marks.get(paper_id).items() if k != "paper_id"})  # tags, notes, read
        return record

    def new(self, since: Date | str | None = None, domains: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Papers featured in reports since `since` (default: the latest report day), newest report first."""
        with self._reading() as con:
            return reading.new_papers(con, _as_date(since), tuple(domains or ()))

    def benchmarks(self) -> list[dict[str, Any]]:
        """Benchmarks the papers evaluate on (`benchmark`, `papers`, `results`), most papers first."""
        with self._reading() as con:
            return leaderboard.benchmarks(con)

    def leaderboard(self, benchmark: str, metric: str | None = None) -> list[dict[str, Any]]:
        """Papers' own results on `benchmark` (aliases match through the registry), best first."""
        with self._reading() as con:
            return leaderboard.leaderboard(con, benchmark, metric)

    # -- a reader's marks (their own file; no ingest or rebuild touches them) --

    def tag(self, paper_id: str, *tags: str) -> dict[str, Any]:
        """Add tags to a paper (kept even before the paper is ingested), e.g. `kb.tag("2602.02958", "liked")`."""
        return self._present(self._marks.tag(paper_id, tags))

    def untag(self, paper_id: str, *tags: str) -> dict[str, Any]:
        """Remove tags from a paper."""
        return self._present(self._marks.untag(paper_id, tags))

    def note(self, paper_id: str, text: str | None = None, *, clear: bool = False) -> dict[str, Any]:
        """Append a note to a paper; `clear` drops its earlier notes."""
        return self._present(self._marks.note(paper_id, text, clear=clear))

    def mark_read(self, paper_id: str) -> dict[str, Any]:
        """Mark a paper read."""
        return self._present(self._marks.set_read(paper_id, True))

    def mark_unread(self, paper_id: str) -> dict[str, Any]:
        """Mark a paper unread."""
        return self._present(self._marks.set_read(paper_id, False))

    def marks(self, paper_id: str | None = None) -> list[dict[str, Any]]:
        """The marks of one paper, or of every marked paper (ingested or not)."""
        return [self._marks.get(paper_id)] if paper_id is not None else self._marks.all()

    def list_papers(self, tag: str | None = None, *, unread: bool = False, since: Date | str | None = None,
                    until: Date | str | None = None, domains: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Papers with their tags, notes and read state, latest featured first."""
        with self._reading() as con:
            return reading.marked_papers(con, self._marks.all(), tag=None if tag is None else tag_key(tag),
                                         unread=unread, since=_as_date(since), until=_as_date(until),
                                         domains=tuple(domains or ()))

    def recommend(self, tag: str | None = None, *, since: Date | str | None = None, top_k: int = 10) -> list[dict[str, Any]]:
        """Untagged, unread papers ranked for those tagged `tag` (or any tag), each with the terms that weigh most."""
        snap = self._snapshot()
        con = snap.cursor()
        try:
            return recommend_papers(con, self._marks.all(), key=(str(self.layout.db), snap.identity),
                                    tag=None if tag is None else tag_key(tag), since=_as_date(since), top_k=top_k)
        finally:
            con.close()

    def export(self, format: str = "markdown", query: str | None = None, *, tag: str | None = None,
               since: Date | str | None = None, until: Date | str | None = None, domains: Iterable[str] = (),
               top_k: int = 20, output: str | os.PathLike[str] | None = None) -> str:
        """Papers as bibtex, markdown, csv, jsonl or atom (one entry a report appearance); `output` is written atomically.

        Example: kb.export("bibtex", tag="liked", output="liked.bib")
        """
        fmt, start, end, doms = check_format(format), _as_date(since), _as_date(until), tuple(domains or ())
        ids = None if query is None else [h.paper_id for h in self.ask(query, top_k, since=start, until=end, domains=doms)]
        with self._reading() as con:
            text = export_papers(con, self._marks.all(), fmt, tag=None if tag is None else tag_key(tag),
                                 since=start, until=end, domains=doms, paper_ids=ids)
        if output is not None:
            write_atomic(Path(output), text)
        return text

    def stats(self) -> dict[str, Any]:
        """Counts per date and domain, index sizes and the embedding recipe."""
        snap = self._snapshot()
        with self._reading() as con:
            return self._stats(snap, con)

    def _stats(self, snap: Snapshot, con: Any) -> dict[str, Any]:
        meta = snap.meta
        gen = snap.generation
        files = [self.layout.db, self.layout.vectors_file(gen), self.layout.lexical_file(gen)]
        count = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "directory": str(self.layout.root),
            "papers": count("SELECT count(*) FROM papers"),
            "chunks": count("SELECT count(*) FROM chunks"),
            "appearances": count("SELECT count(*) FROM appearances"),
            "metrics": count("SELECT count(*) FROM metrics"),
            "links": count("SELECT count(*) FROM links"),
            "files": count("SELECT count(*) FROM files"),
            "per_date": [
                {"date": d.isoformat(), "papers": n}
                for d, n in con.execute("SELECT date, count(DISTINCT paper_id) FROM appearances GROUP BY date ORDER BY date").fetchall()
            ],
            "per_domain": [
                {"domain": d, "papers": n}
                for d, n in con.execute(
                    "SELECT domain, count(*) AS n FROM (SELECT unnest(domains) AS domain FROM papers) GROUP BY domain ORDER BY n DESC, domain"
                ).fetchall()
            ],
            "bytes_on_disk": sum(f.stat().st_size for f in files if f.exists()),
            "recipe": {"backend": meta.get("embed_backend"), "model": meta.get("embed_model"),
                       "dim": int(meta.get("embed_dim", 0)), "chunk_max_chars": int(meta.get("chunk_max_chars", 0))},
            "generation": gen,
            "schema_version": int(meta.get("schema_version", 0)),
        }

    def evaluate(self, queries_file: str | os.PathLike[str], modes: Iterable[str] = ("dense", "lexical", "hybrid"),
                 top_k: int = 10) -> list[ModeScores]:
        """MRR, Recall@5 and nDCG@10 (graded where the set has grades) of each mode on a labelled JSONL query set."""
        queries = load_queries(Path(queries_file))
        return [
            evaluate(queries, lambda q, m=mode: [h.paper_id for h in self.ask(
                q.query, top_k=top_k, mode=m, since=q.since, until=q.until)], mode, Path(queries_file).name)
            for mode in modes
        ]

    def doctor(self, repair: bool = False) -> Checkup:
        """Check that database, vectors and lexical index agree; with `repair`, rebuild what is derivable."""
        if not repair:
            return diagnose(self.layout)
        # The embedder loads only if vectors must be made again: a damaged database needs none.
        return repair_kb(self.layout, lambda: self._embedder_for(self.meta(), None, None))

    # -- internals ---------------------------------------------------------

    @property
    def _marks(self) -> MarkStore:
        return MarkStore(self.layout.marks, self.layout.marks_lock)

    def _present(self, record: dict[str, Any]) -> dict[str, Any]:
        """A mark record saying whether the knowledge base holds its paper yet."""
        if not self.exists:
            return {**record, "in_kb": False}
        try:
            with self._reading() as con:
                return {**record, "in_kb": reading.has_paper(con, record["paper_id"])}
        except KBError:  # the mark is saved; a knowledge base that cannot be read now only leaves this unknown
            return {**record, "in_kb": None}

    def _snapshot(self) -> Snapshot:
        """The snapshot of the database file now in place, reopened when an ingest swapped it."""
        snap = self._snap
        if snap is not None and snap.current:
            return snap
        with self._lock:
            snap = self._snap
            if snap is None or not snap.current:
                if not self.layout.db.exists():
                    store.connect_read(self.layout.db)  # raises the error that says how to build one
                # The replaced snapshot is left to the threads still reading it; it closes when they drop it.
                self._snap = snap = Snapshot(self.layout, memory_limit=self._memory_limit)
            return snap

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        """A cursor over the current snapshot for one call (cursors are safe across threads)."""
        cur = self._snapshot().cursor()
        try:
            yield cur
        finally:
            cur.close()

    def _search(self) -> Searcher:
        # Retried once: a reader that opened a database just before two quick ingests may find its
        # generation pruned; the database in place by then names one that exists.
        for attempt in range(3):
            snap = self._snapshot()
            try:
                return snap.searcher(lambda meta: self._embedder_for(meta, None, None))
            except NotFoundError:
                if snap.current or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _embedder_for(self, meta: dict[str, str], backend: str | None, model: str | None) -> Embedder:
        """The embedder asked for, else the one given at open, else the one the index was built with."""
        if backend is not None or model is not None:
            return make_embedder(backend or DEFAULT_BACKEND, model)
        if self._embedder is None:
            built = meta.get("embed_backend")
            self._embedder = make_embedder(built or DEFAULT_BACKEND, meta.get("embed_model") if built else None)
        return self._embedder


def _as_date(value: Date | str | None) -> Date | None:
    return None if value is None else parse_when(value)
