"""Pure helpers that turn report text and results into safe HTML: Markdown, highlights, links, groups."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_HTTP = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
_ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")


def safe_url(url: object) -> str | None:
    """The URL if it is a plain http(s) link, else None: report text never chooses a scheme."""
    text = str(url or "").strip()
    return text if _HTTP.match(text) else None


def _markdown() -> MarkdownIt:
    # Report text is written by a model: raw HTML stays text, images (remote requests) stay
    # text, and a link survives only when it is http(s).
    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")
    md.validateLink = lambda url: safe_url(url) is not None  # type: ignore[method-assign]

    def link_open(renderer, tokens, idx, options, env):  # type: ignore[no-untyped-def]
        tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


_MD = _markdown()


def markdown(text: str) -> Markup:
    """Section Markdown as HTML with every HTML tag in the source shown as text."""
    return Markup(_MD.render(dedent_block(text)))


def dedent_block(text: str) -> str:
    """Remove the indentation shared by all lines, so a section indented under its heading is not a code block."""
    lines = text.splitlines()
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(widths, default=0)
    return "\n".join(line[cut:] for line in lines)


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> Markup:
    """`text` escaped, with the query-term spans wrapped in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos or end <= start:
            continue
        out.append(str(escape(text[pos:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def arxiv_url(paper_id: str) -> str | None:
    """The arXiv abstract page of an arXiv id."""
    return f"https://arxiv.org/abs/{paper_id}" if _ARXIV_ID.match(paper_id) else None


def facet_counts(hits: Iterable[Any]) -> list[tuple[str, int]]:
    """Domain tags of the hits with how many hits carry each, commonest first."""
    counts = Counter(tag for hit in hits for tag in hit.domains)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def group_by_domain(papers: Iterable[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Papers under their first domain tag, biggest group first; untagged papers go last."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for paper in papers:
        domains = paper.get("domains") or []
        groups.setdefault(domains[0] if domains else "other", []).append(paper)
    return sorted(groups.items(), key=lambda kv: (kv[0] == "other", -len(kv[1]), kv[0]))


def group_by_date(papers: Iterable[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Papers under their report date, newest first, keeping their order inside a day."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for paper in papers:
        groups.setdefault(str(paper.get("date")), []).append(paper)
    return sorted(groups.items(), key=lambda kv: kv[0], reverse=True)


def query_url(path: str, params: dict[str, Any], **overrides: Any) -> str:
    """`path?query` with empty values dropped and lists repeated (`domain=a&domain=b`)."""
    pairs: list[tuple[str, str]] = []
    for key, value in {**params, **overrides}.items():
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if v not in (None, ""):
                pairs.append((key, str(v)))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def number(value: object) -> str:
    """A figure as people write it: 29.17, 11, 0.905."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".6g") if abs(value) < 1e6 else f"{value:,.0f}"


def cell(value: object) -> str:
    """One SQL value as table text."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, float):
        return number(value)
    return str(value)
