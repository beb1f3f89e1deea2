"""Hidden tests of ``a3_glove``: input generators, trusted references, points and hints.

This file is the instructor's secret: it is never released, never readable inside the
sandbox, and nothing from it reaches the feedback except each test's name and hint. Inputs
are drawn at grading time from a fresh seed, with sizes that vary from run to run, so a
hard-coded answer cannot pass. The references are written here from the formulas (Pennington,
Socher & Manning 2014; Duchi, Hazan & Singer 2011), independently of ``dlnlp``;
tests/test_autograder_a3.py checks them against torch autograd, central differences and the
course library.

Conventions (stated in the notebook): a batch is B non-zero entries of X, given as word
indices i (B,), context indices j (B,) and counts x (B,), all > 0, with their weights
f(x) (B,) computed once by the caller. The loss carries the factor 1/2,

    J = 1/2 sum_n f(x_n) e_n^2,   e_n = w_{i_n}.w~_{j_n} + b_{i_n} + b~_{j_n} - log x_n,

so with delta_n = f(x_n) e_n the gradients have no factor 2. AdaGrad is the textbook form:
G <- G + g^2, then theta <- theta - lr g / (sqrt(G) + eps), with the updated G, in place.
"""

from __future__ import annotations

import numpy as np

from autograder.verdict import Test

ASSIGNMENT = "a3_glove"
NOTEBOOK = "a3_glove"

#: answer cells (nbgrader grade_id) and the functions each one defines
ANSWERS = {
    "weighting": ["weighting"],
    "loss": ["glove_loss"],
    "gradients": ["glove_gradients"],
    "adagrad": ["adagrad_step"],
}

#: nbgrader test cells (grade_id) and their points; the hidden tests below share them out
PARTS = {
    "test_weighting": 15,
    "test_loss": 20,
    "test_gradients": 40,
    "test_adagrad": 25,
}

X_MAX, ALPHA, EPS = 100.0, 0.75, 1e-8  # the notebook's defaults

# --- trusted references ---------------------------------------------------------------------


def weighting(x, x_max=X_MAX, alpha=ALPHA):
    """f(x) = (x / x_max)^alpha below x_max and 1 from x_max on, element by element."""
    ratio = np.asarray(x, dtype=np.float64) / x_max
    return np.where(ratio < 1.0, ratio, 1.0) ** alpha


def _errors(W, W_tilde, b, b_tilde, i, j, x):
    """e_n = w_{i_n}.w~_{j_n} + b_{i_n} + b~_{j_n} - log x_n, shape (B,)."""
    return np.einsum("nd,nd->n", W[i], W_tilde[j]) + b[i] + b_tilde[j] - np.log(x)


def glove_loss(W, W_tilde, b, b_tilde, i, j, x, weights):
    """J = 1/2 sum_n f_n e_n^2 over the batch: a sum, not a mean."""
    e = _errors(W, W_tilde, b, b_tilde, i, j, x)
    return 0.5 * float(np.dot(weights, e * e))


def glove_gradients(W, W_tilde, b, b_tilde, i, j, x, weights):
    """(dJ/dW, dJ/dW~, dJ/db, dJ/db~) in full shape, one batch entry at a time so that a
    word named by several entries collects all their terms."""
    delta = weights * _errors(W, W_tilde, b, b_tilde, i, j, x)
    grads = [np.zeros_like(W), np.zeros_like(W_tilde), np.zeros_like(b), np.zeros_like(b_tilde)]
    for n, (row, col) in enumerate(zip(i, j)):
        grads[0][row] += delta[n] * W_tilde[col]
        grads[1][col] += delta[n] * W[row]
        grads[2][row] += delta[n]
        grads[3][col] += delta[n]
    return tuple(grads)


def adagrad(theta, grad, G, lr):
    """One textbook AdaGrad step; returns [[theta', G'], [theta', G']]: what the student's
    function returns and what the caller's arrays must hold afterwards (in place)."""
    G_new = G + grad * grad
    theta_new = theta - lr * grad / (np.sqrt(G_new) + EPS)
    return [[theta_new, G_new], [theta_new, G_new]]


def x_unchanged(x, *rest):
    return [None, [np.array(x, dtype=np.float64)]]


# --- input generators ----------------------------------------------------------------------


def _weighting_inputs(kind):
    """kind: "below" (0 <= x < x_max, zero included), "above" (x at, around and far above
    x_max), "integer" (an int array of counts up to an integer x_max), "mixed" (to see that x
    is left unchanged)."""

    def inputs(rng):
        n = int(rng.integers(6, 20))
        x_max = float(rng.uniform(5.0, 150.0))
        alpha = float(rng.uniform(0.3, 1.0))
        if kind == "below":
            x = rng.uniform(0.0, x_max, size=n) * rng.choice([1.0, 0.01], size=n)
            x[int(rng.integers(n))] = 0.0
        elif kind == "above":
            x = x_max * np.exp(rng.uniform(-2.0, 6.0, size=n))
            k = 2 + n // 4
            x[:k] = x_max  # exactly at the cap, several times
            x[k] = x_max * 0.5
            x[k + 1] = x_max * rng.uniform(1.01, 100.0)  # above it for sure
            rng.shuffle(x)
        elif kind == "integer":
            x_max = int(rng.integers(10, 60))
            x = rng.integers(0, x_max + 1, size=n)  # up to x_max: a test of the types only
            x[:2] = [1, x_max]
            rng.shuffle(x)
            return [x.astype(np.int64), x_max, alpha]
        else:
            x = x_max * np.exp(rng.uniform(-4.0, 2.0, size=n))
            x[0] = x_max * rng.uniform(1.5, 7.0)  # something to clip, for a clipping answer
            rng.shuffle(x)
        return [x, x_max, alpha]

    return inputs


def _counts(rng, size):
    """Positive co-occurrence counts as GloVe sees them: harmonic fractions 1/d (a pair seen
    once at distance d), small and large sums, some above x_max = 100."""
    kinds = rng.integers(3, size=size)
    small = 1.0 / rng.integers(1, 11, size=size)
    medium = rng.uniform(1.0, 50.0, size=size)
    large = np.exp(rng.uniform(np.log(50.0), np.log(5000.0), size=size))
    return np.choose(kinds, [small, medium, large])


def _batch_inputs(kind):
    """kind: "any" (indices drawn with replacement), "distinct" (no index twice in i, none
    twice in j), "repeats" (more entries than words: every batch repeats words in i and j),
    "one" (a batch of one entry), "weights" (weights that are not f(x) with the defaults)."""

    def inputs(rng):
        V, d = int(rng.integers(5, 30)), int(rng.integers(2, 9))
        if kind == "one":
            B = 1
        elif kind == "distinct":
            B = int(rng.integers(2, V + 1))
        elif kind == "repeats":
            V = int(rng.integers(3, 8))
            B = int(rng.integers(2 * V, 4 * V))
        else:
            B = int(rng.integers(2, 40))
        if kind == "distinct":
            i = rng.choice(V, size=B, replace=False)
            j = rng.choice(V, size=B, replace=False)
        else:
            i, j = rng.integers(V, size=B), rng.integers(V, size=B)
        x = _counts(rng, B)
        weights = rng.uniform(0.05, 1.0, size=B) if kind == "weights" else weighting(x)
        W, W_tilde = rng.normal(0.0, 0.5, size=(V, d)), rng.normal(0.0, 0.5, size=(V, d))
        b, b_tilde = rng.normal(0.0, 0.5, size=V), rng.normal(0.0, 0.5, size=V)
        return [W, W_tilde, b, b_tilde, i.astype(np.int64), j.astype(np.int64), x, weights]

    return inputs


def _adagrad_inputs(kind):
    """kind: "step" (any gradient, an accumulator that has grown for a while) or "untouched"
    (a gradient of zero everywhere and rows whose accumulator is still 0)."""

    def inputs(rng):
        shape = (int(rng.integers(3, 12)), int(rng.integers(2, 8)))
        if rng.random() < 0.3:
            shape = shape[:1]  # a bias vector
        theta = rng.normal(0.0, 0.5, size=shape)
        G = rng.uniform(0.05, 3.0, size=shape)
        if kind == "untouched":
            grad = np.zeros(shape)
            G[rng.random(shape[0]) < 0.5] = 0.0
            G[0] = 0.0
        else:
            grad = rng.normal(0.0, 1.0, size=shape)
        return [theta, grad, G, float(rng.uniform(0.01, 0.5))]

    return inputs


# --- the tests --------------------------------------------------------------------------------

HINTS = {
    "below": "f(x) = (x / x_max)^alpha for x < x_max, element by element, with the x_max and "
             "alpha passed in (not always 100 and 3/4); f(0) = 0.",
    "capped": "f is capped: f(x) = 1 for every x >= x_max, x = x_max included. (x / x_max)^alpha "
              "alone grows past 1 above x_max; use np.where or np.minimum(x / x_max, 1.0).",
    "integer": "Counts can come as an integer array: compute in floats. An output made with "
               "np.ones_like(x) or np.zeros_like(x) of an integer x is an integer array, and "
               "storing f in it truncates f to 0.",
    "x_unchanged": "weighting changed the caller's x in place (clipped it at x_max?): the "
                   "training code still needs the counts for log X_ij. Leave x as it is, e.g. "
                   "np.minimum(x / x_max, 1.0) makes a new array.",
    "loss": "J = 1/2 Σ_n f(x_n) (w_{i_n}·w̃_{j_n} + b_{i_n} + b̃_{j_n} - log x_n)^2: a sum "
            "over the batch (not a mean), with this notebook's factor 1/2, returned as a float.",
    "loss_one": "For a batch of one entry the loss is 1/2 f(x) (w_i·w̃_j + b_i + b̃_j - log x)^2, "
                "still a float: nothing should depend on the batch having several entries "
                "(np.squeeze, a fixed axis, a shape (1,) result).",
    "loss_weights": "Use the weights passed in (the caller computed f(x) for this batch, maybe "
                    "with another x_max or alpha): do not call weighting inside the loss.",
    "grad_W": "dJ/dw_i = Σ_n δ_n w̃_{j_n} over the entries with i_n = i, where δ_n = f(x_n) e_n "
              "and e_n = w_{i_n}·w̃_{j_n} + b_{i_n} + b̃_{j_n} - log x_n (no factor 2: J has "
              "the 1/2). Rows of words not in the batch are zero; shape (V, d).",
    "grad_W_tilde": "dJ/dw̃_j = Σ_n δ_n w_{i_n} over the entries with j_n = j (the word "
                    "vectors w, not w̃), with δ_n = f(x_n) e_n; shape (V, d).",
    "grad_b": "dJ/db_i = Σ_n δ_n over the entries with i_n = i, δ_n = f(x_n) e_n; shape (V,).",
    "grad_b_tilde": "dJ/db̃_j = Σ_n δ_n over the entries with j_n = j, δ_n = f(x_n) e_n; "
                    "shape (V,).",
    "repeats": "A word can occur in several entries of one batch, and its row must get the sum "
               "of all their terms. grad[i] += terms keeps only one term per repeated index; "
               "use np.add.at(grad, i, terms) (or a loop over the entries).",
    "grad_one": "For a batch of one entry only row i_0 of dJ/dW and dJ/db and row j_0 of dJ/dW̃ "
                "and dJ/db̃ are non-zero: nothing should depend on the batch having several "
                "entries.",
    "G": "AdaGrad first adds the squared gradient to the accumulator, element by element: "
         "G ← G + g^2.",
    "step": "θ ← θ - lr · g / (√G + ε), where G already includes this step's g^2: update G "
            "first, then take the step with the new G.",
    "G_in_place": "G must be updated in place (G += ...): G = G + ... makes a new array, and "
                  "the caller's accumulator never grows.",
    "theta_in_place": "theta must be updated in place (theta -= ...): theta = theta - ... makes "
                      "a new array, and the caller's parameters never change.",
    "untouched": "A parameter with gradient 0 whose accumulator is still 0 must not move: "
                 "0 / √0 is NaN, so add ε to √G (θ ← θ - lr · g / (√G + ε)).",
}  # fmt: skip

_GRADS = "(grad_W, grad_W_tilde, grad_b, grad_b_tilde)"
_LOSS = dict(fn="glove_loss", part="test_loss", reference=glove_loss, label="the loss")
_GRAD = dict(fn="glove_gradients", part="test_gradients", reference=glove_gradients,
             returns=_GRADS)  # fmt: skip
_ADA = dict(fn="adagrad_step", part="test_adagrad", reference=adagrad, returns="(theta, G)",
            returns_args=(0, 2))  # fmt: skip
_WEIGHT = dict(fn="weighting", part="test_weighting", reference=weighting, label="f(x)")

TESTS = [
    Test("weighting: below x_max", points=5, inputs=_weighting_inputs("below"), **_WEIGHT,
         hint=HINTS["below"]),
    Test("weighting: capped at 1 from x_max on", points=5, inputs=_weighting_inputs("above"),
         **_WEIGHT, hint=HINTS["capped"]),
    Test("weighting: integer counts", points=3, inputs=_weighting_inputs("integer"), **_WEIGHT,
         hint=HINTS["integer"]),
    Test("weighting: x left unchanged", points=2, inputs=_weighting_inputs("mixed"),
         fn="weighting", part="test_weighting", reference=x_unchanged, pick=(1, 0),
         label="x after the call", returns="f(x)", returns_args=(0,),
         hint=HINTS["x_unchanged"]),
    Test("loss: a batch of entries", points=10, inputs=_batch_inputs("any"), **_LOSS,
         hint=HINTS["loss"]),
    Test("loss: a batch of one entry", points=5, inputs=_batch_inputs("one"), **_LOSS,
         hint=HINTS["loss_one"]),
    Test("loss: the weights passed in", points=5, inputs=_batch_inputs("weights"), **_LOSS,
         hint=HINTS["loss_weights"]),
    Test("gradients: W", points=9, inputs=_batch_inputs("distinct"), pick=(0,),
         label="grad_W", **_GRAD, hint=HINTS["grad_W"]),
    Test("gradients: W_tilde", points=9, inputs=_batch_inputs("distinct"), pick=(1,),
         label="grad_W_tilde", **_GRAD, hint=HINTS["grad_W_tilde"]),
    Test("gradients: b", points=4, inputs=_batch_inputs("distinct"), pick=(2,),
         label="grad_b", **_GRAD, hint=HINTS["grad_b"]),
    Test("gradients: b_tilde", points=4, inputs=_batch_inputs("distinct"), pick=(3,),
         label="grad_b_tilde", **_GRAD, hint=HINTS["grad_b_tilde"]),
    Test("gradients: words repeated in a batch", points=9, inputs=_batch_inputs("repeats"),
         label=_GRADS, **_GRAD, hint=HINTS["repeats"]),
    Test("gradients: a batch of one entry", points=5, inputs=_batch_inputs("one"),
         label=_GRADS, **_GRAD, hint=HINTS["grad_one"]),
    Test("adagrad: the accumulator", points=5, inputs=_adagrad_inputs("step"), pick=(0, 1),
         label="the returned G", **_ADA, hint=HINTS["G"]),
    Test("adagrad: the step uses the updated accumulator", points=8,
         inputs=_adagrad_inputs("step"), pick=(0, 0), label="the returned theta", **_ADA,
         hint=HINTS["step"]),
    Test("adagrad: G updated in place", points=5, inputs=_adagrad_inputs("step"), pick=(1, 1),
         label="the caller's G after the call", **_ADA, hint=HINTS["G_in_place"]),
    Test("adagrad: theta updated in place", points=4, inputs=_adagrad_inputs("step"),
         pick=(1, 0), label="the caller's theta after the call", **_ADA,
         hint=HINTS["theta_in_place"]),
    Test("adagrad: zero gradient, zero accumulator", points=3,
         inputs=_adagrad_inputs("untouched"), pick=(0,), label="(theta, G)", **_ADA,
         hint=HINTS["untouched"]),
]  # fmt: skip
