"""Benchmarks by number of papers, and papers' own results on a benchmark, best first."""

from __future__ import annotations

from typing import Any

import duckdb

from kb.benchmarks import matching
from kb.errors import NotFoundError, QueryError

_RESULTS_SQL = """
    SELECT m.paper_id, p.title, p.date, m.benchmark, m.metric, m.value, m.unit, m.better, m.baseline,
           m.compared_to, m.setting, m.evidence
    FROM metrics m JOIN papers p USING (paper_id)
    WHERE m.role = 'result' AND list_contains(?::VARCHAR[], m.benchmark)
"""
_COLUMNS = ("paper_id", "title", "date", "benchmark", "metric", "value", "unit", "better", "baseline",
            "compared_to", "setting", "evidence")


def benchmarks(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every benchmark the papers evaluate on, with how many papers and result rows, most papers first."""
    rows = con.execute("SELECT benchmark, papers, results FROM benchmarks ORDER BY papers DESC, results DESC, benchmark").fetchall()
    return [{"benchmark": b, "papers": n, "results": r} for b, n, r in rows]


def leaderboard(con: duckdb.DuckDBPyConnection, benchmark: str, metric: str | None = None) -> list[dict[str, Any]]:
    """Papers' own results on `benchmark` (registry aliases and family names match: `swe-bench` gives
    Verified and Multilingual apart), grouped by benchmark, metric and unit, each group best first."""
    if not benchmark.strip():
        raise QueryError("name a benchmark, e.g. `kb leaderboard AIME`; list them with `kb benchmarks`")
    known = [r[0] for r in con.execute(
        "SELECT DISTINCT benchmark FROM metrics WHERE role = 'result' AND benchmark IS NOT NULL").fetchall()]
    names = matching(benchmark, known)
    if not names:
        raise NotFoundError(f"no paper reports a result on {benchmark!r}; list benchmarks with `kb benchmarks`")
    rows = [dict(zip(_COLUMNS, r)) for r in con.execute(_RESULTS_SQL, [names]).fetchall()]
    if metric is not None:
        chosen = [r for r in rows if (r["metric"] or "").lower() == metric.lower()]
        if not chosen:
            metrics = sorted({r["metric"] for r in rows if r["metric"]})
            raise QueryError(f"no {metric!r} results on {', '.join(names)}; metrics there: {', '.join(metrics) or 'none named'}")
        rows = chosen
    for r in rows:
        r["date"] = r["date"].isoformat() if r["date"] is not None else None
    order = {n: i for i, n in enumerate(names)}
    # Best first within one benchmark, metric and unit; where the better direction is unknown, highest first.
    rows.sort(key=lambda r: (order[r["benchmark"]], (r["metric"] or "~"), (r["unit"] or ""),
                             r["value"] if r["better"] == "lower" else -r["value"], r["date"] or "", r["paper_id"]))
    return rows
