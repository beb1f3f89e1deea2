"""Co-occurrence counts: how often word j appears near word i.

Two kinds of context (lecture 1-2, "count-based vectors"):

* window: X[i, j] counts the times j lies within ``window`` tokens of i in the
  same sentence -- a symmetric (V, V) matrix;
* document: X[i, d] counts the times word i occurs in document d -- a (V, D)
  matrix, the input of latent semantic analysis (LSA).

Both are returned as ``scipy.sparse.csr_matrix``: on a real corpus almost every
entry is zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

WEIGHTINGS = ("flat", "harmonic", "ramp")


def distance_weights(window: int, weighting: str = "flat") -> np.ndarray:
    """Weight of a co-occurrence at distance d = 1..window, shape (window,).

    ``flat``: every position counts 1 (the lecture's table); ``harmonic``: 1/d,
    as GloVe counts; ``ramp``: window + 1 - d, the COALS ramp (4, 3, 2, 1 for a
    window of 4), so nearer words count more.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    d = np.arange(1, window + 1, dtype=np.float64)
    if weighting == "flat":
        return np.ones_like(d)
    if weighting == "harmonic":
        return 1.0 / d
    if weighting == "ramp":
        return window + 1.0 - d
    raise ValueError(f"unknown weighting {weighting!r}; use one of {WEIGHTINGS}")


def window_cooccurrence(
    sentences: Sequence[Sequence[int]] | np.ndarray,
    vocab_size: int,
    window: int = 1,
    weighting: str = "flat",
) -> sp.csr_matrix:
    """Symmetric window co-occurrence matrix X, shape (V, V).

    Args:
        sentences: token ids, one sequence per sentence (windows never cross a
            sentence boundary), or one flat array for a corpus without sentences.
            Negative ids (e.g. words dropped from the vocabulary) are skipped: no pair
            involving them is counted, but they keep their place, so a window of m still
            spans m positions around a word, dropped ones included.
        vocab_size: V, the number of rows and columns.
        window: m, how many tokens on each side count as context.
        weighting: see :func:`distance_weights`.

    Every pair (i, j) at distance d <= m adds its weight to X[i, j] and X[j, i].
    """
    if isinstance(sentences, np.ndarray) and sentences.ndim == 1:
        sentences = [sentences]
    weights = distance_weights(window, weighting)
    # Join the sentences with `window` separators (-1) so no window spans two of them.
    gap = np.full(window, -1, dtype=np.int64)
    pieces = []
    for s in sentences:
        pieces += [np.asarray(s, dtype=np.int64), gap]
    ids = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.int64)
    if ids.size and ids.max() >= vocab_size:
        raise ValueError(f"token id {ids.max()} is out of range for vocab_size={vocab_size}")
    # One distance at a time, summed as we go: memory grows with the corpus, not with m times it.
    X = sp.csr_matrix((vocab_size, vocab_size), dtype=np.float64)
    for d, weight in enumerate(weights, start=1):
        left, right = ids[:-d], ids[d:]
        keep = (left >= 0) & (right >= 0)
        pairs = (np.full(int(keep.sum()), weight), (left[keep], right[keep]))
        X = X + sp.coo_matrix(pairs, shape=(vocab_size, vocab_size)).tocsr()
    return (X + X.T).tocsr()  # count each pair from both ends


def document_cooccurrence(documents: Sequence[Sequence[int]], vocab_size: int) -> sp.csr_matrix:
    """Word-document matrix X, shape (V, D): X[i, d] = occurrences of word i in document d."""
    rows = np.concatenate([np.asarray(doc, dtype=np.int64) for doc in documents])
    cols = np.repeat(np.arange(len(documents)), [len(doc) for doc in documents])
    ones = np.ones(rows.size)
    return sp.coo_matrix((ones, (rows, cols)), shape=(vocab_size, len(documents))).tocsr()


def log_scale(X: sp.spmatrix) -> sp.csr_matrix:
    """log(1 + X) entry-wise: damps the huge counts of frequent pairs, keeps zeros zero."""
    X = sp.csr_matrix(X, dtype=np.float64, copy=True)
    X.data = np.log1p(X.data)
    return X
