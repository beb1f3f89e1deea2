"""The scratch autograd: Value on random graphs and Tensor op by op, both against torch (float64);
a small network's gradients equal torch's, and it trains."""

import math

import numpy as np
import pytest
import torch

from dlnlp.nn import optim
from dlnlp.nn.autograd import Tensor, Value, cross_entropy, topological_order, unbroadcast

TOL = dict(rtol=1e-10, atol=1e-10)

# --- Value: random expression graphs --------------------------------------------------------

# name: (operation on Values and on 0-d tensors alike, when its input x is in the domain)
UNARY = {
    "exp": (lambda a: a.exp(), lambda x: abs(x) < 3),
    "log": (lambda a: a.log(), lambda x: x > 0.1),
    "tanh": (lambda a: a.tanh(), lambda x: True),
    "relu": (lambda a: a.relu(), lambda x: True),
    "sigmoid": (lambda a: a.sigmoid(), lambda x: True),
    "neg": (lambda a: -a, lambda x: True),
    "square": (lambda a: a**2, lambda x: True),
    "cube": (lambda a: a**3, lambda x: abs(x) < 3),
    "sqrt": (lambda a: a**0.5, lambda x: x > 0.1),
    "reciprocal": (lambda a: a**-1, lambda x: abs(x) > 0.2),
    "1.5 + a": (lambda a: 1.5 + a, lambda x: True),
    "2 - a": (lambda a: 2 - a, lambda x: True),
    "a - 0.5": (lambda a: a - 0.5, lambda x: True),
    "3 * a": (lambda a: 3 * a, lambda x: True),
    "a * 0.7": (lambda a: a * 0.7, lambda x: True),
    "a / 4": (lambda a: a / 4, lambda x: True),
    "1 / a": (lambda a: 1 / a, lambda x: abs(x) > 0.2),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda x, y: True),
    "sub": (lambda a, b: a - b, lambda x, y: True),
    "mul": (lambda a, b: a * b, lambda x, y: True),
    "div": (lambda a, b: a / b, lambda x, y: abs(y) > 0.2),
}


def random_graph(seed: int, n_leaves: int = 4, n_ops: int = 40):
    """The same random DAG built twice, from Values and from torch 0-d tensors.

    Operands are drawn from all earlier nodes, so subexpressions are shared and nodes branch
    (sometimes both operands are one node: a * a, a - a). The output adds up the last node and
    a random subset of the others, so most nodes are used more than once.
    """
    rng = np.random.default_rng(seed)
    start = rng.uniform(-2, 2, n_leaves)
    mine = [Value(x) for x in start]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    leaves = list(theirs)

    def pick() -> int:  # mostly one of the last 6 nodes, which makes the graph deep
        low = max(0, len(mine) - 6) if rng.random() < 0.6 else 0
        return int(rng.integers(low, len(mine)))

    while len(mine) < n_leaves + n_ops:
        if rng.random() < 0.5:
            f, ok = list(UNARY.values())[rng.integers(len(UNARY))]
            args = [pick()]
        else:
            f, ok = list(BINARY.values())[rng.integers(len(BINARY))]
            args = [pick(), pick()]
        if not ok(*(mine[i].data for i in args)):
            continue
        node = f(*(mine[i] for i in args))
        if abs(node.data) > 1e3:
            continue
        mine.append(node)
        theirs.append(f(*(theirs[i] for i in args)))
    used = [i for i in range(len(mine) - 1) if rng.random() < 0.3]
    out_mine, out_theirs = mine[-1], theirs[-1]
    for i in used:
        out_mine, out_theirs = out_mine + mine[i], out_theirs + theirs[i]
    return mine, theirs, leaves, out_mine, out_theirs


@pytest.mark.parametrize("seed", range(30))
def test_value_matches_torch_on_random_graphs(seed):
    mine, theirs, leaves, out_mine, out_theirs = random_graph(seed)
    for t in theirs:
        if not t.is_leaf:
            t.retain_grad()
    out_mine.backward()
    out_theirs.backward()
    order = topological_order(out_mine)
    position = {id(node): k for k, node in enumerate(order)}
    assert len(position) == len(order) and order[-1] is out_mine
    assert all(position[id(p)] < position[id(node)] for node in order for p in node._parents)
    np.testing.assert_allclose(out_mine.data, out_theirs.item(), **TOL)
    for m, t in zip(mine, theirs):  # every node, inputs and intermediate results alike
        np.testing.assert_allclose(m.data, t.item(), **TOL)
        np.testing.assert_allclose(m.grad, 0.0 if t.grad is None else t.grad.item(), **TOL)
    assert any(t.grad is not None and t.grad.item() != 0 for t in leaves)


def test_gradients_add_at_branches():
    x = Value(3.0)
    y = x * x + x  # x is used three times: dy/dx = 2x + 1
    y.backward()
    assert y.data == 12.0 and x.grad == 7.0
    y.backward()  # each backward() starts from zero: no accumulation across calls
    assert x.grad == 7.0


def test_value_deep_graph_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(5000):  # recursion would stop at Python's limit of 1000 frames
        y = y + x * 1e-4
    y.backward()
    assert math.isclose(x.grad, 1.5) and math.isclose(y.data, 0.75)


def test_value_functions_at_extremes():
    assert Value(-1000.0).sigmoid().data == 0.0 and Value(1000.0).sigmoid().data == 1.0
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0  # the kink's derivative is taken to be 0, as in torch
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(3.0)


# --- Tensor: each operation against torch ----------------------------------------------------


def case(f, *shapes, positive=False, g=None):
    """f applied to Tensors and g (default f) to torch tensors, on inputs of these shapes."""
    return f, g or f, shapes, positive


CASES = {
    "add": case(lambda a, b: a + b, (3, 4), (3, 4)),
    "add row": case(lambda a, b: a + b, (3, 4), (4,)),
    "add column and row": case(lambda a, b: a + b, (3, 1), (1, 4)),
    "add 3-d": case(lambda a, b: a + b, (2, 3, 4), (3, 1)),
    "add 0-d": case(lambda a, b: a + b, (), (2, 3)),
    "number + a": case(lambda a: 2.5 + a, (3,)),
    "sub": case(lambda a, b: a - b, (3, 4), (4,)),
    "number - a": case(lambda a: 1 - a, (2, 3)),
    "neg": case(lambda a: -a, (2, 3)),
    "mul": case(lambda a, b: a * b, (3, 4), (3, 4)),
    "mul broadcast": case(lambda a, b: a * b, (2, 3, 4), (3, 1)),
    "mul self": case(lambda a: a * a * a, (5,)),
    "div broadcast": case(lambda a, b: a / b, (3, 4), (3, 1), positive=True),
    "number / a": case(lambda a: 2 / a, (3,), positive=True),
    "pow 3": case(lambda a: a**3, (2, 3)),
    "pow 0.5": case(lambda a: a**0.5, (2, 3), positive=True),
    "pow -2": case(lambda a: a**-2, (2, 3), positive=True),
    "matmul": case(lambda a, b: a @ b, (3, 4), (4, 5)),
    "vector @ matrix": case(lambda a, b: a @ b, (4,), (4, 5)),
    "matrix @ vector": case(lambda a, b: a @ b, (3, 4), (4,)),
    "vector @ vector": case(lambda a, b: a @ b, (4,), (4,)),
    "stack @ matrix": case(lambda a, b: a @ b, (2, 3, 4), (4, 5)),
    "stacks broadcast": case(lambda a, b: a @ b, (2, 1, 3, 4), (5, 4, 2)),
    "vector @ stack": case(lambda a, b: a @ b, (4,), (2, 4, 3)),
    "sum": case(lambda a: a.sum(), (3, 4)),
    "sum axis 0": case(lambda a: a.sum(axis=0), (3, 4), g=lambda a: a.sum(dim=0)),
    "sum axis -1 keepdims": case(
        lambda a: a.sum(axis=-1, keepdims=True), (2, 3, 4), g=lambda a: a.sum(-1, keepdim=True)
    ),
    "sum axes (0, 2)": case(lambda a: a.sum(axis=(0, 2)), (2, 3, 4), g=lambda a: a.sum((0, 2))),
    "mean": case(lambda a: a.mean(), (3, 4)),
    "mean axis 1": case(lambda a: a.mean(axis=1), (3, 4), g=lambda a: a.mean(1)),
    "exp": case(lambda a: a.exp(), (3, 4)),
    "log": case(lambda a: a.log(), (3, 4), positive=True),
    "tanh": case(lambda a: a.tanh(), (3, 4)),
    "relu": case(lambda a: a.relu(), (3, 4)),
    "sigmoid": case(lambda a: a.sigmoid(), (3, 4)),
    "sigmoid far out": case(lambda a: (a * 300).sigmoid(), (3, 4)),
    "log_softmax": case(lambda a: a.log_softmax(), (3, 5), g=lambda a: a.log_softmax(-1)),
    "log_softmax axis 0 big": case(
        lambda a: (a * 500).log_softmax(axis=0), (3, 5), g=lambda a: (a * 500).log_softmax(0)
    ),
    "rows with repeats": case(lambda a: a[[0, 2, 0, 1, 0]], (4, 3)),
    "rows as a matrix of ids": case(lambda a: a[np.array([[0, 1], [1, 1]])], (3, 2)),
    "slice": case(lambda a: a[1:, ::2], (3, 4)),
    "pairs": case(lambda a: a[np.arange(3), np.array([1, 0, 1])], (3, 4)),
    "reshape": case(lambda a: a.reshape(6, 2), (3, 4)),
    "reshape -1": case(lambda a: a.reshape(-1), (3, 4)),
}


@pytest.mark.parametrize("name", CASES)
def test_tensor_op_matches_torch(name):
    f, g, shapes, positive = CASES[name]
    rng = np.random.default_rng(len(name))
    arrays = [rng.uniform(0.5, 2, s) if positive else rng.normal(size=s) for s in shapes]
    mine = [Tensor(a) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out_mine, out_theirs = f(*mine), g(*theirs)
    weights = rng.normal(size=out_mine.shape)  # a random upstream gradient
    (out_mine * weights).sum().backward()
    (out_theirs * torch.tensor(weights)).sum().backward()
    assert out_mine.shape == tuple(out_theirs.shape)
    np.testing.assert_allclose(out_mine.data, out_theirs.detach().numpy(), **TOL)
    for m, t in zip(mine, theirs):
        assert m.grad.shape == m.shape
        np.testing.assert_allclose(m.grad, t.grad.numpy(), **TOL)


def test_unbroadcast():
    grad = np.ones((2, 3, 4))
    assert unbroadcast(grad, (4,)).tolist() == np.full(4, 6.0).tolist()
    assert unbroadcast(grad, (3, 1)).shape == (3, 1) and unbroadcast(grad, (3, 1))[0, 0] == 8
    assert unbroadcast(grad, ()).item() == 24


def test_arrays_mix_in_as_constants():
    W = Tensor(np.arange(6.0).reshape(3, 2))
    out = np.ones((4, 3)) @ W + np.ones(2) - 2 * np.ones((4, 1))  # NumPy on the left
    assert isinstance(out, Tensor) and out.shape == (4, 2)
    out.sum().backward()
    np.testing.assert_array_equal(W.grad, np.full((3, 2), 4.0))


def test_cross_entropy_matches_torch():
    rng = np.random.default_rng(0)
    logits, targets = rng.normal(size=(6, 4)) * 10, rng.integers(0, 4, 6)
    mine, theirs = Tensor(logits), torch.tensor(logits, requires_grad=True)
    loss_mine = cross_entropy(mine, targets)
    loss_theirs = torch.nn.functional.cross_entropy(theirs, torch.tensor(targets))
    loss_mine.backward()
    loss_theirs.backward()
    np.testing.assert_allclose(loss_mine.item(), loss_theirs.item(), **TOL)
    np.testing.assert_allclose(mine.grad, theirs.grad.numpy(), **TOL)


def test_backward_needs_a_scalar():
    with pytest.raises(ValueError, match="scalar"):
        Tensor(np.ones(3)).backward()


# --- A network ---------------------------------------------------------------------------------


def window_classifier(E, W, b, U, windows, labels):
    """Window NER (lecture): x = the window's word vectors concatenated, s = U tanh(Wx + b)."""
    B, w = windows.shape
    x = E[windows].reshape(B, -1)  # (B, w d)
    return x, cross_entropy(((x @ W + b).tanh() @ U), labels)


def test_window_classifier_gradients_match_torch():
    rng = np.random.default_rng(1)
    V, d, w, n, C, B = 7, 4, 3, 6, 5, 10
    params = [rng.normal(size=s) for s in [(V, d), (w * d, n), (n,), (n, C)]]
    windows, labels = rng.integers(0, V, (B, w)), rng.integers(0, C, B)  # words repeat
    mine = [Tensor(p) for p in params]
    x, loss = window_classifier(*mine, windows, labels)
    loss.backward()
    E, W, b, U = theirs = [torch.tensor(p, requires_grad=True) for p in params]
    scores = torch.tanh(E[torch.tensor(windows)].reshape(B, -1) @ W + b) @ U
    loss_theirs = torch.nn.functional.cross_entropy(scores, torch.tensor(labels))
    loss_theirs.backward()
    np.testing.assert_allclose(loss.item(), loss_theirs.item(), **TOL)
    for m, t in zip(mine, theirs):
        np.testing.assert_allclose(m.grad, t.grad.numpy(), **TOL)
    assert x.grad.shape == (B, w * d)  # intermediate results have gradients too


def two_moons(n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles with noise: (n, 2) points and their 0/1 labels."""
    labels = rng.integers(0, 2, n)
    angle = rng.uniform(0, np.pi, n)
    points = np.stack([np.cos(angle), np.sin(angle)], 1)
    points[labels == 1] = [1, 0.5] - points[labels == 1]
    return points + rng.normal(scale=0.1, size=(n, 2)), labels


def test_mlp_learns_two_moons():
    rng = np.random.default_rng(0)
    X, y = two_moons(200, rng)
    sizes = [2, 32, 32, 2]
    layers = [
        (Tensor(rng.normal(size=(m, k)) * np.sqrt(2 / (m + k))), Tensor(np.zeros(k)))  # Xavier
        for m, k in zip(sizes, sizes[1:])
    ]
    opt = optim.Adam([p for layer in layers for p in layer], lr=0.02)

    def forward(X):
        h = Tensor(X)
        for i, (W, b) in enumerate(layers):
            h = h @ W + b
            h = h.tanh() if i < len(layers) - 1 else h
        return h

    losses = []
    for _ in range(150):
        loss = cross_entropy(forward(X), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    accuracy = (forward(X).data.argmax(1) == y).mean()
    assert losses[0] > 0.5 and losses[-1] < 0.05 * losses[0], losses[::15]
    assert accuracy > 0.97
