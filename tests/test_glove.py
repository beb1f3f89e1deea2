"""GloVe: weighting, loss gradients, AdaGrad, training on real text, the command line."""

import gzip
import math
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from gensim.models import KeyedVectors

from dlnlp import data
from dlnlp.vectors import keyed_vectors, save_word2vec
from dlnlp.vectors.glove import (
    Params,
    adagrad_step,
    cooccurrence,
    entries,
    gradients,
    init_params,
    loss,
    main,
    train,
    weighting,
)

NUMBERS = {"zero", "one", "two", "four", "five", "six", "seven", "eight", "nine", "ten"}


def test_weighting_is_the_capped_power():
    x = torch.linspace(0, 300, 3001, dtype=torch.float64)
    f = weighting(x)  # x_max = 100, alpha = 3/4
    assert f[0] == 0
    assert f.max() == 1 and (f[x >= 100] == 1).all()
    assert (f.diff() >= 0).all()
    for x_max, alpha in [(100, 0.75), (10, 0.5), (3, 1.0)]:
        for v in [0.5, 1.0, 2.9, 7.0, 99.0, 150.0]:
            expected = (v / x_max) ** alpha if v < x_max else 1.0
            got = weighting(torch.tensor(v, dtype=torch.float64), x_max, alpha).item()
            assert got == pytest.approx(expected, rel=1e-12)


def batch_with_repeats():
    """A tiny float64 problem: indices repeat within the batch; counts on both sides of x_max."""
    params = Params(*(t.double() * 50 for t in init_params(5, 3, seed=1)))  # not tiny
    i = torch.tensor([0, 2, 2, 4, 0, 2])
    j = torch.tensor([1, 1, 3, 2, 0, 1])
    x = torch.tensor([1.0, 3.0, 250.0, 0.5, 40.0, 7.0], dtype=torch.float64)
    return params, i, j, x


def loss_by_loop(params, i, j, x, x_max, alpha):
    """J written out entry by entry, straight from the paper's formula (with the 1/2)."""
    W, W_tilde, b, b_tilde = (p.numpy() for p in params)
    J = 0.0
    for a, c, v in zip(i.tolist(), j.tolist(), x.tolist()):
        f = (v / x_max) ** alpha if v < x_max else 1.0
        J += 0.5 * f * (W[a] @ W_tilde[c] + b[a] + b_tilde[c] - math.log(v)) ** 2
    return J


def dense(rows, grad, like):
    return torch.zeros_like(like).index_put_((rows,), grad)


def test_gradients_match_finite_differences_and_autograd():
    params, i, j, x = batch_with_repeats()
    x_max, alpha = 100.0, 0.75
    J, rows_i, rows_j, grads = gradients(params, i, j, x, x_max, alpha)
    assert J.item() == pytest.approx(loss_by_loop(params, i, j, x, x_max, alpha), rel=1e-12)
    assert loss(params, i, j, x, x_max, alpha).item() == pytest.approx(J.item(), rel=1e-12)
    assert rows_i.tolist() == [0, 2, 4] and rows_j.tolist() == [0, 1, 2, 3]
    full = [dense(r, g, p) for r, g, p in zip((rows_i, rows_j) * 2, grads, params)]

    # central finite differences of the loop loss, one parameter entry at a time
    eps = 1e-6
    for p, g in zip(params, full):
        numeric = torch.zeros_like(p)
        for k in range(p.numel()):
            saved = p.view(-1)[k].item()
            p.view(-1)[k] = saved + eps
            up = loss_by_loop(params, i, j, x, x_max, alpha)
            p.view(-1)[k] = saved - eps
            down = loss_by_loop(params, i, j, x, x_max, alpha)
            p.view(-1)[k] = saved
            numeric.view(-1)[k] = (up - down) / (2 * eps)
        torch.testing.assert_close(g, numeric, rtol=1e-6, atol=1e-7)

    # and torch.autograd on the loss
    leaves = Params(*(p.clone().requires_grad_() for p in params))
    loss(leaves, i, j, x, x_max, alpha).backward()
    for leaf, g in zip(leaves, full):
        torch.testing.assert_close(g, leaf.grad, rtol=1e-10, atol=1e-12)


def test_adagrad_step_by_hand():
    lr = 0.05
    theta = torch.tensor([1.0, -2.0], dtype=torch.float64)
    G = torch.ones(2, dtype=torch.float64)  # the C tool's initial accumulator
    g = torch.tensor([0.5, -3.0], dtype=torch.float64)
    adagrad_step(theta, g, G, lr)
    # scaled gradient lr*g = [0.025, -0.15]; G = 1 + (lr*g)^2; theta -= lr*g / sqrt(G)
    G1 = [1 + 0.025**2, 1 + 0.15**2]
    torch.testing.assert_close(G, torch.tensor(G1, dtype=torch.float64), rtol=1e-15, atol=0)
    assert theta[0].item() == pytest.approx(1.0 - 0.025 / math.sqrt(G1[0]), rel=1e-14)
    assert theta[1].item() == pytest.approx(-2.0 + 0.15 / math.sqrt(G1[1]), rel=1e-14)
    adagrad_step(theta, g, G, lr)  # a second step divides by the grown accumulator
    G2 = 1 + 2 * 0.15**2
    assert G[1].item() == pytest.approx(G2, rel=1e-15)
    assert theta[1].item() == pytest.approx(
        -2.0 + 0.15 / math.sqrt(G1[1]) + 0.15 / math.sqrt(G2), rel=1e-14
    )
    # a huge gradient moves a coordinate by at most 1
    big = torch.zeros(1, dtype=torch.float64)
    adagrad_step(big, torch.tensor([1e6], dtype=torch.float64), torch.ones(1, dtype=torch.float64))
    assert -1 < big.item() < -0.99

    # only the named rows of a matrix move
    M = torch.arange(6, dtype=torch.float64).reshape(3, 2)
    G = torch.ones(3, 2, dtype=torch.float64)
    grad_rows = torch.tensor([[20.0, 0.0], [-10.0, 10.0]], dtype=torch.float64)  # rows 2, 0
    adagrad_step(M, grad_rows, G, lr, rows=torch.tensor([2, 0]))
    root0, root2 = math.sqrt(1 + 0.5**2), math.sqrt(1 + 1.0**2)  # scaled steps 0.5 and 1.0
    expected = [[0 + 0.5 / root0, 1 - 0.5 / root0], [2, 3], [4 - 1.0 / root2, 5]]
    torch.testing.assert_close(M, torch.tensor(expected, dtype=torch.float64))
    assert G.tolist() == [[1.25, 1.25], [1.0, 1.0], [2.0, 1.0]]


def test_zero_entries_are_never_used():
    rng = np.random.default_rng(0)
    counts = rng.poisson(0.7, size=(8, 8)).astype(float)
    counts += counts.T
    X = sp.csr_matrix(counts)
    # the same counts with explicitly stored zeros (log 0 = -inf if they were used)
    rows, cols = np.nonzero(np.ones_like(counts))
    X_zeros = sp.csr_matrix((counts[rows, cols], (rows, cols)), shape=counts.shape)
    assert X_zeros.nnz == 64 > X.nnz
    i, j, x = entries(X_zeros)
    assert (x > 0).all() and len(x) == X.nnz
    a = train(X, 4, epochs=3, batch_size=8, progress=False)
    b = train(X_zeros, 4, epochs=3, batch_size=8, progress=False)
    assert np.isfinite(b.losses).all() and torch.isfinite(b.vectors).all()
    torch.testing.assert_close(a.vectors, b.vectors, rtol=0, atol=0)  # same seed, same result
    hogwild = train(X, 4, epochs=3, batch_size=8, threads=2, progress=False)
    assert hogwild.losses[-1] < hogwild.losses[0] and torch.isfinite(hogwild.vectors).all()
    with pytest.raises(ValueError, match="negative"):
        entries(sp.csr_matrix(-counts))
    with pytest.raises(ValueError, match="square"):
        entries(sp.csr_matrix(counts[:5]))
    with pytest.raises(ValueError, match="no positive entries"):
        train(sp.csr_matrix((8, 8)), 4, progress=False)


def test_cooccurrence_drops_rare_words_and_weighs_by_distance():
    X, words = cooccurrence(["a", "b", "rare", "a", "b"], min_count=2, window=10)
    assert words == ["a", "b"]
    # "rare" is removed first, leaving a b a b: pairs at distances 1, 2, 3, 1, 2, 1
    a_b = 1 + 1 / 3 + 1 + 1  # (0,1) d=1, (0,3) d=3, (1,2) d=1, (2,3) d=1
    np.testing.assert_allclose(X.toarray(), [[2 * 1 / 2, a_b], [a_b, 2 * 1 / 2]])
    with pytest.raises(ValueError, match="min_count=3"):
        cooccurrence(["a", "b", "a"], min_count=3)


@pytest.fixture(scope="module")
def text8_fit():
    tokens = data.words("text8", max_words=200_000)  # the mirror's prefix or the wiki sample
    X, words = cooccurrence(tokens, min_count=5, window=10)
    return X, words, train(X, 50, epochs=6, seed=0, threads=1, progress=False)


def test_training_lowers_the_loss_and_groups_numbers(text8_fit):
    X, words, fit = text8_fit
    assert fit.vectors.shape == (len(words), 50)
    i, j, x = entries(X)
    start = loss(init_params(len(words), 50, seed=0), i, j, x).item() / len(x)  # J / N at init
    assert all(later < earlier for earlier, later in zip([start, *fit.losses], fit.losses))
    assert fit.losses[-1] < 0.5 * start
    # number words crowd round "three": at least 3 in its nearest 1% (random vectors: ~0.1)
    topn = max(10, len(words) // 100)
    kv = keyed_vectors(fit.vectors, words)
    near = {w for w, _ in kv.most_similar("three", topn=topn)}
    assert len(near & NUMBERS) >= 3, sorted(near)


def test_save_and_load_with_gensim(text8_fit, tmp_path):
    _, words, fit = text8_fit
    save_word2vec(keyed_vectors(fit.vectors, words), tmp_path / "glove.txt")
    back = KeyedVectors.load_word2vec_format(str(tmp_path / "glove.txt"))
    assert back.index_to_key == words
    np.testing.assert_allclose(back.vectors, fit.vectors.numpy(), rtol=1e-6, atol=1e-7)


def cli(*args):
    cmd = [sys.executable, "-m", "dlnlp.vectors.glove", *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "corpus.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write(" ".join(data.words("text8", max_words=20_000)))
    return path


def test_command_line(corpus, tmp_path):
    out = str(tmp_path / "vectors.txt")
    good = ["--dim", "10", "--epochs", "2", "--threads", "1", "--out", out]
    bad = {  # arguments, and a word the one error line must contain (one case per check)
        "missing file": (["--corpus", str(tmp_path / "nope.txt"), *good], "nope.txt"),
        "no vocabulary": (["--corpus", str(corpus), "--min-count", "10000000", *good], "min"),
        "unknown device": (["--corpus", str(corpus), *good, "--device", "tpu"], "--device"),
    }
    runs = {name: cli(*args) for name, (args, _) in bad.items()}  # side by side: ~3 s imports
    ok = cli("--corpus", str(corpus), *good)
    for name, run in runs.items():
        _, err = run.communicate(timeout=300)
        lines = err.strip().splitlines()
        assert run.returncode == 2, (name, err)
        assert len(lines) == 1 and bad[name][1] in lines[0], (name, err)
    stdout, stderr = ok.communicate(timeout=300)
    assert ok.returncode == 0, stderr
    assert "tokens/s" in stdout and "non-zeros/s" in stdout
    kv = KeyedVectors.load_word2vec_format(out)
    assert kv.vector_size == 10 and "the" in kv


@pytest.mark.parametrize(
    "args, word",
    [
        (["--dim", "0"], "--dim"),
        (["--dim", "-3"], "--dim"),
        (["--x-max", "0"], "--x-max"),
        (["--x-max", "-1"], "--x-max"),
        (["--device", "cuda:x"], "--device"),
        (["--corpus", "EMPTY"], "no words"),
        (["--out", "NOWHERE"], "--out"),
    ],
)
def test_command_line_bad_input_in_process(args, word, corpus, tmp_path, capsys):
    """The other bad inputs, through the same ``main`` without a new interpreter each."""
    (tmp_path / "empty.txt").write_text(" \n")
    named = {"EMPTY": tmp_path / "empty.txt", "NOWHERE": tmp_path / "no" / "v.txt"}
    args = [str(named.get(a, a)) for a in args]
    with pytest.raises(SystemExit) as stop:
        main(["--corpus", str(corpus), "--out", str(tmp_path / "v.txt"), *args])
    lines = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == 2 and len(lines) == 1 and word in lines[0], lines
