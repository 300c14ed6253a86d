"""One consistent read-only view of a knowledge base: a database file and the generation it names.

A `KnowledgeBase` answers every read from its current snapshot and opens a new one when the
database file has been swapped (by an ingest in this or another process). A snapshot is never
changed after it is opened, so threads can share it: each query runs on a cursor of its own.
A replaced snapshot is not closed while another thread may still be reading it; it goes when
the last reference does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import duckdb

from kb import store
from kb.chunkmap import ChunkMap
from kb.embed import Embedder, Recipe, recipe_of
from kb.errors import NotFoundError, QueryError, RecipeMismatchError
from kb.lexical import LexicalIndex
from kb.paths import Layout
from kb.search import Searcher
from kb.vectors import load_index


class Snapshot:
    """The database as it was when opened, with its generation's indexes loaded on first search."""

    def __init__(self, layout: Layout, *, memory_limit: str | None = None) -> None:
        self.layout = layout
        # Identity first, then the connection: if a swap falls between the two, the next read
        # sees a changed identity and reopens, rather than keeping a new file under an old name.
        self.identity = store.file_identity(layout.db)
        self.con = store.connect_read(layout.db, memory_limit=memory_limit)
        try:
            version = store.schema_version(self.con)
            if version != store.SCHEMA_VERSION:
                raise QueryError(
                    f"{layout.root} has schema version {version}, this kb reads version {store.SCHEMA_VERSION}; "
                    + ("run `kb doctor --repair` to upgrade it in place" if version < store.SCHEMA_VERSION else "upgrade kb")
                )
            self.meta = store.read_meta(self.con)
        except BaseException:
            self.con.close()
            raise
        self.generation = int(self.meta.get("generation", 0) or 0)
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()

    @property
    def current(self) -> bool:
        """Whether the database file is still the one this snapshot opened."""
        return store.file_identity(self.layout.db) == self.identity

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one call; the caller closes it."""
        return store.cursor(self.con)

    def searcher(self, embedder: Callable[[dict[str, str]], Embedder]) -> Searcher:
        """The searcher over this snapshot's generation, loaded once."""
        if self._searcher is None:
            with self._lock:
                if self._searcher is None:
                    self._searcher = self._load_searcher(embedder(self.meta))
        return self._searcher

    def _load_searcher(self, embedder: Embedder) -> Searcher:
        meta, gen = self.meta, self.generation
        built = Recipe(meta["embed_backend"], meta["embed_model"], int(meta["embed_dim"]))
        if recipe_of(embedder) != built:
            raise RecipeMismatchError(
                f"{self.layout.root} was built with {built.describe()}, not {recipe_of(embedder).describe()}; "
                f"query it with the same embedder or rebuild with `kb --kb {self.layout.root} ingest --rebuild ...`"
            )
        lexical = LexicalIndex.load(self.layout.lexical_file(gen))
        try:
            chunkmap = ChunkMap.load(self.layout.chunkmap_file(gen))
        except NotFoundError:  # a generation written before chunk maps existed, or a damaged map: derive it
            cur = self.cursor()
            try:
                chunkmap = ChunkMap.from_db(cur)
            finally:
                cur.close()
        try:
            index = load_index(self.layout.vectors_file(gen))
        except NotFoundError as exc:
            # Lexical search needs no vectors: a damaged vector file fails only what uses it.
            index, vector_error = None, str(exc)
        else:
            vector_error = None
        return Searcher(self.con, index, lexical, embedder, chunkmap, vector_error=vector_error)

    def close(self) -> None:
        """Stop the searcher's thread and close the connection (only when no other thread reads)."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self.con.close()
