"""The array-based BM25 build, filtered search and mapped load agree with a plain reference; an update with a build."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from conftest import HashEmbedder
import kb.lexical as lexical
import kb.lexical_merge as lexical_merge
from kb import KnowledgeBase, store
from kb.chunk import chunk_paper
from kb.errors import NotFoundError
from kb.generation import write_generation
from kb.lexical import LexicalIndex, expand_query, tokenize
from kb.parse import parse_report
from kb.paths import Layout

DATA = Path(__file__).resolve().parent.parent / "data"
QUERIES = ["KV cache quantization for video", "视频生成中的KV缓存量化", "强化学习 reward model", "RTX 4090",
           "SWE-bench Verified", "Qwen2.5", "模型", "the of and", "medical image segmentation 医疗"]


# -- the reference: the straightforward implementation the arrays must reproduce --------

def reference_tokenize(text: str) -> list[str]:
    text = lexical._normalise(text)
    tokens: list[str] = []
    for m in lexical._LATIN_RE.finditer(text):
        word = m.group()[: lexical.MAX_TOKEN_CHARS]
        if word not in lexical._STOPWORDS:
            tokens.append(word)
        if lexical._SPLIT_RE.search(word):
            tokens.extend(p for p in lexical._SPLIT_RE.split(word) if p and p not in lexical._STOPWORDS)
    for m in lexical._CJK_RE.finditer(text):
        run = m.group()
        tokens.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return tokens


def reference_build(chunk_ids: list[int], texts: list[str]) -> dict[str, np.ndarray]:
    counts = [Counter(reference_tokenize(t)) for t in texts]
    lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
    avg = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
    postings: dict[str, list[tuple[int, int]]] = {}
    for row, c in enumerate(counts):
        for term, tf in c.items():
            postings.setdefault(term, []).append((row, tf))
    ptr, rows, weights = [0], [], []
    for term in sorted(postings):
        idf = np.log(1 + (len(texts) - len(postings[term]) + 0.5) / (len(postings[term]) + 0.5))
        for row, tf in postings[term]:
            rows.append(row)
            weights.append(idf * tf * (lexical.K1 + 1) / (tf + lexical.K1 * (1 - lexical.B + lexical.B * lengths[row] / avg)))
        ptr.append(len(rows))
    return {"chunk_ids": np.array(chunk_ids, dtype=np.int64), "vocab": sorted(postings),
            "term_ptr": np.array(ptr, dtype=np.int64), "rows": np.array(rows, dtype=np.int32),
            "weights": np.array(weights, dtype=np.float32)}


def reference_search(ref: dict, query: str, k: int, allowed=None) -> list[tuple[int, float]]:
    scores = np.zeros(len(ref["chunk_ids"]), dtype=np.float32)
    for term, w in expand_query(query).items():
        if term in ref["vocab"]:
            t = ref["vocab"].index(term)
            s, e = ref["term_ptr"][t], ref["term_ptr"][t + 1]
            scores[ref["rows"][s:e]] += w * ref["weights"][s:e]
    if allowed is not None:
        scores = np.where(np.isin(ref["chunk_ids"], allowed), scores, 0.0)
    hits = np.flatnonzero(scores > 0)
    top = hits[np.argsort(-scores[hits], kind="stable")[:k]]
    return [(int(ref["chunk_ids"][r]), float(scores[r])) for r in top]


def assert_same(index: LexicalIndex, ref: dict) -> None:
    np.testing.assert_array_equal(index.chunk_ids, ref["chunk_ids"])
    assert [t.decode() for t in index.vocab.tolist()] == ref["vocab"]
    np.testing.assert_array_equal(index.term_ptr, ref["term_ptr"])
    np.testing.assert_array_equal(index.rows, ref["rows"])
    np.testing.assert_allclose(index.weights, ref["weights"], rtol=2**-23, atol=0)
    assert index.rows.dtype == np.int32 and index.weights.dtype == np.float32 and index.term_ptr.dtype == np.int64


@pytest.fixture(scope="module")
def corpus() -> tuple[list[int], list[str]]:
    """Chunk ids and the texts ingest indexes (`embed_text`) of the sample reports, in chunk-id order."""
    chunks = {}
    for path in sorted(DATA.glob("*.md")):
        for paper in parse_report(path.read_text(encoding="utf-8")).papers:
            for chunk in chunk_paper(paper):
                chunks[chunk.chunk_id] = chunk.embed_text
    ids = sorted(chunks)
    assert len(ids) > 200
    return ids, [chunks[i] for i in ids]


@pytest.fixture(scope="module")
def reference(corpus: tuple[list[int], list[str]]) -> dict:
    return reference_build(*corpus)


# -- build ------------------------------------------------------------------------------

@pytest.mark.parametrize("batch_rows,weight_block", [(4096, 2**20), (37, 100), (1, 1)])
def test_build_matches_reference_on_real_text(corpus, reference, batch_rows: int, weight_block: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexical, "_BATCH_ROWS", batch_rows)
    monkeypatch.setattr(lexical, "_WEIGHT_BLOCK", weight_block)
    assert_same(LexicalIndex.build(*corpus), reference)


def test_build_sorts_rows_by_chunk_id(corpus, reference) -> None:
    ids, texts = corpus
    shuffled = np.random.default_rng(0).permutation(len(ids))
    index = LexicalIndex.build([ids[i] for i in shuffled], [texts[i] for i in shuffled])
    assert_same(index, reference)


def test_build_edge_cases() -> None:
    texts = ["word " * 300 + "模型" * 70000, "", "the of and", "模", "a-b-c Qwen2.5 c++ x" + "y" * 50]
    ids = [40, 10, 30, 20, 50]
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ref = reference_build([ids[i] for i in order], [texts[i] for i in order])
    assert_same(LexicalIndex.build(ids, texts), ref)
    empty = LexicalIndex.build([], [])
    assert len(empty.vocab) == 0 and empty.search("模型", 5) == [] and empty.search("模型", 5, [1]) == []
    with pytest.raises(ValueError):
        LexicalIndex.build([1, 2], ["only one"])


def test_tokenize_is_unchanged(corpus) -> None:
    odd = ["state-of-the-art", "A/B test_set", "x" * 39 + "-y", "x" * 45 + ".z", "c++ a+b", "Ｑｗｅｎ２.５-7B",
           "ﬁne-tuning ①②", "单", "一 二", "e\u0301t\u00e9", "URL https://arxiv.org/abs/2602.02958v1"]
    for text in odd + corpus[1]:
        assert tokenize(text) == reference_tokenize(text), text


# -- search -----------------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 7, 120, 100000])
def test_search_matches_reference(corpus, reference, k: int) -> None:
    index = LexicalIndex.build(*corpus)
    ids = np.array(corpus[0])
    rng = np.random.default_rng(k)
    filters = [None, rng.choice(ids, size=len(ids) // 8, replace=False),  # unsorted, like a SQL result
               list(ids[::3]) + [ids[0], ids[0], 7, -1, 2**62]]  # a list, duplicates, unknown ids
    for query in QUERIES:
        for allowed in filters:
            assert index.search(query, k, allowed) == reference_search(reference, query, k, allowed)


def test_ties_rank_by_chunk_id_and_cut_at_k() -> None:
    ids = [90, 10, 50, 30, 70, 20]
    index = LexicalIndex.build(ids, ["量化 模型"] * 5 + ["其他 文本"])
    assert [cid for cid, _ in index.search("量化", 10)] == [10, 30, 50, 70, 90]
    assert [cid for cid, _ in index.search("量化", 3)] == [10, 30, 50]
    assert [cid for cid, _ in index.search("量化", 2, np.array([90, 50, 20]))] == [50, 90]


def test_filter_without_sorted_ids_falls_back(corpus, reference) -> None:
    """An index whose ids are not ascending (made elsewhere) still filters correctly."""
    built = LexicalIndex.build(*corpus)
    backwards = LexicalIndex(chunk_ids=built.chunk_ids[::-1].copy(), vocab=built.vocab, term_ptr=built.term_ptr,
                             rows=built.rows, weights=built.weights)
    ref = dict(reference, chunk_ids=reference["chunk_ids"][::-1].copy())
    allowed = corpus[0][::5]
    for query in QUERIES:
        assert backwards.search(query, 50, allowed) == reference_search(ref, query, 50, allowed)


# -- save and load ----------------------------------------------------------------------

def test_save_load_maps_aligned_arrays(corpus, tmp_path: Path) -> None:
    index = LexicalIndex.build(*corpus)
    path = tmp_path / "gen" / "lexical.npz"
    index.save(path)
    assert not list(path.parent.glob("*.tmp*"))
    loaded = LexicalIndex.load(path)
    for name in ("chunk_ids", "vocab", "term_ptr", "rows", "weights"):
        got, want = getattr(loaded, name), getattr(index, name)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype and got.flags.aligned
    assert not loaded.rows.flags.owndata  # mapped from the file, not read into memory
    with np.load(path) as plain:  # still an ordinary .npz
        np.testing.assert_array_equal(plain["weights"], index.weights)
    for query in QUERIES:
        assert loaded.search(query, 20, corpus[0][::2]) == index.search(query, 20, corpus[0][::2])


def test_load_reads_the_previous_format(corpus, reference, tmp_path: Path) -> None:
    """Indexes saved by `np.savez` with a str vocabulary load until the next ingest rewrites them."""
    path = tmp_path / "lexical.npz"
    np.savez(path, **dict(reference, vocab=np.array(reference["vocab"], dtype=str)))
    loaded = LexicalIndex.load(path)
    assert_same(loaded, reference)
    for query in QUERIES:
        assert loaded.search(query, 20) == reference_search(reference, query, 20)


@pytest.mark.parametrize("content", [b"", b"not a zip file", b"PK\x03\x04" + b"\0" * 40])
def test_unreadable_or_missing_index_says_how_to_fix(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "lexical.npz"
    with pytest.raises(NotFoundError, match="doctor --repair"):
        LexicalIndex.load(path)
    path.write_bytes(content)
    with pytest.raises(NotFoundError, match=re.escape("doctor --repair")):
        LexicalIndex.load(path)


def test_truncated_index_is_unreadable(corpus, tmp_path: Path) -> None:
    path = tmp_path / "lexical.npz"
    LexicalIndex.build(*corpus).save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(NotFoundError, match="unreadable"):
        LexicalIndex.load(path)


# -- incremental update ----------------------------------------------------------------

COUNTED = ("chunk_ids", "vocab", "term_ptr", "rows", "weights", "tfs", "lengths")


def assert_identical(got: LexicalIndex, want: LexicalIndex) -> None:
    """Every array equal in value and type: weights to the bit, not merely within rounding."""
    for name in COUNTED:
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert got.tokens_version == want.tokens_version == lexical.TOKENS_VERSION


def _subset(ids: list[int], share: float, seed: int) -> list[int]:
    return [i for i, keep in zip(ids, np.random.default_rng(seed).random(len(ids)) < share) if keep]


def _update_case(case: str, ids: list[int]) -> tuple[list[int], list[int]]:
    """Chunk ids of the previous index and of the final one."""
    return {
        "add-only": (_subset(ids, 0.7, 1), ids),
        "remove-only": (ids, _subset(ids, 0.8, 2)),
        "add-and-remove": (_subset(ids, 0.6, 3), _subset(ids, 0.6, 4)),
        "empty-previous": ([], ids),
        "everything-replaced": (ids[::2], ids[1::2]),
        "unchanged": (ids, ids),
        "everything-removed": (ids, []),
    }[case]


@pytest.mark.parametrize("block", [2**20, 7])
@pytest.mark.parametrize("case", ["add-only", "remove-only", "add-and-remove", "empty-previous",
                                  "everything-replaced", "unchanged", "everything-removed"])
def test_update_equals_full_build(corpus, case: str, block: int, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexical_merge, "_BLOCK", block)
    ids, texts = corpus
    text_of = dict(zip(ids, texts))
    before, after = _update_case(case, ids)
    path = tmp_path / "lexical.npz"
    LexicalIndex.build(before, [text_of[i] for i in before]).save(path)
    previous = LexicalIndex.load_reusable(path)  # mapped from the file, as ingest reads it
    assert previous is not None
    added = sorted(set(after) - set(before))
    updated = LexicalIndex.update(previous, after, added, [text_of[i] for i in added])
    assert_identical(updated, LexicalIndex.build(after, [text_of[i] for i in after]))
    ref = reference_build(after, [text_of[i] for i in after])
    for query in QUERIES:
        assert updated.search(query, 30, after[::4]) == reference_search(ref, query, 30, after[::4])


def test_update_retokenizes_ids_passed_as_new_and_takes_unsorted_input(corpus) -> None:
    ids, texts = corpus
    previous = LexicalIndex.build(ids[:150], texts[:150])
    again = list(range(140, 200))[::-1]  # 10 ids the previous index holds, in descending order
    updated = LexicalIndex.update(previous, np.array(ids[:200][::-1]), [ids[i] for i in again],
                                  [texts[i] for i in again])
    assert_identical(updated, LexicalIndex.build(ids[:200], texts[:200]))


def test_update_narrows_terms_and_counts_when_the_largest_go() -> None:
    """A full build sizes term bytes and counts to the largest present; so does an update."""
    texts = {1: "模型" * 300 + " x" + "y" * 60, 2: "量化 模型 Qwen2.5", 3: "视频 c++", 4: "the of and", 5: ""}
    previous = LexicalIndex.build(list(texts), list(texts.values()))
    assert previous.tfs.dtype == np.uint16 and previous.vocab.dtype == np.dtype("S40")
    updated = LexicalIndex.update(previous, [2, 3, 4, 5, 6], [6], ["模型 新词"])
    final = {**texts, 6: "模型 新词"}
    del final[1]
    assert_identical(updated, LexicalIndex.build(list(final), list(final.values())))
    assert updated.tfs.dtype == np.uint8 and updated.vocab.dtype.itemsize < 40


def test_update_rejects_ids_it_cannot_account_for(corpus) -> None:
    ids, texts = corpus
    previous = LexicalIndex.build(ids[:10], texts[:10])
    with pytest.raises(ValueError, match="new or in the previous"):
        LexicalIndex.update(previous, ids[:11], [], [])  # ids[10] has no text
    with pytest.raises(ValueError, match="new or in the previous"):
        LexicalIndex.update(previous, ids[:10], [ids[20]], [texts[20]])  # a new id outside the final set
    with pytest.raises(ValueError, match="repeat"):
        LexicalIndex.update(previous, ids[:10] + ids[:1], [], [])
    counts_lost = LexicalIndex(chunk_ids=previous.chunk_ids, vocab=previous.vocab, term_ptr=previous.term_ptr,
                               rows=previous.rows, weights=previous.weights)
    with pytest.raises(ValueError, match="from scratch"):
        LexicalIndex.update(counts_lost, ids[:10], [], [])


def test_only_current_indexes_are_reusable(corpus, reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "lexical.npz"
    assert LexicalIndex.load_reusable(path) is None  # missing
    path.write_bytes(b"not a zip file")
    assert LexicalIndex.load_reusable(path) is None  # unreadable
    np.savez(path, **dict(reference, vocab=np.array(reference["vocab"], dtype=str)))
    assert LexicalIndex.load_reusable(path) is None  # an older format, without term counts
    LexicalIndex.build(*corpus).save(path)
    assert LexicalIndex.load_reusable(path) is not None
    monkeypatch.setattr(lexical, "TOKENS_VERSION", lexical.TOKENS_VERSION + 1)
    assert LexicalIndex.load_reusable(path) is None  # counted by another tokenizer


def _tokenize_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = lexical.tokenize

    def counting(text: str) -> list[str]:
        calls.append(1)
        return real(text)

    monkeypatch.setattr(lexical, "tokenize", counting)
    return calls


def _generation_index(directory: Path) -> tuple[LexicalIndex, LexicalIndex, Layout]:
    """The current generation's lexical index and a full build over the database's chunks."""
    layout = Layout(directory)
    con = store.connect_read(layout.db)
    try:
        gen = int(store.read_meta(con)["generation"])
        rows = con.execute("SELECT chunk_id, embed_text FROM chunks").fetchall()
    finally:
        con.close()
    return LexicalIndex.load(layout.lexical_file(gen)), LexicalIndex.build(*zip(*rows)), layout


def test_ingest_tokenizes_only_new_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    first, second = sorted(DATA.glob("*.md"))
    directory = tmp_path / "kb"
    kb = KnowledgeBase.open(directory, embedder=HashEmbedder())
    shutil.copy(first, reports / first.name)
    kb.ingest([reports])
    calls = _tokenize_calls(monkeypatch)
    changed = first.read_text(encoding="utf-8").replace("模型", "模子", 40)
    steps = [(lambda: shutil.copy(second, reports / second.name), False),  # new papers only
             (lambda: (reports / first.name).write_text(changed, encoding="utf-8"), True)]  # chunks go and come
    for step, removes in steps:
        held = set(_generation_index(directory)[0].chunk_ids.tolist())
        step()
        calls.clear()
        kb.ingest([reports])
        tokenized = len(calls)
        index, full, _ = _generation_index(directory)
        now = set(index.chunk_ids.tolist())
        assert tokenized == len(now - held) > 0 and bool(held - now) == removes
        assert_identical(index, full)

    # A repair (previous=None) inherits nothing, nor can an index saved without term counts.
    index, full, layout = _generation_index(directory)
    for reuse_previous in (False, True):
        con = store.connect_read(layout.db)
        gen = int(store.read_meta(con)["generation"])
        if reuse_previous:  # the older format, written beside and moved over as `index` maps the file
            older = tmp_path / "older.npz"
            np.savez(older, chunk_ids=index.chunk_ids, vocab=index.vocab, term_ptr=index.term_ptr,
                     rows=index.rows, weights=index.weights)
            older.replace(layout.lexical_file(gen))
        calls.clear()
        write_generation(layout, con, gen + 1, HashEmbedder.dim, previous=gen if reuse_previous else None)
        con.close()
        assert len(calls) == len(index.chunk_ids)  # every chunk tokenized again
        assert_identical(LexicalIndex.load(layout.lexical_file(gen + 1)), full)


def test_coverage_from_postings_equals_coverage_of_the_tokenized_text() -> None:
    # Search reads each candidate chunk's term coverage from the postings instead of tokenizing it
    # again; both must give the same share for every chunk and query, shuffled ids included.
    from kb.passage import coverage

    papers = [p for f in sorted(DATA.glob("*.md")) for p in parse_report(f.read_text(encoding="utf-8")).papers]
    chunks = [c for p in papers for c in chunk_paper(p)]
    index = LexicalIndex.build([c.chunk_id for c in chunks], [c.embed_text for c in chunks])
    rng = np.random.default_rng(3)
    picked = [chunks[i] for i in rng.permutation(len(chunks))[:60]]
    for query in QUERIES:
        weights = expand_query(query)
        idf = index.idf(list(weights))
        got = index.coverage([c.chunk_id for c in picked], weights, idf)
        want = [coverage(set(tokenize(c.embed_text)), weights, idf) for c in picked]
        assert np.allclose(got, want), query
    assert index.coverage([123], expand_query("RTX 4090"), {}).tolist() == [0.0]  # an id the index lacks
