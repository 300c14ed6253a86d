"""`kb doctor` reports a clean knowledge base and repairs damaged ones without re-parsing reports."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from kb import KnowledgeBase, store
from kb.cli import app
from kb.paths import Layout


def _generation(directory: Path) -> int:
    con = store.connect_read(Layout(directory).db)
    try:
        return int(con.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
    finally:
        con.close()


def test_clean_sample_is_consistent(sample_kb_dir: Path) -> None:
    result = CliRunner().invoke(app, ["--kb", str(sample_kb_dir), "doctor"])
    assert result.exit_code == 0, result.output
    assert "The knowledge base is consistent." in result.stdout


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage"])
def test_a_broken_vector_file_is_detected_and_repaired(sample_copy: Path, damage: str) -> None:
    path = Layout(sample_copy).vectors_file(_generation(sample_copy))
    if damage == "delete":
        path.unlink()
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:1000])
    else:
        path.write_bytes(b"not a faiss index" * 100)
    runner = CliRunner()
    broken = runner.invoke(app, ["--kb", str(sample_copy), "doctor"])
    assert broken.exit_code == 1 and "vector index" in broken.stderr and "--repair" in broken.stderr
    fixed = runner.invoke(app, ["--kb", str(sample_copy), "doctor", "--repair"])
    assert fixed.exit_code == 0, fixed.output
    assert "repaired:" in fixed.stdout
    assert KnowledgeBase.open(sample_copy).ask("KV cache quantization for video", top_k=1)[0].paper_id == "2602.02958"


def test_missing_vectors_are_re_embedded_from_stored_chunks(sample_copy: Path) -> None:
    layout = Layout(sample_copy)
    con = duckdb.connect(str(layout.db))
    con.execute("DELETE FROM embeddings WHERE chunk_id IN (SELECT chunk_id FROM chunks WHERE paper_id = '2602.02958')")
    con.close()
    (layout.lexical_file(_generation(sample_copy))).unlink()
    kb = KnowledgeBase.open(sample_copy)
    found = kb.doctor()
    assert any("have no stored vector" in p for p in found.problems)
    assert any("lexical index" in p for p in found.problems)
    fixed = kb.doctor(repair=True)
    assert fixed.ok and fixed.repaired
    assert kb.ask("视频生成中的KV缓存量化", top_k=1)[0].paper_id == "2602.02958"
