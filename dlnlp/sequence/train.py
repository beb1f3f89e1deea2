"""Training a recurrent language model: batches of columns, truncated BPTT, gradient clipping.

The token stream x_1 .. x_N is cut into B equal columns, side by side in a (N // B, B) tensor,
so that row t holds the t-th token of every column (:func:`batchify`). Training walks down the
rows in windows of T steps (:func:`bptt_batches`): the model reads rows i .. i+T-1 and predicts
rows i+1 .. i+T. The hidden state is carried from one window to the next, so each column is
read as one long text, but it is *detached* from the graph of the previous window, so that the
gradient flows back at most T steps: truncated backpropagation through time.

Exploding gradients are cut by :func:`clip_grad_norm`: when the norm ‖g‖ of the whole gradient
exceeds a threshold θ, g is scaled down to θ g / ‖g‖, keeping its direction (Pascanu et al.
2013). The loss is the mean cross-entropy over the T·B predictions; the perplexity is
exp(mean cross-entropy). :func:`train` uses plain SGD by default, or any ``torch.optim``
optimizer it is given (Adam, say); either way the learning rate is multiplied by ``lr_decay``
after each epoch past ``decay_after`` (Zaremba et al. 2014). It works on whatever device the
model is on. Sizes (epochs, H, T, B) come from the caller, e.g. from :func:`dlnlp.device.profile`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm.auto import tqdm

POSTFIX_EVERY = 50  # steps between updates of the progress bar's perplexity

OptimizerOrFactory = (
    torch.optim.Optimizer | Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]
)


def perplexity(mean_loss: float) -> float:
    """exp(mean cross-entropy in nats); inf for a run that diverged (exp would overflow)."""
    return math.exp(mean_loss) if mean_loss < 700 else math.inf


def batchify(ids: Tensor | np.ndarray, batch_size: int) -> Tensor:
    """Cut a stream of N token ids into B columns: shape (N // B, B), column b holding tokens
    b·(N // B) .. (b+1)·(N // B) - 1 in order; the last N mod B tokens are dropped."""
    ids = torch.as_tensor(ids, dtype=torch.long)
    n_rows = len(ids) // batch_size
    if n_rows < 2:
        raise ValueError(f"{len(ids)} tokens are too few for {batch_size} columns")
    return ids[: n_rows * batch_size].view(batch_size, n_rows).t().contiguous()


def bptt_batches(data: Tensor, bptt: int) -> Iterator[tuple[Tensor, Tensor]]:
    """Windows (x, y) of T = ``bptt`` rows of ``data`` (N, B): x = rows i .. i+T-1, y = rows
    i+1 .. i+T, both (T, B) (the last window may be shorter)."""
    for i in range(0, len(data) - 1, bptt):
        T = min(bptt, len(data) - 1 - i)
        yield data[i : i + T], data[i + 1 : i + 1 + T]


def detach(state):
    """The hidden state (a tensor, a tuple of them, or None) cut off from its graph."""
    if state is None:
        return None
    if isinstance(state, Tensor):
        return state.detach()
    return tuple(s.detach() for s in state)


def clip_grad_norm(parameters: Iterable[nn.Parameter], max_norm: float) -> Tensor:
    """Scale the gradients in place so that their joint norm is at most ``max_norm``.

    ‖g‖ = sqrt(Σ_p ‖∂J/∂p‖²) over all parameters; if ‖g‖ > θ every gradient is multiplied by
    θ / ‖g‖ (as ``torch.nn.utils.clip_grad_norm_``, without a sync to the CPU). Returns ‖g‖
    before clipping, a 0-d tensor.
    """
    grads = [p.grad for p in parameters if p.grad is not None]
    norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    scale = (max_norm / (norm + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(scale)
    return norm


def evaluate(model: nn.Module, data: Tensor, bptt: int) -> float:
    """Perplexity exp(mean cross-entropy) of ``model`` on ``data`` (N, B) from :func:`batchify`,
    reading each column from a zero state, in eval mode (no dropout)."""
    model.eval()
    total, state = torch.zeros((), device=data.device), None
    with torch.no_grad():
        for x, y in bptt_batches(data, bptt):
            scores, state = model(x, state)
            total += F.cross_entropy(scores.flatten(0, 1), y.flatten(), reduction="sum")
    return perplexity(total.item() / (len(data) - 1) / data.shape[1])


@dataclass
class History:
    """What :func:`train` returns: one entry per epoch (the last may be cut short by a budget).

    Attributes:
        train_ppl: perplexity on the training batches of the epoch, measured while training.
        valid_ppl: perplexity on the validation stream after the epoch (empty without one).
        lr: the learning rate of the epoch (of the optimizer's first parameter group).
        seconds: training time of the epoch (evaluation excluded).
        tokens: tokens predicted in the epoch's training steps.
        loss: the training loss (mean cross-entropy in nats over the T·B predictions) of every
            training step, all epochs in a row: the loss curve.
        grad_norm: ‖g‖ before clipping (with or without ``clip``), at every training step.
    """

    train_ppl: list[float] = field(default_factory=list)
    valid_ppl: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)

    @property
    def tokens_per_second(self) -> float:
        """Training speed over all epochs."""
        return sum(self.tokens) / sum(self.seconds)


def make_optimizer(model: nn.Module, optimizer: OptimizerOrFactory | None, lr: float | None):
    """The optimizer :func:`train` steps: SGD with rate ``lr`` (default 20) for None, the given
    one (checked to hold only ``model``'s parameters), or ``optimizer(model.parameters())``."""
    if optimizer is None:
        return torch.optim.SGD(model.parameters(), lr=20.0 if lr is None else lr)
    if lr is not None:
        raise ValueError(
            f"lr={lr} sets the rate of the default SGD; with optimizer= give the rate to the "
            "optimizer instead, e.g. functools.partial(torch.optim.Adam, lr=1e-3)"
        )
    if not isinstance(optimizer, torch.optim.Optimizer):
        made = optimizer(model.parameters()) if callable(optimizer) else None
        if not isinstance(made, torch.optim.Optimizer):
            raise TypeError(
                f"optimizer={optimizer!r}: pass a torch.optim.Optimizer over the model's "
                "parameters, or a function of the parameters that returns one, e.g. "
                "functools.partial(torch.optim.Adam, lr=1e-3)"
            )
        optimizer = made
    own = {id(p) for p in model.parameters()}
    if not all(id(p) in own for g in optimizer.param_groups for p in g["params"]):
        raise ValueError(
            "the optimizer updates parameters that are not the model's (was it made for "
            "another model?); make it from model.parameters()"
        )
    return optimizer


def train(
    model: nn.Module,
    train_ids: Tensor | np.ndarray,
    valid_ids: Tensor | np.ndarray | None = None,
    *,
    epochs: int = 1,
    batch_size: int = 20,
    bptt: int = 35,
    lr: float | None = None,
    optimizer: OptimizerOrFactory | None = None,
    clip: float | None = 0.25,
    lr_decay: float = 1.0,
    decay_after: int = 0,
    eval_batch_size: int = 10,
    max_steps: int | None = None,
    max_seconds: float | None = None,
    progress: bool = True,
) -> History:
    """Train a language model (``model(x (T, B), state) -> (scores (T, B, V), state)``, e.g.
    :class:`dlnlp.sequence.rnn_lm.RNNLM`) with truncated BPTT, on its own device.

    Args:
        train_ids, valid_ids: token id streams, shape (N,).
        epochs: passes over the training stream.
        batch_size: B, columns; bptt: T, steps per window.
        lr: the learning rate of the default SGD (None: 20).
        optimizer: None for SGD with rate ``lr``; a ``torch.optim.Optimizer`` over the model's
            parameters (its state, e.g. Adam's moments, carries over between calls); or a
            function of the parameters that makes one, e.g.
            ``functools.partial(torch.optim.Adam, lr=1e-3)``.
        lr_decay, decay_after: epochs 1 .. ``decay_after`` run at the optimizer's rate r (as
            it is when ``train`` is called); epoch e after that at r · lr_decay^(e - decay_after).
        clip: θ of :func:`clip_grad_norm`, or None not to clip. (The defaults lr = 20, θ = 0.25
            are those of PyTorch's word-language-model example.)
        eval_batch_size: columns of the validation stream.
        max_steps, max_seconds: stop training early after this many steps in all, or this much
            training time; the epoch cut short is evaluated and recorded.
        progress: a tqdm bar per epoch, showing the running training perplexity.

    Returns the :class:`History` of the run.
    """
    device = next(model.parameters()).device
    data = batchify(train_ids, batch_size).to(device)
    valid = None if valid_ids is None else batchify(valid_ids, eval_batch_size).to(device)
    optimizer = make_optimizer(model, optimizer, lr)
    rates = [group["lr"] for group in optimizer.param_groups]
    history, steps, elapsed = History(), 0, 0.0
    for epoch in range(1, epochs + 1):
        factor = lr_decay ** max(epoch - decay_after, 0)
        for group, rate in zip(optimizer.param_groups, rates):
            group["lr"] = rate * factor
        epoch_lr = optimizer.param_groups[0]["lr"]
        model.train()
        n_windows = math.ceil((len(data) - 1) / bptt)
        # per-step numbers go into buffers allocated once: keeping a small tensor per step
        # alive instead made a CPU process grow by megabytes per step (heap fragmentation)
        losses, norms = torch.zeros(n_windows, device=device), torch.zeros(n_windows, device=device)
        state, total, tokens = None, torch.zeros((), device=device), 0
        start = time.perf_counter()
        bar = tqdm(
            bptt_batches(data, bptt),
            total=n_windows,
            desc=f"epoch {epoch}/{epochs}",
            disable=not progress,
        )
        for i, (x, y) in enumerate(bar):
            scores, state = model(x, detach(state))
            loss = F.cross_entropy(scores.flatten(0, 1), y.flatten())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            norms[i] = clip_grad_norm(model.parameters(), math.inf if clip is None else clip)
            optimizer.step()
            losses[i] = loss.detach()
            total += losses[i] * y.numel()
            tokens += y.numel()
            steps += 1
            if steps % POSTFIX_EVERY == 0:
                bar.set_postfix(ppl=f"{perplexity(total.item() / tokens):.1f}", lr=epoch_lr)
            out_of_budget = (max_steps is not None and steps >= max_steps) or (
                max_seconds is not None and elapsed + time.perf_counter() - start >= max_seconds
            )
            if out_of_budget:
                break
        bar.close()
        mean_loss = total.item() / tokens  # waits for the device to finish the epoch
        seconds = time.perf_counter() - start
        elapsed += seconds
        history.train_ppl.append(perplexity(mean_loss))
        history.lr.append(epoch_lr)
        history.seconds.append(seconds)
        history.tokens.append(tokens)
        history.loss.extend(losses[: i + 1].tolist())
        history.grad_norm.extend(norms[: i + 1].tolist())
        if valid is not None:
            history.valid_ppl.append(evaluate(model, valid, bptt))
        if out_of_budget:
            break
    return history
