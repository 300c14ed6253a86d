"""Errors a user can see. Each message is one sentence that says what to do."""

from __future__ import annotations


class KBError(Exception):
    """Base class of every error `kb` reports to a user."""


class ParseError(KBError):
    """A report file could not be read as a daily papers report."""

    def __init__(self, message: str, *, line: int | None = None, path: str | None = None) -> None:
        self.reason = message
        self.line = line
        self.path = path
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or "<text>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}"

    def at(self, path: str) -> "ParseError":
        """The same error, now naming the file it came from."""
        return ParseError(self.reason, line=self.line, path=path)


class NotFoundError(KBError):
    """A knowledge base, paper or file that was asked for does not exist."""


class RecipeMismatchError(KBError):
    """The embedding recipe asked for differs from the one the index was built with."""


class QueryError(KBError):
    """A query, SQL statement or filter could not be run."""


class ReadOnlyError(QueryError):
    """A statement given to `kb sql` would change the knowledge base or the file system."""


class LockedError(KBError):
    """Another process is writing to the knowledge base."""


class EmbedderError(KBError):
    """An embedding backend could not be loaded."""


class StorageError(KBError):
    """The knowledge-base folder could not be written (full or read-only disk)."""
