"""The web app over HTTP (FastAPI's test client, the real sample knowledge base), and `kb serve` as a process."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from datetime import date
from html import unescape
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kb import KnowledgeBase
from kb.cli import app as cli_app
from kb.web import create_app
from kb.web.chart import heatmap, week_table
from kb.web.render import dedent_block, group_by_domain, highlight, markdown, number, query_url, safe_url
from kb.web.server import exposure_warning, is_loopback, url_of

QUESTION = "KV cache quantization for video"
QVG = "2602.02958"
needs_benchmarks = pytest.mark.skipif(not hasattr(KnowledgeBase, "benchmarks"),
                                      reason="KnowledgeBase.benchmarks()/leaderboard() not landed yet")


@pytest.fixture(scope="module")
def client(sample_kb: KnowledgeBase) -> TestClient:
    return TestClient(create_app(sample_kb))


def hit_titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<li class="hit">\s*<h3><a href="/paper/[^"]+">([^<]+)</a>', html)]


def api_json(client: TestClient, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


# -- pages ------------------------------------------------------------------


def test_home_has_a_search_box_over_the_latest_report(client: TestClient, sample_kb: KnowledgeBase) -> None:
    html = client.get("/").text
    assert re.search(r'<form class="hero" action="/search" method="get"', html)
    assert 'name="q"' in html
    latest = sample_kb.new()
    assert "Report of 2026-02-18" in html and f"{len(latest)} papers" in html
    for paper in latest:
        assert f'href="/paper/{paper["paper_id"]}"' in html
    assert '<section class="group" id="d-llm">' in html  # grouped by domain


def test_search_lists_quant_videogen_first_with_highlights_and_facets(client: TestClient) -> None:
    response = client.get("/search", params={"q": QUESTION})
    assert response.status_code == 200
    html = response.text
    assert hit_titles(html)[0].startswith("Quant VideoGen")
    assert "<mark>" in html
    assert re.search(r'class="facet" href="/search\?q=KV[^"]*domain=video[^"]*">video <small>\d+</small>', html)
    assert f'href="https://arxiv.org/abs/{QVG}"' in html and f'href="https://huggingface.co/papers/{QVG}"' in html


def test_search_filters_are_applied_and_kept_in_the_form(client: TestClient, sample_kb: KnowledgeBase) -> None:
    html = client.get("/search", params={"q": QUESTION, "domain": "robotics", "since": "2026-02-10", "mode": "lexical"}).text
    expected = sample_kb.ask(QUESTION, top_k=20, domains=["robotics"], since="2026-02-10", mode="lexical")
    assert hit_titles(html) == [h.title for h in expected]
    assert 'value="2026-02-10"' in html and '<option value="lexical" selected>' in html
    assert '<input type="hidden" name="domain" value="robotics">' in html
    assert 'class="facet active"' in html


@pytest.mark.parametrize("params, message", [
    ({"q": "x", "since": "last tuesday"}, "is not a date"),
    ({"q": "x", "mode": "fuzzy"}, "unknown mode"),
    ({"q": "x", "section": "abstract"}, "unknown section"),
])
def test_search_errors_show_beside_the_form(client: TestClient, params: dict, message: str) -> None:
    response = client.get("/search", params=params)
    assert response.status_code == 400
    assert message in response.text and 'class="error"' in response.text and 'name="q" type="search" value="x"' in response.text


def test_empty_search_shows_the_form(client: TestClient) -> None:
    response = client.get("/search")
    assert response.status_code == 200 and 'name="since"' in response.text and hit_titles(response.text) == []


def test_paper_page_shows_sections_metrics_links_and_similar(client: TestClient, sample_kb: KnowledgeBase) -> None:
    response = client.get(f"/paper/{QVG}")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Quant VideoGen: Auto-Regressive Long Video Generation via 2-Bit KV-Cache Quantization</h1>" in html
    assert re.search(r"<td class=\"metric\">PSNR</td><td class=\"value\">29.17</td>", html)
    assert f'<a href="https://huggingface.co/papers/{QVG}"' in html and f'<a href="https://arxiv.org/abs/{QVG}"' in html
    assert '<dd class="code-status">not stated</dd>' in html
    assert "2026-02-05 (2026-02-05.md)" in html
    assert "<strong>输入</strong>" in html and "<ul>" in html  # section Markdown rendered
    first_similar = sample_kb.similar(QVG, top_k=6)[0].paper_id
    assert re.search(rf'<ol class="similar">\s*<li><a href="/paper/{first_similar}">', html)


def test_paper_page_shows_the_readers_marks(sample_copy: Path) -> None:
    with KnowledgeBase.open(sample_copy) as kb:
        kb.tag(QVG, "liked")
        kb.note(QVG, "<i>check</i> the 2-bit kernels")
        html = TestClient(create_app(kb)).get(f"/paper/{QVG}").text
    assert "<dt>your tags</dt><dd>liked</dd>" in html
    assert "&lt;i&gt;check&lt;/i&gt; the 2-bit kernels" in html and "<i>check" not in html


def test_new_lists_papers_by_report_date_newest_first(client: TestClient, sample_kb: KnowledgeBase) -> None:
    html = client.get("/new", params={"since": "2026-02-01"}).text
    assert html.index("<h2>2026-02-18") < html.index("<h2>2026-02-05")
    assert f"{len(sample_kb.new('2026-02-01'))} papers" in html
    only_video = client.get("/new", params={"since": "2026-02-01", "domain": "video"}).text
    video = sample_kb.new("2026-02-01", domains=["video"])
    assert video and f"{len(video)} papers in video" in only_video
    assert all(f'href="/paper/{p["paper_id"]}"' in only_video for p in video)


def test_trends_draws_a_chart_whose_cells_open_search(client: TestClient) -> None:
    html = client.get("/trends").text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="heatmap"' in html
    links = re.findall(r'<a href="(/search\?[^"]+)"><title>([^<]+)</title><rect', html)
    assert links
    href, title = links[0]
    assert "domain=" in href and "since=2026-02-02" in href and "until=2026-02-08" in href and "papers" in title
    assert client.get(href.replace("&amp;", "&")).status_code == 200


def test_sql_page_runs_selects_and_refuses_writes(client: TestClient) -> None:
    ok = client.get("/sql", params={"q": "SELECT paper_id, title FROM papers ORDER BY paper_id LIMIT 3"})
    assert ok.status_code == 200 and "3 rows" in ok.text and "<th>paper_id</th>" in ok.text
    assert 'href="/api/sql.csv?q=SELECT' in ok.text and 'href="/api/sql?q=SELECT' in ok.text
    refused = client.get("/sql", params={"q": "DELETE FROM papers"})
    assert refused.status_code == 400 and "read-only" in refused.text and "DELETE" in refused.text
    assert client.get("/sql").status_code == 200


@needs_benchmarks
def test_benchmark_pages(client: TestClient, sample_kb: KnowledgeBase) -> None:
    listed = sample_kb.benchmarks()
    html = client.get("/benchmarks").text
    assert listed and all(b["benchmark"] in html for b in listed[:5])
    assert api_json(client, "/api/benchmarks") == json.loads(json.dumps(listed, default=str))
    name = next(b["benchmark"] for b in listed if b.get("results", 1))
    board = client.get(f"/benchmarks/{name}")
    rows = sample_kb.leaderboard(name)
    assert board.status_code == 200 and f"<h1>{name} <small>leaderboard</small></h1>" in board.text
    assert all(f'href="/paper/{r["paper_id"]}"' in board.text for r in rows)
    assert api_json(client, f"/api/benchmarks/{name}") == json.loads(json.dumps(rows, default=str))
    assert api_json(client, "/api/benchmarks/NoSuchBench-9000", 404)["type"] == "NotFoundError"
    assert client.get("/benchmarks/NoSuchBench-9000").status_code == 404


def test_unknown_paper_and_page_are_404_pages(client: TestClient) -> None:
    for url in ("/paper/9999.99999", "/no-such-page"):
        response = client.get(url)
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
        assert 'class="error"' in response.text and "Traceback" not in response.text


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for url in ("/", "/static/style.css", "/api/new", "/nope"):
        headers = client.get(url).headers
        assert "script-src" not in headers["content-security-policy"]  # default-src 'none': no script at all
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


# -- JSON API ---------------------------------------------------------------


def test_api_search_is_kb_ask_json(client: TestClient, sample_kb: KnowledgeBase) -> None:
    got = api_json(client, f"/api/search?q={QUESTION}&k=5&domain=video")
    expected = sample_kb.ask(QUESTION, top_k=5, domains=["video"]).to_dicts()
    assert got == json.loads(json.dumps(expected))
    assert got[0]["paper_id"] == QVG and all("video" in h["domains"] for h in got)


def test_api_paper_is_kb_show_json(client: TestClient, sample_kb: KnowledgeBase) -> None:
    got = api_json(client, f"/api/paper/{QVG}")
    assert got == json.loads(json.dumps(sample_kb.show(QVG), default=str))
    assert any(m["metric"] == "PSNR" and m["value"] == 29.17 for m in got["metrics"])


def test_api_new_similar_and_trends(client: TestClient, sample_kb: KnowledgeBase) -> None:
    assert api_json(client, "/api/new?since=2026-02-01") == json.loads(json.dumps(sample_kb.new("2026-02-01"), default=str))
    similar = api_json(client, f"/api/similar/{QVG}?k=3")
    assert [h["paper_id"] for h in similar] == [h.paper_id for h in sample_kb.similar(QVG, top_k=3)]
    trends = api_json(client, "/api/trends")
    assert set(trends[0]) == {"week", "domain", "papers"}
    assert sum(t["papers"] for t in trends if t["domain"] == "video") >= 6


def test_api_sql_rows_are_objects_with_a_cap(sample_kb: KnowledgeBase) -> None:
    capped = TestClient(create_app(sample_kb, sql_max_rows=7))
    got = api_json(capped, "/api/sql?q=SELECT range AS n FROM range(20)")
    assert got == {"columns": ["n"], "rows": [{"n": i} for i in range(7)], "truncated": True}
    csv_response = capped.get("/api/sql.csv", params={"q": "SELECT paper_id, date FROM papers ORDER BY paper_id LIMIT 2"})
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_response.headers["content-disposition"]
    assert csv_response.text.splitlines()[0] == "paper_id,date" and len(csv_response.text.splitlines()) == 3
    page = capped.get("/sql", params={"q": "SELECT range FROM range(20)"}).text
    assert "7 rows (cut at 7)" in page


def test_api_sql_has_a_time_limit(sample_kb: KnowledgeBase) -> None:
    quick = TestClient(create_app(sample_kb, sql_timeout_s=0.3))
    started = time.monotonic()
    got = api_json(quick, "/api/sql?q=SELECT count(*) FROM range(100000000000) a", 400)
    assert time.monotonic() - started < 10
    assert got["type"] == "QueryError" and got["status"] == 400


@pytest.mark.parametrize("url, status, kind", [
    ("/api/paper/9999.99999", 404, "NotFoundError"),
    ("/api/sql?q=DROP TABLE papers", 400, "ReadOnlyError"),
    ("/api/sql?q=INSERT INTO papers VALUES (1)", 400, "ReadOnlyError"),
    ("/api/sql?q=SELECT nope FROM papers", 400, "QueryError"),
    ("/api/sql", 400, "QueryError"),
    ("/api/search", 400, "QueryError"),
    ("/api/search?q=x&k=0", 400, "QueryError"),
    ("/api/search?q=x&k=ten", 400, "QueryError"),
    ("/api/search?q=x&until=someday", 400, "QueryError"),
    ("/api/new?since=the-other-day", 400, "QueryError"),
    ("/api/no-such-endpoint", 404, "HTTPError"),
])
def test_api_errors_are_json_with_a_message(client: TestClient, url: str, status: int, kind: str) -> None:
    got = api_json(client, url, status)
    assert got["type"] == kind and got["status"] == status
    assert isinstance(got["error"], str) and got["error"] and "Traceback" not in got["error"]


def test_an_unexpected_error_is_a_500_without_a_traceback(sample_kb: KnowledgeBase) -> None:
    app = create_app(sample_kb)

    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/boom", boom)
    client = TestClient(app)
    got = api_json(client, "/api/boom", 500)
    assert got["type"] == "InternalError" and "secret" not in json.dumps(got)
    page = client.get("/boom")
    assert page.status_code == 500 and "secret" not in page.text and "Traceback" not in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_concurrent_requests_over_real_http(sample_kb_dir: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from kb.web.server import running

    urls = ["/", f"/search?q={QUESTION}", f"/paper/{QVG}", "/api/search?q=reward model", "/trends",
            "/api/sql?q=SELECT count(*) AS n FROM papers", "/new", "/api/new", f"/api/similar/{QVG}"]
    with KnowledgeBase.open(sample_kb_dir) as kb, running(kb) as url:
        def fetch(_: int) -> list[int]:
            with httpx.Client(base_url=url, timeout=60) as http:
                return [http.get(u).status_code for u in urls * 2]

        with ThreadPoolExecutor(6) as pool:
            statuses = [s for batch in pool.map(fetch, range(6)) for s in batch]
    assert statuses == [200] * (6 * 2 * len(urls))


# -- pure helpers: report text is data ----------------------------------------

HOSTILE = ('<script>window.__pwned=1</script> <img src=x onerror="alert(1)"> <iframe src="javascript:alert(1)"></iframe> '
           '[click](javascript:alert(1)) [ok](https://example.org/ok) ![pic](https://example.org/p.png) <javascript:alert(1)>')


def test_markdown_keeps_html_as_text_and_only_http_links() -> None:
    html = str(markdown(HOSTILE))
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;" in html and "&lt;iframe" in html
    assert 'href="javascript' not in html.lower()
    # The image is not loaded: it stays a plain link to its http(s) address.
    assert re.findall(r'<a href="([^"]*)"', html) == ["https://example.org/ok", "https://example.org/p.png"]
    assert html.count('rel="noopener noreferrer nofollow"') == 2


def test_dedent_keeps_an_indented_list_a_list() -> None:
    assert "<li>" in str(markdown("    *   **a**: one\n    *   **b**: two"))
    assert dedent_block("  x\n    y") == "x\n  y"


@pytest.mark.parametrize("url, ok", [
    ("https://arxiv.org/abs/1", True), ("HTTP://x.org", True), ("javascript:alert(1)", False),
    (" JavaScript:alert(1)", False), ("data:text/html,x", False), ("//evil.org", False), ("https://x.org/\"onmouseover=", False),
    (None, False), ("", False),
])
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_highlight_escapes_around_marks() -> None:
    assert str(highlight("<b>KV</b> cache", [(3, 5), (10, 15)])) == "&lt;b&gt;<mark>KV</mark>&lt;/b&gt; <mark>cache</mark>"


def test_small_renderers() -> None:
    assert [number(v) for v in (29.17, 11.0, 0.905, None, 3)] == ["29.17", "11", "0.905", "", "3"]
    assert query_url("/search", {"q": "a b", "domain": ["x", "y"], "since": ""}) == "/search?q=a+b&domain=x&domain=y"
    groups = group_by_domain([{"domains": ["video"]}, {"domains": []}, {"domains": ["llm", "video"]}, {"domains": ["llm"]}])
    assert [(d, len(p)) for d, p in groups] == [("llm", 2), ("video", 1), ("other", 1)]


def test_heatmap_escapes_domains_and_fills_missing_weeks() -> None:
    weeks, domains, counts = week_table([("2026-02-02", "<b>x</b>", 3), ("2026-02-16", "llm", 1)])
    assert weeks == [date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 16)]
    svg = str(heatmap(weeks, domains, counts, lambda d, a, b: f"/search?q={d}&since={a}"))
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg and "&amp;since=2026-02-02" in svg


# -- kb serve -----------------------------------------------------------------


def test_loopback_detection_and_warning() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")
    assert exposure_warning("127.0.0.1") is None
    assert "anyone on the network" in (exposure_warning("0.0.0.0") or "")
    assert url_of("0.0.0.0", 8000) == "http://127.0.0.1:8000/" and url_of("::1", 1) == "http://[::1]:1/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else "kb serve exited"
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"kb serve did not answer {url}")


def start_serve(kb_dir: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    kb_bin = Path(sys.executable).with_name("kb")
    return subprocess.Popen([str(kb_bin), "--kb", str(kb_dir), "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    _, stderr = proc.communicate(timeout=20)
    return stderr


def test_kb_serve_answers_on_loopback(sample_kb_dir: Path) -> None:
    port = free_port()
    proc = start_serve(sample_kb_dir, "--port", str(port))
    try:
        response = wait_for(f"http://127.0.0.1:{port}/api/paper/{QVG}", proc)
        assert response.status_code == 200 and response.json()["paper_id"] == QVG
    finally:
        stderr = stop(proc)
    assert f"at http://127.0.0.1:{port}/" in stderr and "Warning" not in stderr


def test_kb_serve_warns_off_loopback_and_opens_a_browser(sample_kb_dir: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    fake_browser = tmp_path / "fake-browser"
    fake_browser.write_text(f"#!/bin/sh\necho \"$1\" > {opened}\n")
    fake_browser.chmod(0o755)
    port = free_port()
    proc = start_serve(sample_kb_dir, "--host", "0.0.0.0", "--port", str(port), "--open", env={"BROWSER": str(fake_browser)})
    try:
        assert wait_for(f"http://127.0.0.1:{port}/", proc).status_code == 200
        deadline = time.monotonic() + 20
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text().strip() == f"http://127.0.0.1:{port}/"
    finally:
        stderr = stop(proc)
    assert "Warning:" in stderr and "anyone on the network" in stderr


def test_kb_serve_errors_are_one_line(tmp_path: Path, sample_kb_dir: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli_app, ["--kb", str(tmp_path / "none"), "serve"])
    assert missing.exit_code == 1 and "no knowledge base" in missing.output and "Traceback" not in missing.output
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken = runner.invoke(cli_app, ["--kb", str(sample_kb_dir), "serve", "--port", str(port)])
    assert taken.exit_code == 1 and "cannot listen" in taken.output and "--port" in taken.output


def test_the_atom_feed_parses_and_lists_every_appearance(client: TestClient, sample_kb: KnowledgeBase) -> None:
    import feedparser

    response = client.get("/feed.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.text)
    assert not feed.bozo, feed.bozo_exception
    appearances = sample_kb.sql("SELECT count(*) FROM appearances").rows[0][0]
    assert len(feed.entries) == appearances
    assert any(e.title.startswith("Quant VideoGen") for e in feed.entries)
    narrowed = feedparser.parse(client.get("/feed.atom", params={"since": "2026-02-18"}).text)
    assert len(narrowed.entries) == 13
    assert 'href="/feed.atom"' in client.get("/").text
    assert client.get("/feed.atom", params={"since": "someday"}).status_code == 400
