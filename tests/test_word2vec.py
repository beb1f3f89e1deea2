"""word2vec: exact gradients, the batched steps, noise sampling, Huffman codes, training, CLI."""

import gzip
import heapq
import subprocess
import sys

import numpy as np
import pytest
import torch
from scipy import stats

from dlnlp import data
from dlnlp.vectors import load_word2vec, save_word2vec, word2vec
from dlnlp.vectors.huffman import huffman_tree
from dlnlp.vectors.noise import NoiseSampler, alias_table, noise_distribution
from dlnlp.vectors.word2vec import (
    cbow_loss,
    context_windows,
    hierarchical_softmax_loss,
    hierarchical_softmax_step,
    log_sigmoid,
    main,
    naive_softmax_loss,
    negative_sampling_chunk,
    negative_sampling_loss,
    negative_sampling_step,
    sigmoid,
    train,
    train_step,
)

NUMBERS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of the scalar f() with respect to every entry of x (changed in place)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f()
        x[i] = old - eps
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def autograd(loss, *arrays):
    """Gradients of the torch expression loss(*tensors) with respect to each array (float64)."""
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    loss(*tensors).backward()
    return [t.grad.numpy() for t in tensors]


def check(loss_and_grads, torch_loss, *params):
    """loss_and_grads(*params) -> (J, grad_1, ...) agrees with finite differences and autograd."""
    J, *grads = loss_and_grads(*params)
    for p, g in zip(params, grads):
        np.testing.assert_allclose(
            g, numerical_gradient(lambda: loss_and_grads(*params)[0], p), atol=1e-7
        )
    assert J == pytest.approx(torch_loss(*map(torch.tensor, params)).item(), rel=1e-12)
    for g, ga in zip(grads, autograd(torch_loss, *params)):
        np.testing.assert_allclose(g, ga, rtol=1e-10, atol=1e-12)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_naive_softmax_gradients(rng):
    v_c, U = rng.normal(size=4), rng.normal(size=(7, 4))
    check(
        lambda v, U: naive_softmax_loss(v, 3, U),
        lambda v, U: -torch.log_softmax(U @ v, 0)[3],
        v_c,
        U,
    )
    # the lecture's form of the gradient: -u_o + sum_w P(w|c) u_w
    _, grad_v, _ = naive_softmax_loss(v_c, 3, U)
    P = np.exp(U @ v_c) / np.exp(U @ v_c).sum()
    np.testing.assert_allclose(grad_v, -U[3] + P @ U)


def test_negative_sampling_gradients_with_repeats_and_the_outside_word(rng):
    v_c, U = rng.normal(size=4), rng.normal(size=(7, 4))
    o, negatives = 2, np.array([5, 2, 5, 5, 0])  # 5 three times, and o itself once

    def torch_loss(v, U):
        s = U @ v
        return (
            -torch.nn.functional.logsigmoid(s[o])
            - torch.nn.functional.logsigmoid(-s[negatives]).sum()
        )

    check(lambda v, U: negative_sampling_loss(v, o, U, negatives), torch_loss, v_c, U)
    _, _, grad_U = negative_sampling_loss(v_c, o, U, negatives)
    assert np.all(grad_U[[1, 3, 4, 6]] == 0)  # only rows that occur get a gradient


@pytest.mark.parametrize("loss", ["naive", "negative"])
def test_cbow_gradients_include_the_one_over_2m(rng, loss):
    contexts, U = rng.normal(size=(4, 3)), rng.normal(size=(6, 3))  # 2m = 4 context words
    negatives = np.array([1, 1, 4])
    if loss == "naive":
        exact = lambda C, U: cbow_loss(C, 2, U)  # noqa: E731
        torch_loss = lambda C, U: -torch.log_softmax(U @ C.mean(0), 0)[2]  # noqa: E731
    else:
        exact = lambda C, U: cbow_loss(C, 2, U, negative_sampling_loss, negatives=negatives)  # noqa: E731

        def torch_loss(C, U):
            s = U @ C.mean(0)
            return (
                -torch.nn.functional.logsigmoid(s[2])
                - torch.nn.functional.logsigmoid(-s[negatives]).sum()
            )

    check(exact, torch_loss, contexts, U)
    _, grad_C, _ = exact(contexts, U)
    _, grad_h, _ = (
        naive_softmax_loss(contexts.mean(0), 2, U)
        if loss == "naive"
        else negative_sampling_loss(contexts.mean(0), 2, U, negatives)
    )
    np.testing.assert_allclose(grad_C, np.tile(grad_h / 4, (4, 1)))


def test_hierarchical_softmax_gradients_and_leaf_probabilities(rng):
    counts = np.array([50, 20, 20, 9, 5, 3, 1])
    tree = huffman_tree(counts)
    h, N = rng.normal(size=3), rng.normal(size=(len(counts) - 1, 3))
    w = 5
    path, code = tree.path(w), tree.code(w)
    sign = torch.tensor(1.0 - 2.0 * code)
    check(
        lambda h, N: hierarchical_softmax_loss(h, path, code, N),
        lambda h, N: -torch.nn.functional.logsigmoid(sign * (N[path] @ h)).sum(),
        h,
        N,
    )
    # the tree defines a distribution over the V words: the leaf probabilities sum to one
    P = [np.exp(-hierarchical_softmax_loss(h, tree.path(v), tree.code(v), N)[0]) for v in range(7)]
    assert sum(P) == pytest.approx(1.0, abs=1e-12)


def test_stable_at_large_scores():
    x = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    assert np.all(np.isfinite(log_sigmoid(x))) and log_sigmoid(x)[0] == pytest.approx(-1000)
    np.testing.assert_allclose(sigmoid(x), [0, 1 / (1 + np.exp(30)), 0.5, 1 / (1 + np.exp(-30)), 1])
    U = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    for v_c in (np.array([1000.0, 0.0]), np.array([-1000.0, 0.0])):  # scores +-1000
        for J, grad_v, grad_U in (
            naive_softmax_loss(v_c, 0, U),
            negative_sampling_loss(v_c, 0, U, [1, 2]),
            hierarchical_softmax_loss(v_c, [0, 1], [0, 1], U[:2]),
        ):
            assert np.isfinite(J) and np.isfinite(grad_v).all() and np.isfinite(grad_U).all()
    J, grad_v, _ = naive_softmax_loss(np.array([-1000.0, 0.0]), 0, U)  # o is 2000 below the best
    assert J == pytest.approx(2000.0) and np.allclose(grad_v, U[1] - U[0])


def test_negative_sampling_step_is_the_exact_gradient_summed_over_the_batch(rng):
    B, K, V, d, lr = 6, 3, 5, 4, 0.1
    h, U = rng.normal(size=(B, d)), rng.normal(size=(V, d))
    targets = rng.integers(0, V, size=(B, 1 + K))  # small V: rows repeat across and within rows
    exact = [negative_sampling_loss(h[b], targets[b, 0], U, targets[b, 1:]) for b in range(B)]
    U_t = torch.tensor(U)
    step_h, loss = negative_sampling_step(torch.tensor(h), torch.tensor(targets), U_t, lr)
    np.testing.assert_allclose(step_h.numpy(), -lr * np.array([e[1] for e in exact]), atol=1e-12)
    np.testing.assert_allclose(U_t.numpy(), U - lr * sum(e[2] for e in exact), atol=1e-12)
    assert loss.item() == pytest.approx(sum(e[0] for e in exact))


def test_hierarchical_softmax_step_is_the_exact_gradient_summed_over_the_batch(rng):
    counts = rng.integers(1, 100, size=9)
    tree = huffman_tree(counts)
    B, d, lr = 7, 3, 0.1
    h, N = rng.normal(size=(B, d)), rng.normal(size=(len(counts) - 1, d))
    targets = rng.integers(0, len(counts), size=B)
    exact = [
        hierarchical_softmax_loss(h[b], tree.path(w), tree.code(w), N)
        for b, w in enumerate(targets)
    ]
    N_t = torch.tensor(N)
    arrays = [torch.tensor(a) for a in (tree.paths, tree.codes, tree.lengths)]
    step_h, loss = hierarchical_softmax_step(
        torch.tensor(h), torch.tensor(targets), N_t, *arrays, lr
    )
    np.testing.assert_allclose(step_h.numpy(), -lr * np.array([e[1] for e in exact]), atol=1e-12)
    np.testing.assert_allclose(N_t.numpy(), N - lr * sum(e[2] for e in exact), atol=1e-12)
    assert loss.item() == pytest.approx(sum(e[0] for e in exact))


@pytest.mark.parametrize("cbow", [False, True])
@pytest.mark.parametrize("compiled", [False, True])
def test_negative_sampling_chunk_takes_the_steps_of_train_step(rng, cbow, compiled):
    """The CPU's loops (numba, or plain Python) against the torch step, batch by batch."""
    if compiled and word2vec.numba is None:
        pytest.skip("numba is not installed")
    python = getattr(negative_sampling_chunk, "py_func", negative_sampling_chunk)
    chunk = negative_sampling_chunk if compiled else python
    n, B, V, d, K = 70, 16, 9, 5, 3  # small V: rows repeat within a batch; a partial last batch
    W, U = rng.normal(size=(V, d)), rng.normal(size=(V, d))
    if cbow:  # 2m = 4 context slots, some empty (0), at least one word each
        inputs = np.where(rng.random((n, 4)) < 0.3, 0, rng.integers(1, V, size=(n, 4)))
        inputs[:, 0] = rng.integers(1, V, size=n)
    else:
        inputs = rng.integers(1, V, size=(n, 1))
    targets = rng.integers(1, V, size=(n, 1 + K))
    lrs = np.array([0.3, 0.2, 0.1, 0.05, 0.02])  # one per batch of B
    W_t, U_t, W_before, U_before = torch.tensor(W), torch.tensor(U), W.copy(), U.copy()
    expected = 0.0
    for i, lr in enumerate(lrs):
        rows = torch.tensor(inputs[i * B : (i + 1) * B])
        batch = rows if cbow else rows[:, 0]
        expected += train_step(W_t, U_t, batch, torch.tensor(targets[i * B : (i + 1) * B]), lr)
    loss = chunk(W, U, inputs, targets, lrs, B)
    np.testing.assert_allclose(W, W_t.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(U, U_t.numpy(), rtol=1e-10, atol=1e-12)
    assert loss == pytest.approx(expected.item(), rel=1e-10)
    assert np.abs(W - W_before).max() > 0.1 and np.abs(U - U_before).max() > 0.1  # it moved


def test_noise_sampler_matches_unigram_to_the_three_quarters():
    counts = np.array([0, 5000, 1200, 700, 300, 90, 40, 10, 3, 1])  # word 0 (<unk>) never drawn
    p = counts**0.75 / (counts**0.75).sum()
    np.testing.assert_allclose(noise_distribution(counts), p)
    accept, alias = alias_table(p)  # the table holds exactly p: accepted mass + aliased mass
    V = len(p)
    held = accept / V + np.bincount(alias, weights=(1 - accept) / V, minlength=V)
    np.testing.assert_allclose(held, p, atol=1e-12)
    n = 200_000
    draws = NoiseSampler(counts)((n,), torch.Generator().manual_seed(0)).numpy()
    observed = np.bincount(draws, minlength=V)
    assert observed[0] == 0
    chi2 = stats.chisquare(observed[1:], n * p[1:])
    assert chi2.pvalue > 1e-3


def weighted_length_of_an_optimal_code(counts):
    """Huffman's cost (the sum of counts * code lengths): the sum of all merged weights."""
    heap, cost = list(counts), 0
    heapq.heapify(heap)
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        cost += merged
        heapq.heappush(heap, merged)
    return cost


@pytest.mark.parametrize("V", [2, 3, 50, 1000])
def test_huffman_codes(V):
    counts = (1e6 / np.arange(1, V + 1)).astype(np.int64)  # Zipf
    tree = huffman_tree(counts)
    codes = ["".join(map(str, tree.code(w))) for w in range(V)]
    ranked = sorted(codes)
    assert all(not b.startswith(a) for a, b in zip(ranked, ranked[1:]))  # prefix-free
    assert sum(2.0**-tree.lengths) == pytest.approx(1.0)  # a full binary tree (Kraft)
    assert (tree.lengths * counts).sum() == weighted_length_of_an_optimal_code(counts)
    assert np.all(np.diff(tree.lengths) >= 0)  # more frequent words never get longer codes
    assert all(tree.path(w)[0] == V - 2 for w in range(V))  # every path starts at the root
    mean = (tree.lengths * counts).sum() / counts.sum()
    assert mean < np.log2(V) or V == 2


def test_huffman_uniform_counts_give_log2_v():
    assert huffman_tree(np.ones(1024)).lengths.tolist() == [10] * 1024
    lengths = huffman_tree(np.full(1000, 7)).lengths
    assert np.log2(1000) <= lengths.mean() < np.log2(1000) + 0.05
    with pytest.raises(ValueError, match="at least 2"):
        huffman_tree([5])


def test_context_windows_shrink_at_random_and_stop_at_sentences(rng):
    n, m = 20_000, 4
    ids = np.arange(1, n + 1)
    contexts = context_windows(ids, m, rng)
    offsets = np.r_[-m:0, 1 : m + 1]
    present = contexts > 0
    assert np.all(contexts[present] == (np.arange(n)[:, None] + offsets + 1)[present])
    # distance k is inside a window drawn from 1..m with probability (m - k + 1) / m
    share = present[m:-m].mean(0)
    np.testing.assert_allclose(share, (m - np.abs(offsets) + 1) / m, atol=0.02)
    sentence = np.repeat([0, 1], [3, 4])
    ctx = context_windows(np.arange(1, 8), m, rng, sentence)
    assert set(ctx[:3].ravel()) <= {0, 1, 2, 3} and set(ctx[3:].ravel()) <= {0, 4, 5, 6, 7}


@pytest.fixture(scope="module")
def corpus():
    """200k words of text8, or, where dlnlp.data falls back to its embedded Wikipedia sample
    (digits dropped, so number words are rare), all of it with more passes to learn them."""
    words = data.words("text8-prefix", max_words=200_000)
    if data.last_source.get("text8-prefix") != "embedded":
        return words, {"epochs": 3}
    return data.words("text8-prefix"), {"epochs": 5, "sample": 1e-3}


@pytest.mark.parametrize("cbow", [False, True])
def test_training_lowers_the_loss_and_groups_number_words(corpus, cbow):
    words, settings = corpus
    result = train(words, cbow=cbow, dim=50, threads=2, progress=False, seed=1, **settings)
    assert result.V.shape == (len(result.vocab), 50)
    first, last = result.loss[:3, 1].mean(), result.loss[-3:, 1].mean()
    assert last < first - 0.5
    kv = result.keyed_vectors()
    for probe in ("three", "four"):
        neighbours = {w for w, _ in kv.most_similar(probe, topn=10)}
        assert len(neighbours & NUMBERS) >= 3, (probe, neighbours)


@pytest.mark.parametrize("cbow", [False, True])
def test_cpu_training_is_the_same_with_and_without_numba(corpus, monkeypatch, cbow):
    """One thread, one seed: numba's loops and the torch steps (the GPU's path) give one run."""
    if word2vec.numba is None:
        pytest.skip("numba is not installed")
    settings = dict(cbow=cbow, dim=20, epochs=1, threads=1, progress=False, seed=2)
    fast = train(corpus[0][:30_000], **settings)
    monkeypatch.setattr(word2vec, "numba", None)
    plain = train(corpus[0][:30_000], **settings)
    np.testing.assert_allclose(fast.V.numpy(), plain.V.numpy(), atol=1e-6)
    np.testing.assert_allclose(fast.U.numpy(), plain.U.numpy(), atol=1e-6)
    np.testing.assert_allclose(fast.loss, plain.loss, rtol=1e-5)


def test_hierarchical_softmax_training_and_reproducibility(corpus):
    runs = [
        train(corpus[0][:50_000], hs=True, dim=20, epochs=1, threads=1, progress=False, seed=s)
        for s in (3, 3, 4)
    ]
    assert torch.equal(runs[0].V, runs[1].V) and not torch.equal(runs[0].V, runs[2].V)
    assert runs[0].U.shape == (len(runs[0].vocab) - 1, 20)  # one vector per inner node
    assert runs[0].loss[-1, 1] < runs[0].loss[0, 1]


def test_divergence_is_an_error_not_nan_vectors(corpus):
    with pytest.raises(FloatingPointError, match="lower alpha"):
        train(corpus[0][:50_000], hs=True, alpha=1e4, dim=20, epochs=1, progress=False)


def test_bad_arguments():
    words = "a b c a b c a b".split()
    with pytest.raises(ValueError, match="min_count"):
        train(words, min_count=10, progress=False)
    with pytest.raises(ValueError, match="no words"):
        train([], progress=False)
    with pytest.raises(ValueError, match="dim"):
        train(words, dim=0, min_count=1, progress=False)
    with pytest.raises(ValueError, match="device"):
        train(words, device="tpu", min_count=1, progress=False)


def test_word2vec_file_round_trip(tmp_path):
    result = train(
        "the cat sat on the mat the dog sat".split() * 50,
        dim=8,
        min_count=1,
        epochs=1,
        progress=False,
    )
    kv = result.keyed_vectors()
    save_word2vec(kv, tmp_path / "v.txt")
    back = load_word2vec(tmp_path / "v.txt")
    assert back.index_to_key == result.vocab.itos[1:]
    np.testing.assert_allclose(back.vectors, result.V[1:].numpy(), atol=1e-6)


def run_cli(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "dlnlp.vectors.word2vec", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def corpus_file(tmp_path):
    path = tmp_path / "corpus.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write("the cat sat on the mat\nthe dog sat on the log\n" * 200)
    return path


def test_cli_trains_and_rejects_bad_input_in_one_line(tmp_path, corpus_file):
    out = tmp_path / "v.txt"
    common = ["--out", out, "--epochs", "1"]
    procs = {  # in parallel, as each process pays for importing torch
        "not found": run_cli("--corpus", tmp_path / "missing.txt", *common),
        "device": run_cli("--corpus", corpus_file, "--device", "tpu", *common),
        "": run_cli("--corpus", corpus_file, "--dim", "10", "--min-count", "1", *common),
    }
    for expected, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        if expected:
            lines = stderr.strip().splitlines()
            assert proc.returncode == 2 and len(lines) == 1, stderr
            assert expected in lines[0] and "Traceback" not in stderr
    assert procs[""].returncode == 0, stderr
    assert "words/s" in stdout
    kv = load_word2vec(out)
    assert set(kv.index_to_key) == {"the", "cat", "sat", "on", "mat", "dog", "log"}
    assert kv.vector_size == 10


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--min-count", "100000"], "min_count"),
        (["--dim", "0"], "dim"),
        (["--dim", "ten"], "--dim"),
        (["--corpus", "EMPTY"], "no words"),
    ],
)
def test_cli_bad_values_end_in_one_line_and_status_2(tmp_path, corpus_file, capsys, args, expected):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n")
    args = [str(empty) if a == "EMPTY" else a for a in args]
    with pytest.raises(SystemExit) as stop:
        main(["--corpus", str(corpus_file), "--out", str(tmp_path / "v.txt"), *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 2 and len(err) == 1 and expected in err[0]
