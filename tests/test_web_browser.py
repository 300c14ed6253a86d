"""`kb serve` in a real browser: Debian's Chromium driven by Playwright against a live uvicorn server."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import five_sections, make_report
from kb import KnowledgeBase
from kb.web.server import running

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
QUESTION = "KV cache quantization for video"
QVG = "2602.02958"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is missing; `make install-dev` installs it")


@pytest.fixture(scope="module")
def served(sample_kb_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A private copy of the sample knowledge base served on a free port; yields (base URL, its directory)."""
    directory = tmp_path_factory.mktemp("served") / "kb"
    shutil.copytree(sample_kb_dir, directory)
    kb = KnowledgeBase.open(directory)
    with running(kb) as url:
        yield url, directory
    kb.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, served):
    """A fresh page that records every dialog and script error it sees."""
    context = browser.new_context(base_url=served[0])
    tab = context.new_page()
    tab.dialogs, tab.errors = [], []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()


def test_front_page_search_then_paper_page(page) -> None:
    page.goto("/")
    page.locator("form.hero input[name=q]").fill(QUESTION)
    page.locator("form.hero input[name=q]").press("Enter")
    page.wait_for_url("**/search?q=*")
    first = page.locator("li.hit h3 a").first
    assert first.inner_text().startswith("Quant VideoGen")
    assert page.locator("li.hit").first.locator("mark").count() > 0
    first.click()
    page.wait_for_url(f"**/paper/{QVG}")
    psnr = page.locator("table.metrics tr", has=page.locator("td.metric", has_text="PSNR"))
    assert psnr.locator("td.value").inner_text() == "29.17"
    assert page.locator(f'a[href="https://huggingface.co/papers/{QVG}"]').count() >= 1
    assert page.locator(f'a[href="https://arxiv.org/abs/{QVG}"]').count() >= 1
    assert page.locator("ol.similar li").count() > 0
    assert not page.errors


def test_domain_facet_narrows_the_results(page) -> None:
    page.goto(f"/search?q={QUESTION}")
    before = page.locator("li.hit").count()
    page.locator("nav.facets a.facet", has_text="robotics").click()
    page.wait_for_url("**domain=robotics**")
    hits = page.locator("li.hit")
    assert 0 < hits.count() < before
    for i in range(hits.count()):
        assert "robotics" in hits.nth(i).locator(".meta .tag").all_inner_texts()
    assert page.locator("nav.facets a.facet.active").inner_text().startswith("robotics")
    assert page.locator('input[type=hidden][name=domain]').get_attribute("value") == "robotics"


def test_trends_chart_opens_search(page) -> None:
    page.goto("/trends")
    cells = page.locator("svg.heatmap a")
    assert cells.count() > 10
    cells.first.click()
    page.wait_for_url("**/search?**domain=**")
    assert page.locator("li.hit").count() > 0


def test_sql_page_refuses_a_write(page, served: tuple[str, Path]) -> None:
    page.goto("/sql")
    page.locator("textarea[name=q]").fill("DELETE FROM papers")
    page.locator("form.sql button").click()
    page.wait_for_url("**/sql?q=DELETE*")
    assert "read-only" in page.locator("p.error").inner_text()
    page.locator("textarea[name=q]").fill("SELECT count(*) AS n FROM papers")
    page.locator("form.sql button").click()
    page.wait_for_url("**/sql?q=SELECT*")
    assert page.locator("table.sql-result td").first.inner_text() == "48"
    assert page.locator('a[href^="/api/sql.csv?q="]').count() == 1


HOSTILE_ID = "2603.00666"
HOSTILE_TITLE = '<script>window.__pwned=1;alert("title")</script> Hostile <b>Title</b>'
HOSTILE_BODY = five_sections(
    domain="NLP-大语言模型",
    contribution='<img src=x onerror="window.__pwned=1;alert(1)"> 一种投毒方法 pwnedword。',
    innovation='[点我](javascript:window.__pwned=1) <iframe src="javascript:alert(2)"></iframe> [安全链接](https://example.org/ok)',
)


def test_hostile_report_renders_as_text_and_runs_nothing(page, served: tuple[str, Path], tmp_path: Path) -> None:
    url, directory = served
    report = tmp_path / "2026-03-02.md"
    report.write_text(make_report("2026-03-02", [(HOSTILE_ID, HOSTILE_TITLE, HOSTILE_BODY)]), encoding="utf-8")
    with KnowledgeBase.open(directory) as writer:
        summary = writer.ingest([report])
    assert summary.papers_added == 1 and not summary.problems
    for path in (f"/paper/{HOSTILE_ID}", "/search?q=pwnedword", "/", "/new"):
        page.goto(path)
        assert page.locator("text=Hostile").count() >= 1, path
        assert "<script>" in page.locator("main").inner_text(), path  # the markup is shown, as text
        assert page.locator("script, iframe, img, object, embed").count() == 0, path
        assert page.locator('main b, [onerror], a[href^="javascript" i]').count() == 0, path
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    page.goto(f"/paper/{HOSTILE_ID}")
    assert "<img src=x onerror=" in page.locator("#s-contribution").inner_text()
    assert "[点我](javascript:window.__pwned=1)" in page.locator("#s-innovations").inner_text()
    assert page.locator('#s-innovations a[href="https://example.org/ok"]').count() == 1
    assert page.title().startswith("<script>")
    assert not page.dialogs and not page.errors


LIVE_ID = "2603.01234"
LIVE_TITLE = "Zebrafish Telescope: Live Ingest While Serving"


def test_report_ingested_while_serving_appears_without_restart(page, served: tuple[str, Path], tmp_path: Path) -> None:
    url, directory = served
    page.goto(f"/paper/{LIVE_ID}")
    assert page.locator("p.error").count() == 1  # not there yet
    report = tmp_path / "2026-03-09.md"
    report.write_text(make_report("2026-03-09", [(LIVE_ID, LIVE_TITLE, five_sections(contribution="斑马鱼望远镜的实时校准。"))]),
                      encoding="utf-8")
    ingest = subprocess.Popen([str(Path(sys.executable).with_name("kb")), "--kb", str(directory), "ingest", str(report)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    statuses = []
    with httpx.Client(base_url=url, timeout=30) as http:
        while ingest.poll() is None:  # the server keeps answering, from the old state or the new one
            response = http.get("/api/new?since=2026-01-01")
            statuses.append(response.status_code if response.status_code == 200 else response.text)
            time.sleep(0.05)
    out, err = ingest.communicate()
    assert ingest.returncode == 0, err
    assert statuses and set(statuses) == {200}, [s for s in statuses if s != 200]
    page.goto(f"/paper/{LIVE_ID}")
    assert page.locator("h1").inner_text() == LIVE_TITLE
    page.goto("/")
    assert "Report of 2026-03-09" in page.locator("h1").inner_text()
    assert page.locator(f'a[href="/paper/{LIVE_ID}"]').count() >= 1
    page.goto("/search?q=Zebrafish Telescope")
    assert page.locator("li.hit h3 a").first.inner_text() == LIVE_TITLE
