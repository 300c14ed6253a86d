"""A reader's view of the reports: what was featured when, and the papers a reader's marks point at."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import duckdb
import numpy as np

from kb.errors import QueryError

# One row per (paper, report day): a paper featured again is new again on that day.
_APPEARANCES_SQL = """
    WITH days AS (SELECT DISTINCT paper_id, date FROM appearances
                  WHERE (?::DATE IS NULL OR date >= ?::DATE) AND (?::DATE IS NULL OR date <= ?::DATE)),
         firsts AS (SELECT paper_id, min(date) AS first FROM appearances GROUP BY paper_id)
    SELECT d.paper_id, p.title, d.date, p.domains, p.contribution, p.url, p.arxiv_url, d.date > f.first AS again
    FROM days d JOIN papers p USING (paper_id) JOIN firsts f USING (paper_id)
    WHERE (len(?::VARCHAR[]) = 0 OR list_has_any(p.domains, ?::VARCHAR[]))
      AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], d.paper_id))
    ORDER BY d.date DESC, coalesce(p.domains[1], '~'), p.title, d.paper_id
"""

_PAPERS_SQL = """
    SELECT p.paper_id, p.title, p.date, max(a.date) AS last_featured, p.domains, p.contribution, p.url, p.arxiv_url
    FROM papers p LEFT JOIN appearances a USING (paper_id)
    WHERE (len(?::VARCHAR[]) = 0 OR list_has_any(p.domains, ?::VARCHAR[]))
      AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], p.paper_id))
    GROUP BY ALL
    HAVING (?::DATE IS NULL OR max(a.date) >= ?::DATE) AND (?::DATE IS NULL OR min(a.date) <= ?::DATE)
    ORDER BY last_featured DESC NULLS LAST, p.paper_id
"""


def latest_report_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest report date the knowledge base holds, None when it holds none."""
    return con.execute("SELECT max(date) FROM appearances").fetchone()[0]


def appearances(con: duckdb.DuckDBPyConnection, *, since: date | None = None, until: date | None = None,
                domains: Sequence[str] = (), paper_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Paper appearances in reports between `since` and `until`, newest report first."""
    tags = [d.lower() for d in domains]
    ids = None if paper_ids is None else list(paper_ids)
    rows = con.execute(_APPEARANCES_SQL, [since, since, until, until, tags, tags, ids, ids]).fetchall()
    return [
        {"paper_id": pid, "title": title, "date": day.isoformat(), "domains": list(doms or []),
         "contribution": contribution, "url": url, "arxiv_url": arxiv_url, "again": bool(again)}
        for pid, title, day, doms, contribution, url, arxiv_url, again in rows
    ]


def papers(con: duckdb.DuckDBPyConnection, *, since: date | None = None, until: date | None = None,
           domains: Sequence[str] = (), paper_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """One row per paper featured in a report between `since` and `until`, latest featured first."""
    tags = [d.lower() for d in domains]
    ids = None if paper_ids is None else list(paper_ids)
    rows = con.execute(_PAPERS_SQL, [tags, tags, ids, ids, since, since, until, until]).fetchall()
    return [
        {"paper_id": pid, "title": title, "date": first.isoformat(),
         "last_featured": last.isoformat() if last else None, "domains": list(doms or []),
         "contribution": contribution, "url": url, "arxiv_url": arxiv_url}
        for pid, title, first, last, doms, contribution, url, arxiv_url in rows
    ]


def new_papers(con: duckdb.DuckDBPyConnection, since: date | None, domains: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Papers featured since `since` (default: the latest report day), one entry per appearance."""
    since = since or latest_report_day(con)
    if since is None:
        return []
    return [{k: v for k, v in row.items() if k != "arxiv_url"} for row in appearances(con, since=since, domains=domains)]


def paper_texts(con: duckdb.DuckDBPyConnection, paper_ids: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """Each paper's id and its title and sections as one text (every paper's, or those of `paper_ids`), by id."""
    rows = con.execute(
        "SELECT p.paper_id, p.title || '\n' || coalesce(string_agg(s.text, '\n' ORDER BY s.ordinal), '') "
        "FROM papers p LEFT JOIN sections s USING (paper_id) "
        "WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], p.paper_id) "
        "GROUP BY p.paper_id, p.title ORDER BY p.paper_id",
        [None if paper_ids is None else list(paper_ids)] * 2,
    ).fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def chunk_vectors(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(paper id, section, vector) of every embedded chunk, ordered by paper id."""
    rows = con.execute(
        "SELECT c.paper_id, c.section, e.vector FROM chunks c JOIN embeddings e USING (chunk_id) "
        "ORDER BY c.paper_id, c.chunk_id"
    ).fetchall()
    if not rows:
        raise QueryError("this knowledge base holds no embedded chunks; ingest reports first with `kb ingest data/`")
    vectors = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    return np.array([r[0] for r in rows], dtype=str), np.array([r[1] for r in rows], dtype=str), vectors


def has_paper(con: duckdb.DuckDBPyConnection, paper_id: str) -> bool:
    """Whether the knowledge base holds `paper_id`."""
    return con.execute("SELECT count(*) FROM papers WHERE paper_id = ?", [paper_id]).fetchone()[0] > 0


def marked_papers(con: duckdb.DuckDBPyConnection, marks: Sequence[dict[str, Any]], *, tag: str | None = None,
                  unread: bool = False, since: date | None = None, until: date | None = None,
                  domains: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Papers with their marks, latest featured first; with `tag`, also tagged ids not yet ingested."""
    by_id = {m["paper_id"]: m for m in marks}
    ids = None if tag is None else [pid for pid, m in by_id.items() if tag in m["tags"]]
    rows = papers(con, since=since, until=until, domains=domains, paper_ids=ids)
    empty = {"tags": [], "notes": [], "read": False, "read_at": None}
    listed = [{**row, **{k: v for k, v in by_id.get(row["paper_id"], empty).items() if k != "paper_id"}, "in_kb": True}
              for row in rows]
    if ids is not None and since is None and until is None and not domains:
        # A mark made before its paper arrived: listed so a typo'd id is visible, shown in full once ingested.
        present = {row["paper_id"] for row in rows}
        listed += [{"paper_id": pid, "title": None, "date": None, "last_featured": None, "domains": [],
                    "contribution": None, "url": None, "arxiv_url": f"https://arxiv.org/abs/{pid}",
                    **{k: v for k, v in by_id[pid].items() if k != "paper_id"}, "in_kb": False}
                   for pid in ids if pid not in present]
    return [row for row in listed if not (unread and row["read"])]
