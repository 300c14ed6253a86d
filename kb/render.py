"""What the command line shows on a terminal: hits, a paper, tables, stats and ingest progress (rich).

Report text is data: every string from a report goes through `Text` (never markup) after
`printable`, so `[/x]`, `[bold]` or an escape sequence in a title prints as written.
Ids and URLs are single words on lines of their own, so wrapping at 80 columns never splits one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeRemainingColumn
from rich.style import Style
from rich.table import Table
from rich.text import Text

from kb.formats import cell_text, printable

INDENT = 3
# A column whose every value is one short word (ids, dates, numbers) is kept whole; the others wrap.
_WHOLE_WORD_MAX = 32
_HEADER_MIN = 12


def _t(value: Any, style: str | Style = "") -> Text:
    return Text(printable("" if value is None else str(value)), style=style)


def link(url: str, style: str = "") -> Text:
    """A URL on its own, as a terminal hyperlink where the terminal supports one."""
    return Text(printable(url), style=Style.parse(style) + Style(link=url) if style else Style(link=url))


def _ranked(items: list[tuple[int, list[RenderableType]]]) -> Table:
    """Numbered entries whose wrapped lines keep their indent under the entry, not under the number."""
    width = len(f"{max((r for r, _ in items), default=1)}.")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=width, no_wrap=True)
    grid.add_column()
    for rank, parts in items:
        grid.add_row(Text(f"{rank}.", style="bold"), Group(*parts))
    return grid


def _why(hit: Any) -> str:
    why = getattr(hit, "why", None)
    if not why:
        return ""
    return "matched " + (", ".join(why) if isinstance(why, (list, tuple)) else str(why))


def hits_view(results: Any, *, similar: bool = False) -> RenderableType:
    """`kb ask` / `kb similar` results: title, then id · date · domains · section · relevance, URL, passage."""
    head: list[RenderableType] = []
    if getattr(results, "weak", False):
        head.append(Text("No paper matches well; closest:", style="yellow"))
    items = []
    for rank, hit in enumerate(results, start=1):
        relevance = getattr(hit, "relevance", None)
        if similar:
            score = f"cosine {hit.score:.3f}"
        else:
            score = f"relevance {relevance:.2f}" if relevance is not None else f"score {hit.score:.4f}"
        # Two short meta lines rather than one that wraps mid-phrase at 80 columns.
        how = ([] if similar else [getattr(hit, "label", "") or hit.section]) + [score] + ([w] if (w := _why(hit)) else [])
        parts: list[RenderableType] = [
            _t(hit.title, "bold cyan"),
            Text.assemble((printable(hit.paper_id), "bold"),
                          (printable(f" · {hit.date.isoformat()} · {', '.join(hit.domains) or '-'}"), "dim")),
            _t(" · ".join(how), "dim"),
            link(hit.url, "dim"),
        ]
        if not similar and hit.text:
            body = _t(hit.text)
            # A number at a line end ("11 倍") wraps whole or folds; never cut to an ellipsis.
            body.overflow = "fold"
            for start, end in getattr(hit, "highlights", []):
                body.stylize("bold yellow", start, end)
            parts.append(body)
        items.append((rank, parts))
    return Group(*head, _ranked(items)) if items else Group(*head)


def rows_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> Table:
    """A rich table of query rows: short one-word columns kept whole, long text folded, values as data."""
    table = Table(title=title, show_lines=False, header_style="bold")
    texts = [[printable(cell_text(v)) for v in row] for row in rows]
    for i, name in enumerate(columns):
        values = [r[i] for r in texts]
        whole = bool(values) and all(len(v) <= _WHOLE_WORD_MAX and " " not in v for v in values)
        table.add_column(_t(name), no_wrap=whole, overflow="fold", min_width=min(len(name), _HEADER_MIN))
    for row in texts:
        table.add_row(*(Text(v) for v in row))
    return table


def paper_view(paper: dict[str, Any]) -> RenderableType:
    """`kb show`: header, facts, sections as Markdown, metrics with evidence, links, appearances, marks."""
    parts: list[RenderableType] = [
        _t(paper["title"], "bold cyan"),
        Text.assemble((printable(paper["paper_id"]), "bold"),
                      (f" · {paper.get('date') or ''} · {', '.join(paper.get('domains') or []) or '-'}", "dim")),
    ]
    for key in ("url", "arxiv_url"):
        if paper.get(key):
            parts.append(link(paper[key]))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    for key in ("read_source", "code_status", "code_url", "model_sizes", "hardware", "datasets"):
        value = paper.get(key)
        if value not in (None, [], ""):
            facts.add_row(key.replace("_", " "), _t(", ".join(value) if isinstance(value, list) else value))
    if facts.row_count:
        parts.append(facts)
    for section in paper.get("sections", []):
        parts.append(Text.assemble("\n", (printable(section["label"]), "bold"), (f" ({section['section']})", "dim")))
        from rich.markdown import Markdown  # ~40 ms of import that only `kb show` needs

        parts.append(Padding(Markdown(printable(section["text"]), hyperlinks=True), (0, 0, 0, 2)))
    if paper.get("metrics"):
        parts.append(_heading("Metrics"))
        table = Table("benchmark", "metric", "value", "baseline", header_style="bold")
        table.add_column("evidence", overflow="fold", ratio=1)  # a CJK sentence has no spaces to wrap at
        for m in paper["metrics"]:
            value = "" if m.get("value") is None else f"{m['value']:g}{m.get('unit') or ''}"
            baseline = "" if m.get("baseline") is None else f"{m['baseline']:g}"
            table.add_row(_t(m.get("benchmark") or "-"), _t(m.get("metric") or "-"), _t(value), _t(baseline), _t(m.get("evidence"), "dim"))
        parts.append(table)
    if paper.get("links"):
        parts.append(_heading("Links"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(no_wrap=True, overflow="fold")
        for item in paper["links"]:
            grid.add_row(_t(item["kind"]), link(item["url"]))
        parts.append(Padding(grid, (0, 0, 0, 2)))
    if paper.get("appearances"):
        parts.append(_heading("Featured"))
        for a in paper["appearances"]:
            parts.append(_t(f"  {a['date']}  {Path(a['source_file']).name}"))
    if paper.get("tags") or paper.get("notes") or paper.get("read"):
        parts.append(_heading("Your marks"))
        parts.append(_t(f"  tags: {', '.join(paper.get('tags') or []) or '-'} · {'read' if paper.get('read') else 'unread'}"))
        for n in paper.get("notes") or []:
            parts.append(Padding(_t(f"note ({n['at'][:10]}): {n['text']}"), (0, 0, 0, 2)))
    return Group(*parts)


def _heading(text: str) -> Text:
    return Text("\n" + text, style="bold underline")


def stats_view(s: dict[str, Any]) -> RenderableType:
    """`kb stats`: one summary line, then papers per date and per domain."""
    r = s["recipe"]
    line = _t(
        f"{s['directory']}: {s['papers']} papers, {s['chunks']} chunks, {s['metrics']} metrics, "
        f"{s['links']} links from {s['files']} files · {s['bytes_on_disk'] / 1e6:.1f} MB · "
        f"{r['backend']}:{r['model']} ({r['dim']}-d, chunks ≤ {r['chunk_max_chars']} chars) · "
        f"generation {s['generation']}, schema v{s['schema_version']}"
    )
    dates = rows_table(["date", "papers"], [(d["date"], d["papers"]) for d in s["per_date"]])
    domains = rows_table(["domain", "papers"], [(d["domain"], d["papers"]) for d in s["per_domain"]])
    return Group(line, dates, domains)


class IngestProgress:
    """Live status of an ingest on stderr: loading the model, then files read, then chunks embedded."""

    def __init__(self, console: Console, enabled: bool) -> None:
        self.told: list[str] = []
        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}", style="dim"), TimeRemainingColumn(),
            console=console, transient=True, disable=not enabled,
        )
        # Building the embedder is the first thing an ingest does, before any callback.
        self._task = self._progress.add_task("Loading the embedding model", total=None, detail="")
        self._stage = ""
        self._papers = ""

    def __enter__(self) -> IngestProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def _show(self, stage: str, done: int, total: int, detail: str) -> None:
        self._progress.update(self._task, description=stage, completed=done, total=total, detail=detail)
        if stage != self._stage:  # each stage is drawn at least once, however short
            self._stage = stage
            self._progress.refresh()

    def on_file(self, done: int, total: int, path: str) -> None:
        self._show("Reading reports", done, total, Path(path).name)

    def on_progress(self, done: int, total: int) -> None:
        self._show("Embedding chunks", done, total, self._papers)

    def on_papers(self, done: int, total: int) -> None:
        self._papers = f"{done}/{total} papers written"
        self._show("Embedding chunks", *self._chunk_counts(), self._papers)

    def _chunk_counts(self) -> tuple[int, int]:
        task = self._progress.tasks[0]
        return int(task.completed), int(task.total or 0)

    def on_problem(self, message: str) -> None:
        self.told.append(message)
        self._progress.console.print(Text.assemble(("Warning:", "yellow"), " ", printable(message)))


def ingest_summary(summary: Any, kb_option: str) -> list[Text]:
    """The summary of an ingest and the command to run next."""
    line = _t(
        f"{summary.files} files ({summary.files_unchanged} unchanged) · papers: {summary.papers_added} added, "
        f"{summary.papers_updated} updated, {summary.papers_unchanged} unchanged · "
        f"{summary.chunks_embedded} chunks embedded, {summary.chunks_total} in total · {summary.seconds:.1f} s"
    )
    if getattr(summary, "facts_refreshed", 0):
        line.append(f" · facts of {summary.facts_refreshed} papers re-extracted by the current rules")
    if not summary.chunks_total:
        return [line]
    return [line, _t(f'Next: kb{kb_option} ask "your question" · kb{kb_option} new · kb{kb_option} stats', "dim")]
