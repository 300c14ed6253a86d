"""Section text → sentences, each with the bullet context it was written under. Pure.

A figure may take its benchmark from an earlier sentence of its bullet or from the bold labels
of the bullets it is nested in; a sentence carries both with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONTEXT_SENTENCES = 6  # earlier sentences of a bullet a figure may take its benchmark from
_BULLET_RE = re.compile(r"^\s*(?:[*\-+•]|\d{1,2}[.)、])\s+")
_LABEL_RE = re.compile(r"^\*\*([^*]{1,40}?)\s*[:：]?\s*\*\*\s*[:：]?\s*")
_MARKUP_RE = re.compile(r"\*\*|`|\$")
_SENTENCE_END_RE = re.compile(r"(?<=[。；;！？!?])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a section, with what a figure in it may read from outside it."""

    text: str
    context: tuple[str, ...]  # earlier sentences of the same bullet, then its labels, nearest first
    label: str  # the bold label of its own bullet, if any
    bullet: int  # sentences of one bullet line share this number


def bullet_sentences(text: str, context_chars: int) -> list[Sentence]:
    """Sentences (split on 。；; and lines) with the bullet context they were written under.

    An earlier sentence is kept as context only to its last `context_chars` characters: the most
    that a figure's cues are read from.
    """
    out: list[Sentence] = []
    stack: list[tuple[int, str]] = []  # (indent, bold label) of the enclosing bullets
    for bullet, raw in enumerate(text.split("\n")):
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip())
        line = _BULLET_RE.sub("", raw).strip()
        label = ""
        if m := _LABEL_RE.match(line):
            label = m.group(1)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parents = tuple(lbl for _, lbl in reversed(stack))
        if label:
            stack.append((indent, label))
        line = _MARKUP_RE.sub("", line)
        earlier: list[str] = []
        for part in _SENTENCE_END_RE.split(line):
            part = part.strip()
            if part:
                out.append(Sentence(part, (*reversed(earlier), *parents), label, bullet))
                earlier = [*earlier[-(_CONTEXT_SENTENCES - 1):], part[-context_chars:]]
    return out
