"""Count-based vectors: co-occurrence counting, SVD and the KeyedVectors bridge."""

import numpy as np
import pytest
import scipy.sparse as sp

from dlnlp.vectors import (
    document_cooccurrence,
    keyed_vectors,
    load_word2vec,
    log_scale,
    save_word2vec,
    truncated_svd,
    window_cooccurrence,
)
from dlnlp.vectors.cooccurrence import distance_weights


def brute_force_counts(sentences, V, window, weights):
    X = np.zeros((V, V))
    for s in sentences:
        for i, a in enumerate(s):
            for j, b in enumerate(s):
                d = abs(i - j)
                if 1 <= d <= window and a >= 0 and b >= 0:
                    X[a, b] += weights[d - 1]
    return X


def test_lecture_table():
    words = ["I", "like", "enjoy", "deep", "learning", "NLP", "flying", "."]
    ix = {w: i for i, w in enumerate(words)}
    corpus = ["I like deep learning .", "I like NLP .", "I enjoy flying ."]
    X = window_cooccurrence([[ix[w] for w in s.split()] for s in corpus], len(words), 1)
    assert X.toarray()[ix["I"]].tolist() == [0, 2, 1, 0, 0, 0, 0, 0]
    assert X.toarray()[ix["."]].tolist() == [0, 0, 0, 0, 1, 1, 1, 0]
    assert X.sum() == 2 * (4 + 3 + 3)  # 10 adjacent pairs, each counted from both ends


@pytest.mark.parametrize("weighting", ["flat", "harmonic", "ramp"])
@pytest.mark.parametrize("window", [1, 3])
def test_matches_brute_force(weighting, window):
    rng = np.random.default_rng(window)
    V = 12
    sentences = [rng.integers(-1, V, size=rng.integers(1, 15)) for _ in range(20)]
    X = window_cooccurrence(sentences, V, window, weighting)
    expected = brute_force_counts(sentences, V, window, distance_weights(window, weighting))
    np.testing.assert_allclose(X.toarray(), expected)
    assert sp.issparse(X)


def test_flat_corpus_and_bad_input():
    ids = np.array([0, 1, 2, 1, 0])
    np.testing.assert_allclose(
        window_cooccurrence(ids, 3, 2).toarray(),
        brute_force_counts([ids], 3, 2, np.ones(2)),
    )
    with pytest.raises(ValueError, match="out of range"):
        window_cooccurrence([[0, 5]], 3, 1)
    with pytest.raises(ValueError, match="weighting"):
        window_cooccurrence([[0, 1]], 3, 1, "cubic")
    with pytest.raises(ValueError, match="window"):
        window_cooccurrence([[0, 1]], 3, 0)


def test_document_counts_and_log_scale():
    X = document_cooccurrence([[0, 0, 2], [1], []], vocab_size=3)
    assert X.toarray().tolist() == [[2, 0, 0], [0, 1, 0], [1, 0, 0]]
    L = log_scale(X)
    np.testing.assert_allclose(L.toarray(), np.log1p(X.toarray()))
    assert X.toarray()[0, 0] == 2  # the input is not modified


def test_truncated_svd_is_best_rank_k():
    rng = np.random.default_rng(0)
    # a decaying spectrum, like real count matrices
    Q1, _ = np.linalg.qr(rng.normal(size=(30, 20)))
    Q2, _ = np.linalg.qr(rng.normal(size=(20, 20)))
    A = Q1 @ np.diag(2.0 ** -np.arange(20)) @ Q2.T
    E, S = truncated_svd(A, 5)
    U, S_full, Vt = np.linalg.svd(A, full_matrices=False)
    np.testing.assert_allclose(S, S_full[:5])
    # E = U_k S_k spans the same space: projecting A onto it gives the rank-k approximation
    Q, _ = np.linalg.qr(E)
    err = np.linalg.norm(A - Q @ Q.T @ A) ** 2
    np.testing.assert_allclose(err, np.sum(S_full[5:] ** 2))
    # the sparse (randomized) path agrees with the dense one, signs included
    E_sparse, S_sparse = truncated_svd(sp.csr_matrix(A), 5)
    np.testing.assert_allclose(S_sparse, S, rtol=1e-6)
    np.testing.assert_allclose(np.abs(E_sparse), np.abs(E), atol=1e-6)
    np.testing.assert_allclose(E_sparse, E, atol=1e-6)
    with pytest.raises(ValueError, match="k must be"):
        truncated_svd(A, 25)


def test_keyed_vectors_roundtrip(tmp_path):
    words = ["cat", "dog", "car"]
    vectors = np.array([[1.0, 0.1], [0.9, 0.2], [-1.0, 0.5]])
    kv = keyed_vectors(vectors, words)
    assert kv.most_similar("cat", topn=1)[0][0] == "dog"
    for binary in (False, True):
        save_word2vec(kv, tmp_path / "v.txt", binary=binary)
        back = load_word2vec(tmp_path / "v.txt", binary=binary)
        assert back.index_to_key == words
        np.testing.assert_allclose(back["car"], vectors[2], rtol=1e-6)
    with pytest.raises(ValueError, match="one row per word"):
        keyed_vectors(vectors, words[:2])
