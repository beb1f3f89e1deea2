"""A recurrent language model: embedding, L recurrent layers, softmax over the vocabulary.

For the token ids x_1 .. x_T of a column of text, with e_t = E[x_t] (the embedding row of x_t),

    h_t^(1..L) = RNN / LSTM / GRU layers over e_1 .. e_t,
    ŷ_t = softmax(W h_t^(L) + b) = P(x_{t+1} | x_1 .. x_t),

and training minimises the cross-entropy -log ŷ_t[x_{t+1}], averaged over positions; its
exponential is the perplexity. The recurrent layers are either the hand-written ones of
:mod:`dlnlp.sequence.cells` or torch's (``own_cells=False``); the two have the same parameters
under the same names, so a state dict trained with one loads into the other.

Dropout (Zaremba et al. 2014) is applied to the embeddings, between the recurrent layers and to
the last layer's outputs -- never to the recurrent connections. With ``tie_weights`` (Press &
Wolf 2017; Inan et al. 2017) the output matrix W is the embedding matrix E, which needs the
embedding size to equal the hidden size. :meth:`RNNLM.set_unigram_bias` starts the output bias b
at the log unigram frequencies, so that an untrained model, whose W h^(L) is small, predicts
roughly the unigram distribution instead of the uniform one.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlnlp.sequence import cells

KINDS = {"rnn": (cells.RNN, nn.RNN), "lstm": (cells.LSTM, nn.LSTM), "gru": (cells.GRU, nn.GRU)}


class RNNLM(nn.Module):
    """Embedding, recurrent layers and a linear layer to V scores (the softmax is in the loss).

    Args:
        vocab_size: V.
        emb_size: d, the embedding size.
        hidden_size: H.
        num_layers: L.
        kind: ``"rnn"`` (tanh), ``"lstm"`` or ``"gru"``.
        dropout: dropout probability (embeddings, between layers, before the output layer).
        tie_weights: share the output matrix with the embedding matrix (needs d = H).
        own_cells: the hand-written layers (:mod:`dlnlp.sequence.cells`); False for torch's
            fused ``nn.RNN``/``nn.LSTM``/``nn.GRU``.
        init_range: initialise every parameter from U(-init_range, init_range) (Zaremba et al.:
            0.1); None keeps torch's defaults.

    ``forward(x (T, B) ids, state=None) -> (scores (T, B, V), state)``: the state is the one the
    recurrent layers take and return (see :class:`dlnlp.sequence.cells.LSTM`); None starts from
    zeros.
    """

    def __init__(
        self,
        vocab_size: int,
        emb_size: int,
        hidden_size: int,
        num_layers: int = 1,
        *,
        kind: str = "lstm",
        dropout: float = 0.0,
        tie_weights: bool = False,
        own_cells: bool = True,
        init_range: float | None = None,
    ) -> None:
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"kind={kind!r}: use one of {sorted(KINDS)}")
        if tie_weights and emb_size != hidden_size:
            raise ValueError(
                f"tie_weights needs emb_size ({emb_size}) == hidden_size ({hidden_size})"
            )
        self.kind, self.dropout = kind, dropout
        self.embedding = nn.Embedding(vocab_size, emb_size)
        recurrent = KINDS[kind][0 if own_cells else 1]
        self.rnn = recurrent(emb_size, hidden_size, num_layers, dropout=dropout)
        self.output = nn.Linear(hidden_size, vocab_size)
        if init_range is not None:
            for p in self.parameters():
                nn.init.uniform_(p, -init_range, init_range)
        if tie_weights:
            self.output.weight = self.embedding.weight

    def forward(self, x: Tensor, state=None):
        e = F.dropout(self.embedding(x), self.dropout, self.training)  # (T, B, d)
        h, state = self.rnn(e, state)  # (T, B, H)
        return self.output(F.dropout(h, self.dropout, self.training)), state

    def set_unigram_bias(self, ids: Tensor | np.ndarray) -> None:
        """Set the output bias to log P(w), the add-one unigram frequencies of ``ids`` (N,)."""
        counts = torch.bincount(torch.as_tensor(ids).flatten(), minlength=len(self.output.bias))
        if len(counts) > len(self.output.bias):
            raise ValueError(f"ids go up to {len(counts) - 1}, beyond the vocabulary size")
        with torch.no_grad():
            self.output.bias.copy_(torch.log((counts + 1.0) / (counts.sum() + len(counts))))
