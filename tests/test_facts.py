"""Facts in a real knowledge base: roles in SQL, paper_benchmarks, leaderboards, domain tags, and the upgrade."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from kb import KnowledgeBase, store
from kb.cli import app
from kb.errors import NotFoundError, QueryError

runner = CliRunner()


def test_glm5_result_holds_glm47_as_its_baseline(sample_kb: KnowledgeBase) -> None:
    rows = sample_kb.sql("SELECT value, baseline, compared_to FROM metrics WHERE paper_id = '2602.15763' AND role = 'result'").rows
    assert (50.0, 42.0, "GLM-4.7") in rows
    assert not any(value == 42.0 for value, _, _ in rows)


def test_quant_videogen_latency_is_a_change_that_went_up(sample_kb: KnowledgeBase) -> None:
    rows = sample_kb.sql("SELECT role, change_direction, better FROM metrics WHERE paper_id = '2602.02958' AND value = 2.1").rows
    assert rows == [("change", "increase", "lower")]


def test_results_view_has_only_result_rows_with_titles(sample_kb: KnowledgeBase) -> None:
    rows = sample_kb.sql("SELECT count(*), count(title), count(date) FROM results").rows[0]
    total = sample_kb.sql("SELECT count(*) FROM metrics WHERE role = 'result'").rows[0][0]
    assert rows == (total, total, total) and total > 20


def test_benchmarks_are_shared_across_papers(sample_kb: KnowledgeBase) -> None:
    shared = dict(sample_kb.sql(
        "SELECT benchmark, count(DISTINCT paper_id) FROM paper_benchmarks GROUP BY 1 HAVING count(DISTINCT paper_id) > 1").rows)
    assert {"MATH", "MMLU", "GSM8K", "HumanEval", "AIME 2024"} <= set(shared)
    assert sample_kb.sql("SELECT count(*) FROM benchmarks WHERE papers > 1").rows[0][0] >= 5
    listed = sample_kb.benchmarks()
    assert listed[0]["papers"] >= listed[-1]["papers"] and {"benchmark", "papers"} <= set(listed[0])


def test_leaderboard_lists_results_best_first(sample_kb: KnowledgeBase) -> None:
    rows = sample_kb.leaderboard("aime")
    assert rows and {r["benchmark"] for r in rows} <= {"AIME", "AIME 2024", "AIME 2025"}
    assert set(rows[0]) == {"paper_id", "title", "date", "benchmark", "metric", "value", "unit", "better", "baseline",
                            "compared_to", "setting", "evidence"}
    mmlu = sample_kb.leaderboard("MMLU")
    assert any(r["value"] == 58.8 and r["baseline"] == 56.9 for r in mmlu)
    with pytest.raises(NotFoundError, match="kb benchmarks"):
        sample_kb.leaderboard("NoSuchBench")
    with pytest.raises(QueryError, match="metrics there"):
        sample_kb.leaderboard("MMLU", metric="BLEU")


def test_leaderboard_and_benchmarks_commands(sample_kb_dir: Path) -> None:
    result = runner.invoke(app, ["--kb", str(sample_kb_dir), "leaderboard", "MMLU", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["benchmark"] == "MMLU"
    result = runner.invoke(app, ["--kb", str(sample_kb_dir), "leaderboard", "MMLU"])
    assert result.exit_code == 0 and "58.8" in result.output and "MMLU" in result.output
    result = runner.invoke(app, ["--kb", str(sample_kb_dir), "leaderboard", "NoSuchBench"])
    assert result.exit_code == 1 and "Error" in result.output
    result = runner.invoke(app, ["--kb", str(sample_kb_dir), "benchmarks"])
    assert result.exit_code == 0 and "MATH" in result.output


def test_domain_tags_have_evidence_and_match_the_paper(sample_kb: KnowledgeBase) -> None:
    rows = sample_kb.sql("SELECT paper_id, evidence FROM paper_domains WHERE domain = 'efficiency'").rows
    found = dict(rows)
    assert {"2602.02958", "2602.04816"} <= set(found) and all(found.values())
    horizon = sample_kb.sql("SELECT domains FROM papers WHERE paper_id = '2602.04816'").rows[0][0]
    assert "safety" not in horizon


def test_kv_cache_question_filtered_to_efficiency_keeps_the_best_answer(sample_kb: KnowledgeBase) -> None:
    hits = sample_kb.ask("KV cache quantization", top_k=3, domains=["efficiency"])
    assert hits.to_dicts()[0]["paper_id"] == "2602.02958"


def test_an_unknown_domain_is_an_error_that_lists_the_tags(sample_kb_dir: Path) -> None:
    result = runner.invoke(app, ["--kb", str(sample_kb_dir), "ask", "KV cache", "--domain", "efficency"])
    assert result.exit_code == 1
    assert "unknown domain 'efficency'" in result.output and "efficiency" in result.output


def _downgrade_to_v1(db: Path) -> None:
    """Turn a current database into what schema version 1 wrote, with stale version-1 domain tags."""
    con = duckdb.connect(str(db))
    con.execute("DROP VIEW results; DROP VIEW benchmarks; DROP VIEW paper_metrics; "
                "DROP TABLE paper_benchmarks; DROP TABLE paper_domains; "
                "DROP TABLE paper_terms; DROP TABLE dictionary_terms")  # versions 2 and 3
    for column in ("role", "compared_to", "change_direction", "better", "qualifier", "setting", "benchmark_raw"):
        con.execute(f"ALTER TABLE metrics DROP COLUMN {column}")
    for statement in store.MIGRATIONS[0].split(";"):
        if "CREATE VIEW paper_metrics" in statement or "CREATE VIEW benchmarks" in statement:
            con.execute(statement)
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.execute("UPDATE papers SET domains = ['safety'] WHERE paper_id = '2602.04816'")
    con.close()


def test_repair_upgrades_an_old_knowledge_base_from_its_sections(sample_copy: Path) -> None:
    db = sample_copy / "kb.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    vectors = con.execute("SELECT chunk_id, vector FROM embeddings ORDER BY chunk_id").fetchall()
    con.close()
    _downgrade_to_v1(db)
    with KnowledgeBase.open(sample_copy) as kb:
        assert not kb.doctor().ok
        checkup = kb.doctor(repair=True)
        assert checkup.ok, checkup.problems
        assert kb.meta()["schema_version"] == str(store.SCHEMA_VERSION)
        assert (50.0, 42.0) in kb.sql("SELECT value, baseline FROM metrics WHERE paper_id = '2602.15763' AND role = 'result'").rows
        assert "efficiency" in kb.sql("SELECT domains FROM papers WHERE paper_id = '2602.04816'").rows[0][0]
        assert kb.sql("SELECT count(*) FROM paper_benchmarks").rows[0][0] > 50
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT chunk_id, vector FROM embeddings ORDER BY chunk_id").fetchall() == vectors  # not re-embedded
    con.close()


def test_facts_from_older_rules_are_re_extracted_on_the_next_ingest(sample_copy: Path) -> None:
    from kb.facts import EXTRACTOR_VERSION

    db = sample_copy / "kb.duckdb"
    con = duckdb.connect(str(db))
    vectors = con.execute("SELECT chunk_id, vector FROM embeddings ORDER BY chunk_id").fetchall()
    want = con.execute("SELECT paper_id, value, role FROM metrics ORDER BY ALL").fetchall()
    # What an older kb left: no recorded extractor version, and a figure its rules got wrong.
    con.execute("DELETE FROM meta WHERE key = 'extractor_version'")
    con.execute("UPDATE metrics SET role = 'baseline' WHERE role = 'result'")
    con.close()
    with KnowledgeBase.open(sample_copy) as kb:
        assert any("older rules" in p for p in kb.doctor().problems)
    result = CliRunner().invoke(app, ["--kb", str(sample_copy), "ingest", str(Path(__file__).resolve().parent.parent / "data")])
    assert result.exit_code == 0, result.output
    assert "facts of 48 papers re-extracted by the current rules" in result.output
    with KnowledgeBase.open(sample_copy) as kb:
        assert kb.sql("SELECT paper_id, value, role FROM metrics ORDER BY ALL").rows == want
        assert kb.meta()["extractor_version"] == str(EXTRACTOR_VERSION)
        assert kb.doctor().ok
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT chunk_id, vector FROM embeddings ORDER BY chunk_id").fetchall() == vectors  # not re-embedded
    con.close()
