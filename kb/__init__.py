"""kb: a searchable knowledge base over daily research-paper reports."""

from kb.errors import KBError, NotFoundError, ParseError, QueryError, ReadOnlyError, RecipeMismatchError
from kb.ingest import IngestSummary
from kb.kb import KnowledgeBase, SQLResult
from kb.search import Hit, Results

__all__ = [
    "Hit", "IngestSummary", "KBError", "KnowledgeBase", "NotFoundError", "ParseError", "QueryError",
    "ReadOnlyError", "RecipeMismatchError", "Results", "SQLResult",
]
