"""Shared fixtures: the sample knowledge base is built once per session with the real model."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(autouse=True)
def kb_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the default knowledge-base directory at a fresh temporary folder."""
    home = tmp_path / "kb-home"
    monkeypatch.setenv("KB_DIR", str(home))
    return home


@pytest.fixture(scope="session")
def sample_kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus ingested with the default bundled model, once per test session."""
    directory = tmp_path_factory.mktemp("sample") / "kb"
    with KnowledgeBase.open(directory) as kb:
        summary = kb.ingest([DATA])
    assert summary.papers_added == 48 and not summary.problems
    return directory


@pytest.fixture(scope="session")
def sample_kb(sample_kb_dir: Path) -> KnowledgeBase:
    """A read-only handle on the sample knowledge base."""
    return KnowledgeBase.open(sample_kb_dir)


@pytest.fixture
def sample_copy(sample_kb_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the sample knowledge base that a test may change."""
    target = tmp_path / "copy"
    shutil.copytree(sample_kb_dir, target)
    return target


class HashEmbedder:
    """Deterministic vectors from a text hash: for tests where embeddings are not the subject."""

    backend = "test-hash"
    model = "hash-v1"
    dim = 16

    def __init__(self) -> None:
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts):
        self.calls += 1
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


def make_report(day: str, papers: list[tuple[str, str, str]]) -> str:
    """A small report: papers are (arxiv id, title, body with sections)."""
    out = [f"# Hugging Face Daily Papers Report\n**Date**: {day}\n**Source URL**: https://huggingface.co/papers/date/{day}\n"]
    for pid, title, body in papers:
        out.append("=" * 60)
        out.append(f"\n## 📄 {title}\n\n- **链接**: https://huggingface.co/papers/{pid}\n- **阅读来源**: HTML\n\n{body}\n")
    return "\n".join(out)


FIVE_SECTIONS = """1. **应用领域**：{domain}

2. **一句话核心贡献**：{contribution}

3. **使用指南**：
    *   **输入**：文本。
    *   **输出**：答案。

4. **主要创新点**：
    *   **创新一**：{innovation}

5. **实验效果**：
    *   在 Bench-X 上准确率从 70.0% 提升至 75.5%。
"""


def five_sections(domain: str = "NLP-大语言模型", contribution: str = "提出了一种新方法。",
                  innovation: str = "一种新的训练策略。") -> str:
    return FIVE_SECTIONS.format(domain=domain, contribution=contribution, innovation=innovation)
