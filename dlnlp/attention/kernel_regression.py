"""Attention pooling as Nadaraya-Watson kernel regression.

The training pairs (x_i, y_i), i = 1 .. n, are the keys and values; a point x where we want a
prediction is a query. The data come from y_i = 2 sin(x_i) + x_i^0.8 + ε, ε ~ N(0, σ²).

- **Average pooling** ignores the query: f(x) = (1/n) Σ_i y_i.
- **Attention pooling** (Nadaraya 1964; Watson 1964) weighs each value by how close its key is
  to the query, with a kernel K:

      f(x) = Σ_i α(x, x_i) y_i,    α(x, x_i) = K(x - x_i) / Σ_j K(x - x_j).

  With the Gaussian kernel K(u) = exp(-u²/2) / √(2π) the constant cancels and
  α(x, x_i) = softmax_i(-(x - x_i)²/2): a softmax over the scores a(x, x_i) = -(x - x_i)²/2,
  the attention weights of :mod:`dlnlp.attention.scoring` with a fixed scoring function. This
  is non-parametric: nothing is learned.
- **Parametric attention pooling** puts a learnable width w inside the kernel,
  α(x, x_i) = softmax_i(-((x - x_i) w)²/2): a larger w gives narrower, more local weights.
  w is fitted by gradient descent on the squared error; each training point is predicted from
  the *other* training points (leave-one-out), or w would grow until every x_i attends only to
  itself and the fit interpolates the noise.

Shapes: queries (n_q,), keys and values (n_k,); attention weights (n_q, n_k), row q holding
α(x_q, x_1) .. α(x_q, x_{n_k}).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from dlnlp.attention.scoring import masked_softmax


def f(x: Tensor) -> Tensor:
    """The true function 2 sin(x) + x^0.8 (for x ≥ 0)."""
    return 2 * torch.sin(x) + x**0.8


def make_data(
    n: int = 50, noise: float = 0.5, high: float = 5.0, generator: torch.Generator | None = None
) -> tuple[Tensor, Tensor]:
    """n training pairs: x_i ~ U(0, ``high``), sorted, and y_i = f(x_i) + ε, ε ~ N(0, noise²).

    Returns (x (n,), y (n,)), float32.
    """
    x, _ = torch.sort(torch.rand(n, generator=generator) * high)
    return x, f(x) + noise * torch.randn(n, generator=generator)


def average_pooling(queries: Tensor, values: Tensor) -> Tensor:
    """f(x) = mean of the values for every query: predictions (n_q,)."""
    return values.mean().expand(len(queries))


def nadaraya_watson(
    queries: Tensor,
    keys: Tensor,
    values: Tensor,
    w: float | Tensor = 1.0,
    mask: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """Attention pooling with the Gaussian kernel of width 1/w.

    Args:
        queries: x (n_q,); keys: x_i (n_k,); values: y_i (n_k,).
        w: the kernel's scale (1: the plain Gaussian kernel; a tensor to learn it).
        mask: boolean (n_q, n_k), True where a query may attend to a key (default: all).

    Returns (predictions (n_q,), attention weights (n_q, n_k)); each row of weights sums to 1.
    """
    scores = -(((queries[:, None] - keys[None, :]) * w) ** 2) / 2  # (n_q, n_k)
    weights = masked_softmax(scores, mask=mask)
    return weights @ values, weights


class NWKernelRegression(nn.Module):
    """Nadaraya-Watson regression with a learnable kernel scale ``w`` (a (1,) parameter,
    initialised to ``w``; 1 is the non-parametric version).

    ``forward(queries (n_q,), keys (n_k,), values (n_k,), mask=None) -> (predictions (n_q,),
    weights (n_q, n_k))``, as :func:`nadaraya_watson`.
    """

    def __init__(self, w: float = 1.0) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.tensor([float(w)]))

    def forward(
        self, queries: Tensor, keys: Tensor, values: Tensor, mask: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        return nadaraya_watson(queries, keys, values, self.w, mask)


def leave_one_out_loss(model: NWKernelRegression, x: Tensor, y: Tensor) -> Tensor:
    """Mean squared error (1/n) Σ_i (f_{-i}(x_i) - y_i)², f_{-i} pooling over all training pairs
    but (x_i, y_i). A scalar."""
    others = ~torch.eye(len(x), dtype=torch.bool, device=x.device)  # (n, n): False on the diagonal
    predictions, _ = model(x, x, y, mask=others)
    return ((predictions - y) ** 2).mean()


def fit(
    model: NWKernelRegression, x: Tensor, y: Tensor, epochs: int = 20, lr: float = 2.0
) -> list[float]:
    """Fit ``w`` by full-batch gradient descent on :func:`leave_one_out_loss` of the training
    pairs x, y (n,). Returns the loss before each of the ``epochs`` steps."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = leave_one_out_loss(model, x, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
