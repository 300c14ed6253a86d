"""The daily-reading commands: what is new, your marks (tags, notes, read state), recommendations, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.text import Text

from kb.cli_app import app, err, friendly, open_kb, out, print_json
from kb.formats import printable


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
    papers = open_kb(ctx).new(since=since, domains=domain)
    if as_json:
        print_json(papers)
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
        out.print(Text.assemble("  • ", (printable(p["title"]), "cyan"), f" [{p['paper_id']}]", (" (again)" if p["again"] else "", "yellow")))
        out.print(Text(f"    {p['contribution'] or ''}"), Text(f"    {p['url']}", style="dim"), sep="\n")


def _print_marks(record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(record)
        return
    state = "read" if record["read"] else "unread"
    out.print(Text(f"{record['paper_id']}: tags {', '.join(record['tags']) or '-'} · {len(record['notes'])} notes · {state}"))
    if record["in_kb"] is False:
        out.print("  (not in this knowledge base yet; the marks are kept and shown once it is ingested)", style="dim")


@app.command()
@friendly
def tag(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., help="An arXiv id (2602.02958), its URL, or words of its title."),
    tags: list[str] = typer.Argument(..., help="One or more tags, e.g. liked or not-interested."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Tag a paper; tags live in marks.json and survive every ingest and rebuild.

    Example: kb tag 2602.02958 liked video-gen
    """
    kb = open_kb(ctx)
    _print_marks(kb.tag(kb.resolve(paper_id, in_kb=False), *tags), as_json)


@app.command()
@friendly
def untag(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., help="An arXiv id (2602.02958), its URL, or words of its title."),
    tags: list[str] = typer.Argument(..., help="Tags to remove."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Remove tags from a paper.

    Example: kb untag 2602.02958 liked
    """
    kb = open_kb(ctx)
    _print_marks(kb.untag(kb.resolve(paper_id, in_kb=False), *tags), as_json)


@app.command()
@friendly
def note(
    ctx: typer.Context,
    paper_id: str = typer.Argument(..., help="An arXiv id (2602.02958), its URL, or words of its title."),
    text: Optional[str] = typer.Argument(None, help="The note to append."),
    clear: bool = typer.Option(False, "--clear", help="Drop the paper's earlier notes first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Append a note to a paper (`--clear` alone removes its notes).

    Example: kb note 2602.02958 "compare with KIVI on 2-bit"
    """
    kb = open_kb(ctx)
    _print_marks(kb.note(kb.resolve(paper_id, in_kb=False), text, clear=clear), as_json)


@app.command("read")
@friendly
def read_(ctx: typer.Context, paper_id: str = typer.Argument(..., help="An arXiv id (2602.02958), its URL, or words of its title."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Mark a paper read.

    Example: kb read 2602.02958
    """
    kb = open_kb(ctx)
    _print_marks(kb.mark_read(kb.resolve(paper_id, in_kb=False)), as_json)


@app.command()
@friendly
def unread(ctx: typer.Context, paper_id: str = typer.Argument(..., help="An arXiv id (2602.02958), its URL, or words of its title."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Mark a paper unread.

    Example: kb unread 2602.02958
    """
    kb = open_kb(ctx)
    _print_marks(kb.mark_unread(kb.resolve(paper_id, in_kb=False)), as_json)


@app.command("list")
@friendly
def list_(
    ctx: typer.Context,
    tag: Optional[str] = typer.Option(None, "--tag", "-t", help="Only papers carrying this tag."),
    unread: bool = typer.Option(False, "--unread", help="Only papers not marked read."),
    since: Optional[str] = typer.Option(None, help="Only papers featured on or after WHEN (YYYY-MM-DD, 3d, 2w, last-week...)."),
    domain: list[str] = typer.Option([], "--domain", "-d", help="Domain tag (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Papers with your tags, notes and read state, latest featured first.

    Example: kb list --tag liked --unread
    """
    papers = open_kb(ctx).list_papers(tag, unread=unread, since=since, domains=domain)
    if as_json:
        print_json(papers)
        return
    if not papers:
        out.print("No papers match.")
        return
    for p in papers:
        mark = "✓" if p["read"] else "·"
        title = p["title"] if p["in_kb"] else "(not in this knowledge base yet)"
        out.print(Text.assemble(f"{mark} ", (printable(title), "cyan"), f" [{p['paper_id']}]",
                                (f"  {p['last_featured'] or ''}  {', '.join(p['tags'])}", "dim")))
        for n in p["notes"]:
            out.print(Text(f"    note ({n['at'][:10]}): {n['text']}"))


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
    picks = open_kb(ctx).recommend(tag, since=since, top_k=top_k)
    if as_json:
        print_json(picks)
        return
    if not picks:
        out.print("Nothing left to recommend: every paper in range is tagged or read.")
        return
    for rank, p in enumerate(picks, start=1):
        out.print(Text.assemble((f"{rank}. ", "bold"), (printable(p["title"]), "bold cyan"), f"  [{p['paper_id']}]"))
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
    text = open_kb(ctx).export(fmt, query, tag=tag, since=since, until=until, domains=domain, top_k=top_k, output=output)
    if output is None:
        sys.stdout.write(text)
    else:
        err.print(f"wrote {output}", highlight=False, markup=False)
