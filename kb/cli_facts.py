"""The commands over facts extracted from the reports: benchmarks and their leaderboards."""

from __future__ import annotations

from typing import Optional

import typer
from rich.text import Text

from kb.cli_app import app, friendly, open_kb, out, print_json


@app.command("benchmarks")
@friendly
def benchmarks_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """Benchmarks the papers evaluate on, by number of papers (canonical names from the registry).

    Example: kb benchmarks
    """
    rows = open_kb(ctx).benchmarks()
    if as_json:
        print_json(rows)
        return
    for r in rows:
        out.print(f"{r['papers']:>4} papers  {r['results']:>4} results  {r['benchmark']}", highlight=False, markup=False)


@app.command("leaderboard")
@friendly
def leaderboard_command(
    ctx: typer.Context,
    benchmark: str = typer.Argument(..., help="Benchmark name or alias, e.g. AIME, swe-bench, MMLU."),
    metric: Optional[str] = typer.Option(None, "--metric", "-m", help="Only this metric, e.g. accuracy."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, best first."),
) -> None:
    """Papers' own results on a benchmark, best first, with baseline, compared system, setting and evidence.

    Example: kb leaderboard "SWE-bench" --metric accuracy
    """
    rows = open_kb(ctx).leaderboard(benchmark, metric)
    if as_json:
        print_json(rows)
        return
    group = None
    for r in rows:
        if (r["benchmark"], r["metric"], r["unit"]) != group:
            group = (r["benchmark"], r["metric"], r["unit"])
            better = f" ({r['better']} is better)" if r["better"] else ""
            out.print(Text(f"{r['benchmark']} · {r['metric'] or 'unnamed metric'}{better}", style="bold"))
        vs = f" vs {r['baseline']:g}" if r["baseline"] is not None else ""
        vs += f" ({r['compared_to']})" if r["compared_to"] else ""
        setting = f" · {r['setting']}" if r["setting"] else ""
        out.print(Text(f"  {r['value']:g}{r['unit'] or ''}{vs}  {r['title']} [{r['paper_id']}] {r['date']}{setting}"))
        out.print(Text(f"    {r['evidence']}", style="dim"))
