"""A reader's daily loop, part one: dates as people write them, `kb new`, and marks that survive rebuilds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DATA, ROOT, five_sections, make_report
from kb import KnowledgeBase, QueryError
from kb.cli import app
from kb.when import parse_when

runner = CliRunner()
LATEST_DAY = "2026-02-18"
QUANT_VIDEOGEN = "2602.02958"  # featured 2026-02-05
GLM5 = "2602.15763"  # featured 2026-02-18


def run(*args: str):
    return runner.invoke(app, list(args))


# -- dates -------------------------------------------------------------------

TODAY = date(2026, 2, 18)  # a Wednesday


@pytest.mark.parametrize("text,expected", [
    ("2026-02-05", date(2026, 2, 5)), (" Today ", TODAY), ("yesterday", date(2026, 2, 17)),
    ("3d", date(2026, 2, 15)), ("0d", TODAY), ("2w", date(2026, 2, 4)), ("1W", date(2026, 2, 11)),
    ("last-week", date(2026, 2, 9)),  # Monday of the previous week
])
def test_parse_when_forms(text: str, expected: date) -> None:
    assert parse_when(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["", "someday", "3x", "-2d", "2026-13-01", "w2", "next-week", "1e9d", "999999d"])
def test_parse_when_names_the_accepted_forms(text: str) -> None:
    with pytest.raises(QueryError, match="YYYY-MM-DD, today, yesterday, Nd .* last-week"):
        parse_when(text, today=TODAY)


def test_ask_accepts_relative_dates(sample_kb: KnowledgeBase) -> None:
    days_ago = (date.today() - date.fromisoformat(LATEST_DAY)).days
    relative = sample_kb.ask("video", top_k=50, since=f"{days_ago}d")
    absolute = sample_kb.ask("video", top_k=50, since=LATEST_DAY)
    assert [h.paper_id for h in relative] == [h.paper_id for h in absolute]
    assert relative.hits and all(h.date.isoformat() >= LATEST_DAY for h in relative)


# -- kb new ------------------------------------------------------------------

def test_new_lists_the_13_papers_of_the_latest_report(sample_kb: KnowledgeBase) -> None:
    papers = sample_kb.new()
    assert len(papers) == 13 and {p["date"] for p in papers} == {LATEST_DAY}
    assert GLM5 in {p["paper_id"] for p in papers}
    first = papers[0]
    assert set(first) == {"paper_id", "title", "date", "domains", "contribution", "url", "again"}
    assert first["url"].startswith("https://huggingface.co/papers/") and first["contribution"]


def test_new_since_and_domain(sample_kb: KnowledgeBase) -> None:
    everything = sample_kb.new(since="2026-02-01")
    assert len(everything) == 48
    assert [p["date"] for p in everything] == sorted((p["date"] for p in everything), reverse=True)
    video = sample_kb.new(since=date(2026, 2, 1), domains=["video"])
    assert video and all("video" in p["domains"] for p in video) and len(video) < 48
    assert sample_kb.new(since="today") == []  # the sample reports are from February 2026


def test_a_paper_featured_again_is_new_again(tmp_path: Path, hash_embedder) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "2026-03-01.md").write_text(make_report("2026-03-01", [("2603.00001", "Old Paper", five_sections())]))
    (reports / "2026-03-02.md").write_text(make_report("2026-03-02", [
        ("2603.00001", "Old Paper", five_sections()), ("2603.00002", "New Paper", five_sections())]))
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=hash_embedder)
    kb.ingest([reports])
    latest = {p["paper_id"]: p["again"] for p in kb.new()}
    assert latest == {"2603.00001": True, "2603.00002": False}
    both = [(p["paper_id"], p["date"], p["again"]) for p in kb.new(since="2026-03-01")]
    assert ("2603.00001", "2026-03-01", False) in both and ("2603.00001", "2026-03-02", True) in both


def test_new_cli(sample_kb_dir: Path) -> None:
    result = run("--kb", str(sample_kb_dir), "new", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 13
    text = run("--kb", str(sample_kb_dir), "new", "--domain", "agents")
    assert text.exit_code == 0 and LATEST_DAY in text.stdout and "GLM-5" in text.stdout
    bad = run("--kb", str(sample_kb_dir), "new", "--since", "lastweek!")
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output and "Traceback" not in bad.output


# -- marks -------------------------------------------------------------------

def test_tags_notes_and_read_state(sample_copy: Path) -> None:
    kb = KnowledgeBase.open(sample_copy)
    assert kb.tag(QUANT_VIDEOGEN, "liked", "Video-Gen", "liked")["tags"] == ["liked", "video-gen"]
    kb.note(QUANT_VIDEOGEN, "compare with KIVI [/] <b>")
    kb.mark_read(QUANT_VIDEOGEN)
    shown = kb.show(QUANT_VIDEOGEN)
    assert shown["tags"] == ["liked", "video-gen"] and shown["read"] is True
    assert [n["text"] for n in shown["notes"]] == ["compare with KIVI [/] <b>"]
    assert kb.untag(QUANT_VIDEOGEN, "video-gen")["tags"] == ["liked"]
    assert kb.mark_unread(QUANT_VIDEOGEN)["read"] is False
    assert kb.note(QUANT_VIDEOGEN, clear=True)["notes"] == []
    liked = kb.list_papers("liked")
    assert [p["paper_id"] for p in liked] == [QUANT_VIDEOGEN] and liked[0]["in_kb"]
    kb.mark_read(GLM5)
    unread = kb.list_papers(unread=True)
    assert len(unread) == 47 and GLM5 not in {p["paper_id"] for p in unread}
    assert {p["paper_id"] for p in kb.list_papers(since=LATEST_DAY)} == {p["paper_id"] for p in kb.new()}


def test_marks_on_a_paper_not_yet_ingested_are_kept_and_shown_when_it_arrives(tmp_path: Path, hash_embedder) -> None:
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=hash_embedder)
    assert kb.tag("arXiv:2603.00009v2", "later")["in_kb"] is False  # no knowledge base at all yet
    report = tmp_path / "2026-03-01.md"
    report.write_text(make_report("2026-03-01", [("2603.00001", "Other", five_sections())]))
    kb.ingest([report])
    pending = kb.list_papers("later")
    assert [(p["paper_id"], p["in_kb"], p["title"]) for p in pending] == [("2603.00009", False, None)]
    report.write_text(make_report("2026-03-01", [("2603.00001", "Other", five_sections()),
                                                 ("2603.00009", "Arrived", five_sections())]))
    kb.ingest([report])
    assert kb.show("2603.00009")["tags"] == ["later"]
    assert kb.list_papers("later")[0]["title"] == "Arrived"


@pytest.mark.parametrize("call,message", [
    (lambda kb: kb.tag("not-an-id", "x"), "not an arXiv id"),
    (lambda kb: kb.tag(QUANT_VIDEOGEN, "two words"), "not a tag"),
    (lambda kb: kb.tag(QUANT_VIDEOGEN), "at least one tag"),
    (lambda kb: kb.note(QUANT_VIDEOGEN, "   "), "note is empty"),
    (lambda kb: kb.list_papers("bad tag"), "not a tag"),
])
def test_bad_mark_arguments(sample_copy: Path, call, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        call(KnowledgeBase.open(sample_copy))


def test_a_damaged_marks_file_is_reported_and_left_alone(sample_copy: Path) -> None:
    marks = sample_copy / "marks.json"
    marks.write_text('{"version": 1, "papers": {"2602.02958": ')
    kb = KnowledgeBase.open(sample_copy)
    with pytest.raises(QueryError, match="marks file .* is damaged"):
        kb.tag(QUANT_VIDEOGEN, "liked")
    assert marks.read_text() == '{"version": 1, "papers": {"2602.02958": '
    result = run("--kb", str(sample_copy), "show", QUANT_VIDEOGEN)
    assert result.exit_code == 1 and "damaged" in result.output and "Traceback" not in result.output


def test_marks_cli(sample_copy: Path) -> None:
    kb_dir = str(sample_copy)
    assert run("--kb", kb_dir, "tag", QUANT_VIDEOGEN, "liked").exit_code == 0
    assert run("--kb", kb_dir, "note", QUANT_VIDEOGEN, "2-bit [bold]KV[/bold]").exit_code == 0
    assert run("--kb", kb_dir, "read", QUANT_VIDEOGEN).exit_code == 0
    pending = run("--kb", kb_dir, "tag", "2699.00001", "liked")
    assert pending.exit_code == 0 and "not in this knowledge base yet" in pending.stdout
    listed = run("--kb", kb_dir, "list", "--tag", "liked")
    assert "Quant VideoGen" in listed.stdout and "2-bit [bold]KV[/bold]" in listed.stdout  # markup printed as text
    assert "2699.00001" in listed.stdout
    rows = json.loads(run("--kb", kb_dir, "list", "--tag", "liked", "--json").stdout)
    assert {r["paper_id"]: r["in_kb"] for r in rows} == {QUANT_VIDEOGEN: True, "2699.00001": False}
    shown = run("--kb", kb_dir, "show", QUANT_VIDEOGEN)
    assert "tags: liked · read" in shown.stdout and "2-bit [bold]KV[/bold]" in shown.stdout
    assert run("--kb", kb_dir, "unread", QUANT_VIDEOGEN).exit_code == 0
    assert run("--kb", kb_dir, "untag", QUANT_VIDEOGEN, "liked").exit_code == 0
    assert json.loads(run("--kb", kb_dir, "show", QUANT_VIDEOGEN, "--json").stdout)["tags"] == []
    for command in ["new", "tag", "untag", "note", "read", "unread", "list", "recommend", "export"]:
        assert run(command, "--help").exit_code == 0, command


def test_marks_survive_rebuild_and_repair(sample_copy: Path) -> None:
    kb = KnowledgeBase.open(sample_copy)
    kb.tag(QUANT_VIDEOGEN, "liked")
    kb.tag(GLM5, "agents", "liked")
    kb.note(GLM5, "744B MoE")
    kb.mark_read(GLM5)
    before = (sample_copy / "marks.json").read_bytes()
    # A rebuild from the latest report only: GLM-5 comes back, Quant VideoGen leaves.
    result = run("--kb", str(sample_copy), "ingest", "--rebuild", str(DATA / f"{LATEST_DAY}.md"))
    assert result.exit_code == 0, result.output
    assert (sample_copy / "marks.json").read_bytes() == before
    shown = kb.show(GLM5)
    assert shown["tags"] == ["agents", "liked"] and shown["notes"][0]["text"] == "744B MoE" and shown["read"]
    liked = {p["paper_id"]: p["in_kb"] for p in kb.list_papers("liked")}
    assert liked == {GLM5: True, QUANT_VIDEOGEN: False}  # kept for when it comes back
    assert kb.doctor(repair=True).ok
    assert (sample_copy / "marks.json").read_bytes() == before
    assert not list(sample_copy.glob(".marks.json.*"))


_TAGGER = """
import sys, time
from pathlib import Path
from kb import KnowledgeBase
kb_dir, who, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
kb = KnowledgeBase.open(kb_dir)
while not go.exists():
    time.sleep(0.005)
for i in range(n):
    kb.tag("2602.02958", f"{who}-{i}")
    kb.tag(f"2699.{i:05d}", who)
"""


def test_two_processes_tagging_at_once_lose_nothing(sample_copy: Path, tmp_path: Path) -> None:
    go, n = tmp_path / "go", 60
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _TAGGER, str(sample_copy), who, str(n), str(go)], env=env)
             for who in ("a", "b")]
    time.sleep(1.0)  # both have imported kb and wait at the start line
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    kb = KnowledgeBase.open(sample_copy)
    assert set(kb.marks(QUANT_VIDEOGEN)[0]["tags"]) == {f"{w}-{i}" for w in "ab" for i in range(n)}
    others = {m["paper_id"]: set(m["tags"]) for m in kb.marks() if m["paper_id"] != QUANT_VIDEOGEN}
    assert others == {f"2699.{i:05d}": {"a", "b"} for i in range(n)}


def test_concurrent_kb_tag_commands_lose_nothing(sample_copy: Path) -> None:
    kb_cmd = Path(sys.executable).with_name("kb")
    tags = [f"t{i}" for i in range(6)]
    procs = [subprocess.Popen([str(kb_cmd), "--kb", str(sample_copy), "tag", QUANT_VIDEOGEN, t],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for t in tags]
    assert [p.wait(timeout=120) for p in procs] == [0] * len(tags)
    assert sorted(KnowledgeBase.open(sample_copy).marks(QUANT_VIDEOGEN)[0]["tags"]) == tags
