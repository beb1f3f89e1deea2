"""Tokens to ids and back: ``tokenize``, ``Vocab`` and word2vec's frequent-word ``subsample``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

import numpy as np

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[^\w\s]|_")


def tokenize(text: str) -> list[str]:
    """Split text into lower-case tokens.

    Rule: a word is a run of letters/digits, possibly joined by inner apostrophes ("don't",
    "o'neill" stay one token); every other non-space character (punctuation, symbols, "_") is a
    token of its own. Whitespace only separates. ``tokenize("Don't stop, A.I.!")`` is
    ``["don't", "stop", ",", "a", ".", "i", ".", "!"]``.
    """
    return _TOKEN.findall(text.lower())


class Vocab:
    """A word <-> index map with counts; index 0 is the unknown token.

    Build it from a token iterable or from a ``{word: count}`` mapping. Words with fewer than
    ``min_count`` occurrences, and the least frequent ones beyond ``max_size`` entries in total
    (``<unk>`` included), map to ``unk``; their counts are added to ``unk``'s count. Order:
    ``unk`` first, then by count (descending), ties alphabetically, so equal input gives an
    equal vocabulary.

    Attributes: ``itos`` (list[str], length V), ``stoi`` (dict[str, int]), ``counts``
    (np.ndarray int64, shape (V,), aligned with ``itos``).
    """

    def __init__(
        self,
        tokens_or_counts: Iterable[str] | Mapping[str, int],
        *,
        min_count: int = 1,
        max_size: int | None = None,
        unk: str = "<unk>",
    ) -> None:
        counts = Counter(tokens_or_counts)  # counts tokens, or copies a {word: count} mapping
        unk_count = counts.pop(unk, 0)
        ranked = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))
        kept = [(w, c) for w, c in ranked if c >= min_count]
        if max_size is not None:
            kept = kept[: max(max_size - 1, 0)]
        unk_count += sum(counts.values()) - sum(c for _, c in kept)
        self.unk = unk
        self.itos: list[str] = [unk] + [w for w, _ in kept]
        self.stoi: dict[str, int] = {w: i for i, w in enumerate(self.itos)}
        self.counts = np.array([unk_count] + [c for _, c in kept], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.itos)

    def __getitem__(self, word: str) -> int:
        """Index of ``word``; 0 (``unk``) if it is not in the vocabulary."""
        return self.stoi.get(word, 0)

    def __contains__(self, word: object) -> bool:
        return word in self.stoi

    def __iter__(self) -> Iterator[str]:
        return iter(self.itos)

    def __repr__(self) -> str:
        return f"Vocab(size={len(self)}, tokens={int(self.counts.sum())})"

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """Token ids, int64 array of shape (n,); unknown words become 0."""
        get = self.stoi.get
        return np.fromiter((get(t, 0) for t in tokens), dtype=np.int64)

    def decode(self, ids: Iterable[int]) -> list[str]:
        """The words for a sequence of ids."""
        return [self.itos[int(i)] for i in ids]


def subsample(
    ids: np.ndarray,
    counts: np.ndarray,
    t: float = 1e-5,
    rng: np.random.Generator | int | None = None,
) -> np.ndarray:
    """Mikolov's frequent-word subsampling: drop each occurrence of word w at random.

    With f(w) = counts[w] / counts.sum(), an occurrence is kept with probability
    ``p_keep(w) = min(1, sqrt(t / f(w)) + t / f(w))``, the form used in the word2vec C code
    (``ran = (sqrt(cn / (sample * train_words)) + 1) * (sample * train_words) / cn``). The paper
    (Mikolov et al. 2013b, "Distributed Representations of Words and Phrases and their
    Compositionality") states the discard probability as ``1 - sqrt(t / f(w))``. In the C form
    a word is always kept up to f(w) = φ² t ≈ 2.618 t (where sqrt(t / f) + t / f = 1).

    ids: int array (n,) of token ids; counts: (V,) counts per id (e.g. ``Vocab.counts``).
    Returns the kept ids, in order, shape (m,) with m <= n.
    """
    rng = np.random.default_rng(rng)
    ids = np.asarray(ids)
    freq = np.asarray(counts, dtype=np.float64) / np.sum(counts)
    with np.errstate(divide="ignore"):
        ratio = t / freq
    p_keep = np.minimum(1.0, np.sqrt(ratio) + ratio)
    return ids[rng.random(ids.shape[0]) < p_keep[ids]]
