"""A reader's own marks (tags, notes, read state): one JSON file beside the database, never derived.

Ingest, `--rebuild` and `doctor --repair` rebuild `kb.duckdb` and the generations; none of them
opens this file, so marks survive every rebuild. Each change reads, edits and atomically replaces
the file under an exclusive lock, so two processes tagging at once both keep their tags.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kb.errors import QueryError
from kb.ids import normalize_paper_ref
from kb.locks import file_lock

FORMAT_VERSION = 1
NOT_INTERESTED = "not-interested"
LOCK_WAIT_S = 30.0
_TAG_RE = re.compile(r"[\w][\w.+:-]{0,63}")
MAX_NOTE_CHARS = 20_000


def paper_key(paper_id: str) -> str:
    """The bare arXiv id of `paper_id` (accepts `arXiv:2602.02958`, `2602.02958v2` or its paper URL)."""
    key = normalize_paper_ref(paper_id)  # one parser of pasted ids for the whole package (kb/ids.py)
    if key is None:
        raise QueryError(f"{paper_id!r} is not an arXiv id; write it like 2602.02958")
    return key


def tag_key(tag: str) -> str:
    """A tag as stored: trimmed and lower-case, one word of letters, digits and `-_.+:`."""
    value = str(tag).strip().lower()
    if not _TAG_RE.fullmatch(value):
        raise QueryError(f"{tag!r} is not a tag; use one word of letters, digits and - _ . + : (up to 64 characters)")
    return value


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` so a reader sees the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private; keep the mode the file had (or the usual 0644).
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _record(paper_id: str, entry: dict[str, Any] | None) -> dict[str, Any]:
    entry = entry or {}
    return {"paper_id": paper_id, "tags": list(entry.get("tags", [])), "notes": list(entry.get("notes", [])),
            "read": entry.get("read_at") is not None, "read_at": entry.get("read_at")}


class MarkStore:
    """The marks file of one knowledge base: paper id → tags, notes and when it was read."""

    def __init__(self, path: Path, lock_path: Path) -> None:
        self.path = path
        self.lock_path = lock_path

    def load(self) -> dict[str, dict[str, Any]]:
        """Every paper's marks; an absent file is no marks, a damaged one an error (never overwritten)."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(raw)
            papers = data["papers"]
            if not isinstance(papers, dict):
                raise TypeError("papers is not an object")
        except (ValueError, KeyError, TypeError) as exc:
            raise QueryError(
                f"the marks file {self.path} is damaged ({exc}); fix it by hand or move it aside to start over"
            ) from None
        if int(data.get("version", FORMAT_VERSION)) > FORMAT_VERSION:
            raise QueryError(f"the marks file {self.path} was written by a newer kb; upgrade kb")
        return papers

    def get(self, paper_id: str) -> dict[str, Any]:
        """One paper's marks (empty when it has none)."""
        key = paper_key(paper_id)
        return _record(key, self.load().get(key))

    def all(self) -> list[dict[str, Any]]:
        """The marks of every marked paper, by paper id."""
        return [_record(pid, entry) for pid, entry in sorted(self.load().items())]

    def tag(self, paper_id: str, tags: Iterable[str]) -> dict[str, Any]:
        """Add tags to a paper (already present ones are kept once)."""
        new = [tag_key(t) for t in tags]
        if not new:
            raise QueryError("name at least one tag, e.g. `kb tag 2602.02958 liked`")

        def edit(entry: dict[str, Any]) -> None:
            entry["tags"] = list(dict.fromkeys([*entry.get("tags", []), *new]))

        return self._change(paper_id, edit)

    def untag(self, paper_id: str, tags: Iterable[str]) -> dict[str, Any]:
        """Remove tags from a paper; a tag it does not carry is ignored."""
        gone = {tag_key(t) for t in tags}
        return self._change(paper_id, lambda e: e.__setitem__("tags", [t for t in e.get("tags", []) if t not in gone]))

    def note(self, paper_id: str, text: str | None, *, clear: bool = False) -> dict[str, Any]:
        """Append a note to a paper, or with `clear` drop its notes first."""
        text = (text or "").strip()
        if not text and not clear:
            raise QueryError("the note is empty; write `kb note 2602.02958 \"what to remember\"` or pass --clear")
        if len(text) > MAX_NOTE_CHARS:
            raise QueryError(f"the note has {len(text)} characters; keep a note under {MAX_NOTE_CHARS}")

        def edit(entry: dict[str, Any]) -> None:
            notes = [] if clear else entry.get("notes", [])
            entry["notes"] = notes + ([{"text": text, "at": _now()}] if text else [])

        return self._change(paper_id, edit)

    def set_read(self, paper_id: str, read: bool) -> dict[str, Any]:
        """Mark a paper read (keeping the first time it was read) or unread."""

        def edit(entry: dict[str, Any]) -> None:
            entry["read_at"] = (entry.get("read_at") or _now()) if read else None

        return self._change(paper_id, edit)

    def _change(self, paper_id: str, edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        key = paper_key(paper_id)
        with self._locked():
            papers = self.load()
            entry = dict(papers.get(key, {}))
            edit(entry)
            if entry.get("tags") or entry.get("notes") or entry.get("read_at"):
                entry["updated_at"] = _now()
                papers[key] = entry
            else:
                papers.pop(key, None)  # nothing left to remember
            for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):  # left by a killed writer; we hold the lock
                stale.unlink(missing_ok=True)
            body = {"version": FORMAT_VERSION, "papers": dict(sorted(papers.items()))}
            write_atomic(self.path, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
        return _record(key, papers.get(key))

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # A lock file of its own: the marks file is replaced on every write, so a lock on it would not hold.
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        busy = f"another kb process has held {self.lock_path} for {LOCK_WAIT_S:.0f} s; try again"
        with file_lock(self.lock_path, LOCK_WAIT_S, busy, poll_seconds=0.01):
            yield
