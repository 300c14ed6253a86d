"""The benchmark registry (`kb/data/benchmarks.json`): one canonical name per benchmark, and finding names in text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_KEY_DROP_RE = re.compile(r"[\s\-_.:·,'’()（）]+")
_WITH_SUBSET_RE = re.compile(r"(.+?)\s*[（(]([^（()）]+)[）)]")
# A suite joined to its family by a hyphen (LIBERO-Spatial, Video-MME-Long). Only these words: a hyphenated
# -Hard or -Pro is usually a benchmark of its own (HealthBench-Hard, MMLU-Pro).
HYPHEN_SUBSET_WORDS = r"Spatial|Object|Goal|Long|STEM"  # LIBERO-Spatial, MMLU-STEM
HYPHEN_SUBSET_RE = re.compile(rf"(.+?)-({HYPHEN_SUBSET_WORDS})")
_SUFFIX_RE = re.compile(r"(?:benchmark|基准测试|基准|数据集|dataset)$")


@dataclass(frozen=True)
class Registry:
    """Canonical names by normalised key, and one pattern that finds registry names in running text."""

    by_key: dict[str, str]
    areas: dict[str, str]
    names: tuple[str, ...]
    scanner: re.Pattern[str]


def key(name: str) -> str:
    """Normalised form used for matching: "SWE-Bench Verified" and "swe bench verified" share one."""
    k = _KEY_DROP_RE.sub("", name.lower())
    return _SUFFIX_RE.sub("", k) or k


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry bundled with the package, loaded once."""
    raw = json.loads(resources.files("kb").joinpath("data/benchmarks.json").read_text(encoding="utf-8"))
    by_key: dict[str, str] = {}
    areas: dict[str, str] = {}
    spotted: list[str] = []
    skip = set(raw.get("not_in_text", ()))
    for entry in raw["benchmarks"]:
        name = entry["name"]
        areas[name] = entry.get("area", "")
        for alias in (name, *entry.get("aliases", ())):
            by_key.setdefault(key(alias), name)
            if alias not in skip and len(alias) >= 3:
                spotted.append(alias)
    # One trie-shaped pattern: a plain alternation of hundreds of names is tried name by name at
    # every position; the trie tries one branch, and its optional tails make the longest name win
    # ("SWE-bench Verified" over "SWE-bench"). Spaces and hyphens are interchangeable.
    trie: dict[str, Any] = {}
    for alias in set(spotted):
        node = trie
        for atom in _atoms(alias):
            node = node.setdefault(atom, {})
        node[""] = {}
    # A hyphenated continuation makes another name: "SpecBench-Prod" is not Spec-Bench, "MMLU-Redux" not MMLU.
    scanner = re.compile(r"(?<![A-Za-z0-9])" + _trie_pattern(trie) + r"(?![A-Za-z0-9+]|-[A-Za-z])")
    return Registry(by_key, areas, tuple(areas), scanner)


def _trie_pattern(node: dict[str, Any]) -> str:
    # A case-folded atom ([gG], from a long name such as GPQA-Diamond) is tried before a literal one
    # (G, from a short all-caps name such as GPQA) that matches the same letter: the regex takes the
    # first branch that succeeds, and the long name's branch falls back to the short one.
    branches = [atom + _trie_pattern(child) for atom, child in sorted(node.items(), key=lambda kv: (kv[0][:1] != "[", kv[0]))
                if atom]
    if not branches:
        return ""
    body = "(?:" + "|".join(branches) + ")"
    return body + "?" if "" in node else body


def _atoms(alias: str) -> list[str]:
    out = []
    for ch in alias:
        if ch in " -_":
            out.append(r"[\s\-_]")  # any separator where the name has one; optional ones would make the trie ambiguous
        elif ch.isalpha() and len(alias) >= 5 and not alias.isupper():
            out.append(f"[{ch.lower()}{ch.upper()}]" if ch.lower() != ch.upper() else re.escape(ch))
        else:
            out.append(re.escape(ch))  # short or all-caps names (MATH, BBH) only in their own case
    return out


def canonical(name: str) -> str:
    """The registry's name for `name`, or `name` as written (stripped) when the registry does not know it."""
    name = name.strip()
    found = registry().by_key.get(key(name))
    if found:
        return found
    # "LIBERO-Long (Spatial)" style: a known family with a subset written after it in parentheses;
    # "LIBERO-Long": a known family with a suite or difficulty word joined by a hyphen.
    m = _WITH_SUBSET_RE.fullmatch(name) or HYPHEN_SUBSET_RE.fullmatch(name)
    if m and is_known(m.group(1)):
        family, subset = m.group(1), m.group(2).strip()
        return subset_of(family, subset) or f"{registry().by_key[key(family)]} ({subset})"
    return name


def is_known(name: str) -> bool:
    """Whether `name` is a registry name or alias."""
    return key(name) in registry().by_key


def subset_of(family: str, name: str) -> str | None:
    """The registry's name for subset `name` of benchmark `family` ("Amazon Reviews" + "Beauty" →
    "Amazon Beauty"), when the registry lists it apart from the family; else None."""
    reg = registry()
    fam = reg.by_key.get(key(family), family)
    for written in {family, fam}:
        found = reg.by_key.get(key(f"{written} {name}"))
        if found and found != fam:
            return found
    return None


def find_benchmarks(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, canonical, as written) of every registry name spotted in `text`, in order."""
    reg = registry()
    return [(m.start(), m.end(), reg.by_key.get(key(m.group()), m.group()), m.group()) for m in reg.scanner.finditer(text)]


def matching(query: str, known: list[str]) -> list[str]:
    """The names in `known` a leaderboard query means: its canonical name, else every name it is a prefix of.

    `swe-bench` gives SWE-bench, SWE-bench Verified and SWE-bench Multilingual apart; `aime` gives
    AIME 2024 and AIME 2025.
    """
    target = key(canonical(query))
    exact = [n for n in known if key(n) == target]
    prefixed = [n for n in known if key(n).startswith(key(query)) and n not in exact]
    if exact and not prefixed:
        return exact
    return sorted(set(exact) | set(prefixed), key=lambda n: (key(n) != target, n.lower()))
