"""A reader's daily loop, part two: recommendations from tagged papers, and exports parsed back by real parsers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import bibtexparser
import feedparser
import pytest
from typer.testing import CliRunner

from conftest import make_report
from kb import KnowledgeBase, QueryError
from kb.cli import app
from kb.recommend import explain_terms

runner = CliRunner()
QUANT_VIDEOGEN = "2602.02958"  # auto-regressive long video generation, 2026-02-05
DUMMY_FORCING = "2601.20499"  # efficient autoregressive video diffusion, 2026-02-05
VIEWROPE = "2602.07854"  # consistent (autoregressive) video world model, 2026-02-18
GLM5 = "2602.15763"


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def liked_kb(sample_copy: Path) -> KnowledgeBase:
    kb = KnowledgeBase.open(sample_copy)
    kb.tag(QUANT_VIDEOGEN, "liked")
    kb.tag(DUMMY_FORCING, "liked")
    return kb


# -- recommend -----------------------------------------------------------------

def test_two_liked_video_papers_rank_the_remaining_autoregressive_video_paper_first(liked_kb: KnowledgeBase) -> None:
    picks = liked_kb.recommend("liked", top_k=48)
    ids = [p["paper_id"] for p in picks]
    assert QUANT_VIDEOGEN not in ids and DUMMY_FORCING not in ids and len(ids) == 46
    assert ids[0] == VIEWROPE
    unrelated = [i for i, p in enumerate(picks) if not {"video", "generation"} & set(p["domains"])]
    assert unrelated and ids.index(VIEWROPE) < min(unrelated)
    top = picks[0]
    assert top["method"] == "svm" and top["section"] in {"domain", "contribution", "usage", "innovations", "results"}
    assert len(top["terms"]) == 5 and {"视频生成", "自回归"} <= set(top["terms"])  # why, in the report's own words


def test_one_positive_behaves_like_similar(sample_copy: Path) -> None:
    kb = KnowledgeBase.open(sample_copy)
    kb.tag(QUANT_VIDEOGEN, "liked")
    picks = kb.recommend("liked", top_k=4)
    assert {p["method"] for p in picks} == {"similar"}
    assert [p["paper_id"] for p in picks] == [h.paper_id for h in kb.similar(QUANT_VIDEOGEN, top_k=4)]
    assert picks[0]["paper_id"] == DUMMY_FORCING and picks[0]["terms"]


def test_read_and_not_interested_papers_are_left_out_and_pushed_down(liked_kb: KnowledgeBase) -> None:
    before = [p["paper_id"] for p in liked_kb.recommend("liked", top_k=48)]
    liked_kb.mark_read(VIEWROPE)
    second = before[1]
    liked_kb.tag(second, "not-interested")
    after = [p["paper_id"] for p in liked_kb.recommend(top_k=48)]  # every tag but not-interested is a positive
    assert VIEWROPE not in after and second not in after and len(after) == 44


def test_recommend_since_keeps_to_recent_reports(liked_kb: KnowledgeBase) -> None:
    picks = liked_kb.recommend("liked", since="2026-02-18", top_k=5)
    assert picks[0]["paper_id"] == VIEWROPE
    assert all(p["paper_id"] in {n["paper_id"] for n in liked_kb.new()} for p in picks)


def test_recommend_without_positives_says_how_to_tag(sample_copy: Path) -> None:
    with pytest.raises(QueryError, match="kb tag 2602.02958 liked"):
        KnowledgeBase.open(sample_copy).recommend("liked")


def test_recommend_cli_explains_its_picks(liked_kb: KnowledgeBase) -> None:
    kb_dir = str(liked_kb.layout.root)
    result = run("--kb", kb_dir, "recommend", "--tag", "liked", "--top-k", "3")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("why: ") == 3 and "Geometry-Aware Rotary" in result.stdout
    rows = json.loads(run("--kb", kb_dir, "recommend", "--json", "-k", "2").stdout)
    assert [set(r) >= {"paper_id", "title", "score", "terms", "section", "method"} for r in rows] == [True, True]
    missing = run("--kb", kb_dir, "recommend", "--tag", "nothing-here")
    assert missing.exit_code == 1 and "Traceback" not in missing.output


@pytest.mark.parametrize("weights,text,expected", [
    ({"自回": 2.0, "回归": 2.0, "视频": 1.0, "kv-cache": 1.5}, "提出自回归视频的方法 kv-cache", ["自回归", "kv-cache", "视频"]),
    ({"自回": 2.0, "回归": 2.0, "归视": 0.1, "视频": 1.0}, "提出自回归视频的方法", ["自回归视频"]),
    ({"粒度": 1.0, "粗粒": 1.0, "的全": 3.0}, "粗粒度的全局", ["粗粒度"]),  # split at 的, a stray 全 dropped
    ({"视频": 1.0, "频生": 1.0}, "视频生成", ["视频生成"]),  # 生成 is common: it may end a phrase
])
def test_explanations_join_bigrams_into_the_report_phrases(weights: dict, text: str, expected: list[str]) -> None:
    assert explain_terms(weights, text, common=frozenset({"生成"})) == expected


# -- export --------------------------------------------------------------------

HOSTILE = 'Evil {unbalanced \\ 100% & #1 _x_ ~^$ } [/] <script>alert(1)</script> "quoted"\x07'


@pytest.fixture
def hostile_kb(tmp_path: Path, hash_embedder) -> KnowledgeBase:
    """A knowledge base whose report text holds every character the export formats interpret."""
    body = ("1. **应用领域**：视频生成\n\n2. **一句话核心贡献**：提出了 <b>{x}</b> & 100% [link](javascript:x) 方法。\n\n"
            "3. **使用指南**：输入文本。\n\n4. **主要创新点**：一种新方法。\n\n5. **实验效果**：提升 5%。\n")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "2026-03-01.md").write_text(make_report("2026-03-01", [("2603.00001", HOSTILE, body)]))
    (reports / "2026-03-02.md").write_text(make_report("2026-03-02", [("2603.00001", HOSTILE, body),
                                                                      ("2603.00002", "Plain Paper", body)]))
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=hash_embedder)
    kb.ingest([reports])
    kb.tag("2603.00001", "liked")
    kb.note("2603.00001", "see {section 3} } \\")
    return kb


def test_bibtex_of_tagged_papers_parses_back(liked_kb: KnowledgeBase, tmp_path: Path) -> None:
    out = tmp_path / "liked.bib"
    result = run("--kb", str(liked_kb.layout.root), "export", "--format", "bibtex", "--tag", "liked", "-o", str(out))
    assert result.exit_code == 0, result.output
    library = bibtexparser.parse_string(out.read_text())
    assert not library.failed_blocks and len(library.entries) == 2
    entry = {e["eprint"]: e for e in library.entries}[QUANT_VIDEOGEN]
    assert entry.entry_type == "misc" and entry["archiveprefix"] == "arXiv"
    assert entry["url"] == f"https://arxiv.org/abs/{QUANT_VIDEOGEN}" and entry["date"] == "2026-02-05"
    assert entry["title"] == "{Quant VideoGen: Auto-Regressive Long Video Generation via 2-Bit KV-Cache Quantization}"
    assert "liked" in entry["keywords"]
    assert not list(tmp_path.glob(".liked.bib.*"))  # written through a temporary file, then renamed


def test_bibtex_escapes_hostile_text(hostile_kb: KnowledgeBase) -> None:
    library = bibtexparser.parse_string(hostile_kb.export("bibtex", tag="liked"))
    assert not library.failed_blocks and [e["eprint"] for e in library.entries] == ["2603.00001"]
    title = library.entries[0]["title"]
    assert title.startswith("{Evil \\{unbalanced \\textbackslash{} 100\\% \\& \\#1 \\_x\\_") and "\x07" not in title


def test_atom_feed_has_one_entry_per_appearance(hostile_kb: KnowledgeBase) -> None:
    feed = feedparser.parse(hostile_kb.export("atom"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and len(feed.entries) == 3  # 2603.00001 twice, 2603.00002 once
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == 3
    again = [e for e in feed.entries if "(featured again)" in e.title]
    assert len(again) == 1 and again[0].title.startswith("Evil {unbalanced") and "<script>" in again[0].title
    assert feed.entries[0].updated.startswith("2026-03-02") and feed.entries[0].link.startswith("https://huggingface.co/papers/")
    assert {t.term for t in again[0].tags} >= {"liked"}
    recent = feedparser.parse(hostile_kb.export("atom", since="2026-03-02"))
    assert len(recent.entries) == 2 and not recent.bozo


def test_atom_of_the_sample_parses(sample_kb: KnowledgeBase) -> None:
    feed = feedparser.parse(sample_kb.export("atom", domains=["video"]))
    assert not feed.bozo and len(feed.entries) == 6
    assert all(e.summary for e in feed.entries)


def test_markdown_csv_and_jsonl(hostile_kb: KnowledgeBase) -> None:
    md = hostile_kb.export("markdown", tag="liked")
    assert md.startswith("# Reading list\n") and "1 paper\n" in md
    assert "\\<script\\>" in md and "<script>" not in md and "(https://huggingface.co/papers/2603.00001)" in md
    rows = list(csv.DictReader(io.StringIO(hostile_kb.export("csv"))))
    assert [r["paper_id"] for r in rows] == ["2603.00001", "2603.00002"]  # latest featured, then id
    assert rows[0]["title"] == HOSTILE.replace("\x07", "") or rows[0]["title"] == HOSTILE
    assert rows[0]["tags"] == "liked" and rows[0]["notes"] == "see {section 3} } \\"
    lines = hostile_kb.export("jsonl", since="2026-03-01", until="2026-03-01").splitlines()
    assert [json.loads(line)["paper_id"] for line in lines] == ["2603.00001"]


def test_export_a_query_keeps_its_ranking(sample_kb: KnowledgeBase) -> None:
    ranked = [h.paper_id for h in sample_kb.ask("KV cache quantization for video", top_k=3)]
    rows = [json.loads(x) for x in sample_kb.export("jsonl", "KV cache quantization for video", top_k=3).splitlines()]
    assert [r["paper_id"] for r in rows] == ranked and ranked[0] == QUANT_VIDEOGEN


def test_export_cli_errors(sample_kb_dir: Path) -> None:
    bad = run("--kb", str(sample_kb_dir), "export", "--format", "ris")
    assert bad.exit_code == 1 and "bibtex, markdown, csv, jsonl, atom" in bad.output
    since = run("--kb", str(sample_kb_dir), "export", "--since", "soon")
    assert since.exit_code == 1 and "YYYY-MM-DD" in since.output
    ok = run("--kb", str(sample_kb_dir), "export", "--format", "csv", "--domain", "video")
    assert ok.exit_code == 0 and len(ok.stdout.strip().splitlines()) == 7
