"""Hidden tests of ``a4_backprop``: input generators, trusted references, points and hints.

This file is the instructor's secret: it is never released, never readable inside the
sandbox, and nothing from it reaches the feedback except each test's name and hint. Inputs
are drawn at grading time from a fresh seed, with sizes that vary from run to run, so a
hard-coded answer cannot pass. The references are written here from the formulas,
independently of ``dlnlp``; tests/test_autograder_a4.py checks them against torch autograd
and central differences.

Conventions (stated in the notebook). A window is n = 2m + 1 word ids; a batch is ``windows``
(B, n) with ``labels`` (B,). The model, with rows as windows:

    x = L[windows].reshape(B, n d)      the window's embeddings, concatenated in order
    z = x W^T + b,  h = tanh(z)         W (D, n d), b (D,)
    s = h U^T + c                       U (C, D), c (C,)
    J = (1/B) sum_k -log softmax(s_k)[y_k]      the MEAN over the batch

so delta_s = (P - Y) / B, delta_z = (delta_s U) * (1 - h^2), dW = delta_z^T x, dx = delta_z W,
and dJ/dL collects the blocks of dx of every occurrence of a word (np.add.at). The padding id
is an ordinary row of L. Every graded function gets the results of the other parts as
arguments (``backward`` the probabilities and the cache, ``embedding_gradient`` the gradient
of x) and none calls another graded function, so a wrong part never costs another its points
and no ``patch`` is needed. The gradient check is graded in two pieces: ``numerical_gradient``
on the harness's "quadratic" probe and ``max_relative_error`` on planted gradient pairs.
"""

from __future__ import annotations

import numpy as np

from autograder.verdict import Test

ASSIGNMENT = "a4_backprop"
NOTEBOOK = "a4_backprop"

#: answer cells (nbgrader grade_id) and the functions each one defines
ANSWERS = {
    "windows": ["make_windows"],
    "softmax": ["softmax", "cross_entropy"],
    "forward": ["forward"],
    "backward": ["backward"],
    "embedding": ["embedding_gradient"],
    "gradcheck": ["numerical_gradient", "max_relative_error"],
    "sgd": ["sgd_step"],
}

#: nbgrader test cells (grade_id) and their points; the hidden tests below share them out
PARTS = {
    "test_windows": 10,
    "test_softmax": 15,
    "test_forward": 10,
    "test_backward": 25,
    "test_embedding": 15,
    "test_gradcheck": 20,
    "test_sgd": 5,
}

# --- trusted references ---------------------------------------------------------------------


def make_windows(sentence, m, pad_id):
    """Row t: the ids at positions t - m, ..., t + m, and pad_id outside the sentence."""
    T = len(sentence)
    out = np.full((T, 2 * m + 1), pad_id, dtype=np.int64)
    for t in range(T):
        for j in range(2 * m + 1):
            if 0 <= t - m + j < T:
                out[t, j] = sentence[t - m + j]
    return out


def _log_softmax(scores):
    scores = np.asarray(scores, dtype=np.float64)
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax(scores):
    """Row by row, exp(s - logsumexp(s)): finite for every finite s."""
    return np.exp(_log_softmax(scores))


def cross_entropy(scores, labels):
    """(1/B) sum_k -log softmax(s_k)[y_k], from log-sum-exp: a mean, never log of 0."""
    log_p = _log_softmax(scores)
    return -float(np.mean(log_p[np.arange(len(labels)), labels]))


def forward(windows, L, W, b, U, c):
    """(scores (B, C), (x (B, n d), z (B, D), h (B, D)))."""
    x = np.concatenate([L[windows[:, j]] for j in range(windows.shape[1])], axis=1)
    z = x @ W.T + b
    h = np.tanh(z)
    return h @ U.T + c, (x, z, h)


def backward(labels, probs, x, z, h, W, U):
    """(dW, db, dU, dc, dx) of the mean cross-entropy; f'(z) = 1 - tanh(z)^2."""
    B = len(labels)
    delta_s = probs - np.eye(probs.shape[1])[labels]
    delta_s /= B
    delta_z = (delta_s @ U) * (1.0 - np.tanh(z) ** 2)
    return (delta_z.T @ x, delta_z.sum(axis=0), delta_s.T @ h, delta_s.sum(axis=0),
            delta_z @ W)  # fmt: skip


def embedding_gradient(windows, grad_x, vocab_size):
    """dJ/dL (vocab_size, d): one block of grad_x added per occurrence, repeats included."""
    B, n = windows.shape
    d = grad_x.shape[1] // n
    grad_L = np.zeros((vocab_size, d))
    for k in range(B):
        for j in range(n):
            grad_L[windows[k, j]] += grad_x[k, j * d : (j + 1) * d]
    return grad_L


def quadratic_gradient(quadratic, theta, eps):
    """The true gradient of the probe's loss 1/2 sum a (theta - b)^2, where a has an extra
    leading axis: (sum_k a_k) (theta - b). The probe's own second output, a (theta - b), has
    that extra axis, so an answer that returns it instead of estimating fails on its shape."""
    return quadratic["a"].sum(axis=0) * (theta - quadratic["b"])


def theta_unchanged(quadratic, theta, eps):
    return [None, [np.array(theta, dtype=np.float64)]]


def max_relative_error(analytic, numeric, tiny):
    """max over entries of |a - n| / max(|a|, |n|, tiny)."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    return float(np.max(np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)))


def sgd(theta, grad, lr):
    """[returned theta, [the caller's theta afterwards]]: the step, taken in place."""
    new = theta - lr * grad
    return [new, [new]]


# --- input generators ----------------------------------------------------------------------


def _windows_inputs(kind):
    """kind: "sentence" (at least one full window, pad id 0), "pad_id" (a pad id other than
    0, with 0 an ordinary word of the sentence) or "short" (fewer words than the window, a
    single word sometimes, pad id 0)."""

    def inputs(rng):
        m = int(rng.integers(1, 4))
        V = int(rng.integers(8, 40))
        if kind == "short":
            m = int(rng.integers(2, 4))
            T = 1 if rng.random() < 0.4 else int(rng.integers(2, 2 * m + 1))
        else:
            T = int(rng.integers(2 * m + 2, 16))
        sentence = rng.integers(1, V, size=T)
        pad_id = 0
        if kind == "pad_id":
            pad_id = V  # e.g. a padding row after the vocabulary's words
            sentence[int(rng.integers(T))] = 0
        return [sentence.astype(np.int64), m, pad_id]

    return inputs


def _scores_inputs(kind, labels_too=True):
    """[scores, labels] (only [scores] without ``labels_too``); kind: "values" (moderate
    scores), "large" (rows shifted by 800 to 1100, up and down; the true class near the top
    of its row), "one" (a batch of one window) or "confident" (the true class scores far below
    the best one)."""

    def inputs(rng):
        B = 1 if kind == "one" else int(rng.integers(2, 12))
        C = int(rng.integers(3, 9))
        scores = rng.normal(0.0, 2.5, size=(B, C))
        labels = rng.integers(C, size=B)
        if kind == "large":
            # |s| > 760 everywhere: exp overflows above 709.8 and underflows below -745.2
            shift = rng.uniform(800.0, 1100.0, size=(B, 1)) * rng.choice([-1.0, 1.0], (B, 1))
            shift[0], shift[-1] = abs(shift[0]), -abs(shift[-1])  # both kinds in every batch
            scores = scores + shift
        elif kind == "confident":
            top = (labels + rng.integers(1, C, size=B)) % C  # another class than the true one
            scores[np.arange(B), top] += rng.uniform(800.0, 1200.0, size=B)
        return [scores, labels.astype(np.int64)] if labels_too else [scores]

    return inputs


def _model(rng, B, padded=False):
    """Windows and parameters of a small classifier; with ``padded`` the windows come from
    sentences, with the padding id 0 at their edges."""
    V, d, m = int(rng.integers(6, 20)), int(rng.integers(2, 5)), int(rng.integers(1, 3))
    D, C = int(rng.integers(3, 8)), int(rng.integers(2, 6))
    n = 2 * m + 1
    if padded:
        rows = []
        while sum(len(r) for r in rows) < B:
            rows.append(make_windows(rng.integers(1, V, size=int(rng.integers(1, 6))), m, 0))
        windows = np.concatenate(rows)[:B]
    else:
        windows = rng.integers(V, size=(B, n))
    L = rng.normal(0.0, 1.0, size=(V, d))
    W = rng.normal(0.0, 1.0 / np.sqrt(n * d), size=(D, n * d)) * rng.uniform(1.0, 2.5)
    b, U, c = rng.normal(0.0, 0.5, D), rng.normal(0.0, 1.0, (C, D)), rng.normal(0.0, 0.5, C)
    return windows.astype(np.int64), L, W, b, U, c


def _forward_inputs(kind):
    """kind: "any" (a batch of windows, some from sentence edges) or "one" (one window)."""

    def inputs(rng):
        B = 1 if kind == "one" else int(rng.integers(2, 10))
        return list(_model(rng, B, padded=kind == "any"))

    return inputs


def _backward_inputs(kind):
    """The forward pass done here (trusted): labels, probs, x, z, h, W, U of a batch."""

    def inputs(rng):
        B = 1 if kind == "one" else int(rng.integers(2, 10))
        windows, L, W, b, U, c = _model(rng, B)
        scores, (x, z, h) = forward(windows, L, W, b, U, c)
        labels = rng.integers(U.shape[0], size=B).astype(np.int64)
        return [labels, softmax(scores), x, z, h, W, U]

    return inputs


def _embedding_inputs(kind):
    """kind: "distinct" (no id twice in the batch), "across" (ids repeated across windows,
    never within one), "within" (windows of short sentences: the padding id several times in
    the edge windows, and repeated words) or "one" (a single window of distinct ids)."""

    def inputs(rng):
        d, m = int(rng.integers(2, 5)), int(rng.integers(1, 3))
        n = 2 * m + 1
        if kind in ("distinct", "one"):
            B = 1 if kind == "one" else int(rng.integers(2, 6))
            V = B * n + int(rng.integers(0, 6))
            windows = rng.choice(V, size=B * n, replace=False).reshape(B, n)
        elif kind == "across":
            B, V = int(rng.integers(5, 10)), n + int(rng.integers(1, 3))
            windows = np.stack([rng.choice(V, size=n, replace=False) for _ in range(B)])
        else:
            m = 2
            n, V = 5, int(rng.integers(5, 12))
            sentence = rng.integers(1, V, size=int(rng.integers(3, 7)))
            sentence[1] = sentence[2]  # a word twice in a row: twice in several windows
            short = rng.integers(1, V, size=int(rng.integers(1, 3)))  # padded on both sides
            windows = np.concatenate([make_windows(sentence, m, 0), make_windows(short, m, 0)])
            B = len(windows)
        grad_x = rng.normal(0.0, 1.0, size=(B, n * d))
        return [windows.astype(np.int64), grad_x, int(V)]

    return inputs


def _numgrad_inputs(kind):
    """The probe's quadratic 1/2 sum a (theta - b)^2 with a of shape (k,) + theta.shape;
    kind: "vector" (theta of shape (p,)) or "matrix" (theta of shape (r, q))."""

    def inputs(rng):
        if kind == "matrix":
            shape = (int(rng.integers(2, 6)), int(rng.integers(2, 6)))
        else:
            shape = (int(rng.integers(3, 12)),)
        k = int(rng.integers(2, 4))
        quadratic = {"probe": "quadratic", "a": rng.uniform(0.3, 2.0, size=(k, *shape)),
                     "b": rng.normal(0.0, 1.0, size=shape)}  # fmt: skip
        theta = rng.normal(0.0, 1.5, size=shape)
        return [quadratic, theta, float(rng.choice([1e-3, 1e-4]))]

    return inputs


def _relerr_inputs(kind):
    """Planted (analytic, numeric) pairs; kind: "right" (every entry close, relative error
    about 1e-6, all entries larger than tiny), "entry" (one entry wrong among many right ones)
    or "tiny" (entries near and at zero, and a tiny other than the default)."""

    def inputs(rng):
        shape = (int(rng.integers(6, 13)),) if rng.random() < 0.5 else (
            int(rng.integers(2, 5)), int(rng.integers(3, 6)))  # fmt: skip
        size = int(np.prod(shape))
        sign = rng.choice([-1.0, 1.0], size=shape)
        analytic = sign * np.exp(rng.uniform(np.log(0.02), np.log(5.0), size=shape))
        tiny = 1e-3
        if kind == "right":
            numeric = analytic * (1.0 + rng.normal(0.0, 1e-6, size=shape))
        elif kind == "entry":
            numeric = analytic * (1.0 + rng.normal(0.0, 1e-9, size=shape))
            wrong = np.unravel_index(int(rng.integers(size)), shape)
            numeric[wrong] = analytic[wrong] * rng.choice([-1.0, 0.5, 2.0])
        else:
            tiny = float(rng.choice([1e-2, 1e-4]))
            numeric = analytic * (1.0 + rng.normal(0.0, 1e-7, size=shape))
            flat_a, flat_n = analytic.reshape(-1), numeric.reshape(-1)
            spots = rng.permutation(size)
            flat_a[spots[:2]] = flat_n[spots[:2]] = 0.0  # zero in both: 0 / 0 without tiny
            flat_a[spots[2]], flat_n[spots[2]] = 0.0, 3e-9  # rounding noise on a zero
            flat_a[spots[3:5]] = rng.normal(0.0, 1e-5, size=2)  # near zero, off by 1e-9
            flat_n[spots[3:5]] = flat_a[spots[3:5]] + rng.normal(0.0, 1e-9, size=2)
        return [analytic, numeric, tiny]

    return inputs


def _sgd_inputs(rng):
    shape = (int(rng.integers(2, 9)), int(rng.integers(2, 6)))
    if rng.random() < 0.4:
        shape = shape[:1]  # a bias vector
    return [rng.normal(0.0, 1.0, size=shape), rng.normal(0.0, 1.0, size=shape),
            float(rng.uniform(0.01, 0.5))]  # fmt: skip


# --- the tests --------------------------------------------------------------------------------

HINTS = {
    "windows": "Row t is the ids of words t-m, ..., t+m of the sentence, shape (T, 2m+1), with "
               "pad_id where the window reaches past either end. Never wrap around: "
               "sentence[-1] is the last word of the sentence, not padding.",
    "windows_pad": "Pad with the pad_id passed in, not always 0: id 0 can be an ordinary word "
                   "of the sentence.",
    "windows_short": "A sentence shorter than the window, even a single word, still gives one "
                     "window per word, padded on both sides: with m = 2, the sentence [w] "
                     "gives [[pad, pad, w, pad, pad]].",
    "softmax": "softmax works row by row on scores of shape (B, C): exp(s) / Σ_c exp(s_c) along "
               "axis 1, so that every row sums to 1; the result has the shape of scores.",
    "softmax_large": "softmax is NaN or wrong for large scores: exp(1000) overflows to inf and "
                     "exp(-1000) underflows to 0. Subtract each row's own largest score first "
                     "(scores.max(axis=1, keepdims=True)), which does not change softmax.",
    "ce": "J = (1/B) Σ_k -log softmax(s_k)[y_k]: the mean over the batch, not the sum, of the "
          "negative log-probability of each window's true class (scores[np.arange(B), "
          "labels]), returned as a float.",
    "ce_one": "For a batch of one window the loss is -log softmax(s_0)[y_0], still a float: "
              "nothing should depend on the batch having several windows.",
    "ce_large": "The loss is NaN, inf or wrong for large scores: compute log softmax row by "
                "row as s - max(s) - log Σ_c exp(s_c - max(s)).",
    "ce_confident": "The loss is inf or wrong when the true class scores far below the best "
                    "one: its probability underflows to 0, and log 0 = -inf. Do not take the "
                    "log of softmax's output; use log-sum-exp, log softmax(s)_y = s_y - max(s) "
                    "- log Σ_c exp(s_c - max(s)), which stays finite.",
    "fwd_x": "x concatenates the window's embeddings in window order: row k of x is "
             "[L[w_k1], L[w_k2], ..., L[w_kn]], shape (B, n·d), which L[windows].reshape(B, -1) "
             "gives.",
    "fwd_hidden": "z = x Wᵀ + b and h = tanh(z), both of shape (B, D); the cache is the tuple "
                  "(x, z, h), in this order.",
    "fwd_scores": "scores = h Uᵀ + c, shape (B, C): from the activations h, not from z, and "
                  "with the bias c.",
    "fwd_one": "For a batch of one window x has shape (1, n·d) and scores (1, C): nothing "
               "should depend on the batch having several windows (np.squeeze, reshape(-1)).",
    "bwd_U": "dJ/dU = δ_sᵀ h, shape (C, D), with δ_s = (probs - Y) / B, where Y holds the "
             "one-hot rows of the labels: J is the mean over the batch, so every gradient "
             "carries the 1/B.",
    "bwd_c": "dJ/dc is the sum over the batch of the rows of δ_s = (probs - Y) / B; "
             "shape (C,).",
    "bwd_W": "dJ/dW = δ_zᵀ x, shape (D, n·d) like W (not xᵀ δ_z, its transpose), with "
             "δ_z = (δ_s U) ∘ f'(z): tanh's derivative at the pre-activation z, "
             "f'(z) = 1 - tanh(z)² = 1 - h², not 1 - tanh(h)².",
    "bwd_b": "dJ/db is the sum over the batch of the rows of δ_z = (δ_s U) ∘ (1 - h²); "
             "shape (D,).",
    "bwd_x": "dJ/dx = δ_z W, shape (B, n·d), with δ_z = (δ_s U) ∘ f'(z) and f'(z) = "
             "1 - tanh(z)² = 1 - h² (tanh's derivative at z, not at h).",
    "bwd_one": "For a batch of one window every gradient keeps its full shape (grad_x is "
               "(1, n·d), grad_c is (C,)): nothing should depend on the batch having several "
               "windows.",
    "emb_distinct": "Row w of dJ/dL collects the blocks of grad_x that belong to word w: block "
                    "grad_x.reshape(B, n, d)[k, j] goes to row windows[k, j]. Rows of words "
                    "not in the batch are zero; shape (vocab_size, d).",
    "emb_across": "A word that occurs in several windows of the batch gets the sum of all its "
                  "blocks. grad_L[windows] += blocks keeps only one block per repeated id; "
                  "use np.add.at(grad_L, windows, blocks), or a loop over every (k, j).",
    "emb_within": "A word can occur twice in one window (the padding id at the edges of a "
                  "sentence, a repeated word): every occurrence adds its block. A loop over "
                  "the windows with grad_L[windows[k]] += ... still loses the repeats within "
                  "a window; np.add.at(grad_L, windows, grad_x.reshape(B, n, d)) does not.",
    "emb_one": "For a batch of one window only the rows of its n words are non-zero: nothing "
               "should depend on the batch having several windows.",
    "numgrad": "Entry i of the numerical gradient is (J(θ + ε e_i) - J(θ - ε e_i)) / 2ε, with "
               "the eps passed in and J(θ) = f(theta)[0] (f returns (loss, grad); use only the "
               "loss): central, not one-sided (J(θ + ε e_i) - J(θ)) / ε, and in float64 (in a "
               "float32 copy of θ the step ε is rounded).",
    "numgrad_matrix": "theta can be a matrix: estimate every entry (for i in "
                      "np.ndindex(theta.shape)) and return an array of theta's shape.",
    "numgrad_unchanged": "numerical_gradient must leave theta as it found it: put every entry "
                         "back after moving it (save the old value and restore it), or work "
                         "on a copy.",
    "relerr": "max_relative_error returns the largest, over all entries, of |a - n| / "
              "max(|a|, |n|, tiny), as a float: exactly this denominator.",
    "relerr_entry": "One wrong entry must show: return the largest relative error over all "
                    "entries (np.max), not their mean.",
    "relerr_tiny": "Near zero, the denominator is max(|a|, |n|, tiny) with the tiny passed in: "
                   "0 / 0 never happens, and noise on an entry near zero is not a large "
                   "relative error.",
    "sgd": "θ ← θ - lr · grad, element by element.",
    "sgd_in_place": "theta must be updated in place (theta -= lr * grad): theta = theta - ... "
                    "makes a new array, and the caller's parameters never change.",
}  # fmt: skip

_CACHE = "(scores, (x, z, h))"
_GRADS = "(grad_W, grad_b, grad_U, grad_c, grad_x)"
_WIN = dict(fn="make_windows", part="test_windows", reference=make_windows,
            label="the array of windows")  # fmt: skip
_SM = dict(fn="softmax", part="test_softmax", reference=softmax, label="softmax(scores)")
_CE = dict(fn="cross_entropy", part="test_softmax", reference=cross_entropy, label="the loss")
_FWD = dict(fn="forward", part="test_forward", reference=forward, returns=_CACHE)
_BWD = dict(fn="backward", part="test_backward", reference=backward, returns=_GRADS)
_EMB = dict(fn="embedding_gradient", part="test_embedding", reference=embedding_gradient,
            label="grad_L")  # fmt: skip
_NUM = dict(fn="numerical_gradient", part="test_gradcheck", reference=quadratic_gradient,
            label="the numerical gradient")  # fmt: skip
_REL = dict(fn="max_relative_error", part="test_gradcheck", reference=max_relative_error,
            label="the max relative error")  # fmt: skip
_SGD = dict(fn="sgd_step", part="test_sgd", reference=sgd, inputs=_sgd_inputs, returns="theta",
            returns_args=(0,))  # fmt: skip

TESTS = [
    Test("windows: a sentence", points=4, inputs=_windows_inputs("sentence"), **_WIN,
         hint=HINTS["windows"]),
    Test("windows: the padding id passed in", points=3, inputs=_windows_inputs("pad_id"),
         **_WIN, hint=HINTS["windows_pad"]),
    Test("windows: a sentence shorter than the window", points=3,
         inputs=_windows_inputs("short"), **_WIN, hint=HINTS["windows_short"]),
    Test("softmax: values", points=3, inputs=_scores_inputs("values", labels_too=False), **_SM,
         hint=HINTS["softmax"]),
    Test("softmax: large scores", points=2, inputs=_scores_inputs("large", labels_too=False), **_SM,
         hint=HINTS["softmax_large"]),
    Test("cross-entropy: a batch", points=3, inputs=_scores_inputs("values"), **_CE,
         hint=HINTS["ce"]),
    Test("cross-entropy: a batch of one window", points=2, inputs=_scores_inputs("one"), **_CE,
         hint=HINTS["ce_one"]),
    Test("cross-entropy: large scores", points=2, inputs=_scores_inputs("large"), **_CE,
         hint=HINTS["ce_large"]),
    Test("cross-entropy: a confident wrong prediction", points=3,
         inputs=_scores_inputs("confident"), **_CE, hint=HINTS["ce_confident"]),
    Test("forward: the window vectors x", points=3, inputs=_forward_inputs("any"), pick=(1, 0),
         label="x", **_FWD, hint=HINTS["fwd_x"]),
    Test("forward: the hidden layer", points=3, inputs=_forward_inputs("any"), pick=(1,),
         label="the cache (x, z, h)", **_FWD, hint=HINTS["fwd_hidden"]),
    Test("forward: the scores", points=2, inputs=_forward_inputs("any"), pick=(0,),
         label="the scores", **_FWD, hint=HINTS["fwd_scores"]),
    Test("forward: a batch of one window", points=2, inputs=_forward_inputs("one"), pick=(0,),
         label="the scores", **_FWD, hint=HINTS["fwd_one"]),
    Test("backward: U", points=4, inputs=_backward_inputs("any"), pick=(2,), label="grad_U",
         **_BWD, hint=HINTS["bwd_U"]),
    Test("backward: c", points=3, inputs=_backward_inputs("any"), pick=(3,), label="grad_c",
         **_BWD, hint=HINTS["bwd_c"]),
    Test("backward: W", points=5, inputs=_backward_inputs("any"), pick=(0,), label="grad_W",
         **_BWD, hint=HINTS["bwd_W"]),
    Test("backward: b", points=4, inputs=_backward_inputs("any"), pick=(1,), label="grad_b",
         **_BWD, hint=HINTS["bwd_b"]),
    Test("backward: x", points=5, inputs=_backward_inputs("any"), pick=(4,), label="grad_x",
         **_BWD, hint=HINTS["bwd_x"]),
    Test("backward: a batch of one window", points=4, inputs=_backward_inputs("one"),
         label=_GRADS, **_BWD, hint=HINTS["bwd_one"]),
    Test("embedding gradient: distinct words", points=4, inputs=_embedding_inputs("distinct"),
         **_EMB, hint=HINTS["emb_distinct"]),
    Test("embedding gradient: words repeated across windows", points=4,
         inputs=_embedding_inputs("across"), **_EMB, hint=HINTS["emb_across"]),
    Test("embedding gradient: words repeated within a window", points=4,
         inputs=_embedding_inputs("within"), **_EMB, hint=HINTS["emb_within"]),
    Test("embedding gradient: a batch of one window", points=3, inputs=_embedding_inputs("one"),
         **_EMB, hint=HINTS["emb_one"]),
    Test("numerical gradient: a vector", points=4, inputs=_numgrad_inputs("vector"), **_NUM,
         hint=HINTS["numgrad"]),
    Test("numerical gradient: a matrix", points=4, inputs=_numgrad_inputs("matrix"), **_NUM,
         hint=HINTS["numgrad_matrix"]),
    Test("numerical gradient: theta left unchanged", points=2, inputs=_numgrad_inputs("matrix"),
         fn="numerical_gradient", part="test_gradcheck", reference=theta_unchanged,
         pick=(1, 0), label="theta after the call", returns="the numerical gradient",
         returns_args=(1,), hint=HINTS["numgrad_unchanged"]),
    Test("relative error: a right gradient", points=3, inputs=_relerr_inputs("right"), **_REL,
         hint=HINTS["relerr"]),
    Test("relative error: one wrong entry", points=3, inputs=_relerr_inputs("entry"), **_REL,
         hint=HINTS["relerr_entry"]),
    Test("relative error: entries near zero", points=4, inputs=_relerr_inputs("tiny"), **_REL,
         hint=HINTS["relerr_tiny"]),
    Test("sgd: the step", points=2, pick=(0,), label="the returned theta", **_SGD,
         hint=HINTS["sgd"]),
    Test("sgd: theta updated in place", points=3, pick=(1, 0),
         label="the caller's theta after the call", **_SGD, hint=HINTS["sgd_in_place"]),
]  # fmt: skip
