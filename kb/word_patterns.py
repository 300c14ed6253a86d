"""Helpers for regular expressions run over mixed Chinese and English text. Pure.

Python's `\\b` and `re.I` treat CJK and a few non-ASCII letters in ways report text trips over;
these keep word patterns (domains, hardware, metric names) matching what they mean.
"""

from __future__ import annotations

import re


def ascii_bounds(pattern: str) -> str:
    """Rewrite `\\b` as an ASCII word boundary (Python's treats CJK as word characters: `\\bLCE\\b` misses "LCE降低了")."""
    return pattern.replace(r"\b", r"(?:(?<![A-Za-z0-9])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?![A-Za-z0-9]))")


def fold_case(text: str) -> str:
    """`text` lower-cased, with ı, İ and ſ as i, i and s, the letters re.I matches them to: a re.I
    match of a word of ASCII letters, digits and CJK in `text` is then the word, lower-cased, in it."""
    return text.lower().replace("\u0131", "i").replace("i\u0307", "i").replace("\u017f", "s")


def word_prefilter(pattern: str) -> re.Pattern[str] | None:
    """For a re.I pattern that only lists words (`PSNR|\\bFID\\b|峰值`), a quick pattern that finds one of
    them in `fold_case(text)` wherever it matches `text`; None for other patterns."""
    words = [w.removeprefix(r"\b").removesuffix(r"\b").lower() for w in pattern.split("|")]
    plain = all(re.fullmatch(r"[A-Za-z0-9 \-\u4e00-\u9fff]+", w) for w in words)
    return re.compile("|".join(words)) if plain else None
