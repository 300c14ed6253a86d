"""`KnowledgeBase`: the public entry point; coordinates the modules, holds no SQL or FAISS detail."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

import duckdb

from kb import store
from kb.chunk import DEFAULT_MAX_CHARS
from kb.chunkmap import ChunkMap
from kb.embed import DEFAULT_BACKEND, Embedder, Recipe, make_embedder, recipe_of
from kb.doctor import Checkup, diagnose
from kb.doctor import repair as repair_kb
from kb.evaluate import ModeScores, evaluate, load_queries
from kb.errors import NotFoundError, QueryError, RecipeMismatchError
from kb.ingest import IngestSummary, ProgressFn, ingest
from kb.lexical import LexicalIndex
from kb.paths import Layout, resolve_kb_dir
from kb.search import Filters, Results, Searcher
from kb.vectors import load_index


@dataclass
class SQLResult:
    """Rows of a read-only query with their column names."""

    columns: list[str]
    rows: list[tuple]

    def to_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]

    def to_pandas(self):  # -> pandas.DataFrame
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def __len__(self) -> int:
        return len(self.rows)


class KnowledgeBase:
    """A knowledge base directory: DuckDB metadata plus FAISS and BM25 indexes.

    Example:
        kb = KnowledgeBase.open("indexes")
        kb.ingest(["data/"])
        for hit in kb.ask("KV cache quantization for video", top_k=3):
            print(hit.title, hit.url)
    """

    def __init__(self, layout: Layout, embedder: Embedder | None = None) -> None:
        self.layout = layout
        self._embedder = embedder
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened_inode: int | None = None
        self._searcher: Searcher | None = None

    @classmethod
    def open(cls, directory: str | os.PathLike[str] | None = None, *, embedder: Embedder | None = None) -> KnowledgeBase:
        """Open (or prepare to create) the knowledge base in `directory` (`--kb`, `$KB_DIR`, `./indexes`)."""
        return cls(Layout(resolve_kb_dir(directory)), embedder)

    @property
    def exists(self) -> bool:
        return self.layout.db.exists()

    def close(self) -> None:
        """Release the database connection."""
        if self._searcher is not None:
            self._searcher.close()
        if self._con is not None:
            self._con.close()
        self._con = None
        self._searcher = None

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
        on_progress: ProgressFn | None = None,
        wait_seconds: float = 0.0,
    ) -> IngestSummary:
        """Add report files or folders; only new or changed papers are embedded."""
        meta = self.meta() if self.exists and not rebuild else {}
        if max_chars is None:
            max_chars = int(meta.get("chunk_max_chars", DEFAULT_MAX_CHARS))
        embedder = self._embedder_for(meta, backend, model)
        self.close()
        summary = ingest(self.layout, paths, embedder, max_chars=max_chars, rebuild=rebuild,
                         on_progress=on_progress, wait_seconds=wait_seconds)
        self._embedder = embedder  # the index now matches it
        return summary

    # -- reading -----------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """The recorded recipe, generation and schema version (readable at any schema version)."""
        self.close()  # DuckDB shares one instance per path; a stale one would show the old file
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

    def sql(self, query: str, params: list[Any] | None = None) -> SQLResult:
        """Run a read-only SELECT over papers, appearances, sections, chunks, links, metrics and views."""
        columns, rows = store.run_sql(self._connection(), query, params)
        return SQLResult(columns, rows)

    def show(self, paper_id: str) -> dict[str, Any]:
        """Everything known about one paper: metadata, sections, metrics, links and appearances."""
        con = self._connection()
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
        return record

    def stats(self) -> dict[str, Any]:
        """Counts per date and domain, index sizes and the embedding recipe."""
        con = self._connection()
        meta = store.read_meta(con)
        gen = int(meta.get("generation", 0))
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
        """MRR, Recall@5 and nDCG@10 of each mode on a labelled JSONL query set."""
        queries = load_queries(Path(queries_file))
        return [
            evaluate(queries, lambda q, m=mode: [h.paper_id for h in self.ask(q, top_k=top_k, mode=m)], mode)
            for mode in modes
        ]

    def doctor(self, repair: bool = False) -> Checkup:
        """Check that database, vectors and lexical index agree; with `repair`, rebuild what is derivable."""
        self.close()
        if not repair:
            return diagnose(self.layout)
        meta = self.meta()
        embedder = self._embedder_for(meta, None, None)
        self.close()
        return repair_kb(self.layout, embedder)

    # -- internals ---------------------------------------------------------

    def _connection(self) -> duckdb.DuckDBPyConnection:
        # An ingest swaps in a new database file; reopen so this reader sees it.
        try:
            inode = self.layout.db.stat().st_ino
        except FileNotFoundError:
            raise NotFoundError(
                f"no knowledge base at {self.layout.root}; build one with `kb --kb {self.layout.root} ingest data/`"
            ) from None
        if self._con is None or inode != self._opened_inode:
            self.close()
            con = store.connect_read(self.layout.db)
            version = store.schema_version(con)
            if version != store.SCHEMA_VERSION:
                con.close()
                raise QueryError(
                    f"{self.layout.root} has schema version {version}, this kb reads version {store.SCHEMA_VERSION}; "
                    + ("run `kb doctor --repair` to upgrade it in place" if version < store.SCHEMA_VERSION else "upgrade kb")
                )
            self._con = con
            self._opened_inode = inode
        return self._con

    def _search(self) -> Searcher:
        con = self._connection()
        if self._searcher is None or self._searcher.con is not con:
            meta = store.read_meta(con)
            gen = int(meta.get("generation", 0))
            embedder = self._embedder_for(meta, None, None)
            built = Recipe(meta["embed_backend"], meta["embed_model"], int(meta["embed_dim"]))
            if recipe_of(embedder) != built:
                raise RecipeMismatchError(
                    f"{self.layout.root} was built with {built.describe()}, not {recipe_of(embedder).describe()}; "
                    f"query it with the same embedder or rebuild with `kb --kb {self.layout.root} ingest --rebuild ...`"
                )
            index = load_index(self.layout.vectors_file(gen))
            lexical = LexicalIndex.load(self.layout.lexical_file(gen))
            try:
                chunkmap = ChunkMap.load(self.layout.chunkmap_file(gen))
            except NotFoundError:  # a generation written before chunk maps existed: derive it
                chunkmap = ChunkMap.from_db(con)
            self._searcher = Searcher(con, index, lexical, embedder, chunkmap)
        return self._searcher

    def _embedder_for(self, meta: dict[str, str], backend: str | None, model: str | None) -> Embedder:
        """The embedder asked for, else the one given at open, else the one the index was built with."""
        if backend is not None or model is not None:
            return make_embedder(backend or DEFAULT_BACKEND, model)
        if self._embedder is None:
            built = meta.get("embed_backend")
            self._embedder = make_embedder(built or DEFAULT_BACKEND, meta.get("embed_model") if built else None)
        return self._embedder


def _as_date(value: Date | str | None) -> Date | None:
    if value is None or isinstance(value, Date):
        return value
    try:
        return Date.fromisoformat(str(value))
    except ValueError:
        raise QueryError(f"{value!r} is not a date; write dates as YYYY-MM-DD") from None
