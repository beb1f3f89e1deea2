"""The Transformer written out: multi-head attention, positional encoding, encoder and decoder
blocks, and a decoder-only language model (GPT).

**Multi-head attention** (Vaswani et al. 2017). For queries X_q (L, E) and keys/values
X_k, X_v (S, E), each of the h heads projects to d = E / h dimensions and attends on its own:

    head_j = softmax(Q_j K_jᵀ / √d) V_j,   Q_j = X_q W_q^(j), K_j = X_k W_k^(j), V_j = X_v W_v^(j),
    MultiHead(X_q, X_k, X_v) = [head_1; ...; head_h] W_o.

In code the h projections are one (E, E) matrix each: head j is columns j·d .. (j+1)·d - 1 of
X_q W_qᵀ, cut off by a reshape ("split heads") and glued back after attention ("concat").
*Self*-attention has X_q = X_k = X_v = X; *cross*-attention takes queries from the decoder and
keys and values from the encoder's output (the "memory").

**Positional encoding.** Attention is blind to order (permuting the keys permutes nothing in the
output), so position p is added to the input as P[p, 2i] = sin(p / 10000^(2i/E)),
P[p, 2i+1] = cos(p / 10000^(2i/E)): each pair of dimensions is a clock of its own frequency,
and P[p + k] is a rotation of P[p] that depends only on k.

**Blocks.** An encoder block is self-attention, then a position-wise MLP (linear, ReLU or GELU,
linear), each wrapped in a residual connection and layer normalisation: post-LN (the original,
x = LN(x + sublayer(x))) or pre-LN (GPT-2 and most models since, x = x + sublayer(LN(x)), which
trains without warm-up). A decoder block has a second, cross-attention sub-layer between the
two. A **decoder-only** (GPT) block is an encoder block whose self-attention is *causal*:
position t sees positions 1 .. t only, so that predicting x_{t+1} cannot peek at it; GPT is a
stack of such blocks between a token (+ position) embedding and a softmax over the vocabulary.

**Layout and masks, as torch.** Parameters have the names and shapes of
``torch.nn.MultiheadAttention`` (``in_proj_weight`` (3E, E) stacking W_q, W_k, W_v,
``in_proj_bias`` (3E,), ``out_proj`` = W_o), ``nn.TransformerEncoderLayer`` and
``nn.TransformerDecoderLayer``, so ``load_state_dict`` copies weights both ways, and the masks
mean what they mean there: boolean, **True = may not attend**. ``attn_mask`` is (L, S) or
(B·h, L, S); ``key_padding_mask`` (B, S) is True at padding keys; ``is_causal=True`` builds the
causal mask here (in torch it is only a hint that ``attn_mask`` is causal). Only boolean masks
are accepted (torch also takes float masks added to the scores). Unlike torch, a query with no
key left to attend to gets the zero vector from attention instead of NaN. Inputs are batched:
(L, B, E), or (B, L, E) with ``batch_first=True``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlnlp.attention.scoring import scaled_dot_product_attention

ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def causal_mask(L: int, S: int | None = None, device: torch.device | str | None = None) -> Tensor:
    """Boolean (L, S) (S = L by default), True above the diagonal: query i may not attend to
    keys j > i."""
    return torch.ones(L, L if S is None else S, dtype=torch.bool, device=device).triu(1)


def attention_mask(
    batch_size: int,
    num_heads: int,
    L: int,
    S: int,
    key_padding_mask: Tensor | None = None,
    attn_mask: Tensor | None = None,
    is_causal: bool = False,
    device: torch.device | str | None = None,
) -> Tensor | None:
    """The torch-style masks merged into one mask of the keys that *may* be attended, True =
    attend (the convention of :mod:`dlnlp.attention.scoring`), broadcastable to (B, h, L, S);
    None when nothing is masked."""
    blocked = None
    if attn_mask is not None:
        if attn_mask.dtype != torch.bool:
            raise TypeError(f"attn_mask must be boolean (True = may not attend): {attn_mask.dtype}")
        blocked = attn_mask.view(batch_size, num_heads, L, S) if attn_mask.dim() == 3 else attn_mask
    if key_padding_mask is not None:
        padding = key_padding_mask.to(torch.bool)[:, None, None, :]  # (B, 1, 1, S)
        blocked = padding if blocked is None else blocked | padding
    if is_causal:
        future = causal_mask(L, S, device)
        blocked = future if blocked is None else blocked | future
    return None if blocked is None else ~blocked


class MultiheadAttention(nn.Module):
    """Multi-head attention with the parameters and call of ``torch.nn.MultiheadAttention``.

    Args:
        embed_dim: E; num_heads: h (must divide E).
        dropout: dropout on the attention weights while training.
        bias: biases in the input and output projections.
        batch_first: inputs and outputs (B, L, E) instead of (L, B, E).

    Parameters: ``in_proj_weight`` (3E, E) = [W_q; W_k; W_v], ``in_proj_bias`` (3E,),
    ``out_proj`` (an ``nn.Linear(E, E)``: W_o), initialised as torch's.

    ``forward(query (L, B, E), key (S, B, E), value (S, B, E), key_padding_mask=None,
    need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False)
    -> (output (L, B, E), weights)``; masks as in the module docstring. The weights (before
    dropout) are (B, L, S), averaged over the heads, or (B, h, L, S) with
    ``average_attn_weights=False``; None with ``need_weights=False``.
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        batch_first: bool = False,
    ) -> None:
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(f"num_heads={num_heads} must divide embed_dim={embed_dim}")
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.dropout, self.batch_first = dropout, batch_first
        self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * embed_dim)) if bias else None
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """As torch: Xavier-uniform input projections, zero biases (out_proj.weight keeps
        ``nn.Linear``'s initialisation)."""
        nn.init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            nn.init.zeros_(self.in_proj_bias)
            nn.init.zeros_(self.out_proj.bias)

    def split_heads(self, x: Tensor) -> Tensor:
        """(B, L, E) -> (B, h, L, d): head j gets features j·d .. (j+1)·d - 1."""
        B, L, _ = x.shape
        return x.view(B, L, self.num_heads, self.head_dim).transpose(1, 2)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        if not self.batch_first:
            query, key, value = (x.transpose(0, 1) for x in (query, key, value))
        (B, L, E), S = query.shape, key.shape[1]
        W_q, W_k, W_v = self.in_proj_weight.chunk(3)
        b_q, b_k, b_v = (None,) * 3 if self.in_proj_bias is None else self.in_proj_bias.chunk(3)
        q = self.split_heads(F.linear(query, W_q, b_q))  # (B, h, L, d)
        k = self.split_heads(F.linear(key, W_k, b_k))  # (B, h, S, d)
        v = self.split_heads(F.linear(value, W_v, b_v))  # (B, h, S, d)
        keep = attention_mask(
            B, self.num_heads, L, S, key_padding_mask, attn_mask, is_causal, query.device
        )
        dropout_p = self.dropout if self.training else 0.0
        heads, weights = scaled_dot_product_attention(q, k, v, mask=keep, dropout_p=dropout_p)
        output = self.out_proj(heads.transpose(1, 2).reshape(B, L, E))  # concat the heads
        if not self.batch_first:
            output = output.transpose(0, 1)
        if not need_weights:
            return output, None
        return output, weights.mean(dim=1) if average_attn_weights else weights

    def extra_repr(self) -> str:
        return f"{self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"


def sinusoidal_positions(max_len: int, d: int) -> Tensor:
    """The table P (max_len, d): P[p, 2i] = sin(p / 10000^(2i/d)), P[p, 2i+1] = cos(...)."""
    p = torch.arange(max_len, dtype=torch.float32)[:, None]
    angles = p / 10000 ** (torch.arange(0, d, 2, dtype=torch.float32) / d)  # (max_len, ⌈d/2⌉)
    P = torch.zeros(max_len, d)
    P[:, 0::2] = torch.sin(angles)
    P[:, 1::2] = torch.cos(angles[:, : d // 2])
    return P


class PositionalEncoding(nn.Module):
    """x + P[:T], then dropout, for x (B, T, d) (T ≤ ``max_len``); P of
    :func:`sinusoidal_positions` is a buffer, not a parameter, and not in the state dict."""

    def __init__(self, d_model: int, dropout: float = 0.0, max_len: int = 1000) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("P", sinusoidal_positions(max_len, d_model), persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.dropout(x + self.P[: x.shape[1]].to(x.dtype))


class _Block(nn.Module):
    """What encoder and decoder blocks share, built with the arguments of
    ``torch.nn.TransformerEncoderLayer``: self-attention, the MLP, norms and dropouts, plus
    cross-attention (``multihead_attn``, ``norm3``, ``dropout3``) when ``cross_attention``."""

    cross_attention = False

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str = "relu",
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation={activation!r}: use one of {sorted(ACTIVATIONS)}")
        self.self_attn = MultiheadAttention(d_model, nhead, dropout, bias, batch_first)
        if self.cross_attention:
            self.multihead_attn = MultiheadAttention(d_model, nhead, dropout, bias, batch_first)
        self.linear1 = nn.Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model, bias=bias)
        self.norm_first = norm_first
        n_sublayers = 3 if self.cross_attention else 2
        for i in range(1, n_sublayers + 1):
            setattr(self, f"norm{i}", nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias))
        for i in range(1, n_sublayers + 1):
            setattr(self, f"dropout{i}", nn.Dropout(dropout))
        self.activation = ACTIVATIONS[activation]

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x, _ = self.self_attn(
            x, x, x, key_padding_mask, need_weights=False, attn_mask=attn_mask, is_causal=is_causal
        )
        return self.dropout1(x)

    def _ff_block(self, x, dropout):
        return dropout(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class EncoderLayer(_Block):
    """Self-attention and MLP, each with a residual connection and LayerNorm; equal to
    ``torch.nn.TransformerEncoderLayer`` with the same arguments (activation ``"relu"`` or
    ``"gelu"``) and the same weights.

    ``forward(src (T, B, E), src_mask=None, src_key_padding_mask=None, is_causal=False)
    -> (T, B, E)``, or (B, T, E) with ``batch_first``; masks as in the module docstring. With
    ``is_causal=True`` and ``norm_first=True`` this is a GPT block.
    """

    def forward(
        self,
        src: Tensor,
        src_mask: Tensor | None = None,
        src_key_padding_mask: Tensor | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        x = src
        if self.norm_first:  # pre-LN: x + sublayer(LN(x))
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x), self.dropout2)
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x, self.dropout2))  # post-LN: LN(x + sublayer(x))


class DecoderLayer(_Block):
    """Self-attention over the target, cross-attention to the encoder's output ("memory") and
    an MLP, each with a residual connection and LayerNorm; equal to
    ``torch.nn.TransformerDecoderLayer`` with the same arguments and weights (the parameters of
    :class:`EncoderLayer` plus ``multihead_attn`` and ``norm3``).

    ``forward(tgt (T, B, E), memory (S, B, E), tgt_mask=None, memory_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False,
    memory_is_causal=False) -> (T, B, E)``, or batch first; masks as in the module docstring
    (``tgt_*`` for the self-attention, ``memory_*`` for the cross-attention).
    """

    cross_attention = True

    def _mha_block(self, x, memory, attn_mask, key_padding_mask, is_causal):
        x, _ = self.multihead_attn(
            x, memory, memory, key_padding_mask, False, attn_mask, is_causal=is_causal
        )
        return self.dropout2(x)

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_mask: Tensor | None = None,
        tgt_key_padding_mask: Tensor | None = None,
        memory_key_padding_mask: Tensor | None = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        x = tgt
        cross = (memory, memory_mask, memory_key_padding_mask, memory_is_causal)
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), *cross)
            return x + self._ff_block(self.norm3(x), self.dropout3)
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, *cross))
        return self.norm3(x + self._ff_block(x, self.dropout3))


class GPT(nn.Module):
    """A decoder-only Transformer language model (Radford et al. 2018; GPT-2 layout).

    token + learned position embeddings -> dropout -> L pre-LN :class:`EncoderLayer` blocks with
    causal self-attention and GELU -> LayerNorm -> linear to V scores (the softmax is in the
    loss). Embeddings are initialised N(0, 0.02²), as GPT-2.

    Args:
        vocab_size: V; d_model: E; num_heads: h; num_layers: L.
        max_len: the longest context (position embeddings).
        dim_feedforward: the MLP's hidden size (default 4E).
        dropout: on the embeddings, attention weights and sub-layer outputs while training.
        tie_weights: the output matrix is the token embedding matrix (Press & Wolf 2017).

    ``forward(ids (B, T)) -> scores (B, T, V)``, T ≤ ``max_len``; scores[:, t] predict
    ids[:, t + 1] from ids[:, :t + 1].
    """

    def __init__(
        self,
        vocab_size: int,
        d_model: int,
        num_heads: int,
        num_layers: int,
        max_len: int,
        dim_feedforward: int | None = None,
        dropout: float = 0.0,
        tie_weights: bool = True,
    ) -> None:
        super().__init__()
        self.max_len = max_len
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(max_len, d_model)
        self.dropout = nn.Dropout(dropout)
        ff = dim_feedforward or 4 * d_model
        self.blocks = nn.ModuleList(
            EncoderLayer(d_model, num_heads, ff, dropout, "gelu", batch_first=True, norm_first=True)
            for _ in range(num_layers)
        )
        self.norm = nn.LayerNorm(d_model)
        self.output = nn.Linear(d_model, vocab_size, bias=False)
        for embedding in (self.token_embedding, self.position_embedding):
            nn.init.normal_(embedding.weight, std=0.02)
        if tie_weights:
            self.output.weight = self.token_embedding.weight

    def forward(self, ids: Tensor) -> Tensor:
        T = ids.shape[1]
        if T > self.max_len:
            raise ValueError(f"{T} tokens exceed max_len={self.max_len}")
        positions = torch.arange(T, device=ids.device)
        x = self.dropout(self.token_embedding(ids) + self.position_embedding(positions))
        for block in self.blocks:
            x = block(x, is_causal=True)
        return self.output(self.norm(x))


@torch.no_grad()
def generate(
    model: GPT,
    prompt_ids: Tensor,
    n: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Continue ``prompt_ids`` (T0,) or (B, T0) by n tokens, one at a time, each sampled from
    softmax(scores / temperature) of the last position, over the ``top_k`` best tokens only
    when given; ``temperature=0`` takes the best token (greedy). The context is cut to the last
    ``model.max_len`` tokens. Runs in eval mode (no dropout) and restores the model's mode.

    Returns the prompt followed by the n new tokens, (T0 + n,) or (B, T0 + n). ``generator``
    (on the model's device) makes sampling reproducible.
    """
    was_training = model.training
    model.eval()
    ids = prompt_ids if prompt_ids.dim() == 2 else prompt_ids[None]
    for _ in range(n):
        scores = model(ids[:, -model.max_len :])[:, -1]  # (B, V)
        if temperature == 0:
            next_ids = scores.argmax(dim=-1, keepdim=True)
        else:
            scores = scores / temperature
            if top_k is not None:
                kth_best = scores.topk(min(top_k, scores.shape[-1])).values[:, -1:]
                scores = scores.masked_fill(scores < kth_best, -math.inf)
            next_ids = torch.multinomial(F.softmax(scores, dim=-1), 1, generator=generator)
        ids = torch.cat([ids, next_ids], dim=1)
    model.train(was_training)
    return ids if prompt_ids.dim() == 2 else ids[0]
