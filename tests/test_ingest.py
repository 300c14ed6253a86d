"""Ingest is incremental, idempotent, tolerant of bad files and all-or-nothing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import faiss
import pytest

from conftest import DATA, HashEmbedder, five_sections, make_report
from kb import KnowledgeBase, store
from kb.errors import LockedError, NotFoundError
from kb.ingest import writer_lock
from kb.paths import Layout
from kb.vectors import index_ids


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _consistent(directory: Path) -> tuple[int, int]:
    """Chunk count in DuckDB and vector count in the FAISS file of the current generation; asserts same ids."""
    layout = Layout(directory)
    con = store.connect_read(layout.db)
    gen = int(con.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
    ids = {r[0] for r in con.execute("SELECT chunk_id FROM chunks").fetchall()}
    con.close()
    index = faiss.read_index(str(layout.vectors_file(gen)))
    stored = set(index_ids(index).tolist())  # exact or HNSW, both keyed by chunk id
    assert stored == ids
    return len(ids), index.ntotal


def _kb(directory: Path, embedder: HashEmbedder) -> KnowledgeBase:
    return KnowledgeBase.open(directory, embedder=embedder)


def test_sample_ingest_fills_every_table(sample_kb: KnowledgeBase) -> None:
    counts = sample_kb.sql(
        "SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM appearances), "
        "(SELECT count(DISTINCT paper_id) FROM chunks), (SELECT count(*) FROM sections), "
        "(SELECT count(DISTINCT paper_id) FROM links)"
    ).rows[0]
    assert counts == (48, 48, 48, 240, 48)
    assert sample_kb.sql("SELECT count(*) FROM papers WHERE len(domains) = 0").rows[0][0] == 0


def test_sample_ingest_keeps_duckdb_and_faiss_in_agreement(sample_kb_dir: Path) -> None:
    chunks, vectors = _consistent(sample_kb_dir)
    assert chunks == vectors > 48 * 5 - 1


def test_reingesting_unchanged_files_embeds_nothing_and_changes_nothing(sample_copy: Path) -> None:
    db = Layout(sample_copy).db
    before = _digest(db)
    summary = KnowledgeBase.open(sample_copy).ingest([DATA])
    assert (summary.files_unchanged, summary.chunks_embedded, summary.papers_added) == (2, 0, 0)
    assert _digest(db) == before


def test_a_new_day_embeds_only_its_new_papers(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    day1 = tmp_path / "2026-03-01.md"
    day1.write_text(make_report("2026-03-01", [("2603.00001", "Alpha", five_sections()), ("2603.00002", "Beta", five_sections())]))
    kb = _kb(tmp_path / "kb", hash_embedder)
    first = kb.ingest([day1])
    assert first.papers_added == 2

    day2 = tmp_path / "2026-03-02.md"
    # Beta is featured again unchanged; Gamma is new.
    day2.write_text(make_report("2026-03-02", [("2603.00002", "Beta", five_sections()), ("2603.00003", "Gamma", five_sections(contribution="另一种方法。"))]))
    second = kb.ingest([tmp_path])
    # Alpha (in the skipped, unchanged day 1) and Beta (featured again unchanged) are both unchanged.
    assert (second.files_unchanged, second.papers_added, second.papers_unchanged) == (1, 1, 2)
    assert 0 < second.chunks_embedded < first.chunks_embedded
    rows = kb.sql("SELECT paper_id, date, (SELECT count(*) FROM appearances a WHERE a.paper_id = p.paper_id) AS n "
                  "FROM papers p ORDER BY paper_id").rows
    assert [(r[0], str(r[1]), r[2]) for r in rows] == [
        ("2603.00001", "2026-03-01", 1), ("2603.00002", "2026-03-01", 2), ("2603.00003", "2026-03-02", 1)]
    _consistent(tmp_path / "kb")


def test_a_changed_paper_replaces_its_chunks_and_vectors(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    report = tmp_path / "2026-03-01.md"
    report.write_text(make_report("2026-03-01", [("2603.00001", "Alpha", five_sections(innovation="旧的创新。"))]))
    kb = _kb(tmp_path / "kb", hash_embedder)
    kb.ingest([report])
    report.write_text(make_report("2026-03-01", [("2603.00001", "Alpha", five_sections(innovation="全新的创新。"))]))
    summary = kb.ingest([report])
    assert (summary.papers_updated, summary.chunks_embedded) == (1, 1)
    texts = [r[0] for r in kb.sql("SELECT text FROM chunks WHERE section = 'innovations'").rows]
    assert len(texts) == 1 and "全新的创新" in texts[0]
    assert kb.sql("SELECT count(*) FROM embeddings").rows[0][0] == kb.sql("SELECT count(*) FROM chunks").rows[0][0]
    _consistent(tmp_path / "kb")


BAD_INPUTS = {
    "empty.md": (b"", "empty file"),
    "binary.md": (bytes(range(256)) * 4, "not UTF-8"),
    "notes.md": ("# Meeting notes\n\n- buy milk\n".encode(), "not a daily papers report"),
    "2026-03-03.md": (make_report("2026-03-03", [("2603.00009", "No Link", five_sections())])
                      .replace("- **链接**: https://huggingface.co/papers/2603.00009\n", "").encode(), "has no `- **链接**:` line"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_named_and_the_rest_is_ingested(tmp_path: Path, hash_embedder: HashEmbedder, name: str) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2026-03-01.md").write_text(make_report("2026-03-01", [("2603.00001", "Good", five_sections())]))
    content, message = BAD_INPUTS[name]
    (folder / name).write_bytes(content)
    summary = _kb(tmp_path / "kb", hash_embedder).ingest([folder])
    assert summary.papers_added == 1
    assert any(name in p and message in p for p in summary.problems), summary.problems


def test_a_file_cut_off_mid_section_is_ingested_with_a_warning(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    text = (DATA / "2026-02-18.md").read_text(encoding="utf-8")
    cut = tmp_path / "2026-02-18.md"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    summary = _kb(tmp_path / "kb", hash_embedder).ingest([cut])
    assert summary.papers_added >= 5
    assert any("lacks sections" in p and "2026-02-18.md:" in p for p in summary.problems)


def test_missing_path_is_an_error_and_creates_nothing(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    with pytest.raises(NotFoundError, match="no such file or folder: .*nope.md"):
        _kb(tmp_path / "kb", hash_embedder).ingest([tmp_path / "nope.md", DATA])
    assert not (tmp_path / "kb").exists()


class FailingEmbedder(HashEmbedder):
    """Fails on the second batch, as a crash or a killed process would midway through embedding."""

    def embed_passages(self, texts):
        if self.calls >= 1:
            raise RuntimeError("simulated failure")
        return super().embed_passages(texts)


def test_a_failure_midway_leaves_the_previous_knowledge_base_intact(tmp_path: Path) -> None:
    directory = tmp_path / "kb"
    first = tmp_path / "2026-03-01.md"
    first.write_text(make_report("2026-03-01", [("2603.00001", "Alpha", five_sections())]))
    _kb(directory, HashEmbedder()).ingest([first])
    db_before = _digest(Layout(directory).db)
    second = tmp_path / "2026-03-02.md"
    second.write_text(make_report("2026-03-02", [(f"2603.{i:05d}", f"P{i}", five_sections(contribution=f"贡献 {i}。")) for i in range(10, 20)]))
    with pytest.raises(RuntimeError):
        _kb(directory, FailingEmbedder()).ingest([second])
    assert _digest(Layout(directory).db) == db_before
    assert not list(directory.glob("*.tmp")) and not list(directory.glob("gen-*.tmp"))
    assert _consistent(directory) == (5, 5)
    # The next ingest completes the work.
    summary = _kb(directory, HashEmbedder()).ingest([tmp_path])
    assert summary.papers_added == 10
    _consistent(directory)


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    report = tmp_path / "2026-03-01.md"
    report.write_text(make_report("2026-03-01", [("2603.00001", "Alpha", five_sections())]))
    layout = Layout(tmp_path / "kb")
    with writer_lock(layout):
        with pytest.raises(LockedError, match="another `kb ingest` is writing"):
            _kb(layout.root, hash_embedder).ingest([report])


def test_rebuild_starts_afresh(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    a = tmp_path / "a" / "2026-03-01.md"
    a.parent.mkdir()
    a.write_text(make_report("2026-03-01", [("2603.00001", "Alpha", five_sections())]))
    b = tmp_path / "b" / "2026-03-02.md"
    b.parent.mkdir()
    b.write_text(make_report("2026-03-02", [("2603.00002", "Beta", five_sections())]))
    kb = _kb(tmp_path / "kb", hash_embedder)
    kb.ingest([a])
    kb.ingest([b], rebuild=True)
    assert kb.sql("SELECT paper_id FROM papers").rows == [("2603.00002",)]
    assert len(Layout(tmp_path / "kb").generations()) <= 2
