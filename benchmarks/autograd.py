"""The scratch autograd engine beside torch: the same MLP, the same data, steps per second.

    python benchmarks/autograd.py                   # 64 -> 64 tanh -> 10 on sklearn's digits
    python benchmarks/autograd.py --hidden 256 --batch 256 --steps 300

Both train the same network (same initial weights, minibatches and plain SGD) for the same
number of steps on the CPU, in float64; torch runs on one thread, as the scratch engine's NumPy
mostly does. It prints steps per second for each, the ratio, and the final losses (which agree,
as the engine computes the same gradients). This is about honesty on cost, not a race to win:
the engine builds a Python object per operation and is written to be read.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from sklearn.datasets import load_digits

from dlnlp.nn.autograd import Tensor, cross_entropy


def batches(n: int, batch: int, steps: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.choice(n, size=batch, replace=False) for _ in range(steps)]


def scratch(X, y, W1, b1, W2, b2, order, lr) -> tuple[float, float]:
    """Seconds and final loss of SGD with dlnlp.nn.autograd."""
    params = [Tensor(p.copy()) for p in (W1, b1, W2, b2)]
    start = time.perf_counter()
    for idx in order:
        w1, c1, w2, c2 = params
        loss = cross_entropy(((Tensor(X[idx]) @ w1 + c1).tanh() @ w2) + c2, y[idx])
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
    return time.perf_counter() - start, loss.item()


def reference(X, y, W1, b1, W2, b2, order, lr) -> tuple[float, float]:
    """Seconds and final loss of the same SGD in torch."""
    params = [torch.tensor(p, requires_grad=True) for p in (W1, b1, W2, b2)]
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    start = time.perf_counter()
    for idx in order:
        w1, c1, w2, c2 = params
        i = torch.from_numpy(idx)
        loss = torch.nn.functional.cross_entropy(torch.tanh(Xt[i] @ w1 + c1) @ w2 + c2, yt[i])
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
    return time.perf_counter() - start, loss.item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--lr", type=float, default=0.1)
    args = parser.parse_args()
    torch.set_num_threads(1)
    digits = load_digits()
    X, y = digits.data / 16.0, digits.target.astype(np.int64)
    rng = np.random.default_rng(0)
    d, h, k = X.shape[1], args.hidden, 10
    W1, b1 = rng.normal(0, 1 / np.sqrt(d), (d, h)), np.zeros(h)
    W2, b2 = rng.normal(0, 1 / np.sqrt(h), (h, k)), np.zeros(k)
    order = batches(len(X), args.batch, args.steps, seed=1)
    ours = scratch(X, y, W1, b1, W2, b2, order, args.lr)
    theirs = reference(X, y, W1, b1, W2, b2, order, args.lr)
    print(f"MLP {d}->{h} tanh->{k}, batch {args.batch}, {args.steps} SGD steps, float64, 1 thread")
    print(f"dlnlp.nn.autograd: {args.steps / ours[0]:8.1f} steps/s  final loss {ours[1]:.6f}")
    print(f"torch            : {args.steps / theirs[0]:8.1f} steps/s  final loss {theirs[1]:.6f}")
    print(f"ratio (scratch / torch): {theirs[0] / ours[0]:.2f}x the speed")


if __name__ == "__main__":
    main()
