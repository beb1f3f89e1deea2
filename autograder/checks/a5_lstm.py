"""Hidden tests of ``a5_lstm``: input generators, trusted references, points and hints.

This file is the instructor's secret: it is never released, never readable inside the
sandbox, and nothing from it reaches the feedback except each test's name and hint. Inputs
are drawn at grading time from a fresh seed, with sizes that vary from run to run (a batch of
one included, the input size I never equal to the hidden size H, so that a transposed weight
fails), so a hard-coded answer cannot pass. The references are written here in NumPy float64
from the formulas (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000;
Cho et al. 2014 in torch's form), independently of ``dlnlp``; tests/test_autograder_a5.py
checks them against ``torch.nn.LSTMCell``, ``torch.nn.GRUCell`` and torch autograd.

Conventions (stated in the notebook), torch's parameter layout: ``weight_ih`` (G·H, I),
``weight_hh`` (G·H, H), ``bias_ih`` and ``bias_hh`` (G·H,), with the gate blocks of H rows in
the order i, f, g, o (LSTM) and r, z, n (GRU). The LSTM cell's forward returns ``(h, c,
gates)`` where ``gates`` (B, 4H) holds the activations [σ(a_i), σ(a_f), tanh(a_g), σ(a_o)];
its backward takes ``(dh, dc, x, h_prev, c_prev, gates, c, weight_ih, weight_hh)`` and returns
``(dx, dh_prev, dc_prev, dweight_ih, dweight_hh, dbias_ih, dbias_hh)``. BPTT takes the
upstream gradients ``dhs`` (T, B, H) of the loss for each step's output h_t and the forward's
``hs``, ``cs`` (T, B, H) and ``gates`` (T, B, 4H).

Independence of the parts: the LSTM and GRU forward tests run with a stable sigmoid in place
of the student's (Part 1), and the cell backward and BPTT receive the forward's values from
here, so a wrong forward costs neither. BPTT runs with the harness's stand-in cell backward in
place of the student's (a fixed function of the same arguments that is not the LSTM's
gradient), so a wrong cell backward costs only Part 3.
"""

from __future__ import annotations

import functools

import numpy as np

from autograder.harness import lstm_cell_backward_standin
from autograder.verdict import Test

ASSIGNMENT = "a5_lstm"
NOTEBOOK = "a5_lstm"

#: answer cells (nbgrader grade_id) and the functions each one defines
ANSWERS = {
    "sigmoid": ["sigmoid"],
    "lstm_forward": ["lstm_cell_forward"],
    "lstm_backward": ["lstm_cell_backward"],
    "gru_forward": ["gru_cell_forward"],
    "bptt": ["lstm_bptt"],
}

#: nbgrader test cells (grade_id) and their points; the hidden tests below share them out
PARTS = {
    "test_sigmoid": 10,
    "test_lstm_forward": 25,
    "test_lstm_backward": 30,
    "test_gru_forward": 15,
    "test_bptt": 20,
}

# --- trusted references ---------------------------------------------------------------------


def sigmoid(x):
    """σ(x) = exp(-log(1 + e^{-x})), finite for every x."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=np.float64)))


def lstm_cell_forward(x, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One LSTM step; returns (h (B, H), c (B, H), gates (B, 4H) = [i, f, g, o])."""
    H = h_prev.shape[1]
    a = x @ weight_ih.T + bias_ih + h_prev @ weight_hh.T + bias_hh
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), sigmoid(a[:, 3 * H :])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, np.concatenate([i, f, g, o], axis=1)


def lstm_cell_backward(dh, dc, x, h_prev, c_prev, gates, c, weight_ih, weight_hh):
    """Gradients of one step, given dL/dh_t = dh and dL/dc_t = dc from above."""
    H = h_prev.shape[1]
    i, f, g, o = (gates[:, k * H : (k + 1) * H] for k in range(4))
    tanh_c = np.tanh(c)
    dc_total = dc + dh * o * (1.0 - tanh_c**2)
    da = np.concatenate(
        [
            dc_total * g * i * (1.0 - i),
            dc_total * c_prev * f * (1.0 - f),
            dc_total * i * (1.0 - g**2),
            dh * tanh_c * o * (1.0 - o),
        ],
        axis=1,
    )
    db = da.sum(axis=0)
    return (da @ weight_ih, da @ weight_hh, dc_total * f, da.T @ x, da.T @ h_prev, db, db.copy())


def lstm_forward(xs, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh):
    """T steps; returns hs, cs (T, B, H) and gates (T, B, 4H)."""
    hs, cs, gates = [], [], []
    h, c = h0, c0
    for x in xs:
        h, c, gate = lstm_cell_forward(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh)
        hs.append(h)
        cs.append(c)
        gates.append(gate)
    return np.stack(hs), np.stack(cs), np.stack(gates)


def lstm_bptt(dhs, xs, h0, c0, hs, cs, gates, weight_ih, weight_hh, cell_backward=None):
    """Backpropagation through time: (dxs, dh0, dc0, dweight_ih, dweight_hh, dbias_ih,
    dbias_hh), the parameter gradients summed over the steps. ``cell_backward`` (default: the
    LSTM's) is the step it calls, for a stand-in cell once the harness can patch one in."""
    cell_backward = cell_backward or lstm_cell_backward
    T = len(xs)
    dxs = np.zeros_like(xs)
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
    sums = [np.zeros_like(weight_ih), np.zeros_like(weight_hh)]
    sums += [np.zeros(weight_ih.shape[0]), np.zeros(weight_ih.shape[0])]
    for t in reversed(range(T)):
        h_prev = hs[t - 1] if t > 0 else h0
        c_prev = cs[t - 1] if t > 0 else c0
        dxs[t], dh_next, dc_next, *grads = cell_backward(
            dhs[t] + dh_next, dc_next, xs[t], h_prev, c_prev, gates[t], cs[t],
            weight_ih, weight_hh,
        )  # fmt: skip
        for total, grad in zip(sums, grads):
            total += grad
    return (dxs, dh_next, dc_next, *sums)


def gru_cell_forward(x, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One GRU step in torch's form; returns h (B, H)."""
    H = h_prev.shape[1]
    gi = x @ weight_ih.T + bias_ih
    gh = h_prev @ weight_hh.T + bias_hh
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return (1.0 - z) * n + z * h_prev


# --- input generators ----------------------------------------------------------------------


def _sizes(rng, batch=None):
    """(B, n_in, H): a batch of 1 to 5 (or ``batch``), an input size n_in (the notebook's I)
    different from the hidden size H."""
    B = batch or int(rng.integers(1, 6))
    H = int(rng.integers(2, 7))
    n_in = int(rng.choice([n for n in range(2, 8) if n != H]))
    return B, n_in, H


def _params(rng, gates, n_in, H, scale=0.8):
    """weight_ih (G·H, n_in), weight_hh (G·H, H), bias_ih, bias_hh (G·H,)."""
    shapes = [(gates * H, n_in), (gates * H, H), (gates * H,), (gates * H,)]
    return [rng.normal(0.0, scale, size=s) for s in shapes]


def _sigmoid_inputs(rng):
    shape = tuple(int(n) for n in rng.integers(1, 6, size=int(rng.integers(1, 3))))
    return [rng.normal(0.0, 3.0, size=shape)]


def _sigmoid_large_inputs(rng):
    x = rng.uniform(40.0, 1000.0, size=int(rng.integers(6, 12)))
    x *= rng.choice([-1.0, 1.0], size=x.shape)
    return [np.concatenate([x, [800.0, -800.0, 0.0]])]


def _forward_inputs(kind):
    """kind: "any", "first" (c_prev = 0: the forget gate does not matter), "one" (a batch of
    one) or "large" (pre-activations in the hundreds for all rows of the batch but the first:
    those gates saturate at 0 or 1, where a mix-up of two gates can go unseen, so the first
    row keeps ordinary values)."""

    def inputs(rng):
        batch = 1 if kind == "one" else int(rng.integers(2, 6)) if kind == "large" else None
        B, n_in, H = _sizes(rng, batch=batch)
        x, h_prev = rng.normal(size=(B, n_in)), rng.normal(size=(B, H))
        c_prev = np.zeros((B, H)) if kind == "first" else rng.normal(0.0, 1.5, size=(B, H))
        params = _params(rng, 4, n_in, H)
        if kind == "large":
            scale = rng.uniform(150.0, 300.0, size=(B, 1))
            scale[0] = 1.0
            x, h_prev = x * scale, h_prev * scale
        return [x, h_prev, c_prev, *params]

    return inputs


def _backward_case(rng, kind):
    """(the arguments of lstm_cell_backward, (bias_ih, bias_hh)): the biases are not an
    argument, but tests/test_autograder_a5.py needs them to redo the step in torch."""
    B, n_in, H = _sizes(rng, batch=1 if kind == "one" else None)
    x, h_prev = rng.normal(size=(B, n_in)), rng.normal(size=(B, H))
    c_prev = rng.normal(0.0, 1.5, size=(B, H))
    weight_ih, weight_hh, bias_ih, bias_hh = _params(rng, 4, n_in, H)
    _, c, gates = lstm_cell_forward(x, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh)
    dh, dc = rng.normal(size=(B, H)), rng.normal(size=(B, H))
    if kind == "dh_zero":
        dh[:] = 0.0
    elif kind == "dc_zero":
        dc[:] = 0.0
    return [dh, dc, x, h_prev, c_prev, gates, c, weight_ih, weight_hh], (bias_ih, bias_hh)


def _backward_inputs(kind):
    """kind: "any", "dh_zero" (only the cell path carries gradient), "dc_zero" (only the path
    through h_t) or "one" (a batch of one). The forward values come from the reference."""

    def inputs(rng):
        return _backward_case(rng, kind)[0]

    return inputs


def _bptt_inputs(kind):
    """kind: "last" (a loss on the last output only), "every" (a loss on every output) or
    "one_step" (T = 1). h0 and c0 are not zero, so step 0 needs them."""

    def inputs(rng):
        T = 1 if kind == "one_step" else int(rng.integers(3, 7))
        B, n_in, H = _sizes(rng, batch=int(rng.integers(1, 4)))
        xs = rng.normal(size=(T, B, n_in))
        h0, c0 = rng.normal(0.0, 0.5, size=(B, H)), rng.normal(0.0, 1.0, size=(B, H))
        weight_ih, weight_hh, bias_ih, bias_hh = _params(rng, 4, n_in, H, scale=0.6)
        hs, cs, gates = lstm_forward(xs, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh)
        dhs = rng.normal(size=(T, B, H))
        if kind == "last":
            dhs[:-1] = 0.0
        return [dhs, xs, h0, c0, hs, cs, gates, weight_ih, weight_hh]

    return inputs


def _gru_inputs(kind):
    """kind: "zero_state" (h_prev = 0 and b_hn = 0: the reset gate does not matter),
    "any" or "one" (a batch of one)."""

    def inputs(rng):
        B, n_in, H = _sizes(rng, batch=1 if kind == "one" else None)
        x, h_prev = rng.normal(size=(B, n_in)), rng.normal(size=(B, H))
        weight_ih, weight_hh, bias_ih, bias_hh = _params(rng, 3, n_in, H)
        if kind == "zero_state":
            h_prev[:] = 0.0
            bias_hh[2 * H :] = 0.0
        return [x, h_prev, weight_ih, weight_hh, bias_ih, bias_hh]

    return inputs


# --- the tests --------------------------------------------------------------------------------

HINTS = {
    "sigmoid": "sigmoid(x) is 1 / (1 + exp(-x)), applied element by element: the result has "
               "the shape of x.",
    "sigmoid_large": "sigmoid is NaN or wrong for large |x|: exp overflows to inf and "
                     "inf / inf is NaN. Use a form that never divides infinities, e.g. "
                     "1 / (1 + exp(-x)) for x >= 0 and exp(x) / (1 + exp(x)) for x < 0.",
    "gates": "gates is [σ(a_i), σ(a_f), tanh(a_g), σ(a_o)] side by side, shape (B, 4H), where "
             "a = x W_ihᵀ + b_ih + h_prev W_hhᵀ + b_hh and the blocks of H columns of a come in "
             "torch's order: input gate i, forget gate f, candidate g, output gate o. Each gate "
             "has its own block of rows of weight_ih and weight_hh (the forget gate rows "
             "H:2H, not the input gate's 0:H).",
    "c_first": "With c_prev = 0 the new cell state is c = i ⊙ g: the input gate times the "
               "candidate g = tanh(a_g) (block 2H:3H, the third in torch's order i, f, g, o).",
    "c": "c = f ⊙ c_prev + i ⊙ g: the forget gate (block H:2H of a) scales the old cell state, "
         "the input gate (block 0:H) the candidate.",
    "h": "h = o ⊙ tanh(c): the output gate (block 3H:4H, the last) times tanh of the new cell "
         "state c, not c itself and not c_prev.",
    "forward_one": "For a batch of one (x of shape (1, I)) h, c and gates have shapes (1, H), "
                   "(1, H) and (1, 4H): nothing should depend on the batch having several rows.",
    "forward_large": "With large pre-activations (|a| in the hundreds) the gates saturate at 0 "
                     "or 1 (g at ±1) and h and c must stay finite: use a stable sigmoid and "
                     "np.tanh, not a tanh or σ of your own made with exp.",
    "dh_zero": "With dh = 0 only the cell path carries gradient: dc_prev = f ⊙ dc, and the "
               "pre-activations get da_i = dc ⊙ g ⊙ i(1 - i), da_f = dc ⊙ c_prev ⊙ f(1 - f), "
               "da_g = dc ⊙ i ⊙ (1 - g²), da_o = 0. Use the dc passed in: it is the gradient "
               "from the next step.",
    "dc_zero": "With dc = 0 the gradient reaches c only through h = o ⊙ tanh(c): "
               "dc_t = dh ⊙ o ⊙ (1 - tanh²(c)), with tanh' taken at the new cell state c (1 - "
               "tanh(c)², not 1 - c² and not at c_prev), and da_o = dh ⊙ tanh(c) ⊙ o(1 - o).",
    "dc_prev": "dc_prev = f ⊙ (dc + dh ⊙ o ⊙ (1 - tanh²(c))): the gradient of c_t from both "
               "paths, the dc from the next step and the path through h_t, times the forget "
               "gate.",
    "dx": "dx = da W_ih, where da (B, 4H) holds the gradients of the four pre-activations side "
          "by side in torch's order i, f, g, o; shape (B, I).",
    "dh_prev": "dh_prev = da W_hh (da: the gradients of the pre-activations, (B, 4H)); shape "
               "(B, H).",
    "dweight_ih": "dweight_ih = daᵀ x, summed over the batch by the product; shape (4H, I), "
                  "like weight_ih.",
    "dweight_hh": "dweight_hh = daᵀ h_prev, summed over the batch by the product; shape (4H, "
                  "H), like weight_hh.",
    "dbias": "Both biases enter a in the same way: dbias_ih = dbias_hh = da summed over the "
             "batch, shape (4H,).",
    "backward_one": "For a batch of one every gradient keeps its shape: dx (1, I), dh_prev and "
                    "dc_prev (1, H), the weight and bias gradients as for any batch.",
    "gru_zero": "h = (1 - z) ⊙ n + z ⊙ h_prev, with the gate blocks in torch's order r, z, n "
                "(rows 0:H reset, H:2H update, 2H:3H candidate): with h_prev = 0, h = (1 - z) "
                "⊙ n, not z ⊙ n.",
    "gru_reset": "torch's candidate is n = tanh(W_in x + b_in + r ⊙ (W_hn h_prev + b_hn)): the "
                 "reset gate multiplies the hidden part after the product with W_hn, bias b_hn "
                 "included, not W_hn (r ⊙ h_prev) as in Cho et al. 2014 and Keras.",
    "gru_one": "For a batch of one (x of shape (1, I)) h has shape (1, H): nothing should "
               "depend on the batch having several rows.",
    "dh0": "With a loss on the last output only, the gradient reaches the earlier steps "
           "through h and c: at each step t going back, the cell gets dh = dhs[t] + dh_prev and "
           "dc = dc_prev from step t + 1 (both start at 0 after the last step), and dh0 is the "
           "dh_prev of step 0. lstm_bptt calls your lstm_cell_backward: make Part 3's checks "
           "pass first.",
    "dc0": "The cell state carries gradient back too: pass the dc_prev of step t + 1 as the dc "
           "of step t (not zeros); dc0 is the dc_prev of step 0.",
    "dxs": "dxs[t] is the dx of step t, with dh = dhs[t] + dh_prev from step t + 1 at every "
           "step (the loss on each output, plus what comes back from the future); shape "
           "(T, B, I), in the order of xs.",
    "dweights": "The weights are shared by all steps: add up (+=) each step's dweight_ih and "
                "dweight_hh over t, starting from zeros; do not keep only the last step's.",
    "dbiases": "Like the weights, the biases are shared by all steps: dbias_ih and dbias_hh are "
               "the sums of the steps' bias gradients.",
    "one_step": "With a single step (T = 1), lstm_bptt is one call of lstm_cell_backward with "
                "dh = dhs[0], dc = 0, h_prev = h0 and c_prev = c0.",
}  # fmt: skip

_GATES = "(h, c, gates)"
_GRADS = "(dx, dh_prev, dc_prev, dweight_ih, dweight_hh, dbias_ih, dbias_hh)"
_SEQ_GRADS = "(dxs, dh0, dc0, dweight_ih, dweight_hh, dbias_ih, dbias_hh)"
# the forward cells are graded with a correct sigmoid in place of the student's (Part 1)
_STABLE = {"sigmoid": {"probe": "sigmoid"}}
_SIG = dict(fn="sigmoid", part="test_sigmoid", reference=sigmoid, label="sigmoid(x)")
_FWD = dict(fn="lstm_cell_forward", part="test_lstm_forward", reference=lstm_cell_forward,
            returns=_GATES, patch=_STABLE)  # fmt: skip
_BWD = dict(fn="lstm_cell_backward", part="test_lstm_backward", reference=lstm_cell_backward,
            returns=_GRADS)  # fmt: skip
_GRU = dict(fn="gru_cell_forward", part="test_gru_forward", reference=gru_cell_forward,
            label="h", patch=_STABLE)  # fmt: skip
# BPTT is graded with the harness's stand-in cell backward in place of the student's (Part 3)
_BPTT = dict(fn="lstm_bptt", part="test_bptt", returns=_SEQ_GRADS,
             reference=functools.partial(lstm_bptt, cell_backward=lstm_cell_backward_standin),
             patch={"lstm_cell_backward": {"probe": "lstm_cell_backward_standin"}})  # fmt: skip

TESTS = [
    Test("sigmoid: values", points=5, inputs=_sigmoid_inputs, **_SIG, hint=HINTS["sigmoid"]),
    Test("sigmoid: large |x|", points=5, inputs=_sigmoid_large_inputs, **_SIG,
         hint=HINTS["sigmoid_large"]),
    Test("lstm forward: the gates", points=6, inputs=_forward_inputs("any"), pick=(2,),
         label="gates", **_FWD, hint=HINTS["gates"]),
    Test("lstm forward: c at a first step (c_prev = 0)", points=4,
         inputs=_forward_inputs("first"), pick=(1,), label="c", **_FWD, hint=HINTS["c_first"]),
    Test("lstm forward: c", points=5, inputs=_forward_inputs("any"), pick=(1,), label="c",
         **_FWD, hint=HINTS["c"]),
    Test("lstm forward: h (c_prev = 0)", points=5, inputs=_forward_inputs("first"), pick=(0,),
         label="h", **_FWD, hint=HINTS["h"]),
    Test("lstm forward: a batch of one", points=2, inputs=_forward_inputs("one"), label=_GATES,
         **_FWD, hint=HINTS["forward_one"]),
    Test("lstm forward: large pre-activations", points=3, inputs=_forward_inputs("large"),
         label=_GATES, **_FWD, hint=HINTS["forward_large"]),
    Test("lstm backward: gradient from dc only (dh = 0)", points=5,
         inputs=_backward_inputs("dh_zero"), label=_GRADS, **_BWD, hint=HINTS["dh_zero"]),
    Test("lstm backward: gradient from dh only (dc = 0)", points=5,
         inputs=_backward_inputs("dc_zero"), label=_GRADS, **_BWD, hint=HINTS["dc_zero"]),
    Test("lstm backward: dc_prev", points=3, inputs=_backward_inputs("any"), pick=(2,),
         label="dc_prev", **_BWD, hint=HINTS["dc_prev"]),
    Test("lstm backward: dx", points=3, inputs=_backward_inputs("any"), pick=(0,), label="dx",
         **_BWD, hint=HINTS["dx"]),
    Test("lstm backward: dh_prev", points=3, inputs=_backward_inputs("any"), pick=(1,),
         label="dh_prev", **_BWD, hint=HINTS["dh_prev"]),
    Test("lstm backward: dweight_ih", points=3, inputs=_backward_inputs("any"), pick=(3,),
         label="dweight_ih", **_BWD, hint=HINTS["dweight_ih"]),
    Test("lstm backward: dweight_hh", points=3, inputs=_backward_inputs("any"), pick=(4,),
         label="dweight_hh", **_BWD, hint=HINTS["dweight_hh"]),
    Test("lstm backward: dbias_ih", points=2, inputs=_backward_inputs("any"), pick=(5,),
         label="dbias_ih", **_BWD, hint=HINTS["dbias"]),
    Test("lstm backward: dbias_hh", points=1, inputs=_backward_inputs("any"), pick=(6,),
         label="dbias_hh", **_BWD, hint=HINTS["dbias"]),
    Test("lstm backward: a batch of one", points=2, inputs=_backward_inputs("one"),
         label=_GRADS, **_BWD, hint=HINTS["backward_one"]),
    Test("gru forward: zero state", points=5, inputs=_gru_inputs("zero_state"), **_GRU,
         hint=HINTS["gru_zero"]),
    Test("gru forward: the reset gate", points=7, inputs=_gru_inputs("any"), **_GRU,
         hint=HINTS["gru_reset"]),
    Test("gru forward: a batch of one", points=3, inputs=_gru_inputs("one"), **_GRU,
         hint=HINTS["gru_one"]),
    Test("bptt: loss on the last output, dh0", points=3, inputs=_bptt_inputs("last"),
         pick=(1,), label="dh0", **_BPTT, hint=HINTS["dh0"]),
    Test("bptt: loss on the last output, dc0", points=3, inputs=_bptt_inputs("last"),
         pick=(2,), label="dc0", **_BPTT, hint=HINTS["dc0"]),
    Test("bptt: loss on every output, dxs", points=4, inputs=_bptt_inputs("every"), pick=(0,),
         label="dxs", **_BPTT, hint=HINTS["dxs"]),
    Test("bptt: dweight_ih summed over time", points=3, inputs=_bptt_inputs("every"),
         pick=(3,), label="dweight_ih", **_BPTT, hint=HINTS["dweights"]),
    Test("bptt: dweight_hh summed over time", points=3, inputs=_bptt_inputs("every"),
         pick=(4,), label="dweight_hh", **_BPTT, hint=HINTS["dweights"]),
    Test("bptt: dbias_ih summed over time", points=1, inputs=_bptt_inputs("every"), pick=(5,),
         label="dbias_ih", **_BPTT, hint=HINTS["dbiases"]),
    Test("bptt: dbias_hh summed over time", points=1, inputs=_bptt_inputs("every"), pick=(6,),
         label="dbias_hh", **_BPTT, hint=HINTS["dbiases"]),
    Test("bptt: a single step", points=2, inputs=_bptt_inputs("one_step"), label=_SEQ_GRADS,
         **_BPTT, hint=HINTS["one_step"]),
]  # fmt: skip
