"""The vector index: exact while small, IVF above the threshold, filters applied before the cut."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from kb import vectors as V

DIM = 32


def _data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Clustered unit vectors (like real embeddings, not uniform noise) with unsorted 63-bit ids."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, DIM)).astype(np.float32)
    x = centres[rng.integers(0, 40, n)] + 0.6 * rng.standard_normal((n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    ids = rng.choice(np.iinfo(np.int64).max, size=n, replace=False).astype(np.int64)
    return ids, x


def _queries(n: int, seed: int = 1) -> np.ndarray:
    q = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def _brute(ids: np.ndarray, x: np.ndarray, q: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
    scores = x @ q
    if allowed is not None:
        scores = np.where(np.isin(ids, allowed), scores, -np.inf)
    order = np.argsort(-scores, kind="stable")[:k]
    return [int(ids[i]) for i in order if np.isfinite(scores[i])]


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return _data(4000)


@pytest.fixture(scope="module")
def ann(data: tuple[np.ndarray, np.ndarray]) -> faiss.Index:
    """Above a lowered threshold: the approximate (IVF) index."""
    ids, x = data
    return V.build_index(ids, x, DIM, exact_max=1000)


def test_small_index_is_exact_and_keyed_by_chunk_id(data: tuple[np.ndarray, np.ndarray]) -> None:
    ids, x = data
    index = V.build_index(ids[:500], x[:500], DIM)
    assert not V.is_approximate(index)
    assert set(V.index_ids(index).tolist()) == set(ids[:500].tolist())
    for q in _queries(10):
        assert [c for c, _ in V.search(index, q, 10)] == _brute(ids[:500], x[:500], q, 10)


def test_above_the_threshold_the_index_is_approximate_with_the_same_ids(data, ann) -> None:
    ids, _ = data
    assert V.is_approximate(ann)
    assert hasattr(ann, "id_map")
    stored = V.index_ids(ann)
    assert set(stored.tolist()) == set(ids.tolist())
    assert bool(np.all(stored[1:] > stored[:-1]))  # rows in ascending id order


def test_ann_recall_at_10_against_exact_search(data, ann) -> None:
    ids, x = data
    hits = []
    for q in _queries(50):
        exact = set(_brute(ids, x, q, 10))
        approx = [c for c, _ in V.search(ann, q, 10)]
        assert len(approx) == 10
        hits.append(len(exact & set(approx)) / 10)
    assert np.mean(hits) >= 0.95


def test_narrow_filter_on_the_ann_index_is_exact_and_only_allowed(data, ann) -> None:
    ids, x = data
    allowed = np.random.default_rng(2).choice(ids, size=300, replace=False)
    for q in _queries(20):
        got = V.search(ann, q, 25, allowed)
        assert [c for c, _ in got] == _brute(ids, x, q, 25, allowed)
        want_scores = {int(i): float(s) for i, s in zip(ids, x @ q)}
        assert all(abs(s - want_scores[c]) < 1e-5 for c, s in got)


def test_a_filter_smaller_than_k_returns_every_allowed_chunk(data, ann) -> None:
    ids, _ = data
    allowed = ids[[5, 17, 99]]
    got = V.search(ann, _queries(1)[0], 100, allowed)
    assert sorted(c for c, _ in got) == sorted(allowed.tolist())


def test_broad_filter_probes_more_lists_and_keeps_to_allowed_ids(data, ann) -> None:
    ids, x = data
    allowed = ids[::2]
    hits = []
    for q in _queries(30):
        got = [c for c, _ in V.search(ann, q, 10, allowed, exact_max=100)]
        assert set(got) <= set(allowed.tolist()) and len(got) == 10
        hits.append(len(set(got) & set(_brute(ids, x, q, 10, allowed))) / 10)
    assert np.mean(hits) >= 0.95


def test_unknown_and_empty_filters(data, ann) -> None:
    ids, _ = data
    q = _queries(1)[0]
    assert V.search(ann, q, 10, np.array([], dtype=np.int64)) == []
    stranger = np.array([int(ids.max()) + 1 if ids.max() < np.iinfo(np.int64).max else 1], dtype=np.int64)
    stranger = stranger[~np.isin(stranger, ids)]
    mixed = np.concatenate([stranger, ids[:3]])
    assert sorted(c for c, _ in V.search(ann, q, 10, mixed)) == sorted(ids[:3].tolist())


def test_saved_ann_index_loads_and_answers_the_same(tmp_path: Path, data, ann) -> None:
    ids, _ = data
    path = tmp_path / "gen-000001" / "vectors.faiss"
    V.save_index(ann, path)
    loaded = V.load_index(path)
    assert V.is_approximate(loaded)
    assert set(V.index_ids(loaded).tolist()) == set(ids.tolist())
    allowed = ids[:200]
    for q in _queries(5):
        assert V.search(loaded, q, 10) == V.search(ann, q, 10)
        assert V.search(loaded, q, 10, allowed) == V.search(ann, q, 10, allowed)


def test_vector_of_returns_the_stored_vector(data, ann) -> None:
    ids, x = data
    assert np.allclose(V.vector_of(ann, int(ids[7])), x[7])


def test_building_twice_gives_the_same_answers(data, ann) -> None:
    ids, x = data
    again = V.build_index(ids[::-1], x[::-1], DIM, exact_max=1000)  # input order does not matter
    for q in _queries(5, seed=7):
        assert V.search(again, q, 10) == V.search(ann, q, 10)


def test_duplicate_and_unsorted_allowed_ids_count_once(data, ann) -> None:
    ids, x = data
    allowed = np.concatenate([ids[40:10:-1], ids[11:41]])  # every id twice, out of order
    got = V.search(ann, _queries(1)[0], 100, allowed)
    assert sorted(c for c, _ in got) == sorted(ids[11:41].tolist())


def _centroids(index: faiss.Index) -> np.ndarray:
    inner = V._inner(index)
    return faiss.downcast_index(inner.quantizer).reconstruct_n(0, inner.nlist)


def test_a_grown_corpus_reuses_the_previous_centroids_and_stays_accurate(data, ann) -> None:
    ids, x = data
    more_ids, more_x = _data(600, seed=5)
    all_ids, all_x = np.concatenate([ids, more_ids]), np.vstack([x, more_x])
    grown = V.build_index(all_ids, all_x, DIM, exact_max=1000, previous=ann)
    assert np.array_equal(_centroids(grown), _centroids(ann))
    assert set(V.index_ids(grown).tolist()) == set(all_ids.tolist())
    hits = [len(set(_brute(all_ids, all_x, q, 10)) & {c for c, _ in V.search(grown, q, 10)}) / 10 for q in _queries(50)]
    assert np.mean(hits) >= 0.95


def test_centroids_are_retrained_once_the_corpus_outgrows_them(data, ann) -> None:
    big_ids, big_x = _data(20_000, seed=6)
    rebuilt = V.build_index(big_ids, big_x, DIM, exact_max=1000, previous=ann)
    assert V._inner(rebuilt).nlist > 2 * V._inner(ann).nlist
    exact = V.build_index(big_ids[:500], big_x[:500], DIM, previous=ann)  # small again: exact
    assert not V.is_approximate(exact)
