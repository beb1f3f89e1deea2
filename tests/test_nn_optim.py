"""The scratch optimisers follow torch.optim step for step; the schedules equal torch's."""

import numpy as np
import pytest
import torch

from dlnlp.nn import optim
from dlnlp.nn.autograd import Tensor

STEPS = 100


def rosenbrock(xy):
    """f(x, y) = (1 - x)² + 100 (y - x²)², a curved valley; minimum at (1, 1)."""
    return (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2


_rng = np.random.default_rng(0)
_X = _rng.normal(size=(20, 5)) * np.array([3.0, 1.0, 1.0, 0.3, 0.1])  # ill-conditioned
_Y = _rng.normal(size=(20, 3))


def least_squares(W, b):
    """Mean squared error of a linear map, W (5, 3), b (3,), on fixed random data."""
    X, Y = (_X, _Y) if isinstance(W, Tensor) else (torch.tensor(_X), torch.tensor(_Y))
    return ((X @ W + b - Y) ** 2).mean()


PROBLEMS = {
    "rosenbrock": (rosenbrock, [np.array([-1.2, 1.0])]),
    "least squares": (least_squares, [_rng.normal(size=(5, 3)), np.zeros(3)]),
}

# Settings chosen so that a wrong convention shows (a large eps, a non-zero initial accumulator,
# dampening, weight decay): each would move the trajectory by more than 1e-6.
SETTINGS = [
    ("SGD", dict(lr=1e-3)),
    ("SGD", dict(lr=1e-3, weight_decay=0.1)),
    ("SGD", dict(lr=1e-3, momentum=0.9)),
    ("SGD", dict(lr=1e-3, momentum=0.9, dampening=0.5, weight_decay=0.01)),
    ("SGD", dict(lr=5e-4, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.3, initial_accumulator_value=1.0, eps=1e-3)),
    ("RMSprop", dict(lr=1e-2)),
    ("RMSprop", dict(lr=1e-2, alpha=0.9, eps=1e-2, weight_decay=0.1)),
    ("RMSprop", dict(lr=1e-3, momentum=0.9, centered=True)),
    ("RMSprop", dict(lr=1e-3, alpha=0.95, eps=0.1, centered=True)),
    ("Adam", dict(lr=1e-2)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-2)),
    ("Adam", dict(lr=1e-2, weight_decay=0.1)),
    ("Adam", dict(lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True)),
]


def trajectory(make_optimizer, f, start, make_param):
    """The parameters after each of STEPS steps of minimising f from start, as one (STEPS, n)
    array; make_param turns an array into a parameter (torch or autograd Tensor)."""
    params = [make_param(a.copy()) for a in start]
    opt = make_optimizer(params)
    path = []
    for _ in range(STEPS):
        opt.zero_grad()
        f(*params).backward()
        opt.step()
        path.append(np.concatenate([values(p).ravel() for p in params]))
    return np.array(path)


def values(p) -> np.ndarray:
    return p.detach().numpy().copy() if torch.is_tensor(p) else p.data.copy()


def torch_param(a):
    return torch.tensor(a, requires_grad=True)


@pytest.mark.parametrize("backend", ["torch", "autograd"])
@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize(
    "name, settings",
    SETTINGS,
    ids=[f"{n}({','.join(f'{k}={v}' for k, v in s.items())})" for n, s in SETTINGS],
)
def test_matches_torch_optim(name, settings, problem, backend):
    f, start = PROBLEMS[problem]
    ours = trajectory(
        lambda ps: getattr(optim, name)(ps, **settings),
        f,
        start,
        torch_param if backend == "torch" else Tensor,
    )
    reference = trajectory(
        lambda ps: getattr(torch.optim, name)(ps, **settings), f, start, torch_param
    )
    assert np.all(np.isfinite(reference))
    assert np.abs(reference[-1] - np.concatenate([a.ravel() for a in start])).max() > 0.01
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-6)


def test_decoupled_weight_decay_is_adamw():
    f, start = PROBLEMS["least squares"]
    settings = dict(lr=1e-2, weight_decay=0.5)
    ours = trajectory(
        lambda ps: optim.Adam(ps, decoupled_weight_decay=True, **settings), f, start, Tensor
    )
    adamw = trajectory(lambda ps: torch.optim.AdamW(ps, **settings), f, start, torch_param)
    np.testing.assert_allclose(ours, adamw, rtol=0, atol=1e-6)


def test_parameters_without_gradient_stay():
    a, b = torch_param(np.ones(2)), torch_param(np.ones(2))
    opt = optim.Adam([a, b], lr=0.1)
    (a**2).sum().backward()
    opt.step()
    assert b.grad is None and b.tolist() == [1.0, 1.0] and a.tolist() != [1.0, 1.0]
    assert "step" in opt.state[0] and opt.state[1] == {}
    opt.zero_grad()
    assert a.grad is None


def test_bad_settings():
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([torch_param(np.ones(2))], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="no parameters"):
        optim.SGD([], lr=0.1)


def lrs_of(scheduler_class, steps, **kwargs):
    """The learning rate torch uses at steps 0..steps-1 under a torch scheduler (lr = 1)."""
    opt = torch.optim.SGD([torch_param(np.ones(1))], lr=1.0)
    scheduler = scheduler_class(opt, **kwargs)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return lrs


def test_step_decay_is_steplr():
    expected = lrs_of(torch.optim.lr_scheduler.StepLR, 40, step_size=7, gamma=0.5)
    np.testing.assert_allclose([optim.step_decay(t, 1.0, 7, 0.5) for t in range(40)], expected)


def test_cosine_is_cosine_annealing():
    expected = lrs_of(torch.optim.lr_scheduler.CosineAnnealingLR, 31, T_max=30, eta_min=0.1)
    np.testing.assert_allclose([optim.cosine(t, 30, 1.0, 0.1) for t in range(31)], expected)
    assert optim.cosine(45, 30, 1.0, 0.1) == pytest.approx(0.1)  # stays at lr_min


def test_linear_warmup():
    expected = lrs_of(torch.optim.lr_scheduler.LinearLR, 20, start_factor=0.2, total_iters=4)
    np.testing.assert_allclose([optim.linear_warmup(t, 5, 1.0) for t in range(20)], expected)
    lrs = [optim.linear_warmup(t, 10, optim.cosine(t, 100, 1e-3)) for t in range(100)]
    assert np.argmax(lrs) == 9 and lrs[0] == pytest.approx(1e-4) and lrs[-1] < 1e-6


def test_a_schedule_drives_the_optimiser():
    f, start = PROBLEMS["least squares"]
    params = [torch_param(a.copy()) for a in start]
    reference = [torch_param(a.copy()) for a in start]
    ours, theirs = optim.SGD(params, lr=0.1), torch.optim.SGD(reference, lr=0.1)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(theirs, T_max=50)
    for t in range(50):
        ours.lr = optim.cosine(t, 50, 0.1)
        for opt, ps in [(ours, params), (theirs, reference)]:
            opt.zero_grad()
            f(*ps).backward()
            opt.step()
        scheduler.step()
    for p, r in zip(params, reference):
        np.testing.assert_allclose(p.detach().numpy(), r.detach().numpy(), rtol=0, atol=1e-10)
