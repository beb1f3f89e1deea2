"""Hidden tests of ``a2_word2vec``: input generators, trusted references, points and hints.

This file is the instructor's secret: it is never released, never readable inside the
sandbox, and nothing from it reaches the feedback except each test's name and hint. Inputs
are drawn at grading time from a fresh seed, with sizes that vary from run to run, so a
hard-coded answer cannot pass. The references are written here from the formulas (Mikolov
et al. 2013a, 2013b), independently of ``dlnlp``; tests/test_autograder.py checks them against
torch autograd.

Notation: center vectors v_w are the rows of ``center_vectors`` (V, d), outside vectors u_w
the rows of ``outside_vectors`` U (V, d); c is the center word, o the outside word, K the
number of noise words.
"""

from __future__ import annotations

import numpy as np

from autograder.verdict import Test

ASSIGNMENT = "a2_word2vec"
NOTEBOOK = "a2_word2vec"

#: answer cells (nbgrader grade_id) and the functions each one defines
ANSWERS = {
    "sigmoid": ["sigmoid"],
    "naive_softmax": ["naive_softmax_loss_and_gradient"],
    "neg_sampling": ["neg_sampling_loss_and_gradient"],
    "skipgram": ["skipgram"],
    "noise": ["noise_distribution"],
    "sgd": ["sgd"],
}

#: nbgrader test cells (grade_id) and their points; the hidden tests below share them out
PARTS = {
    "test_sigmoid": 10,
    "test_naive_softmax": 25,
    "test_neg_sampling": 25,
    "test_skipgram": 20,
    "test_noise": 5,
    "test_sgd": 15,
}

# --- trusted references ---------------------------------------------------------------------


def sigmoid(x):
    """σ(x) = exp(-log(1 + e^{-x})), finite for every x."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=np.float64)))


def naive_softmax(center_vec, outside_idx, outside_vectors):
    """J = -log softmax(U v_c)[o]; returns (J, dJ/dv_c (d,), dJ/dU (V, d))."""
    scores = outside_vectors @ center_vec
    log_z = np.logaddexp.reduce(scores)
    y_hat = np.exp(scores - log_z)
    delta = y_hat.copy()
    delta[outside_idx] -= 1.0  # ŷ - y
    return log_z - scores[outside_idx], outside_vectors.T @ delta, np.outer(delta, center_vec)


def neg_sampling(center_vec, outside_idx, outside_vectors, neg_indices):
    """J = -log σ(u_o·v_c) - Σ_k log σ(-u_k·v_c) over the K samples, repeats included."""
    u_o = outside_vectors[outside_idx]
    u_k = outside_vectors[neg_indices]  # (K, d)
    pos = u_o @ center_vec
    neg = u_k @ center_vec
    loss = np.logaddexp(0.0, -pos) + np.logaddexp(0.0, neg).sum()
    grad_center = -(1.0 - sigmoid(pos)) * u_o + sigmoid(neg) @ u_k
    grad_outside = np.zeros_like(outside_vectors)
    grad_outside[outside_idx] -= (1.0 - sigmoid(pos)) * center_vec
    for k, s in zip(neg_indices, sigmoid(neg)):
        grad_outside[k] += s * center_vec
    return loss, grad_center, grad_outside


def pair_loss(center_vec, outside_idx, outside_vectors):
    """The probe loss the harness passes to skipgram: (o + 1) v_c·u_o with its gradients."""
    scale = outside_idx + 1.0
    grad_outside = np.zeros_like(outside_vectors)
    grad_outside[outside_idx] = scale * center_vec
    loss = scale * center_vec @ outside_vectors[outside_idx]
    return loss, scale * outside_vectors[outside_idx], grad_outside


def skipgram(sentence, position, window, center_vectors, outside_vectors, loss_fn):
    """Sum of loss_fn over the outside words within ``window`` of ``position``."""
    c = sentence[position]
    loss = 0.0
    grad_center = np.zeros_like(center_vectors)
    grad_outside = np.zeros_like(outside_vectors)
    for j in range(max(0, position - window), min(len(sentence), position + window + 1)):
        if j != position:
            pair, g_c, g_u = loss_fn(center_vectors[c], sentence[j], outside_vectors)
            loss += pair
            grad_center[c] += g_c
            grad_outside += g_u
    return loss, grad_center, grad_outside


def skipgram_probe(sentence, position, window, center_vectors, outside_vectors, _probe):
    return skipgram(sentence, position, window, center_vectors, outside_vectors, pair_loss)


def noise_distribution(counts, power):
    weights = np.asarray(counts, dtype=np.float64) ** power
    return weights / weights.sum()


def sgd_quadratic(quadratic, x0, lr, iterations, anneal_every):
    """Plain gradient steps on 1/2 Σ a (x - b)^2; lr halves after every ``anneal_every``."""
    a, b = quadratic["a"], quadratic["b"]
    x = np.array(x0, dtype=np.float64)
    losses = []
    for t in range(1, iterations + 1):
        losses.append(0.5 * np.sum(a * (x - b) ** 2))
        x = x - lr * a * (x - b)
        if anneal_every and t % anneal_every == 0:
            lr *= 0.5
    return x, losses


# --- input generators ----------------------------------------------------------------------


def _sizes(rng, v=(5, 13), d=(3, 9)):
    return int(rng.integers(*v)), int(rng.integers(*d))


def _sigmoid_inputs(rng):
    shape = tuple(int(n) for n in rng.integers(1, 6, size=int(rng.integers(1, 3))))
    return [rng.normal(0.0, 3.0, size=shape)]


def _sigmoid_large_inputs(rng):
    x = rng.uniform(40.0, 1000.0, size=int(rng.integers(6, 12)))
    x *= rng.choice([-1.0, 1.0], size=x.shape)
    return [np.concatenate([x, [800.0, -800.0, 0.0]])]


def _pair_inputs(large=False):
    """v_c (d,), o, U (V, d); with ``large``, U is scaled so that the largest score u_w·v_c
    is about +1000, where exp overflows."""

    def inputs(rng):
        V, d = _sizes(rng)
        center, U = rng.normal(size=d), rng.normal(size=(V, d))
        if large:
            U *= rng.uniform(900.0, 1100.0) / np.abs(U @ center).max()
            U *= np.sign((U @ center)[np.argmax(np.abs(U @ center))])
        return [center, int(rng.integers(V)), U]

    return inputs


def _neg_inputs(kind):
    """kind: "any" (K draws with replacement), "distinct" (no repeats, none equal to o) or
    "repeats" (at least one repeat and the outside word among the noise words)."""

    def inputs(rng):
        V, d = _sizes(rng, v=(8, 16))
        K = int(rng.integers(4, 8))
        o = int(rng.integers(V))
        if kind == "distinct":
            neg = rng.choice(np.delete(np.arange(V), o), size=K, replace=False)
        else:
            neg = rng.integers(V, size=K)
        if kind == "repeats":
            neg[:3] = [o, neg[3], neg[3]]
            rng.shuffle(neg)
        U = rng.normal(0.0, 0.5, size=(V, d))
        return [rng.normal(size=d), o, U, neg.astype(np.int64)]

    return inputs


def _skipgram_inputs(kind):
    """kind: "interior" (the window fits), "boundary" (the window reaches past the start of
    the sentence) or "short" (window wider than the sentence, which repeats the center word)."""

    def inputs(rng):
        V, d = _sizes(rng)
        if kind == "short":
            n = int(rng.integers(3, 5))
            sentence = rng.integers(V, size=n)
            position = int(rng.integers(n))
            sentence[(position + 1) % n] = sentence[position]
            window = n + 2
        else:
            n = int(rng.integers(9, 16))
            window = int(rng.integers(1, 4)) if kind == "interior" else int(rng.integers(2, 4))
            sentence = rng.integers(V, size=n)
            if kind == "interior":
                position = int(rng.integers(window, n - window))
            else:
                position = int(rng.integers(0, window))
        center = rng.normal(size=(V, d))
        outside = rng.normal(size=(V, d))
        return [sentence.astype(np.int64), position, window, center, outside, _PROBE]

    return inputs


_PROBE = {"probe": "pair_loss"}


def _noise_inputs(rng):
    counts = rng.integers(0, 1000, size=int(rng.integers(5, 30)))
    counts[int(rng.integers(counts.size))] = 0
    counts[int(rng.integers(counts.size))] = 5000
    return [counts.astype(np.int64), float(rng.uniform(0.5, 1.0))]


def _sgd_inputs(anneal):
    def inputs(rng):
        d = int(rng.integers(2, 7))
        quadratic = {"probe": "quadratic", "a": rng.uniform(0.5, 2.0, d), "b": rng.normal(size=d)}
        anneal_every = int(rng.integers(2, 5)) if anneal else None
        return [quadratic, rng.normal(size=d), float(rng.uniform(0.05, 0.4)),
                int(rng.integers(5, 15)), anneal_every]  # fmt: skip

    return inputs


# --- the tests --------------------------------------------------------------------------------

_TRIPLE = "(loss, grad_center, grad_outside)"
# negative sampling is graded with a correct sigmoid in place of the student's (Part 1)
_NS_TRIPLE = dict(
    fn="neg_sampling_loss_and_gradient",
    returns=_TRIPLE,
    part="test_neg_sampling",
    patch={"sigmoid": {"probe": "sigmoid"}},
)
_NAIVE = dict(fn="naive_softmax_loss_and_gradient", returns=_TRIPLE, part="test_naive_softmax")
_SKIP = dict(fn="skipgram", returns=_TRIPLE, part="test_skipgram", reference=skipgram_probe)
_SGD = dict(fn="sgd", part="test_sgd", returns="(x, losses)", reference=sgd_quadratic)

TESTS = [
    Test("sigmoid: values", part="test_sigmoid", points=5, fn="sigmoid",
         inputs=_sigmoid_inputs, reference=sigmoid,
         hint="sigmoid(x) is 1 / (1 + exp(-x)), applied element by element: the result has "
              "the shape of x."),
    Test("sigmoid: large |x|", part="test_sigmoid", points=5, fn="sigmoid",
         inputs=_sigmoid_large_inputs, reference=sigmoid,
         hint="sigmoid is NaN or wrong for large |x|: exp overflows to inf and inf / inf is "
              "NaN. Use a form that never divides infinities, e.g. one formula for x >= 0 and "
              "exp(x) / (1 + exp(x)) for x < 0."),
    Test("naive softmax: loss", points=5, inputs=_pair_inputs(), reference=naive_softmax,
         pick=(0,), label="loss", **_NAIVE,
         hint="The loss is -log P(o|c) = -u_o·v_c + log Σ_w exp(u_w·v_c): a float."),
    Test("naive softmax: gradient for v_c", points=7, inputs=_pair_inputs(),
         reference=naive_softmax, pick=(1,), label="grad_center", **_NAIVE,
         hint="dJ/dv_c = -u_o + Σ_w P(w|c) u_w, i.e. Uᵀ(ŷ - y): shape (d,)."),
    Test("naive softmax: gradient for U", points=7, inputs=_pair_inputs(),
         reference=naive_softmax, pick=(2,), label="grad_outside", **_NAIVE,
         hint="dJ/dU = (ŷ - y) v_cᵀ: row w is (P(w|c) - [w = o]) v_c, shape (V, d)."),
    Test("naive softmax: large scores", points=6, inputs=_pair_inputs(large=True),
         reference=naive_softmax, label="(loss, grad_center, grad_outside)", **_NAIVE,
         hint="The loss or a gradient is not finite (or wrong) for large scores u_w·v_c: "
              "subtract the largest score before exponentiating (log-sum-exp)."),
    Test("negative sampling: loss", points=6, inputs=_neg_inputs("any"), reference=neg_sampling,
         pick=(0,), label="loss", **_NS_TRIPLE,
         hint="J = -log σ(u_o·v_c) - Σ_k log σ(-u_k·v_c), one term per noise sample."),
    Test("negative sampling: gradient for v_c", points=6, inputs=_neg_inputs("any"),
         reference=neg_sampling, pick=(1,), label="grad_center", **_NS_TRIPLE,
         hint="dJ/dv_c = -(1 - σ(u_o·v_c)) u_o + Σ_k (1 - σ(-u_k·v_c)) u_k."),
    Test("negative sampling: gradient for U", points=8, inputs=_neg_inputs("distinct"),
         reference=neg_sampling, pick=(2,), label="grad_outside", **_NS_TRIPLE,
         hint="The gradient for the outside vectors is wrong: dJ/du_o = -(1 - σ(u_o·v_c)) v_c "
              "and dJ/du_k = (1 - σ(-u_k·v_c)) v_c for each noise word -- check the signs on "
              "the noise terms; all other rows are zero."),
    Test("negative sampling: repeated noise words", points=5, inputs=_neg_inputs("repeats"),
         reference=neg_sampling, pick=(2,), label="grad_outside", **_NS_TRIPLE,
         hint="A noise word drawn twice contributes twice, and the outside word itself can be "
              "drawn as noise: accumulate the rows (a loop with +=, or np.add.at) instead of "
              "assigning with U_grad[idx] = ..."),
    Test("skip-gram: window inside the sentence", points=8, inputs=_skipgram_inputs("interior"),
         **_SKIP, label="(loss, grad_center_vectors, grad_outside_vectors)",
         hint="Sum loss_and_gradient over the 2m outside words around the center; the center "
              "word's gradient goes to its row of grad_center_vectors, and the outside "
              "gradients add up."),
    Test("skip-gram: center near the sentence start", points=6, inputs=_skipgram_inputs("boundary"),
         **_SKIP, label="(loss, grad_center_vectors, grad_outside_vectors)",
         hint="At the start or end of a sentence the window is cut off: use only positions "
              "0 <= j < len(sentence), and never wrap around (negative indices)."),
    Test("skip-gram: window wider than the sentence", points=6, inputs=_skipgram_inputs("short"),
         **_SKIP, label="(loss, grad_center_vectors, grad_outside_vectors)",
         hint="Skip the center *position*, not every occurrence of the center *word*: the same "
              "word elsewhere in the window is an outside word. Gradients of repeated words add."),
    Test("noise distribution", part="test_noise", points=5, fn="noise_distribution",
         inputs=_noise_inputs, reference=noise_distribution,
         hint="P_n(w) = count(w)^power / Z: raise the counts to the given power, then divide by "
              "the sum so that the probabilities add up to 1 (a word with count 0 gets 0)."),
    Test("sgd: updates and losses", points=8, inputs=_sgd_inputs(False), **_SGD,
         label="(x, losses)",
         hint="Each iteration: loss, grad = loss_and_gradient(x); record the loss; then "
              "x = x - lr * grad. Return the final x and the list of the losses."),
    Test("sgd: learning-rate annealing", points=4, inputs=_sgd_inputs(True), **_SGD,
         label="(x, losses)",
         hint="With anneal_every = n, halve lr after iterations n, 2n, 3n, ... (count from 1)."),
    Test("sgd: x0 left unchanged", points=3, inputs=_sgd_inputs(False), part="test_sgd",
         fn="sgd", reference=lambda q, x0, *rest: [None, [x0]], pick=(1, 0),
         label="x0 after the call",
         returns="(x, losses)", returns_args=(1,),
         hint="sgd changed the caller's x0 in place: start from a copy (x = x0.copy()) and "
              "update with x = x - lr * grad."),
]  # fmt: skip
