"""The HTML pages: each one a bookmarkable URL that calls the `KnowledgeBase` API and renders a template."""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from kb.errors import QueryError
from kb.kb import KnowledgeBase
from kb.search import MODES
from kb.parse import SECTION_KEYS
from kb.web import chart, render
from kb.web.api import SEARCH_MAX_K, get_kb, run_user_sql, trend_rows

TEMPLATES = Path(__file__).resolve().parent / "templates"
SQL_EXAMPLES = (
    "SELECT title, date FROM papers ORDER BY date DESC LIMIT 10",
    "SELECT domain, sum(papers) AS papers FROM domain_counts GROUP BY domain ORDER BY papers DESC",
    "SELECT title, benchmark, metric, value FROM paper_metrics WHERE metric = 'PSNR'",
    "SELECT p.title, l.url FROM papers p JOIN links l USING (paper_id) WHERE l.kind = 'github'",
)


def _environment() -> Environment:
    # Autoescape everywhere: every value that reaches a template may be report text.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(markdown=render.markdown, highlight=render.highlight, number=render.number,
                       cell=render.cell, safe_url=render.safe_url, arxiv_url=render.arxiv_url,
                       basename=lambda p: Path(str(p)).name)
    env.globals.update(query_url=render.query_url)
    return env


templates = Jinja2Templates(env=_environment())
router = APIRouter(default_response_class=HTMLResponse)


def page(request: Request, template: str, status_code: int = 200, /, **context: Any) -> Response:
    """Render one template with the request (for the navigation bar) and `context`."""
    return templates.TemplateResponse(request, template, {"path": request.url.path, **context}, status_code=status_code)


def error_page(request: Request, status: int, message: str) -> Response:
    """The HTML form of an error: the status and one sentence."""
    return page(request, "error.html", status, status=status, message=message)


@router.get("/")
def home(request: Request, kb: KnowledgeBase = Depends(get_kb)) -> Response:
    """The search box above the latest report's papers, grouped by domain."""
    papers = kb.new()
    day = max((p["date"] for p in papers), default=None)
    return page(request, "index.html", groups=render.group_by_domain(papers), day=day, total=len(papers))


@router.get("/search")
def search(
    request: Request,
    q: str = "",
    domain: list[str] = Query([]),
    since: str = "",
    until: str = "",
    section: str = "",
    mode: str = "hybrid",
    k: int = Query(20, ge=1, le=SEARCH_MAX_K),
    kb: KnowledgeBase = Depends(get_kb),
) -> Response:
    """Results as in `kb ask`, with domain facets and the filters editable on the page."""
    params = {"q": q, "domain": domain, "since": since, "until": until, "section": section, "mode": mode, "k": k}
    hits, error = [], None
    if q.strip():
        try:
            hits = kb.ask(q, top_k=k, since=since or None, until=until or None, domains=domain,
                          section=section or None, mode=mode).hits
        except QueryError as exc:  # shown beside the form, which keeps what was typed
            error = str(exc)
    facets = [
        (tag, n, tag in domain,
         render.query_url("/search", params, domain=[d for d in domain if d != tag] if tag in domain else [*domain, tag]))
        for tag, n in render.facet_counts(hits)
    ]
    return page(request, "search.html", 400 if error else 200, params=params, hits=hits, error=error, facets=facets,
                modes=MODES, sections=SECTION_KEYS)


@router.get("/paper/{paper_id}")
def paper(request: Request, paper_id: str, kb: KnowledgeBase = Depends(get_kb)) -> Response:
    """Everything `kb show` knows, with the sections rendered and the nearest papers."""
    record = kb.show(paper_id)
    try:
        similar = kb.similar(paper_id, top_k=6).hits
    except QueryError:  # a paper without chunks has no vectors to compare
        similar = []
    metrics = record.get("metrics") or []
    columns = [c for c in (metrics[0].keys() if metrics else []) if c != "evidence"]
    return page(request, "paper.html", paper=record, similar=similar, metric_columns=columns)


@router.get("/new")
def new(request: Request, since: str = "", domain: list[str] = Query([]), kb: KnowledgeBase = Depends(get_kb)) -> Response:
    """Papers by report date, newest first: the reading view."""
    papers = kb.new(since=since or None, domains=domain)
    return page(request, "new.html", days=render.group_by_date(papers), since=since, domain=domain, total=len(papers))


@router.get("/benchmarks")
def benchmarks(request: Request, kb: KnowledgeBase = Depends(get_kb)) -> Response:
    """Benchmarks by number of papers."""
    return page(request, "benchmarks.html", benchmarks=kb.benchmarks())


@router.get("/benchmarks/{name:path}")
def leaderboard(request: Request, name: str, metric: str = "", kb: KnowledgeBase = Depends(get_kb)) -> Response:
    """One benchmark's leaderboard, with its metrics as filters."""
    rows = kb.leaderboard(name, metric or None)
    metrics = sorted({str(r.get("metric")) for r in (kb.leaderboard(name) if metric else rows) if r.get("metric")})
    return page(request, "benchmark.html", name=name, rows=rows, metric=metric, metrics=metrics)


@router.get("/trends")
def trends(request: Request, weeks: int = Query(52, ge=1, le=520), kb: KnowledgeBase = Depends(get_kb)) -> Response:
    """Papers per domain per week as a heatmap; each cell opens those papers in /search."""
    all_weeks, domains, counts = chart.week_table(trend_rows(kb))
    shown = all_weeks[-weeks:]
    keep = set(shown)

    def link(domain: str, monday: Date, sunday: Date) -> str:
        return render.query_url("/search", {"q": domain, "domain": domain, "since": monday.isoformat(),
                                            "until": sunday.isoformat(), "k": 50})

    svg = chart.heatmap(shown, domains, {key: n for key, n in counts.items() if key[0] in keep}, link)
    return page(request, "trends.html", svg=svg, weeks=weeks, total_weeks=len(all_weeks), domains=domains)


@router.get("/sql")
def sql(request: Request, q: str = "") -> Response:
    """Read-only SQL with the same refusals as `kb sql`, a row cap and a time limit."""
    result, error = None, None
    if q.strip():
        try:
            result = run_user_sql(request, q)
        except QueryError as exc:  # ReadOnlyError included: a refusal is shown, not raised
            error = str(exc)
    return page(request, "sql.html", 400 if error else 200, q=q, result=result, error=error,
                examples=SQL_EXAMPLES, max_rows=request.app.state.sql_limits[0])


@router.get("/feed.atom")
def feed(since: str | None = None, domain: list[str] = Query([]), tag: str | None = None,
         kb: KnowledgeBase = Depends(get_kb)) -> Response:
    """New papers as an Atom feed for feed readers: one entry per report appearance, newest first."""
    return Response(kb.export("atom", since=since, domains=domain, tag=tag),
                    media_type="application/atom+xml; charset=utf-8")
