"""Sections → chunks sized for the embedding model, with ids derived from content."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from kb.parse import Paper

# Bumped whenever chunk boundaries or embedded text change, so old indexes are rebuilt.
CHUNKER_VERSION = 1
# multilingual-e5-small reads 512 tokens; the corpus runs ~1.7 characters per
# token, so 600 characters plus the title stays well inside the window.
DEFAULT_MAX_CHARS = 600

_BULLET_RE = re.compile(r"^(?:[*\-+]|\d{1,2}[.)、])\s+")
_SENTENCE_END_RE = re.compile(r"(?<=[。；！？!?;])|(?<=\.)\s+")


@dataclass(frozen=True)
class Chunk:
    """A piece of one section; `embed_text` is what the model sees (title and section as context)."""

    chunk_id: int
    paper_id: str
    section: str
    ordinal: int
    text: str
    embed_text: str


def chunk_id_for(paper_id: str, section: str, embed_text: str) -> int:
    """A stable positive int64 id from content: same text, same id; FAISS stores it as the vector id."""
    digest = hashlib.blake2b(f"{paper_id}\x1f{section}\x1f{embed_text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


def chunk_paper(paper: Paper, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Split every section of `paper` into chunks of at most about `max_chars` characters."""
    chunks: list[Chunk] = []
    seen: set[int] = set()
    ordinal = 0
    for section in paper.sections:
        for piece in split_text(section.text, max_chars):
            embed_text = f"{paper.title}\n{section.label}：{piece}"
            cid = chunk_id_for(paper.paper_id, section.key, embed_text)
            if cid in seen:  # the same sentence twice in one section carries no new information
                continue
            seen.add(cid)
            chunks.append(Chunk(cid, paper.paper_id, section.key, ordinal, piece, embed_text))
            ordinal += 1
    return chunks


def split_text(text: str, max_chars: int) -> list[str]:
    """Pack paragraphs and top-level bullets into pieces of at most `max_chars`.

    Nested bullets stay with their parent; a single block longer than the
    budget is cut at sentence ends, and only as a last resort mid-sentence.
    """
    if not text.strip():
        return []
    pieces: list[str] = []
    current = ""
    for block in split_blocks(text):
        for part in _fit(block, max_chars):
            if current and len(current) + 1 + len(part) > max_chars:
                pieces.append(current)
                current = part
            else:
                current = f"{current}\n{part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def split_blocks(text: str) -> list[str]:
    """Top-level bullets and paragraphs of a section, each with its nested lines: what a chunk never splits first."""
    blocks: list[list[str]] = []
    for line in text.split("\n"):
        if not line.strip():
            if blocks and blocks[-1]:
                blocks.append([])
            continue
        starts_block = not line[:1].isspace() and _BULLET_RE.match(line) is not None
        if not blocks or starts_block or not blocks[-1]:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return ["\n".join(b).strip() for b in blocks if b]


def _fit(block: str, max_chars: int) -> list[str]:
    if len(block) <= max_chars:
        return [block]
    out: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END_RE.split(block) if s):
        while len(sentence) > max_chars:
            head, sentence = sentence[:max_chars], sentence[max_chars:]
            if current:
                out.append(current)
                current = ""
            out.append(head)
        if current and len(current) + len(sentence) > max_chars:
            out.append(current)
            current = sentence
        else:
            current += sentence
    if current.strip():
        out.append(current)
    return [p.strip() for p in out if p.strip()]
