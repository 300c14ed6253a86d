"""Hybrid cross-lingual retrieval, filters applied before the cut, and the pieces it is built from."""

from __future__ import annotations

from datetime import date

import pytest

from kb import KnowledgeBase
from kb.errors import QueryError
from kb.lexical import LexicalIndex, expand_query, tokenize
from kb.search import best_per_paper, confidence_weights, fuse_rrf, snippet

QUANT_VIDEOGEN = "2602.02958"


@pytest.mark.parametrize("query", ["KV cache quantization for video", "视频生成中的KV缓存量化"])
@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_quant_videogen_comes_first(sample_kb: KnowledgeBase, query: str, mode: str) -> None:
    assert sample_kb.ask(query, top_k=5, mode=mode)[0].paper_id == QUANT_VIDEOGEN


def test_results_are_papers_with_passages_and_links(sample_kb: KnowledgeBase) -> None:
    results = sample_kb.ask("reinforcement learning stability for LLM training", top_k=8)
    assert len(results) == 8
    assert len({h.paper_id for h in results}) == 8
    scores = [h.score for h in results]
    assert scores == sorted(scores, reverse=True)
    for h in results:
        assert h.url == f"https://huggingface.co/papers/{h.paper_id}"
        assert h.section in {"domain", "contribution", "usage", "innovations", "results"}
        assert h.text


def test_chunk_mode_returns_chunks(sample_kb: KnowledgeBase) -> None:
    hits = sample_kb.ask("量化", top_k=12, chunks=True)
    assert len(hits) == 12 and len({h.chunk_id for h in hits}) == 12
    assert len({h.paper_id for h in hits}) < 12


def _count(kb: KnowledgeBase, predicate: str, params: list | None = None) -> int:
    return kb.sql(f"SELECT count(*) FROM papers WHERE {predicate}", params).rows[0][0]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_date_filters_hold_and_return_full_lists(sample_kb: KnowledgeBase, mode: str) -> None:
    n = _count(sample_kb, "date >= DATE '2026-02-18'")
    results = sample_kb.ask("视频生成", top_k=50, since="2026-02-18", mode=mode if mode != "lexical" else "hybrid")
    assert len(results) == n == 13
    assert all(h.date >= date(2026, 2, 18) for h in results)
    older = sample_kb.ask("video generation", top_k=3, until=date(2026, 2, 5), mode=mode)
    assert len(older) == 3 and all(h.date == date(2026, 2, 5) for h in older)


@pytest.mark.parametrize("tag", ["video", "robotics", "medical", "ecommerce"])
def test_a_narrow_domain_filter_returns_every_matching_paper(sample_kb: KnowledgeBase, tag: str) -> None:
    expected = {r[0] for r in sample_kb.sql("SELECT paper_id FROM papers WHERE list_contains(domains, ?)", [tag]).rows}
    assert expected, f"no {tag} papers in the sample"
    # An unrelated query: the matching papers would be cut by a post-filter.
    got = sample_kb.ask("optimizer for language model pretraining", top_k=50, domains=[tag], mode="dense")
    assert {h.paper_id for h in got} == expected
    assert all(tag in h.domains for h in got)


def test_section_filter(sample_kb: KnowledgeBase) -> None:
    hits = sample_kb.ask("GPU", top_k=20, section="usage", chunks=True)
    assert hits and all(h.section == "usage" for h in hits)


def test_where_predicate(sample_kb: KnowledgeBase) -> None:
    hits = sample_kb.ask("benchmark", top_k=100, where="date = DATE '2026-02-18' AND title ILIKE '%agent%'")
    expected = _count(sample_kb, "date = DATE '2026-02-18' AND title ILIKE '%agent%'")
    assert expected >= 1 and len(hits) == expected
    assert all("agent" in h.title.lower() for h in hits)


@pytest.mark.parametrize("where", ["1=1; DROP TABLE papers", "date = ", "no_such_column = 1"])
def test_bad_where_is_a_clear_error(sample_kb: KnowledgeBase, where: str) -> None:
    with pytest.raises(QueryError, match="--where"):
        sample_kb.ask("video", where=where)


def test_filters_that_match_nothing_return_nothing(sample_kb: KnowledgeBase) -> None:
    assert len(sample_kb.ask("video", since="2030-01-01")) == 0


@pytest.mark.parametrize("kwargs,message", [
    ({"query": "   "}, "empty"), ({"query": "x", "mode": "fuzzy"}, "unknown mode"),
    ({"query": "x", "section": "abstract"}, "unknown section"), ({"query": "x", "since": "someday"}, "YYYY-MM-DD"),
    ({"query": "x", "top_k": 0}, "at least 1"),
])
def test_bad_ask_arguments(sample_kb: KnowledgeBase, kwargs: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        sample_kb.ask(**kwargs)


def test_similar_papers(sample_kb: KnowledgeBase) -> None:
    hits = sample_kb.similar(QUANT_VIDEOGEN, top_k=5)
    assert len(hits) == 5 and QUANT_VIDEOGEN not in {h.paper_id for h in hits}
    assert any("video" in h.domains for h in hits[:3])


def test_hostile_queries_do_not_break(sample_kb: KnowledgeBase) -> None:
    for q in ["'; DROP TABLE papers; --", "🔥🚀 视频 🎬", "x" * 20000, '"quoted" \\ back\\slash']:
        assert isinstance(len(sample_kb.ask(q, top_k=3)), int)


@pytest.mark.parametrize("text,expected", [
    ("KV-Cache", ["kv-cache", "kv", "cache"]),
    ("GRPO", ["grpo"]),
    ("SWE-bench Verified", ["swe-bench", "swe", "bench", "verified"]),
    ("2-bit", ["2-bit", "2", "bit"]),
    ("视频生成", ["视频", "频生", "生成"]),
    ("Ｑｗｅｎ２.５", ["qwen2.5", "qwen2", "5"]),
])
def test_tokenize(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


def test_query_expansion_crosses_languages() -> None:
    en = expand_query("KV cache quantization")
    assert en["量化"] < 1.0 and "缓存" in en
    zh = expand_query("强化学习")
    assert "reinforcement" in zh and "learning" in zh


def test_bm25_prefers_the_rarer_term() -> None:
    index = LexicalIndex.build([1, 2, 3], ["模型 模型 量化", "模型 训练", "模型 推理"])
    hits = index.search("量化 模型", k=3)
    assert hits[0][0] == 1
    assert index.search("量化", k=3, allowed=[2, 3]) == []


def test_fuse_rrf_and_grouping() -> None:
    fused = fuse_rrf([[1, 2, 3], [3, 1]], k=60)
    assert max(fused, key=fused.get) == 1
    assert fused[3] > fused[2]
    ranked = best_per_paper({1: 0.5, 2: 0.4, 3: 0.45}, {1: "a", 2: "a", 3: "b"})
    assert [(p, c) for p, c, _ in ranked] == [("a", 1), ("b", 3)]


def test_the_surer_mode_votes_more() -> None:
    dense, lexical = confidence_weights(0.01, 0.64)
    assert lexical == 1.0 and dense == pytest.approx((0.01 / 0.64) ** 0.25)
    assert confidence_weights(0.3, 0.3) == (1.0, 1.0)
    # Chunk 7 is the lexical search's first hit and nowhere in the dense list; chunk 1 heads the unsure dense
    # list and sits far down the lexical one.
    dense_ranking, lexical_ranking = [1, 2, 3, 4], [7, *range(100, 140), 1]
    plain = fuse_rrf([dense_ranking, lexical_ranking])
    weighted = fuse_rrf([dense_ranking, lexical_ranking], weights=(dense, lexical))
    assert max(plain, key=plain.get) == 1
    assert max(weighted, key=weighted.get) == 7


def test_an_unsure_dense_ranking_does_not_push_out_the_lexical_answer(sample_kb: KnowledgeBase) -> None:
    # 文生图 / 图生3D / 长尾 are written only in Chinese: the dictionary finds them, the dense model does not.
    query = "text-to-image followed by image-to-3D pipeline to fill gaps in rare object categories"
    assert "2602.03907" in [h.paper_id for h in sample_kb.ask(query, top_k=5, mode="lexical")]
    assert "2602.03907" in [h.paper_id for h in sample_kb.ask(query, top_k=5)]


def test_snippet_highlights_query_terms() -> None:
    text = "无关内容。" * 60 + "本文提出 KV-Cache 量化方法。" + "其他内容。" * 60
    piece, spans = snippet(text, "KV cache quantization")
    assert len(piece) <= 230
    marked = " | ".join(piece[s:e].lower() for s, e in spans)
    assert "kv-cache" in marked and "量化" in marked
    assert "无关" not in marked


# -- issue 18: passages, relevance, cross-lingual terms, string ids ------------------------------

def test_the_shown_passage_is_the_one_that_answers(sample_kb: KnowledgeBase) -> None:
    hit = sample_kb.ask("KV cache quantization for video", top_k=1)[0]
    assert hit.paper_id == QUANT_VIDEOGEN and hit.section == "contribution"
    assert "KV-Cache 量化" in hit.text and hit.label == "contribution"
    assert sample_kb.ask("视频生成中的KV缓存量化", top_k=1)[0].label == "核心贡献"


def test_a_question_after_a_quantity_shows_the_results_section(sample_kb: KnowledgeBase) -> None:
    # The same paper answers both; "how many times" asks for the figure, which 实验效果 states.
    about = sample_kb.ask("KV cache quantization for video", top_k=1)[0]
    figure = sample_kb.ask("how many times less memory does KV cache quantization for video need", top_k=1)[0]
    assert about.paper_id == figure.paper_id == QUANT_VIDEOGEN
    assert (about.section, figure.section) == ("contribution", "results")
    assert "11" in figure.text and figure.label == "results"
    assert sample_kb.ask("视频生成的KV缓存量化能省多少显存", top_k=1)[0].label == "实验效果"


def test_section_prior_moves_with_what_the_question_asks() -> None:
    from kb.passage import SECTION_PRIOR, section_prior

    assert section_prior("KV cache quantization") == SECTION_PRIOR
    assert section_prior("by how much does accuracy improve")["results"] > section_prior("accuracy").get("results", 0.0)
    assert section_prior("需要几张显卡部署")["usage"] > SECTION_PRIOR.get("usage", 0.0)


def test_relevance_is_calibrated_and_says_why(sample_kb: KnowledgeBase) -> None:
    good = sample_kb.ask("KV cache quantization for video", top_k=3)
    assert not good.weak and good[0].relevance > 0.9 and good[0].why == "title"
    assert all(0.0 <= h.relevance <= 1.0 and h.why in {"title", "keywords", "meaning"} for h in good)
    bad = sample_kb.ask("banana bread recipe", top_k=3)
    assert bad.weak and max(h.relevance for h in bad) < 0.05
    assert all(d["weak"] for d in bad.to_dicts())


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_off_topic_queries_are_weak_in_every_mode(sample_kb: KnowledgeBase, mode: str) -> None:
    assert sample_kb.ask("banana bread recipe", top_k=3, mode=mode).weak


def test_mixture_of_experts_reaches_chinese_text_lexically(sample_kb: KnowledgeBase) -> None:
    hits = sample_kb.ask("mixture of experts", top_k=3, mode="lexical")
    assert "2602.04705" in [h.paper_id for h in hits]  # ERNIE 5.0: 超稀疏混合专家（MoE）


def test_terms_show_the_mined_lexicon(sample_kb: KnowledgeBase) -> None:
    moe = sample_kb.terms("moe")
    assert any(r["expansion"] == "混合专家" and r["source"] == "lexicon" and r["papers"] >= 2 for r in moe)
    assert any(r["source"] == "cedict" for r in sample_kb.terms("banana"))
    top = sample_kb.terms()
    assert top and top[0]["count"] >= top[-1]["count"]
    with pytest.raises(QueryError):
        sample_kb.terms("  ")


def test_similar_is_ordered_by_its_cosine(sample_kb: KnowledgeBase) -> None:
    results = sample_kb.similar(QUANT_VIDEOGEN, top_k=8)
    scores = [h.score for h in results]
    assert scores == sorted(scores, reverse=True) and results.score_kind == "cosine"


def test_chunk_ids_travel_as_strings_and_come_back(sample_kb: KnowledgeBase) -> None:
    import json

    from kb.search import parse_chunk_id

    hit = sample_kb.ask("KV cache quantization for video", top_k=1)[0]
    d = json.loads(json.dumps(sample_kb.ask("KV cache quantization for video", top_k=1).to_dicts()))[0]
    assert isinstance(d["chunk_id"], str) and parse_chunk_id(d["chunk_id"]) == hit.chunk_id
    rows = sample_kb.sql("SELECT text FROM chunks WHERE chunk_id = ?::BIGINT", [d["chunk_id"]]).rows
    assert rows and "KV-Cache" in rows[0][0]
    with pytest.raises(QueryError):
        parse_chunk_id("12ab")
