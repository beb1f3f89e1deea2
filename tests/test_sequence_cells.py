"""The hand-written RNN/LSTM/GRU cells and stacks equal torch's in float64, forward and backward."""

import pytest
import torch
from torch import nn

from dlnlp.sequence import cells

TOL = dict(rtol=0, atol=1e-6)
CELLS = [(cells.RNNCell, nn.RNNCell), (cells.LSTMCell, nn.LSTMCell), (cells.GRUCell, nn.GRUCell)]
STACKS = [(cells.RNN, nn.RNN), (cells.LSTM, nn.LSTM), (cells.GRU, nn.GRU)]


def as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


def grads_of(outputs, inputs, seed):
    """Gradients of a random weighting of ``outputs`` with respect to ``inputs``."""
    g = torch.Generator().manual_seed(seed)
    loss = sum((o * torch.randn(o.shape, generator=g, dtype=o.dtype)).sum() for o in outputs)
    return torch.autograd.grad(loss, inputs)


def leaf(*shape):
    return torch.randn(*shape, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("mine, theirs", CELLS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("copy_from_torch", [True, False])
def test_cell_equals_torch_forward_and_backward(mine, theirs, copy_from_torch):
    torch.manual_seed(0)
    n_in, H, B = 5, 7, 4
    a, b = mine(n_in, H).double(), theirs(n_in, H).double()
    assert [(k, v.shape) for k, v in a.state_dict().items()] == [
        (k, v.shape) for k, v in b.state_dict().items()
    ]
    if copy_from_torch:
        a.load_state_dict(b.state_dict())
    else:
        b.load_state_dict(a.state_dict())
    x = leaf(B, n_in)
    state = (leaf(B, H), leaf(B, H)) if mine is cells.LSTMCell else leaf(B, H)
    out_a, out_b = as_tuple(a(x, state)), as_tuple(b(x, state))
    for o_a, o_b in zip(out_a, out_b):
        torch.testing.assert_close(o_a, o_b, **TOL)
    inputs = [x, *as_tuple(state)]
    for g_a, g_b in zip(
        grads_of(out_a, inputs + list(a.parameters()), seed=1),
        grads_of(out_b, inputs + list(b.parameters()), seed=1),
    ):
        torch.testing.assert_close(g_a, g_b, **TOL)


@pytest.mark.parametrize("mine, theirs", CELLS, ids=lambda c: c.__name__)
def test_cell_default_state_is_zeros(mine, theirs):
    cell = mine(3, 4).double()
    x = torch.randn(2, 3, dtype=torch.float64)
    zeros = torch.zeros(2, 4, dtype=torch.float64)
    state = (zeros, zeros) if mine is cells.LSTMCell else zeros
    for o, z in zip(as_tuple(cell(x)), as_tuple(cell(x, state))):
        torch.testing.assert_close(o, z, rtol=0, atol=0)
    bound = 1 / 4**0.5  # torch's initialisation U(-1/sqrt(H), 1/sqrt(H))
    assert all(p.abs().max() <= bound for p in cell.parameters())


@pytest.mark.parametrize("mine, theirs", STACKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("batch_first", [False, True])
def test_stack_equals_torch_forward_and_backward(mine, theirs, batch_first):
    torch.manual_seed(0)
    n_in, H, L, T, B = 5, 6, 3, 7, 4
    a = mine(n_in, H, L, batch_first=batch_first).double()
    b = theirs(n_in, H, L, batch_first=batch_first).double()
    a.load_state_dict(b.state_dict())
    x = leaf(B, T, n_in) if batch_first else leaf(T, B, n_in)
    state = (leaf(L, B, H), leaf(L, B, H)) if mine is cells.LSTM else leaf(L, B, H)
    out_a, state_a = a(x, state)
    out_b, state_b = b(x, state)
    outputs_a, outputs_b = [out_a, *as_tuple(state_a)], [out_b, *as_tuple(state_b)]
    for o_a, o_b in zip(outputs_a, outputs_b):
        torch.testing.assert_close(o_a, o_b, **TOL)
    inputs = [x, *as_tuple(state)]
    for g_a, g_b in zip(
        grads_of(outputs_a, inputs + list(a.parameters()), seed=2),
        grads_of(outputs_b, inputs + list(b.parameters()), seed=2),
    ):
        torch.testing.assert_close(g_a, g_b, **TOL)
    b.load_state_dict(a.state_dict())  # and back: the same names and shapes


def test_lstm_without_state_and_in_eval_mode_with_dropout_equals_torch():
    torch.manual_seed(0)
    a, b = cells.LSTM(4, 5, 2, dropout=0.5).double(), nn.LSTM(4, 5, 2, dropout=0.5).double()
    b.load_state_dict(a.state_dict())
    a.eval(), b.eval()
    x = torch.randn(6, 3, 4, dtype=torch.float64)
    (out_a, (h_a, c_a)), (out_b, (h_b, c_b)) = a(x), b(x)
    for u, v in ((out_a, out_b), (h_a, h_b), (c_a, c_b)):
        torch.testing.assert_close(u, v, **TOL)


def test_dropout_acts_between_layers_only_while_training():
    torch.manual_seed(0)
    x = torch.randn(6, 3, 4, dtype=torch.float64)
    one, two = cells.LSTM(4, 5, 1, dropout=0.5).double(), cells.LSTM(4, 5, 2, dropout=0.5).double()
    for model in (one, two):
        model.train()
        trained = model(x)[0]
        model.eval()
        evaluated = model(x)[0]
        changed = not torch.allclose(trained, evaluated)
        assert changed == (model is two)  # a single layer has no "between"
