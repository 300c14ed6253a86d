"""Consistency checks of a knowledge base, and repair of whatever is derivable."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np

from kb import store
from kb.chunkmap import ChunkMap
from kb.embed import Embedder
from kb.facts import EXTRACTOR_VERSION, facts_stale, refresh_facts
from kb.generation import next_generation, prune_generations, remove_stale_scratch, write_generation
from kb.ingest import writer_lock
from kb.errors import QueryError
from kb.integrity import UNDERIVABLE, check_manifest, chunkmap_bounds, lexical_bounds, scan_database, vector_sample
from kb.lexical import LexicalIndex
from kb.paths import Layout
from kb.vectors import index_ids, load_index


@dataclass
class Checkup:
    """What `kb doctor` found; `problems` are sentences a user can act on."""

    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    unrepaired: list[str] = field(default_factory=list)
    # Problems of the database itself: it holds what is not derivable, so no repair can fix them.
    underivable: list[str] = field(default_factory=list)

    def database_damaged(self, message: str) -> Checkup:
        self.problems.append(message)
        self.underivable.append(message)
        return self

    @property
    def ok(self) -> bool:
        return not self.problems


def diagnose(layout: Layout) -> Checkup:
    """Check schema, recipe, and that database, vectors and lexical index hold the same chunks."""
    result = Checkup()
    try:
        con = store.connect_read(layout.db)
    except QueryError as exc:
        return result.database_damaged(f"the database cannot be opened ({exc}); {UNDERIVABLE}")
    try:
        version = store.schema_version(con)
        meta = store.read_meta(con)
        result.checks.append(f"schema version {version} (current {store.SCHEMA_VERSION})")
        if version != store.SCHEMA_VERSION:
            result.problems.append(f"schema version {version} is not the current {store.SCHEMA_VERSION}; run `kb doctor --repair` to migrate")
            return result
        if not meta.get("embed_backend"):
            result.problems.append("no embedding recipe is recorded; rebuild with `kb ingest --rebuild PATH...`")
            return result
        if facts_stale(meta):
            result.problems.append(
                f"facts were extracted by older rules (version {meta.get('extractor_version', '1')}, current "
                f"{EXTRACTOR_VERSION}); `kb doctor --repair` re-extracts them from the stored sections")
        dim = int(meta["embed_dim"])
        damaged = scan_database(con, store.USER_TABLES + ("embeddings",))
        if damaged:
            for problem in damaged:
                result.database_damaged(problem)
            return result
        result.checks.append("every table reads back intact")
        chunk_ids = {r[0] for r in con.execute("SELECT chunk_id FROM chunks").fetchall()}
        vector_ids = {r[0] for r in con.execute("SELECT chunk_id FROM embeddings").fetchall()}
        bad_size = con.execute("SELECT count(*) FROM embeddings WHERE octet_length(vector) <> ?", [dim * 4]).fetchone()[0]
    except duckdb.Error as exc:
        return result.database_damaged(f"the database is damaged ({_short(exc)}); {UNDERIVABLE}")
    finally:
        con.close()
    result.checks.append(f"{len(chunk_ids)} chunks, {len(vector_ids)} stored vectors")
    if missing := chunk_ids - vector_ids:
        result.problems.append(f"{len(missing)} chunks have no stored vector; `kb doctor --repair` embeds them")
    if extra := vector_ids - chunk_ids:
        result.problems.append(f"{len(extra)} stored vectors belong to no chunk; `kb doctor --repair` removes them")
    if bad_size:
        result.problems.append(f"{bad_size} stored vectors are not {dim}-d; `kb doctor --repair` re-embeds them")

    gen = int(meta.get("generation", 0))
    try:
        index = load_index(layout.vectors_file(gen))
        ids = set(index_ids(index).tolist()) if hasattr(index, "id_map") else set()
        if index.d != dim:
            result.problems.append(f"the vector index is {index.d}-d but the recipe says {dim}-d; `kb doctor --repair` rebuilds it")
        elif ids != chunk_ids:
            result.problems.append(
                f"the vector index holds {len(ids)} vectors for {len(chunk_ids)} chunks; `kb doctor --repair` rebuilds it"
            )
        else:
            result.checks.append(f"vector index generation {gen}: {index.ntotal} vectors, one per chunk")
            sample_con = store.connect_read(layout.db)
            try:
                if wrong := vector_sample(index, sample_con, dim):
                    result.problems.extend(wrong)
                else:
                    result.checks.append("a sample of index vectors matches the stored embeddings")
            finally:
                sample_con.close()
    except Exception as exc:  # a truncated or foreign file makes FAISS raise RuntimeError or worse
        result.problems.append(f"the vector index of generation {gen} is missing or unreadable ({_short(exc)}); `kb doctor --repair` rebuilds it")
    for name, load, describe in (
        ("lexical index", lambda: LexicalIndex.load(layout.lexical_file(gen)), lambda x: f"{len(x.vocab)} terms"),
        ("chunk map", lambda: ChunkMap.load(layout.chunkmap_file(gen)),
         lambda x: f"{len(x.chunk_ids)} chunks of {len(x.paper_ids)} papers"),
    ):
        try:
            loaded = load()
        except Exception as exc:  # noqa: BLE001 - any failure to read is what the check reports
            result.problems.append(f"the {name} of generation {gen} is missing or unreadable ({_short(exc)}); `kb doctor --repair` rebuilds it")
            continue
        bounds = (chunkmap_bounds if name == "chunk map" else lexical_bounds)(loaded)
        if bounds:
            result.problems.extend(f"generation {gen}: {b}" for b in bounds)
        elif set(loaded.chunk_ids.tolist()) != chunk_ids:
            result.problems.append(f"the {name} does not cover the same chunks; `kb doctor --repair` rebuilds it")
        else:
            result.checks.append(f"{name} generation {gen}: {describe(loaded)}")
    checks, problems = check_manifest(layout.generation_dir(gen))
    result.checks.extend(checks)
    result.problems.extend(problems)
    return result


def repair(layout: Layout, embedder: Embedder | Callable[[], Embedder]) -> Checkup:
    """Rebuild what is derivable from the database, without re-parsing any report.

    Vectors missing from the database are embedded from the stored chunk
    text; the indexes are rebuilt into a new generation and swapped in
    atomically, like an ingest.
    """
    before = diagnose(layout)
    if before.ok:
        return before
    if before.underivable:
        before.unrepaired = list(before.underivable)
        return before
    with writer_lock(layout):
        remove_stale_scratch(layout)
        scratch = layout.root / f".kb.duckdb.{os.getpid()}.tmp"
        old_version = _schema_version(layout)
        with store.write_copy(layout.db, scratch) as con:
            if old_version < store.SCHEMA_VERSION or facts_stale(store.read_meta(con)):
                refresh_facts(con)  # columns a migration added, or older rules' facts, derive from the stored sections
            meta = store.read_meta(con)
            dim = int(meta["embed_dim"])
            con.execute("DELETE FROM embeddings WHERE chunk_id NOT IN (SELECT chunk_id FROM chunks) OR octet_length(vector) <> ?", [dim * 4])
            todo = con.execute(
                "SELECT chunk_id, embed_text FROM chunks ANTI JOIN embeddings USING (chunk_id) ORDER BY chunk_id"
            ).fetchall()
            if todo:
                model = embedder() if callable(embedder) and not hasattr(embedder, "embed_passages") else embedder
                vectors = model.embed_passages([t for _, t in todo])
                store.insert_columns(con, "embeddings", {
                    "chunk_id": [c for c, _ in todo], "vector": [np.asarray(v, np.float32).tobytes() for v in vectors],
                })
            live = int(meta.get("generation", 0) or 0)
            generation = next_generation(layout, live)
            store.set_meta(con, {"generation": str(generation)})
            write_generation(layout, con, generation, dim, previous=None)
        store.publish(scratch, layout.db)
        prune_generations(layout, keep={generation, live})
    after = diagnose(layout)
    after.repaired = [p.split(";")[0] for p in before.problems]
    return after


def _schema_version(layout: Layout) -> int:
    con = store.connect_read(layout.db)
    try:
        return store.schema_version(con)
    finally:
        con.close()


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else exc.__class__.__name__)[:120]
