"""An autograd engine from scratch: a scalar :class:`Value`, then a :class:`Tensor` over NumPy.

Backpropagation, as in the lecture: every result of an operation remembers its inputs (its
*parents* in the computation graph) and a small function ``_backward`` that knows the local
derivatives of that one operation. The forward pass builds the graph; ``backward()`` visits it
in reverse topological order -- every node after all the nodes that use it -- and applies the
chain rule once per node:

    downstream gradient = upstream gradient x local gradient.

When a node is used twice (a branch in the graph, x in x*x + x), the gradients that flow back
along both uses ADD up: every ``_backward`` does ``parent.grad += ...``, never ``=``.

Two differences from torch, on purpose: every node gets a ``.grad`` (inputs and intermediate
results too, which the chapter prints), and ``backward()`` starts from zero each time instead of
adding to the gradients of an earlier call, so a training loop needs no ``zero_grad``.

:class:`Value` holds one Python float (the chapter's first engine, each concept on one screen).
:class:`Tensor` is the same engine over float64 NumPy arrays (built for learning and checking,
not for speed): matmul, broadcasting +, -, *, /, powers, sums and means, elementwise functions,
rows for embeddings, and :func:`cross_entropy` -- enough to train a small network. An operation
whose input was broadcast sums the gradient back over the broadcast axes (:func:`unbroadcast`).
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np


def topological_order(root) -> list:
    """All nodes that ``root`` depends on (and ``root``), each after all of its parents.

    A depth-first search with an explicit stack, so a graph thousands of operations deep needs
    no recursion.
    """
    order, seen = [], {id(root)}
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        parent = next(parents, None)
        if parent is None:  # all parents placed: place the node
            order.append(node)
            stack.pop()
        elif id(parent) not in seen:
            seen.add(id(parent))
            stack.append((parent, iter(parent._parents)))
    return order


# --- 1. Scalars ----------------------------------------------------------------------------


class Value:
    """A scalar that remembers how it was computed.

    ``y = Value(2.0) * Value(3.0) + 1`` builds a graph of five nodes (the constant 1 is one);
    ``y.backward()`` fills ``.grad`` of every node with dy/d(node). ``op`` names the operation
    that made a node ("" for an input), to label drawings of the graph.
    """

    def __init__(self, data: float, parents: tuple = (), op: str = ""):
        self.data = float(data)
        self.grad = 0.0
        self._parents = parents
        self.op = op
        self._backward = lambda: None  # leaves have nothing to pass on

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # d(a + b)/da = d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, n: float) -> Value:
        """x ** n for a constant exponent n (a Python number)."""
        if not isinstance(n, Real):
            raise TypeError(f"the exponent must be a number, not {type(n).__name__}")
        out = Value(math.pow(self.data, n), (self,), f"**{n}")

        def _backward():  # d(x^n)/dx = n x^(n-1)
            self.grad += n * math.pow(self.data, n - 1) * out.grad

        out._backward = _backward
        return out

    def _unary(self, y: float, dy_dx: float, op: str) -> Value:
        """The result y = f(x) of an elementwise function whose derivative at x is dy_dx."""
        out = Value(y, (self,), op)

        def _backward():
            self.grad += dy_dx * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        y = math.exp(self.data)
        return self._unary(y, y, "exp")

    def log(self) -> Value:
        return self._unary(math.log(self.data), 1.0 / self.data, "log")

    def tanh(self) -> Value:
        y = math.tanh(self.data)
        return self._unary(y, 1.0 - y * y, "tanh")

    def relu(self) -> Value:
        """max(0, x); its derivative at the kink x = 0 is taken to be 0 (as in torch)."""
        return self._unary(max(self.data, 0.0), float(self.data > 0), "relu")

    def sigmoid(self) -> Value:
        """σ(x) = 1 / (1 + e^{-x}), with σ'(x) = σ(x)(1 - σ(x))."""
        e = math.exp(-abs(self.data))  # never overflows
        y = 1.0 / (1.0 + e) if self.data >= 0 else e / (1.0 + e)
        return self._unary(y, y * (1.0 - y), "sigmoid")

    # The rest is built from the operations above, so it needs no derivatives of its own.
    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other) -> Value:
        return self + (-other)

    def __truediv__(self, other) -> Value:
        return self * other**-1

    def __radd__(self, other) -> Value:  # 1 + x
        return self + other

    def __rmul__(self, other) -> Value:  # 2 * x
        return self * other

    def __rsub__(self, other) -> Value:  # 1 - x
        return -self + other

    def __rtruediv__(self, other) -> Value:  # 1 / x
        return self**-1 * other

    def backward(self) -> None:
        """Fill ``.grad`` of every node in the graph with d(self)/d(node)."""
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0  # d(self)/d(self)
        for node in reversed(order):  # each node after every node that uses it
            node._backward()


# --- 2. Tensors ----------------------------------------------------------------------------


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` down to ``shape``, undoing NumPy broadcasting.

    An input of shape (4,) added to a (3, 4) matrix was used 3 times, once per row, so its
    gradient is the sum of the 3 rows' gradients; an axis of size 1 that was stretched is summed
    with keepdims. (3, 4) -> (4,) sums axis 0; (3, 4) -> (3, 1) sums axis 1.
    """
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))  # the axes broadcasting added
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True)


class Tensor:
    """An array that remembers how it was computed: :class:`Value`, one array per node.

    ``data`` is a float64 NumPy array; ``grad``, after ``backward()``, has the same shape; ``op``
    as in Value. Operations broadcast like NumPy; numbers and arrays mix in as constants.
    """

    __array_ufunc__ = None  # array + tensor: NumPy defers to Tensor.__radd__ and friends

    def __init__(self, data, parents: tuple = (), op: str = ""):
        self.data = np.asarray(data, dtype=np.float64)
        self.grad = None  # an array like data once backward() has run
        self._parents = parents
        self.op = op
        self._backward = lambda: None

    @property
    def shape(self) -> tuple:
        return self.data.shape

    def item(self) -> float:
        return self.data.item()

    def __repr__(self) -> str:
        return f"Tensor({self.data!r})"

    def __add__(self, other) -> Tensor:
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += unbroadcast(out.grad, self.shape)
            other.grad += unbroadcast(out.grad, other.shape)

        out._backward = _backward
        return out

    def __mul__(self, other) -> Tensor:
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data * other.data, (self, other), "*")

        def _backward():  # elementwise: d(ab)/da = b
            self.grad += unbroadcast(other.data * out.grad, self.shape)
            other.grad += unbroadcast(self.data * out.grad, other.shape)

        out._backward = _backward
        return out

    def __pow__(self, n: float) -> Tensor:
        """Elementwise x ** n for a constant exponent n (a Python number)."""
        if not isinstance(n, Real):
            raise TypeError(f"the exponent must be a number, not {type(n).__name__}")
        out = Tensor(self.data**n, (self,), f"**{n}")

        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad

        out._backward = _backward
        return out

    def __matmul__(self, other) -> Tensor:
        """Matrix product, as ``np.matmul``: (n, k) @ (k, m) -> (n, m), with vectors and stacks.

        For Z = A B the chain rule gives dA = dZ Bᵀ and dB = Aᵀ dZ. A vector a (k,) is the matrix
        (1, k) and b (k,) is (k, 1), as in matmul; leading (stack) axes broadcast.
        """
        other = other if isinstance(other, Tensor) else Tensor(other)
        out = Tensor(self.data @ other.data, (self, other), "@")

        def _backward():
            A = self.data if self.data.ndim > 1 else self.data[None, :]
            B = other.data if other.data.ndim > 1 else other.data[:, None]
            stack = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
            dZ = out.grad.reshape(stack + (A.shape[-2], B.shape[-1]))  # vectors back to matrices
            dA = unbroadcast(dZ @ np.swapaxes(B, -1, -2), A.shape)
            dB = unbroadcast(np.swapaxes(A, -1, -2) @ dZ, B.shape)
            self.grad += dA.reshape(self.shape)
            other.grad += dB.reshape(other.shape)

        out._backward = _backward
        return out

    def sum(self, axis=None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (an int, a tuple, or None for all); each input gets the gradient of
        the sum it went into."""
        out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum")

        def _backward():
            grad = out.grad
            if not keepdims and axis is not None:  # put the summed axes back, as size 1
                axes = (axis,) if isinstance(axis, int) else axis
                grad = np.expand_dims(grad, tuple(a % self.data.ndim for a in axes))
            self.grad += np.broadcast_to(grad, self.shape)

        out._backward = _backward
        return out

    def _unary(self, y: np.ndarray, dy_dx, op: str) -> Tensor:
        """The result y = f(x) of an elementwise function; ``dy_dx()`` gives f'(x) (evaluated
        only in the backward pass)."""
        out = Tensor(y, (self,), op)

        def _backward():
            self.grad += dy_dx() * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Tensor:
        y = np.exp(self.data)
        return self._unary(y, lambda: y, "exp")

    def log(self) -> Tensor:
        return self._unary(np.log(self.data), lambda: 1.0 / self.data, "log")

    def tanh(self) -> Tensor:
        y = np.tanh(self.data)
        return self._unary(y, lambda: 1.0 - y * y, "tanh")

    def relu(self) -> Tensor:
        """max(0, x) elementwise; the derivative at the kink x = 0 is taken to be 0."""
        return self._unary(np.maximum(self.data, 0), lambda: self.data > 0, "relu")

    def sigmoid(self) -> Tensor:
        y = np.exp(-np.logaddexp(0, -self.data))  # 1 / (1 + e^{-x}) without overflow
        return self._unary(y, lambda: y * (1 - y), "sigmoid")

    def log_softmax(self, axis: int = -1) -> Tensor:
        """log softmax(x) = x - log Σ_j exp(x_j) along ``axis``, computed without overflow.

        With p = softmax(x), the gradient is dx = dy - p Σ_j dy_j: the softmax couples the
        entries, so this is one operation with its own backward, not a composition.
        """
        shifted = self.data - self.data.max(axis=axis, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        out = Tensor(y, (self,), "log_softmax")

        def _backward():
            self.grad += out.grad - np.exp(y) * out.grad.sum(axis=axis, keepdims=True)

        out._backward = _backward
        return out

    def __getitem__(self, index) -> Tensor:
        """NumPy indexing, e.g. ``E[ids]`` picks rows of an embedding matrix E (V, d).

        A row picked twice gets both gradients (``np.add.at`` adds at repeated indices, where
        ``grad[index] += ...`` would keep only one).
        """
        out = Tensor(self.data[index], (self,), "[]")

        def _backward():
            np.add.at(self.grad, index, out.grad)

        out._backward = _backward
        return out

    def reshape(self, *shape) -> Tensor:
        out = Tensor(self.data.reshape(*shape), (self,), "reshape")

        def _backward():
            self.grad += out.grad.reshape(self.shape)

        out._backward = _backward
        return out

    # Built from the operations above.
    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (total.data.size / self.data.size)

    def __neg__(self) -> Tensor:
        return self * -1.0

    def __sub__(self, other) -> Tensor:
        return self + (-other)

    def __truediv__(self, other) -> Tensor:
        other = other if isinstance(other, Tensor) else Tensor(other)
        return self * other**-1

    def __radd__(self, other) -> Tensor:
        return self + other

    def __rmul__(self, other) -> Tensor:
        return self * other

    def __rsub__(self, other) -> Tensor:
        return -self + other

    def __rtruediv__(self, other) -> Tensor:
        return self**-1 * other

    def __rmatmul__(self, other) -> Tensor:  # array @ tensor
        return Tensor(other) @ self

    def backward(self) -> None:
        """Fill ``.grad`` of every node in the graph with d(self)/d(node); self is a scalar
        (size 1), e.g. a loss."""
        if self.data.size != 1:
            raise ValueError(f"backward() needs a scalar output, not shape {self.shape}")
        order = topological_order(self)
        for node in order:
            node.grad = np.zeros_like(node.data)
        self.grad = np.ones_like(self.data)
        for node in reversed(order):
            node._backward()


def cross_entropy(logits: Tensor, targets) -> Tensor:
    """Mean cross-entropy -1/N Σ_i log softmax(s_i)[y_i] of a batch.

    Args:
        logits: scores s, shape (N, C).
        targets: the correct classes y, integers of shape (N,).
    """
    targets = np.asarray(targets)
    return -logits.log_softmax(axis=-1)[np.arange(len(targets)), targets].mean()
