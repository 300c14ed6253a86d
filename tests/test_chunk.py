"""Chunks fit the model window, keep structure, and have ids derived from content."""

from __future__ import annotations

from conftest import DATA, five_sections, make_report
from kb.chunk import chunk_id_for, chunk_paper, split_text
from kb.parse import parse_report

PAPERS = [p for f in sorted(DATA.glob("*.md")) for p in parse_report(f.read_text(encoding="utf-8")).papers]


def test_every_section_of_every_seed_paper_is_chunked_within_budget() -> None:
    for paper in PAPERS:
        chunks = chunk_paper(paper, max_chars=600)
        assert {c.section for c in chunks} == {s.key for s in paper.sections}
        assert all(len(c.text) <= 600 for c in chunks)
        assert all(c.embed_text.startswith(paper.title + "\n") for c in chunks)
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_chunk_ids_are_stable_and_change_with_content() -> None:
    paper = PAPERS[0]
    first = [c.chunk_id for c in chunk_paper(paper)]
    assert first == [c.chunk_id for c in chunk_paper(paper)]
    assert all(0 < cid < 2**63 for cid in first)
    assert chunk_id_for("p", "results", "a") != chunk_id_for("p", "results", "b")
    assert chunk_id_for("p", "results", "a") != chunk_id_for("q", "results", "a")


def test_small_budget_splits_on_bullets_and_keeps_nested_items_with_their_parent() -> None:
    text = "* **A**：第一点。\n    * 子项 A1\n* **B**：第二点。\n    * 子项 B1\n* **C**：第三点。"
    pieces = split_text(text, max_chars=30)
    assert pieces[0].startswith("* **A**") and "子项 A1" in pieces[0]
    assert any(p.startswith("* **B**") and "子项 B1" in p for p in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_an_overlong_paragraph_is_cut_at_sentence_ends() -> None:
    text = "。".join(["这是一个相当长的句子用于测试切分"] * 40) + "。"
    pieces = split_text(text, max_chars=100)
    assert all(len(p) <= 100 for p in pieces)
    assert all(p.endswith("。") for p in pieces)
    assert "".join(pieces) == text


def test_smaller_budget_means_more_chunks() -> None:
    (paper,) = parse_report(make_report("2026-03-01", [("2603.00001", "T", five_sections(innovation="创新。" * 80))])).papers
    assert len(chunk_paper(paper, max_chars=100)) > len(chunk_paper(paper, max_chars=600))
