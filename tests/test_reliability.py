"""Crash safety, concurrent readers, schema upgrades and hostile input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, five_sections, make_report
from kb import KnowledgeBase, store
from kb.errors import ParseError, QueryError
from kb.parse import parse_report
from kb.paths import Layout

def new_day(papers: int = 6) -> str:
    """A report of `papers` new papers, dated after the sample corpus."""
    return make_report("2026-03-01", [
        (f"2603.{i:05d}", f"New paper {i}", five_sections(
            contribution=f"第 {i} 个关于视频量化的新方法，通过分组残差编码降低显存占用并保持生成质量。" * 4,
            innovation=f"方法 {i} 在长序列生成中动态选择比特宽度，兼顾速度与保真度。" * 4,
        ))
        for i in range(1, papers + 1)
    ])


NEW_DAY = new_day()


def _start_ingest(kb_dir: Path, report_dir: Path) -> subprocess.Popen:
    code = "from kb.cli import run; run()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--kb", str(kb_dir), "ingest", str(report_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _wait_for(predicate, proc: subprocess.Popen, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.001)
    return False


def _embedding(layout: Layout) -> bool:
    """The writer is embedding a batch inside its transaction: its copy exists, no index is being built."""
    if not any(layout.root.glob(".kb.duckdb.*.tmp")):
        return False
    time.sleep(1.5)
    return any(layout.root.glob(".kb.duckdb.*.tmp")) and not any(layout.root.glob("gen-*.tmp"))


PHASES = {
    # while embedding: batches are written into the private copy, nothing is live yet
    "embedding": _embedding,
    # while the database copy is being written
    "database-write": lambda layout: any(layout.root.glob(".kb.duckdb.*.tmp")),
    # while the new generation's indexes are being written
    "index-write": lambda layout: any(layout.root.glob("gen-*.tmp")),
}


@pytest.mark.slow
@pytest.mark.parametrize("phase", list(PHASES))
def test_sigkill_during_ingest_leaves_a_usable_knowledge_base(sample_copy: Path, tmp_path: Path, phase: str) -> None:
    layout = Layout(sample_copy)
    reports = tmp_path / "new"
    reports.mkdir()
    # Embedding must outlast the probe's pause even on a fast, idle machine.
    papers = 40 if phase == "embedding" else 6
    (reports / "2026-03-01.md").write_text(new_day(papers))
    (layout.root / "ingest.lock").unlink(missing_ok=True)
    proc = _start_ingest(sample_copy, reports)
    try:
        hit = _wait_for(lambda: PHASES[phase](layout), proc) and proc.poll() is None
        if hit:
            os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert hit, f"ingest finished before reaching {phase}: {proc.stderr.read().decode()[-500:]}"

    kb = KnowledgeBase.open(sample_copy)
    assert kb.sql("SELECT count(*) FROM papers").rows[0][0] == 48
    assert kb.doctor().ok
    assert kb.ask("KV cache quantization for video", top_k=1)[0].paper_id == "2602.02958"
    # The next ingest completes the work and cleans up.
    summary = kb.ingest([reports])
    assert summary.papers_added == papers
    assert kb.sql("SELECT count(*) FROM papers").rows[0][0] == 48 + papers
    assert kb.doctor().ok
    assert not list(sample_copy.glob(".kb.duckdb.*")) and not list(sample_copy.glob("gen-*.tmp"))


@pytest.mark.slow
def test_readers_see_the_old_or_the_new_state_during_an_ingest(sample_copy: Path, tmp_path: Path) -> None:
    reports = tmp_path / "new"
    reports.mkdir()
    (reports / "2026-03-01.md").write_text(NEW_DAY)
    kb = KnowledgeBase.open(sample_copy)
    seen: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    proc = _start_ingest(sample_copy, reports)

    def read() -> None:
        while proc.poll() is None:
            try:
                papers = kb.sql("SELECT count(*) FROM papers").rows[0][0]
                hits = kb.ask("视频量化", top_k=100)
                # Two calls are two reads: when the ingest committed between them, the pair shows both states
                # honestly and proves nothing, so only pairs read on one side of the commit are checked.
                if kb.sql("SELECT count(*) FROM papers").rows[0][0] == papers:
                    seen.append((papers, len(hits)))
            except BaseException as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(exc)
            time.sleep(0.05)

    reader = threading.Thread(target=read)
    reader.start()
    proc.wait()
    reader.join()
    assert proc.returncode == 0, proc.stderr.read().decode()[-500:]
    assert not errors, errors[:3]
    assert seen and {papers for papers, _ in seen} <= {48, 54}
    assert all(hits == papers for papers, hits in seen), "a reader mixed old papers with new indexes"
    assert kb.sql("SELECT count(*) FROM papers").rows[0][0] == 54


def test_an_older_schema_is_upgraded_in_place(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The copy was written by this version; pretend the next version adds a column.
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS + ("ALTER TABLE papers ADD COLUMN note VARCHAR;",))
    monkeypatch.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION + 1)
    kb = KnowledgeBase.open(sample_copy)
    with pytest.raises(QueryError, match="run `kb doctor --repair` to upgrade it in place"):
        kb.ask("video")
    assert not kb.doctor().ok
    assert kb.doctor(repair=True).ok
    assert kb.sql("SELECT count(note), count(*) FROM papers").rows == [(0, 48)]
    assert kb.ask("KV cache quantization for video", top_k=1)[0].paper_id == "2602.02958"


def test_a_newer_schema_is_refused(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION - 1)
    with pytest.raises(QueryError, match="upgrade kb"):
        KnowledgeBase.open(sample_copy).ask("video")


SEED_TEXTS = [f.read_text(encoding="utf-8") for f in sorted(DATA.glob("*.md"))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_parser_on_arbitrary_text_raises_only_parse_errors(text: str) -> None:
    try:
        parse_report(text)
    except ParseError:
        pass


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEED_TEXTS), cut=st.floats(0, 1), start=st.floats(0, 1),
    junk=st.text(alphabet=st.sampled_from(list("#*-=:：. \n\r1234567📄链接应用领域") + ["\x00", "\ufeff"]), max_size=40),
)
def test_parser_on_mutated_seed_reports(seed: str, cut: float, start: float, junk: str) -> None:
    lo = int(len(seed) * min(cut, start))
    hi = int(len(seed) * max(cut, start))
    mutated = seed[:lo] + junk + seed[hi:]
    try:
        report = parse_report(mutated)
    except ParseError:
        return
    for paper in report.papers:
        assert paper.paper_id and paper.title


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=300))
def test_any_query_string_returns_results_or_a_clear_error(sample_kb: KnowledgeBase, query: str) -> None:
    try:
        results = sample_kb.ask(query, top_k=3)
    except QueryError as exc:
        assert "empty" in str(exc)
        return
    assert len(results) <= 3
