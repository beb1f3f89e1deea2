"""A bidirectional LSTM language model and the ELMo mix of its layers (Peters et al. 2018).

Notation of the lecture and the paper: a text t_1 .. t_N, x_k = E[t_k] the embedding (d,) of
token k. Two language models read it, one in each direction, each with L LSTM layers of d units:

- the **forward LM** reads t_1 .. t_k; the output of its layer j at position k is →h_{k,j} (d,),
  and p(t_{k+1} | t_1 .. t_k) = softmax(W →h_{k,L} + b);
- the **backward LM** reads t_N .. t_k, right to left; its outputs are ←h_{k,j} (d,), and
  p(t_{k-1} | t_k .. t_N) = softmax(W ←h_{k,L} + b).

The embedding E and the softmax layer (W, b) are shared by the two directions, the LSTMs are
not (as in ELMo). Training maximises the joint log-likelihood
Σ_k [log p(t_k | t_1 .. t_{k-1}) + log p(t_k | t_{k+1} .. t_N)]; :meth:`BiLM.loss` returns the
two mean cross-entropies J_→ and J_←, and training minimises J = J_→ + J_←.

**ELMo** represents token k by all L + 1 layers, h_{k,0} = [x_k; x_k] (the embedding twice, to
match the width of the others) and h_{k,j} = [→h_{k,j}; ←h_{k,j}], each (2d,), and lets a
downstream task learn how to mix them (:class:`LayerMix`):

    ELMo_k = γ Σ_{j=0}^{L} s_j h_{k,j},    s = softmax(w),  w (L + 1,) and γ learned.

Left out of this small version: ELMo's character CNN (we embed words), the projections of its
4096-unit LSTMs down to 512 and the residual connection between its LSTM layers.

Shapes follow :mod:`dlnlp.sequence.rnn_lm`: token ids x (T, B), time first. The LSTM layers are
those of :mod:`dlnlp.sequence.cells` (or torch's fused ones with ``own_cells=False``); training
cuts the stream with :func:`dlnlp.sequence.train.batchify` and reads windows of T + 1 rows, each
from a zero state in both directions.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

from dlnlp.sequence import cells
from dlnlp.sequence.train import batchify, bptt_batches, clip_grad_norm, perplexity


class BiLM(nn.Module):
    """A forward and a backward LSTM language model over one shared embedding and softmax.

    Args:
        vocab_size: V.
        dim: d, the embedding size and the size of every LSTM layer, in each direction.
        num_layers: L, LSTM layers per direction.
        dropout: dropout probability on the embeddings, between layers and before the softmax
            (training only).
        tie_weights: the softmax matrix W is the embedding matrix E.
        own_cells: the hand-written layers of :mod:`dlnlp.sequence.cells`; False for
            ``torch.nn.LSTM`` (the same parameters; faster, on a GPU above all).

    Every parameter starts from U(-0.1, 0.1).
    """

    def __init__(
        self,
        vocab_size: int,
        dim: int,
        num_layers: int = 2,
        *,
        dropout: float = 0.0,
        tie_weights: bool = False,
        own_cells: bool = True,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers={num_layers}: a biLM needs at least one LSTM layer")
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout={dropout}: must be in [0, 1)")
        self.dropout = dropout
        LSTM = cells.LSTM if own_cells else nn.LSTM
        self.embedding = nn.Embedding(vocab_size, dim)
        self.forward_lstm = nn.ModuleList(LSTM(dim, dim) for _ in range(num_layers))
        self.backward_lstm = nn.ModuleList(LSTM(dim, dim) for _ in range(num_layers))
        self.output = nn.Linear(dim, vocab_size)
        for p in self.parameters():
            nn.init.uniform_(p, -0.1, 0.1)
        if tie_weights:
            self.output.weight = self.embedding.weight

    def _drop(self, h: Tensor) -> Tensor:
        return F.dropout(h, self.dropout, self.training)

    def states(self, x: Tensor) -> tuple[Tensor, list[Tensor], list[Tensor]]:
        """Run both LMs over x (T, B) from zero states.

        Returns (e, forward, backward): e (T, B, d) the embeddings x_k; forward[j - 1] (T, B, d)
        the outputs →h_{k,j} of forward layer j, which has read positions 0 .. k; backward[j - 1]
        the outputs ←h_{k,j} of backward layer j, which has read positions T - 1 .. k.
        """
        if x.dim() != 2:
            raise ValueError(f"x has shape {tuple(x.shape)}: pass token ids of shape (T, B)")
        e = self.embedding(x)
        forward = self._outputs(self.forward_lstm, e)
        backward = self._outputs(self.backward_lstm, e.flip(0))  # reads the window back to front
        return e, forward, [h.flip(0) for h in backward]

    def _outputs(self, stack: nn.ModuleList, h: Tensor) -> list[Tensor]:
        """The outputs (T, B, d) of every layer of one direction, reading h (T, B, d) in order."""
        outputs = []
        for layer in stack:
            h = layer(self._drop(h))[0]
            outputs.append(h)
        return outputs

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Scores (T, B, V) of both LMs: the forward ones at position k are for token k + 1,
        the backward ones at k for token k - 1 (the softmax is in :meth:`loss`)."""
        _, forward, backward = self.states(x)
        return self.output(self._drop(forward[-1])), self.output(self._drop(backward[-1]))

    def loss(self, x: Tensor, reduction: str = "mean") -> tuple[Tensor, Tensor]:
        """(J_→, J_←) on a window x (T, B), T ≥ 2: the cross-entropy of the forward LM on
        tokens 1 .. T-1 and of the backward LM on tokens 0 .. T-2, (T - 1) B predictions each,
        averaged (``reduction="mean"``) or summed (``"sum"``)."""
        if x.dim() != 2 or x.shape[0] < 2:
            raise ValueError(f"x has shape {tuple(x.shape)}: pass a window (T, B) with T >= 2")
        fwd, bwd = self(x)
        V = fwd.shape[-1]
        J_fwd = F.cross_entropy(fwd[:-1].reshape(-1, V), x[1:].reshape(-1), reduction=reduction)
        J_bwd = F.cross_entropy(bwd[1:].reshape(-1, V), x[:-1].reshape(-1), reduction=reduction)
        return J_fwd, J_bwd

    def layers(self, x: Tensor) -> Tensor:
        """The ELMo layers h_{k,j} of x (T, B): shape (L + 1, T, B, 2d); layer 0 is [x_k; x_k],
        layer j ≥ 1 is [→h_{k,j}; ←h_{k,j}]."""
        e, forward, backward = self.states(x)
        hs = [torch.cat([e, e], -1)] + [torch.cat(fb, -1) for fb in zip(forward, backward)]
        return torch.stack(hs)


class LayerMix(nn.Module):
    """ELMo_k = γ Σ_j s_j h_{k,j} with s = softmax(w): a learned, task-specific average of layers.

    Args:
        num_layers: the number of representations mixed, L + 1 for a biLM of L LSTM layers.

    Parameters: ``w`` (L + 1,), starting at 0 (equal weights s_j = 1 / (L + 1)), and ``gamma``,
    a scalar starting at 1. ``forward(layers (L + 1, ..., D)) -> (..., D)``.
    """

    def __init__(self, num_layers: int) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.zeros(num_layers))
        self.gamma = nn.Parameter(torch.ones(()))

    @property
    def s(self) -> Tensor:
        """The layer weights softmax(w), (L + 1,), positive and summing to 1."""
        return torch.softmax(self.w, 0)

    def forward(self, layers: Tensor) -> Tensor:
        if layers.shape[0] != len(self.w):
            raise ValueError(
                f"layers has {layers.shape[0]} representations along dim 0, the mix expects "
                f"{len(self.w)}: build LayerMix(L + 1) for a biLM of L LSTM layers"
            )
        s = self.s.view(-1, *[1] * (layers.dim() - 1))
        return self.gamma * (s * layers).sum(0)


@torch.no_grad()
def sentence_layers(
    model: BiLM, sentences: Sequence[Sequence[int]], batch_size: int = 64
) -> list[Tensor]:
    """The ELMo layers of each sentence, read on its own (from zero states, both directions).

    Args:
        sentences: token ids, one sequence per sentence.
        batch_size: sentences per batch; sentences of equal length are batched together, so no
            padding ever enters the backward LM.

    Returns a list with one tensor (L + 1, n_i, 2d) per sentence (n_i its length), on the CPU,
    in the order of ``sentences``; the model is left in eval mode.
    """
    model.eval()
    device = next(model.parameters()).device
    by_length: dict[int, list[int]] = {}
    for i, s in enumerate(sentences):
        if len(s) == 0:
            raise ValueError(f"sentence {i} is empty: every sentence needs at least one token")
        by_length.setdefault(len(s), []).append(i)
    out: list[Tensor | None] = [None] * len(sentences)
    for idx in by_length.values():
        for start in range(0, len(idx), batch_size):
            chunk = idx[start : start + batch_size]
            x = torch.as_tensor(np.array([sentences[i] for i in chunk]), device=device).T
            hs = model.layers(x).cpu()  # (L + 1, n, len(chunk), 2d)
            for b, i in enumerate(chunk):
                out[i] = hs[:, :, b]
    return out


def windows(data: Tensor, bptt: int) -> Iterator[Tensor]:
    """Windows (T + 1, B) of T + 1 = ``bptt`` + 1 rows of ``data`` (N, B) (the last may be
    shorter), consecutive ones sharing one row, so that the forward LM predicts every row but
    the first exactly once, and the backward LM every row but the last."""
    for x, y in bptt_batches(data, bptt):
        yield torch.cat([x, y[-1:]])


@torch.no_grad()
def evaluate(model: BiLM, data: Tensor, bptt: int) -> tuple[float, float]:
    """(forward, backward) perplexity of ``model`` on ``data`` (N, B) from
    :func:`~dlnlp.sequence.train.batchify`, each window read from zero states, in eval mode."""
    model.eval()
    total = torch.zeros(2, device=data.device)
    for w in windows(data, bptt):
        total += torch.stack(model.loss(w, reduction="sum"))
    n = (len(data) - 1) * data.shape[1]
    return perplexity(total[0].item() / n), perplexity(total[1].item() / n)


@dataclass
class History:
    """What :func:`train` returns: one entry per evaluation (every ``eval_every`` steps and at
    the end). ``step``: updates so far; ``tokens``: tokens each LM has predicted so far;
    ``*_fwd`` / ``*_bwd``: perplexity of the forward / backward LM, ``train_*`` on the training
    windows since the previous entry, ``valid_*`` on the validation stream afterwards (empty
    without one)."""

    step: list[int] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    train_fwd: list[float] = field(default_factory=list)
    train_bwd: list[float] = field(default_factory=list)
    valid_fwd: list[float] = field(default_factory=list)
    valid_bwd: list[float] = field(default_factory=list)


def train(
    model: BiLM,
    train_ids: Tensor | np.ndarray,
    valid_ids: Tensor | np.ndarray | None = None,
    *,
    epochs: int = 1,
    max_steps: int | None = None,
    batch_size: int = 32,
    bptt: int = 35,
    lr: float = 3e-3,
    clip: float = 1.0,
    eval_every: int | None = None,
    eval_batch_size: int = 10,
    progress: bool = True,
) -> History:
    """Train both LMs on the joint loss J = J_→ + J_← with Adam, on the model's device.

    Args:
        train_ids, valid_ids: token id streams (N,).
        epochs: passes over the training stream; max_steps: stop after this many updates.
        batch_size: B columns; bptt: windows of T + 1 = ``bptt`` + 1 tokens per column.
        lr: Adam's learning rate; clip: θ of :func:`~dlnlp.sequence.train.clip_grad_norm`.
        eval_every: record the perplexities every this many steps (and always at the end).

    Returns the :class:`History`.
    """
    device = next(model.parameters()).device
    data = batchify(train_ids, batch_size).to(device)
    valid = None if valid_ids is None else batchify(valid_ids, eval_batch_size).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    per_epoch = math.ceil((len(data) - 1) / bptt)
    total = epochs * per_epoch if max_steps is None else min(max_steps, epochs * per_epoch)
    history, step, tokens = History(), 0, 0
    running, seen = torch.zeros(2, device=device), 0

    def record() -> None:
        nonlocal running, seen
        history.step.append(step)
        history.tokens.append(tokens)
        history.train_fwd.append(perplexity(running[0].item() / seen))
        history.train_bwd.append(perplexity(running[1].item() / seen))
        if valid is not None:
            fwd, bwd = evaluate(model, valid, bptt)
            history.valid_fwd.append(fwd)
            history.valid_bwd.append(bwd)
        running, seen = torch.zeros(2, device=device), 0

    with tqdm(total=total, desc="biLM", disable=not progress) as bar:
        while step < total:
            for w in windows(data, bptt):
                model.train()
                J_fwd, J_bwd = model.loss(w)
                optimizer.zero_grad(set_to_none=True)
                (J_fwd + J_bwd).backward()
                clip_grad_norm(model.parameters(), clip)
                optimizer.step()
                n = (len(w) - 1) * w.shape[1]
                running += torch.stack([J_fwd, J_bwd]).detach() * n
                seen, tokens, step = seen + n, tokens + n, step + 1
                bar.update()
                if eval_every and step % eval_every == 0 and step < total:
                    record()
                if step >= total:
                    break
    record()
    return history
