"""Hidden tests of ``a1_count_vectors``: input generators, trusted references, points and hints.

This file is the instructor's secret: it is never released, never readable inside the
sandbox, and nothing from it reaches the feedback except each test's name and hint. Inputs
are drawn at grading time from a fresh seed: random corpora of made-up words, sentences of
random lengths (one word included), windows of 1 to 4, random matrices. The references are
written here from the definitions, independently of ``dlnlp``; tests/test_autograder_a1.py
checks them against the course library (``window_cooccurrence``, ``truncated_svd``).

Conventions (stated in the notebook):

* a corpus is a list of sentences, each a list of words (strings); no START/END tokens;
* ``distinct_words(corpus)`` returns (words, n_words): the distinct words, sorted as Python's
  ``sorted`` sorts strings. Only numbers come back from the sandbox, so the tests call the
  notebook's given ``word_ids(corpus)``, which returns, for every token in corpus order, its
  position in the student's ``words``, and n_words and len(words);
* ``compute_co_occurrence_matrix(corpus, words, window_size)``: M[i, j] counts the tokens
  words[j] within window_size positions of a token words[i] in the same sentence, the
  position itself excluded; tokens not in ``words`` are skipped but keep their place;
* ``reduce_to_k_dim(M, k)``: U_k S_k of the SVD, each column's sign chosen so that its entry
  of largest absolute value is positive (sklearn's ``svd_flip``, the library's
  ``truncated_svd``). The tests other than "the sign of each column" use matrices for which
  ``np.linalg.svd`` already returns those signs, so a missing sign rule costs that test only;
* ``plot_embeddings(M_reduced, words, words_to_plot)`` returns the points it drew;
* ``nearest_neighbours(vectors, i, n)``: the n rows of largest cosine similarity to row i,
  most similar first, row i left out.
"""

from __future__ import annotations

import numpy as np

from autograder.verdict import Test

ASSIGNMENT = "a1_count_vectors"
NOTEBOOK = "a1_count_vectors"

#: answer cells (nbgrader grade_id) and the functions each one defines
ANSWERS = {
    "distinct_words": ["distinct_words", "word_ids"],
    "co_occurrence": ["compute_co_occurrence_matrix"],
    "reduce": ["reduce_to_k_dim"],
    "plot_embeddings": ["plot_embeddings"],
    "neighbours": ["nearest_neighbours"],
}

#: nbgrader test cells (grade_id) and their points; the hidden tests below share them out
PARTS = {
    "test_distinct_words": 10,
    "test_co_occurrence": 35,
    "test_reduce": 25,
    "test_plot_embeddings": 10,
    "test_neighbours": 20,
}

# --- trusted references ---------------------------------------------------------------------


def distinct_words(corpus):
    return sorted({word for sentence in corpus for word in sentence})


def word_ids(corpus):
    """What the notebook's ``word_ids`` returns for a right ``distinct_words``: every token's
    position in the sorted vocabulary, in corpus order, then n_words and len(words)."""
    words = distinct_words(corpus)
    position = {word: i for i, word in enumerate(words)}
    ids = [position[word] for sentence in corpus for word in sentence]
    return [np.array(ids, dtype=np.float64), len(words), len(words)]


def co_occurrence(corpus, words, window_size):
    """M[i, j]: tokens words[j] at distance 1..window_size from a token words[i], within one
    sentence; tokens not in words count with nothing but keep their positions."""
    index = {word: i for i, word in enumerate(words)}
    M = np.zeros((len(words), len(words)))
    for sentence in corpus:
        for p, word in enumerate(sentence):
            if word not in index:
                continue
            for q in range(max(0, p - window_size), min(len(sentence), p + window_size + 1)):
                if q != p and sentence[q] in index:
                    M[index[word], index[sentence[q]]] += 1
    return M


def _signs(U):
    """+1 or -1 per column: the sign of the column's entry of largest absolute value."""
    return np.sign(U[np.abs(U).argmax(axis=0), np.arange(U.shape[1])])


def reduce_to_k_dim(M, k):
    """U_k S_k with the sign rule; ``np.linalg.svd`` sorts the singular values largest first."""
    U, S, _ = np.linalg.svd(np.asarray(M, dtype=np.float64), full_matrices=False)
    reduced = U[:, :k] * S[:k]
    return reduced * _signs(reduced)


def plot_points(M_reduced, words, words_to_plot):
    index = {word: i for i, word in enumerate(words)}
    return np.array([M_reduced[index[word], :2] for word in words_to_plot], dtype=np.float64)


def _cosines(vectors, i):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit @ unit[i]


def nearest_neighbours(vectors, i, n):
    sims = _cosines(vectors, i)
    sims[i] = -np.inf
    return np.argsort(-sims, kind="stable")[:n].astype(np.float64)


# --- input generators ----------------------------------------------------------------------

_CONSONANTS, _VOWELS = "bdfgklmnprstvz", "aeiou"


def _vocabulary(rng, size: int) -> list[str]:
    """``size`` distinct made-up lower-case words of one to three syllables, in random order."""
    out: set[str] = set()
    while len(out) < size:
        syllables = int(rng.integers(1, 4))
        out.add("".join(rng.choice(list(_CONSONANTS)) + rng.choice(list(_VOWELS))
                        for _ in range(syllables)))  # fmt: skip
    words = sorted(out)
    rng.shuffle(words)
    return [str(w) for w in words]


def _sentence(rng, words: list[str], length: int, distinct: bool = False) -> list[str]:
    picked = rng.choice(len(words), size=length, replace=not distinct)
    return [words[int(i)] for i in picked]


def _has_near_repeat(sentence: list[str], window: int) -> bool:
    return any(sentence[p] == sentence[q] for p in range(len(sentence))
               for q in range(p + 1, min(len(sentence), p + window + 1)))  # fmt: skip


def _has_pair_at(corpus, vocab, distance: int) -> bool:
    """Some two tokens of vocab exactly ``distance`` apart in a sentence: a window one too
    short, or one-sided, then counts otherwise."""
    known = set(vocab)
    return any(s[p] in known and s[p + distance] in known
               for s in corpus for p in range(len(s) - distance))  # fmt: skip


def _distinct_inputs(kind):
    """kind: "sentences" (several sentences of 1 to 12 words, words repeated), "repeated" (a
    handful of words many times over), "case" (capitals, prefixes and digits among the
    words, which sorted() orders by code point)."""

    def inputs(rng):
        while True:
            if kind == "repeated":
                words = _vocabulary(rng, int(rng.integers(8, 11)))
                corpus = [_sentence(rng, words, int(rng.integers(30, 60)))
                          for _ in range(int(rng.integers(1, 3)))]  # fmt: skip
            else:
                words = _vocabulary(rng, int(rng.integers(10, 20)))
                if kind == "case":
                    extra = [
                        words[0].capitalize(),
                        words[1][:-1] or words[1] + "s",
                        words[2] + words[3],
                        str(int(rng.integers(2, 10))) + words[4],
                    ]
                    extra = [w for w in extra if w not in words]
                    words = words + extra
                corpus = [_sentence(rng, words, int(rng.integers(1, 13)))
                          for _ in range(int(rng.integers(3, 9)))]  # fmt: skip
                corpus[int(rng.integers(len(corpus)))] = [words[int(rng.integers(len(words)))]]
                if kind == "case":  # every unusual word, and the word it comes from
                    corpus.append(words[:5] + extra)
            tokens = [w for s in corpus for w in s]
            if len(set(tokens)) >= 8 and len(set(tokens)) < len(tokens):
                return [corpus]

    return inputs


def _co_occurrence_inputs(kind):
    """kind: "sentences" (several sentences, some word twice within a window), "boundaries"
    (many short sentences, one of a single word, none with a word twice), "distinct" (one
    sentence of distinct words), "repeats" (one sentence of three words, repeated within the
    window), "order" (words passed in a shuffled order), "unknown" (some tokens not in
    words)."""

    def inputs(rng):
        window = int(rng.integers(1, 5))
        while True:
            if kind == "sentences":
                words = _vocabulary(rng, int(rng.integers(5, 12)))
                corpus = [_sentence(rng, words, int(rng.integers(2, 13)))
                          for _ in range(int(rng.integers(3, 8)))]  # fmt: skip
                if not any(_has_near_repeat(s, window) for s in corpus):
                    continue
            elif kind == "boundaries":
                window = int(rng.integers(2, 5))
                words = _vocabulary(rng, int(rng.integers(window + 2, 12)))
                corpus = [_sentence(rng, words, int(rng.integers(1, window + 2)), distinct=True)
                          for _ in range(int(rng.integers(5, 11)))]  # fmt: skip
                corpus[int(rng.integers(len(corpus)))] = _sentence(rng, words, 1)
                corpus[int(rng.integers(len(corpus)))] = _sentence(rng, words, window + 1, True)
                if min(map(len, corpus)) != 1:
                    continue
            elif kind == "repeats":
                words = _vocabulary(rng, 3)
                corpus = [_sentence(rng, words, int(rng.integers(6, 15)))]
                if not _has_near_repeat(corpus[0], window):
                    continue
            else:
                words = _vocabulary(rng, int(rng.integers(6, 15)))
                corpus = [_sentence(rng, words, len(words), distinct=True)]
            vocab = distinct_words(corpus)
            if kind == "order":
                vocab = list(vocab)
                rng.shuffle(vocab)
                in_order = co_occurrence(corpus, sorted(vocab), window)
                if np.array_equal(co_occurrence(corpus, vocab, window), in_order):
                    continue  # a shuffle that maps M onto itself would not show the order
            elif kind == "unknown":
                keep = rng.random(len(vocab)) < 0.5
                vocab = [w for w, k in zip(vocab, keep) if k]
                # skipping a token must differ from deleting it, for some pair in the window
                squeezed = [[w for w in s if w in vocab] for s in corpus]
                if len(vocab) < 2 or np.array_equal(
                    co_occurrence(corpus, vocab, window), co_occurrence(squeezed, vocab, window)
                ):
                    continue
                if corpus[0][0] not in vocab or corpus[0][-1] not in vocab:
                    continue  # a window that wraps around (sentence[-1]) counts a known word
            if not _has_pair_at(corpus, vocab, window):
                continue
            return [corpus, vocab, window]

    return inputs


def _gaps_ok(S, k) -> bool:
    """Singular values s_1 > ... > s_k > s_{k+1} well apart, so that U_k S_k is unique up to
    the column signs."""
    s = S[: k + 1]
    return bool(s[k - 1] > 1e-6 and np.all(s[:-1] - s[1:] > 1e-3 * s[0]))


def _margin_ok(U) -> bool:
    """In each column, the entry of largest |value| stands out, so that the sign rule is
    stable under rounding."""
    top = np.sort(np.abs(U), axis=0)
    return bool(np.all(top[-1] - top[-2] > 1e-6))


def _reduce_inputs(kind):
    """kind: "square" (a symmetric real matrix with both signs: centred counts), "rectangular"
    (tall or wide), "k1" (one dimension), all with matrices whose raw ``np.linalg.svd`` signs
    already obey the rule; "counts" (a symmetric count matrix: the raw first column comes out
    negative, so only the sign rule makes it right)."""

    def inputs(rng):
        while True:
            n = int(rng.integers(6, 20))
            if kind == "counts":
                A = rng.poisson(1.5, size=(n, n))
                M = (A + A.T).astype(np.int64)
                k = int(rng.integers(2, 4))
            elif kind == "square":
                A = rng.poisson(1.5, size=(n, n)).astype(np.float64)
                M = A + A.T
                M -= M.mean()
                k = 2
            else:
                m = int(rng.integers(6, 20))
                while m == n:
                    m = int(rng.integers(6, 20))
                M = rng.normal(0.0, 2.0, size=(n, m))
                k = 1 if kind == "k1" else int(rng.integers(2, 5))
            U, S, _ = np.linalg.svd(M.astype(np.float64), full_matrices=False)
            raw = _signs(U[:, :k])
            if not (_gaps_ok(S, k) and _margin_ok(U[:, :k])):
                continue
            if (kind == "counts") == bool(np.all(raw > 0)):
                continue  # counts: some column flipped; the others: none
            return [M, k]

    return inputs


def _plot_inputs(kind):
    """kind: "shuffled" (a vocabulary in random order, a few words to plot), "columns" (M
    with 3 to 5 columns), "one" (one word, not the first of the vocabulary)."""

    def inputs(rng):
        words = _vocabulary(rng, int(rng.integers(8, 25)))
        columns = int(rng.integers(3, 6)) if kind == "columns" else 2
        M_reduced = rng.normal(0.0, 1.0, size=(len(words), columns))
        if kind == "one":
            chosen = [words[int(rng.integers(1, len(words)))]]
        else:
            picked = rng.choice(len(words), size=int(rng.integers(3, 8)), replace=False)
            if picked[0] == 0:
                picked = picked[::-1]
            chosen = [words[int(i)] for i in picked]
        return [M_reduced, words, chosen]

    return inputs


def _neighbour_inputs(kind):
    """kind: "unit" (rows of one length), "lengths" (rows of very different lengths, where the
    dot product and the Euclidean distance rank otherwise), "opposite" (rows pointing away
    from row i, where |cosine| ranks otherwise), "all" (n = V - 1, negative cosines among
    them)."""

    def inputs(rng):
        while True:
            V, d = int(rng.integers(10, 40)), int(rng.integers(2, 9))
            vectors = rng.normal(0.0, 1.0, size=(V, d))
            i = int(rng.integers(V))
            n = int(rng.integers(1, min(8, V - 1) + 1))
            if kind == "all":
                n = V - 1
            if kind == "lengths":
                vectors *= np.exp(rng.uniform(-3.0, 3.0, size=(V, 1)))
            else:
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                vectors *= float(rng.uniform(0.5, 3.0))
            if kind == "opposite":
                k = int(rng.integers(2, 5))
                away = rng.choice([r for r in range(V) if r != i], size=k, replace=False)
                vectors[away] = -vectors[i] * rng.uniform(0.5, 2.0, size=(k, 1))
                vectors[away] += rng.normal(0.0, 0.05, size=(k, d))
            sims = _cosines(vectors, i)
            others = np.delete(sims, i)
            if np.min(np.diff(np.sort(others))) < 1e-6 or np.max(others) > 1 - 1e-6:
                continue  # ties, or a copy of row i: the ranking would not be unique
            want = nearest_neighbours(vectors, i, n)
            by_abs = np.abs(sims)
            by_abs[i] = -np.inf
            if kind == "all":
                # a similarity of 0 for row i must rank above some rows, and |cosine| otherwise
                if (others < -1e-3).any() and not np.array_equal(np.argsort(-by_abs)[:n], want):
                    return [vectors, i, n]
                continue
            # each mistake fails exactly the test made for it: here row i, given a similarity
            # of 0, stays below the n neighbours, and |cosine| ranks them the same except in
            # "opposite"
            if np.sort(others)[-n] < 1e-3:
                continue
            if np.array_equal(np.argsort(-by_abs)[:n], want) == (kind == "opposite"):
                continue
            if kind == "lengths":
                dots = vectors @ vectors[i]
                dots[i] = -np.inf
                dist = np.linalg.norm(vectors - vectors[i], axis=1)
                dist[i] = np.inf
                if np.array_equal(np.argsort(-dots)[:n], want) or np.array_equal(
                    np.argsort(dist)[:n], want
                ):
                    continue
            return [vectors, i, n]

    return inputs


# --- the tests --------------------------------------------------------------------------------

HINTS = {
    "distinct": "distinct_words returns (words, n_words): every word of the corpus exactly once "
                "(nothing added: no START/END tokens), sorted with Python's sorted(), and "
                "n_words = len(words). The grader reads them through word_ids: its [0] holds "
                "each token's position in your words, [1] your n_words.",
    "repeated": "A word that occurs many times is one word of the vocabulary: keep it once (a "
                "set), and n_words is the number of distinct words, not of tokens.",
    "case": "Sort the words exactly as they are, with sorted(): capitals come before lower-case "
            "letters ('Zeta' < 'alpha'), digits before both, and a word before its extensions "
            "('do' < 'dog'). Do not lower-case or change the words.",
    "co_occurrence": "M[i, j] counts the tokens words[j] within window_size positions before or "
                     "after a token words[i], in the same sentence: both sides, every "
                     "occurrence, so M is symmetric, of shape (len(words), len(words)).",
    "boundaries": "Windows stop at the end of a sentence: the last word of one sentence and the "
                  "first of the next are not neighbours. Count within each sentence on its own; "
                  "a sentence may be shorter than the window, or a single word.",
    "self": "A token is not its own neighbour: skip the position itself (distance 0). In a "
            "sentence of distinct words every diagonal entry M[i, i] is 0.",
    "repeats": "Two occurrences of one word within the window are neighbours: 'a b a' with "
               "window_size 2 adds 2 to M[a, a]. Skip the position itself, not every token equal "
               "to the word.",
    "order": "Row and column i belong to words[i], in the order in which words is passed in "
             "(not necessarily sorted): do not sort words again or call distinct_words inside.",
    "unknown": "A token that is not in words is skipped (it counts with nothing) but keeps its "
               "place: the window still spans window_size positions on each side. Do not delete "
               "such tokens from the sentence before counting.",
    "reduce": "reduce_to_k_dim returns U_k S_k, shape (n, k): the first k columns of U, each "
              "multiplied by its singular value (not U_k alone), for the k largest singular "
              "values, largest first (np.linalg.svd sorts them so).",
    "rectangular": "M need not be square or symmetric (a word-document matrix is (n, m)): the "
                   "result has one row per row of M, so take the columns of U, not those of V "
                   "(the rows of Vt), which belong to the columns of M.",
    "k1": "k = 1 gives one column, shape (n, 1): slice U[:, :k] and S[:k] (not U[:, k] or "
          "U[:, 0]), so the result stays two-dimensional.",
    "sign": "Fix the sign of each column: find its entry of largest absolute value and, if that "
            "entry is negative, multiply the column by -1. For a count matrix np.linalg.svd "
            "often returns the first column all negative.",
    "plot": "plot_embeddings returns the points it drew, shape (len(words_to_plot), 2), in the "
            "order of words_to_plot: for each word, the row of M_reduced at its index in "
            "words (not its position in words_to_plot).",
    "columns": "Plot the first two columns only (x: column 0, y: column 1), whatever the number "
               "of columns of M_reduced: the points have shape (len(words_to_plot), 2).",
    "one": "With a single word to plot the result still has shape (1, 2): build it with one row "
           "per word, e.g. M_reduced[indices, :2] with a list of indices.",
    "neighbours": "nearest_neighbours returns the indices of the n rows most similar to row i by "
                  "cosine similarity, most similar first, without i itself: shape (n,).",
    "lengths": "Cosine similarity divides by both lengths, u·v / (|u| |v|): the dot product, or "
               "the Euclidean distance, ranks long vectors (frequent words) otherwise.",
    "opposite": "Most similar means the largest cosine, not the largest |cosine|: a row pointing "
                "the opposite way (cosine near -1) is the least similar.",
    "all": "Leave row i out of the ranking altogether (set its similarity to -inf, or drop it): "
           "a similarity of 0 still ranks above the negative ones, and n = V - 1 must give "
           "every other row.",
}  # fmt: skip

_IDS = "word_ids(corpus)"
_DISTINCT = dict(fn="word_ids", part="test_distinct_words", reference=word_ids, label=_IDS)
_COOC = dict(fn="compute_co_occurrence_matrix", part="test_co_occurrence",
             reference=co_occurrence, label="M")  # fmt: skip
_REDUCE = dict(fn="reduce_to_k_dim", part="test_reduce", reference=reduce_to_k_dim,
               label="M_reduced")  # fmt: skip
_PLOT = dict(fn="plot_embeddings", part="test_plot_embeddings", reference=plot_points,
             label="the points drawn")  # fmt: skip
_NEAR = dict(fn="nearest_neighbours", part="test_neighbours", reference=nearest_neighbours,
             label="the neighbours")  # fmt: skip

TESTS = [
    Test("distinct words: several sentences", points=5, inputs=_distinct_inputs("sentences"),
         **_DISTINCT, hint=HINTS["distinct"]),
    Test("distinct words: a few words many times", points=3, inputs=_distinct_inputs("repeated"),
         **_DISTINCT, hint=HINTS["repeated"]),
    Test("distinct words: capitals, digits and prefixes", points=2,
         inputs=_distinct_inputs("case"), **_DISTINCT, hint=HINTS["case"]),
    Test("co-occurrence: several sentences", points=10, inputs=_co_occurrence_inputs("sentences"),
         **_COOC, hint=HINTS["co_occurrence"]),
    Test("co-occurrence: windows stop at sentence ends", points=8,
         inputs=_co_occurrence_inputs("boundaries"), **_COOC, hint=HINTS["boundaries"]),
    Test("co-occurrence: a token is not its own neighbour", points=5,
         inputs=_co_occurrence_inputs("distinct"), **_COOC, hint=HINTS["self"]),
    Test("co-occurrence: a word repeated within the window", points=5,
         inputs=_co_occurrence_inputs("repeats"), **_COOC, hint=HINTS["repeats"]),
    Test("co-occurrence: rows in the order of words", points=4,
         inputs=_co_occurrence_inputs("order"), **_COOC, hint=HINTS["order"]),
    Test("co-occurrence: tokens not in words", points=3, inputs=_co_occurrence_inputs("unknown"),
         **_COOC, hint=HINTS["unknown"]),
    Test("reduce: a square matrix", points=7, inputs=_reduce_inputs("square"), **_REDUCE,
         hint=HINTS["reduce"]),
    Test("reduce: a rectangular matrix", points=7, inputs=_reduce_inputs("rectangular"),
         **_REDUCE, hint=HINTS["rectangular"]),
    Test("reduce: k = 1", points=5, inputs=_reduce_inputs("k1"), **_REDUCE, hint=HINTS["k1"]),
    Test("reduce: the sign of each column", points=6, inputs=_reduce_inputs("counts"),
         **_REDUCE, hint=HINTS["sign"]),
    Test("plot: words of a shuffled vocabulary", points=5, inputs=_plot_inputs("shuffled"),
         **_PLOT, hint=HINTS["plot"]),
    Test("plot: more than two columns", points=3, inputs=_plot_inputs("columns"), **_PLOT,
         hint=HINTS["columns"]),
    Test("plot: a single word", points=2, inputs=_plot_inputs("one"), **_PLOT,
         hint=HINTS["one"]),
    Test("neighbours: rows of one length", points=8, inputs=_neighbour_inputs("unit"), **_NEAR,
         hint=HINTS["neighbours"]),
    Test("neighbours: rows of different lengths", points=6, inputs=_neighbour_inputs("lengths"),
         **_NEAR, hint=HINTS["lengths"]),
    Test("neighbours: rows pointing away", points=3, inputs=_neighbour_inputs("opposite"),
         **_NEAR, hint=HINTS["opposite"]),
    Test("neighbours: all the other rows", points=3, inputs=_neighbour_inputs("all"), **_NEAR,
         hint=HINTS["all"]),
]  # fmt: skip
