"""The JSON API: the same objects as the CLI's `--json`, at stable URLs under /api/."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from kb.kb import KnowledgeBase, SQLResult

router = APIRouter(prefix="/api")

SEARCH_MAX_K = 100
SQL_MAX_ROWS = 1000
SQL_TIMEOUT_S = 5.0
TRENDS_SQL = ("SELECT week, domain, sum(papers)::INTEGER AS papers FROM domain_counts "
              "GROUP BY week, domain ORDER BY week, domain")


class JSON(JSONResponse):
    """JSON as `kb ... --json` writes it: UTF-8 text, dates and other values as strings."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=str).encode("utf-8")


def get_kb(request: Request) -> KnowledgeBase:
    """The knowledge base the app was created over."""
    return request.app.state.kb


def run_user_sql(request: Request, q: str) -> SQLResult:
    """A person's SQL through the one read-only contract, with the app's row cap and time limit."""
    max_rows, timeout_s = request.app.state.sql_limits
    return get_kb(request).sql(q, max_rows=max_rows, timeout_s=timeout_s)


def trend_rows(kb: KnowledgeBase) -> list[tuple]:
    """(week, domain, papers) for every week and domain with papers."""
    return kb.sql(TRENDS_SQL, max_rows=1_000_000).rows


@router.get("/search", response_class=JSON)
def search(
    q: str = Query(..., min_length=1, description="A question in English or Chinese."),
    domain: list[str] = Query([]),
    since: str | None = None,
    until: str | None = None,
    section: str | None = None,
    mode: str = "hybrid",
    k: int = Query(10, ge=1, le=SEARCH_MAX_K),
    kb: KnowledgeBase = Depends(get_kb),
) -> JSON:
    """Papers that answer `q`, best first: the objects of `kb ask --json`."""
    results = kb.ask(q, top_k=k, since=since or None, until=until or None, domains=domain,
                     section=section or None, mode=mode)
    return JSON(results.to_dicts())


@router.get("/paper/{paper_id}", response_class=JSON)
def paper(paper_id: str, kb: KnowledgeBase = Depends(get_kb)) -> JSON:
    """Everything known about one paper: the object of `kb show --json`."""
    return JSON(kb.show(paper_id))


@router.get("/similar/{paper_id}", response_class=JSON)
def similar(paper_id: str, k: int = Query(10, ge=1, le=SEARCH_MAX_K), kb: KnowledgeBase = Depends(get_kb)) -> JSON:
    """Papers nearest to one paper: the objects of `kb similar --json`."""
    return JSON(kb.similar(paper_id, top_k=k).to_dicts())


@router.get("/new", response_class=JSON)
def new(since: str | None = None, domain: list[str] = Query([]), kb: KnowledgeBase = Depends(get_kb)) -> JSON:
    """Papers featured since `since` (default: the latest report day), newest first."""
    return JSON(kb.new(since=since or None, domains=domain))


@router.get("/benchmarks", response_class=JSON)
def benchmarks(kb: KnowledgeBase = Depends(get_kb)) -> JSON:
    """Benchmarks with how many papers report on each."""
    return JSON(kb.benchmarks())


@router.get("/benchmarks/{name:path}", response_class=JSON)
def leaderboard(name: str, metric: str | None = None, kb: KnowledgeBase = Depends(get_kb)) -> JSON:
    """One benchmark's leaderboard, best first."""
    return JSON(kb.leaderboard(name, metric or None))


@router.get("/trends", response_class=JSON)
def trends(kb: KnowledgeBase = Depends(get_kb)) -> JSON:
    """Papers per domain per week."""
    return JSON([{"week": w, "domain": d, "papers": n} for w, d, n in trend_rows(kb)])


@router.get("/sql", response_class=JSON)
def sql(request: Request, q: str = Query(..., min_length=1)) -> JSON:
    """Read-only SQL: column names, rows as objects, and whether the row cap cut them."""
    result = run_user_sql(request, q)
    return JSON({"columns": result.columns, "rows": result.to_dicts(), "truncated": bool(result.truncated)})


@router.get("/sql.csv")
def sql_csv(request: Request, q: str = Query(..., min_length=1)) -> Response:
    """Read-only SQL as a CSV download."""
    result = run_user_sql(request, q)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(result.columns)
    writer.writerows(result.rows)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="kb-query.csv"'})
