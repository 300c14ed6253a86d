"""The chunk map answers filters from arrays exactly as SQL over the database would."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from kb import KnowledgeBase
from kb.chunkmap import ChunkMap
from kb.errors import NotFoundError
from kb.paths import Layout


def _generation(directory: Path) -> int:
    return max(Layout(directory).generations())  # the newest is the current one after a clean ingest


@pytest.fixture(scope="module")
def sample_map(sample_kb_dir: Path) -> ChunkMap:
    return ChunkMap.load(Layout(sample_kb_dir).chunkmap_file(_generation(sample_kb_dir)))


def _sql_chunks(kb: KnowledgeBase, where: str, params: list | None = None) -> set[int]:
    sql = f"SELECT c.chunk_id FROM chunks c JOIN papers p USING (paper_id) WHERE {where}"
    return {r[0] for r in kb.sql(sql, params).rows}


def _allowed(m: ChunkMap, rows: np.ndarray) -> set[int]:
    return set(m.chunk_ids[rows].tolist())


def test_the_saved_map_covers_every_chunk_in_id_order(sample_kb: KnowledgeBase, sample_map: ChunkMap) -> None:
    ids = sample_map.chunk_ids
    assert bool(np.all(ids[1:] > ids[:-1]))
    assert set(ids.tolist()) == _sql_chunks(sample_kb, "TRUE")
    described = sample_map.describe(ids.tolist())
    rows = sample_kb.sql("SELECT chunk_id, paper_id, section FROM chunks").rows
    assert described == {r[0]: (r[1], r[2]) for r in rows}


@pytest.mark.parametrize(("kwargs", "where", "params"), [
    ({"since": date(2026, 2, 10)}, "p.date >= ?", [date(2026, 2, 10)]),
    ({"until": date(2026, 2, 10)}, "p.date <= ?", [date(2026, 2, 10)]),
    ({"domains": ["video"]}, "list_contains(p.domains, 'video')", None),
    ({"domains": ["Robotics", "medical"]}, "list_has_any(p.domains, ['robotics', 'medical'])", None),
    ({"domains": ["no-such-tag"]}, "FALSE", None),
    ({"paper_ids": ["2602.02958", "0000.00000"]}, "p.paper_id = '2602.02958'", None),
    ({"paper_ids": ["2602.029580", "2602.0295"]}, "FALSE", None),  # near misses, longer and shorter
    ({"paper_ids": []}, "FALSE", None),
])
def test_paper_conditions_select_what_sql_selects(sample_kb, sample_map, kwargs, where, params) -> None:
    rows = sample_map.row_mask(sample_map.paper_mask(**kwargs))
    assert _allowed(sample_map, rows) == _sql_chunks(sample_kb, where, params)


@pytest.mark.parametrize("section", ["domain", "results", "innovations"])
def test_section_rows(sample_kb, sample_map, section: str) -> None:
    rows = sample_map.row_mask(sample_map.paper_mask(domains=["llm"]), section)
    want = _sql_chunks(sample_kb, "list_contains(p.domains, 'llm') AND c.section = ?", [section])
    assert want and _allowed(sample_map, rows) == want


def test_describe_skips_unknown_chunk_ids(sample_map: ChunkMap) -> None:
    known = int(sample_map.chunk_ids[3])
    assert list(sample_map.describe([known, known + 1 if known + 1 not in sample_map.chunk_ids else -7])) == [known]


def test_a_generation_without_a_chunk_map_is_still_searched_the_same(sample_copy: Path, sample_kb) -> None:
    Layout(sample_copy).chunkmap_file(_generation(sample_copy)).unlink()
    kb = KnowledgeBase.open(sample_copy)
    for kwargs in ({}, {"domains": ["video"]}, {"section": "results", "since": date(2026, 2, 10)}):
        got = [(h.paper_id, h.chunk_id) for h in kb.ask("视频生成中的KV缓存量化", top_k=5, **kwargs)]
        assert got == [(h.paper_id, h.chunk_id) for h in sample_kb.ask("视频生成中的KV缓存量化", top_k=5, **kwargs)]
    assert not kb.doctor().ok
    assert kb.doctor(repair=True).ok
    assert Layout(sample_copy).chunkmap_file(_generation(sample_copy)).exists()


def test_an_unreadable_map_is_a_clear_error(tmp_path: Path, sample_kb_dir: Path) -> None:
    path = tmp_path / "chunks.npz"
    shutil.copy(Layout(sample_kb_dir).chunkmap_file(_generation(sample_kb_dir)), path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(NotFoundError, match="kb doctor --repair"):
        ChunkMap.load(path)
