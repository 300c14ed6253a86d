"""Papers out of the knowledge base: BibTeX, a Markdown reading list, CSV, JSONL and an Atom feed.

Every field comes from a model-written report, so each format escapes what its readers would
otherwise interpret: braces and TeX specials in BibTeX, markup in Markdown, XML (through
ElementTree, with the control characters XML forbids removed) in Atom.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date, datetime, timezone
from typing import Any
from xml.etree import ElementTree as ET

import duckdb

from kb import reading
from kb.errors import QueryError

FORMATS = ("bibtex", "markdown", "csv", "jsonl", "atom")
ATOM_MAX_ENTRIES = 500  # a feed reader wants the recent past, not the whole archive
CSV_COLUMNS = ("paper_id", "title", "date", "last_featured", "domains", "contribution", "url", "arxiv_url",
               "tags", "read", "notes")
_ATOM_NS = "http://www.w3.org/2005/Atom"
_BIB_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
                 "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIB_RE = re.compile(r"[\\{}$&%#_~^]")
_BIB_URL_RE = re.compile(r"[{}\\\s]")
_MD_RE = re.compile(r"([\\`*_\[\]<>#|!])")
_XML_BAD_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE_RE = re.compile(r"\s+")


def check_format(fmt: str) -> str:
    """The format name, lower-case, or an error naming the ones there are."""
    value = fmt.strip().lower()
    if value not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return value


def export(con: duckdb.DuckDBPyConnection, marks: Sequence[dict[str, Any]], fmt: str, *, tag: str | None = None,
           since: date | None = None, until: date | None = None, domains: Sequence[str] = (),
           paper_ids: Sequence[str] | None = None, title: str | None = None) -> str:
    """The selected papers in `fmt`; `paper_ids` (a query's answers) also fixes their order."""
    fmt = check_format(fmt)
    by_id = {m["paper_id"]: m for m in marks}
    ranked = paper_ids is not None
    if tag is not None:
        tagged = {pid for pid, m in by_id.items() if tag in m["tags"]}
        paper_ids = [p for p in paper_ids if p in tagged] if paper_ids is not None else sorted(tagged)
    if fmt == "atom":
        entries = reading.appearances(con, since=since, until=until, domains=domains, paper_ids=paper_ids)
        return atom(entries[:ATOM_MAX_ENTRIES], by_id, title=title or "Hugging Face Daily Papers")
    rows = reading.papers(con, since=since, until=until, domains=domains, paper_ids=paper_ids)
    if ranked:
        rank = {pid: i for i, pid in enumerate(paper_ids)}
        rows.sort(key=lambda r: rank[r["paper_id"]])
    empty = {"tags": [], "notes": [], "read": False, "read_at": None}
    rows = [{**r, **{k: v for k, v in by_id.get(r["paper_id"], empty).items() if k != "paper_id"}} for r in rows]
    return {"bibtex": bibtex, "markdown": lambda rs: markdown(rs, title or "Reading list"), "csv": to_csv,
            "jsonl": jsonl}[fmt](rows)


def bibtex(rows: Sequence[dict[str, Any]]) -> str:
    """One `@misc` entry a paper, with its arXiv eprint, URL, title and the report date."""
    entries = []
    for r in rows:
        pid = r["paper_id"]
        fields = [
            ("title", "{" + _bib(r["title"]) + "}"),  # inner braces keep the title's capitals
            ("eprint", pid), ("archiveprefix", "arXiv"),
            ("url", _BIB_URL_RE.sub("", r["arxiv_url"] or f"https://arxiv.org/abs/{pid}")),
            ("year", r["date"][:4]), ("date", r["date"]),
            ("howpublished", _bib(f"Hugging Face Daily Papers, {r['date']}: {r['url']}")),
            ("note", _bib(f"Featured in the Hugging Face Daily Papers report of {r['date']}")),
        ]
        if keywords := [*r["domains"], *r["tags"]]:
            fields.append(("keywords", _bib(", ".join(dict.fromkeys(keywords)))))
        if r["contribution"]:
            fields.append(("abstract", _bib(r["contribution"])))
        if r["notes"]:
            fields.append(("annote", _bib(" / ".join(n["text"] for n in r["notes"]))))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        entries.append(f"@misc{{arxiv_{pid.replace('.', '_')},\n{body}\n}}\n")
    return "\n".join(entries)


def markdown(rows: Sequence[dict[str, Any]], title: str = "Reading list") -> str:
    """A reading list: each paper linked, with its date, domains, one-line contribution, tags and notes."""
    lines = [f"# {_md(title)}", "", f"{len(rows)} paper{'' if len(rows) == 1 else 's'}", ""]
    for r in rows:
        meta = " · ".join(x for x in (f"`{r['paper_id']}`", r["last_featured"] or r["date"], ", ".join(r["domains"])) if x)
        lines.append(f"- [{_md(r['title'])}]({_md_url(r['url'])}) · {meta} · [arXiv]({_md_url(r['arxiv_url'])})")
        if r["contribution"]:
            lines.append(f"  {_md(r['contribution'])}")
        if r["tags"]:
            lines.append(f"  tags: {_md(', '.join(r['tags']))}{' · read' if r['read'] else ''}")
        for n in r["notes"]:
            lines.append(f"  note: {_md(n['text'])}")
    return "\n".join(lines) + "\n"


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """One row a paper; list fields joined with `; `."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        flat = {**r, "domains": "; ".join(r["domains"]), "tags": "; ".join(r["tags"]),
                "notes": " | ".join(n["text"] for n in r["notes"]), "read": "true" if r["read"] else "false"}
        writer.writerow(["" if flat.get(c) is None else flat[c] for c in CSV_COLUMNS])
    return buf.getvalue()


def jsonl(rows: Sequence[dict[str, Any]]) -> str:
    """One JSON object a paper, a line each."""
    return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)


def atom(entries: Sequence[dict[str, Any]], marks: dict[str, dict[str, Any]] | None = None, *,
         title: str = "Hugging Face Daily Papers", feed_url: str | None = None) -> str:
    """An Atom 1.0 feed with one entry a paper appearance, newest first; `feed_url` adds the self link."""
    ET.register_namespace("", _ATOM_NS)
    q = lambda name: f"{{{_ATOM_NS}}}{name}"  # noqa: E731
    feed = ET.Element(q("feed"))
    newest = max((e["date"] for e in entries), default=None)
    ET.SubElement(feed, q("id")).text = "tag:kb.local,2026:daily-papers" + (f":{feed_url}" if feed_url else "")
    ET.SubElement(feed, q("title")).text = _xml(title)
    ET.SubElement(feed, q("updated")).text = _stamp(newest) if newest else datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.SubElement(ET.SubElement(feed, q("author")), q("name")).text = "Hugging Face Daily Papers (via kb)"
    ET.SubElement(feed, q("generator")).text = "kb"
    if feed_url:
        ET.SubElement(feed, q("link"), rel="self", href=feed_url, type="application/atom+xml")
    for e in entries:
        entry = ET.SubElement(feed, q("entry"))
        # One id per appearance: a paper featured again is a new entry on that day.
        ET.SubElement(entry, q("id")).text = f"tag:huggingface.co,{e['date']}:papers/{e['paper_id']}"
        ET.SubElement(entry, q("title")).text = _xml(e["title"] + (" (featured again)" if e["again"] else ""))
        ET.SubElement(entry, q("updated")).text = _stamp(e["date"])
        ET.SubElement(entry, q("published")).text = _stamp(e["date"])
        ET.SubElement(entry, q("link"), rel="alternate", href=_xml(e["url"]))
        if e.get("arxiv_url"):
            ET.SubElement(entry, q("link"), rel="related", href=_xml(e["arxiv_url"]))
        for tag in [*e["domains"], *((marks or {}).get(e["paper_id"], {}).get("tags", []))]:
            ET.SubElement(entry, q("category"), term=_xml(tag))
        ET.SubElement(entry, q("summary"), type="text").text = _xml(e["contribution"] or "")
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def _bib(text: str) -> str:
    """Text safe inside a braced BibTeX field: TeX specials escaped, so braces always balance."""
    return _BIB_RE.sub(lambda m: _BIB_SPECIALS[m.group(0)], _SPACE_RE.sub(" ", _xml(text)).strip())


def _md(text: str) -> str:
    return _MD_RE.sub(r"\\\1", _SPACE_RE.sub(" ", _xml(text)).strip())


def _md_url(url: str | None) -> str:
    return (url or "").replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def _xml(text: str) -> str:
    return _XML_BAD_RE.sub("", text or "")


def _stamp(day: str) -> str:
    return f"{day}T00:00:00Z"
