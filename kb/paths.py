"""Where a knowledge base keeps its files; every path is derived here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "KB_DIR"
DEFAULT_DIR = "indexes"


def resolve_kb_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """The knowledge-base directory: `--kb`, else `$KB_DIR`, else `./indexes`."""
    if option:
        return Path(option)
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    return Path(DEFAULT_DIR)


@dataclass(frozen=True)
class Layout:
    """The files of one knowledge base.

    DuckDB holds everything that is not derivable; each ingest writes the
    derived indexes (FAISS, BM25) into a new numbered generation directory
    that the database names, so a reader never pairs a database with
    indexes from another ingest.
    """

    root: Path

    @property
    def db(self) -> Path:
        return self.root / "kb.duckdb"

    @property
    def lock(self) -> Path:
        return self.root / "ingest.lock"

    @property
    def marks(self) -> Path:
        """The reader's tags, notes and read state: never derived, so no rebuild touches it."""
        return self.root / "marks.json"

    @property
    def marks_lock(self) -> Path:
        return self.root / "marks.lock"

    def generation_dir(self, generation: int) -> Path:
        return self.root / f"gen-{generation:06d}"

    def vectors_file(self, generation: int) -> Path:
        return self.generation_dir(generation) / "vectors.faiss"

    def lexical_file(self, generation: int) -> Path:
        return self.generation_dir(generation) / "lexical.npz"

    def chunkmap_file(self, generation: int) -> Path:
        return self.generation_dir(generation) / "chunks.npz"

    def generations(self) -> list[int]:
        """Generation numbers present on disk, oldest first."""
        found = []
        for p in self.root.glob("gen-*"):
            suffix = p.name[4:]
            if p.is_dir() and suffix.isdigit():
                found.append(int(suffix))
        return sorted(found)
