"""The bilingual lexicon the reports write themselves: 中文（English）, English（中文）, 中文（ABBR）.

Pairs are mined from each paper's sections at ingest and stored per paper in `paper_terms`
with their counts, so the lexicon grows with every new report and a removed or rewritten
paper takes its pairs with it. Query expansion reads only the rows its words name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import duckdb

from kb import store

# Bumped when the mining rules change: the next ingest mines every stored paper again.
LEXICON_VERSION = 1
_META_KEY = "lexicon_version"
_MAX_EN_WORDS = 6

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_EN = r"[A-Za-z][A-Za-z0-9+\-]*(?:[ \-][A-Za-z0-9][A-Za-z0-9+\-]*){0,7}"
# 中文（English, ABBR）: the Chinese run right before a bracket of English names.
_ZH_EN = re.compile(rf"([{_CJK}]{{2,}})\s*[（(]\s*({_EN}(?:\s*[,，;；]\s*{_EN})*)\s*[)）]")
# English（中文）, allowing a one- or two-character noun between (`MoE 模型（混合专家）`).
_EN_ZH = re.compile(rf"(?<![A-Za-z0-9\-])({_EN})\s*(?:[{_CJK}]{{1,2}})?\s*[（(]\s*([{_CJK}]{{2,12}})\s*[)）]")
# Words that end a phrase, not start a term: the term is the run after the last of them.
_BOUNDARIES = ("通过", "提出", "基于", "一种", "一个", "引入", "采用", "利用", "实现", "包括", "称为", "名为",
               "构建", "设计", "结合", "使用", "作为", "所谓", "以及", "的", "了", "在", "和", "与", "及", "是",
               "为", "将", "对", "进行", "用于", "解决", "即", "并", "或", "由", "以", "被", "使", "其", "该", "这", "此")
_BOUNDARY_RE = re.compile("|".join(sorted(_BOUNDARIES, key=len, reverse=True)))
# Runs kb's own SQL (`Searcher._query`): a cursor per call.
QueryFn = Callable[[str, Sequence[Any]], list[tuple]]


def normalise_en(text: str) -> str:
    """English term as stored and looked up: NFKC, lower case, hyphens and runs of spaces as one space."""
    return re.sub(r"[\s\-_]+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def _is_abbreviation(en: str) -> bool:
    return " " not in en and sum(c.isupper() for c in en) >= 2


def _trim_zh(run: str, en: str) -> str:
    """The Chinese term a bracketed English name glosses: whole words at the end of the run, about as many as the name has."""
    from kb.terms import segment  # kb.terms builds on this module; the dictionary is only needed here

    last = None
    for last in _BOUNDARY_RE.finditer(run):
        pass
    if last is not None and last.end() < len(run):
        run = run[last.end():]
    # About two characters a word, or two a capital of an abbreviation (MoE: 混合专家, CV: 计算机视觉).
    cap = 2 * sum(c.isupper() for c in en) if _is_abbreviation(en) else 2 * len(en.split())
    cap = max(2, min(cap + 1, 10))
    term = ""
    for word in reversed(segment(run)):
        if term and len(word) + len(term) > cap:
            break
        term = word + term
    return term


def _plausible(en: str) -> bool:
    return any(c.isalpha() for c in en) and len(en) >= 2 and len(en.split()) <= _MAX_EN_WORDS


def mine_pairs(text: str) -> Counter[tuple[str, str]]:
    """(中文, english) pairs the text writes in brackets, with how often; English normalised by `normalise_en`.

    Example: mine_pairs("超稀疏混合专家（MoE）架构") == Counter({("混合专家", "moe"): 1})
    """
    text = unicodedata.normalize("NFKC", text.replace("**", ""))
    pairs: Counter[tuple[str, str]] = Counter()
    for m in _ZH_EN.finditer(text):
        for en in re.split(r"\s*[,，;；]\s*", m.group(2)):
            if _plausible(en):
                zh = _trim_zh(m.group(1), en)
                if len(zh) >= 2:
                    pairs[zh, normalise_en(en)] += 1
    for m in _EN_ZH.finditer(text):
        en, zh = m.group(1), m.group(2)
        if _plausible(en) and not _BOUNDARY_RE.fullmatch(zh):
            pairs[zh, normalise_en(en)] += 1
    return pairs


def stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the stored lexicon was mined under other rules (or not at all)."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [_META_KEY]).fetchone()
    return row is None or row[0] != str(LEXICON_VERSION)


def refresh_terms(con: duckdb.DuckDBPyConnection, paper_ids: Iterable[str]) -> None:
    """Mine the lexicon of `paper_ids` again from their stored sections (every paper when the rules changed)."""
    ids = list(paper_ids)
    if stale(con):
        ids = [r[0] for r in con.execute("SELECT paper_id FROM papers").fetchall()]
        con.execute("DELETE FROM paper_terms")
        store.set_meta(con, {_META_KEY: str(LEXICON_VERSION)})
    if not ids:
        return
    con.execute("DELETE FROM paper_terms WHERE list_contains(?, paper_id)", [ids])
    rows = con.execute(
        "SELECT paper_id, string_agg(text, chr(10) ORDER BY ordinal) FROM sections "
        "WHERE list_contains(?, paper_id) GROUP BY paper_id", [ids]).fetchall()
    cols: dict[str, list] = {"paper_id": [], "zh": [], "en": [], "count": []}
    for pid, text in rows:
        for (zh, en), n in mine_pairs(text).items():
            for k, v in zip(cols, (pid, zh, en, n)):
                cols[k].append(v)
    store.insert_columns(con, "paper_terms", cols)


def lookup(query: QueryFn, en_terms: Sequence[str], zh_terms: Sequence[str]) -> list[tuple[str, str, int, int]]:
    """Mined pairs whose English is one of `en_terms` or whose Chinese is one of `zh_terms`: (zh, en, count, papers)."""
    if not en_terms and not zh_terms:
        return []
    try:
        return query(
            "SELECT zh, en, sum(count)::INTEGER, count(DISTINCT paper_id)::INTEGER FROM paper_terms "
            "WHERE list_contains(?, en) OR list_contains(?, zh) GROUP BY zh, en ORDER BY 3 DESC, zh, en",
            [list(en_terms), list(zh_terms)])
    except duckdb.CatalogException:  # a database from before the lexicon: no mined terms yet
        return []
