"""The Huffman tree behind hierarchical softmax (Mikolov et al. 2013b, section 2.1).

Hierarchical softmax replaces the V-way softmax by a walk from the root of a binary tree to the
leaf of the target word: one binary decision per inner node on the way. With a Huffman tree
built from the word counts, frequent words sit near the root, so the average number of
decisions per training word is below log2(V) (for Zipfian counts well below).

Every word w has a ``code`` (the bits of the turns, root first: 0 = left, 1 = right) and a
``path`` (the inner nodes passed, root first). Inner nodes are numbered 0 .. V-2 in the order
they are created; the root is V-2, as in the word2vec C code.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class HuffmanTree:
    """Codes and paths of every word, padded to the longest one.

    Attributes:
        codes: (V, L) int8, the bits of word w are ``codes[w, :lengths[w]]``; padding is 0.
        paths: (V, L) int64, the inner nodes of word w are ``paths[w, :lengths[w]]``; padding 0.
        lengths: (V,) int64, the code length (tree depth) of every word.
    """

    codes: np.ndarray
    paths: np.ndarray
    lengths: np.ndarray

    def code(self, w: int) -> np.ndarray:
        """The bits of word ``w``, root first, shape (L_w,)."""
        return self.codes[w, : self.lengths[w]]

    def path(self, w: int) -> np.ndarray:
        """The inner nodes on the way to word ``w``, root first, shape (L_w,)."""
        return self.paths[w, : self.lengths[w]]


def huffman_tree(counts) -> HuffmanTree:
    """Build the Huffman tree of ``counts`` (V,) (V >= 2; zero counts are allowed).

    Repeatedly merge the two least frequent nodes into a new inner node; the less frequent of
    the two becomes the left child (bit 0), the other the right child (bit 1). Ties go to the
    lower index (words before inner nodes, older inner nodes first), so equal counts give an
    equal tree.
    """
    counts = np.asarray(counts)
    V = counts.shape[0]
    if counts.ndim != 1 or V < 2:
        raise ValueError(
            f"a Huffman tree needs counts for at least 2 words, got shape {counts.shape}"
        )
    if (counts < 0).any():
        raise ValueError("word counts must be non-negative")
    parent = np.zeros(2 * V - 1, dtype=np.int64)  # leaves 0..V-1, inner node k is V + k
    bit = np.zeros(2 * V - 1, dtype=np.int8)
    heap = [(int(c), w) for w, c in enumerate(counts)]
    heapq.heapify(heap)
    for node in range(V, 2 * V - 1):
        count_left, left = heapq.heappop(heap)
        count_right, right = heapq.heappop(heap)
        parent[[left, right]] = node
        bit[right] = 1
        heapq.heappush(heap, (count_left + count_right, node))
    root = 2 * V - 2
    # Climb from all leaves at once, one level per step, recording the leaf-first code and path.
    codes_up, paths_up = [], []
    node = np.arange(V)
    lengths = np.zeros(V, dtype=np.int64)
    while (active := node != root).any():
        codes_up.append(np.where(active, bit[node], 0))
        paths_up.append(np.where(active, parent[node] - V, 0))
        lengths += active
        node = np.where(active, parent[node], root)
    codes_up, paths_up = np.stack(codes_up, 1), np.stack(paths_up, 1)  # (V, L), leaf first
    # Reverse each row's first lengths[w] entries so that the root comes first.
    L = codes_up.shape[1]
    j = np.arange(L)
    src = np.clip(lengths[:, None] - 1 - j, 0, L - 1)
    pad = j >= lengths[:, None]
    codes = np.where(pad, 0, np.take_along_axis(codes_up, src, 1)).astype(np.int8)
    paths = np.where(pad, 0, np.take_along_axis(paths_up, src, 1)).astype(np.int64)
    return HuffmanTree(codes=codes, paths=paths, lengths=lengths)
