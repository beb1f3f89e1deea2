"""Optimisers from scratch -- SGD (with momentum), Adagrad, RMSprop, Adam -- and learning-rate
schedules.

Each optimiser makes, step for step, the same updates as its namesake in ``torch.optim`` (same
hyperparameters, defaults and conventions). A parameter is anything with an array ``.data``,
updated in place, and its gradient ``.grad``: a torch tensor (``model.parameters()``) or a
:class:`dlnlp.nn.autograd.Tensor`. The loop is torch's::

    opt = Adam(params, lr=1e-3)
    for t in range(steps):
        opt.lr = cosine(t, steps, lr=1e-3)   # a schedule is a plain function of the step
        loss = ...; opt.zero_grad(); loss.backward(); opt.step()

With g_t the gradient of step t = 1, 2, ... (plus weight_decay * θ: L2 regularisation), every
update is θ ← θ - Δ, where Δ is

    SGD        lr g_t
    momentum   lr v_t,  v_t = μ v_{t-1} + (1 - dampening) g_t,  v_1 = g_t   (torch's convention;
               Sutskever et al. 2013 put lr inside v, which differs once lr changes);
               Nesterov: lr (g_t + μ v_t)
    Adagrad    lr g_t / (sqrt(G_t) + eps),   G_t = G_{t-1} + g_t²,  G_0 = initial_accumulator_value
    RMSprop    lr g_t / (sqrt(s_t) + eps),   s_t = α s_{t-1} + (1 - α) g_t²,  s_0 = 0
    Adam       lr m̂_t / (sqrt(v̂_t) + eps),   m_t = β1 m_{t-1} + (1 - β1) g_t,
               v_t = β2 v_{t-1} + (1 - β2) g_t²,  m̂_t = m_t / (1 - β1^t),  v̂_t = v_t / (1 - β2^t)

(squares, roots and divisions entry by entry; eps is added outside the square root everywhere).
"""

from __future__ import annotations

import math


class Optimizer:
    """The parameters, the learning rate ``lr`` (set it between steps to follow a schedule),
    and a state dict per parameter (its moment estimates, its step count ``"step"``)."""

    def __init__(self, params, lr: float):
        self.params = list(params)
        if not self.params:
            raise ValueError("no parameters to optimise")
        self.lr = lr
        self.state = [{} for _ in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient, in place: θ ← θ - Δ."""
        for p, state in zip(self.params, self.state):
            if p.grad is not None:
                state["step"] = state.get("step", 0) + 1
                p.data -= self.delta(p.data, p.grad, state)

    def delta(self, theta, grad, state: dict):
        """Δ for one parameter θ with gradient ``grad``; updates its ``state``."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum μ (heavy ball or Nesterov)."""

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ):
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0")
        super().__init__(params, lr)
        self.momentum, self.dampening = momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, nesterov

    def delta(self, theta, grad, state):
        g = grad + self.weight_decay * theta  # a new array: the state never aliases .grad
        if self.momentum:
            v = state.get("v")
            v = g if v is None else self.momentum * v + (1 - self.dampening) * g
            state["v"] = v
            g = g + self.momentum * v if self.nesterov else v
        return self.lr * g


class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011): each coordinate's step shrinks with the sum of its squared
    gradients; ``lr_decay`` further divides lr by 1 + (t - 1) lr_decay."""

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ):
        super().__init__(params, lr)
        self.lr_decay, self.weight_decay = lr_decay, weight_decay
        self.initial_accumulator_value, self.eps = initial_accumulator_value, eps

    def delta(self, theta, grad, state):
        g = grad + self.weight_decay * theta
        G = state["G"] = state.get("G", self.initial_accumulator_value) + g * g
        lr = self.lr / (1 + (state["step"] - 1) * self.lr_decay)
        return lr * g / (G**0.5 + self.eps)


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e): divide by a running root mean square of the gradients.

    ``centered`` subtracts the squared running mean of the gradients (a variance estimate);
    ``momentum`` μ > 0 keeps a buffer b_t = μ b_{t-1} + g_t / (sqrt(s_t) + eps) and steps lr b_t.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ):
        super().__init__(params, lr)
        self.alpha, self.eps, self.weight_decay = alpha, eps, weight_decay
        self.momentum, self.centered = momentum, centered

    def delta(self, theta, grad, state):
        g = grad + self.weight_decay * theta
        a = self.alpha
        s = state["s"] = a * state.get("s", 0.0) + (1 - a) * g * g
        if self.centered:
            mean = state["mean"] = a * state.get("mean", 0.0) + (1 - a) * g
            s = s - mean * mean
        step = g / (s**0.5 + self.eps)
        if self.momentum:
            step = state["b"] = self.momentum * state.get("b", 0.0) + step
        return self.lr * step


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): momentum m and RMSprop's v, both bias-corrected.

    ``weight_decay`` adds weight_decay * θ to the gradient (L2, as torch's Adam); with
    ``decoupled_weight_decay=True`` it instead shrinks θ by lr * weight_decay * θ outside the
    adaptive step (AdamW, Loshchilov & Hutter 2019; torch's AdamW).
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
    ):
        super().__init__(params, lr)
        self.betas, self.eps = betas, eps
        self.weight_decay, self.decoupled_weight_decay = weight_decay, decoupled_weight_decay

    def delta(self, theta, grad, state):
        beta1, beta2 = self.betas
        t = state["step"]
        g = grad + (0.0 if self.decoupled_weight_decay else self.weight_decay) * theta
        m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
        v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)  # unbiased for the zero start
        step = self.lr * m_hat / (v_hat**0.5 + self.eps)
        if self.decoupled_weight_decay:
            step = step + self.lr * self.weight_decay * theta
        return step


# --- Learning-rate schedules: the learning rate of step t = 0, 1, 2, ... ----------------------


def step_decay(t: int, lr: float, step_size: int, gamma: float = 0.1) -> float:
    """lr, multiplied by gamma every ``step_size`` steps (torch's StepLR)."""
    return lr * gamma ** (t // step_size)


def cosine(t: int, total: int, lr: float, lr_min: float = 0.0) -> float:
    """From lr at t = 0 down to lr_min at t = total along half a cosine (Loshchilov & Hutter
    2017; torch's CosineAnnealingLR with T_max = total), then lr_min."""
    t = min(t, total)
    return lr_min + (lr - lr_min) * (1 + math.cos(math.pi * t / total)) / 2


def linear_warmup(t: int, warmup: int, lr: float) -> float:
    """lr * (t + 1) / warmup for the first ``warmup`` steps, then lr. Wraps another schedule:
    ``linear_warmup(t, 100, cosine(t, total, 1e-3))``."""
    return lr * min(1.0, (t + 1) / warmup)
