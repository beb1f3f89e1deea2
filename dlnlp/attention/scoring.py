"""Attention scoring functions: masked softmax, additive attention, scaled dot-product attention.

A query q attends over n key-value pairs (k_i, v_i). A scoring function a(q, k_i) rates each key,
the softmax turns the scores into attention weights α(q, k_i) ≥ 0 that sum to 1, and the output
is the weighted average of the values:

    α(q, k_i) = softmax_i a(q, k_i) = exp(a(q, k_i)) / Σ_j exp(a(q, k_j)),
    f(q) = Σ_i α(q, k_i) v_i.

Two scoring functions:

- **additive** (Bahdanau et al. 2015), for queries and keys of different sizes d_q and d_k:
  a(q, k) = w_vᵀ tanh(W_q q + W_k k), with W_q (h, d_q), W_k (h, d_k), w_v (h,);
- **scaled dot-product** (Vaswani et al. 2017), for queries and keys of the same size d:
  a(q, k) = qᵀk / √d. With entries of q and k of mean 0 and variance 1, qᵀk has variance d;
  dividing by √d keeps the scores, and so the softmax, out of its flat saturated tails.

**Masks.** Some keys must not be attended to: the padding after a short sequence in a batch, or
the future in a language model. :func:`masked_softmax` takes either ``valid_lens`` (keys
0 .. valid_len - 1 of a row count, as in d2l) or a boolean ``mask``, True where a key may be
attended (the convention of ``torch.nn.functional.scaled_dot_product_attention``). Masked
positions get weight exactly 0 and the rest sum to 1. A row with no valid key at all gets
weight 0 everywhere, so its output is the zero vector (torch's ``nn.MultiheadAttention`` gives
NaN there).

Shapes: scores (..., n_q, n_k); queries (..., n_q, d_q), keys (..., n_k, d_k), values
(..., n_k, d_v); the leading dimensions ``...`` are a batch (B,) or a batch of heads (B, h).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def key_mask(n_keys: int, valid_lens: Tensor) -> Tensor:
    """Boolean mask (..., n_keys), True at keys j < valid_len, for ``valid_lens`` of shape
    (...,)."""
    positions = torch.arange(n_keys, device=valid_lens.device)
    return positions < valid_lens[..., None]


def masked_softmax(
    scores: Tensor, valid_lens: Tensor | None = None, mask: Tensor | None = None
) -> Tensor:
    """Softmax over the last axis of ``scores`` (..., n_q, n_k) that ignores masked keys.

    Args:
        scores: attention scores a(q, k), (..., n_q, n_k).
        valid_lens: how many keys, from the first, each sequence (shape (...,)) or each row
            (shape (..., n_q)) may attend to.
        mask: boolean, broadcastable to ``scores``, True where a key may be attended.

    With both, a key must pass both. Returns weights of the shape of ``scores``: exactly 0 at
    masked keys, summing to 1 over the rest of each row; all 0 in a row with no valid key.
    """
    keep = None if mask is None else mask.to(torch.bool)
    if valid_lens is not None:
        if valid_lens.dim() == scores.dim() - 2:  # one length per sequence: the same for all rows
            valid_lens = valid_lens[..., None]
        by_length = key_mask(scores.shape[-1], valid_lens)
        keep = by_length if keep is None else keep & by_length
    if keep is None:
        return F.softmax(scores, dim=-1)
    weights = F.softmax(scores.masked_fill(~keep, -math.inf), dim=-1)
    return weights.masked_fill(~keep, 0.0)  # a row with no valid key is NaN until here


def scaled_dot_product_attention(
    queries: Tensor,
    keys: Tensor,
    values: Tensor,
    valid_lens: Tensor | None = None,
    mask: Tensor | None = None,
    dropout_p: float = 0.0,
) -> tuple[Tensor, Tensor]:
    """softmax(Q Kᵀ / √d) V, with masks as in :func:`masked_softmax`.

    Args:
        queries: Q (..., n_q, d); keys: K (..., n_k, d); values: V (..., n_k, d_v).
        valid_lens, mask: see :func:`masked_softmax`.
        dropout_p: dropout on the attention weights (pass 0 when not training, as torch's
            functional form).

    Returns (output (..., n_q, d_v), weights (..., n_q, n_k)); the weights are those before
    dropout.
    """
    scores = queries @ keys.transpose(-2, -1) / math.sqrt(queries.shape[-1])
    weights = masked_softmax(scores, valid_lens, mask)
    return F.dropout(weights, dropout_p) @ values, weights


class AdditiveAttention(nn.Module):
    """a(q, k) = w_vᵀ tanh(W_q q + W_k k), for queries and keys of any sizes d_q, d_k.

    Args:
        query_size: d_q; key_size: d_k; hidden_size: h.
        dropout: dropout on the attention weights while training.

    Parameters (no biases): ``W_q`` = ``W_q.weight`` (h, d_q), ``W_k.weight`` (h, d_k),
    ``w_v.weight`` (1, h).

    ``forward(queries (B, n_q, d_q), keys (B, n_k, d_k), values (B, n_k, d_v), valid_lens=None,
    mask=None) -> (output (B, n_q, d_v), weights (B, n_q, n_k))``, masks as in
    :func:`masked_softmax`; the weights are those before dropout.
    """

    def __init__(
        self, query_size: int, key_size: int, hidden_size: int, dropout: float = 0.0
    ) -> None:
        super().__init__()
        self.W_q = nn.Linear(query_size, hidden_size, bias=False)
        self.W_k = nn.Linear(key_size, hidden_size, bias=False)
        self.w_v = nn.Linear(hidden_size, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(
        self,
        queries: Tensor,
        keys: Tensor,
        values: Tensor,
        valid_lens: Tensor | None = None,
        mask: Tensor | None = None,
    ) -> tuple[Tensor, Tensor]:
        # every query with every key: (B, n_q, 1, h) + (B, 1, n_k, h) -> (B, n_q, n_k, h)
        features = torch.tanh(self.W_q(queries)[..., :, None, :] + self.W_k(keys)[..., None, :, :])
        scores = self.w_v(features).squeeze(-1)  # (B, n_q, n_k)
        weights = masked_softmax(scores, valid_lens, mask)
        return self.dropout(weights) @ values, weights
