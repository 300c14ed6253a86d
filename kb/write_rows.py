"""Papers → rows of the database, a batch at a time, inside an ingest's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date as Date
from datetime import datetime

import duckdb

from kb import store, terms
from kb.chunk import Chunk, chunk_paper
from kb.embed import Embedder, embed_in_batches
from kb.extract import extract_links
from kb.facts import PaperFactRows, fact_columns, paper_facts
from kb.parse import Paper

BATCH_CHUNKS = 4096  # chunks embedded and written per batch: bounds what one call holds
ProgressFn = Callable[[int, int], None]


class BatchWriter:
    """Papers → chunks → vectors → rows, a batch at a time, inside the caller's transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, embedder: Embedder, known_vectors: set[int],
                 total: int, on_progress: ProgressFn | None, *, papers_total: int = 0,
                 on_papers: ProgressFn | None = None) -> None:
        self.con, self.embedder, self.known = con, embedder, known_vectors
        self.total, self.on_progress = total, on_progress
        self.papers_total, self.on_papers = papers_total, on_papers
        self.embedded = 0
        self.papers_written = 0
        self._papers: dict[str, tuple[Paper, str]] = {}
        self._chunks: dict[str, list[Chunk]] = {}
        self._size = 0

    def add(self, paper: Paper, digest: str, max_chars: int) -> None:
        self._papers[paper.paper_id] = (paper, digest)
        self._chunks[paper.paper_id] = chunks = chunk_paper(paper, max_chars)
        self._size += len(chunks)
        if self._size >= BATCH_CHUNKS:
            self.flush()

    def flush(self) -> None:
        if not self._papers:
            return
        pending = [c for cs in self._chunks.values() for c in cs if c.chunk_id not in self.known]
        pending = list({c.chunk_id: c for c in pending}.values())

        def tick(n: int) -> None:
            self.embedded += n
            if self.on_progress:
                self.on_progress(self.embedded, max(self.total, self.embedded))

        vectors = embed_in_batches(self.embedder, [c.embed_text for c in pending], on_batch=tick)
        store.delete_papers(self.con, self._papers, keep_appearances=True)
        _insert_papers(self.con, self._papers, self._chunks, datetime.now())
        terms.refresh(self.con, self._papers)  # the bilingual lexicon and dictionary rows of the papers written
        store.insert_columns(self.con, "embeddings", {
            "chunk_id": [c.chunk_id for c in pending], "vector": [v.tobytes() for v in vectors],
        })
        self.known.update(c.chunk_id for c in pending)
        self.papers_written += len(self._papers)
        if self.on_papers:
            self.on_papers(self.papers_written, max(self.papers_total, self.papers_written))
        self._papers, self._chunks, self._size = {}, {}, 0


def write_files(
    con: duckdb.DuckDBPyConnection,
    changed_files: dict[str, tuple[str, Date | None]],
    seen: list[tuple[str, Date, str]],
    kept_appearances: set[tuple[str, str]],
) -> int:
    """The `files` and `appearances` rows of the changed files (appearances a shrink kept stay).

    `seen` is (paper id, report date, file) per paper read; returns the appearances added.
    """
    now = datetime.now()
    paths = list(changed_files)
    kept = sorted(kept_appearances)
    con.execute(
        "DELETE FROM appearances WHERE list_contains(?, source_file) AND NOT list_contains(?, paper_id || chr(31) || source_file)",
        [paths, [f"{pid}\x1f{path}" for pid, path in kept]],
    )
    con.execute("DELETE FROM files WHERE list_contains(?, path)", [paths])
    counts: dict[str, int] = {}
    for _, _, source in seen:
        counts[source] = counts.get(source, 0) + 1
    store.insert_columns(con, "files", {
        "path": paths, "sha256": [changed_files[p][0] for p in paths],
        "report_date": [changed_files[p][1] for p in paths],
        "papers": [counts.get(p, 0) for p in paths], "ingested_at": [now] * len(paths),
    })
    before = con.execute("SELECT count(*) FROM appearances").fetchone()[0]
    unique = list(dict.fromkeys(seen))
    store.insert_columns(con, "appearances", {
        "paper_id": [u[0] for u in unique], "date": [u[1] for u in unique], "source_file": [u[2] for u in unique],
    })
    return con.execute("SELECT count(*) FROM appearances").fetchone()[0] - before


def finish_rows(con: duckdb.DuckDBPyConnection) -> None:
    """After every batch: first-featured dates, and papers no report features any more go."""
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
