"""GloVe: word vectors from a weighted least-squares fit to log co-occurrence counts.

GloVe (Pennington, Socher & Manning 2014) asks, for every pair with X_ij > 0, that

    w_i^T w~_j + b_i + b~_j  ~  log X_ij

and weighs each squared error by f(X_ij), which grows with the count and is capped at 1:

    J = 1/2 sum_{X_ij > 0} f(X_ij) e_ij^2,   e_ij = w_i^T w~_j + b_i + b~_j - log X_ij,
    f(x) = (x / x_max)^alpha if x < x_max else 1      (x_max = 100, alpha = 3/4).

The paper writes J without the 1/2; we keep it everywhere (as the reference C code does for the
cost it reports), so with delta_ij = f(X_ij) e_ij the gradients carry no factor 2:

    dJ/dw_i = sum_j delta_ij w~_j,   dJ/dw~_j = sum_i delta_ij w_i,
    dJ/db_i = sum_j delta_ij,        dJ/db~_j = sum_i delta_ij.

Each parameter is trained with AdaGrad (Duchi et al. 2011); the word vectors are W + W~.
Zero entries of X never enter the loss (log 0 is undefined, and f(0) = 0 anyway), so one pass
costs time proportional to the number of non-zeros, not V^2.

Command line (plain or gzipped whitespace-separated text)::

    python -m dlnlp.vectors.glove --corpus text8 --dim 100 --window 10 --min-count 5 \
        --x-max 100 --alpha 0.75 --epochs 25 --out vectors.txt
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import torch
from tqdm.auto import tqdm

from dlnlp.data import Vocab
from dlnlp.vectors.cooccurrence import window_cooccurrence
from dlnlp.vectors.io import keyed_vectors, save_word2vec

X_MAX, ALPHA, LR = 100.0, 0.75, 0.05  # the paper's f and the C tool's learning rate


class Params(NamedTuple):
    """GloVe's parameters: W (V, d) word vectors w_i, W_tilde (V, d) context vectors w~_j,
    b (V,) word biases, b_tilde (V,) context biases."""

    W: torch.Tensor
    W_tilde: torch.Tensor
    b: torch.Tensor
    b_tilde: torch.Tensor


def init_params(V: int, d: int, seed: int = 0, dtype: torch.dtype = torch.float32) -> Params:
    """Every entry uniform in [-0.5/d, 0.5/d), as in the reference C code; on the CPU."""
    g = torch.Generator().manual_seed(seed)

    def uniform(*shape):
        return (torch.rand(shape, generator=g, dtype=dtype) - 0.5) / d

    return Params(uniform(V, d), uniform(V, d), uniform(V), uniform(V))


def weighting(x: torch.Tensor, x_max: float = X_MAX, alpha: float = ALPHA) -> torch.Tensor:
    """f(x) = (x / x_max)^alpha below x_max, 1 from there on; same shape as x (x >= 0)."""
    return torch.clamp(x / x_max, max=1.0) ** alpha  # 1^alpha = 1 above the cap


def loss(
    params: Params,
    i: torch.Tensor,
    j: torch.Tensor,
    x: torch.Tensor,
    x_max: float = X_MAX,
    alpha: float = ALPHA,
) -> torch.Tensor:
    """J = 1/2 sum_n f(x_n) (w_{i_n}^T w~_{j_n} + b_{i_n} + b~_{j_n} - log x_n)^2, a scalar.

    i, j: (B,) word and context indices; x: (B,) their counts X_ij, all > 0.
    """
    W, W_tilde, b, b_tilde = params
    e = (W[i] * W_tilde[j]).sum(1) + b[i] + b_tilde[j] - torch.log(x)
    return 0.5 * (weighting(x, x_max, alpha) * e**2).sum()


def gradients(
    params: Params,
    i: torch.Tensor,
    j: torch.Tensor,
    x: torch.Tensor,
    x_max: float = X_MAX,
    alpha: float = ALPHA,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, Params]:
    """J of a batch (as :func:`loss`) and its gradients, row by row.

    A batch touches only the rows of W, b named in i and those of W~, b~ named in j, so only
    those rows are returned: ``(J, rows_i, rows_j, grads)`` where rows_i (R_i,) are the distinct
    indices in i, rows_j (R_j,) those in j, and grads is a :class:`Params` of shapes (R_i, d),
    (R_j, d), (R_i,), (R_j,). An index that occurs several times in the batch gets the sum of
    its terms. Every other row's gradient is zero.
    """
    W, W_tilde, b, b_tilde = params
    w, w_tilde = W.index_select(0, i), W_tilde.index_select(0, j)  # (B, d) copies of rows
    e = torch.linalg.vecdot(w, w_tilde) + b.index_select(0, i) + b_tilde.index_select(0, j)
    e -= torch.log(x)
    delta = weighting(x, x_max, alpha) * e  # (B,)
    J = 0.5 * (delta * e).sum()
    rows_i, at_i = torch.unique(i, return_inverse=True)
    rows_j, at_j = torch.unique(j, return_inverse=True)

    def sum_rows(terms, at, n):  # out[k] = sum of terms[m] over the m with at[m] == k
        return terms.new_zeros((n, *terms.shape[1:])).index_add_(0, at, terms)

    grads = Params(
        sum_rows(w_tilde.mul_(delta[:, None]), at_i, len(rows_i)),  # delta w~_j, summed per i
        sum_rows(w.mul_(delta[:, None]), at_j, len(rows_j)),  # delta w_i, summed per j
        sum_rows(delta, at_i, len(rows_i)),
        sum_rows(delta, at_j, len(rows_j)),
    )
    return J, rows_i, rows_j, grads


def adagrad_step(
    theta: torch.Tensor,
    grad: torch.Tensor,
    G: torch.Tensor,
    lr: float = LR,
    rows: torch.Tensor | None = None,
) -> None:
    """One AdaGrad step as the GloVe tool takes it, in place: with the scaled gradient lr * g,

        G <- G + (lr g)^2,    theta <- theta - lr g / sqrt(G).

    G holds each parameter's accumulated squared (scaled) gradients and starts at 1, as in the
    reference C code. This is AdaGrad (Duchi et al. 2011) with learning rate 1 and accumulator
    starting at 1/lr^2: early steps are plain SGD steps of size lr, and none exceeds 1 per
    coordinate. (Textbook AdaGrad, theta -= lr g / sqrt(1 + sum g^2), shrinks steps 1/lr = 20
    times more in the long run and trains far slower here. glove.c also divides by sqrt(G)
    before adding the current term and clips g to +-100.)

    With ``rows`` (distinct, (R,)), grad holds only those rows of the gradient, (R, ...), and
    only those rows change.
    """
    step = lr * grad
    if rows is None:
        G.addcmul_(step, step)
        theta.sub_(step / G.sqrt())
        return
    G_rows = G.index_select(0, rows).addcmul_(step, step)
    G.index_copy_(0, rows, G_rows)
    theta.index_add_(0, rows, step.div_(G_rows.sqrt_()), alpha=-1.0)


def entries(X: sp.spmatrix) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The positive entries of X as i (N,), j (N,) int64 and X_ij (N,) float32; explicit zeros
    are dropped."""
    X = sp.coo_matrix(X)
    if X.shape[0] != X.shape[1]:
        raise ValueError(f"X must be a square (V, V) co-occurrence matrix, got shape {X.shape}")
    if X.nnz and X.data.min() < 0:
        raise ValueError("co-occurrence counts must be >= 0; X has negative entries")
    keep = X.data > 0
    return (
        torch.from_numpy(X.row[keep].astype(np.int64)),
        torch.from_numpy(X.col[keep].astype(np.int64)),
        torch.from_numpy(X.data[keep].astype(np.float32)),
    )


class Fit(NamedTuple):
    """What :func:`train` returns: vectors W + W~ (V, d) float32 on the CPU, the mean loss
    J / N of each epoch (as it trains), and each epoch's wall-clock seconds."""

    vectors: torch.Tensor
    losses: list[float]
    seconds: list[float]


def _adagrad_pass(params, G, i, j, x, batch_size, x_max, alpha, lr) -> torch.Tensor:
    """AdaGrad steps over consecutive batches of the entries (i, j, x); returns their summed J."""
    total = torch.zeros((), dtype=torch.float64, device=x.device)
    for s in range(0, x.numel(), batch_size):
        batch = slice(s, s + batch_size)
        J, rows_i, rows_j, grads = gradients(params, i[batch], j[batch], x[batch], x_max, alpha)
        for theta, grad, acc, rows in zip(params, grads, G, (rows_i, rows_j) * 2):
            adagrad_step(theta, grad, acc, lr, rows)
        total += J
    return total


def train(
    X: sp.spmatrix,
    dim: int = 100,
    *,
    epochs: int = 25,
    x_max: float = X_MAX,
    alpha: float = ALPHA,
    lr: float = LR,
    batch_size: int = 16384,
    device: str | torch.device = "cpu",
    seed: int = 0,
    threads: int = 1,
    progress: bool = True,
) -> Fit:
    """Fit GloVe to a (V, V) co-occurrence matrix X by AdaGrad over batches of its non-zeros.

    Each epoch shuffles the N non-zero entries and takes one :func:`adagrad_step` per batch of
    ``batch_size`` with the batch's summed gradient (:func:`gradients`), in float32 on
    ``device``. On the CPU, ``threads`` workers each take a share of the shuffled entries and
    update the shared parameters without locks, as the C tool's threads do ("Hogwild", Recht
    et al. 2011); each worker runs torch on one thread. With threads=1 a seed gives the same
    result every time; with more, updates interleave differently from run to run.
    """
    if dim <= 0 or epochs <= 0 or batch_size <= 0 or threads <= 0:
        raise ValueError(
            f"dim, epochs, batch_size and threads must be positive, got {dim}, {epochs}, "
            f"{batch_size}, {threads}"
        )
    if x_max <= 0 or alpha <= 0 or lr <= 0:
        raise ValueError(f"x_max, alpha and lr must be positive, got {x_max}, {alpha}, {lr}")
    device = torch.device(device)
    i_all, j_all, x_all = (t.to(device) for t in entries(X))
    N = x_all.numel()
    if N == 0:
        raise ValueError("X has no positive entries: there is nothing to fit")
    params = Params(*(p.to(device) for p in init_params(X.shape[0], dim, seed)))
    G = [torch.ones_like(p) for p in params]  # AdaGrad accumulators, start at 1
    shuffle = torch.Generator(device=device).manual_seed(seed)
    workers = threads if device.type == "cpu" else 1
    shares = [slice(k * N // workers, (k + 1) * N // workers) for k in range(workers)]
    hyper = (batch_size, x_max, alpha, lr)
    losses, seconds = [], []
    torch_threads = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(1)  # parallel over workers, not inside each small torch op
    try:
        with ThreadPoolExecutor(workers) as pool:
            for _ in (bar := tqdm(range(epochs), desc="GloVe", unit="epoch", disable=not progress)):
                start = time.perf_counter()
                order = torch.randperm(N, generator=shuffle, device=device)
                i, j, x = i_all[order], j_all[order], x_all[order]
                parts = [
                    pool.submit(_adagrad_pass, params, G, i[k], j[k], x[k], *hyper) for k in shares
                ]
                losses.append(sum(part.result().item() for part in parts) / N)
                seconds.append(time.perf_counter() - start)
                bar.set_postfix(loss=f"{losses[-1]:.4f}", nz_per_s=f"{N / seconds[-1]:.3g}")
    finally:
        torch.set_num_threads(torch_threads)
    return Fit((params.W + params.W_tilde).cpu(), losses, seconds)


def cooccurrence(
    tokens: Sequence[str], min_count: int = 5, window: int = 10
) -> tuple[sp.csr_matrix, list[str]]:
    """GloVe's counts: X (V, V) with 1/d weighting in a symmetric window, and its V words.

    Words seen fewer than ``min_count`` times are removed from the text before counting, so
    windows reach over them, as in the GloVe tool. The words are sorted by count.
    """
    vocab = Vocab(tokens, min_count=min_count)
    if len(vocab) == 1:
        raise ValueError(
            f"no word occurs min_count={min_count} times or more in {len(tokens):,} tokens; "
            "lower the min count or use a larger corpus"
        )
    ids = vocab.encode(tokens)
    ids = ids[ids > 0] - 1  # drop <unk> (index 0) and renumber the kept words from 0
    return window_cooccurrence(ids, len(vocab) - 1, window, "harmonic"), vocab.itos[1:]


# ---------------------------------------------------------------- command line


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def _device(text: str) -> torch.device:
    try:
        device = torch.device(text)
    except RuntimeError:
        raise argparse.ArgumentTypeError(f"unknown device {text!r}; use cpu or cuda") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise argparse.ArgumentTypeError("cuda is not available on this machine; use cpu")
    if device.type not in ("cpu", "cuda"):
        raise argparse.ArgumentTypeError(f"unsupported device {text!r}; use cpu or cuda")
    return device


def read_corpus(path: str | Path) -> list[str]:
    """The whitespace-separated words of a plain or gzip-compressed text file."""
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    with (gzip.open if gzipped else open)(path, "rt", encoding="utf-8") as f:
        return f.read().split()


def main(argv: Sequence[str] | None = None) -> None:
    parser = _Parser(prog="python -m dlnlp.vectors.glove", description=__doc__.split("\n")[0])
    arg = parser.add_argument
    arg("--corpus", required=True, help="plain or gzipped whitespace-tokenised text")
    arg("--out", required=True, help="output vectors, word2vec text format")
    arg("--dim", type=_positive(int), default=100)
    arg("--window", type=_positive(int), default=10, help="words on each side (1/d weighting)")
    arg("--min-count", type=_positive(int), default=5)
    arg("--x-max", type=_positive(float), default=X_MAX)
    arg("--alpha", type=_positive(float), default=ALPHA)
    arg("--epochs", type=_positive(int), default=25)
    arg("--lr", type=_positive(float), default=LR, help="AdaGrad learning rate")
    arg("--batch-size", type=_positive(int), default=16384, help="non-zeros per AdaGrad step")
    arg(
        "--threads",
        type=_positive(int),
        default=1,
        help="CPU workers, lock-free like the C tool's threads (default 1)",
    )
    arg("--device", type=_device, default=torch.device("cpu"), help="cpu or cuda")
    arg("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        if not Path(args.corpus).is_file():
            raise ValueError(f"corpus {args.corpus!r} is not a file; pass a text file (or .gz)")
        if not Path(args.out).resolve().parent.is_dir():
            raise ValueError(f"the folder of --out {args.out!r} does not exist; create it first")
        tokens = read_corpus(args.corpus)
        if not tokens:
            raise ValueError(f"corpus {args.corpus!r} has no words")
        start = time.perf_counter()
        X, words = cooccurrence(tokens, args.min_count, args.window)
        build = time.perf_counter() - start
        print(f"co-occurrence: {len(tokens):,} tokens, {len(words):,} words, {X.nnz:,} non-zeros")
        fit = train(
            X,
            args.dim,
            epochs=args.epochs,
            x_max=args.x_max,
            alpha=args.alpha,
            lr=args.lr,
            batch_size=args.batch_size,
            device=args.device,
            seed=args.seed,
            threads=args.threads,
        )
        save_word2vec(keyed_vectors(fit.vectors, words), args.out)
    except (ValueError, OSError, EOFError) as err:
        parser.exit(2, f"{parser.prog}: error: {err}\n")
    seconds = sum(fit.seconds)
    print(f"wrote {len(words):,} vectors to {args.out}; final loss {fit.losses[-1]:.4f}")
    print(f"co-occurrence build: {build:.1f} s, {len(tokens) / build:,.0f} tokens/s")
    print(f"training: {seconds:.1f} s, {X.nnz * args.epochs / seconds:,.0f} non-zeros/s")


if __name__ == "__main__":
    main(sys.argv[1:])
