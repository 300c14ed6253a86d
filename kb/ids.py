"""Paper references as people paste them (ids, versions, arXiv and Hugging Face URLs, titles) → paper ids."""

from __future__ import annotations

import re
from typing import Any

from kb.errors import NotFoundError, QueryError

# `2602.02958`, `2602.02958v2`, `arXiv:2602.02958`, `https://huggingface.co/papers/2602.02958`,
# `arxiv.org/abs/…`, `/pdf/….pdf`, `/html/…v1`, with or without scheme, `www.`, `<…>` or a `?query`.
_REF_RE = re.compile(
    r"""<?\s*(?:
          arxiv\s*:\s*
        | (?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/papers/
        | (?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/
        | (?:https?://)?(?:www\.)?alphaxiv\.org/(?:abs|overview)/
    )?
    (?P<id>\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?/?(?:[?#]\S*)?\s*>?""",
    re.I | re.X,
)
MAX_CANDIDATES = 5
_WORD_RE = re.compile(r"\w")


def normalize_paper_ref(text: str) -> str | None:
    """The bare arXiv id in a pasted reference, or None when it is not one.

    Example: normalize_paper_ref("https://arxiv.org/abs/2602.02958v2") == "2602.02958"
    """
    match = _REF_RE.fullmatch(str(text).strip())
    return match.group("id") if match else None


def resolve_paper(con: Any, text: str) -> str:
    """The id of the paper `text` names in the database behind `con`: an id form, or words of its title."""
    ref = normalize_paper_ref(text)
    if ref is not None:
        if con.execute("SELECT 1 FROM papers WHERE paper_id = ?", [ref]).fetchone():
            return ref
        raise NotFoundError(
            f"no paper {ref!r} in this knowledge base; list ids with `kb sql \"SELECT paper_id, title FROM papers\"`"
        )
    words = " ".join(str(text).split())
    if not words:
        raise QueryError("name a paper by its arXiv id (2602.02958), its URL, or words of its title")
    if len(_WORD_RE.findall(words)) < 2:  # `[/]` or `x` names no title; it is a mistyped id
        raise NotFoundError(
            f"no paper {words!r} in this knowledge base; give its arXiv id (2602.02958), its URL, or words of its title"
        )
    exact = con.execute("SELECT paper_id FROM papers WHERE lower(title) = lower(?) ORDER BY paper_id", [words]).fetchall()
    if len(exact) == 1:
        return exact[0][0]
    # Every word must appear in the title; the shortest titles first, since they are the closest.
    terms = words.lower().split(" ")
    condition = " AND ".join(["contains(lower(title), ?)"] * len(terms))
    rows = con.execute(
        f"SELECT paper_id, title FROM papers WHERE {condition} ORDER BY length(title), paper_id LIMIT ?",
        [*terms, MAX_CANDIDATES + 1],
    ).fetchall()
    if len(rows) == 1:
        return rows[0][0]
    prefix = [r for r in rows if r[1].lower().startswith(words.lower())]
    if len(prefix) == 1:
        return prefix[0][0]
    if not rows:
        raise NotFoundError(
            f"no paper id or title matches {words!r}; search by meaning with `kb ask {_quote(words)}`"
        )
    listed = "; ".join(f"{pid} {_short(title)}" for pid, title in rows[:MAX_CANDIDATES])
    more = " and more" if len(rows) > MAX_CANDIDATES else ""
    raise NotFoundError(f"{words!r} matches several titles ({listed}{more}); give the id or more of the title")


def _short(title: str, limit: int = 50) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'
