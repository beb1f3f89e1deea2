"""Word senses: one vector per sense instead of one per word.

A word such as *bank* or *pike* has several senses, but word2vec, GloVe and SVD give it one
vector. The lecture shows two ways to get at the senses:

1. **Multi-prototype vectors** (Huang et al. 2012). Collect every occurrence of the word in a
   corpus, describe each occurrence by its context window -- the weighted average of the vectors
   of the words around it -- and cluster these context vectors. Each cluster is a sense; its
   centroid is a *prototype*. Relabelling the occurrences ``bank_1``, ``bank_2``, ... and
   training again gives one ordinary word vector per sense. Here: :func:`multi_prototype`
   (built from :func:`idf`, :func:`context_vectors` and :func:`spherical_kmeans`) and
   :func:`label_senses`.

2. **Senses as a sparse linear superposition** (Arora et al. 2018). A word's single vector is
   close to a weighted sum of vectors for its senses, v_pike ~ a_1 v_pike1 + a_2 v_pike2 + ...,
   and sparse coding can pull the senses apart: write every word vector as a combination of at
   most k out of m shared unit vectors ("atoms"),

       v_w ~ sum_j A[w, j] d_j,   at most k non-zeros in each row A[w],

   and learn the atoms D (m, d) and the codes A (V, m) together. The atoms a word uses point at
   its senses; each atom is read by its nearest words ("discourse atoms"). Here: :func:`omp`
   (the codes for fixed atoms), :func:`learn_dictionary` (the atoms, by k-SVD) and
   :func:`discourse_atoms`.

Conventions: word vectors come as gensim ``KeyedVectors`` (``dlnlp.vectors.keyed_vectors`` makes
them from a matrix); a corpus is a sequence of tokens or an int array of ids into ``kv`` with -1
for words ``kv`` lacks (:func:`encode`). Cosine similarity everywhere, so vectors are normalised
to unit length first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from gensim.models import KeyedVectors

# --- helpers ---------------------------------------------------------------------------------


def _unit(X: np.ndarray) -> np.ndarray:
    """Rows of X scaled to length 1 (all-zero rows stay zero)."""
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=-1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)


def encode(tokens: Sequence[str] | np.ndarray, kv: KeyedVectors) -> np.ndarray:
    """Token ids into ``kv``, int64 array of shape (n,); -1 for tokens ``kv`` does not know.

    An int array is taken to be ids already and returned unchanged.
    """
    if isinstance(tokens, np.ndarray) and np.issubdtype(tokens.dtype, np.integer):
        return tokens.astype(np.int64, copy=False)
    get = kv.key_to_index.get
    return np.fromiter((get(t, -1) for t in tokens), dtype=np.int64, count=len(tokens))


def _word_id(kv: KeyedVectors, word: str) -> int:
    if word not in kv.key_to_index:
        raise KeyError(
            f"{word!r} is not in the vocabulary of the word vectors ({len(kv)} words); "
            "pick another word, train on a bigger corpus or lower min_count / raise max_size"
        )
    return kv.key_to_index[word]


def _nearest(unit_vectors: np.ndarray, query: np.ndarray, words, topn: int, skip=()) -> list[str]:
    """The ``topn`` words whose unit vectors have the largest cosine with ``query`` (d,)."""
    scores = unit_vectors @ _unit(query)
    out = []
    for i in np.argsort(-scores):
        if words[i] not in skip:
            out.append(words[i])
        if len(out) == topn:
            break
    return out


# --- 1. Multi-prototype vectors (Huang et al. 2012) --------------------------------------------


def idf(ids: np.ndarray, vocab_size: int, doc_len: int = 1000) -> np.ndarray:
    """Inverse document frequency of every word, shape (vocab_size,).

    ``idf[w] = log(D / df[w])`` where the corpus ``ids`` (n,) is cut into D = ceil(n / doc_len)
    pseudo-documents of ``doc_len`` tokens (text8 has no document boundaries) and df[w] counts
    the documents that contain w. Words in every document (*the*, *of*) get 0; words never
    seen get log(D), the largest value. Negative ids are ignored.
    """
    ids = np.asarray(ids, dtype=np.int64)
    if doc_len < 1:
        raise ValueError(f"doc_len must be at least 1, got {doc_len}")
    n_docs = max(1, -(-len(ids) // doc_len))
    doc = np.arange(len(ids)) // doc_len
    keep = ids >= 0
    pairs = np.unique(doc[keep] * vocab_size + ids[keep])  # one entry per (document, word)
    df = np.bincount(pairs % vocab_size, minlength=vocab_size)
    return np.log(n_docs / np.maximum(df, 1))


def context_windows(ids: np.ndarray, target: int, window: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Every occurrence of ``target`` in ``ids`` (n,) and the ids around it.

    Returns ``positions`` (N,), where ``ids[positions] == target``, and ``contexts`` (N, 2 window):
    the ``window`` ids before and after each occurrence, -1 past either end of the corpus.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    ids = np.asarray(ids, dtype=np.int64)
    positions = np.flatnonzero(ids == target)
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    where = positions[:, None] + offsets[None, :]
    inside = (where >= 0) & (where < len(ids))
    contexts = np.where(inside, ids[np.clip(where, 0, max(len(ids) - 1, 0))], -1)
    return positions, contexts


def context_vectors(
    contexts: np.ndarray, vectors: np.ndarray, weights: np.ndarray | None = None, skip: int = -1
) -> np.ndarray:
    """One vector per context window: the weighted average of its words' unit vectors.

    Args:
        contexts: (N, c) word ids, -1 for "no word here".
        vectors: (V, d) word vectors; each is normalised to length 1 first, so a word counts
            by its weight only, not by the length of its vector.
        weights: (V,) weight per word (e.g. :func:`idf`); ``None`` gives every word weight 1.
        skip: an id left out of every window (the target word itself).

    Returns (N, d) unit vectors; a window with no known word, or only words of weight 0, gives
    a zero row.
    """
    unit = _unit(vectors)
    w = np.ones(len(unit)) if weights is None else np.asarray(weights, dtype=np.float64)
    ok = (contexts >= 0) & (contexts != skip)
    safe = np.where(ok, contexts, 0)
    coef = np.where(ok, w[safe], 0.0)  # (N, c)
    summed = np.einsum("nc,ncd->nd", coef, unit[safe])
    return _unit(summed)


def spherical_kmeans(
    X: np.ndarray, k: int, *, n_init: int = 10, max_iter: int = 100, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, float]:
    """k-means with cosine similarity: centroids are unit vectors, each point joins the
    centroid it has the largest cosine with.

    Args:
        X: (N, d) points; they are normalised to unit length.
        k: number of clusters.
        n_init: restarts from different k-means++ seeds; the best objective wins.

    Returns ``centroids`` (k, d) unit vectors, ``labels`` (N,) in 0..k-1 and the objective,
    the mean cosine between each point and its centroid (1 is perfect).
    """
    X = _unit(X)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if len(X) < k:
        raise ValueError(f"cannot make {k} clusters of {len(X)} points")
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(n_init):
        C = _kmeans_pp(X, k, rng)
        labels = np.full(len(X), -1)
        for _ in range(max_iter):
            sims = X @ C.T  # (N, k)
            new = sims.argmax(axis=1)
            if np.array_equal(new, labels):
                break
            labels = new
            C = np.zeros_like(C)
            np.add.at(C, labels, X)
            for j in np.flatnonzero(np.linalg.norm(C, axis=1) == 0):  # empty: the worst point
                C[j] = X[np.argmin(sims[np.arange(len(X)), labels])]
            C = _unit(C)
        objective = float((X @ C.T)[np.arange(len(X)), labels].mean())
        if best is None or objective > best[2]:
            best = (C, labels, objective)
    return best


def _kmeans_pp(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding with the cosine distance 1 - cos."""
    centres = [X[rng.integers(len(X))]]
    for _ in range(1, k):
        dist = np.clip(1.0 - np.max(X @ np.array(centres).T, axis=1), 0.0, None)
        p = dist / dist.sum() if dist.sum() > 0 else np.full(len(X), 1.0 / len(X))
        centres.append(X[rng.choice(len(X), p=p)])
    return np.array(centres)


@dataclass
class SenseClusters:
    """What :func:`multi_prototype` returns for one word.

    Attributes:
        word: the target word.
        positions: (N,) corpus positions of the occurrences that were clustered.
        labels: (N,) the cluster (sense) of each occurrence, 0..k-1, largest cluster first.
        contexts: (N, d) unit context vectors, one per occurrence.
        prototypes: (k, d) unit centroids, one per sense, in the space of the word vectors.
        context_words: k lists of the words most typical of each cluster's windows.
        nearest_words: k lists of the vocabulary words nearest (cosine) to each prototype.
        objective: mean cosine between an occurrence and its prototype.
    """

    word: str
    positions: np.ndarray
    labels: np.ndarray
    contexts: np.ndarray
    prototypes: np.ndarray
    context_words: list[list[str]]
    nearest_words: list[list[str]]
    objective: float

    @property
    def k(self) -> int:
        return len(self.prototypes)

    @property
    def sizes(self) -> np.ndarray:
        """(k,) occurrences per cluster."""
        return np.bincount(self.labels, minlength=self.k)

    def to_frame(self) -> pd.DataFrame:
        """One row per sense: its share of the occurrences, typical context words, nearest
        vocabulary words of the prototype."""
        return pd.DataFrame(
            {
                "occurrences": self.sizes,
                "share": self.sizes / self.sizes.sum(),
                "typical context words": [", ".join(w) for w in self.context_words],
                "nearest words to the prototype": [", ".join(w) for w in self.nearest_words],
            },
            index=pd.Index([f"{self.word}_{j + 1}" for j in range(self.k)], name="sense"),
        )

    def examples(self, tokens: Sequence[str], n: int = 3, width: int = 6) -> dict[str, list[str]]:
        """For each sense, the ``n`` occurrences nearest its prototype as text snippets,
        ``width`` tokens on each side, the word itself in [brackets]."""
        out = {}
        for j in range(self.k):
            members = np.flatnonzero(self.labels == j)
            cos = self.contexts[members] @ self.prototypes[j]
            lines = []
            for p in self.positions[members[np.argsort(-cos)[:n]]]:
                left = " ".join(tokens[max(0, p - width) : p])
                right = " ".join(tokens[p + 1 : p + 1 + width])
                lines.append(f"{left} [{tokens[p]}] {right}")
            out[f"{self.word}_{j + 1}"] = lines
        return out


def multi_prototype(
    corpus: Sequence[str] | np.ndarray,
    kv: KeyedVectors,
    word: str,
    k: int = 2,
    *,
    window: int = 5,
    weights: str | np.ndarray | None = "idf",
    min_occurrences: int = 20,
    n_init: int = 10,
    seed: int = 0,
    topn: int = 8,
) -> SenseClusters:
    """Split ``word`` into ``k`` senses by clustering its context windows (Huang et al. 2012).

    Args:
        corpus: tokens (n,), or ids into ``kv`` with -1 for unknown words (:func:`encode`;
            pass ids when calling this for many words, to encode the corpus once).
        kv: word vectors (V, d) for the context words.
        word: the target; must be in ``kv``.
        k: number of senses.
        window: context words on each side of an occurrence (Huang et al. use 5).
        weights: ``"idf"`` (the paper's choice, :func:`idf` on this corpus), a (V,) array of
            per-word weights, or ``None`` for a plain average.
        min_occurrences: refuse words with fewer occurrences (with a context): clusters of a
            handful of windows are noise.
        n_init, seed: restarts and seed of :func:`spherical_kmeans`.
        topn: how many typical context words / nearest words to list per sense.

    Typical context words of a sense are ranked by their contribution to the KL divergence
    between the cluster's context-word distribution and that of all the word's windows, times
    their weight: weight(w) p(w | cluster) log(p(w | cluster) / p(w | all)). They are frequent
    in the cluster, more frequent there than around the word in general, and not function
    words; a word must occur at least 3 times in the cluster's windows to be listed.

    Raises ``KeyError`` if ``word`` is not in ``kv`` and ``ValueError`` if it occurs fewer than
    ``max(min_occurrences, k)`` times.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    target = _word_id(kv, word)
    ids = encode(corpus, kv)
    positions, contexts = context_windows(ids, target, window)
    if isinstance(weights, str):
        if weights != "idf":
            raise ValueError(f"weights must be 'idf', an array or None, got {weights!r}")
        weights = idf(ids, len(kv))
    elif weights is not None and np.shape(weights) != (len(kv),):
        raise ValueError(f"weights has shape {np.shape(weights)}; expected ({len(kv)},)")
    X = context_vectors(contexts, kv.vectors, weights, skip=target)
    has_context = np.linalg.norm(X, axis=1) > 0
    needed = max(min_occurrences, k)
    if has_context.sum() < needed:
        why = (
            f"{word!r} occurs {len(positions)} times in this corpus"
            if has_context.all()
            else f"{word!r} occurs {len(positions)} times in this corpus, {has_context.sum()} "
            "of them with a context word of non-zero weight"
        )
        hint = (
            " (idf is 0 for words found in every document: on a short corpus pass "
            "weights=idf(ids, len(kv), doc_len=...) with shorter documents, or weights=None)"
            if len(positions) >= needed
            else ""
        )
        raise ValueError(
            f"{why}; clustering into {k} senses needs at least {needed} (min_occurrences="
            f"{min_occurrences}){hint}; use a bigger corpus or a more frequent word"
        )
    positions, contexts, X = positions[has_context], contexts[has_context], X[has_context]
    centroids, labels, objective = spherical_kmeans(X, k, n_init=n_init, seed=seed)
    order = np.argsort(-np.bincount(labels, minlength=k), kind="stable")  # largest first
    centroids, labels = centroids[order], np.argsort(order)[labels]

    words = kv.index_to_key
    unit = _unit(kv.vectors)
    context_words, nearest_words = [], []
    ok = (contexts >= 0) & (contexts != target)
    all_counts = np.bincount(contexts[ok], minlength=len(kv)).astype(np.float64)
    p_all = (all_counts + 0.5) / (all_counts + 0.5).sum()
    w = np.ones(len(kv)) if weights is None else np.asarray(weights, dtype=np.float64)
    for j in range(k):
        mine = contexts[labels == j]
        counts = np.bincount(mine[(mine >= 0) & (mine != target)], minlength=len(kv))
        p = counts / max(counts.sum(), 1)
        score = p * np.log(np.maximum(p, 1e-300) / p_all) * w
        score = np.where((counts >= 3) & (score > 0), score, -np.inf)
        top = [i for i in np.argsort(-score)[:topn] if np.isfinite(score[i])]
        context_words.append([words[i] for i in top])
        nearest_words.append(_nearest(unit, centroids[j], words, topn, skip={word}))
    return SenseClusters(
        word=word,
        positions=positions,
        labels=labels,
        contexts=X,
        prototypes=centroids,
        context_words=context_words,
        nearest_words=nearest_words,
        objective=objective,
    )


def label_senses(tokens: Sequence[str], clusters: Sequence[SenseClusters]) -> list[str]:
    """A copy of ``tokens`` where each clustered occurrence becomes ``word_1``, ``word_2``, ...

    ``clusters`` must come from this same token sequence. Training vectors on the result gives
    one vector per sense (the second step of Huang et al.); occurrences that were not clustered
    (no context) keep the plain word.
    """
    out = list(tokens)
    for c in clusters:
        for p, j in zip(c.positions.tolist(), c.labels.tolist()):
            if out[p] != c.word:
                raise ValueError(
                    f"position {p} holds {out[p]!r}, not {c.word!r}: the clusters were made "
                    "from a different corpus"
                )
            out[p] = f"{c.word}_{j + 1}"
    return out


# --- 2. Senses as sparse combinations of atoms (Arora et al. 2018) ----------------------------


def omp(X: np.ndarray, D: np.ndarray, k: int) -> sp.csr_matrix:
    """Orthogonal matching pursuit for many signals at once: codes A with X ~ A D.

    Args:
        X: (n, d) signals (word vectors).
        D: (m, d) atoms, unit rows.
        k: non-zeros per code (the sparsity), 1 <= k <= min(m, d).

    Returns A, a (n, m) sparse matrix with (at most) k non-zeros per row.

    Greedy: k times, pick for every signal the atom most correlated with what is left of it
    (the residual), then refit the coefficients of all atoms picked so far by least squares
    (the "orthogonal" part). All n signals move in step, so each round is a few matrix
    products and a batch of k x k solves.
    """
    X = np.asarray(X, dtype=np.float64)
    D = np.asarray(D, dtype=np.float64)
    m = len(D)
    if X.ndim != 2 or D.ndim != 2 or X.shape[1] != D.shape[1]:
        raise ValueError(f"X {X.shape} and D {D.shape} must be (n, d) and (m, d)")
    if not 1 <= k <= min(m, X.shape[1]):
        limit = min(m, X.shape[1])
        raise ValueError(f"sparsity k must be between 1 and min(m, d)={limit}, got {k}")
    n = len(X)
    G = D @ D.T  # (m, m) Gram matrix of the atoms
    corr = X @ D.T  # (n, m) correlation of each signal with each atom
    rows = np.arange(n)
    support = np.zeros((n, 0), dtype=np.int64)
    coef = np.zeros((n, 0))
    for step in range(k):
        residual = X - np.einsum("ns,nsd->nd", coef, D[support])  # (n, d)
        score = np.abs(residual @ D.T)  # |correlation| of each residual with each atom
        score[rows[:, None], support] = -1.0  # never pick an atom twice
        support = np.concatenate([support, score.argmax(1)[:, None]], axis=1)
        G_s = G[support[:, :, None], support[:, None, :]] + 1e-10 * np.eye(step + 1)
        coef = np.linalg.solve(G_s, corr[rows[:, None], support][..., None])[..., 0]
    return sp.csr_matrix((coef.ravel(), support.ravel(), np.arange(0, n * k + 1, k)), (n, m))


def learn_dictionary(
    X: np.ndarray, m: int, k: int, *, iters: int = 10, seed: int = 0
) -> tuple[np.ndarray, sp.csr_matrix, list[float]]:
    """Sparse coding by k-SVD: atoms D (m, d) and k-sparse codes A (n, m) with X ~ A D.

    Minimises ||X - A D||_F^2 over unit-length atoms and codes with at most k non-zeros per
    row, alternating two steps (Aharon, Elad & Bruckstein 2006):

    1. codes: :func:`omp` with the atoms fixed;
    2. atoms: one at a time, refit atom j and its coefficients to what the signals that use it
       are missing without it, E_j = X_S - A_S D + a_j d_jᵀ, by a rank-1 approximation. We take
       one step of the power method for it instead of a full SVD (the "approximate k-SVD" of
       Rubinstein et al. 2008).

    After each round, an atom that no signal uses, or that duplicates another (|cos| > 0.95),
    is moved to the worst-fit residual, as Aharon et al. do: without that step k-SVD often
    leaves a few atoms stuck.

    Args:
        X: (n, d) signals; use unit rows for word vectors.
        m: number of atoms; may exceed d (an over-complete dictionary).
        k: non-zeros per code.
        iters: rounds of the two steps.
        seed: the initial atoms are m distinct signals drawn with this seed.

    Returns ``D`` (m, d) unit rows, ``A`` (n, m) sparse codes (:func:`omp` with the final
    atoms) and the relative error ||X - A D||_F / ||X||_F after each round.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be (n, d), got shape {X.shape}")
    n, d = X.shape
    if m > n:
        raise ValueError(f"m={m} atoms need at least m signals to start from, got {n}")
    if not 1 <= k <= min(m, d):
        raise ValueError(f"sparsity k must be between 1 and min(m, d)={min(m, d)}, got {k}")
    rng = np.random.default_rng(seed)
    D = _unit(X[rng.choice(n, size=m, replace=False)])
    norm_X = np.linalg.norm(X)
    errors = []
    for round_ in range(iters):
        A = omp(X, D, k)
        support = A.indices.reshape(n, k).copy()
        coef = A.data.reshape(n, k).copy()
        # Group the (signal, slot) pairs by atom once per round.
        flat = support.ravel()
        order = np.argsort(flat, kind="stable")
        starts = np.searchsorted(flat[order], np.arange(m + 1))
        for j in rng.permutation(m):
            slots = order[starts[j] : starts[j + 1]]
            r, s = slots // k, slots % k
            if len(r) == 0:
                continue
            # What the signals using atom j miss without it: (|S|, d).
            E = X[r] - np.einsum("ns,nsd->nd", coef[r], D[support[r]]) + np.outer(coef[r, s], D[j])
            atom = E.T @ coef[r, s]  # one power-method step, started from the current codes
            norm = np.linalg.norm(atom)
            if norm > 0:
                D[j] = atom / norm
                coef[r, s] = E @ D[j]
        residual = X - np.einsum("ns,nsd->nd", coef, D[support])
        errors.append(float(np.linalg.norm(residual) / norm_X))
        if round_ < iters - 1:  # the last round's atoms are all refitted ones
            _replace_stuck_atoms(D, residual, used=starts[1:] > starts[:-1])
    return D, omp(X, D, k), errors


def _replace_stuck_atoms(D: np.ndarray, residual: np.ndarray, used: np.ndarray) -> None:
    """Move unused and duplicate atoms (rows of D, in place) to the worst-fit residuals."""
    cos = np.abs(D @ D.T)
    duplicate = np.triu(cos > 0.95, k=1).any(axis=0)  # a later copy of an earlier atom
    stuck = np.flatnonzero(~used | duplicate)
    if len(stuck):
        worst = np.argsort(-np.linalg.norm(residual, axis=1))[: len(stuck)]
        D[stuck[: len(worst)]] = _unit(residual[worst])


@dataclass
class DiscourseAtoms:
    """A dictionary of atoms for a vocabulary, as :func:`discourse_atoms` returns it.

    Attributes:
        atoms: (m, d) unit atoms d_j.
        codes: (V, m) sparse codes, k non-zeros per row: v_w ~ codes[w] @ atoms.
        words: the V words, row order of ``codes`` and ``unit_vectors``.
        unit_vectors: (V, d) the unit word vectors that were coded.
        errors: relative reconstruction error after each k-SVD round.
    """

    atoms: np.ndarray
    codes: sp.csr_matrix
    words: list[str]
    unit_vectors: np.ndarray
    errors: list[float]

    def __post_init__(self) -> None:
        self.index = {w: i for i, w in enumerate(self.words)}

    def nearest_words(self, atom: int, topn: int = 6, sign: float = 1.0) -> list[str]:
        """The ``topn`` words whose vectors are nearest (cosine) to ``sign * atoms[atom]``."""
        return _nearest(self.unit_vectors, sign * self.atoms[atom], self.words, topn)

    def of(self, word: str) -> list[tuple[int, float]]:
        """The atoms ``word`` uses, as (atom index, coefficient), largest |coefficient| first."""
        if word not in self.index:
            raise KeyError(
                f"{word!r} is not among the {len(self.words)} coded words; "
                "code more words (restrict_vocab) or pick another"
            )
        row = self.codes.getrow(self.index[word])
        pairs = sorted(zip(row.indices.tolist(), row.data.tolist()), key=lambda p: -abs(p[1]))
        return [(j, c) for j, c in pairs if c != 0]

    def table(self, word: str, topn: int = 6) -> pd.DataFrame:
        """The lecture's *tie* table: one column per atom ``word`` uses (headed by the atom's
        number and coefficient), its ``topn`` nearest words below. An atom with a negative
        coefficient is shown by the words nearest to its negative, the direction the word
        actually takes."""
        columns = {
            f"atom {j} ({c:+.2f})": self.nearest_words(j, topn, sign=np.sign(c))
            for j, c in self.of(word)
        }
        return pd.DataFrame(columns, index=pd.RangeIndex(1, topn + 1, name=word))

    def fit(self, word: str) -> float:
        """Cosine between ``word``'s unit vector and its k-atom reconstruction."""
        self.of(word)  # the error for an unknown word
        i = self.index[word]
        approx = self.codes.getrow(i) @ self.atoms
        return float(_unit(approx.ravel()) @ self.unit_vectors[i])


def discourse_atoms(
    kv: KeyedVectors,
    m: int = 300,
    k: int = 5,
    *,
    restrict_vocab: int | None = None,
    iters: int = 10,
    seed: int = 0,
) -> DiscourseAtoms:
    """Learn m atoms with k-sparse codes for the (unit) vectors of the first ``restrict_vocab``
    words of ``kv`` (Arora et al. 2018 use m = 2000, k = 5 on 300-dimensional vectors).

    Each word vector is normalised to length 1 first, so every word counts equally in the fit
    and codes of frequent and rare words are comparable. See :func:`learn_dictionary`.
    """
    n = len(kv) if restrict_vocab is None else min(restrict_vocab, len(kv))
    words = list(kv.index_to_key[:n])
    unit = _unit(kv.vectors[:n])
    D, A, errors = learn_dictionary(unit, m, k, iters=iters, seed=seed)
    return DiscourseAtoms(atoms=D, codes=A, words=words, unit_vectors=unit, errors=errors)
