"""Gradient checking: right gradients pass, planted bugs are caught and located, float32 is
flagged, kinks are told apart from bugs."""

import numpy as np
import pytest

from dlnlp.nn.autograd import Tensor, cross_entropy
from dlnlp.nn.gradcheck import gradcheck, numerical_gradient, relative_error


def mlp_problem(seed=0):
    """A tanh network's mean cross-entropy as f(W1, b1, W2) and its gradients by the autograd."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(8, 5)), rng.integers(0, 3, 8)
    params = [rng.normal(size=(5, 6)), rng.normal(size=6), rng.normal(size=(6, 3))]

    def f(W1, b1, W2):
        return cross_entropy((Tensor(X) @ W1 + b1).tanh() @ W2, y)

    tensors = [Tensor(p) for p in params]
    f(*tensors).backward()
    return f, params, [t.grad for t in tensors]  # f returns a Tensor: gradcheck takes .item()


def test_right_gradient_passes():
    f, params, grads = mlp_problem()
    before = [p.copy() for p in params]
    report = gradcheck(f, params, grads)
    assert report.passed and report.max_rel_error < 1e-7, str(report)
    assert not report.kinks and not report.warnings
    assert str(report).startswith("gradcheck passed")
    assert all(np.array_equal(p, b) for p, b in zip(params, before))  # inputs put back exactly


@pytest.mark.parametrize("where", [(0, (2, 3)), (1, (4,)), (2, (5, 0))])
def test_planted_error_is_caught_and_located(where):
    f, params, grads = mlp_problem()
    k, i = where
    grads[k][i] *= 1.01  # off by 1%
    report = gradcheck(f, params, grads)
    assert not report.passed and "FAILED" in str(report)
    assert (report.input, report.index) == where
    assert report.max_rel_error == pytest.approx(0.01 / 1.01, rel=1e-3)
    assert report.numeric == pytest.approx(grads[k][i] / 1.01, rel=1e-6)


def test_nan_fails():
    f, params, grads = mlp_problem()
    grads[1][2] = np.nan
    report = gradcheck(f, params, grads)
    assert not report.passed and report.max_rel_error == np.inf and report.index == (2,)


def test_classic_bugs_are_caught():
    rng = np.random.default_rng(0)
    A, x = rng.normal(size=(4, 3)), rng.normal(size=3)

    def f(A, x):  # f = |A x|², df/dx = 2 Aᵀ A x, df/dA = 2 (A x) xᵀ
        return np.sum((A @ x) ** 2)

    right = [2 * np.outer(A @ x, x), 2 * A.T @ (A @ x)]
    assert gradcheck(f, [A, x], right).passed
    assert not gradcheck(f, [A, x], [right[0] / 2, right[1] / 2]).passed  # forgot the 2
    wrong_outer = 2 * np.outer(A @ x, x[::-1])  # a permuted factor
    assert not gradcheck(f, [A, x], [wrong_outer, right[1]]).passed


def test_zero_gradients_are_not_false_alarms():
    # At ±π/2 the derivative is 0 and the numerical one is rounding noise (of f ≈ 100).
    x = np.array([1.0, -2.0, np.pi / 2, -np.pi / 2, 0.5])
    f = lambda x: 100 + 10 * np.sum(np.sin(x))  # noqa: E731
    report = gradcheck(f, x, 10 * np.cos(x))
    assert report.passed, str(report)
    no_floor = gradcheck(f, x, 10 * np.cos(x), tiny=1e-300)
    assert not no_floor.passed and no_floor.index in [(2,), (3,)]  # noise / noise: about 1


@pytest.mark.parametrize("what", ["input", "grad", "f"])
def test_float32_is_flagged(what):
    x = np.linspace(-1, 1, 5)
    grad = 2 * x
    if what == "input":
        x = x.astype(np.float32)
    if what == "grad":
        grad = grad.astype(np.float32)
    f = (lambda x: np.sum(x.astype(np.float32) ** 2)) if what == "f" else (lambda x: np.sum(x**2))
    with pytest.warns(RuntimeWarning, match="float32"):
        report = gradcheck(f, x, grad)
    assert not report.passed and "float64" in str(report)


def relu_problem(x):
    w = np.linspace(1.0, 2.0, x.size)
    return (lambda x: np.sum(w * np.maximum(x, 0.0))), w * (x > 0)  # relu'(0) = 0, as torch


def test_kinks_are_told_apart_from_bugs():
    x = np.array([-1.0, 0.0, 3e-6, -4e-6, 0.7])  # entries 1-3 are within h = 1e-5 of the kink
    f, grad = relu_problem(x)
    report = gradcheck(f, x, grad)
    assert report.passed and report.kinks == [(0, (1,)), (0, (2,)), (0, (3,))], str(report)
    assert report.max_rel_error < 1e-8 and "kink" in str(report)
    assert report.rel_errors[0][1] == pytest.approx(1.0)  # central: w/2, analytic: 0
    grad[2] *= 5  # wrong, and no one-sided slope either
    report = gradcheck(f, x, grad)
    assert not report.passed and report.index == (2,)
    assert report.kinks == [(0, (1,)), (0, (3,))]


def test_a_curve_is_not_a_kink():
    # f = -5 x² has f'(0) = 0 and one-sided slopes ±5e-5 at h = 1e-5: a wrong 3e-5 lies between
    # them, but their gap halves with h, so it is reported as an error, not as a kink.
    f = lambda x: -5 * np.sum(x**2)  # noqa: E731
    report = gradcheck(f, np.zeros(1), np.array([3e-5]))
    assert not report.passed and not report.kinks


def test_all_kinks():
    f, grad = relu_problem(np.zeros(2))
    report = gradcheck(f, np.zeros(2), grad)
    assert report.passed and report.input is None and len(report.kinks) == 2


def test_numerical_gradient_and_relative_error():
    x = np.array([[0.3, -1.2], [2.0, 0.1]])
    (n,) = numerical_gradient(lambda x: np.sum(np.exp(x)), x)
    np.testing.assert_allclose(n, np.exp(x), rtol=1e-9)
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert relative_error(0.0, 1e-12) == pytest.approx(1e-9)  # floor tiny = 1e-3


def test_bad_arguments():
    x = np.ones(3)
    with pytest.raises(ValueError, match="shapes"):
        gradcheck(lambda x: x.sum(), x, np.ones(4))
    with pytest.raises(TypeError, match="float NumPy arrays"):
        gradcheck(lambda x: sum(x), [1.0, 2.0], [1.0, 1.0])
    with pytest.raises(TypeError, match="int64"):
        gradcheck(lambda x: x.sum(), np.arange(3), np.ones(3))


def test_scalar_inputs_are_checked_like_arrays():
    def f(b):
        return float((3.0 * b) ** 2)

    assert gradcheck(f, [np.array(2.0)], [np.array(36.0)]).passed
    assert not gradcheck(f, [np.array(2.0)], [np.array(30.0)]).passed
