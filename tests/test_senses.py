"""Word senses: multi-prototype clustering and sparse coding, on planted synthetic data."""

import numpy as np
import pytest

from dlnlp.vectors import keyed_vectors, senses

FILLERS = [f"f{i}" for i in range(4)]  # function-word stand-ins: in every kind of text
MONEY = [f"money{i}" for i in range(10)]  # the words around bank_1
RIVER = [f"river{i}" for i in range(10)]  # the words around bank_2


def planted_corpus(n_sentences=300, seed=0):
    """Sentences of 11 words, "bank" in the middle of half of them; the other words come from
    the fillers and one topic, MONEY or RIVER, which is the planted sense of that "bank".

    Returns the tokens and the planted sense (0 or 1) of every occurrence of "bank", in order.
    """
    rng = np.random.default_rng(seed)
    tokens, planted = [], []
    for _ in range(n_sentences):
        sense = int(rng.integers(2))
        topic = (MONEY, RIVER)[sense]
        words = [
            str(rng.choice(topic)) if rng.random() < 0.6 else str(rng.choice(FILLERS))
            for _ in range(11)
        ]
        if rng.random() < 0.5:
            words[5] = "bank"
            planted.append(sense)
        tokens += words
    return tokens, np.array(planted)


def random_vectors(words, d=64, seed=1):
    """Random Gaussian vectors: no topic structure in the vectors, only in the corpus."""
    rng = np.random.default_rng(seed)
    return keyed_vectors(rng.normal(size=(len(words), d)), words)


@pytest.fixture(scope="module")
def planted():
    tokens, sense = planted_corpus()
    kv = random_vectors(["bank", "rare"] + FILLERS + MONEY + RIVER)
    return tokens, sense, kv


def sentence_idf(tokens, kv):
    """idf with each 11-word sentence as a document: the corpus is too short for the default
    1000-word documents (every word would be in every one of them, so every idf would be 0)."""
    return senses.idf(senses.encode(tokens, kv), len(kv), doc_len=11)


# --- multi-prototype vectors -------------------------------------------------------------------


def test_clusters_recover_the_planted_senses(planted):
    tokens, sense, kv = planted
    weights = sentence_idf(tokens, kv)
    assert 2 * weights[kv.key_to_index["f0"]] < weights[kv.key_to_index["money0"]]
    c = senses.multi_prototype(tokens, kv, "bank", k=2, weights=weights, min_occurrences=10)
    assert len(c.positions) == len(sense) > 100
    assert all(tokens[p] == "bank" for p in c.positions)
    agreement = max(np.mean(c.labels == sense), np.mean(c.labels != sense))  # up to label swap
    assert agreement > 0.9
    assert c.prototypes.shape == (2, 64)
    assert np.allclose(np.linalg.norm(c.prototypes, axis=1), 1)
    assert c.contexts.shape == (len(sense), 64)
    assert c.sizes.sum() == len(sense) and c.sizes[0] >= c.sizes[1]  # largest cluster first
    # Each cluster's typical context words come from one topic, never from the fillers.
    for words in c.context_words:
        assert words
        topics = {w.rstrip("0123456789") for w in words}
        assert len(topics) == 1 and topics <= {"money", "river"}
    table = c.to_frame()
    assert list(table.index) == ["bank_1", "bank_2"]
    assert np.isclose(table["share"].sum(), 1)


def test_examples_and_label_senses(planted):
    tokens, _, kv = planted
    c = senses.multi_prototype(tokens, kv, "bank", weights=sentence_idf(tokens, kv))
    examples = c.examples(tokens, n=2, width=3)
    assert set(examples) == {"bank_1", "bank_2"}
    assert all("[bank]" in line for lines in examples.values() for line in lines)
    relabelled = senses.label_senses(tokens, [c])
    assert len(relabelled) == len(tokens) and "bank" not in relabelled
    for p, j in zip(c.positions, c.labels):
        assert relabelled[p] == f"bank_{j + 1}"
    with pytest.raises(ValueError, match="different corpus"):
        senses.label_senses(tokens[1:], [c])


def test_ids_and_plain_weights_work_too(planted):
    tokens, sense, kv = planted
    ids = senses.encode(tokens, kv)
    assert ids.dtype == np.int64 and (ids >= 0).all()
    c = senses.multi_prototype(ids, kv, "bank", k=2, weights=None, min_occurrences=10)
    # A plain average lets the fillers blur the windows: still mostly right, less cleanly.
    assert max(np.mean(c.labels == sense), np.mean(c.labels != sense)) > 0.8


def test_bad_input(planted):
    tokens, _, kv = planted
    with pytest.raises(KeyError, match="not in the vocabulary"):
        senses.multi_prototype(tokens, kv, "pike")
    with pytest.raises(ValueError, match="occurs 2 times"):
        senses.multi_prototype(tokens + ["rare", "f1", "rare"], kv, "rare", weights=None)
    with pytest.raises(ValueError, match="0 of them with a context word of non-zero weight"):
        senses.multi_prototype(tokens, kv, "bank")  # default idf: 0 for every word here
    with pytest.raises(ValueError, match="k must be"):
        senses.multi_prototype(tokens, kv, "bank", k=0)
    with pytest.raises(ValueError, match="weights"):
        senses.multi_prototype(tokens, kv, "bank", weights="tfidf")
    with pytest.raises(ValueError, match="expected"):
        senses.multi_prototype(tokens, kv, "bank", weights=np.ones(3))
    with pytest.raises(ValueError, match="window"):
        senses.context_windows(np.arange(5), 2, window=0)


def test_context_windows_and_vectors():
    ids = np.array([3, 1, 2, 1, -1, 4])
    positions, contexts = senses.context_windows(ids, 1, window=2)
    assert positions.tolist() == [1, 3]
    assert contexts.tolist() == [[-1, 3, 2, 1], [1, 2, -1, 4]]
    vectors = np.eye(5) * 3.0  # lengths do not matter: rows are normalised
    weights = np.array([0.0, 1.0, 1.0, 2.0, 1.0])
    X = senses.context_vectors(contexts, vectors, weights, skip=1)
    assert np.allclose(X[0], np.array([0, 0, 1, 2, 0]) / np.sqrt(5))  # the target is skipped
    assert np.allclose(X[1], np.array([0, 0, 1, 0, 1]) / np.sqrt(2))  # -1 ("no word") too
    empty = senses.context_vectors(np.array([[-1, 1]]), vectors, skip=1)
    assert np.allclose(empty, 0)


def test_idf():
    ids = np.array([0, 1, 0, 2, 0, 1, 0, 3])  # 4 documents of 2 tokens
    w = senses.idf(ids, vocab_size=5, doc_len=2)
    assert np.isclose(w[0], 0)  # in every document
    assert np.isclose(w[1], np.log(2)) and np.isclose(w[3], np.log(4))
    assert np.isclose(w[4], np.log(4))  # never seen: as rare as possible


def test_spherical_kmeans_separates_directions():
    rng = np.random.default_rng(0)
    centres = np.eye(3)[:, :] * 5
    labels = rng.integers(3, size=150)
    X = centres[labels] + rng.normal(size=(150, 3))
    X *= rng.uniform(0.1, 10, size=(150, 1))  # lengths do not matter for cosine
    C, found, objective = senses.spherical_kmeans(X, 3, seed=0)
    assert C.shape == (3, 3) and np.allclose(np.linalg.norm(C, axis=1), 1)
    # Each found cluster is one planted cluster.
    contingency = np.zeros((3, 3), int)
    np.add.at(contingency, (found, labels), 1)
    assert (contingency.max(axis=1).sum()) / 150 > 0.95
    assert 0 < objective <= 1
    with pytest.raises(ValueError, match="clusters"):
        senses.spherical_kmeans(X[:2], 3)


# --- sparse coding -----------------------------------------------------------------------------


def planted_sparse(n, m, d, k, noise=0.0, seed=0):
    """Unit atoms D (m, d) and n signals, each a combination of k of them."""
    rng = np.random.default_rng(seed)
    D = rng.normal(size=(m, d))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    support = np.array([rng.choice(m, size=k, replace=False) for _ in range(n)])
    coef = rng.uniform(0.5, 1.5, size=(n, k)) * rng.choice([-1, 1], size=(n, k))
    X = np.einsum("nk,nkd->nd", coef, D[support]) + noise * rng.normal(size=(n, d))
    return D, X, support


def test_omp_recovers_known_supports():
    D, X, support = planted_sparse(n=500, m=64, d=32, k=3)
    A = senses.omp(X, D, k=3)
    assert A.shape == (500, 64) and (A.getnnz(axis=1) <= 3).all()
    found = [set(A.getrow(i).indices) for i in range(500)]
    exact = np.mean([f == set(s) for f, s in zip(found, support)])
    assert exact > 0.95
    error = np.linalg.norm(X - A @ D) / np.linalg.norm(X)
    assert error < 0.05


def test_learn_dictionary_recovers_planted_atoms():
    # An over-complete dictionary: 48 atoms in 32 dimensions.
    D0, X, support = planted_sparse(n=2000, m=48, d=32, k=3, noise=0.01, seed=0)
    D, A, errors = senses.learn_dictionary(X, m=48, k=3, iters=20, seed=0)
    assert D.shape == (48, 32) and np.allclose(np.linalg.norm(D, axis=1), 1)
    assert errors[-1] < errors[0] / 2 and errors[-1] < 0.25
    cos = np.abs(D0 @ D.T)  # planted atom x learned atom
    recovered = cos.max(axis=1) > 0.95
    assert recovered.mean() >= 0.8
    # Supports, translated from learned to planted atoms, match the plant for most signals.
    match = cos.argmax(axis=0)  # learned atom -> nearest planted atom
    same = [set(match[A.getrow(i).indices]) == set(support[i]) for i in range(len(X))]
    assert np.mean(same) > 0.75


def test_sparse_coding_bad_input():
    D, X, _ = planted_sparse(n=10, m=8, d=6, k=2)
    with pytest.raises(ValueError, match="sparsity"):
        senses.omp(X, D, k=7)
    with pytest.raises(ValueError, match="must be"):
        senses.omp(X[:, :5], D, k=2)
    with pytest.raises(ValueError, match="atoms need"):
        senses.learn_dictionary(X, m=20, k=2)


def test_discourse_atoms_table(planted):
    _, _, kv = planted
    atoms = senses.discourse_atoms(kv, m=12, k=3, iters=3)
    assert atoms.atoms.shape == (12, 64) and atoms.codes.shape == (len(kv), 12)
    used = atoms.of("bank")
    assert 1 <= len(used) <= 3
    assert all(abs(c1) >= abs(c2) for (_, c1), (_, c2) in zip(used, used[1:]))
    table = atoms.table("bank", topn=4)
    assert table.shape == (4, len(used))
    assert all(w in kv.key_to_index for w in table.to_numpy().ravel())
    assert -1 <= atoms.fit("bank") <= 1
    with pytest.raises(KeyError, match="not among"):
        atoms.of("pike")
