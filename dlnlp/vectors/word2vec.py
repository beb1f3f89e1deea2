"""word2vec: skip-gram and CBOW, trained with negative sampling or hierarchical softmax.

Notation of the lecture (Mikolov et al. 2013a, 2013b): every word w has two vectors, an input
("center") vector v_w, a row of V (V, d), and an output ("outside") vector u_w, a row of U
(V, d). Skip-gram predicts each outside word o from the center word c,

    P(o | c) = exp(u_o . v_c) / sum_w exp(u_w . v_c),

and CBOW predicts the center word from the average of its 2m context vectors.

The module has three layers:

1. exact losses and gradients for one example, in NumPy, float64 -- what the chapter derives and
   checks numerically: :func:`naive_softmax_loss`, :func:`negative_sampling_loss`,
   :func:`hierarchical_softmax_loss` and :func:`cbow_loss`;
2. the same gradients for a batch as one in-place torch step, on any device, touching only the
   rows that occur: :func:`negative_sampling_step`, :func:`hierarchical_softmax_step`, and
   :func:`train_step` around them (h from V, its step back into V). On a CPU, negative
   sampling runs the same steps as loops compiled by numba, :func:`negative_sampling_chunk`:
   torch makes one pass over a batch per operation, the loops finish each example's rows while
   they are in cache, and release the GIL for the worker threads (several times faster);
3. the trainer :func:`train` (subsampling, dynamic windows, linear learning-rate decay,
   hogwild worker threads) and its command line::

    python -m dlnlp.vectors.word2vec --corpus text8 --dim 100 --out vectors.txt
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import math
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from gensim.models import KeyedVectors
from tqdm.auto import tqdm

from dlnlp.data import Vocab, subsample
from dlnlp.vectors.huffman import HuffmanTree, huffman_tree
from dlnlp.vectors.io import keyed_vectors, save_word2vec
from dlnlp.vectors.noise import NoiseSampler

try:  # the CPU's fast path; without it the torch steps do the same work, several times slower
    import numba
except ImportError:
    numba = None

# --- 1. Exact losses and gradients for one example (NumPy) ---------------------------------


def sigmoid(x):
    """σ(x) = 1 / (1 + e^{-x}), computed as exp(-log(1 + e^{-x})): no overflow at any x."""
    return np.exp(-np.logaddexp(0.0, -x))


def log_sigmoid(x):
    """log σ(x) = -log(1 + e^{-x}), finite for every finite x (e.g. -1000 at x = -1000)."""
    return -np.logaddexp(0.0, -x)


def softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax of a score vector (V,); subtracting the maximum keeps exp from overflowing."""
    e = np.exp(scores - scores.max())
    return e / e.sum()


def naive_softmax_loss(v_c: np.ndarray, o: int, U: np.ndarray):
    """J = -log P(o | c) with the full softmax over the vocabulary.

    Args:
        v_c: center vector, shape (d,).
        o: index of the outside word.
        U: outside vectors, shape (V, d).

    Returns ``(J, dJ/dv_c (d,), dJ/dU (V, d))``. With ŷ = softmax(U v_c) and y the one-hot
    vector of o:  dJ/dv_c = -u_o + sum_w P(w|c) u_w = Uᵀ(ŷ - y)  and  dJ/dU = (ŷ - y) v_cᵀ.
    """
    scores = U @ v_c  # (V,)
    top = scores.max()
    J = top + np.log(np.exp(scores - top).sum()) - scores[o]  # logsumexp - score of o
    delta = softmax(scores)  # ŷ - y
    delta[o] -= 1.0
    return J, U.T @ delta, np.outer(delta, v_c)


def negative_sampling_loss(v_c: np.ndarray, o: int, U: np.ndarray, negatives):
    """J = -log σ(u_oᵀv_c) - Σ_k log σ(-u_kᵀv_c) over the K noise words ``negatives``.

    The noise words may repeat and may equal o: each occurrence is one term of the sum, so the
    gradients of repeated rows of U add up.

    Returns ``(J, dJ/dv_c (d,), dJ/dU (V, d))`` with
    dJ/dv_c = (σ(u_oᵀv_c) - 1) u_o + Σ_k σ(u_kᵀv_c) u_k,  dJ/du_o = (σ(u_oᵀv_c) - 1) v_c,
    dJ/du_k = σ(u_kᵀv_c) v_c (summed over the k that name the same word).
    """
    negatives = np.asarray(negatives, dtype=np.int64)
    s_o, s_k = U[o] @ v_c, U[negatives] @ v_c  # scalar, (K,)
    J = -log_sigmoid(s_o) - log_sigmoid(-s_k).sum()
    g_o, g_k = -sigmoid(-s_o), sigmoid(s_k)  # dJ/ds: σ(s) - 1 = -σ(-s) is exact for large s
    grad_U = np.zeros_like(U)
    grad_U[o] += g_o * v_c
    np.add.at(grad_U, negatives, g_k[:, None] * v_c)
    return J, g_o * U[o] + g_k @ U[negatives], grad_U


def hierarchical_softmax_loss(h: np.ndarray, path, code, N: np.ndarray):
    """J = -Σ_j log σ(±n_jᵀh) along the Huffman path of the target word.

    Args:
        h: input vector, shape (d,) (v_c in skip-gram, the context average in CBOW).
        path: inner nodes from the root to the target word, shape (L,).
        code: the turns taken, shape (L,); bit 0 means "+", bit 1 means "-" (the sign is 1 - 2 bit,
            the convention of word2vec.c).
        N: inner-node vectors, shape (V - 1, d).

    Returns ``(J, dJ/dh (d,), dJ/dN (V - 1, d))``. The probabilities of all V leaves sum to one
    because at each node σ(x) + σ(-x) = 1.
    """
    path = np.asarray(path, dtype=np.int64)
    sign = 1.0 - 2.0 * np.asarray(code, dtype=np.float64)
    s = sign * (N[path] @ h)  # (L,)
    J = -log_sigmoid(s).sum()
    g = -sign * sigmoid(-s)  # dJ/d(n_jᵀh)
    grad_N = np.zeros_like(N)
    grad_N[path] = g[:, None] * h  # the nodes on one path are distinct
    return J, g @ N[path], grad_N


def cbow_loss(contexts: np.ndarray, c: int, U: np.ndarray, loss=naive_softmax_loss, **loss_args):
    """CBOW: predict the center word c from h = the average of the 2m context vectors.

    Args:
        contexts: the context words' input vectors, shape (2m, d).
        c: index of the center word (the target).
        U: output vectors (V, d) (or inner-node vectors for :func:`hierarchical_softmax_loss`).
        loss: one of the losses above, called as ``loss(h, c, U, **loss_args)``; for hierarchical
            softmax pass ``loss=lambda h, c, N, tree: hierarchical_softmax_loss(h, tree.path(c),
            tree.code(c), N)`` and ``tree=...``.

    Returns ``(J, dJ/dcontexts (2m, d), dJ/dU)``. Since h = (1/2m) Σ_j v_j, every context vector
    gets dJ/dv_j = (1/2m) dJ/dh: the 1/2m of the average comes back in the chain rule. (The
    trainer, like word2vec.c, leaves it out and adds the whole dJ/dh to every context row.)
    """
    h = contexts.mean(axis=0)
    J, grad_h, grad_U = loss(h, c, U, **loss_args)
    grad_contexts = np.broadcast_to(grad_h / contexts.shape[0], contexts.shape).copy()
    return J, grad_contexts, grad_U


# --- 2. One SGD step for a batch (torch, in place, any device) ------------------------------


def negative_sampling_step(h: torch.Tensor, targets: torch.Tensor, U: torch.Tensor, lr):
    """One SGD step of negative sampling for a batch of B examples.

    Args:
        h: input vectors, shape (B, d).
        targets: shape (B, 1 + K): the word to predict, then its K noise words.
        U: output vectors (V, d); only the rows in ``targets`` are updated, in place.
        lr: learning rate, a float or a 0-d tensor.

    Returns ``(step_h, loss)``: ``step_h`` (B, d) is -lr dJ/dh, for the caller to add to the
    input rows that made h; ``loss`` is the summed J of the batch (a 0-d tensor), computed
    before the step. Per example this is :func:`negative_sampling_loss`, with the gradients of
    the whole batch taken at the same parameters.
    """
    B, d = h.shape
    flat = targets.reshape(-1)
    u = U.index_select(0, flat).view(B, -1, d)  # (B, 1+K, d)
    s = torch.bmm(u, h.unsqueeze(2)).squeeze(2)  # (B, 1+K) scores uᵀh
    sign = 1.0 - 2.0 * (torch.arange(s.shape[1], device=s.device) > 0).to(s.dtype)  # +1, -1...
    z = s * sign  # + for the word to predict, - for noise: J = -Σ log σ(z)
    loss = F.logsigmoid(z).sum().neg()
    g = torch.sigmoid(-z) * sign * lr  # -lr dJ/ds = ±lr σ(-z), exact where σ(z) rounds to 1
    step_h = torch.bmm(g.unsqueeze(1), u).squeeze(1)  # (B, d)
    step_u = torch.mul(g.unsqueeze(2), h.unsqueeze(1), out=u)  # (B, 1+K, d), reuses u
    U.index_add_(0, flat, step_u.view(-1, d))
    return step_h, loss


def hierarchical_softmax_step(
    h: torch.Tensor,
    targets: torch.Tensor,
    N: torch.Tensor,
    paths: torch.Tensor,
    codes: torch.Tensor,
    lengths: torch.Tensor,
    lr: float,
):
    """One SGD step of hierarchical softmax for a batch of B examples.

    Args:
        h: input vectors, shape (B, d).
        targets: the words to predict, shape (B,).
        N: inner-node vectors (V - 1, d); only the nodes on the targets' paths are updated.
        paths, codes, lengths: the :class:`~dlnlp.vectors.huffman.HuffmanTree` arrays as tensors
            on N's device: (V, L) int64, (V, L) and (V,) int64.
        lr: learning rate.

    Returns ``(step_h, loss)`` as :func:`negative_sampling_step`; per example the gradient is
    that of :func:`hierarchical_softmax_loss`.
    """
    B, d = h.shape
    n_steps = lengths[targets]  # (B,)
    on_path = torch.arange(paths.shape[1], device=h.device) < n_steps.unsqueeze(1)  # (B, L)
    nodes = paths[targets][on_path]  # (M,) all decisions of the batch, M = sum of lengths
    sign = 1.0 - 2.0 * codes[targets][on_path].to(h.dtype)
    example = torch.repeat_interleave(torch.arange(B, device=h.device), n_steps)
    n, h_rows = N.index_select(0, nodes), h.index_select(0, example)  # (M, d) each
    s = sign * (n * h_rows).sum(1)  # (M,)
    loss = -F.logsigmoid(s).sum()
    g = (sign * torch.sigmoid(-s)).mul_(lr)  # -lr dJ/d(nᵀh)
    step_h = torch.zeros_like(h).index_add_(0, example, n.mul_(g.unsqueeze(1)))
    N.index_add_(0, nodes, h_rows.mul_(g.unsqueeze(1)))
    return step_h, loss


def train_step(V, U, inputs, targets, lr, tree=None) -> torch.Tensor:
    """One SGD step of skip-gram or CBOW for a batch: h from V, the output step, h's step back.

    Args:
        V: input vectors (V, d), updated in place (with U).
        U: output vectors (V, d), or inner-node vectors (V - 1, d) when ``tree`` is given.
        inputs: skip-gram: the center words (B,), h = v_c; CBOW: the context words (B, 2m),
            0 where there is none (at least one per row), h = their mean. In CBOW -lr dJ/dh is
            added to every context row (word2vec.c's convention: no 1/2m).
        targets: (B, 1 + K) for :func:`negative_sampling_step`, or the words (B,) for
            :func:`hierarchical_softmax_step` with ``tree`` = its (paths, codes, lengths).
        lr: learning rate, a float or a 0-d tensor.

    Returns the summed loss of the batch (a 0-d tensor).
    """
    cbow = inputs.dim() == 2
    if cbow:
        h = F.embedding_bag(inputs, V, mode="mean", padding_idx=0)  # (B, d), without row 0
    else:
        h = V.index_select(0, inputs)
    if tree is None:
        step_h, loss = negative_sampling_step(h, targets, U, lr)
    else:
        step_h, loss = hierarchical_softmax_step(h, targets, U, *tree, lr)
    if cbow:
        present = inputs > 0
        V.index_add_(0, inputs[present], step_h.repeat_interleave(present.sum(1), dim=0))
    else:
        V.index_add_(0, inputs, step_h)
    return loss


def negative_sampling_chunk(V, U, inputs, targets, lrs, batch_size):
    """:func:`train_step` with negative sampling over a whole chunk of examples, as loops.

    The CPU's fast path, compiled by numba: the same batches and the same arithmetic as
    :func:`train_step` (all gradients of a batch at the parameters before its step), but each
    example's 1 + K rows are read, scored and stepped while they are in cache, where torch makes
    one pass over the whole batch per operation. It releases the GIL, so the worker threads
    run at the same time.

    Args:
        V, U: (V, d) float32 (or float64) arrays, updated in place.
        inputs: (n, w) int64, the input rows of each example: w = 1 (skip-gram, the center) or
            2m (CBOW, the context; 0 = none, at least one present).
        targets: (n, 1 + K) int64, the word to predict, then K noise words.
        lrs: (ceil(n / batch_size),) float32, the learning rate of each batch.

    Returns the summed loss of the n examples (float).
    """
    n, width = inputs.shape
    d, K1 = V.shape[1], targets.shape[1]
    h = np.empty((batch_size, d), dtype=V.dtype)  # the batch's inputs ...
    step_h = np.empty((batch_size, d), dtype=V.dtype)  # ... their steps -lr dJ/dh ...
    g = np.empty((batch_size, K1), dtype=V.dtype)  # ... and -lr dJ/ds
    loss = 0.0
    for batch in range(lrs.shape[0]):
        lr = lrs[batch]
        first, stop = batch * batch_size, min((batch + 1) * batch_size, n)
        for e in range(first, stop):  # the gradients, all at the parameters before the step
            h_e, step_e, g_e = h[e - first], step_h[e - first], g[e - first]  # rows (views)
            h_e[:] = 0.0
            rows = 0
            for j in range(width):
                if inputs[e, j] > 0:
                    rows += 1
                    v = V[inputs[e, j]]
                    for x in range(d):
                        h_e[x] += v[x]
            for x in range(d):
                h_e[x] /= rows
                step_e[x] = 0.0
            for k in range(K1):  # the 1 + K scores first, so that their rows load together
                u = U[targets[e, k]]
                s = V.dtype.type(0.0)
                for x in range(d):
                    s += u[x] * h_e[x]
                g_e[k] = s if k == 0 else -s  # z_k: + for the word to predict, - for noise
            product = 1.0  # J = Σ_k softplus(-z_k) = Σ_k max(-z_k, 0) + log Π_k (1 + e^{-|z_k|})
            for k in range(K1):
                z = g_e[k]
                e_z = math.exp(-abs(z))
                loss += max(-z, 0.0)
                product *= 1.0 + e_z
                sigma_minus_z = e_z / (1.0 + e_z) if z >= 0 else 1.0 / (1.0 + e_z)  # σ(-z)
                g_e[k] = lr * sigma_minus_z if k == 0 else -lr * sigma_minus_z  # -lr dJ/ds
            loss += math.log(product)
            for k in range(K1):
                u = U[targets[e, k]]
                for x in range(d):
                    step_e[x] += g_e[k] * u[x]
        for e in range(first, stop):  # the step
            h_e, step_e, g_e = h[e - first], step_h[e - first], g[e - first]
            for k in range(K1):
                u = U[targets[e, k]]
                for x in range(d):
                    u[x] += g_e[k] * h_e[x]
            for j in range(width):
                if inputs[e, j] > 0:
                    v = V[inputs[e, j]]
                    for x in range(d):
                        v[x] += step_e[x]
    return loss


if numba is not None:
    negative_sampling_chunk = numba.njit(nogil=True, fastmath=True, cache=True)(
        negative_sampling_chunk
    )


# --- 3. Training data: windows over a subsampled stream -------------------------------------


def context_windows(ids: np.ndarray, window: int, rng: np.random.Generator, sentence=None):
    """The context of every position, with a randomly shrunk window as in word2vec.c.

    Position i sees the words at distance 1..b_i on both sides, b_i drawn uniformly from
    1..``window`` (so near words are seen more often than far ones), within its sentence.

    Args:
        ids: word ids (n,), all > 0 (0 marks "no word" in the result).
        window: m, the largest reach.
        rng: NumPy generator for the b_i.
        sentence: (n,) sentence number of each position, or None for one sentence.

    Returns contexts (n, 2m) int64: row i holds the ids at offsets -m..-1, 1..m, 0 where that
    position is out of reach.
    """
    n = ids.shape[0]
    offsets = np.r_[-window:0, 1 : window + 1]
    reach = rng.integers(1, window + 1, size=n)
    pos = np.arange(n)[:, None] + offsets  # (n, 2m)
    ok = (np.abs(offsets) <= reach[:, None]) & (pos >= 0) & (pos < n)
    pos = np.clip(pos, 0, max(n - 1, 0))
    if sentence is not None:
        ok &= sentence[pos] == sentence[:, None]
    return np.where(ok, ids[pos], 0)


@dataclass
class Word2VecResult:
    """What :func:`train` returns.

    Attributes:
        V: input (center) vectors W_in, (V, d) float32 on the CPU, row i for ``vocab.itos[i]``;
            row 0 (``<unk>``, the words below min_count) is never trained.
        U: output vectors (V, d) (negative sampling) or inner-node vectors (V - 1, d)
            (hierarchical softmax).
        vocab: the :class:`~dlnlp.data.Vocab`.
        loss: (n, 2) float64: in-vocabulary words processed so far, and the mean loss per
            training example over the last chunk of words.
        words: raw words processed (all epochs, words below min_count included).
        seconds: wall-clock time of the training loop.
    """

    V: torch.Tensor
    U: torch.Tensor
    vocab: Vocab
    loss: np.ndarray
    words: int
    seconds: float

    @property
    def words_per_second(self) -> float:
        """Raw words processed per second of training."""
        return self.words / self.seconds

    def keyed_vectors(self) -> KeyedVectors:
        """The input vectors as gensim ``KeyedVectors`` (without ``<unk>``)."""
        return keyed_vectors(self.V[1:], self.vocab.itos[1:])


def train(
    corpus: Sequence[str] | Iterable[Sequence[str]],
    *,
    cbow: bool = False,
    hs: bool = False,
    dim: int = 100,
    window: int = 5,
    negative: int = 5,
    min_count: int = 5,
    sample: float = 1e-4,
    epochs: int = 5,
    alpha: float | None = None,
    threads: int = 2,
    device: str | torch.device = "cpu",
    seed: int = 0,
    batch_size: int | None = None,
    chunk_words: int = 20_000,
    progress: bool = True,
) -> Word2VecResult:
    """Train word2vec on ``corpus``: a list of words, or an iterable of sentences (lists of words).

    Args:
        cbow: CBOW instead of skip-gram.
        hs: hierarchical softmax instead of negative sampling.
        dim: d, the vector size.
        window: m, the largest window reach (each position draws its own from 1..m).
        negative: K, noise words per example (negative sampling).
        min_count: words seen fewer times are dropped before windows are taken.
        sample: subsampling threshold t (:func:`dlnlp.data.subsample`); 0 keeps every word.
        epochs: passes over the corpus.
        alpha: starting learning rate, decayed linearly to alpha / 10^4 over the run
            (default 0.025 for skip-gram, 0.05 for CBOW, as word2vec.c).
        threads: worker threads; each takes chunks of ``chunk_words`` words and updates the
            shared parameters without locks ("hogwild", as word2vec.c and gensim do). With
            threads=1 a run is reproducible from ``seed``.
        device: torch device of the parameters, e.g. ``"cpu"`` or ``"cuda"``. On a CPU,
            negative sampling runs :func:`negative_sampling_chunk`, compiled by numba where it
            is installed (the same steps as :func:`train_step`, several times faster);
            everything else runs :func:`train_step`.
        batch_size: examples per SGD step (default 512; 128 for CBOW with hierarchical
            softmax). A batch adds up its updates of one row, all computed at the same
            parameters; too many of those (frequent words; the tree's root, which is in every
            example) make training diverge. Measured on text8's first 2.1M words, 5 epochs,
            examples shuffled within each chunk: skip-gram was stable up to 4096, CBOW
            diverged at 2048 and CBOW with hierarchical softmax at 512.
        chunk_words: words per unit of work (and per point of the loss curve).
        progress: show a tqdm bar.

    Skip-gram: each (center c, outside o) pair is one example, h = v_c, target o. CBOW: each
    center word with at least one context word is one example, h = mean of the context vectors,
    target c; the step -lr dJ/dh is added to every context row (word2vec.c's convention).
    """
    device = _check_device(device)
    _check_settings(dim=dim, window=window, epochs=epochs, threads=threads, chunk_words=chunk_words)
    if not hs and negative < 1:
        raise ValueError(f"negative={negative}: use at least 1 noise word, or hs=True")
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size={batch_size}: must be at least 1")
    sentences = (
        [corpus]
        if isinstance(corpus, Sequence) and corpus and isinstance(corpus[0], str)
        else corpus
    )
    sentences = [s if isinstance(s, list) else list(s) for s in sentences]
    vocab = Vocab(itertools.chain.from_iterable(sentences), min_count=min_count)
    raw_words = sum(len(s) for s in sentences)
    if raw_words == 0:
        raise ValueError("the corpus has no words")
    if len(vocab) < 2:
        raise ValueError(
            f"min_count={min_count} leaves {len(vocab) - 1} word(s) of {raw_words} tokens "
            "in the vocabulary; lower min_count or use a bigger corpus"
        )
    stream = _stream(sentences, vocab)
    alpha = alpha if alpha is not None else (0.05 if cbow else 0.025)
    gen = torch.Generator().manual_seed(seed)
    V_in = ((torch.rand(len(vocab), dim, generator=gen) - 0.5) / dim).to(device)
    U_out = torch.zeros(len(vocab) - 1 if hs else len(vocab), dim, device=device)
    trainer = _Trainer(
        stream=stream,
        vocab=vocab,
        V=V_in,
        U=U_out,
        cbow=cbow,
        hs=hs,
        window=window,
        negative=negative,
        sample=sample,
        epochs=epochs,
        alpha=alpha,
        seed=seed,
        batch_size=batch_size or (128 if cbow and hs else 512),
        chunk_words=chunk_words,
    )
    old_threads = torch.get_num_threads()
    torch.set_num_threads(1)  # parallelism comes from the worker threads, one core each
    try:
        start = time.perf_counter()
        with tqdm(
            total=epochs * trainer.n_words, unit="w", unit_scale=True, disable=not progress
        ) as bar:
            workers = [threading.Thread(target=trainer.work, args=(k, bar)) for k in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(old_threads)
    if trainer.error is not None:
        raise trainer.error
    if not torch.isfinite(V_in).all():
        raise FloatingPointError(
            f"training diverged (the vectors are no longer finite numbers); lower alpha "
            f"(it was {alpha}) or batch_size"
        )
    return Word2VecResult(
        V=V_in.cpu(),
        U=U_out.cpu(),
        vocab=vocab,
        loss=trainer.loss_curve(),
        words=raw_words * epochs,
        seconds=seconds,
    )


def _check_device(device) -> torch.device:
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"unknown device {device!r}; use cpu, cuda or mps") from None
    available = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": getattr(torch.backends, "mps", None) is not None
        and torch.backends.mps.is_available(),
    }
    if not available.get(device.type, False):
        raise ValueError(f"device {str(device)!r} is not available here; use cpu")
    return device


def _check_settings(**settings: int) -> None:
    for name, value in settings.items():
        if value < 1:
            raise ValueError(f"{name}={value}: must be at least 1")


def _stream(sentences: list[list[str]], vocab: Vocab) -> np.ndarray:
    """All sentences as one id array, words below min_count removed, len(vocab) between two
    sentences (a sentence end: subsampling keeps it, as it has count 0)."""
    ids = vocab.encode(itertools.chain.from_iterable(sentences))
    ends = np.cumsum([len(s) for s in sentences])[:-1]
    ids = np.insert(ids, ends, len(vocab))
    return ids[ids != 0]


class _Trainer:
    """The shared state of one run; :meth:`work` is the body of each worker thread."""

    def __init__(
        self,
        *,
        stream,
        vocab,
        V,
        U,
        cbow,
        hs,
        window,
        negative,
        sample,
        epochs,
        alpha,
        seed,
        batch_size,
        chunk_words,
    ):
        self.stream, self.V, self.U = stream, V, U
        self.cbow, self.hs, self.window, self.negative = cbow, hs, window, negative
        self.sample, self.epochs, self.alpha, self.seed = sample, epochs, alpha, seed
        self.batch_size, self.end = batch_size, len(vocab)
        counts = vocab.counts.copy()
        counts[0] = 0  # <unk> is not in the stream: it is neither a noise word nor in f(w)
        self.counts = np.append(counts, 0)  # the sentence end, never dropped by subsample
        starts = np.arange(0, len(stream), chunk_words)
        self.chunks = list(zip(starts, np.append(starts[1:], len(stream))))
        is_word = stream != self.end
        self.words_before = np.append(0, np.cumsum(is_word))[starts]  # (n_chunks,)
        self.n_words = int(is_word.sum())
        device = V.device
        self.tree = None
        if hs:
            tree: HuffmanTree = huffman_tree(counts)
            self.tree = [
                torch.as_tensor(a, device=device) for a in (tree.paths, tree.codes, tree.lengths)
            ]
        else:
            self.noise = NoiseSampler(counts, device=device)
        # the CPU's fast path: the steps of train_step, as loops compiled by numba
        self.use_numba = numba is not None and device.type == "cpu" and not hs
        self.tasks = iter(itertools.product(range(epochs), range(len(self.chunks))))
        self.lock = threading.Lock()
        self.losses: dict[tuple[int, int], float] = {}
        self.error: BaseException | None = None

    def work(self, worker: int, bar) -> None:
        rng = np.random.default_rng([self.seed, worker])
        gen = torch.Generator(self.V.device).manual_seed(self.seed * 1000 + worker + 1)
        try:
            while self.error is None:
                with self.lock:
                    task = next(self.tasks, None)
                if task is None:
                    return
                self.losses[task] = self._chunk(*task, rng, gen)
                bar.update(int(self.words_in(task[1])))
        except BaseException as e:  # surfaced by train() after the threads are joined
            self.error = e

    def words_in(self, j: int) -> int:
        stop = self.words_before[j + 1] if j + 1 < len(self.chunks) else self.n_words
        return stop - self.words_before[j]

    def _chunk(self, epoch: int, j: int, rng, gen) -> float:
        """Train on chunk j in the given epoch; returns the mean loss per example."""
        start, stop = self.chunks[j]
        kept = self.stream[start:stop]
        if self.sample > 0:
            kept = subsample(kept, self.counts, self.sample, rng)
        is_word = kept != self.end
        sentence = np.cumsum(~is_word)[is_word]
        ids = kept[is_word]
        contexts = context_windows(ids, self.window, rng, sentence)
        # Shuffle the examples: a batch adds up its updates of one row, computed at the same
        # parameters, and in text order a run of one word (a list: "agave americana, agave
        # attenuata, ...") or the overlapping windows of neighbours would put many of those in
        # one batch -- enough to diverge where word2vec.c's one-by-one updates do not.
        has = contexts > 0
        if self.cbow:
            order = rng.permutation(np.flatnonzero(has.any(1)))
            targets, inputs = ids[order], contexts[order]
        else:
            order = rng.permutation(int(has.sum()))
            targets, inputs = contexts[has][order], np.repeat(ids, has.sum(1))[order]
        n = len(targets)
        if n == 0:
            return float("nan")
        device = self.V.device
        targets = torch.from_numpy(targets).to(device)
        if not self.hs:  # the word to predict, then K noise words: (n, 1+K)
            noise = self.noise((n, self.negative), gen)
            targets = torch.cat([targets.unsqueeze(1), noise], 1)
        done = epoch * self.n_words + self.words_before[j]
        total = self.epochs * self.n_words
        starts = np.arange(0, n, self.batch_size)
        lrs = self.alpha * np.maximum(1.0 - (done + self.words_in(j) * starts / n) / total, 1e-4)
        lrs = lrs.astype(np.float32)
        if self.use_numba:
            rows = inputs.reshape(n, -1)  # (n, 1) centers or (n, 2m) contexts
            loss = negative_sampling_chunk(
                self.V.numpy(), self.U.numpy(), rows, targets.numpy(), lrs, self.batch_size
            )
            return loss / n
        inputs, lrs = torch.from_numpy(inputs).to(device), torch.from_numpy(lrs).to(device)
        loss = torch.zeros((), device=device)
        for i, b in enumerate(starts):
            batch = slice(b, b + self.batch_size)
            loss += train_step(self.V, self.U, inputs[batch], targets[batch], lrs[i], self.tree)
        return loss.item() / n

    def loss_curve(self) -> np.ndarray:
        rows = [
            (e * self.n_words + self.words_before[j] + self.words_in(j), loss)
            for (e, j), loss in sorted(self.losses.items())
        ]
        return np.array(rows, dtype=np.float64).reshape(-1, 2)


# --- 4. Command line ------------------------------------------------------------------------


def read_corpus(path: str | Path) -> list[list[str]]:
    """The sentences (lines) of a plain or gzipped text file, split on whitespace."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"corpus file {str(path)!r} not found; pass an existing --corpus FILE"
        )
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        sentences = [line.split() for line in f]
    if not any(sentences):
        raise ValueError(f"corpus file {str(path)!r} has no words")
    return [s for s in sentences if s]


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    p = _OneLineParser(
        prog="python -m dlnlp.vectors.word2vec",
        description="Train word2vec (skip-gram or CBOW) and write vectors in word2vec text format.",
    )
    p.add_argument("--corpus", required=True, help="plain or gzipped whitespace-tokenised text")
    p.add_argument("--cbow", action="store_true", help="CBOW instead of skip-gram")
    p.add_argument(
        "--hs", action="store_true", help="hierarchical softmax instead of negative sampling"
    )
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-4)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="cpu", help="cpu, cuda or mps")
    p.add_argument("--alpha", type=float, default=None, help="default 0.025 (SG), 0.05 (CBOW)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="output file (word2vec text format)")
    args = p.parse_args(argv)
    try:
        _check_device(args.device)
        _check_settings(dim=args.dim, window=args.window, epochs=args.epochs, threads=args.threads)
        sentences = read_corpus(args.corpus)
        result = train(
            sentences,
            cbow=args.cbow,
            hs=args.hs,
            dim=args.dim,
            window=args.window,
            negative=args.negative,
            min_count=args.min_count,
            sample=args.sample,
            epochs=args.epochs,
            alpha=args.alpha,
            threads=args.threads,
            device=args.device,
            seed=args.seed,
        )
        save_word2vec(result.keyed_vectors(), args.out)
    except (ValueError, OSError) as e:
        p.exit(2, f"{p.prog}: error: {e}\n")
    print(
        f"{result.words:,} raw words in {result.seconds:.1f} s: "
        f"{result.words_per_second:,.0f} words/s; {len(result.vocab) - 1:,} vectors -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
