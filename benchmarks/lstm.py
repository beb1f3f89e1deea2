"""The hand-written LSTM (dlnlp.sequence.cells) beside torch.nn.LSTM: forward + backward speed.

    python benchmarks/lstm.py                          # B 20, T 35, 2 layers, H 200 and 650
    python benchmarks/lstm.py --hidden 200 --seconds 3 --device cpu --threads 1 --compile

Every variant runs the same computation: a 2-layer LSTM (input size H) over a (T, B, H) batch,
then the backward pass of the sum of its outputs, with the same weights (copied from the
torch.nn.LSTM). Variants:

- ``torch.nn.LSTM``: torch's fused kernels (oneDNN on the CPU, cuDNN on a GPU);
- ``cells.LSTM``: ours, the input part W_ih x_t of all T steps in one matrix product up front;
- ``LSTMCell loop``: our cell called step by step (the input product inside the loop);
- ``cells.LSTM + jit.script``: the loop over time compiled by TorchScript;
- ``cells.LSTM + torch.compile``: compiled by TorchInductor (``--compile``; slow to compile).

Prints forward + backward passes per second (the best of ``--rounds`` round-robin timings) and
the ratio to torch.nn.LSTM. On a shared machine
the numbers are noisy; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import time
import warnings

import torch
from torch import Tensor, nn

from dlnlp.sequence import cells


def one_pass(model, x: Tensor) -> None:
    """Forward, then backward of the sum of the outputs."""
    model(x)[0].sum().backward()
    if x.device.type == "cuda":
        torch.cuda.synchronize()


def passes_per_second(model, x: Tensor, seconds: float) -> float:
    """Forward + backward passes per second over about ``seconds``."""
    n, start = 0, time.perf_counter()
    while n == 0 or time.perf_counter() - start < seconds:
        one_pass(model, x)
        n += 1
    return n / (time.perf_counter() - start)


class CellLoop(nn.Module):
    """The layers as LSTMCells called at every step (no input product up front)."""

    def __init__(self, reference: nn.LSTM) -> None:
        super().__init__()
        H = reference.hidden_size
        self.layers = nn.ModuleList(cells.LSTMCell(H, H) for _ in range(reference.num_layers))
        for layer, cell in enumerate(self.layers):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(cell, name).data.copy_(getattr(reference, f"{name}_l{layer}"))

    def forward(self, x: Tensor):
        for cell in self.layers:
            state, outputs = None, []
            for x_t in x:
                state = cell(x_t, state)
                outputs.append(state[0])
            x = torch.stack(outputs)
        return x, None


@torch.jit.script
def scripted_layer(gi: Tensor, h: Tensor, c: Tensor, weight_hh: Tensor, bias_hh: Tensor):
    """The loop over time of one layer, given gi (T, B, 4H), compiled by TorchScript."""
    outputs = []
    for gi_t in gi.unbind(0):
        h, c = cells.lstm_step(gi_t, h, c, weight_hh, bias_hh)
        outputs.append(h)
    return torch.stack(outputs), h, c


class ScriptedLSTM(cells.LSTM):
    """cells.LSTM with the loop over time of each layer in :func:`scripted_layer`."""

    def forward(self, x: Tensor, state=None):
        h = x.new_zeros(x.shape[1], self.hidden_size)
        for layer in range(self.num_layers):
            w_ih, w_hh, b_ih, b_hh = self.layer_weights(layer)
            x, _, _ = scripted_layer(nn.functional.linear(x, w_ih, b_ih), h, h, w_hh, b_hh)
        return x, None


def variants(reference: nn.LSTM, compile_: bool):
    """(name, model) pairs, every model with the reference's weights."""
    H, L = reference.hidden_size, reference.num_layers

    def copy(model):
        model.load_state_dict(reference.state_dict())
        return model.to(reference.weight_hh_l0.device)

    out = [
        ("torch.nn.LSTM", reference),
        ("cells.LSTM", copy(cells.LSTM(H, H, L))),
        ("LSTMCell loop", CellLoop(reference).to(reference.weight_hh_l0.device)),
        ("cells.LSTM + jit.script", copy(ScriptedLSTM(H, H, L))),
    ]
    if compile_:
        out.append(("cells.LSTM + torch.compile", torch.compile(copy(cells.LSTM(H, H, L)))))
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch", type=int, default=20)
    p.add_argument("--steps", type=int, default=35, help="T, time steps")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--hidden", type=int, nargs="+", default=[200, 650])
    p.add_argument("--seconds", type=float, default=6.0, help="timing per variant")
    p.add_argument("--rounds", type=int, default=3, help="the best of this many timings")
    p.add_argument("--device", nargs="+", default=["cpu"] + ["cuda"] * torch.cuda.is_available())
    p.add_argument("--compile", action="store_true", help="also try torch.compile")
    p.add_argument("--threads", type=int, help="CPU threads (default: torch's choice)")
    a = p.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads; "
        f"B {a.batch}, T {a.steps}, {a.layers} layers; forward + backward passes per second"
    )
    for device in a.device:
        for H in a.hidden:
            torch.manual_seed(0)
            reference = nn.LSTM(H, H, a.layers).to(device)
            x = torch.randn(a.steps, a.batch, H, device=device)
            rates: dict[str, float] = {}
            models = []
            for name, model in variants(reference, a.compile):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        one_pass(model, x)  # warm up (and compile)
                        one_pass(model, x)
                    models.append((name, model))
                except Exception as e:  # e.g. torch.compile without a C++ compiler
                    print(f"{device:>5} H {H:4d}  {name:28s} failed: {type(e).__name__}: {e}")
            for _ in range(a.rounds):  # round robin: a change of load hits every variant alike
                for name, model in models:
                    rate = passes_per_second(model, x, a.seconds / a.rounds)
                    rates[name] = max(rates.get(name, 0.0), rate)
            base = rates["torch.nn.LSTM"]
            for name, model in models:
                with torch.no_grad():
                    diff = (model(x)[0] - reference(x)[0]).abs().max().item()
                print(
                    f"{device:>5} H {H:4d}  {name:28s} {rates[name]:8.1f} /s   "
                    f"ratio to torch {rates[name] / base:5.2f}   max |output diff| {diff:.1e}"
                )


if __name__ == "__main__":
    main()
