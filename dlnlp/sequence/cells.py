"""RNN, LSTM and GRU cells written out in torch, and multi-layer networks over a sequence.

Notation: x_t (B, I) is the input at step t, h_t (B, H) the hidden state, σ the logistic sigmoid,
⊙ the elementwise product. The three recurrences:

- **RNN** (Elman):  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).
- **LSTM** (Hochreiter & Schmidhuber 1997, with a forget gate): the input gate i, forget gate f,
  candidate cell g and output gate o are

      a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh    (B, 4H), in four blocks of H,
      i, f, g, o = σ(a_t[block 1]), σ(a_t[block 2]), tanh(a_t[block 3]), σ(a_t[block 4]),
      c_t = f ⊙ c_{t-1} + i ⊙ g,     h_t = o ⊙ tanh(c_t).

  The cell state changes only by ⊙ and +: along it, ∂c_t/∂c_{t-1} = diag(f_t), so the gradient
  is multiplied by forget gates, not by W_hh and tanh' at every step -- what tames vanishing
  gradients.
- **GRU** (Cho et al. 2014): the reset gate r, update gate z and candidate n are

      r = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr),   z = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz),
      n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t-1} + b_hn)),   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}.

  This is torch's (and cuDNN's) form. The lecture writes the update gate u = 1 - z, so that
  h_t = (1 - u) ⊙ h_{t-1} + u ⊙ h̃_t, and applies r before the product, W_hn (r ⊙ h_{t-1}); the
  two forms have the same parameters but are not the same function.

Parameters are laid out exactly as in ``torch.nn.RNNCell``/``LSTMCell``/``GRUCell``: ``weight_ih``
(G·H, I), ``weight_hh`` (G·H, H), ``bias_ih`` and ``bias_hh`` (G·H,), with the G gate blocks
stacked in the order i, f, g, o (LSTM) and r, z, n (GRU), so ``load_state_dict`` copies weights
between these cells and torch's in both directions. :class:`RNN`, :class:`LSTM` and :class:`GRU`
do the same for ``torch.nn.RNN``/``LSTM``/``GRU`` (``weight_ih_l0``, ``weight_hh_l0``, ...).

Speed: each step does one matrix product for all G gates together, and the multi-layer networks
compute the input part W_ih x_t + b_ih of every time step in one product up front, (T·B, I) by
(I, G·H), leaving only h_{t-1} W_hhᵀ inside the loop over time (see ``benchmarks/lstm.py``).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# --- One time step, given gi = W_ih x_t + b_ih for all gates (B, G*H) ------------------------


def rnn_step(gi: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor) -> Tensor:
    """h_t = tanh(gi + W_hh h_{t-1} + b_hh); gi, h: (B, H). Returns h_t (B, H)."""
    return torch.tanh(gi + F.linear(h, weight_hh, bias_hh))


def lstm_step(
    gi: Tensor, h: Tensor, c: Tensor, weight_hh: Tensor, bias_hh: Tensor
) -> tuple[Tensor, Tensor]:
    """One LSTM step; gi: (B, 4H) the input part of the gates i, f, g, o; h, c: (B, H).
    Returns (h_t, c_t), each (B, H)."""
    i, f, g, o = (gi + F.linear(h, weight_hh, bias_hh)).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def gru_step(gi: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor) -> Tensor:
    """One GRU step; gi: (B, 3H) the input part of r, z, n; h: (B, H). Returns h_t (B, H)."""
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = F.linear(h, weight_hh, bias_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return n + z * (h - n)  # (1 - z) n + z h


# --- Cells: one step from x_t, drop-in replacements of torch.nn.*Cell -------------------------


class _Cell(nn.Module):
    """Parameters of a cell with G gates, initialised as torch's: U(-1/√H, 1/√H)."""

    gates = 1

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        G, H = self.gates, hidden_size
        self.weight_ih = nn.Parameter(torch.empty(G * H, input_size))
        self.weight_hh = nn.Parameter(torch.empty(G * H, H))
        self.bias_ih = nn.Parameter(torch.empty(G * H))
        self.bias_hh = nn.Parameter(torch.empty(G * H))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def _zeros(self, x: Tensor) -> Tensor:
        return x.new_zeros(x.shape[0], self.hidden_size)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}"


class RNNCell(_Cell):
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), like ``torch.nn.RNNCell`` (tanh).

    ``forward(x (B, I), h (B, H) or None = zeros) -> h_t (B, H)``.
    """

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        h = self._zeros(x) if h is None else h
        return rnn_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)


class LSTMCell(_Cell):
    """One LSTM step, like ``torch.nn.LSTMCell`` (gate order i, f, g, o).

    ``forward(x (B, I), (h, c) each (B, H), or None = zeros) -> (h_t, c_t)``.
    """

    gates = 4

    def forward(
        self, x: Tensor, state: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        h, c = (self._zeros(x), self._zeros(x)) if state is None else state
        gi = F.linear(x, self.weight_ih, self.bias_ih)
        return lstm_step(gi, h, c, self.weight_hh, self.bias_hh)


class GRUCell(_Cell):
    """One GRU step, like ``torch.nn.GRUCell`` (gate order r, z, n).

    ``forward(x (B, I), h (B, H) or None = zeros) -> h_t (B, H)``.
    """

    gates = 3

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        h = self._zeros(x) if h is None else h
        return gru_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)


# --- Multi-layer networks over a sequence, drop-in replacements of torch.nn.RNN/LSTM/GRU ------

_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")  # per layer l, with suffix _l{l}


class _Stack(nn.Module):
    """L layers of one kind of cell over a whole sequence; layer l + 1 reads the outputs h_t of
    layer l, with dropout between layers while training (as torch's ``dropout``).

    Args:
        input_size: I; hidden_size: H; num_layers: L.
        dropout: probability of zeroing an output of every layer but the last (training only).
        batch_first: inputs and outputs are (B, T, ·) instead of (T, B, ·). The states are
            (L, B, H) either way, as in torch.

    ``forward(x, state=None) -> (output, state_T)``: x (T, B, I); output (T, B, H), the h_t of the
    last layer at every step; the state (RNN, GRU: h; LSTM: the pair (h, c)), each (L, B, H),
    is the one at t = 0 (default zeros) on the way in and the one after the last step on the way
    out, ready to be passed to the next call (truncated BPTT).

    A subclass sets ``gates`` (G) and ``n_states`` and defines ``step(gi_t, *state, weight_hh,
    bias_hh) -> state``, one time step of one layer on a tuple of (B, H) states.
    """

    gates = 1
    n_states = 1  # tensors in the state: h (RNN, GRU) or h and c (LSTM)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        dropout: float = 0.0,
        batch_first: bool = False,
    ) -> None:
        super().__init__()
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout={dropout}: must be in [0, 1)")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.dropout, self.batch_first = dropout, batch_first
        G, H = self.gates, hidden_size
        for layer in range(num_layers):
            size = input_size if layer == 0 else H
            shapes = ((G * H, size), (G * H, H), (G * H,), (G * H,))
            for name, shape in zip(_NAMES, shapes):
                self.register_parameter(f"{name}_l{layer}", nn.Parameter(torch.empty(shape)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """U(-1/√H, 1/√H) for every parameter, as torch."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def layer_weights(self, layer: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """(weight_ih, weight_hh, bias_ih, bias_hh) of one layer."""
        return tuple(getattr(self, f"{n}_l{layer}") for n in _NAMES)

    def forward(self, x: Tensor, state=None):
        if self.batch_first:
            x = x.transpose(0, 1)
        if state is None:
            zeros = x.new_zeros(self.num_layers, x.shape[1], self.hidden_size)
            states = (zeros,) * self.n_states
        else:
            states = state if isinstance(state, tuple) else (state,)
        final = []
        for layer in range(self.num_layers):
            w_ih, w_hh, b_ih, b_hh = self.layer_weights(layer)
            if layer > 0 and self.dropout > 0:
                x = F.dropout(x, self.dropout, self.training)
            gi = F.linear(x, w_ih, b_ih)  # (T, B, G*H): the input part of all steps at once
            s = tuple(part[layer] for part in states)
            outputs = []
            for gi_t in gi:  # unbind: one gradient (T, B, G*H) for all steps, not T of them
                s = self.step(gi_t, *s, w_hh, b_hh)
                outputs.append(s[0])
            x = torch.stack(outputs)
            final.append(s)
        out_state = tuple(torch.stack(parts) for parts in zip(*final))
        output = x.transpose(0, 1) if self.batch_first else x
        return output, (out_state if self.n_states > 1 else out_state[0])

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
            f"dropout={self.dropout}, batch_first={self.batch_first}"
        )


class RNN(_Stack):
    """Multi-layer tanh RNN, like ``torch.nn.RNN``; see :class:`_Stack` for the arguments."""

    def step(self, gi, h, weight_hh, bias_hh):
        return (rnn_step(gi, h, weight_hh, bias_hh),)


class LSTM(_Stack):
    """Multi-layer LSTM, like ``torch.nn.LSTM``; the state is the pair (h, c), each (L, B, H).
    See :class:`_Stack` for the arguments."""

    gates, n_states = 4, 2

    def step(self, gi, h, c, weight_hh, bias_hh):
        return lstm_step(gi, h, c, weight_hh, bias_hh)


class GRU(_Stack):
    """Multi-layer GRU, like ``torch.nn.GRU``; see :class:`_Stack` for the arguments."""

    gates = 3

    def step(self, gi, h, weight_hh, bias_hh):
        return (gru_step(gi, h, weight_hh, bias_hh),)
