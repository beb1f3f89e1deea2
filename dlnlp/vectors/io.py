"""Word vectors in and out: gensim's ``KeyedVectors`` and the word2vec text/binary format."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors


def keyed_vectors(vectors, words: Sequence[str]) -> KeyedVectors:
    """Wrap a (V, d) matrix and its V words as gensim ``KeyedVectors``.

    That gives ``most_similar``, ``evaluate_word_analogies`` and word2vec-format
    I/O for free, and lets our vectors be compared with gensim's directly.
    """
    vectors = np.asarray(vectors.detach().cpu() if hasattr(vectors, "detach") else vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(
            f"vectors has shape {vectors.shape} but there are {len(words)} words; "
            "expected one row per word"
        )
    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors(list(words), vectors.astype(np.float32))
    return kv


def save_word2vec(kv: KeyedVectors, path: str | Path, binary: bool = False) -> None:
    """Write vectors in the word2vec format that gensim and the original C tool read."""
    kv.save_word2vec_format(str(path), binary=binary)


def load_word2vec(path: str | Path, binary: bool = False) -> KeyedVectors:
    """Read a word2vec-format file."""
    return KeyedVectors.load_word2vec_format(str(path), binary=binary)
