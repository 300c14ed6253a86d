"""Which paper, date, domains and section each index row belongs to, as arrays.

The FAISS and BM25 indexes of a generation both hold chunks in ascending chunk-id order, so a
filter can be a boolean mask over those rows. Computing it from these arrays takes well under a
millisecond at 100k papers, where joining `chunks` to `papers` in DuckDB and fetching the ids
took 25 ms; only a free-form `--where` predicate still goes through SQL, over `papers` alone.
"""

from __future__ import annotations

import os
import struct
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path

import duckdb
import numpy as np

from kb.errors import NotFoundError
from kb.npz import map_npz, write_npz
from kb.rows import rows_mask, rows_of

_EPOCH = Date(1970, 1, 1)


@dataclass
class ChunkMap:
    """Rows (chunks in ascending id order) → papers → their dates and domain tags."""

    chunk_ids: np.ndarray  # int64, one per row, ascending
    paper_of: np.ndarray  # int32, row → index into `paper_ids`
    section_of: np.ndarray  # int16, row → index into `sections`
    sections: np.ndarray  # str, the section keys present
    paper_ids: np.ndarray  # str, ascending
    paper_days: np.ndarray  # int32, days since 1970-01-01 of each paper's date
    tags: np.ndarray  # str, the domain tags present
    paper_tags: np.ndarray  # bool, papers × tags

    @classmethod
    def from_db(cls, con: duckdb.DuckDBPyConnection) -> ChunkMap:
        """Read the current chunks and papers (in the writer's transaction or a reader's connection)."""
        papers = con.execute("SELECT paper_id, date, domains FROM papers ORDER BY paper_id").fetchall()
        chunks = con.execute("SELECT chunk_id, paper_id, section FROM chunks ORDER BY chunk_id").fetchnumpy()
        paper_ids = np.array([p[0] for p in papers], dtype=str)
        tags = np.array(sorted({t for p in papers for t in (p[2] or [])}), dtype=str)
        tag_index = {t: i for i, t in enumerate(tags.tolist())}
        paper_tags = np.zeros((len(papers), len(tags)), dtype=bool)
        for row, p in enumerate(papers):
            paper_tags[row, [tag_index[t] for t in (p[2] or [])]] = True
        section_names = np.asarray(chunks["section"], dtype=object)
        sections, section_of = np.unique(section_names.astype(str), return_inverse=True) if len(section_names) else (
            np.array([], dtype=str), np.zeros(0, dtype=np.int64))
        chunk_papers = np.asarray(chunks["paper_id"], dtype=object).astype(str)
        return cls(
            chunk_ids=np.asarray(chunks["chunk_id"], dtype=np.int64),
            paper_of=np.searchsorted(paper_ids, chunk_papers).astype(np.int32),
            section_of=section_of.astype(np.int16),
            sections=sections,
            paper_ids=paper_ids,
            paper_days=np.array([(p[1] - _EPOCH).days for p in papers], dtype=np.int32),
            tags=tags,
            paper_tags=paper_tags,
        )

    def save(self, path: Path) -> None:
        """Write the arrays atomically (temporary file, then rename)."""
        tmp = path.with_name(path.name + ".tmp.npz")
        write_npz(tmp, {name: getattr(self, name) for name in self.__dataclass_fields__})
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> ChunkMap:
        """Map the arrays written by `save`."""
        try:
            arrays = map_npz(path)
            return cls(**{name: arrays[name] for name in cls.__dataclass_fields__})
        except FileNotFoundError:
            raise NotFoundError(f"the chunk map {path} is missing; run `kb doctor --repair` to rebuild it") from None
        except (OSError, ValueError, KeyError, EOFError, struct.error, zipfile.BadZipFile) as exc:
            raise NotFoundError(f"the chunk map {path} is unreadable ({exc}); run `kb doctor --repair` to rebuild it") from None

    def paper_mask(self, since: Date | None = None, until: Date | None = None,
                   domains: Sequence[str] = (), paper_ids: Iterable[str] | None = None) -> np.ndarray:
        """Papers (in `paper_ids` order) matching every given condition; `domains` match any tag."""
        mask = np.ones(len(self.paper_ids), dtype=bool)
        if since is not None:
            mask &= self.paper_days >= (since - _EPOCH).days
        if until is not None:
            mask &= self.paper_days <= (until - _EPOCH).days
        if domains:
            columns = np.flatnonzero(np.isin(self.tags, [d.lower() for d in domains]))
            mask &= self.paper_tags[:, columns].any(axis=1)
        if paper_ids is not None:
            mask &= rows_mask(self.paper_ids, list(paper_ids))
        return mask

    def row_mask(self, papers: np.ndarray, section: str | None = None) -> np.ndarray:
        """Rows whose paper is in the `papers` mask (and whose section is `section`)."""
        rows = papers[self.paper_of]
        if section is not None:
            code = np.flatnonzero(self.sections == section)
            rows &= self.section_of == (code[0] if len(code) else -1)
        return rows

    def describe(self, chunk_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """(paper_id, section) of each chunk id the map holds."""
        wanted = np.asarray(chunk_ids, dtype=np.int64)
        rows, found = rows_of(self.chunk_ids, wanted)
        papers = self.paper_ids[self.paper_of[rows[found]]].tolist()
        sections = self.sections[self.section_of[rows[found]]].tolist()
        return dict(zip(wanted[found].tolist(), zip(papers, sections)))
