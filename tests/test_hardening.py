"""Issue 12's findings, each reproduced: generations, stale objects, threads, silent loss, damage, markup."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import DATA, HashEmbedder, five_sections, make_report
from kb import KnowledgeBase, store
from kb.cli import app
from kb.errors import KBError, NotFoundError, QueryError, StorageError
from kb.paths import Layout
from kb.parse import parse_report


def _hash_kb(directory: Path, reports: list[Path] | None = None) -> KnowledgeBase:
    kb = KnowledgeBase.open(directory, embedder=HashEmbedder())
    kb.ingest(reports or [DATA])
    return kb


def _generation(directory: Path) -> int:
    return int(KnowledgeBase.open(directory).meta()["generation"])


def _day(day: str, ids: range, sections: str | None = None) -> str:
    return make_report(day, [(f"2603.{i:05d}", f"Paper {i} on day {day}", sections or five_sections(
        contribution=f"第 {i} 篇：一种用于视频量化的新方法，日期 {day}。")) for i in ids])


# -- 1. a rebuild never writes the live generation ------------------------------------------------

def test_rebuild_gets_a_new_number_and_a_failed_one_leaves_the_live_state(tmp_path: Path, monkeypatch) -> None:
    kb = _hash_kb(tmp_path / "kb")
    live = _generation(tmp_path / "kb")
    live_files = {p.name: p.read_bytes() for p in Layout(tmp_path / "kb").generation_dir(live).iterdir()}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "replace", full_disk)
    with pytest.raises(StorageError, match="No space left on device"):
        kb.ingest([DATA / "2026-02-18.md"], rebuild=True)
    monkeypatch.undo()
    assert not list((tmp_path / "kb").glob(".kb.duckdb.*")), "the partial database copy was left behind"
    # The live generation was not touched, and the live database still pairs with it.
    assert {p.name: p.read_bytes() for p in Layout(tmp_path / "kb").generation_dir(live).iterdir()} == live_files
    assert kb.sql("SELECT count(*) FROM papers").rows == [(48,)]
    assert len(kb.ask("视频", top_k=100)) > 0

    summary = kb.ingest([DATA / "2026-02-18.md"], rebuild=True)
    assert summary.generation > live
    assert kb.sql("SELECT count(*) FROM papers").rows == [(13,)]


def test_a_reader_during_rebuilds_never_fails(tmp_path: Path) -> None:
    kb = _hash_kb(tmp_path / "kb")
    reader = KnowledgeBase.open(tmp_path / "kb", embedder=HashEmbedder())
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                papers = reader.sql("SELECT count(*) FROM papers").rows[0][0]
                hits = reader.ask("视频生成", top_k=100)
                assert papers in (13, 48) and len(hits) <= 48
            except BaseException as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    for paths in ([DATA / "2026-02-18.md"], [DATA], [DATA / "2026-02-18.md"]):
        kb.ingest(paths, rebuild=True)
    done.set()
    thread.join()
    assert not errors, errors[:3]


# -- 2. stale objects ----------------------------------------------------------------------------------

def test_two_objects_in_one_process_see_each_others_ingests(tmp_path: Path) -> None:
    first = _hash_kb(tmp_path / "kb")
    second = KnowledgeBase.open(tmp_path / "kb", embedder=HashEmbedder())
    assert second.sql("SELECT count(*) FROM papers").rows == [(48,)]
    reports = tmp_path / "r"
    reports.mkdir()
    (reports / "2026-03-01.md").write_text(_day("2026-03-01", range(1, 4)), encoding="utf-8")
    first.ingest([reports])
    assert second.sql("SELECT count(*) FROM papers").rows == [(51,)]
    assert second.stats()["papers"] == 51
    # An ingest through the object that answered before starts from the newest state.
    (reports / "2026-03-02.md").write_text(_day("2026-03-02", range(4, 6)), encoding="utf-8")
    summary = second.ingest([reports])
    assert summary.papers_added == 2
    assert first.sql("SELECT count(*) FROM papers").rows == [(53,)]
    assert first.doctor().ok


# -- 5. thread safety --------------------------------------------------------------------------------

@pytest.mark.slow
def test_one_object_many_threads_while_another_process_ingests(sample_copy: Path, tmp_path: Path) -> None:
    kb = KnowledgeBase.open(sample_copy)
    queries = ["KV cache quantization for video", "视频生成中的KV缓存量化", "reward model", "robot manipulation"]
    expected = {q: [h.paper_id for h in kb.ask(q, top_k=5)] for q in queries}
    sqls = {pid: title for pid, title in kb.sql("SELECT paper_id, title FROM papers").rows}
    reports = tmp_path / "new"
    reports.mkdir()
    (reports / "2026-03-01.md").write_text(_day("2026-03-01", range(1, 7)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", "from kb.cli import run; run()", "--kb", str(sample_copy),
                             "ingest", str(reports)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errors: list[str] = []
    wrong: list[str] = []

    def work(n: int) -> None:
        ids = sorted(sqls)
        for i in range(60):
            try:
                q = queries[(n + i) % len(queries)]
                got = [h.paper_id for h in kb.ask(q, top_k=5)]
                # New papers may join the answer, but the old ranking among old papers holds.
                if [p for p in got if p in sqls] != [p for p in expected[q] if p in got]:
                    wrong.append(f"{q}: {got}")
                pid = ids[(n * 7 + i) % len(ids)]
                rows = kb.sql("SELECT title FROM papers WHERE paper_id = ?", [pid]).rows
                if rows != [(sqls[pid],)]:
                    wrong.append(f"{pid}: {rows}")
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    proc.wait()
    assert proc.returncode == 0, proc.stderr.read().decode()[-500:]
    assert not errors, errors[:3]
    assert not wrong, wrong[:3]
    assert kb.sql("SELECT count(*) FROM papers").rows == [(54,)]


# -- 6. no silent loss on re-ingest -------------------------------------------------------------------

def test_a_cut_off_report_keeps_what_it_had(tmp_path: Path) -> None:
    reports = tmp_path / "r"
    reports.mkdir()
    full = (DATA / "2026-02-18.md").read_text(encoding="utf-8")
    (reports / "2026-02-18.md").write_text(full, encoding="utf-8")
    kb = _hash_kb(tmp_path / "kb", [reports])
    before = kb.sql("SELECT paper_id, count(*) FROM sections GROUP BY paper_id ORDER BY paper_id").rows
    # Cut off inside the second paper: the rest of it and every later paper are gone.
    second = full.index("## 📄", full.index("## 📄") + 1)
    cut = full[: full.index("主要创新点", second)]
    (reports / "2026-02-18.md").write_text(cut, encoding="utf-8")
    summary = kb.ingest([reports])
    assert kb.sql("SELECT paper_id, count(*) FROM sections GROUP BY paper_id ORDER BY paper_id").rows == before
    said = " ".join(summary.problems)
    assert "no longer in it" in said and "--allow-shrink" in said
    # Asked for, the shrink happens.
    kb.ingest([reports], allow_shrink=True)
    assert kb.sql("SELECT count(*) FROM papers").rows == [(2,)]


def test_an_older_report_never_overwrites_newer_text(tmp_path: Path) -> None:
    reports = tmp_path / "r"
    reports.mkdir()
    newer = make_report("2026-03-05", [("2603.00001", "Same paper", five_sections(contribution="新版本的贡献。"))])
    older = make_report("2026-03-01", [("2603.00001", "Same paper", five_sections(contribution="旧版本的贡献。"))])
    (reports / "2026-03-05.md").write_text(newer, encoding="utf-8")
    kb = _hash_kb(tmp_path / "kb", [reports])
    (reports / "2026-03-01.md").write_text(older, encoding="utf-8")
    summary = kb.ingest([reports])
    assert kb.sql("SELECT contribution FROM papers").rows == [("新版本的贡献。",)]
    assert kb.sql("SELECT count(*) FROM appearances").rows == [(2,)]
    assert any("older than the stored text" in p for p in summary.problems)


def test_remove_is_explicit(tmp_path: Path) -> None:
    kb = _hash_kb(tmp_path / "kb")
    assert kb.remove(["2602.02958"]) == ["2602.02958"]
    assert kb.sql("SELECT count(*) FROM papers WHERE paper_id = '2602.02958'").rows == [(0,)]
    assert kb.doctor().ok
    with pytest.raises(NotFoundError, match="no paper 2602.99999"):
        kb.remove(["2602.99999"])


# -- 7. linear time on any input ----------------------------------------------------------------------

def _parse_seconds(n: int) -> float:
    body = five_sections() + "\n1. a" + " " * n + "x\n1. **应用领域**" + " " * n + "x\n"
    text = make_report("2026-02-05", [("2602.00001", "T" + " " * n + "x", body)]).replace("HTML", "HTML" + " " * n + "x")
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parse_report(text)
        best = min(best, time.perf_counter() - started)
    return best


def test_parsing_grows_linearly_with_line_length() -> None:
    small, large = _parse_seconds(16_000), _parse_seconds(128_000)
    # Linear growth is ×8 here; quadratic would be ×64 (a 60 KB line once took 75 s).
    assert large < max(0.05, small * 24), (small, large)


# -- 8. doctor finds real damage ----------------------------------------------------------------------

def _damage(path: Path, offset_share: float, data: bytes) -> None:
    raw = bytearray(path.read_bytes())
    start = int(len(raw) * offset_share)
    raw[start:start + len(data)] = data
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("target", ["chunks.npz", "lexical.npz", "vectors.faiss"])
def test_doctor_finds_garbled_derived_files_and_repairs_them(tmp_path: Path, target: str) -> None:
    kb = _hash_kb(tmp_path / "kb")
    path = Layout(tmp_path / "kb").generation_dir(_generation(tmp_path / "kb")) / target
    # A zeroed region inside the data (not the header): structure intact, contents wrong.
    _damage(path, 0.6, b"\x7f" * 64 if target != "vectors.faiss" else b"\x00" * 4096)
    found = kb.doctor()
    assert not found.ok and any("checksum" in p or "differ" in p or "rebuilds" in p for p in found.problems)
    assert kb.doctor(repair=True).ok


def test_doctor_finds_random_bytes_in_the_database(tmp_path: Path) -> None:
    kb = _hash_kb(tmp_path / "kb")
    db = Layout(tmp_path / "kb").db
    _damage(db, 0.5, os.urandom(8192))
    found = kb.doctor()
    assert not found.ok and any("cannot be derived" in p for p in found.problems)
    repaired = kb.doctor(repair=True)
    assert not repaired.ok and repaired.unrepaired
    result = CliRunner().invoke(app, ["--kb", str(tmp_path / "kb"), "doctor", "--repair"])
    assert result.exit_code == 1 and "could not repair" in result.stderr and "Traceback" not in result.output


# -- 9. markup and environment never become tracebacks ---------------------------------------------

def test_markup_in_data_and_paths_prints_as_text(tmp_path: Path) -> None:
    home = tmp_path / "odd [/] dir"
    reports = tmp_path / "r"
    reports.mkdir()
    body = five_sections(contribution="提出 [/] 与 [bold]x[/bold] 的方法。") + "\n### 6. [/]\n内容 [/x]\n"
    (reports / "2026-03-01.md").write_text(make_report("2026-03-01", [("2603.00001", "x [/]", body)]), encoding="utf-8")
    _hash_kb(home, [reports])
    runner = CliRunner()
    shown = runner.invoke(app, ["--kb", str(home), "show", "2603.00001"])
    assert shown.exit_code == 0, shown.output
    assert "x [/]" in shown.stdout and "[bold]x[/bold]" in shown.stdout and "内容 [/x]" in shown.stdout
    table = runner.invoke(app, ["--kb", str(home), "sql", "SELECT title, '[/x]' AS v FROM papers"])
    assert table.exit_code == 0 and "[/x]" in table.stdout
    missing = runner.invoke(app, ["--kb", str(home), "show", "[/]"])
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1 and "[/]" in missing.stderr
    settings = runner.invoke(app, ["--kb", str(home), "sql", "SELECT * FROM duckdb_settings()"])
    assert settings.exit_code == 0, settings.output


def test_a_damaged_vector_file_is_one_line_and_lexical_still_works(tmp_path: Path) -> None:
    _hash_kb(tmp_path / "kb")
    path = Layout(tmp_path / "kb").vectors_file(_generation(tmp_path / "kb"))
    path.write_bytes(path.read_bytes()[:200])
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=HashEmbedder())
    with pytest.raises(KBError, match="doctor --repair"):
        kb.ask("video")
    assert len(kb.ask("视频", mode="lexical")) > 0


@pytest.mark.parametrize("case", ["kb-is-a-file", "foreign-db", "missing-path", "bad-name", "empty-folder"])
def test_environment_problems_are_one_line(tmp_path: Path, case: str) -> None:
    runner = CliRunner()
    target = tmp_path / "kb"
    args = ["ingest", str(DATA / "2026-02-18.md")]
    if case == "kb-is-a-file":
        target.write_text("not a folder")
    elif case == "foreign-db":
        import duckdb

        target.mkdir()
        con = duckdb.connect(str(target / "kb.duckdb"))
        con.execute("CREATE TABLE mine AS SELECT 42 AS answer")
        con.close()
    elif case == "missing-path":
        args = ["ingest", str(tmp_path / "nowhere")]
    elif case == "bad-name":
        folder = tmp_path / "reports"
        folder.mkdir()
        shutil.copy(DATA / "2026-02-18.md", folder / "2026-02-18.md")
        (folder / os.fsdecode(b"bad-\xff.md")).write_bytes(b"x")
        args = ["ingest", str(folder)]
    elif case == "empty-folder":
        (tmp_path / "empty").mkdir()
        args = ["ingest", str(tmp_path / "empty")]
    result = runner.invoke(app, ["--kb", str(target), *args], env={"KB_DIR": ""})
    # CliRunner keeps an escaped exception in `result.exception`: anything but a clean exit is a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if case in ("kb-is-a-file", "foreign-db", "missing-path"):
        assert result.exit_code == 1 and result.stderr.startswith("Error:") and result.stderr.count("\n") == 1
    if case == "foreign-db":
        import duckdb

        con = duckdb.connect(str(target / "kb.duckdb"), read_only=True)
        assert con.execute("SELECT answer FROM mine").fetchall() == [(42,)]
        con.close()
    if case == "missing-path":
        assert not target.exists(), "a failed ingest created the knowledge-base folder"
    if case == "bad-name":
        assert result.exit_code == 0 and "not valid UTF-8" in result.stderr
    if case == "empty-folder":
        assert "no report files" in result.stderr


# -- 10. validation ------------------------------------------------------------------------------------

def test_arguments_are_validated(tmp_path: Path) -> None:
    kb = _hash_kb(tmp_path / "kb", [DATA / "2026-02-18.md"])
    with pytest.raises(QueryError, match="at least 1"):
        kb.similar("2602.15763", top_k=-5)
    with pytest.raises(QueryError, match="after --until"):
        kb.ask("video", since="2026-02-18", until="2026-02-05")


def test_duplicate_ids_and_implausible_dates_are_reported(tmp_path: Path) -> None:
    reports = tmp_path / "r"
    reports.mkdir()
    paper = ("2603.00001", "Twice", five_sections())
    (reports / "2026-03-01.md").write_text(make_report("2026-03-01", [paper, ("2603.00001", "Twice again", five_sections())]), encoding="utf-8")
    (reports / "1900-01-01.md").write_text(make_report("1900-01-01", [("2603.00002", "Old", five_sections())]), encoding="utf-8")
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=HashEmbedder())
    summary = kb.ingest([reports])
    said = " | ".join(summary.problems)
    assert "appears again" in said and "is used" in said and "implausible" in said
    assert kb.sql("SELECT paper_id, title FROM papers").rows == [("2603.00001", "Twice again")]


# -- 4. Ctrl-C during a query ---------------------------------------------------------------------------

@pytest.mark.slow
def test_ctrl_c_during_sql_prints_one_line(sample_kb_dir: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kb.cli import run; run()", "--kb", str(sample_kb_dir), "sql", "--timeout", "60",
         "SELECT sum(a.ordinal * b.range) FROM chunks a, chunks c, range(100000000) b"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    time.sleep(8)  # past start-up even on a loaded machine; the query itself runs for minutes
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    text = stderr.decode()
    assert proc.returncode == 130, text[-500:]
    assert text.count("\n") == 1 and "Interrupted" in text and "Traceback" not in text


# -- 11. bounded memory: batches inside one transaction ---------------------------------------------

class _FailOnThirdBatch(HashEmbedder):
    def embed_passages(self, texts):
        if self.calls == 2:
            raise RuntimeError("simulated crash in the third batch")
        return super().embed_passages(texts)


def _rows(directory: Path) -> list:
    kb = KnowledgeBase.open(directory, embedder=HashEmbedder())
    return [kb.sql(f"SELECT * EXCLUDE (updated_at) FROM {t} ORDER BY ALL").rows if t == "papers" else
            kb.sql(f"SELECT * FROM {t} ORDER BY ALL").rows for t in ("papers", "chunks", "sections", "metrics", "links")]


def test_small_batches_give_the_same_knowledge_base_and_stay_all_or_nothing(tmp_path: Path, monkeypatch) -> None:
    from kb import write_rows

    _hash_kb(tmp_path / "whole")
    monkeypatch.setattr(write_rows, "BATCH_CHUNKS", 40)
    failing = KnowledgeBase.open(tmp_path / "batched", embedder=_FailOnThirdBatch())
    with pytest.raises(RuntimeError, match="third batch"):
        failing.ingest([DATA])
    assert not Layout(tmp_path / "batched").db.exists(), "a failed batch left a partial knowledge base"
    embedder = HashEmbedder()
    KnowledgeBase.open(tmp_path / "batched", embedder=embedder).ingest([DATA])
    assert embedder.calls >= 241 // 40  # the work really went in batches
    assert _rows(tmp_path / "batched") == _rows(tmp_path / "whole")


def test_an_unusual_paper_is_reported_before_embedding_starts(tmp_path: Path) -> None:
    warned: list[str] = []

    class Watching(HashEmbedder):
        def embed_passages(self, texts):
            self.seen_warning = bool(warned)
            return super().embed_passages(texts)

    # Distinct paragraphs: a repeated sentence makes one chunk, not many.
    huge = five_sections(innovation="\n\n".join(f"第 {i} 段：一种新的训练策略，" + "细节。" * 150 for i in range(300)))
    reports = tmp_path / "r"
    reports.mkdir()
    (reports / "2026-03-01.md").write_text(make_report("2026-03-01", [("2603.00001", "Huge", huge)]), encoding="utf-8")
    embedder = Watching()
    KnowledgeBase.open(tmp_path / "kb", embedder=embedder).ingest([reports], on_problem=warned.append)
    assert warned and "chunks" in warned[0] and "2603.00001" in warned[0]
    assert embedder.seen_warning


def test_running_out_of_write_memory_says_how_to_raise_the_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(store, "WRITE_MEMORY_LIMIT", "1MB")
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=HashEmbedder())
    with pytest.raises(StorageError, match="KB_WRITE_MEMORY_LIMIT"):
        kb.ingest([DATA])
    assert not list((tmp_path / "kb").glob(".kb.duckdb.*")) and not (tmp_path / "kb" / "kb.duckdb").exists()
