"""The notebooks run top to bottom against the sample knowledge base and are committed without outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from nbclient import NotebookClient

from conftest import make_report
from kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = ("explore.ipynb", "metrics.ipynb")
STRIP = NOTEBOOKS / "strip_outputs.py"


@pytest.fixture
def kernel_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel runs this interpreter (the project venv) with the inline plot backend."""
    # JUPYTER_PATH is searched first, so "python3" is this interpreter, not one a user-level
    # kernelspec elsewhere names.
    jupyter = tmp_path / "jupyter"
    write_kernel_spec(jupyter / "kernels" / "python3")
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    monkeypatch.delenv("MPLBACKEND", raising=False)


def execute(name: str) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel started in notebooks/; raises on any cell error."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


def outputs(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]


def text_of(nb: nbformat.NotebookNode) -> str:
    parts = []
    for o in outputs(nb):
        if o.output_type == "stream":
            parts.append(o.text)
        elif o.output_type in ("display_data", "execute_result"):
            parts.append(o.data.get("text/markdown", "") + o.data.get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_and_plots(name: str, sample_kb_dir: Path, kernel_env: None,
                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KB_DIR", str(sample_kb_dir))  # the kernel inherits it: no rebuild
    nb = execute(name)

    assert any("image/png" in o.get("data", {}) for o in outputs(nb)), f"{name} drew no plot"
    stderr = "".join(o.text for o in outputs(nb) if o.output_type == "stream" and o.name == "stderr")
    assert "missing from font" not in stderr  # CJK glyph warnings: labels must suit the font
    assert f"knowledge base: {sample_kb_dir}" in text_of(nb)

    # The strip script turns the executed notebook back into the committed one.
    executed = tmp_path / name
    nbformat.write(nb, executed)
    subprocess.run([sys.executable, str(STRIP), str(executed)], check=True, capture_output=True)
    committed = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert nbformat.read(executed, as_version=4) == committed


@pytest.mark.slow
def test_metrics_notebook_notes_empty_results(tmp_path: Path, hash_embedder, kernel_env: None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A knowledge base with no metrics, baselines, domains or released code: notes instead of charts."""
    body = """1. **应用领域**：其他

2. **一句话核心贡献**：提出了一种方法。

3. **使用指南**：
    *   **输入**：文本。

4. **主要创新点**：
    *   **创新一**：一种新的思路。

5. **实验效果**：
    *   效果更好。
"""
    report = tmp_path / "2026-03-01.md"
    report.write_text(make_report("2026-03-01", [("2603.00001", "A paper with no numbers", body)]), encoding="utf-8")
    directory = tmp_path / "kb"
    with KnowledgeBase.open(directory, embedder=hash_embedder) as kb:
        kb.ingest([report])
        assert kb.stats()["metrics"] == 0
    monkeypatch.setenv("KB_DIR", str(directory))

    nb = execute("metrics.ipynb")

    assert not any("image/png" in o.get("data", {}) for o in outputs(nb))
    assert text_of(nb).count("**Note:**") >= 5


def test_committed_notebooks_have_no_outputs() -> None:
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python3"
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, (
                    f"{name} has outputs; run `python notebooks/strip_outputs.py` before committing"
                )
    check = subprocess.run([sys.executable, str(STRIP), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_notebooks_use_only_the_public_api() -> None:
    for name in NAMES:
        source = "\n".join(c.source for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells)
        assert "from kb import KnowledgeBase" in source
        for private in ("from kb.", "import kb.", "/work/", "/tmp/", "/home/"):
            assert private not in source, f"{name} uses {private!r}"
